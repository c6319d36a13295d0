/**
 * Open Threat Model (OTM 0.2.0, IriusRisk's open format, https://github.com/iriusrisk/OpenThreatModel)
 * → a new MedThreat model. Strict: the document must have the structure of the OTM 0.2.0 JSON
 * Schema (required fields and types, written here as zod; {@link otmDocumentSchema}); any problem
 * is a ValidationError with the path (`dataflows[2].source`) and nothing is imported.
 *
 * Mapping (every element not mapped is in the report, with the reason):
 * - project → the model (id, name, description);
 * - trustZones → zones: kind from the zone's type and name (internet, private, dmz, cloud, …),
 *   entry point when the kind is one an attacker starts from (INTERNET, GUEST_WIFI,
 *   VENDOR_REMOTE_ACCESS, PATIENT_HOME) or its trustRating is below 50 (of 100);
 * - components → devices (category from type and name; risk class A and no flags unless the
 *   attributes say otherwise, both reported); a component inside another component becomes
 *   hosted software (`hostDeviceId`) in its host's zones;
 * - component assets (processed/stored) → assets on that device: PERSONAL_DATA when its
 *   confidentiality rating is its highest, else DIAGNOSIS_MONITORING (data whose integrity or
 *   availability matters); severity from the highest of the three ratings, manipulation from
 *   integrity, denial from availability (0–100 in fifths: 0–20 NEGLIGIBLE … 81–100 CATASTROPHIC);
 * - dataflows between two components → channels (technology from tags and name, IP by default;
 *   carries PERSONAL_DATA when the flow lists assets, otherwise COMMANDS — the cautious choice);
 * - threats, mitigations and representations → not mapped (MedThreat derives threats from its
 *   own attack rules; OTM mitigations name no catalogue control).
 * Documents written by MedThreat's OTM export (server/src/exporters/otm.ts) carry the original
 * element in `attributes.medthreat`: those fields are taken back, so that an export imports
 * without loss of devices, interfaces, channels, assets and control placements.
 */
import { z } from 'zod';
import { ValidationError } from '../domain/errors';
import {
  ASSET_KINDS,
  EVIDENCE_KINDS,
  VULNERABILITY_STATUSES,
  BODY_LOCATIONS,
  AUTHENTICATIONS,
  INTERFACE_FUNCTIONS,
  CHANNEL_PAYLOADS,
  CHANNEL_TECHNOLOGIES,
  DEVICE_CATEGORIES,
  INTERFACE_KINDS,
  INTRINSIC_MECHANISMS,
  OUTBOUND_ACCEPTS,
  PLACEMENT_STATUSES,
  RISK_CLASSES,
  SEVERITIES,
  ZONE_KINDS,
  type Catalogue,
  type Device,
  type ZoneKind,
} from '../domain/types';
import {
  ModelBuilder,
  categoryFromWords,
  issuePath,
  severityFromPercent,
  technologyFromWords,
  zoneKindFromWords,
  type ModelImportResult,
} from './model-builder';

const str = z.string();
const optText = z.string().nullish();
const attributes = z.record(z.string(), z.unknown()).nullish();
const size = z.looseObject({ width: z.number(), height: z.number() }).nullish();
const position = z.looseObject({ x: z.number(), y: z.number() }).nullish();
const parent = z
  .looseObject({ trustZone: str.optional(), component: str.optional() })
  .refine((p) => (p.trustZone !== undefined) !== (p.component !== undefined), {
    message: 'must name exactly one of trustZone and component',
  });
const representationElement = z.looseObject({
  representation: str,
  name: optText,
  id: str,
  position,
  size,
  file: optText,
  line: z.number().nullish(),
  codeSnippet: optText,
  attributes,
});
const threatInstance = z.looseObject({
  threat: str,
  state: str,
  mitigations: z
    .array(z.looseObject({ mitigation: z.string().nullable(), state: z.string().nullable() }).nullable())
    .optional(),
});
const stringList = z.array(z.string().nullable()).nullish();

/**
 * The OTM 0.2.0 document structure: the required fields and types of the published JSON Schema
 * (otm_schema.json, draft-07), properties it does not name allowed as there.
 */
export const otmDocumentSchema = z.looseObject({
  otmVersion: str,
  project: z.looseObject({
    name: str,
    id: str,
    description: optText,
    owner: optText,
    ownerContact: optText,
    tags: z.array(str).nullish(),
    attributes,
  }),
  representations: z
    .array(
      z.looseObject({
        name: str,
        id: str,
        type: str,
        description: optText,
        size,
        repository: z.looseObject({ url: z.string().nullable() }).nullish(),
        attributes,
      }),
    )
    .nullish(),
  assets: z
    .array(
      z.looseObject({
        name: str,
        id: str,
        description: optText,
        risk: z.looseObject({
          confidentiality: z.number(),
          integrity: z.number(),
          availability: z.number(),
          comment: optText,
        }),
        attributes,
      }),
    )
    .nullish(),
  trustZones: z
    .array(
      z.looseObject({
        id: str,
        name: str,
        type: str.optional(),
        description: optText,
        risk: z.looseObject({ trustRating: z.number() }),
        parent: parent.optional(),
        representations: z.array(representationElement).nullish(),
        attributes,
      }),
    )
    .optional(),
  components: z
    .array(
      z.looseObject({
        id: str,
        name: str,
        type: str,
        description: optText,
        parent,
        representations: z.array(representationElement).nullish(),
        assets: z.looseObject({ processed: stringList, stored: stringList }).nullish(),
        threats: z.array(threatInstance).nullish(),
        tags: stringList,
        attributes,
      }),
    )
    .nullish(),
  dataflows: z
    .array(
      z.looseObject({
        id: str,
        name: str,
        description: optText,
        bidirectional: z.boolean().nullish(),
        source: str,
        destination: str,
        assets: stringList,
        threats: z.array(threatInstance).nullish(),
        tags: stringList,
        attributes,
      }),
    )
    .optional(),
  threats: z
    .array(
      z.looseObject({
        id: str,
        name: str,
        description: optText,
        categories: stringList,
        cwes: stringList,
        risk: z.looseObject({
          likelihood: z.number().nullable().optional(),
          likelihoodComment: optText,
          impact: z.number(),
          impactComment: str.optional(),
        }),
        tags: stringList,
        attributes,
      }),
    )
    .nullish(),
  mitigations: z
    .array(z.looseObject({ id: str, name: str, description: optText, riskReduction: z.number(), attributes }))
    .nullish(),
});

export type OtmDocument = z.output<typeof otmDocumentSchema>;

/**
 * Checks `input` against the OTM 0.2.0 structure.
 * @throws ValidationError listing every problem with its path (e.g. `components[1].parent`)
 */
export function validateOtm(input: unknown): OtmDocument {
  const parsed = otmDocumentSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.slice(0, 100).map((i) => ({ path: issuePath(i.path) || 'document', message: i.message })),
    );
  }
  if (!/^0\.[12]\.\d+$/.test(parsed.data.otmVersion)) {
    throw new ValidationError(`OTM version '${parsed.data.otmVersion}' is not supported (0.2.x, 0.1.x)`, 'otmVersion');
  }
  return parsed.data;
}

/** The element MedThreat's export put in `attributes.medthreat` (fields checked before use). */
const medthreatZone = z.object({
  kind: z.enum(ZONE_KINDS),
  entryPoint: z.boolean(),
  physicalAccess: z.boolean().optional(),
  network: z.boolean().optional(),
  linkedZoneIds: z.array(z.string()).optional(),
  linkedZoneServices: z.array(z.enum(INTERFACE_KINDS)).optional(),
});
/** Exchange format 2.2 evidence source (where an imported fact comes from). */
const evidenceSource = z.object({
  kind: z.enum(EVIDENCE_KINDS),
  document: z.string(),
  reference: z.string().optional(),
  detail: z.string().optional(),
  sha256: z.string().optional(),
});
const medthreatDevice = z.object({
  category: z.enum(DEVICE_CATEGORIES),
  riskClass: z.enum(RISK_CLASSES),
  manufacturer: z.string().optional(),
  modelName: z.string().optional(),
  software: z.string().optional(),
  generalPurposeOs: z.boolean(),
  patchable: z.boolean(),
  handlesPersonalData: z.boolean(),
  storesData: z.boolean(),
  remoteService: z.boolean(),
  externalId: z.string().optional(),
  ipAddresses: z.array(z.string()).optional(),
  macAddresses: z.array(z.string()).optional(),
  assetTag: z.string().optional(),
  outboundAccepts: z.enum(OUTBOUND_ACCEPTS).optional(),
  zoneIds: z.array(z.string()).optional(),
  outboundZoneIds: z.array(z.string()).optional(),
  bodyLocation: z.enum(BODY_LOCATIONS).optional(),
  executesSoftware: z.boolean().optional(),
  emergencyOperation: z.boolean().optional(),
  softwareVersion: z.string().optional(),
  components: z
    .array(
      z.object({
        name: z.string(),
        version: z.string().optional(),
        purl: z.string().optional(),
        cpe: z.string().optional(),
      }),
    )
    .optional(),
  evidence: z.array(evidenceSource).optional(),
});
const medthreatInterface = z.object({
  elementType: z.literal('INTERFACE'),
  kind: z.enum(INTERFACE_KINDS),
  authentication: z.enum(AUTHENTICATIONS),
  exposedToZoneIds: z.array(z.string()),
  port: z.number().int().optional(),
  functions: z.array(z.enum(INTERFACE_FUNCTIONS)).optional(),
  userSession: z.boolean().optional(),
});
const medthreatChannel = z.object({
  technology: z.enum(CHANNEL_TECHNOLOGIES),
  intrinsicMechanism: z.enum(INTRINSIC_MECHANISMS),
  carries: z.array(z.enum(CHANNEL_PAYLOADS)).min(1),
  zoneIds: z.array(z.string()),
  fromInterfaceId: z.string().optional(),
  toInterfaceId: z.string().optional(),
  forwardedTo: z.array(z.string()).optional(),
  endToEndIntegrity: z.boolean().optional(),
});
const medthreatAsset = z.object({
  kind: z.enum(ASSET_KINDS),
  severity: z.enum(SEVERITIES),
  manipulationSeverity: z.enum(SEVERITIES).optional(),
  denialSeverity: z.enum(SEVERITIES).optional(),
  disclosureRecords: z.number().optional(),
});
const medthreatVulnerability = z.object({
  cveId: z.string(),
  cvssVector: z.string(),
  elementId: z.string(),
  description: z.string().optional(),
  status: z.enum(VULNERABILITY_STATUSES).optional(),
  remediation: z.string().optional(),
  source: evidenceSource.optional(),
});
const medthreatPlacement = z.object({
  controlId: z.string(),
  elementId: z.string(),
  status: z.enum(PLACEMENT_STATUSES),
  cost: z.number().optional(),
  note: z.string().optional(),
  source: evidenceSource.optional(),
});

function fromAttributes<T>(schema: z.ZodType<T>, attrs: Record<string, unknown> | null | undefined, key = 'medthreat') {
  const value = attrs?.[key];
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const ENTRY_KINDS: ReadonlySet<ZoneKind> = new Set(['INTERNET', 'GUEST_WIFI', 'VENDOR_REMOTE_ACCESS', 'PATIENT_HOME']);

/**
 * Imports an OTM document as a new model (see the module comment for the mapping).
 * @param input the parsed JSON
 * @throws ValidationError: the OTM structure (paths in the OTM document), or a model that would
 *   not be valid (paths prefixed `model.`)
 */
export function importOtm(input: unknown, catalogue: Catalogue): ModelImportResult {
  const otm = validateOtm(input);
  const b = new ModelBuilder(`OTM ${otm.otmVersion}`);
  const zoneIds = new Map<string, string>();
  const deviceIds = new Map<string, string>();
  const interfaceIds = new Map<string, string>();
  const elementIds = new Map<string, string>(); // every source id → model id (for placements)

  (otm.trustZones ?? []).forEach((tz, i) => {
    const path = `trustZones[${i}]`;
    if (zoneIds.has(tz.id)) {
      b.skip({
        path,
        kind: 'trust zone',
        id: tz.id,
        name: tz.name,
        reason: `an earlier trust zone has the id '${tz.id}'`,
      });
      return;
    }
    const id = b.id(tz.id, 'zone');
    zoneIds.set(tz.id, id);
    elementIds.set(tz.id, id);
    const mt = fromAttributes(medthreatZone, tz.attributes);
    const kind = mt?.kind ?? zoneKindFromWords(tz.type, tz.name);
    const entryPoint = mt?.entryPoint ?? (ENTRY_KINDS.has(kind) || tz.risk.trustRating < 50);
    b.zones.push({
      id,
      name: b.name(tz.name, id),
      kind,
      entryPoint,
      ...(b.text(tz.description) ? { description: b.text(tz.description)! } : {}),
      ...(mt?.physicalAccess !== undefined ? { physicalAccess: mt.physicalAccess } : {}),
      ...(mt?.network !== undefined ? { network: mt.network } : {}),
    });
    if (!mt) {
      b.warn(
        path,
        `zone kind ${kind} (from '${tz.type ?? ''}' '${tz.name}'), entry point ${entryPoint} (trustRating ${tz.risk.trustRating}): review`,
      );
    }
    if (tz.parent) {
      b.skip({
        path: `${path}.parent`,
        kind: 'trust zone nesting',
        id: tz.id,
        name: tz.name,
        reason: 'zones do not nest in MedThreat; link the zones (linkedZoneIds) if traffic flows between them',
      });
    }
  });

  // components: hosts before what they host (a component may name a later one as its parent)
  const components = otm.components ?? [];
  const byId = new Map<string, { c: (typeof components)[number]; i: number }>();
  components.forEach((c, i) => {
    if (byId.has(c.id)) {
      b.skip({
        path: `components[${i}]`,
        kind: 'component',
        id: c.id,
        name: c.name,
        reason: `an earlier component has the id '${c.id}'`,
      });
    } else byId.set(c.id, { c, i });
  });
  const done = new Set<string>();
  const visiting = new Set<string>();
  const place = (compId: string): void => {
    const entry = byId.get(compId);
    if (!entry || done.has(compId)) return;
    const { c, i } = entry;
    const path = `components[${i}]`;
    if (visiting.has(compId)) {
      b.skip({ path: `${path}.parent`, kind: 'component', id: c.id, name: c.name, reason: 'its parents form a loop' });
      done.add(compId);
      return;
    }
    visiting.add(compId);
    let zones: string[] = [];
    let host: string | undefined;
    if (c.parent.trustZone !== undefined) {
      const z = zoneIds.get(c.parent.trustZone);
      if (z) zones = [z];
    } else if (c.parent.component !== undefined) {
      place(c.parent.component);
      host = deviceIds.get(c.parent.component);
      const hostDevice = b.devices.find((d) => d.id === host);
      if (hostDevice) zones = [...hostDevice.zoneIds];
    }
    visiting.delete(compId);
    done.add(compId);
    const iface = fromAttributes(medthreatInterface, c.attributes);
    if (iface && host) {
      const id = b.id(c.id, 'interface');
      interfaceIds.set(c.id, id);
      elementIds.set(c.id, id);
      const exposed = iface.exposedToZoneIds.map((z) => zoneIds.get(z)).filter((z): z is string => !!z);
      b.interfaces.push({
        id,
        deviceId: host,
        name: b.name(c.name, id),
        kind: iface.kind,
        exposedToZoneIds: exposed,
        authentication: iface.authentication,
        ...(iface.port !== undefined ? { port: iface.port } : {}),
        ...(iface.functions ? { functions: iface.functions } : {}),
        ...(iface.userSession !== undefined ? { userSession: iface.userSession } : {}),
      });
      return;
    }
    if (!zones.length) {
      b.skip({
        path: `${path}.parent`,
        kind: 'component',
        id: c.id,
        name: c.name,
        reason: `its parent ${c.parent.trustZone !== undefined ? `trust zone '${c.parent.trustZone}'` : `component '${c.parent.component}'`} is not in the document (or was not imported)`,
      });
      return;
    }
    const id = b.id(c.id, 'device');
    deviceIds.set(c.id, id);
    elementIds.set(c.id, id);
    const mt = fromAttributes(medthreatDevice, c.attributes);
    const guessed = categoryFromWords(c.type, c.name, ...(c.tags ?? []));
    // a server or unknown component in a cloud zone is a cloud service
    const inCloud = zones.some((z) => b.zones.find((x) => x.id === z)?.kind === 'CLOUD');
    const category =
      mt?.category ?? (inCloud && (guessed === 'SERVER' || guessed === 'OTHER') ? 'CLOUD_SERVICE' : guessed);
    const stores = (c.assets?.stored ?? []).some((a) => a);
    const device: Device = {
      id,
      name: b.name(c.name, id),
      category,
      riskClass: mt?.riskClass ?? 'A',
      generalPurposeOs: mt?.generalPurposeOs ?? false,
      patchable: mt?.patchable ?? true,
      handlesPersonalData: mt?.handlesPersonalData ?? ((c.assets?.processed ?? []).some((a) => a) || stores),
      storesData: mt?.storesData ?? stores,
      remoteService: mt?.remoteService ?? false,
      zoneIds: zones,
      ...(host ? { hostDeviceId: host } : {}),
    };
    if (mt) {
      for (const k of [
        'manufacturer',
        'modelName',
        'software',
        'externalId',
        'assetTag',
        'outboundAccepts',
        'bodyLocation',
        'executesSoftware',
        'emergencyOperation',
        'softwareVersion',
        'components',
        'evidence',
      ] as const) {
        if (mt[k] !== undefined) (device as unknown as Record<string, unknown>)[k] = mt[k];
      }
      if (mt.ipAddresses?.length) device.ipAddresses = mt.ipAddresses;
      if (mt.macAddresses?.length) device.macAddresses = mt.macAddresses;
      const listed = (mt.zoneIds ?? []).map((z) => zoneIds.get(z)).filter((z): z is string => !!z);
      if (listed.length) device.zoneIds = [...new Set(listed)];
      const outbound = (mt.outboundZoneIds ?? []).map((z) => zoneIds.get(z)).filter((z): z is string => !!z);
      if (outbound.length) device.outboundZoneIds = outbound;
    } else {
      b.warn(path, `device category ${category} (from '${c.type}'), risk class A and no device flags assumed: review`);
    }
    b.devices.push(device);
  };
  for (const c of components) place(c.id);

  // data assets on the components that process or store them
  const otmAssets = new Map((otm.assets ?? []).map((a, i) => [a.id, { a, i }]));
  components.forEach((c, i) => {
    const deviceId = deviceIds.get(c.id);
    if (!deviceId) return;
    const listed = [...new Set([...(c.assets?.processed ?? []), ...(c.assets?.stored ?? [])])];
    for (const ref of listed) {
      if (!ref) continue;
      const found = otmAssets.get(ref);
      if (!found) {
        b.skip({
          path: `components[${i}].assets`,
          kind: 'asset reference',
          id: ref,
          reason: `no asset '${ref}' in the document`,
        });
        continue;
      }
      const { a } = found;
      const mt = fromAttributes(medthreatAsset, a.attributes);
      const { confidentiality: c, integrity: ig, availability: av } = a.risk;
      const severity = mt?.severity ?? severityFromPercent(Math.max(c, ig, av));
      const kind = mt?.kind ?? (c >= Math.max(ig, av) ? 'PERSONAL_DATA' : 'DIAGNOSIS_MONITORING');
      const impacts = mt ?? { manipulationSeverity: severityFromPercent(ig), denialSeverity: severityFromPercent(av) };
      const id = b.id(otmAssetUsers(components, ref) > 1 ? `${a.id}.${deviceId}` : a.id, 'asset');
      elementIds.set(a.id, id);
      b.assets.push({
        id,
        deviceId,
        name: b.name(a.name, id),
        kind,
        severity,
        ...(impacts.manipulationSeverity ? { manipulationSeverity: impacts.manipulationSeverity } : {}),
        ...(impacts.denialSeverity ? { denialSeverity: impacts.denialSeverity } : {}),
        ...(mt?.disclosureRecords !== undefined ? { disclosureRecords: mt.disclosureRecords } : {}),
      });
      if (!mt) {
        b.warn(
          `assets[${found.i}]`,
          `asset kind ${kind}, severity ${severity} (manipulation ${impacts.manipulationSeverity}, denial ${impacts.denialSeverity}) from its C/I/A ratings ${c}/${ig}/${av}: review`,
        );
      }
    }
  });
  (otm.assets ?? []).forEach((a, i) => {
    if (!components.some((c) => [...(c.assets?.processed ?? []), ...(c.assets?.stored ?? [])].includes(a.id))) {
      b.skip({
        path: `assets[${i}]`,
        kind: 'asset',
        id: a.id,
        name: a.name,
        reason: 'no component processes or stores it: an asset needs a device',
      });
    }
  });

  // data flows between components
  const seen = new Map<string, string>();
  const forwards: { id: string; to: string[] }[] = [];
  (otm.dataflows ?? []).forEach((f, i) => {
    const path = `dataflows[${i}]`;
    const from = deviceIds.get(f.source) ?? hostOf(b, interfaceIds.get(f.source));
    const to = deviceIds.get(f.destination) ?? hostOf(b, interfaceIds.get(f.destination));
    if (!from || !to) {
      const missing = !from ? f.source : f.destination;
      const what = zoneIds.has(missing)
        ? `a trust zone ('${missing}')`
        : `'${missing}', which is not an imported component`;
      b.skip({
        path,
        kind: 'dataflow',
        id: f.id,
        name: f.name,
        reason: `an end is ${what}: channels join two devices`,
      });
      return;
    }
    if (from === to) {
      b.skip({ path, kind: 'dataflow', id: f.id, name: f.name, reason: 'both ends are the same device' });
      return;
    }
    const mt = fromAttributes(medthreatChannel, f.attributes);
    const technology = mt?.technology ?? technologyFromWords(...(f.tags ?? []), f.name);
    const carries =
      mt?.carries ?? ((f.assets ?? []).some((a) => a) ? ['PERSONAL_DATA' as const] : ['COMMANDS' as const]);
    const ends = [from, to].flatMap((d) => b.devices.find((x) => x.id === d)?.zoneIds ?? []);
    const zones = mt ? mt.zoneIds.map((z) => zoneIds.get(z)).filter((z): z is string => !!z) : [...new Set(ends)];
    const intrinsicMechanism = mt?.intrinsicMechanism ?? 'NONE';
    const key = JSON.stringify([
      from,
      to,
      technology,
      intrinsicMechanism,
      [...carries].sort(),
      [...zones].sort(),
      mt?.fromInterfaceId,
      mt?.toInterfaceId,
    ]);
    const same = seen.get(key);
    if (same) {
      b.skip({ path, kind: 'dataflow', id: f.id, name: f.name, reason: `the same link as channel '${same}' (merged)` });
      return;
    }
    const id = b.id(f.id, 'channel');
    seen.set(key, id);
    elementIds.set(f.id, id);
    const fromIf = mt?.fromInterfaceId ? interfaceIds.get(mt.fromInterfaceId) : undefined;
    const toIf = mt?.toInterfaceId ? interfaceIds.get(mt.toInterfaceId) : undefined;
    b.channels.push({
      id,
      name: b.name(f.name, id),
      fromDeviceId: from,
      toDeviceId: to,
      ...(fromIf ? { fromInterfaceId: fromIf } : {}),
      ...(toIf ? { toInterfaceId: toIf } : {}),
      technology,
      intrinsicMechanism,
      extrinsicMechanisms: [],
      carries,
      zoneIds: zones,
      ...(mt?.endToEndIntegrity !== undefined ? { endToEndIntegrity: mt.endToEndIntegrity } : {}),
    });
    if (mt?.forwardedTo?.length) forwards.push({ id, to: mt.forwardedTo });
    if (!mt) {
      b.warn(path, `channel technology ${technology}, carries ${carries.join(', ')}, no link security assumed: review`);
      if (f.bidirectional)
        b.warn(path, 'bidirectional: one channel (from source to destination) stands for both directions');
    }
  });

  // references between elements of one list, once the list is complete
  for (const { id, to } of forwards) {
    const ids = to.map((f) => elementIds.get(f)).filter((f): f is string => !!f);
    const channel = b.channels.find((c) => c.id === id)!;
    if (ids.length) channel.forwardedTo = ids;
  }
  const linkedDone = new Set<string>();
  (otm.trustZones ?? []).forEach((tz) => {
    if (linkedDone.has(tz.id)) return; // a duplicate, reported above
    linkedDone.add(tz.id);
    const mt = fromAttributes(medthreatZone, tz.attributes);
    const zone = b.zones.find((x) => x.id === zoneIds.get(tz.id));
    const linked = (mt?.linkedZoneIds ?? []).map((l) => zoneIds.get(l)).filter((l): l is string => !!l);
    if (zone && linked.length) zone.linkedZoneIds = linked;
    if (zone && mt?.linkedZoneServices) zone.linkedZoneServices = mt.linkedZoneServices;
  });

  // control placements written by MedThreat's export; other mitigations and threats are reported
  const placedIds = new Set<string>();
  (otm.mitigations ?? []).forEach((m, i) => {
    const mt = fromAttributes(medthreatPlacement, m.attributes);
    const elementId = mt ? elementIds.get(mt.elementId) : undefined;
    if (mt && elementId && catalogue.controls.some((c) => c.id === mt.controlId)) {
      const id = b.id(m.id, 'placement');
      placedIds.add(id);
      b.controlPlacements.push({
        id,
        controlId: mt.controlId,
        elementId,
        status: mt.status,
        ...(mt.cost !== undefined ? { cost: mt.cost } : {}),
        ...(mt.note ? { note: b.text(mt.note)! } : {}),
        ...(mt.source ? { source: mt.source } : {}),
      });
      return;
    }
    b.skip({
      path: `mitigations[${i}]`,
      kind: 'mitigation',
      id: m.id,
      name: m.name,
      reason: mt
        ? `its control or element is not in the model`
        : 'an OTM mitigation names no MedThreat catalogue control; place controls in MedThreat',
    });
  });
  (otm.threats ?? []).forEach((t, i) => {
    const mt = fromAttributes(medthreatVulnerability, t.attributes);
    const elementId = mt ? elementIds.get(mt.elementId) : undefined;
    if (mt && elementId) {
      b.vulnerabilities.push({
        id: b.id(t.id, 'vulnerability'),
        cveId: mt.cveId,
        cvssVector: mt.cvssVector,
        elementId,
        ...(b.text(mt.description) ? { description: b.text(mt.description)! } : {}),
        ...(mt.status ? { status: mt.status } : {}),
        ...(mt.remediation !== undefined ? { remediation: mt.remediation } : {}),
        ...(mt.source ? { source: mt.source } : {}),
      });
      return;
    }
    b.skip({
      path: `threats[${i}]`,
      kind: 'threat',
      id: t.id,
      name: t.name,
      reason: 'MedThreat derives threats from its attack rules (TR 67 Annex B attack methods); not imported',
    });
  });
  (otm.representations ?? []).forEach((r, i) =>
    b.skip({
      path: `representations[${i}]`,
      kind: 'representation',
      id: r.id,
      name: r.name,
      reason: 'diagram and code layout is not part of a MedThreat model',
    }),
  );

  const projectId = fromAttributes(z.object({ id: z.string() }), otm.project.attributes)?.id ?? otm.project.id;
  return b.finish({ id: projectId, name: otm.project.name, description: otm.project.description }, catalogue);
}

function otmAssetUsers(components: OtmDocument['components'] & object, assetId: string): number {
  return components.filter((c) => [...(c.assets?.processed ?? []), ...(c.assets?.stored ?? [])].includes(assetId))
    .length;
}

function hostOf(b: ModelBuilder, interfaceId: string | undefined): string | undefined {
  return interfaceId ? b.interfaces.find((i) => i.id === interfaceId)?.deviceId : undefined;
}
