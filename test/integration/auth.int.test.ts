/**
 * Authentication against the real database: local accounts (sign-in, one message for every
 * failure, revocation by disabling, new password or new role), the last admin, API keys (shown
 * once, hashed, scoped, revocable, expiring), OIDC bearer tokens verified against a real JWKS
 * endpoint on loopback, development mode, and the audit entries these changes leave.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { createServices } from '../../server/src/bootstrap';
import type { Services } from '../../server/src/context';
import { ConflictError } from '../../server/src/domain/errors';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const t = new TestHelper();
const suffix = Math.random().toString(16).slice(2, 8);
const PASSWORD = 'correct horse battery staple';

beforeAll(() => t.init());
afterAll(() => t.close());

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('local accounts', () => {
  it('signs in, refuses wrong passwords and unknown users with one message, and stores only an argon2id hash', async () => {
    const user = await t.services.auth.createUser(TEST_ACTOR, {
      username: `nurse-${suffix}`,
      password: PASSWORD,
      role: 'VIEWER',
    });
    expect(user).not.toHaveProperty('passwordHash');
    const session = await t.services.auth.login(`NURSE-${suffix}`, PASSWORD); // usernames ignore case
    expect(session.principal).toMatchObject({ kind: 'USER', role: 'VIEWER', modelIds: null });
    const wrong = await t.services.auth.login(`nurse-${suffix}`, 'wrong password!!').catch((e: Error) => e.message);
    const unknown = await t.services.auth.login(`nobody-${suffix}`, PASSWORD).catch((e: Error) => e.message);
    expect(wrong).toBe(unknown);
    const stored = await t.db.query('identity/get-user', { id: user.id });
    const hash = (stored[0]!['user'] as { passwordHash: string }).passwordHash;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toContain(PASSWORD);
  });

  it('revokes sessions when the account is disabled, its password or its role changes', async () => {
    const user = await t.services.auth.createUser(TEST_ACTOR, {
      username: `tech-${suffix}`,
      password: PASSWORD,
      role: 'EDITOR',
    });
    const bearer = async () => `Bearer ${(await t.services.auth.login(user.username, PASSWORD)).token}`;

    let token = await bearer();
    expect((await t.services.auth.authenticate(token)).role).toBe('EDITOR');
    await t.services.auth.updateUser(TEST_ACTOR, user.id, { role: 'VIEWER' });
    expect(await codeOf(t.services.auth.authenticate(token))).toBe('UNAUTHENTICATED');

    token = await bearer();
    await t.services.auth.updateUser(TEST_ACTOR, user.id, { password: `${PASSWORD}!` });
    expect(await codeOf(t.services.auth.authenticate(token))).toBe('UNAUTHENTICATED');
    expect(await codeOf(t.services.auth.login(user.username, PASSWORD))).toBe('UNAUTHENTICATED');

    const current = `Bearer ${(await t.services.auth.login(user.username, `${PASSWORD}!`)).token}`;
    await t.services.auth.updateUser(TEST_ACTOR, user.id, { disabled: true });
    expect(await codeOf(t.services.auth.authenticate(current))).toBe('UNAUTHENTICATED');
    expect(await codeOf(t.services.auth.login(user.username, `${PASSWORD}!`))).toBe('UNAUTHENTICATED');
  });

  it('refuses a session token once it expires, also one this process has verified before', async () => {
    const short = createServices(t.db, { sessionTtlMs: 1500 });
    await t.services.auth.createUser(TEST_ACTOR, { username: `brief-${suffix}`, password: PASSWORD, role: 'VIEWER' });
    const token = `Bearer ${(await short.auth.login(`brief-${suffix}`, PASSWORD)).token}`;
    // verified (and remembered) while valid, twice: the second use takes the remembered claims
    expect((await short.auth.authenticate(token)).role).toBe('VIEWER');
    expect((await short.auth.authenticate(token)).role).toBe('VIEWER');
    await new Promise((r) => setTimeout(r, 2600)); // exp is in whole seconds: 1.5 s rounds up to 2
    expect(await codeOf(short.auth.authenticate(token))).toBe('UNAUTHENTICATED');
    await short.analysis.close();
  });

  it('refuses weak passwords and duplicate usernames, naming the field', async () => {
    const weak = await t.services.auth
      .createUser(TEST_ACTOR, { username: `weak-${suffix}`, password: 'short', role: 'VIEWER' })
      .catch((e: { code: string; field: string }) => e);
    expect(weak).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    const dup = await t.services.auth
      .createUser(TEST_ACTOR, { username: `Nurse-${suffix}`, password: PASSWORD, role: 'VIEWER' })
      .catch((e: { code: string; field: string }) => e);
    expect(dup).toMatchObject({ code: 'CONFLICT', field: 'input.username' });
  });

  it('keeps at least one enabled admin', async () => {
    const admins = (await t.services.auth.users()).filter((u) => u.role === 'ADMIN' && !u.disabled);
    // demote every admin but the last one, then the last must refuse
    for (const a of admins.slice(1)) await t.services.auth.updateUser(TEST_ACTOR, a.id, { role: 'EDITOR' });
    const last = admins[0]!;
    await expect(t.services.auth.updateUser(TEST_ACTOR, last.id, { disabled: true })).rejects.toBeInstanceOf(
      ConflictError,
    );
    for (const a of admins.slice(1)) await t.services.auth.updateUser(TEST_ACTOR, a.id, { role: 'ADMIN' });
  });
});

describe('API keys', () => {
  it('shows the secret once, stores only its SHA-256, limits to role and models, and revokes at once', async () => {
    const modelId = t.uniqueModelId('keys');
    const { apiKey, secret } = await t.services.auth.createApiKey(TEST_ACTOR, {
      name: `cmdb-${suffix}`,
      role: 'EDITOR',
      modelIds: [modelId],
    });
    expect(secret).toMatch(/^mtk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await t.services.auth.apiKeys())).not.toContain(secret.split('_')[2]);
    const stored = (await t.db.query('identity/get-api-key', { id: apiKey.id }))[0]!['key'] as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(secret.split('_')[2]);

    const principal = await t.services.auth.authenticate(`Bearer ${secret}`);
    expect(principal).toMatchObject({ kind: 'API_KEY', role: 'EDITOR', modelIds: [modelId] });
    expect(await codeOf(t.services.auth.authenticate(`Bearer ${secret.slice(0, -1)}x`))).toBe('UNAUTHENTICATED');

    await t.services.auth.revokeApiKey(TEST_ACTOR, apiKey.id);
    expect(await codeOf(t.services.auth.authenticate(`Bearer ${secret}`))).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired key and an expiry in the past', async () => {
    const past = await t.services.auth
      .createApiKey(TEST_ACTOR, { name: 'old', role: 'VIEWER', expiresAt: '2020-01-01T00:00:00Z' })
      .catch((e: { field: string }) => e.field);
    expect(past).toBe('input.expiresAt');
    const soon = new Date(Date.now() + 1500).toISOString();
    const { secret } = await t.services.auth.createApiKey(TEST_ACTOR, {
      name: 'soon',
      role: 'VIEWER',
      expiresAt: soon,
    });
    expect((await t.services.auth.authenticate(`Bearer ${secret}`)).kind).toBe('API_KEY');
    await new Promise((r) => setTimeout(r, 1600));
    expect(await codeOf(t.services.auth.authenticate(`Bearer ${secret}`))).toBe('UNAUTHENTICATED');
  });
});

describe('OIDC bearer tokens (a JWKS endpoint on loopback)', () => {
  let jwks: http.Server;
  let services: Services;
  let signingKey: KeyLike;
  let sign: (claims: Record<string, unknown>, audience?: string) => Promise<string>;
  const issuer = 'https://login.hospital.example/realms/main';

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    signingKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const port = (jwks.address() as AddressInfo).port;
    services = createServices(t.db, {
      oidc: {
        issuer,
        audience: 'medthreat',
        jwksUri: `http://127.0.0.1:${port}/jwks`,
        roleClaim: 'groups',
        roleMap: { 'medthreat-editors': 'EDITOR', 'medthreat-admins': 'ADMIN' },
        modelsClaim: 'medthreat_models',
      },
    });
    sign = (claims, audience = 'medthreat') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('u-123')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
  });

  afterAll(() => new Promise<void>((r) => jwks.close(() => r())));

  it('maps the role claim and the model claim', async () => {
    const token = await sign({
      groups: ['staff', 'medthreat-editors'],
      medthreat_models: ['m1'],
      preferred_username: 'dr.lee',
    });
    expect(await services.auth.authenticate(`Bearer ${token}`)).toEqual({
      kind: 'OIDC',
      id: 'oidc:u-123',
      name: 'dr.lee',
      role: 'EDITOR',
      modelIds: ['m1'],
    });
    // with a role map, a group that merely looks like a role name grants nothing
    expect(await codeOf(services.auth.authenticate(`Bearer ${await sign({ groups: ['ADMIN', 'admin'] })}`))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('fails closed on the model scope: no claim or a malformed claim means no models', async () => {
    const none = await sign({ groups: ['medthreat-editors'] });
    expect((await services.auth.authenticate(`Bearer ${none}`)).modelIds).toEqual([]);
    const text = await sign({ groups: ['medthreat-editors'], medthreat_models: 'demo-hospital' });
    expect((await services.auth.authenticate(`Bearer ${text}`)).modelIds).toEqual([]);
    const admin = await sign({ groups: ['medthreat-admins'] });
    expect((await services.auth.authenticate(`Bearer ${admin}`)).modelIds).toBeNull();
  });

  it('refuses a wrong audience, no MedThreat role, no expiry, and a token signed by another key', async () => {
    expect(
      await codeOf(services.auth.authenticate(`Bearer ${await sign({ groups: ['medthreat-admins'] }, 'other')}`)),
    ).toBe('UNAUTHENTICATED');
    expect(await codeOf(services.auth.authenticate(`Bearer ${await sign({ groups: ['staff'] })}`))).toBe(
      'UNAUTHENTICATED',
    );
    const forever = await new SignJWT({ groups: ['medthreat-admins'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('medthreat')
      .setSubject('u-123')
      .sign(signingKey);
    expect(await codeOf(services.auth.authenticate(`Bearer ${forever}`))).toBe('UNAUTHENTICATED');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ groups: ['medthreat-admins'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('medthreat')
      .setSubject('u-123')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await codeOf(services.auth.authenticate(`Bearer ${forged}`))).toBe('UNAUTHENTICATED');
  });
});

describe('development mode and the audit trail', () => {
  it('development mode makes every caller the DEV admin and has nothing to sign in to', async () => {
    const dev = createServices(t.db, { devNoAuth: true });
    expect(await dev.auth.authenticate(undefined)).toMatchObject({ kind: 'DEV', role: 'ADMIN' });
    expect(await codeOf(dev.auth.login('admin', PASSWORD))).toBe('CONFLICT');
  });

  it('records account and key changes with who and what, never a hash or a secret', async () => {
    const page = await t.services.audit.events({ actorId: TEST_ACTOR.principal.id }, 500);
    const created = page.nodes.find((e) => e.action === 'test' && e.summary.includes(`'tech-${suffix}'`));
    expect(created).toMatchObject({ actorKind: 'USER', actorName: 'test admin', modelId: null });
    const text = JSON.stringify(page.nodes);
    expect(text).not.toMatch(/passwordHash|secretHash|\$argon2/);
  });
});
