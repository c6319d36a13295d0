/**
 * The server as a benchmark runs it: the BUILT server (server/dist, what `npm start` and the
 * Docker image run; rebuilt with `npm run build -w server` when older than server/src), or its
 * TypeScript sources through tsx (`--from-source`, and the smoke runs of `npm test`). The two
 * differ in speed: tsx keeps every function's name with a helper call where the function is
 * created, which the engine's inner loops pay for (measured 2026-12-03 with a script timing the
 * services' 10k-device cold projection, four runs each way in the same minutes: 2.45–2.50 s
 * built against 2.76–3.18 s from source).
 * Types always come from the sources.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Newest modification time (ms) of the files under `dir` whose names end with `ext`. */
function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds server/dist unless it is at least as new as every server/src/**\/*.ts; `log` says so.
 * @throws Error when the build fails
 */
export function ensureBuilt(log: (line: string) => void): void {
  const main = path.join(ROOT, 'server', 'dist', 'main.js');
  const built = fs.existsSync(main) ? fs.statSync(main).mtimeMs : 0;
  if (built >= newestMtime(path.join(ROOT, 'server', 'src'), '.ts')) return;
  log(built ? 'server/dist is older than server/src: npm run build -w server' : 'building the server');
  const r = spawnSync('npm', ['run', 'build', '-w', 'server'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`npm run build -w server failed (exit ${r.status})`);
}

/**
 * What the benchmark uses of the server, all built or all from source (never services of one with
 * a database layer of the other). Pure data and helpers (domain constants, the hospital
 * generator) come from the sources either way.
 */
export interface ServerModules {
  createServer: typeof import('../server/src/app').createServer;
  bootstrap: typeof import('../server/src/bootstrap').bootstrap;
  createServices: typeof import('../server/src/bootstrap').createServices;
  SYSTEM_ACTOR: typeof import('../server/src/domain/auth/principal').SYSTEM_ACTOR;
  loadBundledCatalogue: typeof import('../server/src/domain/catalogue').loadBundledCatalogue;
  Database: typeof import('../server/src/graph/database').Database;
  /** Which it is, for the record: 'server/dist (built)' or 'server/src through tsx'. */
  server: string;
}

/** The built server's modules (after {@link ensureBuilt}), or the sources' when `fromSource`. */
export function serverModules(fromSource: boolean): ServerModules {
  const base = path.join(ROOT, 'server', fromSource ? 'src' : 'dist');
  const load = (file: string): unknown => require(path.join(base, file));
  const app = load('app') as typeof import('../server/src/app');
  const boot = load('bootstrap') as typeof import('../server/src/bootstrap');
  const principal = load('domain/auth/principal') as typeof import('../server/src/domain/auth/principal');
  const catalogue = load('domain/catalogue') as typeof import('../server/src/domain/catalogue');
  const database = load('graph/database') as typeof import('../server/src/graph/database');
  return {
    createServer: app.createServer,
    bootstrap: boot.bootstrap,
    createServices: boot.createServices,
    SYSTEM_ACTOR: principal.SYSTEM_ACTOR,
    loadBundledCatalogue: catalogue.loadBundledCatalogue,
    Database: database.Database,
    server: fromSource ? 'server/src through tsx' : 'server/dist (built)',
  };
}
