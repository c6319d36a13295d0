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
}, 300_000);
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
  }, 300_000);

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

describe('a malformed stored element', () => {
  /** The demo hospital imported under a fresh id. */
  const importDemo = async (prefix: string): Promise<string> => {
    const id = h.uniqueModelId(prefix);
    await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: DEMO,
      t: id,
    });
    return id;
  };
  /**
   * A hand edit of the database: `change` (Cypher on `n`) on one element of `label`, and a version
   * bump so that the server reads the model again.
   */
  const handEdit = (modelId: string, label: string, elementId: string, change: string) =>
    h.db.driver.executeQuery(
      `MATCH (n:${label} {modelId: $m, id: $e}) ${change}
       WITH n MATCH (t:ThreatModel {id: $m}) SET t.version = t.version + 1`,
      { m: modelId, e: elementId },
    );

  it('is a BAD_STORED_DATA error naming the element and property, not a blank model', async () => {
    const id = await importDemo('corrupt');
    const device = DEMO.devices[4]!;
    await handEdit(id, 'Device', device.id, `SET n.riskClass = 'Z'`); // a risk class that does not exist
    const r = await h.gql<{ model: { id: string; name: string; devices: unknown } | null }>(
      `query($m: ID!) { model(id: $m) { id name devices { nodes { id riskClass } } } }`,
      { m: id },
    );
    expect(r.data?.model).toEqual({ id, name: DEMO.model.name, devices: null });
    const e = r.errors![0] as Err;
    expect(e.path).toEqual(['model', 'devices']);
    expect(e.extensions).toMatchObject({ code: 'BAD_STORED_DATA', elementId: device.id, property: 'riskClass' });
    expect(e.message).toContain(device.id);
    expect(e.message).toContain('riskClass');
  });

  it('with a property the schema does not have is a BAD_STORED_DATA error naming it (the load reads properties by name)', async () => {
    const id = await importDemo('corrupt-extra');
    const iface = DEMO.interfaces[2]!;
    await handEdit(id, 'Interface', iface.id, `SET n.colour = 'red'`);
    const r = await h.gql<{ model: { interfaces: unknown } | null }>(
      `query($m: ID!) { model(id: $m) { interfaces { nodes { id } } } }`,
      { m: id },
    );
    const e = r.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'BAD_STORED_DATA', elementId: iface.id });
    expect(e.message).toContain('colour');
    // removed again, the model loads with every interface, and that one as it was imported
    await handEdit(id, 'Interface', iface.id, 'REMOVE n.colour');
    const back = await h.gqlOk<{ exportModel: { interfaces: { id: string; name: string; kind: string }[] } }>(
      `query($m: ID!) { exportModel(id: $m) }`,
      { m: id },
    );
    expect(back.exportModel.interfaces).toHaveLength(DEMO.interfaces.length);
    const edited = back.exportModel.interfaces.find((i) => i.id === iface.id)!;
    expect(edited).toMatchObject({ name: iface.name, kind: iface.kind, deviceId: iface.deviceId });
    expect(edited).not.toHaveProperty('colour');
  });

  it('a zone with a property the schema does not have is BAD_STORED_DATA too (zones were read by a fixed list)', async () => {
    const id = await importDemo('corrupt-zone-extra');
    const zone = DEMO.zones[1]!;
    await handEdit(id, 'Zone', zone.id, `SET n.floor = 3`);
    const r = await h.gql<{ model: { zones: unknown } | null }>(`query($m: ID!) { model(id: $m) { zones { id } } }`, {
      m: id,
    });
    const e = r.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'BAD_STORED_DATA', elementId: zone.id });
    expect(e.message).toContain('floor');
    await handEdit(id, 'Zone', zone.id, 'REMOVE n.floor');
    const back = await h.gqlOk<{ exportModel: { zones: { id: string; name: string; kind: string }[] } }>(
      `query($m: ID!) { exportModel(id: $m) }`,
      {
        m: id,
      },
    );
    expect(back.exportModel.zones).toHaveLength(DEMO.zones.length);
    expect(back.exportModel.zones.find((z) => z.id === zone.id)).toMatchObject({ name: zone.name, kind: zone.kind });
  });
});

describe('lone surrogates', () => {
  it('are refused naming the field, not stored as U+FFFD', async () => {
    const r = await h.gql<{ createZone: unknown }>(
      `mutation($m: ID!, $i: ZoneInput!) { createZone(modelId: $m, input: $i) { id name } }`,
      { m: demoId, i: { id: 'z-lone', name: 'Ward \ud800 east', kind: 'CLINICAL', entryPoint: false } },
    );
    expect(r.data?.createZone).toBeNull();
    const e = r.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    const stored = await h.gqlOk<{ model: { element: unknown } }>(
      `query($m: ID!) { model(id: $m) { element(id: "z-lone") { ... on Zone { id } } } }`,
      { m: demoId },
    );
    expect(stored.model.element).toBeNull();
  });

  it('are refused inside an imported document too, with its path', async () => {
    const doc = structuredClone(DEMO);
    doc.devices[2]!.name = 'Pump \udc00';
    const r = await h.gql(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: doc,
      t: h.uniqueModelId('lone'),
    });
    expect((r.errors![0] as Err).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'document.devices[2].name',
    });
  });

  it('a well-formed pair (an emoji) is stored as sent', async () => {
    const r = await h.gqlOk<{ createZone: { name: string } }>(
      `mutation($m: ID!, $i: ZoneInput!) { createZone(modelId: $m, input: $i) { name } }`,
      { m: demoId, i: { id: 'z-emoji', name: 'Ward 🫀', kind: 'CLINICAL', entryPoint: false } },
    );
    expect(r.createZone.name).toBe('Ward 🫀');
  });
});

describe('bidi override characters in names', () => {
  it('are refused in a mutation argument', async () => {
    const r = await h.gql(`mutation($m: ID!, $i: ZoneInput!) { createZone(modelId: $m, input: $i) { id } }`, {
      m: demoId,
      i: { id: 'z-bidi', name: 'Ward \u202Etsae', kind: 'CLINICAL', entryPoint: false },
    });
    const e = r.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(e.message).toContain('bidirectional');
  });

  it('are refused in an imported document (every isolate too)', async () => {
    const doc = structuredClone(DEMO);
    doc.zones[1]!.name = 'Guest \u2066Wi-Fi\u2069';
    const r = await h.gql(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
      d: doc,
      t: h.uniqueModelId('bidi'),
    });
    expect((r.errors![0] as Err).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'document.zones[1].name' });
  });
});

describe('query arguments', () => {
  const huge = 'x'.repeat(5 * 1024 * 1024);

  it('a 5 MB id is refused as BAD_USER_INPUT without being echoed', async () => {
    for (const q of [`query($id: ID!) { exportModel(id: $id) }`, `query($id: ID!) { model(id: $id) { id } }`]) {
      const r = await h.gql(q, { id: huge });
      const e = r.errors![0] as Err;
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(JSON.stringify(r).length).toBeLessThan(2000);
    }
  });

  it('nested id arguments are checked too', async () => {
    const r = await h.gql(
      `query($m: ID!, $id: ID!) { model(id: $m) { id element(id: $id) { __typename } attackPaths(targetIds: [$id]) { pathCount } } }`,
      { m: demoId, id: 'bad id with spaces' },
    );
    expect(r.data).toEqual({ model: { id: demoId, element: null, attackPaths: null } });
    const fields = (r.errors as Err[]).map((e) => [e.extensions?.['code'], e.extensions?.['field']]).sort();
    expect(fields).toEqual([
      ['BAD_USER_INPUT', 'id'],
      ['BAD_USER_INPUT', 'targetIds[0]'],
    ]);
  });

  it('text lookups accept long-but-bounded values; an unknown id in a list is named briefly', async () => {
    const long = `a${'b'.repeat(500)}`;
    const r = await h.gql(
      `query($m: ID!, $s: String) { model(id: $m) { devicesByIdentifier(externalId: $s) { id } } }`,
      {
        m: demoId,
        s: long.slice(0, 150),
      },
    );
    // a valid lookup of an unknown identifier is simply empty
    expect(r.errors).toBeUndefined();
    const bad = await h.gql(
      `query($m: ID!) { model(id: $m) { attackGraph(fromElementIds: ["${'q'.repeat(60)}"]) { targetIds } } }`,
      {
        m: demoId,
      },
    );
    const e = bad.errors![0] as Err;
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fromElementIds[0]' });
    expect(e.message.length).toBeLessThan(400);
  });
});

describe('exports are bounded by their size, not only by the query cost (issue 11 point 5)', () => {
  it('aliased exportModel fields past the per-request element budget answer ENGINE_LIMIT, not a huge answer', async () => {
    const elements = Object.values(DEMO).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
    const before = process.env.MEDTHREAT_MAX_EXPORT_ELEMENTS;
    process.env.MEDTHREAT_MAX_EXPORT_ELEMENTS = String(2 * elements + 10); // room for two demo exports
    try {
      const aliases = Array.from({ length: 5 }, (_, i) => `e${i}: exportModel(id: $m)`).join(' ');
      const r = await h.gql<Record<string, unknown>>(`query($m: ID!) { ${aliases} }`, { m: demoId });
      const errors = (r.errors ?? []) as Err[];
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e.extensions?.['code']).toBe('ENGINE_LIMIT');
        expect(e.extensions?.['field']).toBe('exportElements');
        expect(e.message).toMatch(/MEDTHREAT_MAX_EXPORT_ELEMENTS/);
      }
      // exportModel is non-null: the refused fields null the answer, so no document goes out at all.
      expect(r.data ?? null).toBeNull();
      const two = await h.gql(`query($m: ID!) { a: exportModel(id: $m) b: exportModel(id: $m) }`, { m: demoId });
      expect(two.errors).toBeUndefined();
      // A separate request has its own budget.
      const again = await h.gql(`query($m: ID!) { exportModel(id: $m) }`, { m: demoId });
      expect(again.errors).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.MEDTHREAT_MAX_EXPORT_ELEMENTS;
      else process.env.MEDTHREAT_MAX_EXPORT_ELEMENTS = before;
    }
  });
});
