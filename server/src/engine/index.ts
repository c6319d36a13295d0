/**
 * The attack-path engine: pure TypeScript over in-memory data (no I/O). See docs/attack-model.md.
 *
 * - {@link buildAttackGraph}: model + catalogue → attack graph (rules in rules/registry.ts);
 * - {@link findAttackPaths}, {@link reachableTargets}: ranked paths and reachability;
 * - {@link recommendControls}: exact minimum-cost (or budgeted) control placement (HiGHS MILP);
 * - {@link planWithinBudget}, {@link costRiskCurve}: budget plans with partial credit (PREVENTS and
 *   REDUCES controls) and the cost–risk efficient frontier;
 * - {@link whatIf}: paths before/after trying placements;
 * - {@link findBaselineGaps}: risk-class baseline requirements per device.
 */
export { buildAttackGraph, stepAt, stepById, withSteps } from './attack-graph';
export { findAttackPaths, reachableTargets } from './paths/find-attack-paths';
export { recommendControls } from './optimise/recommend-controls';
export { planWithinBudget, costRiskCurve } from './optimise/budget-plan';
/** Loads the HiGHS WebAssembly solver ahead of the first recommendation (optional; cached). */
export { loadHighs as preloadSolver } from './optimise/milp';
export { whatIf, whatIfWithGraph } from './optimise/what-if';
export { reviewControlPlacements } from './optimise/review-controls';
export { findBaselineGaps, deviceConditions } from './baseline/find-baseline-gaps';
export {
  cvssBaseScore,
  cvssEngineMetrics,
  parseCvssVector,
  type CvssBase,
  type Cvss3Base,
  type Cvss4Base,
  type CvssAttackVector,
  type CvssEngineMetrics,
} from './cvss';
export { canPlaceControl, type PlaceableElement } from './controls';
export { ATTACK_RULES, getAttackRule } from './rules/registry';
export type { AttackRule, RuleContext, StepDraft, IndexedModel, ScoredVulnerability } from './rules/rule';
export type * from './types';
