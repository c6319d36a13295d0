/** Root queries: thin calls into the services. */
import type { Context } from '../context';

export const Query = {
  catalogue: (_: unknown, __: unknown, ctx: Context) => ctx.services.catalogues.current(),
  models: (_: unknown, __: unknown, ctx: Context) => ctx.services.models.list(),
  model: (_: unknown, a: { id: string }, ctx: Context) => ctx.services.models.get(a.id),
  exportModel: (_: unknown, a: { id: string }, ctx: Context) => ctx.services.models.exportModel(a.id),
};
