/**
 * Jest global setup for integration tests: a real Neo4j. With NEO4J_URI set, that server is used
 * (tests only create models with unique ids and clean them up, but they do load catalogues: point
 * it at a disposable database). Otherwise the project provisions a fresh local instance
 * (NEO4J_TEST_INSTANCE or 'test', port NEO4J_TEST_PORT or 7688) from Maven Central and stops it in global teardown;
 * its credentials (user neo4j, generated password) go to NEO4J_USER / NEO4J_PASSWORD.
 * If the database cannot start the run fails and says why: integration tests are never skipped.
 */

const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  start(o: { port: number; instance: string; fresh: boolean }): Promise<{
    uri: string;
    pid: number;
    started: boolean;
    user: string;
    password: string;
  }>;
};

export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  if (process.env.NEO4J_URI) return;
  const port = Number(process.env.NEO4J_TEST_PORT ?? 7688);
  const instance = process.env.NEO4J_TEST_INSTANCE ?? 'test';
  const { uri, started, user, password } = await local.start({ port, instance, fresh: true });
  process.env.NEO4J_URI = uri;
  // the local instance has authentication on: workers and the servers tests spawn inherit these
  process.env.NEO4J_USER = user;
  process.env.NEO4J_PASSWORD = password;
  process.env.MEDTHREAT_TEST_STARTED_NEO4J = started ? '1' : '';
}
