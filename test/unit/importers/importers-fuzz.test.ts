/**
 * Fuzz tests of the evidence importers (fast-check): malformed inputs — random JSON, the sample
 * documents with one value replaced or removed, truncated text, random bytes — give a preview or a
 * typed ValidationError, never another exception; the model and the input object are never
 * modified; a preview that succeeds applies to a valid model or a ValidationError.
 * Runs per property: IMPORT_FUZZ_RUNS (default 150).
 */
import fc from 'fast-check';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { ValidationError } from '../../../server/src/domain/errors';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import type { ModelDocument } from '../../../server/src/domain/types';
import { applyCsafImport, previewCsafImport } from '../../../server/src/importers/csaf';
import { applyCycloneDxImport, previewCycloneDxImport } from '../../../server/src/importers/cyclonedx';
import { compareVersions, parseVersionRange, versionInRange } from '../../../server/src/importers/versions';
import { modelBuilder } from '../../support/build-graph';
import { sampleAdvisory } from '../../samples/csaf/sample-advisory';
import { sampleSbom, sampleVex } from '../../samples/cyclonedx/samples';

const RUNS = Number(process.env.IMPORT_FUZZ_RUNS ?? 150);
const catalogue = loadBundledCatalogue();

const model: ModelDocument = validateModelDocument(
  modelBuilder()
    .zone('ward', 'CLINICAL', true)
    .device('pump', ['ward'], {
      category: 'INFUSION_PUMP',
      manufacturer: 'Acme Medical',
      modelName: 'InfuPump 3000',
      softwareVersion: '2.3',
    })
    .device('pump-x', ['ward'], { manufacturer: 'Acme Medical', modelName: 'InfuPump 3000' })
    .device('mon', ['ward'], { manufacturer: 'Acme Medical', modelName: 'CareMonitor X2', softwareVersion: '1.5' })
    .build(),
  catalogue,
);
const MODEL_JSON = JSON.stringify(model);

/** Every path (keys and indexes) inside a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

/** A copy of `doc` with the value at one path replaced (or removed). */
function mutate(doc: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && Array.isArray(node)) node.splice(Number(last), 1);
  else if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** Malformed inputs built from a sample document. */
function malformed(sample: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  const all = paths(sample());
  return fc.oneof(
    fc.jsonValue(),
    fc.string(),
    fc.uint8Array({ maxLength: 300 }),
    fc.nat().map((n) => {
      const text = JSON.stringify(sample());
      return text.slice(0, n % text.length);
    }),
    fc
      .record({ at: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }), remove: fc.boolean() })
      .map(({ at, value, remove }) => mutate(sample(), all[at % all.length]!, value, remove)),
  );
}

/** Runs `f`; only a ValidationError may escape. */
function typedOnly<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    return undefined;
  }
}

describe('importers under malformed input', () => {
  it('CSAF: a preview or a typed error; nothing modified; apply gives a valid model or a typed error', () => {
    fc.assert(
      fc.property(malformed(sampleAdvisory), (input) => {
        const inputJson = input instanceof Uint8Array ? undefined : JSON.stringify(input);
        const preview = typedOnly(() => previewCsafImport(input, model, catalogue));
        if (preview) typedOnly(() => applyCsafImport(model, preview, { confirm: ['pump-x'], catalogue }));
        expect(JSON.stringify(model)).toBe(MODEL_JSON);
        if (inputJson !== undefined) expect(JSON.stringify(input)).toBe(inputJson);
      }),
      { numRuns: RUNS },
    );
  });

  it('CycloneDX SBOM and VEX: a preview or a typed error; nothing modified; apply gives a valid model or a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(malformed(sampleSbom), malformed(sampleVex)), (input) => {
        const inputJson = input instanceof Uint8Array ? undefined : JSON.stringify(input);
        const preview = typedOnly(() => previewCycloneDxImport(input, model, { deviceId: 'pump' }));
        if (preview) typedOnly(() => applyCycloneDxImport(model, preview, { catalogue }));
        expect(JSON.stringify(model)).toBe(MODEL_JSON);
        if (inputJson !== undefined) expect(JSON.stringify(input)).toBe(inputJson);
      }),
      { numRuns: RUNS },
    );
  });

  it('version comparison and ranges never throw; comparison is antisymmetric and UNKNOWN is never silently TRUE', () => {
    const version = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('L81', '2.6A', 'HD 16', 'BT03', 'N', 'v3', '012U000061', '4.0', ''),
    );
    fc.assert(
      fc.property(version, version, fc.string({ maxLength: 40 }), (a, b, range) => {
        const ab = compareVersions(a, b);
        const ba = compareVersions(b, a);
        if (ab === undefined) expect(ba).toBeUndefined();
        else expect(Math.sign(ab) + Math.sign(ba!)).toBe(0);
        const parsed = parseVersionRange(range);
        const r = versionInRange(a, parsed);
        expect(['TRUE', 'FALSE', 'UNKNOWN']).toContain(r);
        // undecidable against every bound and no "all versions": never TRUE
        if (
          parsed.clauses.every(
            (c) =>
              c.kind === 'UNREADABLE' ||
              (c.kind === 'CONSTRAINTS' && c.constraints.every((k) => compareVersions(a, k.version) === undefined)),
          ) &&
          parsed.clauses.length > 0
        )
          expect(r).not.toBe('TRUE');
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
