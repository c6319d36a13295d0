/**
 * Result and option types of the attack-path engine. Plain data (JSON-compatible): the GraphQL
 * layer serves them as they are, and the same input always gives byte-identical JSON.
 *
 * Units used throughout:
 * - likelihood: probability in (0, 1] that a capable attacker succeeds with the step or path;
 * - weight: −ln(likelihood), ≥ 0 (what the shortest-path search adds up);
 * - cost: catalogue cost units (1 = cheap configuration change, 10 = major project);
 * - risk: likelihood × severity rank (1 NEGLIGIBLE … 5 CATASTROPHIC, ISO 14971 scale);
 * - time: milliseconds.
 */
import type { ElementType, Impact, PrivacySeverity, RiskScale, Severity } from '../domain/types';

/**
 * What an attacker holds on an element (attack model v2, docs/attack-model.md §1):
 * - zone: PRESENCE (being there: network reach of what is exposed there, radio range of its links);
 *   PHYSICAL_ACCESS (hands on the devices located there: only for places that give it, and only by
 *   walking in, i.e. from an entry point; a network pivot never gives it);
 * - interface: USE (its intended functions, nothing more);
 * - channel: READ (capture), INJECT (spoofed or replayed messages), ALTER (man in the middle: READ and INJECT too),
 *   FORGED (the readings or alarms it delivers are attacker-chosen: falsified on it, on an earlier hop
 *   of their data flow, or at a controlled source);
 * - device or hosted software: USER (an account, a foothold), CONTROL (code execution: everything);
 * - asset: the impact suffered, MANIPULATE, DENY or DISCLOSE (the targets).
 */
export const CAPABILITIES = [
  'PRESENCE',
  'PHYSICAL_ACCESS',
  'USE',
  'READ',
  'INJECT',
  'ALTER',
  'FORGED',
  'USER',
  'CONTROL',
  'MANIPULATE',
  'DENY',
  'DISCLOSE',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

// ---------------------------------------------------------------------------------------------
// Attack graph
// ---------------------------------------------------------------------------------------------

/**
 * A capability on a model element, as a node of the attack graph. Its id is the element id for
 * the element's strongest capability (zone PRESENCE, interface USE, channel ALTER, device CONTROL)
 * and `elementId#CAPABILITY` otherwise (zone#PHYSICAL_ACCESS, device#USER, channel#READ, channel#INJECT, and every
 * asset impact: asset#MANIPULATE, asset#DENY, asset#DISCLOSE). Element ids never contain '#'.
 */
export interface AttackGraphNode {
  id: string;
  /** The element's type. */
  type: ElementType;
  /** The model element the capability is on. */
  elementId: string;
  capability: Capability;
  /** Human-readable label: the element name (prefixed by its device name for interfaces and assets) and the capability when it is not the strongest. */
  label: string;
  /** Targets only: the risk scale its harm is ranked on. */
  scale?: RiskScale;
  /** SAFETY targets: the ISO 14971 severity of this impact on the asset. */
  severity?: Severity;
  /** PRIVACY targets: the privacy severity, from the number of patients' records exposed. */
  privacySeverity?: PrivacySeverity;
  /** PRIVACY targets: patients' records a disclosure exposes. */
  records?: number;
  /** Targets only: rank 1..5 on the target's scale. */
  severityRank?: number;
}

/** Node id of a capability on an element (see {@link AttackGraphNode}). */
export function capabilityNodeId(elementId: string, capability: Capability): string {
  return PRIMARY_CAPABILITY_IDS.has(capability) ? elementId : `${elementId}#${capability}`;
}
const PRIMARY_CAPABILITY_IDS: ReadonlySet<Capability> = new Set(['PRESENCE', 'USE', 'ALTER', 'CONTROL']);

/** The element id of a node id (the part before '#'). */
export function elementOfNode(nodeId: string): string {
  const i = nodeId.indexOf('#');
  return i < 0 ? nodeId : nodeId.slice(0, i);
}

/** The impact of a target node id, e.g. 'a-1#DENY' → 'DENY'; undefined for other nodes. */
export function impactOfNode(nodeId: string): Impact | undefined {
  const i = nodeId.indexOf('#');
  const c = i < 0 ? '' : nodeId.slice(i + 1);
  return c === 'MANIPULATE' || c === 'DENY' || c === 'DISCLOSE' ? c : undefined;
}

/** One fact of the model that made a rule fire or set a step's likelihood. */
export interface StepEvidence {
  /** Model property, e.g. "authentication", "intrinsicMechanism", "vulnerability". */
  property: string;
  /** Its value as shown to a reader, e.g. "NONE", "CVE-2019-6538 (CVSS 8.8)". */
  value: string;
}

/** Status of a control that could block a step. */
export type BlockingControlStatus = 'IMPLEMENTED' | 'PLANNED' | 'CANDIDATE';

/** A catalogue control that PREVENTS a step's attack method and can sit on its control element. */
export interface BlockingControl {
  controlId: string;
  /** The element the control sits (or would sit) on: the step's controlElementId. */
  elementId: string;
  /** Cost units: the placement's cost if the control is placed, else the control's defaultCost. */
  cost: number;
  /** IMPLEMENTED blocks the step; PLANNED is placed but not in force; CANDIDATE is not placed. */
  status: BlockingControlStatus;
}

/**
 * A control whose effect on the step's attack method is REDUCES (catalogue controls v2): while in
 * force it multiplies the step's likelihood by `factor`. The step's `likelihood` already includes
 * the factors of its IMPLEMENTED reducing controls; PLANNED and CANDIDATE ones are not applied.
 */
export interface ReducingControl extends BlockingControl {
  /** Residual likelihood factor, 0 < factor < 1. */
  factor: number;
}

/** A control that DETECTS or RECOVERS from a step (reported; never changes likelihood or cuts). */
export interface EffectControl extends BlockingControl {
  effect: 'DETECTS' | 'RECOVERS';
}

/**
 * Which placements count as in force: IMPLEMENTED only (default), or IMPLEMENTED_AND_PLANNED
 * (residual risk once the agreed plan is carried out).
 */
export type PlacementAssumption = 'IMPLEMENTED' | 'IMPLEMENTED_AND_PLANNED';

/**
 * One attack step: an attacker who holds `from` gains `to` with probability `likelihood`.
 * Produced by a rule of rules/registry.ts; see docs/attack-model.md for every rule.
 */
export interface AttackStep {
  /** Stable synthetic id `ruleId@fromId@toId[@qualifier]` (qualifier: vulnerability or channel id). */
  id: string;
  from: string;
  to: string;
  ruleId: string;
  /** TR 67 Annex B (reconstructed) attack method, AM01..AM20. */
  attackMethodId: string;
  /** Probability in (0, 1]. */
  likelihood: number;
  /** Why the step exists and how likely it is. Steps with equal evidence share this array: treat it as read-only. */
  evidence: readonly StepEvidence[];
  /**
   * Element a control must sit on to block the step, or null when no control can block it
   * (the attacker already holds what the step gives, e.g. a compromised device and its assets).
   */
  controlElementId: string | null;
  /**
   * Catalogue controls mitigating `attackMethodId` that can be placed on `controlElementId`, sorted
   * by controlId. Steps with the same control element and method share this array: treat it as
   * read-only.
   */
  blockingControls: readonly BlockingControl[];
  /**
   * Controls that REDUCE the step's attack method on its control element (same sharing rule as
   * blockingControls), sorted by controlId. Implemented ones are already in `likelihood`.
   */
  reducingControls: readonly ReducingControl[];
  /** Controls that DETECT or RECOVER from the step's attack method there (reported only), sorted by controlId. */
  otherControls: readonly EffectControl[];
  /** True when some blocking control is IMPLEMENTED: the step stays in the graph (audit) but path search ignores it. */
  blocked: boolean;
}

/**
 * A step as a rule makes it (RuleContext.step): its number among the steps of one build. Rules
 * return the numbers of the steps they made, and buildAttackGraph checks that they account for
 * every step recorded; the step itself is kept as columns until a caller reads it.
 */
export type StepRef = number;

/** The attack graph of a model: nodes and steps sorted by id. */
export interface AttackGraph {
  nodes: AttackGraphNode[];
  steps: AttackStep[];
  /** Where the attacker starts: zones marked entryPoint, or the nodes given as already held. Sorted. */
  entryPointIds: string[];
  /** (asset, impact) nodes with a severity on their scale, sorted by id. */
  targetIds: string[];
}

/** A control placement given to the engine as input (what-if or extra placements). */
export interface PlacementInput {
  controlId: string;
  elementId: string;
  /** Cost units; defaults to the control's defaultCost. */
  cost?: number;
}

/** Options of {@link buildAttackGraph}. */
export interface BuildAttackGraphOptions {
  /** Extra placements treated as IMPLEMENTED (what-if); they are validated like model placements. */
  extraPlacements?: readonly PlacementInput[];
  /**
   * Start from these as already held instead of the entry-point zones: node ids, or element ids
   * (an element id stands for its strongest capability: zone presence, interface use, channel
   * man-in-the-middle, device control; an asset id for every impact on it).
   */
  fromElementIds?: readonly string[];
  /** Which placements count as in force (default IMPLEMENTED). */
  assume?: PlacementAssumption;
  /**
   * Control review only: steps of these attack methods on these elements count as blocked, as the
   * catalogue before controls v2 had them (to show the risk the model was believed to have).
   */
  legacyPrevents?: readonly { elementId: string; attackMethodIds: readonly string[] }[];
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/** Options of {@link findAttackPaths}. */
export interface FindAttackPathsOptions {
  /** Paths per target (k of Yen's k shortest simple paths). Default 3, at least 1. */
  k?: number;
  /** Only targets of at least this severity (on the PRIVACY scale: of at least this rank). Default NEGLIGIBLE (all). */
  minSeverity?: Severity;
  /** Risk scale of the targets: SAFETY (default) or PRIVACY. Figures of the two are never added. */
  scale?: RiskScale;
  /** Only these targets (target node ids, or asset ids for every impact of the asset on the scale). Default: all targets of the scale. */
  targetIds?: readonly string[];
  /** A path longer than this many steps raises EngineLimitError('maxDepth'). Default 25. */
  maxDepth?: number;
  /**
   * Paths kept in total. Default 500. More paths than this raise EngineLimitError('maxPaths'), or,
   * with `onMaxPaths: 'truncate'`, the maxPaths highest-risk paths are kept and `truncated` is true.
   */
  maxPaths?: number;
  /** What more than maxPaths paths does: 'raise' (default) EngineLimitError('maxPaths'), 'truncate' keep the top maxPaths. */
  onMaxPaths?: 'raise' | 'truncate';
  /** Wall-clock budget in ms; exceeding it raises EngineLimitError('timeLimitMs'). Default 5000. */
  timeLimitMs?: number;
}

/** One attack path from an entry point to a target, through unblocked steps only. */
export interface AttackPath {
  /** Stable id `path@entryId@targetId@hash` (hash of the ordered step ids, so equal paths have equal ids). */
  id: string;
  entryPointId: string;
  /** The target node id `assetId#IMPACT`. */
  targetId: string;
  /** The asset harmed and how. */
  assetId: string;
  impact: Impact;
  scale: RiskScale;
  /** Step ids in order, entry first. Empty when the target itself is an entry point. */
  stepIds: string[];
  /** Node ids in order: entry point … target (stepIds.length + 1 entries). */
  nodeIds: string[];
  /** Product of the step likelihoods, (0, 1]. */
  likelihood: number;
  /** SAFETY paths: ISO 14971 severity of the impact. */
  severity?: Severity;
  /** PRIVACY paths: privacy severity of the disclosure. */
  privacySeverity?: PrivacySeverity;
  /** Rank of the severity on the path's scale: 1 … 5. */
  severityRank: number;
  /** likelihood × severityRank, in (0, 5]. */
  risk: number;
  /** Number of steps. */
  hops: number;
}

/** Result of {@link findAttackPaths}. */
export interface AttackPathsResult {
  /** Up to k paths per target, sorted by risk descending, then id. */
  paths: AttackPath[];
  /** Selected targets with at least one path. */
  targetsReachable: number;
  /** (entry point, selected target) pairs with at least one path between them. */
  entryTargetPairsConnected: number;
  /** Σ over selected targets of severityRank × likelihood of the most likely path (0 if unreachable). */
  totalRisk: number;
  /** Paths in `paths`. */
  pathCount: number;
  /**
   * True when more than maxPaths paths exist and only the maxPaths highest-risk ones are in
   * `paths` (onMaxPaths 'truncate'), or when the k-paths search of a target stopped at its cap
   * (20k + 50 enumerated paths, most of them detours) with fewer than k paths; the totals still
   * cover every selected target.
   */
  truncated: boolean;
  /** The severity filter applied. */
  minSeverity: Severity;
  /** The risk scale of the targets and of totalRisk. */
  scale: RiskScale;
  k: number;
}

// ---------------------------------------------------------------------------------------------
// Recommendation
// ---------------------------------------------------------------------------------------------

/** Options of {@link recommendControls}. */
export interface RecommendControlsOptions {
  /** Cut every target of at least this severity (or, with a budget, weigh targets of at least this severity). */
  minSeverity: Severity;
  /** Risk scale of the targets (default SAFETY): one objective at a time. */
  scale?: RiskScale;
  /** Solver time budget in ms. Default 10000. */
  timeLimitMs?: number;
  /** If set: maximise the risk removed with total cost ≤ budget (cost units) instead of cutting everything. */
  budget?: number;
  /** Relative MIP gap at which the solver may stop (HiGHS mip_rel_gap). Default 1e-6. */
  mipRelGap?: number;
  /**
   * List at most this many protected targets per placement (`cutsTargetIds`, the first by id;
   * `cutsTargetCount` has them all). Default: all. On a 10k-device hospital a full listing is
   * about 5 million ids.
   */
  maxListedTargets?: number;
  /**
   * Attack method id → name (the catalogue's), for the reasons of `uncuttableTargets`
   * ("no control prevents AM11 Physical access to ports or media on …"). Default: ids alone.
   */
  methodNames?: Readonly<Record<string, string>>;
}

/** One recommended control placement. */
export interface RecommendedPlacement {
  controlId: string;
  elementId: string;
  elementType: ElementType;
  /** Cost units. */
  cost: number;
  /** Unblocked steps this placement blocks, sorted. */
  cutsStepIds: string[];
  /**
   * Targets (≥ minSeverity) that become reachable again if only this placement is left out, by id;
   * at most `maxListedTargets` of them (the first by id) when the option is given.
   */
  cutsTargetIds: string[];
  /** How many targets become reachable again without it (cutsTargetIds may list fewer). */
  cutsTargetCount: number;
  /** PREVENTS (cuts steps), REDUCES (lowers their likelihood) or both; the minimum-cost cut only has PREVENTS. */
  effect: PlacementEffect;
  /** Budget plans: unblocked steps whose likelihood it multiplies (REDUCES), sorted. Empty in the minimum-cost cut. */
  reducesStepIds: string[];
}

/** A target no placement can protect, and why (controls v2). */
export interface UncuttableTarget {
  targetId: string;
  /** One path to it through steps no candidate placement prevents (fewest steps), entry first. */
  stepIds: string[];
  /** The path in words: each step and why nothing prevents it. */
  reason: string;
}

/** Solver outcome: OPTIMAL (within mipRelGap), TIME_LIMIT (best found), NOTHING_TO_CUT (no cuttable target reachable). */
export type RecommendationStatus = 'OPTIMAL' | 'TIME_LIMIT' | 'NOTHING_TO_CUT';

/** Result of {@link recommendControls}. */
export interface Recommendation {
  /** Sorted by controlId, then elementId. */
  placements: RecommendedPlacement[];
  /** Σ cost of the placements, cost units. */
  totalCost: number;
  /** True when the solver proved optimality (within mipRelGap). */
  optimal: boolean;
  /** Relative gap between the solution and the solver's bound (0 when optimal). */
  mipGap: number;
  /** Wall-clock ms spent in reduction and solving (not deterministic; everything else is). */
  solveTimeMs: number;
  status: RecommendationStatus;
  minSeverity: Severity;
  /** Budget used, cost units (budget variant only). */
  budget?: number;
  /** Targets ≥ minSeverity reachable through steps no candidate control can block. Sorted. */
  uncuttableTargetIds: string[];
  /** The same targets with why: a path through steps no control prevents, in words. */
  uncuttableTargets: UncuttableTarget[];
  /** Σ over targets ≥ minSeverity of severityRank × max path likelihood, before the placements. */
  riskBefore: number;
  /** The same after the placements. */
  riskAfter: number;
}

/** Result of {@link whatIf}. */
export interface WhatIfResult {
  before: AttackPathsResult;
  after: AttackPathsResult;
  /** The placements applied (validated, deduplicated, sorted), with what each blocks. */
  placementsApplied: AppliedPlacement[];
  /** Ids of `before` paths that have a step blocked after the placements. Sorted. */
  pathsCut: string[];
  /** before.totalRisk − after.totalRisk. */
  riskReduction: number;
}

/** A placement applied by {@link whatIf}. */
export interface AppliedPlacement {
  controlId: string;
  elementId: string;
  elementType: ElementType;
  /** Cost units. */
  cost: number;
  /** Steps that were unblocked before and are blocked by this placement (it PREVENTS them), in step-id order. */
  blocksStepIds: string[];
  /** Steps it does not block but whose likelihood it lowers (it REDUCES them), in step-id order. */
  reducesStepIds: string[];
}

// ---------------------------------------------------------------------------------------------
// Control review (controls v2 migration report)
// ---------------------------------------------------------------------------------------------

/** Why a placement needs review after controls v2. */
export type ControlReviewProblem = 'NOT_APPLICABLE' | 'NO_LONGER_PREVENTS';

/** One placement of the model that needs review. */
export interface ControlReviewItem {
  placementId: string;
  controlId: string;
  elementId: string;
  status: 'IMPLEMENTED' | 'PLANNED';
  problem: ControlReviewProblem;
  /** In words: the failed applicability predicate, or what the control does now instead of preventing. */
  reason: string;
  /** Attack methods it used to count as cutting there and no longer cuts, sorted. */
  attackMethodIds: string[];
  /** Attack steps on that element of those methods (what it used to block), sorted. */
  stepIds: string[];
}

/** Result of {@link reviewControlPlacements}. */
export interface ControlReview {
  /** Sorted by placementId. */
  items: ControlReviewItem[];
  /**
   * Safety risk (Σ severityRank × most likely path, every SAFETY target) as the model was believed
   * to be: the listed IMPLEMENTED placements still cutting what they used to.
   */
  riskBefore: number;
  /** The same as it is now. */
  riskAfter: number;
}

// ---------------------------------------------------------------------------------------------
// Budget plans and the cost–risk curve (issue 10 point 4)
// ---------------------------------------------------------------------------------------------

/** Options of {@link planWithinBudget}. */
export interface BudgetPlanOptions {
  /** Most the plan may cost, cost units, ≥ 0. */
  budget: number;
  /** Weigh targets of at least this severity (on the PRIVACY scale: of at least this rank). Default NEGLIGIBLE (all). */
  minSeverity?: Severity;
  /** Risk scale of the targets (default SAFETY): one scale at a time, figures of the two are never added. */
  scale?: RiskScale;
  /** Wall-clock budget for the whole computation, ms. Default 10000. */
  timeLimitMs?: number;
  /**
   * Relative optimality gap on the residual risk at which the search may stop (default 1e-6):
   * the plan's residual risk is at most (1 + gap) × the best possible, up to the solver's
   * feasibility tolerance (1e-9).
   */
  mipRelGap?: number;
}

/** How a chosen placement acts: it makes steps impossible (PREVENTS), lowers their likelihood (REDUCES), or both on different steps. */
export type PlacementEffect = 'PREVENTS' | 'REDUCES' | 'PREVENTS_AND_REDUCES';

/** A step whose likelihood a planned placement multiplies by `factor`. */
export interface ReducedStep {
  stepId: string;
  /** Multiplier of the step's likelihood, 0 < factor < 1. */
  factor: number;
}

/** One placement of a budget plan or of a cost–risk breakpoint. */
export interface PlannedPlacement {
  controlId: string;
  elementId: string;
  elementType: ElementType;
  /** Cost units. */
  cost: number;
  effect: PlacementEffect;
  /** Unblocked steps the placement makes impossible (its effect on their method is PREVENTS), sorted. */
  preventsStepIds: string[];
  /** Unblocked steps whose likelihood the placement multiplies (effect REDUCES), sorted by step id. */
  reduces: ReducedStep[];
}

/**
 * Outcome of a budget plan or a curve: OPTIMAL (within the gap), TIME_LIMIT (best found, gap
 * reported), NOTHING_TO_REDUCE (no candidate placement can lower the risk of a selected target).
 */
export type BudgetPlanStatus = 'OPTIMAL' | 'TIME_LIMIT' | 'NOTHING_TO_REDUCE';

/**
 * Result of {@link planWithinBudget}: the placements costing at most `budget` that remove the most
 * risk on one scale (PREVENTS placements remove steps, REDUCES placements multiply their
 * likelihoods, partial cuts count: a target's risk falls to that of its next most likely path),
 * and among those the cheapest.
 */
export interface BudgetPlan {
  /** Sorted by controlId, then elementId. */
  placements: PlannedPlacement[];
  /** Σ cost of the placements, cost units (≤ budget). */
  totalCost: number;
  /** The budget asked for, cost units. */
  budget: number;
  scale: RiskScale;
  minSeverity: Severity;
  /** Σ over selected targets of severityRank × likelihood of the most likely path (probability 0–1) before the plan. */
  riskBefore: number;
  /** The same with the plan in force. */
  riskAfter: number;
  /** riskBefore − riskAfter. */
  riskRemoved: number;
  /** A proven lower bound on the residual risk of any plan within the budget (≤ riskAfter). */
  riskAfterLowerBound: number;
  /** Relative gap (riskAfter − riskAfterLowerBound) / riskAfter (0 when riskAfter is 0). */
  mipGap: number;
  /** True when both stages (most risk removed, then cheapest) were solved to the gap asked for. */
  optimal: boolean;
  status: BudgetPlanStatus;
  /** Solver calls made (outer-approximation rounds of both stages). */
  solverCalls: number;
  /** Wall-clock ms (not deterministic; everything else is, unless the time limit was hit). */
  solveTimeMs: number;
}

/** Options of {@link costRiskCurve}. */
export interface CostRiskCurveOptions {
  /** As in {@link BudgetPlanOptions}. Default NEGLIGIBLE. */
  minSeverity?: Severity;
  /** Default SAFETY. */
  scale?: RiskScale;
  /** Wall-clock budget for the whole curve, ms. Default 30000. */
  timeLimitMs?: number;
  /** Relative optimality gap of each breakpoint's residual risk (default 1e-6). */
  mipRelGap?: number;
  /** At most this many breakpoints (the first one, budget 0, included). Default: no cap. */
  maxBreakpoints?: number;
  /**
   * Smallest risk decrease that makes a new breakpoint, as a fraction of riskBefore, in (0, 1);
   * default 1e-3. Each breakpoint is exact at this resolution: the least cost that lowers the
   * residual risk by more than it, and the least risk within that cost.
   */
  riskResolution?: number;
  /**
   * Independent parts with at most this many candidate placements get their frontier by
   * evaluating every plan (2^n best-path passes); larger ones by the MILPs. Default 12; 0 sends
   * every part to the MILPs (tests compare both ways). Integer 0–16.
   */
  enumerateUpTo?: number;
}

/** One point of the efficient frontier: from budget `cost` on (up to the next breakpoint's cost), this plan is best. */
export interface CostRiskBreakpoint {
  /** The plan's cost = the least budget at which this residual risk is reachable, cost units. */
  cost: number;
  /** Residual risk of the plan (probability × severity rank, summed over the selected targets). */
  riskAfter: number;
  /** riskBefore − riskAfter. */
  riskRemoved: number;
  /** Sorted by controlId, then elementId. */
  placements: PlannedPlacement[];
  /** Relative gap of this breakpoint's residual risk (see {@link BudgetPlan.mipGap}). */
  mipGap: number;
  optimal: boolean;
}

/** Result of {@link costRiskCurve}. */
export interface CostRiskCurve {
  /** Cost strictly increasing, riskAfter strictly decreasing; the first is the best zero-cost plan. */
  breakpoints: CostRiskBreakpoint[];
  scale: RiskScale;
  minSeverity: Severity;
  riskBefore: number;
  /** Residual risk with every candidate placement in force: no budget gets below it. */
  riskFloor: number;
  /**
   * True when the curve reaches `riskFloor` (risk can fall no more); false when cut short by
   * maxBreakpoints or the time limit.
   */
  complete: boolean;
  /**
   * Smallest risk decrease that makes a new breakpoint, in risk units: plans within this much of
   * the previous breakpoint's risk count as no better (options.riskResolution × riskBefore).
   */
  riskResolution: number;
  /** How the curve was computed, in words. */
  method: string;
  /** Largest breakpoint gap. */
  mipGap: number;
  /** True when every breakpoint is optimal and the curve is complete or capped by maxBreakpoints only. */
  optimal: boolean;
  status: BudgetPlanStatus;
  solverCalls: number;
  /** Wall-clock ms. */
  solveTimeMs: number;
}

// ---------------------------------------------------------------------------------------------
// Baseline
// ---------------------------------------------------------------------------------------------

/**
 * MET: a control of the requirement is implemented where it fits (or, with `assume:
 * IMPLEMENTED_AND_PLANNED`, planned); PLANNED: only planned placements; MISSING: none, but one
 * could be placed; NOT_APPLICABLE: none of its controls can exist on the device, its interfaces,
 * its channels or the zones that protect it (applicability, domain/applicability.ts). Only
 * REQUIRED/CONDITIONAL rows that are PLANNED or MISSING are gaps.
 */
export type BaselineStatus = 'MET' | 'PLANNED' | 'MISSING' | 'NOT_APPLICABLE';

/** Options of {@link findBaselineGaps}. */
export interface FindBaselineGapsOptions {
  /**
   * Which placements are in force: IMPLEMENTED (default) only implemented ones; with
   * IMPLEMENTED_AND_PLANNED a planned placement makes its requirement MET (the baseline after
   * the agreed plan), listed in `satisfiedBy` with status PLANNED.
   */
  assume?: PlacementAssumption;
}

/**
 * One baseline requirement applied to one device: a row of its HSA risk class's baseline (TR 67
 * Table 3, reconstructed; IEC TR 80001-2-2 capability codes), or a TR 67 Table 2 telehealth
 * control (capabilityCode `TELEHEALTH`) for a device used at home or for remote monitoring.
 */
export interface BaselineGap {
  deviceId: string;
  riskClass: string;
  /** IEC TR 80001-2-2 capability code (e.g. ALOF, NAUT), or `TELEHEALTH` for TR 67 Table 2 rows. */
  capabilityCode: string;
  level: 'REQUIRED' | 'CONDITIONAL' | 'RECOMMENDED';
  /** For CONDITIONAL requirements: the listed conditions that hold for this device. */
  conditionsMet: string[];
  status: BaselineStatus;
  /**
   * Why the row has its status, in words: the placements that meet it, where its controls would
   * fit, or (NOT_APPLICABLE) why none can exist here, e.g. "no user session: …".
   */
  reason: string;
  /** True when the requirement counts as a gap: REQUIRED/CONDITIONAL and PLANNED or MISSING (never NOT_APPLICABLE). */
  gap: boolean;
  /**
   * Controls of the requirement, any one of which satisfies it. Wireless-link rows: the
   * catalogue's link controls that fit the channel's technology; telehealth rows: the Table 2
   * entry's controls.
   */
  controlIds: string[];
  /** Placements that satisfy it (IMPLEMENTED, or PLANNED when status is PLANNED or planned ones are assumed), sorted. */
  satisfiedBy: { controlId: string; elementId: string; status: 'IMPLEMENTED' | 'PLANNED' }[];
  /**
   * Where each requirement control could be placed to satisfy it (the device, its interfaces, its
   * channels, its zones; wireless-link and telehealth rows: the channel, the device's interface on
   * it and the device), only where it fits (placementMisfit is null), sorted.
   */
  candidatePlacements: { controlId: string; elementId: string }[];
  /** Wireless-link and telehealth rows: the channel (or, without a wireless channel, the radio interface) the row is about. */
  scopeElementId?: string;
  /** TELEHEALTH rows: the TR 67 Table 2 entry (catalogue.telehealthControls id). */
  telehealthControlId?: string;
  note?: string;
}
