/** Sparse autoencoders (DESIGN.md section 3): the reference STSAE and a TopK SAE. */
export { trainSae } from './train';
export { loadSae } from './trained';
export { reconstructionR2, type ReconstructionR2 } from './r2';
export type { EpochProgress, SaeConfig, SaeHistory, SaeKind, SaeOptions, SaeSummary, SaeWeights, SavedSae, TrainedSae, WeightArray } from './types';
