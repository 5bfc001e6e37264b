/**
 * The model an exported bundle carries (its files in model.path's folder), read as its
 * model.json names them: the shards are the weightsManifest's paths, whatever their names (some
 * converters write `group1-shard1of1`, no `.bin`), plus card.json when present. A model that
 * cannot be read or loaded is a one-line reason (naming a missing shard), never dropped silently.
 */
import { errorInfo } from '../core/errors';
import { collectModelFiles } from '../core/model/modelSource';
import { loadModel, type LoadedWorkerModel } from './model';

export async function modelFromBundleFiles(files: Map<string, Uint8Array>, modelPath: string): Promise<{ model: LoadedWorkerModel | null; note: string | null }> {
  const dir = modelPath.includes('/') ? modelPath.slice(0, modelPath.lastIndexOf('/') + 1) : '';
  const json = files.get(modelPath);
  if (!json) return { model: null, note: `The bundle names its model ${modelPath}, but the zip has no such file, so there are no heatmaps and no ablation (export the analysis again with its model loaded).` };
  try {
    const got = await collectModelFiles(json, modelPath.slice(dir.length), async (p) => files.get(dir + p) ?? { missing: `the zip has no ${dir + p}` });
    const card = files.get(`${dir}card.json`);
    if (card) got.files.set('card.json', card);
    return { model: await loadModel(got.files, 'bundle'), note: null };
  } catch (e) {
    return { model: null, note: `The bundle's model could not be loaded, so there are no heatmaps and no ablation: ${errorInfo(e).message}` };
  }
}
