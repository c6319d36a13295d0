#!/usr/bin/env node
/**
 * Layout benchmark: serves the built web app (web/dist, `npm run build -w web` first), opens
 * bench.html in headless Debian Chromium (playwright-core) and times the map's production code
 * path (model → elements → Cytoscape + fcose) on synthetic models of growing size. Prints JSON.
 * Not a test: numbers depend on the machine. Target: a 2,000-element model lays out in < 3 s.
 *
 *   node web/bench/layout-bench.mjs [--devices 220,440,880] [--runs 3] [--smoke]
 *
 * --smoke: a small run that checks the benchmark still works (20 devices, 1 run); `npm test` runs
 * it (test/e2e/layout-bench-smoke.e2e.test.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const smoke = process.argv.includes('--smoke');
const sizes = arg('devices', smoke ? '20' : '220,440,880')
  .split(',')
  .map(Number);
const runs = Number(arg('runs', smoke ? '1' : '3'));
if (!sizes.every((n) => Number.isInteger(n) && n > 0) || !(Number.isInteger(runs) && runs > 0)) {
  console.error('--devices takes positive integers (comma-separated), --runs a positive integer');
  process.exit(2);
}
if (!fs.existsSync(path.join(dist, 'bench.html'))) {
  console.error('web/dist/bench.html is missing: run `npm run build -w web` first');
  process.exit(1);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
const server = http.createServer((req, res) => {
  const file = path.join(dist, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/bench.html`);
  await page.waitForFunction(() => document.title === 'ready');
  // One unmeasured run first: JIT and image decoding warm-up.
  await page.evaluate((d) => window.runLayoutBench({ devices: d }), sizes[0]);
  const results = [];
  for (const devices of sizes) {
    const samples = [];
    for (let i = 0; i < runs; i++)
      samples.push(await page.evaluate((d) => window.runLayoutBench({ devices: d }), devices));
    const med = (k) => samples.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    results.push({
      devices,
      elements: samples[0].elements,
      nodes: samples[0].nodes,
      edges: samples[0].edges,
      runs,
      medianInitialLayoutMs: med('initialLayoutMs'),
      maxInitialLayoutMs: Math.max(...samples.map((s) => s.initialLayoutMs)),
      medianFirstRenderMs: med('firstRenderMs'),
      medianToElementsMs: med('toElementsMs'),
      medianIncrementalLayoutMs: med('incrementalLayoutMs'),
      maxShiftOfExistingNodesPx: Math.max(...samples.map((s) => s.incrementalMaxShift)),
    });
  }
  const chromiumVersion = browser.version();
  console.log(
    JSON.stringify(
      {
        benchmark: 'map-layout',
        smoke,
        layout: 'fcose',
        browser: `Chromium ${chromiumVersion} headless`,
        targetMs: 3000,
        results,
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  server.close();
}
