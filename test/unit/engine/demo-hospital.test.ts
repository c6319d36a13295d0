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

  it.each<Severity>(['CATASTROPHIC', 'CRITICAL', 'SERIOUS'])(
    'after the recommendation for %s no such target is reachable, and every one can be cut',
    async (minSeverity) => {
      const graph = buildAttackGraph(model, catalogue);
      const rec = await recommendControls(graph, { minSeverity });
      expect(rec.uncuttableTargetIds).toEqual([]);
      expect(rec.optimal).toBe(true);
      const w = whatIf(model, catalogue, rec.placements, { minSeverity, maxPaths: 10000 });
      expect(w.after.pathCount).toBe(0);
      expect(
        reachableTargets(buildAttackGraph(model, catalogue, { extraPlacements: rec.placements }), minSeverity),
      ).toEqual([]);
      expect(rec.riskAfter).toBe(0);
    },
  );
});
