/**
 * A CSAF 2.0 advisory written for the tests (not a real advisory): vendor "Acme Medical" with
 * - CSAFPID-1 "InfuPump 3000", range "<= 2.4" (known_affected for CVE-2030-0001, fixed in 2.5);
 * - CSAFPID-2 "InfuPump 3000", version "2.5" (fixed);
 * - CSAFPID-3 "CareMonitor X2", range ">= 1.0 | <= 1.9" (known_not_affected for CVE-2030-0001,
 *   known_affected for CVE-2030-0002 with a CVSS v4.0 vector only);
 * - CSAFPID-4 "Gateway G7", "vers:all/*" (under_investigation);
 * remediations: a vendor_fix and a mitigation for CSAFPID-1, a workaround for CSAFPID-4.
 * A function, so that each test gets a fresh object to spoil.
 */
export function sampleAdvisory(): Record<string, unknown> {
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      title: 'Acme Medical InfuPump and CareMonitor',
      publisher: { category: 'vendor', name: 'Acme Medical PSIRT', namespace: 'https://acme.example' },
      tracking: {
        id: 'ACME-2030-01',
        status: 'final',
        version: '1',
        initial_release_date: '2030-01-01T00:00:00Z',
        current_release_date: '2030-01-01T00:00:00Z',
        revision_history: [{ date: '2030-01-01T00:00:00Z', number: '1', summary: 'first' }],
      },
    },
    product_tree: {
      branches: [
        {
          category: 'vendor',
          name: 'Acme Medical Inc.',
          branches: [
            {
              category: 'product_name',
              name: 'InfuPump 3000',
              branches: [
                {
                  category: 'product_version_range',
                  name: '<= 2.4',
                  product: { name: 'InfuPump 3000 2.4 and earlier', product_id: 'CSAFPID-1' },
                },
                {
                  category: 'product_version',
                  name: '2.5',
                  product: {
                    name: 'InfuPump 3000 2.5',
                    product_id: 'CSAFPID-2',
                    product_identification_helper: { cpe: 'cpe:2.3:h:acme:infupump_3000:2.5:*:*:*:*:*:*:*' },
                  },
                },
              ],
            },
            {
              category: 'product_name',
              name: 'CareMonitor X2',
              branches: [
                {
                  category: 'product_version_range',
                  name: '>= 1.0 | <= 1.9',
                  product: { name: 'CareMonitor X2 1.0 to 1.9', product_id: 'CSAFPID-3' },
                },
              ],
            },
            {
              category: 'product_name',
              name: 'Gateway G7',
              branches: [
                {
                  category: 'product_version',
                  name: 'vers:all/*',
                  product: { name: 'Gateway G7 all versions', product_id: 'CSAFPID-4' },
                },
              ],
            },
          ],
        },
      ],
    },
    vulnerabilities: [
      {
        cve: 'CVE-2030-0001',
        title: 'Hard-coded credentials',
        cwe: { id: 'CWE-798', name: 'Use of Hard-coded Credentials' },
        scores: [
          {
            products: ['CSAFPID-1', 'CSAFPID-2', 'CSAFPID-3', 'CSAFPID-4'],
            cvss_v3: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O',
              baseScore: 9.8,
              baseSeverity: 'CRITICAL',
            },
          },
        ],
        product_status: {
          known_affected: ['CSAFPID-1'],
          fixed: ['CSAFPID-2'],
          known_not_affected: ['CSAFPID-3'],
          under_investigation: ['CSAFPID-4'],
        },
        remediations: [
          {
            category: 'vendor_fix',
            details: 'Update to 2.5.',
            product_ids: ['CSAFPID-1'],
            url: 'https://acme.example/fix',
          },
          { category: 'mitigation', details: 'Block TCP 8443 at the ward firewall.', product_ids: ['CSAFPID-1'] },
          { category: 'workaround', details: 'Disable the web service.', product_ids: ['CSAFPID-4'] },
        ],
      },
      {
        cve: 'CVE-2030-0002',
        scores: [
          {
            products: ['CSAFPID-3'],
            cvss_v4: {
              version: '4.0',
              vectorString: 'CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N',
              baseScore: 8.7,
              baseSeverity: 'HIGH',
            },
          },
        ],
        product_status: { known_affected: ['CSAFPID-3'] },
      },
      {
        cve: 'CVE-2030-0003',
        scores: [{ products: ['CSAFPID-1'], cvss_v2: { version: '2.0', vectorString: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' } }],
        product_status: { known_affected: ['CSAFPID-1'] },
      },
    ],
  };
}
