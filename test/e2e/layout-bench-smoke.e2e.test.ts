/**
 * A small-size run of the map layout benchmark (web/bench/layout-bench.mjs, on the built web app's
 * bench.html in Debian's Chromium), so it cannot silently break (issue 9; the server-side
 * benchmarks are in test/integration/bench-smoke.int.test.ts). It must print a well-formed JSON
 * record with positive timings; the timings themselves are not judged.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CHROMIUM, ROOT } from './support';

test('node web/bench/layout-bench.mjs --smoke: lays out a small synthetic model and reports the timings', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'web', 'bench', 'layout-bench.mjs'), '--smoke'], {
        cwd: ROOT,
        env: { ...process.env, CHROMIUM_PATH: CHROMIUM },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
    },
  );
  expect({ code, stderr: code === 0 ? '' : stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(stdout) as { benchmark: string; smoke: boolean; results: Record<string, number>[] };
  expect(report).toMatchObject({ benchmark: 'map-layout', smoke: true });
  expect(report.results).toHaveLength(1);
  const r = report.results[0]!;
  expect(r).toMatchObject({ devices: 20, runs: 1 });
  for (const key of ['elements', 'nodes', 'edges', 'medianInitialLayoutMs', 'maxInitialLayoutMs']) {
    expect({ [key]: Number.isFinite(r[key]) && r[key]! > 0 }).toEqual({ [key]: true });
  }
  // whole milliseconds and pixels: a fast step on a small model may round to 0
  for (const key of [
    'medianFirstRenderMs',
    'medianToElementsMs',
    'medianIncrementalLayoutMs',
    'maxShiftOfExistingNodesPx',
  ]) {
    expect({ [key]: Number.isFinite(r[key]) && r[key]! >= 0 }).toEqual({ [key]: true });
  }
}, 180000);
