/**
 * Checks a Keras/tfjs LayersModel topology before tfjs builds it. tfjs's functional-model
 * builder loops forever on an inbound node that names a layer the model does not have, a node
 * index that layer never makes, or a cycle, and allocates whatever input shape the file declares; both come
 * from a hand-edited or corrupted model.json, so they are refused here with a one-line
 * message naming the file and the layer.
 */
import { CodecError } from '../errors';

/** The most values one input image may have (about 8,000 x 8,000 RGB). */
export const MAX_INPUT_VALUES = 2 ** 26;

interface LayerCfg {
  name?: unknown;
  class_name?: unknown;
  config?: { layers?: unknown; batch_input_shape?: unknown; input_layers?: unknown; output_layers?: unknown; name?: unknown };
  inbound_nodes?: unknown;
}

function fail(file: string, msg: string): never {
  throw new CodecError('ModelError', `${file}: ${msg}`);
}

/** Names (layer, node index) that a Keras 2 inbound node list refers to. */
function inboundRefs(inbound: unknown): [string, number][] {
  const out: [string, number][] = [];
  if (!Array.isArray(inbound)) return out;
  for (const node of inbound) {
    if (!Array.isArray(node)) continue;
    for (const ref of node) {
      if (Array.isArray(ref) && typeof ref[0] === 'string') out.push([ref[0], typeof ref[1] === 'number' ? ref[1] : 0]);
    }
  }
  return out;
}

function checkInputShape(shape: unknown, where: string, file: string): void {
  if (!Array.isArray(shape)) return;
  let n = 1;
  for (const d of shape.slice(1)) {
    if (d === null) continue;
    if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) fail(file, `${where} declares an input shape ${JSON.stringify(shape)} with a bad dimension.`);
    n *= d;
  }
  if (n > MAX_INPUT_VALUES) fail(file, `${where} declares an input shape ${JSON.stringify(shape)} (${n} values per image), over the limit of ${MAX_INPUT_VALUES}.`);
}

/** Throws a ModelError naming `file` when the topology cannot be built safely. */
export function checkTopology(topology: unknown, file: string): void {
  const t = topology as { model_config?: LayerCfg };
  const root = (t?.model_config ?? topology) as LayerCfg;
  const check = (model: LayerCfg, path: string) => {
    const layers = model?.config?.layers;
    if (layers === undefined) return;
    if (!Array.isArray(layers)) fail(file, `${path || 'the model'}: config.layers is not a list.`);
    const byName = new Map<string, LayerCfg>();
    for (const l of layers as LayerCfg[]) {
      if (!l || typeof l !== 'object') fail(file, `${path || 'the model'}: a layer entry is not an object.`);
      const name = typeof l.name === 'string' ? l.name : typeof l.config?.name === 'string' ? l.config.name : null;
      if (name !== null) {
        if (byName.has(name)) fail(file, `two layers are named "${name}".`);
        byName.set(name, l);
      }
      checkInputShape(l.config?.batch_input_shape, `layer "${name ?? '?'}"`, file);
    }
    for (const [name, l] of byName) {
      for (const [ref, nodeIndex] of inboundRefs(l.inbound_nodes)) {
        if (!byName.has(ref)) fail(file, `layer "${name}" takes its input from "${ref}", which is not a layer of ${path || 'the model'}.`);
        // A node index the layer never makes hangs tfjs too. A model's node 0 is its own (an
        // InputLayer, a nested model built on its own), so the index may reach the count of calls.
        const calls = Array.isArray(byName.get(ref)!.inbound_nodes) ? (byName.get(ref)!.inbound_nodes as unknown[]).length : 0;
        if (!Number.isInteger(nodeIndex) || nodeIndex < 0 || nodeIndex > calls) fail(file, `layer "${name}" reads node ${nodeIndex} of "${ref}", which is called ${calls} time(s) (corrupt topology).`);
      }
    }
    for (const key of ['input_layers', 'output_layers'] as const) {
      const io = model.config?.[key];
      if (!Array.isArray(io)) continue;
      for (const ref of io) {
        if (Array.isArray(ref) && typeof ref[0] === 'string' && !byName.has(ref[0])) fail(file, `${key} names "${ref[0]}", which is not a layer of ${path || 'the model'}.`);
      }
    }
    // A cycle would also never finish: depth-first search, iterative (no recursion limits).
    const state = new Map<string, 1 | 2>();
    for (const start of byName.keys()) {
      if (state.has(start)) continue;
      const stack: [string, number][] = [[start, 0]];
      state.set(start, 1);
      while (stack.length) {
        const top = stack[stack.length - 1];
        const refs = inboundRefs(byName.get(top[0])!.inbound_nodes);
        if (top[1] < refs.length) {
          const next = refs[top[1]++][0];
          const s = state.get(next);
          if (s === 1) fail(file, `layers "${top[0]}" and "${next}" feed each other (a cycle).`);
          if (s === undefined) {
            state.set(next, 1);
            stack.push([next, 0]);
          }
        } else {
          state.set(top[0], 2);
          stack.pop();
        }
      }
    }
    // Nested models.
    for (const [name, l] of byName) if (l.config && Array.isArray(l.config.layers)) check(l, path ? `${path}/${name}` : name);
  };
  check(root, '');
}
