/**
 * Backup and restore at the graph level: the whole application graph read in one read transaction,
 * and written back in one write transaction (cypher/queries/backup/*). The document format and its
 * checks are in domain/backup.ts; BackupService combines them.
 */
import { APP_LABELS, type BackupDocument, type ReadNode } from '../../domain/backup';
import { ConflictError } from '../../domain/errors';
import type { Database } from '../database';

/** Nodes (and relationships) per statement of a restore; all statements run in one transaction. */
const RESTORE_BATCH = 2000;

/** Nodes outside the application's labels, per label combination (not in a backup). */
export interface OtherNodes {
  labels: string[];
  count: number;
}

export class BackupRepository {
  constructor(private readonly db: Database) {}

  /** Every application node with its outgoing relationships, and the count of other nodes, in one read transaction. */
  async readAll(): Promise<{ rows: ReadNode[]; other: OtherNodes[] }> {
    return this.db.read(async (tx) => {
      const labels = [...APP_LABELS];
      const rows = (await tx.run('backup/read-app-graph', { labels })) as unknown as ReadNode[];
      const other = (await tx.run('backup/count-other-nodes', { labels })) as unknown as OtherNodes[];
      return { rows, other };
    });
  }

  /**
   * Writes a validated backup document in ONE write transaction: all or nothing. The database must
   * hold no application node, checked inside the transaction; with `wipe` they are deleted first
   * (in the same transaction, so a failed restore leaves them as they were).
   * @returns nodes and relationships created, and nodes deleted by `wipe`
   * @throws ConflictError (field `database`) when the database is not empty and `wipe` is false
   */
  async restore(
    doc: BackupDocument,
    wipe: boolean,
  ): Promise<{ nodes: number; relationships: number; deleted: number }> {
    return this.db.write(async (tx) => {
      const labels = [...APP_LABELS];
      const present = ((await tx.run('backup/count-app-nodes', { labels }))[0]?.['count'] as number) ?? 0;
      let deleted = 0;
      if (present > 0) {
        if (!wipe) {
          throw new ConflictError(
            `the database is not empty (${present} MedThreat nodes); restore into an empty database, or confirm (--yes) to delete them first`,
            'database',
          );
        }
        deleted = ((await tx.run('backup/delete-app-nodes', { labels }))[0]?.['deleted'] as number) ?? 0;
      }
      const idOf = new Map<number, string>();
      for (let i = 0; i < doc.nodes.length; i += RESTORE_BATCH) {
        const rows = await tx.run('backup/restore-nodes', { nodes: doc.nodes.slice(i, i + RESTORE_BATCH) });
        for (const r of rows) idOf.set(r['key'] as number, r['id'] as string);
      }
      let relationships = 0;
      for (let i = 0; i < doc.relationships.length; i += RESTORE_BATCH) {
        const rels = doc.relationships.slice(i, i + RESTORE_BATCH).map((r) => ({
          from: idOf.get(r.from),
          to: idOf.get(r.to),
          type: r.type,
          properties: r.properties,
        }));
        const row = (await tx.run('backup/restore-relationships', { rels }))[0];
        relationships += (row?.['created'] as number) ?? 0;
      }
      return { nodes: idOf.size, relationships, deleted };
    });
  }
}
