/**
 * Rebuilding earlier versions of a model from the audit trail (domain/model-history.ts), pure:
 * a simulated trail of element changes on the demo hospital, rewound to every version, gives the
 * document of that version; imports, gaps and header edits are handled as documented.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { canonicalModelDocument } from '../../server/src/domain/model-document';
import {
  ELEMENT_KINDS,
  HistoryGapError,
  earliestRebuildableVersion,
  isReversible,
  keptSnapshotOf,
  rewindDocument,
  rewindStart,
  type HistoryEntry,
  type HistoryElementKind,
} from '../../server/src/domain/model-history';
import type { ModelDocument } from '../../server/src/domain/types';

const DEMO = canonicalModelDocument(
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8')) as ModelDocument,
);

type El = { id: string } & Record<string, unknown>;
const list = (doc: ModelDocument, kind: HistoryElementKind) => doc[kind] as unknown as El[];

/** One step of a simulated trail: what to do to which element. */
type Op =
  | { op: 'update'; kind: HistoryElementKind; pick: number; name: string }
  | { op: 'delete'; kind: HistoryElementKind; pick: number }
  | { op: 'create'; n: number }
  | { op: 'header'; name: string };

/** Applies an op to a copy of `doc`, returning the new document and its audit entry's changes. */
function apply(doc: ModelDocument, op: Op): { doc: ModelDocument; changes: HistoryEntry['changes'] } {
  const next = structuredClone(doc);
  if (op.op === 'header') {
    const before = { id: doc.model.id, name: doc.model.name, description: doc.model.description ?? null };
    next.model = { ...next.model, name: op.name };
    return {
      doc: next,
      changes: [{ kind: 'model', id: doc.model.id, before, after: { ...before, name: op.name } }],
    };
  }
  if (op.op === 'create') {
    const zone = { id: `z-new-${op.n}`, name: `new zone ${op.n}`, kind: 'OTHER', entryPoint: false };
    next.zones.push(zone as ModelDocument['zones'][number]);
    return { doc: next, changes: [{ kind: 'zones', id: zone.id, before: null, after: zone }] };
  }
  const items = list(next, op.kind);
  if (items.length === 0) return { doc: next, changes: [] };
  const index = op.pick % items.length;
  const before = items[index]!;
  if (op.op === 'delete') {
    items.splice(index, 1);
    return { doc: next, changes: [{ kind: op.kind, id: before.id, before, after: null }] };
  }
  const after = { ...before, note: op.name, name: op.name };
  items[index] = after;
  return { doc: next, changes: [{ kind: op.kind, id: before.id, before, after }] };
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('update' as const),
    kind: fc.constantFrom(...ELEMENT_KINDS),
    pick: fc.nat(200),
    name: fc.string({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ op: fc.constant('delete' as const), kind: fc.constantFrom(...ELEMENT_KINDS), pick: fc.nat(200) }),
  fc.record({ op: fc.constant('create' as const), n: fc.nat(1_000_000) }),
  fc.record({ op: fc.constant('header' as const), name: fc.string({ minLength: 1, maxLength: 12 }) }),
);

describe('rewindDocument', () => {
  it('rebuilds every earlier version of a simulated trail exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
        // versions start at 1 (the imported demo); op i produces version i + 2
        const versions: ModelDocument[] = [DEMO];
        const entries: HistoryEntry[] = [];
        const created = new Set<string>();
        ops.forEach((op, i) => {
          if (op.op === 'create' && created.has(`z-new-${op.n}`)) op = { ...op, n: op.n + 1_000_000 * (i + 1) };
          if (op.op === 'create') created.add(`z-new-${op.n}`);
          const { doc, changes } = apply(versions[versions.length - 1]!, op);
          versions.push(doc);
          entries.push({ modelVersion: i + 2, changes });
        });
        const current = versions.length;
        for (let v = 1; v <= current; v++) {
          const rebuilt = rewindDocument(versions[current - 1]!, current, entries, v);
          expect(rebuilt).toEqual(canonicalModelDocument(versions[v - 1]!));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('does not modify the current document and ignores entries outside the range', () => {
    const { doc, changes } = apply(DEMO, { op: 'delete', kind: 'devices', pick: 3 });
    const frozen = structuredClone(doc);
    const stray: HistoryEntry = { modelVersion: 9, changes: [{ kind: 'zones', id: 'x', before: null, after: {} }] };
    const rebuilt = rewindDocument(doc, 2, [stray, { modelVersion: 2, changes }], 1);
    expect(rebuilt).toEqual(DEMO);
    expect(doc).toEqual(frozen);
  });

  it('stops at an import, naming its version, and rebuilds versions from the import on', () => {
    const importEntry: HistoryEntry = {
      modelVersion: 3,
      changes: [{ kind: 'model', id: DEMO.model.id, before: null, after: { id: DEMO.model.id, name: 'x' } }],
    };
    const step4 = apply(DEMO, { op: 'delete', kind: 'assets', pick: 0 });
    const entries = [importEntry, { modelVersion: 4, changes: step4.changes }];
    expect(rewindDocument(step4.doc, 4, entries, 3)).toEqual(DEMO);
    let error: unknown;
    try {
      rewindDocument(step4.doc, 4, entries, 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HistoryGapError);
    expect((error as HistoryGapError).version).toBe(3);
    expect((error as HistoryGapError).message).toBe(
      'history before version 3 was replaced by an import; use a snapshot',
    );
  });

  it('reports a version without an audit entry (MISSING)', () => {
    const step = apply(DEMO, { op: 'delete', kind: 'zones', pick: 1 });
    expect(() => rewindDocument(step.doc, 3, [{ modelVersion: 2, changes: step.changes }], 1)).toThrow(
      expect.objectContaining({ version: 3, reason: 'MISSING' }),
    );
  });

  it('undoes model header edits, restoring an absent description as absent', () => {
    const start = { ...DEMO, model: { id: DEMO.model.id, name: 'Old name' } };
    const entry: HistoryEntry = {
      modelVersion: 2,
      changes: [
        {
          kind: 'model',
          id: DEMO.model.id,
          before: { id: DEMO.model.id, name: 'Old name', description: null },
          after: { id: DEMO.model.id, name: 'New name', description: 'Now described' },
        },
      ],
    };
    const now = { ...DEMO, model: { id: DEMO.model.id, name: 'New name', description: 'Now described' } };
    expect(rewindDocument(now, 2, [entry], 1)).toEqual(canonicalModelDocument(start));
  });

  it('ignores the deletion entry of an earlier model with the same id, and refuses two entries for one version', () => {
    const deletion: HistoryEntry = {
      modelVersion: 2,
      changes: [{ kind: 'model', id: DEMO.model.id, before: { id: DEMO.model.id, name: 'gone' }, after: null }],
    };
    const step = apply(DEMO, { op: 'delete', kind: 'channels', pick: 2 });
    expect(rewindDocument(step.doc, 2, [deletion, { modelVersion: 2, changes: step.changes }], 1)).toEqual(DEMO);
    expect(() =>
      rewindDocument(
        step.doc,
        2,
        [
          { modelVersion: 2, changes: step.changes },
          { modelVersion: 2, changes: [] },
        ],
        1,
      ),
    ).toThrow('two entries for version 2');
  });
});

describe('earliestRebuildableVersion and isReversible', () => {
  const header = (v: number, before: unknown, after: unknown): HistoryEntry => ({
    modelVersion: v,
    changes: [{ kind: 'model', id: 'm', before, after }],
  });

  it('is the version of the latest creation or import, else 1', () => {
    expect(earliestRebuildableVersion([])).toBe(1);
    expect(
      earliestRebuildableVersion([
        header(1, null, { id: 'm', name: 'a' }),
        header(4, { id: 'm', name: 'a' }, { id: 'm', name: 'b' }),
        header(7, null, { id: 'm', name: 'imported' }),
        header(9, { id: 'm', name: 'imported' }, { id: 'm', name: 'c' }),
      ]),
    ).toBe(7);
  });

  it('element changes and header edits are reversible; imports and unknown kinds are not', () => {
    expect(isReversible({ modelVersion: 2, changes: [{ kind: 'devices', id: 'd', before: null, after: {} }] })).toBe(
      true,
    );
    expect(isReversible(header(2, { id: 'm', name: 'a' }, { id: 'm', name: 'b' }))).toBe(true);
    expect(isReversible(header(2, null, { id: 'm', name: 'b' }))).toBe(false);
    expect(isReversible({ modelVersion: 2, changes: [{ kind: 'document', id: 'm', before: null, after: null }] })).toBe(
      false,
    );
  });
});

describe('imports with replace that kept an AUTOMATIC snapshot (issue #11 item 3)', () => {
  const importKeeping = (v: number, snapshotId: string | null): HistoryEntry => ({
    modelVersion: v,
    changes: [
      { kind: 'model', id: 'm', before: null, after: { id: 'm', name: 'imported' } },
      ...(snapshotId
        ? [
            {
              kind: 'snapshot',
              id: snapshotId,
              before: null,
              after: { id: snapshotId, name: 'auto', kind: 'AUTOMATIC', note: null, modelVersion: v - 1 },
            },
          ]
        : []),
    ],
  });
  const creation: HistoryEntry = {
    modelVersion: 1,
    changes: [{ kind: 'model', id: 'm', before: null, after: { id: 'm', name: 'a' } }],
  };
  const edit = (v: number): HistoryEntry => ({
    modelVersion: v,
    changes: [{ kind: 'zones', id: `z${v}`, before: null, after: { id: `z${v}` } }],
  });

  it('keptSnapshotOf reads the snapshot an import names, only when it is AUTOMATIC at the version before', () => {
    expect(keptSnapshotOf(importKeeping(5, 'snap-a'))).toEqual({ snapshotId: 'snap-a', modelVersion: 4 });
    expect(keptSnapshotOf(importKeeping(5, null))).toBeNull();
    expect(keptSnapshotOf(edit(5))).toBeNull();
    const wrongVersion = importKeeping(5, 'snap-a');
    (wrongVersion.changes[1]!.after as { modelVersion: number }).modelVersion = 2;
    expect(keptSnapshotOf(wrongVersion)).toBeNull();
    const named = importKeeping(5, 'snap-a');
    (named.changes[1]!.after as { kind: string }).kind = 'NAMED';
    expect(keptSnapshotOf(named)).toBeNull();
  });

  it('rewindStart starts from the snapshot of the oldest import after the target, or says which import kept none', () => {
    const entries = [creation, edit(2), importKeeping(3, 'snap-3'), edit(4), importKeeping(5, 'snap-5'), edit(6)];
    expect(rewindStart(entries, 6, 5)).toBeNull();
    expect(rewindStart(entries, 6, 4)).toEqual({ snapshotId: 'snap-5', modelVersion: 4 });
    expect(rewindStart(entries, 6, 3)).toEqual({ snapshotId: 'snap-5', modelVersion: 4 });
    expect(rewindStart(entries, 6, 2)).toEqual({ snapshotId: 'snap-3', modelVersion: 2 });
    expect(rewindStart(entries, 6, 1)).toEqual({ snapshotId: 'snap-3', modelVersion: 2 });
    const older = [creation, edit(2), importKeeping(3, null), edit(4), importKeeping(5, 'snap-5'), edit(6)];
    expect(rewindStart(older, 6, 3)).toEqual({ snapshotId: 'snap-5', modelVersion: 4 });
    expect(() => rewindStart(older, 6, 2)).toThrow(expect.objectContaining({ version: 3, reason: 'IMPORT' }));
  });

  it('a rewind from the kept snapshot rebuilds the versions before the import', () => {
    const replaced = apply(DEMO, { op: 'delete', kind: 'devices', pick: 3 }); // version 2
    const emptied = { ...DEMO, zones: [], devices: [], interfaces: [], channels: [], assets: [] };
    const entries = [
      { modelVersion: 2, changes: replaced.changes },
      importKeeping(3, 'snap-3'),
      {
        modelVersion: 4,
        changes: apply(canonicalModelDocument(emptied as ModelDocument), { op: 'create', n: 1 }).changes,
      },
    ];
    const start = rewindStart(entries, 4, 1)!;
    expect(start.modelVersion).toBe(2);
    expect(rewindDocument(replaced.doc, start.modelVersion, entries, 1)).toEqual(DEMO);
    expect(rewindDocument(replaced.doc, start.modelVersion, entries, 2)).toEqual(canonicalModelDocument(replaced.doc));
  });

  it('earliestRebuildableVersion passes imports whose kept snapshot still exists', () => {
    const entries = [creation, importKeeping(3, 'snap-3'), importKeeping(5, 'snap-5')];
    expect(earliestRebuildableVersion(entries)).toBe(5);
    expect(earliestRebuildableVersion(entries, new Set(['snap-5']))).toBe(3);
    expect(earliestRebuildableVersion(entries, new Set(['snap-3', 'snap-5']))).toBe(1);
    expect(earliestRebuildableVersion([creation, importKeeping(3, null)], new Set(['snap-3']))).toBe(3);
  });
});
