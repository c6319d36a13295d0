/**
 * CVSS base scores of the vectors the model accepts (parsing: domain/cvss.ts).
 *
 * v3.0 / v3.1: computed here from the base vector (pure, no dependency). Source: FIRST, "Common
 * Vulnerability Scoring System v3.1: Specification Document", §7.1 (base metric equations) and
 * Appendix A (Roundup); v3.0 specification §8.1 for "CVSS:3.0" vectors, whose Roundup is the
 * plain ceiling to one decimal.
 * v4.0: FIRST's macro-vector scoring (CVSS v4.0 specification §8), through domain/cvss.ts
 * (ae-cvss-calculator, a pure computation).
 */
import {
  cvss4BaseScore,
  parseCvssVector,
  type CvssAttackVector,
  type CvssBase,
  type CvssImpactLevel,
} from '../domain/cvss';

export {
  parseCvssVector,
  type CvssAttackVector,
  type CvssBase,
  type Cvss3Base,
  type Cvss4Base,
  type CvssImpactLevel,
} from '../domain/cvss';

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
 * Base score 0.0–10.0 (one decimal) of a CVSS base vector. v4.0: the macro-vector score
 * ({@link cvss4BaseScore}). v3.0/v3.1, by the specification's equations: ISS = 1 − (1−C)(1−I)(1−A); Impact = 6.42·ISS (scope unchanged) or
 * 7.52·(ISS−0.029) − 3.25·(ISS−0.02)^15 (changed); Exploitability = 8.22·AV·AC·PR·UI;
 * score = Roundup(min(Impact + Exploitability, 10)) (×1.08 inside for changed scope), 0 if Impact ≤ 0.
 *
 * @example cvssBaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") === 9.8
 * @example cvssBaseScore("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") === 7.3
 * @throws ValidationError when the vector is not a base vector (see {@link parseCvssVector}).
 */
export function cvssBaseScore(vector: string | CvssBase): number {
  const v = typeof vector === 'string' ? parseCvssVector(vector) : vector;
  if (v.version === '4.0') return cvss4BaseScore(v);
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

/**
 * The metrics the attack engine reads from a vulnerability, the same for every CVSS version
 * (docs/attack-model.md, "CVSS v3.x and v4.0"). v3.x metrics map one to one; v4.0 metrics map as:
 * - AV (FIRST CVSS v4.0 §2.1.1): the same meaning as in v3.1;
 * - AC (§2.1.2) and AT (§2.1.3): complexity is high unless AC:L and AT:N (v4.0 equivalence set
 *   EQ2, Table 25, groups them so; v3.1 folded both conditions into AC:H);
 * - PR (§2.1.4): the same values;
 * - UI (§2.1.5): Passive or Active is "required" (v3.1 UI:R, which v4.0 split in two; EQ1,
 *   Table 24, treats them alike);
 * - VC / VI / VA (§2.2, vulnerable system): C / I / A;
 * - SC / SI / SA (§2.2, subsequent systems): any of them not None plays the part of v3.1's
 *   changed scope (S:C); they grant nothing on the device by themselves, since the model does not
 *   say which system follows.
 */
export interface CvssEngineMetrics {
  attackVector: CvssAttackVector;
  /** v3.x AC:H; v4.0 AC:H or AT:P. */
  complexityHigh: boolean;
  privilegesRequired: 'N' | 'L' | 'H';
  /** v3.x UI:R; v4.0 UI:P or UI:A. */
  userInteractionRequired: boolean;
  /** v3.x C / I / A; v4.0 VC / VI / VA. */
  confidentiality: CvssImpactLevel;
  integrity: CvssImpactLevel;
  availability: CvssImpactLevel;
  /** v3.x S:C; v4.0 any of SC / SI / SA not N. */
  scopeChanged: boolean;
}

/** The engine's reading of a parsed vector ({@link CvssEngineMetrics}). */
export function cvssEngineMetrics(c: CvssBase): CvssEngineMetrics {
  if (c.version === '4.0') {
    return {
      attackVector: c.attackVector,
      complexityHigh: c.attackComplexity === 'H' || c.attackRequirements === 'P',
      privilegesRequired: c.privilegesRequired,
      userInteractionRequired: c.userInteraction !== 'N',
      confidentiality: c.vulnerableConfidentiality,
      integrity: c.vulnerableIntegrity,
      availability: c.vulnerableAvailability,
      scopeChanged:
        c.subsequentConfidentiality !== 'N' || c.subsequentIntegrity !== 'N' || c.subsequentAvailability !== 'N',
    };
  }
  return {
    attackVector: c.attackVector,
    complexityHigh: c.attackComplexity === 'H',
    privilegesRequired: c.privilegesRequired,
    userInteractionRequired: c.userInteraction === 'R',
    confidentiality: c.confidentiality,
    integrity: c.integrity,
    availability: c.availability,
    scopeChanged: c.scope === 'C',
  };
}

/** The exploitability metrics as evidence: "PR:L/UI:N" (v3.x) or "AC:L/AT:P/PR:L/UI:P" (v4.0). */
export function cvssPrerequisitesText(c: CvssBase): string {
  return c.version === '4.0'
    ? `AC:${c.attackComplexity}/AT:${c.attackRequirements}/PR:${c.privilegesRequired}/UI:${c.userInteraction}`
    : `PR:${c.privilegesRequired}/UI:${c.userInteraction}`;
}

/** The impact metrics as evidence: "C:H/I:H/A:N" (v3.x) or "VC:H/VI:H/VA:N/SC:N/SI:N/SA:N" (v4.0). */
export function cvssImpactText(c: CvssBase): string {
  return c.version === '4.0'
    ? `VC:${c.vulnerableConfidentiality}/VI:${c.vulnerableIntegrity}/VA:${c.vulnerableAvailability}/SC:${c.subsequentConfidentiality}/SI:${c.subsequentIntegrity}/SA:${c.subsequentAvailability}`
    : `C:${c.confidentiality}/I:${c.integrity}/A:${c.availability}`;
}
