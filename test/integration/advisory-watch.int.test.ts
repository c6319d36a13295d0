/**
 * Advisory watch on the demo hospital (issue 12 point 3): an advisory about two of its device
 * models, read before anything is imported — the devices it affects, the new attack paths to
 * patient harm, the cheapest cut — over GraphQL against the real Neo4j; nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelDocument } from '../../server/src/domain/types';
import { demoAdvisory } from '../samples/csaf/demo-advisory';
import { TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;

const WATCH = `query($m: ID!, $d: [JSON!]!) { advisoryWatch(modelId: $m, documents: $d, fileNames: ["test-icsma.json"], minSeverity: SERIOUS) {
  modelVersion affectedDeviceIds newStepIds targetIds newlyReachableTargetIds truncated riskBefore riskAfter
  advisories { advisory { trackingId } devices { deviceId level } vulnerabilities { deviceId cveId match } }
  newPaths { id targetId risk steps { id ruleId from to } }
  cut { status totalCost placements { controlId elementId effect cutsStepIds cutsTargetIds control { name } } uncuttableTargetIds } } }`;

interface Watch {
  modelVersion: number;
  affectedDeviceIds: string[];
  newStepIds: string[];
  targetIds: string[];
  newlyReachableTargetIds: string[];
  truncated: boolean;
  riskBefore: number;
  riskAfter: number;
  advisories: {
    advisory: { trackingId: string };
    vulnerabilities: { deviceId: string; cveId: string; match: string }[];
  }[];
  newPaths: {
    id: string;
    targetId: string;
    risk: number;
    steps: { id: string; ruleId: string; from: string; to: string }[];
  }[];
  cut: {
    status: string;
    totalCost: number;
    placements: {
      controlId: string;
      elementId: string;
      effect: string;
      cutsStepIds: string[];
      cutsTargetIds: string[];
    }[];
    uncuttableTargetIds: string[];
  };
}

let h: TestHelper;
let modelId: string;
beforeAll(async () => {
  h = await new TestHelper().init();
  modelId = h.uniqueModelId('advisory');
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: DEMO,
    t: modelId,
  });
});
afterAll(async () => {
  await h.close();
});

describe('advisory watch on the demo hospital', () => {
  it('names the affected devices, the new paths to patient harm and their cheapest cut, writing nothing', async () => {
    const before = await h.fingerprint();
    const { advisoryWatch: w } = await h.gqlOk<{ advisoryWatch: Watch }>(WATCH, { m: modelId, d: [demoAdvisory()] });
    expect(await h.fingerprint()).toBe(before);

    // The devices of the two models, and only those.
    const expected = DEMO.devices
      .filter((d) => d.modelName === 'Alaris 8015 PC unit with 8100 LVP module' || d.modelName === 'CARESCAPE B650')
      .map((d) => d.id)
      .sort();
    expect(expected).toHaveLength(8);
    expect(w.affectedDeviceIds).toEqual(expected);
    expect(w.advisories[0]!.advisory.trackingId).toBe('TEST-ICSMA-31-001');
    expect(w.advisories[0]!.vulnerabilities.every((v) => v.match === 'EXACT')).toBe(true);

    // New paths: each uses an exploitation step of one of the advisory's CVEs, on an affected device.
    expect(w.newPaths.length).toBeGreaterThan(0);
    const newSteps = new Set(w.newStepIds);
    for (const p of w.newPaths) {
      const exploit = p.steps.filter((s) => newSteps.has(s.id));
      expect(exploit.length).toBeGreaterThan(0);
      expect(exploit.some((s) => s.ruleId === 'vulnerability-exploitation')).toBe(true);
    }
    // The Alaris pumps' infusions can now be manipulated (I:H), the B650s' alarms denied (A:H only:
    // never manipulated through this CVE).
    const alaris = DEMO.assets.filter((a) => expected.includes(a.deviceId) && a.kind === 'THERAPY_DELIVERY');
    expect(alaris.length).toBeGreaterThan(0);
    expect(w.targetIds).toEqual(expect.arrayContaining(alaris.map((a) => `${a.id}#MANIPULATE`)));
    const b650Alarms = DEMO.assets.filter(
      (a) => a.kind === 'ALARM' && DEMO.devices.find((d) => d.id === a.deviceId)?.modelName === 'CARESCAPE B650',
    );
    for (const a of b650Alarms) {
      const viaB650 = w.newPaths.filter((p) => p.targetId === `${a.id}#MANIPULATE`);
      expect(viaB650.every((p) => !p.steps.some((s) => s.id.includes('CVE-2031-1002')))).toBe(true);
    }
    expect(w.newlyReachableTargetIds.every((t) => w.targetIds.includes(t))).toBe(true);
    // Total risk counts each target's most likely path: new paths never lower it.
    expect(w.riskAfter).toBeGreaterThanOrEqual(w.riskBefore);

    // The cut: preventing placements only, each protecting targets that new paths reach.
    expect(w.cut.status).toBe('OPTIMAL');
    expect(w.cut.placements.length).toBeGreaterThan(0);
    for (const p of w.cut.placements) {
      expect(p.effect).toBe('PREVENTS');
      expect(p.cutsTargetIds.length).toBeGreaterThan(0);
      expect(p.cutsTargetIds.every((t) => w.targetIds.includes(t))).toBe(true);
    }
    expect(w.cut.totalCost).toBeGreaterThan(0);
  });

  it('answers BAD_USER_INPUT naming the advisory at fault, and NOT_FOUND for an unknown model', async () => {
    const bad = await h.gql(WATCH, { m: modelId, d: [demoAdvisory(), { document: { category: 'junk' } }] });
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors?.[0]?.extensions)).toContain('documents[1]');
    const missing = await h.gql(WATCH, { m: 'no-such-model', d: [demoAdvisory()] });
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});
