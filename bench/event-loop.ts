/**
 * `npm run bench:event-loop`: is the server's event loop free while a VIEWER runs the worst
 * analysis its caps allow (issue 11.1)? Starts the BUILT server (server/dist/main.js, or
 * `--server <main.js>` to measure another build, e.g. one from before the analysis pool) as a
 * child process against a real Neo4j holding a seeded generated hospital (test/support/
 * generate-hospital.ts), and measures from outside:
 *
 * - /healthz latency at rest (`--samples` requests);
 * - /healthz latency, every 50 ms, while one VIEWER request runs
 *   `recommendControls(minSeverity: SERIOUS, budget: 50, timeLimitMs: 10000)` and
 *   `attackPaths(k: 20, minSeverity: NEGLIGIBLE, maxPaths: 200000, timeLimitMs: 10000)` together
 *   (cold: the attack graph is built too), and the latency of an EDITOR's `model { name }` sent
 *   meanwhile;
 * - the same while three VIEWERs each send such a request at once (other budgets and k, so that
 *   nothing comes from a cache).
 *
 * Prints one JSON document and rewrites the event-loop section of docs/benchmarks.md
 * (`--no-docs` to skip, `--label` names the server measured).
 *
 * Options: --devices 2000  --seed 7  --samples 50  --no-docs
 *          --servers "label=path/to/main.js,label2=other/main.js" (default: this build, server/dist/main.js)
 * Neo4j: NEO4J_URI if set, else a fresh local instance 'bench-loop' on NEO4J_BENCH_PORT (default 7690).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { bootstrap, createServices } from '../server/src/bootstrap';
import { SYSTEM_ACTOR } from '../server/src/domain/auth/principal';
import { loadBundledCatalogue } from '../server/src/domain/catalogue';
import { Database } from '../server/src/graph/database';
import { generateHospital } from '../test/support/generate-hospital';

const local = require('../tools/neo4j/neo4j-local.cjs') as {
  start(o: { port: number; instance: string; fresh: boolean }): Promise<{ uri: string; started: boolean }>;
  stop(o: { instance: string }): Promise<boolean>;
};

const ROOT = path.resolve(__dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const DEVICES = Number(arg('devices', '2000'));
const SEED = Number(arg('seed', '7'));
const SAMPLES = Number(arg('samples', '50'));
/** label=main.js pairs: each server is measured in turn on the same database. */
const SERVERS = arg('servers', 'worker pool (this build)=server/dist/main.js')
  .split(',')
  .map((pair) => {
    const [label, file] = pair.split('=');
    return { label: label!.trim(), main: path.resolve(ROOT, file!.trim()) };
  });
const PASSWORD = 'bench-event-loop-password-0123';
const MODEL_ID = `bench-loop-${DEVICES}`;

/** The worst request a VIEWER may send under the default caps; `n` varies budget and k so that nothing is cached. */
const worst = (n: number) => `query($m: ID!) { model(id: $m) {
  a: recommendControls(minSeverity: SERIOUS, budget: ${50 + n}, timeLimitMs: 10000) { status totalCost }
  b: attackPaths(k: ${20 - n}, minSeverity: NEGLIGIBLE, maxPaths: 200000, timeLimitMs: 10000, first: 1) { pathCount }
} }`;

const round = (x: number) => Math.round(x * 10) / 10;
function summary(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { n: s.length, median: round(q(0.5)), p95: round(q(0.95)), max: round(s[s.length - 1] ?? 0) };
}

async function gql(base: string, token: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
}

/**
 * Latency of one GET /healthz until it answers 200, ms. A blocked server may let a kept-alive
 * socket expire while it is stalled (ECONNRESET on reuse): then it is asked again on a new
 * connection, and the time counts from the first try.
 */
async function healthz(base: string): Promise<number> {
  const t = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.text();
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      return performance.now() - t;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

function startServer(uri: string, main: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      ...process.env,
      NEO4J_URI: uri,
      PORT: '0',
      HOST: '127.0.0.1',
      MEDTHREAT_LOAD_DEMO: 'false',
      MEDTHREAT_ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('MedThreat listening')) continue;
        resolve({ child, base: (JSON.parse(line) as { url: string }).url.replace(/\/$/, '') });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** /healthz every 50 ms and one EDITOR model { name } while `viewers` run the worst request at once. */
async function duringAnalysis(base: string, viewerTokens: string[], editorToken: string, first: number) {
  let done = false;
  const started = performance.now();
  const analyses = Promise.all(
    viewerTokens.map((tk, i) =>
      gql(base, tk, worst(first + i), { m: MODEL_ID }).then((r) => ({ ms: performance.now() - started, r })),
    ),
  ).finally(() => (done = true));
  await new Promise((r) => setTimeout(r, 200));
  const n0 = performance.now();
  const name = await gql(base, editorToken, 'query($m: ID!) { model(id: $m) { name } }', { m: MODEL_ID });
  const nameMs = performance.now() - n0;
  if (!name.data) throw new Error(`model { name } failed: ${JSON.stringify(name)}`);
  const latencies: number[] = [];
  while (!done) {
    latencies.push(await healthz(base));
    await new Promise((r) => setTimeout(r, 50));
  }
  const results = await analyses;
  return {
    healthzMs: summary(latencies),
    editorModelNameMs: round(nameMs),
    editorAnsweredWhileAnalysisRan: nameMs < Math.min(...results.map((x) => x.ms)),
    analysisMs: results.map((x) => round(x.ms)),
    outcomes: results.map(({ r }) => ({
      recommendation: (r.data?.['model'] as { a?: { status: string } } | undefined)?.a?.status ?? null,
      errors: (r.errors ?? []).map((e) => e.extensions?.code ?? '?'),
    })),
  };
}

async function main(): Promise<void> {
  process.env.NEO4J_HEAP ??= '2g';
  process.env.NEO4J_PAGECACHE ??= '512m';
  let uri = process.env.NEO4J_URI;
  let started = false;
  if (!uri) {
    const s = await local.start({
      port: Number(process.env.NEO4J_BENCH_PORT ?? 7690),
      instance: 'bench-loop',
      fresh: true,
    });
    uri = s.uri;
    started = s.started;
  }
  const db = new Database({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' });
  const services = createServices(db);
  let server: ChildProcess | undefined;
  try {
    await bootstrap(db, services, { loadDemo: false, log: pino({ level: 'silent' }), adminPassword: PASSWORD });
    const catalogue = loadBundledCatalogue();
    await services.models.deleteModel(SYSTEM_ACTOR, MODEL_ID);
    await services.models.importModel(SYSTEM_ACTOR, generateHospital({ devices: DEVICES, seed: SEED, catalogue }), {
      targetModelId: MODEL_ID,
    });
    const suffix = Date.now().toString(36);
    const names = { viewers: [1, 2, 3].map((i) => `bench-viewer-${i}-${suffix}`), editor: `bench-editor-${suffix}` };
    for (const u of names.viewers)
      await services.auth.createUser(SYSTEM_ACTOR, { username: u, password: PASSWORD, role: 'VIEWER' });
    await services.auth.createUser(SYSTEM_ACTOR, { username: names.editor, password: PASSWORD, role: 'EDITOR' });

    for (const { label, main } of SERVERS) {
      const s = await startServer(uri, main);
      server = s.child;
      const login = async (u: string) => {
        const r = await gql(
          s.base,
          '',
          'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
          { u, p: PASSWORD },
        );
        return (r.data!['login'] as { token: string }).token;
      };
      const viewers = await Promise.all(names.viewers.map(login));
      const editor = await login(names.editor);

      const idle: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        idle.push(await healthz(s.base));
        await new Promise((r) => setTimeout(r, 20));
      }
      const oneViewerCold = await duringAnalysis(s.base, viewers.slice(0, 1), editor, 0);
      const threeViewers = await duringAnalysis(s.base, viewers, editor, 1);
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
      server = undefined;

      const report = {
        benchmark: 'medthreat-event-loop',
        date: new Date().toISOString(),
        server: label,
        machine: {
          cpus: os.cpus().length,
          memoryGiB: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
          loadAverage: os.loadavg().map((x) => round(x)),
        },
        devices: DEVICES,
        seed: SEED,
        analysisWorkers: process.env.MEDTHREAT_ANALYSIS_WORKERS ?? 'default',
        idleHealthzMs: summary(idle),
        oneViewerCold,
        threeViewers,
      };
      const json = JSON.stringify(report, null, 2);
      process.stdout.write(`${json}\n`);
      if (!process.argv.includes('--no-docs')) writeDocs(report, json);
    }
  } finally {
    server?.kill('SIGTERM');
    await services.analysis.close();
    await db.close();
    if (started) await local.stop({ instance: 'bench-loop' });
  }
}

type Report = {
  date: string;
  server: string;
  devices: number;
  idleHealthzMs: ReturnType<typeof summary>;
  oneViewerCold: Awaited<ReturnType<typeof duringAnalysis>>;
  threeViewers: Awaited<ReturnType<typeof duringAnalysis>>;
};

/** Adds (or replaces) this server's rows in the event-loop section of docs/benchmarks.md. */
function writeDocs(report: Report, json: string): void {
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const begin = `<!-- event-loop:${report.server}:begin -->`;
  const end = `<!-- event-loop:${report.server}:end -->`;
  const h = (x: ReturnType<typeof summary>) => `${x.median} / ${x.p95} / ${x.max} ms (n = ${x.n})`;
  const section = [
    begin,
    `**${report.server}**, ${report.devices} devices, ${report.date} (\`npm run bench:event-loop\`):`,
    '',
    '| situation | /healthz median / p95 / max | EDITOR `model { name }` | VIEWER request(s) took | outcome |',
    '|---|---:|---:|---:|---|',
    `| at rest | ${h(report.idleHealthzMs)} | | | |`,
    `| 1 VIEWER, worst request, cold | ${h(report.oneViewerCold.healthzMs)} | ${report.oneViewerCold.editorModelNameMs} ms | ${report.oneViewerCold.analysisMs.join(', ')} ms | ${JSON.stringify(report.oneViewerCold.outcomes)} |`,
    `| 3 VIEWERs at once | ${h(report.threeViewers.healthzMs)} | ${report.threeViewers.editorModelNameMs} ms | ${report.threeViewers.analysisMs.join(', ')} ms | ${JSON.stringify(report.threeViewers.outcomes)} |`,
    '',
    '<details><summary>Raw JSON</summary>',
    '',
    '```json',
    json,
    '```',
    '',
    '</details>',
    end,
  ].join('\n');
  const current = fs.readFileSync(file, 'utf8');
  const next = current.includes(begin)
    ? current.slice(0, current.indexOf(begin)) + section + current.slice(current.indexOf(end) + end.length)
    : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
