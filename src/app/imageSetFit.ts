/**
 * Whether a demo image set fits the loaded model (#17: the 28x28x1, 10-class Fashion-MNIST test set
 * was offered to, and loaded silently for, a 224x224x3, 5-class model): same input size and
 * channels, one class per model output, and the model's class names (when it has them) the set's.
 * null when it fits, else why not, in one line (about the set: "it is 28×28×1 ...").
 */
import type { ModelInfo } from '../worker/api';

export interface ImageSetShape {
  label: string;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
}

/** What the shipped demo sets hold (public/demo/fashion/test2000.json), by URL. */
export const DEMO_SET_SHAPES: Record<string, ImageSetShape> = {
  'demo/fashion/test2000.json': { label: 'Fashion-MNIST test set', height: 28, width: 28, channels: 1, classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] },
};

const list = (xs: string[]) => xs.slice(0, 3).join(', ') + (xs.length > 3 ? ', ...' : '');

export function imageSetFit(set: ImageSetShape, model: Pick<ModelInfo, 'inputShape' | 'numClasses' | 'classNames'>): string | null {
  const [h, w, c] = model.inputShape;
  const setShape = `${set.height}×${set.width}×${set.channels} with ${set.classNames.length} classes`;
  if (h !== set.height || w !== set.width || c !== set.channels) return `it is ${setShape}; this model takes ${model.inputShape.join('×')} with ${model.numClasses} classes`;
  if (model.numClasses !== set.classNames.length) return `it has ${set.classNames.length} classes; this model has ${model.numClasses} outputs`;
  if (model.classNames) {
    const lower = set.classNames.map((n) => n.toLowerCase());
    if (model.classNames.some((n, i) => n.toLowerCase() !== lower[i])) return `its classes (${list(set.classNames)}) are not this model's (${list(model.classNames)})`;
  }
  return null;
}
