/**
 * The authorisation matrix (issue #5): every root Query and Mutation field of the SDL × every kind
 * of caller (anonymous, viewer, editor, admin, model-scoped accounts, scoped API keys), each on a
 * model inside and a model outside the caller's scope.
 *
 * The expected access is written out below as the specification (independently of
 * resolvers/access.ts); a field missing from it fails the test, so a new operation cannot slip in
 * unreviewed. Callers are real: accounts signed in and API keys created through the API, each
 * request authenticated by AuthService exactly as over HTTP. Arguments are generated from the SDL
 * (type-valid, pointing at ids that do not exist where possible), so an allowed call ends in data
 * or a non-auth error (NOT_FOUND, BAD_USER_INPUT, CONFLICT), and a denied call in UNAUTHENTICATED
 * (anonymous) or FORBIDDEN — and changes nothing in the database.
 */
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isCompositeType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { ANONYMOUS, type Principal, type Role } from '../../server/src/domain/auth/principal';
import { loadTypeDefs } from '../../server/src/schema';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

type Spec = { role: Role | 'PUBLIC'; model?: string };

/**
 * The specification: the least role of each root field and the argument naming the model it
 * touches. VIEWER reads/exports/reports, EDITOR changes models, ADMIN runs accounts, keys, the
 * catalogue, the audit trail and model deletion.
 */
const SPEC: Record<'Query' | 'Mutation', Record<string, Spec>> = {
  Query: {
    me: { role: 'PUBLIC' },
    catalogue: { role: 'VIEWER' },
    models: { role: 'VIEWER' },
    model: { role: 'VIEWER', model: 'id' },
    exportModel: { role: 'VIEWER', model: 'id' },
    users: { role: 'ADMIN' },
    apiKeys: { role: 'ADMIN' },
    auditEvents: { role: 'ADMIN' },
    modelDiff: { role: 'VIEWER', model: 'modelId' },
    previewCsafImport: { role: 'VIEWER', model: 'modelId' }, // nothing written
    advisoryWatch: { role: 'VIEWER', model: 'modelId' }, // nothing written
    previewCycloneDxImport: { role: 'VIEWER', model: 'modelId' },
  },
  Mutation: {
    login: { role: 'PUBLIC' },
    changePassword: { role: 'VIEWER' },
    logout: { role: 'VIEWER' },
    logoutEverywhere: { role: 'VIEWER' },
    createUser: { role: 'ADMIN' },
    updateUser: { role: 'ADMIN' },
    createApiKey: { role: 'ADMIN' },
    revokeApiKey: { role: 'ADMIN' },
    loadCatalogue: { role: 'ADMIN' },
    deleteModel: { role: 'ADMIN', model: 'id' },
    importModel: { role: 'EDITOR', model: 'targetModelId' },
    createModel: { role: 'EDITOR', model: 'id' },
    updateModel: { role: 'EDITOR', model: 'id' },
    acceptRecommendation: { role: 'EDITOR', model: 'modelId' },
    createSnapshot: { role: 'EDITOR', model: 'modelId' },
    deleteSnapshot: { role: 'EDITOR', model: 'modelId' },
    upsertDevices: { role: 'EDITOR', model: 'modelId' },
    commitCsafImport: { role: 'EDITOR', model: 'modelId' },
    commitCycloneDxImport: { role: 'EDITOR', model: 'modelId' },
    ...Object.fromEntries(
      ['Zone', 'Device', 'Interface', 'Channel', 'Asset', 'Vulnerability', 'ControlPlacement'].flatMap((t) =>
        ['create', 'update', 'delete'].map((verb) => [`${verb}${t}`, { role: 'EDITOR', model: 'modelId' } as Spec]),
      ),
    ),
  },
};

/** Argument values that must not do harm when a call is allowed. */
const OVERRIDES: Record<string, Record<string, unknown>> = {
  deleteModel: { id: 'matrix-no-such-model' }, // admins are never scoped; the role is what is tested
};

const RANK: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };
const schema = buildSchema(loadTypeDefs());

/** A type-valid value for an input type: ids that do not exist, first enum values, empty lists. */
function sample(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sample(type.ofType, name);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, sample(f.type, f.name)]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return 1;
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'JSON':
        return {};
      default:
        return name === 'id' || name.endsWith('Id') ? 'matrix-nope' : 'm';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

/** The operation text and variables for one root field with generated arguments. */
function operation(kind: 'Query' | 'Mutation', field: GraphQLField<unknown, unknown>, args: Record<string, unknown>) {
  const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const pass = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  const op = kind === 'Query' ? 'query' : 'mutation';
  return {
    query: `${op} Matrix${defs ? `(${defs})` : ''} { ${field.name}${pass ? `(${pass})` : ''}${selection} }`,
    variables: Object.fromEntries(field.args.filter((a) => a.name in args).map((a) => [a.name, args[a.name]])),
  };
}

interface Caller {
  label: string;
  principal: Principal;
  /** Credentials to sign in with (login is allowed for all, with real credentials). */
  login?: { username: string; password: string };
}

const t = new TestHelper();
let inScope = '';
let outOfScope = '';
const callers: Caller[] = [];
const PASSWORD = 'matrix-password-0123456';

beforeAll(async () => {
  await t.init();
  inScope = t.uniqueModelId('matrix-a');
  outOfScope = t.uniqueModelId('matrix-b');
  for (const id of [inScope, outOfScope]) await t.services.models.createModel(TEST_ACTOR, id, `Matrix ${id}`);
  const suffix = inScope.slice(-8);
  const account = async (label: string, role: Role, modelIds: string[] | null) => {
    const username = `matrix-${label}-${suffix}`;
    await t.services.auth.createUser(TEST_ACTOR, { username, password: PASSWORD, role, modelIds });
    const session = await t.services.auth.login(username, PASSWORD);
    const principal = await t.services.auth.authenticate(`Bearer ${session.token}`);
    callers.push({ label, principal, login: { username, password: PASSWORD } });
  };
  const key = async (label: string, role: Role, modelIds: string[] | null) => {
    const { secret } = await t.services.auth.createApiKey(TEST_ACTOR, { name: `matrix ${label}`, role, modelIds });
    callers.push({ label, principal: await t.services.auth.authenticate(`Bearer ${secret}`) });
  };
  callers.push({ label: 'anonymous', principal: ANONYMOUS });
  await account('viewer', 'VIEWER', null);
  await account('viewer-scoped', 'VIEWER', [inScope]);
  await account('editor', 'EDITOR', null);
  await account('editor-scoped', 'EDITOR', [inScope]);
  await account('admin', 'ADMIN', null);
  await key('key-viewer', 'VIEWER', null);
  await key('key-editor-scoped', 'EDITOR', [inScope]);
  await key('key-admin', 'ADMIN', null);
});

afterAll(() => t.close());

interface Case {
  caller: Caller;
  kind: 'Query' | 'Mutation';
  field: string;
  model: string | null;
  allowed: boolean;
  request: { query: string; variables: Record<string, unknown> };
}

function cases(): Case[] {
  const out: Case[] = [];
  const viewer = callers.find((c) => c.label === 'viewer')!;
  for (const kind of ['Query', 'Mutation'] as const) {
    for (const field of Object.values((schema.getType(kind) as GraphQLObjectType).getFields())) {
      const spec = SPEC[kind][field.name]!;
      const base = Object.fromEntries(
        field.args
          .filter((a) => isNonNullType(a.type) || a.name === spec.model)
          .map((a) => [a.name, sample(a.type, a.name)]),
      );
      for (const caller of callers) {
        for (const model of spec.model && !OVERRIDES[field.name] ? [inScope, outOfScope] : [null]) {
          const args = { ...base, ...(model && spec.model ? { [spec.model]: model } : {}), ...OVERRIDES[field.name] };
          if (field.name === 'login') Object.assign(args, viewer.login); // real credentials: login is for everyone
          const p = caller.principal;
          const allowed =
            spec.role === 'PUBLIC' ||
            (p.role !== null &&
              RANK[p.role] >= RANK[spec.role] &&
              (model === null || p.modelIds === null || p.modelIds.includes(model)));
          out.push({ caller, kind, field: field.name, model, allowed, request: operation(kind, field, args) });
        }
      }
    }
  }
  return out;
}

const AUTH_CODES = ['UNAUTHENTICATED', 'FORBIDDEN'];

describe('authorisation matrix: every root field × every kind of caller', () => {
  it('the specification lists exactly the root fields of the schema', () => {
    for (const kind of ['Query', 'Mutation'] as const) {
      const fields = Object.keys((schema.getType(kind) as GraphQLObjectType).getFields()).sort();
      expect(Object.keys(SPEC[kind]).sort()).toEqual(fields);
    }
  });

  it('denies what the role or scope does not allow (UNAUTHENTICATED / FORBIDDEN) and changes nothing', async () => {
    const denied = cases().filter((c) => !c.allowed);
    expect(denied.length).toBeGreaterThan(150);
    const before = await t.fingerprint();
    const wrong: string[] = [];
    for (const c of denied) {
      const r = await t.gql(c.request.query, c.request.variables, c.caller.principal);
      const code = r.errors?.[0]?.extensions?.['code'];
      const expected = c.caller.principal.role === null ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      const leaked = r.data && Object.values(r.data).some((v) => v !== null);
      if (code !== expected || leaked)
        wrong.push(`${c.caller.label} ${c.field}(${c.model ?? ''}): ${code} ${JSON.stringify(r.data)}`);
    }
    expect(wrong).toEqual([]);
    expect(await t.fingerprint()).toBe(before);
  });

  it('allows what the role and scope allow (data or a non-auth error)', async () => {
    const allowed = cases().filter((c) => c.allowed);
    expect(allowed.length).toBeGreaterThan(150);
    const wrong: string[] = [];
    for (const c of allowed) {
      const r = await t.gql(c.request.query, c.request.variables, c.caller.principal);
      const code = r.errors?.[0]?.extensions?.['code'];
      if (typeof code === 'string' && (AUTH_CODES.includes(code) || code === 'INTERNAL_SERVER_ERROR'))
        wrong.push(`${c.caller.label} ${c.field}(${c.model ?? ''}): ${code} ${r.errors?.[0]?.message}`);
      if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT_VARIABLES')
        throw new Error(`the generated operation for ${c.field} is invalid: ${JSON.stringify(r.errors)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lists only the models in the caller scope', async () => {
    const scoped = callers.find((c) => c.label === 'viewer-scoped')!;
    const r = await t.gqlOk<{ models: { id: string }[] }>('{ models { id } }', {}, scoped.principal);
    expect(r.models.map((m) => m.id)).toEqual([inScope]);
    const all = await t.gqlOk<{ models: { id: string }[] }>(
      '{ models { id } }',
      {},
      callers.find((c) => c.label === 'viewer')!.principal,
    );
    expect(all.models.map((m) => m.id)).toEqual(expect.arrayContaining([inScope, outOfScope]));
  });
});
