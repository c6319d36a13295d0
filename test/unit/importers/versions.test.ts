/**
 * Tolerant version comparison and range parsing (server/src/importers/versions.ts) on the forms
 * medical advisories publish: "<= L81", "A10 < A11", "<=N", ">= 4.0 | <= 4.6", "vers:all/*",
 * "HD 16 | HD23"; UNKNOWN when undecidable.
 */
import {
  compareVersions,
  describeRange,
  parseVersionRange,
  versionInRange,
} from '../../../server/src/importers/versions';

const inRange = (version: string | undefined, range: string) => versionInRange(version, parseVersionRange(range));

describe('compareVersions', () => {
  it.each([
    ['L81', 'L82', -1],
    ['L81', 'L9', 1], // numbers numerically, not as text
    ['2.6A', '2.10A', -1],
    ['2.4A', '2.4B', -1],
    ['B.02', 'B.2', 0],
    ['HD 16', 'HD16', 0],
    ['4.3', '4.3.0', 0],
    ['4.3', '4.3.1', -1],
    ['012U000061', '028U000061', -1],
    ['M.00.03', 'N', -1], // release letters
    ['v3.2', '3.2', 0], // a leading v is no part of the version
    ['123456789012345678901', '123456789012345678902', -1], // exact on long numbers
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(Math.sign(compareVersions(a, b)!)).toBe(expected);
    expect(Math.sign(compareVersions(b, a)!)).toBe(-expected || 0);
  });

  it.each([
    ['L81', '012U000061'], // letters against digits
    ['HD23', 'L81'], // different version families
    ['BT03', 'SV20.1'],
    ['--', '1.0'], // nothing to compare
  ])('%s vs %s is undecidable', (a, b) => {
    expect(compareVersions(a, b)).toBeUndefined();
  });
});

describe('parseVersionRange and versionInRange', () => {
  it('"<= L81"', () => {
    expect(describeRange(parseVersionRange('<= L81'))).toBe('<= L81');
    expect(inRange('L80', '<= L81')).toBe('TRUE');
    expect(inRange('L81', '<= L81')).toBe('TRUE');
    expect(inRange('L82', '<= L81')).toBe('FALSE');
    expect(inRange('012U000061', '<= L81')).toBe('UNKNOWN');
    expect(inRange(undefined, '<= L81')).toBe('UNKNOWN');
  });

  it('"A10 < A11" is A10 to A11, both ends included (CISA: "versions A10 and A11")', () => {
    expect(describeRange(parseVersionRange('A10 < A11'))).toBe('>= A10 and <= A11');
    expect(inRange('A10', 'A10 < A11')).toBe('TRUE');
    expect(inRange('A11', 'A10 < A11')).toBe('TRUE');
    expect(inRange('A12', 'A10 < A11')).toBe('FALSE');
    expect(inRange('A09', 'A10 < A11')).toBe('FALSE');
  });

  it('"<=N" (release letters)', () => {
    expect(inRange('M.00.03', '<=N')).toBe('TRUE');
    expect(inRange('N', '<=N')).toBe('TRUE');
    expect(inRange('P.01', '<=N')).toBe('FALSE');
  });

  it('">= 4.0 | <= 4.6" is one interval; "HD 16 | HD23" a list', () => {
    expect(parseVersionRange('>= 4.0 | <= 4.6').clauses).toHaveLength(1);
    expect(inRange('4.5', '>= 4.0 | <= 4.6')).toBe('TRUE');
    expect(inRange('4.7', '>= 4.0 | <= 4.6')).toBe('FALSE');
    expect(inRange('3.9', '>= 4.0 | <= 4.6')).toBe('FALSE');
    expect(describeRange(parseVersionRange('HD 16 | HD23'))).toBe('= HD 16 | = HD23');
    expect(inRange('HD16', 'HD 16 | HD23')).toBe('TRUE');
    expect(inRange('HD23', 'HD 16 | HD23')).toBe('TRUE');
    expect(inRange('HD20', 'HD 16 | HD23')).toBe('FALSE');
    expect(inRange('SV23.0', 'HD 16 | HD23')).toBe('UNKNOWN');
  });

  it('"vers:all/*" holds for any version, even none; a vers: URI with bounds is an interval', () => {
    expect(inRange(undefined, 'vers:all/*')).toBe('TRUE');
    expect(inRange('anything', 'vers:all/*')).toBe('TRUE');
    expect(inRange('1.5.0', 'vers:npm/>=1.0.0|<2.0.0')).toBe('TRUE');
    expect(inRange('2.0.0', 'vers:npm/>=1.0.0|<2.0.0')).toBe('FALSE');
  });

  it('free text: "and earlier", "prior to", "and later"; unreadable text is UNKNOWN, never a match', () => {
    expect(inRange('2.3', '2.4 and earlier')).toBe('TRUE');
    expect(inRange('2.4', 'prior to 2.4')).toBe('FALSE');
    expect(inRange('5.1', '5.0 and later')).toBe('TRUE');
    expect(inRange('2.3', 'see the vendor advisory for affected builds')).toBe('UNKNOWN');
    // an unreadable part does not hide a readable one that holds
    expect(inRange('2.3', 'see vendor | 2.3')).toBe('TRUE');
  });
});
