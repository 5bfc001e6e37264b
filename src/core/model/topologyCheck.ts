/**
 * Checks a Keras/tfjs functional topology's wiring before tfjs builds it. tfjs' deserializer loops
 * until every layer's inbound nodes are resolved, so a node that names a layer the model lacks
 * (one flipped byte in a name) or a node index the layer never makes would hang it forever. Here
 * each inbound node and each model input/output must name a layer of the same model with a node
 * index within that layer's calls (nested models are checked too). One ModelError line naming
 * the file, the layer and the bad reference.
 */
import { CodecError } from '../errors';

interface LayerCfg {
  name?: unknown;
  class_name?: unknown;
  inbound_nodes?: unknown;
  config?: { layers?: unknown; input_layers?: unknown; output_layers?: unknown };
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function checkTopologyWiring(topology: unknown, file: string): void {
  const t = topology as { model_config?: unknown };
  check((isObj(t) && t.model_config) || topology, file, 0);
}

function check(model: unknown, file: string, depth: number): void {
  if (!isObj(model) || depth > 50) return;
  const cfg = (model as LayerCfg).config;
  if (!isObj(cfg) || !Array.isArray(cfg.layers)) return;
  const layers = cfg.layers as LayerCfg[];
  const calls = new Map<string, number>();
  for (const l of layers) {
    if (!isObj(l)) throw new CodecError('ModelError', `${file}: a layer of the topology is not an object (corrupt topology).`);
    const name = typeof l.name === 'string' ? l.name : (l.config as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') calls.set(name, Array.isArray(l.inbound_nodes) ? l.inbound_nodes.length : 0);
  }
  const ref = (r: unknown, where: string) => {
    if (!Array.isArray(r) || typeof r[0] !== 'string') return; // other formats: tfjs names the problem
    const [name, node] = r as [string, unknown];
    if (!calls.has(name)) throw new CodecError('ModelError', `${file}: ${where} takes input from ${JSON.stringify(name)}, which is not a layer of the model (corrupt topology).`);
    // A model's node 0 is its own (InputLayer, nested model), so the index may reach the count of its calls.
    if (node !== undefined && !(Number.isInteger(node) && (node as number) >= 0 && (node as number) <= calls.get(name)!)) {
      throw new CodecError('ModelError', `${file}: ${where} takes node ${JSON.stringify(node)} of layer ${name}, which is called ${calls.get(name)} time(s) (corrupt topology).`);
    }
  };
  if (layers.some((l) => Array.isArray(l.inbound_nodes) && l.inbound_nodes.length > 0)) {
    for (const l of layers) {
      const where = `layer ${String(l.name)}`;
      for (const node of Array.isArray(l.inbound_nodes) ? l.inbound_nodes : []) if (Array.isArray(node)) for (const r of node) ref(r, where);
    }
    for (const key of ['input_layers', 'output_layers'] as const) {
      const list = cfg[key];
      if (Array.isArray(list)) for (const r of list) ref(r, `the model's ${key}`);
    }
  }
  for (const l of layers) check(l, file, depth + 1);
}
