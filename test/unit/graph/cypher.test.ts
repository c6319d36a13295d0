/**
 * The named-query registry and the "no Cypher built from input" rule: files on disk and
 * QUERY_NAMES match both ways, headers document params that the query uses, no file
 * interpolates, and no server source file assembles Cypher in a string.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CYPHER_DIR, QUERY_NAMES, cypher, schemaStatements } from '../../../server/src/graph/cypher';

const queriesDir = path.join(CYPHER_DIR, 'queries');
const onDisk = (dir: string, prefix = ''): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? onDisk(path.join(dir, e.name), `${prefix}${e.name}/`)
        : e.name.endsWith('.cypher')
          ? [`${prefix}${e.name.replace(/\.cypher$/, '')}`]
          : [],
    );

const serverFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? serverFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );

describe('cypher registry', () => {
  it('registers exactly the files in cypher/queries', () => {
    expect([...QUERY_NAMES].sort()).toEqual(onDisk(queriesDir).sort());
  });

  it.each([...QUERY_NAMES])('%s has a header naming its params and returns, and uses every param it names', (name) => {
    const text = cypher(name);
    expect(text.startsWith(`// ${name.split('/')[1]}:`)).toBe(true);
    const header = text.split('\n').filter((l) => l.startsWith('//'));
    const from = header.findIndex((l) => l.startsWith('// params:'));
    const to = header.findIndex((l) => l.startsWith('// returns:'));
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    const declared = [
      ...header
        .slice(from, to)
        .join(' ')
        .matchAll(/\$(\w+)/g),
    ].map((m) => m[1]!);
    const body = text
      .split('\n')
      .filter((l) => !l.trim().startsWith('//'))
      .join('\n');
    for (const p of declared) expect(body).toContain(`$${p}`);
    const used = new Set([...body.matchAll(/\$(\w+)/g)].map((m) => m[1]!));
    for (const p of used) expect(declared).toContain(p);
  });

  it('no query file contains template interpolation', () => {
    for (const name of QUERY_NAMES) expect(cypher(name)).not.toContain('${');
  });

  it('schema statements are idempotent (IF NOT EXISTS)', () => {
    const statements = schemaStatements();
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) expect(s).toMatch(/IF NOT EXISTS/);
  });

  it('no server source builds Cypher in a string: Cypher keywords appear only in cypher/*.cypher', () => {
    const cypherish = /(['"`])\s*(MATCH|MERGE|CREATE|UNWIND|OPTIONAL MATCH|CALL|DETACH DELETE|RETURN)\b[^'"`]*\1/;
    const offenders = serverFiles(path.resolve(CYPHER_DIR, '..', 'server', 'src')).filter((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .some((line) => !line.trim().startsWith('*') && !line.trim().startsWith('//') && cypherish.test(line)),
    );
    expect(offenders).toEqual([]);
  });
});
