/**
 * What changed between two versions of a model document (issue #5 item 5): per element kind the
 * elements added, removed and changed (with each changed field's before and after value), the
 * model header fields changed, and the control placements called out with control, element and
 * status. Pure: no I/O. Risk totals are computed by the service (they need the engine).
 *
 * Elements are matched by id (ids are unique across all kinds of a document, and never reused
 * for another element by the service). Values are compared in the canonical form
 * (canonicalModelDocument), so list order inside an element (zoneIds, carries, …) never counts as
 * a change.
 */
import { canonicalModelDocument } from './model-document';
import { ELEMENT_KINDS, type HistoryElementKind } from './model-history';
import type { ModelDocument, PlacementStatus } from './types';

/** One field that differs. `before`/`after` are JSON values; null = the field is absent. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** An element that is only on one side of the diff. */
export interface DiffElement {
  id: string;
  /** Display name: `name`, the CVE id of a vulnerability, "C05 on <element name>" for a placement. */
  name: string;
  /** The whole element (exchange format) on the side where it exists. */
  element: Record<string, unknown>;
}

/** An element on both sides whose fields differ. */
export interface ChangedElement {
  id: string;
  /** Display name on the `to` side. */
  name: string;
  /** The fields that differ, in the order of the exchange format. */
  fields: FieldChange[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** The changes of one element kind, each list sorted by id. */
export interface ElementKindDiff {
  kind: HistoryElementKind;
  added: DiffElement[];
  removed: DiffElement[];
  changed: ChangedElement[];
}

/** A control placement added, removed or changed, with what a review meeting reads. */
export interface PlacementDiffEntry {
  /** Placement id. */
  id: string;
  /** Catalogue control (on the `to` side; the `from` side for a removed placement). */
  controlId: string;
  /** The element the control sits on (same side as controlId). */
  elementId: string;
  /** That element's name in the same document, or null if it is not there. */
  elementName: string | null;
  /** Status on the `to` side (the `from` side for a removed placement). */
  status: PlacementStatus;
  /** null when the placement was added. */
  statusBefore: PlacementStatus | null;
  /** null when the placement was removed. */
  statusAfter: PlacementStatus | null;
  /** The fields that differ (changed placements only; empty otherwise). */
  fields: FieldChange[];
}

/** The whole structural diff of two documents. */
export interface ModelDocumentDiff {
  /** True when the two documents are equal (canonical form). */
  identical: boolean;
  /** Elements added, removed or changed, all kinds together (the header does not count). */
  changeCount: number;
  /** Model header fields that differ (name, description). */
  model: FieldChange[];
  /** One entry per element kind, always all seven, in exchange-format order. */
  kinds: ElementKindDiff[];
  /** Control placements again, called out with control, element and status. */
  controlPlacements: { added: PlacementDiffEntry[]; removed: PlacementDiffEntry[]; changed: PlacementDiffEntry[] };
}

type Element = Record<string, unknown> & { id: string };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Fields of two versions of one element that differ (absent and null count as the same), in key
 * order of `after`, then keys only `before` has.
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  return keys
    .filter((k) => !same(before[k] ?? null, after[k] ?? null))
    .map((k) => ({ field: k, before: before[k] ?? null, after: after[k] ?? null }));
}

/** Names of every element of a document by id (for placement labels). */
function namesOf(doc: ModelDocument): Map<string, string> {
  const names = new Map<string, string>();
  for (const kind of ELEMENT_KINDS) {
    for (const e of doc[kind] as unknown as Element[]) {
      if (typeof e['name'] === 'string') names.set(e.id, e['name']);
    }
  }
  return names;
}

function displayName(kind: HistoryElementKind, e: Element, names: Map<string, string>): string {
  if (kind === 'vulnerabilities') return String(e['cveId']);
  if (kind === 'controlPlacements') {
    const on = String(e['elementId']);
    return `${String(e['controlId'])} on ${names.get(on) ?? on}`;
  }
  return typeof e['name'] === 'string' ? e['name'] : e.id;
}

/**
 * The diff from `from` to `to`. Neither document is modified; both may be in any list order.
 * Every list in the result is sorted by element id.
 */
export function diffModelDocuments(from: ModelDocument, to: ModelDocument): ModelDocumentDiff {
  const a = canonicalModelDocument(from);
  const b = canonicalModelDocument(to);
  const namesA = namesOf(a);
  const namesB = namesOf(b);
  const kinds: ElementKindDiff[] = ELEMENT_KINDS.map((kind) => {
    const before = new Map((a[kind] as unknown as Element[]).map((e) => [e.id, e]));
    const after = new Map((b[kind] as unknown as Element[]).map((e) => [e.id, e]));
    const diff: ElementKindDiff = { kind, added: [], removed: [], changed: [] };
    for (const [id, e] of before) {
      if (!after.has(id)) diff.removed.push({ id, name: displayName(kind, e, namesA), element: e });
    }
    for (const [id, e] of after) {
      const old = before.get(id);
      if (!old) {
        diff.added.push({ id, name: displayName(kind, e, namesB), element: e });
        continue;
      }
      const fields = changedFields(old, e);
      if (fields.length) diff.changed.push({ id, name: displayName(kind, e, namesB), fields, before: old, after: e });
    }
    return diff;
  });
  const model = changedFields(
    a.model as unknown as Record<string, unknown>,
    b.model as unknown as Record<string, unknown>,
  ).filter((f) => f.field !== 'id');
  const placements = kinds.find((k) => k.kind === 'controlPlacements')!;
  const entry = (
    e: Record<string, unknown>,
    names: Map<string, string>,
    statusBefore: PlacementStatus | null,
    statusAfter: PlacementStatus | null,
    fields: FieldChange[] = [],
  ): PlacementDiffEntry => ({
    id: String(e['id']),
    controlId: String(e['controlId']),
    elementId: String(e['elementId']),
    elementName: names.get(String(e['elementId'])) ?? null,
    status: e['status'] as PlacementStatus,
    statusBefore,
    statusAfter,
    fields,
  });
  const changeCount = kinds.reduce((n, k) => n + k.added.length + k.removed.length + k.changed.length, 0);
  return {
    identical: changeCount === 0 && model.length === 0,
    changeCount,
    model,
    kinds,
    controlPlacements: {
      added: placements.added.map((p) => entry(p.element, namesB, null, p.element['status'] as PlacementStatus)),
      removed: placements.removed.map((p) => entry(p.element, namesA, p.element['status'] as PlacementStatus, null)),
      changed: placements.changed.map((p) =>
        entry(p.after, namesB, p.before['status'] as PlacementStatus, p.after['status'] as PlacementStatus, p.fields),
      ),
    },
  };
}
