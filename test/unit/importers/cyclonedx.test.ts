/**
 * CycloneDX SBOM / VEX importer (server/src/importers/cyclonedx.ts) on documents written for the
 * tests (test/samples/cyclonedx/samples.ts): components onto a device, vulnerabilities with their
 * analysis state, CVSS from ratings, schema validation with typed errors.
 */
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { ValidationError } from '../../../server/src/domain/errors';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import type { ModelDocument } from '../../../server/src/domain/types';
import { sha256Hex } from '../../../server/src/importers/common';
import { applyCycloneDxImport, parseCycloneDx, previewCycloneDxImport } from '../../../server/src/importers/cyclonedx';
import { buildGraph, modelBuilder } from '../../support/build-graph';
import { sampleSbom, sampleVex } from '../../samples/cyclonedx/samples';

const catalogue = loadBundledCatalogue();

function hospital(): ModelDocument {
  return validateModelDocument(
    modelBuilder()
      .zone('ward', 'CLINICAL', true)
      .device('pump', ['ward'], { category: 'INFUSION_PUMP', manufacturer: 'Acme', modelName: 'InfuPump 3000' })
      .iface('pump-web', 'pump', 'WEB_UI', ['ward'], 'PASSWORD')
      .iface('pump-ssh', 'pump', 'SSH', ['ward'], 'DEFAULT_CREDENTIALS')
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CRITICAL')
      .asset('records', 'pump', 'PERSONAL_DATA', 'MINOR')
      .build(),
    catalogue,
  );
}

const fail = (f: () => unknown): ValidationError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
};

describe('parseCycloneDx', () => {
  it('reads components (nested ones too, group/name, version, purl, cpe) and vulnerabilities with their state', () => {
    const bom = parseCycloneDx(JSON.stringify(sampleSbom()));
    expect(bom.kind).toBe('SBOM');
    expect(bom.components).toEqual([
      { name: 'linux', version: '4.9.88', cpe: 'cpe:2.3:o:linux:linux_kernel:4.9.88:*:*:*:*:*:*:*' },
      { name: 'busybox', version: '1.31.1', purl: 'pkg:generic/busybox@1.31.1' },
      { name: 'openssl/openssl', version: '1.0.2k', purl: 'pkg:generic/openssl@1.0.2k' },
    ]);
    expect(bom.vulnerabilities).toMatchObject([
      { cveId: 'CVE-2014-0160', status: 'AFFECTED', cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' },
    ]);
    const vex = parseCycloneDx(sampleVex());
    expect(vex.kind).toBe('VEX');
    expect(vex.vulnerabilities.map((v) => [v.cveId, v.status, v.cvssVector])).toEqual([
      ['CVE-2014-0160', 'NOT_AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'],
      ['CVE-2019-5482', 'AFFECTED', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], // E:F dropped
      ['CVE-2021-42374', 'UNDER_INVESTIGATION', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N'],
      ['CVE-2016-2108', 'FIXED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
      ['CVE-2020-0001', 'AFFECTED', undefined], // CVSS v2 only
      [undefined, 'AFFECTED', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'], // no CVE id
    ]);
  });

  it.each([
    ['truncated JSON', () => JSON.stringify(sampleSbom()).slice(0, 100), '', /not JSON/],
    ['junk', () => 'PK\u0003\u0004 not a bom', '', /not JSON/],
    ['a CSAF advisory', () => ({ document: { csaf_version: '2.0' } }), '/bomFormat', /expected "CycloneDX"/],
    ['spec 1.3', () => ({ ...sampleSbom(), specVersion: '1.3' }), '/specVersion', /1\.4, 1\.5, 1\.6/],
  ])('refuses %s with a typed error at its path', (_, make, path, message) => {
    const e = fail(() => parseCycloneDx(make()));
    expect(e.issues[0]!.path).toBe(path);
    expect(e.issues[0]!.message).toMatch(message);
  });

  it('validates against the official schema of the spec version, every violation with its JSON pointer', () => {
    const bad = sampleSbom() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    bad.components[1].type = 'gadget';
    delete bad.components[0].components[0].name;
    bad.vulnerabilities[0].analysis.state = 'probably_fine';
    bad.surprise = true;
    const e = fail(() => parseCycloneDx(bad));
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '',
        '/components/1/type',
        '/components/0/components/0',
        '/vulnerabilities/0/analysis/state',
      ]),
    );
    expect(e.issues.find((i) => i.path === '')!.message).toMatch(/additional properties \('surprise'\)/);
  });
});

describe('previewCycloneDxImport and applyCycloneDxImport', () => {
  it('an SBOM puts its components on the chosen device and attaches its vulnerability', () => {
    const doc = hospital();
    const before = JSON.stringify(doc);
    const p = previewCycloneDxImport(sampleSbom(), doc, { deviceId: 'pump', fileName: 'pump-sbom.json' });
    expect(JSON.stringify(doc)).toBe(before);
    expect(p.bom).toMatchObject({ kind: 'SBOM', specVersion: '1.5', version: 2 });
    expect(p.components).toMatchObject({ added: 3, removed: 0 });
    const out = applyCycloneDxImport(doc, p, { catalogue });
    expect(out.devices[0]!.components!.map((c) => c.name)).toEqual(['linux', 'busybox', 'openssl/openssl']);
    expect(out.vulnerabilities).toEqual([
      {
        id: 'pump.CVE-2014-0160',
        cveId: 'CVE-2014-0160',
        cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
        elementId: 'pump',
        description: 'Heartbleed',
        status: 'AFFECTED',
        remediation: 'recommendation: Update OpenSSL to 1.0.2l.\n\nresponse: update',
        source: {
          kind: 'SBOM',
          document: 'pump-sbom.json',
          reference: 'openssl',
          detail: 'exploitable',
          sha256: sha256Hex(JSON.stringify(sampleSbom())),
        },
      },
    ]);
  });

  it('a VEX then sets the analysis state: not_affected (with its justification) opens no step, exploitable / in_triage do; no rating or no CVE: skipped, said so', () => {
    const doc = hospital();
    const withSbom = applyCycloneDxImport(doc, previewCycloneDxImport(sampleSbom(), doc, { deviceId: 'pump' }), {
      catalogue,
    });
    const exploitSteps = (m: ModelDocument) =>
      buildGraph(m, {}, catalogue)
        .steps.filter((s) => s.ruleId === 'vulnerability-exploitation')
        .map((s) => s.evidence.find((e) => e.property === 'vulnerability')!.value.split(' ')[0]);
    expect(new Set(exploitSteps(withSbom))).toEqual(new Set(['CVE-2014-0160']));

    const p = previewCycloneDxImport(JSON.stringify(sampleVex()), withSbom, {
      deviceId: 'pump',
      fileName: 'pump.vex.json',
    });
    expect(p.components).toBeUndefined(); // a VEX lists no components: the SBOM's stay
    expect(p.vulnerabilities.map((c) => [c.id, c.action, c.vulnerability.status])).toEqual([
      ['vuln:pump:CVE-2014-0160', 'UPDATE', 'NOT_AFFECTED'],
      ['vuln:pump:CVE-2019-5482', 'ADD', 'AFFECTED'],
      ['vuln:pump:CVE-2021-42374', 'ADD', 'UNDER_INVESTIGATION'],
      ['vuln:pump:CVE-2016-2108', 'ADD', 'FIXED'],
    ]);
    const heartbleed = p.vulnerabilities[0]!.vulnerability;
    expect(heartbleed.id).toBe('pump.CVE-2014-0160'); // the SBOM's, updated
    expect(heartbleed.source).toMatchObject({
      kind: 'VEX',
      document: 'pump.vex.json',
      detail: 'not_affected (code_not_reachable): The heartbeat extension is compiled out.',
    });
    expect(p.warnings.map((w) => w.message)).toEqual([
      'CVE-2020-0001 has no CVSS v3/v4 rating with a vector: not imported (no score is invented)',
      "'SNYK-ONLY-1' has no CVE id: not imported",
    ]);
    const out = applyCycloneDxImport(withSbom, p, { catalogue });
    expect(out.devices[0]!.components).toHaveLength(3);
    expect(new Set(exploitSteps(out))).toEqual(new Set(['CVE-2019-5482', 'CVE-2021-42374']));
  });

  it('refuses an unknown device and says which affected refs are not the device’s components', () => {
    expect(fail(() => previewCycloneDxImport(sampleSbom(), hospital(), { deviceId: 'nope' })).issues).toEqual([
      { path: 'deviceId', message: "unknown device 'nope'" },
    ]);
    const vex = sampleVex() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    vex.vulnerabilities[1].affects[0].ref = 'urn:cdx:x/1#pkg:generic/dropbear@2019.78';
    const doc = hospital();
    const withSbom = applyCycloneDxImport(doc, previewCycloneDxImport(sampleSbom(), doc, { deviceId: 'pump' }), {
      catalogue,
    });
    expect(previewCycloneDxImport(vex, withSbom, { deviceId: 'pump' }).warnings.map((w) => w.message)).toContain(
      "CVE-2019-5482 affects 'urn:cdx:x/1#pkg:generic/dropbear@2019.78', which is not among the device's components",
    );
  });
});
