/**
 * Start-up migration of stored models (docs/attack-model.md §8) against the real Neo4j: a model
 * stored as a 1.0 model could be (two exact copies of one channel, a placement on the copy) is
 * rewritten once, in one transaction, with an audit entry; checked models are skipped next time.
 */
import { canonicalModelDocument } from '../../server/src/domain/model-document';
import type { ModelDocument } from '../../server/src/domain/types';
import { ModelRepository } from '../../server/src/graph/repositories/model-repository';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

describe('migrateStoredModels', () => {
  const h = new TestHelper();
  beforeAll(async () => {
    await h.init();
  });
  afterAll(async () => {
    await h.close();
  });

  it('merges a stored duplicate channel in one audited rewrite, keeps the replaced version, and skips the model next time', async () => {
    const modelId = h.uniqueModelId('migrate');
    const channel = {
      name: 'commands',
      fromDeviceId: 'srv',
      toDeviceId: 'pump',
      technology: 'WIFI' as const,
      intrinsicMechanism: 'WPA2_PSK' as const,
      extrinsicMechanisms: ['TLS' as const],
      carries: ['COMMANDS' as const],
      zoneIds: ['ward'],
    };
    const stored: ModelDocument = {
      formatVersion: '2.3',
      model: { id: modelId, name: 'Stored before 2.0' },
      zones: [{ id: 'ward', name: 'Ward', kind: 'CLINICAL', entryPoint: true }],
      devices: ['srv', 'pump'].map((id) => ({
        id,
        name: id,
        category: 'OTHER' as const,
        riskClass: 'C' as const,
        generalPurposeOs: false,
        patchable: true,
        handlesPersonalData: false,
        storesData: false,
        remoteService: false,
        zoneIds: ['ward'],
      })),
      // An implant-style radio endpoint on the pump carrying a firewall placement, which no longer fits (controls v2).
      interfaces: [
        {
          id: 'pump-rf',
          deviceId: 'pump',
          name: 'radio',
          kind: 'PROPRIETARY_RF',
          exposedToZoneIds: ['ward'],
          authentication: 'NONE',
        },
      ],
      channels: [
        { id: 'ch-a', ...channel },
        { id: 'ch-b', ...channel, name: 'commands (copy)' },
      ],
      assets: [{ id: 'therapy', deviceId: 'pump', name: 'therapy', kind: 'THERAPY_DELIVERY', severity: 'CRITICAL' }],
      vulnerabilities: [],
      controlPlacements: [
        { id: 'pl-b', controlId: 'C21', elementId: 'ch-b', status: 'PLANNED' },
        { id: 'pl-fw', controlId: 'C13', elementId: 'pump-rf', status: 'IMPLEMENTED' },
      ],
    };
    // Written as stored data, past validation (a 1.0 write path accepted such copies), and without
    // the format marker that writes of this version set.
    await new ModelRepository(h.db).importDocument(canonicalModelDocument(stored), false, null, async () => {});
    await unmark(modelId);

    const report = await h.services.models.migrateStoredModels(TEST_ACTOR);
    const mine = report.find((r) => r.modelId === modelId)!;
    expect(mine.changes.map((c) => c.path)).toEqual([
      'channels[1]',
      'controlPlacements[0]',
      'channels[0].extrinsicMechanisms',
    ]);

    const exported = await h.services.models.exportModel(modelId);
    expect(exported.formatVersion).toBe('2.3');
    expect(exported.channels.map((c) => [c.id, c.extrinsicMechanisms])).toEqual([['ch-a', []]]);
    // The TLS mechanism is now placement C20 (in force); the unfit firewall is kept, not refused.
    expect(exported.controlPlacements).toEqual([
      { id: 'ch-a.C20', controlId: 'C20', elementId: 'ch-a', status: 'IMPLEMENTED' },
      { id: 'pl-b', controlId: 'C21', elementId: 'ch-a', status: 'PLANNED' },
      { id: 'pl-fw', controlId: 'C13', elementId: 'pump-rf', status: 'IMPLEMENTED' },
    ]);
    // A later write to the model does not fail because of the unfit placement.
    await h.services.models.updateElement(TEST_ACTOR, modelId, 'devices', 'srv', { name: 'server' });
    // ...but a new unfit placement is refused, naming the predicate.
    await expect(
      h.services.models.createElement(TEST_ACTOR, modelId, 'controlPlacements', {
        id: 'pl-pw',
        controlId: 'C14',
        elementId: 'pump-rf',
        status: 'PLANNED',
      }),
    ).rejects.toThrow(/USER_SESSION/);

    const audit = await h.services.audit.events({ modelId, action: 'migrate-format' });
    expect(audit.nodes).toHaveLength(1);
    expect(audit.nodes[0]!.summary).toContain("channel 'ch-b' is an exact copy of channel 'ch-a'");

    // Checked once: the next start leaves it alone (no second rewrite, no new version).
    const version = (await h.services.models.get(modelId))!.version;
    const again = await h.services.models.migrateStoredModels(TEST_ACTOR);
    expect(again.find((r) => r.modelId === modelId)).toBeUndefined();
    expect((await h.services.models.get(modelId))!.version).toBe(version);
  });

  it('marks an unmarked model that is already current without writing it; a model written now is not even loaded', async () => {
    const old = h.uniqueModelId('current');
    await h.services.models.createModel(TEST_ACTOR, old, 'Stored before the marker');
    await unmark(old);
    const fresh = h.uniqueModelId('fresh');
    await h.services.models.createModel(TEST_ACTOR, fresh, 'Written in 2.0');
    const before = (await h.services.models.get(old))!.version;
    const report = await h.services.models.migrateStoredModels(TEST_ACTOR);
    expect(report.find((r) => r.modelId === old)).toEqual({ modelId: old, changes: [] });
    expect(report.find((r) => r.modelId === fresh)).toBeUndefined();
    expect((await h.services.models.get(old))!.version).toBe(before);
  });

  it('2.2 evidence fields are stored in Neo4j and exported unchanged (export → import → export), also over GraphQL', async () => {
    const modelId = h.uniqueModelId('evidence');
    const sha = 'b'.repeat(64);
    const doc = {
      formatVersion: '2.3',
      model: { id: modelId, name: 'Evidence' },
      zones: [{ id: 'ward', name: 'Ward', kind: 'CLINICAL', entryPoint: true }],
      devices: [
        {
          id: 'pump',
          name: 'Pump',
          category: 'INFUSION_PUMP',
          manufacturer: 'B. Braun',
          modelName: 'Infusomat Space',
          riskClass: 'C',
          generalPurposeOs: false,
          patchable: true,
          handlesPersonalData: false,
          storesData: false,
          remoteService: false,
          zoneIds: ['ward'],
          softwareVersion: 'L81',
          components: [{ name: 'openssl', version: '1.0.2k', purl: 'pkg:generic/openssl@1.0.2k' }, { name: 'zlib' }],
          evidence: [{ kind: 'MDS2', document: 'pump.xlsx', reference: 'MLDP-1', detail: 'No', sha256: sha }],
        },
      ],
      interfaces: [],
      channels: [],
      assets: [],
      vulnerabilities: [
        {
          id: 'v1',
          cveId: 'CVE-2021-33885',
          cvssVector: 'CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
          elementId: 'pump',
          status: 'NOT_AFFECTED',
          remediation: 'none needed',
          source: { kind: 'VEX', document: 'pump.vex.json', reference: 'pump-fw', detail: 'code_not_reachable' },
        },
      ],
      controlPlacements: [
        {
          id: 'p1',
          controlId: 'C06',
          elementId: 'pump',
          status: 'PLANNED',
          source: { kind: 'CSAF', document: 'ICSMA-21-294-01', detail: 'vendor_fix', sha256: sha },
        },
      ],
    };
    await h.services.models.importModel(TEST_ACTOR, doc);
    const first = await h.services.models.exportModel(modelId);
    expect(first.formatVersion).toBe('2.3');
    expect(first.devices[0]).toMatchObject({
      softwareVersion: 'L81',
      components: doc.devices[0]!.components,
      evidence: doc.devices[0]!.evidence,
    });
    expect(first.vulnerabilities).toEqual(doc.vulnerabilities);
    expect(first.controlPlacements).toEqual(doc.controlPlacements);
    // stored as JSON text properties, not as nested maps
    const stored = await h.db.driver.executeQuery(
      'MATCH (v:Vulnerability {modelId: $modelId, id: "v1"}) RETURN v.sourceJson AS s',
      { modelId },
    );
    expect(JSON.parse(stored.records[0]!.get('s') as string)).toEqual(doc.vulnerabilities[0]!.source);
    await h.services.models.importModel(TEST_ACTOR, first, { replace: true });
    expect(await h.services.models.exportModel(modelId)).toEqual(first);
    const q = await h.gqlOk<{ model: { devices: { nodes: unknown[] }; vulnerabilities: { nodes: unknown[] } } }>(
      `query($id: ID!) { model(id: $id) {
        devices { nodes { softwareVersion components { name version purl cpe } evidence { kind document reference detail sha256 } } }
        vulnerabilities { nodes { status remediation source { kind document reference detail } } } } }`,
      { id: modelId },
    );
    expect(q.model.devices.nodes[0]).toEqual({
      softwareVersion: 'L81',
      components: [
        { name: 'openssl', version: '1.0.2k', purl: 'pkg:generic/openssl@1.0.2k', cpe: null },
        { name: 'zlib', version: null, purl: null, cpe: null },
      ],
      evidence: [{ kind: 'MDS2', document: 'pump.xlsx', reference: 'MLDP-1', detail: 'No', sha256: sha }],
    });
    expect(q.model.vulnerabilities.nodes[0]).toEqual({
      status: 'NOT_AFFECTED',
      remediation: 'none needed',
      source: { kind: 'VEX', document: 'pump.vex.json', reference: 'pump-fw', detail: 'code_not_reachable' },
    });
  });

  /** Removes the format marker, as a model stored by a version before 2.0 lacks it. */
  async function unmark(modelId: string): Promise<void> {
    await h.db.driver.executeQuery('MATCH (m:ThreatModel {id: $modelId}) REMOVE m.formatVersion', { modelId });
  }
});
