/**
 * The model as the web app holds it (every element, all pages fetched) and an index over it:
 * element by id, its type and label, and which map node stands for it. Pure.
 *
 * Ids given to the index may be element ids or attack-graph node ids (attack model v2): a node is
 * a capability on an element, its id the element id for the element's strongest capability and
 * `elementId#CAPABILITY` otherwise (device#USER, channel#READ, asset#MANIPULATE, ...). Element ids
 * never contain '#', so every lookup goes through {@link elementOfNode}.
 */
import type {
  AssetFieldsFragment,
  Capability,
  ChannelFieldsFragment,
  ControlPlacementFieldsFragment,
  DeviceFieldsFragment,
  ElementType,
  Impact,
  InterfaceFieldsFragment,
  VulnerabilityFieldsFragment,
  ZoneFieldsFragment,
} from '../api/__generated__/graphql';
import { CAPABILITY } from './vocabulary';

/** The element id of an attack-graph node id (the part before '#'; the id itself when none). */
export function elementOfNode(nodeId: string): string {
  const i = nodeId.indexOf('#');
  return i < 0 ? nodeId : nodeId.slice(0, i);
}

const CAPABILITIES = new Set<string>(Object.keys(CAPABILITY));

/** The capability named in a node id (`elementId#CAPABILITY`), or undefined for a bare element id (its strongest capability). */
export function capabilityOfNode(nodeId: string): Capability | undefined {
  const i = nodeId.indexOf('#');
  const c = i < 0 ? '' : nodeId.slice(i + 1);
  return CAPABILITIES.has(c) ? (c as Capability) : undefined;
}

/** The impact of a target node id (asset#MANIPULATE → MANIPULATE), or undefined. */
export function impactOfNode(nodeId: string): Impact | undefined {
  const c = capabilityOfNode(nodeId);
  return c === 'MANIPULATE' || c === 'DENY' || c === 'DISCLOSE' ? c : undefined;
}

export type Zone = ZoneFieldsFragment;
export type Device = DeviceFieldsFragment;
export type Interface = InterfaceFieldsFragment;
export type Channel = ChannelFieldsFragment;
export type Asset = AssetFieldsFragment;
export type Vulnerability = VulnerabilityFieldsFragment;
export type ControlPlacement = ControlPlacementFieldsFragment;

export interface ModelData {
  zones: Zone[];
  devices: Device[];
  interfaces: Interface[];
  channels: Channel[];
  assets: Asset[];
  vulnerabilities: Vulnerability[];
  controlPlacements: ControlPlacement[];
}

export type IndexedElement =
  | { type: 'ZONE'; element: Zone }
  | { type: 'DEVICE'; element: Device }
  | { type: 'INTERFACE'; element: Interface }
  | { type: 'CHANNEL'; element: Channel }
  | { type: 'ASSET'; element: Asset }
  | { type: 'VULNERABILITY'; element: Vulnerability }
  | { type: 'CONTROL_PLACEMENT'; element: ControlPlacement };

export interface ModelIndex {
  readonly model: ModelData;
  /** The element of an element id or of an attack-graph node id. */
  get(id: string): IndexedElement | undefined;
  /** Attack-graph element type of an id or node id (zones, devices, interfaces, channels, assets). */
  typeOf(id: string): ElementType | undefined;
  /**
   * Display label: "Infusion pump 3 · Wi-Fi" for an interface, the name otherwise; for a node id
   * with a capability the capability or impact follows: "Pump 3 (user access)",
   * "Pump 3 · Therapy (manipulated)", "BLE link (read)".
   */
  label(id: string): string;
  /** Device an element belongs to (itself for a device; the receiving device for a channel). */
  deviceOf(id: string): string | undefined;
  /** Id of the map node that represents an element (zone or device), if any. */
  mapNodeOf(id: string): string | undefined;
  devicesInZone(zoneId: string): Device[];
}

export function emptyModel(): ModelData {
  return {
    zones: [],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  };
}

export function indexModel(model: ModelData): ModelIndex {
  const byId = new Map<string, IndexedElement>();
  for (const element of model.zones) byId.set(element.id, { type: 'ZONE', element });
  for (const element of model.devices) byId.set(element.id, { type: 'DEVICE', element });
  for (const element of model.interfaces) byId.set(element.id, { type: 'INTERFACE', element });
  for (const element of model.channels) byId.set(element.id, { type: 'CHANNEL', element });
  for (const element of model.assets) byId.set(element.id, { type: 'ASSET', element });
  for (const element of model.vulnerabilities) byId.set(element.id, { type: 'VULNERABILITY', element });
  for (const element of model.controlPlacements) byId.set(element.id, { type: 'CONTROL_PLACEMENT', element });

  const byZone = new Map<string, Device[]>();
  for (const d of model.devices) {
    for (const z of d.zoneIds) {
      const list = byZone.get(z) ?? [];
      list.push(d);
      byZone.set(z, list);
    }
  }

  const deviceOf = (id: string): string | undefined => {
    const e = get(id);
    if (!e) return undefined;
    switch (e.type) {
      case 'DEVICE':
        return e.element.id;
      case 'INTERFACE':
      case 'ASSET':
        return e.element.deviceId;
      case 'CHANNEL':
        return e.element.toDeviceId;
      case 'VULNERABILITY':
        return deviceOf(e.element.elementId);
      case 'CONTROL_PLACEMENT':
        return deviceOf(e.element.elementId);
      default:
        return undefined;
    }
  };

  const get = (id: string): IndexedElement | undefined => byId.get(id) ?? byId.get(elementOfNode(id));

  const label = (id: string): string => {
    const capability = capabilityOfNode(id);
    if (capability) {
      const element = elementOfNode(id);
      return byId.has(element) ? `${elementLabel(element)} (${CAPABILITY[capability]})` : id;
    }
    return elementLabel(id);
  };

  const elementLabel = (id: string): string => {
    const e = byId.get(id);
    if (!e) return id;
    switch (e.type) {
      case 'INTERFACE': {
        const dev = byId.get(e.element.deviceId);
        return dev
          ? `${dev.element.id === e.element.deviceId && 'name' in dev.element ? dev.element.name : ''} · ${e.element.name}`
          : e.element.name;
      }
      case 'VULNERABILITY':
        return e.element.cveId;
      case 'CONTROL_PLACEMENT':
        return `${e.element.controlId} on ${label(e.element.elementId)}`;
      default:
        return e.element.name;
    }
  };

  return {
    model,
    get,
    typeOf: (id) => {
      const e = get(id);
      if (!e || e.type === 'VULNERABILITY' || e.type === 'CONTROL_PLACEMENT') return undefined;
      return e.type;
    },
    label,
    deviceOf,
    mapNodeOf: (id) => {
      const e = get(id);
      if (!e) return undefined;
      if (e.type === 'ZONE') return e.element.id;
      return deviceOf(id);
    },
    devicesInZone: (zoneId) => byZone.get(zoneId) ?? [],
  };
}
