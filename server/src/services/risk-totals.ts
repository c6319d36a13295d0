/**
 * The headline risk numbers of one attack graph, for snapshots and diffs (review meetings). Pure:
 * runs the engine's path search, no I/O.
 *
 * The numbers are those `ThreatModel.attackPaths` reports over all targets (minSeverity
 * NEGLIGIBLE), which do not depend on k: totalRisk, targetsReachable, entryTargetPairsConnected.
 * They are computed with one path per target (k = 1) and no depth or path-count limit, so they
 * never fail on a large model the way a default attackPaths call can (maxPaths 500, maxDepth 25).
 */
import { findAttackPaths, type AttackGraph } from '../engine';
import { SEVERITIES, SEVERITY_RANK, type Severity } from '../domain/types';

/** Reachable targets of one severity. */
export interface SeverityCount {
  severity: Severity;
  count: number;
}

/** Risk totals of a model (units: risk = likelihood × severity rank 1..5). */
export interface RiskTotals {
  /** Σ over reachable targets of severity rank × likelihood of its most likely path (attackPaths.totalRisk). */
  totalRisk: number;
  /** Targets (patient-safety assets) in the model. */
  targetCount: number;
  /** Targets with at least one attack path (attackPaths.targetsReachable). */
  targetsReachable: number;
  /** (entry point, target) pairs with a path between them (attackPaths.entryTargetPairsConnected). */
  entryTargetPairsConnected: number;
  /** The highest severity among reachable targets; null when none is reachable. */
  worstSeverity: Severity | null;
  /** Risk of the single most dangerous path (the top of the attackPaths ranking); 0 when none. */
  maxPathRisk: number;
  /** Reachable targets per severity, all five levels, NEGLIGIBLE first. */
  reachableBySeverity: SeverityCount[];
}

/** Wall-clock budget of one totals computation, ms (exceeding it raises EngineLimitError). */
export const RISK_TOTALS_TIME_LIMIT_MS = 30000;

/**
 * The risk totals of an attack graph (built by buildAttackGraph from any model document).
 * @throws EngineLimitError ('timeLimitMs') after {@link RISK_TOTALS_TIME_LIMIT_MS}
 */
export function riskTotals(graph: AttackGraph): RiskTotals {
  const result = findAttackPaths(graph, {
    k: 1,
    maxPaths: graph.targetIds.length + 1,
    maxDepth: Math.max(1, graph.nodes.length),
    timeLimitMs: RISK_TOTALS_TIME_LIMIT_MS,
  });
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  let worst: Severity | null = null;
  let maxPathRisk = 0;
  for (const p of result.paths) {
    if (!p.severity) continue;
    counts.set(p.severity, counts.get(p.severity)! + 1);
    if (worst === null || SEVERITY_RANK[p.severity] > SEVERITY_RANK[worst]) worst = p.severity;
    maxPathRisk = Math.max(maxPathRisk, p.risk);
  }
  return {
    totalRisk: result.totalRisk,
    targetCount:
      result.scale === 'SAFETY' ? graph.nodes.filter((x) => x.scale === 'SAFETY').length : graph.targetIds.length,
    targetsReachable: result.targetsReachable,
    entryTargetPairsConnected: result.entryTargetPairsConnected,
    worstSeverity: worst,
    maxPathRisk,
    reachableBySeverity: SEVERITIES.map((severity) => ({ severity, count: counts.get(severity)! })),
  };
}
