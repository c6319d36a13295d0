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
}
