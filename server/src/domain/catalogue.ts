/**
 * The TR 67 catalogue as data: loading and validating catalogue documents
 * (seeds/catalogue/*.json against seeds/catalogue.schema.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { ValidationError, type FieldIssue } from './errors';
import {
  CHANNEL_TECHNOLOGIES,
  INTERFACE_KINDS,
  RISK_CLASSES,
  type AttackMethod,
  type Catalogue,
  type Control,
  type ElementType,
} from './types';

const SCHEMA_FILE = 'seeds/catalogue.schema.json';
const BUNDLED_CATALOGUE_FILE = 'seeds/catalogue/tr67-catalogue.json';

/**
 * Validates a parsed catalogue document and returns it typed.
 *
 * Two passes. First the JSON Schema (seeds/catalogue.schema.json, draft 2020-12): required
 * fields, enums, id shapes, no unknown properties, baseLikelihood in (0, 1], defaultCost > 0.
 * If the shape is wrong, only those issues are reported. Then the cross-references:
 * - ids are unique within each list (capability codes, attack methods, controls, telehealth
 *   controls, device examples);
 * - every capability code, effect's attack method and baseline/telehealth control id exists, and
 *   a control has at most one effect per attack method;
 * - older catalogues with `mitigates` instead of `effects` are read as PREVENTS effects;
 * - there is exactly one baseline per risk class A–D;
 * - a control with `technologies` applies to CHANNEL, one with `interfaceKinds` to INTERFACE;
 * - once the references resolve: every element type an attack method targets can carry a
 *   control that mitigates it, and together those controls accept every channel technology /
 *   interface kind, so every attack step the engine derives can in principle be blocked.
 *
 * @param doc - the parsed JSON (not a string).
 * @returns the same object, typed as {@link Catalogue}.
 * @throws ValidationError listing every issue, each with a path such as
 *   `controls[4].effects[1].attackMethodId` and a message saying what to fix.
 */
export function validateCatalogue(input: unknown): Catalogue {
  const doc = withEffects(input);
  const validateShape = compiledSchema();
  if (!validateShape(doc)) {
    throw new ValidationError(schemaIssues(validateShape.errors ?? []));
  }
  const catalogue = doc as Catalogue;
  const issues = referenceIssues(catalogue);
  if (issues.length > 0) throw new ValidationError(issues);
  return catalogue;
}

/**
 * Reads and validates the catalogue shipped with the service
 * (seeds/catalogue/tr67-catalogue.json). Reads the file on every call: call it once at start-up.
 *
 * @throws ValidationError if the bundled file is invalid; Error if it cannot be found or parsed.
 */
export function loadBundledCatalogue(): Catalogue {
  return validateCatalogue(readJson(BUNDLED_CATALOGUE_FILE));
}

/**
 * Attack method id → the controls with any effect on it (PREVENTS, REDUCES, DETECTS or RECOVERS),
 * in catalogue order (methods no control acts on map to []).
 */
export function mitigationIndex(catalogue: Catalogue): Map<string, Control[]> {
  const index = new Map<string, Control[]>(catalogue.attackMethods.map((m) => [m.id, []]));
  for (const control of catalogue.controls) {
    for (const e of control.effects) index.get(e.attackMethodId)?.push(control);
  }
  return index;
}

/**
 * What each control of the bundled catalogue 2026.11.2 (before controls v2) "mitigated": every
 * listed attack method counted as cut. The control review compares placements against it to find
 * those that no longer prevent what they were placed for.
 */
export const LEGACY_MITIGATES: Readonly<Record<string, readonly string[]>> = {
  C01: ['AM05'],
  C02: ['AM17'],
  C03: ['AM05', 'AM11', 'AM15'],
  C04: ['AM04', 'AM05'],
  C05: ['AM06', 'AM14'],
  C06: ['AM07', 'AM08', 'AM09', 'AM18'],
  C07: ['AM12'],
  C08: ['AM10'],
  C09: ['AM10'],
  C10: ['AM13', 'AM09'],
  C11: ['AM08', 'AM07'],
  C12: ['AM02', 'AM04', 'AM05'],
  C13: ['AM07', 'AM10', 'AM19'],
  C14: ['AM05', 'AM06', 'AM15', 'AM20'],
  C15: ['AM11', 'AM12'],
  C16: ['AM18', 'AM07', 'AM16'],
  C17: ['AM07', 'AM09', 'AM11', 'AM16'],
  C18: ['AM12', 'AM20'],
  C19: ['AM06', 'AM12'],
  C20: ['AM01', 'AM02'],
  C21: ['AM02', 'AM03', 'AM13'],
  C22: ['AM01', 'AM02', 'AM14'],
  C23: ['AM02', 'AM04', 'AM14'],
  C24: ['AM01', 'AM14'],
  C25: ['AM01', 'AM03', 'AM14'],
  C26: ['AM01', 'AM02', 'AM14'],
  C27: ['AM03', 'AM04', 'AM05', 'AM13', 'AM14'],
  C28: ['AM15'],
  C29: ['AM07', 'AM08', 'AM10', 'AM15', 'AM19'],
  C30: ['AM10'],
  C31: ['AM12', 'AM16'],
  C32: ['AM20'],
};

/** Rationale given to effects read from a catalogue written before effects existed. */
export const LEGACY_MITIGATES_RATIONALE =
  'read from a catalogue without effects (its mitigates list): taken as PREVENTS; review it';

/**
 * Catalogues written before controls v2 list `mitigates: [methodId]` instead of `effects`: each
 * becomes a PREVENTS effect with {@link LEGACY_MITIGATES_RATIONALE}, so a hospital's own older
 * catalogue still loads (and its authors can review the effects). Anything else is returned as is.
 */
function withEffects(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { controls?: unknown }).controls)) return doc;
  const controls = (doc as { controls: unknown[] }).controls;
  if (!controls.some((c) => typeof c === 'object' && c !== null && 'mitigates' in c && !('effects' in c))) return doc;
  return {
    ...doc,
    controls: controls.map((c) => {
      if (typeof c !== 'object' || c === null || !('mitigates' in c) || 'effects' in c) return c;
      const { mitigates, ...rest } = c as { mitigates: unknown };
      if (!Array.isArray(mitigates)) return c;
      return {
        ...rest,
        effects: mitigates.map((m: unknown) => ({
          attackMethodId: m,
          effect: 'PREVENTS',
          rationale: LEGACY_MITIGATES_RATIONALE,
        })),
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/**
 * Finds a repository file by walking up from this module's directory, so the same code works
 * from server/src (ts-jest, tsx) and from server/dist (compiled).
 */
function repoFile(relative: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${relative} not found in any parent directory of ${__dirname}`);
    dir = parent;
  }
}

function readJson(relative: string): unknown {
  const file = repoFile(relative);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (cause) {
    throw new Error(`cannot read ${file} as JSON`, { cause });
  }
}

let validator: ValidateFunction | undefined;

function compiledSchema(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(readJson(SCHEMA_FILE) as object);
  return validator;
}

// ---------------------------------------------------------------------------------------------
// Schema issues
// ---------------------------------------------------------------------------------------------

/** "/controls/4/mitigates/1" → "controls[4].mitigates[1]". */
function toPath(pointer: string, child?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/');
  if (child !== undefined) segments.push(child);
  return segments
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`), '');
}

function schemaIssues(errors: ErrorObject[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // if/then/else reports the branch failure twice; the inner error carries the detail.
    if (e.keyword === 'if') continue;
    const issue = schemaIssue(e);
    const key = `${issue.path}\n${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function schemaIssue(e: ErrorObject): FieldIssue {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: toPath(e.instancePath, String(p.missingProperty)), message: 'is required: add it' };
    case 'additionalProperties':
      return {
        path: toPath(e.instancePath, String(p.additionalProperty)),
        message: 'is not a known property: remove it or check its spelling',
      };
    case 'enum':
      return {
        path: toPath(e.instancePath),
        message: `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'pattern':
      return {
        path: toPath(e.instancePath),
        message: `must match ${String(p.pattern)} (letters, digits, _ . -; at most 40)`,
      };
    case 'uniqueItems':
      return {
        path: toPath(e.instancePath),
        message: `must not repeat a value (items ${String(p.j)} and ${String(p.i)} are equal): remove the duplicate`,
      };
    case 'minItems':
      return { path: toPath(e.instancePath), message: `must have at least ${String(p.limit)} item(s)` };
    case 'maxItems':
      return {
        path: toPath(e.instancePath),
        message: 'must be empty unless level is CONDITIONAL (conditions switch on a conditional requirement only)',
      };
    default:
      return { path: toPath(e.instancePath), message: e.message ?? `fails schema keyword ${e.keyword}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Reference issues
// ---------------------------------------------------------------------------------------------

function referenceIssues(c: Catalogue): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  const capabilityCodes = uniqueIds(c.securityCapabilities, 'securityCapabilities', 'code', 'capability code', add);
  const methodIds = uniqueIds(c.attackMethods, 'attackMethods', 'id', 'attack method id', add);
  const controlIds = uniqueIds(c.controls, 'controls', 'id', 'control id', add);
  uniqueIds(c.telehealthControls, 'telehealthControls', 'id', 'telehealth control id', add);
  uniqueIds(c.deviceExamples, 'deviceExamples', 'id', 'device example id', add);

  const checkRefs = (ids: string[], known: Set<string>, at: string, what: string, where: string): void => {
    ids.forEach((id, i) => {
      if (!known.has(id)) add(`${at}[${i}]`, `unknown ${what} "${id}": use one defined in ${where}`);
    });
  };
  c.attackMethods.forEach((m, i) =>
    checkRefs(
      m.capabilityCodes,
      capabilityCodes,
      `attackMethods[${i}].capabilityCodes`,
      'capability code',
      'securityCapabilities',
    ),
  );
  c.controls.forEach((ctl, i) => {
    const at = `controls[${i}]`;
    checkRefs(ctl.capabilityCodes, capabilityCodes, `${at}.capabilityCodes`, 'capability code', 'securityCapabilities');
    const effectAt = new Map<string, number>();
    ctl.effects.forEach((e, j) => {
      if (!methodIds.has(e.attackMethodId))
        add(
          `${at}.effects[${j}].attackMethodId`,
          `unknown attack method "${e.attackMethodId}": use one defined in attackMethods`,
        );
      const first = effectAt.get(e.attackMethodId);
      if (first !== undefined)
        add(
          `${at}.effects[${j}].attackMethodId`,
          `a second effect on ${e.attackMethodId} (first at effects[${first}]): one effect per attack method`,
        );
      else effectAt.set(e.attackMethodId, j);
    });
    if (
      ctl.elementConditions?.includes('USER_SESSION') &&
      !ctl.appliesTo.some((t) => t === 'DEVICE' || t === 'INTERFACE')
    )
      add(`${at}.elementConditions`, 'USER_SESSION needs appliesTo to include DEVICE or INTERFACE');
    if (ctl.technologies && !ctl.appliesTo.includes('CHANNEL')) {
      add(
        `${at}.technologies`,
        'restricts channel technologies but appliesTo lacks CHANNEL: add CHANNEL or drop technologies',
      );
    }
    if (ctl.deviceConditions && !ctl.appliesTo.some((t) => t === 'DEVICE' || t === 'INTERFACE')) {
      add(
        `${at}.deviceConditions`,
        'device conditions need appliesTo to include DEVICE or INTERFACE: add one or drop deviceConditions',
      );
    }
    if (ctl.interfaceKinds && !ctl.appliesTo.includes('INTERFACE')) {
      add(
        `${at}.interfaceKinds`,
        'restricts interface kinds but appliesTo lacks INTERFACE: add INTERFACE or drop interfaceKinds',
      );
    }
  });

  const baselineAt = new Map<string, number>();
  c.riskClassBaselines.forEach((b, i) => {
    const first = baselineAt.get(b.riskClass);
    if (first !== undefined) {
      add(
        `riskClassBaselines[${i}].riskClass`,
        `duplicate baseline for class ${b.riskClass} (also at riskClassBaselines[${first}]): merge them`,
      );
    } else baselineAt.set(b.riskClass, i);
    b.requirements.forEach((r, j) => {
      const at = `riskClassBaselines[${i}].requirements[${j}]`;
      if (!capabilityCodes.has(r.capabilityCode)) {
        add(
          `${at}.capabilityCode`,
          `unknown capability code "${r.capabilityCode}": use one defined in securityCapabilities`,
        );
      }
      checkRefs(r.controlIds, controlIds, `${at}.controlIds`, 'control', 'controls');
    });
  });
  for (const riskClass of RISK_CLASSES) {
    if (!baselineAt.has(riskClass)) add('riskClassBaselines', `no baseline for risk class ${riskClass}: add one`);
  }
  c.telehealthControls.forEach((t, i) =>
    checkRefs(t.controlIds, controlIds, `telehealthControls[${i}].controlIds`, 'control', 'controls'),
  );

  // Coverage is only meaningful once the references resolve.
  if (issues.length === 0) {
    const index = mitigationIndex(c);
    c.attackMethods.forEach((m, i) => coverageIssues(m, i, index.get(m.id) ?? [], add));
  }
  return issues;
}

/** Records duplicates of `key` in `items` and returns the set of ids. */
function uniqueIds<T, K extends keyof T>(
  items: T[],
  list: string,
  key: K,
  what: string,
  add: (path: string, message: string) => void,
): Set<string> {
  const firstAt = new Map<string, number>();
  items.forEach((item, i) => {
    const id = String(item[key]);
    const first = firstAt.get(id);
    if (first === undefined) firstAt.set(id, i);
    else
      add(
        `${list}[${i}].${String(key)}`,
        `duplicate ${what} "${id}" (first used at ${list}[${first}]): give each entry its own`,
      );
  });
  return new Set(firstAt.keys());
}

/**
 * For each target type of a method: some mitigating control must be placeable on that type, and
 * the union of what those controls accept must span every channel technology (CHANNEL) or
 * interface kind (INTERFACE); otherwise some attack steps could never be blocked.
 */
function coverageIssues(
  method: AttackMethod,
  i: number,
  mitigating: Control[],
  add: (path: string, message: string) => void,
): void {
  method.targets.forEach((target, k) => {
    const at = `attackMethods[${i}].targets[${k}]`;
    const placeable = mitigating.filter((ctl) => ctl.appliesTo.includes(target));
    if (placeable.length === 0) {
      add(
        at,
        `no control with an effect on ${method.id} can be placed on a ${target}: ` +
          `add an effect on ${method.id} to a control that applies to ${target}, or remove ${target} from targets`,
      );
      return;
    }
    const restriction = restrictionOf(target);
    if (!restriction) return;
    const accepted = new Set<string>();
    for (const ctl of placeable) {
      const only = ctl[restriction.field];
      if (!only) return; // one unrestricted control covers every element of this type
      only.forEach((v) => accepted.add(v));
    }
    const uncovered = restriction.all.filter((v) => !accepted.has(v));
    if (uncovered.length > 0) {
      add(
        at,
        `${method.id} steps on ${target}s of ${restriction.noun} ${uncovered.join(', ')} cannot be blocked: ` +
          `every control with an effect on it is restricted to ${[...accepted].join(', ')}; ` +
          `add an effect on ${method.id} to a control without ${restriction.field}`,
      );
    }
  });
}

function restrictionOf(
  target: ElementType,
): { field: 'technologies' | 'interfaceKinds'; all: readonly string[]; noun: string } | undefined {
  if (target === 'CHANNEL') return { field: 'technologies', all: CHANNEL_TECHNOLOGIES, noun: 'technology' };
  if (target === 'INTERFACE') return { field: 'interfaceKinds', all: INTERFACE_KINDS, noun: 'kind' };
  return undefined;
}
