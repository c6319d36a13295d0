/**
 * `npm run neo4j:reset` (tools/neo4j/neo4j-local.cjs reset): deletes one local instance folder under
 * .neo4j/ and nothing else, and refuses names that would reach outside it or the shared jars.
 * No Neo4j is started: an instance without a running server is only removed.
 */
import fs from 'node:fs';
import path from 'node:path';

const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  reset(o: { instance: string }): Promise<{ home: string; bytes: number; existed: boolean }>;
};

const NEO4J_DIR = path.resolve(__dirname, '..', '..', '.neo4j');

describe('neo4j-local reset', () => {
  const instance = `unit-reset-${process.pid}`;
  const sibling = `unit-reset-keep-${process.pid}`;
  afterAll(() => {
    for (const name of [instance, sibling]) fs.rmSync(path.join(NEO4J_DIR, name), { recursive: true, force: true });
  });

  it('deletes the instance folder (data, logs, passwords) and reports the bytes freed, leaving other instances', async () => {
    const home = path.join(NEO4J_DIR, instance);
    fs.mkdirSync(path.join(home, 'data', 'databases'), { recursive: true });
    fs.mkdirSync(path.join(home, 'logs'), { recursive: true });
    fs.writeFileSync(path.join(home, 'data', 'databases', 'store'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(home, 'logs', 'neo4j.log'), 'x'.repeat(24));
    fs.writeFileSync(path.join(home, 'neo4j-password'), 'secret');
    fs.mkdirSync(path.join(NEO4J_DIR, sibling), { recursive: true });

    const r = await local.reset({ instance });
    expect(r).toEqual({ home, bytes: 1000 + 24 + 6, existed: true });
    expect(fs.existsSync(home)).toBe(false);
    expect(fs.existsSync(path.join(NEO4J_DIR, sibling))).toBe(true);

    // again: nothing there, nothing to do
    expect(await local.reset({ instance })).toEqual({ home, bytes: 0, existed: false });
  });

  it.each(['lib', '../outside', '.', '..', '', 'a/b', '.hidden', 'lib.tmp'])(
    'refuses the instance name %j',
    async (name) => {
      await expect(local.reset({ instance: name })).rejects.toThrow(/refusing to reset/);
    },
  );
});
