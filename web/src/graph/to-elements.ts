/**
 * Model → Cytoscape elements, pure and deterministic (sorted by id, same input → same output).
 *
 * - Zones are compound nodes; each device sits in its first zone. Further zones of a device are
 *   drawn as dotted "also in" edges.
 * - Channels are device → device edges (direction of commands); wireless ones dashed.
 * - Exposures are zone → device edges, one per (zone, device) over all interfaces exposed to a
 *   zone the device is not in.
 * - Zone links (attack model v2: a zone's traffic routed to another zone without restriction) are
 *   zone → zone edges, one per direction listed in the zone's linkedZoneIds.
 * - Hosted software (a device with hostDeviceId: an app on a phone) is joined to its host by a
 *   host → hosted "hosts" edge.
 * - Outbound connections (a device's outboundZoneIds: it connects out to endpoints in those zones)
 *   are dashed device → zone edges, one per zone, labelled with what the device accepts back
 *   (outboundAccepts, default DATA): "outbound (accepts commands)".
 * - Data flows (a channel's forwardedTo: its receiver passes the readings or alarms on) are dotted
 *   edges from the channel's receiving device to the forwarded channel's receiving device,
 *   labelled "forwards", one per (receiver, forwarded channel).
 * - Devices carry colour (HSA class), shape (category), and a glyph with the class letter and
 *   badges for known vulnerabilities and implemented / planned controls (on the device, its
 *   interfaces and its assets).
 */
import { deviceGlyph } from './badges';
import type { ModelData } from './model-index';
import { DEVICE_CATEGORY, RISK_CLASS, SEVERITY, ZONE_KIND, humanize, severityRank } from './vocabulary';
import type { ChannelTechnology, IntrinsicMechanism, OutboundAccepts, Severity } from '../api/__generated__/graphql';

export interface MapNodeData {
  id: string;
  parent?: string;
  label: string;
  type: 'ZONE' | 'DEVICE';
  [key: string]: unknown;
}

export interface MapEdgeData {
  id: string;
  source: string;
  target: string;
  label: string;
  type: 'CHANNEL' | 'EXPOSURE' | 'MEMBERSHIP' | 'OVERLAY' | 'ZONE_LINK' | 'HOSTS' | 'OUTBOUND' | 'DATA_FLOW';
  [key: string]: unknown;
}

/** Structurally a Cytoscape ElementDefinition (kept free of Cytoscape types: this module is pure). */
export type MapElement =
  { group: 'nodes'; data: MapNodeData; classes: string } | { group: 'edges'; data: MapEdgeData; classes: string };

const WIRELESS: ReadonlySet<ChannelTechnology> = new Set([
  'WIFI',
  'BLE',
  'ZIGBEE',
  'LORA',
  'CELLULAR',
  'PROPRIETARY_RF',
]);

/** Intrinsic mechanisms that give no real confidentiality or integrity on their own. */
const WEAK_INTRINSIC: ReadonlySet<IntrinsicMechanism> = new Set([
  'NONE',
  'WEP',
  'WPA_TKIP',
  'BLE_LEGACY_JUST_WORKS',
  'BLE_JUST_WORKS',
  'ZIGBEE_DEFAULT_TC_LINK_KEY',
  'PROPRIETARY_UNENCRYPTED',
]);

const TECHNOLOGY_LABEL: Record<ChannelTechnology, string> = {
  WIFI: 'Wi-Fi',
  BLE: 'BLE',
  ZIGBEE: 'Zigbee',
  LORA: 'LoRa',
  ETHERNET: 'Ethernet',
  CELLULAR: 'Cellular',
  USB: 'USB',
  SERIAL: 'Serial',
  PROPRIETARY_RF: 'Proprietary RF',
  IP: 'IP',
};

export function technologyLabel(t: ChannelTechnology): string {
  return TECHNOLOGY_LABEL[t];
}

export function exposureEdgeId(zoneId: string, deviceId: string): string {
  return `exposure:${zoneId}->${deviceId}`;
}

export function membershipEdgeId(zoneId: string, deviceId: string): string {
  return `member:${zoneId}->${deviceId}`;
}

export function zoneLinkEdgeId(fromZoneId: string, toZoneId: string): string {
  return `zonelink:${fromZoneId}->${toZoneId}`;
}

export function hostingEdgeId(hostDeviceId: string, deviceId: string): string {
  return `hosts:${hostDeviceId}->${deviceId}`;
}

export function outboundEdgeId(deviceId: string, zoneId: string): string {
  return `outbound:${deviceId}->${zoneId}`;
}

/** The data-flow edge of a forwarded channel, from the device that forwards onto it. */
export function dataFlowEdgeId(fromDeviceId: string, forwardedChannelId: string): string {
  return `dataflow:${fromDeviceId}->${forwardedChannelId}`;
}

/** What an outbound edge says the device accepts back (attack model v2, OutboundAccepts). */
const OUTBOUND_LABEL: Record<OutboundAccepts, string> = {
  DATA: 'outbound (accepts data)',
  COMMANDS: 'outbound (accepts commands)',
  CODE: 'outbound (runs code it gets)',
};

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function toElements(model: ModelData): MapElement[] {
  const zoneIds = new Set(model.zones.map((z) => z.id));
  const deviceIds = new Set(model.devices.map((d) => d.id));
  const interfaceDevice = new Map(model.interfaces.map((i) => [i.id, i.deviceId] as const));
  const assetDevice = new Map(model.assets.map((a) => [a.id, a.deviceId] as const));

  const ownerDevice = (elementId: string): string | undefined =>
    deviceIds.has(elementId) ? elementId : (interfaceDevice.get(elementId) ?? assetDevice.get(elementId));

  const vulns = new Map<string, number>();
  for (const v of model.vulnerabilities) {
    const d = ownerDevice(v.elementId);
    if (d) vulns.set(d, (vulns.get(d) ?? 0) + 1);
  }
  const implemented = new Map<string, number>();
  const planned = new Map<string, number>();
  for (const p of model.controlPlacements) {
    const owner = ownerDevice(p.elementId) ?? p.elementId; // zones and channels count on themselves
    const m = p.status === 'IMPLEMENTED' ? implemented : planned;
    m.set(owner, (m.get(owner) ?? 0) + 1);
  }
  const maxSeverity = new Map<string, Severity>();
  const assetCount = new Map<string, number>();
  for (const a of model.assets) {
    const cur = maxSeverity.get(a.deviceId);
    if (!cur || severityRank(a.severity) > severityRank(cur)) maxSeverity.set(a.deviceId, a.severity);
    assetCount.set(a.deviceId, (assetCount.get(a.deviceId) ?? 0) + 1);
  }

  const out: MapElement[] = [];

  for (const z of [...model.zones].sort(byId)) {
    const controls = implemented.get(z.id) ?? 0;
    out.push({
      group: 'nodes',
      data: {
        id: z.id,
        type: 'ZONE',
        label: z.entryPoint ? `${z.name} — entry point` : z.name,
        name: z.name,
        kind: z.kind,
        kindLabel: ZONE_KIND[z.kind],
        entryPoint: z.entryPoint,
        controls,
      },
      classes: ['zone', z.entryPoint ? 'entry' : ''].filter(Boolean).join(' '),
    });
  }

  const devices = [...model.devices].sort(byId);
  for (const d of devices) {
    const parent = d.zoneIds.find((z) => zoneIds.has(z));
    const cls = RISK_CLASS[d.riskClass];
    const cat = DEVICE_CATEGORY[d.category];
    const sev = maxSeverity.get(d.id);
    const data: MapNodeData = {
      id: d.id,
      type: 'DEVICE',
      label: d.name,
      riskClass: d.riskClass,
      category: d.category,
      categoryLabel: cat.label,
      shape: cat.shape,
      color: cls.color,
      textColor: cls.text,
      vulnerabilities: vulns.get(d.id) ?? 0,
      implementedControls: implemented.get(d.id) ?? 0,
      plannedControls: planned.get(d.id) ?? 0,
      assets: assetCount.get(d.id) ?? 0,
      maxSeverity: sev ?? null,
      maxSeverityLabel: sev ? SEVERITY[sev].label : null,
      glyph: deviceGlyph({
        riskClass: d.riskClass,
        vulnerabilities: vulns.get(d.id) ?? 0,
        implementedControls: implemented.get(d.id) ?? 0,
        plannedControls: planned.get(d.id) ?? 0,
      }),
    };
    if (parent) data.parent = parent;
    const classes = ['device', `class-${d.riskClass}`];
    if (sev && severityRank(sev) >= SEVERITY.CRITICAL.rank) classes.push('high-target');
    else if (sev) classes.push('target');
    out.push({ group: 'nodes', data, classes: classes.join(' ') });
  }

  for (const c of [...model.channels].sort(byId)) {
    if (!deviceIds.has(c.fromDeviceId) || !deviceIds.has(c.toDeviceId)) continue;
    const wireless = WIRELESS.has(c.technology);
    const unprotected = WEAK_INTRINSIC.has(c.intrinsicMechanism) && c.extrinsicMechanisms.length === 0;
    out.push({
      group: 'edges',
      data: {
        id: c.id,
        type: 'CHANNEL',
        source: c.fromDeviceId,
        target: c.toDeviceId,
        label: TECHNOLOGY_LABEL[c.technology] + (unprotected ? ' (unprotected)' : ''),
        name: c.name,
        technology: c.technology,
        controls: implemented.get(c.id) ?? 0,
      },
      classes: ['channel', wireless ? 'wireless' : 'wired', unprotected ? 'unprotected' : ''].filter(Boolean).join(' '),
    });
  }

  const memberships: MapElement[] = [];
  for (const d of devices) {
    const [, ...others] = d.zoneIds.filter((z) => zoneIds.has(z));
    for (const z of [...others].sort()) {
      memberships.push({
        group: 'edges',
        data: { id: membershipEdgeId(z, d.id), type: 'MEMBERSHIP', source: z, target: d.id, label: 'also in' },
        classes: 'membership',
      });
    }
  }

  const exposures = new Map<string, { zoneId: string; deviceId: string; kinds: Set<string>; weakAuth: boolean }>();
  const deviceById = new Map(model.devices.map((d) => [d.id, d] as const));
  for (const i of model.interfaces) {
    const device = deviceById.get(i.deviceId);
    if (!device) continue;
    for (const z of i.exposedToZoneIds) {
      if (!zoneIds.has(z) || device.zoneIds.includes(z)) continue;
      const key = exposureEdgeId(z, device.id);
      const e = exposures.get(key) ?? { zoneId: z, deviceId: device.id, kinds: new Set<string>(), weakAuth: false };
      e.kinds.add(humanize(i.kind));
      if (i.authentication === 'NONE' || i.authentication === 'DEFAULT_CREDENTIALS') e.weakAuth = true;
      exposures.set(key, e);
    }
  }
  const exposureEdges: MapElement[] = [...exposures.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, e]) => ({
      group: 'edges',
      data: {
        id,
        type: 'EXPOSURE',
        source: e.zoneId,
        target: e.deviceId,
        label: [...e.kinds].sort().join(', '),
        weakAuth: e.weakAuth,
      },
      classes: ['exposure', e.weakAuth ? 'weak-auth' : ''].filter(Boolean).join(' '),
    }));

  const zoneLinks: MapElement[] = [];
  for (const z of [...model.zones].sort(byId)) {
    for (const to of [...(z.linkedZoneIds ?? [])].sort()) {
      if (!zoneIds.has(to) || to === z.id) continue;
      zoneLinks.push({
        group: 'edges',
        data: { id: zoneLinkEdgeId(z.id, to), type: 'ZONE_LINK', source: z.id, target: to, label: 'routes to' },
        classes: 'zone-link',
      });
    }
  }

  const hosting: MapElement[] = [];
  for (const d of devices) {
    if (!d.hostDeviceId || !deviceIds.has(d.hostDeviceId) || d.hostDeviceId === d.id) continue;
    hosting.push({
      group: 'edges',
      data: {
        id: hostingEdgeId(d.hostDeviceId, d.id),
        type: 'HOSTS',
        source: d.hostDeviceId,
        target: d.id,
        label: 'hosts',
      },
      classes: 'hosting',
    });
  }

  const outbound: MapElement[] = [];
  for (const d of devices) {
    const accepts = d.outboundAccepts ?? 'DATA';
    for (const z of [...new Set(d.outboundZoneIds ?? [])].sort()) {
      if (!zoneIds.has(z)) continue;
      outbound.push({
        group: 'edges',
        data: {
          id: outboundEdgeId(d.id, z),
          type: 'OUTBOUND',
          source: d.id,
          target: z,
          label: OUTBOUND_LABEL[accepts],
          accepts,
        },
        classes: `outbound accepts-${accepts.toLowerCase()}`,
      });
    }
  }

  const channelById = new Map(model.channels.map((c) => [c.id, c] as const));
  const flows = new Map<string, { source: string; target: string; channelId: string; from: string[] }>();
  for (const c of [...model.channels].sort(byId)) {
    for (const nextId of c.forwardedTo ?? []) {
      const next = channelById.get(nextId);
      if (!next || next.id === c.id || !deviceIds.has(c.toDeviceId) || !deviceIds.has(next.toDeviceId)) continue;
      if (c.toDeviceId === next.toDeviceId) continue;
      const id = dataFlowEdgeId(c.toDeviceId, next.id);
      const f = flows.get(id) ?? { source: c.toDeviceId, target: next.toDeviceId, channelId: next.id, from: [] };
      f.from.push(c.id);
      flows.set(id, f);
    }
  }
  const dataFlows: MapElement[] = [...flows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, f]) => ({
      group: 'edges',
      data: {
        id,
        type: 'DATA_FLOW',
        source: f.source,
        target: f.target,
        label: 'forwards',
        channelId: f.channelId,
        fromChannelIds: f.from,
        endToEndIntegrity: channelById.get(f.channelId)?.endToEndIntegrity === true,
      },
      classes: 'data-flow',
    }));

  return [...out, ...memberships, ...exposureEdges, ...zoneLinks, ...hosting, ...outbound, ...dataFlows];
}

/** Looks up the map edge joining two map nodes (either direction), for path highlighting. */
export function edgeLookup(elements: readonly MapElement[]): (a: string, b: string) => string | undefined {
  const m = new Map<string, string>();
  for (const e of elements) {
    if (e.group !== 'edges') continue;
    const { source, target, id } = e.data;
    if (!m.has(`${source}|${target}`)) m.set(`${source}|${target}`, id);
  }
  return (a, b) => m.get(`${a}|${b}`) ?? m.get(`${b}|${a}`);
}
