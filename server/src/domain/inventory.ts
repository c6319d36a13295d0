/**
 * Inventory integration (CMDB, SIEM, NAC, ticketing): device upserts keyed by the caller's
 * `externalId`, and device lookups by identifier. Pure functions over a model document; the
 * transactional writing is ModelService.upsertDevices (services/model-service.ts).
 *
 * An upsert item is checked in three stages, each problem reported for that item only (the path
 * names the item in the mutation's `devices` argument, e.g. `devices[3].zoneIds[0]`):
 * 1. form (zod): types, known enum values, IP and MAC addresses (normalised to their canonical
 *    spelling, domain/identifiers.ts), externalId not blank;
 * 2. resolution: externalId already used earlier in the call, the id of an existing device
 *    changed, a new id taken by another element, fields required to create a device missing;
 * 3. meaning: the exchange schema and the domain rules of validateModelDocument
 *    (domain/model-document.ts), checked on the devices being written together with the elements
 *    whose rules read them (see {@link deviceChangeIssues}).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, ValidationError, type FieldIssue } from './errors';
import { nameSlug, normaliseIpAddress, normaliseMacAddress } from './identifiers';
import { canonicalDevice, validateModelDocument } from './model-document';
import {
  DEVICE_CATEGORIES,
  OUTBOUND_ACCEPTS,
  RISK_CLASSES,
  type Catalogue,
  type ControlPlacement,
  type Device,
  type Interface,
  type ModelDocument,
} from './types';

// ---------------------------------------------------------------------------------------------
// Limits and result types
// ---------------------------------------------------------------------------------------------

/** Most devices in one upsertDevices call. */
export const MAX_UPSERT_DEVICES = 10_000;
/** Devices written per transaction when the caller does not say. */
export const DEFAULT_UPSERT_BATCH_SIZE = 500;
/** Largest batch (one transaction, one audit entry with the before/after image of each device). */
export const MAX_UPSERT_BATCH_SIZE = 2_000;
/** Most addresses of one kind on one device. */
export const MAX_ADDRESSES = 64;

/**
 * Why an upsert item was not written:
 * - BAD_USER_INPUT: a value is invalid (format, length, unknown zone, a domain rule);
 * - MISSING_FIELD: a field needed to create a device is absent (name, category, riskClass, zoneIds);
 * - DUPLICATE_EXTERNAL_ID: an earlier item of the same call has this externalId;
 * - CONFLICT: the id is taken by another element, or differs from the id of the device that has
 *   this externalId;
 * - NOT_WRITTEN: the item was valid but its batch could not be written (the model kept changing,
 *   or the database was unavailable); earlier batches were written; send the call again.
 */
export type DeviceUpsertErrorCode =
  'BAD_USER_INPUT' | 'MISSING_FIELD' | 'DUPLICATE_EXTERNAL_ID' | 'CONFLICT' | 'NOT_WRITTEN';

/** One problem with one item of an upsert. */
export interface DeviceUpsertError {
  /** Position of the item in the call's `devices` list (0-based). */
  index: number;
  /** The item's externalId as sent (null when it had none). */
  externalId: string | null;
  code: DeviceUpsertErrorCode;
  /** Path of the field at fault in the call's arguments, e.g. `devices[3].zoneIds[0]`. */
  field: string;
  message: string;
}

/** What an upsert did. Every item is counted exactly once in created, updated, unchanged or failed. */
export interface UpsertDevicesResult {
  created: number;
  updated: number;
  /** Items identical to the stored device: nothing written for them. */
  unchanged: number;
  /** Items not written (each has at least one entry in `errors`). */
  failed: number;
  /** Every problem found, by item index then field; an item may have several. */
  errors: DeviceUpsertError[];
  /** The model's version after the call (unchanged when nothing was written). */
  modelVersion: number;
  /** Transactions committed (each one version step with one audit entry). */
  batches: number;
}

// ---------------------------------------------------------------------------------------------
// Stage 1: form (zod)
// ---------------------------------------------------------------------------------------------

/** A zod string transform that normalises an address or reports why it is not one. */
const address = (normalise: (s: string) => ReturnType<typeof normaliseIpAddress>) =>
  z.string().transform((s, ctx) => {
    const n = normalise(s);
    if (n.ok) return n.value;
    ctx.addIssue({ code: 'custom', message: `'${s}' ${n.message}` });
    return z.NEVER;
  });

/** A list of addresses, normalised, repeats (after normalisation) dropped; [] means "none" (null). */
const addressList = (normalise: (s: string) => ReturnType<typeof normaliseIpAddress>) =>
  z
    .array(address(normalise))
    .max(MAX_ADDRESSES, `must have at most ${MAX_ADDRESSES} addresses`)
    .transform((list) => (list.length ? [...new Set(list)] : null));

/** Normalised IP address list (empty → null = none). */
export const ipAddressList = addressList(normaliseIpAddress);
/** Normalised MAC address list (empty → null = none). */
export const macAddressList = addressList(normaliseMacAddress);

const text = z.string().nullish();
const flag = z.boolean().nullish();

/**
 * One item of upsertDevices, as GraphQL's DeviceUpsertInput: every field but externalId
 * optional; absent (undefined) keeps the stored value, null clears an optional field.
 * externalId and assetTag are trimmed; an empty outboundZoneIds list is null (no outbound
 * connection), as for the address lists. Lengths and id patterns are left to the exchange schema
 * (stage 3), so that the messages are the same as everywhere else.
 */
export const deviceUpsertItemSchema = z
  .object({
    externalId: z
      .string({ error: 'is required: the caller’s identifier of the device' })
      .trim()
      .min(1, 'must not be blank'),
    id: text,
    name: text,
    category: z.enum(DEVICE_CATEGORIES).nullish(),
    manufacturer: text,
    modelName: text,
    riskClass: z.enum(RISK_CLASSES).nullish(),
    software: text,
    // exchange format 2.2: the version alone, as advisories name it (CSAF matching)
    softwareVersion: text,
    generalPurposeOs: flag,
    patchable: flag,
    handlesPersonalData: flag,
    storesData: flag,
    remoteService: flag,
    zoneIds: z.array(z.string()).nullish(),
    ipAddresses: ipAddressList.nullish(),
    macAddresses: macAddressList.nullish(),
    assetTag: z.string().trim().nullish(),
    // exchange format 2.0 (attack model v2), as DeviceInput / DevicePatch
    hostDeviceId: text,
    outboundZoneIds: z
      .array(z.string())
      .transform((list) => (list.length ? list : null))
      .nullish(),
    outboundAccepts: z.enum(OUTBOUND_ACCEPTS).nullish(),
    // exchange format 2.3; null clears it (the category's default)
    emergencyOperation: flag,
  })
  .strict();

/** A parsed upsert item: its position in the call and the fields as given (undefined = absent). */
export interface DeviceUpsertItem {
  index: number;
  externalId: string;
  fields: z.output<typeof deviceUpsertItemSchema>;
}

/** zod path → `devices[3].zoneIds[0]`. */
function itemPath(index: number, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`),
    `devices[${index}]`,
  );
}

/**
 * Stage 1 for every item, plus duplicate externalIds (the first item with one wins, later ones
 * get DUPLICATE_EXTERNAL_ID, whether or not the first is valid).
 */
export function parseDeviceUpsertItems(raw: readonly unknown[]): {
  items: DeviceUpsertItem[];
  errors: DeviceUpsertError[];
} {
  const items: DeviceUpsertItem[] = [];
  const errors: DeviceUpsertError[] = [];
  const firstWith = new Map<string, number>();
  raw.forEach((value, index) => {
    const given = (value as { externalId?: unknown } | null)?.externalId;
    const externalId = typeof given === 'string' ? given.trim() : null;
    if (externalId) {
      const first = firstWith.get(externalId);
      if (first !== undefined) {
        errors.push({
          index,
          externalId,
          code: 'DUPLICATE_EXTERNAL_ID',
          field: `devices[${index}].externalId`,
          message: `externalId '${externalId}' is already used by devices[${first}] of this call; send each device once`,
        });
        return;
      }
      firstWith.set(externalId, index);
    }
    const parsed = deviceUpsertItemSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          index,
          externalId,
          code: 'BAD_USER_INPUT',
          field: itemPath(index, issue.path),
          message: issue.message,
        });
      }
      return;
    }
    items.push({ index, externalId: parsed.data.externalId, fields: parsed.data });
  });
  return { items, errors };
}

/**
 * The device fields of createDevice's input or updateDevice's patch with the addresses
 * normalised (repeats dropped; an empty list becomes null, which clears the field) and
 * externalId and assetTag trimmed. An address that does not parse is kept as given, so that
 * validation reports it at its field (e.g. `input.macAddresses[1]`). Returns a new object.
 */
export function normaliseDeviceInput<T extends object>(input: T): T {
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [field, normalise] of [
    ['ipAddresses', normaliseIpAddress],
    ['macAddresses', normaliseMacAddress],
  ] as const) {
    const list = out[field];
    if (!Array.isArray(list)) continue;
    const values = list.map((a: unknown) => {
      if (typeof a !== 'string') return a;
      const n = normalise(a);
      return n.ok ? n.value : a;
    });
    out[field] = values.length ? [...new Set(values)] : null;
  }
  for (const field of ['externalId', 'assetTag']) {
    if (typeof out[field] === 'string') out[field] = (out[field] as string).trim();
  }
  return out as T;
}

// ---------------------------------------------------------------------------------------------
// Stage 2: resolution and merge
// ---------------------------------------------------------------------------------------------

/** Fields a new device needs. */
const REQUIRED_TO_CREATE = ['name', 'category', 'riskClass', 'zoneIds'] as const;
/** Defaults of a new device's flags (as DeviceInput in schema/model.graphql). */
const FLAG_DEFAULTS = {
  generalPurposeOs: false,
  patchable: true,
  handlesPersonalData: false,
  storesData: false,
  remoteService: false,
} as const;
/** Fields that null clears. */
const CLEARABLE = new Set([
  'manufacturer',
  'modelName',
  'software',
  'softwareVersion',
  'ipAddresses',
  'macAddresses',
  'assetTag',
  'hostDeviceId',
  'outboundZoneIds',
  'outboundAccepts',
  'emergencyOperation',
]);
/** Fields an item may set, in Device order. */
const FIELDS = [
  'name',
  'category',
  'manufacturer',
  'modelName',
  'riskClass',
  'software',
  'softwareVersion',
  'generalPurposeOs',
  'patchable',
  'handlesPersonalData',
  'storesData',
  'remoteService',
  'zoneIds',
  'ipAddresses',
  'macAddresses',
  'assetTag',
  'hostDeviceId',
  'outboundZoneIds',
  'outboundAccepts',
  'emergencyOperation',
] as const;

/** Random bytes drawn in blocks: one crypto call per 1024 ids instead of one per id. */
let pool = Buffer.alloc(0);
let poolAt = 0;
function random3(): string {
  if (poolAt + 3 > pool.length) {
    pool = randomBytes(3 * 1024);
    poolAt = 0;
  }
  poolAt += 3;
  return pool.toString('hex', poolAt - 3, poolAt);
}

/** A device id like createElement's: "dev-<slug of name>-<6 hex>", not in `taken`. */
function newDeviceId(name: string | undefined, taken: (id: string) => boolean): string {
  const slug = nameSlug(name);
  for (;;) {
    const id = `dev-${slug ? `${slug}-` : ''}${random3()}`;
    if (!taken(id)) return id;
  }
}

/** The item applied to `existing` (or to a new device): the device, or the problems. */
function merge(
  item: DeviceUpsertItem,
  existing: Device | undefined,
  id: string,
): { device: Device } | { errors: DeviceUpsertError[] } {
  const errors: DeviceUpsertError[] = [];
  const out: Record<string, unknown> = existing
    ? { ...existing }
    : { id, ...FLAG_DEFAULTS, externalId: item.externalId };
  for (const field of FIELDS) {
    const value = item.fields[field];
    if (value === undefined) continue;
    if (value === null) {
      if (CLEARABLE.has(field)) delete out[field];
      else if (existing) {
        errors.push({
          index: item.index,
          externalId: item.externalId,
          code: 'BAD_USER_INPUT',
          field: `devices[${item.index}].${field}`,
          message: `${field} cannot be cleared (a device always has one); leave it out to keep '${String(existing[field])}'`,
        });
      }
      continue;
    }
    out[field] = value;
  }
  out['externalId'] = item.externalId;
  if (!existing) {
    for (const field of REQUIRED_TO_CREATE) {
      if (out[field] === undefined) {
        errors.push({
          index: item.index,
          externalId: item.externalId,
          code: 'MISSING_FIELD',
          field: `devices[${item.index}].${field}`,
          message: `no device has externalId '${item.externalId}' yet; creating one needs ${field}`,
        });
      }
    }
  }
  return errors.length ? { errors } : { device: canonicalDevice(out as unknown as Device) };
}

/** A device an upsert writes: the item, the device, where it sits in the candidate list. */
export interface ChangedDevice {
  item: DeviceUpsertItem;
  device: Device;
  /** Index in the candidate document's devices list. */
  position: number;
  /** The stored device it replaces (undefined: created). */
  before?: Device;
}

// ---------------------------------------------------------------------------------------------
// Stage 3: meaning (validateModelDocument)
// ---------------------------------------------------------------------------------------------

/** How stage 3 validates: the whole candidate document, or only what the devices touch. */
export type UpsertValidation = 'incremental' | 'full';

/** The problems of stage 3, each attributed to the item whose device caused it. */
function attribute(
  issues: readonly FieldIssue[],
  lists: {
    devices: readonly Device[];
    interfaces: readonly Interface[];
    controlPlacements: readonly ControlPlacement[];
  },
  changedAt: ReadonlyMap<number, ChangedDevice>,
  changedById: ReadonlyMap<string, ChangedDevice>,
): DeviceUpsertError[] {
  const ownerOf = (elementId: string): ChangedDevice | undefined => {
    const direct = changedById.get(elementId);
    if (direct) return direct;
    const iface = lists.interfaces.find((i) => i.id === elementId);
    return iface ? changedById.get(iface.deviceId) : undefined;
  };
  const errors: DeviceUpsertError[] = [];
  const unattributed: FieldIssue[] = [];
  for (const issue of issues) {
    const m = /^(devices|interfaces|controlPlacements)\[(\d+)\](.*)$/.exec(issue.path);
    let change: ChangedDevice | undefined;
    let field = '';
    let message = issue.message;
    if (m?.[1] === 'devices') {
      change = changedAt.get(Number(m[2]));
      field = m[3]!;
      // A host chain that loops is reported on every device of the chain. The stored model had
      // no loop, so a loop now runs through a device of this call, which gets the same problem:
      // the copies on devices left as they were (or given only as context) add nothing.
      if (!change && field === '.hostDeviceId') continue;
    } else if (m?.[1] === 'interfaces') {
      const iface = lists.interfaces[Number(m[2])];
      change = iface ? changedById.get(iface.deviceId) : undefined;
      message = `interface '${iface?.id}': ${issue.message}`;
    } else if (m?.[1] === 'controlPlacements') {
      const p = lists.controlPlacements[Number(m[2])];
      change = p ? ownerOf(p.elementId) : undefined;
      message = `control placement '${p?.id}' (${p?.controlId} on '${p?.elementId}'): ${issue.message}`;
    }
    if (!change) {
      unattributed.push(issue);
      continue;
    }
    errors.push({
      index: change.item.index,
      externalId: change.item.externalId,
      code: 'BAD_USER_INPUT',
      field: `devices[${change.item.index}]${field}`,
      message,
    });
  }
  if (unattributed.length) {
    // The stored model was valid, and a device upsert only touches what is attributed above.
    throw new ConflictError(
      `the model has problems not caused by this call (${unattributed[0]!.path}: ${unattributed[0]!.message}); reload and retry`,
      'modelId',
    );
  }
  return errors;
}

/**
 * Stage 3: the problems the changed devices cause, by item.
 *
 * `full` validates the whole candidate document with validateModelDocument. `incremental`
 * validates, with the same function, the sub-document of what a device change can affect: every
 * zone, the changed devices, their interfaces, the control placements on the devices or those
 * interfaces, and the chains of hosts of changed hosted devices (hostDeviceId: the host must
 * exist, and the chain must not loop). That is exact when the rest of the document is valid (it is: every stored model
 * passed validation, and ids and externalIds are resolved before): of the rules of
 * validateModelDocument, the ones that read a device are its own shape and zone references, the
 * unique id and externalId, its host chain, and the device conditions of controls placed on it or
 * on its interfaces; channels, assets and vulnerabilities only check that the device exists, which a
 * replace (same id) or a create cannot break. Unique ids and externalIds across the whole model
 * are checked here against the candidate's full lists. test/unit/inventory.test.ts checks that
 * both modes report the same problems on random changes.
 *
 * @param candidate the document with the changed devices in place (at `position`)
 * @throws ConflictError when a problem cannot be attributed to an item (the model was invalid)
 */
export function deviceChangeIssues(
  candidate: ModelDocument,
  changed: readonly ChangedDevice[],
  catalogue: Catalogue,
  mode: UpsertValidation = 'incremental',
): DeviceUpsertError[] {
  if (changed.length === 0) return [];
  const byId = new Map(changed.map((c) => [c.device.id, c]));
  let issues: FieldIssue[] = [];
  let lists: Parameters<typeof attribute>[1];
  let at: Map<number, ChangedDevice>;
  if (mode === 'full') {
    lists = candidate;
    at = new Map(changed.map((c) => [c.position, c]));
    try {
      validateModelDocument(candidate, catalogue, { misfitAllowed: () => true });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues = e.issues;
    }
  } else {
    const interfaces = candidate.interfaces.filter((i) => byId.has(i.deviceId));
    const onThem = new Set([...byId.keys(), ...interfaces.map((i) => i.id)]);
    const sub: ModelDocument = {
      formatVersion: candidate.formatVersion,
      model: candidate.model,
      zones: candidate.zones,
      devices: [...changed.map((c) => c.device), ...hostContext(candidate, changed, byId)],
      interfaces,
      channels: [],
      assets: [],
      vulnerabilities: [],
      controlPlacements: candidate.controlPlacements.filter((p) => onThem.has(p.elementId)),
    };
    lists = sub;
    at = new Map(changed.map((c, j) => [j, c]));
    try {
      validateModelDocument(sub, catalogue, { misfitAllowed: () => true });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues = e.issues;
    }
    // What the sub-document cannot see: ids and externalIds of the rest of the model.
    issues.push(...uniquenessIssues(candidate, changed));
  }
  return attribute(issues, lists, at, byId);
}

/**
 * The devices the host rules of the changed devices read: for each changed device with a
 * hostDeviceId, its chain of hosts in `candidate` (stopping at a changed device, a missing one or
 * a repeat), without their externalId (their uniqueness is checked against the whole model by
 * {@link uniquenessIssues}). Empty when no changed device is hosted.
 */
function hostContext(
  candidate: ModelDocument,
  changed: readonly ChangedDevice[],
  changedById: ReadonlyMap<string, ChangedDevice>,
): Device[] {
  if (!changed.some((c) => c.device.hostDeviceId !== undefined)) return [];
  const deviceById = new Map(candidate.devices.map((d) => [d.id, d]));
  const context = new Map<string, Device>();
  for (const c of changed) {
    let hostId = c.device.hostDeviceId;
    while (hostId !== undefined && !changedById.has(hostId) && !context.has(hostId)) {
      const host = deviceById.get(hostId);
      if (!host) break;
      const { externalId: _externalId, ...rest } = host;
      context.set(hostId, rest);
      hostId = host.hostDeviceId;
    }
  }
  return [...context.values()];
}

/** Ids and externalIds of changed devices that another element of `candidate` also has (sub-document paths). */
function uniquenessIssues(candidate: ModelDocument, changed: readonly ChangedDevice[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const mine = new Set(changed.map((c) => c.position));
  const externalIds = new Map<string, string>();
  candidate.devices.forEach((d, i) => {
    if (!mine.has(i) && d.externalId !== undefined) externalIds.set(d.externalId, d.id);
  });
  const ids = new Set<string>();
  for (const kind of ['zones', 'interfaces', 'channels', 'assets', 'vulnerabilities', 'controlPlacements'] as const) {
    for (const e of candidate[kind]) ids.add(e.id);
  }
  candidate.devices.forEach((d, i) => !mine.has(i) && ids.add(d.id));
  changed.forEach((c, j) => {
    if (ids.has(c.device.id)) {
      issues.push({ path: `devices[${j}].id`, message: `duplicate id '${c.device.id}': another element uses it` });
    }
    const other = c.device.externalId === undefined ? undefined : externalIds.get(c.device.externalId);
    if (other !== undefined) {
      issues.push({
        path: `devices[${j}].externalId`,
        message: `duplicate externalId '${c.device.externalId}': device '${other}' already has it`,
      });
    }
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// One pass: resolve, merge, validate, apply
// ---------------------------------------------------------------------------------------------

/** The outcome of applying items to a document. */
export interface DeviceUpsertOutcome {
  /** The document with the valid items applied: devices sorted by id, other lists shared with the input. */
  document: ModelDocument;
  created: Device[];
  /** Replaced devices, after the change. */
  updated: Device[];
  /** Items identical to the stored device. */
  unchanged: DeviceUpsertItem[];
  /** Items to write (created or updated), in item order. */
  written: DeviceUpsertItem[];
  errors: DeviceUpsertError[];
  /** The devices written, with their items (for validation and audit). */
  changed: ChangedDevice[];
}

/**
 * Applies parsed items to `doc` without modifying it: stages 2 and 3, then the valid items.
 *
 * Resolution of an item: the device with its externalId if there is one (its id is kept; an item
 * `id` that differs is a CONFLICT); otherwise, if the item names the id of a device that has no
 * externalId yet, that device (it is adopted: the first CMDB sync of a model drawn by hand);
 * otherwise a new device (id as given, or generated like createElement's), which must not take
 * the id of any other element. Fields given replace the stored ones; an item whose result
 * equals the stored device (canonical form) is unchanged.
 *
 * @param doc a valid model document (a snapshot), not modified
 */
export function applyDeviceUpsert(
  doc: ModelDocument,
  items: readonly DeviceUpsertItem[],
  catalogue: Catalogue,
  mode: UpsertValidation = 'incremental',
): DeviceUpsertOutcome {
  const position = new Map<string, number>();
  const byExternalId = new Map<string, number>();
  doc.devices.forEach((d, i) => {
    position.set(d.id, i);
    if (d.externalId !== undefined) byExternalId.set(d.externalId, i);
  });
  let others: Set<string> | undefined; // ids of non-device elements, built when first needed
  const takenByOther = (id: string) => {
    others ??= new Set(
      (['zones', 'interfaces', 'channels', 'assets', 'vulnerabilities', 'controlPlacements'] as const).flatMap((k) =>
        doc[k].map((e) => e.id),
      ),
    );
    return others.has(id);
  };
  const candidate = doc.devices.slice(); // the devices as the items so far leave them
  const newIds = new Set<string>();
  const errors: DeviceUpsertError[] = [];
  const unchanged: DeviceUpsertItem[] = [];
  const changed: ChangedDevice[] = [];
  const conflict = (item: DeviceUpsertItem, message: string) =>
    errors.push({
      index: item.index,
      externalId: item.externalId,
      code: 'CONFLICT',
      field: `devices[${item.index}].id`,
      message,
    });

  for (const item of items) {
    const givenId = item.fields.id ?? undefined;
    let at = byExternalId.get(item.externalId);
    if (at === undefined && givenId !== undefined) {
      const same = position.get(givenId);
      if (same !== undefined) {
        const holder = candidate[same]!; // after an earlier adoption in this call, it has that item's externalId
        if (holder.externalId !== undefined) {
          conflict(
            item,
            `id '${givenId}' belongs to the device with externalId '${holder.externalId}'; leave id out to create a device, or send that device's externalId`,
          );
          continue;
        }
        at = same; // adopt a device that has no externalId yet
      }
    }
    const existing = at === undefined ? undefined : candidate[at]!;
    if (existing && givenId !== undefined && givenId !== existing.id) {
      conflict(
        item,
        `externalId '${item.externalId}' belongs to device '${existing.id}'; the id of a device cannot change (leave id out or send '${existing.id}')`,
      );
      continue;
    }
    if (!existing && givenId !== undefined && (takenByOther(givenId) || newIds.has(givenId))) {
      conflict(item, `id '${givenId}' is already used by another element; ids are unique across the model`);
      continue;
    }
    const id =
      existing?.id ??
      givenId ??
      newDeviceId(item.fields.name ?? undefined, (x) => position.has(x) || newIds.has(x) || takenByOther(x));
    const merged = merge(item, existing, id);
    if ('errors' in merged) {
      errors.push(...merged.errors);
      continue;
    }
    if (existing && JSON.stringify(canonicalDevice(existing)) === JSON.stringify(merged.device)) {
      unchanged.push(item);
      continue;
    }
    if (existing) {
      candidate[at!] = merged.device;
      changed.push({ item, device: merged.device, position: at!, before: existing });
    } else {
      newIds.add(merged.device.id);
      candidate.push(merged.device);
      changed.push({ item, device: merged.device, position: candidate.length - 1 });
    }
  }

  // Stage 3, until what is left passes: shape problems (schema) are reported alone, so a round
  // with some hides the domain problems of the other items; leaving out an item cannot create a
  // problem for another (ids and externalIds are already unique among the items).
  // A host chain that loops is the fault of the items that gave a device a new host on the loop:
  // a device whose chain only runs into the loop, or that is on it with the host it had, waits
  // for the next round, without the items at fault.
  let kept = changed;
  for (;;) {
    const candidate = candidateOf(doc, kept);
    const problems = deviceChangeIssues(candidate, kept, catalogue, mode);
    if (problems.length === 0) break;
    const notAtFault = loopsClosedByOthers(candidate, kept);
    const own = problems.filter((p) => !(notAtFault.has(p.index) && p.field === `devices[${p.index}].hostDeviceId`));
    const reported = own.length ? own : problems;
    errors.push(...reported);
    const failed = new Set(reported.map((p) => p.index));
    kept = kept.filter((c) => !failed.has(c.item.index));
  }
  // The written document: stored devices, valid replacements, valid creations, sorted by id
  // (the order ModelRepository.load returns).
  const devices = doc.devices.slice();
  for (const c of kept) if (c.before) devices[c.position] = c.device;
  devices.push(...kept.filter((c) => !c.before).map((c) => c.device));
  devices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  errors.sort((a, b) => a.index - b.index || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return {
    document: { ...doc, devices },
    created: kept.filter((c) => !c.before).map((c) => c.device),
    updated: kept.filter((c) => c.before).map((c) => c.device),
    unchanged,
    written: kept.map((c) => c.item),
    errors,
    changed: kept,
  };
}

/**
 * The items whose device's chain of hosts in `candidate` loops without being their doing: the
 * chain runs into a loop the device is not on (app → phone → tablet → phone), or the device is on
 * the loop with the host it already had (another item gave a device of the loop its new host; the
 * stored model had no loop, so some item on it did).
 */
function loopsClosedByOthers(candidate: ModelDocument, changed: readonly ChangedDevice[]): Set<number> {
  const out = new Set<number>();
  if (!changed.some((c) => c.device.hostDeviceId !== undefined)) return out;
  const byId = new Map(candidate.devices.map((d) => [d.id, d]));
  for (const c of changed) {
    const sameHost = c.before !== undefined && c.before.hostDeviceId === c.device.hostDeviceId;
    const seen = new Set([c.device.id]);
    let hostId = c.device.hostDeviceId;
    while (hostId !== undefined) {
      if (hostId === c.device.id) {
        if (sameHost) out.add(c.item.index); // on the loop, host unchanged
        break;
      }
      if (seen.has(hostId)) {
        out.add(c.item.index); // runs into a loop it is not on
        break;
      }
      seen.add(hostId);
      hostId = byId.get(hostId)?.hostDeviceId;
    }
  }
  return out;
}

/**
 * Stage 3 again on what an outcome of {@link applyDeviceUpsert} writes onto `doc` (the document
 * it was computed from): [] when all is well. The write path's gate before a batch is written.
 */
export function recheckDeviceUpsert(
  doc: ModelDocument,
  outcome: DeviceUpsertOutcome,
  catalogue: Catalogue,
  mode: UpsertValidation = 'incremental',
): DeviceUpsertError[] {
  return deviceChangeIssues(candidateOf(doc, outcome.changed), outcome.changed, catalogue, mode);
}

/**
 * `doc` with `changed` in place: replacements at their position, creations appended in order.
 * Sets each creation's `position` in the result.
 */
function candidateOf(doc: ModelDocument, changed: readonly ChangedDevice[]): ModelDocument {
  const devices = doc.devices.slice();
  for (const c of changed) {
    if (c.before) devices[c.position] = c.device;
    else {
      c.position = devices.length;
      devices.push(c.device);
    }
  }
  return { ...doc, devices };
}

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

/** The identifier to look devices up by: exactly one field set. */
export interface DeviceIdentifierQuery {
  externalId?: string | null;
  ipAddress?: string | null;
  macAddress?: string | null;
  assetTag?: string | null;
}

interface IdentifierIndex {
  externalId: Map<string, Device[]>;
  ipAddress: Map<string, Device[]>;
  macAddress: Map<string, Device[]>;
  assetTag: Map<string, Device[]>;
}

/** Per snapshot document (immutable, cached per model version): built once, on first lookup. */
const indexes = new WeakMap<ModelDocument, IdentifierIndex>();

function indexOf(doc: ModelDocument): IdentifierIndex {
  let index = indexes.get(doc);
  if (!index) {
    index = { externalId: new Map(), ipAddress: new Map(), macAddress: new Map(), assetTag: new Map() };
    const add = (map: Map<string, Device[]>, key: string | undefined, d: Device) => {
      if (key === undefined) return;
      const list = map.get(key);
      if (list) {
        if (list[list.length - 1] !== d) list.push(d);
      } else map.set(key, [d]);
    };
    for (const d of doc.devices) {
      add(index.externalId, d.externalId, d);
      add(index.assetTag, d.assetTag, d);
      d.ipAddresses?.forEach((a) => add(index!.ipAddress, a, d));
      d.macAddresses?.forEach((a) => add(index!.macAddress, a, d));
    }
    indexes.set(doc, index);
  }
  return index;
}

/**
 * The devices of `doc` with the given identifier, in device-id order.
 *
 * - externalId, assetTag: exact match after trimming spaces (assetTag is not unique: every
 *   device with it is returned);
 * - ipAddress, macAddress: normalised first (domain/identifiers.ts), so "00-1A-2B-3C-4D-5E" finds
 *   a device with "00:1a:2b:3c:4d:5e" and "2001:DB8::0:1" one with "2001:db8::1"; a device
 *   matches when any of its addresses is that address.
 *
 * @returns [] when no device matches
 * @throws ValidationError (BAD_USER_INPUT) unless exactly one identifier is given, or when the
 *   IP or MAC address is not one (field: the argument's name)
 */
export function findDevicesByIdentifier(doc: ModelDocument, query: DeviceIdentifierQuery): Device[] {
  const given = (['externalId', 'ipAddress', 'macAddress', 'assetTag'] as const).filter(
    (k) => query[k] !== undefined && query[k] !== null,
  );
  if (given.length !== 1) {
    throw new ValidationError(
      `give exactly one of externalId, ipAddress, macAddress, assetTag${given.length ? ` (got ${given.join(', ')})` : ''}`,
      given[1] ?? 'externalId',
    );
  }
  const kind = given[0]!;
  let key = query[kind]!.trim();
  if (kind === 'ipAddress' || kind === 'macAddress') {
    const n = kind === 'ipAddress' ? normaliseIpAddress(key) : normaliseMacAddress(key);
    if (!n.ok) throw new ValidationError(`'${query[kind]}' ${n.message}`, kind);
    key = n.value;
  }
  const found = [...(indexOf(doc)[kind].get(key) ?? [])];
  if (kind !== 'ipAddress') return found;
  // 10.0.0.1 and ::ffff:10.0.0.1 name the same IPv4 host: match either spelling
  const v4 = /^\d{1,3}(\.\d{1,3}){3}$/;
  const other =
    key.startsWith('::ffff:') && v4.test(key.slice(7)) ? key.slice(7) : v4.test(key) ? `::ffff:${key}` : null;
  const more = other ? (indexOf(doc)[kind].get(other) ?? []) : [];
  return [...found, ...more.filter((d) => !found.includes(d))];
}
