/** Root queries: thin calls into the services. Access is checked by resolvers/access.ts. */
import type { Context } from '../context';
import { canAccessModel } from '../domain/auth/principal';
import { EngineLimitError } from '../domain/errors';
import type { ModelDocument } from '../domain/types';
import type { RevisionInput } from '../services/history-service';

/**
 * Most model elements all `exportModel` fields of one request may return together (issue 11
 * point 5: fifteen aliased exports of a 5,000-device model made a 96 MB answer within the query
 * cost limit, which cannot know a model's size). MEDTHREAT_MAX_EXPORT_ELEMENTS, default 100 000
 * (three exports of a 5,000-device hospital).
 */
export function maxExportElements(): number {
  const v = Number(process.env.MEDTHREAT_MAX_EXPORT_ELEMENTS ?? 100_000);
  return Number.isInteger(v) && v > 0 ? v : 100_000;
}
const exported = new WeakMap<Context, number>();

/** Counts a document's elements against the request's export budget. @throws EngineLimitError('exportElements') past it. */
function charge(ctx: Context, doc: ModelDocument): ModelDocument {
  let n = 0;
  for (const v of Object.values(doc)) if (Array.isArray(v)) n += v.length;
  const total = (exported.get(ctx) ?? 0) + n;
  const max = maxExportElements();
  if (total > max)
    throw new EngineLimitError(
      `this request's exports would return ${total} model elements, more than ${max} ` +
        '(MEDTHREAT_MAX_EXPORT_ELEMENTS): export the models in separate requests',
      'exportElements',
      total,
    );
  exported.set(ctx, total);
  return doc;
}

export const Query = {
  catalogue: (_: unknown, __: unknown, ctx: Context) => ctx.services.catalogues.current(),
  /** Only the models in the caller's scope. */
  models: async (_: unknown, __: unknown, ctx: Context) =>
    (await ctx.services.models.list()).filter((m) => canAccessModel(ctx.principal, m.id)),
  model: (_: unknown, a: { id: string }, ctx: Context) => ctx.services.models.get(a.id),
  /**
   * The current document, or the one of `revision` (a snapshot or an earlier version). Each
   * request may export at most maxExportElements() elements in all (ENGINE_LIMIT).
   */
  exportModel: async (_: unknown, a: { id: string; revision?: RevisionInput | null }, ctx: Context) =>
    charge(
      ctx,
      a.revision
        ? (await ctx.services.history.revision(a.id, a.revision, 'revision')).document
        : await ctx.services.models.exportModel(a.id),
    ),
};
