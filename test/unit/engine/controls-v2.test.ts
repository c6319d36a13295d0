/**
 * Controls v2 (issue 10) on small models written out here, with the bundled catalogue: what each
 * control really does (effects), where it can exist (applicability), receiver-side
 * authentication, one representation of extrinsic mechanisms, and `assume`. Each test failed on
 * the engine before controls v2 (C01 idle lock "cut" an unauthenticated web UI; a firewall,
 * passwords and TLS were offered on an implant's radio; spoofed commands could only be cut per
 * channel).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import type { ModelDocument } from '../../../server/src/domain/types';
import {
  buildAttackGraph,
  recommendControls,
  reviewControlPlacements,
  whatIf,
  whatIfWithGraph,
} from '../../../server/src/engine';
import { ValidationError } from '../../../server/src/domain/errors';
import { modelBuilder } from '../../support/build-graph';
import { indexGraph } from '../../../server/src/engine/graph-index';

const catalogue = loadBundledCatalogue();

/** The probe: one class C monitor whose unauthenticated web UI is exposed to guest Wi-Fi. */
function probe(): ModelDocument {
  return modelBuilder()
    .zone('guest', 'GUEST_WIFI', true)
    .zone('clinical', 'CLINICAL')
    .device('monitor', ['clinical'], { category: 'PATIENT_MONITOR', riskClass: 'C' })
    .iface('monitor-web', 'monitor', 'WEB_UI', ['guest', 'clinical'], 'NONE')
    .asset('alarms', 'monitor', 'ALARM', 'CRITICAL')
    .build();
}

/** An ICD reached by a programmer and a home monitor over proprietary radio, both ending at its radio interface. */
function implant(): ModelDocument {
  const doc = modelBuilder()
    .zone('home', 'PATIENT_HOME', true)
    .zone('clinic', 'PHYSICAL_ACCESS', true)
    .device('icd', ['home', 'clinic'], { category: 'IMPLANTABLE_CARDIAC', riskClass: 'D' })
    .device('programmer', ['clinic'], { category: 'PROGRAMMER', riskClass: 'C' })
    .device('bedside', ['home'], { category: 'HOME_MONITOR', riskClass: 'C' })
    .iface('icd-rf', 'icd', 'PROPRIETARY_RF', ['home', 'clinic'], 'NONE')
    .channel('prog-icd', 'programmer', 'icd', {
      technology: 'PROPRIETARY_RF',
      intrinsic: 'PROPRIETARY_UNENCRYPTED',
      carries: ['COMMANDS'],
      zoneIds: ['clinic'],
    })
    .channel('home-icd', 'bedside', 'icd', {
      technology: 'PROPRIETARY_RF',
      intrinsic: 'PROPRIETARY_UNENCRYPTED',
      carries: ['COMMANDS'],
      zoneIds: ['home'],
    })
    .asset('shock', 'icd', 'THERAPY_DELIVERY', 'CATASTROPHIC')
    .build();
  for (const c of doc.channels) c.toInterfaceId = 'icd-rf';
  return doc;
}

describe('point 1: effects — only PREVENTS cuts', () => {
  it('the probe is cut by an authentication control that fits a web UI, never by idle lock, SBOM, anti-malware or patching', async () => {
    const graph = buildAttackGraph(probe(), catalogue);
    const rec = await recommendControls(graph, { minSeverity: 'CRITICAL' });
    expect(rec.uncuttableTargetIds).toEqual([]);
    expect(rec.riskAfter).toBe(0);
    expect(rec.placements).toHaveLength(1);
    const [p] = rec.placements;
    expect(['C04', 'C12', 'C14']).toContain(p!.controlId);
    expect(p!.elementId).toBe('monitor-web');
    for (const c of rec.placements) expect(['C01', 'C16', 'C11', 'C06']).not.toContain(c.controlId);
    // C01 is still there, as what it is: a reduction, not a cut.
    const access = graph.steps.find((s) => s.ruleId === 'unauthenticated-access')!;
    expect(access.blockingControls.map((b) => b.controlId)).not.toContain('C01');
    expect(access.reducingControls.find((r) => r.controlId === 'C01')).toMatchObject({ factor: 0.8 });
  });

  it('an implemented REDUCES control lowers the step by its factor and leaves the path open; DETECTS is reported only', () => {
    const model = probe();
    model.controlPlacements.push({ id: 'pl-c01', controlId: 'C01', elementId: 'monitor-web', status: 'IMPLEMENTED' });
    const before = buildAttackGraph(probe(), catalogue).steps.find((s) => s.ruleId === 'unauthenticated-access')!;
    const after = buildAttackGraph(model, catalogue).steps.find((s) => s.id === before.id)!;
    expect(after.blocked).toBe(false);
    expect(after.likelihood).toBeCloseTo(before.likelihood * 0.8, 6);
    expect(after.evidence).toContainEqual({ property: 'reducedBy', value: 'C01 on monitor-web (×0.8)' });
    // C10 integrity checking DETECTS firmware tampering (AM09) on a device that stores data:
    // listed with the step's other controls, never as a blocker or a reduction.
    const fw = modelBuilder()
      .zone('lan', 'CLINICAL', true)
      .device('srv', ['lan'], { category: 'SERVER' })
      .device('pump', ['lan'], { category: 'INFUSION_PUMP', storesData: true })
      .channel('upd', 'srv', 'pump', { technology: 'ETHERNET', carries: ['FIRMWARE'], zoneIds: ['lan'] })
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CRITICAL')
      .build();
    const tamper = buildAttackGraph(fw, catalogue).steps.find((s) => s.ruleId === 'firmware-tampering')!;
    expect(tamper.otherControls).toContainEqual(expect.objectContaining({ controlId: 'C10', effect: 'DETECTS' }));
    expect(tamper.blockingControls.map((b) => b.controlId)).not.toContain('C10');
    expect(tamper.reducingControls.map((b) => b.controlId)).not.toContain('C10');
    // Placing it changes nothing on the step.
    fw.controlPlacements.push({ id: 'pl-c10', controlId: 'C10', elementId: 'pump', status: 'IMPLEMENTED' });
    const with10 = buildAttackGraph(fw, catalogue).steps.find((s) => s.id === tamper.id)!;
    expect([with10.likelihood, with10.blocked]).toEqual([tamper.likelihood, false]);
  });
});

describe('point 2: applicability — nothing is proposed where it cannot exist', () => {
  it('an implant’s radio interface is offered no firewall, password or TLS control, but challenge-response', () => {
    const graph = buildAttackGraph(implant(), catalogue);
    const onRadio = graph.steps.filter((s) => s.controlElementId === 'icd-rf' || s.controlElementId?.endsWith('-icd'));
    expect(onRadio.length).toBeGreaterThan(0);
    const offered = new Set(
      graph.steps
        .flatMap((s) => [...s.blockingControls, ...s.reducingControls, ...s.otherControls])
        .filter((b) => ['icd-rf', 'icd', 'prog-icd', 'home-icd'].includes(b.elementId))
        .map((b) => b.controlId),
    );
    for (const never of ['C13', 'C14', 'C20', 'C12', 'C15', 'C01']) expect(offered).not.toContain(never);
    expect(offered).toContain('C27');
  });

  it('whatIf refuses a placement that cannot exist, naming the predicate (BAD_USER_INPUT)', () => {
    expect(() => whatIf(implant(), catalogue, [{ controlId: 'C13', elementId: 'icd-rf' }], {})).toThrow(
      ValidationError,
    );
    try {
      whatIf(implant(), catalogue, [{ controlId: 'C13', elementId: 'icd-rf' }], {});
    } catch (e) {
      expect((e as ValidationError).issues[0]!.message).toMatch(/C13 .*IP_BASED/);
    }
  });

  it('extrinsic mechanisms and placements of their control are one protection, counted once', () => {
    const doc = probe();
    doc.devices.push({ ...doc.devices[0]!, id: 'central', name: 'central' });
    doc.channels.push({
      id: 'feed',
      name: 'feed',
      fromDeviceId: 'central',
      toDeviceId: 'monitor',
      technology: 'ETHERNET',
      intrinsicMechanism: 'NONE',
      extrinsicMechanisms: ['TLS'],
      carries: ['COMMANDS'],
      zoneIds: ['clinical'],
    });
    const withBoth = structuredClone(doc);
    withBoth.controlPlacements.push({ id: 'pl', controlId: 'C20', elementId: 'feed', status: 'IMPLEMENTED' });
    const a = buildAttackGraph(doc, catalogue).steps.filter((s) => s.controlElementId === 'feed');
    const b = buildAttackGraph(withBoth, catalogue).steps.filter((s) => s.controlElementId === 'feed');
    expect(b.map((s) => [s.id, s.likelihood, s.blocked])).toEqual(a.map((s) => [s.id, s.likelihood, s.blocked]));
    expect(a.find((s) => s.attackMethodId === 'AM02')!.blocked).toBe(true);
  });
});

describe('point 3: receiver-side authentication', () => {
  it('one challenge-response placement on the implant’s receiving interface cuts both spoofing paths', async () => {
    const graph = buildAttackGraph(implant(), catalogue);
    const spoofing = graph.steps.filter((s) => s.ruleId === 'command-spoofing');
    expect(new Set(spoofing.map((s) => s.controlElementId))).toEqual(new Set(['prog-icd', 'home-icd']));
    for (const s of spoofing)
      expect(s.blockingControls.some((b) => b.controlId === 'C27' && b.elementId === 'icd-rf')).toBe(true);
    const applied = whatIf(implant(), catalogue, [{ controlId: 'C27', elementId: 'icd-rf' }], {});
    const cut = applied.placementsApplied[0]!;
    expect(cut.blocksStepIds.filter((id) => id.startsWith('command-spoofing@'))).toHaveLength(spoofing.length);
    for (const p of applied.after.paths) expect(p.stepIds.some((id) => id.startsWith('command-spoofing@'))).toBe(false);
  });
});

describe('assume: IMPLEMENTED_AND_PLANNED', () => {
  it('counts the agreed plan as in force, so residual risk after it is visible', () => {
    const doc = probe();
    doc.controlPlacements.push({ id: 'pl', controlId: 'C14', elementId: 'monitor-web', status: 'PLANNED' });
    const now = buildAttackGraph(doc, catalogue);
    const planned = buildAttackGraph(doc, catalogue, { assume: 'IMPLEMENTED_AND_PLANNED' });
    const id = now.steps.find((s) => s.ruleId === 'unauthenticated-access')!.id;
    expect(now.steps.find((s) => s.id === id)!.blocked).toBe(false);
    expect(planned.steps.find((s) => s.id === id)!.blocked).toBe(true);
  });
});

describe('control review (migration report of existing models)', () => {
  it('lists a placement that no longer fits and one whose control no longer prevents what it was placed for, with the risk before and after', () => {
    const doc = probe();
    // An accepted recommendation of the old engine: idle lock "cut" the unauthenticated web UI.
    doc.controlPlacements.push({ id: 'pl-lock', controlId: 'C01', elementId: 'monitor-web', status: 'IMPLEMENTED' });
    const imp = implant();
    const merged: ModelDocument = {
      ...doc,
      zones: [...doc.zones, ...imp.zones],
      devices: [...doc.devices, ...imp.devices],
      interfaces: [...doc.interfaces, ...imp.interfaces],
      channels: [...imp.channels],
      assets: [...doc.assets, ...imp.assets],
      controlPlacements: [
        ...doc.controlPlacements,
        { id: 'pl-fw', controlId: 'C13', elementId: 'icd-rf', status: 'PLANNED' },
      ],
    };
    const review = reviewControlPlacements(merged, catalogue);
    expect(review.items.map((i) => [i.placementId, i.problem])).toEqual([
      ['pl-fw', 'NOT_APPLICABLE'],
      ['pl-lock', 'NO_LONGER_PREVENTS'],
    ]);
    expect(review.items[0]!.reason).toMatch(/IP_BASED/);
    expect(review.items[1]).toMatchObject({
      attackMethodIds: ['AM05'],
      reason: expect.stringMatching(/AM05 \(now REDUCES ×0\.8\)/),
    });
    expect(review.items[1]!.stepIds.length).toBeGreaterThan(0);
    // Believed: the web UI was cut. Now: it is open (only 0.8 less likely).
    expect(review.riskBefore).toBeLessThan(review.riskAfter);
  });

  it('has nothing to say about a model whose placements all still prevent what they did', () => {
    const doc = probe();
    doc.controlPlacements.push({ id: 'pl-pw', controlId: 'C14', elementId: 'monitor-web', status: 'IMPLEMENTED' });
    const review = reviewControlPlacements(doc, catalogue);
    expect(review.items).toEqual([]);
    expect(review.riskBefore).toBe(review.riskAfter);
  });
});

describe('graph index of a built graph', () => {
  it('equals the index rebuilt from the graph’s JSON, reducers included (the fast path hides nothing from the planner)', () => {
    const demo = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../../seeds/demo-hospital.json'), 'utf8'),
    ) as ModelDocument;
    const graph = buildAttackGraph(demo, catalogue);
    const fast = indexGraph(graph);
    const slow = indexGraph(JSON.parse(JSON.stringify(graph)) as typeof graph);
    expect(fast).not.toBe(slow);
    expect(fast.stepReducers.length).toBeGreaterThan(0);
    for (const key of [
      'placementControlId',
      'placementElementId',
      'placementCost',
      'stepPlacementStart',
      'stepPlacements',
      'stepReducerStart',
      'stepReducers',
      'stepReducerFactor',
      'blocked',
      'likelihood',
    ] as const)
      expect([key, Array.from(fast[key] as ArrayLike<unknown>)]).toEqual([
        key,
        Array.from(slow[key] as ArrayLike<unknown>),
      ]);
  });
});

describe('review fixes', () => {
  it('receiver-side authentication on the device still works when the channels name the receiving interface', () => {
    const doc = implant();
    expect(doc.channels.every((c) => c.toInterfaceId === 'icd-rf')).toBe(true);
    const spoofing = buildAttackGraph(doc, catalogue).steps.filter((s) => s.ruleId === 'command-spoofing');
    for (const s of spoofing) {
      const on = s.blockingControls.map((b) => b.elementId);
      expect(on).toContain('icd-rf');
      expect(on).toContain('icd');
    }
    const applied = whatIf(doc, catalogue, [{ controlId: 'C27', elementId: 'icd' }], {});
    expect(applied.placementsApplied[0]!.blocksStepIds.filter((id) => id.startsWith('command-spoofing@'))).toHaveLength(
      spoofing.length,
    );
  });

  it('whatIfWithGraph gives the after graph, whose steps carry the placements in force', () => {
    const { result, afterGraph } = whatIfWithGraph(
      probe(),
      catalogue,
      [{ controlId: 'C01', elementId: 'monitor-web' }],
      {},
    );
    const byId = new Map(afterGraph.steps.map((s) => [s.id, s]));
    const access = afterGraph.steps.find((s) => s.ruleId === 'unauthenticated-access')!;
    expect(access.reducingControls.find((r) => r.controlId === 'C01')).toMatchObject({ status: 'IMPLEMENTED' });
    for (const p of result.after.paths) {
      const product = p.stepIds.reduce((l, id) => l * byId.get(id)!.likelihood, 1);
      expect(product).toBeCloseTo(p.likelihood, 9);
    }
  });
});
