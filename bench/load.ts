/**
 * `npm run load`: a load test of the built server as a separate process, with a Neo4j restart in
 * the middle, that proves no acknowledged write is lost.
 *
 * 1. Starts its own Neo4j (instance 'load', port 7691, empty at the start; with NEO4J_URI set it
 *    uses that server instead, and does not restart it) and the BUILT server (server/dist, rebuilt
 *    with `npm run build -w server` if missing or older than server/src; `--from-source` runs
 *    server/src through tsx instead) on a free loopback port, with the demo hospital loaded and a
 *    bootstrap admin account (password MEDTHREAT_ADMIN_PASSWORD if set: on an existing database
 *    it must be the admin's password, else a random one).
 * 2. Signs in as `admin` (mutation login) and sends `Authorization: Bearer <token>`
 *    (`--dev-no-auth` uses MEDTHREAT_DEV_NO_AUTH instead). The per-principal rate limit is switched
 *    off for the run (MEDTHREAT_RATE_LIMIT_POINTS=0): every client is the same admin.
 * 3. Runs `--clients` (default 50) concurrent clients for `--seconds` (default 60) mixing reads of
 *    the demo hospital (model summary, attack paths, element lists) with writes on `--models`
 *    (default 10) models created for the run, client n writing on model n mod --models
 *    (createDevice with a unique id, updateDevice with an increasing name version). Every write
 *    the server acknowledged with a success response is recorded.
 * 4. At `--restart-at` (fraction of the run, default 0.5) stops Neo4j and starts it again with its
 *    data (`--no-restart` skips this; so does NEO4J_URI: the run does not own that server).
 * 5. Afterwards waits for readiness, reads the run's model back and checks every acknowledged write:
 *    each created device exists, and no device's name version is older than its last acknowledged
 *    update. Any missing write fails the run (exit code 1). The run's model is deleted at the end.
 *
 * Prints one JSON document: throughput (req/s, overall, reads, writes), latency p50/p95/p99 (ms)
 * (writes also outside the restart window: requests neither sent nor answered between the stop of
 * Neo4j and the server being ready again),
 * error counts by code, the restart window, acknowledged and missing writes, the shutdown of the
 * server, the machine, and a timeline (successful reads and writes per 5 s of send time, with
 * their latencies: how long the restart's effects last). Writes it to docs/load-latest.json and rewrites the "Load test" results
 * in docs/benchmarks.md (between `<!-- load:begin -->` and `<!-- load:end -->`), unless `--no-docs`.
 *
 * Options: --clients 50  --seconds 60  --warm-up 60  --models 10  --restart-at 0.5  --no-restart  --no-docs  --dev-no-auth
 *          --port 7691 (Neo4j)  --keep-neo4j (leave it running afterwards)  --from-source
 *          --profile-server DIR (a V8 CPU profile of the server, written to DIR when it exits)
 *          --smoke: a small run that checks the load test still works: 3 clients for 5 s, no
 *          restart, the server from source, no docs. `npm test` runs it on the suite's own Neo4j
 *          (NEO4J_URI; test/integration/bench-smoke.int.test.ts). The restart is left out there: it
 *          would take the suite's database away from it, and costs about 30 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { formatted } from './formatted';
import { ensureBuilt } from './server-modules';

const local = require('../tools/neo4j/neo4j-local.cjs') as {
  start(o: {
    port: number;
    instance: string;
    fresh: boolean;
  }): Promise<{ uri: string; started: boolean; user: string; password: string }>;
  stop(o: { instance: string }): Promise<boolean>;
};

const ROOT = path.resolve(__dirname, '..');
const INSTANCE = 'load';
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const SMOKE = flag('smoke');
/** A Neo4j the run uses but does not own (so never restarts or stops), or null: its own instance. */
const EXTERNAL_NEO4J = process.env.NEO4J_URI || null;
const CLIENTS = Number(arg('clients', SMOKE ? '3' : '50'));
const SECONDS = Number(arg('seconds', SMOKE ? '5' : '60'));
/**
 * Seconds of the same load before the measured run (not counted in its figures, reported as
 * `warmUp`; its acknowledged writes are verified like the others). A Neo4j started for the run
 * spends its first minute compiling (the JIT's threads take about a core, measured: 61 s of compile
 * time in the first 80 s of a run), so without it the run measures start-up, not steady load.
 * The restart mid-run starts a cold JVM again, and what follows it is counted.
 */
const WARM_UP_S = Number(arg('warm-up', SMOKE ? '0' : '60'));
if (!Number.isFinite(WARM_UP_S) || WARM_UP_S < 0) {
  process.stderr.write(`--warm-up: expected a number of seconds ≥ 0, got '${arg('warm-up', '')}'\n`);
  process.exit(2);
}
const MODELS = Math.max(1, Number(arg('models', SMOKE ? '2' : '10')));
const RESTART_AT = flag('no-restart') || SMOKE || EXTERNAL_NEO4J ? null : Number(arg('restart-at', '0.5'));
const NEO4J_PORT = Number(arg('port', '7691'));
const FROM_SOURCE = SMOKE || flag('from-source');
const WRITE_DOCS = !SMOKE && !flag('no-docs');
const DEV_NO_AUTH = flag('dev-no-auth');
/** Directory for a V8 CPU profile of the server process (written when it exits), or null. */
const PROFILE_SERVER = arg('profile-server', '') || null;
/** Per-request client timeout (ms): longer than the server's 15 s transaction retry. */
const REQUEST_TIMEOUT_MS = 30000;
const DEMO = 'demo-hospital';

const log = (msg: string) => process.stderr.write(`[load] ${msg}\n`);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Percentile `p` (0..100) of `sorted` (ascending), nearest rank; 0 for an empty list. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** p50/p95/p99/max of `latencies` (ms), rounded to 0.1 ms. */
function latencySummary(latencies: number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Server process

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  base: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns node server/dist/main.js; resolves once /readyz answers 200. Its output goes to `logFile`. */
async function startServer(neo4jUri: string, port: number, adminPassword: string, logFile: string): Promise<Server> {
  const out = fs.openSync(logFile, 'w');
  const entry = [
    ...(PROFILE_SERVER ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_SERVER)}`] : []),
    ...(FROM_SOURCE
      ? ['--require', 'tsx/cjs', path.join(ROOT, 'server', 'src', 'main.ts')]
      : [path.join(ROOT, 'server', 'dist', 'main.js')]),
  ];
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: {
      ...process.env,
      // as the Docker image runs it (graphql-js skips its development-only checks)
      NODE_ENV: 'production',
      NEO4J_URI: neo4jUri,
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDTHREAT_LOAD_DEMO: 'true',
      MEDTHREAT_ADMIN_PASSWORD: adminPassword,
      MEDTHREAT_RATE_LIMIT_POINTS: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      WEB_DIST: '',
      ...(DEV_NO_AUTH ? { MEDTHREAT_DEV_NO_AUTH: 'true' } : {}),
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 300000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server exited during start-up; see ${logFile}`);
    if (await isReady(base)) return { child, base, exited };
    await sleep(500);
  }
  child.kill('SIGKILL');
  throw new Error(`the server was not ready after 300 s; see ${logFile}`);
}

/** True if GET /readyz answers 200 within 5 s. */
async function isReady(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Waits until /readyz answers 200 (polled every 250 ms); returns the time it took (ms). */
async function waitReady(base: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await isReady(base)) return Date.now() - started;
    await sleep(250);
  }
  throw new Error(`the server was not ready again after ${timeoutMs} ms`);
}

// ---------------------------------------------------------------------------------------------
// GraphQL client

interface Outcome {
  ok: boolean;
  /** extensions.code of the first error, HTTP_<status>, TIMEOUT or NETWORK when not ok. */
  code?: string;
  ms: number;
  data?: Record<string, unknown>;
}

let authHeader: Record<string, string> = {};
/** Up to 3 distinct error messages per code, for the report. */
const errorMessages = new Map<string, Set<string>>();

function noteError(code: string, message: string | undefined): void {
  const set = errorMessages.get(code) ?? new Set<string>();
  if (message && set.size < 3) set.add(message.slice(0, 200));
  errorMessages.set(code, set);
}

/** One GraphQL POST; never throws. `ok` means HTTP 200 with data and no errors. */
async function gql(base: string, query: string, variables: Record<string, unknown> = {}): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: { data?: Record<string, unknown>; errors?: { message?: string; extensions?: { code?: string } }[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return { ok: false, code: `HTTP_${res.status}`, ms };
    }
    if (body.errors?.length) {
      const code = body.errors[0]!.extensions?.code ?? 'UNKNOWN';
      noteError(code, body.errors[0]!.message);
      return { ok: false, code, ms };
    }
    if (res.status !== 200 || !body.data) return { ok: false, code: `HTTP_${res.status}`, ms };
    return { ok: true, ms, data: body.data };
  } catch (e) {
    const ms = performance.now() - started;
    return { ok: false, code: (e as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK', ms };
  }
}

/** Like gql() but throws unless it succeeded (set-up and verification). */
async function gqlOk(base: string, query: string, variables: Record<string, unknown> = {}) {
  const r = await gql(base, query, variables);
  if (!r.ok) throw new Error(`GraphQL ${r.code}: ${query.slice(0, 80)}`);
  return r.data!;
}

const READS = {
  modelSummary: `query($m: ID!) { model(id: $m) { id name version updatedAt counts { zones devices interfaces channels assets vulnerabilities controlPlacements } } }`,
  attackPaths: `query($m: ID!) { model(id: $m) { attackPaths(first: 10) { pathCount targetsReachable totalRisk paths { id risk likelihood severity } } } }`,
  elementLists: `query($m: ID!) { model(id: $m) { zones { id name kind } devices(first: 100) { totalCount nodes { id name category riskClass zoneIds } } assets(first: 50) { totalCount nodes { id name severity } } } }`,
} as const;
const CREATE_DEVICE = `mutation($m: ID!, $input: DeviceInput!) { createDevice(modelId: $m, input: $input) { id name } }`;
const UPDATE_DEVICE = `mutation($m: ID!, $id: ID!, $patch: DevicePatch!) { updateDevice(modelId: $m, id: $id, patch: $patch) { id name } }`;
const CATEGORIES = ['INFUSION_PUMP', 'PATIENT_MONITOR', 'VENTILATOR', 'IMAGING', 'CGM'];
const RISK_CLASSES = ['A', 'B', 'C', 'D'];

// ---------------------------------------------------------------------------------------------
// The run

type Kind = 'read' | 'write';
interface Sample {
  kind: Kind;
  op: string;
  /** ms since the start of the run, at completion. */
  at: number;
  ms: number;
  ok: boolean;
  code?: string;
}

/** Acknowledged writes: device id → highest acknowledged name version (0 = the create). */
const acked = new Map<string, number>();
/** Device id → highest version attempted (acknowledged or not). */
const attempted = new Map<string, number>();
let ackedCreates = 0;
let ackedUpdates = 0;

const nameOf = (id: string, version: number) => `${id} v${version}`;

/** One client: sequential requests until `until` (ms, performance.now()). Reads 70 %, writes 30 %. */
async function client(
  n: number,
  base: string,
  modelId: string,
  zoneId: string,
  runStart: number,
  until: number,
  samples: Sample[],
) {
  const mine: string[] = [];
  let created = 0;
  let i = 0;
  while (performance.now() < until) {
    i++;
    // a smoke run is short: each client starts with one write and one read, so both are always verified
    const roll = SMOKE && i === 1 ? 0.75 : SMOKE && i === 2 ? 0.1 : Math.random();
    let kind: Kind;
    let op: string;
    let outcome: Outcome;
    if (roll < 0.7) {
      kind = 'read';
      op = roll < 0.3 ? 'modelSummary' : roll < 0.45 ? 'attackPaths' : 'elementLists';
      outcome = await gql(base, READS[op as keyof typeof READS], { m: DEMO });
    } else if (roll < 0.85 || mine.length === 0) {
      kind = 'write';
      op = 'createDevice';
      const id = `load-c${n}-d${++created}`;
      attempted.set(id, 0);
      outcome = await gql(base, CREATE_DEVICE, {
        m: modelId,
        input: {
          id,
          name: nameOf(id, 0),
          category: CATEGORIES[i % CATEGORIES.length],
          riskClass: RISK_CLASSES[i % RISK_CLASSES.length],
          zoneIds: [zoneId],
        },
      });
      if (outcome.ok) {
        acked.set(id, 0);
        ackedCreates++;
        mine.push(id);
      }
    } else {
      kind = 'write';
      op = 'updateDevice';
      const id = mine[Math.floor(Math.random() * mine.length)]!;
      const version = (attempted.get(id) ?? 0) + 1;
      attempted.set(id, version);
      outcome = await gql(base, UPDATE_DEVICE, { m: modelId, id, patch: { name: nameOf(id, version) } });
      if (outcome.ok) {
        acked.set(id, Math.max(acked.get(id) ?? 0, version));
        ackedUpdates++;
      }
    }
    samples.push({
      kind,
      op,
      at: performance.now() - runStart,
      ms: outcome.ms,
      ok: outcome.ok,
      ...(outcome.code ? { code: outcome.code } : {}),
    });
    // back off briefly after a failure instead of spinning on an unavailable server
    if (!outcome.ok && outcome.ms < 100) await sleep(100);
  }
}

/** Reads every device of `modelId` (paginated): id → name. */
async function devicesOf(base: string, modelId: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    const data = await gqlOk(
      base,
      `query($m: ID!, $after: String) { model(id: $m) { devices(first: 1000, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } } }`,
      { m: modelId, after },
    );
    const page = (
      data['model'] as {
        devices: {
          nodes: { id: string; name: string }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }
    ).devices;
    for (const d of page.nodes) found.set(d.id, d.name);
    if (!page.pageInfo.hasNextPage) return found;
    after = page.pageInfo.endCursor;
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg().map((x) => round(x, 2));
  if (!FROM_SOURCE) ensureBuilt(log);
  const workDir = path.join(ROOT, 'test-results', 'load');
  fs.mkdirSync(workDir, { recursive: true });
  const serverLog = path.join(workDir, 'server.log');

  let uri: string;
  if (EXTERNAL_NEO4J) {
    uri = EXTERNAL_NEO4J;
    log(`using the Neo4j at ${uri} (NEO4J_URI): no restart`);
  } else {
    log(`starting Neo4j (instance ${INSTANCE}, port ${NEO4J_PORT}, empty)`);
    const started = await local.start({ port: NEO4J_PORT, instance: INSTANCE, fresh: true });
    uri = started.uri;
    // the local instance has authentication on: the server (spawned with process.env) signs in with these
    process.env.NEO4J_USER = started.user;
    process.env.NEO4J_PASSWORD = started.password;
  }
  let server: Server | undefined;
  const cleanup = async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    if (!EXTERNAL_NEO4J && !flag('keep-neo4j')) await local.stop({ instance: INSTANCE });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const adminPassword = process.env.MEDTHREAT_ADMIN_PASSWORD || `load-${randomBytes(12).toString('hex')}`;
    const port = await freePort();
    log(
      `starting the ${FROM_SOURCE ? 'server (from source)' : 'built server'} on 127.0.0.1:${port} (log: ${path.relative(ROOT, serverLog)})`,
    );
    server = await startServer(uri, port, adminPassword, serverLog);
    const base = server.base;

    if (!DEV_NO_AUTH) {
      const login = await gql(base, `mutation($p: String!) { login(username: "admin", password: $p) { token } }`, {
        p: adminPassword,
      });
      if (!login.ok) {
        throw new Error(
          `admin sign-in failed (${login.code}): on a database that has accounts, set MEDTHREAT_ADMIN_PASSWORD to the password of 'admin' (or use --dev-no-auth)`,
        );
      }
      authHeader = { authorization: `Bearer ${(login.data!['login'] as { token: string }).token}` };
    }

    const runId = Date.now();
    const modelIds = Array.from({ length: MODELS }, (_, k) => `load-${runId}-${k}`);
    const zoneId = 'load-ward';
    for (const modelId of modelIds) {
      await gqlOk(
        base,
        `mutation($m: ID!, $z: ID!) { createModel(id: $m, name: "Load test") { id }
           createZone(modelId: $m, input: { id: $z, name: "Load ward", kind: CLINICAL, entryPoint: false }) { id } }`,
        { m: modelId, z: zoneId },
      );
    }
    // warm the demo model's projection so the first seconds measure steady state, not the cold load
    await gqlOk(base, READS.attackPaths, { m: DEMO });

    log(
      `${CLIENTS} clients for ${WARM_UP_S} s of warm-up, then ${SECONDS} s measured${RESTART_AT === null ? '' : `, Neo4j restart at ${round(SECONDS * RESTART_AT)} s`}`,
    );
    const allSamples: Sample[] = [];
    const warmUpStart = performance.now();
    // the measured run starts after the warm-up: sample times (`at`) are counted from here
    const runStart = warmUpStart + WARM_UP_S * 1000;
    const until = runStart + SECONDS * 1000;
    const restart: Record<string, number | null> = {};
    const restarting =
      RESTART_AT === null
        ? Promise.resolve()
        : (async () => {
            await sleep(runStart - performance.now() + SECONDS * 1000 * RESTART_AT);
            const t0 = performance.now();
            restart['stopAtS'] = round((t0 - runStart) / 1000, 2);
            log('restarting Neo4j: stop');
            await local.stop({ instance: INSTANCE });
            restart['stopMs'] = round(performance.now() - t0);
            log('restarting Neo4j: start');
            await local.start({ port: NEO4J_PORT, instance: INSTANCE, fresh: false });
            restart['neo4jDownMs'] = round(performance.now() - t0);
            await waitReady(base, 120000);
            restart['windowMs'] = round(performance.now() - t0);
            restart['readyAgainAtS'] = round((performance.now() - runStart) / 1000, 2);
            log(`Neo4j back; server ready ${restart['windowMs']} ms after the stop`);
          })();
    await Promise.all(
      Array.from({ length: CLIENTS }, (_, n) =>
        client(n, base, modelIds[n % MODELS]!, zoneId, runStart, until, allSamples),
      ),
    );
    const elapsedS = (performance.now() - runStart) / 1000;
    // requests sent during the warm-up are not part of the run's figures
    const samples = allSamples.filter((s) => s.at - s.ms >= 0);
    const warmUpSamples = allSamples.filter((s) => s.at - s.ms < 0);
    await restarting;

    log('verifying every acknowledged write');
    await waitReady(base, 120000);
    const found = new Map<string, string>();
    for (const modelId of modelIds) for (const [id, name] of await devicesOf(base, modelId)) found.set(id, name);
    const missing: { id: string; expected: string; found: string | null }[] = [];
    for (const [id, version] of acked) {
      const name = found.get(id);
      const foundVersion = name === undefined ? -1 : Number(/ v(\d+)$/.exec(name)?.[1] ?? -1);
      // a newer version than acknowledged is fine: an update that committed but whose answer was lost
      if (foundVersion < version) missing.push({ id, expected: nameOf(id, version), found: name ?? null });
    }
    const unacknowledgedButPresent = [...found.keys()].filter((id) => !acked.has(id)).length;
    for (const modelId of modelIds) await gqlOk(base, `mutation($m: ID!) { deleteModel(id: $m) }`, { m: modelId });

    log('stopping the server (SIGTERM)');
    const stopStart = performance.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const shutdownMs = round(performance.now() - stopStart);

    const of = (kind?: Kind) => samples.filter((s) => kind === undefined || s.kind === kind);
    /** Counts, throughput over `seconds` (default: the measured run) and latencies of `list`. */
    const summary = (list: Sample[], seconds = elapsedS) => ({
      requests: list.length,
      ok: list.filter((s) => s.ok).length,
      failed: list.filter((s) => !s.ok).length,
      throughputRps: round(list.length / seconds),
      okThroughputRps: round(list.filter((s) => s.ok).length / seconds),
      latencyMs: latencySummary(list.map((s) => s.ms)),
      okLatencyMs: latencySummary(list.filter((s) => s.ok).map((s) => s.ms)),
    });
    const errorsByCode: Record<string, number> = {};
    for (const s of samples) if (s.code) errorsByCode[s.code] = (errorsByCode[s.code] ?? 0) + 1;
    const byOp: Record<string, Record<string, unknown>> = {};
    for (const op of new Set(samples.map((s) => s.op))) {
      const list = samples.filter((s) => s.op === op);
      const codes: Record<string, number> = {};
      for (const s of list) if (s.code) codes[s.code] = (codes[s.code] ?? 0) + 1;
      byOp[op] = {
        requests: list.length,
        failed: list.filter((s) => !s.ok).length,
        errorsByCode: codes,
        latencyMs: latencySummary(list.map((s) => s.ms)),
      };
    }
    const unavailable = samples.filter((s) => s.code === 'SERVICE_UNAVAILABLE');
    const startS = (s: Sample) => (s.at - s.ms) / 1000;
    const readyAgainAtS = restart['readyAgainAtS'] ?? null;
    const passed = missing.length === 0 && acked.size > 0 && exit.code === 0;
    // requests that neither started nor ended between the stop of Neo4j and the server being ready again
    const stopAtS = restart['stopAtS'] ?? null;
    const outsideRestart = (s: Sample) =>
      stopAtS === null || readyAgainAtS === null || s.at / 1000 < stopAtS || startS(s) > readyAgainAtS;

    const report = {
      loadTest: 'medthreat',
      date: startedAt.toISOString(),
      result: passed ? 'PASS' : 'FAIL',
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage1m: { atStart: loadAverageAtStart[0], atEnd: round(os.loadavg()[0] ?? 0, 2) },
        note: 'load generator, server and Neo4j share these cores (and other work on the machine)',
      },
      config: {
        clients: CLIENTS,
        seconds: SECONDS,
        warmUpS: WARM_UP_S,
        models: MODELS,
        elapsedS: round(elapsedS, 2),
        restartAt: RESTART_AT,
        smoke: SMOKE,
        server: FROM_SOURCE ? 'server/src through tsx' : 'server/dist (built)',
        mix: `reads 70 % (model summary 30, attack paths first 10: 15, element lists 25), writes 30 % (createDevice 15, updateDevice 15) spread over ${MODELS} models (client n on model n mod ${MODELS})`,
        auth: DEV_NO_AUTH ? 'MEDTHREAT_DEV_NO_AUTH' : 'admin session token (login)',
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        neo4j: uri,
      },
      // the warm-up before the run, same load (see --warm-up): the JVM's first minute
      warmUp:
        warmUpSamples.length === 0
          ? null
          : {
              ...summary(warmUpSamples, WARM_UP_S),
              writes: { latencyMs: latencySummary(warmUpSamples.filter((s) => s.kind === 'write').map((s) => s.ms)) },
            },
      overall: summary(of()),
      reads: summary(of('read')),
      writes: summary(of('write')),
      writesOutsideRestart: summary(of('write').filter(outsideRestart)),
      // its two parts: before the stop, and after the server is ready again (Neo4j's JVM and page
      // cache start cold again, so these are the slowest)
      writesBeforeRestart: stopAtS === null ? null : summary(of('write').filter((s) => s.at / 1000 < stopAtS)),
      writesAfterRestart: readyAgainAtS === null ? null : summary(of('write').filter((s) => startS(s) > readyAgainAtS)),
      // latency over the run, per 5 s of send time: how long the restart's effects last
      timeline: Array.from({ length: Math.ceil(SECONDS / 5) }, (_, b) => {
        const inBucket = samples.filter((x) => Math.floor(startS(x) / 5) === b && x.ok);
        const part = (kind: Kind) => {
          const list = inBucket.filter((x) => x.kind === kind);
          return { ok: list.length, ...latencySummary(list.map((x) => x.ms)) };
        };
        return { fromS: b * 5, reads: part('read'), writes: part('write') };
      }),
      byOperation: byOp,
      errorsByCode,
      errorMessages: Object.fromEntries([...errorMessages].map(([code, set]) => [code, [...set]])),
      restart:
        RESTART_AT === null
          ? null
          : {
              ...restart,
              serviceUnavailable: unavailable.length,
              // when requests answered SERVICE_UNAVAILABLE were sent (s into the run), first and last
              serviceUnavailableSentFromS: unavailable.length ? round(Math.min(...unavailable.map(startS)), 2) : null,
              serviceUnavailableSentToS: unavailable.length ? round(Math.max(...unavailable.map(startS)), 2) : null,
              // sent after /readyz answered 200 again yet still SERVICE_UNAVAILABLE: should be 0
              serviceUnavailableAfterReady:
                readyAgainAtS === null ? null : unavailable.filter((s) => startS(s) > readyAgainAtS).length,
            },
      writesVerified: {
        ackedCreates,
        ackedUpdates,
        ackedDevices: acked.size,
        devicesFound: found.size,
        missing: missing.length,
        missingExamples: missing.slice(0, 20),
        unacknowledgedButPresent,
      },
      shutdown: { exitCode: exit.code, signal: exit.signal, ms: shutdownMs },
    };
    const json = JSON.stringify(report, null, 2);
    process.stdout.write(`${json}\n`);
    if (WRITE_DOCS) await writeDocs(report, json);
    await cleanup();
    if (!passed) {
      log(`FAIL: ${missing.length} acknowledged writes missing; server exit ${exit.code}`);
      process.exit(1);
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Writes docs/load-latest.json and the results block of the "Load test" section of docs/benchmarks.md. */
async function writeDocs(report: Record<string, unknown> & { date: string }, json: string): Promise<void> {
  const latest = path.join(ROOT, 'docs', 'load-latest.json');
  fs.writeFileSync(latest, await formatted(latest, `${json}\n`));
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const begin = '<!-- load:begin -->';
  const end = '<!-- load:end -->';
  type Part = {
    throughputRps: number;
    okThroughputRps: number;
    requests: number;
    failed: number;
    latencyMs: Record<string, number>;
  };
  const row = (name: string, p: Part) =>
    `| ${name} | ${p.requests} | ${p.failed} | ${p.throughputRps} | ${p.okThroughputRps} | ${p.latencyMs['p50']} | ${p.latencyMs['p95']} | ${p.latencyMs['p99']} |`;
  const config = report['config'] as Record<string, unknown>;
  const machine = report['machine'] as Record<string, unknown>;
  const restart = report['restart'] as Record<string, unknown> | null;
  const writes = report['writesVerified'] as Record<string, number>;
  const errors = Object.entries(report['errorsByCode'] as Record<string, number>)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const shutdown = report['shutdown'] as Record<string, unknown>;
  const section = [
    begin,
    `Latest run: ${report.date} (\`npm run load\`), ${String(report['result'])}: ${String(config['clients'])} clients over ${String(config['models'])} models for ${String(config['seconds'])} s after ${String(config['warmUpS'])} s of warm-up on ${String(machine['cpus'])} cores (${String(machine['cpuModel'])}), Node ${String(machine['node'])}; load generator, server and Neo4j on the same machine, 1-minute load average ${String((machine['loadAverage1m'] as Record<string, number>)['atStart'])} at the start.`,
    '',
    '| requests | count | failed | req/s | successful req/s | p50 ms | p95 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...(report['warmUp'] ? [row('warm-up before the run (not counted below)', report['warmUp'] as Part)] : []),
    row('all', report['overall'] as Part),
    row('reads', report['reads'] as Part),
    row('writes', report['writes'] as Part),
    row('writes outside the restart window', report['writesOutsideRestart'] as Part),
    ...(report['writesBeforeRestart']
      ? [
          row('— before the stop of Neo4j', report['writesBeforeRestart'] as Part),
          row('— after the server is ready again', report['writesAfterRestart'] as Part),
        ]
      : []),
    '',
    `- Errors by code: ${errors || 'none'}.`,
    restart
      ? `- Neo4j restart at ${String(restart['stopAtS'])} s: stopped in ${String(restart['stopMs'])} ms, back after ${String(restart['neo4jDownMs'])} ms, server ready again ${String(restart['windowMs'])} ms after the stop (${String(restart['readyAgainAtS'])} s into the run); requests sent from ${String(restart['serviceUnavailableSentFromS'])} s to ${String(restart['serviceUnavailableSentToS'])} s got \`SERVICE_UNAVAILABLE\`, ${String(restart['serviceUnavailableAfterReady'])} of them after the server was ready again.`
      : '- No Neo4j restart in this run.',
    `- Acknowledged writes: ${writes['ackedCreates']} creates and ${writes['ackedUpdates']} updates on ${writes['ackedDevices']} devices; **missing after the run: ${writes['missing']}**.`,
    `- Server shutdown after the run (SIGTERM): exit code ${String(shutdown['exitCode'])} in ${String(shutdown['ms'])} ms.`,
    '',
    'The full record is `docs/load-latest.json`.',
    end,
  ].join('\n');
  const current = fs.readFileSync(file, 'utf8');
  const next = current.includes(begin)
    ? current.slice(0, current.indexOf(begin)) + section + current.slice(current.indexOf(end) + end.length)
    : `${current.trimEnd()}\n\n## Load test\n\n${LOAD_INTRO}\n\n${section}\n`;
  fs.writeFileSync(file, await formatted(file, next));
}

/** The prose of the "Load test" section, written once when the section is first added. */
const LOAD_INTRO = [
  '`npm run load` (bench/load.ts) runs the built server as its own process against its own Neo4j',
  '(instance `load`, port 7691, empty at the start, demo hospital loaded), signs in as the bootstrap',
  'admin and runs 50 concurrent clients for 60 s: 70 % reads of the demo hospital (model summary,',
  '`attackPaths(first: 10)`, element lists) and 30 % writes on 10 models of its own (`createDevice`',
  'with a unique id, `updateDevice` with an increasing name version). Halfway through it stops Neo4j',
  'and starts it again with its data. Requests caught by the restart retry for up to 15 s and then',
  'get `SERVICE_UNAVAILABLE`; once the server knows the database is down, later ones get it at once.',
  'No write may be lost: afterwards every write the server acknowledged is read back, and a missing',
  'one fails the run (exit code 1). Five writers share each model; one server queues the writes of',
  'a model, so they do not race for its version guard. Client timeout',
  '30 s (`TIMEOUT`). The load generator, the server and Neo4j share the same two cores, and other',
  'work on the machine shows in the load average recorded with each run.',
  '',
  'To reproduce: `npm run load` (about 5 minutes including start-up on this machine; 60 s of the same',
  'load run first as a warm-up and are reported on their own row, `-- --warm-up 0` to skip it;',
  '`-- --clients 10 --seconds 20` for a short run, `-- --no-docs` to leave this file alone).',
].join('\n');

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
