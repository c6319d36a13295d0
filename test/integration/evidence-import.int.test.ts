/**
 * Evidence imports over GraphQL against the real Neo4j (schema/imports.graphql): a CSAF advisory
 * previewed (matches, changes, nothing written) and committed (EXACT and confirmed FUZZY changes
 * in one transaction, audit entry with the file's SHA-256, expectedVersion guard); a bad file
 * changes nothing; a CycloneDX SBOM then VEX onto one device.
 */
import fc from 'fast-check';
import type { ModelDocument } from '../../server/src/domain/types';
import { sha256Hex } from '../../server/src/importers/common';
import { sampleAdvisory } from '../samples/csaf/sample-advisory';
import { sampleSbom, sampleVex } from '../samples/cyclonedx/samples';
import { modelBuilder } from '../support/build-graph';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

describe('evidence imports (GraphQL)', () => {
  const h = new TestHelper();
  beforeAll(async () => {
    await h.init();
  });
  afterAll(async () => {
    await h.close();
  });

  async function model(): Promise<string> {
    const id = h.uniqueModelId('evidence');
    const acme = (modelName: string, softwareVersion?: string) => ({
      category: 'INFUSION_PUMP' as const,
      manufacturer: 'Acme Medical',
      modelName,
      ...(softwareVersion ? { softwareVersion } : {}),
    });
    const doc: ModelDocument = modelBuilder()
      .zone('ward', 'CLINICAL', true)
      .device('pump-a', ['ward'], acme('InfuPump 3000', '2.3'))
      .device('pump-c', ['ward'], acme('InfuPump 3000', 'L81'))
      .device('pump-d', ['ward'], acme('InfuPump 3000'))
      .device('mon', ['ward'], acme('CareMonitor X2', '1.5'))
      .build();
    doc.model = { id, name: 'Evidence import' };
    await h.services.models.importModel(TEST_ACTOR, doc);
    return id;
  }

  const PREVIEW = `query($m: ID!, $d: JSON!) { previewCsafImport(modelId: $m, document: $d, fileName: "acme.json") {
    modelVersion advisory { trackingId sha256 fileName }
    devices { deviceId level reason products { productId level } }
    vulnerabilities { id action deviceId cveId match vulnerability { cvssVector cvssBaseScore status source { kind document reference sha256 } } }
    controls { id deviceId controlId match placement { status control { id } } }
    unmappedRemediations warnings { path message } } }`;
  const COMMIT = `mutation($m: ID!, $d: JSON!, $c: [ID!], $v: Int) {
    commitCsafImport(modelId: $m, document: $d, confirm: $c, expectedVersion: $v, fileName: "acme.json") {
      modelVersion vulnerabilitiesWritten controlsPlaced } }`;

  it('previews without writing, then commits EXACT and confirmed FUZZY changes in one audited write', async () => {
    const m = await model();
    const before = await h.fingerprint();
    const { previewCsafImport: p } = await h.gqlOk<{ previewCsafImport: any }>(PREVIEW, { m, d: sampleAdvisory() }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(await h.fingerprint()).toBe(before);
    const sha = sha256Hex(JSON.stringify(sampleAdvisory()));
    expect(p.advisory).toEqual({ trackingId: 'ACME-2030-01', sha256: sha, fileName: 'acme.json' });
    expect(
      Object.fromEntries(p.devices.map((d: { deviceId: string; level: string }) => [d.deviceId, d.level])),
    ).toEqual({
      mon: 'EXACT',
      'pump-a': 'EXACT',
      'pump-c': 'FUZZY',
      'pump-d': 'FUZZY',
    });
    const mine = p.vulnerabilities.find((v: { deviceId: string }) => v.deviceId === 'pump-a');
    expect(mine.vulnerability).toEqual({
      cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cvssBaseScore: 9.8,
      status: 'AFFECTED',
      source: { kind: 'CSAF', document: 'ACME-2030-01', reference: 'CSAFPID-1', sha256: sha },
    });
    expect(p.controls.map((c: { id: string }) => c.id)).toEqual([
      'control:pump-a:C06',
      'control:pump-c:C06',
      'control:pump-d:C06',
    ]);
    expect(p.unmappedRemediations).toEqual({ mitigation: 1, workaround: 1 });

    const r = await h.gqlOk<{
      commitCsafImport: { modelVersion: number; vulnerabilitiesWritten: number; controlsPlaced: number };
    }>(COMMIT, { m, d: JSON.stringify(sampleAdvisory()), c: ['pump-c'], v: p.modelVersion });
    expect(r.commitCsafImport).toEqual({
      modelVersion: p.modelVersion + 1,
      vulnerabilitiesWritten: 4, // pump-a, pump-c (confirmed), mon ×2
      controlsPlaced: 2,
    });
    const out = await h.services.models.exportModel(m);
    expect(out.vulnerabilities.map((v) => `${v.elementId} ${v.cveId} ${v.status}`).sort()).toEqual([
      'mon CVE-2030-0001 NOT_AFFECTED',
      'mon CVE-2030-0002 AFFECTED',
      'pump-a CVE-2030-0001 AFFECTED',
      'pump-c CVE-2030-0001 AFFECTED',
    ]);
    expect(out.controlPlacements.map((c) => `${c.controlId}@${c.elementId}`)).toEqual(['C06@pump-a', 'C06@pump-c']);
    const audit = await h.services.audit.events({ modelId: m, action: 'commitCsafImport' });
    expect(audit.nodes).toHaveLength(1);
    expect(audit.nodes[0]!.summary).toContain(`CSAF ACME-2030-01 (acme.json, sha256 ${sha})`);

    // the preview's version is gone: refused, nothing written
    const stale = await h.gql(COMMIT, { m, d: sampleAdvisory(), c: ['pump-d'], v: p.modelVersion });
    expect(stale.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect((await h.services.models.get(m))!.version).toBe(p.modelVersion + 1);
  });

  it('a bad file or an unknown confirmation is BAD_USER_INPUT with its path, and writes nothing', async () => {
    const m = await model();
    const before = await h.fingerprint();
    const truncated = await h.gql(COMMIT, { m, d: JSON.stringify(sampleAdvisory()).slice(0, 200) });
    expect(truncated.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(truncated.errors?.[0]?.message).toMatch(/not JSON/);
    const noId = sampleAdvisory() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete noId.document.tracking.id;
    const missing = await h.gql(PREVIEW, { m, d: noId });
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(missing.errors?.[0]?.message).toMatch(/\/document\/tracking\/id/);
    const unknown = await h.gql(COMMIT, { m, d: sampleAdvisory(), c: ['no-such-device'] });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(await h.fingerprint()).toBe(before);
  });

  it('fuzz: truncated, junk and wrong-format files through both commits are BAD_USER_INPUT and write nothing', async () => {
    const m = await model();
    const before = await h.fingerprint();
    const junk = fc.oneof(
      fc.nat().map((n) => {
        const text = JSON.stringify(sampleAdvisory());
        return text.slice(0, n % (text.length - 1)); // always cut short
      }),
      fc.nat().map((n) => {
        const text = JSON.stringify(sampleSbom());
        return text.slice(0, n % (text.length - 1));
      }),
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (d) => {
        for (const mutation of [
          `mutation($m: ID!, $d: JSON!) { commitCsafImport(modelId: $m, document: $d) { modelVersion } }`,
          `mutation($m: ID!, $d: JSON!) { commitCycloneDxImport(modelId: $m, deviceId: "pump-a", document: $d) { modelVersion } }`,
        ]) {
          const r = await h.gql(mutation, { m, d });
          expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
        }
      }),
      { numRuns: Number(process.env.IMPORT_FUZZ_RUNS ?? 25) },
    );
    expect(await h.fingerprint()).toBe(before);
  });

  it('a CycloneDX SBOM then a VEX onto one device: components, then analysis states', async () => {
    const m = await model();
    const sbom = await h.gqlOk<{ commitCycloneDxImport: { vulnerabilitiesWritten: number; devicesChanged: number } }>(
      `mutation($m: ID!, $d: JSON!) { commitCycloneDxImport(modelId: $m, deviceId: "pump-a", document: $d, fileName: "pump.cdx.json") {
        vulnerabilitiesWritten devicesChanged } }`,
      { m, d: sampleSbom() },
    );
    expect(sbom.commitCycloneDxImport).toEqual({ vulnerabilitiesWritten: 1, devicesChanged: 1 });
    const pv = await h.gqlOk<{ previewCycloneDxImport: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any
      `query($m: ID!, $d: JSON!) { previewCycloneDxImport(modelId: $m, deviceId: "pump-a", document: $d) {
        bom { kind specVersion } components { added } vulnerabilities { id action vulnerability { status } } warnings { message } } }`,
      { m, d: sampleVex() },
    );
    expect(pv.previewCycloneDxImport.bom).toEqual({ kind: 'VEX', specVersion: '1.6' });
    expect(pv.previewCycloneDxImport.components).toBeNull();
    expect(pv.previewCycloneDxImport.vulnerabilities[0]).toEqual({
      id: 'vuln:pump-a:CVE-2014-0160',
      action: 'UPDATE',
      vulnerability: { status: 'NOT_AFFECTED' },
    });
    await h.gqlOk(
      `mutation($m: ID!, $d: JSON!) { commitCycloneDxImport(modelId: $m, deviceId: "pump-a", document: $d) { modelVersion } }`,
      { m, d: sampleVex() },
    );
    // the same VEX again changes nothing: its vulnerabilities as stored (loaded back from Neo4j)
    // compare equal to those the file makes, whatever the order of their fields
    const again = await h.gqlOk<{ previewCycloneDxImport: { vulnerabilities: { action: string }[] } }>(
      `query($m: ID!, $d: JSON!) { previewCycloneDxImport(modelId: $m, deviceId: "pump-a", document: $d) {
        vulnerabilities { action } } }`,
      { m, d: sampleVex() },
    );
    expect(again.previewCycloneDxImport.vulnerabilities.map((v) => v.action)).toEqual(
      again.previewCycloneDxImport.vulnerabilities.map(() => 'UNCHANGED'),
    );
    expect(again.previewCycloneDxImport.vulnerabilities.length).toBeGreaterThan(0);
    const out = await h.services.models.exportModel(m);
    expect(out.devices.find((d) => d.id === 'pump-a')!.components).toHaveLength(3);
    expect(out.vulnerabilities.map((v) => `${v.cveId} ${v.status} ${v.source?.kind}`).sort()).toEqual([
      'CVE-2014-0160 NOT_AFFECTED VEX',
      'CVE-2016-2108 FIXED VEX',
      'CVE-2019-5482 AFFECTED VEX',
      'CVE-2021-42374 UNDER_INVESTIGATION VEX',
    ]);
    const audit = await h.services.audit.events({ modelId: m, action: 'commitCycloneDxImport' });
    expect(audit.nodes.map((n) => n.summary)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `CycloneDX SBOM (pump.cdx.json, sha256 ${sha256Hex(JSON.stringify(sampleSbom()))}) on device 'pump-a'`,
        ),
      ]),
    );
  });
});
