/**
 * Incremental validation of one change to a valid model document (the write path of
 * ModelService: create, update and delete of any element kind, accepted placements).
 *
 * {@link validateModelDocument} checks the whole document; a write changes a handful of
 * elements, so it re-checks only the elements whose verdict a change can alter, with the same
 * function, on a sub-document that holds them and everything their rules read. The problems are
 * reported with the paths (and the paths inside messages) of the whole document, so the result
 * is the same as validating the whole document (test/unit/model-change.test.ts checks it on
 * random edits).
 */
import { ValidationError, type FieldIssue } from './errors';
import { ELEMENT_LISTS, validateModelDocument, type ValidateModelOptions } from './model-document';
import { channelIdentityKey } from './model-migration';
import type {
  Asset,
  Catalogue,
  Channel,
  ControlPlacement,
  Device,
  Interface,
  ModelDocument,
  Vulnerability,
  Zone,
} from './types';

type ListName = (typeof ELEMENT_LISTS)[number];

/**
 * What a write changes: the elements it writes (created or replaced, as they are in the new
 * document), by kind, and the ids it deletes. The shape of ModelRepository's ChangeSet.
 */
export interface ModelChange {
  deleteIds: readonly string[];
  zones: readonly Zone[];
  devices: readonly Device[];
  interfaces: readonly Interface[];
  channels: readonly Channel[];
  assets: readonly Asset[];
  vulnerabilities: readonly Vulnerability[];
  controlPlacements: readonly ControlPlacement[];
}

/** The string ids of a reference field that may not have its declared shape (unvalidated input). */
function idsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Every id an element refers to (any kind), read defensively (the element may fail the schema). */
function referencesOf(list: ListName, e: Record<string, unknown>): string[] {
  switch (list) {
    case 'zones':
      return idsOf(e['linkedZoneIds']);
    case 'devices':
      return [...idsOf(e['zoneIds']), ...idsOf(e['outboundZoneIds']), ...idsOf(e['hostDeviceId'])];
    case 'interfaces':
      return [...idsOf(e['deviceId']), ...idsOf(e['exposedToZoneIds'])];
    case 'channels':
      return [
        ...idsOf(e['fromDeviceId']),
        ...idsOf(e['toDeviceId']),
        ...idsOf(e['fromInterfaceId']),
        ...idsOf(e['toInterfaceId']),
        ...idsOf(e['forwardedTo']),
        ...idsOf(e['zoneIds']),
      ];
    case 'assets':
      return idsOf(e['deviceId']);
    case 'vulnerabilities':
    case 'controlPlacements':
      return idsOf(e['elementId']);
  }
}

/** The devices whose placement facts (domain/applicability.ts elementFacts) an element contributes to. */
function factDevicesOf(list: ListName, e: Record<string, unknown>): string[] {
  if (list === 'interfaces') return idsOf(e['deviceId']);
  if (list === 'channels') return [...idsOf(e['fromDeviceId']), ...idsOf(e['toDeviceId'])];
  if (list === 'devices') return idsOf(e['id']);
  return [];
}

/** A channel's identity key (exact duplicates), or undefined when it has not the shape to have one. */
function channelKey(c: Channel): string | undefined {
  try {
    return channelIdentityKey(c);
  } catch {
    return undefined;
  }
}

const placementKey = (p: ControlPlacement) => `${String(p.controlId)}\u0000${String(p.elementId)}`;

const LIST_PATH = /^(zones|devices|interfaces|channels|assets|vulnerabilities|controlPlacements)\[(\d+)\]/;
/** Element paths inside validateModelDocument's messages ("…: devices[3] already uses it", "(zones[0])", "by controlPlacements[2];"). */
const PATH_IN_MESSAGE =
  /(?<=: |\(|by )(zones|devices|interfaces|channels|assets|vulnerabilities|controlPlacements)\[(\d+)\](?= already|\)|;)/g;

/**
 * The problems of `after` (= `before` with `change` applied), exactly as
 * `validateModelDocument(after, catalogue, options)` reports them (same paths, same messages;
 * the order may differ), given that `before` is valid under the same catalogue and options.
 *
 * Why checking a sub-document is exact. Of validateModelDocument's rules (see its docstring),
 * the verdict on an element E reads E itself and:
 * - the elements E refers to (kind and path of the first element with that id; an interface's
 *   device for a channel end; a forwarded-to channel's sender and payload; the chain of hosts of a
 *   hosted device), so E is re-checked when it refers to a changed or deleted id, or its chain of
 *   hosts passes one;
 * - the other elements with its id, externalId (devices), exact-duplicate key (channels) or
 *   control and element (placements): a clash involves a changed element (`before` had none), so
 *   every element sharing one of these with a changed element is re-checked;
 * - for a placement, and for a channel's extrinsic mechanisms, the placement facts of its element
 *   (elementFacts): a zone's own fields; a device's own fields, zones, interfaces (IP kind, user
 *   session) and IP-technology channels; an interface's kind and its device's facts; a channel's
 *   technology and its ends' facts. The devices whose facts may change are the changed or deleted
 *   devices, the devices of changed or deleted interfaces and the ends of changed or deleted
 *   channels (before and after), and the devices in a changed or deleted zone; the placements on
 *   them, their interfaces and their channels, and those channels, are re-checked.
 * Every other element keeps the verdict it had in `before`: valid. The sub-document holds the
 * re-checked elements, every zone, the elements they refer to, the chains of hosts of its
 * devices, and for the devices whose facts the re-checked rules read, those devices with all
 * their interfaces and channels, in document order (so "first definition wins" picks the same
 * element). Only the issues on re-checked elements (and on the header) are kept; sub-document
 * paths are mapped back to the whole document's, in the issue's path and in its message. Shape
 * problems are reported alone in both, and only changed elements can have any.
 * Cost: a few passes over the document's lists (no copy, no schema run on unchanged elements).
 *
 * @param before the valid document the change was made on (not modified)
 * @param after the changed document: `before` with the written elements in place (replaced, or
 *   created anywhere in their list) and the deleted ids gone (not modified)
 * @param change the written elements (as they are in `after`) and the deleted ids
 * @param catalogue the catalogue placements and extrinsic mechanisms are checked against
 * @param options passed to validateModelDocument (misfitAllowed: the stored placements)
 * @returns the problems, each with the path of the field at fault in `after`; [] when it is valid
 */
export function modelChangeIssues(
  before: ModelDocument,
  after: ModelDocument,
  change: ModelChange,
  catalogue: Catalogue,
  options: ValidateModelOptions = {},
): FieldIssue[] {
  const changedIds = new Set<string>(change.deleteIds);
  for (const list of ELEMENT_LISTS) for (const e of change[list]) changedIds.add(String(e.id));
  if (changedIds.size === 0) return [];

  // Devices whose placement facts may change, from the changed elements before and after.
  const factChanged = new Set<string>();
  for (const doc of [before, after]) {
    for (const list of ['devices', 'interfaces', 'channels'] as const) {
      for (const e of doc[list]) {
        if (changedIds.has(e.id)) for (const d of factDevicesOf(list, e as never)) factChanged.add(d);
      }
    }
  }
  for (const d of after.devices) if (idsOf(d.zoneIds).some((z) => changedIds.has(z))) factChanged.add(d.id);

  // Clash keys of the changed elements.
  const externalIds = new Set<string>();
  for (const d of change.devices) if (typeof d.externalId === 'string') externalIds.add(d.externalId);
  const channelKeys = new Set<string>();
  for (const c of change.channels) {
    const k = channelKey(c);
    if (k !== undefined) channelKeys.add(k);
  }
  const placementKeys = new Set(change.controlPlacements.map(placementKey));

  // Hosted devices whose chain of hosts passes a changed id (to a fixpoint over hostDeviceId).
  const hostAffected = new Set<string>();
  if (after.devices.some((d) => d.hostDeviceId !== undefined)) {
    const hosted = new Map<string, string[]>();
    for (const d of after.devices) {
      for (const h of idsOf(d.hostDeviceId)) hosted.set(h, [...(hosted.get(h) ?? []), d.id]);
    }
    const queue = [...changedIds];
    while (queue.length) {
      for (const d of hosted.get(queue.pop()!) ?? []) {
        if (!hostAffected.has(d)) {
          hostAffected.add(d);
          queue.push(d);
        }
      }
    }
  }
  // Interfaces and channels whose facts read a device with changed facts.
  const touchesFactChanged = (list: ListName, e: Record<string, unknown>) =>
    (list === 'interfaces' || list === 'channels') && factDevicesOf(list, e).some((d) => factChanged.has(d));
  const factElements = new Set<string>(factChanged);
  for (const list of ['interfaces', 'channels'] as const) {
    for (const e of after[list]) if (touchesFactChanged(list, e as never)) factElements.add(e.id);
  }

  // The elements re-checked, by list (indices into `after`).
  const recheck: Record<ListName, Set<number>> = {
    zones: new Set(),
    devices: new Set(),
    interfaces: new Set(),
    channels: new Set(),
    assets: new Set(),
    vulnerabilities: new Set(),
    controlPlacements: new Set(),
  };
  for (const list of ELEMENT_LISTS) {
    (after[list] as readonly { id: string }[]).forEach((e, i) => {
      const el = e as unknown as Record<string, unknown>;
      let hit = changedIds.has(e.id) || referencesOf(list, el).some((r) => changedIds.has(r));
      if (!hit && list === 'devices') {
        const d = e as Device;
        hit = hostAffected.has(d.id) || (d.externalId !== undefined && externalIds.has(d.externalId));
      } else if (!hit && list === 'channels') {
        const c = e as Channel;
        hit =
          (channelKeys.size > 0 && channelKeys.has(channelKey(c) ?? '')) ||
          (idsOf(c.extrinsicMechanisms).length > 0 && touchesFactChanged(list, el));
      } else if (!hit && list === 'controlPlacements') {
        const p = e as ControlPlacement;
        hit = placementKeys.has(placementKey(p)) || factElements.has(p.elementId);
      }
      if (hit) recheck[list].add(i);
    });
  }

  // The context: what the re-checked rules read.
  const firstById = new Map<string, { list: ListName; index: number }>();
  for (const list of ELEMENT_LISTS) {
    (after[list] as readonly { id: string }[]).forEach((e, index) => {
      if (!firstById.has(e.id)) firstById.set(e.id, { list, index });
    });
  }
  const include: Record<ListName, Set<number>> = {
    zones: new Set(after.zones.map((_, i) => i)),
    devices: new Set(recheck.devices),
    interfaces: new Set(recheck.interfaces),
    channels: new Set(recheck.channels),
    assets: new Set(recheck.assets),
    vulnerabilities: new Set(recheck.vulnerabilities),
    controlPlacements: new Set(recheck.controlPlacements),
  };
  const factReaders = new Set<string>(); // devices whose facts the re-checked rules read
  const includeId = (id: string) => {
    const at = firstById.get(id);
    if (at) include[at.list].add(at.index);
    return at;
  };
  for (const list of ELEMENT_LISTS) {
    for (const i of recheck[list]) {
      const e = after[list][i] as unknown as Record<string, unknown>;
      for (const r of referencesOf(list, e)) includeId(r);
      if (list === 'devices') {
        // the chain of hosts (it stops at a repeat: a loop is reported, not followed)
        const seen = new Set<string>();
        let host = idsOf(e['hostDeviceId'])[0];
        while (host !== undefined && !seen.has(host)) {
          seen.add(host);
          const at = includeId(host);
          host = at?.list === 'devices' ? after.devices[at.index]!.hostDeviceId : undefined;
        }
      } else if (list === 'controlPlacements') {
        const at = firstById.get(String(e['elementId']));
        if (at && at.list !== 'zones') {
          for (const d of factDevicesOf(at.list, after[at.list][at.index] as never)) factReaders.add(d);
        }
      } else if (list === 'channels' && idsOf(e['extrinsicMechanisms']).length > 0) {
        for (const d of factDevicesOf(list, e)) factReaders.add(d);
      }
    }
  }
  if (factReaders.size > 0) {
    for (const d of factReaders) includeId(d);
    for (const list of ['interfaces', 'channels'] as const) {
      (after[list] as readonly unknown[]).forEach((e, i) => {
        if (factDevicesOf(list, e as never).some((d) => factReaders.has(d))) include[list].add(i);
      });
    }
  }

  // The sub-document, in document order, and the way back to the whole document's paths.
  const back = new Map<string, string>();
  const sub = { formatVersion: after.formatVersion, model: after.model } as ModelDocument;
  for (const list of ELEMENT_LISTS) {
    const indices = [...include[list]].sort((a, b) => a - b);
    (sub as unknown as Record<ListName, unknown[]>)[list] = indices.map((i) => after[list][i]);
    indices.forEach((i, j) => back.set(`${list}[${j}]`, `${list}[${i}]`));
  }
  let issues: FieldIssue[];
  try {
    validateModelDocument(sub, catalogue, options);
    return [];
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues = e.issues;
  }
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const m = LIST_PATH.exec(issue.path);
    let path = issue.path;
    if (m) {
      const list = m[1] as ListName;
      const j = Number(m[2]);
      const i = Number(back.get(`${list}[${j}]`)!.slice(list.length + 1, -1));
      if (!recheck[list].has(i)) continue; // context: its verdict is the one it had (valid)
      path = `${list}[${i}]${issue.path.slice(m[0].length)}`;
    }
    const message = issue.message.replace(PATH_IN_MESSAGE, (p) => back.get(p) ?? p);
    out.push({ path, message });
  }
  return out;
}

/**
 * {@link modelChangeIssues} as a gate: throws what `validateModelDocument(after, …)` would throw.
 * @throws ValidationError listing every problem with its path in `after`
 */
export function validateModelChange(
  before: ModelDocument,
  after: ModelDocument,
  change: ModelChange,
  catalogue: Catalogue,
  options: ValidateModelOptions = {},
): void {
  const issues = modelChangeIssues(before, after, change, catalogue, options);
  if (issues.length > 0) throw new ValidationError(issues);
}
