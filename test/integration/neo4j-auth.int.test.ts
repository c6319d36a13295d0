/**
 * The project's own local Neo4j has authentication on (issue 11.4), and a lost admin password can
 * be recovered by someone with access to the machine. On its own instance (NEO4J_AUTH_INSTANCE or
 * 'test-auth', a free loopback port), in order:
 * 1. an instance as older versions of tools/neo4j/neo4j-local.cjs left it (auth off, no password
 *    file, some data) is upgraded by the next start: unauthenticated connections are refused, the
 *    generated password in .neo4j/<instance>/neo4j-password (0600) is accepted, the data is kept;
 * 2. the admin-reset command (npm run admin:reset-password) refuses to run without the database
 *    credentials, and with them sets a new password for 'admin' (written 0600), ends its sessions
 *    and leaves an audit entry by 'local-admin-reset';
 * 3. a lost database password file: the next start makes a new password and resets Neo4j's to it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import pino from 'pino';
import { bootstrap, createServices } from '../../server/src/bootstrap';
import type { Services } from '../../server/src/context';
import { AuthenticationError } from '../../server/src/domain/errors';
import { Database } from '../../server/src/graph/database';

interface InstancePaths {
  home: string;
  conf: string;
  consoleLog: string;
  passwordFile: string;
  authIni: string;
}
interface Started {
  uri: string;
  started: boolean;
  user: string;
  password: string;
  passwordFile: string;
}
const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  provision(): string;
  start(o: { port: number; instance: string; fresh?: boolean }): Promise<Started>;
  stop(o: { instance: string }): Promise<boolean>;
  _internal: {
    instancePaths(instance: string): InstancePaths;
    writeConf(p: InstancePaths, port: number, authEnabled: boolean): void;
    launch(lib: string, p: InstancePaths): number;
    waitUntilReady(uri: string, pid: number, consoleLog: string, timeoutMs: number): Promise<void>;
  };
};

const ROOT = path.resolve(__dirname, '../..');
const INSTANCE = process.env.NEO4J_AUTH_INSTANCE ?? 'test-auth';
const ADMIN_PASSWORD = 'auth-test-admin-password-1';
const quiet = { logging: { level: 'error' as const, logger: () => {} } };

let port = 0;
let paths: InstancePaths;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
  });
}

/** Runs `RETURN <count of marker nodes>` signed in as `auth` (or without credentials); the error code otherwise. */
async function probe(uri: string, auth?: { user: string; password: string }): Promise<number | string> {
  const driver = neo4j.driver(uri, auth ? neo4j.auth.basic(auth.user, auth.password) : undefined, quiet);
  try {
    const r = await driver.executeQuery('MATCH (m:AuthUpgradeMarker) RETURN count(m) AS n', {}, { database: 'neo4j' });
    return (r.records[0]!.get('n') as { toNumber(): number }).toNumber();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  } finally {
    await driver.close();
  }
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** Runs the admin-reset command (tools/admin-reset-password.mjs) with `env` on top of this process's. */
function resetCommand(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'tools', 'admin-reset-password.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  port = await freePort();
  paths = local._internal.instancePaths(INSTANCE);
  await local.stop({ instance: INSTANCE });
  fs.rmSync(paths.home, { recursive: true, force: true });
});

afterAll(async () => {
  await local.stop({ instance: INSTANCE });
  fs.rmSync(paths.home, { recursive: true, force: true });
}, 60000);

describe('local Neo4j authentication', () => {
  let creds: Started;

  it('upgrades an instance created without authentication: auth on, generated 0600 password, data kept', async () => {
    // the instance as the auth-off versions of neo4j-local.cjs left it
    const lib = local.provision();
    fs.mkdirSync(paths.home, { recursive: true });
    local._internal.writeConf(paths, port, false);
    const pid = local._internal.launch(lib, paths);
    const uri = `bolt://127.0.0.1:${port}`;
    await local._internal.waitUntilReady(uri, pid, paths.consoleLog, 180000);
    const legacy = neo4j.driver(uri, undefined, quiet);
    await legacy.executeQuery('CREATE (:AuthUpgradeMarker {at: datetime()})', {}, { database: 'neo4j' });
    await legacy.close();
    expect(fs.existsSync(paths.passwordFile)).toBe(false);
    await local.stop({ instance: INSTANCE });

    creds = await local.start({ port, instance: INSTANCE });
    expect(creds).toMatchObject({ uri, started: true, user: 'neo4j', passwordFile: paths.passwordFile });
    expect(creds.password.length).toBeGreaterThanOrEqual(24);
    expect(fs.readFileSync(paths.passwordFile, 'utf8').trim()).toBe(creds.password);
    expect(mode(paths.passwordFile)).toBe(0o600);
    expect(mode(paths.home)).toBe(0o700);
    expect(fs.existsSync(paths.authIni)).toBe(false); // it held a hash of the password
    expect(fs.readFileSync(path.join(paths.conf, 'neo4j.conf'), 'utf8')).toContain('dbms.security.auth_enabled=true');

    expect(await probe(uri)).toBe('Neo.ClientError.Security.Unauthorized');
    expect(await probe(uri, { user: 'neo4j', password: 'neo4j' })).toBe('Neo.ClientError.Security.Unauthorized');
    expect(await probe(uri, creds)).toBe(1);
  }, 480000);

  it('reuses the running instance with the same credentials', async () => {
    const again = await local.start({ port, instance: INSTANCE });
    expect(again).toMatchObject({ started: false, user: 'neo4j', password: creds.password });
  }, 120000);

  describe('admin-reset command', () => {
    let db: Database;
    let services: Services;
    const env = () => ({ NEO4J_URI: undefined, NEO4J_LOCAL_INSTANCE: INSTANCE, NEO4J_LOCAL_PORT: String(port) });

    beforeAll(async () => {
      db = new Database({ uri: creds.uri, user: creds.user, password: creds.password });
      services = createServices(db);
      await bootstrap(db, services, { loadDemo: false, log: pino({ level: 'silent' }), adminPassword: ADMIN_PASSWORD });
    }, 120000);
    afterAll(() => db.close());

    it('does nothing without the database credentials', async () => {
      const r = await resetCommand(['--user', 'admin', '--out', path.join(paths.home, 'nope')], {
        NEO4J_URI: creds.uri,
        NEO4J_USER: 'neo4j',
        NEO4J_PASSWORD: undefined,
        NEO4J_PASSWORD_FILE: undefined,
      });
      expect(r.code).toBe(1);
      expect(r.out).toContain('the database refused the credentials (Neo.ClientError.Security.Unauthorized)');
      expect(fs.existsSync(path.join(paths.home, 'nope'))).toBe(false);
      await expect(services.auth.login('admin', ADMIN_PASSWORD)).resolves.toMatchObject({
        principal: { role: 'ADMIN' },
      });
    }, 120000);

    it('sets a generated password (0600 file), ends the sessions and is audited', async () => {
      const before = await services.auth.login('admin', ADMIN_PASSWORD);
      const startedAt = new Date().toISOString();
      const r = await resetCommand([], env());
      expect(r.out).toContain("reset the password of account 'admin'");
      expect(r.code).toBe(0);
      const file = path.join(paths.home, 'reset-admin-password');
      expect(r.out).toContain(file);
      expect(mode(file)).toBe(0o600);
      const newPassword = fs.readFileSync(file, 'utf8').trim();
      expect(r.out).not.toContain(newPassword);

      await expect(services.auth.login('admin', ADMIN_PASSWORD)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(services.auth.login('admin', newPassword)).resolves.toMatchObject({ principal: { role: 'ADMIN' } });
      await expect(services.auth.authenticate(`Bearer ${before.token}`)).rejects.toBeInstanceOf(AuthenticationError);

      const audit = await services.audit.events({ actorId: 'local-admin-reset', since: startedAt });
      expect(audit.nodes).toHaveLength(1);
      expect(audit.nodes[0]).toMatchObject({
        action: 'resetPassword',
        summary: "changed account 'admin' (new password)",
      });
      expect(audit.nodes[0]!.actorName).toMatch(/^local admin reset \(.+@.+\)$/);
      expect(JSON.stringify(audit.nodes[0]!.changes)).not.toContain('passwordHash');
    }, 120000);

    it('takes a given password from MEDTHREAT_RESET_PASSWORD and names the admins for an unknown account', async () => {
      const given = 'given-reset-password-123';
      const ok = await resetCommand(['--user', 'ADMIN'], { ...env(), MEDTHREAT_RESET_PASSWORD: given });
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('MEDTHREAT_RESET_PASSWORD');
      await expect(services.auth.login('admin', given)).resolves.toMatchObject({ principal: { role: 'ADMIN' } });

      const unknown = await resetCommand(['--user', 'nobody'], { ...env(), MEDTHREAT_RESET_PASSWORD: given });
      expect(unknown.code).toBe(1);
      expect(unknown.out).toContain("there is no account 'nobody'; admin accounts: admin");
      const weak = await resetCommand([], { ...env(), MEDTHREAT_RESET_PASSWORD: 'short' });
      expect(weak.code).toBe(1);
      expect(weak.out).toMatch(/password must be 12-256 characters \(password\)/);
    }, 180000);
  });

  it('makes a new database password when the password file is lost, keeping the data', async () => {
    await local.stop({ instance: INSTANCE });
    fs.rmSync(paths.passwordFile);
    const next = await local.start({ port, instance: INSTANCE });
    expect(next.password).not.toBe(creds.password);
    expect(mode(paths.passwordFile)).toBe(0o600);
    expect(await probe(next.uri)).toBe('Neo.ClientError.Security.Unauthorized');
    expect(await probe(next.uri, creds)).toBe('Neo.ClientError.Security.Unauthorized');
    expect(await probe(next.uri, next)).toBe(1);
    expect(fs.readFileSync(path.join(paths.conf, 'neo4j.conf'), 'utf8')).toContain('dbms.security.auth_enabled=true');
  }, 600000);
});
