/**
 * GraphQL limits without a database: the cost table matches the SDL, every operation of the web
 * app passes the default limits, and abusive operations are refused before anything executes
 * (through the real Apollo server of app.ts, so formatError's allow-list is exercised too).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  print,
  specifiedRules,
  typeFromAST,
  validate,
  visit,
  type DocumentNode,
  type GraphQLInputType,
  type OperationDefinitionNode,
} from 'graphql';
import pino from 'pino';
import { createApollo } from '../../server/src/app';
import { loadGraphqlHardening } from '../../server/src/config';
import type { Context } from '../../server/src/context';
import { FIELD_COSTS, LIST_SIZE_ESTIMATES, graphqlLimits, queryCost } from '../../server/src/http/graphql-limits';
import { loadTypeDefs } from '../../server/src/schema';
import { DEFAULT_ATTEMPT_LIMITS } from '../../server/src/services/auth-service';

const ROOT = path.resolve(__dirname, '../..');
const schema = buildSchema(loadTypeDefs());
const defaults = loadGraphqlHardening({});

/** Each operation of web/src/api/operations with the fragments it uses (transitively). */
function webOperations(): { name: string; document: DocumentNode; source: string }[] {
  const dir = path.join(ROOT, 'web/src/api/operations');
  const all = parse(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n'),
  );
  const fragments = new Map(
    all.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  return all.definitions.flatMap((d) => {
    if (d.kind !== Kind.OPERATION_DEFINITION) return [];
    const used = new Set<string>();
    const collect = (node: object) =>
      visit(node as DocumentNode, {
        FragmentSpread(s) {
          if (used.has(s.name.value)) return;
          used.add(s.name.value);
          collect(fragments.get(s.name.value)!);
        },
      });
    collect(d);
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [d, ...[...used].map((n) => fragments.get(n)!)],
    };
    return [{ name: d.name?.value ?? '(anonymous)', document, source: print(document) }];
  });
}

/** A valid value of a GraphQL input type: required input fields filled in, lists empty. */
function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sampleValue(f.type)]),
    );
  }
  return { Int: 1, Float: 1, Boolean: true }[type.name] ?? 'x';
}

/** Sample values for every variable of the operation. */
function sampleVariables(document: DocumentNode): Record<string, unknown> {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return Object.fromEntries(
    (op.variableDefinitions ?? []).map((v) => [
      v.variable.name.value,
      sampleValue(typeFromAST(schema, v.type) as GraphQLInputType),
    ]),
  );
}

const dummyContext = {
  log: pino({ level: 'silent' }),
  requestId: 'unit',
  ip: '127.0.0.1',
  principal: { kind: 'DEV', id: 'dev', name: 'dev', role: 'ADMIN', modelIds: null },
} as unknown as Context;

async function run(query: string, hardening = defaults, variables: Record<string, unknown> = {}) {
  const apollo = createApollo(pino({ level: 'silent' }), [], hardening);
  await apollo.start();
  try {
    const res = await apollo.executeOperation({ query, variables }, { contextValue: dummyContext });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    return {
      status: res.http.status,
      errors: (res.body.singleResult.errors ?? []) as { message: string; extensions?: Record<string, unknown> }[],
    };
  } finally {
    await apollo.stop();
  }
}

describe('field costs', () => {
  it('name only fields of the schema', () => {
    for (const key of [...Object.keys(FIELD_COSTS), ...Object.keys(LIST_SIZE_ESTIMATES)]) {
      const [typeName, fieldName] = key.split('.') as [string, string];
      const type = schema.getType(typeName);
      expect(isObjectType(type) && type.getFields()[fieldName] !== undefined ? key : `missing ${key}`).toBe(key);
    }
  });

  it('make the analysis fields expensive: two fit under the default limit, three do not', () => {
    const cost = (q: string) => queryCost(schema, parse(q));
    const two = cost('{ model(id: "m") { recommendControls { totalCost } whatIf(placements: []) { riskReduction } } }');
    expect(two).toBeLessThanOrEqual(defaults.maxCost);
    const three = cost(
      '{ model(id: "m") { recommendControls { totalCost } whatIf(placements: []) { riskReduction } attackPaths { pathCount } } }',
    );
    expect(three).toBeGreaterThan(defaults.maxCost);
    // one analysis field under the unpaginated model list counts once per (estimated) model
    expect(cost('{ models { baselineGaps { gap } } }')).toBeGreaterThan(defaults.maxCost);
    expect(cost('{ models { id name counts { devices zones } } }')).toBe(1 + 20 * (1 + 1 + (1 + 2)));
  });

  it('do not count fields skipped by @skip/@include with the given variables', () => {
    const q = parse('query($x: Boolean!) { model(id: "m") { recommendControls @include(if: $x) { totalCost } } }');
    expect(queryCost(schema, q, { x: false })).toBeLessThan(10);
    expect(queryCost(schema, q, { x: true })).toBeGreaterThan(400);
  });
});

describe('the web app under the default limits', () => {
  const limits = graphqlLimits(defaults);
  for (const op of webOperations()) {
    it(`accepts ${op.name}`, () => {
      expect(() => parse(op.source, limits.parseOptions)).not.toThrow();
      expect(
        validate(schema, op.document, [...specifiedRules, ...limits.validationRules]).map((e) => e.message),
      ).toEqual([]);
      expect(queryCost(schema, op.document, sampleVariables(op.document))).toBeLessThanOrEqual(defaults.maxCost);
    });
  }
});

describe('refused operations (Apollo server of app.ts, no database)', () => {
  it('40 aliased recommendControls: refused for cost and aliases, 400, nothing runs', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `r${i}: recommendControls { totalCost }`).join(' ');
    const { status, errors } = await run(`{ model(id: "demo-hospital") { ${fields} } }`);
    expect(status).toBe(400);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => e.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/Aliases limit of 15 exceeded, found 40/);
  });

  it('cost alone (no aliases over the limit): GRAPHQL_VALIDATION_FAILED naming the cost and the limit', async () => {
    const { status, errors } = await run(
      '{ model(id: "m") { recommendControls { totalCost } whatIf(placements: []) { riskReduction } attackGraph { entryPointIds } } }',
    );
    expect(status).toBe(400);
    expect(errors[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', maxCost: 1000 });
    expect(errors[0]!.message).toMatch(/^Query cost \d+ exceeds the limit of 1000/);
  });

  it('depth: refused with a message naming the limit, without the "Syntax Error" prefix', async () => {
    const deep = '{ model(id: "m") { attackPaths { paths { steps { attackMethod { id } rule { id } } } } } }';
    const { status, errors } = await run(deep, { ...defaults, maxDepth: 4 });
    expect(status).toBe(400);
    expect(errors[0]!.message).toBe('Query depth limit of 4 exceeded, found 6.');
    expect(errors[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDepth' });
  });

  it('directives and tokens', async () => {
    const many = Array.from({ length: 60 }, () => '@include(if: true)').join(' ');
    const d = await run(`{ models ${many} { id } }`);
    expect(d.errors[0]!.message).toMatch(/Directives limit of 50 exceeded/);
    const t = await run(`{ models { ${'id '.repeat(6000)} } }`);
    expect(t.status).toBe(400);
    expect(t.errors[0]!.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('introspection is off by default and field suggestions are hidden then', async () => {
    const i = await run('{ __schema { types { name } } }');
    expect(i.errors[0]!.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(i.errors[0]!.message).toMatch(/introspection is not allowed/i);
    const typo = await run('{ modles { id } }');
    expect(typo.errors[0]!.message).not.toMatch(/Did you mean/);
    expect(typo.errors[0]!.message).not.toContain('models');
  });

  it('introspection and suggestions on when configured (the dev-mode default)', async () => {
    const dev = loadGraphqlHardening({ MEDTHREAT_DEV_NO_AUTH: 'true' });
    expect(dev).toMatchObject({ introspection: true, sandbox: true });
    const i = await run('{ __schema { queryType { name } } }', dev);
    expect(i.errors).toEqual([]);
    const typo = await run('{ modles { id } }', dev);
    expect(typo.errors[0]!.message).toMatch(/Did you mean "models"/);
  });
});

describe('configuration', () => {
  it('the sign-in limits default to what AuthService uses without configuration', () => {
    expect({
      login: defaults.loginRateLimit,
      loginPerIp: defaults.loginIpRateLimit,
      passwordChange: defaults.passwordRateLimit,
    }).toEqual(DEFAULT_ATTEMPT_LIMITS);
  });

  it('defaults: production-safe', () => {
    expect(defaults).toEqual({
      introspection: false,
      sandbox: false,
      maxDepth: 12,
      maxAliases: 15,
      maxDirectives: 50,
      maxTokens: 5000,
      maxCost: 1000,
      rateLimit: { points: 1200, windowSeconds: 60 },
      loginRateLimit: { points: 10, windowSeconds: 900 },
      loginIpRateLimit: { points: 100, windowSeconds: 900 },
      passwordRateLimit: { points: 5, windowSeconds: 900 },
      trustProxy: false,
    });
  });

  it('explicit values win over the dev-mode defaults; bad values name the variable', () => {
    const c = loadGraphqlHardening({
      MEDTHREAT_DEV_NO_AUTH: 'true',
      MEDTHREAT_GRAPHQL_INTROSPECTION: 'false',
      MEDTHREAT_GRAPHQL_MAX_COST: '5000',
      MEDTHREAT_RATE_LIMIT_POINTS: '0',
    });
    expect(c).toMatchObject({ introspection: false, sandbox: true, maxCost: 5000, rateLimit: { points: 0 } });
    expect(() => loadGraphqlHardening({ MEDTHREAT_GRAPHQL_MAX_DEPTH: 'deep' })).toThrow(/MEDTHREAT_GRAPHQL_MAX_DEPTH/);
    expect(() => loadGraphqlHardening({ MEDTHREAT_GRAPHQL_SANDBOX: 'yes' })).toThrow(/MEDTHREAT_GRAPHQL_SANDBOX/);
    const proxy = (v: string) => loadGraphqlHardening({ MEDTHREAT_TRUST_PROXY: v }).trustProxy;
    expect([proxy('true'), proxy('false'), proxy('1'), proxy('loopback, 10.0.0.0/8')]).toEqual([
      true,
      false,
      1,
      'loopback, 10.0.0.0/8',
    ]);
    expect(() => proxy('x;rm')).toThrow(/MEDTHREAT_TRUST_PROXY/);
  });
});
