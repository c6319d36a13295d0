/**
 * Random single-element edits of a model document, for the property tests of incremental
 * validation (test/unit/model-change.test.ts) and of the kept cache (test/integration/
 * fast-writes.int.test.ts). An edit is drawn by fast-check as plain numbers and interpreted
 * against the current document, so a sequence of edits stays meaningful as the document changes.
 * Edits may be valid or not: values come from pools that mix good values, references to other
 * kinds, unknown ids, duplicates and values the schema refuses.
 */
import fc from 'fast-check';
import {
  CHANNEL_PAYLOADS,
  CHANNEL_TECHNOLOGIES,
  DEVICE_CATEGORIES,
  EXTRINSIC_MECHANISMS,
  INTERFACE_KINDS,
  INTRINSIC_MECHANISMS,
  ZONE_KINDS,
  type ModelDocument,
} from '../../server/src/domain/types';
import { ELEMENT_LISTS } from '../../server/src/domain/model-document';

export type ListName = (typeof ELEMENT_LISTS)[number];

/** An edit as drawn: what to do, on which list, and choices (taken modulo the pool sizes). */
export interface EditDraw {
  op: 'create' | 'update' | 'delete';
  list: ListName;
  pick: number;
  field: number;
  value: number;
  extra: number;
  fresh: boolean;
}

/** fast-check arbitrary of one edit. */
export const editDraw: fc.Arbitrary<EditDraw> = fc.record({
  op: fc.constantFrom('create', 'update', 'update', 'delete'),
  list: fc.constantFrom(...ELEMENT_LISTS),
  pick: fc.nat(),
  field: fc.nat(),
  value: fc.nat(),
  extra: fc.nat(),
  fresh: fc.boolean(),
});

/** One edit made concrete: the element written (or the id deleted) in its list. */
export interface ConcreteEdit {
  op: 'create' | 'update' | 'delete';
  list: ListName;
  /** create/update: the whole element as written; delete: undefined. */
  element?: Record<string, unknown>;
  /** update/delete: the id of the element edited. */
  id?: string;
  /** update: the patch (field → value, null clears). */
  patch?: Record<string, unknown>;
}

const at = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;
const subset = <T>(xs: readonly T[], n: number, max = 3): T[] => {
  const out: T[] = [];
  for (let k = 0; k < 1 + (n % max); k++) {
    const x = at(xs, Math.floor(n / (k + 1)) + k * 7);
    if (!out.includes(x)) out.push(x);
  }
  return n % 2 ? out.reverse() : out; // not always in id order: a load returns some lists sorted
};

/** Field → values for each kind (given the document, for references). */
function pools(doc: ModelDocument, n: number): Record<ListName, [string, unknown[]][]> {
  const ids = (list: ListName) => (doc[list] as { id: string }[]).map((e) => e.id);
  const zoneIds = ids('zones');
  const deviceIds = ids('devices');
  const ifaceIds = ids('interfaces');
  const channelIds = ids('channels');
  const anyIds = [...zoneIds.slice(0, 2), deviceIds[0] ?? 'x', ifaceIds[0] ?? 'x', 'nowhere'];
  const zoneRefs = [subset(zoneIds, n), [], [...subset(zoneIds, n, 2), at(anyIds, n)]];
  const externalIds = doc.devices.filter((d) => d.externalId).map((d) => d.externalId!);
  return {
    zones: [
      ['name', ['Zone renamed', 'evil \u202e name']],
      ['kind', [...ZONE_KINDS]],
      ['entryPoint', [true, false]],
      ['linkedZoneIds', [null, subset(zoneIds, n, 2), [at(anyIds, n)]]],
    ],
    devices: [
      ['name', ['Renamed device', '', 'x \u202e y']],
      ['zoneIds', zoneRefs],
      ['category', [...DEVICE_CATEGORIES, 'TOASTER']],
      ['generalPurposeOs', [true, false]],
      ['remoteService', [true, false]],
      ['patchable', [true, false]],
      ['externalId', [null, `EXT-${n % 5}`, ...externalIds.slice(0, 3)]],
      ['hostDeviceId', [null, at(deviceIds, n), at(deviceIds, n + 1), 'nowhere', at(zoneIds, n)]],
      ['ipAddresses', [null, ['10.0.0.1'], ['10.0.0.01'], ['not an ip']]],
      ['outboundZoneIds', [null, subset(zoneIds, n, 2), ['nowhere']]],
    ],
    interfaces: [
      ['deviceId', [at(deviceIds, n), at(deviceIds, n + 3), at(zoneIds, n), 'nowhere']],
      ['kind', [...INTERFACE_KINDS]],
      ['exposedToZoneIds', zoneRefs],
      ['userSession', [null, true, false]],
      ['name', ['Port renamed']],
    ],
    channels: [
      ['fromDeviceId', [at(deviceIds, n), at(deviceIds, n + 1), at(ifaceIds, n), 'nowhere']],
      ['toDeviceId', [at(deviceIds, n), at(deviceIds, n + 2), 'nowhere']],
      ['fromInterfaceId', [null, at(ifaceIds, n), at(ifaceIds, n + 5), at(deviceIds, n)]],
      ['toInterfaceId', [null, at(ifaceIds, n), at(ifaceIds, n + 9)]],
      ['technology', [...CHANNEL_TECHNOLOGIES]],
      ['intrinsicMechanism', [...INTRINSIC_MECHANISMS]],
      ['extrinsicMechanisms', [[], subset(EXTRINSIC_MECHANISMS, n, 2)]],
      ['carries', [subset(CHANNEL_PAYLOADS, n, 2), []]],
      ['forwardedTo', [null, [at(channelIds, n)], [at(channelIds, n), at(channelIds, n + 1)], ['nowhere']]],
      ['zoneIds', zoneRefs],
    ],
    assets: [
      ['deviceId', [at(deviceIds, n), at(deviceIds, n + 4), at(ifaceIds, n), 'nowhere']],
      ['name', ['Asset renamed']],
    ],
    vulnerabilities: [
      ['elementId', [at(deviceIds, n), at(ifaceIds, n), at(channelIds, n), 'nowhere']],
      ['cvssVector', ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H']],
    ],
    controlPlacements: [
      ['controlId', ['C01', 'C05', 'C11', 'C20', 'C27', 'C99']],
      ['elementId', [at(deviceIds, n), at(ifaceIds, n), at(channelIds, n), at(zoneIds, n), 'nowhere']],
      ['status', ['PLANNED', 'IMPLEMENTED']],
    ],
  };
}

/**
 * The edit a draw means on `doc` (null when the list is empty and nothing can be picked).
 * A create copies a picked element under a fresh id (or another element's id) with one field
 * changed; an update sets one field (null clears it); a delete removes one element (no cascade).
 */
export function concreteEdit(doc: ModelDocument, draw: EditDraw, serial: number): ConcreteEdit | null {
  const list = doc[draw.list] as unknown as Record<string, unknown>[];
  if (list.length === 0) return null;
  const picked = at(list, draw.pick);
  const id = picked['id'] as string;
  if (draw.op === 'delete') return { op: 'delete', list: draw.list, id };
  const [field, values] = at(pools(doc, draw.extra)[draw.list], draw.field);
  const value = at(values, draw.value);
  if (draw.op === 'update') return { op: 'update', list: draw.list, id, patch: { [field]: value } };
  const all = ELEMENT_LISTS.flatMap((l) => (doc[l] as { id: string }[]).map((e) => e.id));
  const newId = draw.fresh ? `new-${draw.list}-${serial}` : at(all, draw.extra);
  const element: Record<string, unknown> = { ...picked, id: newId };
  if (value === null) delete element[field];
  else element[field] = value;
  return { op: 'create', list: draw.list, element };
}
