/**
 * Process entry: config → database → schema, catalogue and demo seeding → HTTP server → graceful
 * shutdown. Nothing else lives here.
 */
import path from 'node:path';
import pino from 'pino';
import { createServer } from './app';
import { loadConfig } from './config';
import { bootstrap, createServices } from './bootstrap';
import { Database } from './graph/database';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, name: 'medthreat' });
  const db = new Database(config.neo4j);
  const services = createServices(db);
  await bootstrap(db, services, { loadDemo: config.loadDemo, log });

  const webDist = config.webDist ?? path.resolve(__dirname, '..', '..', 'web', 'dist');
  const { httpServer, stop } = await createServer({ services, db, log, webDist, graphql: config.graphql });
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    {
      url: `http://${config.host}:${port}/`,
      graphql: `http://${config.host}:${port}/graphql`,
      neo4j: config.neo4j.uri,
    },
    'MedThreat listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => process.exit(1), 15000);
    force.unref();
    try {
      await stop();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(`MedThreat failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
