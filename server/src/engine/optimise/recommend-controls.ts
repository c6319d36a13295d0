/**
 * Exact minimum-cost control recommendation: a reachability-cut MILP solved by HiGHS, without
 * enumerating paths.
 *
 *   variables  x_p ∈ {0,1} per candidate placement p (distinct (controlId, elementId) not yet
 *              implemented), r_v ∈ [0,1] per node ("the attacker can still reach v");
 *   minimise   Σ cost_p x_p
 *   subject to r_e = 1 for entry points,
 *              r_v ≥ r_u − Σ_{p blocks s} x_p for every unblocked step s = u→v,
 *              r_t = 0 for every cuttable target of severity ≥ minSeverity.
 * Along any entry→t path r falls from 1 to 0, so some step on it has a chosen blocker; conversely
 * a set of placements that cuts every such path gives a feasible r (1 on what stays reachable).
 *
 * Budget variant: maximise Σ_t w_t (1 − r_t), w_t = severityRank × max path likelihood, subject to
 * Σ cost_p x_p ≤ budget (implemented as: minimise Σ w_t r_t).
 *
 * Reductions before solving: targets reachable through steps that no candidate can block are
 * reported as uncuttable and left out; the nodes that such steps reach from the entries form one
 * source (r = 1); only nodes reachable from the entries that co-reach a cuttable target are kept;
 * duplicate rows are merged; placements that block exactly the same rows keep only the cheapest.
 */
import { ValidationError } from '../../domain/errors';
import { SEVERITY_RANK, type Severity } from '../../domain/types';
import { indexGraph, type GraphIndex } from '../graph-index';
import { selectTargets } from '../paths/find-attack-paths';
import { coReachableTo, reachableFrom, shortestFromEntries } from '../paths/search';
import type { AttackGraph, Recommendation, RecommendControlsOptions, RecommendedPlacement } from '../types';
import { solveMilp, type MilpModel } from './milp';

const DEFAULT_TIME_LIMIT_MS = 10000;
const DEFAULT_MIP_REL_GAP = 1e-6;

/**
 * Recommends the cheapest set of control placements that leaves no target of severity ≥
 * `minSeverity` reachable (or, with `budget`, the placements within budget that remove the most
 * risk).
 *
 * @param options.minSeverity - targets to protect (or weigh, with a budget).
 * @param options.timeLimitMs - solver time budget, ms (default 10000); on timeout the best
 *   solution found is returned with `optimal: false` and status TIME_LIMIT.
 * @param options.budget - cost units; switches to the budget variant.
 * @param options.mipRelGap - relative optimality gap at which HiGHS may stop (default 1e-6).
 * @returns placements sorted by controlId then elementId, with the steps and targets each cuts;
 *   costs in cost units; risks as in {@link findAttackPaths} totals. Deterministic except
 *   `solveTimeMs` (and results cut short by the time limit).
 * @throws EngineLimitError('timeLimitMs') if no feasible solution is found in time.
 * @throws ValidationError for a negative budget, time limit or gap.
 */
export async function recommendControls(graph: AttackGraph, options: RecommendControlsOptions): Promise<Recommendation> {
  const t0 = performance.now();
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const mipRelGap = options.mipRelGap ?? DEFAULT_MIP_REL_GAP;
  const minSeverity: Severity = options.minSeverity;
  if (!(timeLimitMs > 0)) throw new ValidationError('timeLimitMs must be positive', 'timeLimitMs');
  if (!(mipRelGap >= 0)) throw new ValidationError('mipRelGap must be ≥ 0', 'mipRelGap');
  if (options.budget !== undefined && !(options.budget >= 0)) throw new ValidationError('budget must be ≥ 0', 'budget');

  const index = indexGraph(graph);
  const { m, blocked, stepPlacementStart: ps } = index;
  const targets = selectTargets(graph, index, minSeverity);

  // Targets reachable through steps that no candidate placement can block.
  const unblockableOnly = new Uint8Array(m);
  for (let s = 0; s < m; s++) unblockableOnly[s] = blocked[s] || ps[s + 1]! > ps[s]! ? 1 : 0;
  const source = reachableFrom(index, index.entries, unblockableOnly);
  const reach = reachableFrom(index, index.entries, blocked);
  const uncuttable = targets.filter((t) => source[t]);
  const cuttable = targets.filter((t) => reach[t] && !source[t]);

  const before = bestLikelihoods(index, blocked);
  const riskOf = (lik: Float64Array) => targets.reduce((sum, t) => sum + index.severityRank[t]! * lik[t]!, 0);
  const riskBefore = riskOf(before);
  const base = {
    minSeverity,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    uncuttableTargetIds: uncuttable.map((t) => index.nodeIds[t]!),
    riskBefore,
  };
  if (cuttable.length === 0 || (options.budget !== undefined && options.budget === 0)) {
    return {
      placements: [],
      totalCost: 0,
      optimal: true,
      mipGap: 0,
      solveTimeMs: performance.now() - t0,
      status: cuttable.length === 0 ? 'NOTHING_TO_CUT' : 'OPTIMAL',
      ...base,
      riskAfter: riskBefore,
    };
  }

  const budgetMode = options.budget !== undefined;
  const weight = new Float64Array(index.n);
  for (const t of cuttable) weight[t] = index.severityRank[t]! * before[t]!;
  const model = buildModel(index, reach, source, cuttable, budgetMode ? { budget: options.budget!, weight } : undefined);
  const remaining = Math.max(1, timeLimitMs - (performance.now() - t0));
  const solved = await solveMilp(model.milp, remaining, mipRelGap);

  const chosen: number[] = [];
  for (let j = 0; j < model.placementOfCol.length; j++) {
    if (solved.colValue[j]! > 0.5) chosen.push(model.placementOfCol[j]!);
  }
  if (solved.status === 'TIME_LIMIT' && !budgetMode) pruneRedundant(index, chosen, cuttable);
  chosen.sort((a, b) => a - b);

  const after = blockedWith(index, chosen);
  const placements = describePlacements(graph, index, chosen, after, cuttable);
  return {
    placements,
    totalCost: placements.reduce((s, p) => s + p.cost, 0),
    optimal: solved.status === 'OPTIMAL',
    mipGap: solved.mipGap,
    solveTimeMs: performance.now() - t0,
    status: solved.status,
    ...base,
    riskAfter: riskOf(bestLikelihoods(index, after)),
  };
}

/** Likelihood of the most likely path to every node (0 if unreachable). */
export function bestLikelihoods(index: GraphIndex, disabled: Uint8Array): Float64Array {
  const tree = shortestFromEntries(index, disabled);
  const out = new Float64Array(index.n);
  for (let v = 0; v < index.n; v++) {
    if (tree.dist[v] === Infinity) continue;
    let l = 1;
    for (let u = v; tree.parentStep[u]! >= 0; u = index.stepFrom[tree.parentStep[u]!]!) l *= index.likelihood[tree.parentStep[u]!]!;
    out[v] = l;
  }
  return out;
}

/** Blocked steps plus those a chosen placement blocks. */
export function blockedWith(index: GraphIndex, chosen: readonly number[]): Uint8Array {
  const out = index.blocked.slice();
  const isChosen = new Uint8Array(index.placementCost.length);
  for (const p of chosen) isChosen[p] = 1;
  const { stepPlacementStart: ps, stepPlacements } = index;
  for (let s = 0; s < index.m; s++) {
    for (let q = ps[s]!; q < ps[s + 1]!; q++) {
      if (isChosen[stepPlacements[q]!]) {
        out[s] = 1;
        break;
      }
    }
  }
  return out;
}

interface BuiltModel {
  milp: MilpModel;
  /** Placement index of each x column (columns 0..nx-1). */
  placementOfCol: number[];
}

function buildModel(
  index: GraphIndex,
  reach: Uint8Array,
  source: Uint8Array,
  cuttable: readonly number[],
  budget?: { budget: number; weight: Float64Array },
): BuiltModel {
  const { n, m, blocked, stepFrom, stepTo, stepPlacementStart: ps, stepPlacements, placementCost } = index;
  // Nodes reachable from the entries that co-reach a cuttable target.
  const relevant = coReachableTo(index, cuttable, blocked, reach);
  const isTarget = new Uint8Array(n);
  for (const t of cuttable) isTarget[t] = 1;

  // Rows: one per distinct (u-group, v, blocker set), u-group = −1 for the source.
  interface Row {
    u: number;
    v: number;
    placements: number[];
  }
  const rows: Row[] = [];
  const seenRow = new Set<string>();
  for (let s = 0; s < m; s++) {
    if (blocked[s]) continue;
    const v = stepTo[s]!;
    if (!relevant[v] || source[v]) continue;
    const from = stepFrom[s]!;
    if (!relevant[from]) continue;
    const u = source[from] ? -1 : from;
    if (u === v) continue;
    const placements: number[] = [];
    for (let q = ps[s]!; q < ps[s + 1]!; q++) placements.push(stepPlacements[q]!);
    const key = `${u}|${v}|${placements.join(',')}`;
    if (seenRow.has(key)) continue;
    seenRow.add(key);
    rows.push({ u, v, placements });
  }

  // Placements blocking exactly the same rows: keep the cheapest (then the first).
  const rowsOf = new Map<number, number[]>();
  rows.forEach((row, i) => {
    for (const p of row.placements) {
      const l = rowsOf.get(p);
      if (l) l.push(i);
      else rowsOf.set(p, [i]);
    }
  });
  const representative = new Map<string, number>();
  for (const p of [...rowsOf.keys()].sort((a, b) => a - b)) {
    const sig = rowsOf.get(p)!.join(',');
    const best = representative.get(sig);
    if (best === undefined || placementCost[p]! < placementCost[best]!) representative.set(sig, p);
  }
  const placementOfCol = [...representative.values()].sort((a, b) => a - b);
  const colOfPlacement = new Map<number, number>(placementOfCol.map((p, j) => [p, j]));
  const nx = placementOfCol.length;

  // r columns for non-source nodes of the rows (cuttable targets fixed at 0 unless budgeted).
  const colOfNode = new Int32Array(n).fill(-1);
  let ncols = nx;
  const rNodes: number[] = [];
  const addNode = (v: number) => {
    if (v >= 0 && colOfNode[v] === -1 && (budget || !isTarget[v])) {
      colOfNode[v] = ncols++;
      rNodes.push(v);
    }
  };
  for (const row of rows) {
    addNode(row.u);
    addNode(row.v);
  }

  const rowStart: number[] = [0];
  const rowIndex: number[] = [];
  const rowValue: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  for (const row of rows) {
    const xs = row.placements.map((p) => colOfPlacement.get(p)).filter((j): j is number => j !== undefined);
    const vCol = colOfNode[row.v]!;
    const uCol = row.u >= 0 ? colOfNode[row.u]! : -1;
    // r_v − r_u + Σ x ≥ 0, with r_u = 1 for the source (→ lower bound 1) and r_v = 0 for fixed targets.
    const entries: [number, number][] = [];
    if (vCol >= 0) entries.push([vCol, 1]);
    if (uCol >= 0) entries.push([uCol, -1]);
    for (const j of xs) entries.push([j, 1]);
    entries.sort((a, b) => a[0] - b[0]);
    for (const [j, val] of entries) {
      rowIndex.push(j);
      rowValue.push(val);
    }
    rowStart.push(rowIndex.length);
    rowLower.push(row.u < 0 ? 1 : 0);
    rowUpper.push(Infinity);
  }
  if (budget) {
    for (let j = 0; j < nx; j++) {
      rowIndex.push(j);
      rowValue.push(placementCost[placementOfCol[j]!]!);
    }
    rowStart.push(rowIndex.length);
    rowLower.push(-Infinity);
    rowUpper.push(budget.budget);
  }

  const colCost = new Float64Array(ncols);
  const colLower = new Float64Array(ncols);
  const colUpper = new Float64Array(ncols).fill(1);
  const integrality = new Int32Array(ncols);
  for (let j = 0; j < nx; j++) {
    integrality[j] = 1;
    if (!budget) colCost[j] = placementCost[placementOfCol[j]!]!;
  }
  if (budget) for (const v of rNodes) colCost[colOfNode[v]!] = isTarget[v] ? budget.weight[v]! : 0;

  // A feasible start: every candidate chosen, nothing reachable (min-cost); nothing chosen (budget).
  const start = new Float64Array(ncols);
  if (budget) for (const v of rNodes) start[colOfNode[v]!] = 1;
  else start.fill(1, 0, nx);

  return {
    milp: {
      numCols: ncols,
      colCost,
      colLower,
      colUpper,
      integrality,
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      rowStart: Int32Array.from(rowStart),
      rowIndex: Int32Array.from(rowIndex),
      rowValue: Float64Array.from(rowValue),
      start,
    },
    placementOfCol,
  };
}

/** Drops chosen placements (costliest first) whose removal keeps every cuttable target cut. */
function pruneRedundant(index: GraphIndex, chosen: number[], cuttable: readonly number[]): void {
  const order = [...chosen].sort((a, b) => index.placementCost[b]! - index.placementCost[a]! || a - b);
  const kept = new Set(chosen);
  for (const p of order) {
    kept.delete(p);
    const seen = reachableFrom(index, index.entries, blockedWith(index, [...kept]));
    if (cuttable.some((t) => seen[t])) kept.add(p);
  }
  chosen.splice(0, chosen.length, ...[...kept]);
}

function describePlacements(
  graph: AttackGraph,
  index: GraphIndex,
  chosen: readonly number[],
  after: Uint8Array,
  cuttable: readonly number[],
): RecommendedPlacement[] {
  const { n, m, blocked, stepPlacementStart: ps, stepPlacements, outStart, outSteps, stepTo, stepFrom } = index;
  const isChosen = new Map<number, number>(chosen.map((p, i) => [p, i]));
  const cuts: number[][] = chosen.map(() => []);
  // For each step: how many chosen placements block it (a step blocked by two is not "only" p's).
  const chosenCount = new Uint8Array(m);
  for (let s = 0; s < m; s++) {
    if (blocked[s]) continue;
    for (let q = ps[s]!; q < ps[s + 1]!; q++) {
      const i = isChosen.get(stepPlacements[q]!);
      if (i !== undefined) {
        cuts[i]!.push(s);
        if (chosenCount[s]! < 255) chosenCount[s]!++;
      }
    }
  }
  // Targets p protects: reachable when p alone is left out. Incremental BFS from the region
  // still reachable with every placement, through the steps only p blocks.
  const reachAll = reachableFrom(index, index.entries, after);
  const isCuttable = new Uint8Array(n);
  for (const t of cuttable) isCuttable[t] = 1;
  const mark = new Int32Array(n);
  const elementType = (id: string) => index.nodeType[index.nodeIndex.get(id)!]!;
  return chosen.map((p, i) => {
    const stamp = i + 1;
    const queue: number[] = [];
    const protectedTargets: string[] = [];
    const visit = (v: number) => {
      if (reachAll[v] || mark[v] === stamp) return;
      mark[v] = stamp;
      queue.push(v);
      if (isCuttable[v]) protectedTargets.push(index.nodeIds[v]!);
    };
    const onlyP = (s: number) => {
      if (blocked[s]) return false;
      if (!after[s]) return true;
      if (chosenCount[s] !== 1) return false;
      for (let q = ps[s]!; q < ps[s + 1]!; q++) if (stepPlacements[q] === p) return true;
      return false;
    };
    for (const s of cuts[i]!) if (chosenCount[s] === 1 && reachAll[stepFrom[s]!]) visit(stepTo[s]!);
    while (queue.length > 0) {
      const v = queue.pop()!;
      for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
        const s = outSteps[k]!;
        if (onlyP(s)) visit(stepTo[s]!);
      }
    }
    return {
      controlId: index.placementControlId[p]!,
      elementId: index.placementElementId[p]!,
      elementType: elementType(index.placementElementId[p]!),
      cost: index.placementCost[p]!,
      cutsStepIds: cuts[i]!.map((s) => graph.steps[s]!.id),
      cutsTargetIds: protectedTargets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    };
  });
}
