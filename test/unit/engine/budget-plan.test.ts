/**
 * Budget plans with partial credit and the cost–risk curve (issue 10 point 4), checked against an
 * independent brute force written here: every subset of the candidate placements, with the
 * residual risk from a Bellman–Ford max-product best-path computation.
 *
 * Run count: BUDGET_PLAN_RUNS (default 60); fast-check seed: BUDGET_PLAN_SEED (default fixed).
 */
import fc from 'fast-check';
import { ValidationError } from '../../../server/src/domain/errors';
import { SEVERITY_RANK, type Severity } from '../../../server/src/domain/types';
import { recommendControls } from '../../../server/src/engine';
import { costRiskCurve, planWithinBudget } from '../../../server/src/engine/optimise/budget-plan';
import { indexGraph } from '../../../server/src/engine/graph-index';
import type {
  AttackGraph,
  AttackGraphNode,
  AttackStep,
  BlockingControl,
  BlockingControlStatus,
  ReducingControl,
} from '../../../server/src/engine/types';

const RUNS = Number(process.env.BUDGET_PLAN_RUNS ?? 60);
const SEED = Number(process.env.BUDGET_PLAN_SEED ?? 20261202);
const SEVERITIES: Severity[] = ['NEGLIGIBLE', 'MINOR', 'SERIOUS', 'CRITICAL', 'CATASTROPHIC'];
/** Exactness asked of the planner in these tests (HiGHS mip_rel_gap and the outer-approximation stop). */
const GAP = 1e-9;

// ---------------------------------------------------------------------------------------------
// Graphs written directly as AttackGraph JSON
// ---------------------------------------------------------------------------------------------

interface PoolEntry {
  controlId: string;
  elementId: string;
  cost: number;
  implemented: boolean;
}

interface StepSpec {
  from: string;
  to: string;
  likelihood: number;
  prevent?: number[];
  reduce?: { p: number; factor: number }[];
}

interface GraphSpec {
  nodes: string[];
  entries: string[];
  targets: { id: string; severity: Severity }[];
  pool: PoolEntry[];
  steps: StepSpec[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function makeGraph(spec: GraphSpec): AttackGraph {
  const severityOf = new Map(spec.targets.map((t) => [t.id, t.severity]));
  const nodes: AttackGraphNode[] = [...spec.nodes].sort(byString).map((id) => {
    const severity = severityOf.get(id);
    return severity
      ? {
          id,
          type: 'ASSET',
          elementId: id,
          capability: 'MANIPULATE',
          label: id,
          scale: 'SAFETY',
          severity,
          severityRank: SEVERITY_RANK[severity],
        }
      : { id, type: 'DEVICE', elementId: id, capability: 'CONTROL', label: id };
  });
  const status = (e: PoolEntry): BlockingControlStatus => (e.implemented ? 'IMPLEMENTED' : 'CANDIDATE');
  const steps: AttackStep[] = spec.steps.map((st, i) => {
    const prevent = [...new Set(st.prevent ?? [])];
    const reduce = (st.reduce ?? []).filter(
      (r, k, all) => !prevent.includes(r.p) && all.findIndex((x) => x.p === r.p) === k,
    );
    const blockingControls: BlockingControl[] = prevent
      .map((p) => spec.pool[p]!)
      .map((e) => ({ controlId: e.controlId, elementId: e.elementId, cost: e.cost, status: status(e) }))
      .sort((a, b) => byString(a.controlId, b.controlId));
    const reducingControls: ReducingControl[] = reduce
      .map((r) => {
        const e = spec.pool[r.p]!;
        return { controlId: e.controlId, elementId: e.elementId, cost: e.cost, status: status(e), factor: r.factor };
      })
      .sort((a, b) => byString(a.controlId, b.controlId));
    return {
      id: `s${String(i).padStart(3, '0')}`,
      from: st.from,
      to: st.to,
      ruleId: 'test',
      attackMethodId: 'AM01',
      likelihood: st.likelihood,
      evidence: [],
      controlElementId: null,
      blockingControls,
      reducingControls,
      otherControls: [],
      blocked: blockingControls.some((b) => b.status === 'IMPLEMENTED'),
    };
  });
  return {
    nodes,
    steps,
    entryPointIds: [...spec.entries].sort(byString),
    targetIds: spec.targets.map((t) => t.id).sort(byString),
  };
}

const arbSpec: fc.Arbitrary<{ spec: GraphSpec; minSeverity: Severity; budgetFraction: number }> = fc
  .record({
    nodeCount: fc.integer({ min: 3, max: 9 }),
    entryCount: fc.integer({ min: 1, max: 2 }),
    pool: fc.array(
      fc.record({ cost: fc.constantFrom(0, 1, 1, 2, 2, 3, 5, 8), implemented: fc.integer({ min: 0, max: 11 }) }),
      { minLength: 1, maxLength: 16 },
    ),
    steps: fc.array(
      fc.record({
        from: fc.nat(),
        to: fc.nat(),
        back: fc.integer({ min: 0, max: 5 }),
        likelihood: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true })),
        prevent: fc.array(fc.nat(), { maxLength: 3 }),
        reduce: fc.array(fc.record({ p: fc.nat(), factor: fc.double({ min: 0.05, max: 0.95, noNaN: true }) }), {
          maxLength: 2,
        }),
      }),
      { minLength: 3, maxLength: 26 },
    ),
    targets: fc.array(fc.record({ node: fc.nat(), severity: fc.constantFrom(...SEVERITIES) }), {
      minLength: 1,
      maxLength: 3,
    }),
    minSeverity: fc.constantFrom<Severity>('NEGLIGIBLE', 'MINOR', 'SERIOUS'),
    budgetFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((r) => {
    const n = r.nodeCount;
    const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
    const P = r.pool.length;
    const pool: PoolEntry[] = r.pool.map((e, j) => ({
      controlId: `C${String(j).padStart(2, '0')}`,
      elementId: nodes[j % n]!,
      cost: e.cost,
      implemented: e.implemented === 0,
    }));
    // Mostly forward steps (so targets, which sit after the entries, are reachable), some back.
    const steps: StepSpec[] = r.steps.map((s) => {
      const from = s.from % (n - 1);
      let to = s.back === 0 ? s.to % n : from + 1 + (s.to % (n - from - 1));
      if (to === from) to = (to + 1) % n;
      return {
        from: nodes[from]!,
        to: nodes[to]!,
        likelihood: s.likelihood,
        prevent: s.prevent.map((p) => p % P),
        reduce: s.reduce.map((x) => ({ p: x.p % P, factor: x.factor })),
      };
    });
    const targets = new Map<string, Severity>();
    for (const t of r.targets) targets.set(nodes[r.entryCount + (t.node % (n - r.entryCount))]!, t.severity);
    return {
      spec: {
        nodes,
        entries: nodes.slice(0, r.entryCount),
        targets: [...targets].map(([id, severity]) => ({ id, severity })),
        pool,
        steps,
      },
      minSeverity: r.minSeverity,
      budgetFraction: r.budgetFraction,
    };
  });

// ---------------------------------------------------------------------------------------------
// The brute force (independent of the engine)
// ---------------------------------------------------------------------------------------------

interface Brute {
  keys: string[];
  costs: number[];
  /** Per subset mask: total cost and residual risk. */
  subsetCost: Float64Array;
  subsetRisk: Float64Array;
  riskBefore: number;
}

/** Residual risk when the placements in `chosen` (keys controlId@elementId) are in force. */
function riskWith(graph: AttackGraph, minSeverity: Severity, chosen: ReadonlySet<string>): number {
  const key = (c: BlockingControl) => `${c.controlId}@${c.elementId}`;
  const lik = graph.steps.map((s) => {
    if (s.blocked || s.blockingControls.some((b) => b.status !== 'IMPLEMENTED' && chosen.has(key(b)))) return 0;
    let l = s.likelihood;
    for (const r of s.reducingControls ?? []) if (r.status !== 'IMPLEMENTED' && chosen.has(key(r))) l *= r.factor;
    return l;
  });
  const best = new Map<string, number>(graph.nodes.map((x) => [x.id, 0]));
  for (const e of graph.entryPointIds) best.set(e, 1);
  // Bellman–Ford on max-product (likelihoods ≤ 1: no improving cycle).
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    graph.steps.forEach((s, i) => {
      const via = best.get(s.from)! * lik[i]!;
      if (via > best.get(s.to)!) {
        best.set(s.to, via);
        changed = true;
      }
    });
    if (!changed) break;
  }
  let risk = 0;
  for (const x of graph.nodes) {
    if (x.scale === 'SAFETY' && x.severityRank! >= SEVERITY_RANK[minSeverity])
      risk += x.severityRank! * best.get(x.id)!;
  }
  return risk;
}

function bruteForce(graph: AttackGraph, minSeverity: Severity): Brute {
  const cost = new Map<string, number>();
  for (const s of graph.steps) {
    if (s.blocked) continue;
    for (const c of [...s.blockingControls, ...(s.reducingControls ?? [])])
      if (c.status !== 'IMPLEMENTED') cost.set(`${c.controlId}@${c.elementId}`, c.cost);
  }
  const keys = [...cost.keys()].sort(byString);
  const costs = keys.map((k) => cost.get(k)!);
  const size = 1 << keys.length;
  const subsetCost = new Float64Array(size);
  const subsetRisk = new Float64Array(size);
  for (let mask = 0; mask < size; mask++) {
    const chosen = new Set<string>();
    keys.forEach((k, j) => {
      if (mask & (1 << j)) {
        chosen.add(k);
        subsetCost[mask]! += costs[j]!;
      }
    });
    subsetRisk[mask] = riskWith(graph, minSeverity, chosen);
  }
  return { keys, costs, subsetCost, subsetRisk, riskBefore: subsetRisk[0]! };
}

/** Least risk within the budget, and the least cost among plans within tol of it. */
function bruteBest(b: Brute, budget: number, tol: number): { risk: number; cost: number } {
  let risk = Infinity;
  for (let mask = 0; mask < b.subsetRisk.length; mask++)
    if (b.subsetCost[mask]! <= budget) risk = Math.min(risk, b.subsetRisk[mask]!);
  let cost = Infinity;
  for (let mask = 0; mask < b.subsetRisk.length; mask++)
    if (b.subsetCost[mask]! <= budget && b.subsetRisk[mask]! <= risk + tol) cost = Math.min(cost, b.subsetCost[mask]!);
  return { risk, cost };
}

/** The efficient frontier by brute force: (cost, best risk) wherever the best risk drops by more than tol. */
function bruteFrontier(b: Brute, tol: number): { cost: number; risk: number }[] {
  const costs = [...new Set(b.subsetCost)].sort((x, y) => x - y);
  const out: { cost: number; risk: number }[] = [];
  for (const c of [0, ...costs]) {
    const { risk } = bruteBest(b, c, tol);
    if (out.length === 0 || risk < out[out.length - 1]!.risk - tol) {
      if (out.length > 0 && out[out.length - 1]!.cost === c) out.pop();
      out.push({ cost: c, risk });
    }
  }
  return out;
}

const keysOf = (placements: { controlId: string; elementId: string }[]) =>
  new Set(placements.map((p) => `${p.controlId}@${p.elementId}`));

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('planWithinBudget (property, brute force over ≤ 16 candidate placements)', () => {
  it('removes the most risk within the budget (to 1e-9 × riskBefore), then costs the least, at budgets 0, 60 % of the full cut, random and all', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(arbSpec, async ({ spec, minSeverity, budgetFraction }) => {
        const graph = makeGraph(spec);
        const brute = bruteForce(graph, minSeverity);
        const tol = 1e-9 * brute.riskBefore;
        const total = brute.costs.reduce((s, c) => s + c, 0);
        // The full cut: the cheapest plan reaching the least risk any plan reaches.
        const fullCut = bruteBest(brute, total, tol).cost;
        const sixty = 0.6 * fullCut;
        for (const budget of [0, sixty, Math.round(budgetFraction * total * 10) / 10, total]) {
          const plan = await planWithinBudget(graph, { budget, minSeverity, mipRelGap: GAP });
          // Optimal risk, the cheapest plan reaching it (ties: equal up to 1e-15 relative), and the
          // cheapest plan within tol of it: the plan's risk is within tol of the optimum and its
          // cost between the two (equal unless some plan lies within tol of the optimum).
          const expected = bruteBest(brute, budget, 1e-15 * brute.riskBefore);
          const within = bruteBest(brute, budget, tol);
          expect(plan.riskBefore).toBeCloseTo(brute.riskBefore, 12);
          expect(plan.totalCost).toBeLessThanOrEqual(budget);
          expect(Math.abs(plan.riskAfter - expected.risk)).toBeLessThanOrEqual(tol + 1e-15);
          expect(plan.totalCost).toBeLessThanOrEqual(expected.cost);
          expect(plan.totalCost).toBeGreaterThanOrEqual(within.cost);
          expect(plan.optimal).toBe(true);
          // The reported residual risk is the plan's true one, and the placements are real candidates.
          const chosen = keysOf(plan.placements);
          for (const k of chosen) expect(brute.keys).toContain(k);
          expect(riskWith(graph, minSeverity, chosen)).toBeCloseTo(plan.riskAfter, 10);
          expect(plan.riskRemoved).toBeCloseTo(plan.riskBefore - plan.riskAfter, 12);
          expect(plan.riskAfterLowerBound).toBeLessThanOrEqual(plan.riskAfter);
          if (budget === sixty) {
            // With the default gap (1e-6) the plan is within that gap of the best.
            const loose = await planWithinBudget(graph, { budget, minSeverity });
            expect(loose.totalCost).toBeLessThanOrEqual(budget);
            expect(loose.riskAfter - expected.risk).toBeLessThanOrEqual(2e-6 * brute.riskBefore + 1e-12);
            expect(loose.riskAfterLowerBound).toBeLessThanOrEqual(expected.risk + 1e-9);
            // Some affordable single placement removes risk → the plan is not empty.
            const helps = brute.keys.some(
              (_, j) => brute.costs[j]! <= budget && brute.subsetRisk[1 << j]! < brute.riskBefore - tol,
            );
            if (helps) {
              expect(plan.placements.length).toBeGreaterThan(0);
              nonTrivial++;
            }
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (RUNS >= 30) expect(nonTrivial).toBeGreaterThan(RUNS / 10);
  });

  it('cost–risk curve: monotone, every breakpoint equals the brute-force best at its cost, nothing between does better', async () => {
    await fc.assert(
      fc.asyncProperty(arbSpec, async ({ spec, minSeverity }) => {
        const graph = makeGraph(spec);
        const brute = bruteForce(graph, minSeverity);
        const tol = 1e-9 * brute.riskBefore;
        // Half the runs send every independent part to the MILPs, half enumerate the small ones.
        const enumerateUpTo = spec.nodes.length % 2 === 0 ? 0 : 12;
        const curve = await costRiskCurve(graph, { minSeverity, mipRelGap: GAP, enumerateUpTo, riskResolution: 1e-9 });
        expect(curve.method).toMatch(/independent part/);
        const points = curve.breakpoints;
        expect(points.length).toBeGreaterThan(0);
        for (let k = 1; k < points.length; k++) {
          expect(points[k]!.cost).toBeGreaterThan(points[k - 1]!.cost);
          expect(points[k]!.riskAfter).toBeLessThan(points[k - 1]!.riskAfter);
        }
        const frontier = bruteFrontier(brute, tol);
        expect(points.map((p) => p.cost)).toEqual(frontier.map((p) => p.cost));
        points.forEach((p, k) => {
          expect(Math.abs(p.riskAfter - frontier[k]!.risk)).toBeLessThanOrEqual(tol + 1e-12);
          expect(riskWith(graph, minSeverity, keysOf(p.placements))).toBeCloseTo(p.riskAfter, 10);
          expect(p.placements.reduce((s, x) => s + x.cost, 0)).toBe(p.cost);
          // No budget below the next breakpoint does better.
          const nextCost = k + 1 < points.length ? points[k + 1]!.cost : Infinity;
          for (let mask = 0; mask < brute.subsetRisk.length; mask++)
            if (brute.subsetCost[mask]! < nextCost)
              expect(brute.subsetRisk[mask]!).toBeGreaterThanOrEqual(p.riskAfter - tol - 1e-12);
        });
        expect(curve.complete).toBe(true);
        expect(curve.optimal).toBe(true);
        expect(points[points.length - 1]!.riskAfter).toBeCloseTo(curve.riskFloor, 9);
      }),
      { seed: SEED + 1, numRuns: Math.max(1, Math.round(RUNS / 2)) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-written graphs
// ---------------------------------------------------------------------------------------------

const pool = (...entries: [string, string, number][]): PoolEntry[] =>
  entries.map(([controlId, elementId, cost]) => ({ controlId, elementId, cost, implemented: false }));

describe('planWithinBudget: hand-written graphs', () => {
  // z → dev (0.9) → pump (0.8): prevent C-FW on dev (cost 5) or C-AUTH on pump (cost 6), or reduce
  // the second step ×0.1 with C-MON on pump (cost 2). Target pump, CATASTROPHIC (rank 5).
  const spec: GraphSpec = {
    nodes: ['z', 'dev', 'pump'],
    entries: ['z'],
    targets: [{ id: 'pump', severity: 'CATASTROPHIC' }],
    pool: pool(['C-FW', 'dev', 5], ['C-AUTH', 'pump', 6], ['C-MON', 'pump', 2]),
    steps: [
      { from: 'z', to: 'dev', likelihood: 0.9, prevent: [0] },
      { from: 'dev', to: 'pump', likelihood: 0.8, prevent: [1], reduce: [{ p: 2, factor: 0.1 }] },
    ],
  };

  it('buys a REDUCES control when it is the best buy within the budget', async () => {
    const graph = makeGraph(spec);
    const plan = await planWithinBudget(graph, { budget: 4 });
    expect(plan.placements).toEqual([
      {
        controlId: 'C-MON',
        elementId: 'pump',
        elementType: 'ASSET',
        cost: 2,
        effect: 'REDUCES',
        preventsStepIds: [],
        reduces: [{ stepId: 's001', factor: 0.1 }],
      },
    ]);
    expect(plan.riskBefore).toBeCloseTo(5 * 0.72, 12);
    expect(plan.riskAfter).toBeCloseTo(5 * 0.072, 12);
    expect(plan.riskRemoved).toBeCloseTo(5 * 0.648, 12);
    expect(plan).toMatchObject({ totalCost: 2, budget: 4, optimal: true, status: 'OPTIMAL', mipGap: 0 });
    // At 5 the preventer wins (risk 0).
    const five = await planWithinBudget(graph, { budget: 5 });
    expect(five.placements.map((p) => [p.controlId, p.effect])).toEqual([['C-FW', 'PREVENTS']]);
    expect(five.riskAfter).toBe(0);
  });

  it('never uses a reduce-only placement in the minimum-cost cut', async () => {
    const graph = makeGraph(spec);
    const index = indexGraph(graph);
    expect(index.placementControlId).toEqual(['C-AUTH', 'C-FW', 'C-MON']);
    expect(Array.from(index.stepReducers)).toEqual([2]);
    expect(Array.from(index.stepReducerFactor)).toEqual([0.1]);
    expect(Array.from(index.stepReducerStart)).toEqual([0, 0, 1]);
    const rec = await recommendControls(graph, { minSeverity: 'NEGLIGIBLE' });
    expect(rec.placements.map((p) => p.controlId)).toEqual(['C-FW']);
    expect(rec.riskAfter).toBe(0);
  });

  it('counts partial cuts: cutting the best path leaves the next best', async () => {
    // z → t (0.5, prevented by A, cost 1); z → b (0.6) → t (0.5) = 0.3 (prevented by B, cost 1).
    const graph = makeGraph({
      nodes: ['b', 't', 'z'],
      entries: ['z'],
      targets: [{ id: 't', severity: 'CRITICAL' }],
      pool: pool(['A', 'z', 1], ['B', 'b', 1]),
      steps: [
        { from: 'z', to: 't', likelihood: 0.5, prevent: [0] },
        { from: 'z', to: 'b', likelihood: 0.6 },
        { from: 'b', to: 't', likelihood: 0.5, prevent: [1] },
      ],
    });
    const plan = await planWithinBudget(graph, { budget: 1 });
    expect(plan.placements.map((p) => p.controlId)).toEqual(['A']);
    expect(plan.riskAfter).toBeCloseTo(4 * 0.3, 12);
    // recommendControls with a budget is this plan (before controls v2 it credited only full cuts
    // and bought nothing for 1).
    const rec = await recommendControls(graph, { minSeverity: 'NEGLIGIBLE', budget: 1 });
    expect(rec.placements.map((p) => [p.controlId, p.effect])).toEqual([['A', 'PREVENTS']]);
    expect(rec.riskAfter).toBeCloseTo(4 * 0.3, 12);
  });

  it('stacks two reductions of one step (a free reducer does not make a paid one redundant)', async () => {
    // z → a (0.05) reduced ×0.05 by FREE (0) and by PAID (2); a → t (0.05) reduced ×0.06 by OTHER (2).
    const graph = makeGraph({
      nodes: ['a', 't', 'z'],
      entries: ['z'],
      targets: [{ id: 't', severity: 'MINOR' }],
      pool: pool(['FREE', 'z', 0], ['PAID', 'z', 2], ['OTHER', 'a', 2]),
      steps: [
        {
          from: 'z',
          to: 'a',
          likelihood: 0.05,
          reduce: [
            { p: 0, factor: 0.05 },
            { p: 1, factor: 0.05 },
          ],
        },
        { from: 'a', to: 't', likelihood: 0.05, reduce: [{ p: 2, factor: 0.06 }] },
      ],
    });
    const plan = await planWithinBudget(graph, { budget: 2 });
    expect(plan.placements.map((p) => p.controlId)).toEqual(['FREE', 'PAID']);
    expect(plan.riskAfter).toBeCloseTo(2 * 0.05 * 0.05 * 0.05 * 0.05, 15);
  });

  it('budget 0 uses zero-cost placements', async () => {
    const graph = makeGraph({
      nodes: ['d', 'z'],
      entries: ['z'],
      targets: [{ id: 'd', severity: 'SERIOUS' }],
      pool: pool(['C-FREE', 'd', 0], ['C-PAID', 'd', 3], ['C-IDLE', 'z', 0]),
      steps: [
        { from: 'z', to: 'd', likelihood: 0.4, prevent: [0, 1] },
        { from: 'd', to: 'z', likelihood: 0.9, prevent: [2] },
      ],
    });
    const plan = await planWithinBudget(graph, { budget: 0 });
    // C-IDLE costs nothing but protects no target: it is left out.
    expect(plan.placements.map((p) => [p.controlId, p.effect, p.preventsStepIds])).toEqual([
      ['C-FREE', 'PREVENTS', ['s000']],
    ]);
    expect(plan).toMatchObject({ totalCost: 0, riskAfter: 0, optimal: true, status: 'OPTIMAL' });
    expect(plan.riskBefore).toBeCloseTo(3 * 0.4, 12);
    const curve = await costRiskCurve(graph);
    expect(curve.breakpoints.map((b) => [b.cost, b.riskAfter])).toEqual([[0, 0]]);
  });

  it('reports NOTHING_TO_REDUCE and rejects bad options', async () => {
    const graph = makeGraph({
      nodes: ['d', 'z'],
      entries: ['z'],
      targets: [{ id: 'd', severity: 'SERIOUS' }],
      pool: [],
      steps: [{ from: 'z', to: 'd', likelihood: 0.4 }],
    });
    const plan = await planWithinBudget(graph, { budget: 10 });
    expect(plan).toMatchObject({ placements: [], status: 'NOTHING_TO_REDUCE', totalCost: 0 });
    expect(plan.riskAfter).toBeCloseTo(1.2, 12);
    await expect(planWithinBudget(graph, { budget: -1 })).rejects.toThrow(ValidationError);
    await expect(planWithinBudget(graph, { budget: NaN })).rejects.toThrow(ValidationError);
    await expect(costRiskCurve(graph, { maxBreakpoints: 0 })).rejects.toThrow(ValidationError);
  });

  it('caps the curve at maxBreakpoints', async () => {
    const graph = makeGraph(spec);
    const full = await costRiskCurve(graph);
    expect(full.breakpoints.map((b) => b.cost)).toEqual([0, 2, 5]);
    expect(full.complete).toBe(true);
    const capped = await costRiskCurve(graph, { maxBreakpoints: 2 });
    expect(capped.breakpoints.map((b) => b.cost)).toEqual([0, 2]);
    expect(capped.complete).toBe(false);
  });
});

describe('cost–risk curve at a coarser resolution', () => {
  it('at riskResolution r, each breakpoint is the least cost lowering the risk by more than r × riskBefore, with the least risk there (brute force)', async () => {
    await fc.assert(
      fc.asyncProperty(arbSpec, async ({ spec, minSeverity }) => {
        const graph = makeGraph(spec);
        const brute = bruteForce(graph, minSeverity);
        const r = 0.03;
        const curve = await costRiskCurve(graph, { minSeverity, mipRelGap: GAP, riskResolution: r });
        expect(curve.riskResolution).toBeCloseTo(r * brute.riskBefore, 12);
        const frontier = bruteFrontier(brute, r * brute.riskBefore);
        expect(curve.breakpoints.map((p) => p.cost)).toEqual(frontier.map((p) => p.cost));
        curve.breakpoints.forEach((p, k) =>
          expect(Math.abs(p.riskAfter - frontier[k]!.risk)).toBeLessThanOrEqual(1e-9 * brute.riskBefore + 1e-12),
        );
      }),
      { seed: SEED + 2, numRuns: Math.max(1, Math.round(RUNS / 2)) },
    );
  });

  it('refuses a resolution outside (0, 1)', async () => {
    const graph = makeGraph({
      nodes: ['z', 't'],
      entries: ['z'],
      targets: [{ id: 't', severity: 'CRITICAL' }],
      steps: [],
    } as never);
    await expect(costRiskCurve(graph, { riskResolution: 0 })).rejects.toThrow(/riskResolution/);
    await expect(costRiskCurve(graph, { riskResolution: 1 })).rejects.toThrow(/riskResolution/);
  });
});
