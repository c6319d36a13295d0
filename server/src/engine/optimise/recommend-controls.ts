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
 * Only PREVENTS placements (controls v2) are candidates: a control that only reduces a step never
 * counts as cutting it. Budget variant (`budget` set): delegated to {@link planWithinBudget}
 * (budget-plan.ts: the most risk removed within budget, partial cuts and REDUCES placements
 * counted, then the cheapest such plan).
 *
 * Exact reductions before solving (docs/attack-model.md §3): targets reachable through steps that
 * no candidate can block are reported as uncuttable and left out; the nodes such steps reach from
 * the entries form one source (r = 1); nodes with an unblockable step to a cuttable target are
 * fixed at 0 (sinks); only nodes reachable from the entries that co-reach a sink are kept; free
 * nodes with one row in or one row out are eliminated (Fourier–Motzkin); dominated placements and
 * implied rows are dropped; a lone blocker between the source and a sink is forced.
 */
import { ValidationError } from '../../domain/errors';
import type { Severity } from '../../domain/types';
import { indexGraph, type GraphIndex } from '../graph-index';
import { selectTargets } from '../paths/find-attack-paths';
import { reachableFrom, shortestFromEntries } from '../paths/search';
import type { AttackGraph, Recommendation, RecommendControlsOptions, RecommendedPlacement } from '../types';
import { planWithinBudget } from './budget-plan';
import { solveMilp, type MilpModel, type MilpResult } from './milp';
import { explainUncuttable } from './uncuttable';

const DEFAULT_TIME_LIMIT_MS = 10000;
const DEFAULT_MIP_REL_GAP = 1e-6;

/**
 * Recommends the cheapest set of PREVENTS placements that leaves no cuttable target of severity ≥
 * `minSeverity` reachable (or, with `budget`, the placements within budget that remove the most
 * risk, reductions and partial cuts counted). Targets no placement can protect are listed in
 * `uncuttableTargets` with the reason.
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
export async function recommendControls(
  graph: AttackGraph,
  options: RecommendControlsOptions,
): Promise<Recommendation> {
  const t0 = performance.now();
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const mipRelGap = options.mipRelGap ?? DEFAULT_MIP_REL_GAP;
  const minSeverity: Severity = options.minSeverity;
  if (!(timeLimitMs > 0)) throw new ValidationError('timeLimitMs must be positive', 'timeLimitMs');
  if (!(mipRelGap >= 0)) throw new ValidationError('mipRelGap must be ≥ 0', 'mipRelGap');
  if (
    options.maxListedTargets !== undefined &&
    !(Number.isInteger(options.maxListedTargets) && options.maxListedTargets >= 0)
  )
    throw new ValidationError('maxListedTargets must be a whole number ≥ 0', 'maxListedTargets');
  if (options.budget !== undefined && !(Number.isFinite(options.budget) && options.budget >= 0))
    throw new ValidationError('budget must be a finite number ≥ 0', 'budget');

  const index = indexGraph(graph);
  const { m, blocked, stepPlacementStart: ps } = index;
  const targets = selectTargets(graph, index, minSeverity, undefined, options.scale ?? 'SAFETY');

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
  const uncuttableTargetIds = uncuttable.map((t) => index.nodeIds[t]!);
  const base = {
    minSeverity,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    uncuttableTargetIds,
    uncuttableTargets: explainUncuttable(graph, index, uncuttableTargetIds, options.methodNames),
    riskBefore,
  };

  // Budget variant (controls v2): the plan within budget that removes the most risk, counting
  // partial cuts and REDUCES placements, then the cheapest such plan (budget-plan.ts).
  if (options.budget !== undefined) {
    const plan = await planWithinBudget(graph, {
      budget: options.budget,
      minSeverity,
      scale: options.scale ?? 'SAFETY',
      // 90 %: describing the plan and its protected targets comes after the planner's deadline.
      timeLimitMs: Math.max(1, 0.9 * timeLimitMs - (performance.now() - t0)),
      mipRelGap,
    });
    const placementOf = new Map<string, number>();
    index.placementControlId.forEach((c, i) => placementOf.set(`${c}\u0000${index.placementElementId[i]!}`, i));
    const chosen = plan.placements
      .map((p) => placementOf.get(`${p.controlId}\u0000${p.elementId}`))
      .filter((p): p is number => p !== undefined)
      .sort((a, b) => a - b);
    const after = blockedWith(index, chosen);
    const protects = new Map(
      describePlacements(graph, index, chosen, after, cuttable, options.maxListedTargets).map((d) => [
        `${d.controlId}\u0000${d.elementId}`,
        d,
      ]),
    );
    return {
      placements: plan.placements.map((p) => ({
        controlId: p.controlId,
        elementId: p.elementId,
        elementType: p.elementType,
        cost: p.cost,
        effect: p.effect,
        cutsStepIds: p.preventsStepIds,
        reducesStepIds: p.reduces.map((r) => r.stepId),
        cutsTargetIds: protects.get(`${p.controlId}\u0000${p.elementId}`)?.cutsTargetIds ?? [],
        cutsTargetCount: protects.get(`${p.controlId}\u0000${p.elementId}`)?.cutsTargetCount ?? 0,
      })),
      totalCost: plan.totalCost,
      optimal: plan.optimal,
      mipGap: plan.mipGap,
      solveTimeMs: performance.now() - t0,
      status: plan.status === 'NOTHING_TO_REDUCE' ? 'NOTHING_TO_CUT' : plan.status,
      ...base,
      riskBefore: plan.riskBefore,
      riskAfter: plan.riskAfter,
    };
  }

  if (cuttable.length === 0) {
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

  const model = buildModel(index, reach, source, cuttable);
  const remaining = Math.max(1, timeLimitMs - (performance.now() - t0));
  const solved: MilpResult =
    model.milp.numCols > 0
      ? await solveMilp(model.milp, remaining, mipRelGap)
      : { status: 'OPTIMAL', colValue: new Float64Array(0), objective: 0, mipGap: 0, dualBound: 0 };

  const chosen: number[] = [...model.forced];
  for (let j = 0; j < model.placementOfCol.length; j++) {
    if (solved.colValue[j]! > 0.5) chosen.push(model.placementOfCol[j]!);
  }
  // Solutions cut short by the time limit lose the placements the cut targets do not need.
  if (solved.status === 'TIME_LIMIT') pruneRedundant(index, chosen, cuttable, t0 + Math.max(timeLimitMs, 1000));
  chosen.sort((a, b) => a - b);

  const after = blockedWith(index, chosen);
  const placements = describePlacements(graph, index, chosen, after, cuttable, options.maxListedTargets);
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
    for (let u = v; tree.parentStep[u]! >= 0; u = index.stepFrom[tree.parentStep[u]!]!)
      l *= index.likelihood[tree.parentStep[u]!]!;
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
  /** Placements every solution takes (the only blocker left between the source and a sink). */
  forced: number[];
}

function buildModel(index: GraphIndex, reach: Uint8Array, source: Uint8Array, cuttable: readonly number[]): BuiltModel {
  const {
    n,
    m,
    blocked,
    stepFrom,
    stepTo,
    inStart,
    inSteps,
    stepPlacementStart: ps,
    stepPlacements,
    placementCost,
  } = index;
  const unblockable = (s: number) => ps[s + 1] === ps[s];

  // Sinks: cuttable targets, and (min-cost only) every node with an unblockable path to one:
  // r_u ≤ r_t = 0 along such steps, so those nodes are fixed at 0 and their out-steps vanish.
  const zero = new Uint8Array(n);
  const stack: number[] = [];
  for (const t of cuttable) {
    zero[t] = 1;
    stack.push(t);
  }
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let q = inStart[v]!; q < inStart[v + 1]!; q++) {
      const s = inSteps[q]!;
      const u = stepFrom[s]!;
      if (blocked[s] || zero[u] || !reach[u] || !unblockable(s)) continue;
      zero[u] = 1;
      stack.push(u);
    }
  }
  // Nodes reachable from the entries that co-reach a sink without passing through one.
  const relevant = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (zero[v]) stack.push(v);
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let q = inStart[v]!; q < inStart[v + 1]!; q++) {
      const s = inSteps[q]!;
      const u = stepFrom[s]!;
      if (blocked[s] || zero[u] || relevant[u] || !reach[u]) continue;
      relevant[u] = 1;
      stack.push(u);
    }
  }

  // Raw rows: one per distinct (u, v, blocker set), u = −1 for the source. A row out of a sink is
  // trivially met (r_u = 0) and a row into the source too (r_v = 1).
  let rows: Row[] = [];
  for (let s = 0; s < m; s++) {
    if (blocked[s]) continue;
    const v = stepTo[s]!;
    if (source[v] || !(relevant[v] || zero[v])) continue;
    const from = stepFrom[s]!;
    if (!relevant[from] && !source[from]) continue;
    if (source[from] && !reach[from]) continue;
    const u = source[from] ? -1 : from;
    if (u === v) continue;
    const placements: number[] = [];
    for (let q = ps[s]!; q < ps[s + 1]!; q++) placements.push(stepPlacements[q]!);
    rows.push({ u, v, placements });
  }

  rows = dedupeRows(rows);

  const keep = zero;

  // Reduce to a fixpoint: eliminate pass-through nodes, drop dominated placements and implied
  // rows, and (min-cost) take placements that alone can cut a row from the source.
  const forced: number[] = [];
  for (let round = 0; round < 8; round++) {
    const before = rows.length + rows.reduce((k, r) => k + r.placements.length, 0);
    rows = eliminateNodes(rows, n, keep);
    rows = dropDominatedPlacements(rows, placementCost);
    rows = dropImpliedRows(rows);
    const take = new Set<number>();
    // r_t + x ≥ 1 with r_t fixed at 0 (a sink): x = 1.
    for (const row of rows) if (row.u < 0 && zero[row.v] && row.placements.length === 1) take.add(row.placements[0]!);
    if (take.size > 0) {
      forced.push(...take);
      rows = rows.filter((row) => !row.placements.some((p) => take.has(p)));
    }
    // Later rounds gain little: stop below 2 % (every round is exact, this only trades speed).
    const after = rows.length + rows.reduce((k, r) => k + r.placements.length, 0);
    if (after > 0.98 * before) break;
  }
  rows.sort((a, b) => a.u - b.u || a.v - b.v || compareNumberLists(a.placements, b.placements));

  const used = new Set<number>();
  for (const row of rows) for (const p of row.placements) used.add(p);
  const placementOfCol = [...used].sort((a, b) => a - b);
  const colOfPlacement = new Map<number, number>(placementOfCol.map((p, j) => [p, j]));
  const nx = placementOfCol.length;

  // r columns for non-source, non-sink nodes (cuttable targets are columns in the budget variant).
  const colOfNode = new Int32Array(n).fill(-1);
  let ncols = nx;
  const rNodes: number[] = [];
  const addNode = (v: number) => {
    if (v >= 0 && colOfNode[v] === -1 && !zero[v]) {
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

  const colCost = new Float64Array(ncols);
  const colLower = new Float64Array(ncols);
  const colUpper = new Float64Array(ncols).fill(1);
  const integrality = new Int32Array(ncols);
  for (let j = 0; j < nx; j++) {
    integrality[j] = 1;
    colCost[j] = placementCost[placementOfCol[j]!]!;
  }

  // A feasible start: every candidate chosen, nothing reachable.
  const start = new Float64Array(ncols);
  start.fill(1, 0, nx);

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
    forced,
  };
}

/** A reachability row r_v ≥ r_u − Σ_{p ∈ placements} x_p (u = −1: the source, r = 1). */
interface Row {
  u: number;
  v: number;
  /** Sorted placement indices. */
  placements: number[];
}

function union(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Infinity;
    const y = j < b.length ? b[j]! : Infinity;
    if (x <= y) {
      out.push(x);
      i++;
      if (x === y) j++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/**
 * Eliminates r_v of every free node with one row in or one row out (Fourier–Motzkin on a
 * variable with a single lower or upper bound, exact over binary x): a single in-row u→v (P)
 * turns each out-row v→w (Q) into u→w (P ∪ Q), and a single out-row v→w (Q) turns each in-row
 * u→v (P) into u→w (P ∪ Q); a node with no in-rows (unreachable) or no out-rows (leads to no
 * sink) drops its rows. Rows never multiply, chains collapse to covering rows. Sinks (`keep`)
 * and the source stay. Deterministic: nodes are processed in index order, then as they change.
 */
function eliminateNodes(input: readonly Row[], n: number, keep: Uint8Array): Row[] {
  const rows: (Row | null)[] = [...input];
  const ins: (number[] | undefined)[] = new Array(n);
  const outs: (number[] | undefined)[] = new Array(n);
  const link = (lists: (number[] | undefined)[], v: number, r: number) => {
    if (v < 0 || keep[v]) return;
    const l = lists[v];
    if (l) l.push(r);
    else lists[v] = [r];
  };
  /** Live rows of a list (drops removed ones in place). */
  const live = (lists: (number[] | undefined)[], v: number): number[] => {
    const l = lists[v];
    if (!l) return [];
    let k = 0;
    for (const r of l) if (rows[r] !== null) l[k++] = r;
    l.length = k;
    return l;
  };
  input.forEach((row, r) => {
    link(outs, row.u, r);
    link(ins, row.v, r);
  });
  const queued = new Uint8Array(n);
  let queue: number[] = [];
  for (let v = 0; v < n; v++) {
    if (ins[v] || outs[v]) {
      queued[v] = 1;
      queue.push(v);
    }
  }
  while (queue.length > 0) {
    const next: number[] = [];
    const touch = (v: number) => {
      if (v >= 0 && !keep[v] && !queued[v]) {
        queued[v] = 1;
        next.push(v);
      }
    };
    const add = (u: number, v: number, placements: number[]) => {
      if (u === v) return; // r_u ≥ r_u − Σ x always holds
      const r = rows.length;
      rows.push({ u, v, placements });
      link(outs, u, r);
      link(ins, v, r);
      touch(u);
      touch(v);
    };
    for (const v of queue) {
      queued[v] = 0;
      const inRows = [...live(ins, v)];
      const outRows = [...live(outs, v)];
      if (inRows.length === 0 || outRows.length === 0) {
        for (const r of inRows.concat(outRows)) {
          const row = rows[r]!;
          rows[r] = null;
          touch(row.u);
          touch(row.v);
        }
      } else if (inRows.length === 1 || outRows.length === 1) {
        const single = inRows.length === 1;
        const one = rows[single ? inRows[0]! : outRows[0]!]!;
        rows[single ? inRows[0]! : outRows[0]!] = null;
        for (const r of single ? outRows : inRows) {
          const other = rows[r]!;
          rows[r] = null;
          if (single) add(one.u, other.v, union(one.placements, other.placements));
          else add(other.u, one.v, union(other.placements, one.placements));
        }
      } else continue;
      ins[v] = undefined;
      outs[v] = undefined;
    }
    queue = next.sort((a, b) => a - b);
  }
  return dedupeRows(rows);
}

/** Distinct live rows (grouped by their two nodes, then compared blocker by blocker). */
function dedupeRows(rows: readonly (Row | null)[]): Row[] {
  const groups = new Map<number, Row[]>();
  const out: Row[] = [];
  for (const row of rows) {
    if (!row) continue;
    const key = pairKey(row);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, [row]);
      out.push(row);
    } else if (!group.some((other) => compareNumberLists(other.placements, row.placements) === 0)) {
      group.push(row);
      out.push(row);
    }
  }
  return out;
}

/** A number identifying the (u, v) pair of a row (u = −1 for the source); exact below 2^53. */
function pairKey(row: Row): number {
  return (row.u + 1) * 4294967296 + row.v;
}

/**
 * Drops placements dominated by another: one that appears in every row the dropped one appears
 * in, at no higher cost (equal cost: the one in more rows, then the first in (controlId,
 * elementId) order wins). Choosing the dominating placement instead never costs more.
 */
function dropDominatedPlacements(rows: readonly Row[], cost: Float64Array): Row[] {
  // Placement → its rows, as CSR over the placements that occur.
  const P = cost.length;
  const start = new Int32Array(P + 1);
  for (const row of rows) for (const p of row.placements) start[p + 1]!++;
  for (let p = 0; p < P; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, P);
  const rowsOf = new Int32Array(start[P]!);
  rows.forEach((row, i) => {
    for (const p of row.placements) rowsOf[fill[p]!++] = i;
  });
  const covers = (a: number, b: number): boolean => {
    // rows(b) ⊆ rows(a); both ascending.
    let j = start[a]!;
    const endA = start[a + 1]!;
    for (let q = start[b]!; q < start[b + 1]!; q++) {
      const r = rowsOf[q]!;
      while (j < endA && rowsOf[j]! < r) j++;
      if (j === endA || rowsOf[j] !== r) return false;
      j++;
    }
    return true;
  };
  const dropped = new Uint8Array(P);
  let any = false;
  for (let b = 0; b < P; b++) {
    const nb = start[b + 1]! - start[b]!;
    if (nb === 0) continue;
    // A dominating placement appears in b's smallest row.
    let smallest = rows[rowsOf[start[b]!]!]!;
    for (let q = start[b]!; q < start[b + 1]!; q++) {
      const row = rows[rowsOf[q]!]!;
      if (row.placements.length < smallest.placements.length) smallest = row;
    }
    for (const a of smallest.placements) {
      if (a === b || dropped[a]) continue;
      if (cost[a]! > cost[b]! || start[a + 1]! - start[a]! < nb || !covers(a, b)) continue;
      if (cost[a] === cost[b] && start[a + 1]! - start[a]! === nb && a > b) continue;
      dropped[b] = 1;
      any = true;
      break;
    }
  }
  if (!any) return [...rows];
  return dedupeRows(rows.map((row) => ({ ...row, placements: row.placements.filter((p) => !dropped[p]) })));
}

/** Drops rows implied by another row between the same two nodes whose blockers are a subset of theirs. */
function dropImpliedRows(rows: readonly Row[]): Row[] {
  const groups = new Map<number, Row[]>();
  for (const row of rows) {
    const key = pairKey(row);
    const g = groups.get(key);
    if (g) g.push(row);
    else groups.set(key, [row]);
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    g.sort((a, b) => a.placements.length - b.placements.length || compareNumberLists(a.placements, b.placements));
    const kept: Row[] = [];
    for (const row of g) if (!kept.some((k) => isSubset(k.placements, row.placements))) kept.push(row);
    out.push(...kept);
  }
  return out;
}

function isSubset(small: readonly number[], big: readonly number[]): boolean {
  if (small.length > big.length) return false;
  let j = 0;
  for (const x of small) {
    while (j < big.length && big[j]! < x) j++;
    if (j === big.length || big[j] !== x) return false;
    j++;
  }
  return true;
}

function compareNumberLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Drops chosen placements (costliest first) whose removal leaves every cuttable target that the
 * full choice cuts still cut. Incremental: the set reachable with the current choice is kept, and
 * leaving out p only explores what the steps blocked by p alone open up. Stops at `deadline`
 * (performance.now() ms).
 */
function pruneRedundant(index: GraphIndex, chosen: number[], cuttable: readonly number[], deadline: number): void {
  const { n, m, blocked, stepPlacementStart: ps, stepPlacements, outStart, outSteps, stepTo, stepFrom } = index;
  const slot = new Map<number, number>(chosen.map((p, i) => [p, i]));
  // Steps each chosen placement blocks, and how many chosen placements block each step.
  const stepsOf: number[][] = chosen.map(() => []);
  const count = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    if (blocked[s]) continue;
    for (let q = ps[s]!; q < ps[s + 1]!; q++) {
      const i = slot.get(stepPlacements[q]!);
      if (i !== undefined) {
        stepsOf[i]!.push(s);
        count[s]!++;
      }
    }
  }
  const disabled = new Uint8Array(m);
  for (let s = 0; s < m; s++) disabled[s] = blocked[s] || count[s]! > 0 ? 1 : 0;
  const reach = reachableFrom(index, index.entries, disabled);
  const mustStayCut = new Uint8Array(n);
  for (const t of cuttable) if (!reach[t]) mustStayCut[t] = 1;

  const removed = new Uint8Array(chosen.length);
  const mark = new Int32Array(n);
  const order = chosen
    .map((p, i) => [p, i] as const)
    .sort(([a], [b]) => index.placementCost[b]! - index.placementCost[a]! || a - b);
  let stamp = 0;
  for (const [, i] of order) {
    if (performance.now() > deadline) break;
    const own = stepsOf[i]!;
    // A step opens if p is its only remaining blocker.
    const opens = (s: number) => !blocked[s] && (count[s] === 0 || (count[s] === 1 && own.includes(s)));
    const visited: number[] = [];
    const queue: number[] = [];
    stamp++;
    const visit = (v: number): boolean => {
      if (reach[v] || mark[v] === stamp) return false;
      mark[v] = stamp;
      visited.push(v);
      queue.push(v);
      return mustStayCut[v] === 1;
    };
    let exposes = false;
    for (const s of own) if (count[s] === 1 && reach[stepFrom[s]!] && visit(stepTo[s]!)) exposes = true;
    while (!exposes && queue.length > 0) {
      const v = queue.pop()!;
      for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
        const s = outSteps[k]!;
        if (opens(s) && visit(stepTo[s]!)) {
          exposes = true;
          break;
        }
      }
    }
    if (exposes) continue;
    removed[i] = 1;
    for (const s of own) count[s]!--;
    for (const v of visited) reach[v] = 1;
  }
  const kept = chosen.filter((_, i) => !removed[i]);
  chosen.splice(0, chosen.length, ...kept);
}

function describePlacements(
  graph: AttackGraph,
  index: GraphIndex,
  chosen: readonly number[],
  after: Uint8Array,
  cuttable: readonly number[],
  maxListed = Infinity,
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
  // Targets p protects: the cuttable targets reachable when p alone is left out. The region the
  // attacker holds with every placement in force (reachAll) stays; leaving p out opens the steps
  // only p blocks. From their heads the attacker follows every step no chosen placement blocks,
  // so the targets gained are the union of what each head reaches in that unblocked graph,
  // computed once for all placements (targetsBeyond). Only when p also blocks a step out of the
  // newly opened region (its tail outside reachAll) can leaving p out open more; then a BFS
  // through "unblocked or only-p" steps decides, as before.
  const reachAll = reachableFrom(index, index.entries, after);
  const isCuttable = new Uint8Array(n);
  for (const t of cuttable) isCuttable[t] = 1;
  // Targets listed in id order: rank the cuttable targets by id once, sort ranks per placement.
  const byId = [...cuttable].sort((a, b) => compareIds(index.nodeIds[a]!, index.nodeIds[b]!));
  const rank = new Int32Array(n);
  byId.forEach((t, r) => (rank[t] = r));
  const beyond = targetsBeyond(index, after, reachAll, isCuttable);
  const mark = new Int32Array(n);
  let stamp = 0;
  const elementType = (id: string) => index.nodeType[index.nodeIndex.get(id)!]!;
  return chosen.map((p, i) => {
    stamp++;
    const protectedTargets: number[] = [];
    const latent = cuts[i]!.some((s) => chosenCount[s] === 1 && !reachAll[stepFrom[s]!]);
    if (!latent) {
      for (const s of cuts[i]!) {
        if (chosenCount[s] !== 1 || !reachAll[stepFrom[s]!]) continue;
        const h = stepTo[s]!;
        if (reachAll[h]) continue;
        for (const t of beyond(h)) {
          if (mark[t] === stamp) continue;
          mark[t] = stamp;
          protectedTargets.push(rank[t]!);
        }
      }
    } else {
      const queue: number[] = [];
      const visit = (v: number) => {
        if (reachAll[v] || mark[v] === stamp) return;
        mark[v] = stamp;
        queue.push(v);
        if (isCuttable[v]) protectedTargets.push(rank[v]!);
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
    }
    return {
      controlId: index.placementControlId[p]!,
      elementId: index.placementElementId[p]!,
      elementType: elementType(index.placementElementId[p]!),
      cost: index.placementCost[p]!,
      cutsStepIds: cuts[i]!.map((s) => index.stepId(s)),
      cutsTargetIds: Array.from(
        Int32Array.from(protectedTargets).sort().subarray(0, maxListed),
        (r) => index.nodeIds[byId[r]!]!,
      ),
      cutsTargetCount: protectedTargets.length,
      effect: 'PREVENTS' as const,
      reducesStepIds: [],
    };
  });
}

/**
 * For every node outside `reachAll`: the cuttable targets (node indices) it reaches through steps
 * not blocked in `after`, never entering `reachAll`. One pass over the strongly connected
 * components of that subgraph (iterative Tarjan, which closes components sinks first), merging
 * the successors' sets; a component with one successor set and no target of its own shares that
 * set. Returns a lookup by node index (an empty list for nodes inside `reachAll`).
 */
function targetsBeyond(
  index: GraphIndex,
  after: Uint8Array,
  reachAll: Uint8Array,
  isCuttable: Uint8Array,
): (v: number) => readonly number[] {
  const { n, outStart, outSteps, stepTo } = index;
  const EMPTY: readonly number[] = [];
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const compSets: (readonly number[])[] = [];
  const stack: number[] = [];
  const frames: number[] = []; // pairs: node, next out-step position
  const mark = new Int32Array(n);
  let stamp = 0;
  let counter = 0;
  const next = (v: number, k: number): number => {
    for (; k < outStart[v + 1]!; k++) {
      const s = outSteps[k]!;
      if (!after[s] && !reachAll[stepTo[s]!]) return k;
    }
    return k;
  };
  for (let root = 0; root < n; root++) {
    if (reachAll[root] || order[root] !== -1) continue;
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    frames.push(root, next(root, outStart[root]!));
    while (frames.length > 0) {
      const v = frames[frames.length - 2]!;
      const k = frames[frames.length - 1]!;
      if (k < outStart[v + 1]!) {
        frames[frames.length - 1] = next(v, k + 1);
        const w = stepTo[outSteps[k]!]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          frames.push(w, next(w, outStart[w]!));
        } else if (onStack[w]) low[v] = Math.min(low[v]!, order[w]!);
        continue;
      }
      frames.length -= 2;
      if (frames.length > 0) {
        const parent = frames[frames.length - 2]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] !== order[v]) continue;
      // v closes a component: its members are on the stack down to v.
      const c = compSets.length;
      const members: number[] = [];
      let u: number;
      do {
        u = stack.pop()!;
        onStack[u] = 0;
        comp[u] = c;
        members.push(u);
      } while (u !== v);
      const own: number[] = [];
      const successorSets: (readonly number[])[] = [];
      for (const x of members) {
        if (isCuttable[x]) own.push(x);
        for (let j = outStart[x]!; j < outStart[x + 1]!; j++) {
          const s = outSteps[j]!;
          const w = stepTo[s]!;
          if (after[s] || reachAll[w] || comp[w] === c) continue;
          const set = compSets[comp[w]!]!;
          if (set.length > 0 && !successorSets.includes(set)) successorSets.push(set);
        }
      }
      if (own.length === 0 && successorSets.length <= 1) {
        compSets.push(successorSets[0] ?? EMPTY);
        continue;
      }
      stamp++;
      const merged: number[] = [];
      for (const list of [own, ...successorSets]) {
        for (const t of list) {
          if (mark[t] === stamp) continue;
          mark[t] = stamp;
          merged.push(t);
        }
      }
      compSets.push(merged);
    }
  }
  return (v) => (comp[v] === -1 ? EMPTY : compSets[comp[v]!]!);
}

/** Code-unit order of two ids (the order `cutsTargetIds` are listed in). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
