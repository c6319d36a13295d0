/**
 * Integration-test helper (after neo4j/graphql's TestHelper): owns one Database and the services
 * over it, an Apollo server for executeOperation, and unique model ids that `close()` deletes.
 */
import { createHash, randomBytes } from 'node:crypto';
import pino from 'pino';
import { createApollo } from '../../server/src/app';
import { bootstrap, createServices } from '../../server/src/bootstrap';
import type { Context, Services } from '../../server/src/context';
import { SYSTEM_ACTOR, type Actor, type Principal } from '../../server/src/domain/auth/principal';
import { Database } from '../../server/src/graph/database';

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

/**
 * Password of the first admin account ('admin') on the test database: every TestHelper and every
 * server a test spawns (MEDTHREAT_ADMIN_PASSWORD) uses it, whichever creates the account first.
 */
export const TEST_ADMIN_PASSWORD = 'test-admin-password-0123';

/** The principal tests act as unless they say otherwise: an admin over every model. */
export const TEST_ADMIN: Principal = {
  kind: 'USER',
  id: 'test-admin',
  name: 'test admin',
  role: 'ADMIN',
  modelIds: null,
};

/** An actor for calling services directly in tests. */
export const TEST_ACTOR: Actor = { ...SYSTEM_ACTOR, principal: TEST_ADMIN, action: 'test' };

export class TestHelper {
  readonly db: Database;
  readonly services: Services;
  readonly log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  private readonly apollo = createApollo(this.log);
  private readonly modelIds = new Set<string>();
  private started = false;

  /** @param connection another database than the suite's (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD) */
  constructor(connection?: { uri: string; user: string; password: string }) {
    const uri = connection?.uri ?? process.env.NEO4J_URI;
    if (!uri) throw new Error('NEO4J_URI is not set: run integration tests through jest (global setup starts Neo4j)');
    this.db = new Database({
      uri,
      user: connection?.user ?? process.env.NEO4J_USER ?? 'neo4j',
      password: connection?.password ?? process.env.NEO4J_PASSWORD ?? '',
    });
    this.services = createServices(this.db);
  }

  /** Applies the schema and loads the bundled catalogue (and the demo model if asked). */
  async init(options: { loadDemo?: boolean } = {}): Promise<this> {
    await bootstrap(this.db, this.services, {
      loadDemo: options.loadDemo ?? false,
      log: this.log,
      adminPassword: TEST_ADMIN_PASSWORD,
    });
    if (!this.started) {
      await this.apollo.start();
      this.started = true;
    }
    return this;
  }

  /** A fresh model id, deleted again by close(). */
  uniqueModelId(prefix = 'test'): string {
    const id = `${prefix}-${randomBytes(4).toString('hex')}`;
    this.modelIds.add(id);
    return id;
  }

  /** Registers an id created elsewhere for cleanup. */
  track(modelId: string): string {
    this.modelIds.add(modelId);
    return modelId;
  }

  /**
   * Runs a GraphQL operation through the full Apollo pipeline (no HTTP), as `as` (default: an
   * admin over every model; resolvers enforce roles exactly as over HTTP).
   */
  async gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    as: Principal = TEST_ADMIN,
  ): Promise<GqlResult<T>> {
    const contextValue: Context = {
      services: this.services,
      log: this.log,
      requestId: 'test',
      principal: as,
      ip: '127.0.0.1',
    };
    const res = await this.apollo.executeOperation({ query, variables }, { contextValue });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    return res.body.singleResult as GqlResult<T>;
  }

  /** Like gql() but fails the test on any error. */
  async gqlOk<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    as: Principal = TEST_ADMIN,
  ): Promise<T> {
    const r = await this.gql<T>(query, variables, as);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors, null, 2)}`);
    return r.data as T;
  }

  /**
   * A digest of the whole database: every node (labels, properties) and relationship (type,
   * endpoints, properties). Equal digests before and after a rejected request prove it changed nothing.
   * Sign-in attempt counters (:AuthThrottle) are left out: a refused sign-in is meant to count.
   */
  async fingerprint(): Promise<string> {
    const r = await this.db.driver.executeQuery(
      `MATCH (n) WHERE NOT n:AuthThrottle OPTIONAL MATCH (n)-[r]->(m)
       WITH n, collect([type(r), elementId(m), properties(r)]) AS rels
       RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props, rels`,
    );
    const lines = r.records
      .map((rec) => JSON.stringify([rec.get('id'), rec.get('labels'), rec.get('props'), rec.get('rels')]))
      .sort();
    return createHash('sha256').update(lines.join('\n')).digest('hex');
  }

  async close(): Promise<void> {
    for (const id of this.modelIds) await this.services.models.deleteModel(TEST_ACTOR, id);
    if (this.started) await this.apollo.stop();
    await this.services.analysis.close(); // the analysis worker threads
    await this.db.close();
  }
}
