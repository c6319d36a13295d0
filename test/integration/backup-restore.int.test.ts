/**
 * Backup and restore round trip (issue #11): `npm run backup` / `npm run restore` (tools/backup.mjs
 * → server/src/backup-cli.ts) against a database holding models, named and automatic snapshots,
 * the audit trail, accounts, an API key, the catalogue and sign-in limiter counters. The backup
 * file is mode 0600; the database is then reset (a fresh Neo4j instance: no data, no schema) and
 * restored, and everything is identical: a new backup equals the first one, the restored account
 * signs in with its password, the API key authenticates, models, a snapshot and the audit trail
 * export as before. A restore into a non-empty database is refused without --yes (nothing
 * changes) and replaces it with --yes.
 *
 * Uses its own local instance (NEO4J_BACKUP_INSTANCE or 'test-backup', port NEO4J_BACKUP_PORT or
 * 7732): the reset must not touch the database the other suites share.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_LABELS, type BackupDocument } from '../../server/src/domain/backup';
import { Database } from '../../server/src/graph/database';
import { BackupService } from '../../server/src/services/backup-service';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  start(o: { port: number; instance: string; fresh: boolean }): Promise<Connection>;
  stop(o: { instance: string }): Promise<boolean>;
};
interface Connection {
  uri: string;
  user: string;
  password: string;
}

const ROOT = path.resolve(__dirname, '../..');
const INSTANCE = process.env.NEO4J_BACKUP_INSTANCE ?? 'test-backup';
const PORT = Number(process.env.NEO4J_BACKUP_PORT ?? 7732);
const DEMO = 'demo-hospital';
const COPY = 'backup-copy';
const EDITOR = { username: 'restored-editor', password: 'editor-password-0123' };

jest.setTimeout(600_000);

let dir = '';
let file = '';

/** Runs `node tools/backup.mjs <args>` against `conn`, as `npm run backup|restore` does. */
function cli(conn: Connection, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/backup.mjs'), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEO4J_URI: conn.uri,
      NEO4J_USER: conn.user,
      NEO4J_PASSWORD: conn.password,
      INIT_CWD: dir,
    },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A backup read directly (the service the command uses), for comparisons. */
async function backupOf(conn: Connection): Promise<BackupDocument> {
  const db = new Database(conn);
  try {
    return (await new BackupService(db).backup()).document;
  } finally {
    await db.close();
  }
}

const withoutTime = (d: BackupDocument) => ({ ...d, createdAt: '' });

/** What the application shows of the data: exports, a snapshot, the audit trail. */
async function visible(h: TestHelper, snapshotId: string) {
  const exportOf = async (id: string) =>
    (await h.gqlOk<{ exportModel: unknown }>(`query($m: ID!) { exportModel(id: $m) }`, { m: id })).exportModel;
  const snapshot = (
    await h.gqlOk<{ exportModel: unknown }>(
      `query($m: ID!, $s: ID!) { exportModel(id: $m, revision: { snapshotId: $s }) }`,
      {
        m: DEMO,
        s: snapshotId,
      },
    )
  ).exportModel;
  const audit = (
    await h.gqlOk<{ auditEvents: { nodes: unknown[] } }>(
      `{ auditEvents(first: 500) { nodes { id at actorId action modelId modelVersion summary changes { kind id before after } } } }`,
    )
  ).auditEvents.nodes;
  const models = (await h.gqlOk<{ models: unknown[] }>(`{ models { id name version createdAt updatedAt } }`)).models;
  const snapshots = (
    await h.gqlOk<{ model: { snapshots: unknown[] } }>(
      `query($m: ID!) { model(id: $m) { snapshots { id name kind modelVersion createdAt createdByName } } }`,
      { m: COPY },
    )
  ).model.snapshots;
  const users = (await h.gqlOk<{ users: unknown[] }>(`{ users { id username role disabled createdAt lastLoginAt } }`))
    .users;
  return { demo: await exportOf(DEMO), copy: await exportOf(COPY), snapshot, audit, models, snapshots, users };
}

let first: Connection;
let before: Awaited<ReturnType<typeof visible>>;
let snapshotId = '';
let apiKeySecret = '';
let original: BackupDocument;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-backup-'));
  file = path.join(dir, 'medthreat.backup.json');
  first = await local.start({ port: PORT, instance: INSTANCE, fresh: true });
  const h = await new TestHelper(first).init({ loadDemo: true });
  try {
    await h.gqlOk(
      `mutation($u: String!, $p: String!) { createUser(input: { username: $u, password: $p, role: EDITOR }) { id } }`,
      { u: EDITOR.username, p: EDITOR.password },
    );
    await h.gqlOk(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, {
      u: EDITOR.username,
      p: EDITOR.password,
    });
    // a signed-out session: a revocation (RevokedSession) to back up too
    const session = await h.services.auth.login(EDITOR.username, EDITOR.password);
    const principal = await h.services.auth.authenticate(`Bearer ${session.token}`);
    expect(await h.services.auth.logout({ ...TEST_ACTOR, principal })).toBe(true);
    // a refused sign-in: a limiter counter (AuthThrottle) to back up too
    await h.gql(`mutation($u: String!) { login(username: $u, password: "wrong-password-000") { token } }`, {
      u: EDITOR.username,
    });
    apiKeySecret = (
      await h.gqlOk<{ createApiKey: { secret: string } }>(
        `mutation { createApiKey(input: { name: "cmdb feed", role: EDITOR }) { secret } }`,
      )
    ).createApiKey.secret;
    snapshotId = (
      await h.gqlOk<{ createSnapshot: { id: string } }>(
        `mutation($m: ID!) { createSnapshot(modelId: $m, name: "before the workshop", note: "baseline") { id } }`,
        { m: DEMO },
      )
    ).createSnapshot.id;
    const doc = (await h.gqlOk<{ exportModel: { devices: { id: string }[] } }>(`{ exportModel(id: "demo-hospital") }`))
      .exportModel;
    await h.gqlOk(
      `mutation($m: ID!, $d: ID!) { updateDevice(modelId: $m, id: $d, patch: { manufacturer: "Restored Medical", software: "fw 2.1" }) { id } }`,
      { m: DEMO, d: doc.devices[0]!.id },
    );
    await h.gqlOk(`mutation($d: JSON!) { importModel(document: $d, targetModelId: "backup-copy") { id } }`, { d: doc });
    // a replacing import: an AUTOMATIC snapshot of the replaced document
    await h.gqlOk(
      `mutation($d: JSON!) { importModel(document: $d, replace: true, targetModelId: "backup-copy") { id } }`,
      {
        d: { ...doc, model: { ...(doc as unknown as { model: object }).model, name: 'Copy, replaced' } },
      },
    );
    before = await visible(h, snapshotId);
    // every label in the database is one the backup covers
    const labels = await h.db.driver.executeQuery('CALL db.labels() YIELD label RETURN label');
    for (const r of labels.records) expect(APP_LABELS).toContain(r.get('label'));
  } finally {
    await h.close();
  }
});

afterAll(async () => {
  await local.stop({ instance: INSTANCE });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run backup / npm run restore', () => {
  it('backs up everything in one file with mode 0600', async () => {
    const r = cli(first, 'backup', '--out', 'medthreat.backup.json'); // relative to where npm was run (INIT_CWD)
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/backed up \d+ nodes and \d+ relationships/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    original = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupDocument;
    expect(original.format).toBe('medthreat-backup');
    expect(original.formatVersion).toBe(1);
    const by = original.counts.byLabel;
    for (const label of [
      'ThreatModel',
      'Device',
      'ModelSnapshot',
      'AuditEvent',
      'User',
      'ApiKey',
      'Control',
      'AuthThrottle',
    ]) {
      expect(by[label]).toBeGreaterThan(0);
    }
    expect(by['ThreatModel']).toBe(2);
    expect(by['ModelSnapshot']).toBe(2); // the named one and the automatic one
    expect(by['User']).toBe(2); // admin and the editor
    // the hashes are in it (that is why the file is private), the secrets are not
    expect(JSON.stringify(original)).not.toContain(EDITOR.password);
    expect(JSON.stringify(original)).not.toContain(apiKeySecret);
    // the same data read again is the same document (canonical)
    expect(withoutTime(await backupOf(first))).toEqual(withoutTime(original));
  });

  let restored: Connection;
  it('restores into a reset database: everything identical, the account signs in, the key works', async () => {
    await local.stop({ instance: INSTANCE });
    restored = await local.start({ port: PORT, instance: INSTANCE, fresh: true }); // no data, no schema
    expect((await backupOf(restored)).counts.nodes).toBe(0);
    const r = cli(restored, 'restore', '--in', file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`restored ${original.counts.nodes} nodes and ${original.counts.relationships} relationships`),
    );
    // byte for byte the same data: every node, label, property (with its type) and relationship
    expect(withoutTime(await backupOf(restored))).toEqual(withoutTime(original));

    const h = await new TestHelper(restored).init();
    try {
      expect(await visible(h, snapshotId)).toEqual(before);
      const login = await h.gql<{ login: { token: string; principal: { name: string; role: string } } }>(
        `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token principal { role } } }`,
        { u: EDITOR.username, p: EDITOR.password },
      );
      expect(login.errors).toBeUndefined();
      expect(login.data!.login.principal.role).toBe('EDITOR');
      const viaKey = await h.services.auth.authenticate(`Bearer ${apiKeySecret}`);
      expect(viaKey).toMatchObject({ kind: 'API_KEY', role: 'EDITOR' });
      // the schema came back too: a duplicate model id is still refused by its constraint
      const dup = await h.gql(`mutation { createModel(id: "demo-hospital", name: "again") { id } }`);
      expect(dup.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    } finally {
      await h.close();
    }
  });

  it('refuses a non-empty database without --yes (nothing changes), replaces it with --yes', async () => {
    const h = await new TestHelper(restored).init();
    try {
      await h.gqlOk(`mutation { createModel(id: "made-after", name: "Made after the backup") { id } }`);
    } finally {
      await h.close();
    }
    const changed = await backupOf(restored);
    const refused = cli(restored, 'restore', '--in', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/the database is not empty .*--yes/);
    expect(withoutTime(await backupOf(restored))).toEqual(withoutTime(changed));

    const forced = cli(restored, 'restore', '--in', file, '--yes');
    expect(forced.stderr).toBe('');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/deleted \d+ MedThreat nodes that were there; restored/);
    expect(withoutTime(await backupOf(restored))).toEqual(withoutTime(original));
  });

  it('refuses a file that is not a backup, naming what is wrong, and writes nothing', async () => {
    const bad = path.join(dir, 'bad.json');
    const tampered = { ...original, nodes: [{ key: 0, labels: ['Anything'], properties: [['x', 'POINT', '1']] }] };
    fs.writeFileSync(bad, JSON.stringify(tampered));
    const r = cli(restored, 'restore', '--in', bad, '--yes');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nodes\[0\]\.labels: must include one of the application's labels/);
    expect(r.stderr).toMatch(/nodes\[0\]\.properties\[0\]\[1\]: must be one of/);
    expect(withoutTime(await backupOf(restored))).toEqual(withoutTime(original));
    const usage = cli(restored, 'restore');
    expect(usage.status).toBe(2);
  });
});
