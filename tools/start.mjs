#!/usr/bin/env node
/**
 * `npm start`: runs the built server. Without NEO4J_URI it first provisions and starts the
 * project's own local Neo4j (tools/neo4j/neo4j-local.cjs, instance NEO4J_LOCAL_INSTANCE or 'local',
 * port NEO4J_LOCAL_PORT or 7687) and stops it again when the server exits; the server signs in to it
 * as `neo4j` with the password in .neo4j/<instance>/neo4j-password (NEO4J_PASSWORD_FILE). With
 * NEO4J_URI set, that server is used (with NEO4J_USER / NEO4J_PASSWORD as given) and nothing is
 * provisioned.
 *
 * Signals: SIGTERM, SIGINT (Ctrl-C) and SIGHUP are forwarded to the server, which drains and exits;
 * then the Neo4j started here is stopped and this process exits with the server's code. A signal
 * while Neo4j is still starting aborts its start-up (and stops it). If the server ignores the
 * signal for FORCE_KILL_MS it is killed. If the server exits on its own (a crash), Neo4j is stopped
 * too and the server's exit code is passed on (128 + signal number if it was killed by a signal).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const local = require('./neo4j/neo4j-local.cjs');

/** The server drains for up to 10 s and forces its own exit at 15 s; past this it is killed (ms). */
const FORCE_KILL_MS = 20000;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];
/** Name of the local Neo4j instance (.neo4j/<name>); another name lets two checkouts run side by side. */
const INSTANCE = process.env.NEO4J_LOCAL_INSTANCE || 'local';

// The terminal or pipe we log to may be gone (closed window, dead parent): a failed write must not
// kill this process before it has stopped the server and Neo4j.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
const log = (msg) => process.stderr.write(`[start] ${msg}\n`);
/** Exit code for a process that ended because of `signal` (shell convention). */
const signalExitCode = (signal) => 128 + (os.constants.signals[signal] ?? 15);

const env = { ...process.env };
let startedNeo4j = false;
/** The signal that asked us to stop, if any. */
let stopSignal = null;
let server = null;
let finishing = false;
const startup = new AbortController();

/** Stops the Neo4j started here (if any) and exits with `code`; runs once. */
async function finish(code) {
  if (finishing) return;
  finishing = true;
  if (startedNeo4j) {
    try {
      await local.stop({ instance: INSTANCE });
    } catch (e) {
      log(`could not stop Neo4j: ${e.message}`);
      code = code || 1;
    }
  }
  process.exit(code);
}

const serverRunning = () => server !== null && server.exitCode === null && server.signalCode === null;

function onSignal(signal) {
  if (!stopSignal) {
    stopSignal = signal;
    log(`${signal}: ${server ? `stopping the server${startedNeo4j ? ' and Neo4j' : ''}` : 'aborting start-up'}`);
  }
  if (serverRunning()) {
    server.kill(signal);
    setTimeout(() => {
      if (!serverRunning()) return;
      log(`server still running ${FORCE_KILL_MS} ms after ${signal}; killing it`);
      server.kill('SIGKILL');
    }, FORCE_KILL_MS).unref();
  } else if (!server) {
    startup.abort(); // still starting Neo4j: stop waiting (start() stops what it launched)
  }
}
for (const signal of SIGNALS) process.on(signal, () => onSignal(signal));

if (!env.NEO4J_URI) {
  const port = Number(env.NEO4J_LOCAL_PORT || 7687);
  try {
    const { uri, started, user, passwordFile } = await local.start({
      port,
      instance: INSTANCE,
      signal: startup.signal,
    });
    env.NEO4J_URI = uri;
    // the database password goes by file (0600), not in the environment; a NEO4J_PASSWORD set for
    // another server must not shadow it
    env.NEO4J_USER = user;
    env.NEO4J_PASSWORD_FILE = passwordFile;
    delete env.NEO4J_PASSWORD;
    startedNeo4j = started;
  } catch (e) {
    if (e.name === 'AbortError') process.exit(0); // stopped on request before the server ran
    log(`Neo4j did not start: ${e.message}`);
    process.exit(1);
  }
  if (stopSignal) await finish(0); // the signal came just as Neo4j became ready
  useInitialAdminPassword();
}

/**
 * On the project's own Neo4j, the first admin account's password lives next to its data:
 * .neo4j/<instance>/initial-admin-password (random, mode 0600, made once), passed to the server as
 * MEDTHREAT_ADMIN_PASSWORD_FILE unless a password is configured. The server uses it only when the
 * database has no accounts yet.
 */
function useInitialAdminPassword() {
  if (env.MEDTHREAT_ADMIN_PASSWORD || env.MEDTHREAT_ADMIN_PASSWORD_FILE || env.MEDTHREAT_DEV_NO_AUTH === 'true') return;
  const file = path.join(root, '.neo4j', INSTANCE, 'initial-admin-password');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${randomBytes(15).toString('base64url')}\n`, { mode: 0o600 });
  }
  env.MEDTHREAT_ADMIN_PASSWORD_FILE = file;
  log(
    `sign in as "admin" with the password in ${path.relative(process.cwd(), file)} (used when the database has no accounts yet)`,
  );
}

server = spawn(process.execPath, [path.join(root, 'server', 'dist', 'main.js')], { env, stdio: 'inherit' });
server.on('error', (e) => {
  log(`could not run the server: ${e.message}`);
  void finish(1);
});
server.on('exit', (code, signal) => {
  const exitCode = code ?? signalExitCode(signal);
  if (!stopSignal) log(`server exited unexpectedly (${signal ?? `code ${code}`})`);
  void finish(exitCode);
});
