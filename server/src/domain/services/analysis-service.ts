/**
 * Analysis of one model: loads its snapshot (ModelService, cached per model version), runs the
 * pure engine (server/src/engine) and caches the attack graph per (model version, catalogue
 * version, starting elements). Any write to the model bumps its version, so a stale projection is
 * never used; several server instances stay consistent because the version lives in Neo4j.
 */
import {
  buildAttackGraph,
  findAttackPaths,
  findBaselineGaps,
  recommendControls,
  whatIf,
  type AttackGraph,
  type AttackPath,
  type AttackPathsResult,
  type AttackStep,
  type BaselineGap,
  type PlacementInput,
  type Recommendation,
  type WhatIfResult,
} from '../../engine';
import { ValidationError } from '../errors';
import { riskTotals, type RiskTotals } from '../risk-totals';
import type { ModelDocument, Severity } from '../types';
import type { CatalogueService } from './catalogue-service';
import type { ModelService } from './model-service';

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

/** Hard limits on analysis arguments (GraphQL docstrings repeat them). */
export const ANALYSIS_LIMITS = {
  k: { min: 1, max: 20 },
  first: { min: 1, max: 5000 },
  maxDepth: { min: 1, max: 50 },
  maxPaths: { min: 1, max: 200000 },
  pathsTimeLimitMs: { min: 1, max: 30000 },
  recommendTimeLimitMs: { min: 100, max: 60000 },
  fromElementIds: { max: 1000 },
  placements: { max: 1000 },
} as const;

const CACHE_SIZE = 32;

function checkRange(name: string, value: number | undefined, range: { min: number; max: number }): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new ValidationError(`${name} must be between ${range.min} and ${range.max}`, name);
  }
}

/** Cache key of an attack graph: the model state, the catalogue and the starting elements. */
const graphKey = (id: DocumentIdentity, catalogueVersion: string, from: readonly string[] | null): string =>
  JSON.stringify([id.modelId, id.createdAt, id.version, catalogueVersion, from]);

export class AnalysisService {
  private readonly graphs = new Map<string, AnalysedGraph>();
  /** Risk totals per cached attack graph (dropped with it). */
  private readonly totals = new WeakMap<AttackGraph, RiskTotals>();

  constructor(
    private readonly models: ModelService,
    private readonly catalogues: CatalogueService,
  ) {}

  /**
   * The attack graph of the model's current version (built once per version and start set).
   * @param fromElementIds start from these elements as already compromised instead of the entry zones
   * @throws NotFoundError for the model; ValidationError for unknown element ids
   */
  async attackGraph(modelId: string, fromElementIds?: readonly string[]): Promise<AnalysedGraph> {
    if (fromElementIds && fromElementIds.length > ANALYSIS_LIMITS.fromElementIds.max) {
      throw new ValidationError(`at most ${ANALYSIS_LIMITS.fromElementIds.max} starting elements`, 'fromElementIds');
    }
    const { document, version, createdAt } = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
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
    const key = graphKey({ modelId, createdAt, version }, catalogue.catalogueVersion, from ?? null);
    const hit = this.graphs.get(key);
    if (hit) return hit;
    return this.remember(key, analyse(document, catalogue, from));
  }

  private remember(key: string, analysed: AnalysedGraph): AnalysedGraph {
    this.graphs.set(key, analysed);
    while (this.graphs.size > CACHE_SIZE) this.graphs.delete(this.graphs.keys().next().value as string);
    return analysed;
  }

  /**
   * The attack graph of any model document: the current version, an earlier one, or a snapshot's.
   * With `identity` (which stored model state the document is) the graph is cached under the same
   * key as {@link attackGraph}, so the current version is built once for both, and an earlier
   * version (which never changes) once per catalogue version. Without it nothing is cached.
   * @throws ValidationError when the document is structurally unusable (see buildAttackGraph)
   */
  async analyseDocument(document: ModelDocument, identity?: DocumentIdentity): Promise<AnalysedGraph> {
    const catalogue = await this.catalogues.current();
    if (!identity) return analyse(document, catalogue);
    const key = graphKey(identity, catalogue.catalogueVersion, null);
    return this.graphs.get(key) ?? this.remember(key, analyse(document, catalogue));
  }

  /**
   * Risk totals of a model document (domain/risk-totals.ts: total risk, targets reachable, worst
   * severity, …) with the current catalogue; cached with the attack graph when `identity` is given.
   * @throws EngineLimitError ('timeLimitMs') on a model too large to search in 30 s
   */
  async riskTotals(document: ModelDocument, identity?: DocumentIdentity): Promise<RiskTotals> {
    const { graph } = await this.analyseDocument(document, identity);
    const hit = this.totals.get(graph);
    if (hit) return hit;
    const computed = riskTotals(graph);
    this.totals.set(graph, computed);
    return computed;
  }

  /**
   * The k most likely attack paths per target and the model's risk totals.
   * @throws ValidationError for arguments outside {@link ANALYSIS_LIMITS}; EngineLimitError when a limit is hit
   */
  async attackPaths(
    modelId: string,
    options: {
      k?: number;
      first?: number;
      minSeverity?: Severity;
      targetIds?: string[];
      fromElementIds?: string[];
      maxDepth?: number;
      maxPaths?: number;
      timeLimitMs?: number;
    },
  ): Promise<ExpandedPathsResult> {
    checkRange('k', options.k, ANALYSIS_LIMITS.k);
    checkRange('first', options.first, ANALYSIS_LIMITS.first);
    checkRange('maxDepth', options.maxDepth, ANALYSIS_LIMITS.maxDepth);
    checkRange('maxPaths', options.maxPaths, ANALYSIS_LIMITS.maxPaths);
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.pathsTimeLimitMs);
    const analysed = await this.attackGraph(modelId, options.fromElementIds);
    const { fromElementIds: _from, first, ...engineOptions } = options;
    const result = findAttackPaths(analysed.graph, engineOptions);
    return expand(first === undefined ? result : { ...result, paths: result.paths.slice(0, first) }, analysed);
  }

  /**
   * Exact minimum-cost control placements cutting every path to targets ≥ minSeverity, or the
   * budget variant (max risk removed for at most `budget` cost units).
   */
  async recommendControls(
    modelId: string,
    options: { minSeverity: Severity; budget?: number; timeLimitMs?: number },
  ): Promise<Recommendation> {
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.recommendTimeLimitMs);
    if (options.budget !== undefined && !(options.budget >= 0 && Number.isFinite(options.budget))) {
      throw new ValidationError('budget must be a non-negative number of cost units', 'budget');
    }
    const { graph } = await this.attackGraph(modelId);
    return recommendControls(graph, options);
  }

  /** Paths and totals before and after hypothetical placements; nothing is written. */
  async whatIf(
    modelId: string,
    placements: PlacementInput[],
    options: { minSeverity?: Severity; k?: number },
  ): Promise<Omit<WhatIfResult, 'before' | 'after'> & { before: ExpandedPathsResult; after: ExpandedPathsResult }> {
    if (placements.length > ANALYSIS_LIMITS.placements.max) {
      throw new ValidationError(`at most ${ANALYSIS_LIMITS.placements.max} placements`, 'placements');
    }
    checkRange('k', options.k, ANALYSIS_LIMITS.k);
    placements.forEach((p, i) => {
      if (p.cost !== undefined && !(Number.isFinite(p.cost) && p.cost >= 0)) {
        throw new ValidationError('cost must be a non-negative number of cost units', `placements[${i}].cost`);
      }
    });
    const analysed = await this.attackGraph(modelId);
    const { document } = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    let result: WhatIfResult;
    try {
      result = whatIf(document, catalogue, placements, options, analysed.graph);
    } catch (e) {
      // the engine names its input extraPlacements; the API argument is placements
      if (e instanceof ValidationError) {
        throw new ValidationError(
          e.issues.map((i) => ({ ...i, path: i.path.replace(/^extraPlacements/, 'placements') })),
        );
      }
      throw e;
    }
    return { ...result, before: expand(result.before, analysed), after: expand(result.after, analysed) };
  }

  /** Risk-class baseline requirements per device (TR 67 Table 3, reconstructed). */
  async baselineGaps(modelId: string, options: { deviceId?: string; onlyGaps?: boolean }): Promise<BaselineGap[]> {
    const { document } = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    return findBaselineGaps(document, catalogue).filter(
      (g) => (!options.deviceId || g.deviceId === options.deviceId) && (!options.onlyGaps || g.gap),
    );
  }
}

/** Builds the attack graph of a document with its lookups. */
function analyse(
  document: ModelDocument,
  catalogue: Parameters<typeof buildAttackGraph>[1],
  from?: readonly string[],
): AnalysedGraph {
  const graph = buildAttackGraph(document, catalogue, from ? { fromElementIds: from } : {});
  return {
    graph,
    stepById: new Map(graph.steps.map((s) => [s.id, s])),
    entryPointIds: new Set(graph.entryPointIds),
    targetIds: new Set(graph.targetIds),
  };
}

/** Resolves step ids to steps (ids are stable across what-if graphs; after-paths only use unblocked steps). */
function expand(result: AttackPathsResult, analysed: AnalysedGraph): ExpandedPathsResult {
  return {
    ...result,
    paths: result.paths.map((p) => ({ ...p, steps: p.stepIds.map((id) => analysed.stepById.get(id)!) })),
  };
}
