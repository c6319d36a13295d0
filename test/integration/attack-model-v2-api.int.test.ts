/**
 * Attack model v2 through the API against the real Neo4j: the 2.0 element fields round-trip
 * through the database and the export, mutations and their bounds, references cleared on delete,
 * capability nodes and (asset, impact) targets in the analysis, and the risk scale argument.
 */
import { TestHelper } from '../support/neo4j';

let h: TestHelper;
beforeAll(async () => {
  h = await new TestHelper().init();
});
afterAll(async () => {
  await h.close();
});

type Err = { message: string; extensions?: { code?: string; field?: string; issues?: { path: string }[] } };

const device = (id: string, category: string, zoneIds: string[], extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  category,
  riskClass: 'C',
  generalPurposeOs: false,
  patchable: true,
  handlesPersonalData: false,
  storesData: false,
  remoteService: false,
  zoneIds,
  ...extra,
});

/** A small 2.0 document using every new field. */
function document(modelId: string) {
  return {
    formatVersion: '2.2',
    model: { id: modelId, name: 'v2 fields' },
    zones: [
      { id: 'z-lan', name: 'Clinical LAN', kind: 'CLINICAL', entryPoint: false },
      {
        id: 'z-ward',
        name: 'Ward',
        kind: 'PHYSICAL_ACCESS',
        entryPoint: true,
        physicalAccess: true,
        network: true,
        linkedZoneIds: ['z-lan'],
      },
      { id: 'z-store', name: 'Store room', kind: 'OTHER', entryPoint: false, physicalAccess: false, network: false },
    ],
    devices: [
      device('dev-ehr', 'EHR', ['z-lan']),
      device('dev-phone', 'OTHER', ['z-ward']),
      device('dev-app', 'MOBILE_APP', ['z-ward'], { hostDeviceId: 'dev-phone' }),
      device('dev-pump', 'INFUSION_PUMP', ['z-lan']),
    ],
    interfaces: [
      {
        id: 'if-ehr-api',
        deviceId: 'dev-ehr',
        name: 'API',
        kind: 'REST_API',
        exposedToZoneIds: ['z-lan'],
        authentication: 'NONE',
      },
      {
        id: 'if-pump-ui',
        deviceId: 'dev-pump',
        name: 'Web UI',
        kind: 'WEB_UI',
        exposedToZoneIds: ['z-lan'],
        authentication: 'NONE',
        functions: ['CHANGE_SETTINGS'],
      },
      {
        id: 'if-pump-usb',
        deviceId: 'dev-pump',
        name: 'USB',
        kind: 'USB',
        exposedToZoneIds: ['z-ward'],
        authentication: 'NONE',
        functions: [],
      },
    ],
    channels: [],
    assets: [
      { id: 'as-ehr-records', deviceId: 'dev-ehr', name: 'Records', kind: 'PERSONAL_DATA', severity: 'MINOR' },
      {
        id: 'as-pump-therapy',
        deviceId: 'dev-pump',
        name: 'Therapy',
        kind: 'THERAPY_DELIVERY',
        severity: 'CATASTROPHIC',
        denialSeverity: 'SERIOUS',
      },
      {
        id: 'as-pump-log',
        deviceId: 'dev-pump',
        name: 'Patient log',
        kind: 'PERSONAL_DATA',
        severity: 'NEGLIGIBLE',
        manipulationSeverity: 'MINOR',
        disclosureRecords: 250,
      },
    ],
    vulnerabilities: [],
    controlPlacements: [],
  };
}

async function imported(prefix: string): Promise<string> {
  const id = h.uniqueModelId(prefix);
  await h.gqlOk(`mutation($d: JSON!) { importModel(document: $d) { id } }`, { d: document(id) });
  return id;
}
const exportOf = async (m: string) =>
  (await h.gqlOk<{ exportModel: ReturnType<typeof document> }>(`query($m: ID!) { exportModel(id: $m) }`, { m }))
    .exportModel;

describe('2.0 element fields', () => {
  it('round-trip through Neo4j: the export equals the imported document (canonical order)', async () => {
    const m = await imported('v2-roundtrip');
    const out = await exportOf(m);
    const doc = document(m);
    const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(out.formatVersion).toBe('2.3');
    expect(out.zones).toEqual(byId(doc.zones));
    expect(out.devices.find((d) => d.id === 'dev-app')).toMatchObject({ hostDeviceId: 'dev-phone' });
    expect(out.interfaces).toEqual(byId(doc.interfaces));
    expect(out.assets).toEqual(byId(doc.assets));
    // the empty list of functions is kept (stated: no function), distinct from absent (default)
    expect(out.interfaces.find((i) => i.id === 'if-pump-usb')!.functions).toEqual([]);
    expect(out.interfaces.find((i) => i.id === 'if-ehr-api')).not.toHaveProperty('functions');
  });

  it('serves stated values, defaults and effective values on the element types', async () => {
    const m = await imported('v2-fields');
    const r = await h.gqlOk<{
      model: {
        zones: {
          id: string;
          physicalAccess: boolean | null;
          network: boolean | null;
          effectivePhysicalAccess: boolean;
          effectiveNetwork: boolean;
          linkedZoneIds: string[];
        }[];
        devices: { nodes: { id: string; hostDeviceId: string | null }[] };
        interfaces: { nodes: { id: string; functions: string[] | null; effectiveFunctions: string[] }[] };
        assets: {
          nodes: {
            id: string;
            manipulationSeverity: string | null;
            denialSeverity: string | null;
            disclosureRecords: number | null;
            impacts: {
              impact: string;
              scale: string;
              severity: string | null;
              privacySeverity: string | null;
              records: number | null;
              severityRank: number;
              stated: boolean;
            }[];
          }[];
        };
      };
    }>(
      `query($m: ID!) { model(id: $m) {
        zones { id physicalAccess network effectivePhysicalAccess effectiveNetwork linkedZoneIds }
        devices { nodes { id hostDeviceId } }
        interfaces { nodes { id functions effectiveFunctions } }
        assets { nodes { id manipulationSeverity denialSeverity disclosureRecords
                         impacts { impact scale severity privacySeverity records severityRank stated } } } } }`,
      { m },
    );
    const zone = (id: string) => r.model.zones.find((z) => z.id === id)!;
    expect(zone('z-lan')).toEqual({
      id: 'z-lan',
      physicalAccess: null,
      network: null,
      effectivePhysicalAccess: false,
      effectiveNetwork: true,
      linkedZoneIds: [],
    });
    expect(zone('z-ward')).toMatchObject({ physicalAccess: true, effectiveNetwork: true, linkedZoneIds: ['z-lan'] });
    expect(zone('z-store')).toMatchObject({ effectivePhysicalAccess: false, effectiveNetwork: false });
    expect(r.model.devices.nodes.find((d) => d.id === 'dev-app')!.hostDeviceId).toBe('dev-phone');
    expect(r.model.devices.nodes.find((d) => d.id === 'dev-pump')!.hostDeviceId).toBeNull();
    const iface = (id: string) => r.model.interfaces.nodes.find((i) => i.id === id)!;
    expect(iface('if-ehr-api')).toEqual({
      id: 'if-ehr-api',
      functions: null,
      effectiveFunctions: ['READ_DATA', 'WRITE_DATA'],
    });
    expect(iface('if-pump-usb')).toEqual({ id: 'if-pump-usb', functions: [], effectiveFunctions: [] });
    const asset = (id: string) => r.model.assets.nodes.find((a) => a.id === id)!;
    expect(asset('as-pump-therapy').impacts).toEqual([
      {
        impact: 'MANIPULATE',
        scale: 'SAFETY',
        severity: 'CATASTROPHIC',
        privacySeverity: null,
        records: null,
        severityRank: 5,
        stated: false,
      },
      {
        impact: 'DENY',
        scale: 'SAFETY',
        severity: 'SERIOUS',
        privacySeverity: null,
        records: null,
        severityRank: 3,
        stated: true,
      },
    ]);
    // PERSONAL_DATA on an EHR: disclosure of 100 000 records by default (MASS); no safety impact unless stated
    expect(asset('as-ehr-records').impacts).toEqual([
      {
        impact: 'DISCLOSE',
        scale: 'PRIVACY',
        severity: null,
        privacySeverity: 'MASS',
        records: 100000,
        severityRank: 5,
        stated: false,
      },
    ]);
    expect(asset('as-pump-log')).toMatchObject({ manipulationSeverity: 'MINOR', disclosureRecords: 250 });
    expect(asset('as-pump-log').impacts.map((i) => [i.impact, i.severity ?? i.privacySeverity, i.stated])).toEqual([
      ['MANIPULATE', 'MINOR', true],
      ['DISCLOSE', 'HUNDREDS', true],
    ]);
  });

  it('creates and patches the new fields (null back to the default) and stores them', async () => {
    const m = await imported('v2-crud');
    await h.gqlOk(
      `mutation($m: ID!) {
        createZone(modelId: $m, input: { id: "z-guest", name: "Guest", kind: GUEST_WIFI, entryPoint: true,
                                         network: true, physicalAccess: false, linkedZoneIds: ["z-lan", "z-ward"] }) { id }
        createAsset(modelId: $m, input: { id: "as-new", deviceId: "dev-pump", name: "Alarm", kind: ALARM,
                                          severity: CRITICAL, denialSeverity: CATASTROPHIC }) { id }
        updateInterface(modelId: $m, id: "if-pump-ui", patch: { functions: null }) { id functions effectiveFunctions }
        updateDevice(modelId: $m, id: "dev-app", patch: { hostDeviceId: null }) { id hostDeviceId }
        updateZone(modelId: $m, id: "z-ward", patch: { physicalAccess: null, linkedZoneIds: ["z-store"] }) { id }
        updateAsset(modelId: $m, id: "as-pump-log", patch: { disclosureRecords: 20000 }) { id }
      }`,
      { m },
    );
    const out = await exportOf(m);
    expect(out.zones.find((z) => z.id === 'z-guest')).toEqual({
      id: 'z-guest',
      name: 'Guest',
      kind: 'GUEST_WIFI',
      entryPoint: true,
      network: true,
      physicalAccess: false,
      linkedZoneIds: ['z-lan', 'z-ward'],
    });
    expect(out.zones.find((z) => z.id === 'z-ward')).not.toHaveProperty('physicalAccess');
    expect(out.zones.find((z) => z.id === 'z-ward')!.linkedZoneIds).toEqual(['z-store']);
    expect(out.interfaces.find((i) => i.id === 'if-pump-ui')).not.toHaveProperty('functions');
    expect(out.devices.find((d) => d.id === 'dev-app')).not.toHaveProperty('hostDeviceId');
    expect(out.assets.find((a) => a.id === 'as-new')).toMatchObject({ denialSeverity: 'CATASTROPHIC' });
    expect(out.assets.find((a) => a.id === 'as-pump-log')).toMatchObject({ disclosureRecords: 20000 });
  });

  it('refuses bad values with BAD_USER_INPUT at the field, changing nothing', async () => {
    const m = await imported('v2-bad');
    const before = await h.fingerprint();
    const cases: [string, string][] = [
      [
        `updateAsset(modelId: $m, id: "as-pump-log", patch: { disclosureRecords: 0 }) { id }`,
        'patch.disclosureRecords',
      ],
      [
        `updateZone(modelId: $m, id: "z-ward", patch: { linkedZoneIds: ["z-nowhere"] }) { id }`,
        'patch.linkedZoneIds[0]',
      ],
      [`updateZone(modelId: $m, id: "z-ward", patch: { linkedZoneIds: ["z-ward"] }) { id }`, 'patch.linkedZoneIds[0]'],
      [`updateDevice(modelId: $m, id: "dev-app", patch: { hostDeviceId: "dev-app" }) { id }`, 'patch.hostDeviceId'],
      [`updateDevice(modelId: $m, id: "dev-phone", patch: { hostDeviceId: "dev-app" }) { id }`, 'patch.hostDeviceId'],
      [`updateDevice(modelId: $m, id: "dev-app", patch: { hostDeviceId: "bad id!" }) { id }`, 'patch.hostDeviceId'],
    ];
    for (const [mutation, field] of cases) {
      const r = await h.gql(`mutation($m: ID!) { ${mutation} }`, { m });
      const e = r.errors?.[0] as Err | undefined;
      expect([mutation, e?.extensions?.code]).toEqual([mutation, 'BAD_USER_INPUT']);
      const paths = [e?.extensions?.field, ...(e?.extensions?.issues ?? []).map((i) => i.path)];
      expect([mutation, paths]).toEqual([mutation, expect.arrayContaining([field])]);
    }
    expect(await h.fingerprint()).toBe(before);
  });

  it('deleting a linked zone or a host clears the references on the survivors', async () => {
    const m = await imported('v2-delete');
    await h.gqlOk(
      `mutation($m: ID!) { updateZone(modelId: $m, id: "z-ward", patch: { linkedZoneIds: ["z-lan", "z-store"] }) { id } }`,
      { m },
    );
    const del = await h.gqlOk<{ deleteZone: { deletedIds: string[] }; deleteDevice: { deletedIds: string[] } }>(
      `mutation($m: ID!) {
        deleteZone(modelId: $m, id: "z-store") { deletedIds }
        deleteDevice(modelId: $m, id: "dev-phone") { deletedIds } }`,
      { m },
    );
    expect(del.deleteZone.deletedIds).toEqual(['z-store']);
    expect(del.deleteDevice.deletedIds).toEqual(['dev-phone']);
    const out = await exportOf(m);
    expect(out.zones.find((z) => z.id === 'z-ward')!.linkedZoneIds).toEqual(['z-lan']);
    // hosted software outlives its host, no longer hosted
    expect(out.devices.find((d) => d.id === 'dev-app')).toBeDefined();
    expect(out.devices.find((d) => d.id === 'dev-app')).not.toHaveProperty('hostDeviceId');
  });
});

describe('analysis on attack model v2', () => {
  type Node = {
    id: string;
    elementId: string;
    capability: string;
    scale: string | null;
    severity: string | null;
    privacySeverity: string | null;
    records: number | null;
    severityRank: number | null;
    target: boolean;
  };
  type Path = {
    id: string;
    targetId: string;
    assetId: string;
    impact: string;
    scale: string;
    severity: string | null;
    privacySeverity: string | null;
    severityRank: number;
    risk: number;
    likelihood: number;
    nodeIds: string[];
  };
  let m: string;
  beforeAll(async () => {
    m = await imported('v2-analysis');
  });

  it('nodes are capabilities on elements; targets are (asset, impact) with a severity on their scale', async () => {
    const r = await h.gqlOk<{
      model: {
        attackGraph: { nodes: Node[]; targetIds: string[]; rules: { id: string; needs: string; grants: string[] }[] };
      };
    }>(
      `query($m: ID!) { model(id: $m) { attackGraph {
        nodes { id elementId capability scale severity privacySeverity records severityRank target }
        targetIds rules { id needs grants } } } }`,
      { m },
    );
    const g = r.model.attackGraph;
    for (const n of g.nodes) {
      expect(n.elementId).not.toContain('#');
      expect(n.id === n.elementId || n.id === `${n.elementId}#${n.capability}`).toBe(true);
    }
    const node = (id: string) => g.nodes.find((n) => n.id === id);
    expect(node('dev-pump')).toMatchObject({ capability: 'CONTROL', target: false, scale: null });
    expect(node('z-ward')).toMatchObject({ capability: 'PRESENCE' });
    expect(node('as-pump-therapy#MANIPULATE')).toMatchObject({
      elementId: 'as-pump-therapy',
      capability: 'MANIPULATE',
      scale: 'SAFETY',
      severity: 'CATASTROPHIC',
      severityRank: 5,
      target: true,
    });
    expect(node('as-pump-therapy#DENY')).toMatchObject({ severity: 'SERIOUS', severityRank: 3 });
    expect(node('as-ehr-records#DISCLOSE')).toMatchObject({
      scale: 'PRIVACY',
      severity: null,
      privacySeverity: 'MASS',
      records: 100000,
      severityRank: 5,
    });
    expect(g.targetIds).toEqual(
      g.nodes
        .filter((n) => n.target)
        .map((n) => n.id)
        .sort(),
    );
    expect(g.rules.length).toBeGreaterThan(0);
    for (const rule of g.rules) {
      expect(rule.needs.length).toBeGreaterThan(0);
      expect(rule.grants.length).toBeGreaterThan(0);
    }
  });

  const PATHS = `query($m: ID!, $scale: RiskScale, $t: [ID!]) { model(id: $m) {
    attackPaths(scale: $scale, targetIds: $t, k: 3) { scale totalRisk targetsReachable
      paths { id targetId assetId impact scale severity privacySeverity severityRank risk likelihood nodeIds } } } }`;
  type Result = {
    model: { attackPaths: { scale: string; totalRisk: number; targetsReachable: number; paths: Path[] } };
  };

  it('SAFETY (the default) reaches the pump through the zone link; PRIVACY reaches the records; never mixed', async () => {
    const safety = (await h.gqlOk<Result>(PATHS, { m })).model.attackPaths;
    const privacy = (await h.gqlOk<Result>(PATHS, { m, scale: 'PRIVACY' })).model.attackPaths;
    expect(safety.scale).toBe('SAFETY');
    expect(privacy.scale).toBe('PRIVACY');
    expect(safety.paths.length).toBeGreaterThan(0);
    expect(privacy.paths.length).toBeGreaterThan(0);
    for (const p of safety.paths) {
      expect(p.scale).toBe('SAFETY');
      expect(['MANIPULATE', 'DENY']).toContain(p.impact);
      expect(p.targetId).toBe(`${p.assetId}#${p.impact}`);
      expect(p.severity).not.toBeNull();
      expect(p.privacySeverity).toBeNull();
      expect(p.risk).toBeCloseTo(p.likelihood * p.severityRank, 12);
    }
    for (const p of privacy.paths) {
      expect(p).toMatchObject({ scale: 'PRIVACY', impact: 'DISCLOSE', severity: null });
      expect(p.privacySeverity).not.toBeNull();
      expect(p.targetId).toBe(`${p.assetId}#DISCLOSE`);
    }
    // the ward is linked to the LAN, where the pump's UI is exposed: a path crosses the link
    const therapy = safety.paths.filter((p) => p.assetId === 'as-pump-therapy');
    expect(therapy.length).toBeGreaterThan(0);
    expect(therapy.some((p) => p.nodeIds[0] === 'z-ward' && p.nodeIds.includes('z-lan'))).toBe(true);
    expect(privacy.paths.some((p) => p.assetId === 'as-ehr-records' && p.privacySeverity === 'MASS')).toBe(true);
    // totals are per scale
    expect(safety.totalRisk).not.toBeCloseTo(privacy.totalRisk, 9);
  });

  it('targetIds takes an asset id (every impact on the scale) or a target node id', async () => {
    const byAsset = (await h.gqlOk<Result>(PATHS, { m, t: ['as-pump-therapy'] })).model.attackPaths.paths;
    expect(new Set(byAsset.map((p) => p.assetId))).toEqual(new Set(['as-pump-therapy']));
    expect(new Set(byAsset.map((p) => p.impact))).toEqual(new Set(['MANIPULATE', 'DENY']));
    const byNode = (await h.gqlOk<Result>(PATHS, { m, t: ['as-pump-therapy#DENY'] })).model.attackPaths.paths;
    expect(byNode.length).toBeGreaterThan(0);
    expect(byNode.every((p) => p.targetId === 'as-pump-therapy#DENY')).toBe(true);
    // an asset with no target on the scale selects nothing there; an id that is no target at all is refused
    const otherScale = (await h.gqlOk<Result>(PATHS, { m, scale: 'PRIVACY', t: ['as-pump-therapy'] })).model
      .attackPaths;
    expect(otherScale.paths).toEqual([]);
    const unknown = await h.gql(PATHS, { m, t: ['dev-pump'] });
    expect((unknown.errors?.[0] as Err | undefined)?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'targetIds[0]',
    });
  });

  it('recommendControls, whatIf and Device fields answer per scale (cached apart)', async () => {
    // one expensive field per request (query cost limit)
    const rec = (scale: string) =>
      h.gqlOk<{ model: { recommendControls: { scale: string; riskBefore: number } } }>(
        `query($m: ID!, $s: RiskScale) { model(id: $m) { recommendControls(minSeverity: NEGLIGIBLE, scale: $s) { scale riskBefore } } }`,
        { m, s: scale },
      );
    const whatIf = await h.gqlOk<{ model: { whatIf: { before: { scale: string; totalRisk: number } } } }>(
      `query($m: ID!) { model(id: $m) { whatIf(placements: [], scale: PRIVACY) { before { scale totalRisk } } } }`,
      { m },
    );
    const device = await h.gqlOk<{ model: { element: { safetyPaths: Path[]; privacyPaths: Path[] } } }>(
      `query($m: ID!) { model(id: $m) { element(id: "dev-ehr") { ... on Device {
          safetyPaths: attackPaths { id scale impact }
          privacyPaths: attackPaths(scale: PRIVACY) { id scale impact } } } } }`,
      { m },
    );
    const r = {
      model: {
        safety: (await rec('SAFETY')).model.recommendControls,
        privacy: (await rec('PRIVACY')).model.recommendControls,
        whatIf: whatIf.model.whatIf,
        element: device.model.element,
      },
    };
    const paths = (s: string) => h.gqlOk<Result>(PATHS, { m, scale: s });
    expect(r.model.safety.scale).toBe('SAFETY');
    expect(r.model.privacy.scale).toBe('PRIVACY');
    expect(r.model.safety.riskBefore).toBeCloseTo((await paths('SAFETY')).model.attackPaths.totalRisk, 9);
    expect(r.model.privacy.riskBefore).toBeCloseTo((await paths('PRIVACY')).model.attackPaths.totalRisk, 9);
    expect(r.model.whatIf.before).toMatchObject({ scale: 'PRIVACY' });
    expect(r.model.whatIf.before.totalRisk).toBeCloseTo(r.model.privacy.riskBefore, 9);
    expect(r.model.element.privacyPaths.length).toBeGreaterThan(0);
    expect(r.model.element.privacyPaths.every((p) => p.scale === 'PRIVACY' && p.impact === 'DISCLOSE')).toBe(true);
    expect(r.model.element.safetyPaths.every((p) => p.scale === 'SAFETY')).toBe(true);
  });
});
