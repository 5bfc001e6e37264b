/** The autoencoder kinds by name. */
import type { SaeArch } from './arch';
import { stsae } from './stsae';
import { topk } from './topk';
import type { SaeKind } from './types';

export const ARCHS: Record<SaeKind, SaeArch> = { stsae, topk };
