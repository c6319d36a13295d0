/**
 * The evidence upload route (issue 12): POST /models/:id/imports/:format/:action, multipart, over
 * real HTTP against the real Neo4j. A CSAF advisory and an MDS2 workbook previewed (nothing
 * written) and committed (one audited write); typed JSON errors for a missing credential, a file
 * over the limit (413 PAYLOAD_TOO_LARGE), a junk workbook, a body that is not multipart, a stale
 * expectedVersion; nothing written by any of them.
 */
import type { AddressInfo } from 'node:net';
import { createServer } from '../../server/src/app';
import type { ModelDocument } from '../../server/src/domain/types';
import { demoAdvisory } from '../samples/csaf/demo-advisory';
import { headedWorkbook, mds2Hospital, PUMP_ROWS } from '../support/mds2-workbooks';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';
import { exportOtm } from '../../server/src/exporters/otm';
import fs from 'node:fs';
import path from 'node:path';

const DEMO = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;

let h: TestHelper;
let base = '';
let token = '';
let close: () => Promise<void>;
const LIMIT = 200_000;

beforeAll(async () => {
  h = await new TestHelper().init();
  const { httpServer, stop } = await createServer({
    services: h.services,
    db: h.db,
    log: h.log,
    maxUploadBytes: LIMIT,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  close = async () => {
    await stop(1000);
    httpServer.close();
  };
  const key = await h.services.auth.createApiKey(TEST_ACTOR, {
    name: 'uploads test',
    role: 'EDITOR',
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  token = key.secret;
  // The key's first use records lastUsedAt (throttled): spend it here, so later fingerprints compare only imports.
  await upload('no-such-model', 'csaf', 'preview', '{}');
}, 300_000);
afterAll(async () => {
  await close?.();
  await h.close();
});

type Answer = {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
};

async function upload(
  modelId: string,
  format: string,
  action: string,
  file: Buffer | string,
  fields: Record<string, string | string[]> = {},
  auth = true,
): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
  form.append('file', new Blob([file]), `${format}-file`);
  const res = await fetch(`${base}/models/${modelId}/imports/${format}/${action}`, {
    method: 'POST',
    body: form,
    headers: auth ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function demoModel(): Promise<string> {
  const id = h.uniqueModelId('upload');
  await h.gqlOk(`mutation($d: JSON!, $t: ID) { importModel(document: $d, targetModelId: $t) { id } }`, {
    d: DEMO,
    t: id,
  });
  return id;
}

describe('evidence upload route', () => {
  it('previews a CSAF advisory without writing, then commits it in one audited write', async () => {
    const m = await demoModel();
    const before = await h.fingerprint();
    const preview = await upload(m, 'csaf', 'preview', JSON.stringify(demoAdvisory()));
    expect(preview.status).toBe(200);
    expect(await h.fingerprint()).toBe(before);
    const exact = preview.body.data.preview.vulnerabilities.filter((v: { match: string }) => v.match === 'EXACT');
    expect(exact).toHaveLength(8);
    const version = preview.body.data.modelVersion as number;
    const commit = await upload(m, 'csaf', 'commit', JSON.stringify(demoAdvisory()), {
      expectedVersion: String(version),
    });
    expect(commit.status).toBe(200);
    expect(commit.body.data).toMatchObject({ modelVersion: version + 1, vulnerabilitiesWritten: 8 });
    const vulns = await h.gqlOk<{
      model: { vulnerabilities: { nodes: { cveId: string; source: { kind: string } | null }[] } };
    }>(`query($m: ID!) { model(id: $m) { vulnerabilities(first: 1000) { nodes { cveId source { kind } } } } }`, { m });
    const imported = vulns.model.vulnerabilities.nodes.filter((v) => v.cveId.startsWith('CVE-2031-'));
    expect(imported).toHaveLength(8);
    expect(imported.every((v) => v.source?.kind === 'CSAF')).toBe(true);
    // The same commit again with the old version: CONFLICT, nothing written.
    const stale = await upload(m, 'csaf', 'commit', JSON.stringify(demoAdvisory()), {
      expectedVersion: String(version),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.errors?.[0]?.extensions['code']).toBe('CONFLICT');
  });

  it('applies an MDS2 workbook to every device of its make and model', async () => {
    const doc = mds2Hospital(await h.services.catalogues.current());
    const m = h.uniqueModelId('upload-mds2');
    doc.model = { id: m, name: 'MDS2 upload' };
    await h.services.models.importModel(TEST_ACTOR, doc);
    const form = await headedWorkbook(PUMP_ROWS);
    const preview = await upload(m, 'mds2', 'preview', form);
    expect(preview.status).toBe(200);
    expect(preview.body.data.preview.devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual([
      'dev-pump-1',
      'dev-pump-2',
    ]);
    const commit = await upload(m, 'mds2', 'commit', form);
    expect(commit.status).toBe(200);
    const exported = (await h.gqlOk<{ exportModel: ModelDocument }>(`query($m: ID!) { exportModel(id: $m) }`, { m }))
      .exportModel;
    const sourced = exported.controlPlacements.filter((p) => p.source?.kind === 'MDS2');
    expect(sourced.length).toBeGreaterThan(0);
    const audit = await h.gqlOk<{ model: { history: { nodes: { summary: string }[] } } }>(
      `query($m: ID!) { model(id: $m) { history(first: 5) { nodes { summary } } } }`,
      { m },
    );
    expect(audit.model.history.nodes.some((e) => /^MDS2 .*sha256 [0-9a-f]{64}/.test(e.summary))).toBe(true);
    // Each device evidence entry keeps its fact link through Neo4j, and the attack graph lists it
    // on the steps that depend on it (flagSource, interfaceSource).
    const usb = exported.interfaces.find((i) => i.deviceId === 'dev-pump-2' && i.kind === 'USB')!;
    const q = await h.gqlOk<{
      model: {
        devices: { nodes: { id: string; evidence: { reference: string; fact: string | null }[] | null }[] };
        attackGraph: {
          steps: { from: string; to: string; ruleId: string; evidence: { property: string; value: string }[] }[];
        };
      };
    }>(
      `query($m: ID!) { model(id: $m) {
        devices(first: 100) { nodes { id evidence { reference fact } } }
        attackGraph { steps { from to ruleId evidence { property value } } } } }`,
      { m },
    );
    const pump2 = q.model.devices.nodes.find((d) => d.id === 'dev-pump-2')!;
    expect(pump2.evidence).toContainEqual({ reference: 'CSUP-1, CSUP-3.2', fact: 'patchable' });
    expect(pump2.evidence).toContainEqual({ reference: 'CONN-1.2.2', fact: `interface:${usb.id}` });
    const intoUsb = q.model.attackGraph.steps.filter((s) => s.to === usb.id);
    expect(intoUsb.length).toBeGreaterThan(0);
    for (const s of intoUsb)
      expect(s.evidence).toContainEqual({
        property: 'interfaceSource',
        value: expect.stringMatching(
          /^if-.*: MDS2 ACME-MDS2-2024-01 \(CONN-1\.2\.2\): USB interface: CONN-1\.2\.2 Yes/,
        ),
      });
  });

  it('takes a device inventory CSV: preview, then one audited write; a bad row refuses the whole file', async () => {
    const m = await demoModel();
    const zone = DEMO.zones.find((z) => z.kind === 'CLINICAL')!.id;
    const csv = [
      'External ID,Name,Category,Manufacturer,Model,Software version,Risk class,Zone,IP address',
      `CMDB-9001,Ward 7 infusion pump 1,INFUSION_PUMP,BD,Alaris 8015 PC unit with 8100 LVP module,12.1,C,${zone},10.20.7.11`,
      `CMDB-9002,Ward 7 infusion pump 2,INFUSION_PUMP,BD,Alaris 8015 PC unit with 8100 LVP module,12.1,C,${zone},10.20.7.12`,
    ].join('\n');
    const before = await h.fingerprint();
    const preview = await upload(m, 'inventory-csv', 'preview', csv);
    expect(preview.status).toBe(200);
    expect(preview.body.data).toMatchObject({ created: 2, updated: 0, issues: [] });
    expect(await h.fingerprint()).toBe(before);
    const commit = await upload(m, 'inventory-csv', 'commit', csv);
    expect(commit.status).toBe(200);
    expect(commit.body.data).toMatchObject({ created: 2 });
    const found = await h.gqlOk<{ model: { devicesByIdentifier: { id: string }[] } }>(
      `query($m: ID!) { model(id: $m) { devicesByIdentifier(externalId: "CMDB-9002") { id } } }`,
      { m },
    );
    expect(found.model.devicesByIdentifier).toHaveLength(1);
    const afterCommit = await h.fingerprint();
    const bad = await upload(m, 'inventory-csv', 'commit', csv.replace('INFUSION_PUMP,BD', 'TOASTER,BD'));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors?.[0]?.extensions['issues'])).toMatch(/line 2/);
    expect(await h.fingerprint()).toBe(afterCommit);
  });

  it("creates a model from another tool's file (OTM): preview reports, commit writes the same model back", async () => {
    const catalogue = await h.services.catalogues.current();
    const otm = exportOtm(DEMO, catalogue);
    const id = h.uniqueModelId('from-otm');
    const preview = await upload(id, 'otm', 'preview', JSON.stringify(otm));
    expect(preview.status).toBe(200);
    expect(preview.body.data.report.created.devices).toBe(DEMO.devices.length);
    expect(preview.body.data.created).toBe(false);
    const commit = await upload(id, 'otm', 'commit', JSON.stringify(otm));
    expect(commit.status).toBe(200);
    const out = (await h.gqlOk<{ exportModel: ModelDocument }>(`query($m: ID!) { exportModel(id: $m) }`, { m: id }))
      .exportModel;
    expect(out.devices.map((d) => d.id).sort()).toEqual(DEMO.devices.map((d) => d.id).sort());
    expect(out.channels).toHaveLength(DEMO.channels.length);
    const again = await upload(id, 'otm', 'commit', JSON.stringify(otm));
    expect(again.status).toBe(409);
  });

  it('answers typed JSON errors and writes nothing: no credential, too large, junk, not multipart, unknown format', async () => {
    const m = await demoModel();
    const before = await h.fingerprint();
    const anonymous = await upload(m, 'csaf', 'preview', JSON.stringify(demoAdvisory()), {}, false);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    const big = await upload(m, 'csaf', 'commit', Buffer.alloc(LIMIT + 10, 0x20));
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'file' });
    const junk = await upload(m, 'mds2', 'commit', 'this is not a workbook');
    expect(junk.status).toBe(400);
    expect(junk.body.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    const notJson = await upload(m, 'csaf', 'commit', '{ truncated');
    expect(notJson.status).toBe(400);
    const plain = await fetch(`${base}/models/${m}/imports/csaf/commit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(demoAdvisory()),
    });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as Answer['body']).errors?.[0]?.extensions['code']).toBe('UNSUPPORTED_MEDIA_TYPE');
    const unknown = await upload(m, 'xlsx', 'commit', 'x');
    expect(unknown.status).toBe(404);
    expect(await h.fingerprint()).toBe(before);
  });
});
