/**
 * A LayersModel to and from a folder in Node without tfjs-node (`model.save('file://')` needs it):
 * a save handler that writes model.json and its weight shard(s), and a load handler whose `load()`
 * reads them back, each problem a one-line ModelError naming the file (model.json truncated or not
 * JSON, a shard missing, shards of the wrong size). `loadModelFromDisk` (modelFiles.ts) is the
 * analysis loader with the engine's extra checks (layer classes, NaN weights); this is the plain
 * tfjs round trip the training scripts use.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, promises as fs, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CodecError } from '../core/errors';
import { readWeights } from '../core/model/load';
import { collectModelFiles } from '../core/model/modelSource';
import { diskShardReader } from './modelFiles';

export interface SaveModelOptions {
  /** Largest shard in bytes; weights are split into group1-shard{i}of{n}.bin (default 4 MiB, as tfjs' converter). */
  shardBytes?: number;
}

/** Writes `dir`/model.json and its shard(s); returns the weight bytes and the shard file names. */
export async function saveModelToDir(model: tf.LayersModel, dir: string, { shardBytes = 4 * 1024 * 1024 }: SaveModelOptions = {}): Promise<{ bytes: number; shards: string[] }> {
  if (!Number.isInteger(shardBytes) || shardBytes < 4) throw new CodecError('InputError', `saveModelToDir: shardBytes must be an integer >= 4, but got ${shardBytes}.`);
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const shards: string[] = [];
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData!]));
      bytes = data.length;
      const n = Math.max(1, Math.ceil(bytes / shardBytes));
      for (let i = 0; i < n; i++) {
        const name = `group1-shard${i + 1}of${n}.bin`;
        writeFileSync(path.join(dir, name), data.subarray(i * shardBytes, Math.min(bytes, (i + 1) * shardBytes)));
        shards.push(name);
      }
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: shards, weights: a.weightSpecs }],
      };
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes } };
    }),
  );
  return { bytes, shards };
}

/** The model.json path for a folder or a model.json path. */
function modelJsonPathOf(p: string): string {
  try {
    if (statSync(p).isDirectory()) return path.join(p, 'model.json');
  } catch {
    // Not there: load() names it.
  }
  return p;
}

/**
 * A tfjs IOHandler whose load() reads `modelJsonPath` (or `<dir>/model.json`) and its shards from
 * disk, for a LayersModel (tf.loadLayersModel) or a GraphModel (tf.loadGraphModel).
 */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  const jsonPath = modelJsonPathOf(modelJsonPath);
  return {
    load: async () => {
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(jsonPath);
      } catch {
        throw new CodecError('ModelError', `${jsonPath}: cannot read the file (does it exist?).`);
      }
      const { json, files } = await collectModelFiles(bytes, jsonPath, diskShardReader(path.dirname(jsonPath), path.basename(jsonPath)));
      const { weightSpecs, weightData } = readWeights(json, files);
      return { modelTopology: json.modelTopology as object, weightSpecs, weightData, format: json.format, generatedBy: json.generatedBy as string | undefined };
    },
  };
}

/** Loads the LayersModel in a folder (or at a model.json path) written by saveModelToDir or tfjs' converter. */
export async function loadModelFromDir(modelPath: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(modelPath));
}
