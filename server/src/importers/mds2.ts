/**
 * MDS2 import (issue 12 §1): applies what a device model's MDS2 says ({@link deriveMds2Profile})
 * to one device or to every device of that manufacturer and model in a model document. Two pure
 * steps: {@link previewMds2} lists what would change on each device, each change with its sources
 * (question id, answer, note); {@link applyMds2} returns the new document, validated by
 * validateModelDocument. Nothing here touches the database; the caller writes the result in one
 * transaction with the model's expected version.
 *
 * Rules (OWN DESIGN, docs/integration.md "MDS2"):
 * - device flags are set to what the MDS2 says;
 * - an interface the connectivity answers imply is added unless the device already has one of that
 *   kind (existing interfaces are matched one to one by kind); physical ports are exposed to the
 *   zones that give hands on the device, the remote-service interface to the vendor-remote-access
 *   zones, radios and network ports to the device's network zones;
 * - a control the answers say is present is placed (IMPLEMENTED, or PLANNED when optional or off by
 *   default) on the elements its rule names, only where the catalogue says it can exist
 *   (applicability.ts {@link placementMisfit}, evaluated after the flags and interfaces changed); a
 *   PLANNED placement is raised to IMPLEMENTED, an existing IMPLEMENTED one is never lowered;
 * - nothing is removed: where the model says more than the MDS2 (an interface kind the MDS2 denies,
 *   an IMPLEMENTED control of a capability it says is absent), the preview lists a conflict.
 */
import { elementFacts, placementMisfit } from '../domain/applicability';
import { ValidationError } from '../domain/errors';
import { validateModelDocument } from '../domain/model-document';
import {
  deviceExecutesSoftware,
  INTERFACE_FACT_PREFIX,
  interfaceHasUserSession,
  IP_INTERFACE_KINDS,
  IP_TECHNOLOGIES,
  zoneIsNetwork,
  type Catalogue,
  type ControlPlacement,
  type Device,
  type EvidenceSource,
  type Interface,
  type ModelDocument,
  type PlacementStatus,
  type Zone,
} from '../domain/types';
import type {
  Mds2AbsentCapability,
  Mds2ControlFact,
  Mds2ControlTarget,
  Mds2DeviceFlag,
  Mds2Expectation,
  Mds2Profile,
  Mds2ReviewItem,
  Mds2Source,
} from './mds2-mapping';

import { readMds2Workbook, type Mds2Warning, type ReadMds2Options } from './mds2-workbook';
import { deriveMds2Profile } from './mds2-mapping';

export { readMds2Workbook, deriveMds2Profile };

/** Which devices the MDS2 is applied to: one device by id, or every device of a manufacturer and model. */
export type Mds2Target = { deviceId: string } | { manufacturer: string; modelName: string };

/** One change to the document, with the answers it comes from. */
export type Mds2Change =
  | { kind: 'SET_FLAG'; deviceId: string; field: Mds2DeviceFlag; from: boolean; to: boolean; sources: Mds2Source[] }
  | { kind: 'ADD_INTERFACE'; deviceId: string; interface: Interface; sources: Mds2Source[] }
  | { kind: 'ADD_PLACEMENT'; deviceId: string; placement: ControlPlacement; sources: Mds2Source[] }
  /** Evidence entries added to Device.evidence (format 2.2) for its flags and interfaces. */
  | { kind: 'ADD_EVIDENCE'; deviceId: string; evidence: EvidenceSource[]; sources: Mds2Source[] }
  | {
      kind: 'SET_PLACEMENT_STATUS';
      deviceId: string;
      placementId: string;
      controlId: string;
      elementId: string;
      from: PlacementStatus;
      to: PlacementStatus;
      sources: Mds2Source[];
    };

/** A control the MDS2 says is there that could not be placed, and why. */
export interface Mds2NotPlaced {
  controlId: string;
  elementId?: string;
  reason: string;
  sources: Mds2Source[];
}

/** Where the model already says more than, or the opposite of, the MDS2. Never changed automatically. */
export interface Mds2Conflict {
  elementId: string;
  message: string;
  sources: Mds2Source[];
}

/** What the MDS2 does to one device. */
export interface Mds2DevicePreview {
  deviceId: string;
  deviceName: string;
  changes: Mds2Change[];
  /** Facts the model already states (nothing to change), with their sources: evidence for them. */
  confirmed: { elementId: string; what: string; sources: Mds2Source[] }[];
  notPlaced: Mds2NotPlaced[];
  conflicts: Mds2Conflict[];
  absent: Mds2AbsentCapability[];
  expectations: Mds2Expectation[];
}

/** The preview: per device, plus what holds for the whole form. */
export interface Mds2Preview {
  sha256: string;
  documentId?: string;
  devices: Mds2DevicePreview[];
  review: Mds2ReviewItem[];
  notApplicable: string[];
  warnings: Mds2Warning[];
}

const norm = (s: string | undefined) => (s ?? '').normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** The devices a target names. @throws ValidationError (path "target...") when none. */
export function mds2TargetDevices(doc: ModelDocument, target: Mds2Target): Device[] {
  if ('deviceId' in target) {
    const d = doc.devices.find((x) => x.id === target.deviceId);
    if (!d) throw new ValidationError(`no device '${target.deviceId}' in the model`, 'target.deviceId');
    return [d];
  }
  if (!norm(target.manufacturer) || !norm(target.modelName))
    throw new ValidationError('name a manufacturer and a model name, or a device id', 'target');
  const out = doc.devices.filter(
    (d) => norm(d.manufacturer) === norm(target.manufacturer) && norm(d.modelName) === norm(target.modelName),
  );
  if (out.length === 0)
    throw new ValidationError(
      `no device of manufacturer '${target.manufacturer}' and model '${target.modelName}' in the model (compared ignoring case and spacing)`,
      'target',
    );
  return out;
}

function uniqueId(base: string, taken: Set<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 60);
  let id = clean;
  for (let n = 2; taken.has(id); n++) id = `${clean.slice(0, 60 - String(n).length - 1)}-${n}`;
  taken.add(id);
  return id;
}

/** Options of {@link previewMds2} and {@link applyMds2}. */
export interface Mds2ApplyOptions {
  /** The uploaded file's name, used as the evidence document when the form has no document id (DOC-4). */
  fileName?: string;
}

const oneLine = (s: string, max: number) => s.replace(/\s+/g, ' ').trim().slice(0, max);

/** The evidence document's name: the form's document id (DOC-4), else the file name, else make and model. */
function documentName(profile: Mds2Profile, options: Mds2ApplyOptions): string {
  const d = profile.document;
  const name =
    d.documentId ??
    options.fileName ??
    (d.manufacturer || d.model ? `MDS2 ${d.manufacturer ?? ''} ${d.model ?? ''}` : 'MDS2 form');
  return oneLine(name, 200) || 'MDS2 form';
}

/** "PAUT-1 Yes; PAUT-5 Yes (note: ...)": the answers as given, at most `max` characters. */
function answersText(sources: Mds2Source[], max: number): string {
  return sources
    .map((s) => `${s.questionId} ${oneLine(s.text, 60) || s.answer}${s.note ? ` (note: ${oneLine(s.note, 200)})` : ''}`)
    .join('; ')
    .slice(0, max);
}

/**
 * Format 2.2 provenance of a fact derived from `sources`: question ids in `reference`, answers and
 * notes in `detail`, and on Device.evidence the `fact` it supports (a flag name, or
 * "interface:<id>"), which links it to the attack steps that depend on the fact.
 */
function evidenceOf(
  document: string,
  sha256: string,
  sources: Mds2Source[],
  what?: string,
  fact?: string,
): EvidenceSource {
  return {
    kind: 'MDS2',
    document,
    reference: oneLine(sources.map((s) => s.questionId).join(', '), 200) || 'MDS2',
    detail: `${what ? `${what}: ` : ''}${answersText(sources, 3800)}`,
    sha256,
    ...(fact ? { fact } : {}),
  };
}

/** Same source and text, whatever the fact link (evidence written before `fact` existed has none). */
const sameText = (a: EvidenceSource, b: EvidenceSource) =>
  a.kind === b.kind && a.document === b.document && a.reference === b.reference && a.detail === b.detail;
const sameEvidence = (a: EvidenceSource, b: EvidenceSource) => sameText(a, b) && a.fact === b.fact;

const API_KINDS = new Set(['REST_API', 'FHIR_API', 'HL7', 'DICOM']);

function physicalAccess(zone: Zone): boolean {
  return zone.physicalAccess ?? (zone.kind === 'PHYSICAL_ACCESS' || zone.kind === 'PATIENT_HOME');
}

/**
 * The part of a model whose applicability facts depend on `device`: the zones, the device, the
 * peers of its channels, its interfaces and its channels; `ids` are the elements a placement
 * concerning the device can sit on (the device, its interfaces, its channels).
 */
function neighbourhood(doc: ModelDocument, device: Device) {
  const interfaces = doc.interfaces.filter((i) => i.deviceId === device.id);
  const channels = doc.channels.filter((c) => c.fromDeviceId === device.id || c.toDeviceId === device.id);
  const peers = new Set(channels.flatMap((c) => [c.fromDeviceId, c.toDeviceId]));
  const model = {
    zones: doc.zones,
    devices: doc.devices.filter((d) => d.id === device.id || peers.has(d.id)),
    interfaces: doc.interfaces.filter((i) => i.deviceId === device.id || peers.has(i.deviceId)),
    channels: doc.channels.filter((c) => peers.has(c.fromDeviceId) && peers.has(c.toDeviceId)),
  };
  return { model, ids: new Set([device.id, ...interfaces.map((i) => i.id), ...channels.map((c) => c.id)]) };
}

/** Works on a copy of `doc`: the plan and the document it leads to. */
function plan(
  input: ModelDocument,
  catalogue: Catalogue,
  profile: Mds2Profile,
  target: Mds2Target,
  options: Mds2ApplyOptions,
): { doc: ModelDocument; preview: Mds2Preview } {
  const doc = structuredClone(input);
  const docName = documentName(profile, options);
  const devices = mds2TargetDevices(doc, target);
  const taken = new Set<string>(
    [
      doc.zones,
      doc.devices,
      doc.interfaces,
      doc.channels,
      doc.assets,
      doc.vulnerabilities,
      doc.controlPlacements,
    ].flatMap((l: { id: string }[]) => l.map((e) => e.id)),
  );
  const zoneById = new Map(doc.zones.map((z) => [z.id, z]));
  const controlById = new Map(catalogue.controls.map((c) => [c.id, c]));
  const absentControls = new Map<string, Mds2AbsentCapability[]>();
  for (const a of profile.absent)
    if (a.controlId) absentControls.set(a.controlId, [...(absentControls.get(a.controlId) ?? []), a]);

  const previews: Mds2DevicePreview[] = [];
  for (const device of devices) {
    const p: Mds2DevicePreview = {
      deviceId: device.id,
      deviceName: device.name,
      changes: [],
      confirmed: [],
      notPlaced: [],
      conflicts: [],
      absent: profile.absent,
      expectations: [],
    };
    previews.push(p);
    const evidence: EvidenceSource[] = [];
    const evidenceSources: Mds2Source[] = [];
    const witness = (what: string, sources: Mds2Source[], fact: string) => {
      const e = evidenceOf(docName, profile.sha256, sources, what, fact);
      if ([...(device.evidence ?? []), ...evidence].some((x) => sameEvidence(x, e))) return;
      evidence.push(e);
      evidenceSources.push(...sources);
    };

    // 1. Flags.
    for (const f of profile.flags) {
      const from = f.field === 'executesSoftware' ? deviceExecutesSoftware(device) : device[f.field];
      if (from === f.value) {
        witness(`${f.field} = ${String(f.value)}`, f.sources, f.field);
        p.confirmed.push({ elementId: device.id, what: `${f.field} = ${String(f.value)}`, sources: f.sources });
        continue;
      }
      // A flag change that would leave an existing placement where its control cannot exist (C19 on
      // a device that stores nothing, C06 on one that cannot be patched) is not made: a conflict.
      const local = neighbourhood(doc, device);
      const factsBefore = elementFacts(local.model);
      const raw = device[f.field];
      device[f.field] = f.value;
      const factsAfter = elementFacts(local.model);
      const broken = doc.controlPlacements.filter((pl) => {
        const control = controlById.get(pl.controlId);
        const was = factsBefore.get(pl.elementId);
        const now = factsAfter.get(pl.elementId);
        return (
          local.ids.has(pl.elementId) &&
          control &&
          was &&
          now &&
          !placementMisfit(control, was) &&
          placementMisfit(control, now)
        );
      });
      if (broken.length > 0) {
        if (raw === undefined) delete device[f.field];
        else device[f.field] = raw;
        p.conflicts.push({
          elementId: device.id,
          message: `the MDS2 gives ${f.field} = ${String(f.value)}, but then ${broken
            .map((pl) => `${pl.controlId} on '${pl.elementId}'`)
            .join(', ')} could not exist; the flag is left as it is: check the model or the form`,
          sources: f.sources,
        });
        continue;
      }
      witness(`${f.field} = ${String(f.value)}`, f.sources, f.field);
      p.changes.push({ kind: 'SET_FLAG', deviceId: device.id, field: f.field, from, to: f.value, sources: f.sources });
    }

    // 2. Interfaces, matched one to one by kind.
    const own = () => doc.interfaces.filter((i) => i.deviceId === device.id);
    const unmatched = own();
    const deviceZones = device.zoneIds.map((id) => zoneById.get(id)).filter((z): z is Zone => z !== undefined);
    for (const fact of profile.interfaces) {
      const k = unmatched.findIndex((i) => i.kind === fact.kind);
      if (k >= 0) {
        const [match] = unmatched.splice(k, 1);
        witness(`${fact.kind} interface`, fact.sources, `${INTERFACE_FACT_PREFIX}${match!.id}`);
        p.confirmed.push({ elementId: match!.id, what: `${fact.kind} interface`, sources: fact.sources });
        continue;
      }
      let zones: string[];
      if (fact.physical) {
        const here = deviceZones.filter(physicalAccess).map((z) => z.id);
        const anywhere = doc.zones.filter((z) => z.kind === 'PHYSICAL_ACCESS').map((z) => z.id);
        zones = here.length ? here : anywhere.length ? anywhere : device.zoneIds;
      } else if (fact.kind === 'REMOTE_SERVICE') {
        const vendor = doc.zones.filter((z) => z.kind === 'VENDOR_REMOTE_ACCESS').map((z) => z.id);
        zones = vendor.length ? vendor : device.zoneIds;
      } else {
        const networks = deviceZones.filter(zoneIsNetwork).map((z) => z.id);
        zones = networks.length ? networks : device.zoneIds;
      }
      const created: Interface = {
        id: uniqueId(`if-${device.id}-mds2-${fact.kind.toLowerCase()}`, taken),
        deviceId: device.id,
        name: fact.name,
        kind: fact.kind,
        exposedToZoneIds: [...new Set(zones)],
        authentication: fact.authentication,
        ...(fact.functions ? { functions: [...fact.functions] } : {}),
      };
      doc.interfaces.push(created);
      witness(`${fact.kind} interface`, fact.sources, `${INTERFACE_FACT_PREFIX}${created.id}`);
      p.changes.push({ kind: 'ADD_INTERFACE', deviceId: device.id, interface: created, sources: fact.sources });
    }
    for (const denied of profile.deniedInterfaces)
      for (const i of own().filter((x) => x.kind === denied.kind))
        p.conflicts.push({
          elementId: i.id,
          message: `the model has ${i.kind} interface '${i.name}' but the MDS2 says the device has none; check the model or the form`,
          sources: denied.sources,
        });
    for (const e of profile.expectations) {
      const channels = doc.channels.filter((c) => c.fromDeviceId === device.id || c.toDeviceId === device.id);
      const met =
        e.kind === 'WIRELESS_CHANNEL'
          ? channels.some((c) => c.technology === e.technology)
          : e.kind === 'EXTERNAL_CONNECTION'
            ? (device.outboundZoneIds?.length ?? 0) > 0
            : e.kind === 'REMOTE_UPDATES'
              ? channels.some((c) => c.toDeviceId === device.id && c.carries.includes('FIRMWARE'))
              : channels.some((c) => c.toDeviceId === device.id && c.carries.includes('COMMANDS'));
      if (!met) p.expectations.push(e);
    }

    // 3. Controls, on the document as it now is.
    const facts = elementFacts(doc);
    const targets = (t: Mds2ControlTarget): { ids: string[]; none: string } => {
      const ifaces = own();
      const channels = doc.channels.filter((c) => c.fromDeviceId === device.id || c.toDeviceId === device.id);
      switch (t) {
        case 'DEVICE':
          return { ids: [device.id], none: '' };
        case 'USER_INTERFACES':
          return {
            ids: ifaces.filter(interfaceHasUserSession).map((i) => i.id),
            none: 'the device has no interface with user sessions in the model',
          };
        case 'API_INTERFACES':
          return {
            ids: ifaces.filter((i) => API_KINDS.has(i.kind)).map((i) => i.id),
            none: 'the device has no API interface (REST, FHIR, HL7, DICOM) in the model',
          };
        case 'IP_INTERFACES':
          return {
            ids: ifaces.filter((i) => IP_INTERFACE_KINDS.includes(i.kind)).map((i) => i.id),
            none: 'the device has no IP interface in the model',
          };
        case 'REMOTE_SERVICE_INTERFACE':
          return {
            ids: ifaces.filter((i) => i.kind === 'REMOTE_SERVICE').map((i) => i.id),
            none: 'the device has no remote-service interface in the model',
          };
        case 'PERSONAL_DATA_IP_CHANNELS':
          return {
            ids: channels
              .filter((c) => IP_TECHNOLOGIES.includes(c.technology) && c.carries.includes('PERSONAL_DATA'))
              .map((c) => c.id),
            none: 'no IP channel of the device carries personal data in the model',
          };
        case 'CHANNELS':
          return { ids: channels.map((c) => c.id), none: 'the device has no channel in the model' };
      }
    };
    const placeOne = (fact: Mds2ControlFact) => {
      const control = controlById.get(fact.controlId);
      if (!control) {
        p.notPlaced.push({
          controlId: fact.controlId,
          reason: `control ${fact.controlId} is not in the catalogue in use`,
          sources: fact.sources,
        });
        return;
      }
      const { ids, none } = targets(fact.target);
      if (ids.length === 0) p.notPlaced.push({ controlId: fact.controlId, reason: none, sources: fact.sources });
      for (const elementId of ids) {
        const misfit = placementMisfit(control, facts.get(elementId)!);
        if (misfit) {
          p.notPlaced.push({ controlId: fact.controlId, elementId, reason: misfit, sources: fact.sources });
          continue;
        }
        const existing = doc.controlPlacements.find((x) => x.controlId === fact.controlId && x.elementId === elementId);
        if (existing) {
          if (existing.status === 'PLANNED' && fact.status === 'IMPLEMENTED') {
            existing.status = 'IMPLEMENTED';
            p.changes.push({
              kind: 'SET_PLACEMENT_STATUS',
              deviceId: device.id,
              placementId: existing.id,
              controlId: fact.controlId,
              elementId,
              from: 'PLANNED',
              to: 'IMPLEMENTED',
              sources: fact.sources,
            });
          } else p.confirmed.push({ elementId, what: `${fact.controlId} ${existing.status}`, sources: fact.sources });
          continue;
        }
        const placement: ControlPlacement = {
          id: uniqueId(`pl-mds2-${fact.controlId.toLowerCase()}-${elementId}`, taken),
          controlId: fact.controlId,
          elementId,
          status: fact.status,
          note: oneLine(`MDS2 ${docName}: ${answersText(fact.sources, 3700)}`, 4000),
          source: evidenceOf(docName, profile.sha256, fact.sources),
        };
        doc.controlPlacements.push(placement);
        p.changes.push({ kind: 'ADD_PLACEMENT', deviceId: device.id, placement, sources: fact.sources });
      }
    };
    profile.controls.forEach(placeOne);

    if (evidence.length > 0) {
      // Evidence of an earlier import of the same form without its fact link gives way to the linked entry.
      const kept = (device.evidence ?? []).filter((x) => x.fact !== undefined || !evidence.some((e) => sameText(x, e)));
      device.evidence = [...kept, ...evidence];
      p.changes.push({ kind: 'ADD_EVIDENCE', deviceId: device.id, evidence, sources: [...new Set(evidenceSources)] });
    }

    // 4. Conflicts: IMPLEMENTED placements of controls the MDS2 says the device lacks.
    const mine = new Set([device.id, ...own().map((i) => i.id)]);
    for (const c of doc.channels) if (c.fromDeviceId === device.id || c.toDeviceId === device.id) mine.add(c.id);
    for (const pl of doc.controlPlacements) {
      const reasons = absentControls.get(pl.controlId);
      if (!reasons || pl.status !== 'IMPLEMENTED' || !mine.has(pl.elementId)) continue;
      // Wireless/channel-level placements of C20 stay credible when only a device-side gap is named.
      p.conflicts.push({
        elementId: pl.elementId,
        message: `the model has ${pl.controlId} IMPLEMENTED on '${pl.elementId}' but the MDS2 says: ${reasons.map((r) => r.what).join('; ')}`,
        sources: reasons.flatMap((r) => r.sources),
      });
    }
  }
  return {
    doc,
    preview: {
      sha256: profile.sha256,
      ...(profile.document.documentId ? { documentId: profile.document.documentId } : {}),
      devices: previews,
      review: profile.review,
      notApplicable: profile.notApplicable,
      warnings: profile.warnings,
    },
  };
}

/**
 * What applying an MDS2 profile to the target devices would change, per device, each change with
 * its sources; plus controls not placed (with the applicability rule that refused them), conflicts
 * with the model, capabilities the MDS2 says are absent, expectations the model does not meet yet
 * (channels, external connections) and answers to review ("See note", unrecognised).
 *
 * @param doc A valid model document (not modified).
 * @throws ValidationError (path "target", "target.deviceId") when the target names no device.
 */
export function previewMds2(
  doc: ModelDocument,
  catalogue: Catalogue,
  profile: Mds2Profile,
  target: Mds2Target,
  options: Mds2ApplyOptions = {},
): Mds2Preview {
  return plan(doc, catalogue, profile, target, options).preview;
}

/**
 * Applies an MDS2 profile: the document with the changes of {@link previewMds2} made.
 *
 * @param doc A valid model document (not modified).
 * @returns The new document, checked by validateModelDocument (schema, references, applicability),
 *   and the preview it implements.
 * @throws ValidationError when the target names no device, or when the result fails validation
 *   (which would be a bug here: every placement is checked for applicability first).
 */
export function applyMds2(
  doc: ModelDocument,
  catalogue: Catalogue,
  profile: Mds2Profile,
  target: Mds2Target,
  options: Mds2ApplyOptions = {},
): { document: ModelDocument; preview: Mds2Preview } {
  const { doc: next, preview } = plan(doc, catalogue, profile, target, options);
  return { document: validateModelDocument(next, catalogue), preview };
}

/**
 * The whole import in one call, for the CLI and the upload route: reads the workbook, derives the
 * profile, and applies it to `target`, or, when no target is given, to every device of the
 * manufacturer (DOC-1) and model (DOC-3) the form names.
 *
 * @param bytes The uploaded .xlsx file.
 * @param doc A valid model document (not modified).
 * @returns The new document (validated) and the preview of what changed.
 * @throws ValidationError: from {@link readMds2Workbook} (path "file" or "Sheet!A1"); path
 *   "target" when no target is given and the form lacks DOC-1 or DOC-3, or no device matches.
 */
export async function importMds2(
  bytes: Uint8Array,
  doc: ModelDocument,
  catalogue: Catalogue,
  target?: Mds2Target,
  options: Mds2ApplyOptions & ReadMds2Options = {},
): Promise<{ document: ModelDocument; preview: Mds2Preview }> {
  const workbook = await readMds2Workbook(bytes, options);
  const profile = deriveMds2Profile(workbook);
  const { manufacturer, model } = workbook.document;
  if (!target && (!manufacturer || !model))
    throw new ValidationError(
      'the form does not name its manufacturer (DOC-1) and model (DOC-3); name the device or the make and model to apply it to',
      'target',
    );
  return applyMds2(doc, catalogue, profile, target ?? { manufacturer: manufacturer!, modelName: model! }, options);
}
