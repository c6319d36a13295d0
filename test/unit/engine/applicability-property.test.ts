/**
 * Property (controls v2): on seeded random small models with the bundled catalogue, nothing the
 * engine offers or recommends violates applicability (domain/applicability.ts), and the minimum-cost
 * cut only uses PREVENTS placements. Runs: APPLICABILITY_RUNS (default 60).
 */
import { elementFacts, placementMisfit } from '../../../server/src/domain/applicability';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { controlEffect } from '../../../server/src/domain/types';
import { buildAttackGraph, recommendControls } from '../../../server/src/engine';
import { randomModel } from './random-model';

const catalogue = loadBundledCatalogue();
const controls = new Map(catalogue.controls.map((c) => [c.id, c]));
const RUNS = Number(process.env.APPLICABILITY_RUNS ?? 60);
const SEEDS = Array.from({ length: RUNS }, (_, i) => 7000 + i);

describe('applicability (property, bundled catalogue)', () => {
  it.each(SEEDS)('seed %i: every offered and recommended placement fits its element', async (seed) => {
    const model = randomModel(seed, catalogue, {
      maxDevices: 5,
      maxInterfacesPerDevice: 2,
      maxChannels: 4,
      placements: 4,
    });
    const facts = elementFacts(model);
    const graph = buildAttackGraph(model, catalogue);
    for (const s of graph.steps)
      for (const b of [...s.blockingControls, ...s.reducingControls, ...s.otherControls]) {
        const misfit = placementMisfit(controls.get(b.controlId)!, facts.get(b.elementId)!);
        expect([s.id, b.controlId, b.elementId, misfit]).toEqual([s.id, b.controlId, b.elementId, null]);
      }
    const rec = await recommendControls(graph, { minSeverity: 'MINOR' });
    for (const p of rec.placements) {
      expect(placementMisfit(controls.get(p.controlId)!, facts.get(p.elementId)!)).toBeNull();
      expect(p.effect).toBe('PREVENTS');
      // it prevents the method of every step it is said to cut
      for (const id of p.cutsStepIds) {
        const step = graph.steps.find((x) => x.id === id)!;
        expect(controlEffect(controls.get(p.controlId)!, step.attackMethodId)?.effect).toBe('PREVENTS');
      }
    }
  });
});
