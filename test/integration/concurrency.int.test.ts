/**
 * Optimistic concurrency (issue #11, "two editors changing one field: last write wins silently"):
 * every model mutation takes an optional `expectedVersion`. Stale: CONFLICT with
 * `extensions.currentVersion` and nothing written (the whole database is unchanged: no element,
 * no version step, no audit entry); right: written as usual; omitted: as before (no check).
 * Also: two clients sending the same expectedVersion at once cannot both succeed (the check runs
 * under the model's write lock inside the write transaction).
 */
import { TestHelper } from '../support/neo4j';

jest.setTimeout(120_000);

let h: TestHelper;
let modelId = '';

beforeAll(async () => {
  h = await new TestHelper().init();
  modelId = h.uniqueModelId('occ');
  await h.gqlOk(`mutation($id: ID!) { createModel(id: $id, name: "Concurrency ward") { id } }`, { id: modelId });
  await h.gqlOk(
    `mutation($m: ID!) { createZone(modelId: $m, input: { id: "ward", name: "Ward", kind: CLINICAL, entryPoint: false }) { id } }`,
    { m: modelId },
  );
  await h.gqlOk(
    `mutation($m: ID!) { createDevice(modelId: $m, input: { id: "pump", name: "Pump", category: OTHER, riskClass: A, zoneIds: ["ward"] }) { id } }`,
    { m: modelId },
  );
});
afterAll(async () => {
  await h.close();
});

type Err = { message: string; extensions?: Record<string, unknown> };

const versionOf = async (m = modelId) =>
  (await h.gqlOk<{ model: { version: number } }>(`query($m: ID!) { model(id: $m) { version } }`, { m })).model.version;

/** Asserts a CONFLICT for a stale expectedVersion that names the current version. */
function expectStale(r: { errors?: Err[] }, current: number): void {
  expect(r.errors).toHaveLength(1);
  const e = r.errors![0]!;
  expect(e.extensions?.['code']).toBe('CONFLICT');
  expect(e.extensions?.['field']).toBe('expectedVersion');
  expect(e.extensions?.['currentVersion']).toBe(current);
  expect(e.message).toMatch(/changed by someone else since you loaded it/);
}

const minimalDoc = (id: string, name: string) => ({
  formatVersion: '2.1',
  model: { id, name },
  zones: [{ id: 'z', name: 'Z', kind: 'CLINICAL', entryPoint: false }],
  devices: [],
  interfaces: [],
  channels: [],
  assets: [],
  vulnerabilities: [],
  controlPlacements: [],
});

describe('expectedVersion on model mutations', () => {
  /** Every kind of model mutation, with a stale version: refused, the database unchanged. */
  const staleCases: [string, string, Record<string, unknown>][] = [
    [
      'createDevice',
      `mutation($m: ID!, $v: Int) { createDevice(modelId: $m, expectedVersion: $v, input: { id: "stale-dev", name: "Stale", category: OTHER, riskClass: A, zoneIds: ["ward"] }) { id } }`,
      {},
    ],
    [
      'updateDevice',
      `mutation($m: ID!, $v: Int) { updateDevice(modelId: $m, id: "pump", expectedVersion: $v, patch: { manufacturer: "Stale Inc" }) { id } }`,
      {},
    ],
    [
      'deleteDevice',
      `mutation($m: ID!, $v: Int) { deleteDevice(modelId: $m, id: "pump", expectedVersion: $v) { deletedIds } }`,
      {},
    ],
    [
      'createZone',
      `mutation($m: ID!, $v: Int) { createZone(modelId: $m, expectedVersion: $v, input: { id: "z2", name: "Z2", kind: OTHER, entryPoint: false }) { id } }`,
      {},
    ],
    [
      'updateModel',
      `mutation($m: ID!, $v: Int) { updateModel(id: $m, name: "Stale name", expectedVersion: $v) { id } }`,
      {},
    ],
    ['deleteModel', `mutation($m: ID!, $v: Int) { deleteModel(id: $m, expectedVersion: $v) }`, {}],
    [
      'upsertDevices',
      `mutation($m: ID!, $v: Int) { upsertDevices(modelId: $m, expectedVersion: $v, devices: [{ externalId: "cmdb-1", name: "Feed", category: OTHER, riskClass: A, zoneIds: ["ward"] }]) { created } }`,
      {},
    ],
    [
      'acceptRecommendation',
      `mutation($m: ID!, $v: Int) { acceptRecommendation(modelId: $m, expectedVersion: $v, placements: [{ controlId: "C1", elementId: "pump" }]) { id } }`,
      {},
    ],
  ];

  it.each(staleCases)(
    '%s with a stale expectedVersion: CONFLICT with currentVersion, nothing written',
    async (_n, q) => {
      const current = await versionOf();
      const before = await h.fingerprint();
      const r = await h.gql(q, { m: modelId, v: current - 1 });
      expectStale(r, current);
      expect(await h.fingerprint()).toBe(before);
      expect(await versionOf()).toBe(current);
    },
  );

  it('importModel with replace and a stale expectedVersion: CONFLICT, nothing written (no automatic snapshot)', async () => {
    const current = await versionOf();
    const before = await h.fingerprint();
    const r = await h.gql(
      `mutation($d: JSON!, $v: Int) { importModel(document: $d, replace: true, expectedVersion: $v) { id } }`,
      { d: minimalDoc(modelId, 'Replaced'), v: current + 5 },
    );
    expectStale(r, current);
    expect(await h.fingerprint()).toBe(before);
  });

  it('the right expectedVersion succeeds and steps the version; omitted works as before', async () => {
    const v0 = await versionOf();
    const upd = await h.gql<{ updateDevice: { manufacturer: string } }>(
      `mutation($m: ID!, $v: Int) { updateDevice(modelId: $m, id: "pump", expectedVersion: $v, patch: { manufacturer: "Right" }) { manufacturer } }`,
      { m: modelId, v: v0 },
    );
    expect(upd.errors).toBeUndefined();
    expect(upd.data!.updateDevice.manufacturer).toBe('Right');
    expect(await versionOf()).toBe(v0 + 1);

    const created = await h.gql<{ createDevice: { id: string } }>(
      `mutation($m: ID!, $v: Int) { createDevice(modelId: $m, expectedVersion: $v, input: { id: "right-dev", name: "Right", category: OTHER, riskClass: A, zoneIds: ["ward"] }) { id } }`,
      { m: modelId, v: v0 + 1 },
    );
    expect(created.errors).toBeUndefined();
    const del = await h.gql<{ deleteDevice: { modelVersion: number } }>(
      `mutation($m: ID!, $v: Int) { deleteDevice(modelId: $m, id: "right-dev", expectedVersion: $v) { modelVersion } }`,
      { m: modelId, v: v0 + 2 },
    );
    expect(del.errors).toBeUndefined();
    expect(del.data!.deleteDevice.modelVersion).toBe(v0 + 3);
    const renamed = await h.gql<{ updateModel: { name: string; version: number } }>(
      `mutation($m: ID!, $v: Int) { updateModel(id: $m, name: "Renamed ward", expectedVersion: $v) { name version } }`,
      { m: modelId, v: v0 + 3 },
    );
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.updateModel).toEqual({ name: 'Renamed ward', version: v0 + 4 });
    const upsert = await h.gql<{ upsertDevices: { created: number; modelVersion: number } }>(
      `mutation($m: ID!, $v: Int) { upsertDevices(modelId: $m, expectedVersion: $v, devices: [{ externalId: "cmdb-9", name: "Feed", category: OTHER, riskClass: A, zoneIds: ["ward"] }]) { created modelVersion } }`,
      { m: modelId, v: v0 + 4 },
    );
    expect(upsert.errors).toBeUndefined();
    expect(upsert.data!.upsertDevices).toEqual({ created: 1, modelVersion: v0 + 5 });

    // omitted: no check, written on whatever version is current
    const free = await h.gql<{ updateDevice: { manufacturer: string } }>(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "pump", patch: { manufacturer: "Free" }) { manufacturer } }`,
      { m: modelId },
    );
    expect(free.errors).toBeUndefined();
    expect(free.data!.updateDevice.manufacturer).toBe('Free');
    expect(await versionOf()).toBe(v0 + 6);
  });

  it('importModel with replace and the right expectedVersion replaces the model', async () => {
    const id = h.uniqueModelId('occ-imp');
    await h.gqlOk(`mutation($d: JSON!) { importModel(document: $d) { id } }`, { d: minimalDoc(id, 'First') });
    const v = await versionOf(id);
    const r = await h.gql<{ importModel: { name: string; version: number } }>(
      `mutation($d: JSON!, $v: Int) { importModel(document: $d, replace: true, expectedVersion: $v) { name version } }`,
      { d: minimalDoc(id, 'Second'), v },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.importModel).toEqual({ name: 'Second', version: v + 1 });
  });

  it('two editors who loaded the same version change one field: the second is told, not overwritten', async () => {
    const v = await versionOf();
    const edit = (value: string) =>
      h.gql<{ updateDevice: { manufacturer: string } }>(
        `mutation($m: ID!, $v: Int, $x: String) { updateDevice(modelId: $m, id: "pump", expectedVersion: $v, patch: { manufacturer: $x }) { manufacturer } }`,
        { m: modelId, v, x: value },
      );
    // at the same time, through two separate service stacks (as two server instances would)
    const other = await new TestHelper().init();
    try {
      const results = await Promise.all([
        edit('Alice'),
        other.gql<{ updateDevice: { manufacturer: string } }>(
          `mutation($m: ID!, $v: Int) { updateDevice(modelId: $m, id: "pump", expectedVersion: $v, patch: { manufacturer: "Bob" }) { manufacturer } }`,
          { m: modelId, v },
        ),
      ]);
      const ok = results.filter((r) => !r.errors);
      const refused = results.filter((r) => r.errors);
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expectStale(refused[0]!, v + 1);
      const stored = await h.gqlOk<{ model: { element: { manufacturer: string } } }>(
        `query($m: ID!) { model(id: $m) { element(id: "pump") { ... on Device { manufacturer } } } }`,
        { m: modelId },
      );
      expect(stored.model.element.manufacturer).toBe(ok[0]!.data!.updateDevice.manufacturer);
      expect(await versionOf()).toBe(v + 1);
    } finally {
      await other.close();
    }
  });

  it('a negative or fractional expectedVersion is BAD_USER_INPUT naming the argument', async () => {
    const r = await h.gql(`mutation($m: ID!) { deleteModel(id: $m, expectedVersion: -1) }`, { m: modelId });
    expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.['field']).toBe('expectedVersion');
  });
});
