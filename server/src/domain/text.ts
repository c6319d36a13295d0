/**
 * Text hygiene shared by every input path (GraphQL arguments, exchange documents, inventory
 * feeds): ill-formed UTF-16 is refused (a lone surrogate cannot be stored: Neo4j would keep
 * U+FFFD instead, silently changing what was acknowledged), names may not carry bidirectional
 * override, embedding or isolate controls (they reorder what a label shows, so "pump‮exe.bat"
 * could read as another name), and values echoed in error messages are clipped.
 * Pure functions, no I/O.
 */

/** Bidi embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls. */
export const BIDI_CONTROL_CLASS = '\\u202A-\\u202E\\u2066-\\u2069';
const BIDI_CONTROL = new RegExp(`[${BIDI_CONTROL_CLASS}]`, 'u');

/** Message for a name with a bidi control (the same wherever names are checked). */
export const BIDI_MESSAGE =
  'must not contain bidirectional override, embedding or isolate characters (U+202A–U+202E, U+2066–U+2069)';
/** Message for a string with a lone surrogate. */
export const SURROGATE_MESSAGE = 'must be well-formed Unicode text (it contains a lone UTF-16 surrogate)';

/** True when `s` contains a bidi override, embedding or isolate control. */
export function hasBidiControl(s: string): boolean {
  return BIDI_CONTROL.test(s);
}

/** True when `s` is well-formed UTF-16 (no unpaired surrogate). */
export function isWellFormedText(s: string): boolean {
  // String.prototype.isWellFormed is in Node 20; the regex is the same test spelled out.
  return typeof (s as { isWellFormed?: () => boolean }).isWellFormed === 'function'
    ? (s as unknown as { isWellFormed: () => boolean }).isWellFormed()
    : !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * The path of the first string (value or object key) in `value` that is not well-formed UTF-16,
 * e.g. `document.devices[3].name`, or null when there is none. Walks plain objects and arrays
 * (GraphQL arguments and JSON documents), iteratively, so depth cannot overflow the stack.
 */
export function findIllFormedText(value: unknown, root = ''): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        const p = path ? `${path}.${isWellFormedText(k) ? k : '<key>'}` : isWellFormedText(k) ? k : '<key>';
        if (!isWellFormedText(k)) return p;
        stack.push([x, p]);
      }
    }
  }
  return null;
}

/** Longest echo of a client value in an error message, in characters. */
export const MAX_ECHO = 80;

/** `s` cut to `max` characters (default {@link MAX_ECHO}) with an ellipsis, never splitting a surrogate pair. */
export function clip(s: string, max = MAX_ECHO): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/**
 * An error message with every quoted value ('…' or "…") longer than {@link MAX_ECHO} clipped, and
 * the whole at most `max` characters: messages echo ids and names, and a client may send 5 MB.
 */
export function clipEchoes(message: string, max = 1000): string {
  // A linear scan, not a regular expression: on a 5 MB echo V8's regex engine can exhaust the stack.
  let out = '';
  let i = 0;
  while (i < message.length && out.length <= max) {
    const ch = message[i]!;
    if (ch !== "'" && ch !== '"') {
      out += ch;
      i++;
      continue;
    }
    const end = message.indexOf(ch, i + 1);
    if (end < 0) {
      out += ch;
      i++;
      continue;
    }
    const inner = message.slice(i + 1, end);
    out += ch + (inner.length > MAX_ECHO ? clip(inner) : inner) + ch;
    i = end + 1;
  }
  if (i < message.length) out += message.slice(i, i + 1); // more follows: clip() adds the ellipsis
  return clip(out, max);
}
