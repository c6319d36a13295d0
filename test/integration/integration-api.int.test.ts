/**
 * Inventory integration end to end against the real Neo4j (issue #5 item 6): upsertDevices
 * (counts, idempotency, per-item errors, batches, rejected calls change nothing, 10k devices),
 * device lookups by identifier, and the analysis of one device (paths through it, controls
 * recommended on it) compared with the model's own analysis.
 */
import type { Principal } from '../../server/src/domain/auth/principal';
import { ServiceUnavailableError } from '../../server/src/domain/errors';
import type { ModelRepository } from '../../server/src/graph/repositories/model-repository';
import { TestHelper } from '../support/neo4j';

let h: TestHelper;
beforeAll(async () => {
  h = await new TestHelper().init({ loadDemo: true });
});
afterAll(async () => {
  await h.close();
});

type UpsertError = { index: number; externalId: string | null; code: string; field: string; message: string };
type UpsertResult = {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: UpsertError[];
  modelVersion: number;
  batches: number;
};
type Err = { message: string; extensions?: { code?: string; field?: string; issues?: { path: string }[] } };
type Item = Record<string, unknown>;

const UPSERT = `mutation($m: ID!, $d: [DeviceUpsertInput!]!, $b: Int) {
  upsertDevices(modelId: $m, devices: $d, batchSize: $b) {
    created updated unchanged failed modelVersion batches
    errors { index externalId code field message }
  }
}`;

async function upsert(modelId: string, devices: Item[], batchSize?: number, as?: Principal): Promise<UpsertResult> {
  const r = await h.gql<{ upsertDevices: UpsertResult }>(
    UPSERT,
    { m: modelId, d: devices, ...(batchSize ? { b: batchSize } : {}) },
    as,
  );
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data!.upsertDevices;
}

async function version(modelId: string): Promise<number> {
  return (await h.gqlOk<{ model: { version: number } }>(`query($m: ID!) { model(id: $m) { version } }`, { m: modelId }))
    .model.version;
}

type Doc = {
  devices: (Item & { id: string; externalId?: string })[];
  interfaces: { id: string; deviceId: string }[];
  assets: { id: string; deviceId: string }[];
  channels: { id: string; fromDeviceId: string; toDeviceId: string }[];
};
async function exported(modelId: string): Promise<Doc> {
  return (await h.gqlOk<{ exportModel: Doc }>(`query($m: ID!) { exportModel(id: $m) }`, { m: modelId })).exportModel;
}

/** A model with three zones and no devices. */
async function emptyModel(prefix: string): Promise<string> {
  const id = h.uniqueModelId(prefix);
  const doc = {
    formatVersion: '1.0',
    model: { id, name: `inventory ${prefix}` },
    zones: [
      { id: 'z-internet', name: 'Internet', kind: 'INTERNET', entryPoint: true },
      { id: 'z-icu', name: 'ICU VLAN', kind: 'CLINICAL', entryPoint: false },
      { id: 'z-ward', name: 'Ward VLAN', kind: 'CLINICAL', entryPoint: false },
    ],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  };
  await h.gqlOk(`mutation($d: JSON!) { importModel(document: $d) { id } }`, { d: doc });
  return id;
}

/** A copy of the demo hospital under a fresh id. */
async function demoCopy(prefix: string): Promise<string> {
  const id = h.uniqueModelId(prefix);
  const doc = await exported('demo-hospital');
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: doc,
    t: id,
  });
  return id;
}

const pump = (n: number, extra: Item = {}): Item => ({
  externalId: `CMDB-${String(n).padStart(6, '0')}`,
  name: `Infusion pump ${n}`,
  category: 'INFUSION_PUMP',
  riskClass: 'C',
  zoneIds: [n % 2 ? 'z-icu' : 'z-ward'],
  ...extra,
});

describe('upsertDevices', () => {
  it('creates, updates and leaves unchanged by externalId, keeping ids and normalising addresses', async () => {
    const m = await emptyModel('upsert');
    const first = await upsert(m, [
      pump(1, { ipAddresses: ['10.30.8.21'], macAddresses: ['00-1B-63-4E-82-19'], assetTag: ' BME-1 ' }),
      pump(2, { id: 'dev-pump-two' }),
      pump(3),
    ]);
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0, failed: 0, errors: [], batches: 1 });
    const doc1 = await exported(m);
    const byExt = (d: Doc, e: string) => d.devices.find((x) => x.externalId === e)!;
    const d1 = byExt(doc1, 'CMDB-000001');
    expect(d1).toMatchObject({
      macAddresses: ['00:1b:63:4e:82:19'],
      ipAddresses: ['10.30.8.21'],
      assetTag: 'BME-1',
      generalPurposeOs: false,
      patchable: true,
    });
    expect(d1.id).toMatch(/^dev-infusion-pump-1-[0-9a-f]{6}$/);
    expect(byExt(doc1, 'CMDB-000002').id).toBe('dev-pump-two');

    const second = await upsert(m, [
      { externalId: 'CMDB-000001', name: 'ICU pump 1', macAddresses: null },
      pump(2, { id: 'dev-pump-two' }),
      pump(4),
    ]);
    expect(second).toMatchObject({ created: 1, updated: 1, unchanged: 1, failed: 0, batches: 1 });
    expect(second.modelVersion).toBe(first.modelVersion + 1);
    const d1after = byExt(await exported(m), 'CMDB-000001');
    expect(d1after.id).toBe(d1.id);
    expect(d1after.name).toBe('ICU pump 1');
    expect('macAddresses' in d1after).toBe(false);
    expect(d1after.ipAddresses).toEqual(['10.30.8.21']); // absent fields stay
  });

  it('is idempotent: the same call again changes nothing, not even the model version', async () => {
    const m = await emptyModel('idem');
    const items = [pump(1, { macAddresses: ['001b.634e.8219'] }), pump(2, { ipAddresses: ['2001:DB8::0:15'] })];
    const once = await upsert(m, items);
    expect(once.created).toBe(2);
    const before = await h.fingerprint();
    const v = await version(m);
    const again = await upsert(m, items);
    expect(again).toEqual({
      created: 0,
      updated: 0,
      unchanged: 2,
      failed: 0,
      errors: [],
      modelVersion: v,
      batches: 0,
    });
    expect(await version(m)).toBe(v);
    expect(await h.fingerprint()).toBe(before);
  });

  it('reports invalid items with index, code and field, and writes the valid ones', async () => {
    const m = await demoCopy('errors');
    const items: Item[] = [
      pump(1, { zoneIds: ['z-icu-vlan'] }), // 0 valid
      pump(2, { zoneIds: ['z-nowhere'] }), // 1 unknown zone
      pump(3, { zoneIds: ['z-icu-vlan'], macAddresses: ['00:11:22:33:44:55', 'not-a-mac'] }), // 2 bad MAC
      { externalId: 'CMDB-NEW' }, // 3 missing fields to create
      pump(1, { zoneIds: ['z-icu-vlan'] }), // 4 duplicate externalId
      pump(5, { zoneIds: ['z-icu-vlan'], id: 'z-icu-vlan' }), // 5 id of a zone
      { externalId: 'CMDB-020114', name: null }, // 6 clears a required field
      { externalId: 'CMDB-020114', id: 'dev-other' }, // 7 duplicate externalId (6 was first)
      // 8 valid: C11 (anti-malware) placed on it needs a GP OS, but a stored placement that no longer
      // fits never fails a write (controls v2: the control review lists it)
      { externalId: 'CMDB-004711', generalPurposeOs: false },
      { externalId: 'CMDB-010871', ipAddresses: ['10.10.4.256'], name: 'x'.repeat(201) }, // 9 two problems
      { externalId: '   ', name: 'blank' }, // 10 blank externalId
      { externalId: 'CMDB-020201', ipAddresses: ['10.30.8.31', '10.30.8.32'] }, // 11 valid update
    ];
    const v = await version(m);
    const r = await upsert(m, items);
    expect(r).toMatchObject({ created: 1, updated: 2, unchanged: 0, failed: 9, batches: 1 });
    expect(r.modelVersion).toBe(v + 1);
    const codes = r.errors.map((e) => [e.index, e.code, e.field]);
    expect(codes).toEqual(
      expect.arrayContaining([
        [1, 'BAD_USER_INPUT', 'devices[1].zoneIds[0]'],
        [2, 'BAD_USER_INPUT', 'devices[2].macAddresses[1]'],
        [3, 'MISSING_FIELD', 'devices[3].name'],
        [3, 'MISSING_FIELD', 'devices[3].category'],
        [3, 'MISSING_FIELD', 'devices[3].riskClass'],
        [3, 'MISSING_FIELD', 'devices[3].zoneIds'],
        [4, 'DUPLICATE_EXTERNAL_ID', 'devices[4].externalId'],
        [5, 'CONFLICT', 'devices[5].id'],
        [6, 'BAD_USER_INPUT', 'devices[6].name'],
        [7, 'DUPLICATE_EXTERNAL_ID', 'devices[7].externalId'],
        [9, 'BAD_USER_INPUT', 'devices[9].ipAddresses[0]'],
        [10, 'BAD_USER_INPUT', 'devices[10].externalId'],
      ]),
    );
    expect(r.errors.find((e) => e.index === 8)).toBeUndefined();
    expect(r.errors.find((e) => e.index === 2)!.message).toMatch(/'not-a-mac' is not a MAC address/);
    expect(r.errors.find((e) => e.index === 4)!.message).toMatch(/already used by devices\[0\]/);
    // item 9: its name length is a schema problem; its IP is reported too (stage 1 comes first)
    expect(r.errors.filter((e) => e.index === 9).map((e) => e.field)).toContain('devices[9].ipAddresses[0]');
    // every error is about an item, and the errors are ordered by index
    expect(r.errors.map((e) => e.index)).toEqual([...r.errors.map((e) => e.index)].sort((a, b) => a - b));
    const doc = await exported(m);
    expect(doc.devices.find((d) => d.externalId === 'CMDB-000001')).toBeDefined();
    expect(doc.devices.find((d) => d.externalId === 'CMDB-000002')).toBeUndefined();
    expect(doc.devices.find((d) => d.externalId === 'CMDB-020201')!['ipAddresses']).toEqual([
      '10.30.8.31',
      '10.30.8.32',
    ]);
    expect(doc.devices.find((d) => d.externalId === 'CMDB-004711')!['generalPurposeOs']).toBe(false); // item 8 applied
  });

  it('a call whose items are all invalid leaves the database exactly as it was', async () => {
    const m = await demoCopy('rejected');
    const before = await h.fingerprint();
    const v = await version(m);
    const r = await upsert(m, [pump(1, { zoneIds: ['z-nowhere'] }), { externalId: 'CMDB-004711', name: '' }]);
    expect(r).toMatchObject({ created: 0, updated: 0, failed: 2, batches: 0, modelVersion: v });
    expect(await h.fingerprint()).toBe(before);
  });

  it('refuses the whole call, writing nothing, for more than 10 000 items, a bad batchSize or an unknown model', async () => {
    const m = await emptyModel('limits');
    const before = await h.fingerprint();
    const tooMany = await h.gql(UPSERT, { m, d: Array.from({ length: 10_001 }, (_, i) => pump(i)) });
    expect((tooMany.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    expect((tooMany.errors?.[0] as Err).extensions?.field).toBe('devices');
    const badBatch = await h.gql(UPSERT, { m, d: [pump(1)], b: 0 });
    expect((badBatch.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    expect((badBatch.errors?.[0] as Err).extensions?.field).toBe('batchSize');
    const noModel = await h.gql(UPSERT, { m: 'no-such-model', d: [pump(1)] });
    expect((noModel.errors?.[0] as Err).extensions?.code).toBe('NOT_FOUND');
    const badEnum = await h.gql(UPSERT, { m, d: [pump(1, { category: 'PUMP' })] });
    expect((badEnum.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    expect(await h.fingerprint()).toBe(before);
  });

  it('a batch whose transaction fails is rolled back whole; its items and later ones are NOT_WRITTEN', async () => {
    const m = await emptyModel('rollback');
    const repo = (h.services.models as unknown as { repo: ModelRepository }).repo;
    const real = repo.applyChanges.bind(repo);
    let calls = 0;
    const spy = jest.spyOn(repo, 'applyChanges').mockImplementation(async (...args) => {
      const v = await real(...args); // the batch's devices are written in the transaction ...
      if (++calls === 2) throw new ServiceUnavailableError('simulated: the database went away'); // ... then it fails
      return v;
    });
    try {
      const v = await version(m);
      const r = await upsert(
        m,
        Array.from({ length: 25 }, (_, i) => pump(i)),
        10,
      );
      expect(r).toMatchObject({ created: 10, failed: 15, batches: 1, modelVersion: v + 1 });
      expect(r.errors.map((e) => e.index)).toEqual(Array.from({ length: 15 }, (_, i) => i + 10));
      expect(new Set(r.errors.map((e) => e.code))).toEqual(new Set(['NOT_WRITTEN']));
      expect(r.errors[0]!.message).toMatch(/simulated.*1 earlier batch\(es\) were written/);
      // the failed batch left nothing behind: only the first batch is stored, and the model is at its version
      const stored = (await exported(m)).devices.map((d) => d.externalId).sort();
      expect(stored).toEqual(Array.from({ length: 10 }, (_, i) => pump(i)['externalId']).sort());
      expect(await version(m)).toBe(v + 1);
      const left = await h.db.driver.executeQuery('MATCH (n:Device {modelId: $m}) RETURN count(n) AS n', { m });
      expect(left.records[0]!.get('n')).toBe(10);
    } finally {
      spy.mockRestore();
    }
    // sent again, the rest is written and the first ten are unchanged
    const again = await upsert(
      m,
      Array.from({ length: 25 }, (_, i) => pump(i)),
      10,
    );
    expect(again).toMatchObject({ created: 15, unchanged: 10, failed: 0 });
  });

  it('writes in batches: one transaction and one audit entry per batch', async () => {
    const m = await emptyModel('batches');
    const v = await version(m);
    const r = await upsert(
      m,
      Array.from({ length: 25 }, (_, i) => pump(i)),
      10,
    );
    expect(r).toMatchObject({ created: 25, batches: 3, modelVersion: v + 3 });
    const audit = await h.gqlOk<{
      auditEvents: { nodes: { action: string; modelVersion: number; changes: { kind: string; before: unknown }[] }[] };
    }>(
      `query($m: ID!) { auditEvents(modelId: $m, action: "upsertDevices") { nodes { action modelVersion changes { kind before } } } }`,
      { m },
    );
    const events = audit.auditEvents.nodes;
    expect(events.map((e) => e.modelVersion).sort()).toEqual([v + 1, v + 2, v + 3]);
    expect(events.map((e) => e.changes.length).sort()).toEqual([10, 10, 5]);
    expect(events.flatMap((e) => e.changes).every((c) => c.kind === 'devices' && c.before === null)).toBe(true);
  });

  it('claims a device that has no externalId yet when the item names its id', async () => {
    const m = await demoCopy('adopt');
    const r = await upsert(m, [{ externalId: 'CMDB-099001', id: 'dev-ehr', assetTag: 'IT-EHR-1' }]);
    expect(r).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const ehr = (await exported(m)).devices.find((d) => d.id === 'dev-ehr')!;
    expect(ehr).toMatchObject({ externalId: 'CMDB-099001', assetTag: 'IT-EHR-1', category: 'EHR' });
    // a device that has an externalId cannot be claimed by another one
    const r2 = await upsert(m, [{ externalId: 'CMDB-099002', id: 'dev-ehr', name: 'x' }]);
    expect(r2.errors[0]).toMatchObject({ code: 'CONFLICT', field: 'devices[0].id' });
  });

  it('needs EDITOR on the model: a viewer, or an editor of another model, is FORBIDDEN', async () => {
    const m = await emptyModel('access');
    const viewer: Principal = { kind: 'API_KEY', id: 'k-view', name: 'siem', role: 'VIEWER', modelIds: null };
    const otherEditor: Principal = { kind: 'API_KEY', id: 'k-other', name: 'cmdb', role: 'EDITOR', modelIds: ['x'] };
    const editor: Principal = { kind: 'API_KEY', id: 'k-cmdb', name: 'cmdb', role: 'EDITOR', modelIds: [m] };
    for (const p of [viewer, otherEditor]) {
      const r = await h.gql(UPSERT, { m, d: [pump(1)] }, p);
      expect((r.errors?.[0] as Err).extensions?.code).toBe('FORBIDDEN');
    }
    expect((await upsert(m, [pump(1)], undefined, editor)).created).toBe(1);
  });

  it('takes 10 000 devices in one call, then the same 10 000 again as unchanged', async () => {
    const m = await emptyModel('tenk');
    const items = Array.from({ length: 10_000 }, (_, i) =>
      pump(i, { ipAddresses: [`10.${40 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`] }),
    );
    const created = await upsert(m, items, 2000);
    expect(created).toMatchObject({ created: 10_000, failed: 0, batches: 5 });
    const count = await h.gqlOk<{ model: { counts: { devices: number } } }>(
      `query($m: ID!) { model(id: $m) { counts { devices } } }`,
      { m },
    );
    expect(count.model.counts.devices).toBe(10_000);
    const again = await upsert(m, items, 2000);
    expect(again).toMatchObject({ unchanged: 10_000, batches: 0, modelVersion: created.modelVersion });
    const found = await h.gqlOk<{ model: { devicesByIdentifier: { externalId: string }[] } }>(
      `query($m: ID!) { model(id: $m) { devicesByIdentifier(ipAddress: "10.40.39.15") { externalId } } }`,
      { m },
    );
    expect(found.model.devicesByIdentifier).toEqual([{ externalId: 'CMDB-009999' }]);
  });
});

describe('upsertDevices with the exchange format 2.0 device fields (hostDeviceId, outboundZoneIds, outboundAccepts)', () => {
  const DEVICE = `query($m: ID!, $id: ID!) { model(id: $m) { element(id: $id) { ... on Device { id hostDeviceId outboundZoneIds outboundAccepts } } } }`;
  const phone = (extra: Item = {}): Item => ({
    externalId: 'MDM-PHONE-1',
    id: 'dev-phone',
    name: 'Patient phone',
    category: 'OTHER',
    riskClass: 'A',
    zoneIds: ['z-ward'],
    ...extra,
  });
  const app = (extra: Item = {}): Item => ({
    externalId: 'MDM-APP-1',
    id: 'dev-app',
    name: 'Pump app',
    category: 'MOBILE_APP',
    riskClass: 'B',
    zoneIds: ['z-ward'],
    hostDeviceId: 'dev-phone',
    outboundZoneIds: ['z-internet', 'z-icu'],
    outboundAccepts: 'COMMANDS',
    ...extra,
  });

  it('writes them as createDevice does, reports an unknown zone or host on the item at its field, and is idempotent', async () => {
    const m = await emptyModel('upsert-v2');
    const feed = [
      phone(),
      app(),
      pump(1, { outboundZoneIds: ['z-internet', 'z-nowhere'] }),
      pump(2, { hostDeviceId: 'dev-missing' }),
      pump(3, { outboundZoneIds: ['z-internet'], outboundAccepts: 'CODE' }),
    ];
    const first = await upsert(m, feed);
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0, failed: 2, batches: 1 });
    expect(first.errors.map((e) => [e.index, e.externalId, e.code, e.field])).toEqual([
      [2, 'CMDB-000001', 'BAD_USER_INPUT', 'devices[2].outboundZoneIds[1]'],
      [3, 'CMDB-000002', 'BAD_USER_INPUT', 'devices[3].hostDeviceId'],
    ]);
    expect(first.errors[0]!.message).toMatch(/z-nowhere/);
    expect(first.errors[1]!.message).toMatch(/dev-missing/);

    // stored as createDevice stores them (lists sorted), read back through GraphQL and the export
    const read = await h.gqlOk<{ model: { element: Item } }>(DEVICE, { m, id: 'dev-app' });
    expect(read.model.element).toEqual({
      id: 'dev-app',
      hostDeviceId: 'dev-phone',
      outboundZoneIds: ['z-icu', 'z-internet'],
      outboundAccepts: 'COMMANDS',
    });
    const doc = await exported(m);
    expect(doc.devices.find((d) => d.externalId === 'CMDB-000003')).toMatchObject({
      outboundZoneIds: ['z-internet'],
      outboundAccepts: 'CODE',
    });
    expect(doc.devices.map((d) => d.externalId).sort()).toEqual(['CMDB-000003', 'MDM-APP-1', 'MDM-PHONE-1']);

    // the same feed again (zones in another order): nothing written, not even the version
    const before = await h.fingerprint();
    const again = await upsert(m, [phone(), app({ outboundZoneIds: ['z-icu', 'z-internet'] }), ...feed.slice(2)]);
    expect(again).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
      failed: 2,
      batches: 0,
      modelVersion: first.modelVersion,
    });
    expect(await h.fingerprint()).toBe(before);
  });

  it('null and [] clear them; a host chain that would loop is an item error, not a failed call, judged on the call as a whole', async () => {
    const m = await emptyModel('upsert-v2-clear');
    const created = await upsert(m, [phone(), app()]);
    expect(created).toMatchObject({ created: 2, failed: 0 });

    // the phone cannot be hosted on the app it hosts; the app's update in the same call is written
    const loop = await upsert(m, [
      phone({ hostDeviceId: 'dev-app' }),
      { externalId: 'MDM-APP-1', outboundZoneIds: [], outboundAccepts: null },
    ]);
    expect(loop).toMatchObject({ created: 0, updated: 1, unchanged: 0, failed: 1, batches: 1 });
    expect(loop.errors.map((e) => [e.index, e.code, e.field])).toEqual([
      [0, 'BAD_USER_INPUT', 'devices[0].hostDeviceId'],
    ]);
    expect(loop.errors[0]!.message).toMatch(/loop/);
    const read = await h.gqlOk<{ model: { element: Item } }>(DEVICE, { m, id: 'dev-app' });
    expect(read.model.element).toEqual({
      id: 'dev-app',
      hostDeviceId: 'dev-phone',
      outboundZoneIds: null,
      outboundAccepts: null,
    });
    const stored = (await exported(m)).devices.find((d) => d.id === 'dev-app')!;
    expect(['outboundZoneIds', 'outboundAccepts'].filter((k) => k in stored)).toEqual([]);

    // null clears the host; in the same call, the phone may then be hosted on the app
    const swap = await upsert(m, [{ externalId: 'MDM-APP-1', hostDeviceId: null }, phone({ hostDeviceId: 'dev-app' })]);
    expect(swap).toMatchObject({ updated: 2, failed: 0, errors: [] });
    const after = await exported(m);
    expect('hostDeviceId' in after.devices.find((d) => d.id === 'dev-app')!).toBe(false);
    expect(after.devices.find((d) => d.id === 'dev-phone')!.hostDeviceId).toBe('dev-app');
    // and the reverse is a loop again
    const back = await upsert(m, [app()]);
    expect(back.errors.map((e) => e.field)).toEqual(['devices[0].hostDeviceId']);
  });
});

describe('createDevice / updateDevice with identifiers', () => {
  it('normalises addresses and reports a bad one at its input field', async () => {
    const m = await emptyModel('crud');
    const created = await h.gqlOk<{ createDevice: { id: string; macAddresses: string[]; ipAddresses: string[] } }>(
      `mutation($m: ID!, $i: DeviceInput!) { createDevice(modelId: $m, input: $i) { id macAddresses ipAddresses } }`,
      {
        m,
        i: {
          name: 'Monitor',
          category: 'PATIENT_MONITOR',
          riskClass: 'B',
          zoneIds: ['z-icu'],
          macAddresses: ['00-09-FB-12-34-56', '0009.fb12.3456'],
          ipAddresses: ['10.30.8.100', '10.30.8.9'],
        },
      },
    );
    expect(created.createDevice.macAddresses).toEqual(['00:09:fb:12:34:56']);
    expect(created.createDevice.ipAddresses).toEqual(['10.30.8.100', '10.30.8.9']);
    const bad = await h.gql(
      `mutation($m: ID!, $id: ID!, $p: DevicePatch!) { updateDevice(modelId: $m, id: $id, patch: $p) { id } }`,
      { m, id: created.createDevice.id, p: { ipAddresses: ['10.30.8.9', '10.30.8'] } },
    );
    expect((bad.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0] as Err).extensions?.field).toBe('patch.ipAddresses[1]');
    const cleared = await h.gqlOk<{ updateDevice: { ipAddresses: string[] } }>(
      `mutation($m: ID!, $id: ID!, $p: DevicePatch!) { updateDevice(modelId: $m, id: $id, patch: $p) { ipAddresses } }`,
      { m, id: created.createDevice.id, p: { ipAddresses: [] } },
    );
    expect(cleared.updateDevice.ipAddresses).toEqual([]);
  });

  it('refuses a second device with the same externalId (CONFLICT-free: BAD_USER_INPUT at the field)', async () => {
    const m = await emptyModel('dupext');
    await upsert(m, [pump(1)]);
    const r = await h.gql(`mutation($m: ID!, $i: DeviceInput!) { createDevice(modelId: $m, input: $i) { id } }`, {
      m,
      i: { name: 'Copy', category: 'OTHER', riskClass: 'A', zoneIds: ['z-icu'], externalId: 'CMDB-000001' },
    });
    expect((r.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    expect((r.errors?.[0] as Err).extensions?.field).toBe('input.externalId');
  });
});

describe('devicesByIdentifier', () => {
  let m: string;
  beforeAll(async () => {
    m = await demoCopy('lookup');
  });
  const lookup = (args: string) =>
    h.gql<{ model: { devicesByIdentifier: { id: string }[] } }>(
      `query($m: ID!) { model(id: $m) { devicesByIdentifier(${args}) { id } } }`,
      { m },
    );
  const ids = async (args: string) => {
    const r = await lookup(args);
    if (r.errors?.length) throw new Error(JSON.stringify(r.errors));
    return r.data!.model.devicesByIdentifier.map((d) => d.id);
  };

  it.each([
    ['externalId: "CMDB-020114"', ['dev-icu-pump-01']],
    ['externalId: " CMDB-020114 "', ['dev-icu-pump-01']],
    ['ipAddress: "10.30.8.21"', ['dev-icu-pump-01']],
    ['ipAddress: "FD00:30:8:0:0:0:0:31"', ['dev-icu-monitor-01']],
    ['macAddress: "00-1B-63-4E-82-19"', ['dev-icu-pump-01']],
    ['macAddress: "0009.fb12.3456"', ['dev-icu-monitor-01']],
    ['assetTag: "BME-20201"', ['dev-icu-monitor-01']],
    ['externalId: "CMDB-NONE"', []],
    ['ipAddress: "192.0.2.1"', []],
  ])('%s → %j', async (args, expected) => {
    expect(await ids(args)).toEqual(expected);
  });

  it('returns every device sharing an address, in id order', async () => {
    await upsert(m, [{ externalId: 'CMDB-020201', ipAddresses: ['10.30.8.21'] }]);
    expect(await ids('ipAddress: "10.30.8.21"')).toEqual(['dev-icu-monitor-01', 'dev-icu-pump-01']);
  });

  it.each([
    ['', 'externalId'],
    ['externalId: "a", assetTag: "b"', 'assetTag'],
    ['macAddress: "00:11:22"', 'macAddress'],
    ['ipAddress: "10.0.0.0/8"', 'ipAddress'],
  ])('BAD_USER_INPUT for (%s), naming %s', async (args, field) => {
    const r = await lookup(args || 'externalId: null');
    expect((r.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    expect((r.errors?.[0] as Err).extensions?.field).toBe(field);
  });
});

describe('Device.attackPaths and Device.recommendedControls', () => {
  let m: string;
  let doc: Doc;
  beforeAll(async () => {
    m = await demoCopy('device-analysis');
    doc = await exported(m);
  });

  /** Element ids that belong to a device: itself, its interfaces and assets, channels to or from it. */
  const ownIds = (deviceId: string) =>
    new Set([
      deviceId,
      ...doc.interfaces.filter((i) => i.deviceId === deviceId).map((i) => i.id),
      ...doc.assets.filter((a) => a.deviceId === deviceId).map((a) => a.id),
      ...doc.channels.filter((c) => c.fromDeviceId === deviceId || c.toDeviceId === deviceId).map((c) => c.id),
    ]);

  type Path = { id: string; nodeIds: string[]; risk: number; scale: string };
  async function modelPaths(k: number, minSeverity: string, scale: string): Promise<Path[]> {
    return (
      await h.gqlOk<{ model: { attackPaths: { paths: Path[] } } }>(
        `query($m: ID!, $k: Int, $s: Severity, $scale: RiskScale) { model(id: $m) {
          attackPaths(k: $k, minSeverity: $s, scale: $scale, maxPaths: 200000, timeLimitMs: 30000) {
            paths { id nodeIds risk scale } } } }`,
        { m, k, s: minSeverity, scale },
      )
    ).model.attackPaths.paths;
  }
  /** Attack model v2: a node id is a capability on an element, `elementId` or `elementId#CAPABILITY`. */
  const elementOf = (nodeId: string) => nodeId.split('#')[0]!;

  it.each([
    ['dev-icu-pump-01', 3, 'NEGLIGIBLE', 'SAFETY'],
    ['dev-infusion-server', 3, 'NEGLIGIBLE', 'SAFETY'],
    ['dev-insulin-pump', 2, 'CRITICAL', 'SAFETY'],
    ['dev-ehr', 1, 'SERIOUS', 'SAFETY'],
    ['dev-ehr', 2, 'NEGLIGIBLE', 'PRIVACY'],
  ])(
    'paths through %s (k %i, ≥ %s, scale %s) are the model paths touching it, in the engine order',
    async (id, k, sev, scale) => {
      const all = await modelPaths(k, sev, scale);
      const own = ownIds(id);
      const through = all.filter((p) => p.nodeIds.some((n) => own.has(elementOf(n))));
      const expected = through.map((p) => p.id);
      const r = await h.gqlOk<{ model: { element: { attackPaths: Path[] } } }>(
        `query($m: ID!, $id: ID!, $k: Int, $s: Severity, $scale: RiskScale) { model(id: $m) { element(id: $id) {
        ... on Device { attackPaths(k: $k, minSeverity: $s, scale: $scale, first: 5000) { id nodeIds risk scale } } } } }`,
        { m, id, k, s: sev, scale },
      );
      expect(r.model.element.attackPaths.map((p) => p.id)).toEqual(expected);
      expect(r.model.element.attackPaths.every((p) => p.scale === scale)).toBe(true);
      if (id === 'dev-icu-pump-01' || scale === 'PRIVACY') {
        expect(expected.length).toBeGreaterThan(0);
        // some of them touch the device only through a capability node (device#USER, asset#IMPACT, ...)
        expect(through.some((p) => p.nodeIds.some((n) => n.includes('#') && own.has(elementOf(n))))).toBe(true);
      }
    },
  );

  it('keeps the first `first` paths, highest risk first, on devices from any field (page, lookup, mutation)', async () => {
    const r = await h.gqlOk<{
      model: {
        devices: { nodes: { id: string; attackPaths: Path[] }[] };
        devicesByIdentifier: { id: string; attackPaths: Path[] }[];
      };
    }>(
      `query($m: ID!) { model(id: $m) {
        devices(first: 100) { nodes { id attackPaths(first: 2) { id risk } } }
        devicesByIdentifier(assetTag: "BME-20114") { id attackPaths(first: 3) { id risk } } } }`,
      { m },
    );
    for (const d of r.model.devices.nodes) {
      expect(d.attackPaths.length).toBeLessThanOrEqual(2);
      const risks = d.attackPaths.map((p) => p.risk);
      expect(risks).toEqual([...risks].sort((a, b) => b - a));
    }
    const pumpPaths = r.model.devicesByIdentifier[0]!.attackPaths;
    expect(pumpPaths.slice(0, 2)).toEqual(r.model.devices.nodes.find((d) => d.id === 'dev-icu-pump-01')!.attackPaths);
    const updated = await h.gqlOk<{ updateDevice: { attackPaths: Path[] } }>(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-icu-pump-01", patch: { assetTag: "BME-20114-B" }) {
        attackPaths(first: 3) { id risk } } }`,
      { m },
    );
    expect(updated.updateDevice.attackPaths.map((p) => p.id)).toEqual(pumpPaths.map((p) => p.id));
  });

  it('BAD_USER_INPUT for first or k out of range', async () => {
    for (const args of ['first: 0', 'k: 21']) {
      const r = await h.gql(
        `query($m: ID!) { model(id: $m) { devicesByIdentifier(externalId: "CMDB-020114") { attackPaths(${args}) { id } } } }`,
        { m },
      );
      expect((r.errors?.[0] as Err).extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('recommended controls of each device are the placements of the model recommendation that sit on it', async () => {
    type Placement = { controlId: string; elementId: string };
    const rec = (
      await h.gqlOk<{ model: { recommendControls: { placements: Placement[] } } }>(
        `query($m: ID!) { model(id: $m) { recommendControls(minSeverity: CRITICAL) { placements { controlId elementId } } } }`,
        { m },
      )
    ).model.recommendControls.placements;
    const key = (p: Placement) => `${p.controlId}@${p.elementId}`;
    const all = new Set(rec.map(key));
    const r = await h.gqlOk<{ model: { devices: { nodes: { id: string; recommendedControls: Placement[] }[] } } }>(
      `query($m: ID!) { model(id: $m) { devices(first: 1000) { nodes { id recommendedControls(minSeverity: CRITICAL) { controlId elementId } } } } }`,
      { m },
    );
    let covered = 0;
    for (const d of r.model.devices.nodes) {
      const own = ownIds(d.id);
      const expected = rec.filter((p) => own.has(p.elementId)).map(key);
      const got = d.recommendedControls.map(key);
      expect(got).toEqual(expected);
      for (const g of got) expect(all.has(g)).toBe(true);
      covered += got.length;
    }
    expect(covered).toBeGreaterThan(0);
  });
});
