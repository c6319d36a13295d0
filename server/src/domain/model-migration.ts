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
 * Pure: the input is not modified.
 */
import { MODEL_FORMAT_VERSION, type Channel } from './types';

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
 * Migrates a document of any readable version to the current one ({@link MODEL_FORMAT_VERSION}).
 * A document that is not an object, or whose version is unknown, is returned unchanged: schema
 * validation then reports it with its path.
 */
export function migrateModelDocument(input: unknown): MigrationResult {
  if (!isRecord(input)) return { document: input, fromVersion: undefined, changes: [] };
  const fromVersion = typeof input.formatVersion === 'string' ? input.formatVersion : undefined;
  if (fromVersion !== '1.0') return { document: input, fromVersion, changes: [] };
  const changes: MigrationChange[] = [];
  const doc: Record<string, unknown> = { ...input, formatVersion: MODEL_FORMAT_VERSION };

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
  return { document: doc, fromVersion, changes };
}
