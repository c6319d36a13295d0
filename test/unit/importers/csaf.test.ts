/**
 * CSAF 2.0 importer (server/src/importers/csaf.ts) on an advisory written for the tests
 * (test/samples/csaf/sample-advisory.ts): product tree and version ranges, device matching
 * (EXACT / FUZZY / NO_MATCH with reasons), the preview change set, apply with confirmation, and
 * typed errors with JSON pointers.
 */
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { ValidationError } from '../../../server/src/domain/errors';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import type { ModelDocument } from '../../../server/src/domain/types';
import {
  applyCsafImport,
  matchCsafDevices,
  parseCsafAdvisory,
  previewCsafImport,
} from '../../../server/src/importers/csaf';
import { sha256Hex } from '../../../server/src/importers/common';
import { buildGraph, modelBuilder } from '../../support/build-graph';
import { sampleAdvisory } from '../../samples/csaf/sample-advisory';

const catalogue = loadBundledCatalogue();
const acme = (modelName: string, softwareVersion?: string, extra: Record<string, unknown> = {}) => ({
  category: 'INFUSION_PUMP' as const,
  manufacturer: 'Acme Medical',
  modelName,
  ...(softwareVersion !== undefined ? { softwareVersion } : {}),
  ...extra,
});

/** The hospital: which device should match what is in each device's comment. */
function hospital(): ModelDocument {
  const doc = modelBuilder()
    .zone('ward', 'CLINICAL', true)
    .device('pump-a', ['ward'], acme('InfuPump 3000', '2.3')) // EXACT CSAFPID-1 (affected)
    .device('pump-b', ['ward'], acme('InfuPump 3000', '2.5')) // EXACT CSAFPID-2 (fixed)
    .device('pump-c', ['ward'], acme('InfuPump 3000', 'L81')) // FUZZY: version families differ
    .device('pump-d', ['ward'], acme('InfuPump 3000')) // FUZZY: no softwareVersion
    .device('pump-e', ['ward'], acme('InfuPump 3000 Plus', '2.3', { patchable: false })) // FUZZY: similar name
    .device('mon', ['ward'], acme('CareMonitor X2', '1.5', { category: 'PATIENT_MONITOR' })) // EXACT CSAFPID-3
    .device('mon-old', ['ward'], acme('CareMonitor X2', '2.0', { category: 'PATIENT_MONITOR' })) // NO_MATCH: version
    .device('other', ['ward'], { manufacturer: 'Other Corp', modelName: 'InfuPump 3000', softwareVersion: '2.3' }) // NO_MATCH: vendor
    .device('gw', ['ward'], acme('Gateway G7', undefined, { category: 'GATEWAY' })) // EXACT CSAFPID-4 (all versions)
    .iface('pump-a-web', 'pump-a', 'WEB_UI', ['ward'], 'PASSWORD')
    .iface('pump-b-web', 'pump-b', 'WEB_UI', ['ward'], 'PASSWORD')
    .iface('mon-web', 'mon', 'WEB_UI', ['ward'], 'PASSWORD')
    .build();
  doc.vulnerabilities.push({
    id: 'known-1',
    cveId: 'CVE-2030-0001',
    cvssVector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    elementId: 'pump-a',
    description: 'entered by hand',
  });
  return validateModelDocument(doc, catalogue);
}

describe('parseCsafAdvisory', () => {
  it('reads the product tree (vendor, product name, version or range parsed, CPE) and the vulnerabilities', () => {
    const a = parseCsafAdvisory(JSON.stringify(sampleAdvisory()));
    expect(a.trackingId).toBe('ACME-2030-01');
    expect(a.publisher).toBe('Acme Medical PSIRT');
    expect(a.products.map((p) => [p.productId, p.vendor, p.productName, p.versionKind, p.versionText])).toEqual([
      ['CSAFPID-1', 'Acme Medical Inc.', 'InfuPump 3000', 'RANGE', '<= 2.4'],
      ['CSAFPID-2', 'Acme Medical Inc.', 'InfuPump 3000', 'VERSION', '2.5'],
      ['CSAFPID-3', 'Acme Medical Inc.', 'CareMonitor X2', 'RANGE', '>= 1.0 | <= 1.9'],
      ['CSAFPID-4', 'Acme Medical Inc.', 'Gateway G7', 'VERSION', 'vers:all/*'],
    ]);
    expect(a.products[1]!.cpe).toBe('cpe:2.3:h:acme:infupump_3000:2.5:*:*:*:*:*:*:*');
    expect(a.products[2]!.range!.clauses).toEqual([
      {
        kind: 'CONSTRAINTS',
        constraints: [
          { op: '>=', version: '1.0' },
          { op: '<=', version: '1.9' },
        ],
      },
    ]);
    const [v1, v2, v3] = a.vulnerabilities;
    // temporal metrics E:P/RL:O dropped: base vector only
    expect(v1!.scores).toEqual([
      {
        productIds: ['CSAFPID-1', 'CSAFPID-2', 'CSAFPID-3', 'CSAFPID-4'],
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        version: '3.1',
      },
    ]);
    expect([...v1!.productStatus]).toEqual([
      ['CSAFPID-1', 'AFFECTED'],
      ['CSAFPID-2', 'FIXED'],
      ['CSAFPID-3', 'NOT_AFFECTED'],
      ['CSAFPID-4', 'UNDER_INVESTIGATION'],
    ]);
    expect(v1!.remediations.map((r) => r.category)).toEqual(['vendor_fix', 'mitigation', 'workaround']);
    expect(v2!.scores[0]!.version).toBe('4.0');
    expect(v3!.scores).toEqual([]);
    expect(a.warnings).toEqual([
      { path: '/vulnerabilities/2/scores/0', message: expect.stringMatching(/no cvss_v3 or cvss_v4/) },
    ]);
    expect(a.sha256).toBe(sha256Hex(JSON.stringify(sampleAdvisory())));
  });

  it.each([
    ['truncated JSON', () => JSON.stringify(sampleAdvisory()).slice(0, 300), '', /not JSON/],
    ['junk bytes', () => Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x9c]), '', /not UTF-8|not JSON/],
    ['an empty file', () => '  ', '', /empty/],
    ['a JSON array', () => '[1,2]', '', /not an object/],
    ['a CycloneDX SBOM', () => ({ bomFormat: 'CycloneDX', specVersion: '1.5' }), '/document', /'document' is missing/],
    [
      'CSAF 1.2 / CVRF-like',
      () => ({ ...sampleAdvisory(), document: { ...(sampleAdvisory().document as object), csaf_version: '1.2' } }),
      '/document/csaf_version',
      /expected "2.0"/,
    ],
  ])('refuses %s with a typed error at its path', (_, make, path, message) => {
    try {
      parseCsafAdvisory(make());
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]!.path).toBe(path);
      expect((e as ValidationError).issues[0]!.message).toMatch(message);
    }
  });

  it('lists every missing required field and malformed branch with its JSON pointer', () => {
    const a = sampleAdvisory() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete a.document.tracking.id;
    delete a.document.title;
    a.product_tree.branches[0].branches[0].category = 'model';
    delete a.product_tree.branches[0].branches[1].branches[0].product.product_id;
    a.vulnerabilities[0].cve = 'CVE-30-1';
    a.vulnerabilities[0].remediations[0].category = 'pray';
    a.vulnerabilities[1].product_status = { maybe_affected: ['CSAFPID-3'] };
    try {
      parseCsafAdvisory(a);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path).sort()).toEqual(
        [
          '/document/title',
          '/document/tracking/id',
          '/product_tree/branches/0/branches/0/category',
          '/product_tree/branches/0/branches/1/branches/0/product/product_id',
          '/vulnerabilities/0/cve',
          '/vulnerabilities/0/remediations/0/category',
          '/vulnerabilities/1/product_status/maybe_affected',
        ].sort(),
      );
    }
  });

  it('refuses an advisory without a product tree, and warns about product ids that are not defined', () => {
    const a = sampleAdvisory();
    delete a['product_tree'];
    expect(() => parseCsafAdvisory(a)).toThrow(/no product_tree/);
    const b = sampleAdvisory() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    b.vulnerabilities[1].product_status.known_affected.push('CSAFPID-99');
    expect(parseCsafAdvisory(b).warnings).toContainEqual({
      path: '/vulnerabilities/1/product_status/known_affected',
      message: "product id 'CSAFPID-99' is not defined in the product tree: ignored",
    });
  });
});

describe('a device with an EXACT and a FUZZY product', () => {
  it('a CVE naming only the FUZZY product is a FUZZY change, applied only when confirmed', () => {
    const a = sampleAdvisory() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    a.product_tree.branches[0].branches[0].branches.push({
      category: 'product_version_range',
      name: 'B7 and earlier',
      product: { name: 'InfuPump 3000 builds B7 and earlier', product_id: 'CSAFPID-5' },
    });
    a.vulnerabilities.push({
      cve: 'CVE-2030-0004',
      scores: [
        {
          products: ['CSAFPID-5'],
          cvss_v3: { version: '3.0', vectorString: 'CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H' },
        },
      ],
      product_status: { known_affected: ['CSAFPID-5'] },
    });
    const doc = hospital();
    const m = matchCsafDevices(parseCsafAdvisory(a), doc.devices).find((d) => d.deviceId === 'pump-a')!;
    expect(m.products.map((p) => [p.productId, p.level])).toEqual([
      ['CSAFPID-1', 'EXACT'],
      ['CSAFPID-5', 'FUZZY'],
    ]);
    const p = previewCsafImport(a, doc, catalogue);
    expect(p.vulnerabilities.filter((c) => c.deviceId === 'pump-a').map((c) => [c.cveId, c.match])).toEqual([
      ['CVE-2030-0001', 'EXACT'],
      ['CVE-2030-0004', 'FUZZY'],
    ]);
    const cves = (out: ModelDocument) =>
      out.vulnerabilities.filter((v) => v.elementId === 'pump-a').map((v) => v.cveId);
    expect(cves(applyCsafImport(doc, p, { catalogue }))).toEqual(['CVE-2030-0001']);
    expect(cves(applyCsafImport(doc, p, { confirm: ['vuln:pump-a:CVE-2030-0004'], catalogue }))).toEqual([
      'CVE-2030-0001',
      'CVE-2030-0004',
    ]);
  });
});

describe('relationships and product groups', () => {
  it('a relationship product is matched as its component; a remediation by group_ids reaches the group’s products', () => {
    const a = sampleAdvisory() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    a.product_tree.relationships = [
      {
        category: 'installed_on',
        product_reference: 'CSAFPID-1',
        relates_to_product_reference: 'CSAFPID-4',
        full_product_name: { name: 'InfuPump 3000 <= 2.4 on Gateway G7', product_id: 'CSAFPID-REL-1' },
      },
    ];
    a.product_tree.product_groups = [{ group_id: 'CSAFGID-1', product_ids: ['CSAFPID-REL-1', 'CSAFPID-3'] }];
    a.vulnerabilities[1].product_status.known_affected.push('CSAFPID-REL-1');
    a.vulnerabilities[1].scores[0].products.push('CSAFPID-REL-1');
    a.vulnerabilities[1].remediations = [{ category: 'vendor_fix', details: 'Update all.', group_ids: ['CSAFGID-1'] }];
    const parsed = parseCsafAdvisory(a);
    expect(parsed.products.find((p) => p.productId === 'CSAFPID-REL-1')).toMatchObject({
      vendor: 'Acme Medical Inc.',
      productName: 'InfuPump 3000',
      versionText: '<= 2.4',
      name: 'InfuPump 3000 <= 2.4 on Gateway G7',
    });
    expect(parsed.vulnerabilities[1]!.remediations[0]!.productIds).toEqual(['CSAFPID-REL-1', 'CSAFPID-3']);
    const p = previewCsafImport(a, hospital(), catalogue);
    const c = p.vulnerabilities.find((x) => x.id === 'vuln:pump-a:CVE-2030-0002')!;
    expect(c).toMatchObject({ match: 'EXACT', productIds: ['CSAFPID-REL-1'] });
    expect(c.vulnerability.remediation).toBe('vendor_fix: Update all.');
  });
});

describe('matching devices', () => {
  it('EXACT when vendor, model and version agree; FUZZY when similar or undecidable; NO_MATCH with the reason', () => {
    const m = matchCsafDevices(parseCsafAdvisory(sampleAdvisory()), hospital().devices);
    const byId = Object.fromEntries(m.map((d) => [d.deviceId, d]));
    expect(Object.fromEntries(m.map((d) => [d.deviceId, [d.level, d.products.map((p) => p.productId)]]))).toEqual({
      gw: ['EXACT', ['CSAFPID-4']],
      mon: ['EXACT', ['CSAFPID-3']],
      'mon-old': ['NO_MATCH', []],
      other: ['NO_MATCH', []],
      'pump-a': ['EXACT', ['CSAFPID-1']],
      'pump-b': ['EXACT', ['CSAFPID-2']],
      'pump-c': ['FUZZY', ['CSAFPID-1', 'CSAFPID-2']],
      'pump-d': ['FUZZY', ['CSAFPID-1', 'CSAFPID-2']],
      'pump-e': ['FUZZY', ['CSAFPID-1']],
    });
    expect(byId['pump-a']!.reason).toMatch(/version '2.3' is in '<= 2.4'/);
    expect(byId['mon-old']!.reason).toMatch(/version '2.0' is outside '>= 1.0 \| <= 1.9'/);
    expect(byId['other']!.reason).toMatch(/no product of the advisory names this device/);
    expect(byId['pump-c']!.reason).toMatch(/version 'L81' cannot be compared with '<= 2.4'/);
    expect(byId['pump-d']!.reason).toMatch(/the device has no softwareVersion/);
    const doc = hospital();
    doc.devices.find((d) => d.id === 'pump-d')!.software = 'PC unit software 2.3';
    const hint = matchCsafDevices(parseCsafAdvisory(sampleAdvisory()), doc.devices).find(
      (d) => d.deviceId === 'pump-d',
    )!;
    expect(hint.level).toBe('FUZZY'); // a hint, never a match
    expect(hint.reason).toMatch(/'2\.3' read from it would be inside the range: set softwareVersion to decide/);
    expect(byId['pump-e']!.reason).toMatch(/resembles model 'InfuPump 3000 Plus'/);
  });

  it('a device component carrying the product CPE is an EXACT match whatever its model name', () => {
    const doc = hospital();
    doc.devices.find((d) => d.id === 'other')!.components = [
      { name: 'pump firmware', cpe: 'CPE:2.3:h:acme:infupump_3000:2.5:*:*:*:*:*:*:*' },
    ];
    const m = matchCsafDevices(parseCsafAdvisory(sampleAdvisory()), doc.devices).find((d) => d.deviceId === 'other')!;
    expect(m.level).toBe('EXACT');
    expect(m.products[0]!.reasons[0]).toMatch(/carries the product's CPE/);
  });
});

describe('previewCsafImport and applyCsafImport', () => {
  it('previews one vulnerability per CVE × matched device with vector, status, remediation and source; vendor_fix suggests C06', () => {
    const doc = hospital();
    const before = JSON.stringify(doc);
    const p = previewCsafImport(JSON.stringify(sampleAdvisory()), doc, catalogue, { fileName: 'acme.json' });
    expect(JSON.stringify(doc)).toBe(before);
    expect(
      p.vulnerabilities.map((c) => [c.id, c.action, c.match, c.vulnerability.status, c.vulnerability.cvssVector]),
    ).toEqual([
      ['vuln:gw:CVE-2030-0001', 'ADD', 'EXACT', 'UNDER_INVESTIGATION', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['vuln:mon:CVE-2030-0001', 'ADD', 'EXACT', 'NOT_AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['vuln:pump-a:CVE-2030-0001', 'UPDATE', 'EXACT', 'AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['vuln:pump-b:CVE-2030-0001', 'ADD', 'EXACT', 'FIXED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['vuln:pump-c:CVE-2030-0001', 'ADD', 'FUZZY', 'AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['vuln:pump-d:CVE-2030-0001', 'ADD', 'FUZZY', 'AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['vuln:pump-e:CVE-2030-0001', 'ADD', 'FUZZY', 'AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      [
        'vuln:mon:CVE-2030-0002',
        'ADD',
        'EXACT',
        'AFFECTED',
        'CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N',
      ],
    ]);
    const upd = p.vulnerabilities.find((c) => c.deviceId === 'pump-a')!;
    expect(upd.vulnerability).toEqual({
      id: 'known-1', // the existing one, updated
      cveId: 'CVE-2030-0001',
      cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      elementId: 'pump-a',
      description: 'entered by hand',
      status: 'AFFECTED',
      remediation:
        'vendor_fix: Update to 2.5. (https://acme.example/fix)\n\nmitigation: Block TCP 8443 at the ward firewall.',
      source: {
        kind: 'CSAF',
        document: 'ACME-2030-01',
        reference: 'CSAFPID-1',
        detail: 'CSAFPID-1: affected',
        sha256: sha256Hex(JSON.stringify(sampleAdvisory())),
      },
    });
    // the CSAF VEX justification of known_not_affected is kept as evidence
    expect(p.vulnerabilities.find((c) => c.id === 'vuln:mon:CVE-2030-0001')!.vulnerability.source!.detail).toBe(
      'CSAFPID-3: not affected (vulnerable_code_not_present; The monitor has no web service.)',
    );
    expect(upd.before!.cvssVector).toBe('CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    expect(p.vulnerabilities.find((c) => c.id === 'vuln:gw:CVE-2030-0001')!.vulnerability.remediation).toBe(
      'workaround: Disable the web service.',
    );
    // CVE-2030-0003 has only a CVSS v2 score: skipped, said so
    expect(p.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/^CVE-2030-0003 on 'pump-a': the advisory gives no CVSS/),
    );
    // vendor_fix → C06 on affected devices where it fits; pump-e is not patchable: said so
    expect(p.controls.map((c) => [c.id, c.match, c.placement.status])).toEqual([
      ['control:pump-a:C06', 'EXACT', 'PLANNED'],
      ['control:pump-c:C06', 'FUZZY', 'PLANNED'],
      ['control:pump-d:C06', 'FUZZY', 'PLANNED'],
    ]);
    expect(p.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/^C06 not suggested on 'pump-e'.*PATCHABLE/),
    );
    expect(p.unmappedRemediations).toEqual({ mitigation: 1, workaround: 1 });
  });

  it('applies EXACT changes, FUZZY ones only for confirmed devices; FIXED / NOT_AFFECTED are tracked but open no step', () => {
    const doc = hospital();
    const p = previewCsafImport(sampleAdvisory(), doc, catalogue);
    const out = applyCsafImport(doc, p, { confirm: ['pump-c'], catalogue });
    const on = (id: string) =>
      out.vulnerabilities.filter((v) => v.elementId === id).map((v) => `${v.cveId} ${v.status}`);
    expect(on('pump-a')).toEqual(['CVE-2030-0001 AFFECTED']);
    expect(on('pump-b')).toEqual(['CVE-2030-0001 FIXED']);
    expect(on('pump-c')).toEqual(['CVE-2030-0001 AFFECTED']);
    expect(on('pump-d')).toEqual([]);
    expect(on('pump-e')).toEqual([]);
    expect(on('mon').sort()).toEqual(['CVE-2030-0001 NOT_AFFECTED', 'CVE-2030-0002 AFFECTED']);
    expect(on('mon-old')).toEqual([]);
    expect(on('other')).toEqual([]);
    expect(out.controlPlacements.map((c) => `${c.controlId}@${c.elementId} ${c.status}`).sort()).toEqual([
      'C06@pump-a PLANNED',
      'C06@pump-c PLANNED',
    ]);
    expect(doc.vulnerabilities).toHaveLength(1); // the input is not modified
    const steps = buildGraph(out, {}, catalogue).steps.filter((s) => s.ruleId === 'vulnerability-exploitation');
    const vulnOf = (s: { evidence: readonly { property: string; value: string }[] }) =>
      s.evidence.find((e) => e.property === 'vulnerability')?.value ?? '';
    const stepsOn = (device: string) => steps.filter((s) => s.to === device || s.to.startsWith(`${device}`));
    expect(stepsOn('pump-b')).toEqual([]); // FIXED
    expect(
      stepsOn('mon')
        .map(vulnOf)
        .every((v) => v.startsWith('CVE-2030-0002')),
    ).toBe(true); // 0001 NOT_AFFECTED
    expect(stepsOn('mon').length).toBeGreaterThan(0);
    expect(stepsOn('pump-a').length).toBeGreaterThan(0);
    // the advisory shows as evidence on the steps it opens
    expect(stepsOn('pump-a')[0]!.evidence).toContainEqual({
      property: 'evidenceSource',
      value: 'CSAF ACME-2030-01 (CSAFPID-1): CSAFPID-1: affected',
    });
    expect(
      stepsOn('mon')
        .flatMap((s) => s.evidence)
        .filter((e) => e.property === 'vulnerabilityStatus')
        .map((e) => e.value),
    ).toEqual(['AFFECTED']); // CVE-2030-0002's; the NOT_AFFECTED one opens none
  });

  it('refuses a confirmation of an id that is not in the preview, and a skipped change is left out', () => {
    const doc = hospital();
    const p = previewCsafImport(sampleAdvisory(), doc, catalogue);
    expect(() => applyCsafImport(doc, p, { confirm: ['pump-c', 'nope'], catalogue })).toThrow(ValidationError);
    try {
      applyCsafImport(doc, p, { confirm: ['nope'], catalogue });
    } catch (e) {
      expect((e as ValidationError).issues).toEqual([
        { path: 'confirm[0]', message: "'nope' is neither a device nor a change of this preview" },
      ]);
    }
    const out = applyCsafImport(doc, p, { skip: ['control:pump-a:C06'], catalogue });
    expect(out.controlPlacements).toEqual([]);
  });

  it('a second import of the same advisory changes nothing', () => {
    const doc = hospital();
    const once = applyCsafImport(doc, previewCsafImport(sampleAdvisory(), doc, catalogue), { catalogue });
    const p2 = previewCsafImport(sampleAdvisory(), once, catalogue);
    expect(p2.vulnerabilities.filter((c) => c.match === 'EXACT').every((c) => c.action === 'UNCHANGED')).toBe(true);
    expect(p2.controls.filter((c) => c.match === 'EXACT')).toEqual([]);
    expect(applyCsafImport(once, p2, { catalogue })).toEqual(once);
  });
});
