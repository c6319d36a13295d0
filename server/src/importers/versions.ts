/**
 * Tolerant version comparison and version-range parsing for the version strings that medical
 * device advisories publish. They are not semver: "L81", "012U000061", "2.6A", "B.02", "HD 16",
 * "BT03", "N". Pure; no I/O.
 *
 * Comparison ({@link compareVersions}): both strings are cut into segments of digits and of
 * letters (anything else — dots, dashes, spaces, underscores — only separates), e.g. "L81" →
 * [L, 81], "012U000061" → [12, U, 61], "2.6A" → [2, 6, A]; a leading "v"/"version" before a
 * digit is dropped. Segments are compared pairwise: numbers numerically (any length), single
 * letters case-insensitively (release letters: "M.00.03" < "N"); a number against letters, or two
 * different words ("HD23" against "L81": different version families), is undecidable. When one runs out, it is the lower unless the rest of the other is zeros. A string
 * with no letter or digit is undecidable. Undecidable comparisons give `undefined`: a caller
 * reports UNKNOWN, never a silent match.
 *
 * Ranges ({@link parseVersionRange}): a `|`-separated list of parts, each one of
 * - `vers:all/*`, `*`, `all`, `all versions` (every version);
 * - a comparator `<= X`, `< X`, `>= X`, `> X`, `= X`, `== X`, `!= X` (spaces optional);
 * - `A < B`, `A - B`, `A to B`, `A through B`: A to B inclusive (CISA advisories write "A10 < A11"
 *   for "versions A10 and A11": both ends are affected);
 * - free text: `X and earlier|prior|below|older` (<= X), `prior to X`/`before X` (< X),
 *   `X and later|above|newer|higher` (>= X);
 * - a bare version X (= X).
 * A lower bound directly followed by an upper bound (`>= 4.0 | <= 4.6`, the vers: URI form
 * `vers:generic/>=1.0|<2.0`) is one interval (both must hold); every other part is an
 * alternative (`HD 16 | HD23`: either). Parts that cannot be read are kept as UNREADABLE: they
 * evaluate to UNKNOWN.
 *
 * Evaluation ({@link versionInRange}) is three-valued (Kleene logic): TRUE, FALSE or UNKNOWN;
 * the range holds when any alternative holds, fails when all fail, and is UNKNOWN otherwise.
 */

/** A three-valued answer: yes, no, or cannot be decided from the strings. */
export type Tri = 'TRUE' | 'FALSE' | 'UNKNOWN';

/** A leading "v", "ver", "version", "rev" or "release" before a digit, which is no part of the version. */
const VERSION_PREFIX = /^(?:v|ver|version|rev|release)\.?\s*(?=\d)/i;

/** A segment: digits (without leading zeros, compared numerically) or letters (lower case). */
type Segment = { digits: string } | { letters: string };

/** The segments of a version string (see the module comment); [] when it has no letter or digit. */
export function versionSegments(v: string): Segment[] {
  const out: Segment[] = [];
  for (const m of v
    .trim()
    .replace(VERSION_PREFIX, '')
    .matchAll(/(\d+)|([A-Za-z]+)/g)) {
    if (m[1] !== undefined) out.push({ digits: m[1].replace(/^0+(?=\d)/, '') });
    else out.push({ letters: m[2]!.toLowerCase() });
  }
  return out;
}

const isZero = (s: Segment) => 'digits' in s && s.digits === '0';

/** Compares two segments of the same kind; undefined for digits against letters. */
function compareSegments(p: Segment, q: Segment): number | undefined {
  if ('digits' in p && 'digits' in q) {
    if (p.digits.length !== q.digits.length) return p.digits.length - q.digits.length;
    return p.digits < q.digits ? -1 : p.digits > q.digits ? 1 : 0;
  }
  if ('letters' in p && 'letters' in q) {
    if (p.letters === q.letters) return 0;
    // Single release letters order (A < B, "M.00.03" < "N"); different words ("HD" vs "L") are
    // different version families, not an order.
    if (p.letters.length !== 1 || q.letters.length !== 1) return undefined;
    return p.letters < q.letters ? -1 : 1;
  }
  return undefined;
}

/**
 * Compares two version strings: negative when a < b, 0 when equal, positive when a > b, and
 * `undefined` when undecidable (a number against letters at the same place, or a string without
 * any letter or digit). Numbers of any length compare exactly.
 * @example compareVersions('L81', 'L9') > 0; compareVersions('2.6A', '2.10A') < 0;
 *   compareVersions('HD 16', 'HD16') === 0; compareVersions('L81', '012U000061') === undefined
 */
export function compareVersions(a: string, b: string): number | undefined {
  const x = versionSegments(a);
  const y = versionSegments(b);
  if (x.length === 0 || y.length === 0) return undefined;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return y.slice(i).every(isZero) ? 0 : -1;
    if (q === undefined) return x.slice(i).every(isZero) ? 0 : 1;
    const c = compareSegments(p, q);
    if (c === undefined) return undefined;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** One comparison of a range. */
export interface VersionConstraint {
  op: '<' | '<=' | '>' | '>=' | '=' | '!=';
  version: string;
}

/** One alternative of a range: every constraint must hold (an interval is two). */
export type VersionClause =
  { kind: 'ALL' } | { kind: 'CONSTRAINTS'; constraints: VersionConstraint[] } | { kind: 'UNREADABLE'; text: string };

/** A parsed range: any clause may hold. */
export interface VersionRange {
  /** The text as published. */
  text: string;
  clauses: VersionClause[];
}

const ALL_RE = /^(vers:[a-z0-9.+-]*\/\*|\*|all|all versions?|any|any versions?)$/i;
const CMP_RE = /^(<=|>=|==|!=|=<|=>|<|>|=)\s*(.+)$/;
const BETWEEN_RE = /^(.+?)(?:\s*<\s*|\s+(?:-|–|to|through)\s+)(.+)$/i;
const AND_EARLIER_RE = /^(?:versions?\s+)?(.+?)\s+(?:and|or)\s+(?:earlier|prior|below|older|lower)$/i;
const PRIOR_TO_RE = /^(?:versions?\s+)?(?:prior to|before|older than|below)\s+(.+)$/i;
const AND_LATER_RE = /^(?:versions?\s+)?(.+?)\s+(?:and|or)\s+(?:later|above|newer|higher)$/i;
/** A plausible single version: a letter or digit, no spaces beyond one group gap ("HD 16"), short. */
const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._+~-]*(?: [A-Za-z0-9._+~-]+)?$/;

function normaliseOp(op: string): VersionConstraint['op'] {
  if (op === '=<') return '<=';
  if (op === '=>') return '>=';
  if (op === '==') return '=';
  return op as VersionConstraint['op'];
}

const looksLikeVersion = (s: string) => s.length <= 64 && VERSION_RE.test(s) && /\d|^[A-Za-z]{1,3}$/.test(s);

/** One `|`-separated part as constraints, or undefined when it cannot be read. */
function parsePart(part: string): VersionClause | undefined {
  const p = part.trim();
  if (p === '') return undefined;
  if (ALL_RE.test(p)) return { kind: 'ALL' };
  const cmp = CMP_RE.exec(p);
  if (cmp) {
    const version = cmp[2]!.trim();
    if (!looksLikeVersion(version)) return undefined;
    return { kind: 'CONSTRAINTS', constraints: [{ op: normaliseOp(cmp[1]!), version }] };
  }
  for (const [re, op] of [
    [AND_EARLIER_RE, '<='],
    [PRIOR_TO_RE, '<'],
    [AND_LATER_RE, '>='],
  ] as const) {
    const m = re.exec(p);
    if (m && looksLikeVersion(m[1]!.trim()))
      return { kind: 'CONSTRAINTS', constraints: [{ op, version: m[1]!.trim() }] };
  }
  const between = BETWEEN_RE.exec(p);
  if (between && looksLikeVersion(between[1]!.trim()) && looksLikeVersion(between[2]!.trim()))
    return {
      kind: 'CONSTRAINTS',
      constraints: [
        { op: '>=', version: between[1]!.trim() },
        { op: '<=', version: between[2]!.trim() },
      ],
    };
  if (looksLikeVersion(p)) return { kind: 'CONSTRAINTS', constraints: [{ op: '=', version: p }] };
  return undefined;
}

const isLower = (c: VersionClause) =>
  c.kind === 'CONSTRAINTS' &&
  c.constraints.length === 1 &&
  (c.constraints[0]!.op === '>=' || c.constraints[0]!.op === '>');
const isUpper = (c: VersionClause) =>
  c.kind === 'CONSTRAINTS' &&
  c.constraints.length === 1 &&
  (c.constraints[0]!.op === '<=' || c.constraints[0]!.op === '<');

/**
 * Parses a version range as published (see the module comment). Never throws: what cannot be
 * read becomes an UNREADABLE clause (evaluated UNKNOWN).
 * @example parseVersionRange('>= 4.0 | <= 4.6').clauses
 *   // [{ kind: 'CONSTRAINTS', constraints: [{ op: '>=', version: '4.0' }, { op: '<=', version: '4.6' }] }]
 */
export function parseVersionRange(text: string): VersionRange {
  let body = text.trim();
  if (ALL_RE.test(body)) return { text, clauses: [{ kind: 'ALL' }] };
  const vers = /^vers:[a-z0-9.+-]+\/(.*)$/i.exec(body);
  if (vers) body = vers[1]!;
  const parts = body.split('|');
  const parsed: VersionClause[] = parts.map(
    (p) => parsePart(p) ?? { kind: 'UNREADABLE', text: p.trim() || text.trim() },
  );
  const clauses: VersionClause[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const c = parsed[i]!;
    const next = parsed[i + 1];
    if (next && isLower(c) && isUpper(next) && c.kind === 'CONSTRAINTS' && next.kind === 'CONSTRAINTS') {
      clauses.push({ kind: 'CONSTRAINTS', constraints: [...c.constraints, ...next.constraints] });
      i++;
    } else clauses.push(c);
  }
  return { text, clauses };
}

function holds(version: string, c: VersionConstraint): Tri {
  const cmp = compareVersions(version, c.version);
  if (cmp === undefined) return 'UNKNOWN';
  const ok =
    c.op === '<'
      ? cmp < 0
      : c.op === '<='
        ? cmp <= 0
        : c.op === '>'
          ? cmp > 0
          : c.op === '>='
            ? cmp >= 0
            : c.op === '='
              ? cmp === 0
              : cmp !== 0;
  return ok ? 'TRUE' : 'FALSE';
}

/** Kleene AND of three-valued answers (TRUE for none). */
export function triAnd(values: readonly Tri[]): Tri {
  if (values.includes('FALSE')) return 'FALSE';
  return values.includes('UNKNOWN') ? 'UNKNOWN' : 'TRUE';
}

/** Kleene OR of three-valued answers (FALSE for none). */
export function triOr(values: readonly Tri[]): Tri {
  if (values.includes('TRUE')) return 'TRUE';
  return values.includes('UNKNOWN') ? 'UNKNOWN' : 'FALSE';
}

/**
 * Whether `version` lies in `range`: TRUE, FALSE, or UNKNOWN when the strings cannot be compared
 * (or `version` is undefined and the range is not "all versions").
 */
export function versionInRange(version: string | undefined, range: VersionRange): Tri {
  return triOr(
    range.clauses.map((c): Tri => {
      if (c.kind === 'ALL') return 'TRUE';
      if (c.kind === 'UNREADABLE' || version === undefined) return 'UNKNOWN';
      return triAnd(c.constraints.map((k) => holds(version, k)));
    }),
  );
}

/** The range as readable text, e.g. ">= 4.0 and <= 4.6 | = HD 16", for reports. */
export function describeRange(range: VersionRange): string {
  return range.clauses
    .map((c) =>
      c.kind === 'ALL'
        ? 'all versions'
        : c.kind === 'UNREADABLE'
          ? `unreadable '${c.text}'`
          : c.constraints.map((k) => `${k.op} ${k.version}`).join(' and '),
    )
    .join(' | ');
}
