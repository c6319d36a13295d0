#!/usr/bin/env node
/**
 * `npm run backup -- --out FILE` and `npm run restore -- --in FILE [--yes]`
 * (server/src/backup-cli.ts does the work; see there). Relative paths are taken from the directory
 * npm was run in. Without NEO4J_URI it uses the project's own local Neo4j (instance
 * NEO4J_LOCAL_INSTANCE or 'local', port NEO4J_LOCAL_PORT or 7687) with the credentials in
 * .neo4j/<instance>/neo4j-password: reused if running (e.g. under `npm start`), else started for
 * the command and stopped again. With NEO4J_URI set, that database is used with NEO4J_USER /
 * NEO4J_PASSWORD[_FILE] as given (Docker, a cluster, Aura).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const local = require('./neo4j/neo4j-local.cjs');
const INSTANCE = process.env.NEO4J_LOCAL_INSTANCE || 'local';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'backup' && command !== 'restore') {
  process.stderr.write('usage: node tools/backup.mjs backup --out FILE | restore --in FILE [--yes]\n');
  process.exit(2);
}
// npm runs scripts in the package root: resolve the file against where the user ran npm
const cwd = process.env.INIT_CWD || process.cwd();
const args = rest.map((a, i) =>
  i > 0 && (rest[i - 1] === '--out' || rest[i - 1] === '--in') ? path.resolve(cwd, a) : a,
);

const { env, started } = await local.commandEnv(process.env, INSTANCE);
/** A development checkout runs the source through tsx (never a stale build); a deployment its build. */
function entry() {
  try {
    require.resolve('tsx/cjs');
    return ['--require', 'tsx/cjs', path.join(root, 'server', 'src', 'backup-cli.ts')];
  } catch {
    return [path.join(root, 'server', 'dist', 'backup-cli.js')];
  }
}
const r = spawnSync(process.execPath, [...entry(), command, ...args], { env, stdio: 'inherit' });
if (started) await local.stop({ instance: INSTANCE });
process.exit(r.status ?? 1);
