/**
 * The advisory webhook under load (found by a review trying to break it; both tests failed on
 * the first version, 06976bd): a burst of commits loses no event, and queued webhook analyses
 * leave the analysis pool's other worker to users.
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
    const models = await demoModels(6);
    const other = (await demoModels(1))[0]!;
    const viewer = () => ({
      principalKey: 'USER:reviewer',
      role: 'VIEWER' as const,
      usage: { analyses: 0, budgetPoints: new Set<number>() },
    });
    received.length = 0;
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
    expect(new Set(received.map((e) => e.modelId))).toEqual(new Set(models));
  });
});
