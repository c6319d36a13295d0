/**
 * JSON text with positions, for messages that name a place in a file ("model.json:12:7"): a
 * strict JSON scanner (RFC 8259) that reports a syntax error at its line and column, and records
 * where each value starts under the dotted path the validators use (`devices[3].zoneIds[0]`,
 * domain/model-document.ts). Pure; no I/O.
 */

/** A 1-based line and column in a text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A JSON text that did not parse: where and why. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: SourcePosition,
  ) {
    super(`${position.line}:${position.column}: ${message}`);
    this.name = 'JsonSyntaxError';
  }
}

/** A parsed JSON text with the start offset of every value, by dotted path ('' is the root). */
export interface LocatedJson {
  value: unknown;
  /** Line and column of the value at `path` ('devices[3].zoneIds[0]'); the nearest enclosing value's when absent. */
  locate(path: string): SourcePosition;
}

/** Offset → 1-based line and column (columns count UTF-16 code units). */
function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Parses `text` as JSON (a leading byte-order mark is ignored) and keeps where each value starts.
 * @throws JsonSyntaxError with the line and column of the first offending character
 */
export function parseJsonWithPositions(text: string): LocatedJson {
  const offsets = new Map<string, number>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, positionOf(text, at));
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const describe = (at: number) => (at >= text.length ? 'end of file' : `'${text[at]}'`);
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c < 0x20) fail('control character in a string (escape it)');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('bad escape in a string');
      } else i++;
    }
    return fail('unterminated string', start);
  };
  const value = (path: string, depth: number): unknown => {
    if (depth > 512) fail('nesting deeper than 512 levels');
    ws();
    offsets.set(path, i);
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
        const key = string();
        ws();
        if (text[i] !== ':') fail(`expected ':' after the property name, found ${describe(i)}`);
        i++;
        const v = value(path ? `${path}.${key}` : key, depth + 1);
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail(`expected ',' or '}' in an object, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(`${path}[${out.length}]`, depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail(`expected ',' or ']' in an array, found ${describe(i)}`);
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(
      text.slice(i, i + 400),
    );
    if (!literal) return fail(`unexpected ${describe(i)}`);
    i += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };
  const root = value('', 0);
  ws();
  if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
  return {
    value: root,
    locate(path: string): SourcePosition {
      for (let p = path; ;) {
        const at = offsets.get(p);
        if (at !== undefined) return positionOf(text, at);
        if (p === '') return { line: 1, column: 1 };
        const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        p = cut <= 0 ? '' : p.slice(0, cut);
      }
    },
  };
}
