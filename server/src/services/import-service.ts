/**
 * Evidence imports into a stored model: CSAF 2.0 advisories and CycloneDX SBOM/VEX documents.
 * Thin: parsing, matching and the change set are the pure importers' (server/src/importers);
 * this reads the model, previews, and writes through ModelService.applyImport (one transaction,
 * one audit entry naming the file and its SHA-256, all or nothing).
 */
import type { Actor } from '../domain/auth/principal';
import { applyCsafImport, parseCsafAdvisory, previewCsafImport, type CsafImportPreview } from '../importers/csaf';
import {
  applyCycloneDxImport,
  parseCycloneDx,
  previewCycloneDxImport,
  type CycloneDxImportPreview,
} from '../importers/cyclonedx';
import { RateLimitedError, ServiceUnavailableError, ValidationError } from '../domain/errors';
import { sha256Hex } from '../importers/common';
import { applyInventoryCsv, type InventoryIssue } from '../importers/inventory-csv';
import type { ModelImportReport } from '../importers/model-builder';
import { importOtm } from '../importers/otm';
import { importThreatDragon } from '../importers/threat-dragon';
import {
  applyMds2,
  deriveMds2Profile,
  previewMds2,
  readMds2Workbook,
  type Mds2Preview,
  type Mds2Target,
} from '../importers/mds2';
import type { ModelDocument, Severity } from '../domain/types';
import type { AnalysisService } from './analysis-service';
import { runInBackgroundScope } from './analysis-scope';
import {
  NewPathsWebhook,
  WEBHOOK_MAX_LIST,
  WEBHOOK_MAX_PATHS,
  type DeliveryResult,
  type NewPathsEvent,
} from './new-paths-webhook';
import type { CatalogueService } from './catalogue-service';
import type { ModelService } from './model-service';

/** A preview and the model version it was made against (pass it back as expectedVersion). */
export interface Previewed<P> {
  modelVersion: number;
  preview: P;
}

/** What a commit wrote. */
export interface Committed<P> extends Previewed<P> {
  /** Vulnerabilities added or updated. */
  vulnerabilitiesWritten: number;
  /** Control placements added (PLANNED suggestions). */
  controlsPlaced: number;
  /** Devices whose components changed. */
  devicesChanged: number;
}

/** Options of a commit. */
export interface CommitOptions {
  /** Device ids (or change ids) whose FUZZY matches the user confirmed (CSAF). */
  confirm?: readonly string[];
  /** Change ids to leave out. */
  skip?: readonly string[];
  /** The model version the preview was made against: refused (CONFLICT) when the model moved on. */
  expectedVersion?: number;
  /** The uploaded file's name, for the audit entry and evidence sources. */
  fileName?: string;
}

/** What ImportService does after a commit (optional). */
export interface ImportServiceOptions {
  /** Sends the attack paths an evidence import opened (new-paths-webhook.ts). */
  webhook?: NewPathsWebhook;
  /** Where webhook work that failed or was shed is reported. */
  log?: { warn: (fields: object, message: string) => void; error?: (fields: object, message: string) => void };
  /** Events waiting for their analysis, at most (default {@link WEBHOOK_BACKLOG}); beyond, new ones are shed and logged. */
  webhookBacklog?: number;
}

/** Default bound of the webhook queue (each waiting event holds its two model documents). */
export const WEBHOOK_BACKLOG = 50;
/** Tries of a webhook analysis the pool refuses for load (RATE_LIMITED, SERVICE_UNAVAILABLE). */
const WEBHOOK_ANALYSIS_TRIES = 6;

/** One committed import waiting for its webhook analysis. */
interface WebhookJob {
  modelId: string;
  modelVersion: number;
  source: string;
  before: ModelDocument;
  after: ModelDocument;
}

export class ImportService {
  /** Committed imports waiting for their webhook analysis, oldest first. */
  private readonly webhookQueue: WebhookJob[] = [];
  /** The queue's runner while it runs (one analysis at a time). */
  private webhookRunner: Promise<void> | null = null;
  /** Outcomes since the last {@link settled} call (null: nothing sent), at most 100 kept. */
  private webhookResults: (DeliveryResult | null)[] = [];

  constructor(
    private readonly models: ModelService,
    private readonly catalogues: CatalogueService,
    private readonly analysis: AnalysisService,
    private readonly options: ImportServiceOptions = {},
  ) {}

  /**
   * Resolves when every webhook event queued so far has been handled (delivered, refused, given
   * up, or found to open no path); for shutdown and tests. Returns the outcomes since the previous
   * call, in the order they ended (null: no path to send or the analysis failed; at most 100).
   */
  async settled(): Promise<(DeliveryResult | null)[]> {
    while (this.webhookRunner) await this.webhookRunner;
    const results = this.webhookResults;
    this.webhookResults = [];
    return results;
  }

  /**
   * After a committed evidence import: when a webhook is configured, queues the import for its
   * analysis (the paths it opened to targets ≥ the webhook's minSeverity) and delivery. Never
   * throws and never delays the commit's answer. The queue runs one analysis at a time as the
   * background caller 'webhook'; an event the pool refuses for load is tried again later, one
   * whose analysis fails otherwise, or that finds a full queue, is logged at error level (dropped).
   */
  private afterCommit(
    modelId: string,
    modelVersion: number,
    source: string,
    before?: ModelDocument,
    after?: ModelDocument,
  ): void {
    if (!this.options.webhook || !before || !after || before === after) return;
    const backlog = this.options.webhookBacklog ?? WEBHOOK_BACKLOG;
    if (this.webhookQueue.length >= backlog) {
      this.logError({ modelId, modelVersion, source, backlog }, 'webhook event dropped: the queue is full');
      return;
    }
    this.webhookQueue.push({ modelId, modelVersion, source, before, after });
    if (!this.webhookRunner) {
      this.webhookRunner = runInBackgroundScope('webhook', () => this.runWebhookQueue()).finally(() => {
        this.webhookRunner = null;
      });
    }
  }

  /** Works through the webhook queue, oldest first, until it is empty. */
  private async runWebhookQueue(): Promise<void> {
    for (let job = this.webhookQueue.shift(); job; job = this.webhookQueue.shift()) {
      const result = await this.webhookJob(job);
      this.webhookResults.push(result);
      if (this.webhookResults.length > 100) this.webhookResults.shift();
    }
  }

  /** One queued event: its analysis (retried while the pool is busy), then its delivery. */
  private async webhookJob(job: WebhookJob): Promise<DeliveryResult | null> {
    const webhook = this.options.webhook!;
    const { modelId, modelVersion, source } = job;
    const minSeverity = webhook.options.minSeverity;
    let found: Awaited<ReturnType<AnalysisService['newPathsBetween']>>;
    for (let attempt = 1; ; attempt++) {
      try {
        found = await this.analysis.newPathsBetween(job.before, job.after, { minSeverity, k: 1 });
        break;
      } catch (e) {
        const busy = e instanceof RateLimitedError || e instanceof ServiceUnavailableError;
        if (busy && attempt < WEBHOOK_ANALYSIS_TRIES) {
          const wait = e instanceof RateLimitedError ? Math.max(e.retryAfterMs, 500) : 1000 * 2 ** attempt;
          await new Promise((r) => setTimeout(r, Math.min(wait, 30_000)));
          continue;
        }
        this.logError(
          { modelId, modelVersion, source, err: e instanceof Error ? e.message : String(e) },
          'webhook event dropped: its analysis failed',
        );
        return null;
      }
    }
    if (found.paths.length === 0) return null;
    const event: NewPathsEvent = {
      event: 'new-attack-paths',
      schemaVersion: 1,
      deliveryId: NewPathsWebhook.deliveryId(),
      occurredAt: new Date().toISOString(),
      modelId,
      modelVersion,
      source,
      minSeverity,
      targetIds: found.targetIds.slice(0, WEBHOOK_MAX_LIST),
      newlyReachableTargetIds: found.newlyReachableTargetIds.slice(0, WEBHOOK_MAX_LIST),
      riskBefore: found.riskBefore,
      riskAfter: found.riskAfter,
      paths: found.paths.slice(0, WEBHOOK_MAX_PATHS).map((p) => ({
        id: p.id,
        targetId: p.targetId,
        assetId: p.assetId,
        impact: p.impact,
        ...(p.severity ? { severity: p.severity } : {}),
        likelihood: p.likelihood,
        risk: p.risk,
        steps: p.steps.map((st) => ({
          id: st.id,
          ruleId: st.ruleId,
          attackMethodId: st.attackMethodId,
          from: st.from,
          to: st.to,
        })),
      })),
      truncated:
        found.truncated ||
        found.paths.length > WEBHOOK_MAX_PATHS ||
        found.targetIds.length > WEBHOOK_MAX_LIST ||
        found.newlyReachableTargetIds.length > WEBHOOK_MAX_LIST ||
        found.cut.placements.length > WEBHOOK_MAX_LIST,
      cut: {
        status: found.cut.status,
        totalCost: found.cut.totalCost,
        placements: found.cut.placements
          .slice(0, WEBHOOK_MAX_LIST)
          .map((p) => ({ controlId: p.controlId, elementId: p.elementId })),
      },
    };
    return webhook.deliver(event);
  }

  private logError(fields: object, message: string): void {
    const log = this.options.log;
    if (log?.error) log.error(fields, message);
    else log?.warn(fields, message);
  }

  /**
   * Advisory watch: what one or more CSAF advisories (a batch, applied in order) mean for the
   * model before anything is imported — which devices they affect (EXACT matches, and FUZZY ones
   * the caller confirms), which attack paths to patient harm they open (paths at or above
   * `minSeverity` that use an exploitation step of a new vulnerability), and the cheapest
   * placements that cut those paths, with the total safety risk before and after. Nothing is
   * written; commit each advisory with commitCsaf.
   * @param documents - CSAF 2.0 advisories (JSON), at most 20
   * @param options.fileNames - their file names, index by index
   * @throws ValidationError (`documents[i]…` JSON pointers for a bad advisory, `confirm[j]`);
   *   NotFoundError for the model
   */
  async watchCsaf(
    modelId: string,
    documents: readonly unknown[],
    options: {
      fileNames?: readonly string[];
      confirm?: readonly string[];
      minSeverity?: Severity;
      k?: number;
      timeLimitMs?: number;
    } = {},
  ) {
    if (documents.length === 0 || documents.length > 20)
      throw new ValidationError('give 1 to 20 advisories', 'documents');
    const snap = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    let doc = snap.document;
    const previews: CsafImportPreview[] = [];
    documents.forEach((document, i) => {
      const fileName = options.fileNames?.[i];
      let preview: CsafImportPreview;
      try {
        preview = previewCsafImport(document, doc, catalogue, fileName !== undefined ? { fileName } : {});
      } catch (e) {
        if (e instanceof ValidationError)
          throw new ValidationError(
            e.issues.map((x) => ({ ...x, path: `documents[${i}]${x.path ? `.${x.path}` : ''}` })),
          );
        throw e;
      }
      const ids = new Set([...preview.devices.map((d) => d.deviceId), ...preview.vulnerabilities.map((v) => v.id)]);
      const confirm = (options.confirm ?? []).filter((id) => ids.has(id));
      doc = applyCsafImport(doc, preview, { catalogue, confirm });
      previews.push(preview);
    });
    const confirmed = new Set(options.confirm ?? []);
    const affectedDeviceIds = [
      ...new Set(
        previews.flatMap((p) =>
          p.vulnerabilities
            .filter((v) => v.match === 'EXACT' || confirmed.has(v.deviceId) || confirmed.has(v.id))
            .map((v) => v.deviceId),
        ),
      ),
    ].sort();
    const impact = await this.analysis.newPaths(modelId, doc, {
      minSeverity: options.minSeverity ?? 'SERIOUS',
      k: options.k ?? 1,
      ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    });
    return { modelVersion: snap.version, advisories: previews, affectedDeviceIds, ...impact };
  }

  /**
   * What importing a CSAF advisory into the model would change (nothing is written).
   * @throws ValidationError (JSON pointers into the advisory) for a bad file; NotFoundError for the model
   */
  async previewCsaf(modelId: string, document: unknown, fileName?: string): Promise<Previewed<CsafImportPreview>> {
    const snap = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    const preview = previewCsafImport(document, snap.document, catalogue, fileName !== undefined ? { fileName } : {});
    return { modelVersion: snap.version, preview };
  }

  /**
   * Imports a CSAF advisory: the preview is made again on the model as it is in the write, and its
   * EXACT matches and the confirmed FUZZY ones are written in one transaction with an audit entry
   * "CSAF <tracking id> (<file>, sha256 <hash>)".
   * @throws ValidationError (bad file; `confirm[i]` naming no device or change of the preview);
   *   ConflictError (`expectedVersion`) when the model changed since the preview
   */
  async commitCsaf(
    actor: Actor,
    modelId: string,
    document: unknown,
    options: CommitOptions = {},
  ): Promise<Committed<CsafImportPreview>> {
    const advisory = parseCsafAdvisory(document); // bad files fail here, before the model is read
    let before: ModelDocument | undefined;
    let after: ModelDocument | undefined;
    const note = `CSAF ${advisory.trackingId} (${options.fileName ?? 'file name not given'}, sha256 ${advisory.sha256})`;
    const { result, modelVersion } = await this.models.applyImport(
      actor,
      modelId,
      (doc, catalogue) => {
        before = { ...doc }; // its lists: applyImport puts the new ones into `doc` afterwards
        const preview = previewCsafImport(
          document,
          doc,
          catalogue,
          options.fileName !== undefined ? { fileName: options.fileName } : {},
        );
        const next = applyCsafImport(doc, preview, {
          catalogue,
          ...(options.confirm ? { confirm: options.confirm } : {}),
          ...(options.skip ? { skip: options.skip } : {}),
        });
        after = next;
        return { document: next, result: { preview, counts: counts(doc, next) } };
      },
      {
        note,
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      },
    );
    if (result.counts.vulnerabilitiesWritten > 0) this.afterCommit(modelId, modelVersion, note, before, after);
    return { modelVersion, preview: result.preview, ...result.counts };
  }

  /**
   * What applying an MDS2 (ANSI/NEMA HN 1-2019) form would change: to the device or make and model
   * in `target`, else to every device of the manufacturer (DOC-1) and model (DOC-3) the form
   * names. Nothing is written.
   * @throws ValidationError (the file: not a workbook, zip bomb, formula cells…; `target`);
   *   NotFoundError for the model
   */
  async previewMds2(
    modelId: string,
    bytes: Uint8Array,
    target?: Mds2Target,
    fileName?: string,
  ): Promise<Previewed<Mds2Preview>> {
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    const snap = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    const preview = previewMds2(snap.document, catalogue, profile, mds2Target(profile, target), {
      ...(fileName !== undefined ? { fileName } : {}),
    });
    return { modelVersion: snap.version, preview };
  }

  /**
   * Applies an MDS2 form (as {@link previewMds2}) in one transaction with an audit entry
   * "MDS2 <document id> (<file>, sha256 <hash>)": device flags, interfaces and implemented controls,
   * each with the question ids and answers behind it as its source.
   * @throws as previewMds2; ConflictError (`expectedVersion`) when the model moved on
   */
  async commitMds2(
    actor: Actor,
    modelId: string,
    bytes: Uint8Array,
    options: { target?: Mds2Target; fileName?: string; expectedVersion?: number } = {},
  ): Promise<{ modelVersion: number; preview: Mds2Preview }> {
    const profile = deriveMds2Profile(await readMds2Workbook(bytes)); // bad files fail before the model is read
    const target = mds2Target(profile, options.target);
    const { result, modelVersion } = await this.models.applyImport(
      actor,
      modelId,
      (doc, catalogue) => {
        const { document, preview } = applyMds2(doc, catalogue, profile, target, {
          ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
        });
        return { document, result: preview };
      },
      {
        note: `MDS2 ${profile.document.documentId ?? ''} (${options.fileName ?? 'file name not given'}, sha256 ${profile.sha256})`,
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      },
    );
    return { modelVersion, preview: result };
  }

  /**
   * What a device inventory CSV would change (importers/inventory-csv.ts, upsertDevices' rules):
   * devices created, updated and unchanged, and every problem at its line and column. Nothing is
   * written. @throws ValidationError for a file that is not CSV; NotFoundError for the model
   */
  async previewInventoryCsv(modelId: string, bytes: Uint8Array) {
    const snap = await this.models.snapshot(modelId);
    const catalogue = await this.catalogues.current();
    const { created, updated, unchanged, issues } = applyInventoryCsv(snap.document, bytes, catalogue);
    return { modelVersion: snap.version, created, updated, unchanged, issues };
  }

  /**
   * Applies a device inventory CSV all or nothing, in one transaction with an audit entry naming
   * the file and its SHA-256. @throws ValidationError listing every row problem (path
   * `line N, column C`) when any row has an error; ConflictError (`expectedVersion`)
   */
  async commitInventoryCsv(
    actor: Actor,
    modelId: string,
    bytes: Uint8Array,
    options: { fileName?: string; expectedVersion?: number } = {},
  ) {
    const { result, modelVersion } = await this.models.applyImport(
      actor,
      modelId,
      (doc, catalogue) => {
        const r = applyInventoryCsv(doc, bytes, catalogue);
        if (!r.document) throw inventoryErrors(r.issues);
        return {
          document: r.document,
          result: { created: r.created, updated: r.updated, unchanged: r.unchanged, issues: r.issues },
        };
      },
      {
        note: `Inventory CSV (${options.fileName ?? 'file name not given'}, sha256 ${sha256Hex(bytes)})`,
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      },
    );
    return { modelVersion, ...result };
  }

  /**
   * Another tool's model (OTM 0.2.0, strict; OWASP Threat Dragon v2, lenient) as a new model
   * `modelId`: the mapped document and the report of what could not be mapped. `commit` writes it
   * (one transaction, ConflictError when the id exists); otherwise nothing is written.
   * @throws ValidationError (the file); ConflictError (the model exists)
   */
  async importToolModel(
    actor: Actor,
    modelId: string,
    format: 'otm' | 'threat-dragon',
    document: unknown,
    commit: boolean,
  ): Promise<{ report: ModelImportReport; modelId: string; created: boolean }> {
    const catalogue = await this.catalogues.current();
    const { document: doc, report } =
      format === 'otm' ? importOtm(document, catalogue) : importThreatDragon(document, catalogue);
    doc.model = { ...doc.model, id: modelId };
    if (commit) await this.models.importModel(actor, doc);
    return { report, modelId, created: commit };
  }

  /**
   * What importing a CycloneDX SBOM or VEX onto one device would change (nothing is written).
   * @throws ValidationError (schema violations with JSON pointers; `deviceId`); NotFoundError
   */
  async previewCycloneDx(
    modelId: string,
    deviceId: string,
    document: unknown,
    fileName?: string,
  ): Promise<Previewed<CycloneDxImportPreview>> {
    const snap = await this.models.snapshot(modelId);
    const preview = previewCycloneDxImport(document, snap.document, {
      deviceId,
      ...(fileName !== undefined ? { fileName } : {}),
    });
    return { modelVersion: snap.version, preview };
  }

  /**
   * Imports a CycloneDX SBOM or VEX onto one device in one transaction with an audit entry
   * "CycloneDX <SBOM|VEX> (<file>, sha256 <hash>) on <device>".
   */
  async commitCycloneDx(
    actor: Actor,
    modelId: string,
    deviceId: string,
    document: unknown,
    options: CommitOptions = {},
  ): Promise<Committed<CycloneDxImportPreview>> {
    const bom = parseCycloneDx(document); // bad files fail here, before the model is read
    let before: ModelDocument | undefined;
    let after: ModelDocument | undefined;
    const note = `CycloneDX ${bom.kind} (${options.fileName ?? 'file name not given'}, sha256 ${bom.sha256}) on device '${deviceId}'`;
    const { result, modelVersion } = await this.models.applyImport(
      actor,
      modelId,
      (doc, catalogue) => {
        before = { ...doc }; // its lists: applyImport puts the new ones into `doc` afterwards
        const preview = previewCycloneDxImport(document, doc, {
          deviceId,
          ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
        });
        const next = applyCycloneDxImport(doc, preview, { catalogue, ...(options.skip ? { skip: options.skip } : {}) });
        after = next;
        return { document: next, result: { preview, counts: counts(doc, next) } };
      },
      {
        note,
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      },
    );
    if (result.counts.vulnerabilitiesWritten > 0) this.afterCommit(modelId, modelVersion, note, before, after);
    return { modelVersion, preview: result.preview, ...result.counts };
  }
}

/** How many elements of each kind differ between two documents. */
function counts(
  before: { devices: { id: string }[]; vulnerabilities: { id: string }[]; controlPlacements: { id: string }[] },
  after: typeof before,
): { vulnerabilitiesWritten: number; controlsPlaced: number; devicesChanged: number } {
  const diff = (a: { id: string }[], b: { id: string }[]) => {
    const old = new Map(a.map((e) => [e.id, JSON.stringify(e)]));
    return b.filter((e) => old.get(e.id) !== JSON.stringify(e)).length;
  };
  return {
    vulnerabilitiesWritten: diff(before.vulnerabilities, after.vulnerabilities),
    controlsPlaced: diff(before.controlPlacements, after.controlPlacements),
    devicesChanged: diff(before.devices, after.devices),
  };
}

/** The devices an MDS2 form applies to: those named, else its own make and model (DOC-1, DOC-3). */
function mds2Target(profile: ReturnType<typeof deriveMds2Profile>, target: Mds2Target | undefined): Mds2Target {
  if (target) return target;
  const { manufacturer, model } = profile.document;
  if (!manufacturer || !model)
    throw new ValidationError(
      'the form does not name its manufacturer (DOC-1) and model (DOC-3): name the device, or the make and model',
      'target',
    );
  return { manufacturer, modelName: model };
}

/** The row problems of an inventory CSV as one ValidationError (paths `line N, column C`). */
function inventoryErrors(issues: readonly InventoryIssue[]): ValidationError {
  return new ValidationError(
    issues
      .filter((i) => i.severity === 'error')
      .map((i) => ({ path: `line ${i.line}${i.column ? `, column ${i.column}` : ''}`, message: i.message })),
  );
}
