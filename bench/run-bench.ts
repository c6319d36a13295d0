/**
 * `npm run bench`: MedThreat against the naive Cypher a Neo4j user would write, on seeded
 * generated hospitals (test/support/generate-hospital.ts) of 1k, 10k and 50k devices loaded into a
 * real Neo4j. Everything the product does is timed through GraphQL over HTTP (an in-process
 * server): loading the projection (cold: snapshot from Neo4j + attack graph), ranked attack paths
 * and the exact recommendation. The naive baselines (variable-length path enumeration and
 * shortestPath from entry zones to high-severity assets, cypher/bench/*.cypher) run in the same
 * run with a time cap. Prints one JSON document (medians, ratios) and rewrites the results section
 * of docs/benchmarks.md.
 *
 * Options: --sizes 1000,10000,50000  --runs 3  --cap-ms 60000  --seed 7  --no-docs
 * Neo4j: NEO4J_URI if set, else a fresh local instance 'bench' on port 7690 (heap NEO4J_HEAP, default 6g).
 */
import { SYSTEM_ACTOR } from '../server/src/domain/auth/principal';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createServer } from '../server/src/app';
import { bootstrap, createServices } from '../server/src/bootstrap';
import { loadBundledCatalogue } from '../server/src/domain/catalogue';
import { SEVERITY_RANK, SEVERITIES } from '../server/src/domain/types';
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
const SIZES = arg('sizes', '1000,10000,50000').split(',').map(Number);
const RUNS = Number(arg('runs', '3'));
const CAP_MS = Number(arg('cap-ms', '60000'));
const SEED = Number(arg('seed', '7'));
const MIN_SEVERITY = 'CRITICAL';
const HIGH = SEVERITIES.filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[MIN_SEVERITY]);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const rssTimer = setInterval(sampleRss, 200);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  sampleRss();
  return { ms: performance.now() - t, value };
}

interface GqlBody {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function gql(url: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlBody;
  if (body.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(body.errors[0])}`);
  return body.data!;
}

const PROJECTION = `query($m: ID!) { model(id: $m) { attackGraph { entryPointIds } } }`;
const PATHS = `query($m: ID!, $sev: Severity) { model(id: $m) { attackPaths(k: 3, minSeverity: $sev, first: 100, maxPaths: 200000, timeLimitMs: 30000) {
  pathCount targetsReachable entryTargetPairsConnected totalRisk paths { id risk } } } }`;
const RECOMMEND = `query($m: ID!, $sev: Severity, $t: Int) { model(id: $m) { recommendControls(minSeverity: $sev, timeLimitMs: $t) {
  totalCost optimal mipGap status solveTimeMs uncuttableTargetIds placements { controlId } } } }`;

const benchCypher = (file: string) => fs.readFileSync(path.join(ROOT, 'cypher', 'bench', `${file}.cypher`), 'utf8');

/**
 * Runs a naive baseline with the time cap, on a driver of its own (a terminated transaction must
 * not leak into the product's connections), then waits until the server has really stopped it.
 */
async function naive(
  uri: string,
  file: string,
  modelId: string,
): Promise<{ ms: number; capped: boolean; paths: number | null; targets: number | null }> {
  const db = new Database({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' });
  const session = db.driver.session({ database: db.database });
  const t = performance.now();
  try {
    const r = await session.run(benchCypher(file), { modelId, severities: HIGH }, { timeout: CAP_MS });
    const rec = r.records[0]!;
    return {
      ms: performance.now() - t,
      capped: false,
      paths: Number(rec.get('paths')),
      targets: Number(rec.get('targets')),
    };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (/TransactionTimedOut|Terminated|MemoryPoolOutOfMemory|TransactionOutOfMemory/i.test(code + String(e))) {
      return { ms: Math.max(performance.now() - t, CAP_MS), capped: true, paths: null, targets: null };
    }
    throw e;
  } finally {
    await session.close().catch(() => undefined);
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      const running = await db.driver.executeQuery(
        benchCypher('list-naive-transactions'),
        {},
        { database: db.database },
      );
      if (running.records.length <= 1) break; // the SHOW TRANSACTIONS query itself contains the marker
      await new Promise((r) => setTimeout(r, 1000));
    }
    await db.close();
  }
}

async function main(): Promise<void> {
  process.env.NEO4J_HEAP ??= '6g';
  process.env.NEO4J_PAGECACHE ??= '2g';
  let uri = process.env.NEO4J_URI;
  let started = false;
  if (!uri) {
    const s = await local.start({ port: Number(process.env.NEO4J_BENCH_PORT ?? 7690), instance: 'bench', fresh: true });
    uri = s.uri;
    started = s.started;
  }
  const log = pino({ level: 'silent' });
  const db = new Database({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' });
  const catalogue = loadBundledCatalogue();
  const seedServices = createServices(db);
  await bootstrap(db, seedServices, { loadDemo: false, log });

  const results: Record<string, unknown>[] = [];
  try {
    // warm-up: Neo4j's query planner and the JIT on a small model, not measured
    const warm = generateHospital({ devices: 300, seed: SEED + 1, catalogue });
    warm.model.id = 'bench-warmup';
    await seedServices.models.deleteModel(SYSTEM_ACTOR, warm.model.id);
    await seedServices.models.importModel(SYSTEM_ACTOR, warm);
    await seedServices.analysis.attackPaths(warm.model.id, { k: 3, minSeverity: MIN_SEVERITY, maxPaths: 200000 });
    await seedServices.analysis.recommendControls(warm.model.id, { minSeverity: MIN_SEVERITY });
    await seedServices.models.deleteModel(SYSTEM_ACTOR, warm.model.id);

    for (const devices of SIZES) {
      const doc = generateHospital({ devices, seed: SEED, catalogue });
      doc.model.id = `bench-${devices}`;
      await seedServices.models.deleteModel(SYSTEM_ACTOR, doc.model.id);
      const load = await timed(() => seedServices.models.importModel(SYSTEM_ACTOR, doc));
      const counts = Object.fromEntries(
        (['zones', 'devices', 'interfaces', 'channels', 'assets', 'vulnerabilities', 'controlPlacements'] as const).map(
          (k) => [k, doc[k].length],
        ),
      );

      const projection: number[] = [];
      const paths: number[] = [];
      const recommend: number[] = [];
      let lastPaths: Record<string, unknown> = {};
      let lastRec: Record<string, unknown> = {};
      for (let run = 0; run < RUNS; run++) {
        // a fresh service set per run: the projection is loaded cold from Neo4j each time
        const services = createServices(db);
        const { httpServer, stop } = await createServer({ services, db, log });
        await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
        const port = (httpServer.address() as { port: number }).port;
        const url = `http://127.0.0.1:${port}/graphql`;
        try {
          projection.push((await timed(() => gql(url, PROJECTION, { m: doc.model.id }))).ms);
          const p = await timed(() => gql(url, PATHS, { m: doc.model.id, sev: MIN_SEVERITY }));
          paths.push(p.ms);
          lastPaths = (p.value['model'] as Record<string, Record<string, unknown>>)['attackPaths']!;
          const r = await timed(() => gql(url, RECOMMEND, { m: doc.model.id, sev: MIN_SEVERITY, t: 60000 }));
          recommend.push(r.ms);
          lastRec = (r.value['model'] as Record<string, Record<string, unknown>>)['recommendControls']!;
        } finally {
          await stop();
          await new Promise((r) => httpServer.close(r));
          await services.analysis.close(); // its analysis worker threads
        }
      }

      const pathsMedian = median(paths);
      const result: Record<string, unknown> & { naive?: unknown; ratios?: unknown } = {
        devices,
        elements: counts,
        loadMs: round(load.ms),
        medianMs: {
          projectionCold: round(median(projection)),
          attackPaths: round(pathsMedian),
          recommendControls: round(median(recommend)),
        },
        runs: RUNS,
        attackPaths: {
          pathCount: lastPaths['pathCount'],
          targetsReachable: lastPaths['targetsReachable'],
          entryTargetPairsConnected: lastPaths['entryTargetPairsConnected'],
        },
        recommendation: {
          status: lastRec['status'],
          optimal: lastRec['optimal'],
          mipGap: lastRec['mipGap'],
          placements: (lastRec['placements'] as unknown[] | undefined)?.length,
          totalCost: lastRec['totalCost'],
          uncuttableTargets: (lastRec['uncuttableTargetIds'] as unknown[] | undefined)?.length,
        },
        peakRssMiB: Math.round(peakRss / 2 ** 20),
      };
      results.push({ ...result, modelId: doc.model.id, pathsMedian });
      process.stderr.write(`${JSON.stringify(result)}\n`);
    }
    // Phase 2, after every product measurement: the naive baselines. A capped query can keep the
    // server busy for a while after its cap, so they must not run before anything that is timed.
    for (const result of results) {
      const modelId = result['modelId'] as string;
      const pathsMedian = result['pathsMedian'] as number;
      const naiveShortest = await naive(uri, 'naive-shortest-path', modelId);
      const naiveVar = await naive(uri, 'naive-variable-length', modelId);
      result['naive'] = {
        capMs: CAP_MS,
        variableLength: { ...naiveVar, ms: round(naiveVar.ms) },
        shortestPath: { ...naiveShortest, ms: round(naiveShortest.ms) },
      };
      result['ratios'] = {
        variableLengthOverAttackPaths: round(naiveVar.ms / pathsMedian, 1),
        shortestPathOverAttackPaths: round(naiveShortest.ms / pathsMedian, 1),
        note: 'a capped naive time makes the ratio a lower bound',
      };
      delete result['modelId'];
      delete result['pathsMedian'];
      process.stderr.write(`${JSON.stringify({ devices: result['devices'], naive: result['naive'] })}\n`);
    }
  } finally {
    clearInterval(rssTimer);
    await seedServices.analysis.close();
    await db.close();
    if (started) await local.stop({ instance: 'bench' });
  }

  const report = {
    benchmark: 'medthreat',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    neo4j: uri,
    seed: SEED,
    minSeverity: MIN_SEVERITY,
    results,
  };
  const json = JSON.stringify(report, null, 2);
  process.stdout.write(`${json}\n`);
  if (!process.argv.includes('--no-docs')) writeDocs(report, json);
}

function writeDocs(report: { date: string; results: Record<string, unknown>[] }, json: string): void {
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const rows = report.results.map((r) => {
    const m = r['medianMs'] as Record<string, number>;
    const n = r['naive'] as Record<string, { ms: number; capped: boolean }>;
    const ratio = r['ratios'] as Record<string, number>;
    const rec = r['recommendation'] as Record<string, unknown>;
    const cap = (x: { ms: number; capped: boolean }) => `${x.capped ? '≥ ' : ''}${x.ms} ms`;
    return `| ${r['devices']} | ${r['loadMs']} ms | ${m['projectionCold']} ms | ${m['attackPaths']} ms | ${m['recommendControls']} ms (${rec['status']}, gap ${rec['mipGap']}) | ${cap(n['variableLength']!)} | ${cap(n['shortestPath']!)} | ${ratio['variableLengthOverAttackPaths']}× / ${ratio['shortestPathOverAttackPaths']}× | ${r['peakRssMiB']} MiB |`;
  });
  const section = [
    begin,
    `Latest run: ${report.date} (\`npm run bench\`).`,
    '',
    '| devices | load (import) | projection, cold | attack paths | exact recommendation | naive var-length | naive shortestPath | naive ÷ paths | peak RSS (bench process) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
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
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${begin}\n${end}\n`;
  const next = current.includes(begin)
    ? current.slice(0, current.indexOf(begin)) + section + current.slice(current.indexOf(end) + end.length)
    : `${current}\n${section}\n`;
  fs.writeFileSync(file, next);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
