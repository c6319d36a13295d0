/**
 * The analysis pool (server/src/workers/engine-pool.ts) with real worker threads running the real
 * engine (loaded from the TypeScript sources through the tsx bootstrap): results and domain errors
 * come back across the thread boundary, graphs are built in the worker (and rebuilt there on a
 * miss), and the scheduler's limits hold: per-caller concurrency, the global queue, the hard
 * deadline and cancellation by AbortSignal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import {
  CancelledError,
  EngineLimitError,
  ServiceUnavailableError,
  RateLimitedError,
  ValidationError,
} from '../../server/src/domain/errors';
import { buildAttackGraph, findAttackPaths, recommendControls } from '../../server/src/engine';
import { EnginePool } from '../../server/src/workers/engine-pool';
import { generateHospital } from '../support/generate-hospital';

jest.setTimeout(120000);

const catalogue = loadBundledCatalogue();
const small = generateHospital({ devices: 60, seed: 3, catalogue });
/** Large enough that a budgeted recommendation runs for seconds (the case). */
const large = generateHospital({ devices: 2000, seed: 7, catalogue });
const ref = (key: string, document = small) => ({ key, build: async () => ({ document, catalogue }) });
const slowRecommend = [{ minSeverity: 'SERIOUS' as const, budget: 50, timeLimitMs: 30000 }] as [
  { minSeverity: 'SERIOUS'; budget: number; timeLimitMs: number },
];

let pool: EnginePool;
afterEach(async () => {
  await pool?.close();
});

/** Resolves once `check` holds (polling every 20 ms), or rejects after `ms`. */
async function until(check: () => boolean, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('EnginePool', () => {
  it('warm() starts a thread before any task, outside the counters, and the first task uses it', async () => {
    pool = new EnginePool({ workers: 2, maxQueue: 4, perPrincipal: 2, perPrincipalQueue: 4 });
    expect(pool.stats().threads).toBe(0);
    const warming = pool.warm();
    expect(pool.stats().threads).toBe(1); // started at once, before the engine has loaded
    await warming;
    await pool.warm(); // a thread is running: nothing more
    expect(pool.stats()).toMatchObject({ running: 0, waiting: 0, completed: 0, threads: 1 });
    const summary = await pool.run('graphSummary', [], ref('warm'), { principalKey: 'a', deadlineMs: 60000 });
    expect(summary.stepCount).toBe(buildAttackGraph(small, catalogue).steps.length);
    expect(pool.stats()).toMatchObject({ running: 0, completed: 1, threads: 1 });
    await pool.close();
    await pool.warm(); // after close: ignored, no error
    expect(pool.stats().threads).toBe(0);
  });

  it('keeps its one thread however long it is idle, with the graph it used last', async () => {
    // one thread at most: with another minThreads than 1 it would stop after 200 ms idle
    pool = new EnginePool({ workers: 1, maxQueue: 4, perPrincipal: 2, perPrincipalQueue: 4, idleTimeoutMs: 200 });
    const opts = { principalKey: 'a', deadlineMs: 60000 };
    const builds: string[] = [];
    const counted = (key: string) => ({
      key,
      build: async () => {
        builds.push(key);
        return { document: small, catalogue };
      },
    });
    for (const key of ['g1', 'g2', 'g3']) await pool.run('graphSummary', [], counted(key), opts);
    await pool.run('graphSummary', [], counted('g1'), opts); // cached: g1 is now the most recent
    expect(builds).toEqual(['g1', 'g2', 'g3']);
    await new Promise((r) => setTimeout(r, 700)); // idle for more than three idle timeouts
    expect(pool.stats().threads).toBe(1);
    await pool.run('graphSummary', [], counted('g1'), opts); // the graph used last: kept
    expect(builds).toEqual(['g1', 'g2', 'g3']);
    await pool.run('graphSummary', [], counted('g3'), opts); // the others went while it was idle
    expect(builds).toEqual(['g1', 'g2', 'g3', 'g3']);
  });

  it('ready() waits for the engine in the kept thread, and reports a thread that cannot load it', async () => {
    pool = new EnginePool({ workers: 2, maxQueue: 4, perPrincipal: 2, perPrincipalQueue: 4 });
    await pool.ready();
    expect(pool.stats().threads).toBe(1);
    await pool.close();
    await expect(pool.ready()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    // a worker that cannot load: a clear error, not a process brought down by piscina's 'error' event
    const broken = path.join(os.tmpdir(), `medthreat-broken-worker-${process.pid}.cjs`);
    fs.writeFileSync(broken, "throw new Error('engine missing');\n");
    try {
      pool = new EnginePool({ workers: 2, maxQueue: 4, perPrincipal: 2, perPrincipalQueue: 4, workerFilename: broken });
      await expect(pool.ready(10_000)).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringContaining('engine missing'),
      });
      await new Promise((r) => setTimeout(r, 200)); // any later 'error' event: handled
    } finally {
      fs.rmSync(broken, { force: true });
    }
  });

  it('runs engine calls in a worker with the same answers as in-process', async () => {
    pool = new EnginePool({ workers: 1, maxQueue: 4, perPrincipal: 1, perPrincipalQueue: 4 });
    const graph = buildAttackGraph(small, catalogue);
    const local = findAttackPaths(graph, { k: 3, minSeverity: 'SERIOUS', maxPaths: 200000 });
    const remote = await pool.run(
      'findAttackPaths',
      [{ k: 3, minSeverity: 'SERIOUS', maxPaths: 200000 }],
      ref('small'),
      { principalKey: 'a', deadlineMs: 60000 },
    );
    expect(remote.paths.map((p) => p.id)).toEqual(local.paths.map((p) => p.id));
    expect(remote.totalRisk).toBe(local.totalRisk);
    // steps are resolved in the worker (what the API serves)
    expect(remote.paths[0]!.steps.map((s) => s.id)).toEqual(local.paths[0]!.stepIds);
    const rec = await pool.run('recommendControls', [{ minSeverity: 'SERIOUS' }], ref('small'), {
      principalKey: 'a',
      deadlineMs: 60000,
    });
    const { solveTimeMs: _t, ...expected } = await recommendControls(graph, { minSeverity: 'SERIOUS' });
    expect(rec).toEqual({ ...expected, solveTimeMs: expect.any(Number) });
    expect(pool.stats()).toMatchObject({ running: 0, waiting: 0, completed: 2 });
  });

  it('gives back the engine’s domain errors as domain errors', async () => {
    pool = new EnginePool({ workers: 1, maxQueue: 4, perPrincipal: 1, perPrincipalQueue: 4 });
    const tooMany = pool.run('findAttackPaths', [{ k: 20, maxPaths: 1 }], ref('small'), {
      principalKey: 'a',
      deadlineMs: 60000,
    });
    await expect(tooMany).rejects.toBeInstanceOf(EngineLimitError);
    await expect(tooMany).rejects.toMatchObject({ code: 'ENGINE_LIMIT', limit: 'maxPaths' });
    const bad = pool.run(
      'whatIf',
      [small, catalogue, [{ controlId: 'NO-SUCH-CONTROL', elementId: small.devices[0]!.id }], {}],
      ref('small'),
      { principalKey: 'a', deadlineMs: 60000 },
    );
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
  });

  it('stops a task at its deadline by terminating the worker, and keeps serving', async () => {
    pool = new EnginePool({ workers: 1, maxQueue: 4, perPrincipal: 1, perPrincipalQueue: 4 });
    const started = Date.now();
    const run = pool.run('recommendControls', slowRecommend, ref('large', large), {
      principalKey: 'a',
      deadlineMs: 1500,
    });
    await expect(run).rejects.toBeInstanceOf(EngineLimitError);
    await expect(run).rejects.toMatchObject({ limit: 'timeLimitMs', value: 1500 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pool.stats()).toMatchObject({ running: 0, timedOut: 1 });
    // a fresh worker takes the next task
    const gaps = await pool.run('findBaselineGaps', [small, catalogue], undefined, {
      principalKey: 'a',
      deadlineMs: 60000,
    });
    expect(gaps.length).toBeGreaterThan(0);
  });

  it('limits each caller, queues the rest, refuses beyond the queue, and cancels on abort', async () => {
    pool = new EnginePool({ workers: 2, maxQueue: 3, perPrincipal: 1, perPrincipalQueue: 1 });
    const aborts = Array.from({ length: 5 }, () => new AbortController());
    const run = (principalKey: string, i: number) =>
      pool.run('recommendControls', slowRecommend, ref('large', large), {
        principalKey,
        deadlineMs: 60000,
        signal: aborts[i]!.signal,
      });
    const a1 = run('a', 0); // runs
    const a2 = run('a', 1); // waits: a has 1 running
    await until(() => pool.stats().running === 1 && pool.stats().waiting === 1);
    // a third one of the same caller: refused at once (1 running + 1 waiting)
    await expect(run('a', 2)).rejects.toBeInstanceOf(RateLimitedError);
    const b1 = run('b', 3); // another caller overtakes a2 and takes the second thread
    await until(() => pool.stats().running === 2);
    expect(pool.stats().waiting).toBe(1);
    // cancellation: a waiting task leaves the queue, running ones are aborted in the worker
    for (const c of aborts) c.abort();
    await expect(a2).rejects.toBeInstanceOf(CancelledError);
    await expect(a1).rejects.toBeInstanceOf(CancelledError);
    await expect(b1).rejects.toBeInstanceOf(CancelledError);
    expect(pool.stats()).toMatchObject({ running: 0, waiting: 0, cancelled: 3, refused: 1 });
  });

  it('refuses when the global queue is full', async () => {
    pool = new EnginePool({ workers: 1, maxQueue: 1, perPrincipal: 1, perPrincipalQueue: 5 });
    const abort = new AbortController();
    const opts = (principalKey: string) => ({ principalKey, deadlineMs: 60000, signal: abort.signal });
    const runs = [
      pool.run('recommendControls', slowRecommend, ref('large', large), opts('a')),
      pool.run('recommendControls', slowRecommend, ref('large', large), opts('b')),
    ];
    runs.forEach((r) => r.catch(() => undefined));
    await expect(pool.run('recommendControls', slowRecommend, ref('large', large), opts('c'))).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    abort.abort();
    await Promise.allSettled(runs);
    expect(pool.stats()).toMatchObject({ running: 0, waiting: 0 });
  });
});
