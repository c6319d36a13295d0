/**
 * Budget plans with partial credit and the cost–risk curve (issue 10 point 4), exact within a
 * stated gap.
 *
 * Risk of a plan, on one scale: Σ over the selected targets t of severityRank_t × the likelihood
 * of t's most likely path, where a chosen PREVENTS placement removes the steps it blocks and a
 * chosen REDUCES placement multiplies the likelihood of the steps it reduces by its factor. A
 * partial cut counts: cutting a target's best path drops its risk to its next best path.
 *
 * Method: a MILP in log space solved by HiGHS with outer approximation (Kelley cutting planes),
 *
 *   variables  x_p ∈ {0,1} per candidate placement, λ_v ∈ [L_v, U_v] per node (ln of the best
 *              likelihood to v; U_v with nothing chosen, L_v with every candidate in force, at
 *              least ln 1e-15, which stands for "unreachable"), z_t ≥ 0 per target;
 *   rows       λ_v ≥ λ_u + ln lik_s + Σ_{p reduces s} ln(f_p)·x_p − M_s·Σ_{p prevents s} x_p per
 *              step s = u→v (M_s = U_u + ln lik_s − L_v, so one preventer makes the row vacuous),
 *              λ_entry = 0, z_t ≥ e^a (1 + λ_t − a) for tangent points a of exp;
 *   stage 1    minimise Σ_t w_t z_t subject to Σ cost_p x_p ≤ budget;
 *   stage 2    minimise Σ cost_p x_p subject to Σ_t w_t z_t ≤ best risk found + 0.5e-9 × riskBefore
 *              (+ a 1e-7 × riskBefore slack beyond HiGHS's tolerances: the true risk of every
 *              plan found is checked, and a plan that misses the cap is excluded by a no-good cut
 *              Σ_{p not in it} x_p ≥ 1, valid because more placements never raise the risk).
 * Minimisation drives λ_v down to the ln of the most likely path, and the tangents under-estimate
 * exp, so every MILP bound is a valid lower bound on the residual risk. After each solve the
 * chosen plan's true risk is computed (Dijkstra on −ln likelihood) and tangents are added at its
 * λ values: a plan seen again is then priced exactly, so the rounds end with the true optimum (a
 * finite number of plans), or earlier once the true risk of the best plan and the bound are within
 * mipRelGap. Stage 2 re-solves until the plan it finds truly meets the risk cap. With mipRelGap
 * below 1e-6 (finer than HiGHS's tolerances can certify) stage 1 is also certified
 * combinatorially: the cheapest plan better by more than 0.5e-9 × riskBefore is searched (with
 * no-good cuts) until none exists. The plan then has a risk within 1e-9 × riskBefore of the
 * optimum and costs no more than the cheapest optimal plan.
 *
 * Reductions (all exact): only nodes reachable from the entries that co-reach a selected target
 * are kept; nodes whose likelihood no plan changes (U_v = L_v) are constants; rows that can never
 * bind (M_s ≤ 0) are dropped; placements that touch no kept step, placements dominated by one at
 * most as dear that acts at least as strongly on each of their steps, and placements dearer than
 * the budget are fixed at 0. A greedy plan (most risk removed per cost unit) is the MILP's start.
 *
 * Cost: each round is a MILP over (candidate placements + kept nodes + targets) columns; the
 * number of rounds is small on the instances tried (3–5 per plan), but HiGHS time grows quickly
 * with the number of placements (big-M rows relax weakly): see the time limit and the gap.
 */
import { EngineLimitError, ValidationError } from '../../domain/errors';
import type { RiskScale, Severity } from '../../domain/types';
import { indexGraph, type GraphIndex } from '../graph-index';
import { MinHeap } from '../paths/heap';
import { selectTargets } from '../paths/find-attack-paths';
import { reachableFrom } from '../paths/search';
import type {
  AttackGraph,
  BudgetPlan,
  BudgetPlanOptions,
  BudgetPlanStatus,
  CostRiskBreakpoint,
  CostRiskCurve,
  CostRiskCurveOptions,
  PlannedPlacement,
} from '../types';
import { solveMilp, solveMilpOrInfeasible, type HighsExtraOptions, type MilpModel } from './milp';

const DEFAULT_TIME_LIMIT_MS = 10000;
const DEFAULT_CURVE_TIME_LIMIT_MS = 30000;
const DEFAULT_MIP_REL_GAP = 1e-6;
/** Likelihood floor of the log-space model: a λ at ln FLOOR means "unreachable". */
const FLOOR = 1e-15;
const LN_FLOOR = Math.log(FLOOR);
/** Tangents of exp below this point are not added (their coefficients fall under HiGHS's matrix tolerance). */
const LN_TANGENT_MIN = Math.log(1e-11);
/** Plans within this fraction of riskBefore count as equally risky (stage 2, curve steps). */
const RISK_RESOLUTION = 1e-9;
/**
 * Default smallest risk decrease that makes a new breakpoint of the cost–risk curve, as a fraction
 * of riskBefore (0.1 %). Finer differences are below what a risk assessment tells apart, and
 * separating them multiplies the work: on the demo hospital the complete curve takes about 30 s at
 * 1e-3, about 55 s at 1e-4, and had not finished after 13 minutes at 1e-9.
 */
const DEFAULT_CURVE_RESOLUTION = 1e-3;
/**
 * Gaps below this are certified combinatorially (a feasibility search with no-good cuts for a
 * plan better by more than the resolution) rather than trusted to HiGHS's feasibility tolerances.
 */
const PRECISE_GAP = 1e-6;
/** Slack of the MILP's risk-cap row, × riskBefore (the true risk is checked after every solve). */
const CAP_SLACK = 1e-7;

/**
 * The plan costing at most `budget` that removes the most risk on one scale, and among those the
 * cheapest. PREVENTS placements remove the steps they block, REDUCES placements multiply their
 * steps' likelihoods; a target's residual risk is that of its most likely remaining path.
 *
 * @param graph - an attack graph from buildAttackGraph (or its JSON).
 * @param options.budget - most the plan may cost, cost units (≥ 0). Budget 0 still takes
 *   zero-cost placements that lower the risk.
 * @param options.minSeverity - weigh targets of at least this severity (default NEGLIGIBLE).
 * @param options.scale - SAFETY (default) or PRIVACY.
 * @param options.timeLimitMs - wall-clock ms for both stages (default 10000); when it runs out the
 *   best plan found is returned with status TIME_LIMIT and its gap.
 * @param options.mipRelGap - relative gap on the residual risk (default 1e-6).
 * @returns the plan, its risks (probability × severity rank), cost (cost units), gap and status.
 * @throws ValidationError for a negative or non-finite budget, a non-positive time limit, a
 *   negative gap, an unknown scale or severity.
 */
export async function planWithinBudget(graph: AttackGraph, options: BudgetPlanOptions): Promise<BudgetPlan> {
  const t0 = performance.now();
  if (!(Number.isFinite(options.budget) && options.budget >= 0))
    throw new ValidationError('budget must be a finite number ≥ 0', 'budget');
  const common = checkCommon(options, DEFAULT_TIME_LIMIT_MS);
  const problem = prepare(graph, common.minSeverity, common.scale);
  const solver = new Solver(problem, common.mipRelGap, t0 + common.timeLimitMs);
  const found = await solver.bestWithin(options.budget);
  return {
    placements: describe(graph, problem.index, found.plan),
    totalCost: found.cost,
    budget: options.budget,
    scale: common.scale,
    minSeverity: common.minSeverity,
    riskBefore: problem.riskBefore,
    riskAfter: found.risk,
    riskRemoved: problem.riskBefore - found.risk,
    riskAfterLowerBound: found.lowerBound,
    mipGap: found.gap,
    optimal: found.optimal,
    status: found.status,
    solverCalls: solver.calls,
    solveTimeMs: performance.now() - t0,
  };
}

/**
 * The cost–risk curve (efficient frontier): each breakpoint is the least budget at which the best
 * plan changes, with that plan's residual risk and placements. Starts at the best zero-cost plan
 * and ends when the risk can fall no more (every candidate in force), unless capped.
 *
 * Method: from the previous breakpoint (risk r), the cheapest plan with risk ≤ r − resolution
 * (cost c), then the best plan within budget c, cheapest among the best; each solve is the
 * outer-approximation MILP of {@link planWithinBudget}. Exact within `mipRelGap` per breakpoint
 * (reported); steps smaller than `riskResolution` (options.riskResolution × riskBefore, default
 * 1e-3) are not separate breakpoints: each breakpoint is the least cost that lowers the risk by
 * more than that, with the least risk at that cost.
 *
 * @param options.maxBreakpoints - at most this many breakpoints (≥ 1); the curve is then not complete.
 * @param options.timeLimitMs - wall-clock ms for the whole curve (default 30000).
 * @throws ValidationError for a non-positive maxBreakpoints or time limit, a negative gap, an
 *   unknown scale or severity.
 */
export async function costRiskCurve(graph: AttackGraph, options: CostRiskCurveOptions = {}): Promise<CostRiskCurve> {
  const t0 = performance.now();
  const common = checkCommon(options, DEFAULT_CURVE_TIME_LIMIT_MS);
  const maxBreakpoints = options.maxBreakpoints ?? Infinity;
  if (!(maxBreakpoints >= 1) || (Number.isFinite(maxBreakpoints) && !Number.isInteger(maxBreakpoints)))
    throw new ValidationError('maxBreakpoints must be an integer ≥ 1', 'maxBreakpoints');
  const problem = prepare(graph, common.minSeverity, common.scale);
  const deadline = t0 + common.timeLimitMs;
  const relResolution = options.riskResolution ?? DEFAULT_CURVE_RESOLUTION;
  if (!(relResolution > 0 && relResolution < 1))
    throw new ValidationError(
      'riskResolution must be above 0 and below 1 (a fraction of riskBefore)',
      'riskResolution',
    );
  const resolution = relResolution * problem.riskBefore;
  // The problem falls apart into parts that share no placement and no node whose likelihood a
  // plan can change; each part's frontier is computed on its own (by evaluating every plan when
  // it is small, else by the alternating MILPs) and the frontiers are merged exactly (costs and
  // risks add up across parts).
  const enumerateUpTo = options.enumerateUpTo ?? ENUMERATE_UP_TO;
  if (!(Number.isInteger(enumerateUpTo) && enumerateUpTo >= 0 && enumerateUpTo <= 16))
    throw new ValidationError('enumerateUpTo must be an integer from 0 to 16', 'enumerateUpTo');
  const { parts, constRisk } = splitProblem(problem);
  // Smallest first, so that a time limit cuts short the largest part only.
  parts.sort((a, b) => a.placements.length - b.placements.length);
  const frontiers: PartFrontier[] = [];
  let solverCalls = 0;
  let timedOut = false;
  let enumerated = 0;
  let largest = 0;
  /** Cost up to which the merged frontier is exact (Infinity: all of it). */
  let exactUpTo = Infinity;
  let capped = false;
  let allOptimal = true;
  for (const part of parts) {
    largest = Math.max(largest, part.placements.length);
    if (timedOut) {
      // Not reached: only its plan with nothing chosen (valid, not optimal).
      frontiers.push({ points: [nothingChosen(part)], complete: false, solverCalls: 0 });
      allOptimal = false;
      continue;
    }
    const small = part.placements.length <= enumerateUpTo;
    // The first N merged points use at most the first N points of each part: a cap stops a part there.
    const f = small
      ? enumerateFrontier(part, resolution)
      : await milpFrontier(part, common.mipRelGap, deadline, resolution, maxBreakpoints);
    if (small) enumerated++;
    solverCalls += f.solverCalls;
    frontiers.push(f);
    if (!f.complete) {
      // Its frontier is known up to its last point's cost: merged points up to there are exact.
      exactUpTo = Math.min(exactUpTo, f.points[f.points.length - 1]!.cost);
      if (f.capped) capped = true;
      else timedOut = true;
    }
  }
  const merged = mergeFrontiers(frontiers, constRisk, resolution);
  let points: Found[];
  let complete: boolean;
  if (merged) {
    points = merged
      .filter((q) => q.cost <= exactUpTo)
      .map((q) => (allOptimal ? q : { ...q, optimal: false, status: 'TIME_LIMIT' as const }));
    complete = !timedOut && !capped;
  } else {
    // A merge too large to hold: the whole problem's alternating MILPs, as far as time allows.
    const whole = await milpFrontier(problem, common.mipRelGap, deadline, resolution, maxBreakpoints);
    solverCalls += whole.solverCalls;
    points = whole.points;
    complete = whole.complete;
    timedOut = !whole.complete;
  }
  if (points.length > maxBreakpoints) {
    points = points.slice(0, maxBreakpoints);
    complete = false;
  }
  const breakpoints: CostRiskBreakpoint[] = points.map((found) => ({
    cost: found.cost,
    riskAfter: found.risk,
    riskRemoved: problem.riskBefore - found.risk,
    placements: describe(graph, problem.index, found.plan),
    mipGap: found.gap,
    optimal: found.optimal,
  }));
  const mipGap = breakpoints.reduce((g, b) => Math.max(g, b.mipGap), 0);
  const everyOptimal = breakpoints.every((b) => b.optimal) && !timedOut;
  const status: BudgetPlanStatus =
    problem.riskFloor >= problem.riskBefore - resolution ? 'NOTHING_TO_REDUCE' : timedOut ? 'TIME_LIMIT' : 'OPTIMAL';
  return {
    breakpoints,
    scale: common.scale,
    minSeverity: common.minSeverity,
    riskBefore: problem.riskBefore,
    riskFloor: problem.riskFloor,
    complete,
    riskResolution: resolution,
    method: merged
      ? `efficient frontier of ${parts.length} independent part(s) (sharing no placement and no node a plan ` +
        `can change), merged exactly (costs and risks add up): ${enumerated} part(s) of at most ` +
        `${enumerateUpTo} candidate placements by evaluating every plan, the others (largest: ${largest} ` +
        'candidates) by alternating exact MILPs (HiGHS, log-space best-path model with outer approximation ' +
        'of exp): cheapest plan with risk below the previous breakpoint, then the least risk within that ' +
        'cost, cheapest among equals'
      : 'efficient frontier by alternating exact MILPs (HiGHS, log-space best-path model with ' +
        'outer approximation of exp): cheapest plan with risk below the previous breakpoint, then ' +
        'the least risk within that cost, cheapest among equals',
    mipGap,
    optimal: everyOptimal,
    status,
    solverCalls,
    solveTimeMs: performance.now() - t0,
  };
}

/** Parts with at most this many candidate placements get their frontier by enumerating every plan. */
const ENUMERATE_UP_TO = 12;
/** Most (plan, plan) pairs one merge step may form before the merge gives up. */
const MERGE_PAIR_LIMIT = 4_000_000;

/** One part's efficient frontier (cost strictly increasing, risk strictly decreasing). */
interface PartFrontier {
  points: Found[];
  complete: boolean;
  /** Stopped after the points asked for (exact as far as it goes), not by time. */
  capped?: boolean;
  solverCalls: number;
}

/**
 * The frontier of a problem by alternating MILPs: the best zero-cost plan, then repeatedly the
 * cheapest plan with risk below the last breakpoint and the least risk within that cost, until
 * the risk can fall no more, `maxPoints` are found or the deadline passes.
 */
async function milpFrontier(
  problem: Problem,
  mipRelGap: number,
  deadline: number,
  resolution: number,
  maxPoints = Infinity,
): Promise<PartFrontier> {
  const solver = new Solver(problem, mipRelGap, deadline);
  const points: Found[] = [];
  let last = await solver.bestWithin(0);
  points.push(last);
  let complete = last.risk <= problem.riskFloor + resolution;
  let timedOut = last.status === 'TIME_LIMIT';
  while (!complete && !timedOut && points.length < maxPoints) {
    const cheapest = await solver.cheapestWithRisk(last.risk - resolution, Infinity, undefined);
    if (cheapest.timedOut) {
      timedOut = true;
      break;
    }
    if (!cheapest.plan) {
      // Proven: no plan is resolution-better than the last breakpoint.
      complete = true;
      break;
    }
    // Every plan at least as good as the next breakpoint costs ≥ this: stage 2 is not needed.
    const next = await solver.bestWithin(cheapest.plan.cost, cheapest.plan, cheapest.optimal);
    if (next.status === 'TIME_LIMIT') timedOut = true;
    if (!(next.cost > last.cost) || !(next.risk < last.risk - resolution / 2)) {
      // Only solver tolerance can get here: stop rather than emit a non-monotone point.
      timedOut = true;
      break;
    }
    points.push(next);
    last = next;
    complete = last.risk <= problem.riskFloor + resolution;
  }
  return {
    points,
    complete: complete && !timedOut,
    capped: !complete && !timedOut,
    solverCalls: solver.calls,
  };
}

/** A problem's plan with nothing chosen, as a frontier point (not proven optimal). */
function nothingChosen(problem: Problem): Found {
  const risk = evaluate(problem, new Uint8Array(problem.placements.length)).risk;
  return { plan: [], cost: 0, risk, lowerBound: 0, gap: risk > 0 ? 1 : 0, optimal: false, status: 'TIME_LIMIT' };
}

/**
 * The frontier of a small problem by evaluating every plan (2^placements of them): for each cost,
 * the least risk; kept where the risk falls by more than `resolution`; among plans of equal cost
 * and risk the one listing the lowest placement indices. Exact.
 */
function enumerateFrontier(problem: Problem, resolution: number): PartFrontier {
  const k = problem.placements.length;
  const plans: { mask: number; cost: number; risk: number }[] = [];
  for (let mask = 0; mask < 1 << k; mask++) {
    const chosen = new Uint8Array(k);
    let cost = 0;
    for (let j = 0; j < k; j++) {
      if (mask & (1 << j)) {
        chosen[j] = 1;
        cost += problem.cost[j]!;
      }
    }
    plans.push({ mask, cost, risk: evaluate(problem, chosen).risk });
  }
  plans.sort((a, b) => a.cost - b.cost || a.risk - b.risk || a.mask - b.mask);
  const points: Found[] = [];
  let lastRisk = Infinity;
  for (const q of plans) {
    if (!(q.risk < lastRisk - resolution)) continue;
    const plan: number[] = [];
    for (let j = 0; j < k; j++) if (q.mask & (1 << j)) plan.push(problem.placements[j]!);
    plan.sort((a, b) => a - b);
    points.push({ plan, cost: q.cost, risk: q.risk, lowerBound: q.risk, gap: 0, optimal: true, status: 'OPTIMAL' });
    lastRisk = q.risk;
  }
  return { points, complete: true, solverCalls: 0 };
}

/**
 * The frontier of the whole problem from its independent parts' frontiers: every combination of
 * one point per part (cost and risk add up; `constRisk` is the risk of targets that are entry
 * points), kept where the risk falls by more than `resolution`. Exact (a multiple-choice
 * knapsack solved by merging Pareto sets). Null when a merge step would form more than
 * MERGE_PAIR_LIMIT pairs.
 */
function mergeFrontiers(frontiers: readonly PartFrontier[], constRisk: number, resolution: number): Found[] | null {
  interface Point {
    cost: number;
    risk: number;
    gap: number;
    optimal: boolean;
    picks: number[];
  }
  let set: Point[] = [{ cost: 0, risk: constRisk, gap: 0, optimal: true, picks: [] }];
  for (const f of frontiers) {
    if (set.length * f.points.length > MERGE_PAIR_LIMIT) return null;
    const pairs: Point[] = [];
    for (const a of set) {
      f.points.forEach((b, i) =>
        pairs.push({
          cost: a.cost + b.cost,
          risk: a.risk + b.risk,
          gap: Math.max(a.gap, b.gap),
          optimal: a.optimal && b.optimal,
          picks: [...a.picks, i],
        }),
      );
    }
    pairs.sort((x, y) => x.cost - y.cost || x.risk - y.risk);
    set = [];
    for (const q of pairs) if (set.length === 0 || q.risk < set[set.length - 1]!.risk - resolution) set.push(q);
  }
  return set.map((q) => {
    const plan = q.picks.flatMap((i, part) => frontiers[part]!.points[i]!.plan).sort((a, b) => a - b);
    return {
      plan,
      cost: q.cost,
      risk: q.risk,
      lowerBound: q.risk * (1 - q.gap),
      gap: q.gap,
      optimal: q.optimal,
      status: q.optimal ? 'OPTIMAL' : 'TIME_LIMIT',
    };
  });
}

/**
 * Splits a problem into parts that share no placement and no node other than entry points (whose
 * likelihood is 1 whatever is chosen): nodes joined by a step out of a non-entry node, and the
 * heads of the steps one placement acts on, are in one part. Each part keeps its targets, the
 * steps into its nodes, the sources they start from (entry points, and nodes no plan changes, at
 * their fixed likelihood) and the placements acting on them; its constRisk is 0. `constRisk` is
 * the risk no plan changes (targets that are entry points or fixed nodes), counted once. Parts
 * without a target are dropped: nothing chosen there changes the risk.
 */
function splitProblem(problem: Problem): { parts: Problem[]; constRisk: number } {
  const N = problem.nodes.length;
  const K = problem.stepFrom.length;
  // Nodes whose best likelihood is the same with no placement and with every placement in force
  // are the same under every plan (more placements never raise a likelihood): sources of the
  // parts, like entry points, that join nothing.
  const none = evaluate(problem, new Uint8Array(problem.placements.length)).ln;
  const all = evaluate(problem, new Uint8Array(problem.placements.length).fill(1)).ln;
  const fixed = Uint8Array.from({ length: N }, (_, i) =>
    problem.isEntry[i] || none[i] === all[i] || none[i]! - all[i]! <= 1e-12 ? 1 : 0,
  );
  const parent = Int32Array.from({ length: N }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstHead = new Int32Array(problem.placements.length).fill(-1);
  const joinPlacement = (j: number, head: number) => {
    if (firstHead[j]! < 0) firstHead[j] = head;
    else union(firstHead[j]!, head);
  };
  const live: number[] = [];
  for (let k = 0; k < K; k++) {
    const u = problem.stepFrom[k]!;
    const v = problem.stepTo[k]!;
    if (fixed[v]) continue; // what acts on a step into a fixed node changes nothing
    live.push(k);
    if (!fixed[u]) union(u, v);
    for (let r = problem.preventStart[k]!; r < problem.preventStart[k + 1]!; r++)
      joinPlacement(problem.preventers[r]!, v);
    for (let r = problem.reduceStart[k]!; r < problem.reduceStart[k + 1]!; r++) joinPlacement(problem.reducers[r]!, v);
  }
  const partOfRoot = new Map<number, number>();
  const targetsOf: number[][] = [];
  let constRisk = problem.constRisk;
  problem.targetNodes.forEach((t, i) => {
    if (fixed[t]) {
      if (Number.isFinite(none[t]!)) constRisk += problem.targetWeight[i]! * Math.exp(none[t]!);
      return;
    }
    const root = find(t);
    let part = partOfRoot.get(root);
    if (part === undefined) {
      part = targetsOf.length;
      partOfRoot.set(root, part);
      targetsOf.push([]);
    }
    targetsOf[part]!.push(i);
  });
  const stepsOf: number[][] = targetsOf.map(() => []);
  for (const k of live) {
    const part = partOfRoot.get(find(problem.stepTo[k]!));
    if (part !== undefined) stepsOf[part]!.push(k);
  }
  return {
    parts: targetsOf.map((targets, part) => subProblem(problem, stepsOf[part]!, targets, fixed, none)),
    constRisk,
  };
}

/** The problem restricted to some of its steps (all steps into their heads) and targets. */
function subProblem(
  problem: Problem,
  steps: readonly number[],
  targets: readonly number[],
  fixed: Uint8Array,
  fixedLn: Float64Array,
): Problem {
  const { list: nodes, local: node, find: localNode } = interner();
  for (const t of targets) node(problem.targetNodes[t]!);
  const { list: placements, local: placement } = interner();
  const K = steps.length;
  const stepFrom = new Int32Array(K);
  const stepTo = new Int32Array(K);
  const lnLik = new Float64Array(K);
  const preventStart = new Int32Array(K + 1);
  const reduceStart = new Int32Array(K + 1);
  const prev: number[] = [];
  const red: number[] = [];
  const redLn: number[] = [];
  steps.forEach((k, i) => {
    stepFrom[i] = node(problem.stepFrom[k]!);
    stepTo[i] = node(problem.stepTo[k]!);
    lnLik[i] = problem.lnLik[k]!;
    for (let r = problem.preventStart[k]!; r < problem.preventStart[k + 1]!; r++)
      prev.push(placement(problem.preventers[r]!));
    for (let r = problem.reduceStart[k]!; r < problem.reduceStart[k + 1]!; r++) {
      red.push(placement(problem.reducers[r]!));
      redLn.push(problem.reduceLn[r]!);
    }
    preventStart[i + 1] = prev.length;
    reduceStart[i + 1] = red.length;
  });
  const N = nodes.length;
  const { outStart, outSteps } = outCsr(stepFrom, N);
  const part: Problem = {
    index: problem.index,
    nodes: nodes.map((i) => problem.nodes[i]!),
    isEntry: Uint8Array.from(nodes, (i) => fixed[i]!),
    entryLn: Float64Array.from(nodes, (i) => (fixed[i] ? fixedLn[i]! : 0)),
    stepFrom,
    stepTo,
    lnLik,
    outStart,
    outSteps,
    preventStart,
    preventers: Int32Array.from(prev),
    reduceStart,
    reducers: Int32Array.from(red),
    reduceLn: Float64Array.from(redLn),
    placements: placements.map((j) => problem.placements[j]!),
    cost: Float64Array.from(placements, (j) => problem.cost[j]!),
    targetNodes: targets.map((t) => localNode.get(problem.targetNodes[t]!)!),
    targetWeight: targets.map((t) => problem.targetWeight[t]!),
    constRisk: 0,
    riskBefore: 0,
    riskFloor: 0,
  };
  part.riskBefore = evaluate(part, new Uint8Array(part.placements.length)).risk;
  part.riskFloor = evaluate(part, new Uint8Array(part.placements.length).fill(1)).risk;
  return part;
}

interface CommonOptions {
  minSeverity: Severity;
  scale: RiskScale;
  timeLimitMs: number;
  mipRelGap: number;
}

function checkCommon(
  options: { minSeverity?: Severity; scale?: RiskScale; timeLimitMs?: number; mipRelGap?: number },
  defaultTime: number,
): CommonOptions {
  const timeLimitMs = options.timeLimitMs ?? defaultTime;
  const mipRelGap = options.mipRelGap ?? DEFAULT_MIP_REL_GAP;
  if (!(timeLimitMs > 0)) throw new ValidationError('timeLimitMs must be positive', 'timeLimitMs');
  if (!(mipRelGap >= 0)) throw new ValidationError('mipRelGap must be ≥ 0', 'mipRelGap');
  return { minSeverity: options.minSeverity ?? 'NEGLIGIBLE', scale: options.scale ?? 'SAFETY', timeLimitMs, mipRelGap };
}

// ---------------------------------------------------------------------------------------------
// The reduced problem
// ---------------------------------------------------------------------------------------------

/** The part of the graph that matters for the selected targets, renumbered. */
interface Problem {
  index: GraphIndex;
  /** Kept nodes (graph node indices); local node i is nodes[i]. */
  nodes: number[];
  /**
   * 1 for local nodes whose likelihood no plan changes: entry points (λ = 0) and, in a part of a
   * split problem, nodes fixed at `entryLn` (the part's sources).
   */
  isEntry: Uint8Array;
  /** ln of the likelihood each source starts at (absent: 0 for every entry point). */
  entryLn?: Float64Array;
  /** Kept steps: local from/to, ln likelihood, and their effects as local placement indices. */
  stepFrom: Int32Array;
  stepTo: Int32Array;
  lnLik: Float64Array;
  /** Local out-steps of each local node (CSR). */
  outStart: Int32Array;
  outSteps: Int32Array;
  preventStart: Int32Array;
  preventers: Int32Array;
  reduceStart: Int32Array;
  reducers: Int32Array;
  reduceLn: Float64Array;
  /** Local placement j is graph placement placements[j]. */
  placements: number[];
  cost: Float64Array;
  /** Local target nodes (not entry points) and their weights (severity rank). */
  targetNodes: number[];
  targetWeight: number[];
  /** Risk of selected targets that are entry points (likelihood 1 whatever is chosen). */
  constRisk: number;
  riskBefore: number;
  /** Risk with every candidate in force: the least any budget reaches. */
  riskFloor: number;
}

function prepare(graph: AttackGraph, minSeverity: Severity, scale: RiskScale): Problem {
  const index = indexGraph(graph);
  const { n, m, blocked, stepFrom, stepTo, inStart, inSteps } = index;
  const selected = selectTargets(graph, index, minSeverity, undefined, scale);
  const reach = reachableFrom(index, index.entries, blocked);
  const entry = new Uint8Array(n);
  for (const e of index.entries) entry[e] = 1;
  // Co-reach: nodes with an unblocked path from a reachable node to a selected target.
  const co = new Uint8Array(n);
  const stack: number[] = [];
  for (const t of selected) {
    if (reach[t] && !co[t]) {
      co[t] = 1;
      stack.push(t);
    }
  }
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let q = inStart[v]!; q < inStart[v + 1]!; q++) {
      const s = inSteps[q]!;
      const u = stepFrom[s]!;
      if (blocked[s] || co[u] || !reach[u]) continue;
      co[u] = 1;
      stack.push(u);
    }
  }
  const local = new Int32Array(n).fill(-1);
  const nodes: number[] = [];
  for (let v = 0; v < n; v++) {
    if (reach[v] && co[v]) {
      local[v] = nodes.length;
      nodes.push(v);
    }
  }
  const isEntry = Uint8Array.from(nodes, (v) => entry[v]!);
  const ps = index.stepPlacementStart;
  const rs = index.stepReducerStart;
  const kept: number[] = [];
  for (let s = 0; s < m; s++) {
    const u = stepFrom[s]!;
    const v = stepTo[s]!;
    if (blocked[s] || local[u]! < 0 || local[v]! < 0 || entry[v] || u === v) continue;
    if (Math.log(index.likelihood[s]!) <= LN_FLOOR) continue;
    kept.push(s);
  }
  const { list: placements, local: use } = interner();
  const K = kept.length;
  const lFrom = new Int32Array(K);
  const lTo = new Int32Array(K);
  const lnLik = new Float64Array(K);
  const preventStart = new Int32Array(K + 1);
  const reduceStart = new Int32Array(K + 1);
  const prev: number[] = [];
  const red: number[] = [];
  const redLn: number[] = [];
  kept.forEach((s, k) => {
    lFrom[k] = local[stepFrom[s]!]!;
    lTo[k] = local[stepTo[s]!]!;
    lnLik[k] = Math.log(index.likelihood[s]!);
    for (let q = ps[s]!; q < ps[s + 1]!; q++) prev.push(use(index.stepPlacements[q]!));
    for (let q = rs[s]!; q < rs[s + 1]!; q++) {
      red.push(use(index.stepReducers[q]!));
      redLn.push(Math.log(index.stepReducerFactor[q]!));
    }
    preventStart[k + 1] = prev.length;
    reduceStart[k + 1] = red.length;
  });
  const N = nodes.length;
  const { outStart, outSteps } = outCsr(lFrom, N);

  let constRisk = 0;
  const targetNodes: number[] = [];
  const targetWeight: number[] = [];
  for (const t of selected) {
    const i = local[t]!;
    if (i < 0) continue;
    if (isEntry[i]) constRisk += index.severityRank[t]!;
    else {
      targetNodes.push(i);
      targetWeight.push(index.severityRank[t]!);
    }
  }
  const problem: Problem = {
    index,
    nodes,
    isEntry,
    stepFrom: lFrom,
    stepTo: lTo,
    lnLik,
    outStart,
    outSteps,
    preventStart,
    preventers: Int32Array.from(prev),
    reduceStart,
    reducers: Int32Array.from(red),
    reduceLn: Float64Array.from(redLn),
    placements,
    cost: Float64Array.from(placements, (p) => index.placementCost[p]!),
    targetNodes,
    targetWeight,
    constRisk,
    riskBefore: 0,
    riskFloor: 0,
  };
  problem.riskBefore = evaluate(problem, new Uint8Array(placements.length)).risk;
  problem.riskFloor = evaluate(problem, new Uint8Array(placements.length).fill(1)).risk;
  return problem;
}

/** True risk of a plan (chosen[j] = 1 for local placement j) and ln of the best likelihood to every local node. */
function evaluate(problem: Problem, chosen: Uint8Array): { risk: number; ln: Float64Array } {
  const { risk, ln } = evaluateTree(problem, chosen);
  return { risk, ln };
}

/** {@link evaluate}, also returning the local step by which each node is best reached (−1: entry or unreached). */
function evaluateTree(problem: Problem, chosen: Uint8Array): { risk: number; ln: Float64Array; parent: Int32Array } {
  const {
    nodes,
    isEntry,
    outStart,
    outSteps,
    stepTo,
    lnLik,
    preventStart,
    preventers,
    reduceStart,
    reducers,
    reduceLn,
  } = problem;
  const N = nodes.length;
  const dist = new Float64Array(N).fill(Infinity);
  const parent = new Int32Array(N).fill(-1);
  const done = new Uint8Array(N);
  const heap = new MinHeap(N + 16);
  for (let i = 0; i < N; i++) {
    if (isEntry[i]) {
      dist[i] = -(problem.entryLn?.[i] ?? 0);
      heap.push(dist[i]!, i);
    }
  }
  while (heap.size > 0) {
    const d = heap.peekKey();
    const v = heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    steps: for (let q = outStart[v]!; q < outStart[v + 1]!; q++) {
      const k = outSteps[q]!;
      for (let r = preventStart[k]!; r < preventStart[k + 1]!; r++) if (chosen[preventers[r]!]) continue steps;
      let w = -lnLik[k]!;
      for (let r = reduceStart[k]!; r < reduceStart[k + 1]!; r++) if (chosen[reducers[r]!]) w -= reduceLn[r]!;
      const u = stepTo[k]!;
      if (d + w < dist[u]!) {
        dist[u] = d + w;
        parent[u] = k;
        heap.push(d + w, u);
      }
    }
  }
  let risk = problem.constRisk;
  problem.targetNodes.forEach((t, i) => {
    if (dist[t] !== Infinity) risk += problem.targetWeight[i]! * Math.exp(-dist[t]!);
  });
  const ln = new Float64Array(N);
  for (let i = 0; i < N; i++) ln[i] = -dist[i]!;
  return { risk, ln, parent };
}

/** Above this many candidate placements the start plan is built by path credit, not by trying each. */
const PATH_GREEDY_FROM = 300;

// ---------------------------------------------------------------------------------------------
// The solver
// ---------------------------------------------------------------------------------------------

/** A plan found: local placement choice, its cost, true risk and how good it is proven to be. */
interface Found {
  /** Graph placement indices, ascending. */
  plan: number[];
  cost: number;
  risk: number;
  lowerBound: number;
  gap: number;
  optimal: boolean;
  status: BudgetPlanStatus;
}

/** Outcome of a cheapest-plan search: the plan (null: none meets the cap within the budget). */
interface Cheapest {
  plan: Candidate | null;
  /** True when the plan is proven cheapest (or proven not to exist). */
  optimal: boolean;
  timedOut: boolean;
}

interface Candidate {
  chosen: Uint8Array;
  cost: number;
  risk: number;
  ln: Float64Array;
}

/** The OA-MILP solver over one prepared problem; tangents are shared by every solve (they stay valid). */
class Solver {
  calls = 0;
  /** Tangent points (ln likelihood) per local target, sorted. */
  private readonly tangents: number[][];
  private readonly absTol: number;
  private readonly highsOptions: HighsExtraOptions;
  private readonly nx: number;
  private readonly colOfNode: Int32Array;
  private readonly nLambda: number;
  /** Bounds of every local node's λ: with nothing chosen (upper) and everything chosen (lower). */
  private readonly lnUpper: Float64Array;
  private readonly lnLower: Float64Array;
  /** z column of each local target (−1: its λ is fixed, its risk is in fixedRisk). */
  private readonly zColOf: Int32Array;
  /** Risk of targets whose likelihood no plan changes (entry points included). */
  private readonly fixedRisk: number;
  /** 1 for placements another one dominates (never needed: fixed at 0). */
  private readonly dominated: Uint8Array;

  constructor(
    private readonly problem: Problem,
    private readonly mipRelGap: number,
    private readonly deadline: number,
  ) {
    const before = evaluate(problem, new Uint8Array(problem.placements.length));
    const after = evaluate(problem, new Uint8Array(problem.placements.length).fill(1));
    const N = problem.nodes.length;
    this.lnUpper = before.ln.map((x) => Math.max(LN_FLOOR, Math.min(0, x)));
    this.lnLower = after.ln.map((x, i) => Math.min(this.lnUpper[i]!, Math.max(LN_FLOOR, x)));
    this.tangents = problem.targetNodes.map(() => []);
    // Initial tangents: at the target's likelihood with nothing chosen, a few below it, and at its
    // likelihood with everything chosen (more rows slow HiGHS more than they save rounds).
    problem.targetNodes.forEach((t, i) => {
      const top = this.lnUpper[t]!;
      const bottom = Math.max(this.lnLower[t]!, top - 12, LN_TANGENT_MIN);
      for (const d of [0, -0.7, -2.3, -4.6]) if (top + d >= bottom) this.addTangent(i, top + d);
    });
    this.absTol = 1e-12 * Math.max(1, problem.riskBefore);
    this.highsOptions = {
      mip_abs_gap: this.absTol,
      small_matrix_value: 1e-12,
      ...(mipRelGap < PRECISE_GAP ? { primal_feasibility_tolerance: 1e-10, mip_feasibility_tolerance: 1e-10 } : {}),
    };
    this.nx = problem.placements.length;
    // λ is fixed where no plan changes it (entry points, nodes reached whatever is chosen as well
    // as with nothing chosen): a constant in the model.
    this.colOfNode = new Int32Array(N).fill(-1);
    let c = this.nx;
    for (let i = 0; i < N; i++) {
      if (!problem.isEntry[i] && this.lnUpper[i]! - this.lnLower[i]! > 1e-12) this.colOfNode[i] = c++;
    }
    this.nLambda = c - this.nx;
    this.zColOf = new Int32Array(problem.targetNodes.length).fill(-1);
    let fixedRisk = problem.constRisk;
    problem.targetNodes.forEach((t, i) => {
      if (this.colOfNode[t]! >= 0) this.zColOf[i] = c++;
      else if (this.lnUpper[t]! > LN_FLOOR) fixedRisk += problem.targetWeight[i]! * Math.exp(before.ln[t]!);
    });
    this.fixedRisk = fixedRisk;
    this.dominated = dominatedPlacements(problem);
  }

  /** Adds a tangent of exp at ln-likelihood a for local target i; false if it adds nothing new. */
  private addTangent(i: number, a: number): boolean {
    if (!Number.isFinite(a) || a < LN_TANGENT_MIN) return false;
    const at = Math.min(0, a);
    const list = this.tangents[i]!;
    if (list.some((b) => Math.abs(b - at) < 1e-9)) return false;
    list.push(at);
    list.sort((x, y) => x - y);
    return true;
  }

  /** Tangents at a plan's true λ of every target; true if any was new. */
  private tighten(ln: Float64Array): boolean {
    let added = false;
    this.problem.targetNodes.forEach((t, i) => {
      if (this.addTangent(i, ln[t]!)) added = true;
    });
    return added;
  }

  private candidate(chosen: Uint8Array): Candidate {
    const { risk, ln } = evaluate(this.problem, chosen);
    let cost = 0;
    for (let j = 0; j < this.nx; j++) if (chosen[j]) cost += this.problem.cost[j]!;
    return { chosen, cost, risk, ln };
  }

  /**
   * Stage 1 then stage 2 at one budget: the least residual risk within `budget`, then the
   * cheapest plan within 1e-9 × riskBefore of it. `hint`: a plan within the budget to start from.
   * `budgetIsLeast`: no plan as good as the best costs less than `budget` (the curve knows this
   * from its min-cost step), so stage 2 is skipped and only zero-cost extras are pruned.
   */
  async bestWithin(budget: number, hint?: Candidate, budgetIsLeast = false): Promise<Found> {
    const p = this.problem;
    const tie = RISK_RESOLUTION * p.riskBefore;
    const empty = this.candidate(new Uint8Array(this.nx));
    if (p.riskFloor >= p.riskBefore - tie) return this.found(empty, empty.risk, 'NOTHING_TO_REDUCE', true);
    let best = this.greedy(budget);
    if (hint && hint.cost <= budget && hint.risk < best.risk) best = hint;
    // Everything affordable in force bounds the risk from below.
    const affordable = Uint8Array.from(p.cost, (c) => (c <= budget ? 1 : 0));
    const all = this.candidate(affordable);
    let lower = all.risk;
    if (all.cost <= budget) best = all;
    let timedOut = false;
    let stage1Optimal = false;
    // Stage 1: least risk within the budget.
    for (;;) {
      if (best.risk - lower <= this.mipRelGap * best.risk + this.absTol) {
        stage1Optimal = true;
        break;
      }
      const remaining = this.deadline - performance.now();
      if (remaining < 1) {
        timedOut = true;
        break;
      }
      const model = this.model({ kind: 'risk', budget }, best);
      let res;
      try {
        this.calls++;
        res = await solveMilp(model, remaining, this.mipRelGap, this.highsOptions);
      } catch (e) {
        if (e instanceof EngineLimitError) {
          timedOut = true;
          break;
        }
        throw e;
      }
      lower = Math.max(lower, res.dualBound + this.fixedRisk - this.floorSlack());
      const c = this.candidate(this.round(res.colValue));
      if (c.cost <= budget + 1e-9 && (c.risk < best.risk || (c.risk === best.risk && c.cost < best.cost))) best = c;
      const addedTrue = this.tighten(c.ln);
      const added = this.tightenAt(res.colValue) || addedTrue;
      if (res.status === 'TIME_LIMIT') {
        timedOut = true;
        break;
      }
      if (!added) {
        // The MILP priced its plan exactly and still found nothing better: optimal within its gap.
        stage1Optimal =
          res.mipGap <= this.mipRelGap + 1e-12 || best.risk - lower <= this.mipRelGap * best.risk + this.absTol;
        break;
      }
    }
    // Below the precision HiGHS's feasibility tolerances guarantee, certify stage 1 exactly: look
    // for a plan within the budget better by more than tie / 2 until there is none.
    if (!timedOut && this.mipRelGap < PRECISE_GAP) {
      for (;;) {
        const better = await this.cheapestWithRisk(best.risk - tie / 2, budget, undefined);
        if (better.plan && better.plan.risk < best.risk) best = better.plan;
        if (better.timedOut) {
          timedOut = true;
          break;
        }
        if (!better.plan) {
          stage1Optimal = true;
          lower = Math.max(lower, best.risk);
          break;
        }
      }
    }
    const riskLower = Math.min(lower, best.risk);
    if (timedOut) return this.found(best, riskLower, 'TIME_LIMIT', false);
    if (budgetIsLeast) {
      const pruned = this.prune(best, best.risk + tie / 2);
      return this.found(pruned, riskLower, stage1Optimal ? 'OPTIMAL' : 'TIME_LIMIT', stage1Optimal);
    }
    // Stage 2: the cheapest plan within tie / 2 of the best risk (so, after certification, within
    // `tie` of the optimum, and never dearer than the cheapest optimal plan).
    const cheap = await this.cheapestWithRisk(best.risk + tie / 2, budget, best);
    const plan = cheap.plan;
    const final = plan && (plan.cost < best.cost || (plan.cost === best.cost && plan.risk < best.risk)) ? plan : best;
    if (cheap.timedOut) return this.found(final, riskLower, 'TIME_LIMIT', false);
    return this.found(final, riskLower, stage1Optimal ? 'OPTIMAL' : 'TIME_LIMIT', stage1Optimal && cheap.optimal);
  }

  /**
   * The cheapest plan with true risk ≤ cap and cost ≤ budget (null if none exists). `start`: a
   * feasible plan. A plan the MILP proposes that truly misses the cap is priced exactly (tangents)
   * and excluded with a no-good cut: by monotonicity (more placements never raise the risk) every
   * plan meeting the cap takes some placement outside it.
   */
  async cheapestWithRisk(cap: number, budget: number, start: Candidate | undefined): Promise<Cheapest> {
    const p = this.problem;
    const affordable = Uint8Array.from(p.cost, (c) => (c <= budget ? 1 : 0));
    const all = this.candidate(affordable);
    if (all.risk > cap) return { plan: null, optimal: true, timedOut: false };
    const fits = (c: Candidate) => c.risk <= cap && c.cost <= budget + 1e-9;
    let incumbent: Candidate | undefined = start && fits(start) ? start : undefined;
    if (!incumbent) {
      const pruned = this.prune(all, cap);
      if (fits(pruned)) incumbent = pruned;
    }
    const noGoods: Uint8Array[] = [];
    const give = (optimal: boolean, timedOut: boolean): Cheapest => ({
      plan: incumbent ? this.prune(incumbent, cap) : null,
      optimal,
      timedOut,
    });
    for (;;) {
      const remaining = this.deadline - performance.now();
      if (remaining < 1) return give(false, true);
      const model = this.model({ kind: 'cost', budget, cap }, incumbent, noGoods);
      let res;
      try {
        this.calls++;
        res = await solveMilpOrInfeasible(model, remaining, this.mipRelGap, this.highsOptions);
      } catch (e) {
        if (e instanceof EngineLimitError) return give(false, true);
        throw e;
      }
      // Infeasible: the incumbent (if any) is the only plan left that meets the cap.
      if (!res) return give(true, false);
      const c = this.candidate(this.round(res.colValue));
      if (fits(c) && (!incumbent || c.cost <= incumbent.cost)) incumbent = c;
      if (res.status === 'TIME_LIMIT') return give(false, true);
      if (fits(c)) return give(true, false);
      this.tighten(c.ln);
      this.tightenAt(res.colValue);
      noGoods.push(c.chosen);
    }
  }

  /**
   * A first plan within the budget (the MILP's start and a fallback): repeatedly adds the
   * affordable placement with the most risk removed per cost unit (zero-cost ones first), until
   * none removes more. Stops at the deadline.
   */
  private greedy(budget: number): Candidate {
    if (this.nx > PATH_GREEDY_FROM) return this.pathGreedy(budget);
    let cur = this.candidate(new Uint8Array(this.nx));
    const tie = RISK_RESOLUTION * this.problem.riskBefore;
    for (;;) {
      let pick: Candidate | undefined;
      let pickScore = 0;
      for (let j = 0; j < this.nx; j++) {
        if (cur.chosen[j] || this.dominated[j] || cur.cost + this.problem.cost[j]! > budget) continue;
        if (performance.now() > this.deadline) return cur;
        const next = cur.chosen.slice();
        next[j] = 1;
        const c = this.candidate(next);
        const gain = cur.risk - c.risk;
        if (gain <= tie) continue;
        const score = this.problem.cost[j]! > 0 ? gain / this.problem.cost[j]! : Infinity;
        if (!pick || score > pickScore || (score === pickScore && c.risk < pick.risk)) {
          pick = c;
          pickScore = score;
        }
      }
      if (!pick) return cur;
      cur = pick;
    }
  }

  /**
   * The start plan on large instances (one shortest-path tree per round instead of one per
   * candidate): each round credits every unchosen placement acting on a step of a target's most
   * likely path with the risk it would take off that path (all of it for a preventer, 1 − factor
   * for a reducer), then takes the best credit per cost unit that fits the budget (a quarter of the
   * credited ones at most per round), and repeats on the new paths. Stops at the deadline.
   */
  private pathGreedy(budget: number): Candidate {
    const p = this.problem;
    const chosen = new Uint8Array(this.nx);
    let spent = 0;
    for (;;) {
      if (performance.now() > this.deadline) break;
      const { parent, ln } = evaluateTree(p, chosen);
      const credit = new Float64Array(this.nx);
      p.targetNodes.forEach((t, i) => {
        if (!Number.isFinite(ln[t]!)) return;
        const at = p.targetWeight[i]! * Math.exp(ln[t]!);
        for (let v = t, k = parent[v]!; k >= 0; v = p.stepFrom[k]!, k = parent[v]!) {
          for (let r = p.preventStart[k]!; r < p.preventStart[k + 1]!; r++) credit[p.preventers[r]!]! += at;
          for (let r = p.reduceStart[k]!; r < p.reduceStart[k + 1]!; r++)
            credit[p.reducers[r]!]! += at * (1 - Math.exp(p.reduceLn[r]!));
        }
      });
      const order: number[] = [];
      for (let j = 0; j < this.nx; j++)
        if (!chosen[j] && !this.dominated[j] && credit[j]! > 0 && spent + p.cost[j]! <= budget) order.push(j);
      if (order.length === 0) break;
      const ratio = (j: number) => (p.cost[j]! > 0 ? credit[j]! / p.cost[j]! : Infinity);
      order.sort((a, b) => ratio(b) - ratio(a) || a - b);
      const take = Math.max(1, Math.ceil(order.length / 4));
      let taken = 0;
      for (const j of order) {
        if (taken >= take) break;
        if (spent + p.cost[j]! > budget) continue;
        chosen[j] = 1;
        spent += p.cost[j]!;
        taken++;
      }
      if (taken === 0) break;
    }
    return this.candidate(chosen);
  }

  /** Drops placements (costliest first, then zero-cost ones) whose removal keeps the risk ≤ cap. */
  private prune(c: Candidate, cap: number): Candidate {
    const order: number[] = [];
    for (let j = 0; j < this.nx; j++) if (c.chosen[j]) order.push(j);
    order.sort((a, b) => this.problem.cost[b]! - this.problem.cost[a]! || b - a);
    let cur = c;
    for (const j of order) {
      if (performance.now() > this.deadline) break;
      const next = cur.chosen.slice();
      next[j] = 0;
      const t = this.candidate(next);
      if (t.risk <= cap && t.risk <= cur.risk + RISK_RESOLUTION * this.problem.riskBefore) cur = t;
    }
    return cur;
  }

  /** Tangents at the MILP's own λ values for targets (when they differ from the true ones). */
  private tightenAt(colValue: Float64Array): boolean {
    let added = false;
    this.problem.targetNodes.forEach((t, i) => {
      if (this.colOfNode[t]! >= 0 && this.addTangent(i, colValue[this.colOfNode[t]!]!)) added = true;
    });
    return added;
  }

  /** Σ w·FLOOR: what the floor can add to the MILP's risk above the true one. */
  private floorSlack(): number {
    return this.problem.targetWeight.reduce((s, w) => s + w * FLOOR, 0);
  }

  private round(colValue: Float64Array): Uint8Array {
    const chosen = new Uint8Array(this.nx);
    for (let j = 0; j < this.nx; j++) chosen[j] = colValue[j]! > 0.5 ? 1 : 0;
    return chosen;
  }

  private found(c: Candidate, lower: number, status: BudgetPlanStatus, optimal: boolean): Found {
    const plan: number[] = [];
    for (let j = 0; j < this.nx; j++) if (c.chosen[j]) plan.push(this.problem.placements[j]!);
    plan.sort((a, b) => a - b);
    const lb = Math.max(0, Math.min(lower, c.risk));
    return {
      plan,
      cost: c.cost,
      risk: c.risk,
      lowerBound: lb,
      gap: c.risk > 0 ? (c.risk - lb) / c.risk : 0,
      optimal,
      status,
    };
  }

  /** The OA-MILP: minimise risk within a budget, or cost within a budget and a risk cap. */
  private model(
    mode: { kind: 'risk'; budget: number } | { kind: 'cost'; budget: number; cap: number },
    init: Candidate | undefined,
    noGoods: readonly Uint8Array[] = [],
  ): MilpModel {
    const p = this.problem;
    const { nx, colOfNode, nLambda, lnUpper, lnLower, zColOf } = this;
    const T = p.targetNodes.length;
    let numCols = nx + nLambda;
    for (let i = 0; i < T; i++) if (zColOf[i]! >= 0) numCols++;
    const colCost = new Float64Array(numCols);
    const colLower = new Float64Array(numCols);
    const colUpper = new Float64Array(numCols);
    const integrality = new Int32Array(numCols);
    for (let j = 0; j < nx; j++) {
      integrality[j] = 1;
      colUpper[j] = p.cost[j]! <= mode.budget && !this.dominated[j] ? 1 : 0;
      if (mode.kind === 'cost') colCost[j] = p.cost[j]!;
    }
    for (let i = 0; i < p.nodes.length; i++) {
      const c = colOfNode[i]!;
      if (c < 0) continue;
      colLower[c] = lnLower[i]!;
      colUpper[c] = lnUpper[i]!;
    }
    for (let i = 0; i < T; i++) {
      const zc = zColOf[i]!;
      if (zc < 0) continue;
      colUpper[zc] = 1;
      if (mode.kind === 'risk') colCost[zc] = p.targetWeight[i]!;
    }
    const rowStart: number[] = [0];
    const rowIndex: number[] = [];
    const rowValue: number[] = [];
    const rowLower: number[] = [];
    const rowUpper: number[] = [];
    const endRow = (lo: number, hi: number) => {
      rowStart.push(rowIndex.length);
      rowLower.push(lo);
      rowUpper.push(hi);
    };
    const K = p.lnLik.length;
    for (let k = 0; k < K; k++) {
      // λ_v − λ_u + Σ (−ln f) x_red + M Σ x_prev ≥ ln lik, with M = max λ_u + ln lik − min λ_v:
      // one preventer makes the row vacuous. Rows into fixed nodes, and rows that can never bind
      // (M ≤ 0), are left out.
      const u = p.stepFrom[k]!;
      const v = p.stepTo[k]!;
      if (colOfNode[v]! < 0) continue;
      const M = lnUpper[u]! + p.lnLik[k]! - lnLower[v]!;
      if (M <= 0) continue;
      const entries = new Map<number, number>();
      entries.set(colOfNode[v]!, 1);
      if (colOfNode[u]! >= 0) entries.set(colOfNode[u]!, -1);
      for (let r = p.reduceStart[k]!; r < p.reduceStart[k + 1]!; r++) {
        const j = p.reducers[r]!;
        entries.set(j, (entries.get(j) ?? 0) - p.reduceLn[r]!);
      }
      for (let r = p.preventStart[k]!; r < p.preventStart[k + 1]!; r++) {
        const j = p.preventers[r]!;
        entries.set(j, (entries.get(j) ?? 0) + M);
      }
      for (const [c, val] of [...entries].sort((a, b) => a[0] - b[0])) {
        rowIndex.push(c);
        rowValue.push(val);
      }
      endRow(p.lnLik[k]! + (colOfNode[u]! >= 0 ? 0 : lnUpper[u]!), Infinity);
    }
    // Tangents: z_t − e^a λ_t ≥ e^a (1 − a).
    for (let i = 0; i < T; i++) {
      const zc = zColOf[i]!;
      if (zc < 0) continue;
      const lc = colOfNode[p.targetNodes[i]!]!;
      for (const a of this.tangents[i]!) {
        const ea = Math.exp(a);
        rowIndex.push(lc, zc);
        rowValue.push(-ea, 1);
        endRow(ea * (1 - a), Infinity);
      }
    }
    if (Number.isFinite(mode.budget)) {
      for (let j = 0; j < nx; j++) {
        if (p.cost[j]! > 0) {
          rowIndex.push(j);
          rowValue.push(p.cost[j]!);
        }
      }
      endRow(-Infinity, mode.budget);
    }
    // No-goods: Σ_{j not in the excluded plan} x_j ≥ 1.
    for (const excluded of noGoods) {
      for (let j = 0; j < nx; j++) {
        if (!excluded[j] && colUpper[j]! > 0) {
          rowIndex.push(j);
          rowValue.push(1);
        }
      }
      endRow(1, Infinity);
    }
    if (mode.kind === 'cost') {
      for (let i = 0; i < T; i++) {
        if (zColOf[i]! < 0) continue;
        rowIndex.push(zColOf[i]!);
        rowValue.push(p.targetWeight[i]!);
      }
      // Looser than the cap by more than HiGHS's tolerances can move Σ w z: HiGHS then never
      // rejects its own solution against the row; plans that truly miss the cap are cut by no-goods.
      endRow(-Infinity, mode.cap + CAP_SLACK * p.riskBefore - this.fixedRisk);
    }
    const model: MilpModel = {
      numCols,
      colCost,
      colLower,
      colUpper,
      integrality,
      ...this.rows(rowStart, rowIndex, rowValue, rowLower, rowUpper),
    };
    // Start: the given plan with its true λ and z = exp(λ).
    if (!init) return model;
    const start = new Float64Array(numCols);
    for (let j = 0; j < nx; j++) start[j] = init.chosen[j] && colUpper[j]! > 0 ? 1 : 0;
    for (let i = 0; i < p.nodes.length; i++) {
      const c = colOfNode[i]!;
      if (c >= 0) start[c] = Math.min(lnUpper[i]!, Math.max(lnLower[i]!, init.ln[i]!));
    }
    for (let i = 0; i < T; i++)
      if (zColOf[i]! >= 0) start[zColOf[i]!] = Math.exp(start[colOfNode[p.targetNodes[i]!]!]!);
    return { ...model, start };
  }

  private rows(rowStart: number[], rowIndex: number[], rowValue: number[], rowLower: number[], rowUpper: number[]) {
    return {
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      rowStart: Int32Array.from(rowStart),
      rowIndex: Int32Array.from(rowIndex),
      rowValue: Float64Array.from(rowValue),
    };
  }
}

/**
 * Placements dominated by another: b is dominated by a when a costs no more and PREVENTS every
 * kept step b acts on (prevents or reduces). In any plan, replacing b by a (or dropping b if a is
 * already in it) never raises the cost or the risk, so b is never needed (exact). Placements with
 * the same cost preventing the same steps: the later one is dropped.
 */
function dominatedPlacements(problem: Problem): Uint8Array {
  const P = problem.placements.length;
  const K = problem.lnLik.length;
  // Per placement: its effects as (step, ln factor; −Infinity for prevents), in step order.
  const effects: { k: number; ln: number }[][] = Array.from({ length: P }, () => []);
  const effectOn: Map<number, number>[] = Array.from({ length: P }, () => new Map());
  for (let k = 0; k < K; k++) {
    for (let r = problem.preventStart[k]!; r < problem.preventStart[k + 1]!; r++) {
      const j = problem.preventers[r]!;
      effects[j]!.push({ k, ln: -Infinity });
      effectOn[j]!.set(k, -Infinity);
    }
    for (let r = problem.reduceStart[k]!; r < problem.reduceStart[k + 1]!; r++) {
      const j = problem.reducers[r]!;
      if (effectOn[j]!.has(k)) continue;
      effects[j]!.push({ k, ln: problem.reduceLn[r]! });
      effectOn[j]!.set(k, problem.reduceLn[r]!);
    }
  }
  const dominated = new Uint8Array(P);
  for (let b = 0; b < P; b++) {
    const own = effects[b]!;
    if (own.length === 0) {
      dominated[b] = 1; // acts on no kept step
      continue;
    }
    const k0 = own[0]!.k;
    const rivals: number[] = [];
    for (let r = problem.preventStart[k0]!; r < problem.preventStart[k0 + 1]!; r++) rivals.push(problem.preventers[r]!);
    for (let r = problem.reduceStart[k0]!; r < problem.reduceStart[k0 + 1]!; r++) rivals.push(problem.reducers[r]!);
    for (const a of rivals) {
      if (a === b || dominated[a] || problem.cost[a]! > problem.cost[b]!) continue;
      const theirs = effectOn[a]!;
      // a must PREVENT every step b acts on: reductions stack (f_a·f_b), so a reducer is never
      // redundant next to another reducer, only next to a preventer.
      if (!own.every((e) => theirs.get(e.k) === -Infinity)) continue;
      // Mutual domination (same cost, same effects): keep the first.
      const mutual =
        problem.cost[a] === problem.cost[b] &&
        effects[a]!.length === own.length &&
        effects[a]!.every((e) => effectOn[b]!.get(e.k) === e.ln);
      if (mutual && a > b) continue;
      dominated[b] = 1;
      break;
    }
  }
  return dominated;
}

/** The chosen placements with the steps each prevents or reduces (unblocked steps of the whole graph). */
function describe(graph: AttackGraph, index: GraphIndex, plan: readonly number[]): PlannedPlacement[] {
  if (plan.length === 0) return [];
  const slot = new Map<number, number>(plan.map((p, i) => [p, i]));
  const prevents: string[][] = plan.map(() => []);
  const reduces: { stepId: string; factor: number }[][] = plan.map(() => []);
  const { stepPlacementStart: ps, stepPlacements, stepReducerStart: rs, stepReducers, stepReducerFactor } = index;
  for (let s = 0; s < index.m; s++) {
    if (index.blocked[s]) continue;
    for (let q = ps[s]!; q < ps[s + 1]!; q++) {
      const i = slot.get(stepPlacements[q]!);
      if (i !== undefined) prevents[i]!.push(index.stepId(s));
    }
    for (let q = rs[s]!; q < rs[s + 1]!; q++) {
      const i = slot.get(stepReducers[q]!);
      if (i !== undefined) reduces[i]!.push({ stepId: index.stepId(s), factor: stepReducerFactor[q]! });
    }
  }
  // Placement indices follow (controlId, elementId) order, and step indices follow id order.
  return plan.map((p, i) => {
    const elementId = index.placementElementId[p]!;
    const node = index.nodeIndex.get(elementId);
    return {
      controlId: index.placementControlId[p]!,
      elementId,
      elementType: node !== undefined ? index.nodeType[node]! : elementTypeOfMissing(graph, elementId),
      cost: index.placementCost[p]!,
      effect:
        prevents[i]!.length > 0 && reduces[i]!.length > 0
          ? 'PREVENTS_AND_REDUCES'
          : prevents[i]!.length > 0
            ? 'PREVENTS'
            : 'REDUCES',
      preventsStepIds: prevents[i]!,
      reduces: reduces[i]!,
    };
  });
}

/** Element type of an element that has no node of its own: the type of any node on it. */
function elementTypeOfMissing(graph: AttackGraph, elementId: string): PlannedPlacement['elementType'] {
  const node = graph.nodes.find((x) => x.elementId === elementId);
  if (!node) throw new Error(`placement element ${elementId} is not in the attack graph`);
  return node.type;
}

/** Local numbering of outside indices: `local(x)` gives x's number (new ones appended to `list`). */
function interner(): { list: number[]; local: (x: number) => number; find: Map<number, number> } {
  const find = new Map<number, number>();
  const list: number[] = [];
  const local = (x: number): number => {
    let l = find.get(x);
    if (l === undefined) {
      l = list.length;
      find.set(x, l);
      list.push(x);
    }
    return l;
  };
  return { list, local, find };
}

/** The out-steps of each of N nodes (CSR) from the steps' tails. */
function outCsr(stepFrom: Int32Array, N: number): { outStart: Int32Array; outSteps: Int32Array } {
  const K = stepFrom.length;
  const outStart = new Int32Array(N + 1);
  for (let k = 0; k < K; k++) outStart[stepFrom[k]! + 1]!++;
  for (let i = 0; i < N; i++) outStart[i + 1]! += outStart[i]!;
  const fill = outStart.slice(0, N);
  const outSteps = new Int32Array(K);
  for (let k = 0; k < K; k++) outSteps[fill[stepFrom[k]!]!++] = k;
  return { outStart, outSteps };
}
