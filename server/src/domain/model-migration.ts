/**
 * Exchange-format migration: every document read (an import, a stored snapshot, an audit
 * before-image) goes through {@link migrateModelDocument}, so a 1.0 document becomes a valid 2.0 one.
 *
 * Versioning policy (docs/attack-model.md "Exchange format"): the major version changes the meaning
 * of existing fields; a 2.x minor version only adds optional fields, each with a documented default
 * that the engine applies when the field is absent, and its own step here and round-trip test.
 *
 * 1.0 → 2.0:
 * - `formatVersion` becomes "2.0";
 * - exact duplicate channels (same ends, interfaces, technology, mechanisms, payload and zones,
 *   names aside) are merged into the first by id; control placements and vulnerabilities on a
 *   dropped copy move to the kept channel (or are dropped when the kept one has the same control);
 * - the fields new in 2.0 stay absent: their defaults (interface functions by kind, per-impact
 *   severities by asset kind, physical access and network by zone kind) are the 1.0 meaning made
 *   explicit, applied by the engine (domain/types.ts `interfaceFunctions`, `assetSafetySeverities`,
 *   `assetDisclosureRecords`, `zoneGivesPhysicalAccess`, `zoneIsNetwork`).
 * 2.0 → 2.1 (controls v2): channel extrinsic mechanisms become control placements
 * ({@link migrate2to21}); placements that no longer fit their element are kept (the model's
 * control review lists them; the engine ignores them).
 * 2.1 → 2.2 (imported evidence): only `formatVersion` changes. The new optional fields
 * (vulnerability status, remediation and source; placement source; device softwareVersion,
 * components and evidence) stay absent: an absent status is AFFECTED, as every vulnerability was
 * read before 2.2.
 * 2.2 → 2.3 (emergency operation): only `formatVersion` changes. `Device.emergencyOperation`
 * stays absent: its default by category (ventilators) applies. A login control placed on such a
 * device's bedside controls in an older document no longer fits; it is kept (the model's control
 * review lists it as NOT_APPLICABLE; the engine ignores it), see validateModelDocument.
 *
 * Pure: the input is not modified.
 */
import { EXTRINSIC_MECHANISM_CONTROL, type Channel, type ExtrinsicMechanism } from './types';

/** One change the migration made, for the import result and the migration report. */
export interface MigrationChange {
  /** Path of the element concerned in the input document, e.g. "channels[3]". */
  path: string;
  message: string;
}

/** The migrated document (still unvalidated) and what changed. */
export interface MigrationResult {
  document: unknown;
  fromVersion: string | undefined;
  changes: MigrationChange[];
}

/** The key under which two channels are exact duplicates (everything but id and name). */
export function channelIdentityKey(c: Channel): string {
  const sorted = (xs: readonly string[] | undefined) => [...new Set(xs ?? [])].sort();
  return JSON.stringify([
    c.fromDeviceId,
    c.toDeviceId,
    c.fromInterfaceId ?? null,
    c.toInterfaceId ?? null,
    c.technology,
    c.intrinsicMechanism,
    sorted(c.extrinsicMechanisms),
    sorted(c.carries),
    sorted(c.zoneIds),
  ]);
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Migrates a document of any readable version to the current one (MODEL_FORMAT_VERSION, 2.3).
 * A document that is not an object, or whose version is unknown, is returned unchanged: schema
 * validation then reports it with its path.
 */
export function migrateModelDocument(input: unknown): MigrationResult {
  if (!isRecord(input)) return { document: input, fromVersion: undefined, changes: [] };
  const fromVersion = typeof input.formatVersion === 'string' ? input.formatVersion : undefined;
  if (fromVersion === '1.0') {
    const step = migrate1to2(input);
    const next = migrate2to21(step.document);
    return {
      document: migrate22to23(migrate21to22(next.document)),
      fromVersion,
      changes: [...step.changes, ...next.changes],
    };
  }
  if (fromVersion === '2.0') {
    const next = migrate2to21(input);
    return { document: migrate22to23(migrate21to22(next.document)), fromVersion, changes: next.changes };
  }
  if (fromVersion === '2.1') return { document: migrate22to23(migrate21to22(input)), fromVersion, changes: [] };
  if (fromVersion === '2.2') return { document: migrate22to23(input), fromVersion, changes: [] };
  return { document: input, fromVersion, changes: [] };
}

/** 2.1 → 2.2: a version bump only (the fields new in 2.2 are optional and stay absent). */
function migrate21to22(input: Record<string, unknown>): Record<string, unknown> {
  return { ...input, formatVersion: '2.2' };
}

/** 2.2 → 2.3: a version bump only (`Device.emergencyOperation` is optional and stays absent). */
function migrate22to23(input: Record<string, unknown>): Record<string, unknown> {
  return { ...input, formatVersion: '2.3' };
}

/**
 * 2.0 → 2.1 (controls v2, one representation): each extrinsic mechanism of a channel becomes an
 * IMPLEMENTED placement of its control on the channel (TLS/VPN → C20, APPLICATION_ENCRYPTION →
 * C26, CHALLENGE_RESPONSE → C27, MESSAGE_AUTHENTICATION → C21) unless that control is already
 * placed there (a PLANNED placement becomes IMPLEMENTED), and the channel's list is emptied.
 * The new placement's id is `<channelId>.<controlId>` (or `mig-<n>` when that is taken or too
 * long). The new optional fields (bodyLocation, executesSoftware, userSession) stay absent.
 */
function migrate2to21(input: Record<string, unknown>): {
  document: Record<string, unknown>;
  changes: MigrationChange[];
} {
  const changes: MigrationChange[] = [];
  const doc: Record<string, unknown> = { ...input, formatVersion: '2.1' };
  if (!Array.isArray(input.channels) || !Array.isArray(input.controlPlacements)) return { document: doc, changes };
  const placements = input.controlPlacements.map((p) => (isRecord(p) ? { ...p } : p)) as unknown[];
  const used = new Set<string>();
  for (const list of ['zones', 'devices', 'interfaces', 'channels', 'assets', 'vulnerabilities', 'controlPlacements']) {
    const l = input[list];
    if (Array.isArray(l)) for (const x of l) if (isRecord(x) && typeof x.id === 'string') used.add(x.id);
  }
  let seq = 0;
  const created = new Set<unknown>();
  const freshId = (preferred: string): string => {
    if (preferred.length <= 40 && /^[A-Za-z0-9_.-]+$/.test(preferred) && !used.has(preferred)) {
      used.add(preferred);
      return preferred;
    }
    let id: string;
    do id = `mig-${++seq}`;
    while (used.has(id));
    used.add(id);
    return id;
  };
  const channels = input.channels.map((c, i) => {
    if (!isRecord(c) || !Array.isArray(c.extrinsicMechanisms) || c.extrinsicMechanisms.length === 0) return c;
    if (typeof c.id !== 'string') return c;
    for (const mechanism of c.extrinsicMechanisms) {
      const controlId = (EXTRINSIC_MECHANISM_CONTROL as Record<string, string | undefined>)[String(mechanism)];
      if (controlId === undefined) return c; // unknown value: left for schema validation to report
    }
    for (const mechanism of c.extrinsicMechanisms as string[]) {
      const controlId = EXTRINSIC_MECHANISM_CONTROL[mechanism as ExtrinsicMechanism];
      const existing = placements.find(
        (p): p is Record<string, unknown> => isRecord(p) && p.controlId === controlId && p.elementId === c.id,
      );
      if (existing && created.has(existing)) {
        changes.push({
          path: `channels[${i}].extrinsicMechanisms`,
          message: `${mechanism} on '${c.id}' maps to the same placement '${String(existing.id)}' of ${controlId}`,
        });
        continue;
      }
      if (existing) {
        if (existing.status !== 'IMPLEMENTED') {
          existing.status = 'IMPLEMENTED';
          changes.push({
            path: `channels[${i}].extrinsicMechanisms`,
            message: `${mechanism} on '${c.id}' is in force: its placement '${String(existing.id)}' of ${controlId} becomes IMPLEMENTED`,
          });
        } else
          changes.push({
            path: `channels[${i}].extrinsicMechanisms`,
            message: `${mechanism} on '${c.id}' was also placement '${String(existing.id)}' of ${controlId}: kept once, as the placement`,
          });
        continue;
      }
      const id = freshId(`${c.id}.${controlId}`);
      const placement = { id, controlId, elementId: c.id, status: 'IMPLEMENTED' };
      created.add(placement);
      placements.push(placement);
      changes.push({
        path: `channels[${i}].extrinsicMechanisms`,
        message: `${mechanism} on '${c.id}' became placement '${id}' of ${controlId} (IMPLEMENTED)`,
      });
    }
    return { ...c, extrinsicMechanisms: [] };
  });
  doc.channels = channels;
  doc.controlPlacements = placements;
  return { document: doc, changes };
}

/** 1.0 → 2.0: duplicate channels merged (see the module comment). */
function migrate1to2(input: Record<string, unknown>): {
  document: Record<string, unknown>;
  changes: MigrationChange[];
} {
  const changes: MigrationChange[] = [];
  const doc: Record<string, unknown> = { ...input, formatVersion: '2.0' };

  if (Array.isArray(input.channels) && input.channels.every(isRecord)) {
    const channels = input.channels as unknown as Channel[];
    const order = channels.map((c, i) => ({ c, i })).sort((a, b) => (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
    const keptByKey = new Map<string, string>();
    const replacedBy = new Map<string, string>();
    for (const { c, i } of order) {
      let key: string;
      try {
        key = channelIdentityKey(c);
      } catch {
        continue;
      }
      const kept = keptByKey.get(key);
      if (kept === undefined) keptByKey.set(key, c.id);
      else {
        replacedBy.set(c.id, kept);
        changes.push({
          path: `channels[${i}]`,
          message: `channel '${c.id}' is an exact copy of channel '${kept}' (same ends, technology, mechanisms, payload and zones): merged into '${kept}'`,
        });
      }
    }
    if (replacedBy.size > 0) {
      doc.channels = channels.filter((c) => !replacedBy.has(c.id));
      const moveRefs = (
        listName: 'controlPlacements' | 'vulnerabilities',
        keyOf: (x: Record<string, unknown>) => string,
      ) => {
        const list = input[listName];
        if (!Array.isArray(list)) return;
        const seen = new Set<string>();
        const out: unknown[] = [];
        list.forEach((x, i) => {
          if (!isRecord(x) || typeof x.elementId !== 'string') return void out.push(x);
          const target = replacedBy.get(x.elementId);
          const moved = target === undefined ? x : { ...x, elementId: target };
          const k = keyOf(moved);
          if (target !== undefined && seen.has(k)) {
            changes.push({
              path: `${listName}[${i}]`,
              message: `'${String(x.id)}' was on the merged copy '${x.elementId}' and duplicates one on '${target}': dropped`,
            });
            return;
          }
          if (target !== undefined)
            changes.push({
              path: `${listName}[${i}]`,
              message: `'${String(x.id)}' moved from '${x.elementId}' to '${target}'`,
            });
          seen.add(k);
          out.push(moved);
        });
        doc[listName] = out;
      };
      moveRefs('controlPlacements', (x) => `${String(x.controlId)}\u0000${String(x.elementId)}`);
      moveRefs('vulnerabilities', (x) => `${String(x.cveId)}\u0000${String(x.elementId)}`);
    }
  }
  return { document: doc, changes };
}
