import { cvssBaseScore as referenceScore } from '../../../server/src/domain/model-document';
import { ValidationError } from '../../../server/src/domain/errors';
import { cvssBaseScore, cvssEngineMetrics, parseCvssVector, reachableTargets } from '../../../server/src/engine';
import { buildGraph, modelBuilder } from '../../support/build-graph';
import { mulberry32 } from '../../support/generate-hospital';

describe('cvssBaseScore', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.1],
    ['CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.8],
    ['CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 4.6],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
  ])('scores %s as %d (FIRST CVSS v3.1 §7.1)', (vector, score) => {
    expect(cvssBaseScore(vector)).toBe(score);
  });

  it('agrees with the domain layer (ae-cvss-calculator) on 2000 random v3.0 and v3.1 vectors', () => {
    const rnd = mulberry32(31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    for (let i = 0; i < 2000; i++) {
      const v = `CVSS:3.${pick(['0', '1'])}/AV:${pick(['N', 'A', 'L', 'P'])}/AC:${pick(['L', 'H'])}/PR:${pick(['N', 'L', 'H'])}/UI:${pick(['N', 'R'])}/S:${pick(['U', 'C'])}/C:${pick(['N', 'L', 'H'])}/I:${pick(['N', 'L', 'H'])}/A:${pick(['N', 'L', 'H'])}`;
      expect([v, cvssBaseScore(v)]).toEqual([v, referenceScore(v)]);
    }
  });

  it('rejects a vector that is not a v3 base vector with a ValidationError naming the field', () => {
    expect(() => parseCvssVector('CVSS:2.0/AV:N', 'vulnerabilities[0].cvssVector')).toThrow(ValidationError);
    try {
      cvssBaseScore('AV:N/AC:L');
    } catch (e) {
      expect((e as ValidationError).field).toBe('cvssVector');
    }
  });
});

/**
 * CVSS v4.0 base vectors and their official scores: FIRST, "CVSS v4.0 Examples"
 * (https://www.first.org/cvss/v4.0/examples), each CVE's base vector (CVSS-B).
 */
const FIRST_V4_EXAMPLES: [string, string, number][] = [
  ['CVE-2022-41741', 'CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.3],
  ['CVE-2020-3549', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.7],
  ['CVE-2023-3089', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N', 8.3],
  ['CVE-2021-44714', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 4.6],
  ['CVE-2022-22186', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', 6.9],
  ['CVE-2023-21989', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N', 5.9],
  ['CVE-2020-3947', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 9.4],
  ['CVE-2013-6014', 'CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H', 6.4],
];

describe('CVSS v4.0', () => {
  it.each(FIRST_V4_EXAMPLES)(
    '%s: %s scores %d (FIRST v4.0 examples), in the engine and the domain layer',
    (_cve, vector, score) => {
      expect(cvssBaseScore(vector)).toBe(score);
      expect(referenceScore(vector)).toBe(score);
      expect(cvssBaseScore(parseCvssVector(vector))).toBe(score);
    },
  );

  it.each([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0],
  ])('%s scores %d (FIRST v4.0 calculator)', (vector, score) => {
    expect(cvssBaseScore(vector)).toBe(score);
  });

  it('parses the eleven base metrics', () => {
    expect(parseCvssVector('CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:L/VA:N/SC:L/SI:N/SA:H')).toEqual({
      version: '4.0',
      attackVector: 'A',
      attackComplexity: 'H',
      attackRequirements: 'P',
      privilegesRequired: 'L',
      userInteraction: 'P',
      vulnerableConfidentiality: 'H',
      vulnerableIntegrity: 'L',
      vulnerableAvailability: 'N',
      subsequentConfidentiality: 'L',
      subsequentIntegrity: 'N',
      subsequentAvailability: 'H',
    });
  });

  it.each([
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /AT \(Attack Requirements\) is missing/],
    [
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      /UI:R is not a value of User Interaction; use one of N, P, A/,
    ],
    [
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A',
      /'E:A' is a threat, environmental or supplemental metric/,
    ],
    ['CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /out of order/],
    ['CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /AV \(Attack Vector\) is given twice/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/C:H/VI:H/VA:H/SC:N/SI:N/SA:N', /'C' is not a CVSS v4.0 metric/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/', /'' is not a metric:value pair/],
  ])('refuses %s with a ValidationError at the field naming the problem', (vector, message) => {
    let error: unknown;
    try {
      parseCvssVector(vector, 'vulnerabilities[2].cvssVector');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('vulnerabilities[2].cvssVector');
    expect((error as ValidationError).message).toMatch(/is not a CVSS v4\.0 base vector: /);
    expect((error as ValidationError).message).toMatch(message);
    expect(() => cvssBaseScore(vector)).toThrow(ValidationError);
    expect(() => referenceScore(vector)).toThrow(message);
  });

  it('maps v4.0 metrics onto the engine’s reading: AC+AT complexity, UI P/A required, VC/VI/VA as C/I/A, SC/SI/SA as changed scope', () => {
    const m = (v: string) => cvssEngineMetrics(parseCvssVector(v));
    expect(m('CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:N/VC:L/VI:H/VA:N/SC:N/SI:N/SA:N')).toEqual({
      attackVector: 'P',
      complexityHigh: false,
      privilegesRequired: 'H',
      userInteractionRequired: false,
      confidentiality: 'L',
      integrity: 'H',
      availability: 'N',
      scopeChanged: false,
    });
    expect(m('CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:L')).toMatchObject({
      complexityHigh: true,
      scopeChanged: true,
    });
    expect(m('CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N')).toMatchObject({
      complexityHigh: true,
      userInteractionRequired: true,
    });
    expect(m('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N').userInteractionRequired).toBe(true);
    // v3.x reads as before
    expect(m('CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:H/A:N')).toEqual({
      attackVector: 'A',
      complexityHigh: true,
      privilegesRequired: 'L',
      userInteractionRequired: true,
      confidentiality: 'L',
      integrity: 'H',
      availability: 'N',
      scopeChanged: true,
    });
  });
});

describe('CVSS v4.0 in the attack graph (vulnerability-exploitation)', () => {
  const pump = (vector: string, av: 'REST_API' | 'USB' = 'REST_API') =>
    modelBuilder()
      .zone('net', 'INTERNET', true)
      .device('pump', ['clinical'])
      .zone('clinical', 'CLINICAL')
      .iface('api', 'pump', av, ['net'], 'MFA', { functions: [] })
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .asset('records', 'pump', 'PERSONAL_DATA', 'MINOR')
      .vuln('v', 'api', 'CVE-2024-0001', vector)
      .build();
  const exploits = (vector: string) =>
    buildGraph(pump(vector)).steps.filter((s) => s.ruleId === 'vulnerability-exploitation');

  it('VC:H/VI:H is code execution: control of the device, from the network (AV:N), with v4 evidence', () => {
    const [s, ...rest] = exploits('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ from: 'net', to: 'pump', likelihood: 0.5 });
    expect(s!.evidence).toEqual(
      expect.arrayContaining([
        { property: 'vulnerability', value: 'CVE-2024-0001 (CVSS 9.3)' },
        { property: 'prerequisites', value: 'AC:L/AT:N/PR:N/UI:N' },
        { property: 'impact', value: 'VC:H/VI:H/VA:H/SC:N/SI:N/SA:N (code execution: control)' },
      ]),
    );
  });

  it('a changed scope is not code execution: VI:H with SC/SI/SA, or v3.1 I:H with S:C, manipulates (CVSS v3.1 §2.2)', () => {
    expect(exploits('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:H').map((s) => s.to)).toEqual([
      'therapy#MANIPULATE',
    ]);
    expect(exploits('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:N').map((s) => s.to)).toEqual(['therapy#MANIPULATE']);
    // CVE-2019-6538's vector (Conexus telemetry): manipulates and denies, never control
    expect(
      exploits('CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:N/I:H/A:H')
        .map((s) => s.to)
        .sort(),
    ).toEqual(['therapy#DENY', 'therapy#MANIPULATE']);
    // C:H with I:H is control whatever the scope
    expect(exploits('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H').map((s) => s.to)).toEqual(['pump']);
    // without the subsequent impact, VI:H alone manipulates
    expect(exploits('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N').map((s) => s.to)).toEqual([
      'therapy#MANIPULATE',
    ]);
  });

  it('VA only denies; VC only discloses; impacts only on subsequent systems grant nothing on the device', () => {
    expect(exploits('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N').map((s) => s.to)).toEqual([
      'therapy#DENY',
    ]);
    expect(exploits('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N').map((s) => s.to)).toEqual([
      'records#DISCLOSE',
    ]);
    // CVE-2022-22186's vector: the switch itself loses nothing (score 6.9, yet no step on it)
    expect(exploits('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N')).toEqual([]);
    expect(
      reachableTargets(buildGraph(pump('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N'))),
    ).toEqual([]);
  });

  it('AT:P lowers the likelihood as AC:H does (EQ2), UI:P and UI:A as UI:R; a v3.1 vector and its v4.0 rewriting weigh the same', () => {
    const likelihood = (v: string) => exploits(v)[0]!.likelihood;
    const easy = likelihood('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    expect(easy).toBeCloseTo(0.5);
    const at = likelihood('CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    expect(at).toBeCloseTo(0.5 * (0.44 / 0.77));
    expect(likelihood('CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeCloseTo(at);
    expect(likelihood('CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeCloseTo(at);
    expect(likelihood('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeCloseTo(at);
    const passive = likelihood('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    expect(passive).toBeCloseTo(0.5 * (0.62 / 0.85));
    expect(likelihood('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeCloseTo(passive);
    expect(likelihood('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H')).toBeCloseTo(passive);
  });

  it('PR:L needs use of the interface, and a subsequent-system impact weighs PR as a changed scope', () => {
    const g = buildGraph(pump('CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:N'));
    const s = g.steps.filter((x) => x.ruleId === 'vulnerability-exploitation');
    expect(s.map((x) => x.from).sort()).toEqual(['api', 'pump#USER']);
    expect(s[0]!.likelihood).toBeCloseTo((0.5 * 0.68) / 0.85);
    const unchanged = buildGraph(pump('CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'));
    expect(unchanged.steps.find((x) => x.ruleId === 'vulnerability-exploitation')!.likelihood).toBeCloseTo(
      (0.5 * 0.62) / 0.85,
    );
  });

  it('an AV:P vector needs hands on a physical interface, not the network', () => {
    const m = modelBuilder()
      .zone('net', 'INTERNET', true)
      .zone('ward', 'PHYSICAL_ACCESS', true)
      .zone('clinical', 'CLINICAL')
      .device('pump', ['clinical', 'ward'])
      .iface('usb', 'pump', 'USB', [], 'NONE')
      .iface('api', 'pump', 'REST_API', ['net'], 'MFA', { functions: [] })
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .vuln('v', 'pump', 'CVE-2024-0002', 'CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H')
      .build();
    const s = buildGraph(m).steps.filter((x) => x.ruleId === 'vulnerability-exploitation');
    expect(s.map((x) => [x.from, x.to])).toEqual([['ward#PHYSICAL_ACCESS', 'pump']]);
  });
});
