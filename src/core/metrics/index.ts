/** Metrics of a layer and of a fitted dictionary (DESIGN.md section 3): pure functions on Float32Array. */
export { pearson, median } from './stats';
export { hoyer, hoyerRows, hoyerMedian } from './hoyer';
export { symmetricEigenvalues } from './eigen';
export { dimensionality, type Dimensionality, type DimensionalityOptions } from './dimensionality';
export { pnCorr, pnCorrPerImage } from './pnCorr';
export { modeShares, type ModeShares } from './modeShares';
export { atomHoyer, loadingHoyer, aliveModes, aliveCount } from './modeStats';
export { classCorrelation, bestClassCorr, bestClassCorrMedian } from './classCorrelation';
