import { EngineLimitError, ValidationError } from '../../../server/src/domain/errors';
import { findAttackPaths, reachableTargets } from '../../../server/src/engine';
import type { AttackGraph, AttackPath } from '../../../server/src/engine';
import { buildGraph, testCatalogue } from '../../support/build-graph';
import { generateHospital } from '../../support/generate-hospital';
import { randomModel } from './random-model';
import { insulinPumpAtHome, vendorRemoteService } from './scenarios';

const summary = (p: AttackPath) => ({ steps: p.stepIds, likelihood: Number(p.likelihood.toFixed(6)) });

describe('findAttackPaths: (a) insulin pump paired over BLE Just Works', () => {
  const graph = buildGraph(insulinPumpAtHome());
  const result = findAttackPaths(graph, { k: 3 });

  it('reaches the pump’s therapy from the home, first through the weak pairing', () => {
    expect(result.targetsReachable).toBe(1);
    expect(result.paths.map(summary)).toEqual(
      expect.arrayContaining([
        // 0.6 × 0.9 (Just Works) = 0.54, then manipulation of the commands 0.5
        { steps: ['weak-pairing@z-home@ble', 'in-transit-manipulation@ble@therapy'], likelihood: 0.27 },
        // 0.54, then spoofed commands 0.5 take the pump, which controls its therapy (1)
        {
          steps: ['weak-pairing@z-home@ble', 'command-spoofing@ble@pump', 'device-asset-manipulation@pump@therapy'],
          likelihood: 0.27,
        },
      ]),
    );
    // Third: a man-in-the-middle (0.4 × 0.9 = 0.36) instead of the pairing, × 0.5.
    expect(result.paths[2]!.stepIds[0]).toBe('channel-mitm@z-home@ble');
    expect(result.paths[2]!.likelihood).toBeCloseTo(0.18);
  });

  it('scores risk as likelihood × severity rank (CATASTROPHIC = 5) and totals per target', () => {
    expect(result.paths[0]).toMatchObject({
      entryPointId: 'z-home',
      targetId: 'therapy',
      severity: 'CATASTROPHIC',
      severityRank: 5,
    });
    expect(result.paths[0]!.risk).toBeCloseTo(1.35);
    expect(result.totalRisk).toBeCloseTo(1.35);
    expect(result.entryTargetPairsConnected).toBe(1);
    expect(result.pathCount).toBe(3);
  });

  it('challenge-response (extrinsic) lowers the likelihood and removes replay', () => {
    const hardened = findAttackPaths(buildGraph(insulinPumpAtHome({ extrinsic: ['CHALLENGE_RESPONSE'] })), { k: 3 });
    // Manipulation in transit × 0.5 (0.54 × 0.25), spoofing × 0.1.
    expect(hardened.paths[0]!.likelihood).toBeCloseTo(0.54 * 0.25);
    expect(hardened.totalRisk).toBeLessThan(result.totalRisk);
  });

  it('an implemented control blocks its steps: C23 (MITM-protected pairing) on the link', () => {
    const model = insulinPumpAtHome();
    model.controlPlacements.push({ id: 'pl', controlId: 'C23', elementId: 'ble', status: 'IMPLEMENTED' });
    const g = buildGraph(model);
    expect(g.steps.find((s) => s.id === 'weak-pairing@z-home@ble')!.blocked).toBe(true);
    const paths = findAttackPaths(g, { k: 3 }).paths;
    for (const p of paths) {
      expect(
        p.stepIds.some(
          (id) => id.startsWith('weak-pairing') || id.startsWith('channel-mitm') || id.startsWith('command-spoofing'),
        ),
      ).toBe(false);
    }
    // Eavesdropping (0.18) then manipulation (0.5).
    expect(paths[0]!.stepIds).toEqual(['channel-eavesdropping@z-home@ble', 'in-transit-manipulation@ble@therapy']);
  });
});

describe('findAttackPaths: (b) vendor remote service into the infusion server', () => {
  const graph = buildGraph(vendorRemoteService());
  const result = findAttackPaths(graph, { k: 3 });
  const toT1 = result.paths.filter((p) => p.targetId === 't1');

  it('reaches each pump’s therapy through the remote service, the server and the command link', () => {
    expect(toT1[0]!.stepIds).toEqual([
      'remote-service-abuse@z-vendor@rs', // 0.4 × 0.6 (password) = 0.24
      'interface-compromise@rs@srv', // 0.5 × 2 (service port) = 1
      'peer-abuse@srv@p1@ch1', // the compromised server commands its pump: 1
      'device-asset-manipulation@p1@t1', // 1
    ]);
    expect(toT1[0]!.likelihood).toBeCloseTo(0.24);
    expect(toT1[0]!.nodeIds).toEqual(['z-vendor', 'rs', 'srv', 'p1', 't1']);
    // Second: guessed password (0.5 × 0.4 = 0.2) instead of remote-service abuse.
    expect(toT1[1]!.stepIds[0]).toBe('credential-compromise@z-vendor@rs');
    expect(toT1[1]!.likelihood).toBeCloseTo(0.2);
    // Third: malware on the general-purpose server (0.4 × 2 = 0.8) instead of the exploit.
    expect(toT1[2]!.stepIds.slice(0, 2)).toEqual(['remote-service-abuse@z-vendor@rs', 'malware-infection@rs@srv']);
    expect(toT1[2]!.likelihood).toBeCloseTo(0.192);
    expect(result.targetsReachable).toBe(2);
  });

  it('fromElementIds starts from an already compromised element', () => {
    const g = buildGraph(vendorRemoteService(), { fromElementIds: ['srv'] });
    expect(g.entryPointIds).toEqual(['srv']);
    const paths = findAttackPaths(g, { k: 1, targetIds: ['t2'] }).paths;
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatchObject({
      entryPointId: 'srv',
      stepIds: ['peer-abuse@srv@p2@ch2', 'device-asset-manipulation@p2@t2'],
      likelihood: 1,
      hops: 2,
    });
  });

  it('an implemented C28 on the remote service leaves only the password route', () => {
    const model = vendorRemoteService();
    model.controlPlacements.push({ id: 'pl', controlId: 'C28', elementId: 'rs', status: 'IMPLEMENTED' });
    const best = findAttackPaths(buildGraph(model), { k: 1, targetIds: ['t1'] }).paths[0]!;
    expect(best.stepIds[0]).toBe('credential-compromise@z-vendor@rs');
  });
});

describe('findAttackPaths options and limits', () => {
  const graph = buildGraph(vendorRemoteService());

  it('filters targets by severity and by id', () => {
    expect(findAttackPaths(graph, { minSeverity: 'CATASTROPHIC' }).pathCount).toBe(0);
    expect(new Set(findAttackPaths(graph, { targetIds: ['t2'] }).paths.map((p) => p.targetId))).toEqual(
      new Set(['t2']),
    );
    expect(() => findAttackPaths(graph, { targetIds: ['srv'] })).toThrow(ValidationError);
  });

  it('raises EngineLimitError("maxDepth") for a path longer than maxDepth', () => {
    const err = catchError(() => findAttackPaths(graph, { maxDepth: 3 }));
    expect(err).toBeInstanceOf(EngineLimitError);
    expect((err as EngineLimitError).limit).toBe('maxDepth');
  });

  it('raises EngineLimitError("maxPaths") when more paths are found than allowed', () => {
    const err = catchError(() => findAttackPaths(graph, { k: 3, maxPaths: 4 }));
    expect((err as EngineLimitError).limit).toBe('maxPaths');
  });

  it('raises EngineLimitError("timeLimitMs") instead of running long', () => {
    const big = buildGraph(generateHospital({ devices: 1500, seed: 1 }));
    const err = catchError(() => findAttackPaths(big, { k: 5, maxPaths: 1e9, timeLimitMs: 1 }));
    expect((err as EngineLimitError).limit).toBe('timeLimitMs');
  });

  it('rejects a non-positive k', () => {
    expect(() => findAttackPaths(graph, { k: 0 })).toThrow(ValidationError);
  });

  it('gives a zero-step path to a target that is itself an entry point', () => {
    const g = buildGraph(vendorRemoteService(), { fromElementIds: ['t1'] });
    const p = findAttackPaths(g, { targetIds: ['t1'] }).paths;
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ stepIds: [], nodeIds: ['t1'], likelihood: 1, hops: 0 });
  });

  it('reachableTargets lists the targets reachable at or above a severity', () => {
    expect(reachableTargets(graph, 'CRITICAL')).toEqual(['t1', 't2']);
    expect(reachableTargets(graph, 'CATASTROPHIC')).toEqual([]);
  });
});

/** Every simple path (no repeated node) from an entry point to t, by depth-first search. */
function allSimplePaths(graph: AttackGraph, t: string): { likelihood: number; steps: string[] }[] {
  const out = new Map<string, typeof graph.steps>();
  for (const s of graph.steps) if (!s.blocked) out.set(s.from, [...(out.get(s.from) ?? []), s]);
  const found: { likelihood: number; steps: string[] }[] = [];
  const walk = (v: string, seen: Set<string>, steps: string[], l: number) => {
    if (v === t) found.push({ likelihood: l, steps: [...steps] });
    for (const s of out.get(v) ?? []) {
      if (seen.has(s.to)) continue;
      seen.add(s.to);
      steps.push(s.id);
      walk(s.to, seen, steps, l * s.likelihood);
      steps.pop();
      seen.delete(s.to);
    }
  };
  for (const e of graph.entryPointIds) walk(e, new Set([e]), [], 1);
  return found;
}

describe('findAttackPaths against brute force (Yen = the k most likely simple paths)', () => {
  it('returns, for every target of 200 random models, the k best simple paths', () => {
    const catalogue = testCatalogue();
    let compared = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const graph = buildGraph(
        randomModel(seed, catalogue, { maxDevices: 5, maxInterfacesPerDevice: 3, maxChannels: 5 }),
        {},
        catalogue,
      );
      const k = 1 + (seed % 4);
      const result = findAttackPaths(graph, { k, maxPaths: 1e6 });
      for (const t of graph.targetIds) {
        const brute = allSimplePaths(graph, t).sort((a, b) => b.likelihood - a.likelihood);
        const mine = result.paths.filter((p) => p.targetId === t);
        expect(mine.length).toBe(Math.min(k, brute.length));
        const expected = brute.slice(0, k).map((p) => p.likelihood);
        const got = mine.map((p) => p.likelihood).sort((a, b) => b - a);
        got.forEach((l, i) => expect(l).toBeCloseTo(expected[i]!, 9));
        for (const p of mine) {
          expect(new Set(p.nodeIds).size).toBe(p.nodeIds.length);
          expect(brute.some((b) => b.steps.join() === p.stepIds.join())).toBe(true);
        }
        compared += mine.length;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
