/**
 * The shipped retina student (public/demo/retina/student, made by `npm run train:retina`): its
 * held-out correlation with the simulator's true rates, recomputed here on freshly simulated
 * stimuli described by its card. Skipped, with a message, only when the model is not there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromDisk } from '../src/cli/modelFiles';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { makeDataset } from '../src/core/retina/dataset';
import { rateCorrelation } from '../src/core/retina/evaluate';
import { Retina } from '../src/core/retina/simulator';
import { STUDENT_LAYERS } from '../src/core/retina/student';

const DIR = 'public/demo/retina/student';
const shipped = existsSync(`${DIR}/model.json`) && existsSync(`${DIR}/card.json`);
if (!shipped) console.warn(`[retinaStudent.test] ${DIR}/model.json or card.json is missing: run \`npx tsx scripts/train-retina.ts\` (npm run train:retina); the shipped-student tests are skipped.`);

beforeAll(async () => {
  await useNodeBackend('wasm');
});

describe('shipped retina student', () => {
  it.skipIf(!shipped)('the shipped student correlates >= 0.8 with the true rates on held-out stimuli, as its card says', async () => {
    const card = JSON.parse(readFileSync(`${DIR}/card.json`, 'utf8'));
    const { model } = await loadModelFromDisk(`${DIR}/model.json`);
    const retina = new Retina();
    const { mix, ...set } = card.heldOutCorrelation.set;
    const ds = makeDataset(retina, { ...set, mix });
    const perCell = rateCorrelation(model, ds);
    const mean = perCell.reduce((a, b) => a + b, 0) / perCell.length;
    expect(mean).toBeGreaterThan(0.8);
    // Deterministic simulation: the same number as the card (up to float order on this backend).
    expect(Math.abs(mean - card.heldOutCorrelation.mean)).toBeLessThan(0.01);
    for (const c of perCell) expect(c).toBeGreaterThan(0.6);
    retina.dispose();
    model.dispose();
  });

  it.skipIf(!shipped)('the card names the cells, the analysed layers and the ground truth file', async () => {
    const card = JSON.parse(readFileSync(`${DIR}/card.json`, 'utf8'));
    const retina = new Retina();
    expect(card.cells).toEqual(retina.spec.cells.map((c) => ({ id: c.id, cellClass: c.cellClass })));
    expect(card.layers).toEqual([...STUDENT_LAYERS]);
    const gt = JSON.parse(readFileSync('public/demo/retina/groundTruth.json', 'utf8'));
    expect(gt.format).toBe('codec-retina-ground-truth');
    expect(gt.cells.map((c: { id: string }) => c.id)).toEqual(retina.spec.cells.map((c) => c.id));
    retina.dispose();
  });
});
