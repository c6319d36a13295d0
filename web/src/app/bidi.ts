/**
 * Defence in depth against labels that spoof their own text: the server refuses bidirectional
 * override, embedding and isolate characters (U+202A–U+202E, U+2066–U+2069) in names, but a
 * model stored before that check, or written by another system straight into Neo4j, may still
 * carry them. They reorder the text around them ("pump\u202Eexe.tab" shows as "pumpbat.exe"), on
 * the Cytoscape canvas as in the DOM, where <bdi> would not help. So the app strips them from
 * every string of the model it loads, before anything renders; nothing else changes (other
 * characters, marks such as U+200E/U+200F, and right-to-left scripts are kept).
 */

/** Bidi embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** `s` without bidi embedding, override and isolate controls. */
export function stripBidiControls(s: string): string {
  return s.replace(BIDI_CONTROLS, '');
}

/**
 * A copy of `value` (plain objects, arrays, scalars: GraphQL data) with {@link stripBidiControls}
 * applied to every string; `value` itself when it contains none (no copy).
 */
export function withoutBidiControls<T>(value: T): T {
  if (typeof value === 'string') {
    BIDI_CONTROLS.lastIndex = 0;
    return (BIDI_CONTROLS.test(value) ? stripBidiControls(value) : value) as T;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const w = withoutBidiControls(v);
      if (w !== v) changed = true;
      return w;
    });
    return (changed ? out : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const w = withoutBidiControls(v);
      if (w !== v) changed = true;
      out[k] = w;
    }
    return (changed ? out : value) as T;
  }
  return value;
}
