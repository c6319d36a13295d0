/**
 * Backup and restore of everything MedThreat keeps (models, snapshots, audit trail, accounts, API
 * keys, catalogue, limiter counters, revoked sessions) at the application level, so it works alike
 * on Community, a cluster and Aura: a backup is one read transaction, a restore one write
 * transaction. The command line is server/src/backup-cli.ts (`npm run backup` / `npm run restore`).
 */
import {
  buildBackupDocument,
  ConcurrentChangeError,
  validateBackupDocument,
  type BackupDocument,
} from '../domain/backup';
import type { Database } from '../graph/database';
import { BackupRepository, type OtherNodes } from '../graph/repositories/backup-repository';

/** Reads of a backup when writes keep changing the graph under it (then the error). */
const MAX_READS = 5;

export class BackupService {
  private readonly repo: BackupRepository;

  constructor(private readonly db: Database) {
    this.repo = new BackupRepository(db);
  }

  /**
   * Reads the whole application graph in one read transaction into a canonical backup document
   * (domain/backup.ts). Read committed: if a relationship points at a node the read did not return
   * (written meanwhile), the read is repeated, up to 5 times. For a backup of a busy system that is
   * exact to one moment, stop the writers (or the servers) first.
   * @returns the document, and the nodes the database holds outside the application's labels (not backed up)
   * @throws Error for a property type a backup cannot carry, or when the graph kept changing
   */
  async backup(now: Date = new Date()): Promise<{ document: BackupDocument; other: OtherNodes[] }> {
    for (let attempt = 1; ; attempt++) {
      const { rows, other } = await this.repo.readAll();
      try {
        return { document: buildBackupDocument(rows, now.toISOString()), other };
      } catch (e) {
        if (!(e instanceof ConcurrentChangeError) || attempt >= MAX_READS) throw e;
      }
    }
  }

  /**
   * Restores a backup document: checks it (validateBackupDocument), applies the schema
   * (constraints and indexes, idempotent), then writes every node and relationship in one write
   * transaction into a database without application nodes; `wipe` deletes those first, in the
   * same transaction. Running servers keep caches: stop them before, start them after.
   * @throws ValidationError (paths into the document) for a document this version cannot restore;
   *   ConflictError (field `database`) for a non-empty database without `wipe`
   */
  async restore(raw: unknown, options: { wipe?: boolean } = {}) {
    const document = validateBackupDocument(raw);
    await this.db.applySchema();
    return this.repo.restore(document, options.wipe ?? false);
  }
}
