/**
 * The headline risk numbers of one attack graph, for snapshots and diffs (review meetings). Pure:
 * runs the engine's path search, no I/O.
 *
 * The numbers are those `ThreatModel.attackPaths` reports over all targets of one risk scale
 * (minSeverity NEGLIGIBLE), which do not depend on k: totalRisk, targetsReachable,
 * entryTargetPairsConnected. Scales are never added: one RiskTotals per scale.
 * They are computed with one path per target (k = 1) and no depth or path-count limit, so they
 * never fail on a large model the way a default attackPaths call can (maxPaths 500, maxDepth 25).
 */
import { findAttackPaths, type AttackGraph } from '../engine';
import {
  PRIVACY_SEVERITIES,
  SEVERITIES,
  SEVERITY_RANK,
  type PrivacySeverity,
  type RiskScale,
  type Severity,
} from '../domain/types';

/** Reachable targets of one severity. */
export interface SeverityCount {
  severity: Severity;
  count: number;
}

/** Reachable targets of one privacy severity. */
export interface PrivacySeverityCount {
  privacySeverity: PrivacySeverity;
  count: number;
}

/** Risk totals of a model on one scale (units: risk = likelihood × severity rank 1..5 on that scale). */
export interface RiskTotals {
  /** The risk scale of every figure here (absent in snapshots taken before attack model v2: SAFETY). */
  scale: RiskScale;
  /** Σ over reachable targets of severity rank × likelihood of its most likely path (attackPaths.totalRisk). */
  totalRisk: number;
  /** Targets of the scale in the model: (asset, impact) nodes with a severity on it. */
  targetCount: number;
  /** Targets with at least one attack path (attackPaths.targetsReachable). */
  targetsReachable: number;
  /** (entry point, target) pairs with a path between them (attackPaths.entryTargetPairsConnected). */
  entryTargetPairsConnected: number;
  /** SAFETY: the highest severity among reachable targets; null when none is reachable or on PRIVACY. */
  worstSeverity: Severity | null;
  /** PRIVACY: the highest privacy severity among reachable targets; null when none or on SAFETY. */
  worstPrivacySeverity: PrivacySeverity | null;
  /** Risk of the single most dangerous path (the top of the attackPaths ranking); 0 when none. */
  maxPathRisk: number;
  /** SAFETY: reachable targets per severity, all five levels, NEGLIGIBLE first; [] on PRIVACY. */
  reachableBySeverity: SeverityCount[];
  /** PRIVACY: reachable targets per privacy severity, all five levels, ONE_PATIENT first; [] on SAFETY. */
  reachableByPrivacySeverity: PrivacySeverityCount[];
}

/** Wall-clock budget of one totals computation, ms (exceeding it raises EngineLimitError). */
export const RISK_TOTALS_TIME_LIMIT_MS = 30000;

/**
 * The risk totals of an attack graph (built by buildAttackGraph from any model document) on one
 * risk scale (default SAFETY).
 * @throws EngineLimitError ('timeLimitMs') after {@link RISK_TOTALS_TIME_LIMIT_MS}
 */
export function riskTotals(graph: AttackGraph, scale: RiskScale = 'SAFETY'): RiskTotals {
  const result = findAttackPaths(graph, {
    scale,
    k: 1,
    maxPaths: graph.targetIds.length + 1,
    maxDepth: Math.max(1, graph.nodes.length),
    timeLimitMs: RISK_TOTALS_TIME_LIMIT_MS,
  });
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  const privacyCounts = new Map<PrivacySeverity, number>(PRIVACY_SEVERITIES.map((s) => [s, 0]));
  let worst: Severity | null = null;
  let worstPrivacy: PrivacySeverity | null = null;
  let maxPathRisk = 0;
  const targetIds = new Set(graph.targetIds);
  // k = 1: one path per reachable target, so the counts are per target
  for (const p of result.paths) {
    maxPathRisk = Math.max(maxPathRisk, p.risk);
    if (p.severity) {
      counts.set(p.severity, counts.get(p.severity)! + 1);
      if (worst === null || SEVERITY_RANK[p.severity] > SEVERITY_RANK[worst]) worst = p.severity;
    }
    if (p.privacySeverity) {
      const ps = p.privacySeverity;
      privacyCounts.set(ps, privacyCounts.get(ps)! + 1);
      if (worstPrivacy === null || PRIVACY_SEVERITIES.indexOf(ps) > PRIVACY_SEVERITIES.indexOf(worstPrivacy))
        worstPrivacy = ps;
    }
  }
  return {
    scale,
    totalRisk: result.totalRisk,
    targetCount: graph.nodes.filter((n) => n.scale === scale && targetIds.has(n.id)).length,
    targetsReachable: result.targetsReachable,
    entryTargetPairsConnected: result.entryTargetPairsConnected,
    worstSeverity: worst,
    worstPrivacySeverity: worstPrivacy,
    maxPathRisk,
    reachableBySeverity:
      scale === 'SAFETY' ? SEVERITIES.map((severity) => ({ severity, count: counts.get(severity)! })) : [],
    reachableByPrivacySeverity:
      scale === 'PRIVACY'
        ? PRIVACY_SEVERITIES.map((privacySeverity) => ({ privacySeverity, count: privacyCounts.get(privacySeverity)! }))
        : [],
  };
}
