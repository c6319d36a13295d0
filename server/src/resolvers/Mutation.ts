/**
 * Root mutations: thin calls into the services; every one is a single transaction there, with
 * its audit entry. Access (role, model scope) is checked by the wrapper in resolvers/access.ts.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Context } from '../context';
import type { ElementKind } from '../services/model-service';
import { ownedBy } from './inventory';

/** Optimistic concurrency: the model version the client last loaded (null/absent: not checked). */
type Expected = { expectedVersion?: number | null };
type Create = { modelId: string; input: Record<string, unknown> } & Expected;
type Update = { modelId: string; id: string; patch: Record<string, unknown> } & Expected;
type Delete = { modelId: string; id: string } & Expected;
type Info = GraphQLResolveInfo;

/** The expectedVersion argument as the services take it. */
export const expected = (a: Expected): number | undefined => a.expectedVersion ?? undefined;

/** create/update/delete resolvers of one element kind, e.g. createZone/updateZone/deleteZone. */
function crud(kind: ElementKind, typeName: string) {
  return {
    [`create${typeName}`]: async (_: unknown, a: Create, ctx: Context, info: Info) =>
      ownedBy(
        a.modelId,
        await ctx.services.models.createElement(actorOf(ctx, info.fieldName), a.modelId, kind, a.input, expected(a)),
      ),
    [`update${typeName}`]: async (_: unknown, a: Update, ctx: Context, info: Info) =>
      ownedBy(
        a.modelId,
        await ctx.services.models.updateElement(
          actorOf(ctx, info.fieldName),
          a.modelId,
          kind,
          a.id,
          a.patch,
          expected(a),
        ),
      ),
    [`delete${typeName}`]: (_: unknown, a: Delete, ctx: Context, info: Info) =>
      ctx.services.models.deleteElement(actorOf(ctx, info.fieldName), a.modelId, kind, a.id, expected(a)),
  };
}

export const Mutation = {
  importModel: (
    _: unknown,
    a: { document: unknown; replace?: boolean | null; targetModelId?: string | null } & Expected,
    ctx: Context,
    info: Info,
  ) =>
    ctx.services.models.importModel(actorOf(ctx, info.fieldName), a.document, {
      replace: a.replace ?? false,
      ...(a.targetModelId ? { targetModelId: a.targetModelId } : {}),
      ...(expected(a) !== undefined ? { expectedVersion: expected(a)! } : {}),
    }),
  createModel: (_: unknown, a: { id: string; name: string; description?: string | null }, ctx: Context, info: Info) =>
    ctx.services.models.createModel(actorOf(ctx, info.fieldName), a.id, a.name, a.description ?? undefined),
  updateModel: (
    _: unknown,
    a: { id: string; name?: string | null; description?: string | null } & Expected,
    ctx: Context,
    info: Info,
  ) => ctx.services.models.updateModel(actorOf(ctx, info.fieldName), a.id, a.name, a.description, expected(a)),
  deleteModel: (_: unknown, a: { id: string } & Expected, ctx: Context, info: Info) =>
    ctx.services.models.deleteModel(actorOf(ctx, info.fieldName), a.id, expected(a)),
  loadCatalogue: (_: unknown, a: { document: unknown }, ctx: Context, info: Info) =>
    ctx.services.catalogues.load(actorOf(ctx, info.fieldName), a.document),
  ...crud('zones', 'Zone'),
  ...crud('devices', 'Device'),
  ...crud('interfaces', 'Interface'),
  ...crud('channels', 'Channel'),
  ...crud('assets', 'Asset'),
  ...crud('vulnerabilities', 'Vulnerability'),
  ...crud('controlPlacements', 'ControlPlacement'),
};
