/**
 * The model an exported bundle carries (its files in model.path's folder), read as its
 * model.json names them: the shards are the weightsManifest's paths, whatever their names (some
 * converters write `group1-shard1of1`, no `.bin`), plus card.json when present. A model that
 * cannot be read or loaded is a one-line reason (naming a missing shard), never dropped silently.
 */
import { errorInfo } from '../core/errors';
import { collectModelFiles } from '../core/model/modelSource';
import type { BundleManifest } from '../core/bundle/manifest';
import { fetchModelFiles, loadModel, type LoadedWorkerModel } from './model';

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

/**
 * The bundle's own model (same origin), for heatmaps: the user's (`user`) or the one on screen
 * (`shown`) if it is the same one, else loaded from model.path; a bundle without a reachable
 * model still browses (model null).
 */
export async function bundleOwnModel(man: BundleManifest, files: Map<string, Uint8Array>, baseUrl: string | null, isUrl: boolean, user: LoadedWorkerModel | null, shown: LoadedWorkerModel | null): Promise<{ model: LoadedWorkerModel | null; modelNote: string | null }> {
  const modelUrl = baseUrl && man.model.path ? new URL(man.model.path, baseUrl).href : null;
  let model: LoadedWorkerModel | null = null;
  if (user?.info.hash === man.model.sha256) model = user;
  else if (shown?.info.hash === man.model.sha256) model = shown;
  else if (modelUrl) model = await loadModel(await fetchModelFiles(modelUrl), modelUrl).catch(() => null);
  let modelNote: string | null = null;
  if (!model && !modelUrl && !isUrl && man.model.path) {
    // An exported bundle carries its model: model.json and the shards its manifest names (bundleModel.ts).
    ({ model, note: modelNote } = await modelFromBundleFiles(files, man.model.path));
  }
  return { model, modelNote };
}
