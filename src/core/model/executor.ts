/**
 * A hookable executor for a tfjs LayersModel: runs the layer graph in topological order and, at
 * any named layer, can replace its output, multiply it by a channel mask (ablation), add a zero
 * probe (so one backward pass gives dF/da at every probed layer at once) and capture it.
 * `layer.apply(x, {training: false})` reproduces `predict` exactly (BatchNorm in inference mode).
 */
import * as tf from '@tensorflow/tfjs';
import { CodecError, check } from '../errors';
import { buildPlan, findCuts, flattenSteps, isContainer, type GraphPlan, type Step, type TfContainer } from './graph';
import { applyHooks, disposeFrontier, type Frontier, type Hooks, type HookableModel, type LayerInfo, type RunResult } from './runner';
import { applyWithInputGradients } from './inputGradLayers';
import { applyFoldedBlock, findFoldedBlocks, foldConvBnEnabled, type FoldedBlock } from './foldedConvBn';
import { findSoftmaxHead, withoutActivation, type LogitsInfo, type SoftmaxHead } from './logits';

export type { Frontier, Hooks, LayerInfo, RunResult } from './runner';

/** Frontier keys are the symbolic tensor ids of the layer graph, as strings. */
const key = (id: number) => String(id);

/** The tensor `id` that layer `reader` reads; a ModelError if the graph order left it uncomputed. */
function computed(env: Map<number, tf.Tensor>, id: number, reader: string): tf.Tensor {
  const t = env.get(id);
  if (!t) throw new CodecError('ModelError', `Executor: layer ${reader} reads a tensor that was not computed (graph order).`);
  return t;
}

export class Executor implements HookableModel {
  readonly plan: GraphPlan;
  readonly cuts: Set<string>;
  private readonly steps: Map<string, Step>;
  readonly inputShape: number[];
  /** Conv2D -> BatchNorm (-> ReLU) runs each plan can fold (foldedConvBn.ts), by first step. */
  private readonly folded = new WeakMap<GraphPlan, Map<number, FoldedBlock>>();
  /** The final softmax, which is not run (logits.ts): the first output is the logits. */
  private readonly head: SoftmaxHead | null;
  /** Which layer's output is taken as the logits. */
  readonly logits: LogitsInfo;

  constructor(readonly model: tf.LayersModel) {
    // A Sequential builds its inner functional model lazily; its graph lives there.
    const seq = model as unknown as { built?: boolean; build?: () => void; model?: TfContainer; getClassName(): string };
    if (seq.getClassName() === 'Sequential' && !seq.built) seq.build?.();
    const container = (seq.getClassName() === 'Sequential' && seq.model ? seq.model : model) as unknown as TfContainer;
    check(isContainer(container), () => `Executor: model ${model.name} has no layer graph.`, 'ModelError');
    this.plan = buildPlan(container);
    this.cuts = findCuts(this.plan);
    this.steps = new Map(flattenSteps(this.plan).map((s) => [s.name, s]));
    check(model.inputs.length === 1, () => `Executor: models with ${model.inputs.length} inputs are not supported (expected 1).`, 'ModelError');
    this.inputShape = model.inputs[0].shape.slice(1).map((d) => (d == null ? -1 : d));
    this.head = findSoftmaxHead(this.plan);
    const last = this.plan.steps.find((s) => s.outputIds[0] === this.plan.outputIds[0]);
    this.logits = this.head?.info ?? { layer: last?.name ?? model.name, fromSoftmax: false };
  }

  /** Every layer (nested ones included), in execution order. */
  layers(): LayerInfo[] {
    return flattenSteps(this.plan).map((s, index) => ({
      name: s.name,
      className: s.className,
      outputShape: s.outputShape,
      isCut: this.cuts.has(s.name),
      index,
      nested: s.name.includes('/'),
    }));
  }

  layer(name: string): LayerInfo {
    const info = this.layers().find((l) => l.name === name);
    if (!info) {
      throw new CodecError('InputError', `Executor: unknown layer ${name} (model layers: ${[...this.steps.keys()].slice(0, 30).join(', ')}${this.steps.size > 30 ? ', ...' : ''}).`);
    }
    return info;
  }

  /** Runs the model on `x` (a batch) with hooks. Call inside tf.tidy or dispose the results. */
  run(x: tf.Tensor, hooks: Hooks = {}): RunResult {
    this.checkHooks(hooks);
    const env = new Map<number, tf.Tensor>([[this.plan.inputIds[0], x]]);
    const captured = new Map<string, tf.Tensor>();
    const outputs = this.execute(this.plan, env, hooks, 0, captured);
    return { outputs, captured };
  }

  /** The model's first output for `x`, as `predict` gives it, but the logits where the model ends in a softmax. */
  predict(x: tf.Tensor, hooks: Hooks = {}): tf.Tensor {
    return tf.tidy(() => {
      const r = this.run(x, hooks);
      return r.outputs[0];
    });
  }

  /**
   * Runs up to and including top-level layer `layer` and keeps every tensor a later step reads
   * (the layer's own output included, before any hook). Dispose with `disposeFrontier`.
   */
  forwardTo(x: tf.Tensor, layer: string): Frontier {
    const stepIndex = this.stepIndex(layer, 'forwardTo');
    const needed = this.neededAfter(stepIndex);
    const ids: number[] = [];
    const kept = tf.tidy(() => {
      const env = new Map<number, tf.Tensor>([[this.plan.inputIds[0], x]]);
      this.execute(this.plan, env, {}, 0, new Map(), stepIndex + 1);
      const list: tf.Tensor[] = [];
      for (const id of needed) {
        const t = env.get(id);
        if (!t) continue;
        ids.push(id);
        list.push(t === x ? x.clone() : t);
      }
      return list;
    });
    const tensors = new Map<string, tf.Tensor>(ids.map((id, j) => [key(id), kept[j]]));
    return { layer, outputKey: key(this.plan.steps[stepIndex].outputIds[0]), tensors };
  }

  /** Continues a forward pass from a frontier; hooks on the frontier's layer apply to its output. */
  runFrom(frontier: Frontier, hooks: Hooks = {}): RunResult {
    this.checkHooks(hooks);
    const stepIndex = this.stepIndex(frontier.layer, 'runFrom');
    const env = new Map<number, tf.Tensor>([...frontier.tensors].map(([k, t]) => [Number(k), t]));
    const step = this.plan.steps[stepIndex];
    const captured = new Map<string, tf.Tensor>();
    const first = env.get(step.outputIds[0]);
    check(first !== undefined, () => `Executor.runFrom: frontier of ${frontier.layer} lacks its output.`);
    env.set(step.outputIds[0], this.applyHooks(step.name, first, hooks, captured));
    const outputs = this.execute(this.plan, env, hooks, stepIndex + 1, captured);
    return { outputs, captured };
  }

  /** Same as runner.ts' disposeFrontier (kept for callers of the static form). */
  static disposeFrontier(f: Frontier): void {
    disposeFrontier(f);
  }

  private stepIndex(layer: string, where: string): number {
    const i = this.plan.steps.findIndex((s) => s.name === layer);
    check(i >= 0, () => `Executor.${where}: ${layer} is not a top-level layer of the model.`);
    return i;
  }

  private neededAfter(stepIndex: number): Set<number> {
    const needed = new Set<number>(this.plan.outputIds);
    for (const id of this.plan.steps[stepIndex].outputIds) needed.add(id);
    for (let i = stepIndex + 1; i < this.plan.steps.length; i++) for (const id of this.plan.steps[i].inputIds) needed.add(id);
    return needed;
  }

  private checkHooks(hooks: Hooks): void {
    const names = [...(hooks.capture ?? []), ...(hooks.replace?.keys() ?? []), ...(hooks.masks?.keys() ?? []), ...(hooks.probes?.keys() ?? [])];
    for (const n of names) if (!this.steps.has(n)) this.layer(n);
  }

  private applyHooks(name: string, y: tf.Tensor, hooks: Hooks, captured: Map<string, tf.Tensor>): tf.Tensor {
    return applyHooks('Executor', name, y, hooks, captured);
  }

  /** The folded block starting at step i, unless it ends past `stop` or a hook reads inside it. */
  private foldedAt(plan: GraphPlan, i: number, stop: number, hooks: Hooks): FoldedBlock | null {
    if (!foldConvBnEnabled()) return null;
    let blocks = this.folded.get(plan);
    if (!blocks) this.folded.set(plan, (blocks = findFoldedBlocks(plan)));
    const b = blocks.get(i);
    if (!b || i + b.span > stop) return null;
    for (let j = i; j < i + b.span - 1; j++) {
      const n = plan.steps[j].name;
      if ((hooks.capture && [...hooks.capture].includes(n)) || hooks.replace?.has(n) || hooks.masks?.has(n) || hooks.probes?.has(n)) return null;
    }
    return b;
  }

  private execute(plan: GraphPlan, env: Map<number, tf.Tensor>, hooks: Hooks, start: number, captured: Map<string, tf.Tensor>, stop = plan.steps.length): tf.Tensor[] {
    for (let i = start; i < stop; i++) {
      const block = this.foldedAt(plan, i, stop, hooks);
      if (block) {
        const x = computed(env, plan.steps[i].inputIds[0], plan.steps[i].name);
        const last = plan.steps[i + block.span - 1];
        let y: tf.Tensor;
        try {
          y = applyFoldedBlock(plan, block, x as tf.Tensor4D);
        } catch (e) {
          throw new CodecError('ModelError', `Executor: layers ${plan.steps[i].name} .. ${last.name} (Conv2D + BatchNormalization, folded) failed: ${(e as Error).message}`);
        }
        env.set(last.outputIds[0], this.applyHooks(last.name, y, hooks, captured));
        i += block.span - 1;
        continue;
      }
      const s = plan.steps[i];
      const ins = s.inputIds.map((id) => computed(env, id, s.name));
      let outs: tf.Tensor[];
      if (s.nested) {
        const sub = new Map<number, tf.Tensor>();
        s.nested.inputIds.forEach((id, j) => sub.set(id, ins[j]));
        outs = this.execute(s.nested, sub, hooks, 0, captured);
      } else {
        let r: tf.Tensor | tf.Tensor[];
        try {
          const input = ins.length === 1 ? ins[0] : ins;
          const head = plan === this.plan && this.head?.stepIndex === i ? this.head.kind : null;
          const apply = () => applyWithInputGradients(s.layer, input) ?? s.layer.apply(input, { ...s.callArgs, training: false });
          // The final softmax is not run: its input is the logits (logits.ts).
          r = head === 'layer' ? (input as tf.Tensor) : head === 'activation' ? withoutActivation(s.layer, apply) : apply();
        } catch (e) {
          throw new CodecError('ModelError', `Executor: layer ${s.name} (${s.className}) failed: ${(e as Error).message}`);
        }
        outs = Array.isArray(r) ? r : [r];
      }
      outs[0] = this.applyHooks(s.name, outs[0], hooks, captured);
      s.outputIds.forEach((id, j) => env.set(id, outs[j]));
    }
    return plan.outputIds.map((id) => env.get(id)!);
  }
}
