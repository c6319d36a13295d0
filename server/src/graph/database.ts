/**
 * The only module that talks to neo4j-driver. Runs named queries (graph/cypher.ts) in managed
 * transactions (transient errors are retried by the driver), maps records to plain JS values and
 * translates driver errors to domain errors in one place. Driver types never leave graph/.
 */
import neo4j, {
  type Driver,
  type Integer,
  type ManagedTransaction,
  type QueryResult,
  type Result,
  type Session,
} from 'neo4j-driver';
import { ConflictError, DomainError, ServiceUnavailableError } from '../domain/errors';
import { cypher, schemaStatements, type QueryName } from './cypher';

/** Parameters of a named query: plain JSON-like values. */
export type Params = Record<string, unknown>;
/** A record as a plain object keyed by the query's RETURN names. */
export type Row = Record<string, unknown>;

/** A query's records as value lists: `columns` are its RETURN names, each row has one value per column. */
export interface ValueRows {
  columns: string[];
  rows: unknown[][];
}

/** A unit of work inside one transaction. */
export interface Tx {
  /** Runs a named query and returns its rows as plain objects. */
  run(name: QueryName, params?: Params): Promise<Row[]>;
  /**
   * Runs a named query and returns its records' values in column order, as the driver decodes
   * them (numbers, since integers are not lossless; strings, booleans, null, lists, maps as
   * objects), without the copy into plain objects that `run` makes. For queries that return no
   * temporal or graph values and many rows: the model load (ModelRepository.load; with value lists
   * instead of maps, its server CPU at 10k devices went from 0.64–0.87 s to 0.34–0.52 s).
   * `columns` is empty when no row came.
   */
  values(name: QueryName, params?: Params): Promise<ValueRows>;
}

/** Options of {@link Database.read}. */
export interface ReadOptions {
  /**
   * Stream each query's records without waiting for the client to ask for the next batch (the
   * driver's fetch size "all" instead of 1,000 records): for a transaction that keeps every
   * record anyway, such as the model load, where Neo4j then produces records while the driver
   * decodes the previous ones (about 10 % faster at 10k devices). Default false.
   */
  fetchAll?: boolean;
}

/** The driver's fetch size for "all records at once" (neo4j-driver FETCH_ALL). */
const FETCH_ALL = -1;

export interface DatabaseOptions {
  uri: string;
  user?: string;
  password?: string;
  database?: string;
  /**
   * How long managed transactions (read/write) keep retrying transient errors, such as the
   * database restarting, before failing with ServiceUnavailableError; ms, default 15000.
   */
  maxTransactionRetryTimeMs?: number;
  /** TCP connect and Bolt handshake timeout per connection attempt; ms, default 5000. */
  connectionTimeoutMs?: number;
}

/**
 * `runner.run(statement, params)` without the driver's call-site capture: its Result records
 * `new Error().stack` for every query, to put on the error should that query fail, and formatting
 * those stacks took about 7 % of the server's CPU under `npm run load` (issue 11 point 7). The
 * price: a database error, and an error the driver raises inside run() itself, has no stack
 * frames at all; runNamed puts the query's name on it instead (`query`),
 * and its Neo4j code and message are unchanged (known errors become domain errors in
 * translateDriverError, with it as their cause). The limit is restored before anything else runs
 * (run() is synchronous up to the Result, and JavaScript runs one thing at a time on this thread).
 */
function runWithoutCallSite(runner: Session | ManagedTransaction, statement: string, params: Params): Result {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return runner.run(statement, params);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Runs `work` (one named query) so that a failure gets the query's name as its `query` property,
 * since it has no stack frames to say where it came from (runWithoutCallSite).
 */
async function named<T>(name: QueryName, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e !== null && typeof e === 'object' && !('query' in e)) (e as { query?: string }).query = name;
    throw e;
  }
}

/** Runs the named query on `runner` (runWithoutCallSite) and returns its rows as plain objects. */
const runNamed = (runner: Session | ManagedTransaction, name: QueryName, params: Params): Promise<Row[]> =>
  named(name, async () => rows(await runWithoutCallSite(runner, cypher(name), params)));

/** runNamed's counterpart for Tx.values: each record's values in column order, unconverted. */
const runNamedValues = (runner: Session | ManagedTransaction, name: QueryName, params: Params): Promise<ValueRows> =>
  named(name, async () => {
    const { records } = await runWithoutCallSite(runner, cypher(name), params);
    const columns = records[0]?.keys.map(String) ?? [];
    const values = records.map((r) => {
      const row = new Array<unknown>(columns.length);
      for (let i = 0; i < row.length; i++) row[i] = r.get(i);
      return row;
    });
    return { columns, rows: values };
  });

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
  if (isUnavailable(e, code)) {
    return new ServiceUnavailableError('the graph database is unavailable; retry shortly', undefined, { cause: e });
  }
  return e;
}

/** Socket-level error codes that mean the database cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True for errors meaning "the database cannot serve this right now": the driver's
 * ServiceUnavailable (connection refused, server gone) and SessionExpired, Neo4j transient errors,
 * GQL status class 08 (connection exception), connection-acquisition timeouts, a closed pool
 * (shutdown) and raw socket errors.
 */
function isUnavailable(e: unknown, code: string): boolean {
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code.startsWith('Neo.TransientError')) return true;
  if (NETWORK_CODES.has(code)) return true;
  const gqlStatus = (e as { gqlStatus?: unknown }).gqlStatus;
  if (typeof gqlStatus === 'string' && gqlStatus.startsWith('08')) return true;
  const message = e instanceof Error ? e.message : '';
  return code === 'N/A' && /^(Connection acquisition timed out|Pool is closed)/.test(message);
}

/**
 * True if `e` says the server could not be reached at all (refused, gone, socket error, GQL
 * connection exception), as opposed to a transient error of a server that is up (deadlock).
 */
function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || NETWORK_CODES.has(code)) return true;
  const gqlStatus = (e as { gqlStatus?: unknown }).gqlStatus;
  return typeof gqlStatus === 'string' && gqlStatus.startsWith('08');
}

/** A result's records as plain rows (integers as numbers, temporals as strings: toPlain). */
const rows = (res: QueryResult): Row[] => res.records.map((r) => toPlain(r.toObject()) as Row);

/** Resolves to `fallback` if `promise` has not settled within `ms` (the promise keeps running). */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Handle on the Neo4j database. One per process; stateless apart from the driver's pool, so any
 * number of instances may run against a cluster or Aura (neo4j:// and neo4j+s:// URIs).
 */
export class Database {
  readonly driver: Driver;
  readonly database: string;
  /**
   * Set when a transaction failed because the server could not be reached (after the driver's
   * retries), cleared by any success. While set, each transaction first pings (≤ 1 s, no retries)
   * and fails with ServiceUnavailableError at once if the ping fails, instead of every request
   * retrying for maxTransactionRetryTime during an outage.
   */
  private knownDown = false;
  /** How long a read is retried while the database cannot serve it, ms (the driver's maxTransactionRetryTime). */
  readonly maxRetryMs: number;

  /**
   * True while the server cannot be reached: the last transaction failed for want of a
   * connection and nothing has succeeded since (see knownDown). A transient error of a reachable
   * database (a deadlock, a lock timeout) does not set it.
   */
  get unreachable(): boolean {
    return this.knownDown;
  }

  constructor(opts: DatabaseOptions) {
    const auth = opts.password ? neo4j.auth.basic(opts.user ?? 'neo4j', opts.password) : undefined;
    this.driver = neo4j.driver(opts.uri, auth, {
      disableLosslessIntegers: true,
      maxTransactionRetryTime: opts.maxTransactionRetryTimeMs ?? 15000,
      // a dead or black-holed host fails a connection attempt fast instead of after the driver's 30 s
      connectionTimeout: opts.connectionTimeoutMs ?? 5000,
      connectionAcquisitionTimeout: 20000,
      logging: { level: 'error', logger: () => {} },
    });
    this.database = opts.database ?? 'neo4j';
    this.maxRetryMs = opts.maxTransactionRetryTimeMs ?? 15000;
  }

  private wrap(tx: ManagedTransaction): Tx {
    return {
      run: (name, params = {}) => runNamed(tx, name, params),
      values: (name, params = {}) => runNamedValues(tx, name, params),
    };
  }

  /**
   * Runs `use` with a session of `mode`, behind the outage fast path (see knownDown): a success
   * clears it, a failure for want of a connection sets it. Driver errors come out translated.
   */
  private async inSession<T>(
    mode: 'READ' | 'WRITE',
    use: (session: Session) => Promise<T>,
    options: ReadOptions = {},
  ): Promise<T> {
    if (this.knownDown && !(await this.isReady(1000))) {
      throw new ServiceUnavailableError('the graph database is unavailable; retry shortly');
    }
    const session = this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(options.fetchAll ? { fetchSize: FETCH_ALL } : {}),
    });
    try {
      const result = await use(session);
      this.knownDown = false;
      return result;
    } catch (e) {
      if (isConnectionLoss(e)) this.knownDown = true;
      throw translateDriverError(e);
    } finally {
      await session.close();
    }
  }

  /** Runs `work` in a managed transaction of `mode` (retried by the driver), in {@link inSession}. */
  private transaction<T>(mode: 'READ' | 'WRITE', work: (tx: Tx) => Promise<T>, options?: ReadOptions): Promise<T> {
    return this.inSession(
      mode,
      (session) =>
        mode === 'READ'
          ? session.executeRead((tx) => work(this.wrap(tx)))
          : session.executeWrite((tx) => work(this.wrap(tx))),
      options,
    );
  }

  /**
   * Runs `work` in one read transaction; transient errors are retried for up to
   * maxTransactionRetryTimeMs. Errors: ServiceUnavailableError; others rethrown.
   */
  async read<T>(work: (tx: Tx) => Promise<T>, options?: ReadOptions): Promise<T> {
    return this.transaction('READ', work, options);
  }

  /**
   * Runs `work` in one write transaction: all or nothing. `work` may be retried on transient
   * errors, so it must not have side effects outside the transaction.
   * Errors: ConflictError (constraint violation), ServiceUnavailableError, domain errors thrown by `work`.
   */
  async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction('WRITE', work);
  }

  /**
   * One named read query as an auto-commit transaction: two Bolt messages (RUN, PULL) instead
   * of a managed transaction's four, about half the CPU of Neo4j and of the driver per query
   * (measured on the load test's instance: 0.7 ms against 1.5 ms of Neo4j CPU; issue 11 point 7).
   * Auto-commit transactions are not retried by the driver, so this retries what a managed read
   * would: errors meaning the database cannot serve right now (isUnavailable), with the driver's
   * back-off (1 s doubling, ±20 % jitter) for up to maxTransactionRetryTimeMs, and the same outage
   * fast path. A read has no side effects, so retrying it is always safe.
   * Errors: ServiceUnavailableError; others translated as in {@link read}.
   */
  async query(name: QueryName, params: Params = {}): Promise<Row[]> {
    const started = Date.now();
    return this.inSession('READ', async (session) => {
      for (let delay = 1000; ; delay *= 2) {
        try {
          return await runNamed(session, name, params);
        } catch (e) {
          const wait = delay * (0.8 + Math.random() * 0.4);
          const code = (e as { code?: string }).code ?? '';
          if (!isUnavailable(e, code) || Date.now() - started + wait > this.maxRetryMs) throw e;
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    });
  }

  /** Applies cypher/schema/*.cypher (idempotent: IF NOT EXISTS). */
  async applySchema(): Promise<void> {
    for (const statement of schemaStatements()) {
      await this.driver.executeQuery(statement, {}, { database: this.database });
    }
  }

  /**
   * True if the database answers a trivial query within `timeoutMs` (readiness; default 2000 ms).
   * One auto-commit query, no retries, so it answers false quickly while the database is down or
   * restarting, and true again as soon as it is back.
   */
  async isReady(timeoutMs = 2000): Promise<boolean> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    const ping = session.run(cypher('health/ping')).then(
      () => {
        this.knownDown = false;
        return true;
      },
      () => false,
    );
    try {
      return await within(ping, timeoutMs, false);
    } finally {
      // not awaited: a hung ping must not hold readiness past its deadline
      void ping.finally(() => session.close()).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
