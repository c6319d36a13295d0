/** Root mutations: thin calls into the services; every one is a single transaction there. */
import type { Context } from '../context';
import type { ElementKind } from '../domain/services/model-service';

type Create = { modelId: string; input: Record<string, unknown> };
type Update = { modelId: string; id: string; patch: Record<string, unknown> };
type Delete = { modelId: string; id: string };

/** create/update/delete resolvers of one element kind, e.g. createZone/updateZone/deleteZone. */
function crud(kind: ElementKind, typeName: string) {
  return {
    [`create${typeName}`]: (_: unknown, a: Create, ctx: Context) =>
      ctx.services.models.createElement(a.modelId, kind, a.input),
    [`update${typeName}`]: (_: unknown, a: Update, ctx: Context) =>
      ctx.services.models.updateElement(a.modelId, kind, a.id, a.patch),
    [`delete${typeName}`]: (_: unknown, a: Delete, ctx: Context) =>
      ctx.services.models.deleteElement(a.modelId, kind, a.id),
  };
}

export const Mutation = {
  importModel: (
    _: unknown,
    a: { document: unknown; replace?: boolean | null; targetModelId?: string | null },
    ctx: Context,
  ) =>
    ctx.services.models.importModel(a.document, {
      replace: a.replace ?? false,
      ...(a.targetModelId ? { targetModelId: a.targetModelId } : {}),
    }),
  createModel: (_: unknown, a: { id: string; name: string; description?: string | null }, ctx: Context) =>
    ctx.services.models.createModel(a.id, a.name, a.description ?? undefined),
  updateModel: (_: unknown, a: { id: string; name?: string | null; description?: string | null }, ctx: Context) =>
    ctx.services.models.updateModel(a.id, a.name, a.description),
  deleteModel: (_: unknown, a: { id: string }, ctx: Context) => ctx.services.models.deleteModel(a.id),
  loadCatalogue: (_: unknown, a: { document: unknown }, ctx: Context) => ctx.services.catalogues.load(a.document),
  ...crud('zones', 'Zone'),
  ...crud('devices', 'Device'),
  ...crud('interfaces', 'Interface'),
  ...crud('channels', 'Channel'),
  ...crud('assets', 'Asset'),
  ...crud('vulnerabilities', 'Vulnerability'),
  ...crud('controlPlacements', 'ControlPlacement'),
};
