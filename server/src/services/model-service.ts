/**
 * Threat models: import/export, model headers and create/update/delete of every element kind.
 *
 * Every write follows one path: read a consistent snapshot (cached per model version), apply
 * the change to a copy, validate the resulting document against the exchange schema and the
 * catalogue (domain/model-document.ts), then write only the changed elements in one transaction
 * guarded by the model version (optimistic concurrency, retried on a race). A rejected request
 * therefore changes nothing, and all references stay consistent.
 *
 * Element writes are fast (MedThreat issue 11 point 7): the copy is copy-on-write (only the
 * lists an edit touches are copied, and touched elements are replaced, never changed in place,
 * so the cached snapshot other readers hold never changes), the validation re-checks only what
 * the change can affect (domain/model-change.ts: exactly the problems a whole-document check
 * finds), and the written document, in loaded form, is kept as the snapshot of the new version,
 * so the next read or write does not reload the model.
 */
import { randomBytes } from 'node:crypto';
import type { Database, Tx } from '../graph/database';
import type { AuditChange, AuditRepository } from '../graph/repositories/audit-repository';
import type { SnapshotRecord, SnapshotRepository } from '../graph/repositories/snapshot-repository';
import {
  emptyChangeSet,
  type ChangeSet,
  type InTransaction,
  type ModelRepository,
  type ModelStamp,
} from '../graph/repositories/model-repository';
import type { Actor } from '../domain/auth/principal';
import { LRUCache } from 'lru-cache';
import { DEFAULT_CACHE_BYTES, readOncePerRequest, rememberForRequest } from './analysis-scope';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ServiceUnavailableError,
  StaleVersionError,
  ValidationError,
  withPathPrefix,
  type FieldIssue,
} from '../domain/errors';
import {
  applyDeviceUpsert,
  DEFAULT_UPSERT_BATCH_SIZE,
  findDevicesByIdentifier,
  MAX_UPSERT_BATCH_SIZE,
  MAX_UPSERT_DEVICES,
  normaliseDeviceInput,
  parseDeviceUpsertItems,
  recheckDeviceUpsert,
  type DeviceIdentifierQuery,
  type DeviceUpsertError,
  type DeviceUpsertOutcome,
  type UpsertDevicesResult,
  type UpsertValidation,
} from '../domain/inventory';
import { canonicalModelDocument, validateModelDocument } from '../domain/model-document';
import { validateModelChange } from '../domain/model-change';
import { migrateModelDocument, type MigrationChange } from '../domain/model-migration';
import { ELEMENT_KINDS } from '../domain/model-history';
import { nameSlug } from '../domain/identifiers';
import type {
  Asset,
  Catalogue,
  Channel,
  ControlPlacement,
  Device,
  Interface,
  ModelDocument,
  ThreatModelSummary,
  Vulnerability,
  Zone,
} from '../domain/types';
import { MODEL_FORMAT_VERSION } from '../domain/types';
import type { CatalogueService } from './catalogue-service';

/** The element lists of a model document, by kind. */
export type ElementKind =
  'zones' | 'devices' | 'interfaces' | 'channels' | 'assets' | 'vulnerabilities' | 'controlPlacements';
export type ElementOf<K extends ElementKind> = ModelDocument[K][number];
export type AnyElement = Zone | Device | Interface | Channel | Asset | Vulnerability | ControlPlacement;

/** Id prefixes used when the client does not supply an id. */
const ID_PREFIX: Record<ElementKind, string> = {
  zones: 'zone',
  devices: 'dev',
  interfaces: 'if',
  channels: 'ch',
  assets: 'asset',
  vulnerabilities: 'vuln',
  controlPlacements: 'cp',
};

/** A model snapshot with the version (and creation time) it was read at. */
export interface ModelSnapshot {
  document: ModelDocument;
  version: number;
  createdAt: string;
}

/** Attempts of one write when other writers keep winning the version race (then CONFLICT). */
const MAX_WRITE_ATTEMPTS = 12;
/** The least time after which a write stops trying again (see ModelService withinRetryBudget), ms. */
const WRITE_GIVE_UP_FLOOR_MS = 30_000;

/**
 * Wait before retry `attempt` of a write that lost the version race to another writer (another
 * server instance: writes of one instance are queued, see oneWriterAtATime): random in
 * [0.5, 1] × min(2000, 10 × 2^attempt) ms, so that an instance whose writes keep losing to
 * another's (which has the fresher snapshot cached) gets its turn.
 */
function raceBackoffMs(attempt: number): number {
  return (0.5 + Math.random() / 2) * Math.min(2000, 10 * 2 ** attempt);
}
/**
 * Estimated heap bytes of one element of a loaded model document. Measured 2026-12-02 on the
 * generated 5,000-device hospital (seed 7, 32,606 elements): a structured clone of the document
 * took 269 bytes of heap per element, estimateSize (sized-cache.ts) says 380; rounded up.
 */
const SNAPSHOT_BYTES_PER_ELEMENT = 400;

/** Elements of a model document (zones, devices, interfaces, channels, …, placements). */
function elementCount(doc: ModelDocument): number {
  let n = 0;
  for (const v of Object.values(doc)) if (Array.isArray(v)) n += v.length;
  return n;
}
/** Longest snapshot name (HistoryService SNAPSHOT_LIMITS.name). */
const SNAPSHOT_NAME_MAX = 100;

/** How {@link ModelService.change} copies, validates and caches; the defaults suit every edit. */
interface ChangeMode {
  /** The copy of the snapshot that `edit` changes (default: a deep copy, so edits may mutate freely). */
  copy?: (doc: ModelDocument) => ModelDocument;
  /**
   * Validation of the edited document (default: validateModelDocument on the whole of it), given
   * the snapshot it was made from and the change set the edit returned.
   */
  validate?: (doc: ModelDocument, catalogue: Catalogue, made: { before: ModelDocument; changes: ChangeSet }) => void;
  /**
   * Keep the edited document as the snapshot of the new version, in the form a load gives
   * (loadedForm: lists sorted by id, relationship-backed id lists sorted); only elements in the
   * change set may differ from that form.
   */
  keepSnapshot?: boolean;
  /** With an empty change set write nothing: no version step, no audit entry. */
  skipEmpty?: boolean;
  /** Put first in the audit summary, e.g. the imported file and its SHA-256. */
  note?: string;
  /** The client's expectedVersion: StaleVersionError (nothing written) unless the model is at it. */
  expectedVersion?: number;
  /**
   * May be committed in one transaction with other writes queued on the same model (group
   * commit, ModelService `commitGroup`): edits of the fast path, whose copy, validation and
   * kept snapshot compose from one write to the next.
   */
  batchable?: boolean;
}

/** A batchable write waiting in its model's queue, and how to answer its caller. */
interface QueuedWrite {
  actor: Actor;
  mode: ChangeMode;
  edit: (doc: ModelDocument) => { result: unknown; changes: ChangeSet; focus?: Map<string, string> };
  onVersion: ((version: number) => void) | undefined;
  resolve: (done: Written<unknown>) => void;
  reject: (e: unknown) => void;
}

/** What a write answers: its result and the model state it produced (the version it left unchanged when it wrote nothing). */
interface Written<T> extends ModelStamp {
  result: T;
}

/** Most writes one group commit takes from a model's queue (the rest wait for the next). */
const MAX_GROUP_COMMIT = 32;

/**
 * Placements of `stored` (same id, control and element) may stay although they no longer fit
 * (controls v2). The index is built on the first question (most writes never ask: no misfit).
 */
function storedPlacement(stored: ModelDocument): (p: ControlPlacement) => boolean {
  let keys: Set<string> | undefined;
  return (p) => {
    keys ??= new Set(stored.controlPlacements.map((q) => `${q.id}\u0000${q.controlId}\u0000${q.elementId}`));
    return keys.has(`${p.id}\u0000${p.controlId}\u0000${p.elementId}`);
  };
}

export class ModelService {
  /**
   * modelId → last snapshot read; valid while the stored version is unchanged. Bounded by an
   * estimate of memory (elements × SNAPSHOT_BYTES_PER_ELEMENT, budget MEDTHREAT_MODEL_CACHE_MB),
   * least recently used first out.
   */
  private readonly snapshots: LRUCache<string, ModelSnapshot>;
  /** modelId → the tail of this process's queue of writes to it (see oneWriterAtATime). */
  private readonly writers = new Map<string, Promise<void>>();
  /** modelId → batchable writes waiting for the model's next group commit (see {@link commitGroup}). */
  private readonly queued = new Map<string, QueuedWrite[]>();
  /**
   * How element writes (create/update/delete of any kind, accepted placements) copy, validate and
   * cache: 'fast' (copy-on-write, incremental validation, the written document kept as the next
   * snapshot) or 'full' (deep copy, whole-document validation, snapshot dropped: the path before
   * MedThreat issue 11 point 7, kept for measurement in bench/upsert-devices.ts). Both accept and
   * refuse the same writes with the same problems.
   */
  writePath: 'fast' | 'full' = 'fast';

  constructor(
    private readonly db: Database,
    private readonly repo: ModelRepository,
    private readonly catalogues: CatalogueService,
    private readonly audit: AuditRepository,
    private readonly keptSnapshots: SnapshotRepository,
    cacheBytes: number = DEFAULT_CACHE_BYTES,
  ) {
    this.snapshots = new LRUCache<string, ModelSnapshot>({
      maxSize: Math.max(1, cacheBytes),
      sizeCalculation: (snap) => Math.max(1, elementCount(snap.document) * SNAPSHOT_BYTES_PER_ELEMENT),
    });
  }

  /** The audit entry of a model-level change, written in the change's transaction. */
  private audited(actor: Actor, summary: string, changes: (m: ThreatModelSummary) => AuditChange[]): InTransaction {
    return (tx: Tx, m: ThreatModelSummary) =>
      this.audit.record(tx, actor, { modelId: m.id, modelVersion: m.version, summary, changes: changes(m) });
  }

  /** All model headers, most recently updated first. */
  list(): Promise<ThreatModelSummary[]> {
    return this.repo.list();
  }

  /**
   * One model header, or null. Its version is what the rest of the request reads as the model's
   * version ({@link snapshot}), so a request that asks for the header first reads the version once.
   */
  async get(modelId: string): Promise<ThreatModelSummary | null> {
    const header = await this.repo.get(modelId);
    this.stamped(modelId, header && { version: header.version, createdAt: header.createdAt });
    return header;
  }

  /**
   * The model's stored stamp (version and creation time, null when it does not exist), read once
   * per request (analysis-scope.ts readOncePerRequest) unless `fresh`.
   */
  private stampOf(modelId: string, fresh: boolean): Promise<ModelStamp | null> {
    if (fresh) this.stamped(modelId, undefined);
    return readOncePerRequest(`model:${modelId}`, () => this.repo.version(modelId));
  }

  /** What the current request knows of the model's stamp after a write or a fresher read (undefined: read again). */
  private stamped(modelId: string, stamp: ModelStamp | null | undefined): void {
    rememberForRequest(`model:${modelId}`, stamp);
  }

  /**
   * A consistent snapshot of the model, from the cache when its version is current (one cheap
   * version query, made once per request: every field of a request sees the same version),
   * otherwise loaded with a handful of queries. Callers must not mutate it.
   * `fresh`: read the version again even if this request has read it (writers).
   * Throws NotFoundError.
   */
  async snapshot(modelId: string, fresh = false): Promise<ModelSnapshot> {
    for (let attempt = 1; ; attempt++) {
      const stamp = await this.stampOf(modelId, fresh || attempt > 1);
      if (stamp === null) throw new NotFoundError(`model '${modelId}' does not exist`, 'modelId');
      const hit = this.snapshots.get(modelId); // also makes it the most recently used
      if (hit && hit.version === stamp.version && hit.createdAt === stamp.createdAt) return hit;
      if (hit && attempt === 1 && !fresh && hit.createdAt === stamp.createdAt && hit.version > stamp.version) {
        // the version this request read is older than the one kept (a write since): ask Neo4j
        // for the version again (a round trip) rather than load the whole model
        continue;
      }
      try {
        const loaded = await this.repo.load(modelId);
        this.remember(modelId, loaded);
        this.stamped(modelId, { version: loaded.version, createdAt: loaded.createdAt });
        return loaded;
      } catch (e) {
        // the model changed while it was read: read again (a few times), never serve a mixed state
        if (!(e instanceof ConflictError) || attempt >= MAX_WRITE_ATTEMPTS + 2) throw e;
      }
    }
  }

  private remember(modelId: string, snap: ModelSnapshot): void {
    this.snapshots.set(modelId, snap); // a model larger than the whole budget is not kept
  }

  /** The model as a canonical exchange document (seeds/model.schema.json). Throws NotFoundError. */
  async exportModel(modelId: string): Promise<ModelDocument> {
    return canonicalModelDocument((await this.snapshot(modelId)).document);
  }

  /**
   * Validates and imports an exchange document in one transaction.
   *
   * With `replace` over an existing model nothing is lost: the same transaction stores an
   * AUTOMATIC snapshot of the replaced document (named "auto: before import replace at <time> by
   * <actor>", at the version replaced) and names it in the import's audit entry, so every earlier
   * version stays exportable (HistoryService.documentAt rebuilds across the import from it) and
   * the replaced model can be imported back. Only an ADMIN may delete that snapshot. The replaced
   * document is the one at the version the header step locks (re-read and retried otherwise).
   * @param options.replace overwrite an existing model with the same id (default false)
   * @param options.targetModelId import under this id instead of document.model.id
   * @param options.keepMisfits keep placements whose control no longer fits their element (start-up migration; the control review lists them)
   * @param options.expectedVersion optimistic concurrency: the version of the model being replaced
   *   that the client last loaded; checked under the model's write lock in the import's transaction
   * @throws StaleVersionError (CONFLICT, field `expectedVersion`, nothing written) when the model
   *   replaced is at another version; NotFoundError when expectedVersion is given and the model does
   *   not exist; ValidationError (paths prefixed `document.`; nothing written, not even the snapshot),
   *   ConflictError (`document.model.id`) if the id exists and replace is false, ConflictError
   *   (`modelId`) when other writers kept changing the model during every attempt
   */
  async importModel(
    actor: Actor,
    document: unknown,
    options: { replace?: boolean; targetModelId?: string; keepMisfits?: boolean; expectedVersion?: number } = {},
    note?: string,
  ): Promise<ThreatModelSummary> {
    const catalogue = await this.catalogues.current();
    let candidate = document;
    if (options.targetModelId !== undefined && isObject(document) && isObject(document['model'])) {
      candidate = { ...document, model: { ...document['model'], id: options.targetModelId } };
    }
    const doc = withPathPrefix('document', () =>
      validateModelDocument(candidate, catalogue, options.keepMisfits ? { misfitAllowed: () => true } : {}),
    );
    const canonical = canonicalModelDocument(doc);
    const replace = options.replace ?? false;
    const modelId = canonical.model.id;
    const counts = ELEMENT_KINDS.map((k) => `${canonical[k].length} ${k}`).join(', ');
    const summary = await this.oneWriterAtATime(modelId, async () => {
      for (let attempt = 1; ; attempt++) {
        // the model as it is now (consistent, cached): what a replace keeps as its snapshot
        const before = replace && (await this.repo.version(modelId)) ? await this.snapshotOrNull(modelId, true) : null;
        if (options.expectedVersion !== undefined && before && before.version !== options.expectedVersion) {
          throw new StaleVersionError(modelId, options.expectedVersion, before.version);
        }
        try {
          return await this.repo.importDocument(
            canonical,
            replace,
            before && { version: before.version, createdAt: before.createdAt },
            async (tx, m, replaced) => {
              const kept = replaced && before ? await this.keepReplaced(tx, actor, m, before) : null;
              // The import's own element images are not kept (a model can have 10k+ devices): the
              // history before it is rebuilt from the kept snapshot instead.
              await this.audit.record(tx, actor, {
                modelId: m.id,
                modelVersion: m.version,
                summary:
                  `imported a model document (${counts})` +
                  (kept ? `, replacing version ${before!.version}, kept as snapshot '${kept.name}'` : '') +
                  (note ? `; ${note}` : ''),
                changes: [
                  {
                    kind: 'model',
                    id: m.id,
                    before: null,
                    after: { id: m.id, name: m.name, description: m.description ?? null },
                  },
                  ...(kept
                    ? [
                        {
                          kind: 'snapshot',
                          id: kept.id,
                          before: null,
                          after: {
                            id: kept.id,
                            name: kept.name,
                            kind: kept.kind,
                            note: kept.note,
                            modelVersion: kept.modelVersion,
                          },
                        },
                      ]
                    : []),
                ],
              });
            },
            options.expectedVersion,
          );
        } catch (e) {
          const raced = e instanceof ConflictError && e.field === 'modelId';
          if (!raced || attempt >= MAX_WRITE_ATTEMPTS) throw e;
          await new Promise((r) => setTimeout(r, raceBackoffMs(attempt)));
        } finally {
          this.snapshots.delete(modelId);
          this.stamped(modelId, undefined);
        }
      }
    });
    return summary;
  }

  /**
   * Start-up migration of stored models to the current exchange format (docs/attack-model.md §8):
   * every model not yet checked under {@link MODEL_FORMAT_VERSION} is loaded and migrated as a 1.0
   * document would be (exact duplicate channels merged, their placements and vulnerabilities moved);
   * a model that changes is rewritten in one transaction, as a replacing import with an audit entry
   * listing the changes, and every checked model is marked so that the next start skips it.
   * Snapshot documents and audit before-images are migrated when they are read instead.
   * @returns one entry per model checked, with the changes made (empty when it was already current)
   */
  async migrateStoredModels(actor: Actor): Promise<{ modelId: string; changes: MigrationChange[] }[]> {
    const report: { modelId: string; changes: MigrationChange[] }[] = [];
    for (const modelId of await this.repo.modelsToMigrate(MODEL_FORMAT_VERSION)) {
      let document: ModelDocument;
      try {
        document = (await this.snapshot(modelId)).document;
      } catch (e) {
        if (e instanceof NotFoundError) continue; // deleted meanwhile
        throw e;
      }
      const migrated = migrateModelDocument({ ...document, formatVersion: '1.0' });
      if (migrated.changes.length > 0) {
        await this.importModel(
          { ...actor, action: 'migrate-format' },
          migrated.document,
          { replace: true, keepMisfits: true },
          `migrated to format ${MODEL_FORMAT_VERSION}: ${migrated.changes.map((c) => `${c.path}: ${c.message}`).join('; ')}`,
        );
      }
      await this.repo.setFormatVersion(modelId, MODEL_FORMAT_VERSION);
      report.push({ modelId, changes: migrated.changes });
    }
    return report;
  }

  /** The snapshot of a model, or null when it does not exist (deleted since it was seen). */
  private async snapshotOrNull(modelId: string, fresh = false): Promise<ModelSnapshot | null> {
    try {
      return await this.snapshot(modelId, fresh);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  }

  /**
   * Stores, in the import's transaction, the AUTOMATIC snapshot of the document an import with
   * replace overwrites. Its risk totals are computed when first read (HistoryService), so an
   * import never waits for (or fails on) an analysis of the model it replaces.
   */
  private async keepReplaced(
    tx: Tx,
    actor: Actor,
    m: ThreatModelSummary,
    before: ModelSnapshot,
  ): Promise<SnapshotRecord> {
    const document = canonicalModelDocument(before.document);
    const name = `auto: before import replace at ${new Date().toISOString()} by ${actor.principal.name}`.slice(
      0,
      SNAPSHOT_NAME_MAX,
    );
    const record = await this.keptSnapshots.create(tx, m.id, before.createdAt, {
      id: `snap-${randomBytes(6).toString('hex')}`,
      name,
      kind: 'AUTOMATIC',
      note:
        `Kept automatically: model version ${before.version} as it was before an import replaced it ` +
        `(version ${m.version}). Export it to get the model back; only an ADMIN can delete it.`,
      modelVersion: before.version,
      createdById: actor.principal.id,
      createdByName: actor.principal.name,
      document,
      riskTotals: null,
      counts: Object.fromEntries(ELEMENT_KINDS.map((k) => [k, document[k].length])),
    });
    // the header step matched before.createdAt under the lock, so the model is there
    if (!record) throw new ConflictError(`model '${m.id}' was replaced meanwhile; retry`, 'modelId');
    return record;
  }

  /** Creates an empty model. ConflictError if the id exists; ValidationError for a bad id or name. */
  async createModel(actor: Actor, id: string, name: string, description?: string): Promise<ThreatModelSummary> {
    checkModelId(id);
    if (!name.trim()) throw new ValidationError('name must not be empty', 'name');
    const created = await this.repo.create(
      id,
      name,
      description,
      this.audited(actor, `created model '${name}'`, (m) => [
        { kind: 'model', id, before: null, after: { id, name: m.name, description: m.description ?? null } },
      ]),
    );
    this.stamped(id, { version: created.version, createdAt: created.createdAt });
    return created;
  }

  /**
   * Changes a model's name and/or description. NotFoundError if absent; with `expectedVersion`
   * StaleVersionError (CONFLICT, nothing written) when the model is at another version.
   */
  async updateModel(
    actor: Actor,
    id: string,
    name?: string | null,
    description?: string | null,
    expectedVersion?: number,
  ): Promise<ThreatModelSummary> {
    const current = await this.repo.get(id);
    this.stamped(id, undefined);
    if (!current) throw new NotFoundError(`model '${id}' does not exist`, 'id');
    if (name !== undefined && (name === null || !name.trim()))
      throw new ValidationError('name must not be empty', 'name');
    const nextDescription = description === undefined ? current.description : (description ?? undefined);
    const updated = await this.repo.updateInfo(
      id,
      name ?? current.name,
      nextDescription,
      this.audited(actor, 'changed the model name or description', (m) => [
        {
          kind: 'model',
          id,
          before: { id, name: current.name, description: current.description ?? null },
          after: { id, name: m.name, description: m.description ?? null },
        },
      ]),
      expectedVersion,
    );
    // The header step is one version step: a snapshot of the version before it is the new
    // version with the old header, so it stays warm (versions are never reused within a createdAt).
    this.stamped(id, { version: updated.version, createdAt: updated.createdAt });
    const cached = this.snapshots.peek(id);
    if (cached && cached.version === updated.version - 1 && cached.createdAt === updated.createdAt) {
      const model = stripUndefined({ id, name: updated.name, description: updated.description });
      this.remember(id, {
        document: { ...cached.document, model },
        version: updated.version,
        createdAt: updated.createdAt,
      });
    }
    return updated;
  }

  /**
   * Deletes a model with all its elements; false if it did not exist. With `expectedVersion`:
   * NotFoundError if absent, StaleVersionError (CONFLICT, nothing deleted) at another version.
   */
  async deleteModel(actor: Actor, id: string, expectedVersion?: number): Promise<boolean> {
    this.snapshots.delete(id);
    this.stamped(id, undefined);
    return this.repo.delete(
      id,
      this.audited(actor, `deleted model '${id}' with all its elements`, (m) => [
        { kind: 'model', id, before: { id, name: m.name, description: m.description ?? null }, after: null },
      ]),
      expectedVersion,
    );
  }

  /**
   * Creates an element of `kind`. `input.id` is generated when absent. Errors:
   * ValidationError (paths prefixed `input.`), ConflictError for a duplicate id, NotFoundError for the model.
   * `expectedVersion` (every element write takes it): the model version the client last loaded;
   * StaleVersionError (CONFLICT with the current version, nothing written) when it is stale.
   */
  async createElement<K extends ElementKind>(
    actor: Actor,
    modelId: string,
    kind: K,
    input: Partial<ElementOf<K>>,
    expectedVersion?: number,
  ): Promise<ElementOf<K>> {
    return this.change(actor, modelId, this.editMode(expectedVersion), (doc) => {
      const id = input.id ?? generateId(ID_PREFIX[kind], (input as { name?: string }).name);
      if (findElement(doc, id)) {
        throw new ConflictError(`an element with id '${id}' already exists in model '${modelId}'`, 'input.id');
      }
      const given = kind === 'devices' ? normaliseDeviceInput(input) : input;
      const element = stripUndefined({ ...given, id }) as ElementOf<K>;
      // appended, as the client's element comes last in its list (a clash is reported on it); the
      // kept snapshot is put back in id order (loadedForm)
      (doc[kind] as ElementOf<K>[]) = [...(doc[kind] as ElementOf<K>[]), element];
      const changes = emptyChangeSet();
      (changes[kind] as ElementOf<K>[]).push(element);
      return { result: element, changes, focus: new Map([[`${kind}[${doc[kind].length - 1}]`, 'input']]) };
    });
  }

  /**
   * Changes an element: fields absent from `patch` stay, null clears an optional field.
   * Errors: NotFoundError, ValidationError (paths prefixed `patch.`).
   */
  async updateElement<K extends ElementKind>(
    actor: Actor,
    modelId: string,
    kind: K,
    id: string,
    patch: Record<string, unknown>,
    expectedVersion?: number,
  ): Promise<ElementOf<K>> {
    return this.change(actor, modelId, this.editMode(expectedVersion), (doc) => {
      const list = (doc[kind] as ElementOf<K>[]).slice();
      (doc[kind] as ElementOf<K>[]) = list;
      const index = list.findIndex((e) => e.id === id);
      if (index < 0) throw new NotFoundError(`${singular(kind)} '${id}' does not exist in model '${modelId}'`, 'id');
      const merged: Record<string, unknown> = { ...list[index]! };
      const given = kind === 'devices' ? normaliseDeviceInput(patch) : patch;
      for (const [k, v] of Object.entries(given)) {
        if (v === undefined) continue;
        if (k === 'id') continue;
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const element = merged as unknown as ElementOf<K>;
      list[index] = element;
      const changes = emptyChangeSet();
      (changes[kind] as ElementOf<K>[]).push(element);
      return { result: element, changes, focus: new Map([[`${kind}[${index}]`, 'patch']]) };
    });
  }

  /**
   * Deletes an element and what cannot exist without it (a device's interfaces, assets,
   * channels and vulnerabilities; placements on any removed element); references from surviving
   * elements are removed (zone from exposures, ranges and zone links, interface from channels, a
   * host from its hosted software). Returns the
   * removed ids and the new model version. Errors: NotFoundError; ConflictError when a device
   * would be left in no zone.
   */
  async deleteElement(
    actor: Actor,
    modelId: string,
    kind: ElementKind,
    id: string,
    expectedVersion?: number,
  ): Promise<{ deletedIds: string[]; modelVersion: number }> {
    let newVersion = 0;
    const deletedIds = await this.change(
      actor,
      modelId,
      this.editMode(expectedVersion),
      (doc) => {
        if (!(doc[kind] as AnyElement[]).some((e) => e.id === id)) {
          throw new NotFoundError(`${singular(kind)} '${id}' does not exist in model '${modelId}'`, 'id');
        }
        const { removed, changes } = cascadeDelete(doc, id);
        return { result: removed, changes };
      },
      (v) => (newVersion = v),
    );
    return { deletedIds, modelVersion: newVersion };
  }

  /**
   * Writes what an evidence importer derived (CSAF advisory, CycloneDX SBOM/VEX: server/src/importers),
   * all or nothing, in one transaction with one audit entry whose summary starts with `note`
   * (name the source file and its SHA-256 there). `build` gets the current model and catalogue and
   * returns the new document (validated) and a result; only devices, interfaces, vulnerabilities
   * and control placements may change (an importer adds and updates, never deletes). Nothing is written when
   * nothing changes. Retried on a concurrent write unless `expectedVersion` is given.
   * @throws ConflictError (`expectedVersion`) when the model is no longer at that version;
   *   ValidationError from `build`; NotFoundError for the model
   */
  async applyImport<T>(
    actor: Actor,
    modelId: string,
    build: (doc: ModelDocument, catalogue: Catalogue) => { document: ModelDocument; result: T },
    options: { note: string; expectedVersion?: number },
  ): Promise<{ result: T; modelVersion: number }> {
    const catalogue = await this.catalogues.current();
    let modelVersion = 0;
    const result = await this.change(
      actor,
      modelId,
      {
        note: options.note,
        skipEmpty: true,
        ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      },
      (doc) => {
        const { document, result } = build(doc, catalogue);
        const changes = emptyChangeSet();
        const changed = <E extends { id: string }>(before: readonly E[], after: readonly E[]): E[] => {
          const old = new Map(before.map((e) => [e.id, JSON.stringify(e)]));
          return after.filter((e) => old.get(e.id) !== JSON.stringify(e));
        };
        changes.devices = changed(doc.devices, document.devices);
        changes.interfaces = changed(doc.interfaces, document.interfaces);
        changes.vulnerabilities = changed(doc.vulnerabilities, document.vulnerabilities);
        changes.controlPlacements = changed(doc.controlPlacements, document.controlPlacements);
        doc.devices = document.devices;
        doc.interfaces = document.interfaces;
        doc.vulnerabilities = document.vulnerabilities;
        doc.controlPlacements = document.controlPlacements;
        return { result, changes };
      },
      (v) => (modelVersion = v),
    );
    return { result, modelVersion };
  }

  /**
   * Accepts recommended placements as PLANNED control placements, all in one transaction. A
   * placement of the same control on the same element that already exists is returned as it is.
   * Errors: ValidationError (paths `placements[i]...`) when a control does not exist or does not
   * fit its element; NotFoundError for the model.
   */
  async acceptPlacements(
    actor: Actor,
    modelId: string,
    placements: { controlId: string; elementId: string; cost?: number }[],
    expectedVersion?: number,
  ): Promise<ControlPlacement[]> {
    if (placements.length > 1000) throw new ValidationError('at most 1000 placements per call', 'placements');
    return this.change(actor, modelId, this.editMode(expectedVersion), (doc) => {
      const changes = emptyChangeSet();
      const result: ControlPlacement[] = [];
      const seen = new Map(doc.controlPlacements.map((p) => [`${p.controlId}\u0000${p.elementId}`, p]));
      const focus = new Map<string, string>();
      const added: ControlPlacement[] = [];
      placements.forEach((p, i) => {
        const key = `${p.controlId}\u0000${p.elementId}`;
        const existing = seen.get(key);
        if (existing) {
          if (!result.includes(existing)) result.push(existing);
          return;
        }
        const placement: ControlPlacement = stripUndefined({
          id: generateId('cp', `${p.controlId} ${p.elementId}`),
          controlId: p.controlId,
          elementId: p.elementId,
          status: 'PLANNED' as const,
          cost: p.cost,
          note: 'accepted from a recommendation',
        });
        focus.set(`controlPlacements[${doc.controlPlacements.length + added.length}]`, `placements[${i}]`);
        added.push(placement);
        changes.controlPlacements.push(placement);
        seen.set(key, placement);
        result.push(placement);
      });
      // appended (copy-on-write); the kept snapshot is put back in id order (loadedForm)
      doc.controlPlacements = [...doc.controlPlacements, ...added];
      return { result, changes, focus };
    });
  }

  /**
   * Creates or updates devices by the caller's `externalId` (a CMDB feed), in transactional
   * batches of `batchSize` devices (default 500, at most 2000), each one write with the version
   * guard and one audit entry. Idempotent: sending the same items again writes nothing.
   *
   * Every item is checked before anything is written (domain/inventory.ts: form, resolution,
   * then validateModelDocument's rules on the devices and what reads them); an invalid item is
   * reported in `errors` (paths `devices[i]...`) and left out, the valid ones are written. An
   * item equal to the stored device counts as unchanged and writes nothing; a batch with nothing
   * to write is not a transaction, so the model version only moves when something changed. A
   * batch that cannot be written (the model kept changing, the database went away) stops the
   * call: its items and the later ones are reported as NOT_WRITTEN, earlier batches stay.
   *
   * Cost: the model is read once (cached per version); each batch validates only its own devices
   * and the elements their rules reach (`validation: 'full'` validates the whole document per
   * batch instead; kept for measurement), and its written state becomes the cached snapshot of
   * the next version, so batches do not re-read the model.
   *
   * @param devices items of DeviceUpsertInput shape (externalId required), at most 10 000
   * @param options.expectedVersion the model version the client last loaded: the first batch is
   *   written only on that version and each later one only on the version the batch before it
   *   wrote, so no other write slips in between (a later batch that meets another writer is
   *   reported NOT_WRITTEN, as above)
   * @throws StaleVersionError (CONFLICT, nothing written) when the model is not at
   *   `options.expectedVersion`; ValidationError for more than 10 000 items or a batchSize outside 1..2000 (nothing
   *   written); NotFoundError for the model
   */
  async upsertDevices(
    actor: Actor,
    modelId: string,
    devices: readonly unknown[],
    options: { batchSize?: number; validation?: UpsertValidation; expectedVersion?: number } = {},
  ): Promise<UpsertDevicesResult> {
    if (devices.length > MAX_UPSERT_DEVICES) {
      throw new ValidationError(
        `at most ${MAX_UPSERT_DEVICES} devices per call (got ${devices.length}); split the feed into several calls`,
        'devices',
      );
    }
    const batchSize = options.batchSize ?? DEFAULT_UPSERT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_UPSERT_BATCH_SIZE) {
      throw new ValidationError(`batchSize must be an integer from 1 to ${MAX_UPSERT_BATCH_SIZE}`, 'batchSize');
    }
    const mode = options.validation ?? 'incremental';
    // fresh: expectedVersion is checked against the model as it is, not as this request read it
    const snap = await this.snapshot(modelId, true);
    let expected = options.expectedVersion;
    if (expected !== undefined && snap.version !== expected)
      throw new StaleVersionError(modelId, expected, snap.version);
    const catalogue = await this.catalogues.current();
    const parsed = parseDeviceUpsertItems(devices);
    const plan = applyDeviceUpsert(snap.document, parsed.items, catalogue, mode);
    const errors: DeviceUpsertError[] = [...parsed.errors, ...plan.errors];
    const totals = { created: 0, updated: 0, unchanged: plan.unchanged.length, batches: 0 };
    let modelVersion = snap.version;
    const pending = plan.written;
    for (let start = 0; start < pending.length; start += batchSize) {
      const chunk = pending.slice(start, start + batchSize);
      let outcome: DeviceUpsertOutcome | undefined;
      let before: ModelDocument | undefined;
      try {
        const done = await this.change(
          actor,
          modelId,
          {
            copy: (d) => ({ ...d }),
            // the gate: what is written passes the same checks the items passed
            validate: (_doc, cat) => {
              const problems = recheckDeviceUpsert(before!, outcome!, cat, mode);
              if (problems.length) {
                throw new ValidationError(problems.map((p) => ({ path: p.field, message: p.message })));
              }
            },
            keepSnapshot: true,
            skipEmpty: true,
            ...(expected !== undefined ? { expectedVersion: expected } : {}),
          },
          (doc) => {
            before = { ...doc };
            outcome = applyDeviceUpsert(before, chunk, catalogue, mode);
            doc.devices = outcome.document.devices;
            const changes = emptyChangeSet();
            changes.devices = outcome.changed.map((c) => c.device);
            return { result: outcome, changes };
          },
          (v) => {
            modelVersion = v;
            if (expected !== undefined) expected = v; // the next batch writes on this one
          },
        );
        totals.created += done.created.length;
        totals.updated += done.updated.length;
        totals.unchanged += done.unchanged.length;
        if (done.changed.length) totals.batches++;
        errors.push(...done.errors);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        // a stale expectedVersion before anything was written: the whole call is refused
        if (e instanceof StaleVersionError && totals.batches === 0) throw e;
        for (const item of pending.slice(start)) {
          errors.push({
            index: item.index,
            externalId: item.externalId,
            code: 'NOT_WRITTEN',
            field: `devices[${item.index}]`,
            message: `not written: ${e.message}; ${totals.batches} earlier batch(es) were written; send the call again (it is idempotent)`,
          });
        }
        break;
      }
    }
    errors.sort((a, b) => a.index - b.index || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
    return {
      ...totals,
      failed: new Set(errors.map((e) => e.index)).size,
      errors,
      modelVersion,
    };
  }

  /**
   * The devices with an identifier (exactly one of externalId, ipAddress, macAddress, assetTag;
   * addresses are normalised first), in id order, from the snapshot (an index built once per
   * model version). Throws NotFoundError for the model, ValidationError for the query.
   */
  async devicesByIdentifier(modelId: string, query: DeviceIdentifierQuery): Promise<Device[]> {
    return findDevicesByIdentifier((await this.snapshot(modelId)).document, query);
  }

  /** Finds an element of any kind in the current snapshot, or null. */
  async element(modelId: string, id: string): Promise<{ kind: ElementKind; element: AnyElement } | null> {
    const { document } = await this.snapshot(modelId);
    return findElement(document, id);
  }

  /**
   * The change mode of a plain element edit with the client's optional expectedVersion. Fast
   * (see {@link writePath}): a shallow copy of the document (edits replace the lists and elements
   * they change), validation of what the change affects (validateModelChange: the same verdict
   * and problems as validating the whole document, stored placements may stay unfit), and the
   * written document kept as the snapshot of the new version.
   */
  private editMode(expectedVersion: number | undefined): ChangeMode {
    const expected = expectedVersion === undefined ? {} : { expectedVersion };
    if (this.writePath === 'full') return expected;
    return {
      copy: (d) => ({ ...d }),
      validate: (doc, catalogue, { before, changes }) =>
        validateModelChange(before, doc, changes, catalogue, { misfitAllowed: storedPlacement(before) }),
      keepSnapshot: true,
      batchable: true,
      ...expected,
    };
  }

  /**
   * The single write path: snapshot → edit a copy → validate → write the
   * change set and its audit entry (before/after image of every element touched) under the
   * version guard, in one transaction; retried when another writer got there first.
   * `mode` may replace the copy and the validation (batch upserts) and skip empty changes.
   */
  private change<T>(
    actor: Actor,
    modelId: string,
    mode: ChangeMode,
    edit: (doc: ModelDocument) => { result: T; changes: ChangeSet; focus?: Map<string, string> },
    onVersion?: (version: number) => void,
  ): Promise<T> {
    const written = mode.batchable
      ? new Promise<Written<unknown>>((resolve, reject) => {
          let queued = this.queued.get(modelId);
          if (!queued) {
            // the first write of a group takes a turn in the model's queue; writes arriving before
            // that turn comes join it and are committed with it
            this.queued.set(modelId, (queued = []));
            const group = queued;
            void this.oneWriterAtATime(modelId, () => {
              this.queued.delete(modelId);
              return this.commitGroup(modelId, group);
            }).catch((e: unknown) => group.forEach((w) => w.reject(e))); // never leave a writer waiting
          }
          queued.push({ actor, mode, edit, onVersion, resolve, reject });
        })
      : this.oneWriterAtATime(modelId, () => this.changeNow(actor, modelId, edit, onVersion, mode));
    return written.then(({ result, version, createdAt }) => {
      this.stamped(modelId, { version, createdAt }); // in the writer's own request
      return result as T;
    });
  }

  /**
   * Commits the batchable writes queued on one model (group commit, issue 11 point 7): each is
   * applied, in arrival order, to the document the ones before it left, validated and answered
   * exactly as if it had been written alone (a refused one changes nothing and gets its own
   * error; an expectedVersion is compared with the version the writes before it lead to), and all
   * accepted ones go to Neo4j in one transaction: their merged change set, one version step and
   * one audit entry each (versions read.version + 1, + 2, … in order). One write alone takes the
   * single path ({@link changeNow}); a transaction failing for any reason but a race falls back to
   * writing them one by one, so each gets the answer it would have had.
   */
  private async commitGroup(modelId: string, queued: QueuedWrite[]): Promise<void> {
    for (let from = 0; from < queued.length; from += MAX_GROUP_COMMIT) {
      const group = queued.slice(from, from + MAX_GROUP_COMMIT);
      if (group.length === 1) {
        await this.writeAlone(modelId, group[0]!);
        continue;
      }
      try {
        await this.changeGroup(modelId, group);
      } catch (e) {
        // The database cannot be reached (after the driver's retries; not a transient error of a
        // reachable database such as a deadlock, which the writes alone may pass): each write alone would
        // get the same answer, one after the other, while the model's queue waits behind them
        // (measured: writes sent after a Neo4j restart waited up to 14 s for such a group).
        if (e instanceof ServiceUnavailableError && this.db.unreachable) {
          for (const w of group) w.reject(e);
          continue;
        }
        // not a race (e.g. a constraint of the database): one by one, each with its own answer
        for (const w of group) await this.writeAlone(modelId, w);
      }
    }
  }

  /** A queued write on the single path ({@link changeNow}); answers it, never throws. */
  private async writeAlone(modelId: string, w: QueuedWrite): Promise<void> {
    await this.changeNow(w.actor, modelId, w.edit, w.onVersion, w.mode).then(w.resolve, w.reject);
  }

  /**
   * The model and catalogue a write is computed on. With `trustKept` (the optimistic first try of
   * fast writes): the snapshot this process keeps (its own last write, or the last read) and the
   * catalogue it last read, without asking Neo4j whether they are still current; the write
   * transaction checks both under the model's lock (applyChanges), and a mismatch tries again
   * without it. `optimistic` says whether the kept copy was used (false when none is kept).
   * Otherwise both read afresh, in parallel (a writer must not trust what its request read before).
   */
  private async readForWrite(
    modelId: string,
    trustKept: boolean,
  ): Promise<{ snap: ModelSnapshot; catalogue: Catalogue; optimistic: boolean }> {
    const kept = trustKept ? this.snapshots.get(modelId) : undefined;
    if (kept) return { snap: kept, catalogue: await this.catalogues.lastRead(), optimistic: true };
    const [snap, catalogue] = await Promise.all([this.snapshot(modelId, true), this.catalogues.current(true)]);
    return { snap, catalogue, optimistic: false };
  }

  /**
   * One group commit (see {@link commitGroup}); answers every write of `group` when it succeeds,
   * and those refused when it could decide them. Throws (answering none) when the transaction
   * failed for a reason other than a race, which the caller then settles write by write.
   */
  private async changeGroup(modelId: string, group: QueuedWrite[]): Promise<void> {
    // races lost to other writers so far; the optimistic first try (trustKept) is not counted
    let trustKept = true;
    const started = Date.now();
    for (let races = 0; ;) {
      this.withinRetryBudget(started);
      const { snap, catalogue, optimistic } = await this.readForWrite(modelId, trustKept);
      trustKept = false;
      // each write in turn on what the ones before it left; refusals are only final on fresh reads
      let doc = snap.document;
      let version = snap.version;
      const accepted: { w: QueuedWrite; result: unknown; version: number; summary: string; audit: AuditChange[] }[] =
        [];
      const refused: { w: QueuedWrite; error: unknown }[] = [];
      const changeSets: ChangeSet[] = [];
      let stale = false;
      for (const w of group) {
        if (w.mode.expectedVersion !== undefined && w.mode.expectedVersion !== version) {
          if (optimistic) stale = true;
          else refused.push({ w, error: new StaleVersionError(modelId, w.mode.expectedVersion, version) });
          if (stale) break;
          continue;
        }
        const copy = w.mode.copy!(doc);
        let edited: ReturnType<QueuedWrite['edit']>;
        try {
          edited = w.edit(copy);
          w.mode.validate!(copy, catalogue, { before: doc, changes: edited.changes });
        } catch (e) {
          if (optimistic && e instanceof DomainError) {
            stale = true;
            break;
          }
          refused.push({ w, error: answerOfRefusal(e, edited!) });
          continue;
        }
        const audit = auditChanges(doc, copy, edited.changes);
        doc = loadedForm(copy, edited.changes);
        version += 1;
        changeSets.push(edited.changes);
        accepted.push({ w, result: edited.result, version, summary: describe(audit), audit });
      }
      if (stale) continue; // decided on the kept copy: decide again on fresh reads
      if (accepted.length > 0) {
        try {
          await this.db.write(async (tx) => {
            const read = {
              version: snap.version,
              createdAt: snap.createdAt,
              catalogueVersion: catalogue.catalogueVersion,
            };
            await Promise.all([
              this.repo.applyChanges(tx, modelId, read, mergeChangeSets(changeSets), undefined, accepted.length),
              ...accepted.map((a) =>
                this.audit.record(tx, a.w.actor, {
                  modelId,
                  modelVersion: a.version,
                  summary: a.summary,
                  changes: a.audit,
                }),
              ),
            ]);
          });
        } catch (e) {
          if (!(e instanceof ConflictError && e.field === 'modelId')) throw e;
          if (optimistic) continue; // the kept copy was old: at once on fresh reads
          if (++races >= MAX_WRITE_ATTEMPTS) throw e;
          await new Promise((r) => setTimeout(r, raceBackoffMs(races)));
          continue;
        }
        this.remember(modelId, { document: doc, version, createdAt: snap.createdAt });
      }
      for (const a of accepted) {
        a.w.onVersion?.(a.version);
        a.w.resolve({ result: a.result, version: a.version, createdAt: snap.createdAt });
      }
      for (const r of refused) r.w.reject(r.error);
      return;
    }
  }

  /**
   * At the start of each try of a write (so, in effect, before it tries again: fresh reads after a
   * lost race or a refusal on the kept copy): throws ServiceUnavailableError once the write has
   * taken longer than twice the database's retry budget (maxTransactionRetryTime, 15 s by
   * default), and at least 30 s. Each step already retries an unavailable database for that
   * budget, and lost races back off at most 10.5 s in all (MAX_WRITE_ATTEMPTS, raceBackoffMs:
   * 20 + 40 + … + 1280 + 4 × 2000 ms), so only a database that could not serve
   * for that long gets here; without the bound a write caught by a Neo4j restart went on to re-read
   * the model once its transaction had failed after 31 s, and held its model's queue for 40 s
   * (measured under `npm run load`), so writes sent after the database was back waited behind it.
   */
  private withinRetryBudget(started: number): void {
    if (Date.now() - started > Math.max(2 * this.db.maxRetryMs, WRITE_GIVE_UP_FLOOR_MS)) {
      throw new ServiceUnavailableError('the database could not complete this write in time; retry shortly');
    }
  }

  /**
   * Runs the writes of one model in this process one after the other (in arrival order), so they
   * do not race each other for the version and retry; the version guard still settles races with
   * other server instances. Writes to different models run in parallel.
   */
  private oneWriterAtATime<T>(modelId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.writers.get(modelId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.writers.set(modelId, tail);
    void tail.then(() => {
      if (this.writers.get(modelId) === tail) this.writers.delete(modelId);
    });
    return run;
  }

  private async changeNow<T>(
    actor: Actor,
    modelId: string,
    edit: (doc: ModelDocument) => { result: T; changes: ChangeSet; focus?: Map<string, string> },
    onVersion: ((version: number) => void) | undefined,
    mode: ChangeMode,
  ): Promise<Written<T>> {
    // Fast writes try first on the kept copy (readForWrite); whatever that try decides against
    // the caller (stale expectedVersion, refusal, nothing to change, a lost race) is decided again
    // on fresh reads. It takes the version reads out of each model's write queue (issue 11 point 7).
    let trustKept = mode.keepSnapshot === true;
    const started = Date.now();
    // races lost to other writers so far; the optimistic first try is not counted
    for (let races = 0; ;) {
      this.withinRetryBudget(started);
      const { snap, catalogue, optimistic } = await this.readForWrite(modelId, trustKept);
      trustKept = false;
      // stale before any work (the write below checks again under the model's lock)
      if (mode.expectedVersion !== undefined && snap.version !== mode.expectedVersion) {
        if (optimistic) continue;
        throw new StaleVersionError(modelId, mode.expectedVersion, snap.version);
      }
      const doc = mode.copy ? mode.copy(snap.document) : structuredClone(snap.document);
      let edited: ReturnType<typeof edit> | undefined;
      try {
        edited = edit(doc);
        if (mode.skipEmpty && isEmptyChange(edited.changes)) {
          if (optimistic) continue;
          onVersion?.(snap.version);
          return { result: edited.result, version: snap.version, createdAt: snap.createdAt };
        }
        if (mode.validate) mode.validate(doc, catalogue, { before: snap.document, changes: edited.changes });
        else validateModelDocument(doc, catalogue, { misfitAllowed: storedPlacement(snap.document) });
      } catch (e) {
        if (optimistic && e instanceof DomainError) continue; // refused on the kept copy
        throw answerOfRefusal(e, edited);
      }
      const { result, changes } = edited;
      try {
        const audit = auditChanges(snap.document, doc, changes);
        const summary = mode.note ? `${mode.note}: ${describe(audit) || 'no change'}` : describe(audit);
        const version = await this.db.write(async (tx) => {
          const read = {
            version: snap.version,
            createdAt: snap.createdAt,
            catalogueVersion: catalogue.catalogueVersion,
          };
          // the audit entry is sent right behind the change (pipelined, see applyChanges): the
          // version it names is the one the guard lets through, read.version + 1
          const [v] = await Promise.all([
            this.repo.applyChanges(tx, modelId, read, changes, mode.expectedVersion),
            this.audit.record(tx, actor, { modelId, modelVersion: snap.version + 1, summary, changes: audit }),
          ]);
          return v;
        });
        onVersion?.(version);
        if (mode.keepSnapshot) {
          this.remember(modelId, { document: loadedForm(doc, changes), version, createdAt: snap.createdAt });
        } else this.snapshots.delete(modelId);
        return { result, version, createdAt: snap.createdAt };
      } catch (e) {
        if (!(e instanceof ConflictError && e.field === 'modelId')) throw e;
        if (optimistic) continue; // the kept copy was old: at once on fresh reads
        if (++races >= MAX_WRITE_ATTEMPTS) throw e;
        // another writer won: back off a random few ms (growing) so busy models do not livelock
        await new Promise((r) => setTimeout(r, raceBackoffMs(races)));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers (pure)
// ---------------------------------------------------------------------------------------------

/**
 * What a caller is told when its edit or the validation of the edited document refused it:
 * a ValidationError on the fields of its input (refocused) or, when the problem lies elsewhere in
 * the model, CONFLICT; anything else as it is. The same answers as the single write path.
 */
function answerOfRefusal(e: unknown, edited: { focus?: Map<string, string> } | undefined): unknown {
  if (!(e instanceof ValidationError) || !edited) return e; // a refusal by the edit itself
  if (edited.focus) return refocus(e, edited.focus);
  return new ConflictError(e.message, e.field);
}

/** True when a change set writes nothing. */
function isEmptyChange(c: ChangeSet): boolean {
  return c.deleteIds.length === 0 && ELEMENT_KINDS.every((k) => c[k].length === 0);
}

/**
 * The change sets of consecutive writes as one: every deletion (deletions run first, so an
 * element deleted and created again is replaced), then the last state written of each element
 * still present, by kind. Writing it leaves the database as writing them one after the other.
 */
function mergeChangeSets(sets: readonly ChangeSet[]): ChangeSet {
  if (sets.length === 1) return sets[0]!;
  const merged = emptyChangeSet();
  const latest = new Map<string, { kind: ElementKind; element: AnyElement }>();
  const deleted = new Set<string>();
  for (const c of sets) {
    for (const id of c.deleteIds) {
      deleted.add(id);
      for (const kind of ELEMENT_KINDS) latest.delete(`${kind}\u0000${id}`);
    }
    for (const kind of ELEMENT_KINDS)
      for (const e of c[kind] as AnyElement[]) latest.set(`${kind}\u0000${e.id}`, { kind, element: e });
  }
  merged.deleteIds = [...deleted];
  for (const { kind, element } of latest.values()) (merged[kind] as AnyElement[]).push(element);
  return merged;
}

/** Code-unit order of ids: the order of Neo4j's ORDER BY on the ids the format allows (ASCII). */
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Ids in code-unit order (what a relationship-backed list loads as: ORDER BY z.id). */
const sortedIdList = (ids: readonly string[]): string[] => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const isSorted = (ids: readonly string[]) => ids.every((x, i) => i === 0 || ids[i - 1]! < x);

/**
 * An element as ModelRepository.load reads it back: the lists stored as relationships
 * (cypher/queries/element/load-*.cypher: device and channel zoneIds, interface
 * exposedToZoneIds) come back in id order. The same object when it is already so.
 */
function asLoaded(kind: ElementKind, e: AnyElement): AnyElement {
  if (kind === 'devices' || kind === 'channels') {
    const d = e as Device | Channel;
    return isSorted(d.zoneIds) ? e : { ...d, zoneIds: sortedIdList(d.zoneIds) };
  }
  if (kind === 'interfaces') {
    const i = e as Interface;
    return isSorted(i.exposedToZoneIds) ? e : { ...i, exposedToZoneIds: sortedIdList(i.exposedToZoneIds) };
  }
  return e;
}

/**
 * The written document in the form a fresh load of the new version gives (ModelRepository.load:
 * lists sorted by id, written elements as loaded: {@link asLoaded}), so that it can be kept as
 * that version's snapshot. Edits append created elements; a list with any is sorted again (a
 * stable sort of a list sorted but for its tail). The lists of `doc` are replaced, not changed.
 */
function loadedForm(doc: ModelDocument, changes: ChangeSet): ModelDocument {
  let out = doc;
  for (const kind of ELEMENT_KINDS) {
    const written = changes[kind] as AnyElement[];
    if (written.length === 0) continue;
    const replaced = new Map<AnyElement, AnyElement>();
    for (const e of written) {
      const loaded = asLoaded(kind, e);
      if (loaded !== e) replaced.set(e, loaded);
    }
    let list = doc[kind] as AnyElement[];
    if (replaced.size > 0) list = list.map((e) => replaced.get(e) ?? e);
    if (!list.every((e, i) => i === 0 || byId(list[i - 1]!, e) <= 0))
      list = (list === doc[kind] ? list.slice() : list).sort(byId);
    if (list === doc[kind]) continue;
    if (out === doc) out = { ...doc };
    (out[kind] as AnyElement[]) = list;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function singular(kind: ElementKind): string {
  return (
    {
      zones: 'zone',
      devices: 'device',
      interfaces: 'interface',
      channels: 'channel',
      assets: 'asset',
      vulnerabilities: 'vulnerability',
      controlPlacements: 'control placement',
    } as const
  )[kind];
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

const MODEL_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
function checkModelId(id: string): void {
  if (!MODEL_ID.test(id)) {
    throw new ValidationError('model id must be 1-64 characters of letters, digits, _ . : -', 'id');
  }
}

/** A readable unique id: prefix, slug of the name, random suffix (e.g. "dev-icu-pump-3f9a1c"). */
function generateId(prefix: string, name?: string): string {
  const slug = nameSlug(name);
  return `${prefix}-${slug ? `${slug}-` : ''}${randomBytes(3).toString('hex')}`;
}

/** Before/after image of every element a change set writes or deletes (null = absent). */
function auditChanges(before: ModelDocument, after: ModelDocument, changes: ChangeSet): AuditChange[] {
  const ids = new Set<string>(changes.deleteIds);
  for (const kind of ELEMENT_KINDS) for (const e of changes[kind] as AnyElement[]) ids.add(e.id);
  // many ids (batches): one pass over each document instead of a search per id
  const find =
    ids.size > 8
      ? (doc: ModelDocument) => {
          const found = new Map<string, { kind: ElementKind; element: AnyElement }>();
          for (const kind of ELEMENT_KINDS) {
            for (const element of doc[kind] as AnyElement[])
              if (ids.has(element.id)) found.set(element.id, { kind, element });
          }
          return (id: string) => found.get(id) ?? null;
        }
      : (doc: ModelDocument) => (id: string) => findElement(doc, id);
  const inBefore = find(before);
  const inAfter = find(after);
  return [...ids].sort().map((id) => {
    const b = inBefore(id);
    const a = inAfter(id);
    return { kind: (a ?? b)!.kind, id, before: b?.element ?? null, after: a?.element ?? null };
  });
}

/** One line for the audit trail, e.g. "created devices dev-1; changed channels ch-2". */
function describe(changes: AuditChange[]): string {
  const groups = new Map<string, string[]>();
  for (const c of changes) {
    const verb = c.before === null ? 'created' : c.after === null ? 'deleted' : 'changed';
    const key = `${verb} ${c.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), c.id]);
  }
  return [...groups]
    .map(([k, ids]) => `${k} ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`)
    .join('; ');
}

function findElement(doc: ModelDocument, id: string): { kind: ElementKind; element: AnyElement } | null {
  for (const kind of ELEMENT_KINDS) {
    const element = (doc[kind] as AnyElement[]).find((e) => e.id === id);
    if (element) return { kind, element };
  }
  return null;
}

/**
 * Rewrites document paths of the elements being written (e.g. `devices[31].zoneIds[0]`) to the
 * mutation argument (`input.zoneIds[0]`), so forms can show the error at the field. `focus` maps
 * a document path prefix to an argument prefix. Issues about other elements keep their path.
 */
function refocus(e: ValidationError, focus: Map<string, string>): ValidationError {
  const rewrite = (path: string): string | null => {
    for (const [own, arg] of focus) {
      if (path === own) return arg;
      if (path.startsWith(`${own}.`) || path.startsWith(`${own}[`)) return `${arg}${path.slice(own.length)}`;
    }
    return null;
  };
  const mine: FieldIssue[] = [];
  const others: FieldIssue[] = [];
  for (const i of e.issues) {
    const p = rewrite(i.path);
    if (p !== null) mine.push({ ...i, path: p });
    else others.push(i);
  }
  // The request's own problems first: they are what the client can fix in this request.
  return new ValidationError([...mine, ...others]);
}

/**
 * Removes `id` and everything that depends on it from `doc` and returns the removed ids plus
 * the change set (deletions and updated survivors). Copy-on-write: the lists of `doc` are
 * replaced, and a survivor that loses a reference is replaced by a changed copy (the elements
 * themselves may be shared with a cached snapshot and are never modified). ConflictError if a
 * device would be left without a zone.
 */
function cascadeDelete(doc: ModelDocument, id: string): { removed: string[]; changes: ChangeSet } {
  const removed = new Set<string>([id]);
  // Required references: an element whose owner goes, goes too (to a fixpoint).
  let grew = true;
  while (grew) {
    grew = false;
    const drop = (e: AnyElement, refs: (string | undefined)[]) => {
      if (!removed.has(e.id) && refs.some((r) => r !== undefined && removed.has(r))) {
        removed.add(e.id);
        grew = true;
      }
    };
    doc.interfaces.forEach((i) => drop(i, [i.deviceId]));
    doc.channels.forEach((c) => drop(c, [c.fromDeviceId, c.toDeviceId]));
    doc.assets.forEach((a) => drop(a, [a.deviceId]));
    doc.vulnerabilities.forEach((v) => drop(v, [v.elementId]));
    doc.controlPlacements.forEach((p) => drop(p, [p.elementId]));
  }
  const changes = emptyChangeSet();
  changes.deleteIds = [...removed].sort();
  const gone = (ids: readonly string[] | undefined) => ids?.some((x) => removed.has(x)) ?? false;
  const kept = (ids: readonly string[]) => ids.filter((x) => !removed.has(x));
  /** The surviving elements of `kind`, each passed through `fix` (a changed copy, or undefined). */
  const survivors = <K extends ElementKind>(kind: K, fix: (e: ElementOf<K>) => ElementOf<K> | undefined) => {
    const out: ElementOf<K>[] = [];
    for (const e of doc[kind] as ElementOf<K>[]) {
      if (removed.has(e.id)) continue;
      const changed = fix(e);
      if (changed) (changes[kind] as ElementOf<K>[]).push(changed);
      out.push(changed ?? e);
    }
    (doc[kind] as ElementOf<K>[]) = out;
  };
  // Optional references on survivors are cleared.
  survivors('zones', (z) => (gone(z.linkedZoneIds) ? { ...z, linkedZoneIds: kept(z.linkedZoneIds!) } : undefined));
  survivors('devices', (d) => {
    if (!(d.hostDeviceId !== undefined && removed.has(d.hostDeviceId)) && !gone(d.outboundZoneIds) && !gone(d.zoneIds))
      return undefined;
    const out: Device = { ...d };
    // hosted software outlives its host: it is no longer hosted
    if (d.hostDeviceId !== undefined && removed.has(d.hostDeviceId)) delete out.hostDeviceId;
    if (gone(d.outboundZoneIds)) out.outboundZoneIds = kept(d.outboundZoneIds!);
    if (gone(d.zoneIds)) {
      out.zoneIds = kept(d.zoneIds);
      if (out.zoneIds.length === 0) {
        throw new ConflictError(
          `device '${d.id}' sits only in zone '${id}'; move it to another zone or delete it first`,
          'id',
        );
      }
    }
    return out;
  });
  survivors('interfaces', (i) =>
    gone(i.exposedToZoneIds) ? { ...i, exposedToZoneIds: kept(i.exposedToZoneIds) } : undefined,
  );
  survivors('channels', (c) => {
    const fromGone = c.fromInterfaceId !== undefined && removed.has(c.fromInterfaceId);
    const toGone = c.toInterfaceId !== undefined && removed.has(c.toInterfaceId);
    if (!gone(c.zoneIds) && !fromGone && !toGone && !gone(c.forwardedTo)) return undefined;
    const out: Channel = { ...c, zoneIds: kept(c.zoneIds) };
    if (fromGone) delete out.fromInterfaceId;
    if (toGone) delete out.toInterfaceId;
    if (c.forwardedTo) out.forwardedTo = kept(c.forwardedTo);
    return out;
  });
  survivors('assets', () => undefined);
  survivors('vulnerabilities', () => undefined);
  survivors('controlPlacements', () => undefined);
  return { removed: changes.deleteIds, changes };
}
