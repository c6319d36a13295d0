/**
 * Issue 11 point 6, "smaller faults", over GraphQL against the real Neo4j: each `describe` is one
 * fault and failed on main before its fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import type { ModelDocument } from '../../server/src/domain/types';
import { buildAttackGraph, findAttackPaths } from '../../server/src/engine';
import { generateHospital } from '../support/generate-hospital';
import { TestHelper } from '../support/neo4j';

const DEMO = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;

type Err = { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> };

let h: TestHelper;
let demoId: string;
beforeAll(async () => {
  h = await new TestHelper().init();
  demoId = h.uniqueModelId('faults');
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: DEMO,
    t: demoId,
  });
});
afterAll(async () => {
  await h.close();
});

describe('engine limits on nested fields take their argument and do not null the model', () => {
  it('whatIf takes maxDepth; a path longer than it is ENGINE_LIMIT on whatIf alone', async () => {
    const r = await h.gql<{ model: { id: string; name: string; whatIf: unknown } | null }>(
      `query($m: ID!) { model(id: $m) { id name whatIf(placements: [], maxDepth: 1) { riskReduction } } }`,
      { m: demoId },
    );
    expect(r.data?.model).toEqual({ id: demoId, name: DEMO.model.name, whatIf: null });
    const e = r.errors![0] as Err;
    expect(e.path).toEqual(['model', 'whatIf']);
    expect(e.extensions).toMatchObject({ code: 'ENGINE_LIMIT', field: 'maxDepth' });
    expect(e.message).toContain('maxDepth 1');
    // and with room, it answers
    const ok = await h.gqlOk<{ model: { whatIf: { before: { pathCount: number; truncated: boolean } } } }>(
      `query($m: ID!) { model(id: $m) { whatIf(placements: [], maxDepth: 50) { before { pathCount truncated } } } }`,
      { m: demoId },
    );
    expect(ok.model.whatIf.before.pathCount).toBeGreaterThan(0);
  });

  it('Device.attackPaths takes maxDepth; its ENGINE_LIMIT stays on the device field', async () => {
    const r = await h.gql<{ model: { id: string; devices: { nodes: { id: string; attackPaths: unknown }[] } } | null }>(
      `query($m: ID!) { model(id: $m) { id devices(first: 2) { nodes { id attackPaths(maxDepth: 1) { id } } } } }`,
      { m: demoId },
    );
    expect(r.data?.model?.id).toBe(demoId);
    const nodes = r.data!.model!.devices.nodes;
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n) => typeof n.id === 'string' && n.attackPaths === null)).toBe(true);
    const e = r.errors![0] as Err;
    expect(e.path).toEqual(['model', 'devices', 'nodes', 0, 'attackPaths']);
    expect(e.extensions).toMatchObject({ code: 'ENGINE_LIMIT', field: 'maxDepth' });
  });

  it('an engine limit on attackPaths leaves the rest of the model', async () => {
    const r = await h.gql<{ model: { id: string; attackPaths: unknown; counts: { devices: number } } | null }>(
      `query($m: ID!) { model(id: $m) { id counts { devices } attackPaths(maxDepth: 1) { pathCount } } }`,
      { m: demoId },
    );
    expect(r.data?.model).toEqual({ id: demoId, counts: { devices: DEMO.devices.length }, attackPaths: null });
    expect((r.errors![0] as Err).extensions).toMatchObject({ code: 'ENGINE_LIMIT', field: 'maxDepth' });
  });
});

describe('default attackPaths on a model with thousands of targets', () => {
  const catalogue = loadBundledCatalogue();
  const doc = generateHospital({ devices: 2000, seed: 11, catalogue });
  let bigId: string;
  beforeAll(async () => {
    bigId = h.uniqueModelId('big');
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: doc,
      t: bigId,
    });
  }, 120_000);

  const Q = `query($m: ID!, $p: Int, $k: Int) { model(id: $m) { id attackPaths(k: $k, maxPaths: $p, timeLimitMs: 30000) {
    pathCount truncated totalRisk targetsReachable paths { id risk } } } }`;
  type R = {
    model: {
      id: string;
      attackPaths: {
        pathCount: number;
        truncated: boolean;
        totalRisk: number;
        targetsReachable: number;
        paths: { id: string; risk: number }[];
      } | null;
    } | null;
  };

  it('returns the top 500 paths with truncated: true (and the totals over every target)', async () => {
    const graph = buildAttackGraph({ ...doc, model: { ...doc.model, id: bigId } }, catalogue);
    expect(graph.targetIds.length).toBeGreaterThan(1000);
    const r = await h.gqlOk<R>(Q, { m: bigId });
    const got = r.model!.attackPaths!;
    const full = findAttackPaths(graph, { k: 3, maxPaths: 1e9, timeLimitMs: 30000 });
    expect(full.pathCount).toBeGreaterThan(500);
    expect(got.truncated).toBe(true);
    expect(got.pathCount).toBe(500);
    expect(got.paths.map((p) => p.id)).toEqual(full.paths.slice(0, 500).map((p) => p.id));
    expect(got.totalRisk).toBeCloseTo(full.totalRisk, 9);
    expect(got.targetsReachable).toBe(full.targetsReachable);
  }, 120_000);

  it('an explicit maxPaths that is exceeded is still ENGINE_LIMIT naming maxPaths and its value', async () => {
    const r = await h.gql<R>(Q, { m: bigId, p: 1000 });
    expect(r.data?.model?.id).toBe(bigId);
    expect(r.data?.model?.attackPaths).toBeNull();
    const e = r.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'ENGINE_LIMIT', field: 'maxPaths' });
    expect(e.message).toContain('maxPaths 1000');
  }, 120_000);

  it('an explicit maxPaths past the hard cap is refused naming the cap', async () => {
    const r = await h.gql<R>(Q, { m: bigId, p: 200_001 });
    const e = r.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxPaths' });
    expect(e.message).toContain('200000');
  });

  it('whatIf without maxPaths answers too, truncated', async () => {
    const r = await h.gqlOk<{ model: { whatIf: { before: { truncated: boolean; pathCount: number } } } }>(
      `query($m: ID!) { model(id: $m) { whatIf(placements: [], timeLimitMs: 30000) { before { truncated pathCount } } } }`,
      { m: bigId },
    );
    expect(r.model.whatIf.before).toEqual({ truncated: true, pathCount: 500 });
  }, 120_000);
});

describe('several mutations in one request', () => {
  it('a later failure keeps the earlier results (and they are written)', async () => {
    const r = await h.gql<{ a: { id: string } | null; b: { id: string } | null }>(
      `mutation($m: ID!) {
        a: createZone(modelId: $m, input: { id: "z-multi", name: "Multi", kind: CLINICAL, entryPoint: false }) { id }
        b: createZone(modelId: $m, input: { id: "z-multi", name: "Again", kind: CLINICAL, entryPoint: false }) { id }
      }`,
      { m: demoId },
    );
    expect(r.data).toEqual({ a: { id: 'z-multi' }, b: null });
    expect(r.errors).toHaveLength(1);
    expect((r.errors![0] as Err).path).toEqual(['b']);
    expect((r.errors![0] as Err).extensions).toMatchObject({ code: 'CONFLICT' });
    const stored = await h.gqlOk<{ model: { element: { id: string; name: string } | null } }>(
      `query($m: ID!) { model(id: $m) { element(id: "z-multi") { ... on Zone { id name } } } }`,
      { m: demoId },
    );
    expect(stored.model.element).toEqual({ id: 'z-multi', name: 'Multi' });
  });
});
