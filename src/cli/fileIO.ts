/**
 * Saving a tfjs LayersModel to a folder in Node without tfjs-node (`model.save('file://')` needs
 * it): a save handler that writes model.json and one weight shard. Loading is
 * `loadModelFromDisk` (modelFiles.ts), which validates every file.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export async function saveModelToDir(model: tf.LayersModel, dir: string, shardName = 'group1-shard1of1.bin'): Promise<{ bytes: number }> {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(a.weightData as ArrayBuffer);
      bytes = data.length;
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [shardName], weights: a.weightSpecs }],
      };
      writeFileSync(path.join(dir, shardName), data);
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes } };
    }),
  );
  return { bytes };
}
