import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { Executor } from '../src/core/model/executor';
import { conductance } from '../src/core/attribution/conductance';
await useNodeBackend((process.argv[2] as 'wasm') ?? 'wasm');
const m = tf.sequential();
m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }));
m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }));
m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv3' }));
m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv4' }));
m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
m.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv5' }));
m.add(tf.layers.globalAveragePooling2d({}));
m.add(tf.layers.dense({ units: 10 }));
const exec = new Executor(m);
const x = tf.randomUniform([32, 28, 28, 1]);
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  await conductance(exec, x, { layers: ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'], steps: 10 });
  console.log('conductance 32 imgs x 10 steps, 5 layers:', (performance.now() - t).toFixed(0), 'ms');
}
const t = performance.now();
tf.tidy(() => { const xs = tf.tile(x, [11, 1, 1, 1]); tf.grad((xx: tf.Tensor) => tf.sum(m.apply(xx) as tf.Tensor))(xs).dataSync(); });
console.log('floor fwd+bwd 352:', (performance.now() - t).toFixed(0), 'ms');
const p = await tf.profile(async () => { await conductance(exec, x, { layers: ['conv1', 'conv5'], steps: 10 }); });
const agg = new Map<string, number>();
for (const k of p.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 8));
