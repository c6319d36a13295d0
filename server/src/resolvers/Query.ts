/** Root queries: thin calls into the services. Access is checked by resolvers/access.ts. */
import type { Context } from '../context';
import { canAccessModel } from '../domain/auth/principal';
import type { RevisionInput } from '../services/history-service';

export const Query = {
  catalogue: (_: unknown, __: unknown, ctx: Context) => ctx.services.catalogues.current(),
  /** Only the models in the caller's scope. */
  models: async (_: unknown, __: unknown, ctx: Context) =>
    (await ctx.services.models.list()).filter((m) => canAccessModel(ctx.principal, m.id)),
  model: (_: unknown, a: { id: string }, ctx: Context) => ctx.services.models.get(a.id),
  /** The current document, or the one of `revision` (a snapshot or an earlier version). */
  exportModel: async (_: unknown, a: { id: string; revision?: RevisionInput | null }, ctx: Context) =>
    a.revision
      ? (await ctx.services.history.revision(a.id, a.revision, 'revision')).document
      : ctx.services.models.exportModel(a.id),
};
