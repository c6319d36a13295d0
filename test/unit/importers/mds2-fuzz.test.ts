/**
 * Fuzz test of the MDS2 importer (issue 12 "a fuzz test of each importer with malformed inputs:
 * typed errors, nothing written"): truncated, bit-flipped, spliced and random files, and ZIP
 * archives of workbook parts with damaged XML. Each input either reads (and then applies without
 * error, leaving the input document unchanged) or is refused with a ValidationError; nothing else
 * is thrown.
 *
 * Run count: IMPORT_FUZZ_RUNS (default 40 per property); seed: IMPORT_FUZZ_SEED (default fixed).
 */
import fc from 'fast-check';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { ValidationError } from '../../../server/src/domain/errors';
import { applyMds2 } from '../../../server/src/importers/mds2';
import { deriveMds2Profile } from '../../../server/src/importers/mds2-mapping';
import { readMds2Workbook } from '../../../server/src/importers/mds2-workbook';
import {
  PUMP_ROWS,
  headedWorkbook,
  mds2Hospital,
  mergedTyposWorkbook,
  unzip,
  zipArchive,
} from '../../support/mds2-workbooks';

const RUNS = Number(process.env.IMPORT_FUZZ_RUNS ?? 40);
const SEED = Number(process.env.IMPORT_FUZZ_SEED ?? 20261202);
const catalogue = loadBundledCatalogue();

jest.setTimeout(Math.max(60_000, RUNS * 3_000));

/**
 * Reads, derives and applies; returns what happened. Reading may refuse the file with a
 * ValidationError; once read, deriving and applying to devices that exist must not throw at all
 * (the applied document passes validateModelDocument inside applyMds2), and the input document is
 * never changed.
 */
async function importOnce(bytes: Buffer): Promise<'read' | 'refused'> {
  const doc = mds2Hospital(catalogue);
  const before = structuredClone(doc);
  let wb: Awaited<ReturnType<typeof readMds2Workbook>>;
  try {
    wb = await readMds2Workbook(bytes);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    expect(typeof e.issues[0]!.path).toBe('string');
    return 'refused';
  }
  const profile = deriveMds2Profile(wb);
  // A pump whose flags carry placements (C19 needs stored data, C06 patching, C11 a general-purpose
  // OS, C14 a user session): whatever the form says, no placement is stranded.
  const loaded = mds2Hospital(catalogue);
  Object.assign(
    loaded.devices.find((d) => d.id === 'dev-pump-1')!,
    {
      storesData: true,
      patchable: true,
      generalPurposeOs: true,
      executesSoftware: true,
    },
  );
  for (const controlId of ['C19', 'C06', 'C11', 'C14', 'C10'])
    loaded.controlPlacements.push({ id: `pl-${controlId}`, controlId, elementId: 'dev-pump-1', status: 'IMPLEMENTED' });
  const loadedBefore = structuredClone(loaded);
  const stranded = applyMds2(loaded, catalogue, profile, { deviceId: 'dev-pump-1' });
  expect(stranded.document.controlPlacements.filter((p) => p.id.startsWith('pl-C'))).toHaveLength(5);
  expect(loaded).toEqual(loadedBefore);
  const one = applyMds2(doc, catalogue, profile, { deviceId: 'dev-pump-1' });
  applyMds2(doc, catalogue, profile, { manufacturer: 'Acme Medical', modelName: 'InfuseNet 3000' });
  // Applying the result again changes nothing more.
  expect(applyMds2(one.document, catalogue, profile, { deviceId: 'dev-pump-1' }).preview.devices[0]!.changes).toEqual(
    [],
  );
  expect(doc).toEqual(before);
  return 'read';
}

describe('MDS2 importer fuzz', () => {
  let valid: Buffer[];
  let parts: { name: string; data: Buffer }[];
  beforeAll(async () => {
    valid = [await headedWorkbook(PUMP_ROWS), await mergedTyposWorkbook()];
    parts = unzip(valid[0]!);
  });

  it('the unmodified workbooks read', async () => {
    for (const bytes of valid) expect(await importOnce(bytes)).toBe('read');
  });

  it('truncated, bit-flipped, spliced and random bytes: typed errors only', async () => {
    const outcomes = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat(1),
        fc.oneof(
          fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
          fc.record({
            op: fc.constant('flip' as const),
            flips: fc.array(
              fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 1, max: 255 })),
              {
                minLength: 1,
                maxLength: 8,
              },
            ),
          }),
          fc.record({
            op: fc.constant('splice' as const),
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            junk: fc.uint8Array({ minLength: 1, maxLength: 64 }),
          }),
          fc.record({
            op: fc.constant('random' as const),
            junk: fc.uint8Array({ maxLength: 2048 }),
            zipHead: fc.boolean(),
          }),
        ),
        async (which, m) => {
          const base = valid[which]!;
          let bytes: Buffer;
          switch (m.op) {
            case 'truncate':
              bytes = base.subarray(0, Math.floor(m.at * base.length));
              break;
            case 'flip':
              bytes = Buffer.from(base);
              for (const [at, x] of m.flips) {
                const i = Math.floor(at * bytes.length);
                bytes[i] = bytes[i]! ^ x;
              }
              break;
            case 'splice': {
              const i = Math.floor(m.at * base.length);
              bytes = Buffer.concat([base.subarray(0, i), Buffer.from(m.junk), base.subarray(i)]);
              break;
            }
            case 'random':
              bytes = Buffer.concat([
                m.zipHead ? Buffer.from('PK\x03\x04', 'latin1') : Buffer.alloc(0),
                Buffer.from(m.junk),
              ]);
              break;
          }
          outcomes[await importOnce(bytes)]++;
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('well-formed workbooks with arbitrary ids, answers and notes: an applied document that validates', async () => {
    const ids = [...new Set(PUMP_ROWS.map(([id]) => id))];
    const text = fc.oneof(
      fc.constantFrom('Yes', 'No', 'N/A', 'See note', 'yes, see note 1', '', ' ', '#N/A', 'Note 1'),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('\u202eevil', 'a\u0000b', '\ud800', 'x'.repeat(5000)),
    );
    const row = fc.tuple(
      fc.oneof(
        fc.constantFrom(...ids),
        fc.constantFrom('auth 01', 'SHAD-3.2', 'CONN\u20131.1.1', 'XAUT-1', 'Note 1'),
        fc.string({ maxLength: 12 }),
      ),
      text,
      fc.option(text, { nil: undefined }),
    );
    let read = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (rows) => {
        if ((await importOnce(await headedWorkbook(rows))) === 'read') read++;
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
    if (RUNS >= 20) expect(read).toBeGreaterThan(0);
  });

  it('well-formed archives of damaged workbook XML: typed errors only', async () => {
    const outcomes = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.oneof(
          fc.record({ op: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
          fc.record({
            op: fc.constant('insert' as const),
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            text: fc.constantFrom(
              '<',
              '>',
              '&',
              '"',
              '<c r="ZZZ99999999"/>',
              '<v>1e999</v>',
              '<f>SUM(A1)</f>',
              '\u0000',
              '<x:row>',
              ']]>',
              '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
            ),
          }),
          fc.record({ op: fc.constant('drop' as const) }),
        ),
        async (k, m) => {
          const victim = k % parts.length;
          const entries = parts.flatMap((e, i) => {
            if (i !== victim) return [e];
            const text = e.data.toString('utf8');
            if (m.op === 'drop') return [];
            const at = Math.floor(m.at * text.length);
            const changed = m.op === 'cut' ? text.slice(0, at) : text.slice(0, at) + m.text + text.slice(at);
            return [{ name: e.name, data: Buffer.from(changed, 'utf8') }];
          });
          outcomes[await importOnce(zipArchive(entries))]++;
        },
      ),
      { seed: SEED + 1, numRuns: RUNS },
    );
    expect(outcomes.read + outcomes.refused).toBe(RUNS);
    // Damage reaches the parser: some workbooks still read (damage outside the answers), some are refused.
    if (RUNS >= 20) {
      expect(outcomes.read).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    }
  });
});
