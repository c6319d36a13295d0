/**
 * CycloneDX documents written for the tests (not real products): an SBOM of an infusion pump's
 * firmware (spec 1.5: three components, one nested, one with a CPE; one vulnerability in the
 * BOM itself) and a stand-alone VEX (spec 1.6) about the same firmware. Functions, so that each
 * test gets a fresh object to spoil.
 */
export function sampleSbom(): Record<string, unknown> {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: 'urn:uuid:6f1a3c1e-0000-4000-8000-000000000001',
    version: 2,
    metadata: { component: { type: 'device', name: 'InfuPump 3000', version: '2.3', 'bom-ref': 'device' } },
    components: [
      {
        type: 'operating-system',
        'bom-ref': 'os',
        name: 'linux',
        version: '4.9.88',
        cpe: 'cpe:2.3:o:linux:linux_kernel:4.9.88:*:*:*:*:*:*:*',
        components: [
          {
            type: 'library',
            'bom-ref': 'busybox',
            name: 'busybox',
            version: '1.31.1',
            purl: 'pkg:generic/busybox@1.31.1',
          },
        ],
      },
      {
        type: 'library',
        'bom-ref': 'openssl',
        group: 'openssl',
        name: 'openssl',
        version: '1.0.2k',
        purl: 'pkg:generic/openssl@1.0.2k',
      },
    ],
    vulnerabilities: [
      {
        'bom-ref': 'v-heartbleed',
        id: 'CVE-2014-0160',
        source: { name: 'NVD' },
        ratings: [{ method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', score: 7.5 }],
        description: 'Heartbleed',
        analysis: { state: 'exploitable', response: ['update'] },
        recommendation: 'Update OpenSSL to 1.0.2l.',
        affects: [{ ref: 'openssl' }],
      },
    ],
  };
}

export function sampleVex(): Record<string, unknown> {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    vulnerabilities: [
      {
        id: 'CVE-2014-0160',
        ratings: [{ method: 'CVSSv31', vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
        analysis: {
          state: 'not_affected',
          justification: 'code_not_reachable',
          detail: 'The heartbeat extension is compiled out.',
        },
        affects: [{ ref: 'urn:cdx:6f1a3c1e-0000-4000-8000-000000000001/2#pkg:generic/openssl@1.0.2k' }],
      },
      {
        id: 'CVE-2019-5482',
        ratings: [
          { method: 'other', vector: 'whatever', score: 9 },
          { method: 'CVSSv3', vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F' },
        ],
        analysis: { state: 'exploitable' },
        workaround: 'Disable TFTP.',
        affects: [{ ref: 'urn:cdx:6f1a3c1e-0000-4000-8000-000000000001/2#pkg:generic/busybox@1.31.1' }],
      },
      {
        id: 'GHSA-aaaa-bbbb-cccc',
        references: [{ id: 'CVE-2021-42374', source: { name: 'NVD' } }],
        ratings: [{ method: 'CVSSv4', vector: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N' }],
        analysis: { state: 'in_triage' },
        affects: [{ ref: 'urn:cdx:6f1a3c1e-0000-4000-8000-000000000001/2#pkg:generic/busybox@1.31.1' }],
      },
      {
        id: 'CVE-2016-2108',
        ratings: [{ method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        analysis: { state: 'resolved', response: ['update'] },
        affects: [{ ref: 'urn:cdx:6f1a3c1e-0000-4000-8000-000000000001/2#pkg:generic/openssl@1.0.2k' }],
      },
      {
        id: 'CVE-2020-0001',
        ratings: [{ method: 'CVSSv2', vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P', score: 7.5 }],
        analysis: { state: 'exploitable' },
        affects: [{ ref: 'urn:cdx:6f1a3c1e-0000-4000-8000-000000000001/2#pkg:generic/busybox@1.31.1' }],
      },
      {
        id: 'SNYK-ONLY-1',
        ratings: [{ method: 'CVSSv31', vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affects: [{ ref: 'urn:cdx:6f1a3c1e-0000-4000-8000-000000000001/2#pkg:generic/busybox@1.31.1' }],
      },
    ],
  };
}
