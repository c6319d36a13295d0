/**
 * Database.query (single reads as auto-commit transactions, commit 1045147) during a short Neo4j
 * outage: a read started while Neo4j is down must ride the outage out for maxTransactionRetryTimeMs,
 * as a managed read (Database.read) does, and as query did before it stopped using executeRead.
 * Uses its own local instance (NEO4J_RESTART_INSTANCE/PORT as neo4j-restart.int.test.ts), stopped
 * and started by the test.
 */
import { Database } from '../../server/src/graph/database';

const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  start(o: {
    port: number;
    instance: string;
    fresh: boolean;
  }): Promise<{ uri: string; user: string; password: string }>;
  stop(o: { instance: string }): Promise<boolean>;
};

const INSTANCE = `${process.env.NEO4J_RESTART_INSTANCE ?? 'test-restart'}-query`;
const PORT = Number(process.env.NEO4J_RESTART_PORT ?? 7731);
/** Long enough for the instance to come back (a start takes some seconds on a busy machine). */
const RETRY_MS = 90_000;

let db: Database | undefined;

beforeAll(async () => {
  const started = await local.start({ port: PORT, instance: INSTANCE, fresh: true });
  db = new Database({
    uri: started.uri,
    user: started.user,
    password: started.password,
    maxTransactionRetryTimeMs: RETRY_MS,
  });
  await db.query('catalogue/get-catalogue-version'); // a connection in the pool, as in a running server
}, 360_000);

afterAll(async () => {
  await db?.close();
  await local.stop({ instance: INSTANCE });
}, 60_000);

describe('a single read during a short outage', () => {
  for (const how of ['read', 'query'] as const) {
    it(`${how}: started while Neo4j is down, answers once it is back within the retry time`, async () => {
      await local.stop({ instance: INSTANCE });
      const reading =
        how === 'read'
          ? db!.read((tx) => tx.run('catalogue/get-catalogue-version'))
          : db!.query('catalogue/get-catalogue-version');
      const outcome = reading.then(
        () => 'answered',
        (e: unknown) => `failed: ${(e as Error).message}`,
      );
      await new Promise((r) => setTimeout(r, 3000)); // down for a few seconds
      await local.start({ port: PORT, instance: INSTANCE, fresh: false });
      expect(await outcome).toBe('answered');
    }, 240_000);
  }
});
