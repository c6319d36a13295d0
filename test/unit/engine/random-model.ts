/**
 * Seeded random small models for property tests (a few zones, devices, interfaces, channels and
 * assets with random security properties), valid against the catalogue given.
 */
import {
  ASSET_KINDS,
  AUTHENTICATIONS,
  CHANNEL_PAYLOADS,
  CHANNEL_TECHNOLOGIES,
  EXTRINSIC_MECHANISMS,
  INTERFACE_FUNCTIONS,
  INTERFACE_KINDS,
  INTRINSIC_MECHANISMS,
  INTRINSIC_MECHANISM_TECHNOLOGY,
  SEVERITIES,
  ZONE_KINDS,
  type Catalogue,
  type ModelDocument,
} from '../../../server/src/domain/types';
import { channelIdentityKey } from '../../../server/src/domain/model-migration';
import { canPlaceControl } from '../../../server/src/engine';
import { mulberry32 } from '../../support/generate-hospital';

export interface RandomModelOptions {
  maxZones?: number;
  maxDevices?: number;
  maxInterfacesPerDevice?: number;
  maxChannels?: number;
  placements?: number;
}

export function randomModel(seed: number, catalogue: Catalogue, o: RandomModelOptions = {}): ModelDocument {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[], max: number): T[] => {
    const out = new Set<T>();
    const k = int(0, Math.min(max, xs.length));
    while (out.size < k) out.add(pick(xs));
    return [...out];
  };
  const doc: ModelDocument = {
    formatVersion: '2.3',
    model: { id: `random-${seed}`, name: `Random ${seed}` },
    zones: [],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  };
  const nz = int(1, o.maxZones ?? 3);
  for (let i = 0; i < nz; i++)
    doc.zones.push({ id: `z${i}`, name: `Zone ${i}`, kind: pick(ZONE_KINDS), entryPoint: i === 0 || rnd() < 0.3 });
  const zoneIds = doc.zones.map((z) => z.id);
  // v2: places and networks, zone links.
  for (const z of doc.zones) {
    if (rnd() < 0.3) z.physicalAccess = rnd() < 0.5;
    if (rnd() < 0.2) z.network = rnd() < 0.5;
    const links = some(
      zoneIds.filter((id) => id !== z.id),
      2,
    );
    if (links.length > 0 && rnd() < 0.4) {
      z.linkedZoneIds = links;
      if (rnd() < 0.4) z.linkedZoneServices = some(INTERFACE_KINDS, 3);
    }
  }
  const nd = int(1, o.maxDevices ?? 4);
  for (let i = 0; i < nd; i++) {
    doc.devices.push({
      id: `d${i}`,
      name: `Device ${i}`,
      category: 'OTHER',
      riskClass: pick(['A', 'B', 'C', 'D'] as const),
      generalPurposeOs: rnd() < 0.3,
      patchable: rnd() < 0.5,
      handlesPersonalData: rnd() < 0.5,
      storesData: rnd() < 0.5,
      remoteService: rnd() < 0.2,
      zoneIds: [pick(zoneIds), ...some(zoneIds, 1)].filter((z, k, a) => a.indexOf(z) === k),
      // v2: hosted software on an earlier device (no loops).
      ...(i > 0 && rnd() < 0.2 ? { hostDeviceId: `d${int(0, i - 1)}` } : {}),
      // v2: outbound connections.
      ...(rnd() < 0.2
        ? { outboundZoneIds: some(zoneIds, 2), outboundAccepts: pick(['DATA', 'COMMANDS', 'CODE'] as const) }
        : {}),
      // 2.3: bedside controls that must work without a login (no login control on its LOCAL_UI).
      ...(rnd() < 0.2 ? { emergencyOperation: rnd() < 0.7 } : {}),
    });
    const ni = int(0, o.maxInterfacesPerDevice ?? 2);
    for (let j = 0; j < ni; j++) {
      doc.interfaces.push({
        id: `d${i}-i${j}`,
        deviceId: `d${i}`,
        name: `If ${j}`,
        kind: pick(INTERFACE_KINDS),
        exposedToZoneIds: some(zoneIds, 2),
        authentication: pick(AUTHENTICATIONS),
        ...(rnd() < 0.3 ? { functions: some(INTERFACE_FUNCTIONS, 3) } : {}),
      });
    }
    const na = int(0, 2);
    const kinds = some(ASSET_KINDS, na);
    kinds.forEach((kind, k) =>
      doc.assets.push({
        id: `d${i}-a${k}`,
        deviceId: `d${i}`,
        name: `Asset ${k}`,
        kind,
        severity: pick(SEVERITIES),
        // v2: harm per impact.
        ...(rnd() < 0.3 ? { manipulationSeverity: pick(SEVERITIES) } : {}),
        ...(rnd() < 0.3 ? { denialSeverity: pick(SEVERITIES) } : {}),
        ...(rnd() < 0.3 ? { disclosureRecords: int(1, 200_000) } : {}),
      }),
    );
  }
  const nc = nd > 1 ? int(0, o.maxChannels ?? 3) : 0;
  for (let c = 0; c < nc; c++) {
    const from = int(0, nd - 1);
    let to = int(0, nd - 2);
    if (to >= from) to++;
    const technology = pick(CHANNEL_TECHNOLOGIES);
    const mechanisms = INTRINSIC_MECHANISMS.filter(
      (m) => m === 'NONE' || INTRINSIC_MECHANISM_TECHNOLOGY[m] === technology,
    );
    const carries = some(CHANNEL_PAYLOADS, 3);
    const channel = {
      id: `c${c}`,
      name: `Channel ${c}`,
      fromDeviceId: `d${from}`,
      toDeviceId: `d${to}`,
      technology,
      intrinsicMechanism: pick(mechanisms),
      extrinsicMechanisms: rnd() < 0.6 ? [] : some(EXTRINSIC_MECHANISMS, 2),
      carries: carries.length > 0 ? carries : (['COMMANDS'] as typeof carries),
      zoneIds: some(zoneIds, 2),
    };
    // v2 refuses exact duplicate channels.
    if (doc.channels.some((x) => channelIdentityKey(x) === channelIdentityKey(channel))) continue;
    doc.channels.push(channel);
  }
  // v2: data flows between channels that meet at a relay, and end-to-end integrity.
  const data = (c: { carries: readonly string[] }) => c.carries.includes('TELEMETRY') || c.carries.includes('ALARMS');
  for (const c of doc.channels) {
    const shared = doc.channels.filter(
      (n) =>
        n !== c &&
        n.fromDeviceId === c.toDeviceId &&
        (['TELEMETRY', 'ALARMS'] as const).some((p) => c.carries.includes(p) && n.carries.includes(p)),
    );
    if (shared.length > 0 && rnd() < 0.6) c.forwardedTo = shared.map((n) => n.id);
    if (data(c) && rnd() < 0.15) c.endToEndIntegrity = true;
  }
  const vectors = [
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    // v2: impact decides what a vulnerability grants.
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
    'CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:H/A:N',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N',
    // CVSS v4.0: AT and UI:P lower complexity, a subsequent-system impact is the changed scope.
    'CVSS:4.0/AV:A/AC:L/AT:P/PR:N/UI:P/VC:N/VI:H/VA:N/SC:L/SI:N/SA:N',
  ];
  const vulnerable = [...doc.devices.map((d) => d.id), ...doc.interfaces.map((i) => i.id)];
  for (let v = 0, nv = int(0, 2); v < nv; v++) {
    doc.vulnerabilities.push({
      id: `v${v}`,
      cveId: `CVE-2020-${1000 + v}`,
      cvssVector: pick(vectors),
      elementId: pick(vulnerable),
    });
  }
  const elements = [
    ...doc.zones.map((z) => ({ id: z.id, facts: { type: 'ZONE' as const } })),
    ...doc.devices.map((d) => ({ id: d.id, facts: { type: 'DEVICE' as const } })),
    ...doc.interfaces.map((i) => ({ id: i.id, facts: { type: 'INTERFACE' as const, kind: i.kind } })),
    ...doc.channels.map((c) => ({ id: c.id, facts: { type: 'CHANNEL' as const, technology: c.technology } })),
  ];
  const placed = new Set<string>();
  for (let p = 0, np = int(0, o.placements ?? 3); p < np; p++) {
    const element = pick(elements);
    const fitting = catalogue.controls.filter((c) => canPlaceControl(c, element.facts));
    if (fitting.length === 0) continue;
    const control = pick(fitting);
    if (placed.has(`${control.id}@${element.id}`)) continue;
    placed.add(`${control.id}@${element.id}`);
    doc.controlPlacements.push({
      id: `p${p}`,
      controlId: control.id,
      elementId: element.id,
      status: rnd() < 0.6 ? 'IMPLEMENTED' : 'PLANNED',
    });
  }
  return doc;
}

/** A deep copy with every list (and id list inside elements) shuffled. */
export function shuffled<T>(value: T, seed: number): T {
  const rnd = mulberry32(seed);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const copy = v.map(walk);
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    }
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
