/**
 * Baselines that can be met (controls v2): for each device, the requirements of its HSA class's
 * baseline (TR 67 Table 3, reconstructed: standards-notes §5.4; IEC TR 80001-2-2 capability
 * codes) and, for devices used at home or for remote monitoring, the TR 67 Table 2 telehealth
 * controls (reconstructed), each MET, PLANNED, MISSING or NOT_APPLICABLE with its reason.
 * Applicability is the one rule of domain/applicability.ts ({@link placementMisfit}).
 */
import {
  PHYSICAL_INTERFACE_KINDS,
  WIRELESS_TECHNOLOGIES,
  type BaselineCondition,
  type BaselineRequirement,
  type Catalogue,
  type Channel,
  type Control,
  type Device,
  type ElementCondition,
  type Interface,
  type InterfaceKind,
  type ModelDocument,
  type Zone,
} from '../../domain/types';
import { compareIds, sortById } from '../compare';
import { elementFacts, placementMisfit, type PlaceableElement } from '../controls';
import type { BaselineGap, FindBaselineGapsOptions } from '../types';

const WIRELESS_INTERFACE_KINDS: readonly InterfaceKind[] = [
  'BLE_GATT',
  'PROPRIETARY_RF',
  'WIFI',
  'ZIGBEE',
  'LORA',
  'CELLULAR',
];
const USER_INTERFACE_KINDS: readonly InterfaceKind[] = ['WEB_UI', 'LOCAL_UI', 'RDP'];

/** capabilityCode of the rows made from TR 67 Table 2 telehealth controls (catalogue.telehealthControls). */
export const TELEHEALTH_CAPABILITY_CODE = 'TELEHEALTH';

/**
 * Which baseline conditions hold for a device, computed from the device and its interfaces and
 * channels:
 * - HANDLES_PERSONAL_DATA, GENERAL_PURPOSE_OS, STORES_DATA: the device flags;
 * - HAS_NETWORK_INTERFACE: a non-physical interface, or any channel;
 * - HAS_WIRELESS_INTERFACE: a wireless channel, or a BLE_GATT/PROPRIETARY_RF/WIFI/ZIGBEE/LORA/CELLULAR interface;
 * - REMOTE_SERVICE: the remoteService flag or a REMOTE_SERVICE interface;
 * - HAS_USER_INTERFACE: a WEB_UI, LOCAL_UI or RDP interface.
 */
export function deviceConditions(
  device: Device,
  interfaces: readonly Interface[],
  channels: readonly Channel[],
): Set<BaselineCondition> {
  const held = new Set<BaselineCondition>();
  if (device.handlesPersonalData) held.add('HANDLES_PERSONAL_DATA');
  if (device.generalPurposeOs) held.add('GENERAL_PURPOSE_OS');
  if (device.storesData) held.add('STORES_DATA');
  if (channels.length > 0 || interfaces.some((i) => !PHYSICAL_INTERFACE_KINDS.includes(i.kind)))
    held.add('HAS_NETWORK_INTERFACE');
  if (
    channels.some((c) => WIRELESS_TECHNOLOGIES.includes(c.technology)) ||
    interfaces.some((i) => WIRELESS_INTERFACE_KINDS.includes(i.kind))
  ) {
    held.add('HAS_WIRELESS_INTERFACE');
  }
  if (device.remoteService || interfaces.some((i) => i.kind === 'REMOTE_SERVICE')) held.add('REMOTE_SERVICE');
  if (interfaces.some((i) => USER_INTERFACE_KINDS.includes(i.kind))) held.add('HAS_USER_INTERFACE');
  return held;
}

/**
 * Whether a baseline requirement is the wireless-link requirement (TR 67 Table 3 "wireless
 * pairing and link security, for the technology in use"): its capability code is `WIRELESS`, or
 * every one of its controls is a channel-only control bound to listed technologies (the bundled
 * catalogue's NAUT row of C22–C25).
 * @param catalogue the catalogue, or its controls by id
 */
export function isWirelessRequirement(
  req: Pick<BaselineRequirement, 'capabilityCode' | 'controlIds'>,
  catalogue: Catalogue | ReadonlyMap<string, Control>,
): boolean {
  if (req.capabilityCode === 'WIRELESS') return true;
  if (req.controlIds.length === 0) return false;
  const byId = catalogue instanceof Map ? catalogue : new Map((catalogue as Catalogue).controls.map((c) => [c.id, c]));
  return req.controlIds.every((id) => {
    const c = byId.get(id);
    return (
      c !== undefined && (c.technologies?.length ?? 0) > 0 && c.appliesTo.length === 1 && c.appliesTo[0] === 'CHANNEL'
    );
  });
}

/**
 * The channels in telehealth use (TR 67 Table 2 applies to them), per device id, each with the
 * reason in words, sorted by channel id; devices with none are absent. A device used in a
 * patient's home (it sits in a PATIENT_HOME zone) or for remote monitoring (category HOME_MONITOR):
 * all its channels. Any other device: its channels to such a device or to the cloud (the channel
 * crosses a CLOUD zone, or the device at its other end sits in one), e.g. a hospital server
 * receiving home readings. One pass over the channels.
 */
export function telehealthChannels(
  model: Pick<ModelDocument, 'zones' | 'devices' | 'channels'>,
): Map<string, { channel: Channel; why: string }[]> {
  const zoneKind = new Map(model.zones.map((z) => [z.id, z.kind]));
  const zonesOfKind = (ids: readonly string[], kind: Zone['kind']) =>
    ids.filter((id) => zoneKind.get(id) === kind).sort(compareIds);
  const direct = new Map<string, string>();
  const inCloud = new Map<string, string>();
  for (const d of model.devices) {
    const home = zonesOfKind(d.zoneIds, 'PATIENT_HOME');
    if (home.length > 0) direct.set(d.id, `sits in the patient's home (zone ${home.join(', ')})`);
    else if (d.category === 'HOME_MONITOR') direct.set(d.id, 'is a home monitor (remote monitoring)');
    const cloud = zonesOfKind(d.zoneIds, 'CLOUD');
    if (cloud.length > 0) inCloud.set(d.id, cloud[0]!);
  }
  const out = new Map<string, { channel: Channel; why: string }[]>();
  const add = (deviceId: string, channel: Channel, why: string) => {
    const list = out.get(deviceId);
    if (list) list.push({ channel, why });
    else out.set(deviceId, [{ channel, why }]);
  };
  for (const c of sortById(model.channels)) {
    for (const deviceId of new Set([c.fromDeviceId, c.toDeviceId])) {
      const own = direct.get(deviceId);
      if (own) {
        add(deviceId, c, `the device ${own}`);
        continue;
      }
      const otherId = c.fromDeviceId === deviceId ? c.toDeviceId : c.fromDeviceId;
      const otherWhy = otherId !== deviceId ? direct.get(otherId) : undefined;
      const cloud = zonesOfKind(c.zoneIds, 'CLOUD')[0] ?? (otherId !== deviceId ? inCloud.get(otherId) : undefined);
      if (otherWhy) add(deviceId, c, `remote monitoring: it links the device to ${otherId}, which ${otherWhy}`);
      else if (cloud !== undefined)
        add(deviceId, c, `remote monitoring: it links the device to the cloud (zone ${cloud})`);
    }
  }
  return out;
}

/** Words for a device on which an element condition fails (the reason of a NOT_APPLICABLE row). */
const CONDITION_FAILURE: Record<ElementCondition, string> = {
  USER_SESSION: 'no user session',
  NOT_IMPLANTED: 'implanted device',
  NOT_BODY_WORN: 'body-worn device',
  IP_BASED: 'not on an IP network',
  PATCHABLE: 'software not updatable in the field',
  EXECUTES_SOFTWARE: 'runs no installed software',
  ON_PREMISES: "not on the hospital's premises",
  NOT_EMERGENCY_CONTROLS: 'bedside controls that must work without a login in an emergency',
};

/**
 * Element conditions whose failure is the deficiency the requirement itself is about, not a reason
 * it does not apply: a class C device whose software cannot be updated in the field fails CSUP
 * (TR 67 Table 3: "patchable, with a coordinated disclosure programme"); its row stays MISSING,
 * with no candidate placement, instead of NOT_APPLICABLE.
 */
const DEFICIENCY_CONDITIONS: readonly ElementCondition[] = ['PATCHABLE'];

/** Placements named in a reason at most (the lists themselves are complete). */
const REASON_PLACEMENTS = 5;

type Pair = { controlId: string; elementId: string };
type Found = Pair & { status: 'IMPLEMENTED' | 'PLANNED' };

/**
 * Baseline requirements per device.
 *
 * Rows, for each device (sorted by id):
 * - each requirement of its risk class's baseline: REQUIRED rows always apply; CONDITIONAL rows
 *   when any of their conditions holds ({@link deviceConditions}); RECOMMENDED rows are listed but
 *   never count as a gap. Its controls count where they sit on the device, its interfaces, its
 *   channels (either end) or a zone the device sits in (a zone's edge: a boundary control there,
 *   e.g. C29 segmentation or C13 firewall, also guards it against linked zones, Zone.linkedZoneIds);
 * - the wireless-link requirement ({@link isWirelessRequirement}) gives one row per wireless
 *   channel of the device (or, with none, per radio interface), `scopeElementId` naming it; its
 *   controls are the catalogue's link controls (placeable on channels) that fit that channel's
 *   technology and PREVENT an attack method that targets channels (TR 67 Annex B AM01–AM04,
 *   AM13, AM14 in the bundled catalogue), plus the requirement's own controls that fit: on a
 *   proprietary radio, e.g. C21 message integrity, C26 application encryption, C27
 *   challenge-response. They count on the channel, on the device's interface at its end, or on the
 *   device (receiver-side authentication);
 * - TR 67 Table 2 telehealth controls (catalogue.telehealthControls), for a device used in a
 *   patient's home or for remote monitoring: one REQUIRED row per entry and per telehealth channel
 *   of the device ({@link telehealthChannels}) of the entry's technology, capabilityCode
 *   {@link TELEHEALTH_CAPABILITY_CODE}, `telehealthControlId` the entry, counted like link rows.
 *
 * Status: MET when a control of the row is IMPLEMENTED where it fits (with `assume:
 * IMPLEMENTED_AND_PLANNED`, PLANNED counts too); PLANNED when only planned ones exist; MISSING
 * when none is placed but one fits somewhere (`candidatePlacements`); NOT_APPLICABLE when none of
 * its controls can exist on any of those elements ({@link placementMisfit}), with the failed
 * predicates in `reason` (e.g. an implant: no user session, so no automatic logoff or passwords;
 * implanted, so no physical locks). Placements that do not fit their element are not counted.
 *
 * @returns rows sorted by deviceId, capabilityCode, level, scopeElementId, telehealthControlId,
 *   then control ids. Pure; never throws on a valid model (references that do not resolve fit nothing).
 */
export function findBaselineGaps(
  model: ModelDocument,
  catalogue: Catalogue,
  options: FindBaselineGapsOptions = {},
): BaselineGap[] {
  const assumePlanned = options.assume === 'IMPLEMENTED_AND_PLANNED';
  // Canonical list order inside each control, so reasons do not depend on the catalogue's list order.
  const sorted = <T extends string>(list: readonly T[] | undefined) => (list ? [...list].sort(compareIds) : undefined);
  const controls = new Map(
    catalogue.controls.map((c): [string, Control] => [
      c.id,
      {
        ...c,
        appliesTo: sorted(c.appliesTo)!,
        ...(c.technologies ? { technologies: sorted(c.technologies) } : {}),
        ...(c.interfaceKinds ? { interfaceKinds: sorted(c.interfaceKinds) } : {}),
        ...(c.deviceConditions ? { deviceConditions: sorted(c.deviceConditions) } : {}),
        ...(c.elementConditions ? { elementConditions: sorted(c.elementConditions) } : {}),
      },
    ]),
  );
  const capabilityNames = new Map(catalogue.securityCapabilities.map((c) => [c.code, c.name]));
  const baselines = new Map(catalogue.riskClassBaselines.map((b) => [b.riskClass, b]));
  const wirelessRequirements = new Set(
    catalogue.riskClassBaselines.flatMap((b) => b.requirements).filter((r) => isWirelessRequirement(r, controls)),
  );
  const zoneIds = new Set(model.zones.map((z) => z.id));
  const push = <T>(map: Map<string, T[]>, key: string, item: T) => {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  };
  const interfacesOf = new Map<string, Interface[]>();
  for (const i of sortById(model.interfaces)) push(interfacesOf, i.deviceId, i);
  const channelsOf = new Map<string, Channel[]>();
  for (const c of sortById(model.channels)) {
    for (const d of new Set([c.fromDeviceId, c.toDeviceId])) push(channelsOf, d, c);
  }
  // Placement status per element, then control (no composite string keys: this runs per candidate).
  const placed = new Map<string, Map<string, { IMPLEMENTED: boolean; PLANNED: boolean }>>();
  for (const p of model.controlPlacements) {
    let byControl = placed.get(p.elementId);
    if (!byControl) placed.set(p.elementId, (byControl = new Map()));
    const entry = byControl.get(p.controlId) ?? { IMPLEMENTED: false, PLANNED: false };
    entry[p.status] = true;
    byControl.set(p.controlId, entry);
  }
  const facts = elementFacts(model);
  const UNRESOLVED: PlaceableElement = { type: 'ASSET' };
  const factsOf = (id: string) => facts.get(id) ?? UNRESOLVED;
  /** Why `control` cannot be on the element, or null (placementMisfit; words built only when asked). */
  const misfit = (control: Control, elementId: string): string | null => placementMisfit(control, factsOf(elementId));
  // Whether a control fits an element, memoised per element (0 unknown, 1 fits, 2 does not): the
  // same pair recurs across requirements and across both ends of a channel.
  const controlIndex = new Map([...controls.keys()].map((id, i) => [id, i]));
  const fitCache = new Map<string, Uint8Array>();
  const fits = (control: Control, elementId: string): boolean => {
    let known = fitCache.get(elementId);
    if (!known) fitCache.set(elementId, (known = new Uint8Array(controlIndex.size)));
    const i = controlIndex.get(control.id)!;
    if (known[i] === 0) known[i] = misfit(control, elementId) === null ? 1 : 2;
    return known[i] === 1;
  };

  // Attack methods acting on channels (TR 67 Annex B): a link control must PREVENT one of them.
  const channelMethods = new Set(catalogue.attackMethods.filter((m) => m.targets.includes('CHANNEL')).map((m) => m.id));
  const linkControls = [...controls.values()].filter(
    (c) =>
      c.appliesTo.includes('CHANNEL') &&
      c.effects.some((e) => e.effect === 'PREVENTS' && channelMethods.has(e.attackMethodId)),
  );

  /** Whether `condition` holds for an element, by the one applicability rule (a probe control with only that condition). */
  const conditionHolds = (condition: ElementCondition, element: PlaceableElement) =>
    placementMisfit(
      {
        id: '',
        name: '',
        description: '',
        kind: 'MITIGATING',
        capabilityCodes: [],
        appliesTo: [element.type],
        elementConditions: [condition],
        effects: [],
        defaultCost: 0,
        provenance: { status: 'OWN_DESIGN', source: '' },
      },
      element,
    ) === null;

  const telehealth = catalogue.telehealthControls.length > 0 ? telehealthChannels(model) : new Map<string, never[]>();
  const telehealthEntries = [...catalogue.telehealthControls].sort((a, b) => compareIds(a.id, b.id));
  const rows: BaselineGap[] = [];

  /**
   * One row: the status of `controlIds` over `elementIds` (sorted, without repeats; a control
   * counts on an element where it fits), with its reason. Placements come out sorted by control,
   * then element, as both loops run in id order.
   */
  const row = (
    base: Omit<BaselineGap, 'status' | 'reason' | 'gap' | 'satisfiedBy' | 'candidatePlacements' | 'controlIds'>,
    title: string,
    controlIds: readonly string[],
    elementIds: readonly string[],
    notApplicableDetail?: string,
  ): BaselineGap => {
    const ids = [...new Set(controlIds)].sort(compareIds);
    const implemented: Found[] = [];
    const planned: Found[] = [];
    const candidates: Pair[] = [];
    for (const controlId of ids) {
      const control = controls.get(controlId);
      if (!control) continue;
      for (const elementId of elementIds) {
        if (!fits(control, elementId)) continue;
        candidates.push({ controlId, elementId });
        const p = placed.get(elementId)?.get(controlId);
        if (p?.IMPLEMENTED) implemented.push({ controlId, elementId, status: 'IMPLEMENTED' });
        else if (p?.PLANNED) planned.push({ controlId, elementId, status: 'PLANNED' });
      }
    }
    const where = (list: readonly Pair[]) =>
      list
        .slice(0, REASON_PLACEMENTS)
        .map((p) => `${p.controlId} on ${p.elementId}`)
        .join(', ') + (list.length > REASON_PLACEMENTS ? ` and ${list.length - REASON_PLACEMENTS} more` : '');
    let status: BaselineGap['status'];
    let satisfiedBy: Found[] = [];
    let reason: string;
    if (implemented.length > 0) {
      status = 'MET';
      satisfiedBy = implemented;
      reason = `implemented: ${where(implemented)}`;
    } else if (planned.length > 0) {
      status = assumePlanned ? 'MET' : 'PLANNED';
      satisfiedBy = planned;
      reason = assumePlanned
        ? `planned, assumed in force (IMPLEMENTED_AND_PLANNED): ${where(planned)}`
        : `only planned: ${where(planned)}`;
    } else if (candidates.length > 0) {
      status = 'MISSING';
      reason = `none of ${ids.join(', ')} is in force; fits ${where(candidates)}`;
    } else if (blockedByDeficiency(ids, elementIds)) {
      status = 'MISSING';
      reason = unmetReason(
        base.deviceId,
        title,
        ids,
        elementIds,
        notApplicableDetail,
        'is not met, and no control can be placed until the device changes (a deficiency of the device, not a reason it does not apply)',
      );
    } else {
      status = 'NOT_APPLICABLE';
      reason = unmetReason(base.deviceId, title, ids, elementIds, notApplicableDetail, 'cannot be met on this device');
    }
    return {
      ...base,
      status,
      reason,
      gap: base.level !== 'RECOMMENDED' && (status === 'PLANNED' || status === 'MISSING'),
      controlIds: ids,
      satisfiedBy,
      candidatePlacements: candidates,
    };
  };

  /** Whether one of `ids` would fit one of `elementIds` but for {@link DEFICIENCY_CONDITIONS}. */
  const blockedByDeficiency = (ids: readonly string[], elementIds: readonly string[]) =>
    ids.some((id) => {
      const control = controls.get(id);
      if (!control?.elementConditions?.some((c) => DEFICIENCY_CONDITIONS.includes(c))) return false;
      const relaxed = {
        ...control,
        elementConditions: control.elementConditions.filter((c) => !DEFICIENCY_CONDITIONS.includes(c)),
      };
      return elementIds.some((e) => placementMisfit(relaxed, factsOf(e)) === null);
    });

  /**
   * "<failed predicates on the device>: <title> <verdict> (<misfits>)". The
   * predicates are the controls' element conditions that fail on the device itself (e.g. no user
   * session, implanted device); without one, the misfits alone say why.
   */
  const unmetReason = (
    deviceId: string,
    title: string,
    ids: readonly string[],
    elementIds: readonly string[],
    detail: string | undefined,
    verdict: string,
  ): string => {
    const device = factsOf(deviceId);
    const causes: string[] = [];
    for (const id of ids) {
      for (const condition of controls.get(id)?.elementConditions ?? []) {
        const words = CONDITION_FAILURE[condition];
        if (!conditionHolds(condition, device) && !causes.includes(words)) causes.push(words);
      }
    }
    // at most two distinct misfits per control, in element order
    const words: string[] = [];
    for (const id of ids) {
      const control = controls.get(id);
      const mine: string[] = [];
      for (const elementId of elementIds) {
        if (mine.length === 2) break;
        const why = control ? misfit(control, elementId) : `${id} is not in the catalogue`;
        if (why !== null && !mine.includes(why)) mine.push(why);
      }
      for (const w of mine) if (!words.includes(w)) words.push(w);
    }
    const misfitWords = words.join('; ');
    const head = causes.length > 0 ? `${causes.join(', ')}: ` : '';
    const tail = [detail, misfitWords].filter((x) => x).join('; ');
    return `${head}${title} ${verdict}${tail ? ` (${tail})` : ''}`;
  };

  for (const device of sortById(model.devices)) {
    const interfaces = interfacesOf.get(device.id) ?? [];
    const channels = channelsOf.get(device.id) ?? [];
    const deviceZones = [...new Set(device.zoneIds.filter((z) => zoneIds.has(z)))].sort(compareIds);
    const held = deviceConditions(device, interfaces, channels);
    // Sorted once, so that candidate and satisfying placements come out sorted (by control, then element).
    const scope = [device.id, ...interfaces.map((i) => i.id), ...channels.map((c) => c.id), ...deviceZones].sort(
      compareIds,
    );
    const wirelessChannels = channels.filter((c) => WIRELESS_TECHNOLOGIES.includes(c.technology));
    /** A channel's elements where a link or telehealth control protects this device: the channel, the device's interface on it, the device. */
    const linkElements = (c: Channel) => {
      const ownInterfaces = [
        ...(c.fromDeviceId === device.id ? [c.fromInterfaceId] : []),
        ...(c.toDeviceId === device.id ? [c.toInterfaceId] : []),
      ].filter((i): i is string => i !== undefined && facts.has(i));
      return [c.id, ...new Set(ownInterfaces), device.id].sort(compareIds);
    };
    const capTitle = (code: string) => `${capabilityNames.get(code) ?? code} (${code})`;

    const baseline = baselines.get(device.riskClass);
    for (const req of baseline?.requirements ?? []) {
      const conditionsMet = req.level === 'CONDITIONAL' ? req.conditions.filter((c) => held.has(c)) : [];
      if (req.level === 'CONDITIONAL' && conditionsMet.length === 0) continue;
      const base = {
        deviceId: device.id,
        riskClass: device.riskClass,
        capabilityCode: req.capabilityCode,
        level: req.level,
        conditionsMet: [...conditionsMet].sort(compareIds),
        ...(req.note !== undefined ? { note: req.note } : {}),
      };
      if (!wirelessRequirements.has(req)) {
        rows.push(row(base, capTitle(req.capabilityCode), req.controlIds, scope));
        continue;
      }
      const title = `wireless link security ${capTitle(req.capabilityCode)}`;
      const radios: { id: string; elements: string[]; offered: string[] }[] =
        wirelessChannels.length > 0
          ? wirelessChannels.map((c) => ({
              id: c.id,
              elements: linkElements(c),
              offered: [...req.controlIds.filter((id) => controls.has(id)), ...linkControls.map((l) => l.id)].filter(
                (id) => fits(controls.get(id)!, c.id),
              ),
            }))
          : interfaces
              .filter((i) => WIRELESS_INTERFACE_KINDS.includes(i.kind))
              .map((i) => ({
                id: i.id,
                elements: [i.id],
                offered: linkControls.filter((l) => fits(l, i.id)).map((l) => l.id),
              }));
      for (const radio of radios) {
        rows.push(
          row(
            { ...base, scopeElementId: radio.id },
            `${title} on ${radio.id}`,
            radio.offered,
            radio.elements,
            radio.offered.length === 0 ? `no link control of the catalogue fits ${radio.id}` : undefined,
          ),
        );
      }
    }

    const deviceTelehealth = telehealth.get(device.id) ?? [];
    for (const entry of telehealthEntries) {
      for (const { channel: c, why } of deviceTelehealth.filter((t) => t.channel.technology === entry.technology)) {
        rows.push(
          row(
            {
              deviceId: device.id,
              riskClass: device.riskClass,
              capabilityCode: TELEHEALTH_CAPABILITY_CODE,
              level: 'REQUIRED',
              conditionsMet: [],
              scopeElementId: c.id,
              telehealthControlId: entry.id,
              note: `${entry.description} (TR 67 Table 2, ${entry.technology}; telehealth use: ${why})`,
            },
            `telehealth control ${entry.id} (TR 67 Table 2) on ${c.id}`,
            entry.controlIds,
            linkElements(c),
          ),
        );
      }
    }
  }
  const levelRank = { REQUIRED: 0, CONDITIONAL: 1, RECOMMENDED: 2 } as const;
  return rows.sort(
    (a, b) =>
      compareIds(a.deviceId, b.deviceId) ||
      compareIds(a.capabilityCode, b.capabilityCode) ||
      levelRank[a.level] - levelRank[b.level] ||
      compareIds(a.scopeElementId ?? '', b.scopeElementId ?? '') ||
      compareIds(a.telehealthControlId ?? '', b.telehealthControlId ?? '') ||
      compareIds(a.controlIds.join(','), b.controlIds.join(',')),
  );
}
