/**
 * The only module that talks to neo4j-driver. Runs named queries (graph/cypher.ts) in managed
 * transactions (transient errors are retried by the driver), maps records to plain JS values and
 * translates driver errors to domain errors in one place. Driver types never leave graph/.
 */
import neo4j, { type Driver, type Integer, type ManagedTransaction } from 'neo4j-driver';
import { ConflictError, DomainError, ServiceUnavailableError } from '../domain/errors';
import { cypher, schemaStatements, type QueryName } from './cypher';

/** Parameters of a named query: plain JSON-like values. */
export type Params = Record<string, unknown>;
/** A record as a plain object keyed by the query's RETURN names. */
export type Row = Record<string, unknown>;

/** A unit of work inside one transaction. */
export interface Tx {
  /** Runs a named query and returns its rows as plain objects. */
  run(name: QueryName, params?: Params): Promise<Row[]>;
}

export interface DatabaseOptions {
  uri: string;
  user?: string;
  password?: string;
  database?: string;
}

/** Converts driver values (Integer, temporal, Node) into plain JSON values. */
function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (neo4j.isInt(value)) return (value as Integer).toNumber();
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const v = value as { constructor?: { name?: string }; toString(): string };
    if (neo4j.isDateTime(value) || neo4j.isDate(value) || neo4j.isLocalDateTime(value)) return v.toString();
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) out[k] = toPlain(x);
    return out;
  }
  return value;
}

/** Translates a driver error into a domain error where one applies; returns others unchanged. */
export function translateDriverError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
    return new ConflictError('an element with this id already exists in the model', undefined, { cause: e });
  }
  if (code === 'Neo.ClientError.Statement.EntityNotFound') {
    // a concurrent write deleted what this transaction was working on (e.g. the model): retryable
    return new ConflictError('the model was changed or deleted by another request; retry', 'modelId', { cause: e });
  }
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code.startsWith('Neo.TransientError')) {
    return new ServiceUnavailableError('the graph database is unavailable; retry shortly', undefined, { cause: e });
  }
  return e;
}

/**
 * Handle on the Neo4j database. One per process; stateless apart from the driver's pool, so any
 * number of instances may run against a cluster or Aura (neo4j:// and neo4j+s:// URIs).
 */
export class Database {
  readonly driver: Driver;
  readonly database: string;

  constructor(opts: DatabaseOptions) {
    const auth = opts.password ? neo4j.auth.basic(opts.user ?? 'neo4j', opts.password) : undefined;
    this.driver = neo4j.driver(opts.uri, auth, {
      disableLosslessIntegers: true,
      maxTransactionRetryTime: 15000,
      connectionAcquisitionTimeout: 20000,
      logging: { level: 'error', logger: () => {} },
    });
    this.database = opts.database ?? 'neo4j';
  }

  private wrap(tx: ManagedTransaction): Tx {
    return {
      run: async (name, params = {}) => {
        const res = await tx.run(cypher(name), params);
        return res.records.map((r) => toPlain(r.toObject()) as Row);
      },
    };
  }

  /** Runs `work` in one read transaction. Errors: ServiceUnavailableError; others rethrown. */
  async read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      return await session.executeRead((tx) => work(this.wrap(tx)));
    } catch (e) {
      throw translateDriverError(e);
    } finally {
      await session.close();
    }
  }

  /**
   * Runs `work` in one write transaction: all or nothing. `work` may be retried on transient
   * errors, so it must not have side effects outside the transaction.
   * Errors: ConflictError (constraint violation), ServiceUnavailableError, domain errors thrown by `work`.
   */
  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) => work(this.wrap(tx)));
    } catch (e) {
      throw translateDriverError(e);
    } finally {
      await session.close();
    }
  }

  /** Shortcut: one named read query. */
  async query(name: QueryName, params: Params = {}): Promise<Row[]> {
    return this.read((tx) => tx.run(name, params));
  }

  /** Applies cypher/schema/*.cypher (idempotent: IF NOT EXISTS). */
  async applySchema(): Promise<void> {
    for (const statement of schemaStatements()) {
      await this.driver.executeQuery(statement, {}, { database: this.database });
    }
  }

  /** True if the database answers a trivial query (readiness). */
  async isReady(): Promise<boolean> {
    try {
      await this.query('health/ping');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
