/**
 * The command line (server/src/cli): `analyse` on the demo hospital gives the same ranked paths
 * and the same recommendation as the API's AnalysisService (its real worker pool, fed the stored
 * model as a snapshot), the exit codes of `--fail-on-risk` / `--fail-on-severity` with the CLI
 * spawned as a process, and errors that name the file, line and column or field.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import type { ModelDocument } from '../../server/src/domain/types';
import { analyseModel, loadModelDocument } from '../../server/src/cli/analyse';
import { main } from '../../server/src/cli/main';
import { headedWorkbook, mds2Hospital, PUMP_ROWS } from '../support/mds2-workbooks';
import { JsonSyntaxError, parseJsonWithPositions } from '../../server/src/cli/json-source';
import { AnalysisService } from '../../server/src/services/analysis-service';
import type { ModelService } from '../../server/src/services/model-service';
import type { CatalogueService } from '../../server/src/services/catalogue-service';

jest.setTimeout(120000);

const ROOT = path.resolve(__dirname, '../..');
const DEMO_FILE = path.join(ROOT, 'seeds/demo-hospital.json');
const DEMO = JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8')) as unknown;
const catalogue = loadBundledCatalogue();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the real launcher (server/bin/medthreat.cjs) on the TypeScript sources. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'server/bin/medthreat.cjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, MEDTHREAT_CLI_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs main() in-process, capturing its output. */
async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('medthreat analyse agrees with the API', () => {
  let service: AnalysisService;
  afterAll(async () => service?.close());

  it('gives the AnalysisService’s ranked paths, totals and minimum-cost recommendation on the demo file', async () => {
    // what the server stores on import (validated, canonical) and analyses on every request
    const stored = loadModelDocument(DEMO, catalogue);
    const models = {
      snapshot: async () => ({ document: stored, version: 1, createdAt: '2026-01-01T00:00:00.000Z' }),
    } as unknown as ModelService;
    const catalogues = { current: async () => catalogue } as unknown as CatalogueService;
    service = new AnalysisService(models, catalogues);
    // GraphQL defaults: attackPaths(k: 3, minSeverity: NEGLIGIBLE, scale: SAFETY, maxDepth: 25, timeLimitMs: 5000)
    const api = await service.attackPaths('demo-hospital', {
      k: 3,
      first: 10,
      minSeverity: 'NEGLIGIBLE',
      scale: 'SAFETY',
      maxDepth: 25,
      timeLimitMs: 5000,
    });
    const apiRec = await service.recommendControls('demo-hospital', { minSeverity: 'CRITICAL', timeLimitMs: 10000 });

    const mine = await analyseModel(loadModelDocument(DEMO, catalogue), catalogue, { top: 10 });
    expect(mine.paths.paths.map((p) => p.id)).toEqual(api.paths.map((p) => p.id));
    expect(mine.paths.paths.map((p) => p.steps.map((s) => s.id))).toEqual(api.paths.map((p) => p.stepIds));
    expect(mine.paths.paths.map((p) => p.risk)).toEqual(api.paths.map((p) => p.risk));
    expect(mine.paths.totalRisk).toBe(api.totalRisk);
    expect(mine.paths.pathCount).toBe(api.pathCount);
    expect(mine.paths.targetsReachable).toBe(api.targetsReachable);
    expect(mine.paths.paths).toHaveLength(10);

    const strip = (r: typeof apiRec) => ({ ...r, solveTimeMs: 0 });
    expect(strip(mine.recommendation)).toEqual(strip(apiRec));
    expect(mine.recommendation.placements.length).toBeGreaterThan(0);
    expect(mine.recommendation.status).toBe('OPTIMAL');

    // the service's own risk totals (history, snapshots) on the same document
    const totals = await service.riskTotals(stored);
    expect(mine.totals).toEqual(totals);
  });

  it('--assume-planned: the residual risk after the agreed plan, as the API’s assume: IMPLEMENTED_AND_PLANNED', async () => {
    const planned = await service.attackPaths('demo-hospital', { k: 3, assume: 'IMPLEMENTED_AND_PLANNED' });
    const plannedRec = await service.recommendControls('demo-hospital', {
      minSeverity: 'CRITICAL',
      assume: 'IMPLEMENTED_AND_PLANNED',
    });
    const doc = loadModelDocument(DEMO, catalogue);
    const mine = await analyseModel(doc, catalogue, { assume: 'IMPLEMENTED_AND_PLANNED' });
    const now = await analyseModel(doc, catalogue);
    expect(mine.paths.paths.map((p) => p.id)).toEqual(planned.paths.map((p) => p.id));
    expect(mine.paths.totalRisk).toBe(planned.totalRisk);
    expect(mine.recommendation.placements).toEqual(plannedRec.placements);
    // the demo's planned controls lower the risk: a threshold between the two passes only with the plan
    expect(mine.paths.totalRisk).toBeLessThan(now.paths.totalRisk);
    const threshold = String((mine.paths.totalRisk + now.paths.totalRisk) / 2);
    expect((await run('analyse', DEMO_FILE, '--fail-on-risk', threshold, '--top', '1')).code).toBe(1);
    const r = await run('analyse', DEMO_FILE, '--fail-on-risk', threshold, '--top', '1', '--assume-planned');
    expect(r.code).toBe(0);
    expect(r.out).toContain('planned controls counted as in force');
  });

  it('prints the same analysis as JSON from the process, and the paths in text', async () => {
    const json = cli('analyse', DEMO_FILE, '--format', 'json', '--top', '5');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as Awaited<ReturnType<typeof analyseModel>>;
    const direct = await analyseModel(loadModelDocument(DEMO, catalogue), catalogue, { top: 5 });
    expect(report.paths.paths.map((p) => p.id)).toEqual(direct.paths.paths.map((p) => p.id));
    expect(report.recommendation.placements).toEqual(direct.recommendation.placements);
    expect(report.recommendation.totalCost).toBe(direct.recommendation.totalCost);

    const text = await run('analyse', DEMO_FILE, '--top', '2');
    expect(text.code).toBe(0);
    expect(text.out).toContain(`1. risk ${direct.paths.paths[0]!.risk.toFixed(4)}`);
    expect(text.out).toContain(`[${direct.paths.paths[1]!.id}]`);
    expect(text.out).not.toContain(`[${direct.paths.paths[2]!.id}]`);
    expect(text.out).toContain(`total cost ${direct.recommendation.totalCost}`);
    for (const p of direct.recommendation.placements) expect(text.out).toContain(`${p.controlId} on ${p.elementId}`);
  });
});

describe('exit codes for CI pipelines', () => {
  let totalRisk: number;
  beforeAll(async () => {
    totalRisk = (await analyseModel(loadModelDocument(DEMO, catalogue), catalogue)).paths.totalRisk;
    expect(totalRisk).toBeGreaterThan(1);
  });

  it('--fail-on-risk exits 1 above the threshold and 0 below it (spawned process)', () => {
    const above = cli('analyse', DEMO_FILE, '--fail-on-risk', String(totalRisk - 0.5), '--top', '1');
    expect(above.code).toBe(1);
    expect(above.err).toMatch(/total risk [\d.]+ is above --fail-on-risk/);
    const below = cli('analyse', DEMO_FILE, '--fail-on-risk', String(totalRisk + 0.5), '--top', '1');
    expect(below.code).toBe(0);
    expect(below.err).toBe('');
  });

  it('--fail-on-severity exits 1 when a path reaches that severity, 0 when none does', async () => {
    expect((await run('analyse', DEMO_FILE, '--fail-on-severity', 'CATASTROPHIC', '--top', '1')).code).toBe(1);
    // without any entry zone nothing is reachable: the same threshold passes
    const closed = structuredClone(DEMO) as ModelDocument;
    for (const z of closed.zones) z.entryPoint = false;
    const file = path.join(tmp, 'closed.json');
    fs.writeFileSync(file, JSON.stringify(closed));
    const r = await run('analyse', file, '--fail-on-severity', 'NEGLIGIBLE', '--fail-on-risk', '0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('total risk 0.0000');
  });

  it('exits 2 with the file, line and column on bad input; validate locates schema problems', async () => {
    const broken = path.join(tmp, 'broken.json');
    fs.writeFileSync(broken, '{\n  "formatVersion": "2.1",\n  "zones": [1,]\n}\n');
    const syntax = await run('analyse', broken);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toContain(`${broken}:3:15: unexpected ']'`);

    const doc = structuredClone(DEMO) as ModelDocument;
    (doc.devices[4] as { riskClass: string }).riskClass = 'Z';
    const bad = path.join(tmp, 'bad-class.json');
    const text = JSON.stringify(doc, null, 2);
    fs.writeFileSync(bad, text);
    const v = await run('validate', bad);
    expect(v.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('"riskClass": "Z"')) + 1;
    expect(v.err).toContain(`${bad}:${line}:20: devices[4].riskClass: must be one of A, B, C, D`);

    const dangling = structuredClone(DEMO) as ModelDocument;
    dangling.devices[2]!.zoneIds = ['no-such-zone'];
    const ref = path.join(tmp, 'dangling.json');
    fs.writeFileSync(ref, JSON.stringify(dangling, null, 2));
    const r = await run('validate', ref);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dangling\.json:\d+:\d+: devices\[2\]\.zoneIds\[0\]: .*no-such-zone/);

    expect((await run('analyse', path.join(tmp, 'missing.json'))).err).toContain('missing.json: cannot read (ENOENT)');
    expect((await run('analyse', DEMO_FILE, '--scale', 'HARM')).code).toBe(2);
    expect((await run('analyse', DEMO_FILE, '--top', '0')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const ok = await run('validate', DEMO_FILE);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("valid model 'demo-hospital'");
  });

  it('--catalogue analyses with another catalogue: a control made much costlier leaves the plan', async () => {
    const dear = structuredClone(catalogue);
    const rec = (await analyseModel(loadModelDocument(DEMO, catalogue), catalogue)).recommendation;
    const used = rec.placements[0]!.controlId;
    const control = dear.controls.find((c) => c.id === used)!;
    control.defaultCost += 1000;
    dear.catalogueVersion = `${dear.catalogueVersion}-dear`;
    const file = path.join(tmp, 'catalogue.json');
    fs.writeFileSync(file, JSON.stringify(dear));
    const r = await run('analyse', DEMO_FILE, '--catalogue', file, '--format', 'json', '--top', '1');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      catalogueVersion: string;
      recommendation: { placements: { controlId: string }[] };
    };
    expect(report.catalogueVersion).toBe(dear.catalogueVersion);
    expect(rec.placements.map((p) => p.controlId)).toContain(used);
    expect(report.recommendation.placements.map((p) => p.controlId)).not.toContain(used);

    const invalid = path.join(tmp, 'bad-catalogue.json');
    fs.writeFileSync(invalid, JSON.stringify({ ...dear, controls: 'none' }));
    const bad = await run('analyse', DEMO_FILE, '--catalogue', invalid);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad-catalogue\.json:1:\d+: controls/);
  });
});

describe('JSON positions', () => {
  it('locates values by the validators’ paths and syntax errors by line and column', () => {
    const j = parseJsonWithPositions('{\n "a": [1,\n  {"b": "x\\"y"}],\n "c": null\n}');
    expect(j.value).toEqual({ a: [1, { b: 'x"y' }], c: null });
    expect(j.locate('a[1].b')).toEqual({ line: 3, column: 9 });
    expect(j.locate('c')).toEqual({ line: 4, column: 7 });
    expect(j.locate('a[1].missing')).toEqual({ line: 3, column: 3 });
    expect(j.locate('')).toEqual({ line: 1, column: 1 });
    for (const [text, line, column] of [
      ['{"a": 1,}', 1, 9],
      ['[1, 2', 1, 6],
      ['{"a": tru}', 1, 7],
      ['"abc', 1, 1],
      ['{}\n x', 2, 2],
      ['{"a":\n"\u0001"}', 2, 2],
    ] as const) {
      let caught: unknown;
      try {
        parseJsonWithPositions(text);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(JsonSyntaxError);
      expect((caught as JsonSyntaxError).position).toEqual({ line, column });
    }
    expect(parseJsonWithPositions('{"__proto__": {"x": 1}}').value).toEqual(JSON.parse('{"__proto__": {"x": 1}}'));
  });
});

describe('medthreat import-mds2', () => {
  it('applies an MDS2 form to every device of its make and model and writes the model; a junk file exits 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-mds2-'));
    const modelFile = path.join(dir, 'model.json');
    const formFile = path.join(dir, 'pump-mds2.xlsx');
    const outFile = path.join(dir, 'out.json');
    fs.writeFileSync(modelFile, JSON.stringify(mds2Hospital(catalogue)));
    fs.writeFileSync(formFile, await headedWorkbook(PUMP_ROWS));
    const r = await run('import-mds2', modelFile, formFile, '--output', outFile);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/dev-pump-1 .*change/);
    const out = JSON.parse(fs.readFileSync(outFile, 'utf8')) as ModelDocument;
    // Both InfuseNet 3000 pumps get the form's controls with the form as their source; the 2000 none.
    const devicesOf = (elementId: string): string[] => {
      const c = out.channels.find((x) => x.id === elementId);
      if (c) return [c.fromDeviceId, c.toDeviceId];
      return [
        out.devices.find((d) => d.id === elementId)?.id ?? out.interfaces.find((i) => i.id === elementId)!.deviceId,
      ];
    };
    const sourced = out.controlPlacements.filter((p) => p.source?.kind === 'MDS2');
    const touched = new Set(sourced.flatMap((p) => devicesOf(p.elementId)));
    expect(touched.has('dev-pump-1') && touched.has('dev-pump-2')).toBe(true);
    expect(touched.has('dev-pump-other')).toBe(false);
    expect(sourced.every((p) => /^[A-Z]{4}-/.test(p.source!.reference ?? ''))).toBe(true);
    fs.writeFileSync(path.join(dir, 'junk.xlsx'), 'not a workbook');
    const junk = await run('import-mds2', modelFile, path.join(dir, 'junk.xlsx'));
    expect(junk.code).toBe(2);
    expect(junk.err).toMatch(/junk\.xlsx/);
  });
});
