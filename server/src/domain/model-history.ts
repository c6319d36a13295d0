/**
 * The model at an earlier version, rebuilt from the audit trail (issue #5 item 5). Pure: no I/O.
 *
 * Every change to a model writes, in its own transaction, one audit entry carrying the version it
 * produced and the before/after image of every element it touched (ModelService.change). So the
 * document at version v is the document at version V > v with, for each entry V, V-1, …, v+1 in
 * turn, every touched element replaced by its `before` image (null = absent). Model header edits
 * (name, description) are undone the same way. An import carries no element images (a model can
 * hold 10k+ devices), so the walk cannot pass one. An import with replace (issue #11 item 3)
 * instead keeps an AUTOMATIC snapshot of the document it replaced, at the version before it, in
 * its own transaction, and names it in its audit entry (a change of kind 'snapshot'): the walk to
 * a version before the import starts from that snapshot ({@link rewindStart}). Only imports from
 * before that (or whose snapshot an ADMIN deleted) still end the history.
 */
import { canonicalModelDocument, ELEMENT_LISTS } from './model-document';
import type { ModelDocument } from './types';

/** The element lists of a document, by the `kind` an audit change records (model-document's list). */
export const ELEMENT_KINDS = ELEMENT_LISTS;
export type HistoryElementKind = (typeof ELEMENT_KINDS)[number];

/** One change of an audit entry: the element (or 'model' header) before and after; null = absent. */
export interface HistoryChange {
  kind: string;
  id: string;
  before: unknown;
  after: unknown;
}

/** One audit entry of a model: the version it produced and what it changed. */
export interface HistoryEntry {
  modelVersion: number | null;
  changes: HistoryChange[];
}

/** Why versions before {@link HistoryGapError.version} cannot be rebuilt. */
export type HistoryGapReason = 'IMPORT' | 'MISSING';

/**
 * Versions before `version` cannot be rebuilt: the entry of `version` replaced the whole model
 * (an import, reason IMPORT), or the audit trail has no entry for `version` (MISSING: written
 * before the audit trail existed). The service turns it into a client error naming the argument.
 */
export class HistoryGapError extends Error {
  constructor(
    readonly version: number,
    readonly reason: HistoryGapReason,
  ) {
    super(
      reason === 'IMPORT'
        ? `history before version ${version} was replaced by an import; use a snapshot`
        : `the audit trail has no entry for version ${version}, so versions before it cannot be rebuilt; use a snapshot`,
    );
    this.name = 'HistoryGapError';
  }
}

const isElementKind = (kind: string): kind is HistoryElementKind => (ELEMENT_KINDS as readonly string[]).includes(kind);

/** A model deletion entry (kind 'model', after null): never part of a living model's history. */
const isModelDeletion = (e: HistoryEntry): boolean =>
  e.changes.some((c) => c.kind === 'model' && c.after === null && c.before !== null);

/**
 * True when the entry can be undone: every change is an element change, or a change of the model
 * header with both images (name/description edit). A 'model' change without a before image is a
 * creation or an import, which replaces everything; any other kind ('document', unknown) counts
 * as not undoable, so an unknown entry never yields a wrong document.
 */
export function isReversible(entry: HistoryEntry): boolean {
  return entry.changes.every(
    (c) => isElementKind(c.kind) || (c.kind === 'model' && c.before !== null && c.after !== null),
  );
}

/** The AUTOMATIC snapshot an import with replace kept of the document it replaced. */
export interface KeptSnapshot {
  snapshotId: string;
  /** The version the snapshot holds: the import's version − 1. */
  modelVersion: number;
}

/**
 * The snapshot an entry that cannot be undone (an import with replace) kept of the document it
 * replaced: its change of kind 'snapshot' creating an AUTOMATIC snapshot at the version before
 * the entry. Null for any other entry (a creation, an import from before snapshots were kept).
 */
export function keptSnapshotOf(entry: HistoryEntry): KeptSnapshot | null {
  if (entry.modelVersion === null || isReversible(entry)) return null;
  for (const c of entry.changes) {
    if (c.kind !== 'snapshot' || c.before !== null || typeof c.after !== 'object' || c.after === null) continue;
    const after = c.after as { id?: unknown; kind?: unknown; modelVersion?: unknown };
    if (typeof after.id === 'string' && after.kind === 'AUTOMATIC' && after.modelVersion === entry.modelVersion - 1) {
      return { snapshotId: after.id, modelVersion: after.modelVersion };
    }
  }
  return null;
}

/**
 * The earliest version a model can be rebuilt at, given the entries that touch its header (or any
 * entries): the version of the newest entry that cannot be undone (its creation or an import),
 * or 1 when there is none. An import whose kept snapshot still exists (its id in
 * `keptSnapshotIds`) does not count: the versions before it rebuild from that snapshot.
 */
export function earliestRebuildableVersion(
  entries: readonly HistoryEntry[],
  keptSnapshotIds: ReadonlySet<string> = new Set(),
): number {
  let earliest = 1;
  for (const e of entries) {
    if (e.modelVersion === null || isModelDeletion(e)) continue;
    if (isReversible(e)) continue;
    const kept = keptSnapshotOf(e);
    if (kept && keptSnapshotIds.has(kept.snapshotId)) continue;
    earliest = Math.max(earliest, e.modelVersion);
  }
  return earliest;
}

/**
 * Where the walk back to `targetVersion` starts: null to start from the document at
 * `currentVersion`; otherwise the snapshot kept by the OLDEST import between the two (the walk
 * from it to `targetVersion` then crosses only entries that can be undone).
 * @param entries as {@link rewindDocument} takes them
 * @throws HistoryGapError (IMPORT) naming that import's version when it kept no snapshot
 */
export function rewindStart(
  entries: readonly HistoryEntry[],
  currentVersion: number,
  targetVersion: number,
): KeptSnapshot | null {
  let oldest: HistoryEntry | null = null;
  for (const e of entries) {
    if (e.modelVersion === null || isModelDeletion(e)) continue;
    if (e.modelVersion <= targetVersion || e.modelVersion > currentVersion || isReversible(e)) continue;
    if (!oldest || e.modelVersion < oldest.modelVersion!) oldest = e;
  }
  if (!oldest) return null;
  const kept = keptSnapshotOf(oldest);
  if (!kept) throw new HistoryGapError(oldest.modelVersion!, 'IMPORT');
  return kept;
}

/**
 * Rebuilds the document at `targetVersion` from the document at `currentVersion` and the audit
 * entries in between.
 *
 * @param current the document at `currentVersion` (not modified)
 * @param entries the model's entries with targetVersion < modelVersion ≤ currentVersion, any order;
 *   model deletions (of an earlier model with the same id) are ignored
 * @returns the canonical document at `targetVersion` (equal to what exportModel gave at that version)
 * @throws HistoryGapError (IMPORT) when an entry on the way cannot be undone, naming its version;
 *   (MISSING) when a version on the way has no entry
 * @throws Error when a version has two entries (a corrupt trail) or targetVersion > currentVersion
 */
export function rewindDocument(
  current: ModelDocument,
  currentVersion: number,
  entries: readonly HistoryEntry[],
  targetVersion: number,
): ModelDocument {
  if (targetVersion > currentVersion) {
    throw new Error(`cannot rewind forward: version ${targetVersion} is after ${currentVersion}`);
  }
  const byVersion = new Map<number, HistoryEntry>();
  for (const e of entries) {
    if (e.modelVersion === null || isModelDeletion(e)) continue;
    if (e.modelVersion <= targetVersion || e.modelVersion > currentVersion) continue;
    if (byVersion.has(e.modelVersion)) {
      throw new Error(`the audit trail has two entries for version ${e.modelVersion}`);
    }
    byVersion.set(e.modelVersion, e);
  }
  const lists = Object.fromEntries(
    ELEMENT_KINDS.map((k) => [k, new Map<string, unknown>((current[k] as { id: string }[]).map((x) => [x.id, x]))]),
  ) as Record<HistoryElementKind, Map<string, unknown>>;
  let model = { ...current.model };
  for (let v = currentVersion; v > targetVersion; v--) {
    const entry = byVersion.get(v);
    if (!entry) throw new HistoryGapError(v, 'MISSING');
    if (!isReversible(entry)) throw new HistoryGapError(v, 'IMPORT');
    // Within one entry every id appears once (ModelService.auditChanges), so the order is free.
    for (const c of entry.changes) {
      if (c.kind === 'model') {
        const before = c.before as { name: string; description?: string | null };
        model = { id: model.id, name: before.name };
        if (before.description !== undefined && before.description !== null) model.description = before.description;
        continue;
      }
      const list = lists[c.kind as HistoryElementKind];
      list.delete(c.id);
      if (c.before !== null && c.before !== undefined) list.set(c.id, c.before);
    }
  }
  const rebuilt = {
    formatVersion: current.formatVersion,
    model,
    ...Object.fromEntries(ELEMENT_KINDS.map((k) => [k, [...lists[k].values()]])),
  } as ModelDocument;
  return canonicalModelDocument(rebuilt);
}
