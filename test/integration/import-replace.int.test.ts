/**
 * An import that replaces a model keeps what it replaced (issue #11 item 3), end to end against
 * the real Neo4j: an EDITOR may replace a model with an empty document, but every earlier version
 * stays exportable exactly as it was, because the import takes an AUTOMATIC snapshot of the
 * replaced document in its own write transaction and the rebuild of earlier versions starts from
 * it. The snapshot is listed, diffs across the import work, only an ADMIN may delete it, and a
 * refused replace writes nothing at all (no version step, no audit entry, no snapshot).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../../server/src/domain/auth/principal';
import { TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8')) as {
  model: { id: string; name: string };
  devices: { id: string }[];
} & Record<string, unknown>;

// many requests per test (a rebuild of every version): generous on a busy machine
jest.setTimeout(300_000);

let h: TestHelper;
beforeAll(async () => {
  h = await new TestHelper().init();
});
afterAll(async () => {
  await h.close();
});

type Err = { message: string; extensions?: { code?: string; field?: string } };
const firstError = (r: { errors?: Err[] }) => r.errors?.[0];

const user = (role: Principal['role'], modelIds: string[] | null, id: string): Principal => ({
  kind: 'USER',
  id,
  name: `${String(role).toLowerCase()} ${id}`,
  role,
  modelIds,
});

const versionOf = async (m: string) =>
  (await h.gqlOk<{ model: { version: number } }>(`query($m: ID!) { model(id: $m) { version } }`, { m })).model.version;
const exportOf = async (m: string) =>
  (await h.gqlOk<{ exportModel: unknown }>(`query($m: ID!) { exportModel(id: $m) }`, { m })).exportModel;
const exportAt = (m: string, revision: Record<string, unknown>) =>
  h.gql<{ exportModel: unknown }>(`query($m: ID!, $r: ModelRevisionInput) { exportModel(id: $m, revision: $r) }`, {
    m,
    r: revision,
  });
const importReplace = (document: unknown, as: Principal) =>
  h.gql<{ importModel: { id: string; version: number } }>(
    `mutation($d: JSON!) { importModel(document: $d, replace: true) { id version } }`,
    { d: document },
    as,
  );

interface SnapshotRow {
  id: string;
  name: string;
  kind: string;
  modelVersion: number;
  createdById: string;
  createdByName: string;
  counts: { devices: number; zones: number };
  riskTotals: { totalRisk: number; targetCount: number };
}
const snapshotsOf = async (m: string) =>
  (
    await h.gqlOk<{ model: { snapshots: SnapshotRow[] } }>(
      `query($m: ID!) { model(id: $m) { snapshots { id name kind modelVersion createdById createdByName
         counts { devices zones } riskTotals { totalRisk targetCount } } } }`,
      { m },
    )
  ).model.snapshots;
const auditCount = async (m: string) =>
  (
    await h.gqlOk<{ model: { history: { nodes: unknown[] } } }>(
      `query($m: ID!) { model(id: $m) { history(first: 500) { nodes { id } } } }`,
      { m },
    )
  ).model.history.nodes.length;
const earliestOf = async (m: string) =>
  (await h.gqlOk<{ model: { earliestVersion: number } }>(`query($m: ID!) { model(id: $m) { earliestVersion } }`, { m }))
    .model.earliestVersion;

const emptyDocument = (id: string) => ({
  formatVersion: '1.0',
  model: { id, name: 'Wiped' },
  zones: [],
  devices: [],
  interfaces: [],
  channels: [],
  assets: [],
  vulnerabilities: [],
  controlPlacements: [],
});

describe('importModel with replace keeps the replaced model', () => {
  it('an EDITOR empties a model: every earlier version still exports as it was, via a listed AUTOMATIC snapshot', async () => {
    const modelId = h.uniqueModelId('repl');
    const editor = user('EDITOR', [modelId], 'u-editor-repl');
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: DEMO,
      t: modelId,
    });
    const exports = new Map<number, unknown>([[await versionOf(modelId), await exportOf(modelId)]]);
    const edits = [
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-ehr", patch: { software: "build 7" }) { id } }`,
      `mutation($m: ID!) { createZone(modelId: $m, input: { id: "z-annex", name: "Annex", kind: OTHER, entryPoint: false }) { id } }`,
      `mutation($m: ID!) { updateModel(id: $m, description: "before the wipe") { id } }`,
    ];
    for (const q of edits) {
      await h.gqlOk(q, { m: modelId }, editor);
      exports.set(await versionOf(modelId), await exportOf(modelId));
    }
    const replacedVersion = await versionOf(modelId);

    const r = await importReplace(emptyDocument(modelId), editor);
    expect(r.errors).toBeUndefined();
    const n = r.data!.importModel.version;
    expect(n).toBe(replacedVersion + 1);
    exports.set(n, await exportOf(modelId));
    // edits after the import
    await h.gqlOk(
      `mutation($m: ID!) { createZone(modelId: $m, input: { id: "z-new", name: "New", kind: OTHER, entryPoint: false }) { id } }`,
      { m: modelId },
      editor,
    );
    exports.set(await versionOf(modelId), await exportOf(modelId));

    // every version before, at and after the import exports exactly as it was
    expect(await earliestOf(modelId)).toBe(1);
    for (const [v, expected] of exports) {
      const at = await exportAt(modelId, { version: v });
      expect({ v, errors: at.errors }).toEqual({ v, errors: undefined });
      expect(at.data!.exportModel).toEqual(expected);
    }

    // the automatic snapshot is listed, holds the replaced document and says who replaced it
    const autos = (await snapshotsOf(modelId)).filter((s) => s.kind === 'AUTOMATIC');
    expect(autos).toHaveLength(1);
    const auto = autos[0]!;
    expect(auto).toMatchObject({
      modelVersion: replacedVersion,
      createdById: editor.id,
      createdByName: editor.name,
      counts: { devices: DEMO.devices.length },
    });
    expect(auto.name).toMatch(
      new RegExp(`^auto: before import replace at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z by ${editor.name}$`),
    );
    expect(auto.riskTotals.targetCount).toBeGreaterThan(0);
    expect((await exportAt(modelId, { snapshotId: auto.id })).data!.exportModel).toEqual(exports.get(replacedVersion));

    // diffs across the import: by version and from the snapshot
    const d = await h.gql<{
      modelDiff: { changeCount: number; kinds: { kind: string; removed: { id: string }[] }[] };
    }>(
      `query($m: ID!, $f: ModelRevisionInput!, $t: ModelRevisionInput!) {
         modelDiff(modelId: $m, from: $f, to: $t) { changeCount kinds { kind removed { id } } } }`,
      { m: modelId, f: { version: 1 }, t: { current: true } },
    );
    expect(d.errors).toBeUndefined();
    expect(d.data!.modelDiff.kinds.find((k) => k.kind === 'DEVICE')!.removed).toHaveLength(DEMO.devices.length);
    const fromSnap = await h.gql<{ modelDiff: { from: { kind: string; version: number }; changeCount: number } }>(
      `query($m: ID!, $f: ModelRevisionInput!, $t: ModelRevisionInput!) {
         modelDiff(modelId: $m, from: $f, to: $t) { changeCount from { kind version } } }`,
      { m: modelId, f: { snapshotId: auto.id }, t: { version: n } },
    );
    expect(fromSnap.errors).toBeUndefined();
    expect(fromSnap.data!.modelDiff.from).toEqual({ kind: 'SNAPSHOT', version: replacedVersion });
    expect(fromSnap.data!.modelDiff.changeCount).toBeGreaterThan(DEMO.devices.length);

    // the editor cannot delete the kept snapshot (that would lose the history again); an admin can
    const refused = await h.gql(
      `mutation($m: ID!, $s: ID!) { deleteSnapshot(modelId: $m, id: $s) { id } }`,
      { m: modelId, s: auto.id },
      editor,
    );
    expect(firstError(refused)?.extensions?.code).toBe('FORBIDDEN');
    expect((await snapshotsOf(modelId)).map((s) => s.id)).toContain(auto.id);
    await h.gqlOk(`mutation($m: ID!, $s: ID!) { deleteSnapshot(modelId: $m, id: $s) { id } }`, {
      m: modelId,
      s: auto.id,
    });
    expect(await earliestOf(modelId)).toBe(n);
    const gone = await exportAt(modelId, { version: n - 1 });
    expect(firstError(gone)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revision.version' });
  });

  it('two replacing imports in a row: versions before both still rebuild, each import has its own snapshot', async () => {
    const modelId = h.uniqueModelId('repl2');
    const editor = user('EDITOR', [modelId], 'u-editor-repl2');
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: DEMO,
      t: modelId,
    });
    const exports = new Map<number, unknown>([[1, await exportOf(modelId)]]);
    const record = async () => exports.set(await versionOf(modelId), await exportOf(modelId));
    const editDevice = (software: string) =>
      h.gqlOk(
        `mutation($m: ID!, $s: String) { updateDevice(modelId: $m, id: "dev-ehr", patch: { software: $s }) { id } }`,
        { m: modelId, s: software },
        editor,
      );
    const replaceWith = async (doc: unknown) => {
      const r = await importReplace(doc, editor);
      expect(r.errors).toBeUndefined();
      await record();
    };
    await editDevice('v2');
    await record();
    await replaceWith(emptyDocument(modelId));
    await h.gqlOk(
      `mutation($m: ID!) { createZone(modelId: $m, input: { id: "z-lone", name: "Lone", kind: OTHER, entryPoint: false }) { id } }`,
      { m: modelId },
      editor,
    );
    await record();
    await replaceWith(exports.get(1));
    await editDevice('v6');
    await record();
    await replaceWith(emptyDocument(modelId));
    expect([...exports.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const [v, expected] of exports) {
      const at = await exportAt(modelId, { version: v });
      expect({ v, errors: at.errors }).toEqual({ v, errors: undefined });
      expect(at.data!.exportModel).toEqual(expected);
    }
    expect((await snapshotsOf(modelId)).filter((s) => s.kind === 'AUTOMATIC')).toHaveLength(3);
    expect(await earliestOf(modelId)).toBe(1);
  });

  it('a refused replace (invalid document) writes nothing: no version step, no audit entry, no snapshot', async () => {
    const modelId = h.uniqueModelId('repl-bad');
    const editor = user('EDITOR', [modelId], 'u-editor-repl-bad');
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: DEMO,
      t: modelId,
    });
    const before = {
      version: await versionOf(modelId),
      document: await exportOf(modelId),
      snapshots: await snapshotsOf(modelId),
      audit: await auditCount(modelId),
    };
    const bad = emptyDocument(modelId) as Record<string, unknown>;
    bad['devices'] = [{ id: 'd1', name: 'Pump', category: 'INSULIN_PUMP', riskClass: 'C', zoneIds: ['no-such-zone'] }];
    const r = await importReplace(bad, editor);
    expect(firstError(r)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect({
      version: await versionOf(modelId),
      document: await exportOf(modelId),
      snapshots: await snapshotsOf(modelId),
      audit: await auditCount(modelId),
    }).toEqual(before);
  });

  it('under concurrent edits the kept snapshot is exactly the version replaced: every edit that won is in it', async () => {
    const modelId = h.uniqueModelId('repl-conc');
    const editor = user('EDITOR', [modelId], 'u-editor-repl-conc');
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: DEMO,
      t: modelId,
    });
    const devices = DEMO.devices.slice(0, 6).map((d) => d.id);
    const edits = devices.map((id, i) =>
      h.gql(
        `mutation($m: ID!, $d: ID!, $s: String) { updateDevice(modelId: $m, id: $d, patch: { software: $s }) { id } }`,
        { m: modelId, d: id, s: `concurrent ${i}` },
        editor,
      ),
    );
    const replace = importReplace(emptyDocument(modelId), editor);
    const [results, replaced] = await Promise.all([Promise.all(edits), replace]);
    expect(replaced.errors).toBeUndefined();
    const n = replaced.data!.importModel.version;
    const auto = (await snapshotsOf(modelId)).find((s) => s.kind === 'AUTOMATIC')!;
    expect(auto.modelVersion).toBe(n - 1);
    const kept = (await exportAt(modelId, { snapshotId: auto.id })).data!.exportModel as {
      devices: { id: string; software?: string }[];
    };
    results.forEach((r, i) => {
      const inKept = kept.devices.find((d) => d.id === devices[i])!.software === `concurrent ${i}`;
      // an edit either landed before the import (and is in what it kept) or found the device gone
      if (r.errors)
        expect({ i, code: firstError(r)?.extensions?.code, inKept }).toEqual({ i, code: 'NOT_FOUND', inKept: false });
      else expect({ i, inKept }).toEqual({ i, inKept: true });
    });
    expect(await versionOf(modelId)).toBe(n); // edits after the import found no device and wrote nothing
    expect((await exportAt(modelId, { version: n - 1 })).data!.exportModel).toEqual(kept);
  });
});
