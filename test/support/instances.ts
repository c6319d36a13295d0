/**
 * Server instances against the suite's Neo4j (NEO4J_URI), for tests of several instances on one
 * database: each has its own driver, services, caches and per-model write queue, as separate
 * processes behind a load balancer would have, and shares only the session secret.
 */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createServer } from '../../server/src/app';
import { bootstrap, createServices } from '../../server/src/bootstrap';
import { loadGraphqlHardening } from '../../server/src/config';
import type { Services } from '../../server/src/context';
import { Database } from '../../server/src/graph/database';
import { TEST_ADMIN_PASSWORD } from './neo4j';

export interface Instance {
  name: string;
  /** http://127.0.0.1:<port> of its GraphQL server; '' when started without one. */
  base: string;
  db: Database;
  services: Services;
  stop: () => Promise<void>;
}

const log = pino({ level: 'silent' });

/**
 * Starts one instance: schema, catalogue and first admin as at start-up (idempotent, so instances
 * may start together), and with `http` its GraphQL server on a free loopback port.
 */
export async function startInstance(
  name: string,
  sessionSecret: Uint8Array,
  options: { http?: boolean } = {},
): Promise<Instance> {
  const db = new Database({
    uri: process.env.NEO4J_URI!,
    user: process.env.NEO4J_USER ?? 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? '',
  });
  const services = createServices(db, { sessionSecret });
  await bootstrap(db, services, { loadDemo: false, log, adminPassword: TEST_ADMIN_PASSWORD });
  let base = '';
  let stopHttp = async () => {};
  if (options.http) {
    const { httpServer, stop } = await createServer({ services, db, log, graphql: loadGraphqlHardening({}) });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    stopHttp = () => stop(1000);
  }
  return {
    name,
    base,
    db,
    services,
    stop: async () => {
      await stopHttp();
      await services.analysis.close();
      await db.close();
    },
  };
}
