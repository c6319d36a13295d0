/**
 * Ranked attack paths: Yen's k shortest simple paths on weight −ln(likelihood), from a virtual
 * super-source joined to every entry point, to each selected target.
 *
 * Speed (10k-device hospitals, ~150k steps): one binary-heap Dijkstra from the super-source gives
 * every target's first path and the exact distance dS of every node. Paths 2..k come from Yen's
 * algorithm run backwards (target → super-source), so that each spur search is an A* guided by
 * dS, which is consistent and exact until root nodes are removed: most spurs follow the
 * shortest-path tree without a heap. Lawler's rule, a bound from the current candidates and an
 * entry-reachability bitset keep the rest small. See docs/attack-model.md §2.
 */
import { EngineLimitError, ValidationError } from '../../domain/errors';
import { SEVERITIES, SEVERITY_RANK, type RiskScale, type Severity } from '../../domain/types';
import { compareIds, hash32, hashSequence } from '../compare';
import { indexGraph, type GraphIndex } from '../graph-index';
import {
  elementOfNode,
  impactOfNode,
  type AttackGraph,
  type AttackPath,
  type AttackPathsResult,
  type FindAttackPathsOptions,
} from '../types';
import { MinHeap } from './heap';
import {
  Deadline,
  countEntryTargetPairs,
  entryReach,
  reachableFrom,
  shortestFromEntries,
  type EntryReach,
  type ShortestTree,
} from './search';

/** A path in the super-source graph: nodes[0] is the super-source (−1); edges[0] the virtual edge −(entry node + 1). */
interface RawPath {
  nodes: number[];
  edges: number[];
  len: number;
  /** Lawler: spur only from this index onward. */
  dev: number;
  key: string;
  /** Yen's paths: whether the path is simple in capabilities (counts towards k when accepted). */
  simple?: boolean;
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
 * @param options.onMaxPaths - beyond maxPaths: 'raise' (default) or 'truncate' (keep the maxPaths
 *   highest-risk paths, ranked as below, and set `truncated`; every target is still searched);
 * @param options.timeLimitMs - wall-clock ms (default 5000).
 * @returns paths sorted by risk (likelihood × severity rank 1..5) descending, then id, and the totals.
 * @throws EngineLimitError with limit 'maxDepth' when a path found has more steps than maxDepth,
 *   'maxPaths' when more than maxPaths paths are found (onMaxPaths 'raise'), 'timeLimitMs' on
 *   timeout (never hangs).
 * @throws ValidationError for an unknown target id or a non-positive k/limit.
 */
export function findAttackPaths(graph: AttackGraph, options: FindAttackPathsOptions = {}): AttackPathsResult {
  const k = options.k ?? DEFAULTS.k;
  const maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
  const maxPaths = options.maxPaths ?? DEFAULTS.maxPaths;
  const timeLimitMs = options.timeLimitMs ?? DEFAULTS.timeLimitMs;
  const minSeverity: Severity = options.minSeverity ?? SEVERITIES[0];
  const scale: RiskScale = options.scale ?? 'SAFETY';
  const truncate = options.onMaxPaths === 'truncate';
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
  const targets = selectTargets(graph, index, minSeverity, options.targetIds, scale);

  const tree = shortestFromEntries(index, disabled, deadline);
  const reach = entryReach(index, disabled, deadline);
  // Yen for k > 1, and for k = 1 when the shortest path is a detour (it regains a capability the
  // path already holds): made on first use, its set-up is O(n + m).
  let yen: YenSearch | undefined;
  const search = (): YenSearch => (yen ??= new YenSearch(index, disabled, tree, reach, deadline));
  const raw: { target: number; path: RawPath }[] = [];
  /** Truncate mode: the best paths so far, cut back to maxPaths whenever it holds 2 × maxPaths. */
  let kept: AttackPath[] = [];
  let truncated = false;
  let totalRisk = 0;
  let targetsReachable = 0;
  for (const t of targets) {
    if (tree.dist[t] === Infinity) continue;
    deadline.check();
    targetsReachable++;
    const first = treePath(index, tree.parentStep, t);
    let paths = [first];
    if (k > 1 || !isCapabilitySimple(index, first)) {
      const found = search().kShortest(t, k, first);
      paths = found.paths;
      // the search stopped at its cap with fewer than k paths simple in capabilities: say so
      if (found.capped) truncated = true;
    }
    for (const p of paths) {
      if (p.edges.length - 1 > maxDepth) {
        throw new EngineLimitError(
          `an attack path to ${index.nodeIds[t]} has ${p.edges.length - 1} steps, more than maxDepth ${maxDepth}; raise maxDepth`,
          'maxDepth',
          maxDepth,
        );
      }
      if (truncate) {
        kept.push(toAttackPath(graph, index, t, p));
        if (kept.length >= 2 * maxPaths) {
          kept = topPaths(kept, maxPaths);
          truncated = true;
        }
        continue;
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

  let paths: AttackPath[];
  if (truncate) {
    if (kept.length > maxPaths) truncated = true;
    paths = topPaths(kept, maxPaths);
  } else {
    paths = raw.map(({ target, path }) => toAttackPath(graph, index, target, path));
    paths.sort(byRisk);
  }
  return {
    paths,
    targetsReachable,
    entryTargetPairsConnected: countEntryTargetPairs(reach, targets),
    totalRisk,
    pathCount: paths.length,
    truncated,
    minSeverity,
    scale,
    k,
  };
}

/** Ranking of paths: risk descending, then id. */
const byRisk = (a: AttackPath, b: AttackPath): number => b.risk - a.risk || compareIds(a.id, b.id);

/** The first `n` paths of `paths` in {@link byRisk} order (sorts `paths` in place). */
function topPaths(paths: AttackPath[], n: number): AttackPath[] {
  paths.sort(byRisk);
  return paths.length > n ? paths.slice(0, n) : paths;
}

/**
 * Targets of at least `minSeverity` (rank on `scale`, default SAFETY) reachable from an entry
 * point through unblocked steps (BFS), sorted by id.
 */
export function reachableTargets(
  graph: AttackGraph,
  minSeverity: Severity = SEVERITIES[0],
  scale: RiskScale = 'SAFETY',
): string[] {
  const index = indexGraph(graph);
  const seen = reachableFrom(index, index.entries, index.blocked);
  const min = SEVERITY_RANK[minSeverity];
  const wanted = scale === 'SAFETY' ? 1 : 2;
  const out: string[] = [];
  for (const t of index.targets)
    if (seen[t] && index.scale[t] === wanted && index.severityRank[t]! >= min) out.push(index.nodeIds[t]!);
  return out;
}

/**
 * Selected targets as node indices, in id order: targets on `scale` whose rank is at least the
 * rank of `minSeverity`, optionally only `targetIds` (target node ids, or asset ids standing for
 * every impact of the asset on the scale).
 * @throws ValidationError for an unknown severity, or a targetIds entry that names no target.
 */
export function selectTargets(
  graph: AttackGraph,
  index: GraphIndex,
  minSeverity: Severity,
  targetIds?: readonly string[],
  scale: RiskScale = 'SAFETY',
): number[] {
  const min = SEVERITY_RANK[minSeverity];
  if (min === undefined) throw new ValidationError(`unknown severity '${String(minSeverity)}'`, 'minSeverity');
  const wantedScale = scale === 'SAFETY' ? 1 : scale === 'PRIVACY' ? 2 : 0;
  if (wantedScale === 0) throw new ValidationError(`unknown risk scale '${String(scale)}'`, 'scale');
  let wanted: Set<number> | undefined;
  if (targetIds) {
    const targetSet = new Set(index.targets);
    wanted = new Set();
    targetIds.forEach((id, i) => {
      const v = index.nodeIndex.get(id);
      if (v !== undefined && targetSet.has(v)) return void wanted!.add(v);
      let found = false;
      for (const c of ['MANIPULATE', 'DENY', 'DISCLOSE']) {
        const w = index.nodeIndex.get(`${id}#${c}`);
        if (w !== undefined && targetSet.has(w)) {
          wanted!.add(w);
          found = true;
        }
      }
      if (!found)
        throw new ValidationError(
          `'${id}' is not a target (asset or asset#IMPACT) of this attack graph`,
          `targetIds[${i}]`,
        );
    });
  }
  const out: number[] = [];
  for (const t of index.targets) {
    if (index.scale[t] === wantedScale && index.severityRank[t]! >= min && (!wanted || wanted.has(t))) out.push(t);
  }
  return out;
}

/**
 * See YenSearch.capabilitySimple; forward RawPath (nodes[0] = super-source, edges[0] virtual).
 * A node reached by a non-implied step must not be held yet (in the closure, under implied steps,
 * of the nodes before it). A node reached by an implied step may already be held only through the
 * run of implied steps it ends (the path walks out what its last real gain contains).
 */
function isCapabilitySimple(index: GraphIndex, p: RawPath): boolean {
  const { implied } = index;
  // closures[j]: what p.nodes[j] holds with everything it implies. A node is held since the first
  // position whose closure contains it.
  const closures: Set<number>[] = [];
  let runStart = 1;
  for (let i = 1; i < p.nodes.length; i++) {
    const v = p.nodes[i]!;
    const s = p.edges[i - 1]!;
    let since: number | undefined;
    for (let j = 1; j < i; j++) {
      if (closures[j]!.has(v)) {
        since = j;
        break;
      }
    }
    if (s >= 0 && implied[s]) {
      if (since !== undefined && since < runStart) return false;
    } else {
      if (since !== undefined) return false;
      runStart = i;
    }
    closures[i] = impliedClosure(index, v);
  }
  return true;
}

/** Implied closures per graph index, computed once per node (a server's control implies its peers' assets: large, and on many paths). */
const closureCache = new WeakMap<GraphIndex, Map<number, Set<number>>>();

/** The node and every node its implied steps lead to, transitively. */
function impliedClosure(index: GraphIndex, v: number): Set<number> {
  let cache = closureCache.get(index);
  if (!cache) closureCache.set(index, (cache = new Map()));
  let closure = cache.get(v);
  if (closure) return closure;
  const { implied, outStart, outSteps, stepTo } = index;
  closure = new Set([v]);
  const stack = [v];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (let r = outStart[u]!; r < outStart[u + 1]!; r++) {
      const s = outSteps[r]!;
      if (!implied[s]) continue;
      const w = stepTo[s]!;
      if (closure.has(w)) continue;
      closure.add(w);
      stack.push(w);
    }
  }
  cache.set(v, closure);
  return closure;
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

const stepHashes = new WeakMap<GraphIndex, Float64Array>();

/** 32-bit hash of a step id (cached per graph; NaN = not yet computed). */
function stepHash(index: GraphIndex, s: number): number {
  let cache = stepHashes.get(index);
  if (!cache) stepHashes.set(index, (cache = new Float64Array(index.m).fill(NaN)));
  let h = cache[s]!;
  if (Number.isNaN(h)) cache[s] = h = hash32(index.stepId(s));
  return h;
}

function toAttackPath(graph: AttackGraph, index: GraphIndex, target: number, p: RawPath): AttackPath {
  const stepIds: string[] = [];
  const hashes: number[] = [];
  for (let i = 1; i < p.edges.length; i++) {
    const s = p.edges[i]!;
    stepIds.push(index.stepId(s));
    hashes.push(stepHash(index, s));
  }
  const nodeIds = p.nodes.slice(1).map((v) => index.nodeIds[v]!);
  const entryPointId = nodeIds[0]!;
  const targetId = index.nodeIds[target]!;
  const likelihood = pathLikelihood(index, p);
  const node = graph.nodes[target]!;
  const severityRank = index.severityRank[target]!;
  return {
    id: `path@${entryPointId}@${targetId}@${hashSequence(hashes)}`,
    entryPointId,
    targetId,
    assetId: elementOfNode(targetId),
    impact: impactOfNode(targetId)!,
    scale: node.scale ?? 'SAFETY',
    stepIds,
    nodeIds,
    likelihood,
    ...(node.severity ? { severity: node.severity } : {}),
    ...(node.privacySeverity ? { privacySeverity: node.privacySeverity } : {}),
    severityRank,
    risk: likelihood * severityRank,
    hops: stepIds.length,
  };
}

/**
 * Yen's algorithm run backwards, from the target to the super-source, so that every spur search
 * is an A* guided by the exact distance from the super-source (the one forward Dijkstra shared by
 * all targets): a consistent heuristic, exact until root nodes are removed. Spur searches
 * therefore mostly walk straight back along the shortest-path tree. Scratch arrays are reused.
 */
class YenSearch {
  /** Marks of the current search path (treeUsable). */
  private readonly onPath: Int32Array;
  private pathStamp = 0;
  private readonly isEntry: Uint8Array;
  /** Yen iteration marks for removed nodes / steps / virtual entry edges. */
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
  private readonly dS: Float64Array;
  private readonly parentStep: Int32Array;
  /** Enabled in-steps of each node from reachable nodes, sorted by dS(from) + weight (then from, step). */
  private readonly bestInStart: Int32Array;
  private readonly bestIn: Int32Array;

  constructor(
    private readonly index: GraphIndex,
    private readonly disabled: Uint8Array,
    tree: ShortestTree,
    private readonly reach: EntryReach,
    private readonly deadline: Deadline,
  ) {
    const n = index.n;
    this.dS = tree.dist;
    this.parentStep = tree.parentStep;
    this.onPath = new Int32Array(n);
    const { inStart, inSteps, stepFrom, weight } = index;
    const dS = tree.dist;
    const bestInStart = (this.bestInStart = new Int32Array(n + 1));
    const bestIn = (this.bestIn = new Int32Array(index.m));
    const key = (s: number) => dS[stepFrom[s]!]! + weight[s]!;
    const order = (a: number, b: number) => key(a) - key(b) || stepFrom[a]! - stepFrom[b]! || a - b;
    let q = 0;
    for (let v = 0; v < n; v++) {
      const begin = q;
      for (let r = inStart[v]!; r < inStart[v + 1]!; r++) {
        const s = inSteps[r]!;
        if (!disabled[s] && dS[stepFrom[s]!] !== Infinity) bestIn[q++] = s;
      }
      if (q - begin > 1) bestIn.subarray(begin, q).sort(order);
      bestInStart[v + 1] = q;
    }
    this.isEntry = new Uint8Array(n);
    for (const e of index.entries) this.isEntry[e] = 1;
    this.removedNode = new Int32Array(n);
    this.removedStep = new Int32Array(index.m);
    this.removedEntry = new Int32Array(n);
    this.g = new Float64Array(n);
    this.seen = new Int32Array(n);
    this.closed = new Int32Array(n);
    this.parent = new Int32Array(n);
  }

  /**
   * Up to k shortest paths to t that are simple in nodes and in capabilities (`first` is its
   * shortest path), as forward RawPaths; `capped` when the search stopped at 20k + 50 enumerated
   * paths with fewer than k of them (detours are enumerated, never reported). When none simple in
   * capabilities was found (none exists, or the cap stopped the search first), `first` (a detour)
   * stands for the target, so every reachable target keeps one path.
   * Internally paths are reversed: nodes [t, …, entry, S], edges [last step, …, first step, virtual].
   */
  kShortest(t: number, k: number, first: RawPath): { paths: RawPath[]; capped: boolean } {
    const reverse = (p: RawPath): RawPath => ({ ...p, nodes: [...p.nodes].reverse(), edges: [...p.edges].reverse() });
    const r1 = reverse(first);
    const accepted: RawPath[] = [{ ...r1, dev: 0, simple: this.capabilitySimple(first) }];
    const candidates: RawPath[] = [];
    const known = new Set<string>([first.key]);
    const { weight } = this.index;
    // Paths that re-enter a capability the path already holds (a detour) are not reported, but
    // still serve Yen as roots; the search stops after k reported paths or 20k + 50 in all.
    let valid = accepted[0]!.simple ? 1 : 0;
    while (valid < k && accepted.length < 20 * k + 50) {
      const prev = accepted[accepted.length - 1]!;
      // Spur nodes: prev.nodes[i] for i from the deviation index to the entry (last real node).
      for (let i = prev.dev; i < prev.nodes.length - 1; i++) {
        const removeStamp = ++this.removeStamp;
        let rootLen = 0;
        for (let j = 0; j < i; j++) {
          this.removedNode[prev.nodes[j]!] = removeStamp;
          rootLen += weight[prev.edges[j]!]!;
        }
        for (const p of accepted) {
          if (p.edges.length <= i || !sameRoot(p.edges, prev.edges, i)) continue;
          const e = p.edges[i]!;
          if (e >= 0) this.removedStep[e] = removeStamp;
          else this.removedEntry[-e - 1] = removeStamp;
        }
        // A candidate longer than the (k − valid)-th best capability-simple candidate so far can
        // never be reported: those candidates are accepted first and complete the k. (Counting
        // accepted detours, or candidates that are detours, would prune paths still needed.)
        const spur = this.spurSearch(prev.nodes[i]!, removeStamp, candidateBound(candidates, k - valid) - rootLen);
        if (!spur) continue;
        const edges = prev.edges.slice(0, i).concat(spur.edges);
        const key = pathKey([...edges].reverse());
        if (known.has(key)) continue;
        known.add(key);
        const candidate: RawPath = {
          nodes: prev.nodes.slice(0, i).concat(spur.nodes),
          edges,
          len: rootLen + spur.len,
          dev: i,
          key,
        };
        candidate.simple = this.capabilitySimple(reverse(candidate));
        candidates.push(candidate);
      }
      if (candidates.length === 0) break;
      let best = 0;
      for (let c = 1; c < candidates.length; c++) {
        const a = candidates[c]!;
        const b = candidates[best]!;
        if (a.len < b.len || (a.len === b.len && a.key < b.key)) best = c;
      }
      accepted.push(candidates[best]!);
      candidates.splice(best, 1);
      if (accepted[accepted.length - 1]!.simple) valid++;
    }
    const out = accepted
      .map((p, i) => (i === 0 ? first : reverse(p)))
      .filter((_, i) => accepted[i]!.simple)
      .slice(0, k);
    const capped = valid < k && accepted.length >= 20 * k + 50;
    // Every reachable target keeps a path (the totals, risk-totals and new-paths count on it).
    return { paths: out.length > 0 ? out : [first], capped };
  }

  /**
   * Whether a forward path is simple in capabilities held: no step gains a capability that the
   * capabilities held before it already imply (through the implied steps: control gives user
   * access and every impact on the device's assets, a man-in-the-middle can read and inject, a
   * host's control gives its hosted software), unless the step is that implication itself.
   */
  capabilitySimple(p: RawPath): boolean {
    return isCapabilitySimple(this.index, p);
  }

  /**
   * Best spur from `from` back to the super-source, avoiding removed nodes, steps and virtual
   * edges, no longer than `limit`; null if none. Returned reversed: nodes from `from` to S (−1),
   * edges from `from`'s in-step to the virtual edge, and the length.
   *
   * A* backwards with heuristic dS. A popped node x whose shortest-path-tree path is still usable
   * (no removed node or step, no node of the search path to x) ends the search: its key
   * g(x) + dS(x) is then both achievable and a lower bound of every remaining candidate.
   * Fast path first: the best remaining in-step whose tree path is usable, without a heap.
   */
  private spurSearch(
    from: number,
    removeStamp: number,
    limit: number,
  ): { nodes: number[]; edges: number[]; len: number } | null {
    const { stepFrom, weight } = this.index;
    const { dS, isEntry, removedNode, removedStep, removedEntry, g, seen, closed, parent, heap, deadline } = this;
    const cap = limit + 1e-12;
    if (isEntry[from] && removedEntry[from] !== removeStamp) return { nodes: [from, -1], edges: [-(from + 1)], len: 0 };
    let usable = false;
    for (let q = this.bestInStart[from]!; q < this.bestInStart[from + 1]!; q++) {
      const s = this.bestIn[q]!;
      if (removedStep[s] === removeStamp) continue;
      const u = stepFrom[s]!;
      if (removedNode[u] === removeStamp || u === from) continue;
      if (dS[u]! + weight[s]! > cap) return null;
      usable = true;
      const search = ++this.searchStamp;
      seen[u] = search;
      g[u] = weight[s]!;
      parent[u] = s;
      seen[from] = search;
      parent[from] = -1;
      if (this.treeUsable(from, u, removeStamp)) return this.spurThrough(from, u);
      break;
    }
    if (!usable || !this.someEntryUsable(from, removeStamp)) return null;

    const search = ++this.searchStamp;
    heap.clear();
    seen[from] = search;
    g[from] = 0;
    parent[from] = -1;
    closed[from] = search;
    this.expand(from, search, removeStamp, cap);
    while (heap.size > 0) {
      if (heap.peekKey() > cap) return null;
      const x = heap.pop();
      if (closed[x] === search) continue;
      closed[x] = search;
      deadline.tick();
      if (this.treeUsable(from, x, removeStamp)) return this.spurThrough(from, x);
      this.expand(x, search, removeStamp, cap);
    }
    return null;
  }

  /**
   * False when every entry point that reaches `from` is a removed root node, or is `from` itself
   * with its virtual edge removed: then no spur exists (avoids exhausting searches, e.g. into an
   * entry zone that only its own devices lead back to).
   */
  private someEntryUsable(from: number, removeStamp: number): boolean {
    const { words, bits } = this.reach;
    const { entries } = this.index;
    const base = from * words;
    for (let w = 0; w < words; w++) {
      let x = bits[base + w]!;
      while (x) {
        const low = x & -x;
        const i = (w << 5) + (31 - Math.clz32(low));
        x ^= low;
        const e = entries[i]!;
        if (this.removedNode[e] === removeStamp) continue;
        if (e === from && this.removedEntry[e] === removeStamp) continue;
        return true;
      }
    }
    return false;
  }

  /** Pushes the usable in-neighbours of x (backwards search). */
  private expand(x: number, search: number, removeStamp: number, cap: number): void {
    const { inStart, inSteps, stepFrom, weight } = this.index;
    const { dS, removedNode, removedStep, g, seen, closed, parent, heap, disabled } = this;
    const gx = g[x]!;
    for (let q = inStart[x]!; q < inStart[x + 1]!; q++) {
      const s = inSteps[q]!;
      if (disabled[s] || removedStep[s] === removeStamp) continue;
      const u = stepFrom[s]!;
      const du = dS[u]!;
      if (du === Infinity || removedNode[u] === removeStamp || closed[u] === search) continue;
      const ng = gx + weight[s]!;
      if (ng + du > cap) continue;
      if (seen[u] !== search || ng < g[u]!) {
        seen[u] = search;
        g[u] = ng;
        parent[u] = s;
        heap.push(ng + du, u);
      }
    }
  }

  /**
   * Whether the tree path from x back to its entry can complete the spur: no removed step or
   * node, no node of the search path from `from` to x, and the entry's virtual edge not removed.
   */
  private treeUsable(from: number, x: number, removeStamp: number): boolean {
    const { stepFrom, stepTo } = this.index;
    const { parentStep, removedNode, removedStep, removedEntry, parent, onPath } = this;
    const mark = ++this.pathStamp;
    for (let v = x; ;) {
      onPath[v] = mark;
      if (v === from) break;
      v = stepTo[parent[v]!]!;
    }
    let y = x;
    for (let p = parentStep[y]!; p >= 0; p = parentStep[y]!) {
      if (removedStep[p] === removeStamp) return false;
      y = stepFrom[p]!;
      if (removedNode[y] === removeStamp || onPath[y] === mark) return false;
    }
    return removedEntry[y] !== removeStamp;
  }

  /** The spur from `from` back through the search path to x, then x's tree path to the super-source. */
  private spurThrough(from: number, x: number): { nodes: number[]; edges: number[]; len: number } {
    const { stepFrom, stepTo, weight } = this.index;
    const { parentStep, parent } = this;
    const nodes: number[] = [];
    const edges: number[] = [];
    for (let v = x; ;) {
      nodes.push(v);
      if (v === from) break;
      const s = parent[v]!;
      edges.push(s);
      v = stepTo[s]!;
    }
    nodes.reverse();
    edges.reverse();
    let len = 0;
    for (const s of edges) len += weight[s]!;
    let y = x;
    for (let p = parentStep[y]!; p >= 0; p = parentStep[y]!) {
      edges.push(p);
      len += weight[p]!;
      y = stepFrom[p]!;
      nodes.push(y);
    }
    edges.push(-(y + 1));
    nodes.push(-1);
    return { nodes, edges, len };
  }
}

/** The need-th smallest length among capability-simple candidates (Infinity when there are fewer), need ≥ 1. */
function candidateBound(candidates: readonly RawPath[], need: number): number {
  if (need === 1) {
    let min = Infinity;
    for (const c of candidates) if (c.simple && c.len < min) min = c.len;
    return min;
  }
  const lens = candidates.filter((c) => c.simple).map((c) => c.len);
  if (lens.length < need) return Infinity;
  lens.sort((a, b) => a - b);
  return lens[need - 1]!;
}

function sameRoot(a: readonly number[], b: readonly number[], i: number): boolean {
  for (let j = 0; j < i; j++) if (a[j] !== b[j]) return false;
  return true;
}
