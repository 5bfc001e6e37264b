/** The demo image set is offered only to a model it fits (imageSetFit.ts, #17). */
import { describe, expect, it } from 'vitest';
import { DEMO_SET_SHAPES, imageSetFit } from './imageSetFit';

const fashion = DEMO_SET_SHAPES['demo/fashion/test2000.json'];

describe('imageSetFit', () => {
  it('fits a 28x28x1 model with the Fashion-MNIST classes, or with 10 unnamed outputs', () => {
    expect(imageSetFit(fashion, { inputShape: [28, 28, 1], numClasses: 10, classNames: fashion.classNames.map((n) => n.toUpperCase()) })).toBeNull();
    expect(imageSetFit(fashion, { inputShape: [28, 28, 1], numClasses: 10, classNames: null })).toBeNull();
  });

  it('says why not for another input, class count or class names', () => {
    expect(imageSetFit(fashion, { inputShape: [224, 224, 3], numClasses: 5, classNames: null })).toBe('it is 28×28×1 with 10 classes; this model takes 224×224×3 with 5 classes');
    expect(imageSetFit(fashion, { inputShape: [28, 28, 1], numClasses: 5, classNames: null })).toMatch(/has 10 classes; this model has 5 outputs/);
    expect(imageSetFit(fashion, { inputShape: [28, 28, 1], numClasses: 10, classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] })).toMatch(/its classes \(T-shirt\/top, Trouser, Pullover, \.\.\.\) are not this model's \(a, b, c, \.\.\.\)/);
  });
});
