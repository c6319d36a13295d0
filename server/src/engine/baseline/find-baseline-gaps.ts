/**
 * Risk-class baseline gaps: for each device, the requirements of its HSA class's baseline
 * (TR 67 Table 3, reconstructed: standards-notes §5.4) that apply to it, and whether an
 * implemented control meets each.
 */
import {
  PHYSICAL_INTERFACE_KINDS,
  WIRELESS_TECHNOLOGIES,
  type BaselineCondition,
  type Catalogue,
  type Channel,
  type Device,
  type Interface,
  type InterfaceKind,
  type ModelDocument,
} from '../../domain/types';
import { compareIds, sortById } from '../compare';
import { canPlaceControl, elementFacts, type PlaceableElement } from '../controls';
import type { BaselineGap } from '../types';

const WIRELESS_INTERFACE_KINDS: readonly InterfaceKind[] = [
  'BLE_GATT',
  'PROPRIETARY_RF',
  'WIFI',
  'ZIGBEE',
  'LORA',
  'CELLULAR',
];
const USER_INTERFACE_KINDS: readonly InterfaceKind[] = ['WEB_UI', 'LOCAL_UI', 'RDP'];

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
 * Baseline requirements per device.
 *
 * For each device (sorted by id) and each requirement of its risk class's baseline:
 * REQUIRED rows always apply; CONDITIONAL rows apply when any of their conditions holds
 * ({@link deviceConditions}); RECOMMENDED rows are listed but never count as a gap. Status: MET
 * when one of the requirement's controls is IMPLEMENTED on the device, one of its interfaces or
 * one of its channels (either end); PLANNED when only planned placements exist; MISSING otherwise.
 * `candidatePlacements` lists where each requirement control fits on those elements.
 *
 * @returns rows sorted by deviceId, capabilityCode, level, then control ids. Pure.
 */
export function findBaselineGaps(model: ModelDocument, catalogue: Catalogue): BaselineGap[] {
  const controls = new Map(catalogue.controls.map((c) => [c.id, c]));
  const baselines = new Map(catalogue.riskClassBaselines.map((b) => [b.riskClass, b]));
  const interfacesOf = new Map<string, Interface[]>();
  const push = <T>(map: Map<string, T[]>, key: string, item: T) => {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  };
  for (const i of sortById(model.interfaces)) push(interfacesOf, i.deviceId, i);
  const channelsOf = new Map<string, Channel[]>();
  for (const c of sortById(model.channels)) {
    for (const d of new Set([c.fromDeviceId, c.toDeviceId])) push(channelsOf, d, c);
  }
  const placed = new Map<string, { IMPLEMENTED: boolean; PLANNED: boolean }>();
  for (const p of model.controlPlacements) {
    const key = `${p.controlId}\u0000${p.elementId}`;
    const entry = placed.get(key) ?? { IMPLEMENTED: false, PLANNED: false };
    entry[p.status] = true;
    placed.set(key, entry);
  }

  const facts = elementFacts(model);
  const rows: BaselineGap[] = [];
  for (const device of sortById(model.devices)) {
    const baseline = baselines.get(device.riskClass);
    if (!baseline) continue;
    const interfaces = interfacesOf.get(device.id) ?? [];
    const channels = channelsOf.get(device.id) ?? [];
    const held = deviceConditions(device, interfaces, channels);
    const elements: [string, PlaceableElement][] = [
      device.id,
      ...interfaces.map((i) => i.id),
      ...channels.map((c) => c.id),
    ].map((id): [string, PlaceableElement] => [id, facts.get(id)!]);
    for (const req of baseline.requirements) {
      const conditionsMet = req.level === 'CONDITIONAL' ? req.conditions.filter((c) => held.has(c)) : [];
      if (req.level === 'CONDITIONAL' && conditionsMet.length === 0) continue;
      const controlIds = [...new Set(req.controlIds)].sort(compareIds);
      const implemented: BaselineGap['satisfiedBy'] = [];
      const planned: BaselineGap['satisfiedBy'] = [];
      const candidatePlacements: BaselineGap['candidatePlacements'] = [];
      for (const controlId of controlIds) {
        const control = controls.get(controlId);
        for (const [elementId, facts] of elements) {
          const p = placed.get(`${controlId}\u0000${elementId}`);
          if (p?.IMPLEMENTED) implemented.push({ controlId, elementId, status: 'IMPLEMENTED' });
          else if (p?.PLANNED) planned.push({ controlId, elementId, status: 'PLANNED' });
          if (control && canPlaceControl(control, facts)) candidatePlacements.push({ controlId, elementId });
        }
      }
      const status = implemented.length > 0 ? 'MET' : planned.length > 0 ? 'PLANNED' : 'MISSING';
      const byIds = (a: { controlId: string; elementId: string }, b: { controlId: string; elementId: string }) =>
        compareIds(a.controlId, b.controlId) || compareIds(a.elementId, b.elementId);
      rows.push({
        deviceId: device.id,
        riskClass: device.riskClass,
        capabilityCode: req.capabilityCode,
        level: req.level,
        conditionsMet: [...conditionsMet].sort(compareIds),
        status,
        gap: req.level !== 'RECOMMENDED' && status !== 'MET',
        controlIds,
        satisfiedBy: (status === 'MET' ? implemented : planned).sort(byIds),
        candidatePlacements: candidatePlacements.sort(byIds),
        ...(req.note !== undefined ? { note: req.note } : {}),
      });
    }
  }
  const levelRank = { REQUIRED: 0, CONDITIONAL: 1, RECOMMENDED: 2 } as const;
  return rows.sort(
    (a, b) =>
      compareIds(a.deviceId, b.deviceId) ||
      compareIds(a.capabilityCode, b.capabilityCode) ||
      levelRank[a.level] - levelRank[b.level] ||
      compareIds(a.controlIds.join(','), b.controlIds.join(',')),
  );
}
