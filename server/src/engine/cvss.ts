/**
 * CVSS v3.0 / v3.1 base score, computed from the base vector (pure, no dependency).
 *
 * Source: FIRST, "Common Vulnerability Scoring System v3.1: Specification Document", §7.1 (base
 * metric equations) and Appendix A (Roundup); v3.0 specification §8.1 for "CVSS:3.0" vectors,
 * whose Roundup is the plain ceiling to one decimal.
 */
import { ValidationError } from '../domain/errors';

/** CVSS attack vector: Network, Adjacent, Local, Physical. */
export type CvssAttackVector = 'N' | 'A' | 'L' | 'P';

/** A parsed CVSS v3 base vector. */
export interface CvssBase {
  version: '3.0' | '3.1';
  attackVector: CvssAttackVector;
  attackComplexity: 'L' | 'H';
  privilegesRequired: 'N' | 'L' | 'H';
  userInteraction: 'N' | 'R';
  scope: 'U' | 'C';
  confidentiality: 'N' | 'L' | 'H';
  integrity: 'N' | 'L' | 'H';
  availability: 'N' | 'L' | 'H';
}

const VECTOR =
  /^CVSS:3\.([01])\/AV:([NALP])\/AC:([LH])\/PR:([NLH])\/UI:([NR])\/S:([UC])\/C:([NLH])\/I:([NLH])\/A:([NLH])$/;

/**
 * Parses a CVSS v3.0/v3.1 base vector with the eight base metrics in the standard order,
 * e.g. "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".
 *
 * @param field - path reported in the error, e.g. "vulnerabilities[3].cvssVector".
 * @throws ValidationError when the vector is not such a base vector.
 */
export function parseCvssVector(vector: string, field = 'cvssVector'): CvssBase {
  const m = VECTOR.exec(vector);
  if (!m) {
    throw new ValidationError(
      `'${vector}' must be a CVSS v3.0/v3.1 base vector such as "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"`,
      field,
    );
  }
  return {
    version: m[1] === '0' ? '3.0' : '3.1',
    attackVector: m[2] as CvssAttackVector,
    attackComplexity: m[3] as 'L' | 'H',
    privilegesRequired: m[4] as 'N' | 'L' | 'H',
    userInteraction: m[5] as 'N' | 'R',
    scope: m[6] as 'U' | 'C',
    confidentiality: m[7] as 'N' | 'L' | 'H',
    integrity: m[8] as 'N' | 'L' | 'H',
    availability: m[9] as 'N' | 'L' | 'H',
  };
}

const AV = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 } as const;
const AC = { L: 0.77, H: 0.44 } as const;
const UI = { N: 0.85, R: 0.62 } as const;
const CIA = { H: 0.56, L: 0.22, N: 0 } as const;

/** CVSS v3.1 Appendix A Roundup: smallest one-decimal number ≥ x, robust to floating-point noise. */
function roundup31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

/** CVSS v3.0 Roundup: ceiling to one decimal. */
function roundup30(x: number): number {
  return Math.ceil(x * 10) / 10;
}

/**
 * Base score 0.0–10.0 (one decimal) of a CVSS v3.0/v3.1 base vector, by the specification's
 * equations: ISS = 1 − (1−C)(1−I)(1−A); Impact = 6.42·ISS (scope unchanged) or
 * 7.52·(ISS−0.029) − 3.25·(ISS−0.02)^15 (changed); Exploitability = 8.22·AV·AC·PR·UI;
 * score = Roundup(min(Impact + Exploitability, 10)) (×1.08 inside for changed scope), 0 if Impact ≤ 0.
 *
 * @example cvssBaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") === 9.8
 * @throws ValidationError when the vector is not a base vector (see {@link parseCvssVector}).
 */
export function cvssBaseScore(vector: string | CvssBase): number {
  const v = typeof vector === 'string' ? parseCvssVector(vector) : vector;
  const changed = v.scope === 'C';
  const pr =
    v.privilegesRequired === 'N' ? 0.85 : v.privilegesRequired === 'L' ? (changed ? 0.68 : 0.62) : changed ? 0.5 : 0.27;
  const iss = 1 - (1 - CIA[v.confidentiality]) * (1 - CIA[v.integrity]) * (1 - CIA[v.availability]);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  if (impact <= 0) return 0;
  const exploitability = 8.22 * AV[v.attackVector] * AC[v.attackComplexity] * pr * UI[v.userInteraction];
  const raw = changed ? Math.min(1.08 * (impact + exploitability), 10) : Math.min(impact + exploitability, 10);
  return v.version === '3.0' ? roundup30(raw) : roundup31(raw);
}
