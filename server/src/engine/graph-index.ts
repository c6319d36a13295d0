/**
 * Internal integer index of an {@link AttackGraph}: nodes and steps as int indices (in id order),
 * CSR adjacency both ways, weights −ln(likelihood), and the candidate control placements of each
 * step. Built once per graph object and cached (WeakMap), so the public graph stays plain JSON.
 */
import type { ElementType } from '../domain/types';
import type { AttackGraph } from './types';

/**
 * Rules whose steps only make explicit what the capability they start from already contains
 * (control → user access and asset impacts, man in the middle → read and inject, user access →
 * disclosure, host control → hosted software control, interface use → its functions, a sender's
 * control → what its links feed on the receiver). Paths may pass through them, but a path
 * that regains one of their capabilities another way is a detour (findAttackPaths drops it).
 */
export const IMPLIED_RULE_IDS: ReadonlySet<string> = new Set([
  'device-capabilities',
  'channel-capabilities',
  'device-asset-compromise',
  'user-data-access',
  'hosted-software-control',
  'interface-function-abuse',
  'trusted-peer-abuse',
  'forged-at-source',
  'forged-data-use',
]);

/** The integer index of a graph (internal to the engine). Node and step indices follow id order. */
export interface GraphIndex {
  n: number;
  m: number;
  nodeIds: readonly string[];
  nodeIndex: ReadonlyMap<string, number>;
  nodeType: readonly ElementType[];
  /** Severity rank 1..5 of target nodes on their scale, 0 elsewhere. */
  severityRank: Uint8Array;
  /** Scale of target nodes: 1 SAFETY, 2 PRIVACY; 0 elsewhere. */
  scale: Uint8Array;
  /**
   * The id of step s (steps are in id order, code units). Made on demand for graphs built in this
   * process (a 10k-device graph has 225k steps, and most queries name a few).
   */
  stepId(s: number): string;
  stepFrom: Int32Array;
  stepTo: Int32Array;
  likelihood: Float64Array;
  /** −ln(likelihood) ≥ 0. */
  weight: Float64Array;
  /** 1 when an IMPLEMENTED control blocks the step. */
  blocked: Uint8Array;
  /** 1 when the step only makes explicit what its from-capability contains (IMPLIED_RULE_IDS). */
  implied: Uint8Array;
  /** Out-steps of node u: outSteps[outStart[u] .. outStart[u+1]), in step-id order. */
  outStart: Int32Array;
  outSteps: Int32Array;
  inStart: Int32Array;
  inSteps: Int32Array;
  entries: Int32Array;
  targets: Int32Array;
  /**
   * Candidate placements: distinct (controlId, elementId) with status PLANNED or CANDIDATE in some
   * step's blocking (PREVENTS) or reducing (REDUCES) list, sorted. A placement may prevent some
   * steps and reduce others; a reduce-only placement appears in no step's blocking list.
   */
  placementControlId: readonly string[];
  placementElementId: readonly string[];
  placementCost: Float64Array;
  /**
   * Candidate placements that would block (PREVENT) step s, ascending:
   * stepPlacements[stepPlacementStart[s] .. stepPlacementStart[s+1]). Only these cut paths.
   */
  stepPlacementStart: Int32Array;
  stepPlacements: Int32Array;
  /**
   * Candidate placements that would REDUCE step s, ascending, and the factor (0 < f < 1) each
   * multiplies its likelihood by: stepReducers[q] and stepReducerFactor[q] for q in
   * stepReducerStart[s] .. stepReducerStart[s+1]).
   */
  stepReducerStart: Int32Array;
  stepReducers: Int32Array;
  stepReducerFactor: Float64Array;
}

const cache = new WeakMap<AttackGraph, GraphIndex>();

/** The cached index of `graph`, built on first use. The graph must not be mutated afterwards. */
export function indexGraph(graph: AttackGraph): GraphIndex {
  let index = cache.get(graph);
  if (!index) {
    index = buildIndex(graph);
    cache.set(graph, index);
  }
  return index;
}

function csr(n: number, m: number, key: Int32Array): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let s = 0; s < m; s++) start[key[s]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const items = new Int32Array(m);
  for (let s = 0; s < m; s++) items[fill[key[s]!]!++] = s;
  return { start, items };
}

/**
 * Lists of candidate placements, flat: list l is items start[l] .. start[l+1] of `keys` (placement
 * keys controlOrdinal·E + elementOrdinal, E = the number of elements), `costs` (cost units) and,
 * for reducing lists, `factors` (0 < f < 1).
 */
export interface PlacementLists {
  start: ArrayLike<number>;
  keys: ArrayLike<number>;
  costs: ArrayLike<number>;
  factors?: ArrayLike<number>;
}

/** Flat {@link PlacementLists} from one array per list. */
export function flatPlacementLists(
  keys: readonly (readonly number[])[],
  costs: readonly (readonly number[])[],
  factors?: readonly (readonly number[])[],
): PlacementLists {
  const start = [0];
  const k: number[] = [];
  const c: number[] = [];
  const f: number[] = [];
  keys.forEach((list, l) => {
    list.forEach((key, i) => {
      k.push(key);
      c.push(costs[l]![i]!);
      if (factors) f.push(factors[l]![i]!);
    });
    start.push(k.length);
  });
  return { start, keys: k, costs: c, ...(factors ? { factors: f } : {}) };
}

/** What {@link assembleIndex} needs: everything already as integers except the names. */
export interface IndexInput {
  nodeIds: readonly string[];
  nodeIndex: ReadonlyMap<string, number>;
  nodeType: readonly ElementType[];
  severityRank: Uint8Array;
  scale: Uint8Array;
  /** The id of step s; steps are sorted by id (the order of every step array here). */
  stepId(s: number): string;
  stepFrom: Int32Array;
  stepTo: Int32Array;
  likelihood: Float64Array;
  blocked: Uint8Array;
  implied: Uint8Array;
  /** Element ids in id order: placement keys number elements by this order. */
  elementIds: readonly string[];
  /** Blocking list of each step (an index into `lists`); lists are shared between steps. */
  stepList: Int32Array;
  /** Per blocking list: its non-IMPLEMENTED PREVENTS controls as placement keys, with their costs. */
  lists: PlacementLists;
  /** Control ids in id order (ordinal = position). */
  controlIds: readonly string[];
  entries: Int32Array;
  targets: Int32Array;
  /** Reducing list of each step (an index into `reducerLists`), −1 for none. */
  stepReducerList: Int32Array;
  /** Per reducing list: its non-IMPLEMENTED REDUCES controls as placement keys, costs and factors. */
  reducerLists: PlacementLists;
}

/**
 * Records the index of a graph built by buildAttackGraph (which has all the integers at hand,
 * its reducing lists included).
 */
export function setGraphIndex(graph: AttackGraph, index: GraphIndex): void {
  cache.set(graph, index);
}

/** Index of a graph from its public JSON (graphs not built in this process). */
function buildIndex(graph: AttackGraph): GraphIndex {
  const n = graph.nodes.length;
  const m = graph.steps.length;
  const nodeIds = graph.nodes.map((x) => x.id);
  const nodeIndex = new Map<string, number>();
  nodeIds.forEach((id, i) => nodeIndex.set(id, i));
  const severityRank = new Uint8Array(n);
  const scale = new Uint8Array(n);
  graph.nodes.forEach((x, i) => {
    if (x.severityRank) severityRank[i] = x.severityRank;
    if (x.scale) scale[i] = x.scale === 'SAFETY' ? 1 : 2;
  });
  const elementSet = new Set<string>();
  for (const step of graph.steps) {
    for (const b of step.blockingControls) elementSet.add(b.elementId);
    for (const b of step.reducingControls ?? []) elementSet.add(b.elementId);
  }
  const elementIds = [...elementSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const elementOrdinal = new Map<string, number>(elementIds.map((e, i) => [e, i]));
  const E = elementIds.length;
  const stepFrom = new Int32Array(m);
  const stepTo = new Int32Array(m);
  const likelihood = new Float64Array(m);
  const blocked = new Uint8Array(m);
  const implied = new Uint8Array(m);
  const controlSet = new Set<string>();
  for (const step of graph.steps) {
    for (const b of step.blockingControls) controlSet.add(b.controlId);
    for (const b of step.reducingControls ?? []) controlSet.add(b.controlId);
  }
  const controlIds = [...controlSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ordinal = new Map<string, number>(controlIds.map((c, i) => [c, i]));
  const listOf = new Map<readonly unknown[], number>();
  const listKeys: number[][] = [];
  const listCosts: number[][] = [];
  const stepList = new Int32Array(m);
  const reducerListOf = new Map<readonly unknown[], number>();
  const reducerListKeys: number[][] = [];
  const reducerListCosts: number[][] = [];
  const reducerListFactors: number[][] = [];
  const stepReducerList = new Int32Array(m).fill(-1);
  for (let s = 0; s < m; s++) {
    const step = graph.steps[s]!;
    const from = nodeIndex.get(step.from);
    const to = nodeIndex.get(step.to);
    if (from === undefined || to === undefined)
      throw new Error(`attack step ${step.id} names a node that is not in the graph`);
    stepFrom[s] = from;
    stepTo[s] = to;
    likelihood[s] = step.likelihood;
    blocked[s] = step.blocked ? 1 : 0;
    implied[s] = IMPLIED_RULE_IDS.has(step.ruleId) ? 1 : 0;
    let list = listOf.get(step.blockingControls);
    if (list === undefined) {
      const keys: number[] = [];
      const costs: number[] = [];
      for (const b of step.blockingControls) {
        if (b.status === 'IMPLEMENTED') continue;
        const element = elementOrdinal.get(b.elementId)!;
        keys.push(ordinal.get(b.controlId)! * E + element);
        costs.push(b.cost);
      }
      list = listKeys.length;
      listKeys.push(keys);
      listCosts.push(costs);
      listOf.set(step.blockingControls, list);
    }
    stepList[s] = list;
    const reducers = step.reducingControls;
    if (reducers && reducers.length > 0) {
      let r = reducerListOf.get(reducers);
      if (r === undefined) {
        const keys: number[] = [];
        const costs: number[] = [];
        const factors: number[] = [];
        for (const b of reducers) {
          if (b.status === 'IMPLEMENTED') continue;
          keys.push(ordinal.get(b.controlId)! * E + elementOrdinal.get(b.elementId)!);
          costs.push(b.cost);
          factors.push(b.factor);
        }
        r = reducerListKeys.length;
        reducerListKeys.push(keys);
        reducerListCosts.push(costs);
        reducerListFactors.push(factors);
        reducerListOf.set(reducers, r);
      }
      stepReducerList[s] = r;
    }
  }
  return assembleIndex({
    nodeIds,
    nodeIndex,
    nodeType: graph.nodes.map((x) => x.type),
    severityRank,
    scale,
    elementIds,
    stepId: (s) => graph.steps[s]!.id,
    stepFrom,
    stepTo,
    likelihood,
    blocked,
    implied,
    stepList,
    lists: flatPlacementLists(listKeys, listCosts),
    controlIds,
    entries: Int32Array.from(graph.entryPointIds.map((id) => nodeIndex.get(id)!)),
    targets: Int32Array.from(graph.targetIds.map((id) => nodeIndex.get(id)!)),
    stepReducerList,
    reducerLists: flatPlacementLists(reducerListKeys, reducerListCosts, reducerListFactors),
  });
}

/**
 * Completes an index: weights, CSR adjacency, and the candidate placements (keys sorted and
 * deduplicated with typed arrays; key order is (controlId, elementId) order because control
 * ordinals follow id order and elements are in id order).
 */
export function assembleIndex(input: IndexInput): GraphIndex {
  const n = input.nodeIds.length;
  const E = Math.max(1, input.elementIds.length);
  const m = input.stepFrom.length;
  const weight = new Float64Array(m);
  for (let s = 0; s < m; s++) weight[s] = -Math.log(input.likelihood[s]!);

  const { lists, reducerLists } = input;
  const total = lists.keys.length + reducerLists.keys.length;
  const all = new Float64Array(total);
  let q = 0;
  for (let i = 0; i < lists.keys.length; i++) all[q++] = lists.keys[i]!;
  for (let i = 0; i < reducerLists.keys.length; i++) all[q++] = reducerLists.keys[i]!;
  all.sort();
  let unique = 0;
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) all[unique++] = all[i]!;
  const placementKeys = all.subarray(0, unique);
  const placementCost = new Float64Array(unique);
  const find = (key: number): number => {
    let lo = 0;
    let hi = unique - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (placementKeys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Placements of every blocking list, flat and ascending within each list.
  const listCount = lists.start.length - 1;
  const listFlat = new Int32Array(lists.keys.length);
  for (let l = 0; l < listCount; l++) {
    const from = lists.start[l]!;
    const to = lists.start[l + 1]!;
    for (let i = from; i < to; i++) {
      const p = find(lists.keys[i]!);
      listFlat[i] = p;
      placementCost[p] = lists.costs[i]!;
    }
    if (to - from > 1) listFlat.subarray(from, to).sort();
  }
  const placementControlId: string[] = [];
  const placementElementId: string[] = [];
  for (let i = 0; i < unique; i++) {
    const k = placementKeys[i]!;
    placementControlId.push(input.controlIds[Math.floor(k / E)]!);
    placementElementId.push(input.elementIds[k % E]!);
  }
  const stepPlacementStart = new Int32Array(m + 1);
  for (let s = 0; s < m; s++) {
    const l = input.stepList[s]!;
    stepPlacementStart[s + 1] = stepPlacementStart[s]! + lists.start[l + 1]! - lists.start[l]!;
  }
  const stepPlacements = new Int32Array(stepPlacementStart[m]!);
  for (let s = 0; s < m; s++) {
    const l = input.stepList[s]!;
    // copied element by element: a subarray view per step costs more than the copy
    for (let i = lists.start[l]!, end = lists.start[l + 1]!, o = stepPlacementStart[s]!; i < end; i++, o++)
      stepPlacements[o] = listFlat[i]!;
  }

  // Reducing placements of each step with their factors, ascending by placement.
  const reducerCount = reducerLists.start.length - 1;
  const reducerP = new Int32Array(reducerLists.keys.length);
  const reducerF = new Float64Array(reducerLists.keys.length);
  for (let l = 0; l < reducerCount; l++) {
    const from = reducerLists.start[l]!;
    const to = reducerLists.start[l + 1]!;
    const pairs: (readonly [number, number])[] = [];
    for (let i = from; i < to; i++) {
      const p = find(reducerLists.keys[i]!);
      placementCost[p] = reducerLists.costs[i]!;
      pairs.push([p, reducerLists.factors![i]!]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    pairs.forEach(([p, f], i) => {
      reducerP[from + i] = p;
      reducerF[from + i] = f;
    });
  }
  const reducerList = input.stepReducerList;
  const stepReducerStart = new Int32Array(m + 1);
  for (let s = 0; s < m; s++) {
    const l = reducerList[s]!;
    stepReducerStart[s + 1] = stepReducerStart[s]! + (l >= 0 ? reducerLists.start[l + 1]! - reducerLists.start[l]! : 0);
  }
  const stepReducers = new Int32Array(stepReducerStart[m]!);
  const stepReducerFactor = new Float64Array(stepReducerStart[m]!);
  for (let s = 0; s < m; s++) {
    const l = reducerList[s]!;
    if (l < 0) continue;
    for (
      let i = reducerLists.start[l]!, end = reducerLists.start[l + 1]!, o = stepReducerStart[s]!;
      i < end;
      i++, o++
    ) {
      stepReducers[o] = reducerP[i]!;
      stepReducerFactor[o] = reducerF[i]!;
    }
  }

  const out = csr(n, m, input.stepFrom);
  const inn = csr(n, m, input.stepTo);
  return {
    n,
    m,
    nodeIds: input.nodeIds,
    nodeIndex: input.nodeIndex,
    nodeType: input.nodeType,
    severityRank: input.severityRank,
    scale: input.scale,
    stepId: input.stepId,
    stepFrom: input.stepFrom,
    stepTo: input.stepTo,
    likelihood: input.likelihood,
    weight,
    blocked: input.blocked,
    implied: input.implied,
    outStart: out.start,
    outSteps: out.items,
    inStart: inn.start,
    inSteps: inn.items,
    entries: input.entries,
    targets: input.targets,
    placementControlId,
    placementElementId,
    placementCost,
    stepPlacementStart,
    stepPlacements,
    stepReducerStart,
    stepReducers,
    stepReducerFactor,
  };
}
