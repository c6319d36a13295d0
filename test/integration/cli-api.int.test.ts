/**
 * The command line against the GraphQL API on a real Neo4j: `medthreat analyse` on the demo file
 * gives the same ranked paths and recommendation as `ThreatModel.attackPaths` and
 * `ThreatModel.recommendControls` of the imported demo, and `Catalogue.document` exports the
 * catalogue in force as a file the CLI analyses with (`--catalogue`), to the same result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyseModel, loadModelDocument } from '../../server/src/cli/analyse';
import { parseInventoryCsv } from '../../server/src/importers/inventory-csv';
import { main } from '../../server/src/cli/main';
import { loadBundledCatalogue, validateCatalogue } from '../../server/src/domain/catalogue';
import { TestHelper } from '../support/neo4j';

const DEMO_FILE = path.resolve(__dirname, '../../seeds/demo-hospital.json');
const DEMO = JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8')) as unknown;

let h: TestHelper;
let modelId: string;
beforeAll(async () => {
  h = await new TestHelper().init();
  modelId = h.uniqueModelId('cli');
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: DEMO,
    t: modelId,
  });
});
afterAll(async () => {
  await h.close();
});

type Api = {
  model: {
    attackPaths: {
      totalRisk: number;
      pathCount: number;
      paths: { id: string; risk: number; steps: { id: string }[] }[];
    };
    recommendControls: {
      totalCost: number;
      status: string;
      riskBefore: number;
      riskAfter: number;
      uncuttableTargetIds: string[];
      placements: { controlId: string; elementId: string; cost: number; cutsTargetIds: string[] }[];
    };
  };
};
const QUERY = `query($m: ID!) { model(id: $m) {
  attackPaths(first: 20) { totalRisk pathCount paths { id risk steps { id } } }
  recommendControls { totalCost status riskBefore riskAfter uncuttableTargetIds placements { controlId elementId cost cutsTargetIds } }
} }`;

describe('CLI and GraphQL agree', () => {
  it('analyse on the demo file = attackPaths and recommendControls of the imported demo', async () => {
    const api = (await h.gqlOk<Api>(QUERY, { m: modelId })).model;
    const catalogue = loadBundledCatalogue();
    const cli = await analyseModel(loadModelDocument(DEMO, catalogue), catalogue, { top: 20 });
    expect(cli.paths.paths.map((p) => p.id)).toEqual(api.attackPaths.paths.map((p) => p.id));
    expect(cli.paths.paths.map((p) => p.steps.map((s) => s.id))).toEqual(
      api.attackPaths.paths.map((p) => p.steps.map((s) => s.id)),
    );
    expect(cli.paths.totalRisk).toBeCloseTo(api.attackPaths.totalRisk, 12);
    expect(cli.paths.pathCount).toBe(api.attackPaths.pathCount);
    const r = cli.recommendation;
    expect(
      r.placements.map((p) => ({
        controlId: p.controlId,
        elementId: p.elementId,
        cost: p.cost,
        cutsTargetIds: p.cutsTargetIds,
      })),
    ).toEqual(api.recommendControls.placements);
    expect([r.totalCost, r.status, r.uncuttableTargetIds]).toEqual([
      api.recommendControls.totalCost,
      api.recommendControls.status,
      api.recommendControls.uncuttableTargetIds,
    ]);
    expect(r.riskBefore).toBeCloseTo(api.recommendControls.riskBefore, 12);
    expect(r.riskAfter).toBeCloseTo(api.recommendControls.riskAfter, 12);
  });

  it('Catalogue.document is the catalogue in force; the CLI analyses with it to the same result', async () => {
    const { catalogue } = await h.gqlOk<{ catalogue: { version: string; document: unknown } }>(
      `{ catalogue { version document } }`,
    );
    const exported = validateCatalogue(catalogue.document);
    expect(exported.catalogueVersion).toBe(catalogue.version);
    expect(exported.controls.map((c) => c.id)).toEqual(loadBundledCatalogue().controls.map((c) => c.id));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-cli-int-'));
    try {
      const file = path.join(dir, 'catalogue.json');
      fs.writeFileSync(file, JSON.stringify(catalogue.document));
      const out: string[] = [];
      const code = await main(['analyse', DEMO_FILE, '--catalogue', file, '--format', 'json', '--top', '20'], {
        out: (t) => out.push(t),
        err: () => undefined,
      });
      expect(code).toBe(0);
      const report = JSON.parse(out.join('')) as { catalogueVersion: string; paths: { paths: { id: string }[] } };
      const api = (await h.gqlOk<Api>(QUERY, { m: modelId })).model;
      expect(report.catalogueVersion).toBe(catalogue.version);
      expect(report.paths.paths.map((p) => p.id)).toEqual(api.attackPaths.paths.map((p) => p.id));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an inventory CSV through upsertDevices', () => {
  it('the items of parseInventoryCsv are accepted by the GraphQL mutation, softwareVersion included', async () => {
    const { items } = parseInventoryCsv(
      'External ID,Name,Category,Manufacturer,Model,Software version,Risk class,Zone\n' +
        'CSV-1,Ward 9 pump,Infusion pump,Acme Medical,InfuPump 3000,2.3,C,z-ward-vlan\n',
    );
    const r = await h.gqlOk<{ upsertDevices: { created: number; failed: number } }>(
      `mutation($m: ID!, $d: [DeviceUpsertInput!]!) { upsertDevices(modelId: $m, devices: $d) { created failed } }`,
      { m: modelId, d: items },
    );
    expect(r.upsertDevices).toEqual({ created: 1, failed: 0 });
    const doc = (
      await h.gqlOk<{ exportModel: { devices: { externalId?: string; softwareVersion?: string }[] } }>(
        `query($m: ID!) { exportModel(id: $m) }`,
        { m: modelId },
      )
    ).exportModel;
    expect(doc.devices.find((d) => d.externalId === 'CSV-1')).toMatchObject({ softwareVersion: '2.3' });
  });
});
