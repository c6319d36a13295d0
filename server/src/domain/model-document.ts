/**
 * The model exchange document (`ModelDocument`, format "2.3"; older versions are migrated on read by
 * domain/model-migration.ts): validation on import, CVSS base
 * scores of its vulnerabilities, and the canonical form used for deterministic export.
 *
 * Validation runs in two stages:
 * 1. shape: the published JSON Schema seeds/model.schema.json (draft 2020-12, closed, no defaults),
 *    checked with Ajv in allErrors mode;
 * 2. meaning: one id namespace, references that resolve, and the domain rules of the catalogue and
 *    of TR 67 (control applicability, intrinsic mechanism vs technology, ...).
 * Every problem found is reported, each with the path of the field at fault
 * (e.g. "devices[3].zoneIds[0]"), in one {@link ValidationError}.
 */
import { elementFacts, placementMisfit } from './applicability';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Cvss3P0, Cvss3P1 } from 'ae-cvss-calculator';
import { CVSS_VECTOR_HINT, CVSS_VECTOR_PATTERN, cvss4BaseScore, cvssVectorProblem } from './cvss';
import { StoredDataError, ValidationError, type FieldIssue } from './errors';
import { BIDI_MESSAGE, hasBidiControl } from './text';
import { normaliseIpAddress, normaliseMacAddress, sortIpAddresses } from './identifiers';
import { channelIdentityKey, migrateModelDocument } from './model-migration';
import {
  CHANNEL_PAYLOADS,
  EXTRINSIC_MECHANISMS,
  INTERFACE_FUNCTIONS,
  EXTRINSIC_MECHANISM_CONTROL,
  INTERFACE_KINDS,
  INTRINSIC_MECHANISM_TECHNOLOGY,
  type Asset,
  type Catalogue,
  type Channel,
  type ChannelTechnology,
  type Control,
  type ControlPlacement,
  type Device,
  type DeviceComponent,
  type ElementType,
  type EvidenceSource,
  type Interface,
  type IntrinsicMechanism,
  type ModelDocument,
  type ThreatModelInfo,
  type Vulnerability,
  type Zone,
} from './types';

// ---------------------------------------------------------------------------------------------
// Schema (stage 1)
// ---------------------------------------------------------------------------------------------

/** seeds/model.schema.json: three levels up from server/src/domain and from server/dist/domain. */
const SCHEMA_PATH = resolve(__dirname, '../../../seeds/model.schema.json');

const ID_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
const CVE_PATTERN = '^CVE-[0-9]{4}-[0-9]{4,}$';
const MAC_PATTERN = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';
const FACT_PATTERN = '^[A-Za-z][A-Za-z0-9]{0,63}(:[A-Za-z0-9_.:-]{1,64})?$';

/** What to write instead, per schema pattern (Ajv would only repeat the regex). */
const PATTERN_HINTS: Record<string, string> = {
  [ID_PATTERN]: 'must be an id of 1 to 64 characters from letters, digits and _ . : -',
  [CVE_PATTERN]: 'must be a CVE id such as "CVE-2019-6538"',
  [CVSS_VECTOR_PATTERN]: CVSS_VECTOR_HINT,
  [FACT_PATTERN]:
    'must name a device flag (e.g. "generalPurposeOs") or an interface as "interface:" and its id (e.g. "interface:if-pump-1-usb")',
  [MAC_PATTERN]:
    'must be a MAC address in canonical form: six lower-case hexadecimal bytes separated by colons, e.g. "00:1a:2b:3c:4d:5e"',
};

const DEVICE_WITHOUT_ZONE = 'a device needs at least one zone; list the network segment(s) it sits in';

let compiled: ValidateFunction | undefined;
let parsedSchema: { $defs: Record<string, { properties?: Record<string, unknown> }> } | undefined;

function exchangeSchema(): NonNullable<typeof parsedSchema> {
  return (parsedSchema ??= JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as NonNullable<typeof parsedSchema>);
}

function schemaValidator(): ValidateFunction {
  if (!compiled) compiled = new Ajv2020({ allErrors: true, strict: true }).compile(exchangeSchema());
  return compiled;
}

/** The element kinds of the exchange schema ($defs names) whose fields {@link elementFields} lists. */
export type ElementDefinition =
  'Zone' | 'Device' | 'Interface' | 'Channel' | 'Asset' | 'Vulnerability' | 'ControlPlacement';

/**
 * The fields an element of this kind may have, in the published schema's order
 * (seeds/model.schema.json `$defs`; the schema is closed, so no other field is valid).
 * Throws Error if the schema has no such definition (a programming error, not bad input).
 */
export function elementFields(definition: ElementDefinition): readonly string[] {
  const properties = exchangeSchema().$defs[definition]?.properties;
  if (!properties) throw new Error(`the exchange schema has no element definition '${definition}'`);
  return Object.keys(properties);
}

/** JSON pointer "/devices/3/zoneIds/0" → "devices[3].zoneIds[0]". */
function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(token) ? `[${token}]` : path ? `.${token}` : token;
  }
  return path;
}

function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** The value at a JSON pointer "/vulnerabilities/3/cvssVector" inside `root` (undefined if absent). */
function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/**
 * One schema error as a field issue. With `root` (the document validated), a CVSS vector that
 * fails the pattern gets the precise problem (e.g. which v4.0 metric is missing); without it,
 * only the general hint (stored data: the value is not echoed).
 */
function schemaIssue(error: ErrorObject, root?: unknown): FieldIssue {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        path: joinPath(path, String(params.missingProperty)),
        message: `required field '${String(params.missingProperty)}' is missing; add it`,
      };
    case 'additionalProperties':
      return {
        path: joinPath(path, String(params.additionalProperty)),
        message: `unknown field '${String(params.additionalProperty)}'; remove it or fix its spelling (the format is closed)`,
      };
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern': {
      if (params.pattern === CVSS_VECTOR_PATTERN && root !== undefined) {
        const value = valueAt(root, error.instancePath);
        const problem = typeof value === 'string' ? cvssVectorProblem(value) : undefined;
        if (problem !== undefined) return { path, message: problem };
      }
      return { path, message: PATTERN_HINTS[String(params.pattern)] ?? `must match ${String(params.pattern)}` };
    }
    case 'type':
      return { path, message: `must be of type ${String(params.type)}` };
    case 'minLength':
      return {
        path,
        message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return { path, message: `must have at most ${String(params.limit)} characters; shorten it` };
    case 'minItems':
      return {
        path,
        message: /^devices\[\d+\]\.zoneIds$/.test(path)
          ? DEVICE_WITHOUT_ZONE
          : `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      };
    case 'uniqueItems':
      return {
        path,
        message: `lists the same value twice (items ${String(params.j)} and ${String(params.i)}); remove the repeat`,
      };
    default:
      return { path, message: error.message ?? `fails schema rule '${error.keyword}'` };
  }
}

// ---------------------------------------------------------------------------------------------
// CVSS
// ---------------------------------------------------------------------------------------------

/**
 * CVSS base score of a base vector.
 *
 * @param vector A CVSS v3.0 or v3.1 base vector with exactly the eight base metrics in the
 *   standard order, e.g. "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", or a CVSS v4.0 base
 *   vector with its eleven base metrics in order, e.g.
 *   "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" (the forms the exchange
 *   schema accepts; temporal, threat, environmental and supplemental metrics are rejected).
 * @returns The base score, 0.0 to 10.0 with one decimal, computed by ae-cvss-calculator with the
 *   formula of the vector's own version (FIRST CVSS v3.1 specification §7.1 for "CVSS:3.1",
 *   v3.0 §8.1 for "CVSS:3.0"; they differ only in the Roundup function; CVSS v4.0 §8, the
 *   macro-vector score, for "CVSS:4.0"), so that a published vector gives its published score.
 *   Examples: the v3.1 vector above gives 9.8, the v4.0 one 9.3.
 * @throws ValidationError (path "cvssVector") when the vector is not such a base vector; for a
 *   v4.0 vector the message names the metric at fault (domain/cvss.ts).
 */
export function cvssBaseScore(vector: string): number {
  const problem = cvssVectorProblem(vector);
  if (problem !== undefined) throw new ValidationError(`'${vector}' ${problem}`, 'cvssVector');
  if (vector.startsWith('CVSS:4.0/')) return cvss4BaseScore(vector);
  const cvss = vector.startsWith('CVSS:3.0/') ? new Cvss3P0(vector) : new Cvss3P1(vector);
  const base = cvss.isBaseFullyDefined() ? cvss.calculateScores().base : undefined;
  if (base === undefined || !Number.isFinite(base)) {
    throw new ValidationError(
      `'${vector}' could not be scored as a CVSS v3 base vector; check its metrics`,
      'cvssVector',
    );
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
// Domain checks (stage 2)
// ---------------------------------------------------------------------------------------------

type ElementKind = 'zone' | 'device' | 'interface' | 'channel' | 'asset' | 'vulnerability' | 'controlPlacement';

interface IndexedElement {
  kind: ElementKind;
  path: string;
  element: Zone | Device | Interface | Channel | Asset | Vulnerability | ControlPlacement;
}

const KIND_ARTICLE: Record<ElementKind, string> = {
  zone: 'a zone',
  device: 'a device',
  interface: 'an interface',
  channel: 'a channel',
  asset: 'an asset',
  vulnerability: 'a vulnerability',
  controlPlacement: 'a control placement',
};

/** Element kinds a control can be placed on, and their catalogue element type. */
const PLACEABLE: Partial<Record<ElementKind, ElementType>> = {
  zone: 'ZONE',
  device: 'DEVICE',
  interface: 'INTERFACE',
  channel: 'CHANNEL',
};

/** "a" or "an" before an enum value as it is read aloud ("an ETHERNET channel", "an SSH interface", "a USB port"). */
function article(word: string): string {
  return /^[AEIO]/.test(word) || /^(HL7|SSH|SMB|RDP)$/.test(word) ? 'an' : 'a';
}

/** Mechanisms of each technology, for messages ("a WIFI channel takes NONE or one of ..."). */
function mechanismsOf(technology: ChannelTechnology): string[] {
  return Object.entries(INTRINSIC_MECHANISM_TECHNOLOGY)
    .filter(([, tech]) => tech === technology)
    .map(([mechanism]) => mechanism);
}

function checkDomain(
  doc: ModelDocument,
  catalogue: Catalogue,
  misfitAllowed: (placement: ControlPlacement) => boolean,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  // One id namespace for every element kind, so that a placement's or vulnerability's elementId
  // is unambiguous. The first definition wins; later ones are reported.
  const byId = new Map<string, IndexedElement>();
  const lists: [ElementKind, string, { id: string }[]][] = [
    ['zone', 'zones', doc.zones],
    ['device', 'devices', doc.devices],
    ['interface', 'interfaces', doc.interfaces],
    ['channel', 'channels', doc.channels],
    ['asset', 'assets', doc.assets],
    ['vulnerability', 'vulnerabilities', doc.vulnerabilities],
    ['controlPlacement', 'controlPlacements', doc.controlPlacements],
  ];
  // Names (every field of the schema's `name` type) must not reorder what a label shows.
  const checkNames = (path: string, element: object) => {
    for (const field of NAME_FIELDS) {
      const v = (element as Record<string, unknown>)[field];
      if (typeof v === 'string' && hasBidiControl(v)) add(joinPath(path, field), BIDI_MESSAGE);
    }
  };
  checkNames('model', doc.model);
  for (const [kind, listName, list] of lists) {
    list.forEach((element, i) => {
      const path = `${listName}[${i}]`;
      checkNames(path, element);
      if (kind === 'device')
        (element as Device).components?.forEach((c, j) => checkNames(`${path}.components[${j}]`, c));
      const previous = byId.get(element.id);
      if (previous) {
        add(
          `${path}.id`,
          `duplicate id '${element.id}': ${previous.path} already uses it; ids are unique across all elements (zones, devices, interfaces, channels, assets, vulnerabilities, placements), so rename one`,
        );
      } else {
        byId.set(element.id, { kind, path, element: element as IndexedElement['element'] });
      }
    });
  }

  /** Checks that `id` names an element of `kind`; returns it or undefined (issue recorded). */
  function resolveRef<T extends IndexedElement['element']>(
    path: string,
    id: string,
    kind: ElementKind,
    listName: string,
  ): T | undefined {
    const found = byId.get(id);
    if (!found) {
      add(path, `unknown ${kind} '${id}'; define it under ${listName} or fix the reference`);
      return undefined;
    }
    if (found.kind !== kind) {
      add(
        path,
        `'${id}' is ${KIND_ARTICLE[found.kind]} (${found.path}), not ${KIND_ARTICLE[kind]}; reference a ${kind} from ${listName}`,
      );
      return undefined;
    }
    return found.element as T;
  }
  const zoneRefs = (path: string, ids: string[]) =>
    ids.forEach((id, j) => resolveRef<Zone>(`${path}[${j}]`, id, 'zone', 'zones'));

  // externalId is the caller's key for a device (upsertDevices): one device per externalId.
  const externalIds = new Map<string, string>();
  doc.devices.forEach((device, i) => {
    const path = `devices[${i}]`;
    if (device.zoneIds.length === 0) {
      add(`${path}.zoneIds`, DEVICE_WITHOUT_ZONE);
    }
    zoneRefs(`${path}.zoneIds`, device.zoneIds);
    if (device.externalId !== undefined) {
      const first = externalIds.get(device.externalId);
      if (first !== undefined) {
        add(
          `${path}.externalId`,
          `duplicate externalId '${device.externalId}': ${first} already has it; an externalId names one device of the model`,
        );
      } else {
        externalIds.set(device.externalId, path);
      }
    }
    // Stored addresses are canonical, so that lookups and comparisons are plain string equality.
    device.ipAddresses?.forEach((address, j) => {
      const n = normaliseIpAddress(address);
      if (!n.ok) add(`${path}.ipAddresses[${j}]`, `'${address}' ${n.message}`);
      else if (n.value !== address)
        add(`${path}.ipAddresses[${j}]`, `write '${address}' in canonical form '${n.value}'`);
    });
    device.macAddresses?.forEach((address, j) => {
      const n = normaliseMacAddress(address);
      if (!n.ok) add(`${path}.macAddresses[${j}]`, `'${address}' ${n.message}`);
    });
  });

  doc.interfaces.forEach((iface, i) => {
    const path = `interfaces[${i}]`;
    resolveRef<Device>(`${path}.deviceId`, iface.deviceId, 'device', 'devices');
    zoneRefs(`${path}.exposedToZoneIds`, iface.exposedToZoneIds);
  });

  doc.zones.forEach((zone, i) => {
    zone.linkedZoneIds?.forEach((id, j) => {
      const path = `zones[${i}].linkedZoneIds[${j}]`;
      if (id === zone.id) add(path, `zone '${zone.id}' cannot be linked to itself; remove the entry`);
      else resolveRef<Zone>(path, id, 'zone', 'zones');
    });
  });
  doc.devices.forEach((device, i) =>
    device.outboundZoneIds?.forEach((id, j) =>
      resolveRef<Zone>(`devices[${i}].outboundZoneIds[${j}]`, id, 'zone', 'zones'),
    ),
  );
  doc.devices.forEach((device, i) => {
    if (device.hostDeviceId === undefined) return;
    const path = `devices[${i}].hostDeviceId`;
    if (device.hostDeviceId === device.id) return add(path, `device '${device.id}' cannot host itself`);
    if (!resolveRef<Device>(path, device.hostDeviceId, 'device', 'devices')) return;
    // A chain of hosts must end: app → phone → (nothing).
    const seen = new Set([device.id]);
    let host = byId.get(device.hostDeviceId)?.element as Device | undefined;
    while (host?.hostDeviceId !== undefined) {
      if (seen.has(host.id)) return add(path, `hosts loop through '${host.id}'; a hosted device's host chain must end`);
      seen.add(host.id);
      host = byId.get(host.hostDeviceId)?.element as Device | undefined;
    }
  });
  // Data flow (2.0): a channel forwards to channels that start at its receiver and carry its data.
  doc.channels.forEach((channel, i) =>
    channel.forwardedTo?.forEach((id, j) => {
      const path = `channels[${i}].forwardedTo[${j}]`;
      const next = resolveRef<Channel>(path, id, 'channel', 'channels');
      if (!next) return;
      if (next.fromDeviceId !== channel.toDeviceId)
        add(
          path,
          `channel '${id}' starts at '${next.fromDeviceId}', not at this channel's receiver '${channel.toDeviceId}'; a relay forwards what it receives`,
        );
      else if (!(['TELEMETRY', 'ALARMS'] as const).some((p) => channel.carries.includes(p) && next.carries.includes(p)))
        add(path, `channel '${id}' carries none of this channel's readings or alarms (TELEMETRY, ALARMS) to pass on`);
    }),
  );
  // Exact duplicate channels (attack model v2): one link, one channel.
  const channelByKey = new Map<string, { id: string; path: string }>();
  doc.channels.forEach((channel, i) => {
    const key = channelIdentityKey(channel);
    const first = channelByKey.get(key);
    if (first)
      add(
        `channels[${i}]`,
        `channel '${channel.id}' is an exact copy of channel '${first.id}' (${first.path}): same ends, interfaces, technology, mechanisms, payload and zones; delete one or make them differ`,
      );
    else channelByKey.set(key, { id: channel.id, path: `channels[${i}]` });
  });

  doc.channels.forEach((channel, i) => {
    const path = `channels[${i}]`;
    const from = resolveRef<Device>(`${path}.fromDeviceId`, channel.fromDeviceId, 'device', 'devices');
    const to = resolveRef<Device>(`${path}.toDeviceId`, channel.toDeviceId, 'device', 'devices');
    if (channel.fromDeviceId === channel.toDeviceId) {
      add(
        `${path}.toDeviceId`,
        `a channel links two different devices, but both ends are '${channel.fromDeviceId}'; fix fromDeviceId or toDeviceId`,
      );
    }
    const endpoints: [string, string | undefined, string, Device | undefined][] = [
      ['fromInterfaceId', channel.fromInterfaceId, 'from', from],
      ['toInterfaceId', channel.toInterfaceId, 'to', to],
    ];
    for (const [field, interfaceId, end, device] of endpoints) {
      if (interfaceId === undefined) continue;
      const iface = resolveRef<Interface>(`${path}.${field}`, interfaceId, 'interface', 'interfaces');
      if (iface && device && iface.deviceId !== device.id) {
        add(
          `${path}.${field}`,
          `interface '${interfaceId}' belongs to device '${iface.deviceId}', not to the channel's ${end}-device '${device.id}'; name an interface of '${device.id}' or leave ${field} out`,
        );
      }
    }
    zoneRefs(`${path}.zoneIds`, channel.zoneIds);
    // TR 67 introduction: intrinsic mechanisms are properties of one link technology.
    const mechanism: IntrinsicMechanism = channel.intrinsicMechanism;
    if (mechanism !== 'NONE' && INTRINSIC_MECHANISM_TECHNOLOGY[mechanism] !== channel.technology) {
      const owner = INTRINSIC_MECHANISM_TECHNOLOGY[mechanism];
      const allowed = ['NONE', ...mechanismsOf(channel.technology)].join(', ');
      add(
        `${path}.intrinsicMechanism`,
        `${mechanism} is ${article(owner)} ${owner} mechanism; ${article(channel.technology)} ${channel.technology} channel takes one of ${allowed}`,
      );
    }
  });

  doc.assets.forEach((asset, i) => {
    resolveRef<Device>(`assets[${i}].deviceId`, asset.deviceId, 'device', 'devices');
  });

  doc.vulnerabilities.forEach((vulnerability, i) => {
    const path = `vulnerabilities[${i}]`;
    const target = byId.get(vulnerability.elementId);
    if (!target) {
      add(
        `${path}.elementId`,
        `unknown element '${vulnerability.elementId}'; a vulnerability affects a device or an interface defined in this model`,
      );
    } else if (target.kind !== 'device' && target.kind !== 'interface') {
      add(
        `${path}.elementId`,
        `'${vulnerability.elementId}' is ${KIND_ARTICLE[target.kind]}; a vulnerability affects a device or an interface`,
      );
    }
    try {
      cvssBaseScore(vulnerability.cvssVector);
    } catch (error) {
      add(`${path}.cvssVector`, error instanceof Error ? error.message : String(error));
    }
  });

  const controls = new Map<string, Control>(catalogue.controls.map((c) => [c.id, c]));
  const controlIds = [...controls.keys()].sort(compareStrings);
  const controlRange = controlIds.length > 0 ? ` (${controlIds[0]!}..${controlIds[controlIds.length - 1]!})` : '';
  const placed = new Map<string, string>();
  const facts = elementFacts(doc);
  // A channel's extrinsic mechanism is a placement of its control (one representation): it must
  // fit the channel as the placement would (TLS needs IP), unless kept as stored.
  doc.channels.forEach((channel, i) => {
    channel.extrinsicMechanisms.forEach((mechanism, j) => {
      const control = controls.get(EXTRINSIC_MECHANISM_CONTROL[mechanism]);
      const element = facts.get(channel.id);
      if (!control || !element) return;
      const misfit = placementMisfit(control, element);
      const asPlacement = {
        id: `${channel.id}#${mechanism}`,
        controlId: control.id,
        elementId: channel.id,
        status: 'IMPLEMENTED' as const,
      };
      if (misfit !== null && !misfitAllowed(asPlacement))
        add(
          `channels[${i}].extrinsicMechanisms[${j}]`,
          `${mechanism} stands for control ${control.id}, and '${channel.id}' cannot carry it: ${misfit}; remove the mechanism or describe the protection with a control that fits`,
        );
    });
  });
  doc.controlPlacements.forEach((placement, i) => {
    const path = `controlPlacements[${i}]`;
    const control = controls.get(placement.controlId);
    if (!control) {
      add(
        `${path}.controlId`,
        `unknown control '${placement.controlId}'; use the id of a control in catalogue ${catalogue.catalogueVersion}${controlRange}`,
      );
    }
    const target = byId.get(placement.elementId);
    const elementType = target ? PLACEABLE[target.kind] : undefined;
    if (!target) {
      add(
        `${path}.elementId`,
        `unknown element '${placement.elementId}'; place the control on a zone, device, interface or channel defined in this model`,
      );
    } else if (!elementType) {
      const hint =
        target.kind === 'asset' ? ` (e.g. on the asset's device '${(target.element as Asset).deviceId}')` : '';
      add(
        `${path}.elementId`,
        `'${placement.elementId}' is ${KIND_ARTICLE[target.kind]}; controls are placed on zones, devices, interfaces or channels${hint}`,
      );
    } else if (control) {
      const misfit = placementMisfit(control, facts.get(placement.elementId)!);
      if (misfit !== null && !misfitAllowed(placement))
        add(
          `${path}.elementId`,
          `'${placement.elementId}' cannot carry it: ${misfit}; place it on a suitable element or choose another control`,
        );
    }
    const key = `${placement.controlId}\u0000${placement.elementId}`;
    const first = placed.get(key);
    if (first) {
      add(
        path,
        `${placement.controlId} is already placed on '${placement.elementId}' by ${first}; keep one placement per control and element`,
      );
    } else {
      placed.set(key, path);
    }
  });

  return issues;
}

/** Fields of the schema's `name` type ($defs/name): what labels and lists show. */
const NAME_FIELDS = [
  'name',
  'manufacturer',
  'modelName',
  'software',
  'softwareVersion',
  'externalId',
  'assetTag',
] as const;

/** The element lists of an exchange document, in document order. */
export const ELEMENT_LISTS = [
  'zones',
  'devices',
  'interfaces',
  'channels',
  'assets',
  'vulnerabilities',
  'controlPlacements',
] as const;

/**
 * Checks a document read back from the database against the exchange schema's shape (not the
 * references or domain rules, which every write already checked): a hand-edited or corrupted
 * node must not reach the engine or the API as a half-typed element.
 * @throws StoredDataError naming the first malformed element's id and property (or `model` and
 *   the header property), with what was expected; never the stored value whole
 */
export function checkStoredDocument(doc: ModelDocument): void {
  const validate = schemaValidator();
  if (validate(doc)) return;
  const error = validate.errors![0]!;
  const issue = schemaIssue(error);
  const tokens = error.instancePath.split('/').slice(1);
  const list = tokens[0] as (typeof ELEMENT_LISTS)[number] | 'model' | undefined;
  let elementId = 'model';
  let property = issue.path;
  if (list && (ELEMENT_LISTS as readonly string[]).includes(list) && tokens[1] !== undefined) {
    const element = (doc[list] as unknown[])[Number(tokens[1])] as { id?: unknown } | undefined;
    elementId = typeof element?.id === 'string' ? element.id : `${list}[${tokens[1]}]`;
    const prefix = `${list}[${tokens[1]}]`;
    property = issue.path.startsWith(`${prefix}.`) ? issue.path.slice(prefix.length + 1) : issue.path;
  } else if (list === 'model') {
    property = issue.path.replace(/^model\.?/, '') || 'model';
  }
  throw new StoredDataError(
    `stored element '${elementId}' is malformed: property '${property}' ${issue.message}; fix it in the database (or re-import the model)`,
    elementId,
    property,
  );
}

/** Options of {@link validateModelDocument}. */
export interface ValidateModelOptions {
  /**
   * Placements that may stay although their control no longer fits the element (controls v2
   * applicability): those already stored before this write. Default: none. Documents older than
   * 2.1 keep all of theirs; 2.1 and 2.2 documents keep those that fit without 2.3's category
   * default of `emergencyOperation` (NOT_EMERGENCY_CONTROLS).
   */
  misfitAllowed?: (placement: ControlPlacement) => boolean;
}

/**
 * Validates an exchange document on import.
 *
 * @param doc Parsed JSON of unknown shape (e.g. an uploaded file or a GraphQL JSON argument).
 * @param catalogue The catalogue the placements refer to (TR 67 Annex A controls C01..C32 and
 *   wireless mechanisms as controls, seeds/catalogue/tr67-catalogue.json).
 * @returns The same object, typed as {@link ModelDocument}. Nothing is added, removed or reordered
 *   (the schema has no defaults), so an export gives back exactly what was imported.
 * @throws ValidationError listing every issue with the path of the field at fault. Shape
 *   problems (seeds/model.schema.json, draft 2020-12, Ajv allErrors) are reported alone, since the
 *   checks of meaning need a well-formed document. Otherwise every one of these is reported:
 *   - an id used twice anywhere in the model (one namespace for all element kinds);
 *   - a reference that does not resolve to an element of the right kind: device.zoneIds,
 *     interface.deviceId / exposedToZoneIds, channel from/to devices, channel.zoneIds,
 *     asset.deviceId, vulnerability.elementId (device or interface), placement.elementId (zone,
 *     device, interface or channel);
 *   - a channel interface that does not belong to that end's device, or a channel from a device
 *     to itself; a device without a zone;
 *   - two devices with the same externalId; an IP or MAC address that is not one, is a
 *     placeholder, or is not written in canonical form (domain/identifiers.ts);
 *   - an intrinsic mechanism of another technology than the channel's
 *     ({@link INTRINSIC_MECHANISM_TECHNOLOGY}, after the TR 67 introduction on intrinsic
 *     security of Wi-Fi, BLE, Zigbee and LoRa);
 *   - a control not in the catalogue, or placed where it cannot exist
 *     ({@link placementMisfit}: appliesTo, technologies, interfaceKinds, deviceConditions,
 *     elementConditions), unless `options.misfitAllowed` keeps it, the document predates 2.1, or
 *     it predates 2.3 and the placement fits without 2.3's category default of emergencyOperation;
 *     the same control placed twice on one element;
 *   - a CVSS vector that does not score ({@link cvssBaseScore});
 *   - (2.0) two channels that are exact copies (same ends, interfaces, technology, mechanisms,
 *     payload and zones), naming both; a linkedZoneIds entry that is not a zone or is the zone
 *     itself; a hostDeviceId that is not another device, or a chain of hosts that loops.
 *   - a name (model, element, manufacturer, model name, software, externalId, asset tag) with a
 *     bidi override, embedding or isolate character (domain/text.ts).
 * A 1.0, 2.0, 2.1 or 2.2 document is migrated first ({@link migrateModelDocument}); the result is always 2.3.
 */
export function validateModelDocument(
  input: unknown,
  catalogue: Catalogue,
  options: ValidateModelOptions = {},
): ModelDocument {
  const { document: doc, fromVersion } = migrateModelDocument(input);
  const validate = schemaValidator();
  if (!validate(doc)) {
    throw new ValidationError((validate.errors ?? []).map((e) => schemaIssue(e, doc)));
  }
  const model = doc as ModelDocument;
  // Files written before 2.1 keep placements that no longer fit (the control review lists them);
  // files written before 2.3 keep those that fitted under their version's rules.
  const older = fromVersion === '1.0' || fromVersion === '2.0';
  const stored = options.misfitAllowed ?? (() => false);
  let misfitAllowed = older ? () => true : stored;
  if (fromVersion === '2.1' || fromVersion === '2.2') {
    // The category default of emergencyOperation (2.3) did not exist then: a placement that fits
    // without it is kept; a stated value (a 2.3 field in an older file) still counts.
    const before23 = elementFacts(model, { emergencyOperationByCategory: false });
    const controls = new Map(catalogue.controls.map((c) => [c.id, c]));
    misfitAllowed = (p: ControlPlacement) => {
      if (stored(p)) return true;
      const control = controls.get(p.controlId);
      const element = before23.get(p.elementId);
      return control !== undefined && element !== undefined && placementMisfit(control, element) === null;
    };
  }
  const issues = checkDomain(model, catalogue, misfitAllowed);
  if (issues.length > 0) throw new ValidationError(issues);
  return model;
}

// ---------------------------------------------------------------------------------------------
// Canonical form
// ---------------------------------------------------------------------------------------------

/** Code-unit order: locale-independent, so the canonical form is the same on every machine. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const sortById = <T extends { id: string }>(list: readonly T[]): T[] =>
  [...list].sort((a, b) => compareStrings(a.id, b.id));
const sortedIds = (ids: readonly string[]): string[] => [...ids].sort(compareStrings);
/** Enum lists follow the declaration order of the enum in types.ts (reads like the UI). */
function sortedEnum<T extends string>(values: readonly T[], order: readonly T[]): T[] {
  const rank = (v: T) => {
    const r = order.indexOf(v);
    return r < 0 ? order.length : r;
  };
  return [...values].sort((a, b) => rank(a) - rank(b) || compareStrings(a, b));
}

/** Copies the optional fields that are present, so that absent stays absent. */
function withOptional<T extends object, K extends keyof T>(target: T, source: T, keys: K[]): T {
  for (const key of keys) {
    if (source[key] !== undefined) target[key] = source[key];
  }
  return target;
}

/**
 * The canonical form of one device (as in {@link canonicalModelDocument}): keys in the order of
 * the Device interface in types.ts, zoneIds and macAddresses sorted by code unit, ipAddresses
 * IPv4 first and numerically ({@link sortIpAddresses}), absent optional fields absent. Two
 * devices are the same exactly when the JSON of their canonical forms is equal. Pure.
 */
export function canonicalDevice(d: Device): Device {
  const out = { id: d.id, name: d.name, category: d.category } as Device;
  withOptional(out, d, ['manufacturer', 'modelName']);
  out.riskClass = d.riskClass;
  withOptional(out, d, ['software']);
  out.generalPurposeOs = d.generalPurposeOs;
  out.patchable = d.patchable;
  out.handlesPersonalData = d.handlesPersonalData;
  out.storesData = d.storesData;
  out.remoteService = d.remoteService;
  out.zoneIds = sortedIds(d.zoneIds);
  withOptional(out, d, ['externalId']);
  if (d.ipAddresses !== undefined) out.ipAddresses = sortIpAddresses(d.ipAddresses);
  if (d.macAddresses !== undefined) out.macAddresses = sortedIds(d.macAddresses);
  withOptional(out, d, ['assetTag', 'hostDeviceId']);
  if (d.outboundZoneIds !== undefined) out.outboundZoneIds = sortedIds(d.outboundZoneIds);
  withOptional(out, d, [
    'outboundAccepts',
    'bodyLocation',
    'executesSoftware',
    'softwareVersion',
    'emergencyOperation',
  ]);
  if (d.components !== undefined) out.components = d.components.map(canonicalComponent);
  if (d.evidence !== undefined) out.evidence = d.evidence.map(canonicalEvidence);
  return out;
}

/** An SBOM component with keys in the order of DeviceComponent (list order is kept: it is the SBOM's). */
function canonicalComponent(c: DeviceComponent): DeviceComponent {
  return withOptional({ name: c.name } as DeviceComponent, c, ['version', 'purl', 'cpe']);
}

/** An evidence source with keys in the order of EvidenceSource, absent fields absent. */
export function canonicalEvidence(e: EvidenceSource): EvidenceSource {
  return withOptional({ kind: e.kind, document: e.document } as EvidenceSource, e, [
    'reference',
    'detail',
    'sha256',
    'fact',
  ]);
}

/**
 * A vulnerability as {@link canonicalModelDocument} writes it: fields in a fixed order, absent
 * optional fields absent, its source canonical.
 */
function canonicalVulnerability(v: Vulnerability): Vulnerability {
  const out = withOptional(
    { id: v.id, cveId: v.cveId, cvssVector: v.cvssVector, elementId: v.elementId } as Vulnerability,
    v,
    ['description', 'status', 'remediation'],
  );
  if (v.source !== undefined) out.source = canonicalEvidence(v.source);
  return out;
}

/**
 * True when `a` and `b` are the same vulnerability field for field, whatever the order of their
 * keys (a stored one comes in load order, an importer's in its own): their canonical forms match.
 */
export function sameVulnerability(a: Vulnerability, b: Vulnerability): boolean {
  return JSON.stringify(canonicalVulnerability(a)) === JSON.stringify(canonicalVulnerability(b));
}

/**
 * The canonical form of a document, for deterministic export and for comparing two documents
 * with deep equality (export → import → export is the identity).
 *
 * - every element list is sorted by id (code-unit order, locale-independent);
 * - the id lists inside elements (device.zoneIds, interface.exposedToZoneIds, channel.zoneIds)
 *   and device.macAddresses are sorted the same way; device.ipAddresses IPv4 first, then
 *   numerically; channel.extrinsicMechanisms and channel.carries follow the declaration order
 *   of their enums in types.ts;
 * - keys appear in the order of the interfaces in types.ts, optional fields after the required
 *   ones they follow there; optional fields that are absent stay absent (nothing is invented)
 *   and no field outside the format is copied.
 *
 * Pure: the input is not modified and the result shares no arrays or objects with it.
 * Idempotent: canonicalModelDocument(canonicalModelDocument(d)) deep-equals
 * canonicalModelDocument(d), and it does not depend on the input's list order.
 * It neither validates nor removes duplicates; call {@link validateModelDocument} first.
 */
export function canonicalModelDocument(doc: ModelDocument): ModelDocument {
  const model: ThreatModelInfo = withOptional(
    { id: doc.model.id, name: doc.model.name } as ThreatModelInfo,
    doc.model,
    ['description'],
  );
  return {
    formatVersion: doc.formatVersion,
    model,
    zones: sortById(doc.zones).map((z) => {
      const out = withOptional({ id: z.id, name: z.name, kind: z.kind, entryPoint: z.entryPoint } as Zone, z, [
        'description',
        'physicalAccess',
        'network',
      ]);
      if (z.linkedZoneIds !== undefined) out.linkedZoneIds = sortedIds(z.linkedZoneIds);
      if (z.linkedZoneServices !== undefined)
        out.linkedZoneServices = sortedEnum(z.linkedZoneServices, INTERFACE_KINDS);
      return out;
    }),
    devices: sortById(doc.devices).map(canonicalDevice),
    interfaces: sortById(doc.interfaces).map((i) => {
      const out = withOptional(
        {
          id: i.id,
          deviceId: i.deviceId,
          name: i.name,
          kind: i.kind,
          exposedToZoneIds: sortedIds(i.exposedToZoneIds),
          authentication: i.authentication,
        } as Interface,
        i,
        ['port', 'userSession'],
      );
      if (i.functions !== undefined) out.functions = sortedEnum(i.functions, INTERFACE_FUNCTIONS);
      return out;
    }),
    channels: sortById(doc.channels).map((c) => {
      const out = { id: c.id, name: c.name, fromDeviceId: c.fromDeviceId, toDeviceId: c.toDeviceId } as Channel;
      withOptional(out, c, ['fromInterfaceId', 'toInterfaceId']);
      out.technology = c.technology;
      out.intrinsicMechanism = c.intrinsicMechanism;
      out.extrinsicMechanisms = sortedEnum(c.extrinsicMechanisms, EXTRINSIC_MECHANISMS);
      out.carries = sortedEnum(c.carries, CHANNEL_PAYLOADS);
      if (c.forwardedTo !== undefined) out.forwardedTo = sortedIds(c.forwardedTo);
      if (c.endToEndIntegrity !== undefined) out.endToEndIntegrity = c.endToEndIntegrity;
      out.zoneIds = sortedIds(c.zoneIds);
      return out;
    }),
    assets: sortById(doc.assets).map((a) =>
      withOptional({ id: a.id, deviceId: a.deviceId, name: a.name, kind: a.kind, severity: a.severity } as Asset, a, [
        'manipulationSeverity',
        'denialSeverity',
        'disclosureRecords',
      ]),
    ),
    vulnerabilities: sortById(doc.vulnerabilities).map(canonicalVulnerability),
    controlPlacements: sortById(doc.controlPlacements).map((p) => {
      const out = withOptional(
        { id: p.id, controlId: p.controlId, elementId: p.elementId, status: p.status } as ControlPlacement,
        p,
        ['cost', 'note'],
      );
      if (p.source !== undefined) out.source = canonicalEvidence(p.source);
      return out;
    }),
  };
}
