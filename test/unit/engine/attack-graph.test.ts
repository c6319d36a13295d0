import { ValidationError } from '../../../server/src/domain/errors';
import { buildAttackGraph, stepById, withSteps } from '../../../server/src/engine';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { buildGraph, modelBuilder, testCatalogue } from '../../support/build-graph';
import { generateHospital } from '../../support/generate-hospital';
import { vendorRemoteService } from './scenarios';

describe('buildAttackGraph', () => {
  const graph = buildGraph(vendorRemoteService());

  it('has one node per capability on an element, sorted by id, with labels, and targets per (asset, impact) with their severity', () => {
    expect(graph.nodes.map((x) => x.id)).toEqual([
      'ch1',
      'ch1#INJECT',
      'ch1#READ',
      'ch2',
      'ch2#INJECT',
      'ch2#READ',
      'p1',
      'p1#USER',
      'p2',
      'p2#USER',
      'rs',
      'srv',
      'srv#USER',
      't1#DENY',
      't1#MANIPULATE',
      't2#DENY',
      't2#MANIPULATE',
      'z-vendor',
      'z-ward',
    ]);
    expect(graph.nodes.find((x) => x.id === 'rs')).toEqual({
      id: 'rs',
      type: 'INTERFACE',
      elementId: 'rs',
      capability: 'USE',
      label: 'srv / rs',
    });
    expect(graph.nodes.find((x) => x.id === 'srv#USER')).toMatchObject({ elementId: 'srv', capability: 'USER' });
    expect(graph.nodes.find((x) => x.id === 't1#MANIPULATE')).toEqual({
      id: 't1#MANIPULATE',
      type: 'ASSET',
      elementId: 't1',
      capability: 'MANIPULATE',
      label: 'p1 / t1 (manipulated)',
      scale: 'SAFETY',
      severity: 'CRITICAL',
      severityRank: 4,
    });
    // Interrupted therapy: one level below manipulated therapy unless the asset says otherwise.
    expect(graph.nodes.find((x) => x.id === 't1#DENY')).toMatchObject({ severity: 'SERIOUS', severityRank: 3 });
  });

  it('starts from the entry-point zones and targets every (asset, impact) with a severity', () => {
    expect(graph.entryPointIds).toEqual(['z-vendor']);
    expect(graph.targetIds).toEqual(['t1#DENY', 't1#MANIPULATE', 't2#DENY', 't2#MANIPULATE']);
  });

  it('puts a disclosure of personal data on the privacy scale, ranked by the records it exposes', () => {
    const model = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('ehr', ['z'], { category: 'EHR' })
      .device('mon', ['z'], { category: 'PATIENT_MONITOR' })
      .asset('records', 'ehr', 'PERSONAL_DATA', 'SERIOUS')
      .asset('chart', 'mon', 'PERSONAL_DATA', 'SERIOUS')
      .asset('few', 'mon', 'PERSONAL_DATA', 'SERIOUS', { disclosureRecords: 40 })
      .build();
    const g = buildGraph(model);
    const node = (id: string) => g.nodes.find((x) => x.id === id);
    expect(node('records#DISCLOSE')).toMatchObject({
      scale: 'PRIVACY',
      privacySeverity: 'MASS',
      records: 100000,
      severityRank: 5,
    });
    expect(node('chart#DISCLOSE')).toMatchObject({
      scale: 'PRIVACY',
      privacySeverity: 'ONE_PATIENT',
      records: 1,
      severityRank: 1,
    });
    expect(node('few#DISCLOSE')).toMatchObject({ privacySeverity: 'FEW', severityRank: 2 });
    // Personal data has no safety harm unless the asset states one.
    expect(node('records#MANIPULATE')).toBeUndefined();
    expect(node('records#DISCLOSE')!.severity).toBeUndefined();
  });

  it('gives every step a stable synthetic id ruleId@from@to[@qualifier], sorted, unique, likelihood in (0, 1]', () => {
    const ids = graph.steps.map((s) => s.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of graph.steps) {
      expect(s.id.startsWith(`${s.ruleId}@${s.from}@${s.to}`)).toBe(true);
      expect(graph.nodes.some((x) => x.id === s.from) && graph.nodes.some((x) => x.id === s.to)).toBe(true);
      expect(s.likelihood).toBeGreaterThan(0);
      expect(s.likelihood).toBeLessThanOrEqual(1);
      expect(s.blocked).toBe(s.blockingControls.some((b) => b.status === 'IMPLEMENTED'));
      if (s.controlElementId === null) expect(s.blockingControls).toEqual([]);
      for (const b of s.blockingControls) expect(b.elementId).toBe(s.controlElementId);
    }
  });

  it('shares what steps have in common instead of copying it per step (a 10k-device graph has 226k steps)', () => {
    const catalogue = loadBundledCatalogue();
    const g = buildAttackGraph(generateHospital({ devices: 120, seed: 7, catalogue }), catalogue);
    // A control on an element is one object, whichever attack method of the step it blocks.
    const byPlacement = new Map<string, { method: string; object: object }[]>();
    for (const st of g.steps)
      for (const b of st.blockingControls) {
        const key = `${b.controlId}\u0000${b.elementId}`;
        const seen = byPlacement.get(key) ?? [];
        seen.push({ method: st.attackMethodId, object: b });
        byPlacement.set(key, seen);
      }
    const acrossMethods = [...byPlacement.values()].filter((l) => new Set(l.map((x) => x.method)).size > 1);
    expect(acrossMethods.length).toBeGreaterThan(10);
    for (const l of acrossMethods) for (const x of l) expect(x.object).toBe(l[0]!.object);
    // Steps without reducing or other controls share one empty list.
    const empty = g.steps.filter((st) => st.controlElementId !== null && st.reducingControls.length === 0);
    expect(empty.length).toBeGreaterThan(100);
    expect(new Set(empty.map((st) => st.reducingControls)).size).toBe(1);
    // Steps with equal evidence share one list (at 10k devices 17k distinct lists for 226k steps).
    const byContent = new Map<string, object[]>();
    for (const st of g.steps) {
      const key = JSON.stringify(st.evidence);
      byContent.set(key, [...(byContent.get(key) ?? []), st.evidence]);
    }
    expect(byContent.size).toBeLessThan(g.steps.length / 4);
    for (const lists of byContent.values()) expect(new Set(lists).size).toBe(1);
  });

  it('finds a step by its id (binary search over the sorted steps)', () => {
    const catalogue = loadBundledCatalogue();
    const g = buildAttackGraph(generateHospital({ devices: 60, seed: 3, catalogue }), catalogue);
    expect(g.steps.length).toBeGreaterThan(500);
    for (const st of g.steps) expect(stepById(g, st.id)).toBe(st);
    for (const id of ['', 'a', 'zzz', `${g.steps[0]!.id}!`, g.steps[g.steps.length - 1]!.id + '@x'])
      expect(stepById(g, id)).toBeUndefined();
    // paths with their steps resolved; a step of another graph is an error, not a hole
    const ids = [g.steps[3]!.id, g.steps[1]!.id];
    expect(withSteps(g, [{ stepIds: ids, label: 'p' }])).toEqual([
      { stepIds: ids, label: 'p', steps: [g.steps[3], g.steps[1]] },
    ]);
    expect(() => withSteps(g, [{ stepIds: [g.steps[0]!.id, 'rule@nowhere@nothing'] }])).toThrow(
      /rule@nowhere@nothing is not a step of this graph/,
    );
  });

  it('keeps cycles (lateral movement back into a zone) in the graph', () => {
    expect(graph.steps.some((s) => s.id === 'lateral-movement@srv@z-ward')).toBe(true);
    expect(graph.steps.some((s) => s.from === 'z-ward' && s.to === 'ch1')).toBe(true);
  });

  it('records for every rule the capability it needs and the ones it grants', () => {
    const { ATTACK_RULES } = jest.requireActual(
      '../../../server/src/engine',
    ) as typeof import('../../../server/src/engine');
    for (const rule of ATTACK_RULES) {
      expect(rule.needs.length).toBeGreaterThan(0);
      expect(rule.grants.length).toBeGreaterThan(0);
    }
    for (const s of graph.steps) {
      const rule = ATTACK_RULES.find((r) => r.id === s.ruleId)!;
      expect(rule.needs).toContain(graph.nodes.find((x) => x.id === s.from)!.capability);
      expect(rule.grants).toContain(graph.nodes.find((x) => x.id === s.to)!.capability);
    }
  });

  it('rejects a duplicate id, a dangling reference and an unknown starting element, listing every problem', () => {
    const dup = modelBuilder().zone('x', 'CLINICAL', true).device('x', ['x']).build();
    expect(() => buildGraph(dup)).toThrow(ValidationError);
    const dangling = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('d', ['nowhere'])
      .iface('i', 'ghost', 'WEB_UI', ['z'])
      .build();
    try {
      buildGraph(dangling);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'devices[0].zoneIds[0]',
        'interfaces[0].deviceId',
      ]);
    }
    expect(() => buildGraph(vendorRemoteService(), { fromElementIds: ['nope'] })).toThrow(ValidationError);
  });

  it('rejects an extra placement that does not fit its element', () => {
    expect(() =>
      buildGraph(vendorRemoteService(), { extraPlacements: [{ controlId: 'C28', elementId: 'srv' }] }),
    ).toThrow(ValidationError);
    expect(() =>
      buildGraph(vendorRemoteService(), { extraPlacements: [{ controlId: 'C99', elementId: 'srv' }] }),
    ).toThrow(ValidationError);
  });

  it('rejects a catalogue that lacks an attack method the rules use', () => {
    const catalogue = testCatalogue();
    catalogue.attackMethods = catalogue.attackMethods.filter((m) => m.id !== 'AM19');
    expect(() => buildAttackGraph(vendorRemoteService(), catalogue)).toThrow(/AM19/);
  });

  it('does not modify its inputs', () => {
    const model = vendorRemoteService();
    const catalogue = testCatalogue();
    const before = JSON.stringify([model, catalogue]);
    buildAttackGraph(model, catalogue, { extraPlacements: [{ controlId: 'C11', elementId: 'srv' }] });
    expect(JSON.stringify([model, catalogue])).toBe(before);
  });
});

describe('control applicability by device conditions', () => {
  it('C11 (anti-malware, deviceConditions GENERAL_PURPOSE_OS) fits a Windows workstation but not an insulin pump', () => {
    const { canPlaceControl } = jest.requireActual(
      '../../../server/src/engine',
    ) as typeof import('../../../server/src/engine');
    const { loadBundledCatalogue } = jest.requireActual(
      '../../../server/src/domain/catalogue',
    ) as typeof import('../../../server/src/domain/catalogue');
    const c11 = loadBundledCatalogue().controls.find((c) => c.id === 'C11')!;
    expect(c11.deviceConditions).toEqual(['GENERAL_PURPOSE_OS']);
    const base = {
      handlesPersonalData: true,
      storesData: true,
      remoteService: false,
      patchable: true,
      executesSoftware: true,
      bodyLocation: 'NONE' as const,
      userSession: true,
      ipHost: true,
      onPremises: true,
      emergencyOperation: false,
    };
    expect(canPlaceControl(c11, { type: 'DEVICE', device: { ...base, generalPurposeOs: true } })).toBe(true);
    expect(canPlaceControl(c11, { type: 'DEVICE', device: { ...base, generalPurposeOs: false } })).toBe(false);
    expect(canPlaceControl(c11, { type: 'DEVICE' })).toBe(false);
  });
});
