/**
 * The engine on the bundled demo hospital (seeds/demo-hospital.json) with the bundled TR 67
 * catalogue (seeds/catalogue/tr67-catalogue.json). Skipped while either file is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateCatalogue } from '../../../server/src/domain/catalogue';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import type { Severity } from '../../../server/src/domain/types';
import {
  buildAttackGraph,
  findAttackPaths,
  recommendControls,
  reachableTargets,
  whatIf,
} from '../../../server/src/engine';

const CATALOGUE = path.resolve(__dirname, '../../../seeds/catalogue/tr67-catalogue.json');
const DEMO = path.resolve(__dirname, '../../../seeds/demo-hospital.json');
const present = fs.existsSync(CATALOGUE) && fs.existsSync(DEMO);

(present ? describe : describe.skip)('demo hospital with the bundled catalogue', () => {
  const catalogue = present ? validateCatalogue(JSON.parse(fs.readFileSync(CATALOGUE, 'utf8'))) : undefined!;
  const model = present ? validateModelDocument(JSON.parse(fs.readFileSync(DEMO, 'utf8')), catalogue) : undefined!;

  it('has attack paths to critical assets', () => {
    const result = findAttackPaths(buildAttackGraph(model, catalogue), { k: 3, minSeverity: 'CRITICAL' });
    expect(result.pathCount).toBeGreaterThan(0);
    expect(result.targetsReachable).toBeGreaterThan(0);
  });

  // The ventilator's bedside touchscreen must work without a login (format 2.3 emergencyOperation,
  // set on the demo's ventilator): no catalogue control prevents a visitor's hands on it, so its
  // therapy stays reachable and is reported as not cuttable, with the reason.
  const VENTILATION = 'as-icu-ventilator-01-therapy';
  const ventilationTargets: Record<string, string[]> = {
    CATASTROPHIC: [`${VENTILATION}#MANIPULATE`],
    CRITICAL: [`${VENTILATION}#DENY`, `${VENTILATION}#MANIPULATE`],
    SERIOUS: [`${VENTILATION}#DENY`, `${VENTILATION}#MANIPULATE`],
  };

  it.each<Severity>(['CATASTROPHIC', 'CRITICAL', 'SERIOUS'])(
    'after the recommendation for %s only the ventilation therapy (bedside controls, no login possible) stays reachable',
    async (minSeverity) => {
      const graph = buildAttackGraph(model, catalogue);
      const rec = await recommendControls(graph, { minSeverity });
      expect(rec.uncuttableTargetIds).toEqual(ventilationTargets[minSeverity]);
      for (const u of rec.uncuttableTargets) {
        expect(u.reason).toContain(
          'physical-port-access (no control prevents AM11 on ICU bed 1 ventilator / Ventilator touchscreen (if-icu-ventilator-01-ui)',
        );
        expect(u.reason).toContain('C17 only reduces it');
      }
      expect(rec.optimal).toBe(true);
      // no placement of the recommendation sits on the ventilator's touchscreen
      expect(rec.placements.filter((p) => p.elementId === 'if-icu-ventilator-01-ui')).toEqual([]);
      const after = buildAttackGraph(model, catalogue, { extraPlacements: rec.placements });
      expect(reachableTargets(after, minSeverity)).toEqual(ventilationTargets[minSeverity]);
      expect(rec.riskAfter).toBeGreaterThan(0);
    },
  );

  it("offers a login (C14) on monitors' touchscreens but not on the ventilator's, unless the model says it may ask for one", async () => {
    const candidates = (graph: ReturnType<typeof buildAttackGraph>, elementId: string) =>
      [
        ...new Set(
          graph.steps
            .filter((s) => s.controlElementId === elementId && s.attackMethodId === 'AM11')
            .flatMap((s) => s.blockingControls.map((b) => b.controlId)),
        ),
      ].sort();
    const graph = buildAttackGraph(model, catalogue);
    expect(candidates(graph, 'if-icu-ventilator-01-ui')).toEqual([]);
    expect(candidates(graph, 'if-icu-monitor-01-ui')).toEqual(['C14']);

    const loginTolerated = {
      ...model,
      devices: model.devices.map((d) => (d.id === 'dev-icu-ventilator-01' ? { ...d, emergencyOperation: false } : d)),
    };
    const relaxed = buildAttackGraph(loginTolerated, catalogue);
    expect(candidates(relaxed, 'if-icu-ventilator-01-ui')).toEqual(['C14']);
    const rec = await recommendControls(relaxed, { minSeverity: 'CRITICAL' });
    expect(rec.uncuttableTargetIds).toEqual([]);
    expect(rec.riskAfter).toBe(0);
    const w = whatIf(loginTolerated, catalogue, rec.placements, { minSeverity: 'CRITICAL', maxPaths: 10000 });
    expect(w.after.pathCount).toBe(0);
  });
});
