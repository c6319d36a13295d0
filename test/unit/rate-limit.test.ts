/**
 * The rate-limit plugin on a small stand-in schema (no database): the general limiter per
 * principal or IP, the RATE_LIMITED error with retryAfterMs, HTTP 429 and Retry-After, and the
 * same HTTP answer for a RATE_LIMITED refusal from a resolver (AuthService's sign-in limits, which
 * are counted in the service itself: test/integration/auth-limits.int.test.ts).
 */
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Principal } from '../../server/src/domain/auth/principal';
import { rateLimitKey, rateLimitPlugin, type Caller, type RateLimit } from '../../server/src/http/rate-limit';

const typeDefs = `
  type Query { ping: Int }
  type Mutation { login(username: String!, password: String!): String }
`;
const resolvers = {
  Query: { ping: () => 1 },
  Mutation: {
    login: (_: unknown, a: { password: string }) => {
      if (a.password === 'refused') {
        throw new GraphQLError('Too many sign-in attempts: try again in 5 s', {
          extensions: { code: 'RATE_LIMITED', retryAfterMs: 4200 },
        });
      }
      if (a.password !== 'right') throw new GraphQLError('wrong username or password');
      return 'token';
    },
  },
};

type Ctx = Caller;
const as = (kind: Principal['kind'], id: string): Principal => ({ kind, id, name: id, role: null, modelIds: null });

async function server(general: RateLimit) {
  const s = new ApolloServer<Ctx>({ typeDefs, resolvers, plugins: [rateLimitPlugin({ general })] });
  await s.start();
  const run = async (query: string, ctx: Ctx, variables: Record<string, unknown> = {}) => {
    const res = await s.executeOperation({ query, variables }, { contextValue: ctx });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    return { http: res.http, result: res.body.singleResult };
  };
  return { run, stop: () => s.stop() };
}

const alice = { ip: '10.0.0.1', principal: as('USER', 'u-alice') };
const bob = { ip: '10.0.0.1', principal: as('USER', 'u-bob') };
const anonymousA = { ip: '10.0.0.2', principal: as('ANONYMOUS', 'anonymous') };
const anonymousB = { ip: '10.0.0.3', principal: as('ANONYMOUS', 'anonymous') };

describe('rateLimitKey', () => {
  it('keys authenticated callers by principal, anonymous ones by IP', () => {
    expect(rateLimitKey(alice)).toBe('USER:u-alice');
    expect(rateLimitKey({ ip: '10.0.0.9', principal: as('API_KEY', 'k1') })).toBe('API_KEY:k1');
    expect(rateLimitKey(anonymousA)).toBe('ip:10.0.0.2');
    expect(rateLimitKey({})).toBe('ip:unknown');
  });
});

describe('general limiter', () => {
  it('refuses the request over the limit with RATE_LIMITED, retryAfterMs, 429 and Retry-After', async () => {
    const { run, stop } = await server({ points: 3, windowSeconds: 30 });
    try {
      for (let i = 0; i < 3; i++) expect((await run('{ ping }', alice)).result.data).toEqual({ ping: 1 });
      const over = await run('{ ping }', alice);
      expect(over.http.status).toBe(429);
      const seconds = Number(over.http.headers.get('retry-after'));
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(30);
      const error = over.result.errors![0]!;
      expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(error.extensions!['retryAfterMs']).toBeGreaterThan(0);
      expect(error.extensions!['retryAfterMs']).toBeLessThanOrEqual(30000);
      expect(error.extensions!['http']).toBeUndefined();
      expect(over.result.data).toBeUndefined();
      // others are not affected: another principal from the same IP, another anonymous IP
      expect((await run('{ ping }', bob)).result.data).toEqual({ ping: 1 });
      for (let i = 0; i < 3; i++) await run('{ ping }', anonymousA);
      expect((await run('{ ping }', anonymousA)).http.status).toBe(429);
      expect((await run('{ ping }', anonymousB)).result.data).toEqual({ ping: 1 });
    } finally {
      await stop();
    }
  });

  it('is off with 0 points', async () => {
    const { run, stop } = await server({ points: 0, windowSeconds: 1 });
    try {
      for (let i = 0; i < 20; i++) expect((await run('{ ping }', alice)).result.data).toEqual({ ping: 1 });
    } finally {
      await stop();
    }
  });
});

describe('RATE_LIMITED from a resolver', () => {
  const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) }';

  it('answers HTTP 429 with Retry-After (seconds, rounded up) from retryAfterMs; other errors keep their status', async () => {
    const { run, stop } = await server({ points: 1000, windowSeconds: 60 });
    try {
      const refused = await run(LOGIN, anonymousA, { u: 'admin', p: 'refused' });
      expect(refused.http.status).toBe(429);
      expect(refused.http.headers.get('retry-after')).toBe('5');
      expect(refused.result.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 4200 });
      const wrong = await run(LOGIN, anonymousA, { u: 'admin', p: 'typo' });
      expect(wrong.http.status).toBeUndefined();
      expect(wrong.http.headers.get('retry-after')).toBeUndefined();
      expect((await run(LOGIN, anonymousA, { u: 'admin', p: 'right' })).result.data).toEqual({ login: 'token' });
    } finally {
      await stop();
    }
  });
});
