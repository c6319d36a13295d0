#!/usr/bin/env node
/**
 * `npm start`: runs the built server. Without NEO4J_URI it first provisions and starts the
 * project's own local Neo4j (tools/neo4j/neo4j-local.cjs, instance 'local', port NEO4J_LOCAL_PORT
 * or 7687) and stops it again when the server exits (Ctrl-C). With NEO4J_URI set, that server is
 * used and nothing is provisioned.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const local = require('./neo4j/neo4j-local.cjs');

const env = { ...process.env };
let startedNeo4j = false;
if (!env.NEO4J_URI) {
  const port = Number(env.NEO4J_LOCAL_PORT || 7687);
  const { uri, started } = await local.start({ port, instance: 'local' });
  env.NEO4J_URI = uri;
  startedNeo4j = started;
}

const server = spawn(process.execPath, [path.join(root, 'server', 'dist', 'main.js')], { env, stdio: 'inherit' });
const forward = (signal) => server.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
server.on('exit', async (code) => {
  if (startedNeo4j) await local.stop({ instance: 'local' });
  process.exit(code ?? 0);
});
