#!/usr/bin/env node
/**
 * Provisions and runs a real Neo4j 5.26 LTS Community server from its Maven Central artifacts,
 * for machines without Docker. Used by `npm start` and by the test suite when NEO4J_URI is not
 * set; never used when it is (Docker, Aura, a cluster).
 *
 *   node tools/neo4j/neo4j-local.cjs provision        # jars into .neo4j/lib (once, cached)
 *   node tools/neo4j/neo4j-local.cjs start [--port N] [--instance NAME] [--fresh]
 *   node tools/neo4j/neo4j-local.cjs stop  [--instance NAME]
 *   node tools/neo4j/neo4j-local.cjs status [--instance NAME]
 *
 * Layout (all git-ignored): .neo4j/lib/*.jar (runtime closure of org.neo4j:neo4j), and per
 * instance .neo4j/<instance>/{conf,data,logs,run,neo4j.pid,console.log}. The server listens on
 * 127.0.0.1 only, Bolt only (no HTTP), auth disabled (loopback development server).
 *
 * Memory (2-core / 24 GiB machine): heap NEO4J_HEAP (default 2g), page cache NEO4J_PAGECACHE
 * (default 1g); both env-overridable. JVM flags follow the stock neo4j.conf
 * (server.jvm.additional), since a plain `java` launch bypasses the bootloader.
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const NEO4J_DIR = path.join(ROOT, '.neo4j');
const LIB_DIR = path.join(NEO4J_DIR, 'lib');
const POM = path.join(__dirname, 'pom.xml');

/** Version pinned in tools/neo4j/pom.xml (the single place to change it). */
function pinnedVersion() {
  const m = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!m) throw new Error(`no <neo4j.version> in ${POM}`);
  return m[1];
}

function log(msg) {
  process.stderr.write(`[neo4j-local] ${msg}\n`);
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Fails with a clear message if the JDK 17+ or Maven needed to provision is missing. */
function checkTools() {
  const missing = ['java', 'mvn'].filter((c) => !which(c));
  if (missing.length) {
    throw new Error(
      `missing ${missing.join(' and ')}: install a JDK 17+ and Maven (Debian: apt-get install -y openjdk-17-jre-headless maven), or set NEO4J_URI to an existing Neo4j`,
    );
  }
}

/**
 * Copies the runtime closure of org.neo4j:neo4j:<version> into .neo4j/lib, once. A marker file
 * records the version, so a version bump in pom.xml re-provisions. Returns the lib directory.
 */
function provision() {
  const version = pinnedVersion();
  const marker = path.join(LIB_DIR, `.complete-${version}`);
  if (fs.existsSync(marker)) return LIB_DIR;
  checkTools();
  const tmp = `${LIB_DIR}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`provisioning Neo4j ${version} from Maven Central into ${path.relative(ROOT, LIB_DIR)} (once; ~120 MB)`);
  const r = spawnSync(
    'mvn',
    ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (exit ${r.status})`);
  fs.rmSync(LIB_DIR, { recursive: true, force: true });
  fs.renameSync(tmp, LIB_DIR);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  return LIB_DIR;
}

function instancePaths(instance) {
  const home = path.join(NEO4J_DIR, instance);
  return {
    home,
    conf: path.join(home, 'conf'),
    pidFile: path.join(home, 'neo4j.pid'),
    consoleLog: path.join(home, 'console.log'),
  };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(instance) {
  const { pidFile } = instancePaths(instance);
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

/** Resolves true once a TCP connection to 127.0.0.1:port succeeds. */
function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The error start() rejects with when its `signal` aborts it. */
function abortError() {
  const e = new Error('Neo4j start-up aborted');
  e.name = 'AbortError';
  return e;
}

/** Settles like `promise`, or rejects with an AbortError as soon as `signal` aborts. */
function abortable(promise, signal) {
  if (!signal) return Promise.resolve(promise);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', done);
      resolve();
    }
    if (signal) signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits until the Bolt server answers `RETURN 1` on the default database. Rejects with an
 * AbortError as soon as `signal` (optional AbortSignal) aborts.
 */
async function waitUntilReady(uri, pid, consoleLog, timeoutMs, signal) {
  const neo4j = require('neo4j-driver');
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    if (signal && signal.aborted) throw abortError();
    if (pid && !isAlive(pid)) {
      const tail = fs.existsSync(consoleLog)
        ? fs.readFileSync(consoleLog, 'utf8').split('\n').slice(-30).join('\n')
        : '';
      throw new Error(`Neo4j exited during start-up; last log lines:\n${tail}`);
    }
    const driver = neo4j.driver(uri, undefined, {
      connectionTimeout: 2000,
      logging: { level: 'error', logger: () => {} },
    });
    const session = driver.session({ database: 'neo4j' });
    try {
      // one auto-commit query per attempt (no driver-side retries), abandoned at once on abort
      await abortable(session.run('RETURN 1'), signal);
      return;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      lastError = e;
    } finally {
      void session
        .close()
        .catch(() => {})
        .then(() => driver.close());
    }
    await sleep(500, signal);
  }
  if (signal && signal.aborted) throw abortError();
  throw new Error(`Neo4j at ${uri} not ready after ${timeoutMs} ms: ${lastError && lastError.message}`);
}

/**
 * Starts (or reuses) a local Neo4j instance and resolves to `{ uri, pid, started }` once it
 * answers. `fresh: true` wipes the instance's data first (tests). Throws with the log tail if the
 * server dies during start-up, or after `timeoutMs` (default 180 000 ms). `signal` (an
 * AbortSignal, e.g. from a SIGTERM handler) aborts the wait: a server this call launched is stopped
 * again, one it reused is left running, and the promise rejects with an AbortError.
 */
async function start({ port = 7687, instance = 'local', fresh = false, timeoutMs = 180000, signal } = {}) {
  if (signal && signal.aborted) throw abortError();
  const uri = `bolt://127.0.0.1:${port}`;
  const p = instancePaths(instance);
  const running = readPid(instance);
  if (running) {
    if (fresh) {
      await stop({ instance });
    } else {
      await waitUntilReady(uri, running, p.consoleLog, timeoutMs, signal);
      log(`reusing Neo4j (pid ${running}) at ${uri}`);
      return { uri, pid: running, started: false };
    }
  }
  if (await portOpen(port)) {
    throw new Error(
      `port ${port} is already in use by another process; stop it, pick another port (NEO4J_LOCAL_PORT), or point NEO4J_URI at it`,
    );
  }
  const lib = provision();
  if (fresh) fs.rmSync(p.home, { recursive: true, force: true });
  fs.mkdirSync(p.conf, { recursive: true });
  const heap = process.env.NEO4J_HEAP || '2g';
  const pagecache = process.env.NEO4J_PAGECACHE || '1g';
  fs.writeFileSync(
    path.join(p.conf, 'neo4j.conf'),
    [
      '# Written by tools/neo4j/neo4j-local.cjs; edits are overwritten at each start.',
      'server.bolt.enabled=true',
      `server.bolt.listen_address=127.0.0.1:${port}`,
      'server.bolt.advertised_address=127.0.0.1:' + port,
      'server.http.enabled=false',
      'server.https.enabled=false',
      'dbms.security.auth_enabled=false',
      `server.memory.pagecache.size=${pagecache}`,
      'dbms.memory.transaction.total.max=4g',
      'db.transaction.timeout=300s',
      'dbms.usage_report.enabled=false',
      `server.directories.data=${path.join(p.home, 'data')}`,
      `server.directories.logs=${path.join(p.home, 'logs')}`,
      `server.directories.run=${path.join(p.home, 'run')}`,
      '',
    ].join('\n'),
  );
  const javaArgs = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:+DisableExplicitGC',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--enable-native-access=ALL-UNNAMED',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Djdk.nio.maxCachedBufferSize=1024',
    '-Dlog4j2.disable.jmx=true',
    '-cp',
    `${lib}/*`,
    'org.neo4j.server.CommunityEntryPoint',
    `--home-dir=${p.home}`,
    `--config-dir=${p.conf}`,
    '--console-mode',
  ];
  const out = fs.openSync(p.consoleLog, 'a');
  const child = spawn('java', javaArgs, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  log(`starting Neo4j ${pinnedVersion()} (pid ${child.pid}, heap ${heap}, page cache ${pagecache}) at ${uri}`);
  try {
    await waitUntilReady(uri, child.pid, p.consoleLog, timeoutMs, signal);
  } catch (e) {
    // aborted or failed: do not leave a half-started server behind
    if (isAlive(child.pid)) await stop({ instance });
    throw e;
  }
  log(`Neo4j ready at ${uri}`);
  return { uri, pid: child.pid, started: true };
}

/** Stops the instance by the PID it recorded: SIGTERM (clean checkpoint), SIGKILL after `graceMs`. */
async function stop({ instance = 'local', graceMs = 30000 } = {}) {
  const p = instancePaths(instance);
  const pid = readPid(instance);
  if (!pid) {
    fs.rmSync(p.pidFile, { force: true });
    return false;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // exited in the meantime
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isAlive(pid)) {
    log(`pid ${pid} ignored SIGTERM for ${graceMs} ms; killing`);
    process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(p.pidFile, { force: true });
  log(`stopped Neo4j (pid ${pid})`);
  return true;
}

module.exports = { provision, start, stop, readPid, pinnedVersion };

if (require.main === module) {
  const [cmd, ...rest] = process.argv.slice(2);
  const opt = (name) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const instance = opt('instance') || 'local';
  const port = Number(opt('port') || process.env.NEO4J_LOCAL_PORT || 7687);
  (async () => {
    switch (cmd) {
      case 'provision':
        console.log(provision());
        break;
      case 'start':
        console.log((await start({ port, instance, fresh: rest.includes('--fresh') })).uri);
        break;
      case 'stop':
        await stop({ instance });
        break;
      case 'status': {
        const pid = readPid(instance);
        console.log(pid ? `running (pid ${pid})` : 'stopped');
        break;
      }
      default:
        console.error(
          'usage: neo4j-local.cjs provision | start [--port N] [--instance NAME] [--fresh] | stop | status',
        );
        process.exit(2);
    }
  })().catch((e) => {
    console.error(`[neo4j-local] ${e.message}`);
    process.exit(1);
  });
}
