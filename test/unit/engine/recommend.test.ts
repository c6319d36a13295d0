import { EngineLimitError, ValidationError } from '../../../server/src/domain/errors';
import { findAttackPaths, recommendControls, reachableTargets, whatIf } from '../../../server/src/engine';
import { buildGraph, modelBuilder, testCatalogue } from '../../support/build-graph';
import { generateHospital } from '../../support/generate-hospital';
import { insulinPumpAtHome, vendorRemoteService } from './scenarios';

const catalogue = testCatalogue();
const ids = (r: { placements: { controlId: string; elementId: string }[] }) =>
  r.placements.map((p) => `${p.controlId}@${p.elementId}`);

describe('recommendControls: (a) insulin pump paired over BLE Just Works', () => {
  it('places MITM-protected pairing (C23) on the BLE link: it stops the man in the middle and spoofed commands, cost 2', async () => {
    const graph = buildGraph(insulinPumpAtHome());
    const rec = await recommendControls(graph, { minSeverity: 'CRITICAL' });
    // Without the middle position (weak pairing, MITM: both AM14/AM02, C23) the attacker can only
    // replay (INJECT), and spoofed commands (AM04) are C23's too. Eavesdropping reads nothing harmful.
    expect(ids(rec)).toEqual(['C23@ble']);
    expect(rec).toMatchObject({
      totalCost: 2,
      optimal: true,
      status: 'OPTIMAL',
      mipGap: 0,
      uncuttableTargetIds: [],
      riskAfter: 0,
    });
    // Manipulated (5) and denied (4) therapy, each at 0.27.
    expect(rec.riskBefore).toBeCloseTo(0.27 * 9);
    const c23 = rec.placements[0]!;
    expect(c23).toMatchObject({
      elementType: 'CHANNEL',
      cost: 2,
      cutsTargetIds: ['therapy#DENY', 'therapy#MANIPULATE'],
    });
    expect(c23.cutsStepIds).toEqual([
      'channel-mitm@z-home@ble',
      'command-spoofing@ble#INJECT@therapy#DENY',
      'command-spoofing@ble#INJECT@therapy#MANIPULATE',
      'weak-pairing@z-home@ble',
    ]);
  });

  it('leaves no path to the therapy once applied (what-if)', async () => {
    const model = insulinPumpAtHome();
    const rec = await recommendControls(buildGraph(model), { minSeverity: 'CRITICAL' });
    const w = whatIf(model, catalogue, rec.placements, { minSeverity: 'CRITICAL' });
    expect(w.after.pathCount).toBe(0);
    expect(w.pathsCut).toEqual(w.before.paths.map((p) => p.id).sort());
    expect(w.riskReduction).toBeCloseTo(w.before.totalRisk);
  });
});

describe('recommendControls: (b) vendor remote service', () => {
  it('cuts both ways into the remote service: controlled remote service (C28) and strong credentials (C14), cost 4', async () => {
    const rec = await recommendControls(buildGraph(vendorRemoteService()), { minSeverity: 'CRITICAL' });
    // The remote service is an administrator session (control of the server), and a controlled
    // server commands its pumps: nothing after the interface can be cut, so the cut is at its door.
    expect(ids(rec)).toEqual(['C14@rs', 'C28@rs']);
    expect(rec.placements.find((p) => p.controlId === 'C28')).toMatchObject({
      elementType: 'INTERFACE',
      cost: 2,
      cutsStepIds: ['remote-service-abuse@z-vendor@rs'],
      cutsTargetIds: ['t1#MANIPULATE', 't2#MANIPULATE'],
    });
    expect(rec.totalCost).toBe(4);
  });

  it('reports targets that no candidate control can protect as uncuttable and cuts the rest', async () => {
    // p1 already compromised: its therapy cannot be protected; p2's still can.
    const graph = buildGraph(vendorRemoteService(), { fromElementIds: ['p1'] });
    const rec = await recommendControls(graph, { minSeverity: 'CRITICAL' });
    expect(rec.uncuttableTargetIds).toEqual(['t1#MANIPULATE']);
    const after = buildGraph(vendorRemoteService(), { fromElementIds: ['p1'], extraPlacements: rec.placements });
    expect(reachableTargets(after, 'CRITICAL')).toEqual(['t1#MANIPULATE']);
  });

  it('reports NOTHING_TO_CUT when no target of the severity is reachable', async () => {
    const rec = await recommendControls(buildGraph(vendorRemoteService()), { minSeverity: 'CATASTROPHIC' });
    expect(rec).toMatchObject({ status: 'NOTHING_TO_CUT', placements: [], totalCost: 0, riskBefore: 0, riskAfter: 0 });
  });
});

describe('recommendControls: budget variant', () => {
  it('maximises the risk removed within the budget', async () => {
    const model = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('a', ['y'])
      .device('b', ['y'])
      .zone('y', 'OTHER')
      .iface('ia', 'a', 'REST_API', ['z'], 'PASSWORD', { functions: ['COMMAND_THERAPY'] })
      .iface('ib', 'b', 'REST_API', ['z'], 'PASSWORD', { functions: ['CHANGE_SETTINGS'] })
      .asset('ta', 'a', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .asset('tb', 'b', 'ALARM', 'SERIOUS')
      .build();
    const graph = buildGraph(model);
    const full = await recommendControls(graph, { minSeverity: 'SERIOUS' });
    expect(ids(full)).toEqual(['C14@ia', 'C14@ib']); // strong credentials on each API (guessed password 0.5 × 0.4)
    expect(full.totalCost).toBe(4);
    const half = await recommendControls(graph, { minSeverity: 'SERIOUS', budget: 2 });
    // The therapy first: manipulated 5 + denied 4 (× 0.2) outweigh the alarm's 3 + 3.
    expect(ids(half)).toEqual(['C14@ia']);
    expect(half.placements[0]!.cutsTargetIds).toEqual(['ta#DENY', 'ta#MANIPULATE']);
    expect(half.budget).toBe(2);
    expect(half.riskAfter).toBeCloseTo((3 + 3) * 0.2);
    const none = await recommendControls(graph, { minSeverity: 'SERIOUS', budget: 1 });
    expect(none.placements).toEqual([]);
    expect(none.riskAfter).toBeCloseTo(none.riskBefore);
  });

  it('rejects a negative budget', async () => {
    await expect(
      recommendControls(buildGraph(vendorRemoteService()), { minSeverity: 'CRITICAL', budget: -1 }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('recommendControls: time limit', () => {
  it('returns the best solution found (not optimal) or a typed error, and never hangs', async () => {
    const graph = buildGraph(generateHospital({ devices: 800, seed: 3 }));
    try {
      const rec = await recommendControls(graph, { minSeverity: 'SERIOUS', timeLimitMs: 1 });
      if (rec.status === 'TIME_LIMIT') expect(rec.optimal).toBe(false);
      const after = buildGraph(generateHospital({ devices: 800, seed: 3 }), { extraPlacements: rec.placements });
      expect(reachableTargets(after, 'SERIOUS').every((t) => rec.uncuttableTargetIds.includes(t))).toBe(true);
    } catch (e) {
      expect(e).toBeInstanceOf(EngineLimitError);
    }
  });
});

describe('whatIf', () => {
  it('compares before and after without changing the model, listing what each placement blocks', () => {
    const model = vendorRemoteService();
    const copy = structuredClone(model);
    const w = whatIf(
      model,
      catalogue,
      [
        { controlId: 'C28', elementId: 'rs' },
        { controlId: 'C28', elementId: 'rs' },
      ],
      { k: 2 },
    );
    expect(model).toEqual(copy);
    expect(w.placementsApplied).toEqual([
      {
        controlId: 'C28',
        elementId: 'rs',
        elementType: 'INTERFACE',
        cost: 2,
        blocksStepIds: ['remote-service-abuse@z-vendor@rs'],
        reducesStepIds: [],
      },
    ]);
    expect(w.after.totalRisk).toBeLessThan(w.before.totalRisk);
    const cut = new Set(w.pathsCut);
    for (const p of w.before.paths) expect(cut.has(p.id)).toBe(p.stepIds.includes('remote-service-abuse@z-vendor@rs'));
    expect(w.after.paths.every((p) => !cut.has(p.id))).toBe(true);
    expect(w.riskReduction).toBeCloseTo(w.before.totalRisk - w.after.totalRisk);
  });

  it('rejects a control that cannot sit on the element (C23 is BLE-only)', () => {
    expect(() => whatIf(vendorRemoteService(), catalogue, [{ controlId: 'C23', elementId: 'ch1' }])).toThrow(
      ValidationError,
    );
  });

  it('keeps path ids stable between runs so that cut paths can be matched', () => {
    const a = findAttackPaths(buildGraph(vendorRemoteService())).paths.map((p) => p.id);
    const b = findAttackPaths(buildGraph(vendorRemoteService())).paths.map((p) => p.id);
    expect(a).toEqual(b);
    expect(a[0]).toMatch(/^path@z-vendor@t[12]#(MANIPULATE|DENY)@[0-9a-f]{14}$/);
  });
});
