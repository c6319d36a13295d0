/**
 * Building a new model document from another tool's threat model (OTM, Threat Dragon): ids and
 * names made valid for the exchange schema (seeds/model.schema.json), element kinds guessed from
 * words, and the report of what could not be mapped. Pure; the result is validated with
 * validateModelDocument before it is returned, so an importer never hands out an invalid model.
 */
import { createHash } from 'node:crypto';
import { elementFacts, placementMisfit } from '../domain/applicability';
import { ValidationError } from '../domain/errors';
import { nameSlug } from '../domain/identifiers';
import { validateModelDocument } from '../domain/model-document';
import {
  MODEL_FORMAT_VERSION,
  type Asset,
  type Catalogue,
  type Channel,
  type ChannelTechnology,
  type ControlPlacement,
  type Device,
  type DeviceCategory,
  type Interface,
  type ModelDocument,
  type Severity,
  type Vulnerability,
  type Zone,
  type ZoneKind,
} from '../domain/types';

/** An element of the source that was not imported, and why. */
export interface UnmappedItem {
  /** Where it is in the source file, e.g. `dataflows[3]` or `detail.diagrams[0].cells[7]`. */
  path: string;
  /** What it is in the source's terms (`threat`, `tm.Boundary`, `dataflow`, …). */
  kind: string;
  /** Its id and name in the source, when it has them. */
  id?: string;
  name?: string;
  reason: string;
}

/** What an import made, what it left out, and what it had to guess. */
export interface ModelImportReport {
  /** The source format, e.g. "OTM 0.2.0" or "Threat Dragon 2.3.0". */
  source: string;
  /** Elements created, per list of the exchange document. */
  created: Record<
    'zones' | 'devices' | 'interfaces' | 'channels' | 'assets' | 'vulnerabilities' | 'controlPlacements',
    number
  >;
  unmapped: UnmappedItem[];
  /** Things imported with a guess or a default to review (path in the source, message). */
  warnings: { path: string; message: string }[];
}

/** A new model and its import report. */
export interface ModelImportResult {
  document: ModelDocument;
  report: ModelImportReport;
}

const ID_CHARS = /[^A-Za-z0-9_.:-]+/g;

/** Words in a name or type → device category (the first rule that matches wins). */
const CATEGORY_WORDS: readonly [RegExp, DeviceCategory][] = [
  [/infusion|syringe pump|\bpump\b/i, 'INFUSION_PUMP'],
  [/insulin/i, 'INSULIN_PUMP'],
  [/monitor/i, 'PATIENT_MONITOR'],
  [/ventilator/i, 'VENTILATOR'],
  [/\bpacs\b/i, 'PACS'],
  [/imaging|\bct\b|\bmri\b|x-?ray|ultrasound|modality/i, 'IMAGING'],
  [/\behr\b|\bemr\b/i, 'EHR'],
  [/\bhl7\b|interface engine|integration engine|message queue|\bqueue\b|broker/i, 'INTERFACE_ENGINE'],
  [/mobile|\bapp\b|android|\bios\b|smartphone/i, 'MOBILE_APP'],
  [/gateway|\bproxy\b|load.?balancer/i, 'GATEWAY'],
  [/cloud|saas|\bs3\b|\baws\b|azure|\bgcp\b/i, 'CLOUD_SERVICE'],
  [/firewall|router|switch|access point|\bvpn\b|network/i, 'NETWORK_DEVICE'],
  [/browser|client|workstation|desktop|laptop|\bpc\b|user|actor|person|human/i, 'WORKSTATION'],
  [/database|\bdb\b|store|storage|sql|mongo|postgres|redis|bucket|file.?system|config|log/i, 'SERVER'],
  [/server|service|api|backend|web|process|worker|application|function|lambda|container/i, 'SERVER'],
];

/**
 * Device category from words: the texts are tried in the order given (e.g. the element's type,
 * then its name), the first one with a known word decides; OTHER when none has one.
 */
export function categoryFromWords(...texts: (string | null | undefined)[]): DeviceCategory {
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    const hit = CATEGORY_WORDS.find(([re]) => re.test(text));
    if (hit) return hit[1];
  }
  return 'OTHER';
}

/** Words → channel technology (tags, protocol, name); IP when none matches. */
export function technologyFromWords(...texts: (string | null | undefined)[]): ChannelTechnology {
  const text = texts.filter((t): t is string => typeof t === 'string').join(' ');
  const rules: [RegExp, ChannelTechnology][] = [
    [/wi-?fi|802\.11|wlan/i, 'WIFI'],
    [/bluetooth|\bble\b/i, 'BLE'],
    [/zigbee/i, 'ZIGBEE'],
    [/lora/i, 'LORA'],
    [/cellular|\blte\b|\b[345]g\b|\bgsm\b/i, 'CELLULAR'],
    [/\busb\b/i, 'USB'],
    [/serial|rs-?232|rs-?485/i, 'SERIAL'],
    [/\brf\b|radio|proprietary/i, 'PROPRIETARY_RF'],
    [/ethernet/i, 'ETHERNET'],
  ];
  return rules.find(([re]) => re.test(text))?.[1] ?? 'IP';
}

/** Words → zone kind (type and name of a trust zone); OTHER when none matches. */
export function zoneKindFromWords(...texts: (string | null | undefined)[]): ZoneKind {
  const text = texts.filter((t): t is string => typeof t === 'string').join(' ');
  const rules: [RegExp, ZoneKind][] = [
    [/cloud|saas|aws|azure|gcp/i, 'CLOUD'],
    [/internet|public|untrusted|external|outside/i, 'INTERNET'],
    [/guest/i, 'GUEST_WIFI'],
    [/vendor|remote access|third.?party/i, 'VENDOR_REMOTE_ACCESS'],
    [/home|patient/i, 'PATIENT_HOME'],
    [/\bdmz\b|perimeter/i, 'DMZ'],
    [/physical/i, 'PHYSICAL_ACCESS'],
    [/clinical|ward|icu|medical|biomed/i, 'CLINICAL'],
    [/private|internal|intranet|corporate|enterprise|trusted|datacent/i, 'ENTERPRISE'],
  ];
  return rules.find(([re]) => re.test(text))?.[1] ?? 'OTHER';
}

/** A 0–100 rating (OTM risk values) → severity: 0–20 NEGLIGIBLE … 81–100 CATASTROPHIC. */
export function severityFromPercent(value: number): Severity {
  const levels: Severity[] = ['NEGLIGIBLE', 'MINOR', 'SERIOUS', 'CRITICAL', 'CATASTROPHIC'];
  const v = Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
  return levels[Math.min(4, Math.max(0, Math.ceil(v / 20) - 1))]!;
}

/** Collects the elements of a new model with valid, unique ids and names. */
export class ModelBuilder {
  readonly zones: Zone[] = [];
  readonly devices: Device[] = [];
  readonly interfaces: Interface[] = [];
  readonly channels: Channel[] = [];
  readonly assets: Asset[] = [];
  readonly controlPlacements: ControlPlacement[] = [];
  readonly vulnerabilities: Vulnerability[] = [];
  readonly unmapped: UnmappedItem[] = [];
  readonly warnings: { path: string; message: string }[] = [];
  private readonly taken = new Set<string>();

  constructor(private readonly source: string) {}

  /**
   * An id for the source id `raw` (a UUID, a slug, anything): kept when it is a valid id not yet
   * used, else made valid (other characters become '-', at most 64) and unique (a short hash).
   */
  id(raw: unknown, fallbackPrefix: string): string {
    const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
    let base = text.replace(ID_CHARS, '-').replace(/^-+|-+$/g, '');
    if (!base) base = fallbackPrefix;
    if (base.length > 64) base = base.slice(0, 64);
    let id = base;
    for (let n = 1; this.taken.has(id); n++) {
      const hash = createHash('sha256').update(`${text}\u0000${n}`).digest('hex').slice(0, 8);
      id = `${base.slice(0, 55)}-${hash}`;
    }
    this.taken.add(id);
    return id;
  }

  /** Marks an id as used (the model id is in its own namespace; element ids share one). */
  reserve(id: string): void {
    this.taken.add(id);
  }

  /** A valid name: control, bidi and format characters become spaces, trimmed, at most 200; `fallback` if empty. */
  name(raw: unknown, fallback: string): string {
    const text = typeof raw === 'string' ? raw : '';
    const clean = text
      .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200)
      .trim();
    return clean || fallback.slice(0, 200);
  }

  /** Optional free text: as {@link name} but up to 2000 characters, undefined when empty. */
  text(raw: unknown): string | undefined {
    if (typeof raw !== 'string') return undefined;
    const clean = raw
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ')
      .trim()
      .slice(0, 2000)
      .trim();
    return clean || undefined;
  }

  skip(item: UnmappedItem): void {
    this.unmapped.push(item);
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  /**
   * Places `controlId` IMPLEMENTED on a channel when it fits (domain/applicability.ts), else warns.
   */
  placeOnChannel(catalogue: Catalogue, channel: Channel, controlId: string, path: string, why: string): void {
    const control = catalogue.controls.find((c) => c.id === controlId);
    if (!control) return this.warn(path, `${why}: control ${controlId} is not in the catalogue; not placed`);
    const facts = elementFacts({
      zones: this.zones,
      devices: this.devices,
      interfaces: this.interfaces,
      channels: [channel],
    });
    const element = facts.get(channel.id);
    const misfit = element ? placementMisfit(control, element) : 'unknown channel';
    if (misfit) return this.warn(path, `${why}, but ${misfit}; not placed`);
    this.controlPlacements.push({
      id: this.id(`${channel.id}.${controlId}`, 'placement'),
      controlId,
      elementId: channel.id,
      status: 'IMPLEMENTED',
      note: `${why} (imported from ${this.source})`,
    });
  }

  /**
   * The model document, validated (validateModelDocument with `catalogue`), and the report.
   * @throws ValidationError when the result is not a valid model (paths in the built document)
   */
  finish(model: { id: unknown; name: unknown; description?: unknown }, catalogue: Catalogue): ModelImportResult {
    if (this.zones.length && !this.zones.some((z) => z.entryPoint)) {
      this.warn('model', 'no zone is an entry point, so no attack path starts anywhere: mark where an attacker starts');
    }
    const document: ModelDocument = {
      formatVersion: MODEL_FORMAT_VERSION,
      model: {
        id:
          (typeof model.id === 'string' || typeof model.id === 'number'
            ? String(model.id)
                .replace(ID_CHARS, '-')
                .replace(/^-+|-+$/g, '')
                .slice(0, 64)
            : '') ||
          nameSlug(typeof model.name === 'string' ? model.name : '') ||
          'imported-model',
        name: this.name(model.name, 'Imported model'),
        ...(this.text(model.description) ? { description: this.text(model.description)! } : {}),
      },
      zones: this.zones,
      devices: this.devices,
      interfaces: this.interfaces,
      channels: this.channels,
      assets: this.assets,
      vulnerabilities: this.vulnerabilities,
      controlPlacements: this.controlPlacements,
    };
    let valid: ModelDocument;
    try {
      valid = validateModelDocument(document, catalogue);
    } catch (e) {
      if (e instanceof ValidationError) {
        throw new ValidationError(
          e.issues.map((i) => ({ path: `model.${i.path}`, message: `the imported model is not valid: ${i.message}` })),
        );
      }
      throw e;
    }
    return {
      document: valid,
      report: {
        source: this.source,
        created: {
          zones: this.zones.length,
          devices: this.devices.length,
          interfaces: this.interfaces.length,
          channels: this.channels.length,
          assets: this.assets.length,
          vulnerabilities: this.vulnerabilities.length,
          controlPlacements: this.controlPlacements.length,
        },
        unmapped: this.unmapped,
        warnings: this.warnings,
      },
    };
  }
}

/** A zod issue path → `dataflows[3].source`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}
