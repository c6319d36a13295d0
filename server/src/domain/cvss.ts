/**
 * CVSS base vectors: the forms the exchange format accepts, their parsing with field-path errors,
 * and the CVSS v4.0 base score.
 *
 * Accepted (base metrics only, in the specification's order; threat, temporal, environmental and
 * supplemental metrics are refused, so that one vector always means one base score):
 * - CVSS v3.0 / v3.1: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" (FIRST CVSS v3.1
 *   specification §2, §6 vector string);
 * - CVSS v4.0: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" (FIRST CVSS v4.0
 *   specification §2 base metrics, §7 vector string: AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA).
 *
 * The engine (engine/cvss.ts) reads the parsed metrics; the v4.0 score is computed by
 * ae-cvss-calculator (FIRST's macro-vector method, spec §8), memoised per vector.
 */
import { Cvss4P0 } from 'ae-cvss-calculator';
import { ValidationError } from './errors';

/** CVSS attack vector: Network, Adjacent, Local, Physical (same meaning in v3.x and v4.0). */
export type CvssAttackVector = 'N' | 'A' | 'L' | 'P';
/** An impact level: None (v4.0 subsequent system: Negligible), Low, High. */
export type CvssImpactLevel = 'N' | 'L' | 'H';

/** A parsed CVSS v3.0/v3.1 base vector. */
export interface Cvss3Base {
  version: '3.0' | '3.1';
  attackVector: CvssAttackVector;
  attackComplexity: 'L' | 'H';
  privilegesRequired: 'N' | 'L' | 'H';
  /** None or Required. */
  userInteraction: 'N' | 'R';
  /** Unchanged or Changed. */
  scope: 'U' | 'C';
  confidentiality: CvssImpactLevel;
  integrity: CvssImpactLevel;
  availability: CvssImpactLevel;
}

/** A parsed CVSS v4.0 base vector (FIRST CVSS v4.0 specification §2.1, §2.2). */
export interface Cvss4Base {
  version: '4.0';
  attackVector: CvssAttackVector;
  attackComplexity: 'L' | 'H';
  /** AT (§2.1.3): None, or Present (deployment or execution conditions must hold, e.g. a race). */
  attackRequirements: 'N' | 'P';
  privilegesRequired: 'N' | 'L' | 'H';
  /** UI (§2.1.5): None, Passive, Active. */
  userInteraction: 'N' | 'P' | 'A';
  /** VC / VI / VA: impact on the vulnerable system. */
  vulnerableConfidentiality: CvssImpactLevel;
  vulnerableIntegrity: CvssImpactLevel;
  vulnerableAvailability: CvssImpactLevel;
  /** SC / SI / SA: impact on subsequent systems (beyond the vulnerable one). */
  subsequentConfidentiality: CvssImpactLevel;
  subsequentIntegrity: CvssImpactLevel;
  subsequentAvailability: CvssImpactLevel;
}

/** A parsed CVSS base vector of any accepted version. */
export type CvssBase = Cvss3Base | Cvss4Base;

const V3_BODY = '3\\.[01]/AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/C:[NLH]/I:[NLH]/A:[NLH]';
const V4_BODY =
  '4\\.0/AV:[NALP]/AC:[LH]/AT:[NP]/PR:[NLH]/UI:[NPA]/VC:[HLN]/VI:[HLN]/VA:[HLN]/SC:[HLN]/SI:[HLN]/SA:[HLN]';

/**
 * The pattern of an accepted vector, as written in seeds/model.schema.json (a unit test keeps the
 * two equal).
 */
export const CVSS_VECTOR_PATTERN = `^CVSS:(${V3_BODY}|${V4_BODY})$`;

/** What the schema's pattern error says about a vector (no details: see {@link cvssVectorProblem}). */
export const CVSS_VECTOR_HINT =
  'must be a CVSS v3.0/v3.1 or v4.0 base vector such as "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" or "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" (all base metrics in this order, no threat, temporal, environmental or supplemental metrics)';

const V3_REGEX =
  /^CVSS:3\.([01])\/AV:([NALP])\/AC:([LH])\/PR:([NLH])\/UI:([NR])\/S:([UC])\/C:([NLH])\/I:([NLH])\/A:([NLH])$/;

const V4_EXAMPLE = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

/** The v4.0 base metrics in vector order, with their values (FIRST CVSS v4.0 §7, Table 23). */
const V4_BASE_METRICS: readonly (readonly [string, string, readonly string[]])[] = [
  ['AV', 'Attack Vector', ['N', 'A', 'L', 'P']],
  ['AC', 'Attack Complexity', ['L', 'H']],
  ['AT', 'Attack Requirements', ['N', 'P']],
  ['PR', 'Privileges Required', ['N', 'L', 'H']],
  ['UI', 'User Interaction', ['N', 'P', 'A']],
  ['VC', 'Vulnerable System Confidentiality', ['H', 'L', 'N']],
  ['VI', 'Vulnerable System Integrity', ['H', 'L', 'N']],
  ['VA', 'Vulnerable System Availability', ['H', 'L', 'N']],
  ['SC', 'Subsequent System Confidentiality', ['H', 'L', 'N']],
  ['SI', 'Subsequent System Integrity', ['H', 'L', 'N']],
  ['SA', 'Subsequent System Availability', ['H', 'L', 'N']],
];

/** Threat, environmental and supplemental metrics of v4.0 (§3, §4, §5): named in the refusal. */
const V4_OTHER_METRICS = new Set([
  'E',
  'CR',
  'IR',
  'AR',
  'MAV',
  'MAC',
  'MAT',
  'MPR',
  'MUI',
  'MVC',
  'MVI',
  'MVA',
  'MSC',
  'MSI',
  'MSA',
  'S',
  'AU',
  'R',
  'V',
  'RE',
  'U',
]);

/**
 * What is wrong with a CVSS v4.0 vector, in words, or undefined when it is a base vector in
 * order. The first problem found is named: a metric missing, repeated, out of order, with a
 * value it cannot take, unknown, or one of the threat/environmental/supplemental metrics.
 */
function cvss4Problem(vector: string): string | undefined {
  const parts = vector.split('/');
  if (parts[0] !== 'CVSS:4.0') return `it must start with "CVSS:4.0/"`;
  const seen = new Map<string, number>();
  const body = parts.slice(1);
  for (let i = 0; i < body.length; i++) {
    const part = body[i]!;
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) return `'${part}' is not a metric:value pair`;
    const key = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const index = V4_BASE_METRICS.findIndex(([k]) => k === key);
    if (index < 0) {
      return V4_OTHER_METRICS.has(key)
        ? `'${part}' is a threat, environmental or supplemental metric; only the eleven base metrics are accepted, remove it`
        : `'${key}' is not a CVSS v4.0 metric`;
    }
    const [, name, values] = V4_BASE_METRICS[index]!;
    if (seen.has(key)) return `${key} (${name}) is given twice`;
    seen.set(key, i);
    if (!values.includes(value)) return `${key}:${value} is not a value of ${name}; use one of ${values.join(', ')}`;
  }
  for (const [key, name] of V4_BASE_METRICS) {
    if (!seen.has(key)) return `${key} (${name}) is missing`;
  }
  for (let i = 0; i < V4_BASE_METRICS.length; i++) {
    const [key] = V4_BASE_METRICS[i]!;
    if (seen.get(key) !== i)
      return `the base metrics are out of order; write them as AV/AC/AT/PR/UI/VC/VI/VA/SC/SI/SA, e.g. "${V4_EXAMPLE}"`;
  }
  return undefined;
}

/**
 * What is wrong with a CVSS vector, or undefined when it is an accepted base vector
 * ({@link CVSS_VECTOR_PATTERN}). v4.0 vectors get the precise problem (see parseCvssVector);
 * anything else gets the general hint.
 */
export function cvssVectorProblem(vector: string): string | undefined {
  if (V3_REGEX.test(vector)) return undefined;
  if (vector.startsWith('CVSS:4.0/') || vector === 'CVSS:4.0') {
    const problem = cvss4Problem(vector);
    return problem === undefined ? undefined : `is not a CVSS v4.0 base vector: ${problem}`;
  }
  return CVSS_VECTOR_HINT;
}

/**
 * Parses a CVSS v3.0/v3.1 or v4.0 base vector (base metrics only, in the standard order).
 *
 * @example parseCvssVector("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H")
 *   // { version: '4.0', attackVector: 'A', ..., subsequentAvailability: 'H' }
 * @param field - path reported in the error, e.g. "vulnerabilities[3].cvssVector".
 * @throws ValidationError (at `field`) when the vector is not such a base vector; for a v4.0
 *   vector the message names the metric at fault ("AT (Attack Requirements) is missing",
 *   "UI:R is not a value of User Interaction; use one of N, P, A", "'E:A' is a threat ... metric").
 */
export function parseCvssVector(vector: string, field = 'cvssVector'): CvssBase {
  const m = V3_REGEX.exec(vector);
  if (m) {
    return {
      version: m[1] === '0' ? '3.0' : '3.1',
      attackVector: m[2] as CvssAttackVector,
      attackComplexity: m[3] as 'L' | 'H',
      privilegesRequired: m[4] as 'N' | 'L' | 'H',
      userInteraction: m[5] as 'N' | 'R',
      scope: m[6] as 'U' | 'C',
      confidentiality: m[7] as CvssImpactLevel,
      integrity: m[8] as CvssImpactLevel,
      availability: m[9] as CvssImpactLevel,
    };
  }
  const problem = cvssVectorProblem(vector);
  if (problem !== undefined) throw new ValidationError(`'${vector}' ${problem}`, field);
  const v = new Map(
    vector
      .split('/')
      .slice(1)
      .map((p) => p.split(':') as [string, string]),
  );
  const get = <T extends string>(key: string) => v.get(key) as T;
  return {
    version: '4.0',
    attackVector: get('AV'),
    attackComplexity: get('AC'),
    attackRequirements: get('AT'),
    privilegesRequired: get('PR'),
    userInteraction: get('UI'),
    vulnerableConfidentiality: get('VC'),
    vulnerableIntegrity: get('VI'),
    vulnerableAvailability: get('VA'),
    subsequentConfidentiality: get('SC'),
    subsequentIntegrity: get('SI'),
    subsequentAvailability: get('SA'),
  };
}

/** The v4.0 base vector string of parsed metrics, in the standard order. */
export function cvss4VectorString(c: Cvss4Base): string {
  return (
    `CVSS:4.0/AV:${c.attackVector}/AC:${c.attackComplexity}/AT:${c.attackRequirements}/PR:${c.privilegesRequired}` +
    `/UI:${c.userInteraction}/VC:${c.vulnerableConfidentiality}/VI:${c.vulnerableIntegrity}/VA:${c.vulnerableAvailability}` +
    `/SC:${c.subsequentConfidentiality}/SI:${c.subsequentIntegrity}/SA:${c.subsequentAvailability}`
  );
}

const V4_SCORES = new Map<string, number>();

/**
 * CVSS v4.0 base score (CVSS-B), 0.0–10.0 with one decimal, by FIRST's macro-vector method
 * (CVSS v4.0 specification §8: equivalence sets EQ1–EQ6, score interpolation within the
 * macro-vector), computed by ae-cvss-calculator and memoised per vector.
 *
 * @example cvss4BaseScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") === 9.3
 * @throws ValidationError (path `field`) when the vector is not a v4.0 base vector.
 */
export function cvss4BaseScore(vector: string | Cvss4Base, field = 'cvssVector'): number {
  let text: string;
  if (typeof vector === 'string') {
    const parsed = parseCvssVector(vector, field);
    if (parsed.version !== '4.0') throw new ValidationError(`'${vector}' is not a CVSS v4.0 vector`, field);
    text = vector;
  } else {
    text = cvss4VectorString(vector);
  }
  const cached = V4_SCORES.get(text);
  if (cached !== undefined) return cached;
  const cvss = new Cvss4P0(text);
  const base = cvss.isBaseFullyDefined() ? cvss.calculateScores().base : undefined;
  if (base === undefined || !Number.isFinite(base)) {
    throw new ValidationError(`'${text}' could not be scored as a CVSS v4.0 base vector; check its metrics`, field);
  }
  if (V4_SCORES.size < 10000) V4_SCORES.set(text, base);
  return base;
}
