/**
 * Internal integer index of an {@link AttackGraph}: nodes and steps as int indices (in id order),
 * CSR adjacency both ways, weights −ln(likelihood), and the candidate control placements of each
 * step. Built once per graph object and cached (WeakMap), so the public graph stays plain JSON.
 */
import { SEVERITY_RANK, type ElementType } from '../domain/types';
import type { AttackGraph } from './types';

export interface GraphIndex {
  n: number;
  m: number;
  nodeIds: readonly string[];
  nodeIndex: ReadonlyMap<string, number>;
  nodeType: readonly ElementType[];
  /** Severity rank 1..5 of target nodes, 0 elsewhere. */
  severityRank: Uint8Array;
  stepFrom: Int32Array;
  stepTo: Int32Array;
  likelihood: Float64Array;
  /** −ln(likelihood) ≥ 0. */
  weight: Float64Array;
  /** 1 when an IMPLEMENTED control blocks the step. */
  blocked: Uint8Array;
  /** Out-steps of node u: outSteps[outStart[u] .. outStart[u+1]), in step-id order. */
  outStart: Int32Array;
  outSteps: Int32Array;
  inStart: Int32Array;
  inSteps: Int32Array;
  entries: Int32Array;
  targets: Int32Array;
  /** Candidate placements: distinct (controlId, elementId) with status PLANNED or CANDIDATE on some step, sorted. */
  placementControlId: readonly string[];
  placementElementId: readonly string[];
  placementCost: Float64Array;
  /** Candidate placements that would block step s: stepPlacements[stepPlacementStart[s] .. stepPlacementStart[s+1]). */
  stepPlacementStart: Int32Array;
  stepPlacements: Int32Array;
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

function buildIndex(graph: AttackGraph): GraphIndex {
  const n = graph.nodes.length;
  const m = graph.steps.length;
  const nodeIds = graph.nodes.map((x) => x.id);
  const nodeIndex = new Map<string, number>();
  nodeIds.forEach((id, i) => nodeIndex.set(id, i));
  const severityRank = new Uint8Array(n);
  graph.nodes.forEach((x, i) => {
    if (x.severity) severityRank[i] = SEVERITY_RANK[x.severity];
  });
  const stepFrom = new Int32Array(m);
  const stepTo = new Int32Array(m);
  const likelihood = new Float64Array(m);
  const weight = new Float64Array(m);
  const blocked = new Uint8Array(m);

  // Candidate placements as numeric keys controlOrdinal·n + elementNode: control ordinals follow
  // control-id order and nodes are in id order, so key order is (controlId, elementId) order.
  // Blocking lists are shared between steps (same element and method), so each is read once.
  const controlIds = new Set<string>();
  for (const step of graph.steps) for (const b of step.blockingControls) controlIds.add(b.controlId);
  const sortedControls = [...controlIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const controlOrdinal = new Map<string, number>(sortedControls.map((c, i) => [c, i]));
  const listKeys = new Map<readonly unknown[], number[]>();
  const costByKey = new Map<number, number>();
  const stepLists: number[][] = new Array(m);
  for (let s = 0; s < m; s++) {
    const step = graph.steps[s]!;
    const from = nodeIndex.get(step.from);
    const to = nodeIndex.get(step.to);
    if (from === undefined || to === undefined) throw new Error(`attack step ${step.id} names a node that is not in the graph`);
    stepFrom[s] = from;
    stepTo[s] = to;
    likelihood[s] = step.likelihood;
    weight[s] = -Math.log(step.likelihood);
    blocked[s] = step.blocked ? 1 : 0;
    let keys = listKeys.get(step.blockingControls);
    if (!keys) {
      keys = [];
      for (const b of step.blockingControls) {
        if (b.status === 'IMPLEMENTED') continue;
        const element = nodeIndex.get(b.elementId);
        if (element === undefined) throw new Error(`attack step ${step.id} names a control element that is not in the graph`);
        const key = controlOrdinal.get(b.controlId)! * n + element;
        keys.push(key);
        if (!costByKey.has(key)) costByKey.set(key, b.cost);
      }
      listKeys.set(step.blockingControls, keys);
    }
    stepLists[s] = keys;
  }
  const sortedKeys = [...costByKey.keys()].sort((a, b) => a - b);
  const placementOfKey = new Map<number, number>(sortedKeys.map((k, i) => [k, i]));
  const placementCost = Float64Array.from(sortedKeys, (k) => costByKey.get(k)!);
  const placementControlId = sortedKeys.map((k) => sortedControls[Math.floor(k / n)]!);
  const placementElementId = sortedKeys.map((k) => nodeIds[k % n]!);
  const stepPlacementStart = new Int32Array(m + 1);
  let total = 0;
  for (let s = 0; s < m; s++) stepPlacementStart[s + 1] = total += stepLists[s]!.length;
  const stepPlacements = new Int32Array(total);
  for (let s = 0, q = 0; s < m; s++) {
    const keys = stepLists[s]!;
    const sorted = keys.length > 1 ? keys.map((k) => placementOfKey.get(k)!).sort((a, b) => a - b) : keys.map((k) => placementOfKey.get(k)!);
    for (const p of sorted) stepPlacements[q++] = p;
  }

  const out = csr(n, m, stepFrom);
  const inn = csr(n, m, stepTo);
  const entries = Int32Array.from(graph.entryPointIds.map((id) => nodeIndex.get(id)!));
  const targets = Int32Array.from(graph.targetIds.map((id) => nodeIndex.get(id)!));
  return {
    n,
    m,
    nodeIds,
    nodeIndex,
    nodeType: graph.nodes.map((x) => x.type),
    severityRank,
    stepFrom,
    stepTo,
    likelihood,
    weight,
    blocked,
    outStart: out.start,
    outSteps: out.items,
    inStart: inn.start,
    inSteps: inn.items,
    entries,
    targets,
    placementControlId,
    placementElementId,
    placementCost,
    stepPlacementStart,
    stepPlacements,
  };
}
