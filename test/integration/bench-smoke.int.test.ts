/**
 * A small-size run of every benchmark script (bench/*.ts) on the suite's own Neo4j, so none can
 * silently break (issue 9: `npm run bench` stopped at its first query with UNAUTHENTICATED once
 * sign-in became the default, and nothing ran it). Each script runs with `--smoke` as its own
 * process, as `npm run bench` / `npm run load` would; its JSON record must be well-formed, with the
 * expected keys, positive timings and counts that match the generated model. The timings themselves
 * are not judged: performance is measured by the benchmarks, not by tests. Each script must also
 * leave the database as it found it (its models deleted, its API key revoked).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_ADMIN_PASSWORD, TestHelper } from '../support/neo4j';

const ROOT = path.resolve(__dirname, '../..');
/** A smoke run takes a few seconds on a quiet machine; this allows for a busy one. */
const SMOKE_TIMEOUT_MS = 180000;

type Json = Record<string, unknown>;

/** Runs `bench/<script> --smoke ...args` through tsx; resolves with its stdout parsed as JSON. */
function runSmoke(script: string, args: string[] = []): Promise<Json> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(ROOT, 'bench', script), '--smoke', ...args],
      {
        cwd: ROOT,
        // NEO4J_URI: the suite's database (global setup); the first admin's password, as every test has it
        env: { ...process.env, MEDTHREAT_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SMOKE_TIMEOUT_MS - 5000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`bench/${script} --smoke exited with ${code ?? signal}:\n${stderr.slice(-4000)}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as Json);
      } catch (e) {
        reject(new Error(`bench/${script} --smoke printed no JSON document (${String(e)}):\n${stdout.slice(0, 2000)}`));
      }
    });
  });
}

/** `value` at `path` (dotted) in `obj`, failing with the path when a step is missing. */
function at(obj: unknown, p: string): unknown {
  return p.split('.').reduce<unknown>((o, k) => {
    if (o === null || typeof o !== 'object' || !(k in o)) throw new Error(`missing key '${p}' (at '${k}')`);
    return (o as Json)[k];
  }, obj);
}

/** Every listed path holds a finite number > 0. */
function expectPositive(obj: unknown, paths: string[]): void {
  for (const p of paths) {
    const v = at(obj, p);
    expect({ [p]: typeof v === 'number' && Number.isFinite(v) && v > 0 }).toEqual({ [p]: true });
  }
}

let t: TestHelper;
beforeAll(async () => {
  t = await new TestHelper().init();
});
afterAll(async () => {
  await t.close();
});

test(
  'npm run bench --smoke: signs in, times every stage, reports the read floor and the ratios to it, and cleans up',
  async () => {
    const report = await runSmoke('run-bench.ts');
    expect(report).toMatchObject({ benchmark: 'medthreat', smoke: true, seed: 7, minSeverity: 'CRITICAL' });
    expect(report['neo4j']).toBe(process.env.NEO4J_URI);
    expectPositive(report, ['machine.cpus', 'machine.memoryGiB', 'targets.attackPathsMaxMs']);
    expect(typeof at(report, 'date')).toBe('string');
    expect(Number.isNaN(Date.parse(at(report, 'date') as string))).toBe(false);

    const results = report['results'] as Json[];
    expect(results).toHaveLength(1);
    const r = results[0]!;
    expect(r['devices']).toBe(40);
    expect(r['runs']).toBe(1);
    const elements = r['elements'] as Record<string, number>;
    expect(elements['devices']).toBe(40);
    expectPositive(r, [
      'loadMs',
      'medianMs.readFloor',
      'medianMs.readFloorNodes',
      'medianMs.readFloorRelationships',
      'medianMs.projectionCold',
      'medianMs.projectionLoad',
      'medianMs.projectionBuild',
      'medianMs.attackPaths',
      'medianMs.recommendControls',
      'ratios.projectionColdOverReadFloor',
      'ratios.projectionLoadOverReadFloor',
      'ratios.projectionBuildOverReadFloor',
      'ratios.variableLengthOverAttackPaths',
      'ratios.shortestPathOverAttackPaths',
      'naive.capMs',
      'naive.variableLength.ms',
      'naive.shortestPath.ms',
      'attackPaths.pathCount',
      'recommendation.placements',
      'peakRssMiB',
    ]);
    // the read floor read exactly the model: every element is one node
    const total = Object.values(elements).reduce((a, b) => a + b, 0);
    expect(at(r, 'readFloor.nodes')).toBe(total);
    expectPositive(r, ['readFloor.relationships']);
    // the ratio is the ratio of the medians reported beside it
    const m = r['medianMs'] as Record<string, number>;
    expect(at(r, 'ratios.projectionColdOverReadFloor') as number).toBeCloseTo(
      m['projectionCold']! / m['readFloor']!,
      1,
    );
    expect(typeof at(r, 'targets.attackPaths.met')).toBe('boolean');
    expect(typeof at(r, 'targets.projectionColdOverReadFloor.met')).toBe('boolean');
    expect(at(r, 'recommendation.status')).toBe('OPTIMAL');

    // nothing left behind: models deleted, the run's API key revoked
    expect(await t.services.models.get('bench-40')).toBeNull();
    expect(await t.services.models.get('bench-warmup')).toBeNull();
    const keys = (await t.services.auth.apiKeys()).filter((k) => k.name === 'npm run bench');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.revokedAt === null)).toEqual([]);
  },
  SMOKE_TIMEOUT_MS,
);

test(
  'bench/upsert-devices.ts --smoke: creates, re-sends and changes a feed through GraphQL and the service, and cleans up',
  async () => {
    const report = await runSmoke('upsert-devices.ts');
    expect(report).toMatchObject({ benchmark: 'upsertDevices', smoke: true });
    const results = report['results'] as Json[];
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({
      devices: 100,
      create: { created: 100 },
      same: { unchanged: 100, batches: 0 },
      tenPercentChanged: { updated: 10, unchanged: 90 },
    });
    expectPositive(results[0], ['batchSize', 'create.ms', 'create.batches', 'same.ms', 'tenPercentChanged.ms']);
    expect(results.slice(1).map((r) => r['validation'])).toEqual(['incremental', 'full']);
    // single device edits, fast write path and the path before it
    expect(results[3]).toMatchObject({ devices: 100, fast: { edits: 6 }, full: { edits: 3 } });
    expectPositive(results[3], ['fast.p50', 'fast.p95', 'full.p50', 'full.p95']);
    for (const r of results.slice(1, 3)) {
      expect(r).toMatchObject({
        devices: 100,
        create: { created: 100 },
        ownFeedTenPercentChanged: { updated: 10, unchanged: 90 },
      });
      expectPositive(r, ['create.ms', 'ownFeedTenPercentChanged.ms']);
    }
    const left = (await t.services.models.list()).filter((m) => m.id.startsWith('bench-upsert-'));
    expect(left).toEqual([]);
  },
  SMOKE_TIMEOUT_MS,
);

test(
  'npm run load --smoke: a few clients against the server from source on the suite database, every acknowledged write found',
  async () => {
    const report = await runSmoke('load.ts');
    expect(report).toMatchObject({
      loadTest: 'medthreat',
      result: 'PASS',
      config: { clients: 3, seconds: 5, restartAt: null, smoke: true, neo4j: process.env.NEO4J_URI },
      restart: null,
      writesVerified: { missing: 0 },
      shutdown: { exitCode: 0 },
    });
    expectPositive(report, [
      'config.elapsedS',
      'overall.requests',
      'overall.throughputRps',
      'overall.latencyMs.p50',
      'overall.latencyMs.p99',
      'reads.requests',
      'writesVerified.ackedDevices',
      'writesVerified.devicesFound',
    ]);
    const left = (await t.services.models.list()).filter((m) => m.name === 'Load test');
    expect(left).toEqual([]);
  },
  SMOKE_TIMEOUT_MS,
);
