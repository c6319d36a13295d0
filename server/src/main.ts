/**
 * Process entry: config → database → schema, catalogue and demo seeding → HTTP server → graceful
 * shutdown. Nothing else lives here.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { createServer } from './app';
import { loadConfig } from './config';
import { bootstrap, createServices } from './bootstrap';
import { Database } from './graph/database';
import { NewPathsWebhook } from './services/new-paths-webhook';
import { createLogger } from './logger';

/** In-flight requests get this long to finish before their connections are closed (ms). */
const DRAIN_GRACE_MS = 10000;
/** How long shutdown waits for webhook deliveries still running (ms). */
const WEBHOOK_GRACE_MS = 3000;
/** Shutdown exits with code 1 if it has not completed after this long (ms). */
const FORCE_EXIT_MS = 15000;
/** Set once a shutdown signal arrived: start-up failures after that are the shutdown's doing. */
let shuttingDown = false;

/**
 * Installs SIGTERM/SIGINT/SIGHUP handlers that shut down once: drain HTTP (`stopServer`, absent
 * while still starting), close the driver, log each stage, exit 0; exit 1 on failure or after
 * FORCE_EXIT_MS. Returns a setter for `stopServer` once the server is listening.
 */
function handleShutdownSignals(log: Logger, db: Database): (stopServer: () => Promise<void>) => void {
  let stopServer: (() => Promise<void>) | undefined;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = Date.now();
    log.info({ signal, graceMs: DRAIN_GRACE_MS }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      log.error({ afterMs: FORCE_EXIT_MS }, 'shutdown: did not complete in time; forcing exit');
      process.exit(1);
    }, FORCE_EXIT_MS);
    force.unref();
    let code = 0;
    try {
      if (stopServer) await stopServer();
      await db.close();
      log.info('shutdown: Neo4j driver closed');
    } catch (e) {
      code = 1;
      log.error({ err: e }, 'shutdown: failed');
    }
    log.info({ durationMs: Date.now() - started, exitCode: code }, 'shutdown: complete');
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
  return (stop) => {
    stopServer = stop;
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = new Database(config.neo4j);
  const setStopServer = handleShutdownSignals(log, db);
  const { auth } = config;
  const services = createServices(
    db,
    {
      devNoAuth: auth.devNoAuth,
      ...(auth.sessionSecret ? { sessionSecret: new TextEncoder().encode(auth.sessionSecret) } : {}),
      sessionTtlMs: auth.sessionTtlMs,
      ...(auth.oidc ? { oidc: { ...auth.oidc, roleMap: { ...auth.oidc.roleMap } } } : {}),
      limits: {
        login: config.graphql.loginRateLimit,
        loginPerIp: config.graphql.loginIpRateLimit,
        passwordChange: config.graphql.passwordRateLimit,
      },
    },
    config.analysis,
    config.webhook ? { webhook: new NewPathsWebhook({ ...config.webhook }, log), log } : {},
  );
  if (auth.devNoAuth) {
    log.warn(
      '!!! DEVELOPMENT MODE: authentication is OFF (MEDTHREAT_DEV_NO_AUTH=true). Every caller is an admin. Never use this outside a local demo. !!!',
    );
  } else if (!auth.sessionSecret) {
    log.warn(
      'MEDTHREAT_SESSION_SECRET is not set: sessions end when this process stops and are not shared between instances',
    );
  }
  await bootstrap(db, services, {
    loadDemo: config.loadDemo,
    log,
    ...(auth.adminPassword ? { adminPassword: auth.adminPassword } : {}),
    ...(auth.adminPasswordSource ? { adminPasswordSource: auth.adminPasswordSource } : {}),
  });

  // An analysis thread with the engine loaded before the first request (EnginePool keeps one up);
  // an installation whose worker cannot load the engine stops here, with the reason.
  const analysisStart = Date.now();
  await services.analysis.start();
  log.info({ ms: Date.now() - analysisStart }, 'analysis thread ready (engine loaded)');

  const webDist = config.webDist ?? path.resolve(__dirname, '..', '..', 'web', 'dist');
  const { httpServer, stop } = await createServer({
    services,
    db,
    log,
    webDist,
    graphql: config.graphql,
    maxUploadBytes: config.maxUploadBytes,
  });
  setStopServer(async () => {
    await stop(DRAIN_GRACE_MS);
    // webhook deliveries of imports committed just before the signal: a few seconds to finish
    const waited = await Promise.race([
      services.imports.settled().then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), WEBHOOK_GRACE_MS).unref()),
    ]);
    if (!waited) log.warn({ graceMs: WEBHOOK_GRACE_MS }, 'shutdown: webhook deliveries still running; abandoned');
    await services.analysis.close(); // the analysis worker threads
  });
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
}

main().catch((e: unknown) => {
  if (shuttingDown) return; // a signal during start-up: the shutdown handler exits
  console.error(`MedThreat failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
