import * as tf from '@tensorflow/tfjs';

/** Saves a model to an in-memory file map as model.json + one shard. */
export async function modelToFiles(model: tf.LayersModel): Promise<Map<string, Uint8Array>> {
  let files = new Map<string, Uint8Array>();
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const json = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] };
      files = new Map([
        ['model.json', new TextEncoder().encode(JSON.stringify(json))],
        ['group1-shard1of1.bin', new Uint8Array(a.weightData as ArrayBuffer)],
      ]);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files;
}

