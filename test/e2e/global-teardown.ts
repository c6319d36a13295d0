/** Stops the e2e server and, if global setup started it, the e2e Neo4j instance. */
import { getState, setState } from './support';

const local = require('../../tools/neo4j/neo4j-local.cjs') as { stop(o: { instance: string }): Promise<boolean> };

export default async function globalTeardown(): Promise<void> {
  const state = getState();
  if (!state) return;
  const { server, startedNeo4j, instance } = state;
  if (server.exitCode === null) {
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGTERM');
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
    await Promise.race([exited, timeout]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (startedNeo4j) await local.stop({ instance });
  setState(undefined);
}
