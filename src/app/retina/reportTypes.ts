/** The parts of public/demo/retina/report.json (`npm run codec -- retina-report --json`) the retina view reads. */
export interface IrfScores {
  full: number;
  spatial: number;
  temporal: number;
  rank1: number;
}

export interface FilterMatchScores {
  cosines: number[][];
  typeToChannel: number[];
  matched: number[];
  recovered: number;
}

export interface RetinaReportLayer {
  name: string;
  channels: number;
  ari: number;
  clusters: number[];
  familyModes: Record<string, { mode: number; code: number }[]>[];
  modeWiring?: { mode: number; typeWeights: number[]; drives: number[]; cosine: number; signed: number; usage: number }[];
  modeWiringMean?: number;
  cellWiring?: number[];
  surprisalSae: { K: number; tau: number; deadAtTau: boolean; alive: number; r2: number };
}

export interface RetinaReport {
  heldOutCorrelation: { mean: number; perCell: number[] } | null;
  cells: { id: string; cellClass: string }[];
  types: string[];
  filterMatch: { shifted: FilterMatchScores; unshifted: FilterMatchScores; separable: FilterMatchScores; maxShift: number };
  layers: RetinaReportLayer[];
  irf: { perCell: IrfScores[]; perFamily: Record<string, IrfScores>; moments: number };
  settings: { tau: number; fallbackTau: number; steps: number };
}
