/**
 * Users and API keys in Neo4j (labels :User, :ApiKey). Stores only hashes: argon2id for passwords,
 * SHA-256 for API key secrets (high-entropy random secrets need no slow hash). A model scope is
 * stored as `allModels` + `modelIds` because Neo4j has no null list element.
 */
import { ConflictError } from '../../domain/errors';
import type { Role } from '../../domain/auth/principal';
import type { Database, Row, Tx } from '../database';

/** A stored account, including its password hash (never leaves the domain layer). */
export interface StoredUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** null = every model. */
  modelIds: string[] | null;
  disabled: boolean;
  /** Session tokens carry this; bumping it revokes them all. */
  sessionVersion: number;
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** One attempt counter after an attempt was counted: attempts in the window and when it ends. */
export interface AttemptCount {
  key: string;
  /** Attempts in the current window, the one just counted included. */
  count: number;
  /** End of the current window, epoch ms. */
  resetAt: number;
}

/** A stored API key, including the SHA-256 (hex) of its secret. */
export interface StoredApiKey {
  id: string;
  name: string;
  secretHash: string;
  role: Role;
  modelIds: string[] | null;
  createdById: string;
  createdByName: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function scope(modelIds: string[] | null): { allModels: boolean; modelIds: string[] } {
  return modelIds === null ? { allModels: true, modelIds: [] } : { allModels: false, modelIds };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function toUser(r: Row): StoredUser {
  const u = r['user'] as Record<string, unknown>;
  return {
    id: u['id'] as string,
    username: u['username'] as string,
    displayName: (u['displayName'] as string) ?? (u['username'] as string),
    role: u['role'] as Role,
    modelIds: u['allModels'] === true ? null : ((u['modelIds'] as string[]) ?? []),
    disabled: u['disabled'] === true,
    sessionVersion: Number(u['sessionVersion'] ?? 1),
    passwordHash: u['passwordHash'] as string,
    createdAt: u['createdAt'] as string,
    updatedAt: u['updatedAt'] as string,
    lastLoginAt: str(u['lastLoginAt']),
  };
}

function toKey(r: Row): StoredApiKey {
  const k = r['key'] as Record<string, unknown>;
  return {
    id: k['id'] as string,
    name: k['name'] as string,
    secretHash: k['secretHash'] as string,
    role: k['role'] as Role,
    modelIds: k['allModels'] === true ? null : ((k['modelIds'] as string[]) ?? []),
    createdById: k['createdById'] as string,
    createdByName: k['createdByName'] as string,
    createdAt: k['createdAt'] as string,
    expiresAt: str(k['expiresAt']),
    revokedAt: str(k['revokedAt']),
    lastUsedAt: str(k['lastUsedAt']),
  };
}

export class IdentityRepository {
  constructor(private readonly db: Database) {}

  async countUsers(): Promise<number> {
    return Number((await this.db.query('identity/count-users'))[0]?.['count'] ?? 0);
  }

  /** One account, read in `tx` when given (so a check and the write that follows see one state). */
  async getUser(id: string, tx?: Tx): Promise<StoredUser | null> {
    const params = { id };
    const row = (tx ? await tx.run('identity/get-user', params) : await this.db.query('identity/get-user', params))[0];
    return row ? toUser(row) : null;
  }

  async getUserByUsername(username: string): Promise<StoredUser | null> {
    const row = (await this.db.query('identity/get-user-by-username', { usernameKey: username.toLowerCase() }))[0];
    return row ? toUser(row) : null;
  }

  /** Every account, read in `tx` when given. */
  async listUsers(tx?: Tx): Promise<StoredUser[]> {
    return (tx ? await tx.run('identity/list-users') : await this.db.query('identity/list-users')).map(toUser);
  }

  /** Creates an account inside `tx`. ConflictError (field `input.username`) if the username is taken. */
  async createUser(
    tx: Tx,
    u: Pick<StoredUser, 'id' | 'username' | 'displayName' | 'role' | 'modelIds' | 'passwordHash'>,
  ): Promise<StoredUser> {
    try {
      const rows = await tx.run('identity/create-user', {
        user: {
          id: u.id,
          username: u.username,
          usernameKey: u.username.toLowerCase(),
          displayName: u.displayName,
          role: u.role,
          passwordHash: u.passwordHash,
          ...scope(u.modelIds),
        },
      });
      return toUser(rows[0]!);
    } catch (e) {
      if ((e as { code?: string }).code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
        throw new ConflictError(`username '${u.username}' is taken`, 'input.username');
      }
      throw e;
    }
  }

  /** Updates an account inside `tx`; null if it does not exist. */
  async updateUser(
    tx: Tx,
    id: string,
    set: Partial<
      Pick<StoredUser, 'displayName' | 'role' | 'modelIds' | 'disabled' | 'passwordHash' | 'sessionVersion'>
    >,
  ): Promise<StoredUser | null> {
    const { modelIds, ...rest } = set;
    const rows = await tx.run('identity/update-user', {
      id,
      set: { ...rest, ...(modelIds !== undefined ? scope(modelIds) : {}) },
    });
    return rows[0] ? toUser(rows[0]) : null;
  }

  async recordLogin(id: string): Promise<void> {
    await this.db.write((tx) => tx.run('identity/record-login', { id }));
  }

  /** One API key, read in `tx` when given. */
  async getApiKey(id: string, tx?: Tx): Promise<StoredApiKey | null> {
    const params = { id };
    const row = (
      tx ? await tx.run('identity/get-api-key', params) : await this.db.query('identity/get-api-key', params)
    )[0];
    return row ? toKey(row) : null;
  }

  async listApiKeys(): Promise<StoredApiKey[]> {
    return (await this.db.query('identity/list-api-keys')).map(toKey);
  }

  /** Stores a new key inside `tx`. */
  async createApiKey(tx: Tx, k: Omit<StoredApiKey, 'createdAt' | 'revokedAt' | 'lastUsedAt'>): Promise<StoredApiKey> {
    const { modelIds, ...rest } = k;
    const rows = await tx.run('identity/create-api-key', { key: { ...rest, ...scope(modelIds) } });
    return toKey(rows[0]!);
  }

  /** Revokes a key inside `tx`; null if it does not exist. */
  async revokeApiKey(tx: Tx, id: string): Promise<StoredApiKey | null> {
    const rows = await tx.run('identity/revoke-api-key', { id });
    return rows[0] ? toKey(rows[0]) : null;
  }

  async touchApiKey(id: string): Promise<void> {
    await this.db.write((tx) => tx.run('identity/touch-api-key', { id }));
  }

  /**
   * The account behind a session token and whether the token (`jti`) was signed out, in one read.
   * null when the account does not exist.
   */
  async getSessionUser(id: string, jti: string): Promise<{ user: StoredUser; revoked: boolean } | null> {
    const row = (await this.db.query('identity/get-session-user', { id, jti }))[0];
    return row ? { user: toUser(row), revoked: row['revoked'] === true } : null;
  }

  /**
   * Counts one attempt against each key in one write transaction (atomic across instances: the
   * counter is locked before it is read). `windowMs`: length of a fresh window; `now`: epoch ms.
   */
  async consumeAttempts(keys: { key: string; windowMs: number }[], now: number): Promise<AttemptCount[]> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)); // one lock order
    const rows = await this.db.write((tx) => tx.run('identity/consume-attempts', { keys: sorted, now }));
    return rows.map((r) => ({ key: r['key'] as string, count: Number(r['count']), resetAt: Number(r['resetAt']) }));
  }

  /** After a success: clears counters (`clear`) or gives back the one attempt they counted. */
  async releaseAttempts(keys: { key: string; clear: boolean }[], now: number): Promise<void> {
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    await this.db.write((tx) => tx.run('identity/release-attempts', { keys: sorted, now }));
  }

  /** Signs one session token out until `expiresAt` (epoch ms), idempotently. */
  async revokeSession(jti: string, userId: string, expiresAt: number): Promise<void> {
    await this.db.write((tx) => tx.run('identity/revoke-session', { jti, userId, expiresAt }));
  }

  /** Deletes expired counters and expired revoked tokens (≤ 10 000 of each); how many went. */
  async pruneAuthState(now: number): Promise<{ counters: number; sessions: number }> {
    const row = (await this.db.write((tx) => tx.run('identity/prune-auth-state', { now })))[0] ?? {};
    return { counters: Number(row['counters'] ?? 0), sessions: Number(row['sessions'] ?? 0) };
  }
}
