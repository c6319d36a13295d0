import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CVSS_VECTOR_PATTERN } from '../../server/src/domain/cvss';
import { ValidationError } from '../../server/src/domain/errors';
import { canonicalModelDocument, cvssBaseScore, validateModelDocument } from '../../server/src/domain/model-document';
import {
  ASSET_KINDS,
  AUTHENTICATIONS,
  CHANNEL_PAYLOADS,
  CHANNEL_TECHNOLOGIES,
  DEVICE_CATEGORIES,
  EXTRINSIC_MECHANISMS,
  INTERFACE_KINDS,
  INTRINSIC_MECHANISMS,
  PLACEMENT_STATUSES,
  RISK_CLASSES,
  SEVERITIES,
  ZONE_KINDS,
  type Catalogue,
  type Control,
  type ElementType,
  type ModelDocument,
} from '../../server/src/domain/types';

const ROOT = resolve(__dirname, '../..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(resolve(ROOT, path), 'utf8'));

/** Fallback when the bundled catalogue is absent: the controls of standards-notes §5.3 with the applicability the catalogue uses. */
function fixtureCatalogue(): Catalogue {
  const rows: [string, ElementType[], Partial<Pick<Control, 'technologies' | 'interfaceKinds'>>?][] = [
    ['C01', ['INTERFACE'], { interfaceKinds: ['WEB_UI', 'LOCAL_UI', 'RDP', 'SSH'] }],
    ['C02', ['DEVICE']],
    ['C03', ['DEVICE', 'INTERFACE']],
    ['C04', ['INTERFACE']],
    ['C05', ['DEVICE']],
    ['C06', ['DEVICE']],
    ['C07', ['DEVICE', 'CHANNEL']],
    ['C08', ['DEVICE']],
    ['C09', ['DEVICE']],
    ['C10', ['DEVICE']],
    ['C11', ['DEVICE']],
    ['C12', ['DEVICE', 'INTERFACE', 'CHANNEL']],
    ['C13', ['INTERFACE', 'ZONE']],
    ['C14', ['INTERFACE', 'DEVICE']],
    ['C15', ['DEVICE', 'INTERFACE']],
    ['C16', ['DEVICE']],
    ['C17', ['DEVICE', 'INTERFACE']],
    ['C18', ['DEVICE']],
    ['C19', ['DEVICE']],
    ['C20', ['CHANNEL', 'INTERFACE']],
    ['C21', ['CHANNEL']],
    ['C22', ['CHANNEL'], { technologies: ['WIFI'] }],
    ['C23', ['CHANNEL'], { technologies: ['BLE'] }],
    ['C24', ['CHANNEL'], { technologies: ['ZIGBEE'] }],
    ['C25', ['CHANNEL'], { technologies: ['LORA'] }],
    ['C26', ['CHANNEL']],
    ['C27', ['CHANNEL', 'INTERFACE']],
    ['C28', ['INTERFACE'], { interfaceKinds: ['REMOTE_SERVICE'] }],
    ['C29', ['ZONE']],
    ['C30', ['INTERFACE', 'DEVICE']],
    ['C31', ['ZONE']],
    ['C32', ['ZONE']],
  ];
  return {
    catalogueVersion: 'fixture',
    name: 'Fixture catalogue',
    description: 'Controls only',
    securityCapabilities: [],
    attackMethods: [],
    controls: rows.map(([id, appliesTo, extra]) => ({
      id,
      name: `Control ${id}`,
      description: '',
      kind: 'MITIGATING',
      capabilityCodes: [],
      appliesTo,
      ...extra,
      effects: [],
      defaultCost: 1,
      provenance: { status: 'OWN_DESIGN', source: 'test fixture' },
    })),
    riskClassBaselines: [],
    telehealthControls: [],
    deviceExamples: [],
  };
}

const CATALOGUE_PATH = 'seeds/catalogue/tr67-catalogue.json';
const catalogue: Catalogue = existsSync(resolve(ROOT, CATALOGUE_PATH))
  ? (readJson(CATALOGUE_PATH) as Catalogue)
  : fixtureCatalogue();
const demo = readJson('seeds/demo-hospital.json') as ModelDocument;

/** A fresh, mutable copy of the demo for each negative test. */
const fresh = (): ModelDocument => structuredClone(demo);
const indexOf = (list: { id: string }[], id: string): number => {
  const i = list.findIndex((e) => e.id === id);
  if (i < 0) throw new Error(`test setup: no element '${id}' in the demo`);
  return i;
};

function issuesOf(doc: unknown): ValidationError['issues'] {
  try {
    validateModelDocument(doc, catalogue);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError, but the document was accepted');
}

function expectIssue(doc: unknown, path: string, message?: RegExp): void {
  const issues = issuesOf(doc);
  const atPath = issues.filter((i) => i.path === path);
  expect(atPath.map((i) => i.path)).toContain(path);
  if (message) expect(atPath.some((i) => message.test(i.message))).toBe(true);
}

/** Deterministic Fisher-Yates (mulberry32), so a failure can be reproduced. */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Reverses the key order of an object (to prove key order does not matter). */
function reversedKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).reverse()) as T;
}

function scrambled(doc: ModelDocument, seed: number): ModelDocument {
  return reversedKeys({
    formatVersion: doc.formatVersion,
    model: reversedKeys({ ...doc.model }),
    zones: shuffled(doc.zones, seed).map((z) => reversedKeys({ ...z })),
    devices: shuffled(doc.devices, seed + 1).map((d) => reversedKeys({ ...d, zoneIds: shuffled(d.zoneIds, seed) })),
    interfaces: shuffled(doc.interfaces, seed + 2).map((i) =>
      reversedKeys({ ...i, exposedToZoneIds: shuffled(i.exposedToZoneIds, seed) }),
    ),
    channels: shuffled(doc.channels, seed + 3).map((c) =>
      reversedKeys({
        ...c,
        zoneIds: shuffled(c.zoneIds, seed),
        carries: shuffled(c.carries, seed),
        extrinsicMechanisms: shuffled(c.extrinsicMechanisms, seed),
      }),
    ),
    assets: shuffled(doc.assets, seed + 4).map((a) => reversedKeys({ ...a })),
    vulnerabilities: shuffled(doc.vulnerabilities, seed + 5).map((v) => reversedKeys({ ...v })),
    controlPlacements: shuffled(doc.controlPlacements, seed + 6).map((p) => reversedKeys({ ...p })),
  });
}

describe('seeds/demo-hospital.json', () => {
  it('passes the schema and every domain check against the catalogue', () => {
    expect(() => validateModelDocument(fresh(), catalogue)).not.toThrow();
  });

  it('also passes against the fixture catalogue (kept in step with the bundled one)', () => {
    expect(() => validateModelDocument(fresh(), fixtureCatalogue())).not.toThrow();
  });

  it('is a realistic hospital: at least 30 devices of all four HSA classes and 8 vulnerabilities', () => {
    expect(demo.model.id).toBe('demo-hospital');
    expect(demo.devices.length).toBeGreaterThanOrEqual(30);
    expect(new Set(demo.devices.map((d) => d.riskClass))).toEqual(new Set(['A', 'B', 'C', 'D']));
    expect(demo.vulnerabilities.length).toBeGreaterThanOrEqual(8);
    const entryKinds = new Set(demo.zones.filter((z) => z.entryPoint).map((z) => z.kind));
    for (const kind of ['INTERNET', 'GUEST_WIFI', 'VENDOR_REMOTE_ACCESS', 'PATIENT_HOME', 'PHYSICAL_ACCESS'] as const) {
      expect(entryKinds).toContain(kind);
    }
    expect(demo.zones.filter((z) => z.kind === 'CLINICAL').length).toBeGreaterThanOrEqual(3);
    expect(demo.controlPlacements.some((p) => p.status === 'IMPLEMENTED')).toBe(true);
    expect(demo.controlPlacements.some((p) => p.status === 'PLANNED')).toBe(true);
  });

  it('contains the vendor-remote-service scenario: password-only remote service -> infusion server -> pump therapy', () => {
    const vendorZones = demo.zones.filter((z) => z.kind === 'VENDOR_REMOTE_ACCESS').map((z) => z.id);
    const remote = demo.interfaces.find(
      (i) =>
        i.kind === 'REMOTE_SERVICE' &&
        i.authentication === 'PASSWORD' &&
        i.exposedToZoneIds.some((z) => vendorZones.includes(z)),
    );
    const server = demo.devices.find((d) => d.id === remote?.deviceId);
    expect(server?.category).toBe('INFUSION_SERVER');
    const pumpIds = demo.channels
      .filter(
        (c) =>
          c.fromDeviceId === server!.id &&
          c.carries.includes('COMMANDS') &&
          c.technology === 'WIFI' &&
          c.intrinsicMechanism === 'WPA2_PSK',
      )
      .map((c) => c.toDeviceId);
    expect(pumpIds.length).toBeGreaterThanOrEqual(3);
    const therapy = demo.assets.filter((a) => pumpIds.includes(a.deviceId) && a.kind === 'THERAPY_DELIVERY');
    expect(therapy.length).toBe(pumpIds.length);
  });

  it('contains the home insulin scenario: BLE Just Works commands from the app reach the pump from the patient home', () => {
    const home = demo.zones.find((z) => z.kind === 'PATIENT_HOME')!.id;
    const pump = demo.devices.find((d) => d.category === 'INSULIN_PUMP' && d.riskClass === 'C')!;
    const link = demo.channels.find((c) => c.toDeviceId === pump.id && c.technology === 'BLE')!;
    expect(link.intrinsicMechanism).toBe('BLE_JUST_WORKS');
    expect(link.carries).toContain('COMMANDS');
    expect(link.zoneIds).toContain(home);
    expect(demo.devices.find((d) => d.id === link.fromDeviceId)?.category).toBe('MOBILE_APP');
    expect(demo.assets.some((a) => a.deviceId === pump.id && a.kind === 'THERAPY_DELIVERY')).toBe(true);
  });

  it('is stored in canonical form, so export gives back the file byte for byte', () => {
    expect(canonicalModelDocument(demo)).toEqual(demo);
    expect(JSON.stringify(canonicalModelDocument(demo), null, 2) + '\n').toBe(
      readFileSync(resolve(ROOT, 'seeds/demo-hospital.json'), 'utf8'),
    );
  });
});

describe('seeds/model.schema.json', () => {
  const schema = readJson('seeds/model.schema.json') as { $id: string; $defs: Record<string, { enum?: string[] }> };
  it.each([
    ['ZoneKind', ZONE_KINDS],
    ['DeviceCategory', DEVICE_CATEGORIES],
    ['RiskClass', RISK_CLASSES],
    ['InterfaceKind', INTERFACE_KINDS],
    ['Authentication', AUTHENTICATIONS],
    ['ChannelTechnology', CHANNEL_TECHNOLOGIES],
    ['IntrinsicMechanism', INTRINSIC_MECHANISMS],
    ['ExtrinsicMechanism', EXTRINSIC_MECHANISMS],
    ['ChannelPayload', CHANNEL_PAYLOADS],
    ['AssetKind', ASSET_KINDS],
    ['Severity', SEVERITIES],
    ['PlacementStatus', PLACEMENT_STATUSES],
  ] as const)('enum %s matches types.ts', (name, values) => {
    expect(schema.$defs[name]?.enum).toEqual([...values]);
  });

  it('has the published $id', () => {
    expect(schema.$id).toBe('https://medthreat.example/schemas/model-2.json');
  });
});

describe('validateModelDocument', () => {
  it('returns the document itself, adding nothing', () => {
    const doc = fresh();
    const before = JSON.stringify(doc);
    expect(validateModelDocument(doc, catalogue)).toBe(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it('reports a missing id (schema) at its path', () => {
    const doc = fresh() as unknown as { zones: Record<string, unknown>[] };
    delete doc.zones[0]!.id;
    expectIssue(doc, 'zones[0].id', /required field 'id'/);
  });

  it('reports an unknown field, since the format is closed', () => {
    const doc = fresh() as unknown as { devices: Record<string, unknown>[] };
    doc.devices[1]!.colour = 'red';
    expectIssue(doc, 'devices[1].colour', /unknown field 'colour'/);
  });

  it('reports a bad CVSS vector (schema) at its path', () => {
    const doc = fresh();
    doc.vulnerabilities[0]!.cvssVector = 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    expectIssue(doc, 'vulnerabilities[0].cvssVector', /CVSS v3\.0\/v3\.1 or v4\.0 base vector/);
  });

  it('accepts a CVSS v4.0 base vector (FIRST example CVE-2022-41741)', () => {
    const doc = fresh();
    doc.vulnerabilities[0]!.cvssVector = 'CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    expect(validateModelDocument(doc, catalogue).vulnerabilities[0]!.cvssVector).toBe(
      'CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    );
  });

  it.each([
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /AT \(Attack Requirements\) is missing/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /UI:R is not a value of User Interaction/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A', /'E:A' is a threat/],
  ])('reports a malformed CVSS v4.0 vector %s at its path, naming the metric', (vector, message) => {
    const doc = fresh();
    doc.vulnerabilities[1]!.cvssVector = vector;
    expectIssue(doc, 'vulnerabilities[1].cvssVector', message);
  });

  it('the JSON Schema and the validator accept the same CVSS vectors (one pattern)', () => {
    const schema = JSON.parse(readFileSync(resolve(__dirname, '../../seeds/model.schema.json'), 'utf8')) as {
      $defs: { Vulnerability: { properties: { cvssVector: { pattern: string } } } };
    };
    expect(schema.$defs.Vulnerability.properties.cvssVector.pattern).toBe(CVSS_VECTOR_PATTERN);
  });

  it('rejects temporal metrics after the base vector', () => {
    const doc = fresh();
    doc.vulnerabilities[0]!.cvssVector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P';
    expectIssue(doc, 'vulnerabilities[0].cvssVector');
  });

  it('reports an unknown catalogue control', () => {
    const doc = fresh();
    doc.controlPlacements[2]!.controlId = 'C99';
    expectIssue(doc, 'controlPlacements[2].controlId', /unknown control 'C99'/);
  });

  it('reports a dangling zone reference with what to fix', () => {
    const doc = fresh();
    doc.devices[3]!.zoneIds[0] = 'z-foo';
    expectIssue(doc, 'devices[3].zoneIds[0]', /unknown zone 'z-foo'; define it under zones or fix the reference/);
  });

  it('reports a reference to an element of the wrong kind', () => {
    const doc = fresh();
    const i = indexOf(doc.interfaces, 'if-ehr-web');
    doc.interfaces[i]!.exposedToZoneIds = ['dev-ehr'];
    expectIssue(doc, `interfaces[${i}].exposedToZoneIds[0]`, /'dev-ehr' is a device .*not a zone/);
  });

  it('reports a channel naming an interface of another device', () => {
    const doc = fresh();
    const c = indexOf(doc.channels, 'ch-ct-pacs');
    doc.channels[c]!.fromInterfaceId = 'if-pacs-web';
    expectIssue(
      doc,
      `channels[${c}].fromInterfaceId`,
      /belongs to device 'dev-pacs', not to the channel's from-device 'dev-ct-scanner'/,
    );
  });

  it('reports a channel from a device to itself', () => {
    const doc = fresh();
    const c = indexOf(doc.channels, 'ch-ct-pacs');
    doc.channels[c]!.toDeviceId = 'dev-ct-scanner';
    delete doc.channels[c]!.toInterfaceId;
    expectIssue(doc, `channels[${c}].toDeviceId`, /two different devices/);
  });

  it('reports a control placed on an element type it does not apply to', () => {
    const doc = fresh();
    const p = indexOf(doc.controlPlacements, 'pl-c11-ws-icu');
    doc.controlPlacements[p]!.elementId = 'z-icu-vlan';
    expectIssue(
      doc,
      `controlPlacements[${p}].elementId`,
      /'z-icu-vlan' cannot carry it: C11 .*applies to DEVICE, not to a zone/,
    );
  });

  it('reports a technology-specific control on a channel of another technology', () => {
    const doc = fresh();
    const p = indexOf(doc.controlPlacements, 'pl-c23-insulin-app-pump');
    doc.controlPlacements[p]!.elementId = 'ch-infserver-icu-pump-01';
    expectIssue(doc, `controlPlacements[${p}].elementId`, /only to BLE channels, not WIFI/);
  });

  it('reports an interface-kind-specific control on an interface of another kind', () => {
    const doc = fresh();
    const p = indexOf(doc.controlPlacements, 'pl-c28-infserver-remote');
    doc.controlPlacements[p]!.elementId = 'if-infserver-web';
    expectIssue(doc, `controlPlacements[${p}].elementId`, /only to REMOTE_SERVICE interfaces, not WEB_UI/);
  });

  it('reports a control whose device conditions the device lacks (C11 anti-malware needs a general-purpose OS)', () => {
    const doc = fresh();
    const p = indexOf(doc.controlPlacements, 'pl-c11-ws-icu');
    doc.controlPlacements[p]!.elementId = 'dev-insulin-pump';
    expectIssue(
      doc,
      `controlPlacements[${p}].elementId`,
      /'dev-insulin-pump' cannot carry it: .*needs a device with GENERAL_PURPOSE_OS/,
    );
  });

  describe('controls v2 applicability (bundled catalogue)', () => {
    const place = (doc: ModelDocument, controlId: string, elementId: string): number => {
      doc.controlPlacements.push({ id: `pl-test-${controlId}`, controlId, elementId, status: 'PLANNED' });
      return doc.controlPlacements.length - 1;
    };
    it.each([
      ['C13', 'if-icd-rf', /C13 .* needs an IP-based element .*\(IP_BASED\)/],
      ['C14', 'if-icd-rf', /C14 .* needs an element with interactive user sessions \(USER_SESSION\)/],
      ['C20', 'ch-programmer-icd', /C20 .* needs an IP-based element .*\(IP_BASED\)/],
      ['C15', 'dev-icd', /C15 .* needs an element of no implanted device \(NOT_IMPLANTED\)/],
      ['C15', 'dev-insulin-pump', /C15 .* needs an element of no body-worn device \(NOT_BODY_WORN\)/],
      ['C11', 'dev-icd', /C11 .* needs a device with GENERAL_PURPOSE_OS/],
    ])('refuses %s on %s, naming the predicate that fails', (controlId, elementId, message) => {
      const doc = fresh();
      const p = place(doc, controlId, elementId);
      expectIssue(doc, `controlPlacements[${p}].elementId`, message);
    });
    it('accepts what fits an implant: challenge-response on its radio link and interface, patching on the device', () => {
      const doc = fresh();
      place(doc, 'C27', 'if-icd-rf');
      place(doc, 'C06', 'dev-icd');
      doc.controlPlacements.push({
        id: 'pl-test-c21',
        controlId: 'C21',
        elementId: 'ch-programmer-icd',
        status: 'PLANNED',
      });
      expect(() => validateModelDocument(doc, catalogue)).not.toThrow();
    });
    it('refuses an extrinsic mechanism whose control cannot exist on the channel (TLS on a radio link), as it would the placement', () => {
      const doc = fresh();
      const c = indexOf(doc.channels, 'ch-programmer-icd');
      doc.channels[c]!.extrinsicMechanisms = ['TLS'];
      expectIssue(doc, `channels[${c}].extrinsicMechanisms[0]`, /TLS stands for control C20.*\(IP_BASED\)/);
      // A 2.0 file is migrated instead: the mechanism becomes a placement the review lists.
      expect(() => validateModelDocument({ ...doc, formatVersion: '2.0' }, catalogue)).not.toThrow();
    });
    it('keeps placements that no longer fit when they were stored before (misfitAllowed) or the file predates 2.1', () => {
      const doc = fresh();
      const p = place(doc, 'C13', 'if-icd-rf');
      expect(() => validateModelDocument(doc, catalogue)).toThrow(ValidationError);
      const stored = doc.controlPlacements[p]!;
      expect(() => validateModelDocument(doc, catalogue, { misfitAllowed: (x) => x.id === stored.id })).not.toThrow();
      expect(() => validateModelDocument({ ...doc, formatVersion: '2.0' }, catalogue)).not.toThrow();
    });
  });

  it('reports a placement on an asset', () => {
    const doc = fresh();
    const p = indexOf(doc.controlPlacements, 'pl-c11-ws-icu');
    doc.controlPlacements[p]!.elementId = 'as-ehr-personal';
    expectIssue(
      doc,
      `controlPlacements[${p}].elementId`,
      /is an asset; controls are placed on zones, devices, interfaces or channels/,
    );
  });

  it('reports the same control placed twice on one element', () => {
    const doc = fresh();
    const copy = { ...doc.controlPlacements[0]!, id: 'pl-copy' };
    doc.controlPlacements.push(copy);
    expectIssue(doc, `controlPlacements[${doc.controlPlacements.length - 1}]`, /already placed/);
  });

  it('reports BLE_JUST_WORKS on a Wi-Fi channel', () => {
    const doc = fresh();
    const c = indexOf(doc.channels, 'ch-infserver-icu-pump-01');
    doc.channels[c]!.intrinsicMechanism = 'BLE_JUST_WORKS';
    expectIssue(
      doc,
      `channels[${c}].intrinsicMechanism`,
      /BLE_JUST_WORKS is a BLE mechanism; a WIFI channel takes one of NONE, WEP/,
    );
  });

  it('reports an id used by two element kinds', () => {
    const doc = fresh();
    doc.assets[4]!.id = doc.zones[1]!.id;
    expectIssue(doc, 'assets[4].id', new RegExp(`duplicate id '${doc.zones[1]!.id}': zones\\[1\\] already uses it`));
  });

  it('reports a vulnerability on an element that is neither a device nor an interface', () => {
    const doc = fresh();
    doc.vulnerabilities[0]!.elementId = 'z-icu-vlan';
    expectIssue(doc, 'vulnerabilities[0].elementId', /is a zone; a vulnerability affects a device or an interface/);
  });

  it('collects every issue, not only the first', () => {
    const doc = fresh();
    doc.devices[0]!.zoneIds = ['z-nowhere'];
    doc.assets[0]!.deviceId = 'dev-nowhere';
    doc.controlPlacements[0]!.controlId = 'C00';
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['devices[0].zoneIds[0]', 'assets[0].deviceId', 'controlPlacements[0].controlId']),
    );
  });

  it('puts the first issue in the error message and field', () => {
    const doc = fresh();
    doc.devices[3]!.zoneIds[0] = 'z-foo';
    try {
      validateModelDocument(doc, catalogue);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('devices[3].zoneIds[0]');
      expect((error as ValidationError).code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('validateModelDocument: device identifiers (externalId, ipAddresses, macAddresses, assetTag)', () => {
  const pump = () => indexOf(demo.devices, 'dev-icu-pump-01');

  it('accepts the identifiers of the demo devices', () => {
    const withIds = demo.devices.filter((d) => d.ipAddresses || d.macAddresses || d.assetTag);
    expect(withIds.length).toBeGreaterThanOrEqual(3);
    expect(() => validateModelDocument(fresh(), catalogue)).not.toThrow();
  });

  it('reports two devices with the same externalId at the later one', () => {
    const doc = fresh();
    const first = indexOf(doc.devices, 'dev-infusion-server');
    expect(pump()).toBeLessThan(first);
    doc.devices[pump()]!.externalId = doc.devices[first]!.externalId!;
    expectIssue(
      doc,
      `devices[${first}].externalId`,
      new RegExp(`duplicate externalId 'CMDB-004711': devices\\[${pump()}\\] already has it`),
    );
  });

  it('reports an IP address that is not canonical, saying how to write it', () => {
    const doc = fresh();
    doc.devices[pump()]!.ipAddresses = ['10.30.8.21', '2001:DB8:0:0::1'];
    expectIssue(doc, `devices[${pump()}].ipAddresses[1]`, /canonical form '2001:db8::1'/);
  });

  it('reports something that is not an IP address, and placeholders', () => {
    const doc = fresh();
    doc.devices[pump()]!.ipAddresses = ['10.30.8.256', '0.0.0.0'];
    expectIssue(doc, `devices[${pump()}].ipAddresses[0]`, /more than 255/);
    expectIssue(doc, `devices[${pump()}].ipAddresses[1]`, /placeholder/);
  });

  it('reports a MAC address that is not in canonical form (schema) or a placeholder', () => {
    const doc = fresh();
    doc.devices[pump()]!.macAddresses = ['00-1B-63-4E-82-19'];
    expectIssue(doc, `devices[${pump()}].macAddresses[0]`, /canonical form: six lower-case hexadecimal bytes/);
    const doc2 = fresh();
    doc2.devices[pump()]!.macAddresses = ['00:00:00:00:00:00'];
    expectIssue(doc2, `devices[${pump()}].macAddresses[0]`, /placeholder/);
  });

  it('reports an empty or repeating address list (absent means none)', () => {
    const doc = fresh();
    doc.devices[pump()]!.ipAddresses = [];
    expectIssue(doc, `devices[${pump()}].ipAddresses`, /at least 1 item/);
    const doc2 = fresh();
    doc2.devices[pump()]!.macAddresses = ['00:1b:63:4e:82:19', '00:1b:63:4e:82:19'];
    expectIssue(doc2, `devices[${pump()}].macAddresses`, /same value twice/);
  });

  it('canonical form orders addresses (IPv4 first, numerically) and keeps the field order of types.ts', () => {
    const doc = fresh();
    const d = doc.devices[pump()]!;
    d.ipAddresses = ['fd00::1', '10.30.8.100', '10.30.8.21'];
    d.macAddresses = ['00:1b:63:4e:82:1a', '00:1b:63:4e:82:19'];
    const out = canonicalModelDocument(doc).devices.find((x) => x.id === d.id)!;
    expect(out.ipAddresses).toEqual(['10.30.8.21', '10.30.8.100', 'fd00::1']);
    expect(out.macAddresses).toEqual(['00:1b:63:4e:82:19', '00:1b:63:4e:82:1a']);
    expect(Object.keys(out).slice(-5)).toEqual(['zoneIds', 'externalId', 'ipAddresses', 'macAddresses', 'assetTag']);
  });
});

describe('canonicalModelDocument', () => {
  it('is idempotent', () => {
    const once = canonicalModelDocument(scrambled(demo, 7));
    expect(canonicalModelDocument(once)).toEqual(once);
  });

  it.each([1, 2, 3, 42])('does not depend on list or key order (seed %i)', (seed) => {
    const a = canonicalModelDocument(scrambled(demo, seed));
    const b = canonicalModelDocument(scrambled(demo, seed * 31 + 5));
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).toBe(JSON.stringify(canonicalModelDocument(demo)));
  });

  it('sorts lists by id and leaves absent optional fields absent', () => {
    const doc = canonicalModelDocument(scrambled(demo, 9));
    const ids = doc.devices.map((d) => d.id);
    expect(ids).toEqual([...ids].sort());
    const withoutManufacturer = doc.devices.find((d) => d.id === 'dev-ehr')!;
    expect('manufacturer' in withoutManufacturer).toBe(false);
    const channel = doc.channels.find((c) => c.id === 'ch-insulin-app-pump')!;
    expect('fromInterfaceId' in channel).toBe(false);
  });

  it('does not modify its input', () => {
    const input = scrambled(demo, 5);
    const before = JSON.stringify(input);
    canonicalModelDocument(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('cvssBaseScore', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:H', 9.3], // CVE-2019-6538 (CISA)
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.1], // CVE-2017-0144 (NVD)
    ['CVSS:3.0/AV:A/AC:H/PR:L/UI:N/S:U/C:N/I:H/A:N', 4.8], // CVE-2022-32537 (CISA)
    ['CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
  ])('%s scores %d', (vector, score) => {
    expect(cvssBaseScore(vector)).toBe(score);
  });

  it.each([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.7], // CVE-2020-3549 (FIRST v4.0 examples)
  ])('%s scores %d', (vector, score) => {
    expect(cvssBaseScore(vector)).toBe(score);
  });

  it('throws a ValidationError for anything but a v3 or v4 base vector', () => {
    expect(() => cvssBaseScore('CVSS:4.0/AV:N/AC:L/AT:N')).toThrow(ValidationError);
    expect(() => cvssBaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toThrow(ValidationError);
    expect(() => cvssBaseScore('CVSS:3.1/AV:N/AC:L')).toThrow(ValidationError);
  });
});
