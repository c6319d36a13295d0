/**
 * CycloneDX SBOM (spec 1.4–1.6, JSON) and VEX documents onto one device of a threat model:
 * the BOM's components become the device's `components`; the vulnerabilities it lists (an SBOM's
 * own, or a stand-alone VEX document's) attach to the device with their analysis state. Pure:
 * no I/O beyond reading the bundled JSON schemas once; the caller writes the result.
 *
 * Validation: the official CycloneDX JSON schemas (bom-1.4/1.5/1.6, draft-07, with the SPDX
 * licence-id and JSF signature schemas they refer to), as shipped by the maintained
 * `@cyclonedx/cyclonedx-library` package (res/schema; Apache-2.0), checked with Ajv in allErrors
 * mode. Formats: date-time, uri, email and the like by ajv-formats; `iri-reference` and
 * `idn-email` (not in ajv-formats) are accepted as any string. Violations in parts the import does
 * not read (metadata, licences, hashes, ...: {@link IGNORABLE_PATH}) are warnings; the rest refuse
 * the file.
 *
 * Analysis state (CycloneDX 1.4+ `vulnerabilities[].analysis.state`) → status:
 * exploitable → AFFECTED; in_triage → UNDER_INVESTIGATION; resolved, resolved_with_pedigree →
 * FIXED; not_affected, false_positive → NOT_AFFECTED (with the justification kept as evidence;
 * no attack step). No analysis: AFFECTED (a vulnerability the BOM lists, not yet analysed).
 *
 * CVSS: from `ratings[]` whose method is CVSSv31, CVSSv3 or CVSSv4 (in that order of preference;
 * the first such rating with a usable vector), the vector's base metrics only ("AV:N/..." without
 * the "CVSS:x.y/" prefix gets the method's). A vulnerability with no such rating is skipped with a
 * warning: no score is invented. One without a CVE id (its own id or a reference's) is skipped too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { sameVulnerability, validateModelDocument } from '../domain/model-document';
import type {
  Catalogue,
  DeviceComponent,
  EvidenceSource,
  ModelDocument,
  Vulnerability,
  VulnerabilityStatus,
} from '../domain/types';
import { IdAllocator, MAX_NESTING, asName, baseCvssVector, clip, isRecord, readJsonInput } from './common';

const FORMAT = 'CycloneDX 1.4–1.6 JSON document';
/** The spec versions read. */
export const CYCLONEDX_SPEC_VERSIONS = ['1.4', '1.5', '1.6'] as const;
/** Most components kept on one device (the exchange format's bound). */
export const MAX_DEVICE_COMPONENTS = 10000;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The schema folder of @cyclonedx/cyclonedx-library. */
function schemaDir(): string {
  return join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
}

function schemaValidator(specVersion: string): ValidateFunction {
  const cached = validators.get(specVersion);
  if (cached) return cached;
  const dir = schemaDir();
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('iri-reference', true);
    ajv.addFormat('idn-email', true);
    // The BOM schemas refer to these by a relative name resolved against their own $id.
    for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
      const s = read(f);
      delete s['$id'];
      ajv.addSchema(s, `http://cyclonedx.org/schema/${f}`);
    }
  }
  const v = ajv.compile(read(`bom-${specVersion}.SNAPSHOT.schema.json`));
  validators.set(specVersion, v);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** One vulnerability of the BOM, as read. */
export interface CycloneDxVulnerability {
  /** The CVE id (the vulnerability's id, else the first CVE among its references). */
  cveId?: string;
  /** The vulnerability's own id as written (CVE, GHSA, SNYK-...). */
  sourceId: string;
  /** The chosen base vector, if any. */
  cvssVector?: string;
  status: VulnerabilityStatus;
  /** analysis.state, analysis.justification as written. */
  state?: string;
  justification?: string;
  analysisDetail?: string;
  responses: string[];
  recommendation?: string;
  workaround?: string;
  description?: string;
  /** affects[].ref as written (bom-refs or BOM-Links). */
  affects: string[];
  /** JSON pointer of the vulnerability. */
  path: string;
}

/** A CycloneDX document as read. */
export interface CycloneDxBom {
  /** VEX: it lists vulnerabilities and no components; SBOM otherwise. */
  kind: 'SBOM' | 'VEX';
  specVersion: string;
  serialNumber?: string;
  version?: number;
  /** Every component, nested ones included (depth first), as device components. */
  components: DeviceComponent[];
  /** bom-ref → component, for the vulnerabilities' `affects`. */
  componentsByRef: Map<string, DeviceComponent>;
  vulnerabilities: CycloneDxVulnerability[];
  warnings: FieldIssue[];
  sha256: string;
}

const STATE_STATUS: Record<string, VulnerabilityStatus> = {
  exploitable: 'AFFECTED',
  in_triage: 'UNDER_INVESTIGATION',
  resolved: 'FIXED',
  resolved_with_pedigree: 'FIXED',
  not_affected: 'NOT_AFFECTED',
  false_positive: 'NOT_AFFECTED',
};
const METHOD_PREFIX: Record<string, string> = { CVSSv31: 'CVSS:3.1', CVSSv3: 'CVSS:3.0', CVSSv4: 'CVSS:4.0' };
const CVE_RE = /^CVE-[0-9]{4}-[0-9]{4,}$/;

/**
 * Reads a CycloneDX SBOM or VEX (JSON, spec 1.4–1.6).
 * @param input the file's bytes or text, or the parsed JSON (see common.readJsonInput).
 * @throws ValidationError with JSON pointers (RFC 6901): not JSON / truncated / junk (path ""),
 *   not CycloneDX (`/bomFormat`), a spec version other than 1.4–1.6 (`/specVersion`), every
 *   violation of that version's official schema (at most 50 listed), components nested deeper
 *   than common.MAX_NESTING.
 */
export function parseCycloneDx(input: unknown, options: { maxBytes?: number } = {}): CycloneDxBom {
  const { json, sha256 } = readJsonInput(input, FORMAT, options.maxBytes);
  if (!isRecord(json)) throw new ValidationError([{ path: '', message: `not a ${FORMAT}: the JSON is not an object` }]);
  if (json['bomFormat'] !== 'CycloneDX')
    throw new ValidationError([
      {
        path: '/bomFormat',
        message: `not a ${FORMAT}: bomFormat is ${JSON.stringify(json['bomFormat']) ?? 'missing'}, expected "CycloneDX"`,
      },
    ]);
  const specVersion = json['specVersion'];
  if (typeof specVersion !== 'string' || !(CYCLONEDX_SPEC_VERSIONS as readonly string[]).includes(specVersion))
    throw new ValidationError([
      {
        path: '/specVersion',
        message: `CycloneDX spec version ${JSON.stringify(specVersion) ?? 'missing'} is not read; use ${CYCLONEDX_SPEC_VERSIONS.join(', ')}`,
      },
    ]);
  const depthProblem = nestingProblem(json['components'], '/components', 1);
  if (depthProblem) throw new ValidationError([depthProblem]);
  const validate = schemaValidator(specVersion);
  const warnings: FieldIssue[] = [];
  if (!validate(json)) {
    const issues = (validate.errors ?? []).map((e) => ({
      path: e.instancePath,
      message: schemaMessage(specVersion, e),
    }));
    const fatal = issues.filter((i) => !IGNORABLE_PATH.test(i.path));
    if (fatal.length > 0) throw new ValidationError(fatal.slice(0, 50));
    for (const i of issues.slice(0, 50))
      warnings.push({ path: i.path, message: `${i.message} (in a part the import does not read: accepted)` });
  }
  const components: DeviceComponent[] = [];
  const componentsByRef = new Map<string, DeviceComponent>();
  const walk = (list: unknown, path: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((c, i) => {
      const here = `${path}/${i}`;
      if (!isRecord(c)) return;
      const component = toDeviceComponent(c, here, warnings);
      if (component) {
        components.push(component);
        if (typeof c['bom-ref'] === 'string') componentsByRef.set(c['bom-ref'], component);
      }
      walk(c['components'], `${here}/components`);
    });
  };
  walk(json['components'], '/components');

  const vulnerabilities: CycloneDxVulnerability[] = [];
  const list = Array.isArray(json['vulnerabilities']) ? json['vulnerabilities'] : [];
  list.forEach((v, i) => {
    if (!isRecord(v)) return;
    const path = `/vulnerabilities/${i}`;
    const sourceId = typeof v['id'] === 'string' ? v['id'] : '';
    const refs = Array.isArray(v['references']) ? v['references'] : [];
    const cveId = CVE_RE.test(sourceId)
      ? sourceId
      : (refs
          .map((r) => (isRecord(r) ? r['id'] : undefined))
          .find((x): x is string => typeof x === 'string' && CVE_RE.test(x)) ?? undefined);
    const analysis = isRecord(v['analysis']) ? v['analysis'] : {};
    const state = typeof analysis['state'] === 'string' ? analysis['state'] : undefined;
    const out: CycloneDxVulnerability = {
      sourceId,
      status: state !== undefined && Object.hasOwn(STATE_STATUS, state) ? STATE_STATUS[state]! : 'AFFECTED',
      responses: Array.isArray(analysis['response'])
        ? analysis['response'].filter((x): x is string => typeof x === 'string')
        : [],
      affects: (Array.isArray(v['affects']) ? v['affects'] : [])
        .map((a) => (isRecord(a) ? a['ref'] : undefined))
        .filter((x): x is string => typeof x === 'string'),
      path,
    };
    if (cveId) out.cveId = cveId;
    if (state !== undefined) out.state = state;
    if (typeof analysis['justification'] === 'string') out.justification = analysis['justification'];
    if (typeof analysis['detail'] === 'string') out.analysisDetail = analysis['detail'];
    if (typeof v['recommendation'] === 'string') out.recommendation = v['recommendation'];
    if (typeof v['workaround'] === 'string') out.workaround = v['workaround'];
    if (typeof v['description'] === 'string') out.description = v['description'];
    const ratings = Array.isArray(v['ratings']) ? v['ratings'].filter(isRecord) : [];
    const vectors: { method: string; vector: string }[] = [];
    for (const r of ratings) {
      const prefix = Object.hasOwn(METHOD_PREFIX, String(r['method'])) ? METHOD_PREFIX[String(r['method'])] : undefined;
      if (!prefix || typeof r['vector'] !== 'string') continue;
      const raw = r['vector'].startsWith('CVSS:') ? r['vector'] : `${prefix}/${r['vector']}`;
      const vector = baseCvssVector(raw);
      if (vector && vector.startsWith(prefix)) vectors.push({ method: String(r['method']), vector });
    }
    const order = ['CVSSv31', 'CVSSv3', 'CVSSv4'];
    vectors.sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
    if (vectors[0]) {
      out.cvssVector = vectors[0].vector;
      const others = new Set(vectors.filter((x) => x.method === vectors[0]!.method).map((x) => x.vector));
      if (others.size > 1)
        warnings.push({
          path: `${path}/ratings`,
          message: `${sourceId}: the ratings give ${others.size} different ${vectors[0].method} base vectors; the first, ${vectors[0].vector}, is used`,
        });
    }
    vulnerabilities.push(out);
  });
  const kind = components.length === 0 && vulnerabilities.length > 0 ? 'VEX' : 'SBOM';
  const bom: CycloneDxBom = { kind, specVersion, components, componentsByRef, vulnerabilities, warnings, sha256 };
  if (typeof json['serialNumber'] === 'string') bom.serialNumber = json['serialNumber'];
  if (typeof json['version'] === 'number') bom.version = json['version'];
  return bom;
}

/**
 * Schema violations in parts of a BOM the import does not read — metadata, licences, hashes,
 * external references, signatures, properties, evidence, pedigree, supplier/author data,
 * dependencies, services, compositions, annotations, formulation, definitions — are reported as
 * warnings, not refusals: real SBOMs often carry a licence id newer than the schema's SPDX list.
 * Everything the import reads (components' names, versions, purl, cpe, bom-refs, vulnerabilities)
 * and the document's own shape stay strict.
 */
const IGNORABLE_PATH =
  /^\/(metadata|dependencies|services|compositions|annotations|formulation|definitions|declarations|externalReferences|properties|signature)(\/|$)|\/(licenses|hashes|externalReferences|signature|properties|evidence|pedigree|supplier|manufacturer|author|authors|publisher|swid|releaseNotes|modelCard|data|cryptoProperties|omniborId|swhid|tags|copyright)(\/|$)/;

/** One schema error in words: the keyword's message, the unknown property or a few allowed values. */
function schemaMessage(specVersion: string, e: ErrorObject): string {
  const params = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
  let extra = '';
  if (e.keyword === 'additionalProperties') extra = ` ('${String(params.additionalProperty)}')`;
  else if (e.keyword === 'enum') {
    const values = (params.allowedValues ?? []).map(String);
    extra = ` (${values.slice(0, 12).join(', ')}${values.length > 12 ? `, … ${values.length - 12} more` : ''})`;
  }
  return `CycloneDX ${specVersion} schema: ${e.message ?? 'invalid'}${extra}`;
}

function nestingProblem(list: unknown, path: string, depth: number): FieldIssue | undefined {
  if (!Array.isArray(list)) return undefined;
  if (depth > MAX_NESTING) return { path, message: `components nest deeper than ${MAX_NESTING} levels` };
  for (let i = 0; i < list.length; i++) {
    const c: unknown = list[i];
    if (isRecord(c)) {
      const p = nestingProblem(c['components'], `${path}/${i}/components`, depth + 1);
      if (p) return p;
    }
  }
  return undefined;
}

/** A CycloneDX component as a device component: name (group/name), version, purl, cpe. */
function toDeviceComponent(
  c: Record<string, unknown>,
  path: string,
  warnings: FieldIssue[],
): DeviceComponent | undefined {
  const rawName = typeof c['name'] === 'string' ? c['name'] : '';
  const group = typeof c['group'] === 'string' && c['group'] !== '' ? c['group'] : undefined;
  const name = asName(group ? `${group}/${rawName}` : rawName);
  if (name === '') {
    warnings.push({ path: `${path}/name`, message: 'component without a name: skipped' });
    return undefined;
  }
  const out: DeviceComponent = { name };
  if (typeof c['version'] === 'string' && c['version'].trim() !== '') out.version = asName(c['version']);
  for (const key of ['purl', 'cpe'] as const) {
    const v = c[key];
    if (typeof v !== 'string') continue;
    if (v.startsWith(key === 'purl' ? 'pkg:' : 'cpe:') && v.length <= 1000 && !/[\u0000-\u001f\u007f]/.test(v))
      out[key] = v;
    else
      warnings.push({
        path: `${path}/${key}`,
        message: `${key} '${v.slice(0, 80)}' is not a ${key === 'purl' ? 'package URL' : 'CPE name'}: left out`,
      });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Preview and apply
// ---------------------------------------------------------------------------------------------

/** One vulnerability to add to or update on the device. */
export interface CycloneDxVulnerabilityChange {
  /** Change id, `vuln:<deviceId>:<cveId>`. */
  id: string;
  action: 'ADD' | 'UPDATE' | 'UNCHANGED';
  cveId: string;
  vulnerability: Vulnerability;
  before?: Vulnerability;
}

/** What importing the BOM onto the device would change; nothing is written. */
export interface CycloneDxImportPreview {
  bom: {
    kind: 'SBOM' | 'VEX';
    specVersion: string;
    serialNumber?: string;
    version?: number;
    sha256: string;
    fileName?: string;
  };
  deviceId: string;
  /** The device's components after the import (the BOM's, without repeats), or undefined when the BOM lists none (kept). */
  components?: { before: DeviceComponent[]; after: DeviceComponent[]; added: number; removed: number };
  vulnerabilities: CycloneDxVulnerabilityChange[];
  /** Skipped vulnerabilities (no CVE, no CVSS rating), affects refs not among the device's components, repeated components, ... */
  warnings: FieldIssue[];
}

/** Options of {@link previewCycloneDxImport}. */
export interface CycloneDxPreviewOptions {
  /** The device the BOM describes (id in the model). */
  deviceId: string;
  fileName?: string;
  maxBytes?: number;
}

const componentKey = (c: DeviceComponent) => JSON.stringify([c.name, c.version ?? null, c.purl ?? null, c.cpe ?? null]);

/** The purl or bom-ref an `affects` ref names: a BOM-Link's fragment, else the ref itself. */
const affectedKey = (ref: string) => {
  const hash = ref.startsWith('urn:cdx:') ? ref.indexOf('#') : -1;
  const key = hash >= 0 ? ref.slice(hash + 1) : ref;
  try {
    return decodeURIComponent(key);
  } catch {
    return key; // a stray % is kept as written
  }
};

/**
 * What importing the BOM onto one device would change.
 * @returns the device's new component list (when the BOM lists components) and one
 *   vulnerability change per CVE (elementId = the device; status from the analysis state;
 *   source {kind SBOM or VEX, document = file name or serial number, reference = the affected
 *   refs, detail = state and justification, sha256}); warnings for what was skipped.
 * @throws ValidationError as {@link parseCycloneDx}; at "deviceId" when the device is not in
 *   the model; at "/components" when the BOM lists more than MAX_DEVICE_COMPONENTS components.
 */
export function previewCycloneDxImport(
  input: unknown,
  doc: ModelDocument,
  options: CycloneDxPreviewOptions,
): CycloneDxImportPreview {
  const device = doc.devices.find((d) => d.id === options.deviceId);
  if (!device) throw new ValidationError([{ path: 'deviceId', message: `unknown device '${options.deviceId}'` }]);
  const bom = parseCycloneDx(input, options);
  const warnings = [...bom.warnings];
  const unique: DeviceComponent[] = [];
  const seen = new Set<string>();
  for (const c of bom.components) {
    const k = componentKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(c);
  }
  if (unique.length < bom.components.length)
    warnings.push({
      path: '/components',
      message: `${bom.components.length - unique.length} repeated components kept once`,
    });
  if (unique.length > MAX_DEVICE_COMPONENTS)
    throw new ValidationError([
      {
        path: '/components',
        message: `the BOM lists ${unique.length} components; a device keeps at most ${MAX_DEVICE_COMPONENTS}`,
      },
    ]);
  let components: CycloneDxImportPreview['components'];
  if (unique.length > 0) {
    const before = device.components ?? [];
    const beforeKeys = new Set(before.map(componentKey));
    components = {
      before,
      after: unique,
      added: unique.filter((c) => !beforeKeys.has(componentKey(c))).length,
      removed: before.filter((c) => !seen.has(componentKey(c))).length,
    };
  }
  const deviceComponentKeys = new Set(
    [...(components?.after ?? device.components ?? [])].flatMap((c) => [c.purl, c.cpe].filter((x): x is string => !!x)),
  );
  const documentName = asName(options.fileName ?? bom.serialNumber ?? `CycloneDX ${bom.kind}`);
  const used = new Set<string>();
  for (const list of [
    doc.zones,
    doc.devices,
    doc.interfaces,
    doc.channels,
    doc.assets,
    doc.vulnerabilities,
    doc.controlPlacements,
  ])
    for (const e of list) used.add(e.id);
  const ids = new IdAllocator(used, bom.kind.toLowerCase());
  const changes = new Map<string, CycloneDxVulnerabilityChange>();
  for (const v of bom.vulnerabilities) {
    if (!v.cveId) {
      warnings.push({ path: v.path, message: `'${v.sourceId}' has no CVE id: not imported` });
      continue;
    }
    if (!v.cvssVector) {
      warnings.push({
        path: v.path,
        message: `${v.cveId} has no CVSS v3/v4 rating with a vector: not imported (no score is invented)`,
      });
      continue;
    }
    for (const ref of v.affects) {
      const inBom = bom.componentsByRef.get(ref);
      const key = affectedKey(ref);
      if (!inBom && !deviceComponentKeys.has(key) && deviceComponentKeys.size > 0)
        warnings.push({
          path: v.path,
          message: `${v.cveId} affects '${ref}', which is not among the device's components`,
        });
    }
    const id = `vuln:${device.id}:${v.cveId}`;
    if (changes.has(id)) {
      warnings.push({ path: v.path, message: `${v.cveId} is listed twice: the first is used` });
      continue;
    }
    const remediation = [
      v.recommendation && `recommendation: ${v.recommendation}`,
      v.workaround && `workaround: ${v.workaround}`,
      v.responses.length > 0 && `response: ${v.responses.join(', ')}`,
    ].filter((x): x is string => !!x);
    const detail = [
      v.state ? `${v.state}${v.justification ? ` (${v.justification})` : ''}` : 'no analysis',
      v.analysisDetail,
    ].filter((x): x is string => !!x);
    const source: EvidenceSource = {
      kind: bom.kind,
      document: documentName,
      ...(v.affects.length > 0 ? { reference: asName(v.affects.join(', ')) } : {}),
      detail: clip(detail.join(': ')),
      sha256: bom.sha256,
    };
    const before = doc.vulnerabilities.find((x) => x.elementId === device.id && x.cveId === v.cveId);
    const vulnerability: Vulnerability = {
      id: before?.id ?? ids.next(`${device.id}.${v.cveId}`),
      cveId: v.cveId,
      cvssVector: v.cvssVector,
      elementId: device.id,
      ...(before?.description !== undefined
        ? { description: before.description }
        : v.description
          ? { description: clip(v.description) }
          : {}),
      status: v.status,
      ...(remediation.length > 0 ? { remediation: clip(remediation.join('\n\n')) } : {}),
      source,
    };
    const same = before !== undefined && sameVulnerability(before, vulnerability);
    changes.set(id, {
      id,
      action: before === undefined ? 'ADD' : same ? 'UNCHANGED' : 'UPDATE',
      cveId: v.cveId,
      vulnerability,
      ...(before !== undefined ? { before } : {}),
    });
  }
  return {
    bom: {
      kind: bom.kind,
      specVersion: bom.specVersion,
      ...(bom.serialNumber !== undefined ? { serialNumber: bom.serialNumber } : {}),
      ...(bom.version !== undefined ? { version: bom.version } : {}),
      sha256: bom.sha256,
      ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
    },
    deviceId: device.id,
    ...(components ? { components } : {}),
    vulnerabilities: [...changes.values()],
    warnings,
  };
}

/**
 * The model with the preview applied: the device's components replaced by the BOM's (when it
 * lists any), its vulnerabilities added or updated. Pure: inputs are not modified.
 * @param options.skip change ids to leave out (e.g. a vulnerability the user declined).
 * @throws ValidationError from validateModelDocument when the result is not a valid model (e.g.
 *   the device was deleted since the preview).
 */
export function applyCycloneDxImport(
  doc: ModelDocument,
  preview: CycloneDxImportPreview,
  options: { catalogue: Catalogue; skip?: readonly string[] },
): ModelDocument {
  const skip = new Set(options.skip ?? []);
  const out = structuredClone(doc);
  const device = out.devices.find((d) => d.id === preview.deviceId);
  if (device && preview.components) device.components = structuredClone(preview.components.after);
  for (const c of preview.vulnerabilities) {
    if (skip.has(c.id) || c.action === 'UNCHANGED') continue;
    const i = out.vulnerabilities.findIndex((v) => v.id === c.vulnerability.id);
    if (i >= 0) out.vulnerabilities[i] = structuredClone(c.vulnerability);
    else out.vulnerabilities.push(structuredClone(c.vulnerability));
  }
  const stored = new Set(doc.controlPlacements.map((p) => p.id));
  return validateModelDocument(out, options.catalogue, { misfitAllowed: (p) => stored.has(p.id) });
}
