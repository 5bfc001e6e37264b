import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '../bundle/manifest';
import { checkPreprocessing } from './checkPreprocessing';
import { inputToRgba, inputsToPixels } from './denormalise';
import { applyPreset, matchPreset, PRESET_NAMES, presetName } from './presets';
import { toModelInput } from './preprocess';

const base: Preprocessing = { height: 1, width: 2, channels: 3, scale: 1, offset: 0, mean: [0, 0, 0], std: [1, 1, 1] };
/** Two RGB pixels: (10, 128, 250) and (0, 255, 77). */
const px = { data: Uint8Array.from([10, 128, 250, 0, 255, 77]), width: 2, height: 1, channels: 3 as const };

/** What each preset should give, written out by hand from the published recipes (model channel order). */
const want: Record<string, number[]> = {
  '[0,1]': [10 / 255, 128 / 255, 250 / 255, 0, 1, 77 / 255],
  '[-1,1]': [10 / 127.5 - 1, 128 / 127.5 - 1, 250 / 127.5 - 1, -1, 1, 77 / 127.5 - 1],
  // Keras caffe: RGB -> BGR, then minus the BGR means.
  caffe: [250 - 103.939, 128 - 116.779, 10 - 123.68, 77 - 103.939, 255 - 116.779, 0 - 123.68],
  imagenet: [(10 / 255 - 0.485) / 0.229, (128 / 255 - 0.456) / 0.224, (250 / 255 - 0.406) / 0.225, (0 - 0.485) / 0.229, (1 - 0.456) / 0.224, (77 / 255 - 0.406) / 0.225],
  raw: [10, 128, 250, 0, 255, 77],
};

describe('preprocessing presets', () => {
  for (const name of PRESET_NAMES) {
    it(`applyPreset ${name}: toModelInput gives the recipe's values, and the inverse gives the pixels back`, () => {
      const p = applyPreset(base, name);
      const x = toModelInput(px, p);
      want[name].forEach((v, i) => expect(x[i], `value ${i}`).toBeCloseTo(v, 4));
      expect(matchPreset(p)).toBe(name);
      expect(Array.from(inputsToPixels(x, p))).toEqual(Array.from(px.data));
      expect(Array.from(inputToRgba(x, p))).toEqual([10, 128, 250, 255, 0, 255, 77, 255]);
    });
  }

  it('presetName takes aliases and refuses an unknown name in one line listing the valid ones', () => {
    expect(presetName('tf')).toBe('[-1,1]');
    expect(presetName('torch')).toBe('imagenet');
    expect(presetName('Caffe')).toBe('caffe');
    expect(presetName('0-255')).toBe('raw');
    expect(() => presetName('vgg', '--preprocess-preset')).toThrow(/^--preprocess-preset: unknown preprocessing preset "vgg"; valid presets: \[0,1\], \[-1,1\], caffe, imagenet, raw \(aliases: tf, torch, 0-1, -1-1, 0-255\)\.$/);
  });

  it('applyPreset on grayscale: the range presets work, the colour ones are refused', () => {
    const g: Preprocessing = { ...base, channels: 1, mean: [0], std: [1] };
    expect(toModelInput({ data: Uint8Array.from([51, 255]), width: 2, height: 1, channels: 1 }, applyPreset(g, '[-1,1]'))[0]).toBeCloseTo(51 / 127.5 - 1, 6);
    expect(() => applyPreset(g, 'caffe')).toThrow(/preset caffe has per-colour statistics for 3 channels, but the images have 1/);
  });

  it('channelOrder: absent reads as rgb (old bundles), anything but rgb/bgr is refused', () => {
    expect(() => checkPreprocessing(base)).not.toThrow();
    expect(matchPreset(base)).toBe('[0,1]');
    expect(() => checkPreprocessing({ ...base, channelOrder: 'grb' as 'rgb' }, 'card')).toThrow(/^card: channelOrder must be 'rgb' or 'bgr', but got "grb"\.$/);
    expect(matchPreset({ ...base, scale: 3 })).toBeNull();
  });
});
