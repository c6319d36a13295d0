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
  placementIndex: ReadonlyMap<string, number>;
  /** Candidate placements that would block step s: stepPlacements[stepPlacementStart[s] .. stepPlacementStart[s+1]). */
  stepPlacementStart: Int32Array;
  stepPlacements: Int32Array;
}

/** Key of a (control, element) placement. */
export function placementKey(controlId: string, elementId: string): string {
  return `${controlId}\u0000${elementId}`;
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

  const placementSet = new Map<string, { controlId: string; elementId: string; cost: number }>();
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
    for (const b of step.blockingControls) {
      if (b.status === 'IMPLEMENTED') continue;
      const key = placementKey(b.controlId, b.elementId);
      if (!placementSet.has(key)) placementSet.set(key, { controlId: b.controlId, elementId: b.elementId, cost: b.cost });
    }
  }
  const keys = [...placementSet.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const placementIndex = new Map<string, number>();
  keys.forEach((k, i) => placementIndex.set(k, i));
  const placementCost = new Float64Array(keys.length);
  const placementControlId: string[] = [];
  const placementElementId: string[] = [];
  keys.forEach((k, i) => {
    const p = placementSet.get(k)!;
    placementCost[i] = p.cost;
    placementControlId.push(p.controlId);
    placementElementId.push(p.elementId);
  });
  const stepPlacementStart = new Int32Array(m + 1);
  const list: number[] = [];
  for (let s = 0; s < m; s++) {
    for (const b of graph.steps[s]!.blockingControls) {
      if (b.status !== 'IMPLEMENTED') list.push(placementIndex.get(placementKey(b.controlId, b.elementId))!);
    }
    stepPlacementStart[s + 1] = list.length;
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
    placementIndex,
    stepPlacementStart,
    stepPlacements: Int32Array.from(list),
  };
}
