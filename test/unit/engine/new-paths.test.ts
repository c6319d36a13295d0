/**
 * findNewPaths (advisory watch): the paths that exist only through steps a change added, and
 * their cheapest cut, checked against the after graph's own path search and a what-if.
 */
import { buildAttackGraph, findAttackPaths } from '../../../server/src/engine';
import { findNewPaths } from '../../../server/src/engine/new-paths';
import { modelBuilder, testCatalogue } from '../../support/build-graph';

const catalogue = testCatalogue();

// A pump reachable over the clinical network (its web UI needs MFA: no path), and a monitor whose
// unauthenticated local UI already gives a path to its alarms.
const base = () =>
  modelBuilder()
    .zone('net', 'CLINICAL', true)
    .zone('ward', 'PHYSICAL_ACCESS', true)
    .device('pump', ['net'], { category: 'INFUSION_PUMP', riskClass: 'C' })
    .iface('web', 'pump', 'WEB_UI', ['net'], 'MFA', { functions: [] })
    .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
    .device('monitor', ['net'], { category: 'PATIENT_MONITOR', riskClass: 'B' })
    .iface('panel', 'monitor', 'LOCAL_UI', ['ward'], 'NONE')
    .asset('alarms', 'monitor', 'ALARM', 'CRITICAL');

describe('findNewPaths', () => {
  const before = base().build();
  const after = base().vuln('v-new', 'web', 'CVE-2026-0001', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H').build();
  const gBefore = buildAttackGraph(before, catalogue);
  const gAfter = buildAttackGraph(after, catalogue);

  it('reports exactly the after paths that use a new step, with the after graph’s ids', async () => {
    const r = await findNewPaths(gBefore, gAfter, { minSeverity: 'SERIOUS', k: 3 });
    const newSteps = new Set(r.newStepIds);
    expect(r.newStepIds.length).toBeGreaterThan(0);
    expect(r.newStepIds.every((id) => id.startsWith('vulnerability-exploitation@'))).toBe(true);
    // Independent: the after graph's own paths, filtered to those with a new step.
    const own = findAttackPaths(gAfter, { k: 3, minSeverity: 'SERIOUS' }).paths.filter((p) =>
      p.stepIds.some((s) => newSteps.has(s)),
    );
    expect(r.paths.map((p) => p.id).sort()).toEqual(own.map((p) => p.id).sort());
    expect(r.targetIds).toEqual(['therapy#DENY', 'therapy#MANIPULATE']);
    expect(r.newlyReachableTargetIds).toEqual(['therapy#DENY', 'therapy#MANIPULATE']);
    // the monitor's path is old: reached before, not reported
    expect(findAttackPaths(gBefore, { k: 1, minSeverity: 'SERIOUS' }).paths.map((p) => p.targetId)).toEqual(
      expect.arrayContaining(['alarms#MANIPULATE']),
    );
    expect(r.paths.some((p) => p.targetId.startsWith('alarms'))).toBe(false);
  });

  it('cuts every new path at the least cost, and leaves the old paths alone', async () => {
    const r = await findNewPaths(gBefore, gAfter, { minSeverity: 'SERIOUS' });
    expect(r.cut.status).toBe('OPTIMAL');
    expect(r.cut.placements.length).toBeGreaterThan(0);
    expect(r.cut.placements.every((p) => p.effect === 'PREVENTS')).toBe(true);
    expect(r.cut.placements.every((p) => p.cutsStepIds.every((id) => gAfter.steps.some((s) => s.id === id)))).toBe(
      true,
    );
    // After the cut, no new path is left; the monitor's path is still there.
    const cutGraph = buildAttackGraph(after, catalogue, { extraPlacements: r.cut.placements });
    const again = await findNewPaths(gBefore, cutGraph, { minSeverity: 'SERIOUS' });
    expect(again.paths).toEqual([]);
    const left = findAttackPaths(cutGraph, { k: 1, minSeverity: 'SERIOUS' }).paths.map((p) => p.targetId);
    expect(left).toEqual(expect.arrayContaining(['alarms#MANIPULATE']));
  });

  it('finds nothing new when nothing changed', async () => {
    const r = await findNewPaths(gBefore, buildAttackGraph(before, catalogue));
    expect(r).toMatchObject({ newStepIds: [], paths: [], targetIds: [], newlyReachableTargetIds: [] });
    expect(r.cut.placements).toEqual([]);
  });
});
