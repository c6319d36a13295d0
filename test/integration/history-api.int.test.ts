/**
 * A model's past end to end against the real Neo4j (issue #5 item 5): named snapshots, the model
 * at any version rebuilt from the audit trail (a random series of element changes through the
 * API, and under concurrent writes), diffs with risk totals, the model version bumped once with
 * one audit entry by every kind of change, and the admin-only model history.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../../server/src/domain/auth/principal';
import { TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8')) as {
  model: { id: string; name: string };
} & Record<string, unknown>;

let h: TestHelper;
beforeAll(async () => {
  h = await new TestHelper().init();
});
afterAll(async () => {
  await h.close();
});

type Err = { message: string; path?: unknown[]; extensions?: { code?: string; field?: string } };
const firstError = (r: { errors?: Err[] }) => r.errors?.[0];

const user = (
  role: Principal['role'],
  modelIds: string[] | null,
  id = `u-${String(role).toLowerCase()}`,
): Principal => ({
  kind: 'USER',
  id,
  name: `${String(role).toLowerCase()} user`,
  role,
  modelIds,
});

/** Imports a copy of the demo hospital under a fresh id; returns the id. */
async function demoCopy(prefix: string): Promise<string> {
  const id = h.uniqueModelId(prefix);
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: DEMO,
    t: id,
  });
  return id;
}

const versionOf = async (m: string) =>
  (await h.gqlOk<{ model: { version: number } }>(`query($m: ID!) { model(id: $m) { version } }`, { m })).model.version;
const exportOf = async (m: string) =>
  (await h.gqlOk<{ exportModel: unknown }>(`query($m: ID!) { exportModel(id: $m) }`, { m })).exportModel;
const exportAt = (m: string, revision: Record<string, unknown>) =>
  h.gql<{ exportModel: unknown }>(`query($m: ID!, $r: ModelRevisionInput) { exportModel(id: $m, revision: $r) }`, {
    m,
    r: revision,
  });

const SNAPSHOT_FIELDS = `id modelId name note modelVersion createdAt createdById createdByName
  counts { zones devices interfaces channels assets vulnerabilities controlPlacements }
  riskTotals { scale totalRisk targetCount targetsReachable entryTargetPairsConnected worstSeverity maxPathRisk
               reachableBySeverity { severity count } }
  privacyTotals: riskTotals(scale: PRIVACY) { scale totalRisk targetCount targetsReachable worstSeverity
               worstPrivacySeverity reachableBySeverity { severity count }
               reachableByPrivacySeverity { privacySeverity count } }`;

interface Totals {
  scale: string;
  totalRisk: number;
  targetCount: number;
  targetsReachable: number;
  entryTargetPairsConnected: number;
  worstSeverity: string | null;
  maxPathRisk: number;
  reachableBySeverity: { severity: string; count: number }[];
}
interface Snapshot {
  id: string;
  modelId: string;
  name: string;
  note: string | null;
  modelVersion: number;
  createdAt: string;
  createdById: string;
  createdByName: string;
  counts: Record<string, number>;
  riskTotals: Totals;
  privacyTotals: Totals & {
    worstPrivacySeverity: string | null;
    reachableByPrivacySeverity: { privacySeverity: string; count: number }[];
  };
}

const createSnapshot = (m: string, name: string, note?: string, as?: Principal) =>
  h.gql<{ createSnapshot: Snapshot }>(
    `mutation($m: ID!, $n: String!, $note: String) { createSnapshot(modelId: $m, name: $n, note: $note) { ${SNAPSHOT_FIELDS} } }`,
    { m, n: name, note },
    as,
  );

const DIFF = `query($m: ID!, $f: ModelRevisionInput!, $t: ModelRevisionInput!) {
  modelDiff(modelId: $m, from: $f, to: $t) {
    modelId identical changeCount
    from { kind version snapshot { id name } } to { kind version snapshot { id name } }
    model { field before after }
    kinds { kind added { id name element } removed { id name element } changed { id name fields { field before after } } }
    controlPlacements {
      added { id controlId control { id } elementId elementName status statusBefore statusAfter }
      removed { id controlId elementId elementName status statusBefore statusAfter }
      changed { id controlId elementId status statusBefore statusAfter fields { field before after } }
    }
    risk { before { totalRisk targetsReachable worstSeverity } after { totalRisk targetsReachable worstSeverity }
           totalRiskChange targetsReachableChange }
  }
}`;
interface Diff {
  modelId: string;
  identical: boolean;
  changeCount: number;
  from: { kind: string; version: number; snapshot: { id: string; name: string } | null };
  to: { kind: string; version: number; snapshot: { id: string; name: string } | null };
  model: { field: string; before: unknown; after: unknown }[];
  kinds: {
    kind: string;
    added: { id: string; name: string; element: Record<string, unknown> }[];
    removed: { id: string; name: string; element: Record<string, unknown> }[];
    changed: { id: string; name: string; fields: { field: string; before: unknown; after: unknown }[] }[];
  }[];
  controlPlacements: Record<
    'added' | 'removed' | 'changed',
    {
      id: string;
      controlId: string;
      elementId: string;
      elementName?: string | null;
      status: string;
      statusBefore: string | null;
      statusAfter: string | null;
      fields?: { field: string }[];
    }[]
  >;
  risk: {
    before: { totalRisk: number; targetsReachable: number; worstSeverity: string | null };
    after: { totalRisk: number; targetsReachable: number; worstSeverity: string | null };
    totalRiskChange: number;
    targetsReachableChange: number;
  };
}
const diff = (m: string, f: Record<string, unknown>, t: Record<string, unknown>, as?: Principal) =>
  h.gql<{ modelDiff: Diff }>(DIFF, { m, f, t }, as);

// ---------------------------------------------------------------------------------------------

describe('named snapshots', () => {
  let modelId: string;
  beforeAll(async () => {
    modelId = await demoCopy('snap');
  });

  it('stores the document, version, counts, risk totals and who took it; audited; listed newest first', async () => {
    const version = await versionOf(modelId);
    const first = (await createSnapshot(modelId, '  Committee March  ', 'before the workshop')).data!.createSnapshot;
    expect(first).toMatchObject({
      modelId,
      name: 'Committee March',
      note: 'before the workshop',
      modelVersion: version,
      createdById: 'test-admin',
      createdByName: 'test admin',
      counts: { devices: 51, zones: 12, controlPlacements: 43 },
    });
    // attack model v2: targets are (asset, impact) nodes, counted per risk scale
    const graph = await h.gqlOk<{ model: { attackGraph: { nodes: { target: boolean; scale: string | null }[] } } }>(
      `query($m: ID!) { model(id: $m) { attackGraph { nodes { target scale } } } }`,
      { m: modelId },
    );
    const targetsOn = (scale: string) =>
      graph.model.attackGraph.nodes.filter((n) => n.target && n.scale === scale).length;
    expect(first.riskTotals.scale).toBe('SAFETY');
    expect(first.riskTotals.targetCount).toBe(targetsOn('SAFETY'));
    expect(first.riskTotals.targetCount).toBeGreaterThan(32); // 32 assets, several with two safety impacts
    expect(first.riskTotals.targetsReachable).toBeGreaterThan(0);
    expect(first.privacyTotals.scale).toBe('PRIVACY');
    expect(first.privacyTotals.targetCount).toBe(targetsOn('PRIVACY'));
    expect(first.privacyTotals.worstSeverity).toBeNull();
    expect(first.privacyTotals.reachableBySeverity).toEqual([]);
    expect(first.privacyTotals.reachableByPrivacySeverity.reduce((n, c) => n + c.count, 0)).toBe(
      first.privacyTotals.targetsReachable,
    );
    const pathsQuery = `query($m: ID!, $s: RiskScale) { model(id: $m) { attackPaths(minSeverity: NEGLIGIBLE, maxPaths: 100000, scale: $s) {
         totalRisk targetsReachable entryTargetPairsConnected } } }`;
    type Totals = {
      model: { attackPaths: { totalRisk: number; targetsReachable: number; entryTargetPairsConnected: number } };
    };
    const paths = await h.gqlOk<Totals>(pathsQuery, { m: modelId });
    const privacyPaths = await h.gqlOk<Totals>(pathsQuery, { m: modelId, s: 'PRIVACY' });
    expect(first.riskTotals.totalRisk).toBeCloseTo(paths.model.attackPaths.totalRisk, 9);
    expect(first.riskTotals.targetsReachable).toBe(paths.model.attackPaths.targetsReachable);
    expect(first.riskTotals.entryTargetPairsConnected).toBe(paths.model.attackPaths.entryTargetPairsConnected);
    expect(first.privacyTotals.totalRisk).toBeCloseTo(privacyPaths.model.attackPaths.totalRisk, 9);
    expect(first.privacyTotals.targetsReachable).toBe(privacyPaths.model.attackPaths.targetsReachable);
    // taking a snapshot does not change the model
    expect(await versionOf(modelId)).toBe(version);

    const exported = await exportOf(modelId);
    await h.gqlOk(`mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-ehr", patch: { riskClass: D }) { id } }`, {
      m: modelId,
    });
    const second = (await createSnapshot(modelId, 'After EHR review')).data!.createSnapshot;
    expect(second.modelVersion).toBe(version + 1);
    expect(second.note).toBeNull();

    const listed = await h.gqlOk<{
      model: { snapshots: { id: string; name: string }[]; snapshot: { document: unknown; name: string } };
    }>(`query($m: ID!, $s: ID!) { model(id: $m) { snapshots { id name } snapshot(id: $s) { name document } } }`, {
      m: modelId,
      s: first.id,
    });
    expect(listed.model.snapshots.map((s) => s.name)).toEqual(['After EHR review', 'Committee March']);
    expect(listed.model.snapshot.document).toEqual(exported);
    expect((await exportAt(modelId, { snapshotId: first.id })).data!.exportModel).toEqual(exported);

    const history = await h.gqlOk<{
      model: { history: { nodes: { action: string; modelVersion: number | null; changes: { kind: string }[] }[] } };
    }>(
      `query($m: ID!) { model(id: $m) { history(first: 1) { nodes { action modelVersion changes { kind id after } } } } }`,
      {
        m: modelId,
      },
    );
    expect(history.model.history.nodes[0]).toMatchObject({
      action: 'createSnapshot',
      modelVersion: null,
      changes: [{ kind: 'snapshot' }],
    });
  });

  it('refuses a duplicate name (CONFLICT at name), a blank name and an unknown model, changing nothing', async () => {
    const before = await h.fingerprint();
    const dup = await createSnapshot(modelId, 'Committee March');
    expect(firstError(dup)?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    const blank = await createSnapshot(modelId, '   ');
    expect(firstError(blank)?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await createSnapshot('no-such-model-x', 'x');
    expect(firstError(missing)?.extensions?.code).toBe('NOT_FOUND');
    expect(await h.fingerprint()).toBe(before);
  });

  it('viewers read snapshots but cannot take or delete them; editors of another model cannot either', async () => {
    const viewer = user('VIEWER', [modelId]);
    const read = await h.gql<{ model: { snapshots: { name: string }[] } }>(
      `query($m: ID!) { model(id: $m) { snapshots { name riskTotals { totalRisk } } } }`,
      { m: modelId },
      viewer,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.model.snapshots.length).toBe(2);
    expect(firstError(await createSnapshot(modelId, 'viewer try', undefined, viewer))?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const otherEditor = user('EDITOR', ['some-other-model']);
    expect(firstError(await createSnapshot(modelId, 'editor try', undefined, otherEditor))?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const editor = user('EDITOR', [modelId]);
    const ok = await createSnapshot(modelId, 'Editor snapshot', undefined, editor);
    expect(ok.data!.createSnapshot.createdById).toBe(editor.id);
    const del = await h.gql(
      `mutation($m: ID!, $s: ID!) { deleteSnapshot(modelId: $m, id: $s) { id } }`,
      { m: modelId, s: ok.data!.createSnapshot.id },
      viewer,
    );
    expect(firstError(del)?.extensions?.code).toBe('FORBIDDEN');
  });

  it('deleteSnapshot returns what it deleted, is audited, and says NOT_FOUND the second time', async () => {
    const s = (await createSnapshot(modelId, 'Short-lived')).data!.createSnapshot;
    const del = `mutation($m: ID!, $s: ID!) { deleteSnapshot(modelId: $m, id: $s) { id name modelVersion } }`;
    const gone = await h.gqlOk<{ deleteSnapshot: { id: string; name: string } }>(del, { m: modelId, s: s.id });
    expect(gone.deleteSnapshot).toMatchObject({ id: s.id, name: 'Short-lived' });
    const again = await h.gql(del, { m: modelId, s: s.id });
    expect(firstError(again)?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const last = await h.gqlOk<{ model: { history: { nodes: { action: string; changes: { before: unknown }[] }[] } } }>(
      `query($m: ID!) { model(id: $m) { history(first: 1) { nodes { action changes { before after } } } } }`,
      { m: modelId },
    );
    expect(last.model.history.nodes[0]!.action).toBe('deleteSnapshot');
    expect(last.model.history.nodes[0]!.changes[0]!.before).toMatchObject({ id: s.id, name: 'Short-lived' });
  });

  it('deleting the model deletes its snapshots', async () => {
    const id = await demoCopy('snapdel');
    await createSnapshot(id, 'doomed');
    const count = async () =>
      (
        await h.db.driver.executeQuery(`MATCH (s:ModelSnapshot {modelId: $id}) RETURN count(s) AS n`, { id })
      ).records[0]!.get('n') as number;
    expect(Number(await count())).toBe(1);
    await h.gqlOk(`mutation($id: ID!) { deleteModel(id: $id) }`, { id });
    expect(Number(await count())).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

/** A deterministic PRNG (mulberry32), so a failing series can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Doc {
  zones: { id: string }[];
  devices: { id: string; zoneIds: string[] }[];
  interfaces: { id: string; deviceId: string }[];
  channels: { id: string }[];
  assets: { id: string }[];
  vulnerabilities: { id: string }[];
  controlPlacements: { id: string; status: string }[];
}

const TYPE = {
  zones: 'Zone',
  devices: 'Device',
  interfaces: 'Interface',
  channels: 'Channel',
  assets: 'Asset',
  vulnerabilities: 'Vulnerability',
  controlPlacements: 'ControlPlacement',
} as const;
type Kind = keyof typeof TYPE;

/**
 * One random change through the API, chosen to be valid most of the time; returns false when the
 * API refused it (BAD_USER_INPUT / CONFLICT: nothing changed), throws on anything else.
 */
async function randomChange(modelId: string, doc: Doc, rnd: () => number, n: number): Promise<boolean> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[]): T[] => xs.filter(() => rnd() < 0.5);
  const zoneIds = doc.zones.map((z) => z.id);
  const deviceIds = doc.devices.map((d) => d.id);
  const create = (kind: Kind, input: Record<string, unknown>) =>
    h.gql(`mutation($m: ID!, $i: ${TYPE[kind]}Input!) { create${TYPE[kind]}(modelId: $m, input: $i) { __typename } }`, {
      m: modelId,
      i: input,
    });
  const update = (kind: Kind, id: string, patch: Record<string, unknown>) =>
    h.gql(
      `mutation($m: ID!, $id: ID!, $p: ${TYPE[kind]}Patch!) { update${TYPE[kind]}(modelId: $m, id: $id, patch: $p) { __typename } }`,
      { m: modelId, id, p: patch },
    );
  const remove = (kind: Kind, id: string) =>
    h.gql(`mutation($m: ID!, $id: ID!) { delete${TYPE[kind]}(modelId: $m, id: $id) { deletedIds modelVersion } }`, {
      m: modelId,
      id,
    });
  const choices: (() => Promise<{ errors?: Err[] }>)[] = [
    () =>
      create('zones', {
        id: `z${n}`,
        name: `Zone ${n}`,
        kind: pick(['CLINICAL', 'ENTERPRISE', 'GUEST_WIFI', 'INTERNET']),
        entryPoint: rnd() < 0.4,
      }),
  ];
  if (zoneIds.length) {
    choices.push(
      () =>
        create('devices', {
          id: `d${n}`,
          name: `Device ${n}`,
          category: pick(['INFUSION_PUMP', 'PATIENT_MONITOR', 'SERVER', 'WORKSTATION']),
          riskClass: pick(['A', 'B', 'C', 'D']),
          generalPurposeOs: rnd() < 0.5,
          zoneIds: [pick(zoneIds), ...some(zoneIds)].filter((z, i, a) => a.indexOf(z) === i),
        }),
      () => update('zones', pick(zoneIds), { name: `Zone renamed ${n}`, description: rnd() < 0.5 ? null : `d${n}` }),
      () => remove('zones', pick(zoneIds)),
    );
  }
  if (deviceIds.length) {
    const d = pick(doc.devices);
    choices.push(
      () =>
        update('devices', d.id, {
          riskClass: pick(['A', 'B', 'C', 'D']),
          software: rnd() < 0.5 ? null : `fw ${n}`,
          ...(rnd() < 0.5 ? { zoneIds: [pick(zoneIds)] } : {}),
        }),
      () => remove('devices', d.id),
      () =>
        create('interfaces', {
          id: `i${n}`,
          deviceId: d.id,
          name: `Interface ${n}`,
          kind: pick(['WEB_UI', 'SSH', 'REST_API']),
          exposedToZoneIds: some(zoneIds),
          authentication: pick(['NONE', 'PASSWORD', 'DEFAULT_CREDENTIALS']),
        }),
      () =>
        create('assets', {
          id: `a${n}`,
          deviceId: d.id,
          name: `Asset ${n}`,
          kind: 'THERAPY_DELIVERY',
          severity: pick(['MINOR', 'SERIOUS', 'CATASTROPHIC']),
        }),
      () =>
        create('vulnerabilities', {
          id: `v${n}`,
          cveId: `CVE-2020-${1000 + n}`,
          cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
          elementId: d.id,
        }),
      () =>
        create('controlPlacements', {
          id: `p${n}`,
          controlId: pick(['C02', 'C05', 'C18']),
          elementId: d.id,
          status: pick(['PLANNED', 'IMPLEMENTED']),
        }),
    );
    if (deviceIds.length > 1) {
      choices.push(() => {
        const [from, to] = [pick(deviceIds), pick(deviceIds)];
        return create('channels', {
          id: `c${n}`,
          name: `Channel ${n}`,
          fromDeviceId: from,
          toDeviceId: to,
          technology: 'ETHERNET',
          carries: ['COMMANDS'],
          zoneIds: some(zoneIds),
        });
      });
    }
  }
  for (const kind of ['interfaces', 'channels', 'assets', 'vulnerabilities'] as const) {
    if (doc[kind].length) choices.push(() => remove(kind, pick(doc[kind]).id));
  }
  if (doc.interfaces.length) {
    choices.push(() => update('interfaces', pick(doc.interfaces).id, { authentication: 'MFA', port: 443 }));
  }
  if (doc.controlPlacements.length) {
    const p = pick(doc.controlPlacements);
    choices.push(
      () =>
        update('controlPlacements', p.id, {
          status: p.status === 'PLANNED' ? 'IMPLEMENTED' : 'PLANNED',
          cost: rnd() < 0.5 ? null : n,
        }),
      () => remove('controlPlacements', p.id),
    );
  }
  choices.push(() =>
    h.gql(`mutation($m: ID!, $n: String) { updateModel(id: $m, name: $n) { version } }`, {
      m: modelId,
      n: `Random ward ${n}`,
    }),
  );
  const r = await pick(choices)();
  const code = firstError(r)?.extensions?.code;
  if (code === undefined) return true;
  if (code === 'BAD_USER_INPUT' || code === 'CONFLICT') return false;
  throw new Error(`unexpected error: ${JSON.stringify(r.errors)}`);
}

describe('the model at any version', () => {
  it.each([20261129, 7])(
    'after a random series of changes (seed %i), every earlier version rebuilds to the export taken at it',
    async (seed) => {
      const rnd = prng(seed);
      const modelId = h.uniqueModelId('hist');
      await h.gqlOk(`mutation($id: ID!) { createModel(id: $id, name: "Random ward") { id } }`, { id: modelId });
      const exports = new Map<number, unknown>([[1, await exportOf(modelId)]]);
      let version = 1;
      let accepted = 0;
      for (let n = 0; n < 45; n++) {
        const doc = exports.get(version) as Doc;
        const ok = await randomChange(modelId, doc, rnd, n);
        const now = await versionOf(modelId);
        expect(now).toBe(ok ? version + 1 : version); // a refused change leaves the version alone
        version = now;
        if (ok) {
          accepted++;
          exports.set(version, await exportOf(modelId));
        }
      }
      expect(accepted).toBeGreaterThan(20);
      for (const [v, expected] of exports) {
        const r = await exportAt(modelId, { version: v });
        expect(r.errors).toBeUndefined();
        expect(r.data!.exportModel).toEqual(expected);
      }
      // each step's diff is non-empty and says what changed from the version before
      for (let v = 2; v <= version; v++) {
        const d = (await diff(modelId, { version: v - 1 }, { version: v })).data!.modelDiff;
        expect(d.identical).toBe(false);
        expect(d.from).toMatchObject({ kind: 'VERSION', version: v - 1 });
      }
    },
  );

  it('rebuilds correctly while other requests keep writing (reads and writes interleaved)', async () => {
    const modelId = await demoCopy('conc');
    const exports = new Map<number, unknown>();
    const deviceIds = ['dev-ehr', 'dev-alarm-server'];
    for (let i = 0; i < 6; i++) {
      await h.gqlOk(
        `mutation($m: ID!, $d: ID!, $s: String) { updateDevice(modelId: $m, id: $d, patch: { software: $s }) { id } }`,
        {
          m: modelId,
          d: deviceIds[i % 2],
          s: `build ${i}`,
        },
      );
      exports.set(await versionOf(modelId), await exportOf(modelId));
    }
    const known = [...exports.keys()];
    // concurrent writers may exhaust the write path's retries (CONFLICT, nothing written): both outcomes are fine here
    const writes = Array.from({ length: 6 }, async (_, i) => {
      const r = await h.gql(`mutation($m: ID!, $i: ZoneInput!) { createZone(modelId: $m, input: $i) { id } }`, {
        m: modelId,
        i: { id: `zc-${i}`, name: `Concurrent ${i}`, kind: 'OTHER', entryPoint: false },
      });
      if (r.errors) expect(firstError(r)?.extensions?.code).toBe('CONFLICT');
      return r;
    });
    const reads = Array.from({ length: 12 }, (_, i) => exportAt(modelId, { version: known[i % known.length]! }));
    const snapshots = Array.from({ length: 3 }, (_, i) => createSnapshot(modelId, `during writes ${i}`));
    const [writeResults, readResults, snapResults] = await Promise.all([
      Promise.all(writes),
      Promise.all(reads),
      Promise.all(snapshots),
    ]);
    expect(writeResults.some((r) => !r.errors)).toBe(true);
    readResults.forEach((r, i) => {
      expect(r.errors).toBeUndefined();
      expect(r.data!.exportModel).toEqual(exports.get(known[i % known.length]!));
    });
    // a snapshot taken during the writes holds exactly the version it names
    for (const s of snapResults) {
      const snap = s.data!.createSnapshot;
      const doc = await h.gqlOk<{ model: { snapshot: { document: unknown } } }>(
        `query($m: ID!, $s: ID!) { model(id: $m) { snapshot(id: $s) { document } } }`,
        { m: modelId, s: snap.id },
      );
      expect((await exportAt(modelId, { version: snap.modelVersion })).data!.exportModel).toEqual(
        doc.model.snapshot.document,
      );
    }
  });

  it('passes an import with replace through its AUTOMATIC snapshot; stops there, naming its version, once an admin deletes it', async () => {
    const modelId = await demoCopy('imp');
    const before = (await createSnapshot(modelId, 'before import')).data!.createSnapshot;
    await h.gqlOk(`mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-ehr", patch: { riskClass: D }) { id } }`, {
      m: modelId,
    });
    const doc = (await exportOf(modelId)) as Doc & { zones: Record<string, unknown>[] };
    const replaced = structuredClone(doc);
    doc.zones.push({ id: 'z-imported', name: 'Imported wing', kind: 'CLINICAL', entryPoint: false });
    const imported = await h.gqlOk<{ importModel: { version: number } }>(
      `mutation($d: JSON!) { importModel(document: $d, replace: true) { version } }`,
      { d: doc },
    );
    const n = imported.importModel.version;
    await h.gqlOk(`mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-ehr", patch: { riskClass: C }) { id } }`, {
      m: modelId,
    });
    const ok = await exportAt(modelId, { version: n });
    expect(ok.errors).toBeUndefined();
    const kept = await exportAt(modelId, { version: n - 1 });
    expect(kept.errors).toBeUndefined();
    expect(kept.data!.exportModel).toEqual(replaced);
    const earliestOf = async () =>
      (
        await h.gqlOk<{ model: { earliestVersion: number } }>(`query($m: ID!) { model(id: $m) { earliestVersion } }`, {
          m: modelId,
        })
      ).model.earliestVersion;
    expect(await earliestOf()).toBe(1);
    const auto = (
      await h.gqlOk<{ model: { snapshots: { id: string; kind: string }[] } }>(
        `query($m: ID!) { model(id: $m) { snapshots { id kind } } }`,
        { m: modelId },
      )
    ).model.snapshots.find((s) => s.kind === 'AUTOMATIC')!;
    await h.gqlOk(`mutation($m: ID!, $s: ID!) { deleteSnapshot(modelId: $m, id: $s) { id } }`, {
      m: modelId,
      s: auto.id,
    });
    const refused = await exportAt(modelId, { version: n - 1 });
    expect(firstError(refused)).toMatchObject({
      message: `revision.version: history before version ${n} was replaced by an import; use a snapshot`,
      extensions: { code: 'BAD_USER_INPUT', field: 'revision.version' },
    });
    expect(await earliestOf()).toBe(n);
    const d = (await diff(modelId, { snapshotId: before.id }, { current: true })).data!.modelDiff;
    expect(d.from).toMatchObject({
      kind: 'SNAPSHOT',
      version: before.modelVersion,
      snapshot: { name: 'before import' },
    });
    expect(d.kinds.find((k) => k.kind === 'ZONE')!.added.map((r) => r.id)).toEqual(['z-imported']);
    expect(d.kinds.find((k) => k.kind === 'DEVICE')!.changed.map((c) => [c.id, c.fields])).toEqual([
      ['dev-ehr', [{ field: 'riskClass', before: expect.any(String), after: 'C' }]],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('modelDiff', () => {
  let modelId: string;
  let baseline: Snapshot;
  beforeAll(async () => {
    modelId = await demoCopy('diff');
    baseline = (await createSnapshot(modelId, 'baseline')).data!.createSnapshot;
  });

  it('between a snapshot and now after implementing the recommendation: placements called out, risk down', async () => {
    const existing = await h.gqlOk<{
      model: { controlPlacements: { nodes: { controlId: string; elementId: string }[] } };
    }>(`query($m: ID!) { model(id: $m) { controlPlacements(first: 1000) { nodes { controlId elementId } } } }`, {
      m: modelId,
    });
    const key = (p: { controlId: string; elementId: string }) => `${p.controlId}|${p.elementId}`;
    const before = new Set(existing.model.controlPlacements.nodes.map(key));
    const rec = await h.gqlOk<{
      model: { recommendControls: { placements: { controlId: string; elementId: string }[] } };
    }>(
      `query($m: ID!) { model(id: $m) { recommendControls(minSeverity: CRITICAL) { placements { controlId elementId } } } }`,
      { m: modelId },
    );
    const accepted = await h.gqlOk<{ acceptRecommendation: { id: string; controlId: string; elementId: string }[] }>(
      `mutation($m: ID!, $p: [PlacementInput!]!) { acceptRecommendation(modelId: $m, placements: $p) { id controlId elementId } }`,
      { m: modelId, p: rec.model.recommendControls.placements },
    );
    const afterAccept = await versionOf(modelId);
    for (const p of accepted.acceptRecommendation) {
      await h.gqlOk(
        `mutation($m: ID!, $id: ID!) { updateControlPlacement(modelId: $m, id: $id, patch: { status: IMPLEMENTED }) { id } }`,
        { m: modelId, id: p.id },
      );
    }
    const r = await diff(modelId, { snapshotId: baseline.id }, { current: true });
    expect(r.errors).toBeUndefined();
    const d = r.data!.modelDiff;
    expect(d.from).toMatchObject({ kind: 'SNAPSHOT', version: baseline.modelVersion, snapshot: { id: baseline.id } });
    expect(d.to).toMatchObject({ kind: 'CURRENT', version: await versionOf(modelId), snapshot: null });
    expect(d.identical).toBe(false);
    expect(d.changeCount).toBe(accepted.acceptRecommendation.length);
    expect(d.kinds.map((k) => k.kind)).toEqual([
      'ZONE',
      'DEVICE',
      'INTERFACE',
      'CHANNEL',
      'ASSET',
      'VULNERABILITY',
      'CONTROL_PLACEMENT',
    ]);
    // a recommended placement the model already had as PLANNED is returned by acceptRecommendation
    // as it is: the diff shows it changed (PLANNED → IMPLEMENTED), the others added
    const added = d.controlPlacements.added;
    const newlyPlaced = accepted.acceptRecommendation.filter((p) => !before.has(key(p)));
    const alreadyPlanned = accepted.acceptRecommendation.filter((p) => before.has(key(p)));
    expect(newlyPlaced.length).toBeGreaterThan(0);
    expect(added.map((p) => [p.controlId, p.elementId]).sort()).toEqual(
      newlyPlaced.map((p) => [p.controlId, p.elementId]).sort(),
    );
    expect(
      d.controlPlacements.changed.map((p) => [p.controlId, p.elementId, p.statusBefore, p.statusAfter]).sort(),
    ).toEqual(alreadyPlanned.map((p) => [p.controlId, p.elementId, 'PLANNED', 'IMPLEMENTED']).sort());
    for (const p of added) {
      expect(p).toMatchObject({ status: 'IMPLEMENTED', statusBefore: null, statusAfter: 'IMPLEMENTED' });
      expect(p.elementName).toEqual(expect.any(String));
    }
    expect(d.risk.before.totalRisk).toBeCloseTo(baseline.riskTotals.totalRisk, 9);
    expect(d.risk.after.totalRisk).toBeLessThan(d.risk.before.totalRisk);
    expect(d.risk.totalRiskChange).toBeCloseTo(d.risk.after.totalRisk - d.risk.before.totalRisk, 9);
    const now = await h.gqlOk<{ model: { attackPaths: { totalRisk: number } } }>(
      `query($m: ID!) { model(id: $m) { attackPaths(minSeverity: NEGLIGIBLE, maxPaths: 100000) { totalRisk } } }`,
      { m: modelId },
    );
    expect(d.risk.after.totalRisk).toBeCloseTo(now.model.attackPaths.totalRisk, 9);

    // the status change alone, between two versions: placements changed PLANNED → IMPLEMENTED
    const step = (await diff(modelId, { version: afterAccept }, { current: true })).data!.modelDiff;
    expect(step.controlPlacements.added).toEqual([]);
    expect(
      step.controlPlacements.changed.map((p) => [p.statusBefore, p.statusAfter, p.fields!.map((f) => f.field)]),
    ).toEqual(accepted.acceptRecommendation.map(() => ['PLANNED', 'IMPLEMENTED', ['status']]));
  });

  it('a revision against itself is identical', async () => {
    const d = (await diff(modelId, { snapshotId: baseline.id }, { version: baseline.modelVersion })).data!.modelDiff;
    expect(d.identical).toBe(true);
    expect(d.changeCount).toBe(0);
    expect(d.risk.totalRiskChange).toBe(0);
  });

  it('errors name the argument: unknown snapshot, version out of range, none or several fields, current: false', async () => {
    const current = await versionOf(modelId);
    const cases: [Record<string, unknown>, Record<string, unknown>, string, string][] = [
      [{ snapshotId: 'snap-nope' }, { current: true }, 'NOT_FOUND', 'from.snapshotId'],
      [{ current: true }, { version: current + 1 }, 'BAD_USER_INPUT', 'to.version'],
      [{ version: 0 }, { current: true }, 'BAD_USER_INPUT', 'from.version'],
      [{}, { current: true }, 'BAD_USER_INPUT', 'from'],
      [{ current: true }, { version: 1, snapshotId: baseline.id }, 'BAD_USER_INPUT', 'to'],
      [{ current: false }, { current: true }, 'BAD_USER_INPUT', 'from.current'],
    ];
    for (const [f, t, code, field] of cases) {
      const r = await diff(modelId, f, t);
      expect({ f, t, ...firstError(r)?.extensions }).toMatchObject({ f, t, code, field });
    }
    // another model's snapshot is unknown here
    const other = await demoCopy('diff-other');
    const foreign = (await createSnapshot(other, 'foreign')).data!.createSnapshot;
    const r = await diff(modelId, { snapshotId: foreign.id }, { current: true });
    expect(firstError(r)?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'from.snapshotId' });
  });

  it('is open to viewers of the model and closed to everyone else', async () => {
    const viewer = await diff(modelId, { version: 1 }, { current: true }, user('VIEWER', [modelId]));
    expect(viewer.errors).toBeUndefined();
    const outsider = await diff(modelId, { version: 1 }, { current: true }, user('EDITOR', ['elsewhere']));
    expect(firstError(outsider)?.extensions?.code).toBe('FORBIDDEN');
  });
});

// ---------------------------------------------------------------------------------------------

interface HistoryNode {
  id: string;
  at: string;
  actorKind: string;
  actorId: string;
  actorName: string;
  action: string;
  modelId: string;
  modelVersion: number | null;
  summary: string;
  changes: {
    kind: string;
    id: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }[];
}
const HISTORY = `query($m: ID!, $first: Int, $after: String) { model(id: $m) { version history(first: $first, after: $after) {
  nodes { id at actorKind actorId actorName action modelId modelVersion summary changes { kind id before after } }
  pageInfo { hasNextPage endCursor } } } }`;
const historyOf = async (m: string, first = 500) =>
  (await h.gqlOk<{ model: { version: number; history: { nodes: HistoryNode[] } } }>(HISTORY, { m, first })).model
    .history.nodes;

describe('model version and audit entries', () => {
  it('every kind of change bumps the version by one and writes exactly one audit entry with it', async () => {
    const modelId = h.uniqueModelId('ver');
    const editor = user('EDITOR', [modelId], 'u-editor-ver');
    const steps: [string, () => Promise<unknown>][] = [
      [
        'createZone',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { createZone(modelId: $m, input: { id: "home", name: "Home", kind: PATIENT_HOME, entryPoint: true }) { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'createDevice',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { createDevice(modelId: $m, input: { id: "pump", name: "Pump", category: INSULIN_PUMP, riskClass: C, zoneIds: ["home"] }) { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'createInterface',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { createInterface(modelId: $m, input: { id: "pump-web", deviceId: "pump", name: "Web", kind: WEB_UI, exposedToZoneIds: ["home"], authentication: NONE }) { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'createAsset',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { createAsset(modelId: $m, input: { id: "dose", deviceId: "pump", name: "Dose", kind: THERAPY_DELIVERY, severity: CATASTROPHIC }) { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'updateDevice',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { updateDevice(modelId: $m, id: "pump", patch: { riskClass: D }) { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'updateModel',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { updateModel(id: $m, description: "home therapy") { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'acceptRecommendation',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { acceptRecommendation(modelId: $m, placements: [{ controlId: "C05", elementId: "pump" }]) { id } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'deleteInterface',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { deleteInterface(modelId: $m, id: "pump-web") { modelVersion } }`,
            { m: modelId },
            editor,
          ),
      ],
      [
        'importModel',
        async () => {
          const doc = await exportOf(modelId);
          return h.gqlOk(`mutation($d: JSON!) { importModel(document: $d, replace: true) { id } }`, { d: doc }, editor);
        },
      ],
      [
        'deleteDevice',
        () =>
          h.gqlOk(
            `mutation($m: ID!) { deleteDevice(modelId: $m, id: "pump") { modelVersion } }`,
            { m: modelId },
            editor,
          ),
      ],
    ];
    await h.gqlOk(`mutation($id: ID!) { createModel(id: $id, name: "Versions") { version } }`, { id: modelId }, editor);
    expect(await versionOf(modelId)).toBe(1);
    let version = 1;
    for (const [action, run] of steps) {
      const result = (await run()) as Record<string, { modelVersion?: number }>;
      const now = await versionOf(modelId);
      expect({ action, version: now }).toEqual({ action, version: version + 1 });
      const payload = Object.values(result)[0];
      if (payload && typeof payload === 'object' && 'modelVersion' in payload) expect(payload.modelVersion).toBe(now);
      version = now;
      const entries = (await historyOf(modelId)).filter((e) => e.modelVersion === now);
      expect({ action, entries: entries.map((e) => [e.action, e.actorId]) }).toEqual({
        action,
        entries: [[action, editor.id]],
      });
    }
    // versions 1..N each have exactly one entry, and nothing else carries a version
    const all = await historyOf(modelId);
    expect(all.map((e) => e.modelVersion).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: version }, (_, i) => i + 1),
    );
  });
});

describe('ThreatModel.history', () => {
  let modelId: string;
  beforeAll(async () => {
    modelId = await demoCopy('audit');
  });

  it('records who, when, what, before and after for createDevice, updateDevice, deleteDevice (cascade), acceptRecommendation', async () => {
    const editor = user('EDITOR', [modelId], 'u-editor-audit');
    const start = Date.now();
    await h.gqlOk(
      `mutation($m: ID!) { createDevice(modelId: $m, input: { id: "dev-new-pump", name: "New pump", category: INFUSION_PUMP, riskClass: C, zoneIds: ["z-icu-vlan"] }) { id } }`,
      { m: modelId },
      editor,
    );
    await h.gqlOk(
      `mutation($m: ID!) { createInterface(modelId: $m, input: { id: "if-new-pump-web", deviceId: "dev-new-pump", name: "Web", kind: WEB_UI, exposedToZoneIds: ["z-icu-vlan"], authentication: NONE }) { id } }`,
      { m: modelId },
      editor,
    );
    await h.gqlOk(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-new-pump", patch: { riskClass: D, software: "fw 2.1" }) { id } }`,
      { m: modelId },
      editor,
    );
    await h.gqlOk(
      `mutation($m: ID!) { acceptRecommendation(modelId: $m, placements: [{ controlId: "C05", elementId: "dev-new-pump", cost: 2.5 }]) { id } }`,
      { m: modelId },
      editor,
    );
    await h.gqlOk(
      `mutation($m: ID!) { deleteDevice(modelId: $m, id: "dev-new-pump") { deletedIds } }`,
      { m: modelId },
      editor,
    );

    const nodes = await historyOf(modelId, 5);
    expect(nodes.map((e) => e.action)).toEqual([
      'deleteDevice',
      'acceptRecommendation',
      'updateDevice',
      'createInterface',
      'createDevice',
    ]);
    for (const e of nodes) {
      expect(e).toMatchObject({ actorKind: 'USER', actorId: editor.id, actorName: editor.name, modelId });
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(start - 5000);
      expect(e.summary.length).toBeGreaterThan(0);
    }
    const [del, accept, upd, , create] = nodes as [HistoryNode, HistoryNode, HistoryNode, HistoryNode, HistoryNode];
    expect(create.changes).toEqual([
      {
        kind: 'devices',
        id: 'dev-new-pump',
        before: null,
        after: expect.objectContaining({ id: 'dev-new-pump', riskClass: 'C', zoneIds: ['z-icu-vlan'] }),
      },
    ]);
    expect(upd.changes).toHaveLength(1);
    expect(upd.changes[0]!.before).toMatchObject({ riskClass: 'C' });
    expect(upd.changes[0]!.before).not.toHaveProperty('software');
    expect(upd.changes[0]!.after).toMatchObject({ riskClass: 'D', software: 'fw 2.1' });
    expect(accept.changes).toEqual([
      {
        kind: 'controlPlacements',
        id: expect.any(String),
        before: null,
        after: expect.objectContaining({ controlId: 'C05', elementId: 'dev-new-pump', status: 'PLANNED', cost: 2.5 }),
      },
    ]);
    // the cascade: device, its interface and the placement on it, each with its before image
    const placementId = accept.changes[0]!.id;
    expect(del.changes.map((c) => [c.kind, c.id, c.after]).sort()).toEqual(
      [
        ['controlPlacements', placementId, null],
        ['devices', 'dev-new-pump', null],
        ['interfaces', 'if-new-pump-web', null],
      ].sort(),
    );
    expect(del.changes.find((c) => c.kind === 'devices')!.before).toMatchObject({ riskClass: 'D', software: 'fw 2.1' });
    expect(del.changes.find((c) => c.kind === 'interfaces')!.before).toMatchObject({ deviceId: 'dev-new-pump' });
  });

  it('pages with cursors and covers only the model since it was created', async () => {
    const page1 = await h.gqlOk<{
      model: { history: { nodes: HistoryNode[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    }>(HISTORY, { m: modelId, first: 2 });
    expect(page1.model.history.nodes).toHaveLength(2);
    expect(page1.model.history.pageInfo.hasNextPage).toBe(true);
    const page2 = await h.gqlOk<{ model: { history: { nodes: HistoryNode[] } } }>(HISTORY, {
      m: modelId,
      first: 2,
      after: page1.model.history.pageInfo.endCursor,
    });
    expect(page2.model.history.nodes[0]!.id).not.toBe(page1.model.history.nodes[1]!.id);
    // a model deleted and re-created under the same id starts a fresh history
    const id = h.uniqueModelId('reborn');
    await h.gqlOk(`mutation($id: ID!) { createModel(id: $id, name: "first life") { id } }`, { id });
    await h.gqlOk(`mutation($id: ID!) { updateModel(id: $id, name: "first life, renamed") { id } }`, { id });
    await h.gqlOk(`mutation($id: ID!) { deleteModel(id: $id) }`, { id });
    await h.gqlOk(`mutation($id: ID!) { createModel(id: $id, name: "second life") { id } }`, { id });
    const reborn = await historyOf(id);
    expect(reborn.map((e) => [e.action, e.modelVersion])).toEqual([['createModel', 1]]);
    expect((await exportAt(id, { version: 1 })).data!.exportModel).toMatchObject({ model: { name: 'second life' } });
  });

  it('is FORBIDDEN for viewers and editors, while the rest of the model still reads', async () => {
    for (const role of ['VIEWER', 'EDITOR'] as const) {
      const r = await h.gql<{ model: unknown }>(
        `query($m: ID!) { model(id: $m) { id history(first: 1) { nodes { id } } } }`,
        { m: modelId },
        user(role, [modelId]),
      );
      expect(firstError(r)?.extensions?.code).toBe('FORBIDDEN');
      expect(firstError(r)?.path).toEqual(['model', 'history']);
      const ok = await h.gql(`query($m: ID!) { model(id: $m) { id version } }`, { m: modelId }, user(role, [modelId]));
      expect(ok.errors).toBeUndefined();
    }
  });
});
