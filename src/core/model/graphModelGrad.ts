/**
 * Which GraphModel nodes tfjs cannot differentiate through, found before running: tfjs-converter
 * runs each TensorFlow op as tfjs ops, and tf.grad fails at a kernel with no registered gradient
 * ("gradient function not found for StridedSlice"). Gradient methods at a node need every op
 * between it and the output to have one; forward-only work (reading activations, ablation)
 * works at every node.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDefInfo } from './graphModelGraph';

/** The tfjs kernel a TensorFlow op runs as, where the names differ. */
const KERNEL_OF: Record<string, string> = {
  AddV2: 'Add', BiasAdd: 'Add', Div: 'RealDiv', DivNoNan: 'RealDiv', Mul: 'Multiply', FloorMod: 'Mod',
  Conv1D: 'Conv2D', DepthwiseConv2d: 'DepthwiseConv2dNative', MatMul: 'BatchMatMul', BatchMatMul: 'BatchMatMul',
  BatchMatMulV2: 'BatchMatMul', FusedBatchNormV2: 'FusedBatchNorm', FusedBatchNormV3: 'FusedBatchNorm',
  ConcatV2: 'Concat', Gather: 'GatherV2', ReverseV2: 'Reverse', Split: 'SplitV', Pad: 'PadV2', Squeeze: 'Reshape',
  ExpandDims: 'Reshape', EnsureShape: 'Reshape', SelectV2: 'Select', TopKV2: 'TopK', EuclideanNorm: 'Sum',
};

/** Ops that run with their own gradient (customGrad) or that are identities or constants. */
const DIFFERENTIABLE = new Set([
  '_FusedConv2D', 'FusedDepthwiseConv2dNative', '_FusedMatMul', 'Identity', 'IdentityN', 'Snapshot', 'StopGradient',
  'Placeholder', 'PlaceholderWithDefault', 'Const', 'NoOp', 'Print',
]);

/** Ops whose outputs are booleans, integers or shapes: no gradient flows, none is needed. */
const NO_FLOW = new Set([
  'Shape', 'ShapeN', 'Size', 'Rank', 'Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual',
  'LogicalAnd', 'LogicalOr', 'LogicalNot', 'IsNan', 'IsFinite', 'IsInf', 'ArgMax', 'ArgMin', 'All', 'Any',
  'Fill', 'Range', 'Zeros', 'Ones', 'ZerosLike', 'OnesLike',
]);

/** Whether tf.grad can pass through a node with op `op`. */
export function hasGradient(op: string): boolean {
  if (DIFFERENTIABLE.has(op) || NO_FLOW.has(op)) return true;
  return tf.getGradient(KERNEL_OF[op] ?? op) !== undefined;
}

export interface GradientReport {
  /** Data-path nodes whose op has no gradient, in execution order. */
  blocking: { node: string; op: string }[];
  /** Layer nodes with no blocking node between them and the output (gradient methods work there). */
  differentiable: Set<string>;
}

/** The blocking nodes of a graph and the layer nodes gradient methods can use. */
export function gradientReport(g: GraphDefInfo): GradientReport {
  const blocking = g.order.filter((n) => n !== g.input && !hasGradient(g.op(n))).map((node) => ({ node, op: g.op(node) }));
  const blocked = new Set(blocking.map((b) => b.node));
  const differentiable = new Set(g.layerNodes().filter((n) => ![...g.descendants(n)].some((d) => blocked.has(d))));
  return { blocking, differentiable };
}
