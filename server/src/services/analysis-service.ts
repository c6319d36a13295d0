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
  type RecommendedPlacement,
  type WhatIfResult,
} from '../engine';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { riskTotals, type RiskTotals } from './risk-totals';
import type { ModelDocument, RiskScale, Severity } from '../domain/types';
import { elementOfNode } from '../engine/types';
import type { CatalogueService } from './catalogue-service';
import type { ModelService, ModelSnapshot } from './model-service';

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
  /** Exact recommendations per (model state, catalogue, arguments): a MILP solve is worth keeping. */
  private readonly recommendations = new Map<string, Promise<Recommendation & { scale: RiskScale }>>();
  /** Attack paths by device per (model state, catalogue, k, minSeverity, scale). */
  private readonly pathsByDevice = new Map<string, Promise<DevicePathIndex>>();
  /** Recommended placements by device per (model state, catalogue, minSeverity, scale). */
  private readonly placementsByDevice = new Map<string, Promise<DeviceRecommendationIndex>>();
  /** Risk totals per cached attack graph (dropped with it). */
  private readonly totals = new WeakMap<AttackGraph, Map<RiskScale, RiskTotals>>();

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
   * Risk totals of a model document (services/risk-totals.ts: total risk, targets reachable, worst
   * severity, …) with the current catalogue; cached with the attack graph when `identity` is given.
   * @throws EngineLimitError ('timeLimitMs') on a model too large to search in 30 s
   */
  async riskTotals(
    document: ModelDocument,
    identity?: DocumentIdentity,
    scale: RiskScale = 'SAFETY',
  ): Promise<RiskTotals> {
    const { graph } = await this.analyseDocument(document, identity);
    let perScale = this.totals.get(graph);
    if (!perScale) this.totals.set(graph, (perScale = new Map()));
    const hit = perScale.get(scale);
    if (hit) return hit;
    const computed = riskTotals(graph, scale);
    perScale.set(scale, computed);
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
      scale?: RiskScale;
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
   * budget variant (max risk removed for at most `budget` cost units), on one risk `scale`
   * (default SAFETY). Cached per model version, catalogue version and arguments, the scale
   * included (concurrent equal requests share one solve); callers must not modify the result.
   */
  async recommendControls(
    modelId: string,
    options: { minSeverity: Severity; budget?: number; timeLimitMs?: number; scale?: RiskScale },
  ): Promise<Recommendation & { scale: RiskScale }> {
    checkRange('timeLimitMs', options.timeLimitMs, ANALYSIS_LIMITS.recommendTimeLimitMs);
    if (options.budget !== undefined && !(options.budget >= 0 && Number.isFinite(options.budget))) {
      throw new ValidationError('budget must be a non-negative number of cost units', 'budget');
    }
    const scale = options.scale ?? 'SAFETY';
    const args = [options.minSeverity, options.budget ?? null, options.timeLimitMs ?? null, scale];
    return this.perVersion(modelId, ['recommend', ...args], this.recommendations, async (_snap, analysed) => ({
      ...(await recommendControls(analysed.graph, { ...options, scale })),
      scale,
    }));
  }

  /** Paths and totals before and after hypothetical placements; nothing is written. */
  async whatIf(
    modelId: string,
    placements: PlacementInput[],
    options: { minSeverity?: Severity; k?: number; scale?: RiskScale },
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

  /**
   * The model's attack paths indexed by the devices they pass through (see
   * {@link DevicePathIndex}): the k most likely paths per target ≥ minSeverity, found over the
   * whole model with the largest limits (maxPaths 200000, timeLimitMs 30000) and cached per
   * model version, catalogue version, k, minSeverity and scale.
   * @param options.k paths per target, 1..20 (default 3)
   * @param options.minSeverity default NEGLIGIBLE (every target)
   * @param options.scale risk scale of the targets, default SAFETY
   * @throws ValidationError for k out of range; EngineLimitError if the model is too large for the limits
   */
  async attackPathsByDevice(
    modelId: string,
    options: { k?: number; minSeverity?: Severity; scale?: RiskScale } = {},
  ): Promise<DevicePathIndex> {
    checkRange('k', options.k, ANALYSIS_LIMITS.k);
    const k = options.k ?? 3;
    const minSeverity = options.minSeverity ?? 'NEGLIGIBLE';
    const scale = options.scale ?? 'SAFETY';
    return this.perVersion(modelId, ['paths', k, minSeverity, scale], this.pathsByDevice, (snap, analysed) => {
      const result = findAttackPaths(analysed.graph, {
        k,
        minSeverity,
        scale,
        maxPaths: ANALYSIS_LIMITS.maxPaths.max,
        timeLimitMs: ANALYSIS_LIMITS.pathsTimeLimitMs.max,
      });
      const owners = deviceOwners(snap.document);
      const byDevice = new Map<string, ExpandedPath[]>();
      for (const path of expand(result, analysed).paths) {
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
    });
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
    options: { k?: number; minSeverity?: Severity; first?: number; scale?: RiskScale } = {},
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
   * graph was built from: if the model changed meanwhile, it is computed again (at most 3 times,
   * then ConflictError).
   */
  private async perVersion<T>(
    modelId: string,
    extra: unknown[],
    cache: Map<string, Promise<T>>,
    build: (snap: ModelSnapshot, analysed: AnalysedGraph) => T | Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const snap = await this.models.snapshot(modelId);
      const catalogue = await this.catalogues.current();
      const key = JSON.stringify([modelId, snap.createdAt, snap.version, catalogue.catalogueVersion, ...extra]);
      let entry = cache.get(key);
      if (entry) {
        cache.delete(key);
        cache.set(key, entry); // LRU order
      } else {
        const computing = (async () => {
          const analysed = await this.attackGraph(modelId);
          const value = await build(snap, analysed);
          const after = await this.models.snapshot(modelId);
          if (after.version !== snap.version || after.createdAt !== snap.createdAt) {
            throw new ConflictError(`model '${modelId}' changed while it was analysed; retry`, 'modelId');
          }
          return value;
        })();
        entry = computing;
        cache.set(key, computing);
        computing.catch(() => cache.get(key) === computing && cache.delete(key));
        while (cache.size > DERIVED_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      try {
        return await entry;
      } catch (e) {
        if (!(e instanceof ConflictError && e.field === 'modelId') || attempt >= 3) throw e;
      }
    }
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

/** Entries kept in each cache of derived results (recommendations, device indexes). */
const DERIVED_CACHE_SIZE = 16;

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

/** Resolves step ids to steps (ids are stable across what-if graphs; after-paths only use unblocked steps). */
function expand(result: AttackPathsResult, analysed: AnalysedGraph): ExpandedPathsResult {
  return {
    ...result,
    paths: result.paths.map((p) => ({ ...p, steps: p.stepIds.map((id) => analysed.stepById.get(id)!) })),
  };
}
