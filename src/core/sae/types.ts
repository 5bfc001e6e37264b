/**
 * Types of the sparse autoencoders (DESIGN.md section 3): options with their defaults, the
 * plain-data config and saved form, and the trained model's public face. Data crosses the API as
 * row-major Float32Array (N x d); tensors live only inside a call.
 */
export type SaeKind = 'stsae' | 'topk';

/** Progress at one evaluation (after a whole number of epochs; every epoch when a fit has <= 100). */
export interface EpochProgress {
  /** Epochs done (1-based). */
  epoch: number;
  /** Optimizer steps done, and the fit's total. */
  step?: number;
  steps?: number;
  /** Mean training loss of the epoch (with dropout, as the steps saw it). Losses are the training
   * objective on normalised data: MSE (+ lambda * mean|atoms| for the STSAE). */
  trainLoss: number;
  /** Validation loss after the epoch (no dropout); the training loss when there is no validation
   * set. A NaN loss never counts as an improvement. */
  valLoss: number;
  /** Learning rate at the evaluation. */
  lr: number;
}

export interface SaeOptions {
  /** 'stsae' (the paper's, default) or 'topk'. */
  kind?: SaeKind;
  /** Dictionary size (number of modes). Default 3d, capped at max(8, floor(nTrain / 2)) for small
   * sets (a mode needs several rows that use it); a K given here is never capped. */
  K?: number;
  /** STSAE hidden width H. Default d, at most 512. */
  hidden?: number;
  /** STSAE code threshold: z = c * [c >= tau]. Default 0.8. */
  tau?: number;
  /** STSAE threshold schedule in epochs: over the first tauWarmup epochs the training threshold
   * rises linearly from tauStart to tau (codes that never reach a high tau at initialisation get no
   * gradient); the best weights are kept from the step it reaches tau on (at the latest the last
   * step). When given (0 = off) it replaces tauWarmupShare. */
  tauWarmup?: number;
  /** The threshold schedule as a share of the steps (used when tauWarmup is not given). Default 0.3. */
  tauWarmupShare?: number;
  /** Start of the threshold schedule. Default 0.5. */
  tauStart?: number;
  /** STSAE weight of mean|atoms| in the loss. Default 5e-5. */
  lambda?: number;
  /** STSAE dropout rate after each hidden Linear. Default 0.05. */
  dropout?: number;
  /** TopK: number of codes kept per row. Default min(K, 32, max(1, round(d/8))). */
  topk?: number;
  /** Peak Adam learning rate. Default 3e-3 (the paper's 5e-5 suits ImageNet-sized runs only). */
  lr?: number;
  /** 'cosine' (default): linear warm-up then cosine decay to lrFinal x lr; 'constant'. */
  lrSchedule?: 'cosine' | 'constant';
  /** Share of the steps the learning rate warms up over. Default 0.05. */
  lrWarmup?: number;
  /** Final learning rate of the cosine decay, as a share of lr. Default 0.1. */
  lrFinal?: number;
  /** Rows per step. Default 128, capped at ceil(nTrain / 8) (but >= 16) so small sets get several steps an epoch. */
  batchSize?: number;
  /** Optimizer steps of a fit. Default 2000 (see schedule.ts). */
  steps?: number;
  /** Most epochs: cuts the steps to maxEpochs epochs. Default none. */
  maxEpochs?: number;
  /** Early stop after this many evaluations without a validation improvement. Default 30. */
  patience?: number;
  /** Halve (times lrFactor) the learning rate after this many evaluations without improvement. Default 10. */
  lrPatience?: number;
  /** Learning-rate factor on a plateau. Default 0.5. */
  lrFactor?: number;
  /** Relative improvement that counts: val < best * (1 - minDelta). Default 1e-4. */
  minDelta?: number;
  /** Fraction of rows held out for validation. Default 0.1. */
  valFraction?: number;
  /** Seed of the initialisation, the split, the shuffles and the dropout masks. Default 0. */
  seed?: number;
  /** Divide the data by its global standard deviation before training. Default true. */
  normalize?: boolean;
  /** Re-initialise dead modes toward the worst-reconstructed rows during the first 70% of the steps. Default true. */
  revive?: boolean;
  /** Fits with seeds seed, seed + 1, ...; the one with the best validation loss is kept. Default 1. */
  restarts?: number;
  /** Yield to the event loop every this many batches. Default 4. */
  yieldEvery?: number;
  /** Called after each epoch. */
  onEpoch?: (p: EpochProgress) => void;
  /** Stops training; the best weights so far are kept and `cancelled` is set. */
  signal?: AbortSignal;
}

/** The resolved options of a trained SAE (plain data; fields of the other kind are absent). */
export interface SaeConfig {
  kind: SaeKind;
  d: number;
  K: number;
  hidden?: number;
  tau?: number;
  tauWarmup?: number;
  tauWarmupShare?: number;
  tauStart?: number;
  lambda?: number;
  dropout?: number;
  topk?: number;
  lr: number;
  lrSchedule: 'cosine' | 'constant';
  lrWarmup: number;
  lrFinal: number;
  batchSize: number;
  steps: number;
  maxEpochs?: number;
  patience: number;
  lrPatience: number;
  lrFactor: number;
  minDelta: number;
  valFraction: number;
  seed: number;
  normalize: boolean;
  revive: boolean;
  restarts: number;
}

/** One weight array, row-major. */
export interface WeightArray {
  data: Float32Array;
  shape: number[];
}

export type SaeWeights = Record<string, WeightArray>;

export interface SaeHistory {
  trainLoss: number[];
  valLoss: number[];
  lr: number[];
}

/** What training found, kept with the weights. */
export interface SaeSummary {
  history: SaeHistory;
  /** Epoch whose weights were kept (0 = the initial weights). */
  bestEpoch: number;
  /** Optimizer steps run (of the chosen restart), and the step whose weights were kept. */
  stepsRun?: number;
  bestStep?: number;
  /** Modes re-initialised toward badly reconstructed rows during training. */
  revived?: number;
  /** Validation R^2 (global, on the held-out rows; NaN without them). */
  r2Val?: number;
  stoppedEarly: boolean;
  cancelled: boolean;
  /** 1 - SSE/SST over all entries of the training data (SST about the per-feature mean). */
  r2Global: number;
  /** Mean over features (with variance) of 1 - SSE_j/SST_j. */
  r2PerFeature: number;
  /** Modes that fire on at least one training row; dictionary indices, never renumbered. */
  aliveModes: number[];
}

/** The saved form: plain data (structured-clone and JSON friendly apart from Float32Array). */
export interface SavedSae {
  format: 'codec-sae';
  version: 1;
  config: SaeConfig;
  /** Global std the data was divided by (1 when not normalised). */
  std: number;
  weights: SaeWeights;
  summary: SaeSummary;
}

export interface TrainedSae extends SaeSummary {
  readonly config: SaeConfig;
  readonly K: number;
  readonly d: number;
  readonly std: number;
  /** (K x d) dictionary in normalised units: x ≈ std * (z @ atoms) (+ std * preBias for TopK). */
  readonly atoms: Float32Array;
  /** Codes z (n x K) of raw rows x (n x d). */
  encode(x: Float32Array, n: number): Float32Array;
  /** Raw-unit reconstruction (n x d) of codes z (n x K). */
  decode(z: Float32Array, n: number): Float32Array;
  /** encode with asynchronous tensor reads (the same numbers; what the analysis path uses, for WebGPU). */
  encodeAsync(x: Float32Array, n: number): Promise<Float32Array>;
  /** decode with asynchronous tensor reads. */
  decodeAsync(z: Float32Array, n: number): Promise<Float32Array>;
  save(): SavedSae;
  /** Holds no tensors between calls, so this does nothing; there so callers can release any model alike. */
  dispose(): void;
}
