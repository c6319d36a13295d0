/** Analysis fields of ThreatModel and the types they return: thin calls into AnalysisService. */
import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Context } from '../context';
import type { AnalysedGraph } from '../services/analysis-service';
import type { RiskScale, Severity, ThreatModelSummary } from '../domain/types';
import {
  ATTACK_RULES,
  getAttackRule,
  type AttackStep as Step,
  type PlacementAssumption,
  type PlacementInput,
} from '../engine';

type Nullable<T> = { [K in keyof T]?: T[K] | null };
/** Drops null arguments (GraphQL null = not given). */
function given<T extends object>(args: Nullable<T>): T {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export const ThreatModelAnalysis = {
  /**
   * The model's attack graph. Its entry points and targets come from the worker that holds the
   * graph; its nodes and steps are copied out only when the query asks for them (see AttackGraph).
   */
  attackGraph: async (
    m: ThreatModelSummary,
    a: { fromElementIds?: string[] | null },
    ctx: Context,
  ): Promise<AttackGraphHandle> => {
    const fromElementIds = a.fromElementIds ?? undefined;
    const summary = await ctx.services.analysis.attackGraphSummary(m.id, fromElementIds);
    return { modelId: m.id, ...(fromElementIds ? { fromElementIds } : {}), ...summary };
  },
  attackPaths: (
    m: ThreatModelSummary,
    a: Nullable<{
      k: number;
      first: number;
      minSeverity: Severity;
      scale: RiskScale;
      targetIds: string[];
      fromElementIds: string[];
      assume: PlacementAssumption;
      maxDepth: number;
      maxPaths: number;
      timeLimitMs: number;
    }>,
    ctx: Context,
  ) => ctx.services.analysis.attackPaths(m.id, given(a)),
  recommendControls: (
    m: ThreatModelSummary,
    a: { minSeverity: Severity } & Nullable<{
      budget: number;
      timeLimitMs: number;
      scale: RiskScale;
      fromElementIds: string[];
      assume: PlacementAssumption;
    }>,
    ctx: Context,
  ) => ctx.services.analysis.recommendControls(m.id, given(a) as { minSeverity: Severity }),
  whatIf: (
    m: ThreatModelSummary,
    a: { placements: PlacementInput[] } & Nullable<{
      minSeverity: Severity;
      k: number;
      maxDepth: number;
      maxPaths: number;
      timeLimitMs: number;
      scale: RiskScale;
      fromElementIds: string[];
      assume: PlacementAssumption;
    }>,
    ctx: Context,
  ) =>
    ctx.services.analysis.whatIf(
      m.id,
      a.placements.map((p) => given(p) as PlacementInput),
      given({
        minSeverity: a.minSeverity,
        k: a.k,
        maxDepth: a.maxDepth,
        maxPaths: a.maxPaths,
        timeLimitMs: a.timeLimitMs,
        scale: a.scale,
        fromElementIds: a.fromElementIds,
        assume: a.assume,
      }),
    ),
  controlReview: (m: ThreatModelSummary, _a: unknown, ctx: Context) => ctx.services.analysis.controlReview(m.id),
  costRiskCurve: (
    m: ThreatModelSummary,
    a: Nullable<{
      minSeverity: Severity;
      scale: RiskScale;
      maxBreakpoints: number;
      timeLimitMs: number;
      fromElementIds: string[];
      assume: PlacementAssumption;
      riskResolution: number;
    }>,
    ctx: Context,
  ) => ctx.services.analysis.costRiskCurve(m.id, given(a)),
  baselineGaps: (
    m: ThreatModelSummary,
    a: Nullable<{ deviceId: string; onlyGaps: boolean; assume: PlacementAssumption }>,
    ctx: Context,
  ) => ctx.services.analysis.baselineGaps(m.id, given(a)),
};

export const AttackStep = {
  rule: (s: Step) => getAttackRule(s.ruleId),
  attackMethod: async (s: Step, _: unknown, ctx: Context) =>
    (await ctx.services.catalogues.current()).attackMethods.find((m) => m.id === s.attackMethodId),
};

export const RecommendedPlacement = {
  control: async (p: { controlId: string }, _: unknown, ctx: Context) =>
    (await ctx.services.catalogues.current()).controls.find((c) => c.id === p.controlId),
};

/** A curve point's placement: the engine's PlannedPlacement, its reductions as step ids. */
export const PlannedPlacement = {
  control: RecommendedPlacement.control,
  reducesStepIds: (p: { reduces: { stepId: string }[] }) => p.reduces.map((r) => r.stepId),
};

export const AnalysisMutation = {
  acceptRecommendation: (
    _: unknown,
    a: { modelId: string; placements: PlacementInput[]; expectedVersion?: number | null },
    ctx: Context,
    info: GraphQLResolveInfo,
  ) =>
    ctx.services.models.acceptPlacements(
      actorOf(ctx, info.fieldName),
      a.modelId,
      a.placements.map((p) => given(p) as PlacementInput),
      a.expectedVersion ?? undefined,
    ),
};

/** What ThreatModel.attackGraph resolves to: the summary, and how to fetch the whole graph. */
interface AttackGraphHandle {
  modelId: string;
  fromElementIds?: string[];
  entryPointIds: string[];
  targetIds: string[];
}

/** The whole graph of a handle (fetched from the worker once per model state, cached). */
const wholeGraph = (h: AttackGraphHandle, ctx: Context): Promise<AnalysedGraph> =>
  ctx.services.analysis.attackGraph(h.modelId, h.fromElementIds);

/** AttackGraph fields: nodes and steps copy the graph out of the worker; the rest do not. */
export const AttackGraph = {
  nodes: async (h: AttackGraphHandle, _: unknown, ctx: Context) => {
    const analysed = await wholeGraph(h, ctx);
    return analysed.graph.nodes.map((n) => ({
      ...n,
      entryPoint: analysed.entryPointIds.has(n.id),
      target: analysed.targetIds.has(n.id),
    }));
  },
  steps: async (h: AttackGraphHandle, _: unknown, ctx: Context) => (await wholeGraph(h, ctx)).graph.steps,
  rules: () => ATTACK_RULES,
};
