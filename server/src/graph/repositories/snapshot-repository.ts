/**
 * Snapshots of a model (:ModelSnapshot nodes, keyed by modelId): NAMED ones taken by users, and
 * AUTOMATIC ones an import with replace keeps of the document it replaced. Each is a whole
 * canonical exchange document kept as JSON text, with the model version it was taken at, who took it, and the risk
 * totals and element counts of that moment (JSON text too: Neo4j properties cannot hold maps).
 * Listing never reads the documents; they are read one at a time, on demand.
 */
import { ConflictError } from '../../domain/errors';
import type { Database, Row, Tx } from '../database';

/** NAMED: taken by a user (createSnapshot); AUTOMATIC: kept by an import with replace. */
export type SnapshotKind = 'NAMED' | 'AUTOMATIC';

/** A snapshot as stored, without its document. Times are ISO-8601 date-times (UTC). */
export interface SnapshotRecord {
  id: string;
  modelId: string;
  name: string;
  kind: SnapshotKind;
  note: string | null;
  /** The model version the document is at. */
  modelVersion: number;
  /** createdAt of the model the snapshot was taken from (identifies the model's incarnation). */
  modelCreatedAt: string;
  createdAt: string;
  createdById: string;
  createdByName: string;
  /** Parsed from JSON text: whatever the service stored (risk totals at creation; null when not computed, AUTOMATIC). */
  riskTotals: unknown;
  /** Parsed from JSON text: element counts of the document. */
  counts: unknown;
}

/** What the service stores; the repository adds modelId, modelCreatedAt and createdAt. */
export interface NewSnapshot {
  id: string;
  name: string;
  kind: SnapshotKind;
  note: string | null;
  modelVersion: number;
  createdById: string;
  createdByName: string;
  /** The canonical exchange document. */
  document: unknown;
  riskTotals: unknown;
  counts: unknown;
}

function toRecord(row: Row): SnapshotRecord {
  const s = row['snapshot'] as Record<string, unknown>;
  return {
    id: s['id'] as string,
    modelId: s['modelId'] as string,
    name: s['name'] as string,
    kind: (s['kind'] as SnapshotKind | undefined) ?? 'NAMED',
    note: (s['note'] as string | null | undefined) ?? null,
    modelVersion: s['modelVersion'] as number,
    modelCreatedAt: s['modelCreatedAt'] as string,
    createdAt: s['createdAt'] as string,
    createdById: s['createdById'] as string,
    createdByName: s['createdByName'] as string,
    riskTotals: JSON.parse((s['riskTotals'] as string | undefined) ?? 'null') as unknown,
    counts: JSON.parse((s['counts'] as string | undefined) ?? 'null') as unknown,
  };
}

export class SnapshotRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a snapshot in the caller's transaction, under the model's write lock. Returns null when
   * the model does not exist or no longer has createdAt `modelCreatedAt` (deleted, or re-created).
   * @throws ConflictError (field `name`) when the model already has a snapshot of that name
   */
  async create(tx: Tx, modelId: string, modelCreatedAt: string, snapshot: NewSnapshot): Promise<SnapshotRecord | null> {
    let rows: Row[];
    try {
      rows = await tx.run('snapshot/create-snapshot', {
        modelId,
        modelCreatedAt,
        snapshot: {
          ...snapshot,
          document: JSON.stringify(snapshot.document),
          riskTotals: JSON.stringify(snapshot.riskTotals),
          counts: JSON.stringify(snapshot.counts),
        },
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
        throw new ConflictError(`model '${modelId}' already has a snapshot named '${snapshot.name}'`, 'name', {
          cause: e,
        });
      }
      throw e;
    }
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A model's snapshots, newest first, without documents. */
  async list(modelId: string): Promise<SnapshotRecord[]> {
    return (await this.db.query('snapshot/list-snapshots', { modelId })).map(toRecord);
  }

  /** One snapshot of the model without its document, or null. */
  async get(modelId: string, id: string): Promise<SnapshotRecord | null> {
    const row = (await this.db.query('snapshot/get-snapshot', { modelId, id, withDocument: false }))[0];
    return row ? toRecord(row) : null;
  }

  /** One snapshot of the model with its document (parsed), or null. */
  async getWithDocument(modelId: string, id: string): Promise<{ snapshot: SnapshotRecord; document: unknown } | null> {
    const row = (await this.db.query('snapshot/get-snapshot', { modelId, id, withDocument: true }))[0];
    return row ? { snapshot: toRecord(row), document: JSON.parse(row['document'] as string) as unknown } : null;
  }

  /** Deletes a snapshot in the caller's transaction; returns what it was, or null if absent. */
  async delete(tx: Tx, modelId: string, id: string): Promise<SnapshotRecord | null> {
    const row = (await tx.run('snapshot/delete-snapshot', { modelId, id }))[0];
    return row ? toRecord(row) : null;
  }
}
