/**
 * Ranked attack paths: Yen's k shortest simple paths on weight −ln(likelihood), from a virtual
 * super-source joined to every entry point, to each selected target.
 *
 * Speed (10k-device hospitals): one Dijkstra from the super-source gives every target's first
 * path. For paths 2..k of a target t, a reverse A* from t (potential = distance from the
 * super-source, which is consistent) computes the exact distance-to-t of every node whose best
 * path through it is at most L = d(t) + Δ, and nothing else. Every simple path of length ≤ L lies
 * inside that region, so Yen's spur searches run as A* (heuristic: exact distance-to-t) inside
 * it; if fewer than k paths of length ≤ L exist there, Δ grows (3, 9, then ∞ = no pruning).
 * Lawler's rule spurs only from the deviation index onward.
 */
import { EngineLimitError, ValidationError } from '../../domain/errors';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../../domain/types';
import { compareIds, hashString } from '../compare';
import { indexGraph, type GraphIndex } from '../graph-index';
import type { AttackGraph, AttackPath, AttackPathsResult, FindAttackPathsOptions } from '../types';
import { MinHeap } from './heap';
import { Deadline, countEntryTargetPairs, disabledSteps, reachableFrom, shortestFromEntries } from './search';

/** Region slack schedule for paths 2..k: Δ = 3 (likelihood within ×20 of the best), 9, then unbounded. */
const REGION_DELTAS = [3, 9, Infinity];
const EPS = 1e-9;

/** A path in the super-source graph: nodes[0] is the super-source (−1); edges[0] the virtual edge −(entry node + 1). */
interface RawPath {
  nodes: number[];
  edges: number[];
  len: number;
  /** Lawler: spur only from this index onward. */
  dev: number;
  key: string;
}

const DEFAULTS = { k: 3, maxDepth: 25, maxPaths: 500, timeLimitMs: 5000 };

/**
 * Finds up to k most likely attack paths per target.
 *
 * @param options.k - paths per target, ≥ 1 (default 3);
 * @param options.minSeverity - only targets of at least this severity (default NEGLIGIBLE);
 * @param options.targetIds - only these targets (must be targets of the graph);
 * @param options.maxDepth - steps per path (default 25);
 * @param options.maxPaths - paths in total (default 500);
 * @param options.timeLimitMs - wall-clock ms (default 5000).
 * @returns paths sorted by risk (likelihood × severity rank 1..5) descending, then id, and the totals.
 * @throws EngineLimitError with limit 'maxDepth' when a path found has more steps than maxDepth,
 *   'maxPaths' when more than maxPaths paths are found, 'timeLimitMs' on timeout (never hangs).
 * @throws ValidationError for an unknown target id or a non-positive k/limit.
 */
export function findAttackPaths(graph: AttackGraph, options: FindAttackPathsOptions = {}): AttackPathsResult {
  const k = options.k ?? DEFAULTS.k;
  const maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
  const maxPaths = options.maxPaths ?? DEFAULTS.maxPaths;
  const timeLimitMs = options.timeLimitMs ?? DEFAULTS.timeLimitMs;
  const minSeverity: Severity = options.minSeverity ?? SEVERITIES[0];
  for (const [name, value] of [
    ['k', k],
    ['maxDepth', maxDepth],
    ['maxPaths', maxPaths],
    ['timeLimitMs', timeLimitMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new ValidationError(`${name} must be a positive integer`, name);
  }
  const deadline = new Deadline(timeLimitMs);
  const index = indexGraph(graph);
  const disabled = index.blocked;
  const targets = selectTargets(graph, index, minSeverity, options.targetIds);

  const tree = shortestFromEntries(index, disabled, deadline);
  const yen = new YenSearch(index, disabled, tree.dist, deadline);
  const raw: { target: number; path: RawPath }[] = [];
  let totalRisk = 0;
  let targetsReachable = 0;
  for (const t of targets) {
    if (tree.dist[t] === Infinity) continue;
    deadline.check();
    targetsReachable++;
    const first = treePath(index, tree.parentStep, t);
    const paths = k === 1 ? [first] : yen.kShortest(t, k, first);
    for (const p of paths) {
      if (p.edges.length - 1 > maxDepth) {
        throw new EngineLimitError(
          `an attack path to ${index.nodeIds[t]} has ${p.edges.length - 1} steps, more than maxDepth ${maxDepth}; raise maxDepth`,
          'maxDepth',
          maxDepth,
        );
      }
      raw.push({ target: t, path: p });
      if (raw.length > maxPaths) {
        throw new EngineLimitError(
          `more than maxPaths ${maxPaths} attack paths; narrow the search (minSeverity, targetIds, smaller k) or raise maxPaths`,
          'maxPaths',
          maxPaths,
        );
      }
    }
    totalRisk += index.severityRank[t]! * pathLikelihood(index, first);
  }

  const paths = raw.map(({ target, path }) => toAttackPath(graph, index, target, path));
  paths.sort((a, b) => b.risk - a.risk || compareIds(a.id, b.id));
  return {
    paths,
    targetsReachable,
    entryTargetPairsConnected: countEntryTargetPairs(index, disabled, targets, deadline),
    totalRisk,
    pathCount: paths.length,
    minSeverity,
    k,
  };
}

/**
 * Targets of at least `minSeverity` reachable from an entry point through unblocked steps (BFS),
 * sorted by id.
 */
export function reachableTargets(graph: AttackGraph, minSeverity: Severity = SEVERITIES[0]): string[] {
  const index = indexGraph(graph);
  const seen = reachableFrom(index, index.entries, index.blocked);
  const min = SEVERITY_RANK[minSeverity];
  const out: string[] = [];
  for (const t of index.targets) if (seen[t] && index.severityRank[t]! >= min) out.push(index.nodeIds[t]!);
  return out;
}

/** Selected targets as node indices, in id order. */
export function selectTargets(graph: AttackGraph, index: GraphIndex, minSeverity: Severity, targetIds?: readonly string[]): number[] {
  const min = SEVERITY_RANK[minSeverity];
  if (min === undefined) throw new ValidationError(`unknown severity '${String(minSeverity)}'`, 'minSeverity');
  let wanted: Set<number> | undefined;
  if (targetIds) {
    const targetSet = new Set(index.targets);
    wanted = new Set();
    targetIds.forEach((id, i) => {
      const v = index.nodeIndex.get(id);
      if (v === undefined || !targetSet.has(v)) throw new ValidationError(`'${id}' is not a target (asset) of this attack graph`, `targetIds[${i}]`);
      wanted!.add(v);
    });
  }
  const out: number[] = [];
  for (const t of index.targets) {
    if (index.severityRank[t]! >= min && (!wanted || wanted.has(t))) out.push(t);
  }
  return out;
}

function pathLikelihood(index: GraphIndex, p: RawPath): number {
  let l = 1;
  for (let i = 1; i < p.edges.length; i++) l *= index.likelihood[p.edges[i]!]!;
  return l;
}

function pathKey(edges: readonly number[]): string {
  return edges.join(',');
}

/** The tree path to t from the shortest-path tree. */
function treePath(index: GraphIndex, parentStep: Int32Array, t: number): RawPath {
  const steps: number[] = [];
  const nodes: number[] = [t];
  let v = t;
  let len = 0;
  while (parentStep[v]! >= 0) {
    const s = parentStep[v]!;
    steps.push(s);
    len += index.weight[s]!;
    v = index.stepFrom[s]!;
    nodes.push(v);
  }
  steps.push(-(v + 1));
  nodes.push(-1);
  steps.reverse();
  nodes.reverse();
  return { nodes, edges: steps, len, dev: 0, key: pathKey(steps) };
}

function toAttackPath(graph: AttackGraph, index: GraphIndex, target: number, p: RawPath): AttackPath {
  const stepIds: string[] = [];
  for (let i = 1; i < p.edges.length; i++) stepIds.push(graph.steps[p.edges[i]!]!.id);
  const nodeIds = p.nodes.slice(1).map((v) => index.nodeIds[v]!);
  const entryPointId = nodeIds[0]!;
  const targetId = index.nodeIds[target]!;
  const likelihood = pathLikelihood(index, p);
  const severity = graph.nodes[target]!.severity!;
  const severityRank = SEVERITY_RANK[severity];
  return {
    id: `path@${entryPointId}@${targetId}@${hashString(stepIds.join('|'))}`,
    entryPointId,
    targetId,
    stepIds,
    nodeIds,
    likelihood,
    severity,
    severityRank,
    risk: likelihood * severityRank,
    hops: stepIds.length,
  };
}

/** Yen's algorithm with region-restricted A* spur searches; scratch arrays are reused across targets. */
class YenSearch {
  /** Distance to the current target (valid where regionMark === stamp). */
  private readonly dt: Float64Array;
  private readonly regionMark: Int32Array;
  private readonly settled: Int32Array;
  private stamp = 0;
  /** Yen iteration marks for removed nodes / steps. */
  private readonly removedNode: Int32Array;
  private readonly removedStep: Int32Array;
  private readonly removedEntry: Int32Array;
  private removeStamp = 0;
  /** A* scratch. */
  private readonly g: Float64Array;
  private readonly seen: Int32Array;
  private readonly closed: Int32Array;
  private readonly parent: Int32Array;
  private searchStamp = 0;
  private readonly heap = new MinHeap(4096);

  constructor(
    private readonly index: GraphIndex,
    private readonly disabled: Uint8Array,
    private readonly dS: Float64Array,
    private readonly deadline: Deadline,
  ) {
    const n = index.n;
    this.dt = new Float64Array(n);
    this.regionMark = new Int32Array(n);
    this.settled = new Int32Array(n);
    this.removedNode = new Int32Array(n);
    this.removedStep = new Int32Array(index.m);
    this.removedEntry = new Int32Array(n);
    this.g = new Float64Array(n);
    this.seen = new Int32Array(n);
    this.closed = new Int32Array(n);
    this.parent = new Int32Array(n);
  }

  /** Up to k shortest simple paths to t; `first` is its shortest path. */
  kShortest(t: number, k: number, first: RawPath): RawPath[] {
    for (const delta of REGION_DELTAS) {
      const bound = this.dS[t]! + delta;
      const complete = this.buildRegion(t, bound);
      const result = this.yen(t, k, first, complete ? Infinity : bound);
      if (result) return result;
    }
    throw new Error('unreachable: an unbounded region is always complete');
  }

  /**
   * Reverse A* from t: exact distance-to-t for every node u with dS(u) + dt(u) ≤ bound.
   * @returns true when nothing was pruned (the region holds every node that reaches t).
   */
  private buildRegion(t: number, bound: number): boolean {
    const { inStart, inSteps, stepFrom, weight } = this.index;
    const { dS, dt, regionMark, settled, disabled, heap, deadline } = this;
    const stamp = ++this.stamp;
    const limit = bound + EPS;
    let pruned = false;
    heap.clear();
    dt[t] = 0;
    regionMark[t] = stamp;
    heap.push(dS[t]!, t);
    while (heap.size > 0) {
      const v = heap.pop();
      if (settled[v] === stamp) continue;
      settled[v] = stamp;
      deadline.tick();
      const dv = dt[v]!;
      for (let q = inStart[v]!; q < inStart[v + 1]!; q++) {
        const s = inSteps[q]!;
        if (disabled[s]) continue;
        const u = stepFrom[s]!;
        const du = dS[u]!;
        if (du === Infinity) continue;
        const nd = dv + weight[s]!;
        if (nd + du > limit) {
          pruned = true;
          continue;
        }
        if (regionMark[u] !== stamp || nd < dt[u]!) {
          regionMark[u] = stamp;
          dt[u] = nd;
          heap.push(nd + du, u);
        }
      }
    }
    return !pruned;
  }

  /**
   * Yen's loop inside the current region. Returns null when the region may be too small:
   * fewer than k paths and the next candidate is longer than `bound` (or none is left) while the
   * region was pruned.
   */
  private yen(t: number, k: number, first: RawPath, bound: number): RawPath[] | null {
    const accepted: RawPath[] = [first];
    const candidates: RawPath[] = [];
    const known = new Set<string>([first.key]);
    const limit = bound + EPS;
    while (accepted.length < k) {
      const prev = accepted[accepted.length - 1]!;
      for (let i = prev.dev; i < prev.nodes.length - 1; i++) {
        const removeStamp = ++this.removeStamp;
        // Root: prev.nodes[0..i], edges[0..i). Remove root nodes before the spur node.
        for (let j = 1; j < i; j++) this.removedNode[prev.nodes[j]!] = removeStamp;
        let rootLen = 0;
        for (let j = 1; j < i; j++) rootLen += this.index.weight[prev.edges[j]!]!;
        // Remove the next edge of every accepted path sharing this root.
        for (const p of accepted) {
          if (p.edges.length <= i || !sameRoot(p.edges, prev.edges, i)) continue;
          const e = p.edges[i]!;
          if (e >= 0) this.removedStep[e] = removeStamp;
          else this.removedEntry[-e - 1] = removeStamp;
        }
        const spur = this.spurSearch(i === 0 ? -1 : prev.nodes[i]!, t, removeStamp);
        if (!spur) continue;
        const edges = prev.edges.slice(0, i).concat(spur.edges);
        const key = pathKey(edges);
        if (known.has(key)) continue;
        known.add(key);
        candidates.push({ nodes: prev.nodes.slice(0, i).concat(spur.nodes), edges, len: rootLen + spur.len, dev: i, key });
      }
      if (candidates.length === 0) return bound === Infinity ? accepted : null;
      let best = 0;
      for (let c = 1; c < candidates.length; c++) {
        const a = candidates[c]!;
        const b = candidates[best]!;
        if (a.len < b.len || (a.len === b.len && a.key < b.key)) best = c;
      }
      const next = candidates[best]!;
      if (next.len > limit) return null;
      candidates.splice(best, 1);
      accepted.push(next);
    }
    return accepted;
  }

  /**
   * A* from `from` (−1 = super-source) to t inside the region, avoiding removed nodes and steps.
   * Returns the spur part: nodes from `from` to t and the edges between them (a virtual edge
   * first when starting at the super-source), with its length.
   */
  private spurSearch(from: number, t: number, removeStamp: number): { nodes: number[]; edges: number[]; len: number } | null {
    const { outStart, outSteps, stepTo, weight, entries } = this.index;
    const { dt, regionMark, removedNode, removedStep, removedEntry, g, seen, closed, parent, heap, disabled, deadline } = this;
    const stamp = this.stamp;
    const search = ++this.searchStamp;
    heap.clear();
    if (from < 0) {
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        if (removedEntry[e] === removeStamp || regionMark[e] !== stamp || removedNode[e] === removeStamp) continue;
        if (seen[e] === search) continue;
        seen[e] = search;
        g[e] = 0;
        parent[e] = -1;
        heap.push(dt[e]!, e);
      }
    } else {
      seen[from] = search;
      g[from] = 0;
      parent[from] = -1;
      heap.push(dt[from]!, from);
    }
    let found = false;
    while (heap.size > 0) {
      const v = heap.pop();
      if (closed[v] === search) continue;
      closed[v] = search;
      if (v === t) {
        found = true;
        break;
      }
      deadline.tick();
      const gv = g[v]!;
      for (let q = outStart[v]!; q < outStart[v + 1]!; q++) {
        const s = outSteps[q]!;
        if (disabled[s] || removedStep[s] === removeStamp) continue;
        const u = stepTo[s]!;
        if (regionMark[u] !== stamp || removedNode[u] === removeStamp || closed[u] === search) continue;
        const ng = gv + weight[s]!;
        if (seen[u] !== search || ng < g[u]!) {
          seen[u] = search;
          g[u] = ng;
          parent[u] = s;
          heap.push(ng + dt[u]!, u);
        }
      }
    }
    if (!found) return null;
    const nodes: number[] = [t];
    const edges: number[] = [];
    let v = t;
    while (parent[v]! >= 0) {
      const s = parent[v]!;
      edges.push(s);
      v = this.index.stepFrom[s]!;
      nodes.push(v);
    }
    if (from < 0) {
      edges.push(-(v + 1));
      nodes.push(-1);
    }
    nodes.reverse();
    edges.reverse();
    return { nodes, edges, len: g[t]! };
  }
}

function sameRoot(a: readonly number[], b: readonly number[], i: number): boolean {
  for (let j = 0; j < i; j++) if (a[j] !== b[j]) return false;
  return true;
}
