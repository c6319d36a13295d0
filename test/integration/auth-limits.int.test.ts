/**
 * Sign-in limits and sign-out (issue #11, points 2 and 6) through the real HTTP server
 * (createServer in this process, real Neo4j):
 *
 * - login guesses shaped as a named fragment or as nested inline fragments are counted like any
 *   other: after the limit even the right password is refused (RATE_LIMITED, HTTP 429);
 * - changePassword is limited per account, also for a parallel burst;
 * - two server instances (two AuthService objects and two database handles on one Neo4j) share
 *   the counters, so they do not double the guesses;
 * - the per-IP counter stops one address spraying many usernames;
 * - logout revokes the presenting token at once (on every instance), logoutEverywhere ends every
 *   session of the account; expired revocations and counters are pruned.
 *
 * Each test sends its own client address through X-Forwarded-For (MEDTHREAT_TRUST_PROXY=true on
 * these servers), so the shared 127.0.0.1 counters of other test files are left alone.
 */
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createServer } from '../../server/src/app';
import { createServices } from '../../server/src/bootstrap';
import { loadGraphqlHardening } from '../../server/src/config';
import type { Services } from '../../server/src/context';
import { Database } from '../../server/src/graph/database';
import { IdentityRepository } from '../../server/src/graph/repositories/identity-repository';
import type { AttemptLimits } from '../../server/src/services/auth-service';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const t = new TestHelper();
const PASSWORD = 'limits-password-0123456';
const LIMITS: AttemptLimits = {
  login: { points: 10, windowSeconds: 900 },
  loginPerIp: { points: 40, windowSeconds: 900 },
  passwordChange: { points: 5, windowSeconds: 900 },
};

interface Instance {
  base: string;
  db: Database;
  services: Services;
  stop: () => Promise<void>;
}
const instances: Instance[] = [];

/** A server instance with its own Database handle and services (as a second process would have). */
async function startInstance(secret: Uint8Array): Promise<Instance> {
  const db = new Database({
    uri: process.env.NEO4J_URI!,
    user: process.env.NEO4J_USER ?? 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? '',
  });
  const services = createServices(db, { sessionSecret: secret, limits: LIMITS });
  const { httpServer, stop } = await createServer({
    services,
    db,
    log: t.log,
    graphql: loadGraphqlHardening({ MEDTHREAT_TRUST_PROXY: 'true', MEDTHREAT_RATE_LIMIT_POINTS: '0' }),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const instance = {
    base: `http://127.0.0.1:${port}`,
    db,
    services,
    stop: async () => {
      await stop(1000); // closes the HTTP server too
      await db.close();
    },
  };
  instances.push(instance);
  return instance;
}

let a: Instance;
let b: Instance;

beforeAll(async () => {
  await t.init();
  const secret = randomBytes(32); // shared, as MEDTHREAT_SESSION_SECRET on every instance
  a = await startInstance(secret);
  b = await startInstance(secret);
});

afterAll(async () => {
  for (const i of instances) await i.stop();
  await t.close();
});

type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};

/** POSTs a GraphQL operation from client address `ip` (X-Forwarded-For), optionally with a bearer token. */
async function post(
  at: Instance,
  query: string,
  variables: Record<string, unknown>,
  opts: { ip: string; token?: string },
): Promise<{ status: number; retryAfter: string | null; body: Body; code: unknown }> {
  const res = await fetch(`${at.base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': opts.ip,
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Body;
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body,
    code: body.errors?.[0]?.extensions?.['code'],
  };
}

/** A fresh client address (TEST-NET-2, documentation range) each call. */
let lastIp = 0;
const freshIp = () => `198.51.100.${++lastIp}`;
const uniqueName = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

async function account(label: string): Promise<string> {
  const username = uniqueName(label);
  await t.services.auth.createUser(TEST_ACTOR, { username, password: PASSWORD, role: 'VIEWER' });
  return username;
}

const FRAGMENT_LOGIN =
  'mutation($u: String!, $p: String!) { ...L } fragment L on Mutation { login(username: $u, password: $p) { token } }';
const INLINE_LOGIN =
  'mutation($u: String!, $p: String!) { ... { ... on Mutation { ... { login(username: $u, password: $p) { token } } } } }';
const PLAIN_LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

describe('sign-in limits, whatever the operation shape', () => {
  it.each([
    ['a named fragment', FRAGMENT_LOGIN],
    ['nested inline fragments', INLINE_LOGIN],
  ])('counts guesses shaped as %s: after the limit the right password is refused too (429)', async (_, query) => {
    const username = await account('frag');
    const ip = freshIp();
    for (let i = 0; i < LIMITS.login.points; i++) {
      const r = await post(a, query, { u: username, p: `wrong guess ${i}` }, { ip });
      expect(r.code).toBe('UNAUTHENTICATED');
    }
    const refused = await post(a, query, { u: username, p: PASSWORD }, { ip });
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(LIMITS.login.windowSeconds);
    expect(refused.body.errors?.[0]?.extensions?.['retryAfterMs']).toBeGreaterThan(0);
    expect(refused.body.errors?.[0]?.message).toMatch(/^Too many sign-in attempts: try again in \d+ s$/);
    // login is nullable (a failed mutation does not null the others): the refused one is null
    expect(refused.body.data?.['login'] ?? null).toBeNull();
    // the plain shape is the same counter; the same account from another address may still sign in
    expect((await post(a, PLAIN_LOGIN, { u: username.toUpperCase(), p: PASSWORD }, { ip })).code).toBe('RATE_LIMITED');
    const elsewhere = await post(a, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip: freshIp() });
    expect(elsewhere.body.data?.['login']).toMatchObject({ token: expect.any(String) });
  });

  it('a successful sign-in clears the username+address counter', async () => {
    const username = await account('clear');
    const ip = freshIp();
    for (let i = 0; i < LIMITS.login.points - 1; i++)
      await post(a, PLAIN_LOGIN, { u: username, p: 'typo typo typo' }, { ip });
    expect((await post(a, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).body.data?.['login']).toBeTruthy();
    for (let i = 0; i < LIMITS.login.points; i++) {
      expect((await post(a, PLAIN_LOGIN, { u: username, p: 'typo typo typo' }, { ip })).code).toBe('UNAUTHENTICATED');
    }
    expect((await post(a, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).code).toBe('RATE_LIMITED');
  });

  it('the per-address counter stops one address trying many usernames; successes do not use it up', async () => {
    const ip = freshIp();
    const real = await account('spray');
    // successful sign-ins give their attempt back
    for (let i = 0; i < 3; i++)
      expect((await post(b, PLAIN_LOGIN, { u: real, p: PASSWORD }, { ip })).body.data).toBeTruthy();
    for (let i = 0; i < LIMITS.loginPerIp.points; i++) {
      const r = await post(i % 2 ? a : b, PLAIN_LOGIN, { u: `nobody-${i}-${real}`, p: 'spray password 1' }, { ip });
      expect(r.code).toBe('UNAUTHENTICATED');
    }
    const refused = await post(a, PLAIN_LOGIN, { u: real, p: PASSWORD }, { ip });
    expect(refused.code).toBe('RATE_LIMITED');
    expect((await post(a, PLAIN_LOGIN, { u: real, p: PASSWORD }, { ip: freshIp() })).body.data).toBeTruthy();
  });
});

describe('two instances share the counters (Neo4j, not process memory)', () => {
  it('guesses spread over two servers are counted once: the limit holds in total', async () => {
    const username = await account('shared');
    const ip = freshIp();
    for (let i = 0; i < LIMITS.login.points; i++) {
      const r = await post(i % 2 ? a : b, FRAGMENT_LOGIN, { u: username, p: `wrong guess ${i}` }, { ip });
      expect(r.code).toBe('UNAUTHENTICATED');
    }
    expect((await post(a, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).code).toBe('RATE_LIMITED');
    expect((await post(b, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).code).toBe('RATE_LIMITED');
  });

  it('a parallel burst on two AuthService objects checks at most `points` passwords', async () => {
    const username = await account('burst');
    const ip = freshIp();
    const burst = 30;
    const outcomes = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        (i % 2 ? a : b).services.auth.login(username, `parallel guess ${i}`, ip).then(
          () => 'OK',
          (e: { code?: string }) => e.code ?? String(e),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'UNAUTHENTICATED')).toHaveLength(LIMITS.login.points);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(burst - LIMITS.login.points);
  });
});

describe('changePassword is limited per account', () => {
  const CHANGE = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';

  it('refuses the attempt over the limit even with the right current password, and keeps the password', async () => {
    const username = await account('oracle');
    const { token } = await a.services.auth.login(username, PASSWORD, freshIp());
    const ip = freshIp();
    for (let i = 0; i < LIMITS.passwordChange.points; i++) {
      const r = await post(
        i % 2 ? a : b,
        CHANGE,
        { c: `wrong current ${i}`, n: 'a brand new password' },
        { ip, token },
      );
      expect(r.code).toBe('BAD_USER_INPUT');
      expect(r.body.errors?.[0]?.extensions?.['field']).toBe('currentPassword');
    }
    // another address, the right current password: the account's counter is full
    const refused = await post(b, CHANGE, { c: PASSWORD, n: 'a brand new password' }, { ip: freshIp(), token });
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.['field']).toBe('currentPassword');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // nothing changed: the old password still signs in, the session still works
    await expect(a.services.auth.login(username, PASSWORD, freshIp())).resolves.toMatchObject({
      token: expect.any(String),
    });
    expect((await post(a, '{ me { kind } }', {}, { ip, token })).body.data).toEqual({ me: { kind: 'USER' } });
  });

  it('a parallel burst of 25 guesses checks at most `points` of them', async () => {
    const username = await account('oracle-burst');
    const { token } = await a.services.auth.login(username, PASSWORD, freshIp());
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        post(i % 2 ? a : b, CHANGE, { c: `parallel guess ${i}`, n: 'a brand new password' }, { ip, token }),
      ),
    );
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 'BAD_USER_INPUT')).toHaveLength(LIMITS.passwordChange.points);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(25 - LIMITS.passwordChange.points);
  });
});

describe('sign-out', () => {
  const ME = '{ me { kind name } }';

  it('logout revokes the presenting token at once, on every instance; other sessions stay', async () => {
    const username = await account('logout');
    const ip = freshIp();
    const first = (await post(a, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).body.data?.['login'] as {
      token: string;
    };
    const second = (await post(b, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).body.data?.['login'] as {
      token: string;
    };
    expect((await post(b, ME, {}, { ip, token: first.token })).body.data).toEqual({
      me: { kind: 'USER', name: username },
    });

    const out = await post(a, 'mutation { logout }', {}, { ip, token: first.token });
    expect(out.body).toEqual({ data: { logout: true } });
    for (const at of [a, b]) {
      const r = await post(at, ME, {}, { ip, token: first.token });
      expect(r.status).toBe(401);
      expect(r.code).toBe('UNAUTHENTICATED');
    }
    expect((await post(b, ME, {}, { ip, token: second.token })).body.data).toEqual({
      me: { kind: 'USER', name: username },
    });
    // kept in Neo4j until the token would have expired
    const rows = await t.db.driver.executeQuery('MATCH (r:RevokedSession {userId: $id}) RETURN r.expiresAt AS exp', {
      id: (await t.services.auth.users()).find((u) => u.username === username)!.id,
    });
    expect(rows.records).toHaveLength(1);
    expect(Number(rows.records[0]!.get('exp'))).toBeGreaterThan(Date.now() + 7 * 3600_000);
  });

  it('logoutEverywhere ends every session of the account (audited); signing in again works', async () => {
    const username = await account('everywhere');
    const ip = freshIp();
    const tokens = await Promise.all(
      [a, b, a].map(
        async (at) =>
          (
            (await post(at, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).body.data?.['login'] as {
              token: string;
            }
          ).token,
      ),
    );
    const out = await post(b, 'mutation { logoutEverywhere }', {}, { ip, token: tokens[0] });
    expect(out.body).toEqual({ data: { logoutEverywhere: true } });
    for (const token of tokens) {
      for (const at of [a, b]) expect((await post(at, ME, {}, { ip, token })).code).toBe('UNAUTHENTICATED');
    }
    const again = (await post(a, PLAIN_LOGIN, { u: username, p: PASSWORD }, { ip })).body.data?.['login'] as {
      token: string;
    };
    expect((await post(b, ME, {}, { ip, token: again.token })).body.data).toEqual({
      me: { kind: 'USER', name: username },
    });
    const id = (await t.services.auth.users()).find((u) => u.username === username)!.id;
    const audit = await t.services.audit.events({ actorId: id, action: 'logoutEverywhere' }, 5);
    expect(audit.nodes[0]).toMatchObject({ summary: `ended every session of account '${username}'` });
  });

  it('an API key has no session to sign out: logout answers false, logoutEverywhere BAD_USER_INPUT', async () => {
    const { apiKey, secret } = await t.services.auth.createApiKey(TEST_ACTOR, {
      name: uniqueName('key'),
      role: 'VIEWER',
    });
    const ip = freshIp();
    expect((await post(a, 'mutation { logout }', {}, { ip, token: secret })).body).toEqual({ data: { logout: false } });
    expect((await post(a, 'mutation { logoutEverywhere }', {}, { ip, token: secret })).code).toBe('BAD_USER_INPUT');
    expect((await post(a, ME, {}, { ip, token: secret })).body.data).toEqual({
      me: { kind: 'API_KEY', name: `API key ${apiKey.name}` },
    });
    // anonymous callers have nothing to sign out
    expect((await post(a, 'mutation { logout }', {}, { ip })).code).toBe('UNAUTHENTICATED');
  });

  it('prunes revoked tokens and counters once they have expired', async () => {
    const identity = new IdentityRepository(t.db);
    const jti = `expired-${randomBytes(4).toString('hex')}`;
    await identity.revokeSession(jti, 'user-nobody', Date.now() - 1000);
    await identity.consumeAttempts([{ key: `test:${jti}`, windowMs: 1 }], Date.now() - 1000);
    const live = `live-${randomBytes(4).toString('hex')}`;
    await identity.revokeSession(live, 'user-nobody', Date.now() + 3600_000);
    const pruned = await identity.pruneAuthState(Date.now());
    expect(pruned.sessions).toBeGreaterThanOrEqual(1);
    expect(pruned.counters).toBeGreaterThanOrEqual(1);
    const left = await t.db.driver.executeQuery(
      'OPTIONAL MATCH (r:RevokedSession) WHERE r.jti IN $jtis WITH collect(r.jti) AS s OPTIONAL MATCH (c:AuthThrottle {key: $key}) RETURN s, c IS NULL AS gone',
      { jtis: [jti, live], key: `test:${jti}` },
    );
    expect(left.records[0]!.get('s')).toEqual([live]);
    expect(left.records[0]!.get('gone')).toBe(true);
  });
});
