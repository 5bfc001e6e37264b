/**
 * Writes small converted-GraphModel files (model.json + one shard) the way tfjs-converter does:
 * format "graph-model", modelTopology = a TensorFlow GraphDef as JSON ({node: [{name, op, input,
 * attr}], versions}), attribute values as in the GraphDef proto's JSON form (strings base64,
 * int64 as decimal strings, types as DT_* names), weights of the Const nodes in weightsManifest.
 */
import * as tf from '@tensorflow/tfjs';

type Attr = Record<string, unknown>;
interface Node {
  name: string;
  op: string;
  input?: string[];
  attr?: Attr;
}

const b64 = (s: string) => btoa(s);
export const A = {
  T: { type: 'DT_FLOAT' },
  s: (v: string) => ({ s: b64(v) }),
  i: (v: number) => ({ i: String(v) }),
  b: (v: boolean) => ({ b: v }),
  f: (v: number) => ({ f: v }),
  ints: (v: number[]) => ({ list: { i: v.map(String) } }),
  strs: (v: string[]) => ({ list: { s: v.map(b64) } }),
  type: (t: 'DT_FLOAT' | 'DT_INT32') => ({ type: t }),
  shape: (dims: number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

export class GraphBuilder {
  private nodes: Node[] = [];
  private weights: { name: string; shape: number[]; dtype: 'float32' | 'int32'; data: Float32Array | Int32Array }[] = [];

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: A.type('DT_FLOAT'), shape: A.shape(shape) } });
    return name;
  }

  /** A weight (Const) node with the values of `t`. */
  const(name: string, t: tf.Tensor): string {
    const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
    const dt = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({ name, op: 'Const', attr: { dtype: A.type(dt), value: { tensor: { dtype: dt, tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } } } } });
    this.weights.push({ name, shape: t.shape, dtype, data: t.dataSync() as Float32Array | Int32Array });
    return name;
  }

  op(name: string, op: string, input: string[], attr: Attr = {}): string {
    this.nodes.push({ name, op, input, attr: { T: A.T, ...attr } });
    return name;
  }

  conv(name: string, x: string, kernel: tf.Tensor, bias: tf.Tensor | null, { strides = 1, padding = 'SAME', fused = [] as string[] } = {}): string {
    const w = this.const(`${name}/kernel`, kernel);
    const attr = { strides: A.ints([1, strides, strides, 1]), padding: A.s(padding), data_format: A.s('NHWC'), dilations: A.ints([1, 1, 1, 1]), use_cudnn_on_gpu: A.b(true), explicit_paddings: { list: {} } };
    if (fused.length) {
      const b = this.const(`${name}/bias`, bias!);
      return this.op(`${name}/${fused[fused.length - 1]}`, '_FusedConv2D', [x, w, b], { ...attr, fused_ops: A.strs(fused), num_args: A.i(1), epsilon: A.f(0) });
    }
    let y = this.op(`${name}/Conv2D`, 'Conv2D', [x, w], attr);
    if (bias) y = this.op(`${name}/BiasAdd`, 'BiasAdd', [y, this.const(`${name}/bias`, bias)], { data_format: A.s('NHWC') });
    return y;
  }

  /** model.json + shard, as tfjs-converter writes them. */
  files(outputs?: string[]): Map<string, Uint8Array> {
    const bytes = this.weights.map((w) => new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
    const total = bytes.reduce((s, b) => s + b.length, 0);
    const shard = new Uint8Array(total);
    let off = 0;
    for (const b of bytes) {
      shard.set(b, off);
      off += b.length;
    }
    const json = {
      format: 'graph-model',
      generatedBy: '2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      ...(outputs ? { signature: { inputs: {}, outputs: Object.fromEntries(outputs.map((o, i) => [`output_${i}`, { name: `${o}:0` }])) } } : {}),
      modelTopology: { node: this.nodes, library: {}, versions: { producer: 1482 } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: this.weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
    };
    return new Map([
      ['model.json', new TextEncoder().encode(JSON.stringify(json))],
      ['group1-shard1of1.bin', shard],
    ]);
  }
}

/**
 * The GraphModel of tests/helpers/models.ts' residualCnn with the same weights, in the node
 * styles the converter emits: c1 unfused (Conv2D, BiasAdd, Relu), c2 and c3 as _FusedConv2D with
 * BiasAdd+Relu, the residual AddV2, Relu, GlobalAveragePooling as Mean, the Dense as _FusedMatMul,
 * an Identity output. `head` appends an op after `r/Relu` (e.g. DepthToSpace, which tfjs cannot
 * differentiate), an AvgPool and a Tile before c3, to test refusals. `batch` 1 fixes the batch axis
 * (as some converted models do). `softmax` puts a Softmax op before the output Identity.
 */
export function residualGraphFiles(model: tf.LayersModel, { head, batch = -1, softmax = false }: { head?: 'DepthToSpace'; batch?: number; softmax?: boolean } = {}): { files: Map<string, Uint8Array>; nodes: Record<string, string> } {
  const w = (layer: string) => model.getLayer(layer).getWeights();
  const g = new GraphBuilder();
  const x = g.placeholder('inp', [batch, ...(model.inputs[0].shape.slice(1) as number[])]);
  const c1 = g.op('c1/Relu', 'Relu', [g.conv('c1', x, w('c1')[0], w('c1')[1])]);
  const c2 = g.conv('c2', c1, w('c2')[0], w('c2')[1], { fused: ['BiasAdd', 'Relu'] });
  const add = g.op('add/add', 'AddV2', [c1, c2]);
  let r = g.op('r/Relu', 'Relu', [add]);
  if (head === 'DepthToSpace') {
    // 8x8x4 -> 16x16x1 -> avg pool back to 8x8x1, tiled to 4 channels so c3's kernel still fits.
    const d2s = g.op('d2s/DepthToSpace', 'DepthToSpace', [r], { block_size: A.i(2), data_format: A.s('NHWC') });
    const pool = g.op('d2s/AvgPool', 'AvgPool', [d2s], { ksize: A.ints([1, 2, 2, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.s('VALID'), data_format: A.s('NHWC') });
    r = g.op('d2s/Tile', 'Tile', [pool, g.const('d2s/multiples', tf.tensor1d([1, 1, 1, 4], 'int32'))], { Tmultiples: A.type('DT_INT32') });
  }
  const c3 = g.conv('c3', r, w('c3')[0], w('c3')[1], { strides: 2, fused: ['BiasAdd', 'Relu'] });
  const gap = g.op('gap/Mean', 'Mean', [c3, g.const('gap/axes', tf.tensor1d([1, 2], 'int32'))], { Tidx: A.type('DT_INT32'), keep_dims: A.b(false) });
  const wl = w('logits');
  const logits = g.op('logits/BiasAdd', '_FusedMatMul', [gap, g.const('logits/kernel', wl[0]), g.const('logits/bias', wl[1])], {
    transpose_a: A.b(false),
    transpose_b: A.b(false),
    fused_ops: A.strs(['BiasAdd']),
    num_args: A.i(1),
    epsilon: A.f(0),
  });
  // `softmax`: a Keras Dense(..., activation='softmax') as the converter writes it (Softmax, then the Identity).
  const out = g.op('Identity', 'Identity', [softmax ? g.op('Softmax', 'Softmax', [logits]) : logits]);
  return { files: g.files([out]), nodes: { c1, c2, add, r, c3, gap, logits } };
}
