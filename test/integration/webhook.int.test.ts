/**
 * The advisory webhook (issue 12 point 3, optional part): committing an advisory that opens
 * attack paths to patient harm POSTs them, signed, to the configured URL after the commit has
 * answered; retried on 5xx with the same delivery id; nothing is sent when an import opens no new
 * path. Under load (found by a review trying to break the first version, 06976bd, where both
 * tests failed): a burst of commits loses no event, and queued webhook analyses leave the analysis
 * pool's other worker to users. Against the real Neo4j, with a local HTTP receiver.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ModelDocument } from '../../server/src/domain/types';
import { runInAnalysisScope } from '../../server/src/services/analysis-scope';
import { ImportService } from '../../server/src/services/import-service';
import { NewPathsWebhook, type NewPathsEvent } from '../../server/src/services/new-paths-webhook';
import { demoAdvisory } from '../samples/csaf/demo-advisory';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;
const SECRET = 'webhook-test-secret-0123456789';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

let h: TestHelper;
let receiver: http.Server;
let url: string;
const received: Received[] = [];
/** Status codes the receiver answers with, in order (then 200). */
let answers: number[] = [];

beforeAll(async () => {
  h = await new TestHelper().init();
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/medthreat`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  await h.close();
});
beforeEach(() => {
  received.length = 0;
  answers = [];
});

/** The events the receiver got, parsed. */
const events = () => received.map((r) => JSON.parse(r.body) as NewPathsEvent);

/** An ImportService with the webhook to the receiver; `warn` collects what its log would warn or error. */
function importsWithWebhook(
  minSeverity: 'SERIOUS' | 'CATASTROPHIC' = 'SERIOUS',
  warn?: (fields: object, message: string) => void,
): ImportService {
  const s = h.services;
  const webhook = new NewPathsWebhook({
    url,
    minSeverity,
    secret: SECRET,
    timeoutMs: 5000,
    attempts: 3,
    backoffMs: 20,
  });
  return new ImportService(s.models, s.catalogues, s.analysis, { webhook, ...(warn ? { log: { warn } } : {}) });
}

async function demoModel(): Promise<string> {
  const modelId = h.uniqueModelId('webhook');
  await h.services.models.importModel(TEST_ACTOR, { ...DEMO, model: { ...DEMO.model, id: modelId } });
  return modelId;
}

async function demoModels(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await demoModel());
  return ids;
}

describe('advisory webhook', () => {
  it('sends the new paths to patient harm of a committed advisory, signed, after the commit answered', async () => {
    const imports = importsWithWebhook();
    const modelId = await demoModel();
    // what the advisory watch said of it before the import (only EXACT matches, as committed)
    const watch = await imports.watchCsaf(modelId, [demoAdvisory()], { minSeverity: 'SERIOUS' });
    const committed = await imports.commitCsaf(TEST_ACTOR, modelId, demoAdvisory(), { fileName: 'test-icsma.json' });
    expect(committed.vulnerabilitiesWritten).toBeGreaterThan(0);
    const results = await imports.settled();
    expect(results).toEqual([expect.objectContaining({ delivered: true, attempts: 1, status: 200 })]);
    expect(received).toHaveLength(1);
    const [hit] = received;
    // signed: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret; the timestamp is now
    const timestamp = String(hit!.headers['x-medthreat-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
    const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${hit!.body}`).digest('hex')}`;
    expect(hit!.headers['x-medthreat-signature']).toBe(signature);
    expect(hit!.headers['x-medthreat-event']).toBe('new-attack-paths');
    const event = JSON.parse(hit!.body) as NewPathsEvent;
    expect(hit!.headers['x-medthreat-delivery']).toBe(event.deliveryId);
    expect(event).toMatchObject({ event: 'new-attack-paths', schemaVersion: 1, modelId, minSeverity: 'SERIOUS' });
    expect(event.modelVersion).toBe(committed.modelVersion);
    expect(event.source).toMatch(/^CSAF TEST-ICSMA-31-001 \(test-icsma\.json, sha256 [0-9a-f]{64}\)$/);

    // the paths: each reaches a target of at least SERIOUS through an exploitation step of one of
    // the advisory's CVEs (the vulnerability ids the import created carry the CVE)
    expect(event.paths.length).toBeGreaterThan(0);
    const alaris = new Set(
      DEMO.devices.filter((d) => d.modelName === 'Alaris 8015 PC unit with 8100 LVP module').map((d) => d.id),
    );
    for (const p of event.paths) {
      expect(['SERIOUS', 'CRITICAL', 'CATASTROPHIC']).toContain(p.severity);
      expect(p.steps.some((st) => /CVE-2031-100[12]/.test(st.id))).toBe(true);
      expect(p.likelihood).toBeGreaterThan(0);
      expect(p.likelihood).toBeLessThanOrEqual(1);
    }
    // the pumps' infusions are among the targets (I:H manipulates therapy)
    expect(event.paths.some((p) => [...alaris].some((id) => p.steps.some((st) => st.to.startsWith(id))))).toBe(true);
    // the same paths, targets and risk totals as the advisory watch announced
    expect(event.paths.map((p) => p.id)).toEqual(watch.paths.slice(0, 50).map((p) => p.id));
    expect(event.targetIds).toEqual(watch.targetIds);
    expect(event.riskBefore).toBeCloseTo(watch.riskBefore, 9);
    expect(event.riskAfter).toBeCloseTo(watch.riskAfter, 9);
    expect(event.riskAfter).toBeGreaterThanOrEqual(event.riskBefore);
    // and their cheapest cut names catalogue controls
    expect(event.cut.placements.length).toBeGreaterThan(0);
    for (const pl of event.cut.placements) expect(pl.controlId).toMatch(/^C\d\d$/);
  });

  it('retries a 5xx answer with the same delivery id, and gives up after the configured attempts', async () => {
    const imports = importsWithWebhook();
    answers = [503];
    await imports.commitCsaf(TEST_ACTOR, await demoModel(), demoAdvisory(), { fileName: 'retry.json' });
    expect(await imports.settled()).toEqual([expect.objectContaining({ delivered: true, attempts: 2, status: 200 })]);
    expect(received).toHaveLength(2);
    expect(received[0]!.headers['x-medthreat-delivery']).toBe(received[1]!.headers['x-medthreat-delivery']);

    received.length = 0;
    answers = [500, 502, 503];
    await imports.commitCsaf(TEST_ACTOR, await demoModel(), demoAdvisory(), { fileName: 'down.json' });
    expect(await imports.settled()).toEqual([expect.objectContaining({ delivered: false, attempts: 3, status: 503 })]);
    expect(received).toHaveLength(3);

    // a 4xx refusal is final
    received.length = 0;
    answers = [410];
    await imports.commitCsaf(TEST_ACTOR, await demoModel(), demoAdvisory(), { fileName: 'gone.json' });
    expect(await imports.settled()).toEqual([expect.objectContaining({ delivered: false, attempts: 1, status: 410 })]);
  });

  it('sends nothing when the import opens no path at or above the threshold, or writes nothing', async () => {
    // CATASTROPHIC only: the advisory's paths reach no such target in the demo
    const strict = importsWithWebhook('CATASTROPHIC');
    const modelId = await demoModel();
    await strict.commitCsaf(TEST_ACTOR, modelId, demoAdvisory(), { fileName: 'a.json' });
    expect(await strict.settled()).toEqual([null]);
    expect(received).toHaveLength(0);

    // the same advisory again: nothing new written, no analysis, no event
    const imports = importsWithWebhook();
    const again = await imports.commitCsaf(TEST_ACTOR, modelId, demoAdvisory(), { fileName: 'a.json' });
    expect(again.vulnerabilitiesWritten).toBe(0);
    expect(await imports.settled()).toEqual([]);
    expect(received).toHaveLength(0);
  });
});

describe('advisory webhook under load', () => {
  it('sends one event for every committed import of a burst (none dropped as RATE_LIMITED)', async () => {
    const warnings: { fields: object; message: string }[] = [];
    const imports = importsWithWebhook('SERIOUS', (fields, message) => warnings.push({ fields, message }));
    const models = await demoModels(8);
    // the same advisory arrives for 8 models (one per site) and is committed by 8 clients at once;
    // each import opens the same paths to patient harm (a single import does: above)
    const commits = await Promise.all(
      models.map((modelId) => imports.commitCsaf(TEST_ACTOR, modelId, demoAdvisory(), { fileName: 'burst.json' })),
    );
    for (const c of commits) expect(c.vulnerabilitiesWritten).toBeGreaterThan(0);
    await imports.settled();
    // on 06976bd: 'webhook analysis failed' with RATE_LIMITED ("too many analyses at once: at most 2
    // run and 4 wait per caller") for the imports beyond 6, and their events are never sent
    expect(warnings.map((w) => `${w.message}: ${JSON.stringify(w.fields)}`)).toEqual([]);
    expect(new Set(events().map((e) => e.modelId))).toEqual(new Set(models));
  });

  it("leaves a worker for users' analyses while webhook analyses are queued", async () => {
    const imports = importsWithWebhook();
    const models = await demoModels(6);
    const other = (await demoModels(1))[0]!;
    const viewer = () => ({
      principalKey: 'USER:reviewer',
      role: 'VIEWER' as const,
      usage: { analyses: 0, budgetPoints: new Set<number>() },
    });
    // six advisory commits at once (several clients); the pool is sampled while their webhook
    // analyses run: at most one of them is in the pool at a time (running or waiting)
    await Promise.all(models.map((modelId) => imports.commitCsaf(TEST_ACTOR, modelId, demoAdvisory())));
    let busiest = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const st = h.services.analysis.poolStats();
        busiest = Math.max(busiest, st.running + st.waiting);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const done = imports.settled();
    await new Promise((r) => setTimeout(r, 50));
    const duringBacklog = busiest;
    // a user's analysis of another model meanwhile is admitted and answered
    const summary = await runInAnalysisScope(viewer(), () => h.services.analysis.attackGraphSummary(other));
    expect(summary.targetIds.length).toBeGreaterThan(0);
    await done;
    sampling = false;
    await sampler;
    // On 06976bd (2 workers): running 2, waiting 4, all of them webhook analyses; a viewer's summary
    // took 7.8 s against 0.55 s alone. Now: one background analysis at a time.
    expect(duringBacklog).toBeLessThanOrEqual(1);
    expect(busiest).toBeLessThanOrEqual(2); // the background one and the viewer's
    expect(new Set(events().map((e) => e.modelId))).toEqual(new Set(models));
  });
});
