/**
 * Analysis of one model: loads its snapshot (ModelService, cached per model version) and runs the
 * pure engine (server/src/engine) in the analysis pool's worker threads (workers/engine-pool.ts),
 * so the event loop only routes requests. Attack graphs are built in the workers and cached there
 * per (model version, catalogue version, starting elements); derived results (recommendations,
 * device indexes, risk totals) are cached here. Any write to the model bumps its version, so a
 * stale projection is never used; several server instances stay consistent because the version
 * lives in Neo4j.
 *
 * Who asks matters (services/analysis-scope.ts): each role has a cap on `timeLimitMs`, on the
 * analyses one request may start and on the recommendation budgets one request may ask for; each
 * caller has a limit of analyses in flight; a task is aborted when its client goes away or its
 * deadline passes. Calls outside a request run as the system (largest caps).
 */
import os from 'node:os';
import type {
  AttackGraph,
  AttackPath,
  AttackPathsResult,
  AttackStep,
  BaselineGap,
  ControlReview,
  CostRiskCurve,
  FindAttackPathsOptions,
  PlacementAssumption,
  PlacementInput,
  Recommendation,
  RecommendedPlacement,
  WhatIfResult,
} from '../engine';
import { attackMethodNames } from '../domain/types';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { RiskTotals } from './risk-totals';
import type { ModelDocument, RiskScale, Severity } from '../domain/types';
import { elementOfNode } from '../engine/types';
import type { FindNewPathsOptions } from '../engine/new-paths';
import type { CatalogueService } from './catalogue-service';
import type { ModelService, ModelSnapshot } from './model-service';
import { EnginePool } from '../workers/engine-pool';
import { cacheView, SizedPromiseCache, type PromiseCacheView } from './sized-cache';
import type { GraphSource, OperationArgs, OperationName, OperationResult } from '../workers/engine-worker';
import {
  currentAnalysisScope,
  DEFAULT_ANALYSIS_CACHE_BYTES,
  defaultAnalysisOptions,
  taskDeadlineMs,
  withAnalysisSignal,
  type AnalysisOptions,
  type AnalysisRolePolicy,
} from './analysis-scope';
import {
  DEFAULT_MAX_PATHS,
  MAX_LISTED_TARGETS,
  PATHS_DEFAULT_TIME_LIMIT_MS,
  RECOMMEND_DEFAULT_TIME_LIMIT_MS,
} from './analysis-defaults';

/** An attack graph with its step lookup, as cached. */
export interface AnalysedGraph {
  graph: AttackGraph;
  stepById: ReadonlyMap<string, AttackStep>;
  entryPointIds: ReadonlySet<string>;
  targetIds: ReadonlySet<string>;
}

/**
 * Which stored model state a document is: the model, its creation time (a model deleted and
 * re-created under the same id starts again at version 1) and the version. Such a state never
 * changes, so its analysis can be cached.
 */
export interface DocumentIdentity {
  modelId: string;
  createdAt: string;
  version: number;
}

/** An attack path with its steps resolved (what the API serves). */
export type ExpandedPath = AttackPath & { steps: AttackStep[] };
export type ExpandedPathsResult = Omit<AttackPathsResult, 'paths'> & { paths: ExpandedPath[] };

/** Hard limits on analysis arguments (GraphQL docstrings repeat them); roles may cap time limits lower. */
export const ANALYSIS_LIMITS = {
  k: { min: 1, max: 20 },
  first: { min: 1, max: 5000 },
  maxDepth: { min: 1, max: 50 },
  maxPaths: { min: 1, max: 200000 },
  pathsTimeLimitMs: { min: 1, max: 30000 },
  recommendTimeLimitMs: { min: 100, max: 60000 },
  fromElementIds: { max: 1000 },
  maxBreakpoints: { min: 1, max: 200 },
  placements: { max: 1000 },
} as const;

export {
  DEFAULT_MAX_PATHS,
  MAX_LISTED_TARGETS,
  PATHS_DEFAULT_TIME_LIMIT_MS,
  RECOMMEND_DEFAULT_TIME_LIMIT_MS,
} from './analysis-defaults';

/** Search limits of the path search, as the API takes them (ThreatModel.attackPaths, whatIf). */
export interface PathLimits {
  /** Steps per path, 1..50 (default 25); a longer path raises EngineLimitError('maxDepth'). */
  maxDepth?: number;
  /**
   * Paths in total, 1..200000. Omitted: the top {@link DEFAULT_MAX_PATHS} are kept and the result
   * says `truncated`; given: more paths raise EngineLimitError('maxPaths').
   */
  maxPaths?: number;
  /** Wall-clock ms, 1..30000 (default 5000); EngineLimitError('timeLimitMs') beyond. */
  timeLimitMs?: number;
}

/** Checks {@link PathLimits} against {@link ANALYSIS_LIMITS} and turns them into engine options. */
function pathLimits(
  options: PathLimits,
): Pick<FindAttackPathsOptions, 'maxDepth' | 'maxPaths' | 'timeLimitMs' | 'onMaxPaths'> {
  checkRange('maxDepth', options.maxDepth, ANALYSIS_LIMITS.maxDepth);
  checkRange('maxPaths', options.maxPaths, ANALYSIS_LIMITS.maxPaths);
  checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.pathsTimeLimitMs);
  return {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    ...(options.maxPaths !== undefined
      ? { maxPaths: options.maxPaths, onMaxPaths: 'raise' as const }
      : { maxPaths: DEFAULT_MAX_PATHS, onMaxPaths: 'truncate' as const }),
  };
}

function checkRange(name: string, value: number | undefined, range: { min: number; max: number }): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new ValidationError(`${name} must be between ${range.min} and ${range.max}`, name);
  }
}

/** Cache key of an attack graph: the model state, the catalogue, the starting elements and which placements count. */
const graphKey = (
  id: DocumentIdentity,
  catalogueVersion: string,
  from: readonly string[] | null,
  assume: PlacementAssumption = 'IMPLEMENTED',
): string =>
  JSON.stringify([
    id.modelId,
    id.createdAt,
    id.version,
    catalogueVersion,
    from,
    ...(assume === 'IMPLEMENTED' ? [] : [assume]),
  ]);

/** How the graph of an analysis is built: where the attacker starts, which placements count (controls v2). */
export interface GraphOptions {
  fromElementIds?: readonly string[];
  assume?: PlacementAssumption;
}

let uncached = 0;

/** The graph of a task: its key, and how to build it in a worker that does not hold it. */
type GraphRef = { key: string; build: () => Promise<NonNullable<GraphSource['build']>> };

export class AnalysisService {
  /**
   * Every kept result (graphs, paths, recommendations, curves, reviews, per-device indexes, risk
   * totals) under one budget of estimated bytes (MEDTHREAT_ANALYSIS_CACHE_MB), least recently
   * used first out: a few results of a large model do not pile up beside many of small ones.
   */
  private readonly cache: SizedPromiseCache<unknown>;
  /** Attack graphs fetched from the workers (only for callers that want the whole graph). */
  private readonly graphs: PromiseCacheView<AnalysedGraph>;
  /** Exact recommendations per (model state, catalogue, arguments): a MILP solve is worth keeping. */
  private readonly recommendations: PromiseCacheView<Recommendation & { scale: RiskScale }>;
  /** attackPaths answers (without fromElementIds) per (model state, catalogue, arguments). */
  private readonly pathResults: PromiseCacheView<ExpandedPathsResult>;
  /** Cost–risk curves per (model state, catalogue, arguments): many MILP solves, worth keeping. */
  private readonly curves: PromiseCacheView<CostRiskCurve>;
  /** Control reviews per (model state, catalogue). */
  private readonly reviews: PromiseCacheView<ControlReview>;
  /** Attack paths by device per (model state, catalogue, k, minSeverity, maxDepth, scale). */
  private readonly pathsByDevice: PromiseCacheView<DevicePathIndex>;
  /** Recommended placements by device per (model state, catalogue, minSeverity, scale). */
  private readonly placementsByDevice: PromiseCacheView<DeviceRecommendationIndex>;
  /** Risk totals per (attack-graph key, scale). */
  private readonly totals: PromiseCacheView<RiskTotals>;
  /** Graph summaries (entry points, targets, sizes) per attack-graph key. */
  private readonly summaries: PromiseCacheView<{
    entryPointIds: string[];
    targetIds: string[];
    nodeCount: number;
    stepCount: number;
  }>;
  private readonly options: AnalysisOptions;
  private readonly pool: EnginePool;

  /**
   * @param options pool size, queue and per-role caps (default: {@link defaultAnalysisOptions} for
   *   this machine's cores); config.ts reads them from MEDTHREAT_ANALYSIS_* variables
   */
  constructor(
    private readonly models: ModelService,
    private readonly catalogues: CatalogueService,
    options?: AnalysisOptions,
  ) {
    this.options = options ?? defaultAnalysisOptions(os.availableParallelism());
    this.pool = new EnginePool(this.options.pool);
    this.cache = new SizedPromiseCache<unknown>(this.options.cache?.analysisBytes ?? DEFAULT_ANALYSIS_CACHE_BYTES);
    this.graphs = cacheView(this.cache, 'graph');
    this.recommendations = cacheView(this.cache, 'recommend');
    this.pathResults = cacheView(this.cache, 'paths');
    this.curves = cacheView(this.cache, 'curve');
    this.reviews = cacheView(this.cache, 'review');
    this.pathsByDevice = cacheView(this.cache, 'pathsByDevice');
    this.placementsByDevice = cacheView(this.cache, 'placementsByDevice');
    this.totals = cacheView(this.cache, 'totals');
    this.summaries = cacheView(this.cache, 'graphSummary');
  }

  /** Entries and estimated bytes the analysis cache holds (its budget: MEDTHREAT_ANALYSIS_CACHE_MB). */
  cacheStats(): { entries: number; bytes: number; maxBytes: number } {
    return { entries: this.cache.size, bytes: this.cache.bytes, maxBytes: this.cache.maxBytes };
  }

  /** Counters of the analysis pool (running, waiting, completed, cancelled, timed out, refused). */
  poolStats() {
    return this.pool.stats();
  }

  /** Stops the worker threads (at shutdown); analyses asked for afterwards fail with SERVICE_UNAVAILABLE. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /** The caps of the current caller's role (the system: EDITOR's, or larger ADMIN's). */
  private policy(): AnalysisRolePolicy {
    const role = currentAnalysisScope()?.role;
    if (role) return this.options.roles[role];
    const { EDITOR, ADMIN } = this.options.roles;
    return EDITOR.maxTimeLimitMs >= ADMIN.maxTimeLimitMs ? EDITOR : ADMIN;
  }

  /**
   * Refuses a `timeLimitMs` above the caller's role cap (BAD_USER_INPUT naming the cap); an
   * omitted one becomes min(default, cap).
   */
  private capTimeLimit(value: number | undefined, engineDefault: number): number {
    const cap = this.policy().maxTimeLimitMs;
    const role = currentAnalysisScope()?.role;
    if (value !== undefined && value > cap) {
      throw new ValidationError(
        `timeLimitMs must be at most ${cap} ms for ${role ? `the ${role} role` : 'this caller'} ` +
          `(role cap, MEDTHREAT_ANALYSIS_${role ?? 'EDITOR'}_MAX_MS)`,
        'timeLimitMs',
      );
    }
    return value ?? Math.min(engineDefault, cap);
  }

  /**
   * Runs one engine operation in the pool as the current caller: counts it against the request's
   * cap, applies the caller's deadline and abort signal.
   */
  private async run<O extends OperationName>(
    op: O,
    args: OperationArgs<O>,
    graph?: GraphRef,
  ): Promise<OperationResult<O>> {
    const scope = currentAnalysisScope();
    const policy = this.policy();
    if (scope?.role) {
      if (scope.usage.analyses >= policy.maxAnalysesPerRequest) {
        throw new ValidationError(
          `at most ${policy.maxAnalysesPerRequest} analyses per request for the ${scope.role} role ` +
            `(MEDTHREAT_ANALYSIS_${scope.role}_MAX_PER_REQUEST); send the others in another request`,
          'analysesPerRequest',
        );
      }
      scope.usage.analyses++;
    }
    return this.pool.run(op, args, graph, {
      principalKey: scope?.principalKey ?? 'system',
      deadlineMs: taskDeadlineMs(policy),
      ...(scope?.signal ? { signal: scope.signal } : {}),
    });
  }

  /** The graph reference of the model's current state (and the snapshot it is of). */
  private async graphOf(
    modelId: string,
    fromElementIds?: readonly string[],
    assume: PlacementAssumption = 'IMPLEMENTED',
  ): Promise<{ ref: GraphRef; snap: ModelSnapshot }> {
    if (fromElementIds && fromElementIds.length > ANALYSIS_LIMITS.fromElementIds.max) {
      throw new ValidationError(`at most ${ANALYSIS_LIMITS.fromElementIds.max} starting elements`, 'fromElementIds');
    }
    // While the model is read: the catalogue (its version check) and a worker thread start.
    void this.pool.warm();
    const catalogueRead = this.catalogues.current();
    catalogueRead.catch(() => undefined); // reported below, after the snapshot's own errors
    const snap = await this.models.snapshot(modelId);
    const { document, version, createdAt } = snap;
    const catalogue = await catalogueRead;
    const from = fromElementIds && fromElementIds.length ? [...new Set(fromElementIds)].sort() : undefined;
    if (from) {
      const known = new Set<string>([
        ...document.zones.map((z) => z.id),
        ...document.devices.map((d) => d.id),
        ...document.interfaces.map((i) => i.id),
        ...document.channels.map((c) => c.id),
        ...document.assets.map((a) => a.id),
      ]);
      const i = fromElementIds!.findIndex((id) => !known.has(id));
      if (i >= 0) {
        throw new ValidationError(
          `unknown element '${fromElementIds![i]}' in model '${modelId}'`,
          `fromElementIds[${i}]`,
        );
      }
    }
    const key = graphKey({ modelId, createdAt, version }, catalogue.catalogueVersion, from ?? null, assume);
    return {
      snap,
      ref: {
        key,
        build: async () => ({
          document,
          catalogue,
          ...(from ? { fromElementIds: from } : {}),
          ...(assume !== 'IMPLEMENTED' ? { assume } : {}),
        }),
      },
    };
  }

  /** The graph reference of any document: under its identity's key, or a key of its own. */
  private async graphOfDocument(document: ModelDocument, identity?: DocumentIdentity): Promise<GraphRef> {
    const catalogue = await this.catalogues.current();
    const key = identity
      ? graphKey(identity, catalogue.catalogueVersion, null)
      : JSON.stringify(['uncached', process.pid, ++uncached]);
    return { key, build: async () => ({ document, catalogue }) };
  }

  /** The whole graph of `ref`, fetched from a worker once and kept here (size-bounded LRU). */
  private fetchGraph(ref: GraphRef, cache: boolean): Promise<AnalysedGraph> {
    const hit = this.graphs.get(ref.key);
    if (hit) return hit;
    const fetching = this.run('graph', [], ref).then(lookups);
    if (!cache) return fetching;
    // Sized by counts (a walk over 300k objects would take most of a second at 10k devices):
    // estimateSize finds about 740 bytes per node or step with the lookup maps.
    this.graphs.set(ref.key, fetching, (a) => 750 * (a.graph.nodes.length + a.graph.steps.length));
    return fetching;
  }

  /**
   * Starts an analysis worker thread, if none runs, and loads the engine in it (EnginePool.warm).
   * Resolves when that thread has loaded the engine; if a thread already runs it resolves at once,
   * even if that thread is still starting. A failure is ignored (the next task reports it).
   * Requests do this by themselves while the model is read; `npm run bench` calls it on a fresh
   * service set to time a build apart from the thread's start-up.
   */
  warmUp(): Promise<void> {
    return this.pool.warm();
  }

  /**
   * Starts the analysis thread the pool keeps and waits until it has loaded the engine
   * (EnginePool.ready): the server calls it before it listens (main.ts).
   * @param timeoutMs how long loading may take (default 60,000 ms)
   * @throws ServiceUnavailableError with the worker's error when the engine cannot be loaded
   */
  start(timeoutMs?: number): Promise<void> {
    return this.pool.ready(timeoutMs);
  }

  /**
   * The attack graph of the model's current version (built once per version and start set, in a
   * worker; the whole graph is copied to this thread, so use it only to serve the graph itself).
   * @param fromElementIds start from these elements as already compromised instead of the entry zones
   * @throws NotFoundError for the model; ValidationError for unknown element ids
   */
  async attackGraph(modelId: string, fromElementIds?: readonly string[]): Promise<AnalysedGraph> {
    const { ref } = await this.graphOf(modelId, fromElementIds);
    return this.fetchGraph(ref, true);
  }

  /**
   * The entry points, targets and sizes of the model's attack graph, without copying its nodes
   * and steps out of the worker (the projection stays there; a 10k-device graph takes seconds to
   * copy). Validates `fromElementIds` as {@link attackGraph} does. Cached per graph.
   * @throws NotFoundError for the model; ValidationError for unknown element ids
   */
  async attackGraphSummary(
    modelId: string,
    fromElementIds?: readonly string[],
  ): Promise<{ entryPointIds: string[]; targetIds: string[]; nodeCount: number; stepCount: number }> {
    const { ref } = await this.graphOf(modelId, fromElementIds);
    const hit = this.summaries.get(ref.key);
    if (hit) return hit;
    const computing = this.run('graphSummary', [], ref);
    this.summaries.set(ref.key, computing);
    return computing;
  }

  /**
   * The attack graph of any model document: the current version, an earlier one, or a snapshot's.
   * With `identity` (which stored model state the document is) the graph is cached under the same
   * key as {@link attackGraph}, so the current version is built once for both, and an earlier
   * version (which never changes) once per catalogue version. Without it nothing is cached.
   * @throws ValidationError when the document is structurally unusable (see buildAttackGraph)
   */
  async analyseDocument(document: ModelDocument, identity?: DocumentIdentity): Promise<AnalysedGraph> {
    return this.fetchGraph(await this.graphOfDocument(document, identity), identity !== undefined);
  }

  /**
   * Risk totals of a model document (services/risk-totals.ts: total risk, targets reachable, worst
   * severity, …) with the current catalogue, computed in a worker; cached per model state when
   * `identity` is given.
   * @throws EngineLimitError ('timeLimitMs') on a model too large to search in 30 s
   */
  async riskTotals(
    document: ModelDocument,
    identity?: DocumentIdentity,
    scale: RiskScale = 'SAFETY',
  ): Promise<RiskTotals> {
    const ref = await this.graphOfDocument(document, identity);
    if (!identity) return this.run('riskTotals', [scale], ref);
    const key = `${ref.key}\u0000${scale}`;
    const hit = this.totals.get(key);
    if (hit) return hit;
    const computing = this.run('riskTotals', [scale], ref);
    this.totals.set(key, computing);
    return computing;
  }

  /**
   * The k most likely attack paths per target and the model's risk totals. Without `maxPaths` the
   * top {@link DEFAULT_MAX_PATHS} paths are returned with `truncated` set when there are more.
   * Answers without `fromElementIds` are cached per model version, catalogue version and
   * arguments; callers must not modify them.
   * @throws ValidationError for arguments outside {@link ANALYSIS_LIMITS} or `timeLimitMs` above
   *   the caller's role cap; EngineLimitError when a limit is hit (maxDepth, timeLimitMs, or an
   *   explicit maxPaths), naming it
   */
  async attackPaths(
    modelId: string,
    options: {
      k?: number;
      first?: number;
      minSeverity?: Severity;
      scale?: RiskScale;
      targetIds?: string[];
      fromElementIds?: string[];
      assume?: PlacementAssumption;
    } & PathLimits,
  ): Promise<ExpandedPathsResult> {
    checkRange('k', options.k, ANALYSIS_LIMITS.k);
    checkRange('first', options.first, ANALYSIS_LIMITS.first);
    const limits = pathLimits(options);
    const timeLimitMs = this.capTimeLimit(limits.timeLimitMs, PATHS_DEFAULT_TIME_LIMIT_MS);
    const { fromElementIds, assume, first, maxDepth: _d, maxPaths: _p, timeLimitMs: _t, ...rest } = options;
    const args: OperationArgs<'findAttackPaths'> = [{ ...rest, ...limits, timeLimitMs }, first];
    if (fromElementIds?.length) {
      const { ref } = await this.graphOf(modelId, fromElementIds, assume);
      return this.run('findAttackPaths', args, ref);
    }
    // the same question on the same model state is answered once (identical dashboards, polling clients)
    return this.perVersion(
      modelId,
      ['attackPaths', args, assume ?? 'IMPLEMENTED'],
      this.pathResults,
      (_snap, ref) => this.run('findAttackPaths', args, ref),
      { ...(assume ? { assume } : {}) },
    );
  }

  /**
   * The attack paths that a change of the model's evidence would open (advisory watch): `after`
   * is the model's current document with the change applied (not stored). Paths to targets of at
   * least `minSeverity` that use a step the change adds, the targets they reach (and which no path
   * reached before), the cheapest placements removing all of them (engine/new-paths.ts), and the
   * total risk on `scale` before and after (probability × severity rank, summed). Runs in a worker;
   * not cached (the change is the caller's).
   * @throws NotFoundError for the model; ValidationError for a bad time limit or one above the
   *   caller's role cap; EngineLimitError past the search or solver limits
   */
  async newPaths(modelId: string, after: ModelDocument, options: FindNewPathsOptions = {}) {
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.recommendTimeLimitMs);
    const timeLimitMs = this.capTimeLimit(options.timeLimitMs, RECOMMEND_DEFAULT_TIME_LIMIT_MS);
    const { ref } = await this.graphOf(modelId);
    const catalogue = await this.catalogues.current();
    return this.run('newPaths', [after, catalogue, { ...options, timeLimitMs }], ref);
  }

  /**
   * {@link newPaths} between two given documents: `before` (e.g. the model as an import found it)
   * and `after` (as the import wrote it), neither of them necessarily current. Both graphs are
   * built in a worker (the before graph under a key of its own, not cached). Same result and
   * errors as newPaths.
   */
  async newPathsBetween(before: ModelDocument, after: ModelDocument, options: FindNewPathsOptions = {}) {
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.recommendTimeLimitMs);
    const timeLimitMs = this.capTimeLimit(options.timeLimitMs, RECOMMEND_DEFAULT_TIME_LIMIT_MS);
    const ref = await this.graphOfDocument(before);
    const catalogue = await this.catalogues.current();
    return this.run('newPaths', [after, catalogue, { ...options, timeLimitMs }], ref);
  }

  /**
   * Exact minimum-cost control placements cutting every path to targets ≥ minSeverity, or the
   * budget variant (max risk removed for at most `budget` cost units), on one risk `scale`
   * (default SAFETY). Cached per model version, catalogue version and arguments, the scale
   * included (concurrent equal requests share one solve); callers must not modify the result.
   * @throws ValidationError for `timeLimitMs` out of range or above the caller's role cap, for a
   *   bad budget, or for more distinct budgets in one request than the role allows
   */
  async recommendControls(
    modelId: string,
    options: {
      minSeverity: Severity;
      budget?: number;
      timeLimitMs?: number;
      scale?: RiskScale;
    } & GraphOptions,
  ): Promise<Recommendation & { scale: RiskScale }> {
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.recommendTimeLimitMs);
    const timeLimitMs = this.capTimeLimit(options.timeLimitMs, RECOMMEND_DEFAULT_TIME_LIMIT_MS);
    if (options.budget !== undefined && !(options.budget >= 0 && Number.isFinite(options.budget))) {
      throw new ValidationError('budget must be a non-negative number of cost units', 'budget');
    }
    const scope = currentAnalysisScope();
    if (options.budget !== undefined && scope?.role) {
      const points = scope.usage.budgetPoints;
      const max = this.policy().maxBudgetPointsPerRequest;
      if (!points.has(options.budget) && points.size >= max) {
        throw new ValidationError(
          `at most ${max} different budget${max === 1 ? '' : 's'} per request for the ${scope.role} role ` +
            `(MEDTHREAT_ANALYSIS_${scope.role}_MAX_BUDGET_POINTS)`,
          'budget',
        );
      }
      points.add(options.budget);
    }
    const scale = options.scale ?? 'SAFETY';
    const { fromElementIds, assume, ...engineOptions } = options;
    const from = fromElementIds?.length ? [...new Set(fromElementIds)].sort() : undefined;
    const args = [
      options.minSeverity,
      options.budget ?? null,
      timeLimitMs,
      scale,
      from ?? null,
      assume ?? 'IMPLEMENTED',
    ];
    return this.perVersion(
      modelId,
      ['recommend', ...args],
      this.recommendations,
      async (_snap, ref) => {
        const methodNames = attackMethodNames(await this.catalogues.current());
        return {
          ...(await this.run(
            'recommendControls',
            [{ ...engineOptions, scale, timeLimitMs, maxListedTargets: MAX_LISTED_TARGETS, methodNames }],
            ref,
          )),
          scale,
        };
      },
      { ...(from ? { fromElementIds: from } : {}), ...(assume ? { assume } : {}) },
    );
  }

  /**
   * Paths and totals before and after hypothetical placements; nothing is written. Limits as
   * {@link attackPaths} (without maxPaths: the top 500 of each side, `truncated` set when more).
   * @throws ValidationError for bad placements or arguments; EngineLimitError naming the limit hit
   */
  async whatIf(
    modelId: string,
    placements: PlacementInput[],
    options: { minSeverity?: Severity; k?: number; scale?: RiskScale } & PathLimits & GraphOptions,
  ): Promise<Omit<WhatIfResult, 'before' | 'after'> & { before: ExpandedPathsResult; after: ExpandedPathsResult }> {
    if (placements.length > ANALYSIS_LIMITS.placements.max) {
      throw new ValidationError(`at most ${ANALYSIS_LIMITS.placements.max} placements`, 'placements');
    }
    checkRange('k', options.k, ANALYSIS_LIMITS.k);
    const limits = pathLimits(options);
    placements.forEach((p, i) => {
      if (p.cost !== undefined && !(Number.isFinite(p.cost) && p.cost >= 0)) {
        throw new ValidationError('cost must be a non-negative number of cost units', `placements[${i}].cost`);
      }
    });
    const { ref, snap } = await this.graphOf(modelId, options.fromElementIds, options.assume);
    const catalogue = await this.catalogues.current();
    try {
      const { maxDepth: _d, maxPaths: _p, timeLimitMs: _t, fromElementIds, ...rest } = options;
      const from = fromElementIds?.length ? { fromElementIds: [...new Set(fromElementIds)].sort() } : {};
      return await this.run('whatIf', [snap.document, catalogue, placements, { ...rest, ...from, ...limits }], ref);
    } catch (e) {
      // the engine names its input extraPlacements; the API argument is placements
      if (e instanceof ValidationError) {
        throw new ValidationError(
          e.issues.map((i) => ({ ...i, path: i.path.replace(/^extraPlacements/, 'placements') })),
        );
      }
      throw e;
    }
  }

  /**
   * The cost–risk curve of the model (controls v2; engine costRiskCurve): the budgets at which the
   * best plan changes, each with its plan and residual risk, on one `scale`. Cached per model
   * version, catalogue version and arguments; computed in the analysis pool.
   * @param options.maxBreakpoints 1..200 (default 30)
   * @param options.timeLimitMs ms, 100..60000 (default 30000), capped by the caller's role
   * @throws ValidationError for arguments out of range or unknown starting elements
   */
  async costRiskCurve(
    modelId: string,
    options: {
      minSeverity?: Severity;
      scale?: RiskScale;
      maxBreakpoints?: number;
      timeLimitMs?: number;
      riskResolution?: number;
    } & GraphOptions,
  ): Promise<CostRiskCurve> {
    checkRange('maxBreakpoints', options.maxBreakpoints, ANALYSIS_LIMITS.maxBreakpoints);
    if (options.riskResolution !== undefined && !(options.riskResolution >= 1e-6 && options.riskResolution <= 0.5))
      throw new ValidationError('riskResolution must be between 0.000001 and 0.5', 'riskResolution');
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.recommendTimeLimitMs);
    const timeLimitMs = this.capTimeLimit(options.timeLimitMs, CURVE_DEFAULT_TIME_LIMIT_MS);
    const { fromElementIds, assume, ...rest } = options;
    const from = fromElementIds?.length ? [...new Set(fromElementIds)].sort() : undefined;
    const engineOptions = {
      minSeverity: rest.minSeverity ?? 'CRITICAL',
      scale: rest.scale ?? 'SAFETY',
      maxBreakpoints: rest.maxBreakpoints ?? 30,
      timeLimitMs,
      ...(rest.riskResolution !== undefined ? { riskResolution: rest.riskResolution } : {}),
    } as const;
    return this.perVersion(
      modelId,
      ['curve', engineOptions, from ?? null, assume ?? 'IMPLEMENTED'],
      this.curves,
      (_snap, ref) => this.run('costRiskCurve', [engineOptions], ref),
      { ...(from ? { fromElementIds: from } : {}), ...(assume ? { assume } : {}) },
    );
  }

  /**
   * The control review of the model (controls v2 migration report): placements that no longer fit
   * their element, and implemented or planned ones whose control no longer prevents the steps it
   * was counted as cutting, with the safety risk as believed and as it is. Cached per model version
   * and catalogue version, computed in the analysis pool.
   * @throws NotFoundError for the model
   */
  async controlReview(modelId: string): Promise<ControlReview> {
    const catalogue = await this.catalogues.current();
    return this.perVersion(modelId, ['controlReview'], this.reviews, (snap, ref) =>
      this.run('reviewControlPlacements', [snap.document, catalogue], ref),
    );
  }

  /**
   * Baseline requirements per device (TR 67 Table 3 and, for telehealth use, Table 2, both
   * reconstructed; engine findBaselineGaps), computed in a worker: MET, PLANNED, MISSING or
   * NOT_APPLICABLE with the reason. `deviceId` keeps one device's rows; `onlyGaps` the rows that
   * count as gaps (never NOT_APPLICABLE); `assume: IMPLEMENTED_AND_PLANNED` counts planned
   * placements as in force.
   */
  async baselineGaps(
    modelId: string,
    options: { deviceId?: string; onlyGaps?: boolean; assume?: PlacementAssumption },
  ): Promise<BaselineGap[]> {
    const { document } = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    const gaps = await this.run('findBaselineGaps', [
      document,
      catalogue,
      options.assume ? { assume: options.assume } : {},
    ]);
    return gaps.filter((g) => (!options.deviceId || g.deviceId === options.deviceId) && (!options.onlyGaps || g.gap));
  }

  /**
   * The model's attack paths indexed by the devices they pass through (see
   * {@link DevicePathIndex}): the k most likely paths per target ≥ minSeverity, found over the
   * whole model with the largest limits (maxPaths 200000, timeLimitMs 30000, or the caller's role
   * cap if lower) and cached per model version, catalogue version, k, minSeverity, maxDepth and scale.
   * @param options.k paths per target, 1..20 (default 3)
   * @param options.minSeverity default NEGLIGIBLE (every target)
   * @param options.maxDepth steps per path, 1..50 (default 25)
   * @param options.scale risk scale of the targets, default SAFETY
   * @throws ValidationError for k or maxDepth out of range; EngineLimitError if the model is too
   *   large for the limits (maxPaths, timeLimitMs) or a path is longer than maxDepth
   */
  async attackPathsByDevice(
    modelId: string,
    options: { k?: number; minSeverity?: Severity; maxDepth?: number; scale?: RiskScale } = {},
  ): Promise<DevicePathIndex> {
    checkRange('k', options.k, ANALYSIS_LIMITS.k);
    checkRange('maxDepth', options.maxDepth, ANALYSIS_LIMITS.maxDepth);
    const k = options.k ?? 3;
    const minSeverity = options.minSeverity ?? 'NEGLIGIBLE';
    const maxDepth = options.maxDepth ?? 25;
    const scale = options.scale ?? 'SAFETY';
    return this.perVersion(
      modelId,
      ['paths', k, minSeverity, maxDepth, scale],
      this.pathsByDevice,
      async (snap, ref) => {
        const result = await this.run(
          'findAttackPaths',
          [
            {
              k,
              minSeverity,
              maxDepth,
              scale,
              maxPaths: ANALYSIS_LIMITS.maxPaths.max,
              timeLimitMs: this.capTimeLimit(undefined, ANALYSIS_LIMITS.pathsTimeLimitMs.max),
            },
          ],
          ref,
        );
        const owners = deviceOwners(snap.document);
        const byDevice = new Map<string, ExpandedPath[]>();
        for (const path of result.paths) {
          // node ids are capabilities on elements (element id or elementId#CAPABILITY)
          const devices = new Set(path.nodeIds.flatMap((id) => owners.get(elementOfNode(id)) ?? []));
          for (const d of devices) {
            const list = byDevice.get(d);
            if (list) list.push(path);
            else byDevice.set(d, [path]);
          }
        }
        return {
          pathsThrough: (deviceId, first) => {
            checkRange('first', first, ANALYSIS_LIMITS.first);
            return (byDevice.get(deviceId) ?? []).slice(0, first);
          },
        };
      },
    );
  }

  /**
   * The placements of the model's exact recommendation for `minSeverity` (as
   * {@link recommendControls}, cached) indexed by the devices they sit on (see
   * {@link DeviceRecommendationIndex}), cached per model version.
   */
  async recommendationByDevice(
    modelId: string,
    options: { minSeverity?: Severity; scale?: RiskScale } = {},
  ): Promise<DeviceRecommendationIndex> {
    const minSeverity = options.minSeverity ?? 'CRITICAL';
    const scale = options.scale ?? 'SAFETY';
    return this.perVersion(modelId, ['placements', minSeverity, scale], this.placementsByDevice, async (snap) => {
      const recommendation = await this.recommendControls(modelId, { minSeverity, scale });
      const owners = deviceOwners(snap.document, { assets: false });
      const byDevice = new Map<string, RecommendedPlacement[]>();
      for (const p of recommendation.placements) {
        for (const d of owners.get(p.elementId) ?? []) {
          const list = byDevice.get(d);
          if (list) list.push(p);
          else byDevice.set(d, [p]);
        }
      }
      return { placementsOn: (deviceId) => byDevice.get(deviceId) ?? [] };
    });
  }

  /**
   * The model's attack paths that pass through device `deviceId` (the device, one of its
   * interfaces or assets, or a channel to or from it), ranked as the engine ranks them (risk
   * descending, then id), at most `first` (1..5000, default 20).
   * @throws NotFoundError for the model or the device; ValidationError for arguments out of range
   */
  async deviceAttackPaths(
    modelId: string,
    deviceId: string,
    options: { k?: number; minSeverity?: Severity; first?: number; maxDepth?: number; scale?: RiskScale } = {},
  ): Promise<ExpandedPath[]> {
    checkRange('first', options.first, ANALYSIS_LIMITS.first);
    await this.requireDevice(modelId, deviceId);
    return (await this.attackPathsByDevice(modelId, options)).pathsThrough(deviceId, options.first ?? 20);
  }

  /**
   * The placements of the model's exact recommendation (minSeverity default CRITICAL) that sit on
   * device `deviceId`, its interfaces, or a channel to or from it; [] when none does.
   * @throws NotFoundError for the model or the device
   */
  async deviceRecommendedControls(
    modelId: string,
    deviceId: string,
    options: { minSeverity?: Severity; scale?: RiskScale } = {},
  ): Promise<RecommendedPlacement[]> {
    await this.requireDevice(modelId, deviceId);
    return (await this.recommendationByDevice(modelId, options)).placementsOn(deviceId);
  }

  private async requireDevice(modelId: string, deviceId: string): Promise<void> {
    const { document } = await this.models.snapshot(modelId);
    if (!document.devices.some((d) => d.id === deviceId)) {
      throw new NotFoundError(`device '${deviceId}' does not exist in model '${modelId}'`, 'deviceId');
    }
  }

  /**
   * A value computed from the attack graph of the model's current state, cached under (model,
   * creation time, version, catalogue version, ...extra); concurrent callers share one
   * computation and a failed one is not kept. The snapshot handed to `build` is the state the
   * graph reference is of: if the model changed meanwhile, it is computed again (at most 3 times,
   * then ConflictError). The shared computation is cancelled only when every caller waiting for
   * it has gone away (their abort signals).
   */
  private async perVersion<T>(
    modelId: string,
    extra: unknown[],
    cache: PromiseCacheView<T>,
    build: (snap: ModelSnapshot, ref: GraphRef) => T | Promise<T>,
    graph: GraphOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const snap = await this.models.snapshot(modelId);
      const catalogue = await this.catalogues.current();
      const key = JSON.stringify([modelId, snap.createdAt, snap.version, catalogue.catalogueVersion, ...extra]);
      let entry = cache.get(key); // also makes it the most recently used
      if (!entry) {
        const shared = new AbortController();
        const computing = withAnalysisSignal(shared.signal, async () => {
          const { ref, snap: built } = await this.graphOf(modelId, graph.fromElementIds, graph.assume);
          const value = await build(built, ref);
          const after = await this.models.snapshot(modelId);
          if (after.version !== built.version || after.createdAt !== built.createdAt) {
            throw new ConflictError(`model '${modelId}' changed while it was analysed; retry`, 'modelId');
          }
          return value;
        });
        entry = computing;
        this.waiters.set(computing, { count: 0, controller: shared });
        cache.set(key, computing); // dropped again if it fails
      }
      try {
        return await this.join(entry);
      } catch (e) {
        if (!(e instanceof ConflictError && e.field === 'modelId') || attempt >= 3) throw e;
      }
    }
  }

  /** Callers waiting for each shared computation, and how to cancel it. */
  private readonly waiters = new WeakMap<Promise<unknown>, { count: number; controller: AbortController }>();

  /** Waits for a shared computation as the current caller; the last caller to go away cancels it. */
  private async join<T>(entry: Promise<T>): Promise<T> {
    const shared = this.waiters.get(entry);
    const signal = currentAnalysisScope()?.signal;
    if (!shared || !signal) {
      if (shared) shared.count = Infinity; // a caller that never goes away
      return entry;
    }
    if (signal.aborted) return entry;
    shared.count++;
    const leave = () => {
      if (--shared.count === 0) shared.controller.abort();
    };
    signal.addEventListener('abort', leave, { once: true });
    try {
      return await entry;
    } finally {
      signal.removeEventListener('abort', leave);
    }
  }
}

/** The step lookups of a graph copied from a worker. */
function lookups(graph: AttackGraph): AnalysedGraph {
  return {
    graph,
    stepById: new Map(graph.steps.map((s) => [s.id, s])),
    entryPointIds: new Set(graph.entryPointIds),
    targetIds: new Set(graph.targetIds),
  };
}

/** Default wall-clock budget of a cost–risk curve, ms (many solves). */
const CURVE_DEFAULT_TIME_LIMIT_MS = 30000;

/** Entries kept in each cache of derived results (recommendations, device indexes). */

/**
 * The model's attack paths that pass through a device, per device. Paths keep the engine's
 * order (risk descending, then id); each path appears once per device it passes through.
 */
export interface DevicePathIndex {
  /** The first `first` (1..5000; omitted: all) paths through device `deviceId` ([] for an unknown id). ValidationError for `first` out of range. */
  pathsThrough(deviceId: string, first?: number): ExpandedPath[];
}

/** The placements of one recommendation, per device they sit on. */
export interface DeviceRecommendationIndex {
  /** Placements on device `deviceId`, its interfaces or its channels, in the recommendation's order. */
  placementsOn(deviceId: string): RecommendedPlacement[];
}

/**
 * Element id → the devices it belongs to: a device itself, an interface's and (unless
 * `assets: false`) an asset's device, both ends of a channel. Zones and other elements belong to none.
 */
function deviceOwners(doc: ModelSnapshot['document'], options: { assets?: boolean } = {}): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const d of doc.devices) owners.set(d.id, [d.id]);
  for (const i of doc.interfaces) owners.set(i.id, [i.deviceId]);
  if (options.assets !== false) for (const a of doc.assets) owners.set(a.id, [a.deviceId]);
  for (const c of doc.channels) owners.set(c.id, [...new Set([c.fromDeviceId, c.toDeviceId])]);
  return owners;
}
