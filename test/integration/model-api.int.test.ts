/**
 * The foundation end to end against the real Neo4j: catalogue, demo model, exchange round trip,
 * rejected documents leave the database unchanged, element CRUD with errors at the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrateModelDocument } from '../../server/src/domain/model-migration';
import { TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'));

let h: TestHelper;
beforeAll(async () => {
  h = await new TestHelper().init({ loadDemo: true });
});
afterAll(async () => {
  await h.close();
});

type Err = {
  message: string;
  extensions?: { code?: string; field?: string; issues?: { path: string; message: string }[] };
};
const firstError = (r: { errors?: Err[] }) => r.errors?.[0];

describe('catalogue', () => {
  it('serves the 19 capabilities, ≥30 controls, ≥15 attack methods and 4 risk-class baselines', async () => {
    const data = await h.gqlOk<{ catalogue: Record<string, { riskClass?: string }[]> & { version: string } }>(`{
      catalogue { version securityCapabilities { code } controls { id } attackMethods { id mitigatedBy }
                  riskClassBaselines { riskClass requirements { capabilityCode level conditions controlIds } } }
    }`);
    const c = data.catalogue;
    expect(c.securityCapabilities).toHaveLength(19);
    expect(c.controls!.length).toBeGreaterThanOrEqual(30);
    expect(c.attackMethods!.length).toBeGreaterThanOrEqual(15);
    expect(c.riskClassBaselines!.map((b) => b.riskClass)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('derives mitigatedBy from the controls (TR 67 Annex B mapping stored once, as MITIGATES)', async () => {
    const data = await h.gqlOk<{
      catalogue: {
        attackMethods: { id: string; mitigatedBy: string[] }[];
        controls: { id: string; mitigates: string[] }[];
      };
    }>(`{ catalogue { attackMethods { id mitigatedBy } controls { id mitigates } } }`);
    const am14 = data.catalogue.attackMethods.find((m) => m.id === 'AM14')!;
    const expected = data.catalogue.controls.filter((c) => c.mitigates.includes('AM14')).map((c) => c.id);
    expect(am14.mitigatedBy).toEqual(expected);
    expect(am14.mitigatedBy).toEqual(expect.arrayContaining(['C22', 'C23', 'C24', 'C25']));
  });

  it('rejects an invalid catalogue with BAD_USER_INPUT naming the path and keeps the old one', async () => {
    const before = await h.fingerprint();
    const bad = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../seeds/catalogue/tr67-catalogue.json'), 'utf8'),
    );
    bad.controls[3].effects[0].attackMethodId = 'AM99';
    const r = await h.gql(`mutation($d: JSON!) { loadCatalogue(document: $d) { version } }`, { d: bad });
    expect(firstError(r)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(firstError(r)?.extensions?.issues?.map((i) => i.path)).toContain(
      'document.controls[3].effects[0].attackMethodId',
    );
    expect(await h.fingerprint()).toBe(before);
  });

  it('refuses a catalogue that drops a control placed in a model (CONFLICT), changing nothing', async () => {
    const before = await h.fingerprint();
    const cat = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../seeds/catalogue/tr67-catalogue.json'), 'utf8'),
    );
    const placed = DEMO.controlPlacements[0].controlId as string;
    cat.catalogueVersion = 'licensed-test';
    cat.controls = cat.controls.filter((c: { id: string }) => c.id !== placed);
    for (const c of cat.telehealthControls) c.controlIds = c.controlIds.filter((id: string) => id !== placed);
    for (const b of cat.riskClassBaselines)
      for (const r of b.requirements) r.controlIds = r.controlIds.filter((id: string) => id !== placed);
    const r = await h.gql(`mutation($d: JSON!) { loadCatalogue(document: $d) { version } }`, { d: cat });
    expect(['CONFLICT', 'BAD_USER_INPUT']).toContain(firstError(r)?.extensions?.code);
    expect(await h.fingerprint()).toBe(before);
  });

  it('loads a hospital’s own catalogue file without code changes, in one transaction', async () => {
    const cat = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../seeds/catalogue/tr67-catalogue.json'), 'utf8'),
    );
    cat.catalogueVersion = 'hospital-licensed-1';
    cat.controls[0].name = 'Idle session lock (licensed wording)';
    const data = await h.gqlOk<{ loadCatalogue: { version: string; controls: { id: string; name: string }[] } }>(
      `mutation($d: JSON!) { loadCatalogue(document: $d) { version controls { id name } } }`,
      { d: cat },
    );
    expect(data.loadCatalogue.version).toBe('hospital-licensed-1');
    expect(data.loadCatalogue.controls[0]!.name).toBe('Idle session lock (licensed wording)');
    // put the bundled one back for the other tests
    const bundled = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../../seeds/catalogue/tr67-catalogue.json'), 'utf8'),
    );
    await h.gqlOk(`mutation($d: JSON!) { loadCatalogue(document: $d) { version } }`, { d: bundled });
    const again = await h.gqlOk<{ catalogue: { version: string } }>(`{ catalogue { version } }`);
    expect(again.catalogue.version).toBe(bundled.catalogueVersion);
  });
});

describe('models and the exchange format', () => {
  it('lists the demo hospital with at least 30 devices of all four risk classes', async () => {
    const data = await h.gqlOk<{
      models: { id: string; counts: { devices: number } }[];
      model: { devices: { nodes: { riskClass: string }[] } };
    }>(`{
      models { id counts { devices } }
      model(id: "demo-hospital") { devices(first: 1000) { nodes { riskClass } } }
    }`);
    const demo = data.models.find((m) => m.id === 'demo-hospital');
    expect(demo?.counts.devices).toBeGreaterThanOrEqual(30);
    expect(new Set(data.model.devices.nodes.map((d) => d.riskClass))).toEqual(new Set(['A', 'B', 'C', 'D']));
  });

  it('export → import (replace) → export gives an equal document', async () => {
    const first = (await h.gqlOk<{ exportModel: unknown }>(`{ exportModel(id: "demo-hospital") }`)).exportModel;
    const v1 = (await h.gqlOk<{ model: { version: number } }>(`{ model(id: "demo-hospital") { version } }`)).model
      .version;
    await h.gqlOk(`mutation($d: JSON!) { importModel(document: $d, replace: true) { id } }`, { d: first });
    const second = (await h.gqlOk<{ exportModel: unknown }>(`{ exportModel(id: "demo-hospital") }`)).exportModel;
    expect(second).toEqual(first);
    const v2 = (await h.gqlOk<{ model: { version: number } }>(`{ model(id: "demo-hospital") { version } }`)).model
      .version;
    expect(v2).toBeGreaterThan(v1);
  });

  it('the exported demo equals the bundled seed file in exchange format 2.1 (stored in canonical form)', async () => {
    const exported = (await h.gqlOk<{ exportModel: { formatVersion: string } }>(`{ exportModel(id: "demo-hospital") }`))
      .exportModel;
    expect(exported.formatVersion).toBe('2.3');
    expect(exported).toEqual(migrateModelDocument(DEMO).document);
  });

  it('imports a copy under another id (targetModelId) and refuses a duplicate id with CONFLICT', async () => {
    const copyId = h.uniqueModelId('copy');
    const doc = (await h.gqlOk<{ exportModel: { model: { id: string } } }>(`{ exportModel(id: "demo-hospital") }`))
      .exportModel;
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: doc,
      t: copyId,
    });
    const copy = (await h.gqlOk<{ exportModel: { model: { id: string } } }>(`{ exportModel(id: "${copyId}") }`))
      .exportModel;
    expect({ ...copy, model: { ...copy.model, id: 'x' } }).toEqual({ ...doc, model: { ...doc.model, id: 'x' } });
    const before = await h.fingerprint();
    const r = await h.gql(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: doc,
      t: copyId,
    });
    expect(firstError(r)?.extensions?.code).toBe('CONFLICT');
    expect(await h.fingerprint()).toBe(before);
  });

  const invalid: [string, (d: typeof DEMO) => void, string][] = [
    ['a missing id', (d) => delete d.devices[2].id, 'document.devices[2]'],
    [
      'an unknown control',
      (d) => (d.controlPlacements[0].controlId = 'C99'),
      'document.controlPlacements[0].controlId',
    ],
    ['a dangling zone reference', (d) => (d.devices[1].zoneIds = ['no-such-zone']), 'document.devices[1].zoneIds[0]'],
    [
      'a dangling device reference on a channel',
      (d) => (d.channels[0].toDeviceId = 'ghost'),
      'document.channels[0].toDeviceId',
    ],
    ['an asset on an unknown device', (d) => (d.assets[0].deviceId = 'ghost'), 'document.assets[0].deviceId'],
  ];
  it.each(invalid)(
    'rejects a document with %s (BAD_USER_INPUT naming the path) and changes nothing',
    async (_name, spoil, pathPrefix) => {
      const doc = structuredClone(DEMO);
      doc.model.id = h.uniqueModelId('bad');
      spoil(doc);
      const before = await h.fingerprint();
      const r = await h.gql(`mutation($d: JSON!) { importModel(document: $d) { id } }`, { d: doc });
      const err = firstError(r);
      expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(err?.extensions?.issues?.some((i) => i.path.startsWith(pathPrefix))).toBe(true);
      expect(await h.fingerprint()).toBe(before);
      const gone = await h.gqlOk<{ model: unknown }>(`query($id: ID!) { model(id: $id) { id } }`, { id: doc.model.id });
      expect(gone.model).toBeNull();
    },
  );

  it('rejects a document that is not an object at all', async () => {
    const r = await h.gql(`mutation { importModel(document: "hello") { id } }`);
    expect(firstError(r)?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('paginates devices with opaque cursors', async () => {
    type Page = {
      model: {
        devices: {
          totalCount: number;
          nodes: { id: string }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
    };
    const q = `query($after: String) { model(id: "demo-hospital") { devices(first: 7, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const page: Page = await h.gqlOk<Page>(q, { after });
      total = page.model.devices.totalCount;
      seen.push(...page.model.devices.nodes.map((n) => n.id));
      if (!page.model.devices.pageInfo.hasNextPage) break;
      after = page.model.devices.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
    const r = await h.gql(`{ model(id: "demo-hospital") { devices(first: 5000) { totalCount } } }`);
    expect(firstError(r)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(firstError(r)?.extensions?.field).toBe('first');
  });
});

describe('element CRUD', () => {
  let modelId: string;
  beforeAll(async () => {
    modelId = h.uniqueModelId('crud');
    await h.gqlOk(`mutation($id: ID!) { createModel(id: $id, name: "CRUD ward") { id version } }`, { id: modelId });
  });

  const ops = {
    zone: `mutation($m: ID!, $i: ZoneInput!) { createZone(modelId: $m, input: $i) { id name kind entryPoint } }`,
    device: `mutation($m: ID!, $i: DeviceInput!) { createDevice(modelId: $m, input: $i) { id name riskClass zoneIds patchable } }`,
    iface: `mutation($m: ID!, $i: InterfaceInput!) { createInterface(modelId: $m, input: $i) { id deviceId exposedToZoneIds } }`,
    channel: `mutation($m: ID!, $i: ChannelInput!) { createChannel(modelId: $m, input: $i) { id intrinsicMechanism carries } }`,
    asset: `mutation($m: ID!, $i: AssetInput!) { createAsset(modelId: $m, input: $i) { id severity } }`,
    vuln: `mutation($m: ID!, $i: VulnerabilityInput!) { createVulnerability(modelId: $m, input: $i) { id cvssBaseScore } }`,
    placement: `mutation($m: ID!, $i: ControlPlacementInput!) { createControlPlacement(modelId: $m, input: $i) { id status effectiveCost control { id name } } }`,
  };

  it('creates every element kind and reads it back; each write bumps the version', async () => {
    const v0 = (
      await h.gqlOk<{ model: { version: number } }>(`query($m: ID!) { model(id: $m) { version } }`, { m: modelId })
    ).model.version;
    await h.gqlOk(ops.zone, {
      m: modelId,
      i: { id: 'home', name: 'Patient home', kind: 'PATIENT_HOME', entryPoint: true },
    });
    await h.gqlOk(ops.zone, { m: modelId, i: { id: 'ward', name: 'Ward VLAN', kind: 'CLINICAL', entryPoint: false } });
    const dev = await h.gqlOk<{ createDevice: { patchable: boolean } }>(ops.device, {
      m: modelId,
      i: { id: 'pump', name: 'Insulin pump', category: 'INSULIN_PUMP', riskClass: 'C', zoneIds: ['home'] },
    });
    expect(dev.createDevice.patchable).toBe(true); // SDL default
    await h.gqlOk(ops.device, {
      m: modelId,
      i: { id: 'app', name: 'Phone app', category: 'MOBILE_APP', riskClass: 'B', zoneIds: ['home'] },
    });
    await h.gqlOk(ops.iface, {
      m: modelId,
      i: {
        id: 'pump-ble',
        deviceId: 'pump',
        name: 'BLE GATT',
        kind: 'BLE_GATT',
        exposedToZoneIds: ['home'],
        authentication: 'NONE',
      },
    });
    const ch = await h.gqlOk<{ createChannel: { intrinsicMechanism: string } }>(ops.channel, {
      m: modelId,
      i: {
        id: 'app-pump',
        name: 'App → pump',
        fromDeviceId: 'app',
        toDeviceId: 'pump',
        toInterfaceId: 'pump-ble',
        technology: 'BLE',
        intrinsicMechanism: 'BLE_JUST_WORKS',
        carries: ['COMMANDS'],
        zoneIds: ['home'],
      },
    });
    expect(ch.createChannel.intrinsicMechanism).toBe('BLE_JUST_WORKS');
    await h.gqlOk(ops.asset, {
      m: modelId,
      i: {
        id: 'insulin',
        deviceId: 'pump',
        name: 'Insulin delivery',
        kind: 'THERAPY_DELIVERY',
        severity: 'CATASTROPHIC',
      },
    });
    const v = await h.gqlOk<{ createVulnerability: { cvssBaseScore: number } }>(ops.vuln, {
      m: modelId,
      i: {
        id: 'v1',
        cveId: 'CVE-2019-6538',
        cvssVector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        elementId: 'pump-ble',
      },
    });
    expect(v.createVulnerability.cvssBaseScore).toBeCloseTo(8.8, 1);
    const p = await h.gqlOk<{
      createControlPlacement: { status: string; effectiveCost: number; control: { id: string } };
    }>(ops.placement, {
      m: modelId,
      i: { controlId: 'C23', elementId: 'app-pump' },
    });
    expect(p.createControlPlacement.status).toBe('PLANNED');
    expect(p.createControlPlacement.effectiveCost).toBeGreaterThan(0);
    const v1 = (
      await h.gqlOk<{ model: { version: number; counts: Record<string, number> } }>(
        `query($m: ID!) { model(id: $m) { version counts { zones devices interfaces channels assets vulnerabilities controlPlacements } } }`,
        { m: modelId },
      )
    ).model;
    expect(v1.version).toBe(v0 + 9);
    expect(v1.counts).toEqual({
      zones: 2,
      devices: 2,
      interfaces: 1,
      channels: 1,
      assets: 1,
      vulnerabilities: 1,
      controlPlacements: 1,
    });
  });

  it('reports the field at fault and changes nothing: unknown zone, wrong mechanism, inapplicable control', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        ops.device,
        { id: 'd2', name: 'Monitor', category: 'PATIENT_MONITOR', riskClass: 'C', zoneIds: ['nowhere'] },
        'input.zoneIds[0]',
      ],
      [
        ops.channel,
        {
          name: 'bad',
          fromDeviceId: 'app',
          toDeviceId: 'pump',
          technology: 'WIFI',
          intrinsicMechanism: 'BLE_JUST_WORKS',
          carries: ['COMMANDS'],
        },
        'input.intrinsicMechanism',
      ],
      [ops.placement, { controlId: 'C22', elementId: 'app-pump' }, 'input'],
      [ops.placement, { controlId: 'C77', elementId: 'pump' }, 'input.controlId'],
    ];
    for (const [op, input, field] of cases) {
      const before = await h.fingerprint();
      const r = await h.gql(op, { m: modelId, i: input });
      const err = firstError(r);
      expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(err?.extensions?.field?.startsWith(field)).toBe(true);
      expect(await h.fingerprint()).toBe(before);
    }
  });

  it('takes a CVSS v4.0 vector (scored by FIRST v4.0), and refuses a malformed one at input.cvssVector naming the metric', async () => {
    const v = await h.gqlOk<{ createVulnerability: { id: string; cvssBaseScore: number } }>(ops.vuln, {
      m: modelId,
      i: {
        id: 'v4',
        cveId: 'CVE-2020-3549',
        cvssVector: 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
        elementId: 'pump-ble',
      },
    });
    expect(v.createVulnerability).toEqual({ id: 'v4', cvssBaseScore: 7.7 }); // FIRST v4.0 examples
    const before = await h.fingerprint();
    const r = await h.gql(
      `mutation($m: ID!) { updateVulnerability(modelId: $m, id: "v4", patch: { cvssVector: "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" }) { id } }`,
      { m: modelId },
    );
    const err = firstError(r);
    expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err?.extensions?.field).toBe('patch.cvssVector');
    expect(err?.message).toMatch(/UI:R is not a value of User Interaction; use one of N, P, A/);
    expect(await h.fingerprint()).toBe(before);
    await h.gqlOk(`mutation($m: ID!) { deleteVulnerability(modelId: $m, id: "v4") { deletedIds } }`, { m: modelId });
  });

  it('refuses a duplicate id across element kinds with CONFLICT', async () => {
    const r = await h.gql(ops.zone, { m: modelId, i: { id: 'pump', name: 'Clash', kind: 'OTHER', entryPoint: false } });
    expect(firstError(r)?.extensions?.code).toBe('CONFLICT');
  });

  it('updates with a patch: null clears an optional field, omitted fields stay', async () => {
    await h.gqlOk(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "pump", patch: { manufacturer: "Acme", software: "fw 2.1" }) { id } }`,
      { m: modelId },
    );
    const d = await h.gqlOk<{ updateDevice: { manufacturer: string | null; software: string | null; name: string } }>(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "pump", patch: { software: null }) { name manufacturer software } }`,
      { m: modelId },
    );
    expect(d.updateDevice).toEqual({ name: 'Insulin pump', manufacturer: 'Acme', software: null });
  });

  it('NOT_FOUND for unknown models and elements', async () => {
    const r1 = await h.gql(`mutation { updateZone(modelId: "no-such-model", id: "x", patch: { name: "y" }) { id } }`);
    expect(firstError(r1)?.extensions?.code).toBe('NOT_FOUND');
    const r2 = await h.gql(`mutation($m: ID!) { deleteAsset(modelId: $m, id: "nope") { deletedIds } }`, { m: modelId });
    expect(firstError(r2)?.extensions?.code).toBe('NOT_FOUND');
    const r3 = await h.gql(`{ exportModel(id: "no-such-model") }`);
    expect(firstError(r3)?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a zone that is a device’s only zone cannot be deleted (CONFLICT)', async () => {
    const before = await h.fingerprint();
    const r = await h.gql(`mutation($m: ID!) { deleteZone(modelId: $m, id: "home") { deletedIds } }`, { m: modelId });
    expect(firstError(r)?.extensions?.code).toBe('CONFLICT');
    expect(await h.fingerprint()).toBe(before);
  });

  it('deleting a device cascades to its interfaces, channels, assets, vulnerabilities and placements', async () => {
    const r = await h.gqlOk<{ deleteDevice: { deletedIds: string[]; modelVersion: number } }>(
      `mutation($m: ID!) { deleteDevice(modelId: $m, id: "pump") { deletedIds modelVersion } }`,
      { m: modelId },
    );
    expect(r.deleteDevice.deletedIds).toEqual(
      expect.arrayContaining(['pump', 'pump-ble', 'app-pump', 'insulin', 'v1']),
    );
    expect(r.deleteDevice.deletedIds).toHaveLength(6); // + the placement on the channel
    const doc = (
      await h.gqlOk<{ exportModel: { devices: unknown[]; channels: unknown[]; controlPlacements: unknown[] } }>(
        `query($m: ID!) { exportModel(id: $m) }`,
        { m: modelId },
      )
    ).exportModel;
    expect(doc.devices).toHaveLength(1);
    expect(doc.channels).toHaveLength(0);
    expect(doc.controlPlacements).toHaveLength(0);
    const v = (
      await h.gqlOk<{ model: { version: number } }>(`query($m: ID!) { model(id: $m) { version } }`, { m: modelId })
    ).model.version;
    expect(v).toBe(r.deleteDevice.modelVersion);
  });

  it('concurrent writes to one model are all kept (version guard under the model lock)', async () => {
    const fields = ['manufacturer', 'modelName', 'software', 'externalId'];
    await h.gqlOk(
      `mutation($m: ID!) { createDevice(modelId: $m, input: { id: "race-dev", name: "Race", category: OTHER, riskClass: A, zoneIds: ["home"] }) { id } }`,
      {
        m: modelId,
      },
    );
    const results = await Promise.all(
      fields.map((f, i) =>
        h.gql(`mutation($m: ID!, $p: DevicePatch!) { updateDevice(modelId: $m, id: "race-dev", patch: $p) { id } }`, {
          m: modelId,
          p: { [f]: `v${i}` },
        }),
      ),
    );
    const ok = results.filter((r) => !r.errors);
    for (const r of results.filter((x) => x.errors)) expect(r.errors![0]!.extensions?.['code']).toBe('CONFLICT');
    const d = (
      await h.gqlOk<{ model: { element: Record<string, string> } }>(
        `query($m: ID!) { model(id: $m) { element(id: "race-dev") { ... on Device { manufacturer modelName software externalId } } } }`,
        { m: modelId },
      )
    ).model.element;
    const kept = fields.filter((f, i) => d[f] === `v${i}`);
    expect(kept).toHaveLength(ok.length);
    expect(ok.length).toBeGreaterThan(0);
    const dup = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        h.gql(`mutation($m: ID!, $i: DeviceInput!) { createDevice(modelId: $m, input: $i) { id } }`, {
          m: modelId,
          i: { id: 'race-same', name: `Same ${i}`, category: 'OTHER', riskClass: 'A', zoneIds: ['home'] },
        }),
      ),
    );
    expect(dup.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of dup.filter((x) => x.errors)) expect(r.errors![0]!.extensions?.['code']).toBe('CONFLICT');
  });

  it('deleteModel removes the model and all its elements', async () => {
    const id = h.uniqueModelId('gone');
    const doc = (await h.gqlOk<{ exportModel: Record<string, unknown> }>(`{ exportModel(id: "demo-hospital") }`))
      .exportModel;
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: doc,
      t: id,
    });
    const r = await h.gqlOk<{ deleteModel: boolean }>(`mutation($id: ID!) { deleteModel(id: $id) }`, { id });
    expect(r.deleteModel).toBe(true);
    const left = await h.db.driver.executeQuery('MATCH (n:ModelElement {modelId: $id}) RETURN count(n) AS n', { id });
    expect(left.records[0]!.get('n')).toBe(0);
    expect(
      (await h.gqlOk<{ deleteModel: boolean }>(`mutation($id: ID!) { deleteModel(id: $id) }`, { id })).deleteModel,
    ).toBe(false);
  });
});
