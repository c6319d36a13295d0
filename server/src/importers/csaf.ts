/**
 * CSAF 2.0 security advisories (OASIS CSAF v2.0, e.g. CISA ICSMA medical advisories) into a
 * threat model: parse, match the advisory's products to the model's devices, preview the change
 * set, apply it. Pure: no I/O, no driver; the caller (service, CLI) reads the file and writes the
 * resulting document in one transaction.
 *
 * What is read (CSAF v2.0 §3.1 product tree, §3.2.3 vulnerabilities):
 * - product_tree.branches, recursively: `vendor`, `product_family`, `product_name`,
 *   `product_version` and `product_version_range` branches; the product at a leaf with its
 *   `product_identification_helper` (cpe, purl); product_tree.full_product_names the same way
 *   (no vendor, no version); product_tree.relationships (a component installed on a platform: matched
 *   as its component); product_groups (for remediations' group_ids). Version strings are not
 *   semver (see ./versions.ts).
 * - vulnerabilities[]: `cve`, `title`, `scores[]` (`cvss_v3.vectorString` of version 3.0 or 3.1,
 *   `cvss_v4.vectorString` when present; `products`), `product_status` (known_affected,
 *   first_affected, last_affected → AFFECTED; under_investigation → UNDER_INVESTIGATION; fixed,
 *   first_fixed → FIXED; known_not_affected → NOT_AFFECTED; `recommended` is read as FIXED),
 *   `remediations[]` (category, details, url, product_ids); for CSAF VEX profile documents the
 *   justification of a status (`flags[].label`, `threats[]` of category impact) is kept as evidence.
 *
 * Matching a product to a device (manufacturer, modelName, softwareVersion; see
 * {@link matchProduct}): EXACT when the vendor, the product name and the version all agree (or a
 * device component carries the product's CPE or PURL); FUZZY when something is only similar or
 * cannot be decided (shown for confirmation; never applied unless the caller confirms the device
 * by id); NO_MATCH otherwise, each with its reasons.
 *
 * Remediations → catalogue controls (conservative, OWN DESIGN): only `vendor_fix` maps, to C06
 * (authenticated updates and vulnerability management: the device is patched), suggested as a
 * PLANNED placement on an affected device where C06 fits (PATCHABLE). `mitigation`,
 * `workaround`, `none_available` and `no_fix_planned` are free text that names no one control;
 * they stay in the vulnerability's `remediation` text.
 */
import { placementMisfit, elementFacts } from '../domain/applicability';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { sameVulnerability, validateModelDocument } from '../domain/model-document';
import type {
  Catalogue,
  ControlPlacement,
  Device,
  EvidenceSource,
  ModelDocument,
  Vulnerability,
  VulnerabilityStatus,
} from '../domain/types';
import {
  IdAllocator,
  MAX_NESTING,
  asName,
  baseCvssVector,
  clip,
  isRecord,
  pointer,
  readJsonInput,
  type ImportInput,
} from './common';
import { describeRange, parseVersionRange, versionInRange, type Tri, type VersionRange } from './versions';

const FORMAT = 'CSAF 2.0 advisory';

/** One product of the advisory's product tree. */
export interface CsafProduct {
  productId: string;
  /** The product's full name (`product.name`). */
  name: string;
  vendor?: string;
  productFamily?: string;
  /** The `product_name` branch's name. */
  productName?: string;
  /** The version text as published (`product_version` or `product_version_range` branch name). */
  versionText?: string;
  versionKind?: 'VERSION' | 'RANGE';
  /** The version text parsed (undefined when the advisory gives no version). */
  range?: VersionRange;
  cpe?: string;
  purl?: string;
  /** JSON pointer of the product in the advisory. */
  path: string;
}

/** One CVSS score of a vulnerability. */
export interface CsafScore {
  productIds: string[];
  /** Base vector (temporal/environmental metrics dropped), v3.0, v3.1 or v4.0. */
  vector: string;
  version: '3.0' | '3.1' | '4.0';
}

/** One remediation of a vulnerability. */
export interface CsafRemediation {
  category: string;
  details: string;
  url?: string;
  productIds: string[];
}

/** One vulnerability of the advisory. */
export interface CsafVulnerability {
  cve?: string;
  title?: string;
  cwe?: string;
  scores: CsafScore[];
  /** The status of each product the vulnerability names. */
  productStatus: Map<string, VulnerabilityStatus>;
  remediations: CsafRemediation[];
  /** CSAF VEX justifications: `flags[].label` and `threats[category=impact].details` per product id. */
  justifications: Map<string, string[]>;
  path: string;
}

/** The advisory as read. */
export interface CsafAdvisory {
  /** `document.tracking.id`, e.g. "ICSMA-21-294-01". */
  trackingId: string;
  title: string;
  trackingVersion: string;
  publisher: string;
  products: CsafProduct[];
  vulnerabilities: CsafVulnerability[];
  /** Things read but not used, or skipped (with their JSON pointer). */
  warnings: FieldIssue[];
  /** SHA-256 of the file. */
  sha256: string;
}

/** Options of {@link parseCsafAdvisory} and {@link previewCsafImport}. */
export interface CsafReadOptions {
  /** Bytes accepted (default common.DEFAULT_MAX_IMPORT_BYTES). */
  maxBytes?: number;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

const BRANCH_CATEGORIES = [
  'architecture',
  'host_name',
  'language',
  'legacy',
  'patch_level',
  'product_family',
  'product_name',
  'product_version',
  'product_version_range',
  'service_pack',
  'specification',
  'vendor',
] as const;

const STATUS_OF: Record<string, VulnerabilityStatus> = {
  known_affected: 'AFFECTED',
  first_affected: 'AFFECTED',
  last_affected: 'AFFECTED',
  under_investigation: 'UNDER_INVESTIGATION',
  fixed: 'FIXED',
  first_fixed: 'FIXED',
  recommended: 'FIXED',
  known_not_affected: 'NOT_AFFECTED',
};
/** When one product is listed under several statuses, the more cautious one wins. */
const STATUS_RANK: Record<VulnerabilityStatus, number> = {
  AFFECTED: 3,
  UNDER_INVESTIGATION: 2,
  FIXED: 1,
  NOT_AFFECTED: 0,
};

const REMEDIATION_CATEGORIES = [
  'mitigation',
  'no_fix_planned',
  'none_available',
  'vendor_fix',
  'workaround',
  'fix_planned',
  'optional_patch',
] as const;

/**
 * Reads a CSAF 2.0 advisory.
 * @param input the file's bytes or text, or the parsed JSON (see common.readJsonInput).
 * @returns the advisory's products and vulnerabilities, with warnings for what was skipped
 *   (a score without a usable vector, a status naming an undefined product id, ...).
 * @throws ValidationError listing every problem with its JSON pointer (RFC 6901, e.g.
 *   "/document/tracking/id"): not JSON, truncated or junk (path ""), not a CSAF document
 *   (document.csaf_version not "2.0"/"2.1"), a required field missing or of the wrong type
 *   (document.category, csaf_version, publisher, title, tracking.id/status/version/
 *   current_release_date/initial_release_date/revision_history; product names and ids; branch
 *   categories; scores[].products; remediations[].category and details), no product tree.
 */
export function parseCsafAdvisory(input: unknown, options: CsafReadOptions = {}): CsafAdvisory {
  const { json, sha256 }: ImportInput = readJsonInput(input, FORMAT, options.maxBytes);
  const issues: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });
  if (!isRecord(json)) throw new ValidationError([{ path: '', message: `not a ${FORMAT}: the JSON is not an object` }]);

  const doc = json['document'];
  if (!isRecord(doc))
    throw new ValidationError([{ path: '/document', message: `not a ${FORMAT}: 'document' is missing` }]);
  const csafVersion = doc['csaf_version'];
  if (csafVersion !== '2.0' && csafVersion !== '2.1')
    throw new ValidationError([
      {
        path: '/document/csaf_version',
        message: `not a ${FORMAT}: csaf_version is ${JSON.stringify(csafVersion) ?? 'missing'}, expected "2.0"`,
      },
    ]);
  const str = (obj: Record<string, unknown>, key: string, path: string, required = true): string | undefined => {
    const v = obj[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (v !== undefined || required)
      bad(`${path}/${key}`, v === undefined ? `required field '${key}' is missing` : 'must be a non-empty string');
    return undefined;
  };
  str(doc, 'category', '/document');
  const title = str(doc, 'title', '/document') ?? '';
  let publisher = '';
  if (!isRecord(doc['publisher'])) bad('/document/publisher', "required field 'publisher' is missing or not an object");
  else publisher = str(doc['publisher'], 'name', '/document/publisher') ?? '';
  let trackingId = '';
  let trackingVersion = '';
  const tracking = doc['tracking'];
  if (!isRecord(tracking)) bad('/document/tracking', "required field 'tracking' is missing or not an object");
  else {
    trackingId = str(tracking, 'id', '/document/tracking') ?? '';
    trackingVersion = str(tracking, 'version', '/document/tracking') ?? '';
    str(tracking, 'status', '/document/tracking');
    str(tracking, 'current_release_date', '/document/tracking');
    str(tracking, 'initial_release_date', '/document/tracking');
    if (!Array.isArray(tracking['revision_history']))
      bad('/document/tracking/revision_history', "required field 'revision_history' is missing or not an array");
  }

  // Product tree
  const products: CsafProduct[] = [];
  const tree = json['product_tree'];
  if (!isRecord(tree)) bad('/product_tree', 'the advisory has no product_tree: there is nothing to match to devices');
  else {
    const readProduct = (p: unknown, path: string, ctx: Partial<CsafProduct>) => {
      if (!isRecord(p)) return bad(path, 'must be an object with name and product_id');
      const name = str(p, 'name', path);
      const productId = str(p, 'product_id', path);
      if (name === undefined || productId === undefined) return;
      const helper = p['product_identification_helper'];
      const product: CsafProduct = { ...ctx, productId, name, path };
      if (isRecord(helper)) {
        if (typeof helper['cpe'] === 'string') product.cpe = helper['cpe'];
        if (typeof helper['purl'] === 'string') product.purl = helper['purl'];
      }
      if (product.versionText !== undefined) product.range = parseVersionRange(product.versionText);
      products.push(product);
    };
    const walk = (branches: unknown, path: string, ctx: Partial<CsafProduct>, depth: number) => {
      if (!Array.isArray(branches)) return bad(path, 'must be an array of branches');
      if (depth > MAX_NESTING) return bad(path, `branches nest deeper than ${MAX_NESTING} levels`);
      branches.forEach((b, i) => {
        const here = `${path}/${i}`;
        if (!isRecord(b)) return bad(here, 'must be a branch object (category, name, and branches or product)');
        const category = b['category'];
        const name = b['name'];
        if (typeof category !== 'string' || !(BRANCH_CATEGORIES as readonly string[]).includes(category))
          bad(`${here}/category`, `must be one of ${BRANCH_CATEGORIES.join(', ')}`);
        if (typeof name !== 'string' || name.trim() === '') bad(`${here}/name`, 'must be a non-empty string');
        if (typeof category !== 'string' || typeof name !== 'string') return;
        const next = { ...ctx };
        if (category === 'vendor') next.vendor = name;
        else if (category === 'product_family') next.productFamily = name;
        else if (category === 'product_name') next.productName = name;
        else if (category === 'product_version') Object.assign(next, { versionText: name, versionKind: 'VERSION' });
        else if (category === 'product_version_range') Object.assign(next, { versionText: name, versionKind: 'RANGE' });
        const hasProduct = b['product'] !== undefined;
        const hasBranches = b['branches'] !== undefined;
        if (hasProduct === hasBranches)
          bad(
            here,
            hasProduct ? 'a branch has either branches or a product, not both' : 'a branch needs branches or a product',
          );
        if (hasProduct) readProduct(b['product'], `${here}/product`, next);
        if (hasBranches) walk(b['branches'], `${here}/branches`, next, depth + 1);
      });
    };
    if (tree['branches'] !== undefined) walk(tree['branches'], '/product_tree/branches', {}, 1);
    const full = tree['full_product_names'];
    if (full !== undefined) {
      if (!Array.isArray(full)) bad('/product_tree/full_product_names', 'must be an array of products');
      else full.forEach((p, i) => readProduct(p, `/product_tree/full_product_names/${i}`, {}));
    }
    if (tree['branches'] === undefined && full === undefined && tree['relationships'] === undefined)
      bad('/product_tree', 'the product tree names no product (no branches, full_product_names or relationships)');
  }
  const seen = new Map<string, string>();
  for (const p of products) {
    const first = seen.get(p.productId);
    if (first !== undefined) bad(`${p.path}/product_id`, `product id '${p.productId}' is already defined at ${first}`);
    else seen.set(p.productId, p.path);
  }
  // Relationships (CSAF §3.1.5: "component X installed_on platform Y") define products of their
  // own; each is matched as its component (product_reference): vendor, name and version range.
  const groups = new Map<string, string[]>();
  if (isRecord(tree)) {
    const rels = tree['relationships'];
    if (rels !== undefined && !Array.isArray(rels)) bad('/product_tree/relationships', 'must be an array');
    if (Array.isArray(rels))
      rels.forEach((r, i) => {
        const path = `/product_tree/relationships/${i}`;
        if (!isRecord(r)) return bad(path, 'must be an object');
        const fpn = r['full_product_name'];
        const ref = r['product_reference'];
        if (!isRecord(fpn) || typeof fpn['product_id'] !== 'string' || typeof fpn['name'] !== 'string')
          return bad(`${path}/full_product_name`, 'must be a product with name and product_id');
        if (typeof ref !== 'string') return bad(`${path}/product_reference`, 'must be a product id');
        const component = products.find((p) => p.productId === ref);
        if (!component) {
          warnings.push({
            path: `${path}/product_reference`,
            message: `product id '${ref}' is not defined: relationship skipped`,
          });
          return;
        }
        const productId = fpn['product_id'];
        if (seen.has(productId))
          return bad(
            `${path}/full_product_name/product_id`,
            `product id '${productId}' is already defined at ${seen.get(productId)}`,
          );
        seen.set(productId, `${path}/full_product_name`);
        products.push({ ...component, productId, name: fpn['name'], path: `${path}/full_product_name` });
      });
    const pg = tree['product_groups'];
    if (Array.isArray(pg))
      pg.forEach((g) => {
        if (isRecord(g) && typeof g['group_id'] === 'string' && Array.isArray(g['product_ids']))
          groups.set(
            g['group_id'],
            g['product_ids'].filter((x): x is string => typeof x === 'string'),
          );
      });
  }

  // Vulnerabilities
  const vulnerabilities: CsafVulnerability[] = [];
  const vulns = json['vulnerabilities'];
  if (vulns !== undefined && !Array.isArray(vulns)) bad('/vulnerabilities', 'must be an array');
  const known = (ids: string[], path: string): string[] =>
    ids.filter((id) => {
      if (seen.has(id)) return true;
      warnings.push({ path, message: `product id '${id}' is not defined in the product tree: ignored` });
      return false;
    });
  const idList = (v: unknown, path: string, required: boolean): string[] => {
    if (v === undefined && !required) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      bad(path, 'must be an array of product ids');
      return [];
    }
    return known(v as string[], path);
  };
  if (Array.isArray(vulns))
    vulns.forEach((v, i) => {
      const path = pointer('vulnerabilities', i);
      if (!isRecord(v)) return bad(path, 'must be an object');
      const out: CsafVulnerability = {
        scores: [],
        productStatus: new Map(),
        remediations: [],
        justifications: new Map(),
        path,
      };
      const justify = (ids: unknown, text: unknown) => {
        if (!Array.isArray(ids) || typeof text !== 'string') return;
        for (const id of ids)
          if (typeof id === 'string') out.justifications.set(id, [...(out.justifications.get(id) ?? []), text]);
      };
      if (Array.isArray(v['flags'])) for (const f of v['flags']) if (isRecord(f)) justify(f['product_ids'], f['label']);
      if (Array.isArray(v['threats']))
        for (const t of v['threats'])
          if (isRecord(t) && t['category'] === 'impact') justify(t['product_ids'], t['details']);
      if (v['cve'] !== undefined) {
        if (typeof v['cve'] !== 'string' || !/^CVE-[0-9]{4}-[0-9]{4,}$/.test(v['cve']))
          bad(`${path}/cve`, 'must be a CVE id such as "CVE-2019-6538"');
        else out.cve = v['cve'];
      }
      if (typeof v['title'] === 'string') out.title = v['title'];
      if (isRecord(v['cwe']) && typeof v['cwe']['id'] === 'string') out.cwe = v['cwe']['id'];
      if (v['scores'] !== undefined && !Array.isArray(v['scores'])) bad(`${path}/scores`, 'must be an array');
      if (Array.isArray(v['scores']))
        v['scores'].forEach((s, j) => {
          const sp = `${path}/scores/${j}`;
          if (!isRecord(s)) return bad(sp, 'must be an object');
          const productIds = idList(s['products'], `${sp}/products`, true);
          let any = false;
          for (const key of ['cvss_v3', 'cvss_v4'] as const) {
            const c = s[key];
            if (c === undefined) continue;
            any = true;
            const raw = isRecord(c) ? c['vectorString'] : undefined;
            const vector = baseCvssVector(raw);
            if (!vector) {
              warnings.push({
                path: `${sp}/${key}/vectorString`,
                message: `${JSON.stringify(raw)?.slice(0, 120) ?? 'missing'} is not a CVSS v3.0/v3.1/v4.0 vector: score skipped`,
              });
              continue;
            }
            const version = vector.slice(5, 8) as CsafScore['version'];
            out.scores.push({ productIds, vector, version });
          }
          if (!any) warnings.push({ path: sp, message: 'no cvss_v3 or cvss_v4 score (cvss_v2 is not read): skipped' });
        });
      const status = v['product_status'];
      if (status !== undefined) {
        if (!isRecord(status)) bad(`${path}/product_status`, 'must be an object');
        else
          for (const [key, list] of Object.entries(status)) {
            const s = Object.hasOwn(STATUS_OF, key) ? STATUS_OF[key] : undefined;
            if (!s) {
              bad(`${path}/product_status/${key}`, `unknown product status '${key}'`);
              continue;
            }
            for (const id of idList(list, `${path}/product_status/${key}`, true)) {
              const prev = out.productStatus.get(id);
              if (prev === undefined || STATUS_RANK[s] > STATUS_RANK[prev]) out.productStatus.set(id, s);
            }
          }
      }
      if (v['remediations'] !== undefined && !Array.isArray(v['remediations']))
        bad(`${path}/remediations`, 'must be an array');
      if (Array.isArray(v['remediations']))
        v['remediations'].forEach((r, j) => {
          const rp = `${path}/remediations/${j}`;
          if (!isRecord(r)) return bad(rp, 'must be an object');
          const category = r['category'];
          if (typeof category !== 'string' || !(REMEDIATION_CATEGORIES as readonly string[]).includes(category))
            return bad(`${rp}/category`, `must be one of ${REMEDIATION_CATEGORIES.join(', ')}`);
          const details = r['details'];
          if (typeof details !== 'string') return bad(`${rp}/details`, "required field 'details' is missing");
          const rem: CsafRemediation = {
            category,
            details,
            productIds: [
              ...new Set([
                ...idList(r['product_ids'], `${rp}/product_ids`, false),
                ...known(
                  (Array.isArray(r['group_ids']) ? r['group_ids'] : []).flatMap((g) => groups.get(String(g)) ?? []),
                  `${rp}/group_ids`,
                ),
              ]),
            ],
          };
          if (typeof r['url'] === 'string') rem.url = r['url'];
          if (rem.productIds.length === 0)
            warnings.push({ path: rp, message: 'remediation names no product: not attached to any device' });
          out.remediations.push(rem);
        });
      if (!out.cve) warnings.push({ path, message: 'vulnerability without a CVE id: not imported' });
      vulnerabilities.push(out);
    });
  if (issues.length > 0) throw new ValidationError(issues);
  return { trackingId, title, trackingVersion, publisher, products, vulnerabilities, warnings, sha256 };
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/** How well something matched. */
export type MatchLevel = 'EXACT' | 'FUZZY' | 'NO_MATCH';

/** One product against one device. */
export interface ProductMatch {
  productId: string;
  productName: string;
  level: MatchLevel;
  vendor: 'EXACT' | 'FUZZY' | 'NONE' | 'UNKNOWN';
  product: 'EXACT' | 'FUZZY' | 'NONE';
  version: Tri;
  /** Why, in words (one line each). */
  reasons: string[];
}

/** A device against the whole advisory: its best match and the products behind it. */
export interface DeviceMatch {
  deviceId: string;
  deviceName: string;
  /** The best match over all products (EXACT > FUZZY > NO_MATCH). */
  level: MatchLevel;
  /**
   * The products matched, EXACT ones first, then FUZZY ones (empty for NO_MATCH). A vulnerability
   * uses the device's EXACT products it names, else its FUZZY ones (then the change is FUZZY).
   */
  products: ProductMatch[];
  /** For NO_MATCH: the nearest miss (same vendor and product, other version), if any. */
  reason: string;
}

/** Corporate words that do not tell vendors apart. */
const VENDOR_NOISE = new Set(
  'inc incorporated ltd limited llc gmbh ag se sa nv bv plc co corp corporation company medical healthcare health systems technologies technology group holding holdings international the and of'.split(
    ' ',
  ),
);
/** Words of product names that do not tell products apart. */
const PRODUCT_NOISE = new Set(
  'pump pumps model models only series the and with of for all system systems device devices'.split(' '),
);

const tokens = (s: string, noise: Set<string>): string[] =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '' && !noise.has(t));

const subset = (a: string[], b: string[]) => a.length > 0 && a.every((t) => b.includes(t));
/** A token that tells products apart: has a digit, or at least 4 letters. */
const distinctive = (ts: string[]) => ts.some((t) => /\d/.test(t) || t.length >= 4);

function compareVendor(device: Device, product: CsafProduct): ProductMatch['vendor'] {
  if (product.vendor === undefined) return 'UNKNOWN';
  if (!device.manufacturer) return 'UNKNOWN';
  const d = tokens(device.manufacturer, VENDOR_NOISE);
  const p = tokens(product.vendor, VENDOR_NOISE);
  if (d.length > 0 && d.join(' ') === p.join(' ')) return 'EXACT';
  if (subset(d, p) || subset(p, d)) return 'FUZZY';
  return 'NONE';
}

function compareProduct(device: Device, product: CsafProduct): ProductMatch['product'] {
  if (!device.modelName) return 'NONE';
  const d = tokens(device.modelName, PRODUCT_NOISE);
  const names = [product.productName, product.name].filter((n): n is string => n !== undefined);
  let best: ProductMatch['product'] = 'NONE';
  for (const n of names) {
    const p = tokens(n, PRODUCT_NOISE);
    if (d.length > 0 && d.join(' ') === p.join(' ')) return 'EXACT';
    if ((subset(d, p) && distinctive(d)) || (subset(p, d) && distinctive(p))) best = 'FUZZY';
  }
  return best;
}

const sameId = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Matches one product to one device. EXACT: vendor equal (corporate words aside), product name
 * equal to the device's modelName (generic words such as "pump" aside) and the device's
 * softwareVersion inside the product's version or range; or a device component with the
 * product's CPE or PURL. NO_MATCH: another vendor, an unrelated product name, or a version
 * outside the range. FUZZY otherwise: a similar name (one's words contained in the other's), a
 * vendor or version that cannot be compared (no manufacturer or softwareVersion on the device, a
 * free-text range, version families that differ): shown for confirmation, never applied silently.
 */
export function matchProduct(device: Device, product: CsafProduct): ProductMatch {
  const base = { productId: product.productId, productName: product.name };
  const component = device.components?.find((c) => sameId(c.cpe, product.cpe) || sameId(c.purl, product.purl));
  if (component)
    return {
      ...base,
      level: 'EXACT',
      vendor: 'EXACT',
      product: 'EXACT',
      version: 'TRUE',
      reasons: [
        `device component '${component.name}' carries the product's ${sameId(component.cpe, product.cpe) ? 'CPE' : 'PURL'}`,
      ],
    };
  const vendor = compareVendor(device, product);
  const name = compareProduct(device, product);
  const version: Tri = product.range ? versionInRange(device.softwareVersion, product.range) : 'UNKNOWN';
  const reasons: string[] = [];
  reasons.push(
    vendor === 'EXACT'
      ? `vendor '${product.vendor}' is the device's manufacturer`
      : vendor === 'FUZZY'
        ? `vendor '${product.vendor}' resembles manufacturer '${device.manufacturer}'`
        : vendor === 'UNKNOWN'
          ? product.vendor === undefined
            ? 'the advisory names no vendor for this product'
            : 'the device has no manufacturer'
          : `vendor '${product.vendor}' is not manufacturer '${device.manufacturer ?? ''}'`,
  );
  reasons.push(
    name === 'EXACT'
      ? `product '${product.productName ?? product.name}' is the device's model`
      : name === 'FUZZY'
        ? `product '${product.productName ?? product.name}' resembles model '${device.modelName}'`
        : device.modelName
          ? `product '${product.productName ?? product.name}' is not model '${device.modelName}'`
          : 'the device has no model name',
  );
  if (!product.range) reasons.push('the advisory gives no version for this product');
  else if (device.softwareVersion === undefined)
    reasons.push(
      version === 'TRUE'
        ? `all versions are affected ('${product.versionText}')`
        : `the device has no softwareVersion to compare with '${product.versionText}'${device.software ? ` (software: '${device.software}'${softwareHint(device.software, product.range)})` : ''}`,
    );
  else
    reasons.push(
      version === 'TRUE'
        ? `version '${device.softwareVersion}' is in '${product.versionText}' (${describeRange(product.range)})`
        : version === 'FALSE'
          ? `version '${device.softwareVersion}' is outside '${product.versionText}' (${describeRange(product.range)})`
          : `version '${device.softwareVersion}' cannot be compared with '${product.versionText}'`,
    );
  const level: MatchLevel =
    vendor === 'NONE' || name === 'NONE' || version === 'FALSE'
      ? 'NO_MATCH'
      : vendor === 'EXACT' && name === 'EXACT' && version === 'TRUE'
        ? 'EXACT'
        : 'FUZZY';
  return { ...base, level, vendor, product: name, version, reasons };
}

/**
 * A hint, never a match: the last version-like token of the device's free-text `software` (e.g.
 * "12.1" in "PC unit software 12.1") against the range, so that the person confirming a FUZZY
 * match sees it; the match stays FUZZY until softwareVersion is set.
 */
function softwareHint(software: string, range: VersionRange): string {
  const token = [...software.matchAll(/[A-Za-z]*\d[A-Za-z0-9.+_-]*/g)].map((m) => m[0]).pop();
  if (!token) return '';
  const r = versionInRange(token, range);
  const verdict = r === 'TRUE' ? 'inside' : r === 'FALSE' ? 'outside' : 'not comparable with';
  return `; '${token}' read from it would be ${verdict} the range: set softwareVersion to decide`;
}

/** Matches every device of the model against every product of the advisory (devices by id order). */
export function matchCsafDevices(advisory: CsafAdvisory, devices: readonly Device[]): DeviceMatch[] {
  return [...devices]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((device) => {
      const all = advisory.products.map((p) => matchProduct(device, p));
      const exact = all.filter((m) => m.level === 'EXACT');
      const fuzzy = all.filter((m) => m.level === 'FUZZY');
      if (exact.length > 0)
        return {
          deviceId: device.id,
          deviceName: device.name,
          level: 'EXACT',
          products: [...exact, ...fuzzy],
          reason: exact[0]!.reasons.join('; '),
        };
      if (fuzzy.length > 0)
        return {
          deviceId: device.id,
          deviceName: device.name,
          level: 'FUZZY',
          products: fuzzy,
          reason: fuzzy[0]!.reasons.join('; '),
        };
      const near = all.find((m) => m.vendor !== 'NONE' && m.product !== 'NONE' && m.version === 'FALSE');
      return {
        deviceId: device.id,
        deviceName: device.name,
        level: 'NO_MATCH',
        products: [],
        reason: near
          ? near.reasons.join('; ')
          : 'no product of the advisory names this device (manufacturer and model)',
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Preview and apply
// ---------------------------------------------------------------------------------------------

/** One vulnerability to add to or update on a device. */
export interface CsafVulnerabilityChange {
  /** Change id, `vuln:<deviceId>:<cveId>`. */
  id: string;
  action: 'ADD' | 'UPDATE' | 'UNCHANGED';
  deviceId: string;
  cveId: string;
  /** EXACT: applied; FUZZY: applied only when the device is confirmed. */
  match: 'EXACT' | 'FUZZY';
  /** The products of the advisory behind it. */
  productIds: string[];
  /** The vulnerability as it will be written (id: the existing one's on UPDATE). */
  vulnerability: Vulnerability;
  /** On UPDATE / UNCHANGED: the vulnerability as it is now. */
  before?: Vulnerability;
}

/** One suggested control placement (from a remediation). */
export interface CsafControlSuggestion {
  /** Change id, `control:<deviceId>:<controlId>`. */
  id: string;
  deviceId: string;
  controlId: string;
  match: 'EXACT' | 'FUZZY';
  /** The remediation categories and CVEs behind it. */
  because: string;
  /** The placement as it will be written (PLANNED). */
  placement: ControlPlacement;
}

/** What importing an advisory would change; nothing is written. */
export interface CsafImportPreview {
  advisory: {
    trackingId: string;
    title: string;
    version: string;
    publisher: string;
    sha256: string;
    fileName?: string;
  };
  /** Every device with its match and reasons. */
  devices: DeviceMatch[];
  vulnerabilities: CsafVulnerabilityChange[];
  controls: CsafControlSuggestion[];
  /** Remediations that map to no catalogue control, counted by category (they stay as text). */
  unmappedRemediations: Record<string, number>;
  /** Parse warnings and items skipped (no CVE, no usable vector), with JSON pointers. */
  warnings: FieldIssue[];
}

/** Options of {@link previewCsafImport}. */
export interface CsafPreviewOptions extends CsafReadOptions {
  /** The uploaded file's name, kept in the preview (the evidence source names the advisory id). */
  fileName?: string;
}

/** Remediation category → catalogue control (see the module comment). */
export const CSAF_REMEDIATION_CONTROLS: Readonly<Record<string, string>> = { vendor_fix: 'C06' };

const bestScore = (scores: CsafScore[], productIds: string[]): CsafScore | undefined => {
  const mine = scores.filter((s) => s.productIds.some((id) => productIds.includes(id)));
  // The CSAF 2.0 field first (cvss_v3: 3.1 over 3.0), v4.0 when it is the only one.
  const order = { '3.1': 0, '3.0': 1, '4.0': 2 };
  return mine.sort((a, b) => order[a.version] - order[b.version])[0];
};

/**
 * What importing the advisory into `doc` would change.
 * @param input the advisory file (bytes, text or parsed JSON).
 * @param doc the model as it is now (validated).
 * @param catalogue the catalogue (for the control suggestions' applicability).
 * @returns per device the match and its reasons; per (CVE × matched device) a vulnerability to
 *   add or update (elementId = the device, CVSS base vector from the advisory, status from
 *   product_status, remediation text, source {kind CSAF, document = tracking id, reference = the
 *   product ids, sha256}); C06 suggestions from vendor fixes; warnings. A CVE without a usable
 *   CVSS vector for the device's products is skipped with a warning (no score is invented).
 * @throws ValidationError as {@link parseCsafAdvisory}.
 */
export function previewCsafImport(
  input: unknown,
  doc: ModelDocument,
  catalogue: Catalogue,
  options: CsafPreviewOptions = {},
): CsafImportPreview {
  const advisory = parseCsafAdvisory(input, options);
  const devices = matchCsafDevices(advisory, doc.devices);
  const warnings = [...advisory.warnings];
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
  const ids = new IdAllocator(used, 'csaf');
  const changes: CsafVulnerabilityChange[] = [];
  const suggestions = new Map<
    string,
    { deviceId: string; match: 'EXACT' | 'FUZZY'; cves: Set<string>; categories: Set<string> }
  >();
  const unmapped: Record<string, number> = {};
  const deviceById = new Map(doc.devices.map((d) => [d.id, d]));

  for (const v of advisory.vulnerabilities) {
    for (const r of v.remediations)
      if (!Object.hasOwn(CSAF_REMEDIATION_CONTROLS, r.category)) unmapped[r.category] = (unmapped[r.category] ?? 0) + 1;
    if (!v.cve) continue;
    for (const m of devices) {
      if (m.level === 'NO_MATCH') continue;
      const named = m.products.filter((p) => v.productStatus.has(p.productId));
      const level: 'EXACT' | 'FUZZY' = named.some((p) => p.level === 'EXACT') ? 'EXACT' : 'FUZZY';
      const productIds = named.filter((p) => p.level === level).map((p) => p.productId);
      if (productIds.length === 0) continue;
      const status = productIds
        .map((id) => v.productStatus.get(id)!)
        .sort((a, b) => STATUS_RANK[b] - STATUS_RANK[a])[0]!;
      const score = bestScore(v.scores, productIds);
      if (!score) {
        warnings.push({
          path: v.path,
          message: `${v.cve} on '${m.deviceId}': the advisory gives no CVSS v3/v4 vector for products ${productIds.join(', ')}: not imported`,
        });
        continue;
      }
      const rems = v.remediations.filter((r) => r.productIds.some((id) => productIds.includes(id)));
      const remediation = rems.length
        ? clip(rems.map((r) => `${r.category}: ${r.details}${r.url ? ` (${r.url})` : ''}`).join('\n\n'))
        : undefined;
      const source: EvidenceSource = {
        kind: 'CSAF',
        document: asName(advisory.trackingId || options.fileName || 'CSAF advisory'),
        reference: asName(productIds.join(', ')),
        detail: clip(productIds.map((id) => `${id}: ${statusWord(v, id)}`).join(', ')),
        sha256: advisory.sha256,
      };
      const before = doc.vulnerabilities.find((x) => x.elementId === m.deviceId && x.cveId === v.cve);
      const vulnerability: Vulnerability = {
        id: before?.id ?? ids.next(`${m.deviceId}.${v.cve}`),
        cveId: v.cve,
        cvssVector: score.vector,
        elementId: m.deviceId,
        ...(before?.description !== undefined
          ? { description: before.description }
          : v.title
            ? { description: clip(`${v.title}${v.cwe ? ` (${v.cwe})` : ''}`) }
            : {}),
        status,
        ...(remediation !== undefined ? { remediation } : {}),
        source,
      };
      const same = before !== undefined && sameVulnerability(before, vulnerability);
      changes.push({
        id: `vuln:${m.deviceId}:${v.cve}`,
        action: before === undefined ? 'ADD' : same ? 'UNCHANGED' : 'UPDATE',
        deviceId: m.deviceId,
        cveId: v.cve,
        match: level,
        productIds,
        vulnerability,
        ...(before !== undefined ? { before } : {}),
      });
      if (status === 'AFFECTED' || status === 'UNDER_INVESTIGATION')
        for (const r of rems) {
          const controlId = CSAF_REMEDIATION_CONTROLS[r.category];
          if (!controlId) continue;
          const key = `${m.deviceId}\u0000${controlId}`;
          const s = suggestions.get(key) ?? {
            deviceId: m.deviceId,
            match: level,
            cves: new Set(),
            categories: new Set(),
          };
          if (level === 'EXACT') s.match = 'EXACT'; // one EXACT reason is enough
          s.cves.add(v.cve);
          s.categories.add(r.category);
          suggestions.set(key, s);
        }
    }
  }

  const facts = elementFacts(doc);
  const controls: CsafControlSuggestion[] = [];
  for (const [key, s] of suggestions) {
    const controlId = key.split('\u0000')[1]!;
    const control = catalogue.controls.find((c) => c.id === controlId);
    const device = deviceById.get(s.deviceId)!;
    if (!control) continue;
    if (doc.controlPlacements.some((p) => p.elementId === s.deviceId && p.controlId === controlId)) continue;
    const misfit = placementMisfit(control, facts.get(device.id)!);
    const because = `${[...s.categories].join(', ')} for ${[...s.cves].sort().join(', ')}`;
    if (misfit !== null) {
      warnings.push({ path: '', message: `${controlId} not suggested on '${device.id}' (${because}): ${misfit}` });
      continue;
    }
    controls.push({
      id: `control:${s.deviceId}:${controlId}`,
      deviceId: s.deviceId,
      controlId,
      match: s.match,
      because,
      placement: {
        id: ids.next(`${s.deviceId}.${controlId}`),
        controlId,
        elementId: s.deviceId,
        status: 'PLANNED',
        note: clip(`Suggested by ${advisory.trackingId}: ${because}`),
        source: {
          kind: 'CSAF',
          document: asName(advisory.trackingId || options.fileName || 'CSAF advisory'),
          reference: asName([...s.cves].sort().join(', ')),
          detail: [...s.categories].join(', '),
          sha256: advisory.sha256,
        },
      },
    });
  }
  return {
    advisory: {
      trackingId: advisory.trackingId,
      title: advisory.title,
      version: advisory.trackingVersion,
      publisher: advisory.publisher,
      sha256: advisory.sha256,
      ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
    },
    devices,
    vulnerabilities: changes,
    controls,
    unmappedRemediations: unmapped,
    warnings,
  };
}

/** The product's status in words, with its CSAF VEX justification (flag label, impact statement) if any. */
function statusWord(v: CsafVulnerability, productId: string): string {
  const word = {
    AFFECTED: 'affected',
    UNDER_INVESTIGATION: 'under investigation',
    FIXED: 'fixed',
    NOT_AFFECTED: 'not affected',
  }[v.productStatus.get(productId)!];
  const why = v.justifications.get(productId);
  return why ? `${word} (${why.join('; ')})` : word;
}

/** Options of {@link applyCsafImport}. */
export interface CsafApplyOptions {
  /** Device ids (or change ids) whose FUZZY matches the user confirmed; EXACT ones need none. */
  confirm?: readonly string[];
  /** Change ids to leave out (e.g. a suggested control the user declined). */
  skip?: readonly string[];
  catalogue: Catalogue;
}

/**
 * The model with the preview applied: the vulnerabilities of EXACT matches and of confirmed
 * FUZZY ones added or updated, the suggested controls of those devices placed (PLANNED).
 * Pure: `doc` and `preview` are not modified.
 * @returns the new document, validated with validateModelDocument (stored placements that no
 *   longer fit are kept, as on any write).
 * @throws ValidationError (path "confirm[i]") when a confirmed id is neither a device of the
 *   preview nor one of its changes; ValidationError from validateModelDocument when the result
 *   is not a valid model (e.g. the model changed since the preview and a device is gone).
 */
export function applyCsafImport(
  doc: ModelDocument,
  preview: CsafImportPreview,
  options: CsafApplyOptions,
): ModelDocument {
  const confirm = new Set(options.confirm ?? []);
  const skip = new Set(options.skip ?? []);
  const known = new Set([
    ...preview.devices.map((d) => d.deviceId),
    ...preview.vulnerabilities.map((c) => c.id),
    ...preview.controls.map((c) => c.id),
  ]);
  const unknown = [...(options.confirm ?? [])].map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
  if (unknown.length > 0)
    throw new ValidationError(
      unknown.map(({ id, i }) => ({
        path: `confirm[${i}]`,
        message: `'${id}' is neither a device nor a change of this preview`,
      })),
    );
  const applies = (c: { id: string; deviceId: string; match: 'EXACT' | 'FUZZY' }) =>
    !skip.has(c.id) && (c.match === 'EXACT' || confirm.has(c.deviceId) || confirm.has(c.id));
  const out = structuredClone(doc);
  for (const c of preview.vulnerabilities) {
    if (!applies(c) || c.action === 'UNCHANGED') continue;
    const i = out.vulnerabilities.findIndex((v) => v.id === c.vulnerability.id);
    if (i >= 0) out.vulnerabilities[i] = structuredClone(c.vulnerability);
    else out.vulnerabilities.push(structuredClone(c.vulnerability));
  }
  for (const c of preview.controls) {
    if (!applies(c)) continue;
    if (out.controlPlacements.some((p) => p.elementId === c.deviceId && p.controlId === c.controlId)) continue;
    out.controlPlacements.push(structuredClone(c.placement));
  }
  const stored = new Set(doc.controlPlacements.map((p) => p.id));
  return validateModelDocument(out, options.catalogue, { misfitAllowed: (p) => stored.has(p.id) });
}
