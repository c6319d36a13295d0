import { cvssBaseScore as referenceScore } from '../../../server/src/domain/model-document';
import { ValidationError } from '../../../server/src/domain/errors';
import { cvssBaseScore, parseCvssVector } from '../../../server/src/engine';
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
