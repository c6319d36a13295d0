/**
 * A synthetic hospital model of a chosen size, for the layout benchmark: zones, devices spread
 * over them, channels mostly inside a zone, some interfaces exposed to other zones. Deterministic
 * (seeded PRNG). Pure.
 */
import type { DeviceCategory, RiskClass } from '../api/__generated__/graphql';
import type { ModelData } from '../graph/model-index';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES: DeviceCategory[] = [
  'INFUSION_PUMP',
  'PATIENT_MONITOR',
  'VENTILATOR',
  'IMAGING',
  'WORKSTATION',
  'SERVER',
  'GATEWAY',
  'BED_SENSOR',
  'CENTRAL_STATION',
  'PACS',
];
const CLASSES: RiskClass[] = ['A', 'B', 'C', 'D'];

/**
 * About `devices` devices, `devices * 1.1` channels, `zones` zones and one exposure for every
 * fifth device: 2,000 map elements for devices = 800, zones = 20.
 */
export function syntheticModel({
  devices = 800,
  zones = 20,
  seed = 67,
}: { devices?: number; zones?: number; seed?: number } = {}): ModelData {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const m: ModelData = {
    zones: [],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  };
  for (let z = 0; z < zones; z++) {
    m.zones.push({
      id: `z${z}`,
      name: `Zone ${z}`,
      kind: z % 5 === 0 ? 'GUEST_WIFI' : 'CLINICAL',
      entryPoint: z % 5 === 0,
      description: null,
      physicalAccess: null,
      network: null,
      effectivePhysicalAccess: false,
      effectiveNetwork: true,
      linkedZoneIds: [],
      linkedZoneServices: null,
    });
  }
  const byZone: string[][] = Array.from({ length: zones }, () => []);
  for (let d = 0; d < devices; d++) {
    const z = Math.floor(rnd() * zones);
    const id = `d${d}`;
    byZone[z]!.push(id);
    m.devices.push({
      id,
      name: `Device ${d} ${pick(['pump', 'monitor', 'gateway', 'workstation'])}`,
      category: pick(CATEGORIES),
      manufacturer: null,
      modelName: null,
      riskClass: pick(CLASSES),
      software: null,
      generalPurposeOs: false,
      patchable: true,
      handlesPersonalData: false,
      storesData: false,
      remoteService: false,
      zoneIds: [`z${z}`],
      externalId: null,
      hostDeviceId: null,
      outboundZoneIds: null,
      outboundAccepts: null,
      emergencyOperation: null,
      effectiveEmergencyOperation: false,
    });
    const exposed = d % 5 === 0 ? [`z${(z + 1 + Math.floor(rnd() * (zones - 1))) % zones}`] : [];
    m.interfaces.push({
      id: `i${d}`,
      deviceId: id,
      name: 'Network',
      kind: 'ETHERNET',
      exposedToZoneIds: exposed,
      authentication: 'PASSWORD',
      port: null,
      functions: null,
      effectiveFunctions: [],
    });
    if (d % 7 === 0)
      m.assets.push({
        id: `a${d}`,
        deviceId: id,
        name: 'Therapy',
        kind: 'THERAPY_DELIVERY',
        severity: 'CRITICAL',
        manipulationSeverity: null,
        denialSeverity: null,
        disclosureRecords: null,
        impacts: [],
      });
    if (d % 11 === 0)
      m.vulnerabilities.push({
        id: `v${d}`,
        cveId: 'CVE-2020-0001',
        cvssVector: '',
        cvssBaseScore: 7.5,
        elementId: id,
        description: null,
      });
  }
  const channels = Math.round(devices * 1.1);
  for (let c = 0; c < channels; c++) {
    const z = Math.floor(rnd() * zones);
    const local = byZone[z]!;
    const from = local.length ? pick(local) : `d${Math.floor(rnd() * devices)}`;
    const to = rnd() < 0.75 && local.length > 1 ? pick(local) : `d${Math.floor(rnd() * devices)}`;
    if (from === to) continue;
    m.channels.push({
      id: `c${c}`,
      name: `Channel ${c}`,
      fromDeviceId: from,
      toDeviceId: to,
      fromInterfaceId: null,
      toInterfaceId: null,
      technology: rnd() < 0.5 ? 'WIFI' : 'ETHERNET',
      intrinsicMechanism: 'WPA2_ENTERPRISE',
      extrinsicMechanisms: ['TLS'],
      carries: ['TELEMETRY'],
      zoneIds: [],
      forwardedTo: null,
      endToEndIntegrity: null,
    });
  }
  return m;
}
