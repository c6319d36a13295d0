#!/usr/bin/env node
/**
 * `npm run admin:reset-password -- [--user NAME] [--out FILE]`: recovers a lost admin password
 * (server/src/reset-password.ts does the work; see there). Without NEO4J_URI it uses the project's
 * own local Neo4j (instance NEO4J_LOCAL_INSTANCE or 'local', port NEO4J_LOCAL_PORT or 7687) with the
 * credentials in .neo4j/<instance>/neo4j-password: reused if running (e.g. under `npm start`), else
 * started for the reset and stopped again. A generated password goes to
 * .neo4j/<instance>/reset-<user>-password (mode 0600) unless --out says otherwise. With NEO4J_URI
 * set, that database is used with NEO4J_USER / NEO4J_PASSWORD[_FILE] as given.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const local = require('./neo4j/neo4j-local.cjs');
const INSTANCE = process.env.NEO4J_LOCAL_INSTANCE || 'local';

const args = process.argv.slice(2);
const { env, started } = await local.commandEnv(process.env, INSTANCE);
if (!process.env.NEO4J_URI) {
  if (!args.includes('--out')) {
    const i = args.indexOf('--user');
    const user = i >= 0 && args[i + 1] ? args[i + 1] : 'admin';
    args.push('--out', path.join(root, '.neo4j', INSTANCE, `reset-${user.replace(/[^\w.-]/g, '_')}-password`));
  }
}
/** A development checkout runs the source through tsx (never a stale build); a deployment its build. */
function entry() {
  try {
    require.resolve('tsx/cjs');
    return ['--require', 'tsx/cjs', path.join(root, 'server', 'src', 'reset-password.ts')];
  } catch {
    return [path.join(root, 'server', 'dist', 'reset-password.js')];
  }
}
const r = spawnSync(process.execPath, [...entry(), ...args], { env, stdio: 'inherit' });
if (started) await local.stop({ instance: INSTANCE });
process.exit(r.status ?? 1);
