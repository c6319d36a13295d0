/**
 * The analysis worker: runs pure engine calls (server/src/engine) in a worker thread of the
 * analysis pool (engine-pool.ts), so the event loop of the server only routes requests.
 *
 * One task is one {@link EngineTask}: an operation name from {@link OPERATIONS}, its arguments and,
 * for operations on an attack graph, where the graph comes from ({@link GraphSource}). Each worker
 * keeps the last few attack graphs it built, by the service's cache key; a task may name only the
 * key, and when the worker does not hold that graph it answers `{ kind: 'miss' }` and the pool sends
 * the task again with the document and catalogue. The graph's integer index (engine/graph-index.ts)
 * is built in the worker by the engine itself, never transferred.
 *
 * Errors come back as data ({@link SerializedError}); the pool turns them into domain errors again.
 */
import {
  buildAttackGraph,
  withSteps,
  findAttackPaths,
  findBaselineGaps,
  costRiskCurve,
  recommendControls,
  reviewControlPlacements,
  whatIfWithGraph,
  type AttackGraph,
  type AttackPathsResult,
  type AttackStep,
  type PlacementAssumption,
  type FindBaselineGapsOptions,
  type PlacementInput,
} from '../engine';
import { attackMethodNames } from '../domain/types';
import { DomainError, EngineLimitError, ValidationError } from '../domain/errors';
import type { Catalogue, ModelDocument, RiskScale } from '../domain/types';
import { riskTotals } from '../services/risk-totals';
import { findNewPaths, type FindNewPathsOptions } from '../engine/new-paths';
import { indexGraph } from '../engine/graph-index';
import { workerData } from 'node:worker_threads';

/** Where the attack graph of a task comes from: the cache key, and the inputs to build it on a miss. */
export interface GraphSource {
  /** Cache key (model state, catalogue version, starting elements), as the analysis service makes it. */
  key: string;
  /** Given on the second try (or always, for documents that are not cached). */
  build?: {
    document: ModelDocument;
    catalogue: Catalogue;
    fromElementIds?: readonly string[];
    assume?: PlacementAssumption;
  };
}

/** An attack path with its steps resolved (what the API serves). */
export type ExpandedPathsResult = Omit<AttackPathsResult, 'paths'> & {
  paths: (AttackPathsResult['paths'][number] & { steps: AttackStep[] })[];
};

type FindOptions = Parameters<typeof findAttackPaths>[1];

/**
 * The operations a worker runs, by name: `(graph, ...args)` for those on an attack graph, plain
 * engine calls otherwise. Results are structured-cloned back to the server thread.
 */
const OPERATIONS = {
  /**
   * Nothing: the pool sends it to start a thread (and load the engine in it) while the model is
   * still being read from Neo4j (EnginePool.warm).
   */
  warm: () => true,
  /** The attack graph itself. */
  graph: (g: AttackGraph) => g,
  /** What a caller needs of the graph without its nodes and steps (which are large to copy). */
  graphSummary: (g: AttackGraph) => ({
    entryPointIds: g.entryPointIds,
    targetIds: g.targetIds,
    nodeCount: g.nodes.length,
    stepCount: indexGraph(g).m, // without making the step objects
  }),
  /** engine findAttackPaths; `first` keeps only the first paths; steps resolved. */
  findAttackPaths: (g: AttackGraph, options: FindOptions, first?: number): ExpandedPathsResult => {
    const result = findAttackPaths(g, options);
    return expand(g, first === undefined ? result : { ...result, paths: result.paths.slice(0, first) });
  },
  /** engine recommendControls (HiGHS MILP). */
  recommendControls: (g: AttackGraph, options: Parameters<typeof recommendControls>[1]) =>
    recommendControls(g, options),
  /** engine whatIf on the document the graph was built from; before and after with steps resolved. */
  whatIf: (
    g: AttackGraph,
    document: ModelDocument,
    catalogue: Catalogue,
    placements: PlacementInput[],
    options: Parameters<typeof whatIfWithGraph>[3],
  ) => {
    // The after paths' steps come from the graph with the placements applied (their reduced
    // likelihoods, IMPLEMENTED statuses), not from the model's graph.
    const { result, afterGraph } = whatIfWithGraph(document, catalogue, placements, options, g);
    return { ...result, before: expand(g, result.before), after: expand(afterGraph, result.after) };
  },
  /** services/risk-totals (the engine's path search over every target). */
  riskTotals: (g: AttackGraph, scale?: RiskScale) => riskTotals(g, scale),
  /** engine findBaselineGaps (no attack graph). */
  findBaselineGaps: (document: ModelDocument, catalogue: Catalogue, options?: FindBaselineGapsOptions) =>
    findBaselineGaps(document, catalogue, options),
  /** engine costRiskCurve (HiGHS, outer approximation). */
  costRiskCurve: (g: AttackGraph, options: Parameters<typeof costRiskCurve>[1]) => costRiskCurve(g, options),
  /**
   * engine findNewPaths: `g` is the graph before a change, `afterDocument` the model after it
   * (advisory watch); paths with steps resolved (after graph), risk totals before and after.
   */
  newPaths: async (
    g: AttackGraph,
    afterDocument: ModelDocument,
    catalogue: Catalogue,
    options: FindNewPathsOptions,
  ) => {
    const after = buildAttackGraph(afterDocument, catalogue);
    const found = await findNewPaths(g, after, { methodNames: attackMethodNames(catalogue), ...options });
    const scale = options.scale ?? 'SAFETY';
    return {
      ...found,
      paths: withSteps(after, found.paths),
      riskBefore: riskTotals(g, scale).totalRisk,
      riskAfter: riskTotals(after, scale).totalRisk,
    };
  },
  /** engine reviewControlPlacements on the document the graph was built from (controls v2 migration report). */
  reviewControlPlacements: (g: AttackGraph, document: ModelDocument, catalogue: Catalogue) =>
    reviewControlPlacements(document, catalogue, undefined, g),
} as const;

export type OperationName = keyof typeof OPERATIONS;
/** Operations that take no attack graph. */
const WITHOUT_GRAPH: ReadonlySet<OperationName> = new Set(['findBaselineGaps', 'warm']);

/** Arguments of an operation after the graph (for graph operations). */
export type OperationArgs<O extends OperationName> = O extends 'findBaselineGaps' | 'warm'
  ? Parameters<(typeof OPERATIONS)[O]>
  : (typeof OPERATIONS)[O] extends (g: AttackGraph, ...rest: infer R) => unknown
    ? R
    : never;
export type OperationResult<O extends OperationName> =
  ReturnType<(typeof OPERATIONS)[O]> extends Promise<infer R> ? R : ReturnType<(typeof OPERATIONS)[O]>;

/** One task for a worker. */
export interface EngineTask {
  op: OperationName;
  args: unknown[];
  /** Required for every operation except findBaselineGaps and warm. */
  graph?: GraphSource;
}

/** An error thrown in the worker, as data. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  field?: string;
  issues?: { path: string; message: string }[];
  limit?: string;
  value?: number;
}

export type TaskOutcome = { kind: 'ok'; value: unknown } | { kind: 'miss' } | { kind: 'error'; error: SerializedError };

/** Graphs kept per worker (a 2,000-device graph is about 15 MB; a 10k-device one held 64 MB of heap after its build, measured 2026-12-03). */
const GRAPH_CACHE_SIZE = 8;
const graphs = new Map<string, AttackGraph>();

/**
 * After this long without a task (ms; the pool's idle timeout, from workerData) the worker keeps
 * only its most recently used graph: the pool keeps one thread however long it is idle, and that
 * thread should not hold up to eight large graphs for good. Another thread stops after as long.
 */
const IDLE_TRIM_MS = Number((workerData as { idleTrimMs?: number } | null)?.idleTrimMs ?? 60_000);
let idleTrim: NodeJS.Timeout | undefined;

/** (Re)starts the idle timer; called when a task ends (runTask stops it when one starts). */
function trimWhenIdle(): void {
  clearTimeout(idleTrim);
  idleTrim = setTimeout(() => {
    // the map's last entry is the most recently used (graphFor moves a hit to the end)
    while (graphs.size > 1) graphs.delete(graphs.keys().next().value as string);
  }, IDLE_TRIM_MS);
  idleTrim.unref();
}

function graphFor(source: GraphSource): AttackGraph | undefined {
  const hit = graphs.get(source.key);
  if (hit) {
    graphs.delete(source.key);
    graphs.set(source.key, hit); // LRU order
    return hit;
  }
  if (!source.build) return undefined;
  const { document, catalogue, fromElementIds, assume } = source.build;
  const graph = buildAttackGraph(document, catalogue, {
    ...(fromElementIds ? { fromElementIds } : {}),
    ...(assume ? { assume } : {}),
  });
  graphs.set(source.key, graph);
  while (graphs.size > GRAPH_CACHE_SIZE) graphs.delete(graphs.keys().next().value as string);
  return graph;
}

function expand(g: AttackGraph, result: AttackPathsResult): ExpandedPathsResult {
  return { ...result, paths: withSteps(g, result.paths) };
}

function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: SerializedError = { name: e.name, message: e.message };
  if (e instanceof DomainError) {
    out.code = e.code;
    if (e.field !== undefined) out.field = e.field;
  }
  if (e instanceof ValidationError) out.issues = e.issues;
  if (e instanceof EngineLimitError) {
    out.limit = e.limit;
    out.value = e.value;
  }
  return out;
}

/** The task handler (piscina calls the default export). Never throws: errors come back as data. */
export default async function runTask(task: EngineTask): Promise<TaskOutcome> {
  clearTimeout(idleTrim);
  try {
    const fn = OPERATIONS[task.op] as (...a: unknown[]) => unknown;
    if (!fn) throw new Error(`unknown engine operation '${String(task.op)}'`);
    if (WITHOUT_GRAPH.has(task.op)) return { kind: 'ok', value: await fn(...task.args) };
    if (!task.graph) throw new Error(`engine operation '${task.op}' needs a graph`);
    const graph = graphFor(task.graph);
    if (!graph) return { kind: 'miss' };
    return { kind: 'ok', value: await fn(graph, ...task.args) };
  } catch (e) {
    return { kind: 'error', error: serializeError(e) };
  } finally {
    trimWhenIdle();
  }
}
