/**
 * Control applicability (controls v2): where a catalogue control can exist. One rule, used by the
 * import validation (model-document.ts), the engine (candidates, recommendations, what-if) and the
 * baselines (NOT_APPLICABLE with its reason). Sources: IEC TR 80001-2-2 capability meanings (a
 * firewall or TLS needs IP, PAUT passwords need a user session, MLDP needs software that can be
 * installed) and TR 67 §0 (intrinsic radio mechanisms per technology).
 */
import {
  IP_INTERFACE_KINDS,
  IP_TECHNOLOGIES,
  deviceBodyLocation,
  deviceEmergencyOperation,
  deviceExecutesSoftware,
  deviceMeets,
  interfaceHasUserSession,
  zoneIsNetwork,
  type BodyLocation,
  type ChannelTechnology,
  type Control,
  type Device,
  type ElementCondition,
  type ElementType,
  type InterfaceKind,
  type ModelDocument,
  type ZoneKind,
} from './types';

/** The facts of a device that applicability tests. */
export interface DeviceFacts {
  generalPurposeOs: boolean;
  patchable: boolean;
  handlesPersonalData: boolean;
  storesData: boolean;
  remoteService: boolean;
  executesSoftware: boolean;
  bodyLocation: BodyLocation;
  /** Has an interface with user sessions. */
  userSession: boolean;
  /** Is a host on an IP network (an IP interface or an IP link). */
  ipHost: boolean;
  /** Sits in at least one zone on the hospital's premises. */
  onPremises: boolean;
  /** 2.3: its bedside controls must work at once, without a login ({@link deviceEmergencyOperation}). */
  emergencyOperation: boolean;
}

/** The facts of an element that decide whether a control fits it. */
export interface PlaceableElement {
  type: ElementType;
  /** For CHANNEL elements. */
  technology?: ChannelTechnology;
  /** For INTERFACE elements. */
  kind?: InterfaceKind;
  /** DEVICE: the device; INTERFACE: its device; CHANNEL: absent (see `endpoints`). */
  device?: DeviceFacts;
  /** CHANNEL: the devices at both ends. */
  endpoints?: DeviceFacts[];
  /** Speaks IP (zone: a network; interface: an IP kind; channel: an IP technology; device: an IP host). */
  ip?: boolean;
  /** INTERFACE: has user sessions. */
  userSession?: boolean;
  /** ZONE: on the hospital's premises. */
  onPremises?: boolean;
}

/** Zone kinds outside the hospital's premises (patients' homes, the internet, clouds). */
export const OFF_PREMISES_ZONE_KINDS: readonly ZoneKind[] = ['PATIENT_HOME', 'INTERNET', 'CLOUD'];

const CONDITION_WORDS: Record<ElementCondition, string> = {
  IP_BASED: 'an IP-based element (a network zone, an IP host, an IP interface or an IP link)',
  PATCHABLE: 'a device whose software can be updated in the field',
  USER_SESSION: 'an element with interactive user sessions',
  EXECUTES_SOFTWARE: 'a device that can run installed software',
  NOT_IMPLANTED: 'an element of no implanted device',
  NOT_BODY_WORN: 'an element of no body-worn device',
  ON_PREMISES: "an element on the hospital's premises",
  NOT_EMERGENCY_CONTROLS:
    'an element other than the bedside controls of a device that must be operable at once in an emergency (a login there would delay care)',
};

function holds(condition: ElementCondition, e: PlaceableElement): boolean {
  const devices = e.device ? [e.device] : (e.endpoints ?? []);
  switch (condition) {
    case 'IP_BASED':
      return e.type === 'DEVICE' ? (e.device?.ipHost ?? false) : (e.ip ?? false);
    case 'USER_SESSION':
      return e.type === 'INTERFACE' ? (e.userSession ?? false) : (e.device?.userSession ?? false);
    case 'PATCHABLE':
      return e.device?.patchable ?? false;
    case 'EXECUTES_SOFTWARE':
      return e.device?.executesSoftware ?? false;
    case 'NOT_IMPLANTED':
      return !devices.some((d) => d.bodyLocation === 'IMPLANTED');
    case 'NOT_BODY_WORN':
      return !devices.some((d) => d.bodyLocation === 'BODY_WORN');
    case 'ON_PREMISES':
      return e.type === 'ZONE' ? (e.onPremises ?? false) : devices.some((d) => d.onPremises);
    case 'NOT_EMERGENCY_CONTROLS':
      return !(e.type === 'INTERFACE' && e.kind === 'LOCAL_UI' && (e.device?.emergencyOperation ?? false));
  }
}

/**
 * Why `control` cannot be placed on `element`, in words naming the failed predicate, or null when
 * it fits: its `appliesTo` lists the element type; for a channel its `technologies` (if set) list
 * the technology; for an interface its `interfaceKinds` (if set) list the kind; the device (the
 * element itself or the interface's device) meets `deviceConditions`; every `elementConditions`
 * predicate holds ({@link ELEMENT_CONDITIONS}). Assets never carry controls.
 */
export function placementMisfit(control: Control, element: PlaceableElement): string | null {
  const label = `${control.id} (${control.name})`;
  if (element.type === 'ASSET') return `${label}: controls are not placed on assets`;
  if (!control.appliesTo.includes(element.type))
    return `${label} applies to ${control.appliesTo.join(', ')}, not to a ${element.type.toLowerCase()}`;
  if (control.deviceConditions?.length) {
    if (!element.device || !deviceMeets(element.device, control.deviceConditions))
      return `${label} needs a device with ${control.deviceConditions.join(' and ')}`;
  }
  if (element.type === 'CHANNEL' && control.technologies && element.technology !== undefined) {
    if (!control.technologies.includes(element.technology))
      return `${label} applies only to ${control.technologies.join(', ')} channels, not ${element.technology}`;
  }
  if (element.type === 'INTERFACE' && control.interfaceKinds && element.kind !== undefined) {
    if (!control.interfaceKinds.includes(element.kind))
      return `${label} applies only to ${control.interfaceKinds.join(', ')} interfaces, not ${element.kind}`;
  }
  for (const condition of control.elementConditions ?? []) {
    if (!holds(condition, element)) return `${label} needs ${CONDITION_WORDS[condition]} (${condition})`;
  }
  return null;
}

/** True when `control` can be placed on `element` ({@link placementMisfit} is null). */
export function canPlaceControl(control: Control, element: PlaceableElement): boolean {
  return placementMisfit(control, element) === null;
}

type FactsModel = Pick<ModelDocument, 'zones' | 'devices' | 'interfaces' | 'channels'>;

/**
 * The applicability facts of every zone, device, interface and channel of a model, by id
 * (references that do not resolve give facts of an unknown device: nothing holds).
 *
 * @param options.emergencyOperationByCategory - whether a device without `emergencyOperation`
 *   takes its category's default (true, the rule since format 2.3); false reads a 2.1/2.2 file by
 *   its own rules, which had no such default (only a stated value counts).
 */
export function elementFacts(
  model: FactsModel,
  options: { emergencyOperationByCategory?: boolean } = {},
): Map<string, PlaceableElement> {
  const byCategory = options.emergencyOperationByCategory ?? true;
  const out = new Map<string, PlaceableElement>();
  const zoneById = new Map(model.zones.map((z) => [z.id, z]));
  const ipHosts = new Set<string>();
  const sessionHosts = new Set<string>();
  for (const i of model.interfaces) {
    if (IP_INTERFACE_KINDS.includes(i.kind)) ipHosts.add(i.deviceId);
    if (interfaceHasUserSession(i)) sessionHosts.add(i.deviceId);
  }
  for (const c of model.channels) {
    if (!IP_TECHNOLOGIES.includes(c.technology)) continue;
    ipHosts.add(c.fromDeviceId);
    ipHosts.add(c.toDeviceId);
  }
  const onPremisesZone = (id: string) => {
    const z = zoneById.get(id);
    return z !== undefined && !OFF_PREMISES_ZONE_KINDS.includes(z.kind);
  };
  const deviceFacts = new Map<string, DeviceFacts>();
  const factsOf = (d: Device): DeviceFacts => ({
    generalPurposeOs: d.generalPurposeOs,
    patchable: d.patchable,
    handlesPersonalData: d.handlesPersonalData,
    storesData: d.storesData,
    remoteService: d.remoteService,
    executesSoftware: deviceExecutesSoftware(d),
    bodyLocation: deviceBodyLocation(d),
    userSession: sessionHosts.has(d.id),
    ipHost: ipHosts.has(d.id),
    onPremises: d.zoneIds.some(onPremisesZone),
    emergencyOperation: byCategory ? deviceEmergencyOperation(d) : (d.emergencyOperation ?? false),
  });
  const UNKNOWN: DeviceFacts = {
    generalPurposeOs: false,
    patchable: false,
    handlesPersonalData: false,
    storesData: false,
    remoteService: false,
    executesSoftware: false,
    bodyLocation: 'NONE',
    userSession: false,
    ipHost: false,
    onPremises: false,
    emergencyOperation: false,
  };
  for (const d of model.devices) deviceFacts.set(d.id, factsOf(d));
  for (const z of model.zones)
    out.set(z.id, { type: 'ZONE', ip: zoneIsNetwork(z), onPremises: !OFF_PREMISES_ZONE_KINDS.includes(z.kind) });
  for (const d of model.devices) out.set(d.id, { type: 'DEVICE', device: deviceFacts.get(d.id)! });
  for (const i of model.interfaces)
    out.set(i.id, {
      type: 'INTERFACE',
      kind: i.kind,
      device: deviceFacts.get(i.deviceId) ?? UNKNOWN,
      ip: IP_INTERFACE_KINDS.includes(i.kind),
      userSession: interfaceHasUserSession(i),
    });
  for (const c of model.channels)
    out.set(c.id, {
      type: 'CHANNEL',
      technology: c.technology,
      endpoints: [deviceFacts.get(c.fromDeviceId) ?? UNKNOWN, deviceFacts.get(c.toDeviceId) ?? UNKNOWN],
      ip: IP_TECHNOLOGIES.includes(c.technology),
    });
  return out;
}
