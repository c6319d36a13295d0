/**
 * Seeded generator of realistic hospital threat models, for benchmarks and property tests.
 *
 * generateHospital({ devices, seed }) returns a ModelDocument with exactly `devices` devices:
 * wards (CLINICAL zones of ~300 devices) with infusion pumps and their infusion servers, patient
 * monitors with central stations, ventilators, BLE bed sensors with gateways; an imaging network
 * with modalities and PACS; enterprise workstations, EHR and interface engine; a building IoT
 * network of Zigbee/LoRa sensors; home patients (insulin pump + CGM paired with a phone app,
 * implantables with a home monitor) reaching vendor clouds. Entry points: INTERNET, GUEST_WIFI,
 * VENDOR_REMOTE_ACCESS, PATIENT_HOME, PHYSICAL_ACCESS. Vulnerabilities use real CVE ids with
 * representative CVSS vectors (illustrative, not an NVD copy). Some controls are already placed.
 *
 * Deterministic: its own PRNG (mulberry32); the same options give the same document. Scales
 * linearly (50k devices in 1–2 s). The document is valid for
 * validateModelDocument against the catalogue it is generated for (placements are filtered by
 * control applicability when a catalogue is given; without one, they follow standards-notes §5.3).
 */
import type {
  Asset,
  AssetKind,
  Authentication,
  Catalogue,
  Channel,
  ChannelPayload,
  ChannelTechnology,
  ControlPlacement,
  Device,
  DeviceCategory,
  ExtrinsicMechanism,
  Interface,
  InterfaceKind,
  IntrinsicMechanism,
  ModelDocument,
  RiskClass,
  Severity,
  Vulnerability,
  Zone,
} from '../../server/src/domain/types';
import { canPlaceControl, elementFacts } from '../../server/src/engine/controls';

export interface GenerateHospitalOptions {
  /** Number of devices (exactly). */
  devices: number;
  /** PRNG seed. */
  seed: number;
  /** If given, control placements are kept only where the control fits (appliesTo, technologies, interfaceKinds). */
  catalogue?: Catalogue;
}

/** mulberry32: small, fast, good enough for test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real CVE ids with representative vectors, by where they occur. */
const CVES = {
  rdp: [['CVE-2019-0708', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']],
  smb: [
    ['CVE-2017-0144', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVE-2020-0796', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'],
  ],
  java: [['CVE-2021-44228', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H']],
  pump: [
    ['CVE-2017-12726', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVE-2017-12721', 'CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H'],
  ],
  pumpSerial: [['CVE-2022-43557', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']],
  monitor: [
    ['CVE-2020-6964', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVE-2024-12248', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVE-2025-0626', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVE-2018-8849', 'CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'],
  ],
  central: [
    ['CVE-2020-6961', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'],
    ['CVE-2020-6962', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['CVE-2020-6963', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'],
    ['CVE-2020-6965', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
  ],
  implant: [['CVE-2019-6538', 'CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']],
  insulin: [['CVE-2022-32537', 'CVSS:3.1/AV:A/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H']],
  ble: [['CVE-2026-5768', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:N']],
} as const;

type Payloads = ChannelPayload[];

export function generateHospital(options: GenerateHospitalOptions): ModelDocument {
  const { devices: total, seed, catalogue } = options;
  if (!Number.isInteger(total) || total < 0) throw new Error('devices must be a non-negative integer');
  const rnd = mulberry32(seed);
  const chance = (p: number) => rnd() < p;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const pad = (n: number, w = 6) => String(n).padStart(w, '0');

  const zones: Zone[] = [];
  const devices: Device[] = [];
  const interfaces: Interface[] = [];
  const channels: Channel[] = [];
  const assets: Asset[] = [];
  const vulnerabilities: Vulnerability[] = [];
  const placements: ControlPlacement[] = [];
  const controls = catalogue ? new Map(catalogue.controls.map((c) => [c.id, c])) : undefined;

  const zone = (id: string, name: string, kind: Zone['kind'], entryPoint: boolean) => {
    zones.push({ id, name, kind, entryPoint });
    return id;
  };
  const Z = {
    internet: zone('z-internet', 'Internet', 'INTERNET', true),
    guest: zone('z-guest-wifi', 'Guest Wi-Fi', 'GUEST_WIFI', true),
    vendor: zone('z-vendor', 'Vendor remote access', 'VENDOR_REMOTE_ACCESS', true),
    home: zone('z-home', 'Patient homes', 'PATIENT_HOME', true),
    physical: zone('z-physical', 'Public areas (physical access)', 'PHYSICAL_ACCESS', true),
    cloud: zone('z-cloud', 'Vendor cloud', 'CLOUD', false),
    dmz: zone('z-dmz', 'DMZ', 'DMZ', false),
    enterprise: zone('z-enterprise', 'Enterprise network', 'ENTERPRISE', false),
    imaging: zone('z-imaging', 'Imaging network', 'CLINICAL', false),
    iot: zone('z-iot', 'Building IoT network', 'OTHER', false),
  };
  const wardCount = Math.max(1, Math.ceil(total / 300));
  const wards: string[] = [];
  for (let w = 0; w < wardCount; w++)
    wards.push(zone(`z-ward-${pad(w + 1, 3)}`, `Ward ${w + 1} clinical network`, 'CLINICAL', false));

  let placementSeq = 0;
  const place = (controlId: string, elementId: string, status: ControlPlacement['status']) => {
    // Applicability is checked on the finished model (below), where every fact is known.
    if (controls && !controls.has(controlId)) return;
    placements.push({ id: `pl-${pad(++placementSeq)}`, controlId, elementId, status });
  };
  let vulnSeq = 0;
  const vuln = (elementId: string, pool: readonly (readonly [string, string])[], p: number) => {
    if (!chance(p)) return;
    const [cveId, cvssVector] = pick(pool);
    vulnerabilities.push({ id: `vuln-${pad(++vulnSeq)}`, cveId, cvssVector, elementId });
  };

  let deviceSeq = 0;
  const device = (
    category: DeviceCategory,
    name: string,
    riskClass: RiskClass,
    zoneIds: string[],
    flags: {
      gpos?: boolean;
      patchable?: boolean;
      pii?: boolean;
      store?: boolean;
      remote?: boolean;
      manufacturer?: string;
    } = {},
  ): Device => {
    const d: Device = {
      id: `dev-${pad(++deviceSeq)}`,
      name: `${name} ${pad(deviceSeq, 5)}`,
      category,
      riskClass,
      generalPurposeOs: flags.gpos ?? false,
      patchable: flags.patchable ?? true,
      handlesPersonalData: flags.pii ?? false,
      storesData: flags.store ?? false,
      remoteService: flags.remote ?? false,
      zoneIds,
      externalId: `CMDB-${pad(deviceSeq, 7)}`,
    };
    if (flags.manufacturer) d.manufacturer = flags.manufacturer;
    devices.push(d);
    if (d.patchable && chance(0.25)) place('C06', d.id, 'IMPLEMENTED');
    if (d.generalPurposeOs && chance(0.4)) place('C11', d.id, chance(0.7) ? 'IMPLEMENTED' : 'PLANNED');
    return d;
  };
  const iface = (
    d: Device,
    suffix: string,
    kind: InterfaceKind,
    exposed: string[],
    authentication: Authentication,
    port?: number,
  ): Interface => {
    const f: Interface = {
      id: `${d.id}-if-${suffix}`,
      deviceId: d.id,
      name: `${suffix.toUpperCase()}`,
      kind,
      exposedToZoneIds: exposed,
      authentication,
    };
    if (port !== undefined) f.port = port;
    interfaces.push(f);
    if ((kind === 'WEB_UI' || kind === 'SSH' || kind === 'RDP') && chance(0.3))
      place('C14', f.id, chance(0.75) ? 'IMPLEMENTED' : 'PLANNED');
    if (kind === 'REMOTE_SERVICE' && chance(0.3)) place('C28', f.id, 'IMPLEMENTED');
    if ((kind === 'USB' || kind === 'SERIAL_DEBUG') && chance(0.2)) place('C15', f.id, 'IMPLEMENTED');
    return f;
  };
  let channelSeq = 0;
  const channel = (
    from: Device,
    to: Device,
    technology: ChannelTechnology,
    intrinsicMechanism: IntrinsicMechanism,
    extrinsicMechanisms: ExtrinsicMechanism[],
    carries: Payloads,
    zoneIds: string[],
    name: string,
  ): Channel => {
    const c: Channel = {
      id: `ch-${pad(++channelSeq)}`,
      name: `${name} ${from.name} → ${to.name}`,
      fromDeviceId: from.id,
      toDeviceId: to.id,
      technology,
      intrinsicMechanism,
      extrinsicMechanisms,
      carries,
      zoneIds,
    };
    channels.push(c);
    if (technology === 'WIFI' && chance(0.25)) place('C22', c.id, 'IMPLEMENTED');
    if (carries.includes('COMMANDS') && chance(0.1)) place('C21', c.id, chance(0.5) ? 'IMPLEMENTED' : 'PLANNED');
    return c;
  };
  const asset = (d: Device, kind: AssetKind, severity: Severity, name: string) => {
    assets.push({ id: `${d.id}-a-${kind.toLowerCase().replace(/_/g, '-')}`, deviceId: d.id, name, kind, severity });
  };
  const auth = (weights: [Authentication, number][]): Authentication => {
    let r = rnd();
    for (const [a, w] of weights) {
      if ((r -= w) < 0) return a;
    }
    return weights[weights.length - 1]![0];
  };
  const wifiMechanism = (): IntrinsicMechanism =>
    pick(['WPA2_PSK', 'WPA2_PSK', 'WPA2_ENTERPRISE', 'WPA3_SAE', 'WPA_TKIP', 'WPA2_ENTERPRISE']);
  const budgetLeft = () => devices.length < total;

  // ---- infrastructure created on demand (counted in the total) --------------------------------
  const central = new Map<number, Device>();
  const infusionServers = new Map<number, Device>();
  const gateways = new Map<number, Device>();
  const singletons = new Map<string, Device>();

  const ehr = (): Device | undefined => {
    let d = singletons.get('ehr');
    if (d || !budgetLeft()) return d;
    d = device('EHR', 'EHR server', 'A', [Z.enterprise, Z.dmz], {
      gpos: true,
      pii: true,
      store: true,
      manufacturer: 'Epic',
    });
    singletons.set('ehr', d);
    iface(
      d,
      'web',
      'WEB_UI',
      [Z.enterprise],
      auth([
        ['PASSWORD', 0.6],
        ['MFA', 0.4],
      ]),
      443,
    );
    iface(d, 'fhir', 'FHIR_API', [Z.dmz], 'CERTIFICATE', 443);
    const hl7 = iface(d, 'hl7', 'HL7', [Z.enterprise], 'NONE', 2575);
    vuln(hl7.id, CVES.java, 0.3);
    asset(d, 'PERSONAL_DATA', 'SERIOUS', 'Patient records');
    return d;
  };
  const interfaceEngine = (): Device | undefined => {
    let d = singletons.get('ie');
    if (d || !budgetLeft()) return d;
    d = device('INTERFACE_ENGINE', 'HL7 interface engine', 'A', [Z.enterprise, ...wards.slice(0, 8)], {
      gpos: true,
      pii: true,
    });
    singletons.set('ie', d);
    iface(d, 'hl7', 'HL7', [Z.enterprise, ...wards.slice(0, 8)], 'NONE', 2575);
    iface(
      d,
      'ssh',
      'SSH',
      [Z.enterprise],
      auth([
        ['PASSWORD', 0.7],
        ['CERTIFICATE', 0.3],
      ]),
      22,
    );
    const e = ehr();
    if (e)
      channel(
        d,
        e,
        'ETHERNET',
        'NONE',
        chance(0.5) ? ['TLS'] : [],
        ['PERSONAL_DATA', 'TELEMETRY'],
        [Z.enterprise],
        'HL7 feed',
      );
    return d;
  };
  const cloud = (which: 'home' | 'device'): Device | undefined => {
    let d = singletons.get(`cloud-${which}`);
    if (d || !budgetLeft()) return d;
    d = device(
      'CLOUD_SERVICE',
      which === 'home' ? 'Remote patient monitoring cloud' : 'Device vendor cloud',
      'B',
      [Z.cloud],
      {
        gpos: true,
        pii: true,
        store: true,
      },
    );
    singletons.set(`cloud-${which}`, d);
    iface(
      d,
      'api',
      'REST_API',
      [Z.internet],
      auth([
        ['CERTIFICATE', 0.5],
        ['PASSWORD', 0.5],
      ]),
      443,
    );
    iface(
      d,
      'web',
      'WEB_UI',
      [Z.internet],
      auth([
        ['PASSWORD', 0.5],
        ['MFA', 0.5],
      ]),
      443,
    );
    asset(d, 'PERSONAL_DATA', 'SERIOUS', 'Remote monitoring data');
    const e = ehr();
    if (e) channel(d, e, 'ETHERNET', 'NONE', ['TLS'], ['PERSONAL_DATA'], [Z.internet, Z.dmz], 'Cloud report');
    return d;
  };
  const centralStation = (w: number): Device | undefined => {
    let d = central.get(w);
    if (d || !budgetLeft()) return d;
    const ward = wards[w]!;
    d = device('CENTRAL_STATION', `Central station W${w + 1}`, 'C', [ward, Z.enterprise], {
      gpos: true,
      pii: true,
      store: true,
      patchable: chance(0.5),
      manufacturer: 'GE',
    });
    central.set(w, d);
    const web = iface(
      d,
      'web',
      'WEB_UI',
      chance(0.03) ? [ward, Z.enterprise, Z.guest] : [ward, Z.enterprise],
      auth([
        ['DEFAULT_CREDENTIALS', 0.2],
        ['PASSWORD', 0.7],
        ['MFA', 0.1],
      ]),
      443,
    );
    iface(d, 'rdp', 'RDP', [Z.enterprise], 'PASSWORD', 3389);
    iface(d, 'hl7', 'HL7', [ward], 'NONE', 2575);
    vuln(d.id, CVES.central, 0.4);
    vuln(web.id, CVES.central, 0.2);
    asset(d, 'ALARM', 'CRITICAL', 'Central alarm display');
    asset(d, 'DIAGNOSIS_MONITORING', 'SERIOUS', 'Central monitoring');
    asset(d, 'PERSONAL_DATA', 'MINOR', 'Patient census');
    const ie = interfaceEngine();
    if (ie) channel(d, ie, 'ETHERNET', 'NONE', [], ['PERSONAL_DATA', 'TELEMETRY'], [ward, Z.enterprise], 'HL7 results');
    return d;
  };
  const infusionServer = (w: number): Device | undefined => {
    const key = Math.floor(w / 4);
    let d = infusionServers.get(key);
    if (d || !budgetLeft()) return d;
    const served = wards.slice(key * 4, key * 4 + 4);
    d = device('INFUSION_SERVER', `Infusion server ${key + 1}`, 'B', [Z.enterprise, ...served], {
      gpos: true,
      pii: true,
      store: true,
      remote: true,
      manufacturer: 'BD',
    });
    infusionServers.set(key, d);
    iface(
      d,
      'web',
      'WEB_UI',
      [Z.enterprise, ...served],
      auth([
        ['PASSWORD', 0.8],
        ['MFA', 0.2],
      ]),
      443,
    );
    const rs = iface(
      d,
      'rs',
      'REMOTE_SERVICE',
      [Z.vendor],
      auth([
        ['PASSWORD', 0.6],
        ['MFA', 0.3],
        ['CERTIFICATE', 0.1],
      ]),
      443,
    );
    vuln(rs.id, CVES.java, 0.15);
    const rdp = iface(d, 'rdp', 'RDP', [Z.enterprise], 'PASSWORD', 3389);
    vuln(rdp.id, CVES.rdp, 0.3);
    asset(d, 'PERSONAL_DATA', 'MINOR', 'Infusion records');
    return d;
  };
  const gateway = (w: number): Device | undefined => {
    let d = gateways.get(w);
    if (d || !budgetLeft()) return d;
    const ward = wards[w]!;
    d = device('GATEWAY', `Sensor gateway W${w + 1}`, 'A', [ward, Z.iot], { patchable: chance(0.6) });
    gateways.set(w, d);
    iface(
      d,
      'web',
      'WEB_UI',
      [Z.iot, ward],
      auth([
        ['DEFAULT_CREDENTIALS', 0.3],
        ['PASSWORD', 0.7],
      ]),
      80,
    );
    iface(
      d,
      'ssh',
      'SSH',
      [Z.iot],
      auth([
        ['DEFAULT_CREDENTIALS', 0.2],
        ['PASSWORD', 0.6],
        ['CERTIFICATE', 0.2],
      ]),
      22,
    );
    const c = centralStation(w);
    if (c) channel(d, c, 'ETHERNET', 'NONE', [], ['TELEMETRY', 'ALARMS'], [ward], 'Sensor feed');
    return d;
  };
  const pacs = (): Device | undefined => {
    let d = singletons.get('pacs');
    if (d || !budgetLeft()) return d;
    d = device('PACS', 'PACS', 'B', [Z.imaging, Z.enterprise], { gpos: true, pii: true, store: true, remote: true });
    singletons.set('pacs', d);
    iface(d, 'dicom', 'DICOM', [Z.imaging, Z.enterprise], 'NONE', 104);
    const web = iface(
      d,
      'web',
      'WEB_UI',
      [Z.enterprise, Z.dmz],
      auth([
        ['PASSWORD', 0.7],
        ['MFA', 0.3],
      ]),
      443,
    );
    vuln(web.id, CVES.java, 0.3);
    iface(
      d,
      'rs',
      'REMOTE_SERVICE',
      [Z.vendor],
      auth([
        ['PASSWORD', 0.5],
        ['MFA', 0.5],
      ]),
      443,
    );
    asset(d, 'PERSONAL_DATA', 'SERIOUS', 'Image archive');
    asset(d, 'DIAGNOSIS_MONITORING', 'SERIOUS', 'Diagnostic images');
    return d;
  };
  const phones: Device[] = [];
  const phone = (): Device | undefined => {
    if (phones.length > 0 && chance(0.3)) return pick(phones);
    if (!budgetLeft()) return phones.length > 0 ? pick(phones) : undefined;
    const d = device('MOBILE_APP', 'Patient phone app', 'B', [Z.home], { pii: true, store: true, patchable: true });
    phones.push(d);
    asset(d, 'PERSONAL_DATA', 'MINOR', 'Glucose history');
    const c = cloud('home');
    if (c) channel(d, c, 'CELLULAR', 'CELLULAR_LTE', ['TLS'], ['PERSONAL_DATA', 'TELEMETRY'], [Z.internet], 'App sync');
    return d;
  };

  // ---- endpoints --------------------------------------------------------------------------------
  type Maker = (w: number) => void;
  const makers: [Maker, number][] = [
    [
      (w) => {
        const ward = wards[w]!;
        const d = device('INFUSION_PUMP', 'Infusion pump', 'C', [ward], {
          patchable: chance(0.4),
          manufacturer: pick(['BD', 'Baxter', 'Smiths Medical', 'Fresenius']),
        });
        const wifi = iface(
          d,
          'wifi',
          'WIFI',
          [ward],
          auth([
            ['NONE', 0.3],
            ['PASSWORD', 0.4],
            ['CERTIFICATE', 0.3],
          ]),
        );
        vuln(wifi.id, CVES.pump, 0.15);
        const usb = iface(
          d,
          'usb',
          'USB',
          [Z.physical],
          auth([
            ['NONE', 0.6],
            ['PASSWORD', 0.4],
          ]),
        );
        if (chance(0.2)) {
          const serial = iface(d, 'serial', 'SERIAL_DEBUG', [Z.physical], 'NONE');
          vuln(serial.id, CVES.pumpSerial, 0.5);
        } else vuln(usb.id, CVES.pumpSerial, 0.05);
        iface(
          d,
          'ui',
          'LOCAL_UI',
          [Z.physical],
          auth([
            ['NONE', 0.5],
            ['PASSWORD', 0.5],
          ]),
        );
        asset(d, 'THERAPY_DELIVERY', chance(0.3) ? 'CATASTROPHIC' : 'CRITICAL', 'Drug infusion');
        asset(d, 'ALARM', 'SERIOUS', 'Occlusion alarm');
        const s = infusionServer(w);
        if (s) {
          const carries: Payloads = chance(0.3)
            ? ['COMMANDS', 'TELEMETRY', 'ALARMS', 'FIRMWARE']
            : ['COMMANDS', 'TELEMETRY', 'ALARMS'];
          const inRange = chance(0.15) ? [ward, Z.physical] : chance(0.05) ? [ward, Z.guest] : [ward];
          channel(
            s,
            d,
            'WIFI',
            wifiMechanism(),
            chance(0.4) ? ['TLS'] : [],
            carries,
            inRange,
            'Drug library and programming',
          );
        }
      },
      24,
    ],
    [
      (w) => {
        const ward = wards[w]!;
        const d = device('PATIENT_MONITOR', 'Patient monitor', 'C', [ward], {
          pii: true,
          patchable: chance(0.5),
          manufacturer: pick(['Philips', 'GE', 'Mindray', 'Contec']),
        });
        const eth = iface(d, 'eth', 'ETHERNET', [ward], 'NONE');
        vuln(d.id, CVES.monitor, 0.2);
        vuln(eth.id, CVES.monitor, 0.05);
        iface(
          d,
          'ui',
          'LOCAL_UI',
          [Z.physical],
          auth([
            ['NONE', 0.7],
            ['PASSWORD', 0.3],
          ]),
        );
        if (chance(0.2)) iface(d, 'serial', 'SERIAL_DEBUG', [Z.physical], 'NONE');
        asset(d, 'DIAGNOSIS_MONITORING', 'SERIOUS', 'Vital signs');
        asset(d, 'ALARM', 'CRITICAL', 'Bedside alarms');
        const c = centralStation(w);
        if (c) {
          const wireless = chance(0.3);
          channel(
            d,
            c,
            wireless ? 'WIFI' : 'ETHERNET',
            wireless ? wifiMechanism() : 'NONE',
            chance(0.2) ? ['MESSAGE_AUTHENTICATION'] : [],
            ['TELEMETRY', 'ALARMS'],
            wireless && chance(0.2) ? [ward, Z.physical] : [ward],
            'Monitoring network',
          );
        }
      },
      18,
    ],
    [
      (w) => {
        const ward = wards[w]!;
        const d = device('VENTILATOR', 'Ventilator', 'C', [ward], { patchable: chance(0.3) });
        iface(d, 'eth', 'ETHERNET', [ward], 'NONE');
        iface(d, 'ui', 'LOCAL_UI', [Z.physical], 'PASSWORD');
        iface(d, 'usb', 'USB', [Z.physical], 'NONE');
        asset(d, 'THERAPY_DELIVERY', 'CATASTROPHIC', 'Ventilation');
        asset(d, 'ALARM', 'CRITICAL', 'Ventilator alarms');
        const c = centralStation(w);
        if (c) channel(d, c, 'ETHERNET', 'NONE', [], ['TELEMETRY', 'ALARMS'], [ward], 'Alarm integration');
      },
      3,
    ],
    [
      (w) => {
        const inWard = chance(0.4);
        const zonesOf = inWard ? [wards[w]!, Z.enterprise] : [Z.enterprise];
        const d = device('WORKSTATION', inWard ? 'Clinical workstation' : 'Office workstation', 'A', zonesOf, {
          gpos: true,
          pii: true,
          store: true,
          patchable: true,
        });
        const rdp = iface(d, 'rdp', 'RDP', [Z.enterprise], 'PASSWORD', 3389);
        vuln(rdp.id, CVES.rdp, 0.08);
        const smb = iface(
          d,
          'smb',
          'SMB',
          [Z.enterprise],
          auth([
            ['PASSWORD', 0.9],
            ['NONE', 0.1],
          ]),
          445,
        );
        vuln(smb.id, CVES.smb, 0.1);
        iface(d, 'usb', 'USB', [Z.physical], 'NONE');
        asset(d, 'PERSONAL_DATA', 'MINOR', 'Cached records');
        const e = ehr();
        if (e && chance(0.5))
          channel(
            e,
            d,
            'ETHERNET',
            'NONE',
            chance(0.7) ? ['TLS'] : [],
            ['PERSONAL_DATA'],
            [Z.enterprise],
            'EHR session',
          );
      },
      14,
    ],
    [
      (w) => {
        const ward = wards[w]!;
        const d = device('BED_SENSOR', 'BLE bed sensor', 'B', [ward], { patchable: false });
        const ble = iface(d, 'ble', 'BLE_GATT', [ward, Z.physical], 'NONE');
        vuln(ble.id, CVES.ble, 0.1);
        asset(d, 'DIAGNOSIS_MONITORING', 'MINOR', 'Bed exit readings');
        if (chance(0.5)) asset(d, 'ALARM', 'SERIOUS', 'Fall alarm');
        const g = gateway(w);
        if (g) {
          channel(
            d,
            g,
            'BLE',
            pick(['BLE_JUST_WORKS', 'BLE_LEGACY_JUST_WORKS', 'BLE_PASSKEY', 'BLE_JUST_WORKS']),
            chance(0.2) ? ['APPLICATION_ENCRYPTION'] : [],
            ['TELEMETRY', 'ALARMS'],
            [ward, Z.physical],
            'BLE link',
          );
        }
      },
      7,
    ],
    [
      (w) => {
        const zigbee = chance(0.6);
        const d = device(
          'ENVIRONMENTAL_SENSOR',
          zigbee ? 'Zigbee fridge sensor' : 'LoRa temperature sensor',
          'A',
          [Z.iot],
          { patchable: false },
        );
        iface(d, 'radio', zigbee ? 'ZIGBEE' : 'LORA', [Z.iot], 'NONE');
        asset(d, 'DIAGNOSIS_MONITORING', 'NEGLIGIBLE', 'Cold-chain temperature');
        const g = gateway(w);
        if (g) {
          channel(
            d,
            g,
            zigbee ? 'ZIGBEE' : 'LORA',
            zigbee
              ? pick(['ZIGBEE_DEFAULT_TC_LINK_KEY', 'ZIGBEE_SHARED_NETWORK_KEY', 'ZIGBEE_INSTALL_CODE_LINK_KEY'])
              : pick(['LORAWAN_ABP', 'LORAWAN_OTAA']),
            [],
            ['TELEMETRY'],
            [Z.iot, Z.physical],
            zigbee ? 'Zigbee link' : 'LoRaWAN link',
          );
        }
      },
      5,
    ],
    [
      () => {
        const d = device('IMAGING', pick(['CT scanner', 'MRI scanner', 'X-ray unit', 'Ultrasound']), 'C', [Z.imaging], {
          gpos: true,
          pii: true,
          store: true,
          remote: true,
          patchable: chance(0.3),
          manufacturer: pick(['Siemens', 'GE', 'Philips', 'Canon']),
        });
        iface(d, 'dicom', 'DICOM', [Z.imaging], 'NONE', 104);
        const smb = iface(
          d,
          'smb',
          'SMB',
          [Z.imaging],
          auth([
            ['DEFAULT_CREDENTIALS', 0.3],
            ['PASSWORD', 0.7],
          ]),
          445,
        );
        vuln(smb.id, CVES.smb, 0.3);
        iface(
          d,
          'rs',
          'REMOTE_SERVICE',
          [Z.vendor],
          auth([
            ['PASSWORD', 0.6],
            ['MFA', 0.4],
          ]),
          443,
        );
        iface(d, 'usb', 'USB', [Z.physical], 'NONE');
        asset(d, 'DIAGNOSIS_MONITORING', 'SERIOUS', 'Image acquisition');
        asset(d, 'PERSONAL_DATA', 'MINOR', 'Local study cache');
        const p = pacs();
        if (p)
          channel(
            d,
            p,
            'ETHERNET',
            'NONE',
            chance(0.3) ? ['TLS'] : [],
            ['PERSONAL_DATA', 'TELEMETRY'],
            [Z.imaging],
            'DICOM store',
          );
      },
      2,
    ],
    [
      () => {
        const d = device(
          'NETWORK_DEVICE',
          pick(['Access switch', 'Wireless controller', 'Firewall']),
          'A',
          [Z.enterprise, pick(wards)],
          { patchable: true },
        );
        iface(
          d,
          'ssh',
          'SSH',
          [Z.enterprise],
          auth([
            ['PASSWORD', 0.6],
            ['CERTIFICATE', 0.3],
            ['DEFAULT_CREDENTIALS', 0.1],
          ]),
          22,
        );
        if (chance(0.3))
          iface(
            d,
            'telnet',
            'TELNET',
            [Z.enterprise],
            auth([
              ['PASSWORD', 0.6],
              ['DEFAULT_CREDENTIALS', 0.4],
            ]),
            23,
          );
        iface(
          d,
          'web',
          'WEB_UI',
          [Z.enterprise],
          auth([
            ['PASSWORD', 0.8],
            ['DEFAULT_CREDENTIALS', 0.2],
          ]),
          443,
        );
      },
      2,
    ],
    [
      () => {
        const d = device('INSULIN_PUMP', 'Insulin pump', 'C', [Z.home], {
          patchable: false,
          manufacturer: 'Medtronic',
        });
        const ble = iface(d, 'ble', 'BLE_GATT', [Z.home], 'NONE');
        vuln(ble.id, CVES.insulin, 0.3);
        iface(d, 'ui', 'LOCAL_UI', [Z.home], 'NONE');
        asset(d, 'THERAPY_DELIVERY', 'CATASTROPHIC', 'Insulin delivery');
        asset(d, 'ALARM', 'CRITICAL', 'Hypoglycaemia alarm');
        const p = phone();
        if (p)
          channel(
            p,
            d,
            'BLE',
            pick(['BLE_JUST_WORKS', 'BLE_PASSKEY', 'BLE_NUMERIC_COMPARISON', 'BLE_JUST_WORKS']),
            chance(0.3) ? ['CHALLENGE_RESPONSE'] : [],
            ['COMMANDS', 'TELEMETRY', 'ALARMS'],
            [Z.home],
            'BLE pairing',
          );
      },
      3,
    ],
    [
      () => {
        const d = device('CGM', 'Continuous glucose monitor', 'C', [Z.home], { patchable: false });
        iface(d, 'ble', 'BLE_GATT', [Z.home], 'NONE');
        asset(d, 'DIAGNOSIS_MONITORING', 'SERIOUS', 'Glucose readings');
        const p = phone();
        if (p)
          channel(
            d,
            p,
            'BLE',
            pick(['BLE_JUST_WORKS', 'BLE_PASSKEY', 'BLE_LEGACY_JUST_WORKS']),
            [],
            ['TELEMETRY', 'ALARMS'],
            [Z.home],
            'CGM link',
          );
      },
      3,
    ],
    [
      () => {
        const implant = device('IMPLANTABLE_CARDIAC', 'Implantable defibrillator', 'D', [Z.home], {
          patchable: false,
          manufacturer: 'Medtronic',
        });
        const rf = iface(implant, 'rf', 'PROPRIETARY_RF', [Z.home], 'NONE');
        vuln(rf.id, CVES.implant, 0.4);
        asset(implant, 'THERAPY_DELIVERY', 'CATASTROPHIC', 'Defibrillation therapy');
        if (!budgetLeft()) return;
        const monitor = device('HOME_MONITOR', 'Bedside home monitor', 'C', [Z.home], {
          pii: true,
          store: true,
          patchable: chance(0.5),
        });
        iface(monitor, 'wifi', 'WIFI', [Z.home], 'NONE');
        asset(monitor, 'DIAGNOSIS_MONITORING', 'SERIOUS', 'Device interrogation data');
        asset(monitor, 'PERSONAL_DATA', 'MINOR', 'Patient identity');
        const unencrypted = chance(0.5);
        channel(
          implant,
          monitor,
          'PROPRIETARY_RF',
          unencrypted ? 'PROPRIETARY_UNENCRYPTED' : 'PROPRIETARY_ENCRYPTED',
          [],
          ['TELEMETRY', 'ALARMS'],
          [Z.home],
          'Telemetry',
        );
        if (chance(0.3))
          channel(
            monitor,
            implant,
            'PROPRIETARY_RF',
            unencrypted ? 'PROPRIETARY_UNENCRYPTED' : 'PROPRIETARY_ENCRYPTED',
            [],
            ['COMMANDS'],
            [Z.home],
            'Remote programming',
          );
        const c = cloud('device');
        if (c)
          channel(
            monitor,
            c,
            'CELLULAR',
            'CELLULAR_LTE',
            chance(0.7) ? ['TLS'] : ['APPLICATION_ENCRYPTION'],
            ['TELEMETRY', 'PERSONAL_DATA'],
            [Z.internet],
            'Cellular upload',
          );
      },
      2,
    ],
  ];
  const weightSum = makers.reduce((s, [, w]) => s + w, 0);

  if (total > 0) place('C29', Z.enterprise, 'PLANNED');
  while (devices.length < total) {
    let r = rnd() * weightSum;
    let maker = makers[0]![0];
    for (const [m, w] of makers) {
      if ((r -= w) < 0) {
        maker = m;
        break;
      }
    }
    maker(Math.floor(rnd() * wardCount));
  }

  // Only placements that fit their element (controls v2 applicability, on the whole model).
  const facts = elementFacts({ zones, devices, interfaces, channels });
  const fitting = controls
    ? placements.filter((p) => {
        const element = facts.get(p.elementId);
        return element !== undefined && canPlaceControl(controls.get(p.controlId)!, element);
      })
    : placements;
  return {
    formatVersion: '2.3',
    model: { id: `generated-${total}-${seed}`, name: `Generated hospital (${total} devices, seed ${seed})` },
    zones,
    devices,
    interfaces,
    channels,
    assets,
    vulnerabilities,
    controlPlacements: fitting,
  };
}
