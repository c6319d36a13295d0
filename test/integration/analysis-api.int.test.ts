/**
 * The analysis over GraphQL on the demo hospital, after a Neo4j round trip: attack paths,
 * the exact recommendation, what-if, accepting a recommendation, baseline gaps, and that the
 * service's result equals the pure engine's on the seed file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { buildAttackGraph, findAttackPaths } from '../../server/src/engine';
import type { ModelDocument } from '../../server/src/domain/types';
import { TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;

let h: TestHelper;
let modelId: string;
beforeAll(async () => {
  h = await new TestHelper().init();
  modelId = h.uniqueModelId('analysis');
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: DEMO,
    t: modelId,
  });
});
afterAll(async () => {
  await h.close();
});

type Path = {
  id: string;
  likelihood: number;
  risk: number;
  severity: string;
  steps: {
    id: string;
    from: string;
    to: string;
    likelihood: number;
    blocked: boolean;
    rule: { id: string; source: string };
    attackMethod: { id: string };
  }[];
};
type Paths = {
  pathCount: number;
  targetsReachable: number;
  totalRisk: number;
  paths: (Path & { nodeIds: string[] })[];
};
const VENTILATION_DENIED = 'as-icu-ventilator-01-therapy#DENY';
const VENTILATION_MANIPULATED = 'as-icu-ventilator-01-therapy#MANIPULATE';
const PATHS = `query($m: ID!, $sev: Severity, $k: Int, $from: [ID!]) { model(id: $m) { attackPaths(k: $k, minSeverity: $sev, fromElementIds: $from) {
  pathCount targetsReachable totalRisk paths { id likelihood risk severity nodeIds steps { id from to likelihood blocked rule { id source } attackMethod { id } } } } } }`;
const REC = `query($m: ID!, $sev: Severity, $budget: Float) { model(id: $m) { recommendControls(minSeverity: $sev, budget: $budget) {
  totalCost optimal mipGap status uncuttableTargetIds riskBefore riskAfter placements { controlId elementId cost cutsTargetIds control { name } } } } }`;

describe('analysis on the demo hospital', () => {
  it('finds ranked attack paths, each a chain of steps with rule, attack method and evidence', async () => {
    const r = (await h.gqlOk<{ model: { attackPaths: Paths } }>(PATHS, { m: modelId, sev: 'CRITICAL', k: 2 })).model
      .attackPaths;
    expect(r.pathCount).toBeGreaterThan(0);
    expect(r.targetsReachable).toBeGreaterThan(0);
    const risks = r.paths.map((p) => p.risk);
    expect([...risks].sort((a, b) => b - a)).toEqual(risks);
    for (const p of r.paths) {
      expect(['CRITICAL', 'CATASTROPHIC']).toContain(p.severity);
      const product = p.steps.reduce((l, s) => l * s.likelihood, 1);
      expect(p.likelihood).toBeCloseTo(product, 9);
      p.steps.forEach((s, i) => {
        expect(s.blocked).toBe(false);
        expect(s.rule.source.length).toBeGreaterThan(0);
        expect(s.attackMethod.id).toMatch(/^AM\d\d$/);
        if (i > 0) expect(s.from).toBe(p.steps[i - 1]!.to);
      });
    }
  });

  it('matches the pure engine run on the seed file (Neo4j round trip loses nothing)', async () => {
    const service = (await h.gqlOk<{ model: { attackPaths: Paths } }>(PATHS, { m: modelId, sev: 'NEGLIGIBLE', k: 3 }))
      .model.attackPaths;
    const engine = findAttackPaths(buildAttackGraph(DEMO, loadBundledCatalogue()), { k: 3 });
    expect(service.paths.map((p) => p.id)).toEqual(engine.paths.map((p) => p.id));
    expect(service.totalRisk).toBeCloseTo(engine.totalRisk, 12);
  });

  it('recommends an optimal control set; whatIf with it leaves only the ventilator therapy (not cuttable) reachable ≥ CRITICAL', async () => {
    const rec = (
      await h.gqlOk<{
        model: {
          recommendControls: {
            totalCost: number;
            optimal: boolean;
            status: string;
            uncuttableTargetIds: string[];
            riskAfter: number;
            placements: { controlId: string; elementId: string; cost: number; control: { name: string } }[];
          };
        };
      }>(REC, { m: modelId, sev: 'CRITICAL' })
    ).model.recommendControls;
    expect(rec.optimal).toBe(true);
    expect(rec.status).toBe('OPTIMAL');
    // the ventilator's touchscreen must work without a login (format 2.3 emergencyOperation): its
    // therapy stays reachable by a visitor at the bedside, and nothing else does
    expect(rec.uncuttableTargetIds).toEqual([VENTILATION_DENIED, VENTILATION_MANIPULATED]);
    expect(rec.placements.length).toBeGreaterThan(0);
    expect(rec.placements.some((p) => p.elementId === 'if-icu-ventilator-01-ui')).toBe(false);
    expect(rec.totalCost).toBeCloseTo(
      rec.placements.reduce((s, p) => s + p.cost, 0),
      9,
    );
    // CATASTROPHIC (5) × 0.3 + CRITICAL (4) × 0.3
    expect(rec.riskAfter).toBeCloseTo(2.7, 9);
    const placements = rec.placements.map(({ controlId, elementId }) => ({ controlId, elementId }));
    const w = (
      await h.gqlOk<{ model: { whatIf: { before: Paths; after: Paths; pathsCut: string[]; riskReduction: number } } }>(
        `query($m: ID!, $p: [PlacementInput!]!) { model(id: $m) { whatIf(placements: $p, minSeverity: CRITICAL) {
         before { pathCount totalRisk } after { pathCount totalRisk targetsReachable } pathsCut riskReduction } } }`,
        { m: modelId, p: placements },
      )
    ).model.whatIf;
    expect(w.before.pathCount).toBeGreaterThan(0);
    expect(w.after.targetsReachable).toBe(2);
    expect(w.after.pathCount).toBeGreaterThan(0);
    expect(w.pathsCut.length).toBe(w.before.pathCount - w.after.pathCount);
    expect(w.after.totalRisk).toBeCloseTo(2.7, 9);
    expect(w.riskReduction).toBeCloseTo(w.before.totalRisk - 2.7, 9);
  });

  it('the budget variant stays within budget and removes risk', async () => {
    const rec = (
      await h.gqlOk<{ model: { recommendControls: { totalCost: number; riskBefore: number; riskAfter: number } } }>(
        REC,
        {
          m: modelId,
          sev: 'CRITICAL',
          budget: 10,
        },
      )
    ).model.recommendControls;
    expect(rec.totalCost).toBeLessThanOrEqual(10);
    expect(rec.riskAfter).toBeLessThan(rec.riskBefore);
  });

  it('accepting the recommendation writes PLANNED placements (which do not block until implemented)', async () => {
    const rec = (
      await h.gqlOk<{ model: { recommendControls: { placements: { controlId: string; elementId: string }[] } } }>(REC, {
        m: modelId,
        sev: 'CATASTROPHIC',
      })
    ).model.recommendControls;
    const chosen = rec.placements.map(({ controlId, elementId }) => ({ controlId, elementId }));
    const accepted = (
      await h.gqlOk<{ acceptRecommendation: { id: string; status: string; controlId: string }[] }>(
        `mutation($m: ID!, $p: [PlacementInput!]!) { acceptRecommendation(modelId: $m, placements: $p) { id status controlId } }`,
        { m: modelId, p: chosen },
      )
    ).acceptRecommendation;
    expect(accepted).toHaveLength(chosen.length);
    expect(accepted.every((p) => p.status === 'PLANNED')).toBe(true);
    // idempotent: accepting again returns the same placements
    const again = (
      await h.gqlOk<{ acceptRecommendation: { id: string }[] }>(
        `mutation($m: ID!, $p: [PlacementInput!]!) { acceptRecommendation(modelId: $m, placements: $p) { id } }`,
        { m: modelId, p: chosen },
      )
    ).acceptRecommendation;
    expect(again.map((p) => p.id)).toEqual(accepted.map((p) => p.id));
    // PLANNED blocks nothing; implementing them all cuts every path (each write is a new version,
    // so the cached projection is never stale)
    const before = (await h.gqlOk<{ model: { attackPaths: Paths } }>(PATHS, { m: modelId, sev: 'CATASTROPHIC', k: 1 }))
      .model.attackPaths;
    expect(before.pathCount).toBeGreaterThan(0);
    for (const p of accepted) {
      await h.gqlOk(
        `mutation($m: ID!, $id: ID!) { updateControlPlacement(modelId: $m, id: $id, patch: { status: IMPLEMENTED }) { id } }`,
        {
          m: modelId,
          id: p.id,
        },
      );
    }
    const after = (await h.gqlOk<{ model: { attackPaths: Paths } }>(PATHS, { m: modelId, sev: 'CATASTROPHIC', k: 1 }))
      .model.attackPaths;
    // only the ventilator's therapy, through its touchscreen, which takes no login (not cuttable)
    expect(after.pathCount).toBe(1);
    expect(after.paths[0]!.nodeIds.at(-1)).toBe(VENTILATION_MANIPULATED);
    expect(after.totalRisk).toBeCloseTo(1.5, 9);
  });

  it('rejects a control that does not fit its element in acceptRecommendation, at the field, changing nothing', async () => {
    const before = await h.fingerprint();
    const device = DEMO.devices[0]!.id;
    const r = await h.gql(
      `mutation($m: ID!, $p: [PlacementInput!]!) { acceptRecommendation(modelId: $m, placements: $p) { id } }`,
      {
        m: modelId,
        p: [{ controlId: 'C22', elementId: device }],
      },
    );
    expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(String(r.errors?.[0]?.extensions?.['field'])).toMatch(/^placements\[0\]/);
    expect(await h.fingerprint()).toBe(before);
  });

  it('starts from already-compromised elements when asked', async () => {
    const pump = DEMO.devices.find((d) => d.category === 'INFUSION_SERVER')!;
    const r = (
      await h.gqlOk<{ model: { attackPaths: Paths & { paths: (Path & { nodeIds: string[] })[] } } }>(PATHS, {
        m: modelId,
        sev: 'NEGLIGIBLE',
        k: 1,
        from: [pump.id],
      })
    ).model.attackPaths;
    expect(r.pathCount).toBeGreaterThan(0);
    for (const p of r.paths) expect(p.nodeIds[0]).toBe(pump.id);
    const bad = await h.gql(PATHS, { m: modelId, from: ['no-such-element'] });
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.['field']).toBe('fromElementIds[0]');
  });

  it('exposes the whole attack graph for audit: every path step is a graph step', async () => {
    const g = (
      await h.gqlOk<{
        model: {
          attackGraph: {
            nodes: { id: string; entryPoint: boolean; target: boolean }[];
            steps: { id: string; blocked: boolean; blockingControls: { status: string }[] }[];
            entryPointIds: string[];
            targetIds: string[];
            rules: { id: string }[];
          };
        };
      }>(
        `query($m: ID!) { model(id: $m) { attackGraph { nodes { id entryPoint target } steps { id blocked blockingControls { status } } entryPointIds targetIds rules { id } } } }`,
        { m: modelId },
      )
    ).model.attackGraph;
    const stepIds = new Set(g.steps.map((s) => s.id));
    const paths = (await h.gqlOk<{ model: { attackPaths: Paths } }>(PATHS, { m: modelId, sev: 'NEGLIGIBLE', k: 3 }))
      .model.attackPaths;
    for (const p of paths.paths) for (const s of p.steps) expect(stepIds.has(s.id)).toBe(true);
    expect(g.nodes.filter((n) => n.entryPoint).map((n) => n.id)).toEqual(g.entryPointIds);
    expect(g.nodes.filter((n) => n.target).map((n) => n.id)).toEqual(g.targetIds);
    for (const s of g.steps) expect(s.blocked).toBe(s.blockingControls.some((b) => b.status === 'IMPLEMENTED'));
    expect(g.rules.length).toBeGreaterThan(10);
  });

  it('lists baseline gaps per device by risk class, never a NOT_APPLICABLE row', async () => {
    const gaps = (
      await h.gqlOk<{
        model: {
          baselineGaps: {
            deviceId: string;
            riskClass: string;
            status: string;
            gap: boolean;
            level: string;
            reason: string;
          }[];
        };
      }>(
        `query($m: ID!) { model(id: $m) { baselineGaps(onlyGaps: true) { deviceId riskClass capabilityCode status gap level reason } } }`,
        { m: modelId },
      )
    ).model.baselineGaps;
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) {
      expect(g.gap).toBe(true);
      expect(['PLANNED', 'MISSING']).toContain(g.status);
      expect(g.level).not.toBe('RECOMMENDED');
      expect(g.reason).not.toBe('');
    }
    const classes = new Set(gaps.map((g) => g.riskClass));
    expect(classes.has('C')).toBe(true);
  });

  type Row = {
    deviceId: string;
    capabilityCode: string;
    status: string;
    gap: boolean;
    reason: string;
    controlIds: string[];
    scopeElementId: string | null;
    telehealthControlId: string | null;
    satisfiedBy: { controlId: string; elementId: string; status: string }[];
    candidatePlacements: { controlId: string; elementId: string }[];
  };
  const ROWS = `query($m: ID!, $d: ID, $a: PlacementAssumption) { model(id: $m) { baselineGaps(deviceId: $d, assume: $a) {
    deviceId capabilityCode status gap reason controlIds scopeElementId telehealthControlId
    satisfiedBy { controlId elementId status } candidatePlacements { controlId elementId } } } }`;
  const rowsOf = async (variables: Record<string, unknown>) =>
    (await h.gqlOk<{ model: { baselineGaps: Row[] } }>(ROWS, { m: modelId, ...variables })).model.baselineGaps;

  it("gives the demo's implant NOT_APPLICABLE automatic-logoff, lock and password rows with the reason, and its radio the link controls that fit", async () => {
    const implant = DEMO.devices.find((d) => d.category === 'IMPLANTABLE_CARDIAC')!;
    const rows = await rowsOf({ d: implant.id });
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.deviceId))).toEqual(new Set([implant.id]));
    for (const cap of ['ALOF', 'PLOK', 'PAUT']) {
      const r = rows.filter((x) => x.capabilityCode === cap);
      expect(r).toEqual([expect.objectContaining({ status: 'NOT_APPLICABLE', gap: false, candidatePlacements: [] })]);
    }
    expect(rows.find((r) => r.capabilityCode === 'ALOF')!.reason).toMatch(/^no user session: .*\(ALOF\)/);
    expect(rows.find((r) => r.capabilityCode === 'PLOK')!.reason).toMatch(/implanted device/);
    const radio = DEMO.channels.filter(
      (c) => c.technology === 'PROPRIETARY_RF' && (c.fromDeviceId === implant.id || c.toDeviceId === implant.id),
    );
    expect(radio.length).toBeGreaterThan(0);
    for (const c of radio) {
      const link = rows.find((r) => r.capabilityCode === 'NAUT' && r.scopeElementId === c.id)!;
      expect(link.controlIds).toEqual(expect.arrayContaining(['C21', 'C26', 'C27']));
      for (const id of ['C22', 'C23', 'C24', 'C25', 'C20', 'C12']) expect(link.controlIds).not.toContain(id);
      // the implant sits in the patient's home: TR 67 Table 2 applies to its radio too
      expect(
        rows
          .filter((r) => r.capabilityCode === 'TELEHEALTH' && r.scopeElementId === c.id)
          .map((r) => r.telehealthControlId),
      ).toEqual(['TH-PROPRIETARY_RF-EXTRINSIC']);
    }
  });

  it('counts planned placements as in force with assume: IMPLEMENTED_AND_PLANNED', async () => {
    const planned = await rowsOf({});
    const plannedRows = planned.filter((r) => r.status === 'PLANNED');
    expect(plannedRows.length).toBeGreaterThan(0);
    const assumed = await rowsOf({ a: 'IMPLEMENTED_AND_PLANNED' });
    expect(assumed.filter((r) => r.status === 'PLANNED')).toEqual([]);
    const key = (r: Row) =>
      `${r.deviceId}|${r.capabilityCode}|${r.scopeElementId}|${r.telehealthControlId}|${r.controlIds.join(',')}`;
    const byKey = new Map(assumed.map((r) => [key(r), r]));
    for (const r of plannedRows) {
      expect(byKey.get(key(r))).toMatchObject({ status: 'MET', gap: false });
      expect(byKey.get(key(r))!.satisfiedBy.every((s) => s.status === 'PLANNED')).toBe(true);
    }
  });

  it('whatIf validates its placements like real ones and names the argument at fault', async () => {
    const q = `query($m: ID!, $p: [PlacementInput!]!) { model(id: $m) { whatIf(placements: $p) { riskReduction } } }`;
    const device = DEMO.devices[0]!.id;
    const wrong = await h.gql(q, { m: modelId, p: [{ controlId: 'C22', elementId: device }] });
    expect(wrong.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(String(wrong.errors?.[0]?.extensions?.['field'])).toMatch(/^placements\[0\]/);
    const negative = await h.gql(q, { m: modelId, p: [{ controlId: 'C06', elementId: device, cost: -1 }] });
    expect(negative.errors?.[0]?.extensions?.['field']).toBe('placements[0].cost');
  });

  it('rejects out-of-range analysis arguments with BAD_USER_INPUT naming the argument', async () => {
    const r = await h.gql(PATHS, { m: modelId, k: 1000 });
    expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.['field']).toBe('k');
    const r2 = await h.gql(REC, { m: modelId, sev: 'CRITICAL', budget: -1 });
    expect(r2.errors?.[0]?.extensions?.['field']).toBe('budget');
  });
});

describe('controls v2 over GraphQL', () => {
  type Plan = {
    totalCost: number;
    status: string;
    mipGap: number;
    riskBefore: number;
    riskAfter: number;
    uncuttableTargets: { targetId: string; reason: string; stepIds: string[] }[];
    placements: {
      controlId: string;
      elementId: string;
      effect: string;
      cutsStepIds: string[];
      reducesStepIds: string[];
    }[];
  };
  const PLAN = `query($m: ID!, $budget: Float, $from: [ID!], $assume: PlacementAssumption) { model(id: $m) {
    recommendControls(minSeverity: CRITICAL, budget: $budget, fromElementIds: $from, assume: $assume, timeLimitMs: 20000) {
      totalCost status mipGap riskBefore riskAfter uncuttableTargets { targetId reason stepIds }
      placements { controlId elementId effect cutsStepIds reducesStepIds } } } }`;

  it('a budget of 30 % of the full cut buys a non-empty plan that removes risk, prevents and reduces', async () => {
    const full = (await h.gqlOk<{ model: { recommendControls: Plan } }>(PLAN, { m: modelId })).model.recommendControls;
    expect(full.placements.every((p) => p.effect === 'PREVENTS')).toBe(true);
    const budget = Math.round(full.totalCost * 0.3);
    const plan = (await h.gqlOk<{ model: { recommendControls: Plan } }>(PLAN, { m: modelId, budget })).model
      .recommendControls;
    expect(plan.placements.length).toBeGreaterThan(0);
    expect(plan.totalCost).toBeLessThanOrEqual(budget);
    expect(plan.riskAfter).toBeLessThan(plan.riskBefore / 2);
    expect(plan.mipGap).toBeLessThan(1e-3);
    // Budget 0 on the demo: nothing costs 0, so nothing is bought (and that is optimal).
    const zero = (await h.gqlOk<{ model: { recommendControls: Plan } }>(PLAN, { m: modelId, budget: 0 })).model
      .recommendControls;
    expect(zero.placements).toEqual([]);
  });

  it('starts from what the attacker already holds (fromElementIds) and counts the agreed plan (assume)', async () => {
    const fromCloud = (
      await h.gqlOk<{ model: { recommendControls: Plan } }>(PLAN, { m: modelId, from: ['dev-carelink-cloud'] })
    ).model.recommendControls;
    const normal = (await h.gqlOk<{ model: { recommendControls: Plan } }>(PLAN, { m: modelId })).model
      .recommendControls;
    expect(fromCloud.riskBefore).not.toBe(normal.riskBefore);
    const planned = (
      await h.gqlOk<{ model: { recommendControls: Plan } }>(PLAN, { m: modelId, assume: 'IMPLEMENTED_AND_PLANNED' })
    ).model.recommendControls;
    expect(planned.riskBefore).toBeLessThanOrEqual(normal.riskBefore);
  });

  it('serves the cost–risk curve: monotone, from the zero-cost plan, with its method and gap', async () => {
    const c = (
      await h.gqlOk<{
        model: {
          costRiskCurve: {
            breakpoints: { cost: number; riskAfter: number; optimal: boolean }[];
            complete: boolean;
            method: string;
            mipGap: number;
            riskBefore: number;
          };
        };
      }>(
        `query($m: ID!) { model(id: $m) { costRiskCurve(minSeverity: CRITICAL, maxBreakpoints: 4, timeLimitMs: 30000) {
          breakpoints { cost riskAfter optimal } complete method mipGap riskBefore } } }`,
        { m: modelId },
      )
    ).model.costRiskCurve;
    expect(c.breakpoints.length).toBeGreaterThan(1);
    expect(c.breakpoints.length).toBeLessThanOrEqual(4);
    expect(c.breakpoints[0]!.cost).toBe(0);
    for (let i = 1; i < c.breakpoints.length; i++) {
      expect(c.breakpoints[i]!.cost).toBeGreaterThan(c.breakpoints[i - 1]!.cost);
      expect(c.breakpoints[i]!.riskAfter).toBeLessThan(c.breakpoints[i - 1]!.riskAfter);
    }
    expect(c.method).toMatch(/outer approximation|MILP/i);
    expect(c.complete).toBe(false);
  });

  it('reports the control review of the demo: placements that no longer prevent what they were placed for', async () => {
    const r = (
      await h.gqlOk<{
        model: {
          controlReview: {
            items: { placementId: string; problem: string; reason: string }[];
            riskBefore: number;
            riskAfter: number;
          };
        };
      }>(
        `query($m: ID!) { model(id: $m) { controlReview { items { placementId problem reason } riskBefore riskAfter } } }`,
        {
          m: modelId,
        },
      )
    ).model.controlReview;
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.find((i) => i.placementId === 'pl-c11-ws-icu')).toMatchObject({
      problem: 'NO_LONGER_PREVENTS',
      reason: expect.stringMatching(/AM07 \(now REDUCES/),
    });
    expect(r.riskBefore).toBeLessThanOrEqual(r.riskAfter);
  });

  it('refuses a placement that cannot exist with BAD_USER_INPUT naming the predicate', async () => {
    const r = await h.gql(
      `mutation($m: ID!, $p: [PlacementInput!]!) { acceptRecommendation(modelId: $m, placements: $p) { id } }`,
      { m: modelId, p: [{ controlId: 'C13', elementId: 'if-icd-rf' }] },
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(r.errors)).toMatch(/IP_BASED/);
  });
});
