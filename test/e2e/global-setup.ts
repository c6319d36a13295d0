/**
 * Jest global setup for the browser end-to-end tests: a FRESH Neo4j (instance NEO4J_E2E_INSTANCE
 * or 'e2e', port NEO4J_E2E_PORT or 7689) unless the caller set NEO4J_URI, then the BUILT server
 * (server/dist/main.js, or MEDTHREAT_E2E_SERVER; demo model loaded; authentication on, the first
 * admin 'admin' with the password E2E_ADMIN_PASSWORD) serving the BUILT web app (web/dist) on a
 * free port.
 * `npm test` builds both first. Debian's Chromium (/usr/bin/chromium) drives the app through
 * playwright-core; as root it is installed with apt when missing. Nothing is skipped: if a piece
 * cannot start, the run fails and says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { CHROMIUM, E2E_ADMIN_PASSWORD, RESULTS, ROOT, SERVER_MAIN, setState } from './support';

const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  start(o: { port: number; instance: string; fresh: boolean }): Promise<{
    uri: string;
    pid: number;
    started: boolean;
    user: string;
    password: string;
  }>;
};

function ensureChromium(): void {
  if (fs.existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  process.stderr.write('[e2e] installing Debian chromium with apt-get (once)\n');
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const install =
    update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit' }) : update;
  if (install.status !== 0 || !fs.existsSync(CHROMIUM))
    throw new Error('could not install chromium with apt-get; install it, or set CHROMIUM_PATH');
}

function ensureBuilt(): void {
  for (const f of [SERVER_MAIN, path.join(ROOT, 'web/dist/index.html')]) {
    if (!fs.existsSync(f))
      throw new Error(`${path.relative(ROOT, f)} is missing: run \`npm run build\` first (npm test does)`);
  }
}

/** Starts the built server and resolves with its URL once it logs "MedThreat listening". */
function startServer(
  neo4jUri: string,
  neo4jAuth: { user: string; password: string } | null,
): Promise<{ server: ChildProcess; url: string }> {
  const log = fs.createWriteStream(path.join(RESULTS, 'server.log'));
  const server = spawn(process.execPath, [SERVER_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEO4J_URI: neo4jUri,
      ...(neo4jAuth ? { NEO4J_USER: neo4jAuth.user, NEO4J_PASSWORD: neo4jAuth.password } : {}),
      PORT: '0',
      HOST: '127.0.0.1',
      MEDTHREAT_LOAD_DEMO: 'true',
      LOG_LEVEL: 'info',
      // Authentication on, as in production; the first admin gets a known password.
      MEDTHREAT_DEV_NO_AUTH: 'false',
      MEDTHREAT_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr!.pipe(log);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      reject(
        new Error(
          `the server did not log "MedThreat listening" within 120 s; see ${path.relative(ROOT, path.join(RESULTS, 'server.log'))}`,
        ),
      );
    }, 120_000);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code} during start-up; see test-results/e2e/server.log`));
    });
    readline.createInterface({ input: server.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const rec = JSON.parse(line) as { msg?: string; url?: string };
        if (rec.msg === 'MedThreat listening' && rec.url) {
          clearTimeout(timer);
          server.removeAllListeners('exit');
          resolve({ server, url: rec.url.replace(/\/$/, '') });
        }
      } catch {
        /* not JSON */
      }
    });
  });
}

export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  fs.mkdirSync(RESULTS, { recursive: true });
  ensureBuilt();
  ensureChromium();

  // NEO4J_URI set by the caller is used as is; one set by the integration project's own setup
  // (it started a throwaway 'test' instance) is not: e2e gets its own fresh database.
  const external =
    process.env.NEO4J_URI && process.env.MEDTHREAT_TEST_STARTED_NEO4J !== '1' ? process.env.NEO4J_URI : null;
  let uri = external;
  let auth: { user: string; password: string } | null = null;
  let startedNeo4j = false;
  const instance = process.env.NEO4J_E2E_INSTANCE ?? 'e2e';
  if (!uri) {
    const port = Number(process.env.NEO4J_E2E_PORT ?? 7689);
    const r = await local.start({ port, instance, fresh: true });
    uri = r.uri;
    auth = { user: r.user, password: r.password };
    startedNeo4j = r.started;
  }
  const { server, url } = await startServer(uri, auth);
  setState({ server, startedNeo4j, instance });
  process.env.MEDTHREAT_E2E_URL = url;
  process.env.MEDTHREAT_E2E_FRESH_DB = external ? '' : '1';
}
