/**
 * Access policy of every root field: the least role it needs and, for model fields, which
 * argument names the model (issue #5: viewer < editor < admin, per-model scope). `guardRoot`
 * wraps each Query and Mutation resolver with the check; `assertEveryRootFieldGuarded` fails start-up
 * (and a unit test) when a root field has no policy, so a new operation cannot be open by accident.
 * Fields below the root (ThreatModel.devices, ...) are reached only through a guarded root field.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { buildSchema, isObjectType } from 'graphql';
import type { Context } from '../context';
import { authorize, type Role } from '../domain/auth/principal';

type Args = Record<string, unknown>;

/** PUBLIC: anyone, even without credentials. Otherwise the role and (optionally) the model argument. */
export type Requirement = 'PUBLIC' | { role: Role; model?: (args: Args) => unknown };

const byArg =
  (name: string) =>
  (a: Args): unknown =>
    a[name];
const VIEWER: Requirement = { role: 'VIEWER' };
const ADMIN: Requirement = { role: 'ADMIN' };
const viewModel = (arg: string): Requirement => ({ role: 'VIEWER', model: byArg(arg) });
const editModel = (arg: string): Requirement => ({ role: 'EDITOR', model: byArg(arg) });

/** The model an import writes: targetModelId, else the document's model.id. */
function importTarget(a: Args): unknown {
  if (typeof a['targetModelId'] === 'string') return a['targetModelId'];
  const doc = a['document'] as { model?: { id?: unknown } } | null;
  return doc?.model?.id;
}

const ELEMENT_MUTATIONS = [
  'Zone',
  'Device',
  'Interface',
  'Channel',
  'Asset',
  'Vulnerability',
  'ControlPlacement',
].flatMap((t) => [`create${t}`, `update${t}`, `delete${t}`]);

/** Root field → requirement. Every Query and Mutation field must appear here. */
export const ACCESS_POLICY: { Query: Record<string, Requirement>; Mutation: Record<string, Requirement> } = {
  Query: {
    me: 'PUBLIC',
    catalogue: VIEWER,
    models: VIEWER, // the resolver lists only the models in the caller's scope
    model: viewModel('id'),
    exportModel: viewModel('id'),
    users: ADMIN,
    apiKeys: ADMIN,
    auditEvents: ADMIN,
    modelDiff: viewModel('modelId'),
    previewCsafImport: viewModel('modelId'), // schema/imports.graphql: nothing written
    advisoryWatch: viewModel('modelId'), // schema/imports.graphql: nothing written
    previewCycloneDxImport: viewModel('modelId'),
  },
  Mutation: {
    login: 'PUBLIC',
    changePassword: VIEWER,
    logout: VIEWER,
    logoutEverywhere: VIEWER,
    createUser: ADMIN,
    updateUser: ADMIN,
    createApiKey: ADMIN,
    revokeApiKey: ADMIN,
    loadCatalogue: ADMIN,
    importModel: { role: 'EDITOR', model: importTarget },
    createModel: editModel('id'),
    updateModel: editModel('id'),
    deleteModel: { role: 'ADMIN', model: byArg('id') },
    acceptRecommendation: editModel('modelId'),
    upsertDevices: editModel('modelId'), // schema/integration.graphql
    commitCsafImport: editModel('modelId'), // schema/imports.graphql
    commitCycloneDxImport: editModel('modelId'),
    createSnapshot: editModel('modelId'),
    deleteSnapshot: editModel('modelId'),
    ...Object.fromEntries(ELEMENT_MUTATIONS.map((f) => [f, editModel('modelId')])),
  },
};

/** Throws (UNAUTHENTICATED / FORBIDDEN) unless the context's principal meets `req` for `args`. */
export function enforce(req: Requirement, args: Args, ctx: Context): void {
  if (req === 'PUBLIC') return;
  const model = req.model?.(args);
  authorize(ctx.principal, req.role, typeof model === 'string' ? model : undefined);
}

type Resolver = (parent: unknown, args: Args, ctx: Context, info: GraphQLResolveInfo) => unknown;

/**
 * Wraps the resolvers of a root type with their policy. Throws at start-up if a resolver has no
 * policy (fail closed).
 */
export function guardRoot<T extends Record<string, (...args: never[]) => unknown>>(
  type: 'Query' | 'Mutation',
  resolvers: T,
): T {
  return Object.fromEntries(
    Object.entries(resolvers).map(([field, resolve]) => {
      const req = ACCESS_POLICY[type][field];
      if (req === undefined) throw new Error(`${type}.${field} has no access policy (resolvers/access.ts)`);
      const inner = resolve as unknown as Resolver;
      const guarded: Resolver = (parent, args, ctx, info) => {
        enforce(req, args, ctx);
        return inner(parent, args, ctx, info);
      };
      return [field, guarded];
    }),
  ) as unknown as T;
}

/** Throws naming every Query/Mutation field of `typeDefs` that has no policy or no resolver. */
export function assertEveryRootFieldGuarded(typeDefs: string, resolvers: Record<string, unknown>): void {
  const schema = buildSchema(typeDefs);
  const missing: string[] = [];
  for (const type of ['Query', 'Mutation'] as const) {
    const root = schema.getType(type);
    const fields = isObjectType(root) ? Object.keys(root.getFields()) : [];
    const impl = (resolvers[type] ?? {}) as Record<string, unknown>;
    for (const f of fields) {
      if (ACCESS_POLICY[type][f] === undefined) missing.push(`${type}.${f} (no access policy)`);
      if (impl[f] === undefined) missing.push(`${type}.${f} (no resolver)`);
    }
  }
  if (missing.length) throw new Error(`root fields without access control: ${missing.join(', ')}`);
}
