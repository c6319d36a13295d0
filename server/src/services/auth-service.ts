/**
 * Authentication and the accounts behind it (issue #5):
 * - local accounts: argon2id password hashes (OWASP Password Storage Cheat Sheet parameters of
 *   @node-rs/argon2's defaults: m=19 MiB, t=2, p=1); sign-in returns a session token, an HS256 JWT
 *   (issuer "medthreat") carrying the account's `sessionVersion`, so disabling an account or
 *   changing its password revokes every token issued before;
 * - OIDC: bearer JWTs from the hospital's identity provider, verified against its JWKS (issuer,
 *   audience, expiry), role from a configurable claim;
 * - API keys for systems: `mtk_<id>_<secret>`, shown once, stored as SHA-256 of the secret,
 *   revocable, optionally expiring, scoped to a role and to models;
 * - attempt limits (issue #11): sign-in attempts per username + client IP and per client IP,
 *   current-password checks per account, counted HERE (so every GraphQL shape, fragments and
 *   aliases included, goes through them) in Neo4j (so every instance shares the counters), each
 *   attempt counted before the password is checked (a parallel burst cannot slip through);
 * - sign-out: `logout` revokes the presenting session token (its `jti` is kept in Neo4j until the
 *   token would have expired), `logoutEverywhere` bumps the account's `sessionVersion`. Every
 *   request with a session token reads the account and the revocation in one query, so a sign-out
 *   takes effect on every instance at the next request (no cache window).
 * Every change to accounts and keys is written with its audit entry in one transaction.
 *
 * Lockout trade-off: counting per username alone would let anyone lock a nurse out by guessing
 * her name with wrong passwords. Counting per username + client IP only locks that username from
 * that address (the attacker's, or a shared NAT's); the per-IP counter (higher limit) stops one
 * address spraying many usernames. The price: an attacker with many addresses gets `login.points`
 * guesses per username per address per window, so long passwords (12+ characters, enforced)
 * remain the real defence. Refused attempts count too: hammering keeps the window full.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Database } from '../graph/database';
import type { AuditRepository } from '../graph/repositories/audit-repository';
import type { IdentityRepository, StoredApiKey, StoredUser } from '../graph/repositories/identity-repository';
import { ANONYMOUS, DEV_PRINCIPAL, ROLES, type Actor, type Principal, type Role } from '../domain/auth/principal';
import { AuthenticationError, ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../domain/errors';

/** OIDC bearer tokens: where to verify them and how to read the role. */
export interface OidcOptions {
  /** Expected `iss`, e.g. https://login.hospital.example/realms/main */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /** JWKS address; default: discovered from `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
  /** Claim holding the role(s): a string or a list (default "roles"). */
  roleClaim: string;
  /** Claim value → role, e.g. {"medthreat-admin": "ADMIN"}. Empty: values equal to a role name (VIEWER, EDITOR, ADMIN) map. */
  roleMap: Record<string, Role>;
  /** Claim holding the model ids a token may touch. Set: a token without it touches no model. Unset: every model. */
  modelsClaim?: string;
}

/** `points` attempts per `windowSeconds`; points 0 switches the limit off (nothing is counted). */
export interface AttemptLimit {
  points: number;
  windowSeconds: number;
}

/** Attempt limits, counted in Neo4j and shared by every instance (see the module comment). */
export interface AttemptLimits {
  /** Sign-in attempts per (lower-cased) username and client IP; a success clears the counter. */
  login: AttemptLimit;
  /** Failed sign-in attempts per client IP, whatever the username (password spraying). */
  loginPerIp: AttemptLimit;
  /** `changePassword` attempts per account; a success clears the counter. */
  passwordChange: AttemptLimit;
}

/** The defaults (also the configuration's): 10 per username+IP, 100 per IP, 5 per account, per 15 min. */
export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = Object.freeze({
  login: Object.freeze({ points: 10, windowSeconds: 900 }),
  loginPerIp: Object.freeze({ points: 100, windowSeconds: 900 }),
  passwordChange: Object.freeze({ points: 5, windowSeconds: 900 }),
});

export interface AuthOptions {
  /** Development mode: no authentication, every caller is an admin. Loopback only (config enforces). */
  devNoAuth: boolean;
  /** HMAC key for session tokens (≥ 32 bytes). Share it across instances behind a load balancer. */
  sessionSecret: Uint8Array;
  /** Session lifetime, ms (default 8 h: one workshop day). */
  sessionTtlMs: number;
  oidc?: OidcOptions;
  /** Sign-in and password-change limits (default DEFAULT_ATTEMPT_LIMITS). */
  limits?: AttemptLimits;
}

/** Public view of an account (no hash). */
export type User = Omit<StoredUser, 'passwordHash'>;
/** Public view of an API key (no hash). `prefix` identifies it in lists: "mtk_<id>". */
export type ApiKey = Omit<StoredApiKey, 'secretHash'> & { prefix: string };

export interface Session {
  /** Bearer token for `Authorization: Bearer <token>`. */
  token: string;
  /** ISO-8601 expiry. */
  expiresAt: string;
  principal: Principal;
}

const LOCAL_ISSUER = 'medthreat';
const API_KEY = /^mtk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;
const TOUCH_EVERY_MS = 60_000;
/** How often (at most) one instance deletes expired counters and revoked tokens. */
const PRUNE_EVERY_MS = 10 * 60_000;

/** One attempt counter: its key, its limit, and whether a success clears it (else: gives back one). */
interface Counter {
  key: string;
  limit: AttemptLimit;
  clearOnSuccess: boolean;
}

function publicUser({ passwordHash: _h, ...u }: StoredUser): User {
  return u;
}
function publicKey({ secretHash: _h, ...k }: StoredApiKey): ApiKey {
  return { ...k, prefix: `mtk_${k.id}` };
}
function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
/** A counter key: `<kind>:` and a digest (no usernames or addresses stored, fixed length). */
function counterKey(kind: string, ...parts: string[]): string {
  return `${kind}:${sha256(parts.join('\n')).toString('base64url')}`;
}
/** The client address as counted: IPv4-mapped IPv6 as IPv4, none as 'unknown'. */
function clientAddress(ip: string | undefined): string {
  const a = (ip ?? '').trim().toLowerCase();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a || 'unknown';
}

/** Password rules (NIST SP 800-63B: length over composition rules). Throws ValidationError at `field`. */
export function checkPassword(password: string, field: string): void {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new ValidationError(`password must be ${MIN_PASSWORD}-${MAX_PASSWORD} characters`, field);
  }
}

export class AuthService {
  private readonly secret: Uint8Array;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly touched = new Map<string, number>();
  /**
   * Session tokens whose signature this process has verified, with their claims: a token's
   * signature and claims never change, so a client's next requests skip the HMAC check (about 2 %
   * of the server's CPU under `npm run load`). Expiry, sign-out, the account and its session
   * version are still checked on every request. At most 10,000 tokens (estimated at a few MB).
   */
  private readonly verifiedSessions = new LRUCache<string, JWTPayload>({ max: 10_000 });
  private readonly limits: AttemptLimits;
  private lastPrune = 0;
  /** A real hash to verify against when the username is unknown, so timing does not tell. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly identity: IdentityRepository,
    private readonly audit: AuditRepository,
    readonly options: AuthOptions,
  ) {
    if (options.sessionSecret.length < 32) throw new Error('session secret must be at least 32 bytes');
    this.secret = options.sessionSecret;
    this.limits = options.limits ?? DEFAULT_ATTEMPT_LIMITS;
    this.dummyHash = argon2Hash(randomBytes(16).toString('hex'));
  }

  /**
   * The principal behind an `Authorization` header value. No header: ANONYMOUS (or the dev
   * principal in development mode). Throws AuthenticationError for a bad, expired or revoked
   * token or key; ServiceUnavailableError when the database cannot be asked.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (this.options.devNoAuth) return DEV_PRINCIPAL;
    if (!authorization) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw new AuthenticationError('Authorization header must be "Bearer <token or API key>"');
    const token = m[1]!;
    if (token.startsWith('mtk_')) return this.authenticateApiKey(token);
    const verified = this.verifiedSessions.get(token);
    if (verified) return this.sessionPrincipal(token, verified);
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new AuthenticationError('the bearer token is neither an API key nor a JWT');
    }
    if (claims.iss === LOCAL_ISSUER) return this.authenticateSession(token);
    if (this.options.oidc && claims.iss === this.options.oidc.issuer) return this.authenticateOidc(token);
    throw new AuthenticationError('the token was issued by an unknown issuer');
  }

  private async authenticateSession(token: string): Promise<Principal> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.secret, {
        issuer: LOCAL_ISSUER,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'jti', 'exp'],
      }));
    } catch {
      throw new AuthenticationError('the session has expired or is invalid; sign in again');
    }
    this.verifiedSessions.set(token, claims);
    return this.sessionPrincipal(token, claims);
  }

  /** The principal of a session token whose signature is verified: expiry, sign-out and account checked now. */
  private async sessionPrincipal(token: string, claims: JWTPayload): Promise<Principal> {
    // as jose's own check: expired once `exp` (s) is not after the current second
    if (claims.exp! <= Math.floor(Date.now() / 1000)) {
      this.verifiedSessions.delete(token);
      throw new AuthenticationError('the session has expired or is invalid; sign in again');
    }
    // one read: the account and whether this very token was signed out (checked on every request)
    const found = await this.identity.getSessionUser(claims.sub!, claims.jti!);
    if (found?.revoked) throw new AuthenticationError('this session was signed out; sign in again');
    const user = found?.user;
    if (!user || user.disabled || user.sessionVersion !== claims['sv']) {
      throw new AuthenticationError('the session was revoked; sign in again');
    }
    return {
      kind: 'USER',
      id: user.id,
      name: user.username,
      role: user.role,
      modelIds: scopeOf(user),
      session: { id: claims.jti!, expiresAt: claims.exp! * 1000 },
    };
  }

  private async authenticateApiKey(token: string): Promise<Principal> {
    const m = API_KEY.exec(token);
    const key = m ? await this.identity.getApiKey(m[1]!) : null;
    if (!m || !key || !timingSafeEqual(sha256(m[2]!), Buffer.from(key.secretHash, 'hex'))) {
      throw new AuthenticationError('unknown API key');
    }
    if (key.revokedAt) throw new AuthenticationError('this API key was revoked');
    if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) throw new AuthenticationError('this API key expired');
    const last = this.touched.get(key.id) ?? 0;
    if (Date.now() - last > TOUCH_EVERY_MS) {
      this.touched.set(key.id, Date.now());
      // awaited (a write at most once a minute per key) so nothing writes after the request ends;
      // a failure only loses the usage stamp
      await this.identity.touchApiKey(key.id).catch(() => undefined);
    }
    return {
      kind: 'API_KEY',
      id: key.id,
      name: `API key ${key.name}`,
      role: key.role,
      modelIds: key.role === 'ADMIN' ? null : key.modelIds,
    };
  }

  private async authenticateOidc(token: string): Promise<Principal> {
    const oidc = this.options.oidc!;
    let claims: JWTPayload;
    try {
      this.jwks ??= createRemoteJWKSet(new URL(oidc.jwksUri ?? (await discoverJwksUri(oidc.issuer))));
      ({ payload: claims } = await jwtVerify(token, this.jwks, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        requiredClaims: ['exp', 'sub'], // a token that never expires is refused
      }));
    } catch (e) {
      throw new AuthenticationError(`the identity provider token was rejected (${(e as Error).message})`);
    }
    const raw = claims[oidc.roleClaim];
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
    // With a role map, only its values count (an IdP group that happens to be called "admin" must
    // not grant ADMIN); without one, values equal to a role name (VIEWER, EDITOR, ADMIN) do.
    const mapped = Object.keys(oidc.roleMap).length > 0;
    const roles = values
      .map((v) => (mapped ? oidc.roleMap[v] : (ROLES as readonly string[]).find((r) => r === v)))
      .filter((r): r is Role => r !== undefined);
    const role = (['ADMIN', 'EDITOR', 'VIEWER'] as const).find((r) => roles.includes(r));
    if (!role) throw new AuthenticationError(`the token's '${oidc.roleClaim}' claim grants no MedThreat role`);
    // Fail closed: with a models claim configured, a token without it (or with anything but a list
    // of strings) may touch no model at all.
    const models = oidc.modelsClaim ? claims[oidc.modelsClaim] : null;
    const scope =
      role === 'ADMIN' || models === null
        ? null
        : Array.isArray(models)
          ? models.filter((v): v is string => typeof v === 'string')
          : [];
    const name = [claims['preferred_username'], claims['email'], claims.sub].find((v) => typeof v === 'string');
    return {
      kind: 'OIDC',
      id: `oidc:${claims.sub ?? 'unknown'}`,
      name: String(name ?? 'oidc user'),
      role,
      modelIds: scope,
    };
  }

  /**
   * Counts one attempt against each counter whose limit is on, before anything is checked.
   * Throws RateLimitedError (retryAfterMs: until the longest refusing window ends) when any is
   * over its limit. Returns the counters counted, for {@link succeeded}.
   */
  private async attempt(counters: Counter[], what: string, field?: string): Promise<Counter[]> {
    const on = counters.filter((c) => c.limit.points > 0);
    if (on.length === 0) return on;
    const now = Date.now();
    const counts = await this.identity.consumeAttempts(
      on.map((c) => ({ key: c.key, windowMs: c.limit.windowSeconds * 1000 })),
      now,
    );
    let wait = -1;
    for (const c of on) {
      const n = counts.find((r) => r.key === c.key);
      if (n && n.count > c.limit.points) wait = Math.max(wait, n.resetAt - now);
    }
    if (wait >= 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new RateLimitedError(`Too many ${what}: try again in ${seconds} s`, wait, field);
    }
    return on;
  }

  /** After a successful attempt: clears its counters, or gives back the one attempt counted. */
  private async succeeded(counters: Counter[]): Promise<void> {
    if (counters.length === 0) return;
    await this.identity.releaseAttempts(
      counters.map((c) => ({ key: c.key, clear: c.clearOnSuccess })),
      Date.now(),
    );
  }

  /** At most every PRUNE_EVERY_MS per instance: deletes expired counters and revoked tokens (best effort). */
  private async pruneNow(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.identity.pruneAuthState(Date.now()).catch(() => undefined);
  }

  /**
   * Signs in with a local account from `clientIp` (the request's address; '' = unknown). Throws
   * AuthenticationError with one message for an unknown user, a wrong password or a disabled
   * account (no user enumeration); RateLimitedError (RATE_LIMITED, `retryAfterMs`) when this
   * username from this address, or this address, has made too many attempts in the window — then
   * the password is not even checked, right or wrong.
   */
  async login(username: string, password: string, clientIp = ''): Promise<Session> {
    if (this.options.devNoAuth) throw new ConflictError('development mode: there is nothing to sign in to', 'username');
    await this.pruneNow();
    const ip = clientAddress(clientIp);
    const counted = await this.attempt(
      [
        { key: counterKey('login', username.toLowerCase(), ip), limit: this.limits.login, clearOnSuccess: true },
        { key: counterKey('login-ip', ip), limit: this.limits.loginPerIp, clearOnSuccess: false },
      ],
      'sign-in attempts',
    );
    const user = await this.identity.getUserByUsername(username);
    const ok = user
      ? await argon2Verify(user.passwordHash, password).catch(() => false)
      : await argon2Verify(await this.dummyHash, password).then(() => false);
    if (!user || !ok || user.disabled) throw new AuthenticationError('wrong username or password');
    await this.succeeded(counted);
    await this.identity.recordLogin(user.id);
    const expires = Date.now() + this.options.sessionTtlMs;
    const token = await new SignJWT({ sv: user.sessionVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER)
      .setSubject(user.id)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(expires / 1000))
      .sign(this.secret);
    return {
      token,
      expiresAt: new Date(expires).toISOString(),
      principal: { kind: 'USER', id: user.id, name: user.username, role: user.role, modelIds: scopeOf(user) },
    };
  }

  /** Every account, by username. */
  async users(): Promise<User[]> {
    return (await this.identity.listUsers()).map(publicUser);
  }

  /**
   * Creates a local account. ValidationError for a weak password (field `input.password`),
   * ConflictError when the username is taken.
   */
  async createUser(
    actor: Actor,
    input: { username: string; displayName?: string; password: string; role: Role; modelIds?: string[] | null },
  ): Promise<User> {
    checkPassword(input.password, 'input.password');
    const passwordHash = await argon2Hash(input.password);
    return this.db.write(async (tx) => {
      const user = await this.identity.createUser(tx, {
        id: `user-${randomBytes(6).toString('hex')}`,
        username: input.username,
        displayName: input.displayName ?? input.username,
        role: input.role,
        modelIds: input.role === 'ADMIN' ? null : (input.modelIds ?? null),
        passwordHash,
      });
      const after = publicUser(user);
      await this.audit.record(tx, actor, {
        summary: `created ${user.role} account '${user.username}'`,
        changes: [{ kind: 'user', id: user.id, before: null, after }],
      });
      return after;
    });
  }

  /**
   * Changes an account: display name, role, model scope, disabled, password. Disabling, a new
   * password, a new role or a new model scope revokes the account's sessions. NotFoundError, ValidationError (`patch.password`),
   * ConflictError when the last enabled admin would be demoted or disabled.
   */
  async updateUser(
    actor: Actor,
    id: string,
    patch: { displayName?: string; role?: Role; modelIds?: string[] | null; disabled?: boolean; password?: string },
  ): Promise<User> {
    if (patch.password !== undefined) checkPassword(patch.password, 'patch.password');
    const passwordHash = patch.password !== undefined ? await argon2Hash(patch.password) : undefined;
    return this.db.write(async (tx) => {
      const before = await this.identity.getUser(id, tx);
      if (!before) throw new NotFoundError(`user '${id}' does not exist`, 'id');
      const role = patch.role ?? before.role;
      const disabled = patch.disabled ?? before.disabled;
      if (before.role === 'ADMIN' && !before.disabled && (role !== 'ADMIN' || disabled)) {
        const admins = (await this.identity.listUsers(tx)).filter((u) => u.role === 'ADMIN' && !u.disabled);
        if (admins.length <= 1)
          throw new ConflictError('the last enabled admin cannot be demoted or disabled', 'patch');
      }
      const scopeChanged =
        patch.modelIds !== undefined && JSON.stringify(patch.modelIds) !== JSON.stringify(before.modelIds);
      // a session carries what the account was allowed when it began: any change of access ends it
      const revoke =
        passwordHash !== undefined || (disabled && !before.disabled) || role !== before.role || scopeChanged;
      const updated = await this.identity.updateUser(tx, id, {
        ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
        role,
        disabled,
        ...(patch.modelIds !== undefined || role === 'ADMIN'
          ? { modelIds: role === 'ADMIN' ? null : (patch.modelIds ?? null) }
          : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
        ...(revoke ? { sessionVersion: before.sessionVersion + 1 } : {}),
      });
      const after = publicUser(updated!);
      await this.audit.record(tx, actor, {
        summary: `changed account '${before.username}'${passwordHash ? ' (new password)' : ''}`,
        changes: [{ kind: 'user', id, before: publicUser(before), after }],
      });
      return after;
    });
  }

  /**
   * The caller changes their own password. ValidationError (`currentPassword`) if `current` is
   * wrong, (`newPassword`) if `next` is too short or long; RateLimitedError (field
   * `currentPassword`) after `limits.passwordChange.points` attempts on this account in the window,
   * whoever makes them and however the request is shaped — the current password is then not checked.
   */
  async changeOwnPassword(actor: Actor, current: string, next: string): Promise<boolean> {
    if (actor.principal.kind !== 'USER') {
      throw new ValidationError('only local accounts have a password here', 'currentPassword');
    }
    checkPassword(next, 'newPassword');
    const counted = await this.attempt(
      [
        {
          key: counterKey('password', actor.principal.id),
          limit: this.limits.passwordChange,
          clearOnSuccess: true,
        },
      ],
      'password attempts',
      'currentPassword',
    );
    const user = await this.identity.getUser(actor.principal.id);
    if (!user || !(await argon2Verify(user.passwordHash, current).catch(() => false))) {
      // BAD_USER_INPUT, not UNAUTHENTICATED: the session is fine, this field is not
      throw new ValidationError('the current password is wrong', 'currentPassword');
    }
    await this.updateUser(actor, user.id, { password: next });
    await this.succeeded(counted);
    return true;
  }

  /**
   * Signs out the session token the caller presented: it is refused from the next request on, on
   * every instance (its id is kept in Neo4j until it would have expired). Returns true when a
   * session token was revoked; false for credentials that are not local session tokens (API key:
   * `revokeApiKey`; OIDC: sign out at the identity provider; development mode).
   */
  async logout(actor: Actor): Promise<boolean> {
    const p = actor.principal;
    if (p.kind !== 'USER' || !p.session) return false;
    await this.identity.revokeSession(p.session.id, p.id, p.session.expiresAt);
    await this.pruneNow();
    return true;
  }

  /**
   * Ends every session of the caller's local account, this one included (bumps its
   * sessionVersion; audited). Returns true. ValidationError for callers that are not local
   * accounts (API keys, OIDC tokens, development mode).
   */
  async logoutEverywhere(actor: Actor): Promise<boolean> {
    if (actor.principal.kind !== 'USER') {
      throw new ValidationError('only local accounts have sessions to end here');
    }
    const id = actor.principal.id;
    return this.db.write(async (tx) => {
      const before = await this.identity.getUser(id, tx);
      if (!before) throw new NotFoundError(`user '${id}' does not exist`);
      const updated = await this.identity.updateUser(tx, id, { sessionVersion: before.sessionVersion + 1 });
      await this.audit.record(tx, actor, {
        summary: `ended every session of account '${before.username}'`,
        changes: [{ kind: 'user', id, before: publicUser(before), after: publicUser(updated!) }],
      });
      return true;
    });
  }

  /**
   * Sets a new password for the account `username` (case-insensitive) on behalf of someone with
   * access to the machine: the admin-reset command (server/src/reset-password.ts), for a lost admin
   * password. Ends the account's sessions and writes the audit entry (as `actor`) in one
   * transaction, like any password change; a disabled account stays disabled.
   * Errors: ValidationError (`password`) for a password outside 12-256 characters; NotFoundError
   * (`username`) naming the admin accounts when there is no such account.
   */
  async resetPassword(actor: Actor, username: string, password: string): Promise<User> {
    checkPassword(password, 'password');
    const user = await this.identity.getUserByUsername(username);
    if (!user) {
      const admins = (await this.identity.listUsers()).filter((u) => u.role === 'ADMIN').map((u) => u.username);
      throw new NotFoundError(
        `there is no account '${username}'; admin accounts: ${admins.length ? admins.join(', ') : '(none)'}`,
        'username',
      );
    }
    return this.updateUser(actor, user.id, { password });
  }

  /** Every API key, newest first (never the secret). */
  async apiKeys(): Promise<ApiKey[]> {
    return (await this.identity.listApiKeys()).map(publicKey);
  }

  /**
   * Creates an API key. The returned `secret` is the only time it is shown. ValidationError for an
   * expiry in the past (`input.expiresAt`).
   */
  async createApiKey(
    actor: Actor,
    input: { name: string; role: Role; modelIds?: string[] | null; expiresAt?: string | null },
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    if (input.expiresAt && !(Date.parse(input.expiresAt) > Date.now())) {
      throw new ValidationError('expiresAt must be a date-time in the future', 'input.expiresAt');
    }
    const id = randomBytes(8).toString('hex');
    const secretPart = randomBytes(32).toString('base64url');
    return this.db.write(async (tx) => {
      const key = await this.identity.createApiKey(tx, {
        id,
        name: input.name,
        secretHash: sha256(secretPart).toString('hex'),
        role: input.role,
        modelIds: input.role === 'ADMIN' ? null : (input.modelIds ?? null),
        createdById: actor.principal.id,
        createdByName: actor.principal.name,
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      });
      const apiKey = publicKey(key);
      await this.audit.record(tx, actor, {
        summary: `created ${key.role} API key '${key.name}'`,
        changes: [{ kind: 'apiKey', id, before: null, after: apiKey }],
      });
      return { apiKey, secret: `mtk_${id}_${secretPart}` };
    });
  }

  /** Revokes an API key at once (idempotent). NotFoundError if absent. */
  async revokeApiKey(actor: Actor, id: string): Promise<ApiKey> {
    return this.db.write(async (tx) => {
      const before = await this.identity.getApiKey(id, tx);
      const key = await this.identity.revokeApiKey(tx, id);
      if (!before || !key) throw new NotFoundError(`API key '${id}' does not exist`, 'id');
      await this.audit.record(tx, actor, {
        summary: `revoked API key '${key.name}'`,
        changes: [{ kind: 'apiKey', id, before: publicKey(before), after: publicKey(key) }],
      });
      return publicKey(key);
    });
  }

  /**
   * On a database without accounts, creates the first admin ('admin') with `password`, or with a
   * generated one that is logged once. Several instances racing: one wins, the others see a
   * ConflictError and carry on.
   * @param source where `password` came from, named in the log (e.g. `MEDTHREAT_ADMIN_PASSWORD_FILE (<path>)`)
   */
  async ensureInitialAdmin(
    actor: Actor,
    password: string | undefined,
    log: Logger,
    source = 'MEDTHREAT_ADMIN_PASSWORD or _FILE',
  ): Promise<void> {
    if (this.options.devNoAuth || (await this.identity.countUsers()) > 0) return;
    const generated = password === undefined;
    const pw = password ?? randomBytes(18).toString('base64url');
    try {
      await this.createUser(actor, { username: 'admin', displayName: 'Administrator', password: pw, role: 'ADMIN' });
    } catch (e) {
      if (e instanceof ConflictError) return;
      throw e;
    }
    if (generated) {
      log.warn(
        { username: 'admin', password: pw },
        'created the first admin account with a GENERATED password (shown only now): sign in and change it, or set MEDTHREAT_ADMIN_PASSWORD',
      );
    } else {
      log.info({ username: 'admin', source }, `created the first admin account with the password from ${source}`);
    }
  }
}

function scopeOf(u: StoredUser): string[] | null {
  return u.role === 'ADMIN' ? null : u.modelIds;
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`OIDC discovery answered HTTP ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: string };
  if (!doc.jwks_uri) throw new Error('OIDC discovery document has no jwks_uri');
  return doc.jwks_uri;
}
