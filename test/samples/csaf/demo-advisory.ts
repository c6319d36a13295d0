/**
 * A CSAF 2.0 advisory written for the tests (not a real advisory) about two device models of the
 * demo hospital (seeds/demo-hospital.json), all versions affected:
 * - BD "Alaris 8015 PC unit with 8100 LVP module": CVE-2031-1001, an unauthenticated command on
 *   the pump's network service from the same network (AV:A, I:H/A:H: manipulates and denies
 *   therapy, no code execution);
 * - GE HealthCare "CARESCAPE B650": CVE-2031-1002, a crash of the monitor from the network
 *   (AV:N, A:H only: denial of its alarms);
 * one vendor_fix for each. A function: each test gets a fresh object.
 */
export function demoAdvisory(): Record<string, unknown> {
  const product = (vendor: string, name: string, id: string) => ({
    category: 'vendor',
    name: vendor,
    branches: [
      {
        category: 'product_name',
        name,
        branches: [
          {
            category: 'product_version',
            name: 'vers:all/*',
            product: { name: `${name} all versions`, product_id: id },
          },
        ],
      },
    ],
  });
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      title: 'Infusion pump and patient monitor network services',
      publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example' },
      tracking: {
        id: 'TEST-ICSMA-31-001',
        status: 'final',
        version: '1',
        initial_release_date: '2031-03-01T00:00:00Z',
        current_release_date: '2031-03-01T00:00:00Z',
        revision_history: [{ date: '2031-03-01T00:00:00Z', number: '1', summary: 'first' }],
      },
    },
    product_tree: {
      branches: [
        product('BD', 'Alaris 8015 PC unit with 8100 LVP module', 'PID-ALARIS'),
        product('GE HealthCare', 'CARESCAPE B650', 'PID-B650'),
      ],
    },
    vulnerabilities: [
      {
        cve: 'CVE-2031-1001',
        title: 'Missing authentication for a critical function',
        scores: [
          {
            products: ['PID-ALARIS'],
            cvss_v3: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H',
              baseScore: 8.1,
              baseSeverity: 'HIGH',
            },
          },
        ],
        product_status: { known_affected: ['PID-ALARIS'] },
        remediations: [
          { category: 'vendor_fix', details: 'Install PC unit software 12.2.', product_ids: ['PID-ALARIS'] },
        ],
      },
      {
        cve: 'CVE-2031-1002',
        title: 'Uncontrolled resource consumption',
        scores: [
          {
            products: ['PID-B650'],
            cvss_v3: {
              version: '3.1',
              vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
              baseScore: 7.5,
              baseSeverity: 'HIGH',
            },
          },
        ],
        product_status: { known_affected: ['PID-B650'] },
        remediations: [{ category: 'vendor_fix', details: 'Install B650 software 2.1.', product_ids: ['PID-B650'] }],
      },
    ],
  };
}
