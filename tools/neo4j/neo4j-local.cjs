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
 *   node tools/neo4j/neo4j-local.cjs reset  [--instance NAME] --yes   # stop, then delete the instance
 *
 * Layout (all git-ignored): .neo4j/lib/*.jar (runtime closure of org.neo4j:neo4j), and per
 * instance .neo4j/<instance>/{conf,data,logs,run,neo4j.pid,console.log,neo4j-password}. The server
 * listens on 127.0.0.1 only, Bolt only (no HTTP), with authentication ON: user `neo4j`, a random
 * password generated at provisioning into .neo4j/<instance>/neo4j-password (mode 0600, like
 * initial-admin-password). start() resolves to the credentials; pass them on (NEO4J_USER,
 * NEO4J_PASSWORD or NEO4J_PASSWORD_FILE).
 *
 * How the password gets into Neo4j: before a launch not known to have auth on already,
 * `neo4j-admin dbms set-initial-password` (org.neo4j.cli.AdminTool, in the jars) writes data/dbms/auth.ini, which Neo4j applies when it
 * creates the system database, and also when the `neo4j` user still has the default password
 * `neo4j` (an instance created by an older version of this script with auth off: upgraded on its
 * next start). If the stored password is still refused (the file was lost, or the password was
 * changed by hand), the documented recovery is used once: a start with auth off on a random
 * loopback port, `ALTER USER neo4j SET PASSWORD ... CHANGE NOT REQUIRED`, a stop, a start with auth.
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
    passwordFile: path.join(home, 'neo4j-password'),
    authIni: path.join(home, 'data', 'dbms', 'auth.ini'),
  };
}

/** The database user of a local instance (Neo4j's built-in admin account). */
const DB_USER = 'neo4j';

/**
 * The instance's database credentials: `{ user, password, passwordFile }`. The password is read
 * from .neo4j/<instance>/neo4j-password, or generated (24 random bytes, base64url) and written there
 * with mode 0600 if the file is missing or empty. A file readable by others is tightened to 0600.
 */
function credentials(instance = 'local') {
  const { home, passwordFile } = instancePaths(instance);
  // the instance folder holds the store files (account and key hashes) and this password: owner only
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  if ((fs.statSync(home).mode & 0o077) !== 0) fs.chmodSync(home, 0o700);
  let password = fs.existsSync(passwordFile) ? fs.readFileSync(passwordFile, 'utf8').trim() : '';
  if (!password) {
    password = require('node:crypto').randomBytes(24).toString('base64url');
    fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    log(`generated the database password of instance '${instance}' in ${path.relative(process.cwd(), passwordFile)}`);
  }
  if ((fs.statSync(passwordFile).mode & 0o077) !== 0) fs.chmodSync(passwordFile, 0o600);
  return { user: DB_USER, password, passwordFile };
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

/** Driver auth token for `creds` ({user, password}), or none (null/undefined). */
function authToken(creds) {
  return creds ? require('neo4j-driver').auth.basic(creds.user, creds.password) : undefined;
}

const UNAUTHORIZED = 'Neo.ClientError.Security.Unauthorized';

/**
 * Waits until the Bolt server answers `RETURN 1` on the default database, signing in with `creds`
 * ({user, password}; none: no authentication). Rejects at once with the server's error (code
 * Neo.ClientError.Security.Unauthorized) if it refuses the credentials, and with an AbortError as
 * soon as `signal` (optional AbortSignal) aborts.
 */
async function waitUntilReady(uri, pid, consoleLog, timeoutMs, signal, creds) {
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
    const driver = neo4j.driver(uri, authToken(creds), {
      connectionTimeout: 2000,
      logging: { level: 'error', logger: () => {} },
    });
    const session = driver.session({ database: 'neo4j' });
    try {
      // one auto-commit query per attempt (no driver-side retries), abandoned at once on abort
      await abortable(session.run('RETURN 1'), signal);
      return;
    } catch (e) {
      if (e.name === 'AbortError' || e.code === UNAUTHORIZED) throw e;
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

/** Writes the instance's neo4j.conf: Bolt on 127.0.0.1:`port`, no HTTP, authentication `authEnabled`. */
function writeConf(p, port, authEnabled) {
  fs.mkdirSync(p.conf, { recursive: true });
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
      `dbms.security.auth_enabled=${authEnabled}`,
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
}

/**
 * `neo4j-admin dbms set-initial-password` for the instance (before a launch): writes
 * data/dbms/auth.ini, applied by Neo4j when it creates the system database or while the `neo4j`
 * user still has the default password. Throws with the tool's output if it fails.
 */
function setInitialPassword(lib, p, password) {
  const r = spawnSync(
    'java',
    // `--` ends the options: a generated base64url password starts with '-' one time in 64, which
    // the tool would otherwise read as an option ("Missing required parameter: '<password>'").
    ['-cp', `${lib}/*`, 'org.neo4j.cli.AdminTool', 'dbms', 'set-initial-password', '--', password],
    { env: { ...process.env, NEO4J_HOME: p.home, NEO4J_CONF: p.conf }, encoding: 'utf8' },
  );
  if (r.status !== 0) {
    throw new Error(`neo4j-admin dbms set-initial-password failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
}

/** Launches the server of instance `p` (its neo4j.conf as written) in the background; returns the pid. */
function launch(lib, p) {
  const heap = process.env.NEO4J_HEAP || '2g';
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
  return child.pid;
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True if the server at `uri` answers a query WITHOUT credentials (authentication off). */
async function answersWithoutAuth(uri) {
  const neo4j = require('neo4j-driver');
  const driver = neo4j.driver(uri, undefined, {
    connectionTimeout: 2000,
    logging: { level: 'error', logger: () => {} },
  });
  try {
    await driver.executeQuery('RETURN 1', {}, { database: 'neo4j' });
    return true;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

/**
 * Recovery when the stored password is refused (file lost, or the password changed by hand): the
 * procedure of the Neo4j operations manual ("recover admin user and password"). Starts the instance
 * once with authentication off, bound to a random loopback port (not the one clients use), sets the
 * `neo4j` password to `password` on the system database, and stops it again. Data is untouched.
 */
async function resetDatabasePassword(lib, instance, password, timeoutMs, signal) {
  const p = instancePaths(instance);
  const port = await freePort();
  const uri = `bolt://127.0.0.1:${port}`;
  log(`the stored password was refused: resetting the database password (auth off for this step, port ${port})`);
  writeConf(p, port, false);
  const pid = launch(lib, p);
  try {
    await waitUntilReady(uri, pid, p.consoleLog, timeoutMs, signal);
    const neo4j = require('neo4j-driver');
    const driver = neo4j.driver(uri, undefined, { logging: { level: 'error', logger: () => {} } });
    try {
      await driver.executeQuery(
        'ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED',
        { password },
        { database: 'system' },
      );
    } finally {
      await driver.close();
    }
  } finally {
    await stop({ instance });
  }
}

/**
 * Starts (or reuses) a local Neo4j instance and resolves to
 * `{ uri, pid, started, user, password, passwordFile }` once it answers to those credentials (see
 * credentials()). `fresh: true` wipes the instance's data (and its password) first (tests). An
 * instance created without authentication is upgraded: auth on, the stored or a new password.
 * Throws with the log tail if the server dies during start-up, or after `timeoutMs` (default
 * 180 000 ms). `signal` (an AbortSignal, e.g. from a SIGTERM handler) aborts the wait: a server
 * this call launched is stopped again, one it reused is left running, and the promise rejects with
 * an AbortError.
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
      const creds = credentials(instance);
      await waitUntilReady(uri, running, p.consoleLog, timeoutMs, signal, creds);
      if (await answersWithoutAuth(uri)) {
        log(
          `WARNING: the running Neo4j (pid ${running}) has authentication off; stop it so that the next start turns it on`,
        );
      }
      log(`reusing Neo4j (pid ${running}) at ${uri}`);
      return { uri, pid: running, started: false, ...creds };
    }
  }
  if (await portOpen(port)) {
    throw new Error(
      `port ${port} is already in use by another process; stop it, pick another port (NEO4J_LOCAL_PORT), or point NEO4J_URI at it`,
    );
  }
  const lib = provision();
  if (fresh) fs.rmSync(p.home, { recursive: true, force: true });
  // the last launch already ran with auth on and this password (else: new instance, an auth-off
  // one to upgrade, or a new password): skip the ~1 s admin tool then; a refusal still recovers
  const confFile = path.join(p.conf, 'neo4j.conf');
  const hadAuth =
    fs.existsSync(p.passwordFile) &&
    fs.existsSync(confFile) &&
    fs.readFileSync(confFile, 'utf8').includes('dbms.security.auth_enabled=true');
  const creds = credentials(instance);
  let pid = null;
  try {
    for (let attempt = 1; ; attempt++) {
      writeConf(p, port, true);
      if (!hadAuth && attempt === 1) setInitialPassword(lib, p, creds.password);
      pid = launch(lib, p);
      log(
        `starting Neo4j ${pinnedVersion()} (pid ${pid}, heap ${process.env.NEO4J_HEAP || '2g'}, page cache ${process.env.NEO4J_PAGECACHE || '1g'}) at ${uri}`,
      );
      try {
        await waitUntilReady(uri, pid, p.consoleLog, timeoutMs, signal, creds);
        break;
      } catch (e) {
        if (e.code !== UNAUTHORIZED || attempt > 1) throw e;
        await stop({ instance });
        pid = null;
        await resetDatabasePassword(lib, instance, creds.password, timeoutMs, signal);
      }
    }
  } catch (e) {
    // aborted or failed: do not leave a half-started server behind
    if (readPid(instance)) await stop({ instance });
    throw e;
  } finally {
    // applied (or not applicable); it holds a hash of the password, readable by others
    fs.rmSync(p.authIni, { force: true });
  }
  log(`Neo4j ready at ${uri} (user ${creds.user}, password in ${path.relative(process.cwd(), creds.passwordFile)})`);
  return { uri, pid, started: true, ...creds };
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

/** Total size in bytes of the files under `dir` (0 if it does not exist); symlinks are not followed. */
function diskUsage(dir) {
  let total = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) total += diskUsage(f);
    else if (e.isFile()) total += fs.statSync(f).size;
  }
  return total;
}

/**
 * Deletes a local instance for good: stops its Neo4j (as stop()), then removes .neo4j/<instance>
 * (database, logs, the database password and initial-admin-password). The next start provisions
 * an empty database, and `npm start` loads the catalogue and the demo hospital into it again. The
 * downloaded jars in .neo4j/lib are kept. Resolves to `{ home, bytes, existed }` (bytes freed).
 * Throws for an instance name that is not a plain folder name (no separators, not `lib`, not
 * starting with a dot), so it can never delete outside .neo4j/ or the shared jars.
 */
async function reset({ instance = 'local' } = {}) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(instance) || instance === 'lib' || instance.endsWith('.tmp')) {
    throw new Error(`refusing to reset instance ${JSON.stringify(instance)}: not a plain instance folder name`);
  }
  const { home } = instancePaths(instance);
  if (path.dirname(home) !== NEO4J_DIR) throw new Error(`refusing to reset ${home}: not directly under ${NEO4J_DIR}`);
  const existed = fs.existsSync(home);
  const bytes = diskUsage(home);
  await stop({ instance });
  fs.rmSync(home, { recursive: true, force: true });
  return { home, bytes, existed };
}

/**
 * The environment a one-off command (backup, restore, admin password reset) runs the server code
 * with: `env` as given when it names NEO4J_URI, else the local instance `instance` (reused if
 * running, else started on NEO4J_LOCAL_PORT or 7687) with its user and password file.
 * Returns `{ env, started }`: stop the instance afterwards when `started`.
 */
async function commandEnv(env, instance) {
  const out = { ...env };
  if (out.NEO4J_URI) return { env: out, started: false };
  const s = await start({ port: Number(out.NEO4J_LOCAL_PORT || 7687), instance });
  out.NEO4J_URI = s.uri;
  out.NEO4J_USER = s.user;
  out.NEO4J_PASSWORD_FILE = s.passwordFile;
  delete out.NEO4J_PASSWORD;
  return { env: out, started: s.started };
}

module.exports = {
  provision,
  start,
  commandEnv,
  stop,
  reset,
  diskUsage,
  readPid,
  pinnedVersion,
  credentials,
  /** Internals for tests that recreate an instance as older versions of this script left it. */
  _internal: { instancePaths, writeConf, launch, waitUntilReady },
};

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
      case 'start': {
        const s = await start({ port, instance, fresh: rest.includes('--fresh') });
        console.log(s.uri);
        console.error(`[neo4j-local] user ${s.user}, password in ${s.passwordFile}`);
        break;
      }
      case 'stop':
        await stop({ instance });
        break;
      case 'status': {
        const pid = readPid(instance);
        console.log(pid ? `running (pid ${pid})` : 'stopped');
        break;
      }
      case 'reset': {
        // like `npm start` and `npm run admin:reset-password`: NEO4J_LOCAL_INSTANCE names the instance
        const instance = opt('instance') || process.env.NEO4J_LOCAL_INSTANCE || 'local';
        const home = instancePaths(instance).home;
        const mb = (diskUsage(home) / 1048576).toFixed(0);
        if (!rest.includes('--yes')) {
          console.error(
            `[neo4j-local] this stops instance '${instance}' and deletes ${path.relative(ROOT, home)} (${mb} MB): its database, logs and passwords. Add --yes to do it.`,
          );
          process.exit(2);
        }
        const r = await reset({ instance });
        console.error(
          r.existed
            ? `[neo4j-local] deleted ${path.relative(ROOT, r.home)} (${mb} MB); the next start begins with an empty database`
            : `[neo4j-local] no instance '${instance}' (nothing to delete)`,
        );
        break;
      }
      default:
        console.error(
          'usage: neo4j-local.cjs provision | start [--port N] [--instance NAME] [--fresh] | stop | status | reset --yes [--instance NAME]',
        );
        process.exit(2);
    }
  })().catch((e) => {
    console.error(`[neo4j-local] ${e.message}`);
    process.exit(1);
  });
}
