/**
 * Exchange format 2.2 (imported evidence): the 2.1 → 2.2 migration is a version bump only; the new
 * optional fields (vulnerability status / remediation / source, placement source, device
 * softwareVersion / components / evidence) survive export → import → export; FIXED and
 * NOT_AFFECTED vulnerabilities open no attack step.
 */
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError } from '../../server/src/domain/errors';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import { migrateModelDocument } from '../../server/src/domain/model-migration';
import type { ModelDocument, VulnerabilityStatus } from '../../server/src/domain/types';
import { buildGraph, modelBuilder } from '../support/build-graph';

const catalogue = loadBundledCatalogue();
const SHA = 'a'.repeat(64);

/** A small 2.2 model using every new field. */
function evidenceModel(): ModelDocument {
  const doc = modelBuilder()
    .zone('ward', 'CLINICAL', true)
    .device('pump', ['ward'], {
      category: 'INFUSION_PUMP',
      manufacturer: 'B. Braun',
      modelName: 'Infusomat Space',
      software: 'SpaceCom 012U000061',
      softwareVersion: 'L81',
      bodyLocation: 'NONE',
      executesSoftware: false,
      components: [
        {
          name: 'openssl',
          version: '1.0.2k',
          purl: 'pkg:generic/openssl@1.0.2k',
          cpe: 'cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*',
        },
        { name: 'busybox' },
      ],
      evidence: [
        { kind: 'MDS2', document: 'pump-mds2.xlsx', reference: 'MLDP-1', detail: 'No', sha256: SHA },
        { kind: 'MDS2', document: 'pump-mds2.xlsx', reference: 'CSUP-2', detail: 'No', fact: 'generalPurposeOs' },
        { kind: 'MDS2', document: 'pump-mds2.xlsx', reference: 'CONN-1.1', detail: 'Yes', fact: 'interface:web' },
      ],
    })
    .iface('web', 'pump', 'WEB_UI', ['ward'], 'PASSWORD', { userSession: true })
    .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CRITICAL')
    .vuln('v1', 'pump', 'CVE-2021-33885', 'CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H')
    .place('C06', 'pump', 'PLANNED')
    .build();
  Object.assign(doc.vulnerabilities[0]!, {
    status: 'FIXED',
    remediation: 'Update to L82 or later',
    source: { kind: 'CSAF', document: 'ICSMA-21-294-01', reference: 'CSAFPID-0001', sha256: SHA },
  });
  doc.controlPlacements[0]!.source = { kind: 'CSAF', document: 'ICSMA-21-294-01', detail: 'vendor_fix' };
  return doc;
}

describe('format 2.2', () => {
  it('2.1 → 2.2 (→ 2.3) only bumps the version: same elements, no changes reported, input untouched', () => {
    const v21 = { ...modelBuilder().zone('z', 'CLINICAL', true).device('d', ['z']).build(), formatVersion: '2.1' };
    const before = JSON.stringify(v21);
    const { document, fromVersion, changes } = migrateModelDocument(v21);
    expect(fromVersion).toBe('2.1');
    expect(changes).toEqual([]);
    expect(document).toEqual({ ...v21, formatVersion: '2.3' });
    expect(JSON.stringify(v21)).toBe(before);
    expect(validateModelDocument(v21, catalogue).formatVersion).toBe('2.3');
  });

  it('export → import → export keeps every 2.2 field (and the 2.1 device/interface flags)', () => {
    const doc = evidenceModel();
    const first = canonicalModelDocument(validateModelDocument(structuredClone(doc), catalogue));
    expect(first.devices[0]).toMatchObject({
      softwareVersion: 'L81',
      bodyLocation: 'NONE',
      executesSoftware: false,
      components: doc.devices[0]!.components,
      evidence: doc.devices[0]!.evidence,
    });
    expect(first.interfaces[0]!.userSession).toBe(true);
    expect(first.vulnerabilities[0]).toEqual({
      id: 'v1',
      cveId: 'CVE-2021-33885',
      cvssVector: 'CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
      elementId: 'pump',
      status: 'FIXED',
      remediation: 'Update to L82 or later',
      source: { kind: 'CSAF', document: 'ICSMA-21-294-01', reference: 'CSAFPID-0001', sha256: SHA },
    });
    expect(first.controlPlacements[0]!.source).toEqual({
      kind: 'CSAF',
      document: 'ICSMA-21-294-01',
      detail: 'vendor_fix',
    });
    const second = canonicalModelDocument(validateModelDocument(JSON.parse(JSON.stringify(first)), catalogue));
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('rejects malformed 2.2 fields with their paths', () => {
    const doc = evidenceModel() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    doc.vulnerabilities[0].status = 'MAYBE';
    doc.vulnerabilities[0].source = { kind: 'CSAF' };
    doc.devices[0].components = [];
    doc.devices[0].evidence = [
      { kind: 'MDS2', document: 'x', sha256: 'XYZ' },
      { kind: 'MDS2', document: 'x', fact: 'interface:' },
    ];
    doc.controlPlacements[0].source = { kind: 'RUMOUR', document: 'x' };
    try {
      validateModelDocument(doc, catalogue);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const paths = (e as ValidationError).issues.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'vulnerabilities[0].status',
          'vulnerabilities[0].source.document',
          'devices[0].components',
          'devices[0].evidence[0].sha256',
          'devices[0].evidence[1].fact',
          'controlPlacements[0].source.kind',
        ]),
      );
    }
  });
});

describe('vulnerability status in the engine', () => {
  const pump = (status?: VulnerabilityStatus) => {
    const m = modelBuilder()
      .zone('net', 'CLINICAL', true)
      .device('pump', ['net'])
      .iface('api', 'pump', 'REST_API', ['net'], 'MFA', { functions: [] })
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .vuln('v', 'api', 'CVE-2021-0001', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')
      .build();
    if (status) m.vulnerabilities[0]!.status = status;
    return buildGraph(m).steps.filter((s) => s.ruleId === 'vulnerability-exploitation');
  };

  it('AFFECTED, UNDER_INVESTIGATION and an absent status open the same steps (a stated status shows as evidence)', () => {
    const base = pump();
    expect(base.length).toBeGreaterThan(0);
    const statusOf = (steps: ReturnType<typeof pump>) =>
      steps.map((s) => s.evidence.find((e) => e.property === 'vulnerabilityStatus')?.value);
    const withoutStatus = (steps: ReturnType<typeof pump>) =>
      steps.map((s) => ({ ...s, evidence: s.evidence.filter((e) => e.property !== 'vulnerabilityStatus') }));
    expect(statusOf(base).every((v) => v === undefined)).toBe(true);
    expect(withoutStatus(pump('AFFECTED'))).toEqual(base);
    expect(withoutStatus(pump('UNDER_INVESTIGATION'))).toEqual(base);
    expect(new Set(statusOf(pump('UNDER_INVESTIGATION')))).toEqual(new Set(['UNDER_INVESTIGATION']));
  });

  it('FIXED and NOT_AFFECTED open none', () => {
    expect(pump('FIXED')).toEqual([]);
    expect(pump('NOT_AFFECTED')).toEqual([]);
  });
});
