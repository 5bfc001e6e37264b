/**
 * The current analysis as a zip (Session.exportBundle): its bundle, plus the model's files and the
 * images' pixels when at hand, and the view on screen (view.json) so an import reopens it.
 */
import { zipFiles } from '../core/bundle/zip';
import { modelChannel, pixelOf } from '../core/image/denormalise';
import type { Analysis } from './analysis';
import type { Current } from './analysisInputs';
import type { Manifest } from './bundleFiles';
import { VIEW_FILE, viewFile } from './bundleView';

export async function exportBundle(a: Analysis, c: Current, view?: string): Promise<Uint8Array> {
  const files = new Map(a.bundle.files);
  const man: Manifest = JSON.parse(JSON.stringify(a.manifest));
  if (c.modelFiles) {
    for (const [k, v] of c.modelFiles) files.set(`model/${k.split('/').pop()}`, v);
    const json = [...c.modelFiles.keys()].find((k) => k.split('/').pop() === 'model.json') ?? 'model.json';
    man.model = { ...man.model, path: `model/${json.split('/').pop()}` };
  }
  if (!man.inputs && c.inputs?.kind === 'pixels') {
    const { u8, h, w, c: ch } = c.inputs;
    files.set('inputs/pixels.u8', u8.slice(0, a.count * h * w * ch));
    man.inputs = { file: 'inputs/pixels.u8', dtype: 'uint8', shape: [a.count, h, w, ch] };
  } else if (!man.inputs && c.inputs?.kind === 'set') {
    // Model-input floats back to the 0-255 pixels they were made from (x = (px/255·scale + offset − mean)/std).
    const { data, p } = c.inputs;
    const ch = p.channels;
    const n = a.count * p.height * p.width * ch;
    const u8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % ch;
      u8[i - k + modelChannel(p, k)] = pixelOf(data[i], p, k); // BGR inputs back to RGB pixels
    }
    files.set('inputs/pixels.u8', u8);
    man.inputs = { file: 'inputs/pixels.u8', dtype: 'uint8', shape: [a.count, p.height, p.width, ch] };
    man.preprocessing = p;
  }
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(man, null, 1)));
  if (view) files.set(VIEW_FILE, viewFile(view));
  return zipFiles(files);
}
