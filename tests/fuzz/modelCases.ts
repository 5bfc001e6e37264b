/**
 * Model cases: mutations of the shipped fashion-cnn model (model.json and its one shard). The first
 * set goes through the CLI's loader (model.json in a folder); the second, from the former
 * tests/hostileInputs.test.ts, through the worker's (loadHookableModel on the dropped files' map).
 */
import { concat, dec, enc, flip, flipBits, jpegOf, nested, pngOf, positions, truncate } from './mutations';
import type { FuzzCase, FuzzSources } from './types';

const SHARD = 'group1-shard1of1.bin';

interface Manifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  modelTopology: { config: { layers: { class_name: string }[] } };
  [k: string]: unknown;
}

/** Through loadHookableFromDisk (the CLI). */
export function modelCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const add = (id: string, json: Uint8Array | string, shard: Uint8Array | null, names: string, expect: FuzzCase['expect'], entry = 'model.json', shardName = SHARD) => {
    const files = new Map<string, Uint8Array>([[entry, typeof json === 'string' ? enc(json) : json]]);
    if (shard) files.set(shardName, shard);
    out.push({ id: `model/${id}`, target: 'model', entry, files, names, expect });
  };
  const base = () => JSON.parse(dec(src.modelJson)) as Manifest;
  const edit = (id: string, f: (m: Manifest) => void, names: string, expect: FuzzCase['expect'] = 'error') => {
    const m = base();
    f(m);
    add(id, JSON.stringify(m), src.shard, names, expect);
  };
  /** model.json with its first layer replaced by `depth` nested arrays (spliced as text: JSON.stringify would overflow the stack). */
  const nestedLayer = (depth: number) => JSON.stringify({ ...base(), modelTopology: { ...base().modelTopology, config: { ...base().modelTopology.config, layers: ['@@'] } } }).replace('"@@"', nested(depth));
  const J = src.modelJson.length;
  const S = src.shard.length;

  // model.json: truncated, zero bytes, flipped bytes, not JSON, not an object, wrong content.
  for (const n of [0, 1, 2, 10, 100, 1000, Math.floor(J / 3), Math.floor(J / 2), J - 100, J - 2, J - 1]) add(`json-truncated-${n}`, truncate(src.modelJson, n), src.shard, 'model.json', 'error');
  for (let k = 0; k < 16; k++) add(`json-flip-${k}`, flip(src.modelJson, [Math.floor(r() * J)]), src.shard, 'model.json', 'any');
  for (let k = 0; k < 4; k++) add(`json-flip8-${k}`, flip(src.modelJson, positions(8, J, r)), src.shard, 'model.json', 'any');
  for (const [id, text] of [['null', 'null'], ['array', '[]'], ['number', '42'], ['string', '"model"'], ['empty-object', '{}'], ['utf16', '\ufeff{'], ['binary', dec(src.shard.subarray(0, 500))]] as const) add(`json-${id}`, text, src.shard, 'model.json', 'error');
  add('json-is-the-shard', src.shard, src.shard, 'model.json', 'error');
  add('json-is-a-png', pngOf(4, 4, (i) => i), src.shard, 'model.json', 'error');
  for (const d of [250, 1000, 100_000]) add(`json-nested-${d}`, nestedLayer(d), src.shard, 'model.json', 'error');
  add('json-nested-raw-1e6', `{"modelTopology": ${nested(1_000_000)}, "weightsManifest": []}`, src.shard, 'model.json', 'error');

  // The weights manifest: dtypes, shapes, names, paths.
  for (const dt of ['float64', 'string', 'complex64', 'uint8', 'int16', 'bfloat16', '', 'FLOAT32']) edit(`dtype-${dt || 'empty'}`, (m) => (m.weightsManifest[0].weights[0].dtype = dt), dt === 'uint8' || dt === 'int16' ? SHARD : 'model.json');
  edit('dtype-int32', (m) => (m.weightsManifest[0].weights[3].dtype = 'int32'), 'model.json', 'any');
  edit('dtype-number', (m) => ((m.weightsManifest[0].weights[0] as { dtype: unknown }).dtype = 32), 'model.json');
  const shapes: [string, unknown][] = [
    ['bigger', [3, 3, 1, 17]], ['smaller', [3, 3, 1, 15]], ['permuted', [16, 1, 3, 3]], ['flat', [144]], ['scalar', []], ['negative', [3, 3, -1, 16]],
    ['fraction', [3, 3, 1.5, 16]], ['string', '3x3'], ['null', null], ['strings', ['3', '3', '1', '16']], ['nan', [3, 3, null, 16]],
    ['huge', [100000, 100000, 1, 16]], ['huge-2^31', [2 ** 31]], ['huge-1e300', [1e300]], ['zero', [0, 3, 1, 16]], ['many-dims', Array(64).fill(1)],
  ];
  for (const [id, shape] of shapes) edit(`shape-${id}`, (m) => ((m.weightsManifest[0].weights[0] as { shape: unknown }).shape = shape), id === 'permuted' || id === 'flat' || id === 'scalar' ? 'model.json' : id === 'bigger' || id === 'smaller' || id === 'zero' ? SHARD : 'model.json');
  edit('weight-renamed', (m) => (m.weightsManifest[0].weights[0].name = 'nope/kernel'), 'model.json');
  edit('weight-duplicated', (m) => m.weightsManifest[0].weights.push({ ...m.weightsManifest[0].weights[1] }), SHARD);
  edit('weight-dropped', (m) => m.weightsManifest[0].weights.shift(), SHARD);
  edit('weights-swapped', (m) => {
    const w = m.weightsManifest[0].weights;
    [w[1], w[2]] = [w[2], w[1]]; // gamma and beta: same shape, values swapped; still a model
  }, 'model.json', 'any');
  edit('weight-no-name', (m) => delete (m.weightsManifest[0].weights[0] as { name?: string }).name, 'model.json');
  edit('manifest-missing', (m) => delete (m as { weightsManifest?: unknown }).weightsManifest, 'model.json');
  edit('manifest-object', (m) => ((m as { weightsManifest: unknown }).weightsManifest = { paths: [SHARD] }), 'model.json');
  edit('manifest-no-paths', (m) => delete (m.weightsManifest[0] as { paths?: string[] }).paths, 'model.json');
  edit('path-escapes', (m) => (m.weightsManifest[0].paths = ['../../etc/passwd']), 'model.json');
  edit('path-absolute', (m) => (m.weightsManifest[0].paths = ['/etc/passwd']), 'model.json');
  edit('path-wrong-name', (m) => (m.weightsManifest[0].paths = ['weights.bin']), 'weights.bin');
  edit('path-two-shards', (m) => m.weightsManifest[0].paths.push('group1-shard2of2.bin'), 'group1-shard2of2.bin');
  edit('topology-missing', (m) => delete (m as { modelTopology?: unknown }).modelTopology, 'model.json');
  edit('layer-lambda', (m) => (m.modelTopology.config.layers[1].class_name = 'Lambda'), 'model.json');
  edit('layer-unknown', (m) => (m.modelTopology.config.layers[2].class_name = 'MyCustomLayer'), 'model.json');
  // Wiring: tfjs' deserializer loops forever on a node naming a missing layer or a node index never made.
  type Wired = { name: string; inbound_nodes: [string, number, number, object][][] };
  edit('inbound-dangling', (m) => ((m.modelTopology.config.layers[3] as unknown as Wired).inbound_nodes[0][0][0] = 'conv9_conv'), 'model.json');
  edit('inbound-node-index', (m) => ((m.modelTopology.config.layers[3] as unknown as Wired).inbound_nodes[0][0][1] = 7), 'model.json');
  edit('output-dangling', (m) => ((m.modelTopology.config as unknown as { output_layers: unknown[] }).output_layers = [['nope', 0, 0]]), 'model.json');
  edit('layers-empty', (m) => (m.modelTopology.config.layers = []), 'model.json');
  edit('format-graph', (m) => (m.format = 'graph-model'), 'model.json');

  // The shard: truncated, empty, padded, flipped bytes, NaN and Inf weights, missing.
  for (const n of [0, 1, 4, 1000, Math.floor(S / 2), S - 4, S - 1]) add(`shard-truncated-${n}`, src.modelJson, truncate(src.shard, n), SHARD, 'error');
  add('shard-padded', src.modelJson, concat(src.shard, new Uint8Array(4)), SHARD, 'error');
  add('shard-doubled', src.modelJson, concat(src.shard, src.shard), SHARD, 'error');
  add('shard-missing', src.modelJson, null, SHARD, 'error');
  for (let k = 0; k < 10; k++) add(`shard-flip-${k}`, src.modelJson, flip(src.shard, [Math.floor(r() * S)]), SHARD, 'any');
  for (let k = 0; k < 3; k++) add(`shard-flip100-${k}`, src.modelJson, flip(src.shard, positions(100, S, r)), SHARD, 'any');
  // NaN / Inf at a random value of a few weights: refused, naming the weight.
  const weights = base().weightsManifest[0].weights;
  const offsets: { name: string; offset: number; count: number }[] = [];
  let off = 0;
  for (const w of weights) {
    const count = w.shape.reduce((p, d) => p * d, 1);
    offsets.push({ name: w.name, offset: off, count });
    off += count * 4;
  }
  for (const [i, value] of [[0, NaN], [3, Infinity], [6, -Infinity], [15, NaN], [16, Infinity], [17, NaN], [26, Infinity]] as const) {
    const w = offsets[i];
    const shard = src.shard.slice();
    new DataView(shard.buffer).setFloat32(w.offset + 4 * Math.floor(r() * w.count), value, true);
    add(`shard-${String(value)}-in-${w.name}`, src.modelJson, shard, w.name, 'error');
  }
  // Wrong file names and extensions.
  add('entry-named-txt', src.modelJson, src.shard, 'model.txt', 'ok', 'model.txt');
  add('shard-named-png', src.modelJson, src.shard, SHARD, 'error', 'model.json', 'group1-shard1of1.png');
  add('entry-is-a-jpeg', jpegOf(8, 8, (i) => i), src.shard, 'model.jpg', 'error', 'model.jpg');
  add('image-as-shard', src.modelJson, pngOf(8, 8, (i) => i), SHARD, 'error');
  return out;
}

/**
 * Through loadHookableModel on the file map (the worker's dropped files); `r` draws the flipped bits.
 * A manifest edit that changes the bytes the weights need is refused on the shard's size, naming the shard.
 */
export function workerModelCases(src: FuzzSources, r: () => number): FuzzCase[] {
  const out: FuzzCase[] = [];
  const base = () => JSON.parse(dec(src.modelJson)) as { weightsManifest: Manifest['weightsManifest']; modelTopology: unknown; format?: string };
  const files = (json: Uint8Array | string | object, shard: Uint8Array | null = src.shard, shardName = SHARD, jsonName = 'model.json') => {
    const m = new Map<string, Uint8Array>([[jsonName, typeof json === 'string' ? enc(json) : json instanceof Uint8Array ? json : enc(JSON.stringify(json))]]);
    if (shard) m.set(shardName, shard);
    return m;
  };
  const add = (id: string, f: Map<string, Uint8Array>, names: string, expect: FuzzCase['expect'] = 'error', entry = 'model.json') =>
    out.push({ id: `model-files/${id}`, target: 'model-files', entry, files: f, names, expect });
  const edited = (edit: (m: ReturnType<typeof base>) => void) => {
    const m = base();
    edit(m);
    return files(m);
  };
  const J = src.modelJson.length;

  // Truncated model.json at 20 points; truncated, padded and missing shard; not a model.json at all.
  for (let i = 1; i <= 20; i++) add(`json-truncated-${i * 5}pct`, files(truncate(src.modelJson, Math.floor((J * i * 5) / 100) - 1)), 'model.json');
  for (const f of [0, 0.1, 0.5, 0.9, 0.999]) add(`shard-truncated-${f * 100}pct`, files(src.modelJson, truncate(src.shard, Math.floor(src.shard.length * f))), SHARD);
  add('shard-padded-4', files(src.modelJson, concat(src.shard, new Uint8Array(4))), SHARD);
  add('shard-missing', files(src.modelJson, null), SHARD);
  add('json-zero-bytes', files(new Uint8Array()), 'model.json');
  add('json-missing', new Map([[SHARD, src.shard]]), 'model.json');
  add('json-is-a-png', files(src.fixtures.get('one.png')!), 'model.json');
  add('json-utf16', files(new Uint8Array(Buffer.from(dec(src.modelJson), 'utf16le'))), 'model.json');
  add('json-array', files('[1,2,3]'), 'model.json');
  add('json-null', files('null'), 'model.json');
  add('json-number', files('42'), 'model.json');
  add('entry-named-txt', files(src.modelJson, src.shard, SHARD, 'model.txt'), 'model.txt', 'any', 'model.txt');
  // Flipped bits in model.json (most break the JSON or a name; some still load) and in the shard
  // (still a model with other weights, or NaN/Inf weights refused).
  for (let i = 0; i < 30; i++) add(`json-flipbits${1 + (i % 3)}-${i}`, files(flipBits(src.modelJson, 1 + (i % 3), r)), 'model.json', 'any');
  for (let i = 0; i < 10; i++) add(`shard-flipbits8-${i}`, files(src.modelJson, flipBits(src.shard, 8, r)), 'model.json', 'any');
  // NaN and Inf weights at the first float, one inside, the last.
  for (const [label, v] of [['NaN', NaN], ['Inf', Infinity], ['-Inf', -Infinity]] as const) {
    for (const at of [0, 1000, src.shard.length / 4 - 1]) {
      const bad = src.shard.slice();
      new Float32Array(bad.buffer)[at] = v;
      add(`shard-${label}-at-float-${at}`, files(src.modelJson, bad), 'model.json');
    }
  }
  // The weights manifest: dtypes, shapes, names, paths.
  for (const dtype of ['float64', 'int8', 'complex64', 'string', 'bool', '', 'float16']) add(`dtype-${dtype || 'empty'}`, edited((x) => (x.weightsManifest[0].weights[0].dtype = dtype)), ['int8', 'bool', 'float16'].includes(dtype) ? SHARD : 'model.json');
  const shapes: [unknown, string][] = [
    [[], SHARD], [[3, 3, 1], SHARD], [[3, 3, 1, 16, 1], 'model.json'], [[-3, 3, 1, 16], 'model.json'], [[0, 3, 1, 16], SHARD], [[1e9, 1e9, 1, 16], 'model.json'],
    [[3.5, 3, 1, 16], 'model.json'], [['3', 3, 1, 16], 'model.json'], [null, 'model.json'], ['big', 'model.json'], [[2 ** 31, 1, 1, 1], 'model.json'], [[Number.MAX_SAFE_INTEGER, 1], 'model.json'],
  ];
  for (const [s, names] of shapes) add(`shape-${JSON.stringify(s)}`, edited((x) => ((x.weightsManifest[0].weights[0] as { shape: unknown }).shape = s)), names);
  add('weight-renamed', edited((x) => (x.weightsManifest[0].weights[0].name = 'nosuch/kernel')), 'model.json');
  add('weight-removed', edited((x) => x.weightsManifest[0].weights.splice(0, 1)), SHARD);
  add('weight-duplicated', edited((x) => x.weightsManifest[0].weights.push(x.weightsManifest[0].weights[0])), SHARD);
  // Same names and total size: tfjs reads the bytes in the new order (wrong values, not detectable).
  add('weights-reversed', edited((x) => x.weightsManifest[0].weights.reverse()), 'model.json', 'any');
  add('manifest-missing', edited((x) => delete (x as { weightsManifest?: unknown }).weightsManifest), 'model.json');
  add('manifest-object', edited((x) => ((x as { weightsManifest: unknown }).weightsManifest = { paths: [] })), 'model.json');
  add('manifest-paths-string', edited((x) => ((x.weightsManifest[0] as { paths: unknown }).paths = SHARD)), 'model.json');
  add('manifest-weights-null', edited((x) => ((x.weightsManifest[0] as { weights: unknown }).weights = null)), 'model.json');
  add('path-escapes', edited((x) => (x.weightsManifest[0].paths = ['../../etc/passwd'])), 'passwd');
  add('path-other-shard', edited((x) => (x.weightsManifest[0].paths = ['group9-shard1of1.bin'])), 'group9-shard1of1.bin');
  add('quantization-uint4', edited((x) => ((x.weightsManifest[0].weights[0] as { quantization?: unknown }).quantization = { dtype: 'uint4', scale: 1, min: 0 })), 'model.json');
  // Topology.
  add('topology-missing', edited((x) => delete (x as { modelTopology?: unknown }).modelTopology), 'model.json');
  add('topology-string', edited((x) => (x.modelTopology = 'Sequential')), 'model.json');
  add('topology-null', edited((x) => (x.modelTopology = null)), 'model.json');
  add('format-graph', edited((x) => (x.format = 'graph-model')), 'model.json');
  add('format-unknown', edited((x) => (x.format = 'onnx')), 'model.json', 'any');
  const topo = JSON.stringify(base().modelTopology);
  const retopo = (id: string, from: string | RegExp, to: string) => add(id, edited((x) => (x.modelTopology = JSON.parse(topo.replace(from, to)))), 'model.json');
  retopo('layer-unknown', '"class_name":"Conv2D"', '"class_name":"FancyConv"');
  retopo('layer-lambda', '"class_name":"Conv2D"', '"class_name":"Lambda"');
  retopo('input-1e9', /\[null,28,28,1\]/g, '[null,1000000000,1000000000,1]');
  retopo('inbound-missing-layer', /"inbound_nodes":\[\[\["([\w]+)"/, '"inbound_nodes":[[["nosuchlayer"');
  retopo('layers-cycle', '"inbound_nodes":[[["image",0,0,{}]]]', '"inbound_nodes":[[["conv2",0,0,{}]]]');
  // Deeply nested JSON (a stack overflow must become a message) and a huge string.
  for (const depth of [1000, 100_000]) add(`topology-nested-${depth}`, files(`{"format":"layers-model","modelTopology":${'['.repeat(depth)}${']'.repeat(depth)},"weightsManifest":[]}`), 'model.json');
  add('config-nested-5000', files(dec(src.modelJson).replace('"config":{', `"config":{"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)},`)), 'model.json', 'any');
  add('name-20mb', edited((x) => (x.weightsManifest[0].weights[0].name = 'x'.repeat(20_000_000))), 'model.json');
  return out;
}
