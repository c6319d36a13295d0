/**
 * Mutation input schemas (server/src/resolvers/input-schemas.ts): one per Mutation field of the
 * SDL with exactly its arguments, accepted for real data (every element of the demo hospital),
 * and the error paths clients see for each kind of bound.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNullableType, isInputObjectType, isListType, type GraphQLInputType } from 'graphql';
import pino from 'pino';
import type { z } from 'zod';
import { createApollo } from '../../server/src/app';
import type { Context } from '../../server/src/context';
import { CVSS_VECTOR_HINT } from '../../server/src/domain/cvss';
import { ValidationError } from '../../server/src/domain/errors';
import {
  MUTATION_INPUTS,
  checkMutationArgs,
  formatPath,
  validateInputs,
} from '../../server/src/resolvers/input-schemas';
import { loadTypeDefs } from '../../server/src/schema';

const schema = buildSchema(loadTypeDefs());
const mutationFields = Object.values(schema.getMutationType()!.getFields());

type Def = { type: string; innerType?: ZodAny; in?: ZodAny; element?: ZodAny; shape?: Record<string, ZodAny> };
type ZodAny = z.ZodType & { def: Def };

/** The schema under optional / nullable / pipe wrappers. */
function unwrap(s: ZodAny): ZodAny {
  let t = s;
  for (;;) {
    if (t.def.type === 'optional' || t.def.type === 'nullable') t = t.def.innerType!;
    else if (t.def.type === 'pipe') t = t.def.in!;
    else return t;
  }
}

/** Where the zod schema's objects and lists differ from the GraphQL input type's. */
function shapeProblems(at: string, zod: ZodAny, type: GraphQLInputType): string[] {
  const t = getNullableType(type);
  const z0 = unwrap(zod);
  if (isListType(t)) {
    if (z0.def.type !== 'array') return [`${at}: a list in the SDL, ${z0.def.type} in the schema`];
    return shapeProblems(`${at}[]`, z0.def.element!, t.ofType);
  }
  if (isInputObjectType(t)) {
    if (z0.def.type !== 'object') return [`${at}: input ${t.name} in the SDL, ${z0.def.type} in the schema`];
    return keyProblems(at, z0.def.shape!, t.getFields());
  }
  return [];
}

function keyProblems(at: string, shape: Record<string, ZodAny>, fields: Record<string, { type: GraphQLInputType }>) {
  const problems: string[] = [];
  for (const k of Object.keys(fields)) {
    if (!shape[k]) problems.push(`${at}.${k}: not in the schema`);
    else problems.push(...shapeProblems(`${at}.${k}`, shape[k], fields[k]!.type));
  }
  for (const k of Object.keys(shape)) if (!fields[k]) problems.push(`${at}.${k}: not in the SDL`);
  return problems;
}

/** The ValidationError issues of checkMutationArgs, or [] when the arguments pass. */
function issuesOf(field: string, args: unknown): { path: string; message: string }[] {
  try {
    checkMutationArgs(field, args);
    return [];
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
}

describe('every Mutation field has an input schema', () => {
  it.each(mutationFields.map((f) => [f.name, f] as const))('%s: a schema with exactly its arguments', (name, f) => {
    const zod = MUTATION_INPUTS[name] as ZodAny | undefined;
    expect(zod ? 'present' : `Mutation.${name} has no schema in server/src/resolvers/input-schemas.ts`).toBe('present');
    const shape = unwrap(zod!).def.shape!;
    expect(keyProblems(name, shape, Object.fromEntries(f.args.map((a) => [a.name, a])))).toEqual([]);
  });

  it('the wrapper refuses, at start-up, resolvers without a schema', () => {
    expect(() => validateInputs({ createZone: () => 1, upsertGizmos: () => 2 })).toThrow(
      'Mutation fields without an input schema (resolvers/input-schemas.ts): upsertGizmos',
    );
  });

  it('the wrapper checks before the resolver runs and passes the arguments unchanged', async () => {
    const seen: unknown[] = [];
    const wrapped = validateInputs({ deleteModel: (_: unknown, a: unknown) => seen.push(a) });
    const call = (a: Record<string, unknown>) =>
      (wrapped.deleteModel as unknown as (p: unknown, a: unknown, c: unknown, i: unknown) => unknown)(null, a, {}, {});
    expect(() => call({ id: 'bad id!' })).toThrow(ValidationError);
    expect(seen).toEqual([]);
    call({ id: 'ok-1' });
    expect(seen).toEqual([{ id: 'ok-1' }]);
  });
});

describe('real data passes', () => {
  const demo = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8')) as Record<
    string,
    Record<string, unknown>[]
  > & { model: { id: string; name: string; description?: string } };
  const kinds = [
    ['zones', 'Zone'],
    ['devices', 'Device'],
    ['interfaces', 'Interface'],
    ['channels', 'Channel'],
    ['assets', 'Asset'],
    ['vulnerabilities', 'Vulnerability'],
    ['controlPlacements', 'ControlPlacement'],
  ] as const;

  it.each(kinds)('every element of %s as create and update input', (list, type) => {
    expect(demo[list]!.length).toBeGreaterThan(0);
    for (const element of demo[list]!) {
      expect(issuesOf(`create${type}`, { modelId: demo.model.id, input: element })).toEqual([]);
      const { id, ...patch } = element;
      expect(issuesOf(`update${type}`, { modelId: demo.model.id, id, patch })).toEqual([]);
    }
  });

  it('models, documents, placements and accounts', () => {
    expect(issuesOf('createModel', demo.model)).toEqual([]);
    expect(issuesOf('importModel', { document: demo, replace: true, targetModelId: null })).toEqual([]);
    expect(
      issuesOf('acceptRecommendation', { modelId: 'm', placements: [{ controlId: 'C01', elementId: 'd1' }] }),
    ).toEqual([]);
    expect(
      issuesOf('createUser', {
        input: { username: 'nurse.lee@ward-3', password: 'correct horse battery', role: 'VIEWER', modelIds: ['m'] },
      }),
    ).toEqual([]);
    expect(
      issuesOf('createApiKey', { input: { name: 'CMDB sync', role: 'EDITOR', expiresAt: '2027-01-31T00:00:00.000Z' } }),
    ).toEqual([]);
    expect(issuesOf('login', { username: 'admin', password: 'x' })).toEqual([]);
  });
});

describe('error paths name the argument', () => {
  const long = (n: number) => 'x'.repeat(n);

  it.each(
    (
      [
        // names: 1-200, not blank, for every kind alike (createModel already refused blank names)
        [
          'createZone',
          { modelId: 'm', input: { name: '   ', kind: 'DMZ', entryPoint: false } },
          'input.name',
          'must not be blank',
        ],
        [
          'createDevice',
          { modelId: 'm', input: { name: '', category: 'PACS', riskClass: 'A', zoneIds: [] } },
          'input.name',
          'must not be blank',
        ],
        ['createModel', { id: 'm', name: ' ' }, 'name', 'must not be blank'],
        [
          'createAsset',
          { modelId: 'm', input: { deviceId: 'd', name: long(201), kind: 'X', severity: 'MAJOR' } },
          'input.name',
          'must be at most 200 characters',
        ],
        ['updateZone', { modelId: 'm', id: 'z', patch: { name: null } }, 'patch.name', 'must not be null'],
        ['updateModel', { id: 'm', name: '\t' }, 'name', 'must not be blank'],
        // ids: 1-64 of letters, digits, _ . : -
        ['deleteModel', { id: 'two words' }, 'id', 'must be 1-64 characters of letters, digits, _ . : -'],
        [
          'deleteDevice',
          { modelId: long(65), id: 'd' },
          'modelId',
          'must be 1-64 characters of letters, digits, _ . : -',
        ],
        [
          'updateDevice',
          { modelId: 'm', id: 'd', patch: { zoneIds: ['z1', 'z 2'] } },
          'patch.zoneIds[1]',
          'must be 1-64 characters of letters, digits, _ . : -',
        ],
        // text ≤ 4000
        [
          'createZone',
          { modelId: 'm', input: { name: 'Z', kind: 'DMZ', entryPoint: false, description: long(4001) } },
          'input.description',
          'must be at most 4000 characters',
        ],
        [
          'updateControlPlacement',
          { modelId: 'm', id: 'p', patch: { note: long(4001) } },
          'patch.note',
          'must be at most 4000 characters',
        ],
        // lists ≤ 1000
        [
          'createDevice',
          {
            modelId: 'm',
            input: {
              name: 'D',
              category: 'PACS',
              riskClass: 'A',
              zoneIds: Array.from({ length: 1001 }, (_, i) => `z${i}`),
            },
          },
          'input.zoneIds',
          'must have at most 1000 ids',
        ],
        [
          'acceptRecommendation',
          { modelId: 'm', placements: Array.from({ length: 1001 }, () => ({ controlId: 'C01', elementId: 'd' })) },
          'placements',
          'must have at most 1000 placements',
        ],
        // numbers: finite, in range
        [
          'acceptRecommendation',
          {
            modelId: 'm',
            placements: [
              { controlId: 'C01', elementId: 'd' },
              { controlId: 'C01', elementId: 'e' },
              { controlId: 'C02', elementId: 'd' },
              { controlId: 'C03', elementId: 'd', cost: -1 },
            ],
          },
          'placements[3].cost',
          'must not be negative',
        ],
        [
          'createControlPlacement',
          { modelId: 'm', input: { controlId: 'C01', elementId: 'd', cost: Number.POSITIVE_INFINITY } },
          'input.cost',
          'must be finite',
        ],
        [
          'createInterface',
          {
            modelId: 'm',
            input: { deviceId: 'd', name: 'I', kind: 'SSH', exposedToZoneIds: [], authentication: 'NONE', port: 70000 },
          },
          'input.port',
          'must be 0-65535',
        ],
        // patterns of their own
        [
          'createVulnerability',
          { modelId: 'm', input: { cveId: 'CVE-19-1', cvssVector: 'CVSS:3.1/AV:N', elementId: 'd' } },
          'input.cveId',
          'must be a CVE id such as CVE-2019-6538',
        ],
        [
          'createVulnerability',
          {
            modelId: 'm',
            input: {
              cveId: 'CVE-2024-0001',
              cvssVector: 'CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
              elementId: 'd',
            },
          },
          'input.cvssVector',
          'is not a CVSS v4.0 base vector: AT (Attack Requirements) is missing',
        ],
        [
          'updateVulnerability',
          { modelId: 'm', id: 'v', patch: { cvssVector: 'CVSS:3.1/AV:N/AC:L' } },
          'patch.cvssVector',
          CVSS_VECTOR_HINT,
        ],
        [
          'createUser',
          { input: { username: 'no spaces please', password: 'long enough password', role: 'VIEWER' } },
          'input.username',
          'must be 1-64 characters of letters, digits, . _ @ -',
        ],
        [
          'createUser',
          { input: { username: 'lee', password: 'short', role: 'VIEWER' } },
          'input.password',
          'must be at least 12 characters',
        ],
        [
          'updateUser',
          { id: 'user-1', patch: { modelIds: ['m', ''] } },
          'patch.modelIds[1]',
          'must be 1-64 characters of letters, digits, _ . : -',
        ],
        [
          'createApiKey',
          { input: { name: 'k', role: 'VIEWER', expiresAt: 'next tuesday' } },
          'input.expiresAt',
          'must be an ISO-8601 date-time such as 2027-01-31T00:00:00Z',
        ],
        ['login', { username: 'admin', password: long(1025) }, 'password', 'must be at most 1024 characters'],
        [
          'changePassword',
          { currentPassword: 'x', newPassword: 'short' },
          'newPassword',
          'must be at least 12 characters',
        ],
        ['createSnapshot', { modelId: 'm', name: '  ' }, 'name', 'must not be blank'],
      ] as const
    ).map(([f, a, p, m]) => [f, p, m, a] as const),
  )('%s → %s: %s', (field, pathAtFault, message, args: unknown) => {
    const issues = issuesOf(field, args);
    expect(issues[0]).toBeDefined();
    expect(issues).toContainEqual({ path: pathAtFault, message });
  });

  it('lists every problem; the first names the field', () => {
    let error: ValidationError | undefined;
    try {
      checkMutationArgs('createDevice', {
        modelId: 'm',
        input: { id: 'bad id', name: ' ', category: 'PACS', riskClass: 'A', zoneIds: ['ok', 'not ok'] },
      });
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.issues.map((i) => i.path)).toEqual(['input.id', 'input.name', 'input.zoneIds[1]']);
    expect(error!.field).toBe('input.id');
    expect(error!.message).toBe('input.id: must be 1-64 characters of letters, digits, _ . : - (and 2 more problems)');
  });

  it('formats paths like the rest of the API', () => {
    expect(formatPath(['devices', 3, 'ipAddress'])).toBe('devices[3].ipAddress');
    expect(formatPath(['patch', 'zoneIds', 0])).toBe('patch.zoneIds[0]');
    expect(formatPath(['name'])).toBe('name');
    expect(formatPath([])).toBe('');
  });
});

describe('through GraphQL (Apollo of app.ts, no database: refused before any service runs)', () => {
  const context = {
    log: pino({ level: 'silent' }),
    requestId: 'unit',
    ip: '127.0.0.1',
    principal: { kind: 'DEV', id: 'dev', name: 'dev', role: 'ADMIN', modelIds: null },
    services: new Proxy(
      {},
      {
        get: () => {
          throw new Error('no service may run for an invalid input');
        },
      },
    ),
  } as unknown as Context;

  it('a blank zone name: BAD_USER_INPUT with field and issues', async () => {
    const apollo = createApollo(pino({ level: 'silent' }));
    await apollo.start();
    try {
      const res = await apollo.executeOperation(
        {
          query: 'mutation($i: ZoneInput!) { createZone(modelId: "m", input: $i) { id } }',
          variables: { i: { name: '  ', kind: 'CLINICAL', entryPoint: false } },
        },
        { contextValue: context },
      );
      if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
      expect(res.body.singleResult.errors).toEqual([
        {
          message: 'input.name: must not be blank',
          path: ['createZone'],
          locations: [{ line: 1, column: 28 }],
          extensions: {
            code: 'BAD_USER_INPUT',
            field: 'input.name',
            issues: [{ path: 'input.name', message: 'must not be blank' }],
          },
        },
      ]);
    } finally {
      await apollo.stop();
    }
  });
});
