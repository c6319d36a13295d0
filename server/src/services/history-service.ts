/**
 * A model's past (issue #5 item 5): named snapshots for review meetings, the model as it was at
 * any version (rebuilt from the audit trail, domain/model-history.ts), and the diff of any two
 * revisions with their risk totals (domain/model-diff.ts, services/risk-totals.ts).
 *
 * A revision is one of: a named snapshot, a model version, or the current model. Every revision
 * resolves to a canonical exchange document plus the stored model state it is (model, createdAt,
 * version), under which its analysis is cached: the current version shares the attack-graph cache
 * of ThreatModel.attackPaths, and earlier versions never change.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../graph/database';
import type { AuditRepository } from '../graph/repositories/audit-repository';
import type { SnapshotRecord, SnapshotRepository } from '../graph/repositories/snapshot-repository';
import { authorize, type Actor } from '../domain/auth/principal';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { canonicalModelDocument } from '../domain/model-document';
import { diffModelDocuments, type ModelDocumentDiff } from '../domain/model-diff';
import {
  ELEMENT_KINDS,
  HistoryGapError,
  earliestRebuildableVersion,
  rewindDocument,
  rewindStart,
} from '../domain/model-history';
import type { RiskTotals } from './risk-totals';
import { migrateModelDocument } from '../domain/model-migration';
import type { ModelDocument, RiskScale } from '../domain/types';
import type { AnalysisService, DocumentIdentity } from './analysis-service';
import type { ModelService } from './model-service';

export type { SnapshotRecord };

/** Limits on snapshot names and notes (characters). */
export const SNAPSHOT_LIMITS = { name: 100, note: 2000 } as const;

/** A revision as the API names it: exactly one of the three fields. */
export interface RevisionInput {
  snapshotId?: string | null;
  version?: number | null;
  current?: boolean | null;
}

/** CURRENT: the model now; VERSION: rebuilt from the audit trail; SNAPSHOT: a named snapshot. */
export type RevisionKind = 'CURRENT' | 'VERSION' | 'SNAPSHOT';

/** A revision resolved to its document. */
export interface ResolvedRevision {
  kind: RevisionKind;
  /** The model version the document is at. */
  version: number;
  /** The snapshot, for kind SNAPSHOT; null otherwise. */
  snapshot: SnapshotRecord | null;
  /** The canonical exchange document. */
  document: ModelDocument;
  /** The stored model state the document is (cache key of its analysis). */
  identity: DocumentIdentity;
}

/** A diff of two revisions of one model (risk totals are computed on demand: {@link HistoryService.compareRisk}). */
export interface ModelRevisionDiff extends ModelDocumentDiff {
  modelId: string;
  from: ResolvedRevision;
  to: ResolvedRevision;
}

/** Risk totals of the two sides of a diff and their differences (to − from). */
/**
 * Risk totals as a snapshot stores them: the SAFETY totals at the top level (the whole record in
 * snapshots taken before attack model v2) and, since v2, the PRIVACY totals under `privacy`.
 */
export type StoredRiskTotals = RiskTotals & { privacy?: RiskTotals };

/** A stored snapshot document, migrated to the current exchange format (snapshots taken before 2.0 hold 1.0). */
const storedDocument = (document: unknown): ModelDocument => migrateModelDocument(document).document as ModelDocument;

export interface RiskComparison {
  before: RiskTotals;
  after: RiskTotals;
  /** after.totalRisk − before.totalRisk (negative: risk went down). */
  totalRiskChange: number;
  /** after.targetsReachable − before.targetsReachable. */
  targetsReachableChange: number;
}

/** Element counts of a document, by kind (the GraphQL ModelCounts). */
export type ElementCounts = Record<(typeof ELEMENT_KINDS)[number], number>;

const MAX_ATTEMPTS = 3;
const REBUILT_CACHE_SIZE = 8;

const identityKey = (id: DocumentIdentity): string => JSON.stringify([id.modelId, id.createdAt, id.version]);

function countsOf(doc: ModelDocument): ElementCounts {
  return Object.fromEntries(ELEMENT_KINDS.map((k) => [k, doc[k].length])) as ElementCounts;
}

export class HistoryService {
  /** Rebuilt earlier versions (immutable), most recently used last. */
  private readonly rebuilt = new Map<string, ModelDocument>();

  constructor(
    private readonly db: Database,
    private readonly models: ModelService,
    private readonly analysis: AnalysisService,
    private readonly audit: AuditRepository,
    private readonly snapshots: SnapshotRepository,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Named snapshots
  // -------------------------------------------------------------------------------------------

  /**
   * Takes a named snapshot of the model as it is now: its canonical exchange document, version,
   * element counts and risk totals (services/risk-totals.ts, current catalogue), stored in one
   * transaction with an audit entry (kind 'snapshot', no model version: the model does not change).
   * @param name 1-100 characters after trimming, unique per model
   * @param note optional, at most 2000 characters (blank = none)
   * @throws ValidationError (`name`, `note`); ConflictError (`name`) for a name the model already
   *   has; NotFoundError (`modelId`); EngineLimitError when the risk totals time out
   */
  async createSnapshot(actor: Actor, modelId: string, name: string, note?: string | null): Promise<SnapshotRecord> {
    const cleanName = name.trim();
    if (!cleanName) throw new ValidationError('a snapshot needs a name', 'name');
    if (cleanName.length > SNAPSHOT_LIMITS.name) {
      throw new ValidationError(`a snapshot name has at most ${SNAPSHOT_LIMITS.name} characters`, 'name');
    }
    const cleanNote = note?.trim() ? note.trim() : null;
    if (cleanNote && cleanNote.length > SNAPSHOT_LIMITS.note) {
      throw new ValidationError(`a snapshot note has at most ${SNAPSHOT_LIMITS.note} characters`, 'note');
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // a retry reads afresh: the request's memo still names the model that was replaced
      const snap = await this.models.snapshot(modelId, attempt > 1);
      // Fail fast on a taken name before the analysis; the constraint still decides under races.
      if ((await this.snapshots.list(modelId)).some((s) => s.name === cleanName)) {
        throw new ConflictError(`model '${modelId}' already has a snapshot named '${cleanName}'`, 'name');
      }
      const identity = { modelId, createdAt: snap.createdAt, version: snap.version };
      // SAFETY totals at the top level (as before attack model v2), PRIVACY ones under `privacy`
      const riskTotals: StoredRiskTotals = {
        ...(await this.analysis.riskTotals(snap.document, identity, 'SAFETY')),
        privacy: await this.analysis.riskTotals(snap.document, identity, 'PRIVACY'),
      };
      const document = canonicalModelDocument(snap.document);
      const id = `snap-${randomBytes(6).toString('hex')}`;
      const created = await this.db.write(async (tx) => {
        const record = await this.snapshots.create(tx, modelId, snap.createdAt, {
          id,
          name: cleanName,
          kind: 'NAMED',
          note: cleanNote,
          modelVersion: snap.version,
          createdById: actor.principal.id,
          createdByName: actor.principal.name,
          document,
          riskTotals,
          counts: countsOf(document),
        });
        if (!record) return null;
        await this.audit.record(tx, actor, {
          modelId,
          summary: `took snapshot '${cleanName}' of version ${snap.version}`,
          changes: [
            {
              kind: 'snapshot',
              id,
              before: null,
              after: { id, name: cleanName, note: cleanNote, modelVersion: snap.version },
            },
          ],
        });
        return record;
      });
      if (created) return created;
      // the model was deleted (snapshot() reports it) or re-created since it was read: read again
    }
    throw new ConflictError(`model '${modelId}' was replaced while the snapshot was taken; retry`, 'modelId');
  }

  /** The model's snapshots (NAMED and AUTOMATIC), newest first, without documents. */
  listSnapshots(modelId: string): Promise<SnapshotRecord[]> {
    return this.snapshots.list(modelId);
  }

  /** One snapshot of the model (without its document), or null. */
  getSnapshot(modelId: string, id: string): Promise<SnapshotRecord | null> {
    return this.snapshots.get(modelId, id);
  }

  /**
   * A snapshot's exchange document, as it was taken (canonical).
   * @throws NotFoundError (`field`, default `id`) when the model has no such snapshot
   */
  async snapshotDocument(modelId: string, id: string, field = 'id'): Promise<ModelDocument> {
    const found = await this.snapshots.getWithDocument(modelId, id);
    if (!found) throw new NotFoundError(`model '${modelId}' has no snapshot '${id}'`, field);
    return storedDocument(found.document);
  }

  /**
   * The risk totals of a snapshot on `scale`: as stored when it was taken (NAMED), or, for an
   * AUTOMATIC snapshot (stored without them, so an import never waits on an analysis), computed
   * now with the current catalogue and cached per model state like any version's. A snapshot taken
   * before attack model v2 has SAFETY totals of the old model only (no `scale`: SAFETY is added)
   * and no PRIVACY totals: those are computed now from its document with the current catalogue.
   * @throws NotFoundError when the snapshot is gone; EngineLimitError as {@link AnalysisService.riskTotals}
   */
  async snapshotRiskTotals(record: SnapshotRecord, scale: RiskScale = 'SAFETY'): Promise<RiskTotals> {
    const identity = { modelId: record.modelId, createdAt: record.modelCreatedAt, version: record.modelVersion };
    if (record.riskTotals === null || record.riskTotals === undefined) {
      const document = await this.snapshotDocument(record.modelId, record.id);
      return this.analysis.riskTotals(document, identity, scale);
    }
    const stored = record.riskTotals as Partial<StoredRiskTotals>;
    if (scale === 'SAFETY') {
      const { privacy: _privacy, ...safety } = stored;
      return { scale: 'SAFETY', worstPrivacySeverity: null, reachableByPrivacySeverity: [], ...safety } as RiskTotals;
    }
    if (stored.privacy) return stored.privacy;
    const document = await this.snapshotDocument(record.modelId, record.id);
    return this.analysis.riskTotals(document, undefined, 'PRIVACY');
  }

  /**
   * Deletes a snapshot, with an audit entry in the same transaction; returns what it was. An
   * AUTOMATIC snapshot (what an import with replace overwrote; the versions before that import
   * are rebuilt from it) needs the ADMIN role, like deleting the model: an EDITOR cannot make a
   * replace unrecoverable.
   * @throws NotFoundError (`id`) when the model has no such snapshot; ForbiddenError for an
   *   AUTOMATIC snapshot below ADMIN
   */
  async deleteSnapshot(actor: Actor, modelId: string, id: string): Promise<SnapshotRecord> {
    const found = await this.snapshots.get(modelId, id);
    if (found?.kind === 'AUTOMATIC') authorize(actor.principal, 'ADMIN', modelId);
    const deleted = await this.db.write(async (tx) => {
      const record = await this.snapshots.delete(tx, modelId, id);
      if (!record) return null;
      await this.audit.record(tx, actor, {
        modelId,
        summary: `deleted snapshot '${record.name}' (version ${record.modelVersion})`,
        changes: [
          {
            kind: 'snapshot',
            id,
            before: { id, name: record.name, kind: record.kind, note: record.note, modelVersion: record.modelVersion },
            after: null,
          },
        ],
      });
      return record;
    });
    if (!deleted) throw new NotFoundError(`model '${modelId}' has no snapshot '${id}'`, 'id');
    if (deleted.kind === 'AUTOMATIC') {
      // versions rebuilt from it are no longer served (here; they were right, but earliestVersion moved)
      for (const key of [...this.rebuilt.keys()]) {
        if ((JSON.parse(key) as unknown[])[0] === modelId) this.rebuilt.delete(key);
      }
    }
    return deleted;
  }

  // -------------------------------------------------------------------------------------------
  // Versions
  // -------------------------------------------------------------------------------------------

  /**
   * The oldest version the model can be rebuilt at: 1, or the version of its latest import that
   * kept no snapshot of what it replaced (imports from before snapshots were kept, or whose
   * AUTOMATIC snapshot an ADMIN deleted). Versions from there to ThreatModel.version work as
   * revisions. NotFoundError (`modelId`) when the model does not exist.
   */
  async earliestVersion(modelId: string): Promise<number> {
    await this.models.snapshot(modelId);
    const [entries, snapshots] = await Promise.all([this.audit.headerChanges(modelId), this.snapshots.list(modelId)]);
    return earliestRebuildableVersion(
      entries,
      new Set(snapshots.filter((s) => s.kind === 'AUTOMATIC').map((s) => s.id)),
    );
  }

  /**
   * The model as it was at `version`: the current document with the audit entries after
   * `version` undone, newest first; across an import with replace, the AUTOMATIC snapshot it kept
   * of the document it replaced (domain/model-history.ts rewindStart) with the entries from there
   * back to `version` undone. Consistent under concurrent writes: the entries are read up
   * to the version of the document read (whose entries are all committed by then, since each is
   * written in its change's transaction), and for the same model incarnation (re-read if the model
   * was deleted and re-created meanwhile).
   * @param field the argument path errors name (e.g. `from.version`)
   * @throws ValidationError (`field`) for a version outside 1..current, or one before an import
   *   that kept no snapshot ("history before version N was replaced by an import; use a
   *   snapshot"); NotFoundError (`modelId`)
   */
  async documentAt(
    modelId: string,
    version: number,
    field = 'version',
  ): Promise<{ document: ModelDocument; identity: DocumentIdentity }> {
    if (!Number.isInteger(version)) throw new ValidationError('version must be an integer', field);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // a retry reads afresh: the request's memo still names the model that was deleted or replaced
      const snap = await this.models.snapshot(modelId, attempt > 1);
      if (version < 1 || version > snap.version) {
        throw new ValidationError(
          `version must be between 1 and ${snap.version} (model '${modelId}' is at version ${snap.version})`,
          field,
        );
      }
      const identity = { modelId, createdAt: snap.createdAt, version };
      if (version === snap.version) return { document: canonicalModelDocument(snap.document), identity };
      const key = identityKey(identity);
      const hit = this.rebuilt.get(key);
      if (hit) {
        this.rebuilt.delete(key);
        this.rebuilt.set(key, hit);
        return { document: hit, identity };
      }
      const { current, events } = await this.audit.changesBetween(modelId, snap.createdAt, version, snap.version);
      if (!current) continue; // deleted or re-created since the read: snapshot() tells which
      let document: ModelDocument;
      try {
        const start = rewindStart(events, snap.version, version);
        let base = { document: snap.document, version: snap.version };
        if (start) {
          const kept = await this.snapshots.getWithDocument(modelId, start.snapshotId);
          if (
            !kept ||
            kept.snapshot.modelCreatedAt !== snap.createdAt ||
            kept.snapshot.modelVersion !== start.modelVersion
          ) {
            throw new HistoryGapError(start.modelVersion + 1, 'IMPORT'); // an ADMIN deleted it
          }
          base = { document: kept.document as ModelDocument, version: start.modelVersion };
        }
        document = rewindDocument(base.document, base.version, events, version);
      } catch (e) {
        if (e instanceof HistoryGapError) throw new ValidationError(e.message, field);
        throw e;
      }
      this.rebuilt.set(key, document);
      while (this.rebuilt.size > REBUILT_CACHE_SIZE) this.rebuilt.delete(this.rebuilt.keys().next().value as string);
      return { document, identity };
    }
    throw new ConflictError(`model '${modelId}' was replaced while it was read; retry`, 'modelId');
  }

  // -------------------------------------------------------------------------------------------
  // Revisions and diffs
  // -------------------------------------------------------------------------------------------

  /**
   * Resolves a revision (exactly one of snapshotId, version, current: true) to its document.
   * @param field the argument errors name: `from`, `to`, `revision`
   * @throws ValidationError (`field`) for none or several of the fields, (`field.current`) for
   *   current: false, (`field.version`) as {@link documentAt}; NotFoundError (`field.snapshotId`)
   *   for a snapshot the model does not have, (`modelId`) for an unknown model
   */
  async revision(modelId: string, input: RevisionInput, field: string): Promise<ResolvedRevision> {
    const given = (['snapshotId', 'version', 'current'] as const).filter(
      (k) => input[k] !== null && input[k] !== undefined,
    );
    if (given.length !== 1) {
      throw new ValidationError(
        `give exactly one of snapshotId, version or current: true (got ${given.length ? given.join(' and ') : 'none'})`,
        field,
      );
    }
    if (input.current !== null && input.current !== undefined) {
      if (input.current !== true) {
        throw new ValidationError(
          'current must be true when given; name a snapshotId or version instead',
          `${field}.current`,
        );
      }
      const snap = await this.models.snapshot(modelId);
      return {
        kind: 'CURRENT',
        version: snap.version,
        snapshot: null,
        document: canonicalModelDocument(snap.document),
        identity: { modelId, createdAt: snap.createdAt, version: snap.version },
      };
    }
    if (input.version !== null && input.version !== undefined) {
      const { document, identity } = await this.documentAt(modelId, input.version, `${field}.version`);
      return { kind: 'VERSION', version: identity.version, snapshot: null, document, identity };
    }
    const snapshotId = input.snapshotId!;
    const found = await this.snapshots.getWithDocument(modelId, snapshotId);
    if (!found) {
      // say NOT_FOUND for the model itself first, if that is what is missing
      await this.models.snapshot(modelId);
      throw new NotFoundError(`model '${modelId}' has no snapshot '${snapshotId}'`, `${field}.snapshotId`);
    }
    const { snapshot } = found;
    return {
      kind: 'SNAPSHOT',
      version: snapshot.modelVersion,
      snapshot,
      document: storedDocument(found.document),
      identity: { modelId, createdAt: snapshot.modelCreatedAt, version: snapshot.modelVersion },
    };
  }

  /**
   * What changed from one revision to another (domain/model-diff.ts). `from` is resolved first,
   * so its errors come first. Risk totals: {@link compareRisk}.
   */
  async diff(modelId: string, from: RevisionInput, to: RevisionInput): Promise<ModelRevisionDiff> {
    const a = await this.revision(modelId, from, 'from');
    const b = await this.revision(modelId, to, 'to');
    return { modelId, from: a, to: b, ...diffModelDocuments(a.document, b.document) };
  }

  /**
   * Risk totals of two revisions with the current catalogue (cached per model state) and their
   * differences. EngineLimitError when a model is too large to search within 30 s.
   */
  async compareRisk(
    from: ResolvedRevision,
    to: ResolvedRevision,
    scale: RiskScale = 'SAFETY',
  ): Promise<RiskComparison> {
    const before = await this.analysis.riskTotals(from.document, from.identity, scale);
    const after = await this.analysis.riskTotals(to.document, to.identity, scale);
    return {
      before,
      after,
      totalRiskChange: after.totalRisk - before.totalRisk,
      targetsReachableChange: after.targetsReachable - before.targetsReachable,
    };
  }
}
