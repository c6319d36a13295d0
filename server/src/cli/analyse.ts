/**
 * The command line's analysis: the same pure engine calls, with the same defaults, as the GraphQL
 * API's `ThreatModel.attackPaths` and `ThreatModel.recommendControls` (services/analysis-service.ts
 * and workers/engine-worker.ts), on a model document read from a file instead of Neo4j. The
 * document is validated (and migrated) as an import is, then put in canonical form, which is what
 * the server stores and analyses; so the CLI and the server agree under the same catalogue.
 */
import {
  buildAttackGraph,
  withSteps,
  findAttackPaths,
  recommendControls,
  type PlacementAssumption,
  type Recommendation,
} from '../engine';
import { attackMethodNames } from '../domain/types';
import { canonicalModelDocument, validateModelDocument } from '../domain/model-document';
import {
  PRIVACY_SEVERITIES,
  SEVERITIES,
  type Catalogue,
  type ModelDocument,
  type RiskScale,
  type Severity,
} from '../domain/types';
import { riskTotals, type RiskTotals } from '../services/risk-totals';
import {
  DEFAULT_MAX_PATHS,
  MAX_LISTED_TARGETS,
  PATHS_DEFAULT_TIME_LIMIT_MS,
  RECOMMEND_DEFAULT_TIME_LIMIT_MS,
} from '../services/analysis-defaults';
import type { ExpandedPathsResult } from '../services/analysis-service';

/** Options of {@link analyseModel}; the defaults are the API's. */
export interface CliAnalysisOptions {
  /** Risk scale of the targets (attackPaths and recommendControls `scale`), default SAFETY. */
  scale?: RiskScale;
  /** Only the `top` highest-risk paths (attackPaths `first`, 1..5000); omitted: all found (at most 500). */
  top?: number;
  /** Paths per target (attackPaths `k`, 1..20), default 3. */
  k?: number;
  /** Severity the recommendation must cut (recommendControls `minSeverity`), default CRITICAL. */
  minSeverity?: Severity;
  /**
   * Which placements count as in force (attackPaths/recommendControls `assume`): IMPLEMENTED
   * (default) or IMPLEMENTED_AND_PLANNED (the residual risk once the agreed plan is done).
   */
  assume?: PlacementAssumption;
}

/** What `medthreat analyse` reports. */
export interface CliAnalysis {
  model: { id: string; name: string };
  catalogueVersion: string;
  scale: RiskScale;
  /** Which placements counted as in force. */
  assume: PlacementAssumption;
  /** attackPaths(k, first: top, minSeverity: NEGLIGIBLE, scale): ranked paths with steps, and the totals over every target. */
  paths: ExpandedPathsResult;
  /** services/risk-totals on the same graph and scale (worst severity, targets reachable, …). */
  totals: RiskTotals;
  /** recommendControls(minSeverity, scale): the exact minimum-cost cut, with risk before and after. */
  recommendation: Recommendation & { scale: RiskScale };
  /** Labels of the attack-graph nodes on the paths reported (node id → "Device name: capability"). */
  nodeLabels: Record<string, string>;
}

/**
 * Validates `input` against the exchange schema and the domain rules with `catalogue`
 * (validateModelDocument: migration from 1.0/2.0 included) and returns its canonical form.
 * @throws ValidationError listing every problem with its path (e.g. `devices[3].zoneIds[0]`)
 */
export function loadModelDocument(input: unknown, catalogue: Catalogue): ModelDocument {
  return canonicalModelDocument(validateModelDocument(input, catalogue));
}

/**
 * Ranked attack paths, risk totals and the minimum-cost recommendation of a validated document,
 * computed exactly as the API computes them for the stored model (same engine calls, limits and
 * defaults: k 3, maxDepth 25, top 500 paths kept, 5000 ms for the path search, 10000 ms for the
 * solver, minSeverity CRITICAL for the recommendation).
 * @param document a document returned by {@link loadModelDocument}
 * @throws EngineLimitError naming the limit (maxDepth, timeLimitMs) when the model is too large
 */
export async function analyseModel(
  document: ModelDocument,
  catalogue: Catalogue,
  options: CliAnalysisOptions = {},
): Promise<CliAnalysis> {
  const scale = options.scale ?? 'SAFETY';
  const assume = options.assume ?? 'IMPLEMENTED';
  const graph = buildAttackGraph(document, catalogue, assume === 'IMPLEMENTED' ? {} : { assume });
  const found = findAttackPaths(graph, {
    k: options.k ?? 3,
    minSeverity: 'NEGLIGIBLE',
    scale,
    maxPaths: DEFAULT_MAX_PATHS,
    onMaxPaths: 'truncate',
    timeLimitMs: PATHS_DEFAULT_TIME_LIMIT_MS,
  });
  const kept = options.top === undefined ? found.paths : found.paths.slice(0, options.top);
  const paths: ExpandedPathsResult = {
    ...found,
    paths: withSteps(graph, kept),
  };
  const recommendation = await recommendControls(graph, {
    minSeverity: options.minSeverity ?? 'CRITICAL',
    scale,
    timeLimitMs: RECOMMEND_DEFAULT_TIME_LIMIT_MS,
    maxListedTargets: MAX_LISTED_TARGETS,
    methodNames: attackMethodNames(catalogue),
  });
  const nodeLabels: Record<string, string> = {};
  const onPaths = new Set(kept.flatMap((p) => p.nodeIds));
  for (const n of graph.nodes) if (onPaths.has(n.id)) nodeLabels[n.id] = n.label;
  return {
    model: { id: document.model.id, name: document.model.name },
    catalogueVersion: catalogue.catalogueVersion,
    scale,
    assume,
    paths,
    totals: riskTotals(graph, scale),
    recommendation: { ...recommendation, scale },
    nodeLabels,
  };
}

/**
 * Rank 1..5 of a severity name on either scale (NEGLIGIBLE..CATASTROPHIC or ONE_PATIENT..MASS),
 * or null for an unknown name. The API compares the scales by rank the same way (attackPaths
 * `minSeverity` on PRIVACY).
 */
export function severityRankOf(name: string): number | null {
  const upper = name.trim().toUpperCase();
  const s = (SEVERITIES as readonly string[]).indexOf(upper);
  if (s >= 0) return s + 1;
  const p = (PRIVACY_SEVERITIES as readonly string[]).indexOf(upper);
  return p >= 0 ? p + 1 : null;
}

/** Rank 1..5 of the worst target reachable on the analysis' scale, 0 when none is. */
export function worstRank(analysis: CliAnalysis): number {
  const { worstSeverity, worstPrivacySeverity } = analysis.totals;
  if (analysis.scale === 'PRIVACY')
    return worstPrivacySeverity ? PRIVACY_SEVERITIES.indexOf(worstPrivacySeverity) + 1 : 0;
  return worstSeverity ? SEVERITIES.indexOf(worstSeverity) + 1 : 0;
}
