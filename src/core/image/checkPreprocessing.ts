/** What makes a Preprocessing usable (no tfjs here, so the bundle validator can use it too). */
import type { Preprocessing } from '../bundle/manifest';
import { check } from '../errors';
import { MAX_PIXELS } from './resize';

/**
 * Checks a Preprocessing: positive integer size of at most 50 MP, 1 or 3 channels, finite scale
 * and offset, one finite mean and one finite non-zero std per channel. InputError `<where>: ...`.
 */
export function checkPreprocessing(pre: Preprocessing, where = 'preprocessing'): void {
  check(pre !== null && typeof pre === 'object', () => `${where}: expected a preprocessing object, but got ${JSON.stringify(pre)}.`);
  const { height, width, channels, scale, offset, mean, std } = pre;
  check(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0 && height * width <= MAX_PIXELS, () => `${where}: height and width must be positive integers (at most ${MAX_PIXELS / 1e6} MP), but got ${height}x${width}.`);
  check(channels === 1 || channels === 3, () => `${where}: channels must be 1 or 3, but got ${channels}.`);
  check(Number.isFinite(scale) && Number.isFinite(offset), () => `${where}: scale and offset must be finite numbers, but got ${scale} and ${offset}.`);
  check(Array.isArray(mean) && mean.length === channels && mean.every(Number.isFinite), () => `${where}: mean must hold ${channels} finite number(s), but got ${JSON.stringify(mean)}.`);
  check(pre.channelOrder === undefined || pre.channelOrder === 'rgb' || pre.channelOrder === 'bgr', () => `${where}: channelOrder must be 'rgb' or 'bgr', but got ${JSON.stringify(pre.channelOrder)}.`);
  check(Array.isArray(std) && std.length === channels && std.every((s) => Number.isFinite(s) && s !== 0), () => `${where}: std must hold ${channels} finite non-zero number(s), but got ${JSON.stringify(std)}.`);
}
