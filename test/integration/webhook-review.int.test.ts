/**
 * Review of the advisory webhook (commit 06976bd): defects found by trying to break it.
 * Each test FAILS on 06976bd and states the behaviour the feature should have.
 */
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

let h: TestHelper;
let receiver: http.Server;
let url: string;
const received: NewPathsEvent[] = [];
const warnings: { fields: object; message: string }[] = [];

beforeAll(async () => {
  h = await new TestHelper().init();
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as NewPathsEvent);
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

function importsWithWebhook(): ImportService {
  const s = h.services;
  const webhook = new NewPathsWebhook({ url, minSeverity: 'SERIOUS', timeoutMs: 5000, attempts: 3, backoffMs: 20 });
  const log = { warn: (fields: object, message: string) => warnings.push({ fields, message }) };
  return new ImportService(s.models, s.catalogues, s.analysis, { webhook, log });
}

async function demoModels(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const modelId = h.uniqueModelId('hookburst');
    await h.services.models.importModel(TEST_ACTOR, { ...DEMO, model: { ...DEMO.model, id: modelId } });
    ids.push(modelId);
  }
  return ids;
}

describe('advisory webhook under load', () => {
  it('sends one event for every committed import of a burst (none dropped as RATE_LIMITED)', async () => {
    const imports = importsWithWebhook();
    const models = await demoModels(8);
    // the same advisory arrives for 8 models (one per site) and is committed by 8 clients at once;
    // each import opens the same paths to patient harm (a single import does: webhook.int.test.ts)
    const commits = await Promise.all(
      models.map((modelId) => imports.commitCsaf(TEST_ACTOR, modelId, demoAdvisory(), { fileName: 'burst.json' })),
    );
    for (const c of commits) expect(c.vulnerabilitiesWritten).toBeGreaterThan(0);
    await imports.settled();
    // on 06976bd: 'webhook analysis failed' with RATE_LIMITED ("too many analyses at once: at most 2
    // run and 4 wait per caller") for the imports beyond 6, and their events are never sent
    expect(warnings.map((w) => `${w.message}: ${JSON.stringify(w.fields)}`)).toEqual([]);
    expect(new Set(received.map((e) => e.modelId))).toEqual(new Set(models));
  });

  it("leaves a worker for users' analyses while webhook analyses are queued", async () => {
    const imports = importsWithWebhook();
    const models = await demoModels(7);
    const viewer = () => ({
      principalKey: 'USER:reviewer',
      role: 'VIEWER' as const,
      usage: { analyses: 0, budgetPoints: new Set<number>() },
    });
    // the user's analysis alone (model not analysed yet: no cached graph; the pool warmed up first)
    await runInAnalysisScope(viewer(), () => h.services.analysis.attackGraphSummary(models[5]!));
    let started = Date.now();
    await runInAnalysisScope(viewer(), () => h.services.analysis.attackGraphSummary(models[6]!));
    const alone = Date.now() - started;

    const other = (await demoModels(1))[0]!;
    // six advisory commits at once (several clients)
    await Promise.all(models.slice(0, 6).map((modelId) => imports.commitCsaf(TEST_ACTOR, modelId, demoAdvisory())));
    await new Promise((r) => setTimeout(r, 300)); // the background analyses reach the pool
    const stats = h.services.analysis.poolStats();
    // the user asks for another model's summary while the background work runs
    started = Date.now();
    await runInAnalysisScope(viewer(), () => h.services.analysis.attackGraphSummary(other));
    const during = Date.now() - started;
    await imports.settled();
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ alone, during, statsAfterCommits: stats }));
    // background (system) work must not take every worker: the viewer should wait for at most one
    // background analysis, not for the whole backlog. On 06976bd (2 workers): running 2, waiting 4,
    // all of them webhook analyses; the viewer's summary took 7.8 s against 0.55 s alone.
    expect(stats.running).toBeLessThan(h.services.analysis['options'].pool.workers);
  });
});
