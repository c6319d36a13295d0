/**
 * A model's past: snapshots, revisions, diffs and the model's audit history. Thin calls into
 * HistoryService and AuditService. Root fields are guarded by resolvers/access.ts; ThreatModel
 * fields are reached through a guarded root field (VIEWER with the model), except `history`,
 * which checks ADMIN itself.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Context } from '../context';
import { authorize } from '../domain/auth/principal';
import type { PlacementDiffEntry } from '../domain/model-diff';
import type { ModelRevisionDiff, RevisionInput, SnapshotRecord } from '../services/history-service';
import type { RiskScale, ThreatModelSummary } from '../domain/types';

type Info = GraphQLResolveInfo;

export const HistoryQuery = {
  modelDiff: (_: unknown, a: { modelId: string; from: RevisionInput; to: RevisionInput }, ctx: Context) =>
    ctx.services.history.diff(a.modelId, a.from, a.to),
};

export const HistoryMutation = {
  createSnapshot: (_: unknown, a: { modelId: string; name: string; note?: string | null }, ctx: Context, info: Info) =>
    ctx.services.history.createSnapshot(actorOf(ctx, info.fieldName), a.modelId, a.name, a.note),
  deleteSnapshot: (_: unknown, a: { modelId: string; id: string }, ctx: Context, info: Info) =>
    ctx.services.history.deleteSnapshot(actorOf(ctx, info.fieldName), a.modelId, a.id),
};

export const ThreatModelHistory = {
  snapshots: (m: ThreatModelSummary, _: unknown, ctx: Context) => ctx.services.history.listSnapshots(m.id),
  snapshot: (m: ThreatModelSummary, a: { id: string }, ctx: Context) => ctx.services.history.getSnapshot(m.id, a.id),
  earliestVersion: (m: ThreatModelSummary, _: unknown, ctx: Context) => ctx.services.history.earliestVersion(m.id),
  /** ADMIN only (who did what): nested fields are not covered by the root policy, so checked here. */
  history: (m: ThreatModelSummary, a: { first?: number | null; after?: string | null }, ctx: Context) => {
    authorize(ctx.principal, 'ADMIN', m.id);
    return ctx.services.audit.events({ modelId: m.id, since: m.createdAt }, a.first ?? 50, a.after ?? undefined);
  },
};

export const ModelSnapshot = {
  document: (s: SnapshotRecord, _: unknown, ctx: Context) => ctx.services.history.snapshotDocument(s.modelId, s.id),
  riskTotals: (s: SnapshotRecord, a: { scale?: RiskScale | null }, ctx: Context) =>
    ctx.services.history.snapshotRiskTotals(s, a.scale ?? 'SAFETY'),
};

export const ModelDiff = {
  risk: (d: ModelRevisionDiff, a: { scale?: RiskScale | null }, ctx: Context) =>
    ctx.services.history.compareRisk(d.from, d.to, a.scale ?? 'SAFETY'),
};

export const PlacementDiff = {
  control: async (p: PlacementDiffEntry, _: unknown, ctx: Context) =>
    (await ctx.services.catalogues.current()).controls.find((c) => c.id === p.controlId) ?? null,
};

/** GraphQL enum value → the element list of the exchange document (the diff's internal kind). */
export const ModelElementKind = {
  ZONE: 'zones',
  DEVICE: 'devices',
  INTERFACE: 'interfaces',
  CHANNEL: 'channels',
  ASSET: 'assets',
  VULNERABILITY: 'vulnerabilities',
  CONTROL_PLACEMENT: 'controlPlacements',
};
