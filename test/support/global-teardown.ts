/** Stops the test Neo4j instance if global setup started it (by its recorded PID). */

const local = require('../../tools/neo4j/neo4j-local.cjs') as { stop(o: { instance: string }): Promise<boolean> };

export default async function globalTeardown(): Promise<void> {
  if (process.env.MEDTHREAT_TEST_STARTED_NEO4J === '1')
    await local.stop({ instance: process.env.NEO4J_TEST_INSTANCE ?? 'test' });
}
