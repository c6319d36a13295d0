/**
 * What every evidence importer shares: reading the uploaded bytes as JSON with typed errors, the
 * source file's SHA-256, JSON pointers into the foreign document, CVSS base vectors cut out of
 * published vectors, and fresh element ids. Pure (node:crypto only).
 */
import { createHash } from 'node:crypto';
import { cvssVectorProblem } from '../domain/cvss';
import { ValidationError } from '../domain/errors';

/** Default bound on an uploaded evidence file (bytes): 20 MiB, far above any advisory or SBOM seen. */
export const DEFAULT_MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Deepest nesting read in a foreign document (CSAF product tree branches, CycloneDX components). */
export const MAX_NESTING = 64;

/** The parsed document and the SHA-256 of its bytes (of its JSON text when given as an object). */
export interface ImportInput {
  json: unknown;
  sha256: string;
}

/** RFC 6901 JSON pointer of a path of keys and indexes, e.g. ["vulnerabilities", 0, "cve"] → "/vulnerabilities/0/cve". */
export function pointer(...parts: (string | number)[]): string {
  return parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Reads an uploaded file as JSON.
 * @param input the file's bytes (Buffer or Uint8Array), its text, or an already parsed value
 *   (e.g. a GraphQL JSON argument; its hash is then the hash of its JSON text).
 * @param format the format's name for messages, e.g. "CSAF 2.0 advisory".
 * @throws ValidationError (path "" = the whole document) when the bytes exceed `maxBytes`, are
 *   not UTF-8 JSON (truncated, junk, binary), or nest deeper than the parser can go.
 */
export function readJsonInput(input: unknown, format: string, maxBytes = DEFAULT_MAX_IMPORT_BYTES): ImportInput {
  let text: string;
  let bytes: Buffer;
  if (typeof input === 'string') {
    text = input;
    bytes = Buffer.from(text, 'utf8');
  } else if (input instanceof Uint8Array) {
    bytes = Buffer.from(input);
    if (bytes.length > maxBytes) throw tooLarge(format, bytes.length, maxBytes);
    text = bytes.toString('utf8');
    if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes))
      throw new ValidationError([{ path: '', message: `not a ${format}: the file is not UTF-8 text` }]);
  } else if (input === undefined) {
    throw new ValidationError([{ path: '', message: `not a ${format}: no document given` }]);
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(input);
    } catch {
      json = undefined;
    }
    if (json === undefined)
      throw new ValidationError([{ path: '', message: `not a ${format}: the value cannot be written as JSON` }]);
    if (Buffer.byteLength(json) > maxBytes) throw tooLarge(format, Buffer.byteLength(json), maxBytes);
    return { json: input, sha256: sha256Hex(json) };
  }
  if (bytes.length > maxBytes) throw tooLarge(format, bytes.length, maxBytes);
  const body = text.replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    const reason = e instanceof RangeError ? 'nested too deeply' : (e as Error).message;
    const kind = body.trim() === '' ? 'the file is empty' : `the file is not JSON (${reason})`;
    throw new ValidationError([{ path: '', message: `not a ${format}: ${kind}` }]);
  }
  return { json, sha256: sha256Hex(bytes) };
}

function tooLarge(format: string, size: number, max: number): ValidationError {
  return new ValidationError([
    { path: '', message: `the ${format} is ${size} bytes; at most ${max} bytes are accepted` },
  ]);
}

/** SHA-256 of bytes or UTF-8 text, 64 lower-case hexadecimal digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The base metrics of each CVSS version, in the specification's order. */
const BASE_METRICS: Record<string, readonly string[]> = {
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
};

/**
 * The base vector of a published CVSS vector (v3.0, v3.1 or v4.0; CVSS v3.1 §6, v4.0 §7 vector
 * strings): temporal, threat, environmental and supplemental metrics are dropped and the base
 * metrics written in the standard order. Undefined when it is no such vector (another version, a
 * base metric missing or repeated, a value out of range).
 * @example baseCvssVector('CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N/E:P/RL:O') === 'CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N'
 */
export function baseCvssVector(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 300) return undefined;
  const [head, ...parts] = raw.trim().split('/');
  const version = /^CVSS:(3\.0|3\.1|4\.0)$/.exec(head ?? '')?.[1];
  if (!version) return undefined;
  const values = new Map<string, string>();
  for (const p of parts) {
    const [k, v, extra] = p.split(':');
    if (!k || v === undefined || extra !== undefined) return undefined;
    if (values.has(k)) return undefined;
    values.set(k, v);
  }
  const metrics = BASE_METRICS[version]!;
  if (metrics.some((m) => !values.has(m))) return undefined;
  const vector = `CVSS:${version}/${metrics.map((m) => `${m}:${values.get(m)}`).join('/')}`;
  return cvssVectorProblem(vector) === undefined ? vector : undefined;
}

/** Element ids: `preferred` when it is a valid, unused id, else `<prefix>-<n>`; records what it hands out. */
export class IdAllocator {
  private seq = 0;
  constructor(
    private readonly used: Set<string>,
    private readonly prefix: string,
  ) {}

  /** A fresh id (see the class comment). */
  next(preferred: string): string {
    const clean = preferred.replace(/[^A-Za-z0-9_.:-]/g, '-');
    if (clean.length <= 64 && clean.length > 0 && !this.used.has(clean)) {
      this.used.add(clean);
      return clean;
    }
    let id: string;
    do id = `${this.prefix}-${++this.seq}`;
    while (this.used.has(id));
    this.used.add(id);
    return id;
  }
}

/** Text cut to at most `max` characters (the exchange format's free-text bound is 4000), with an ellipsis when cut. */
export function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A name for the exchange format's `name` type: control characters made spaces, 1..200 characters. */
export function asName(text: string): string {
  const t = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return t.length <= 200 ? t : `${t.slice(0, 199)}…`;
}

export const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
