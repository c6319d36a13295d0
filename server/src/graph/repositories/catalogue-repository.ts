/**
 * Catalogue persistence: the catalogue in force is one graph (capabilities, attack methods,
 * controls with MITIGATES, baselines, telehealth controls, device examples). Replacing it is one
 * transaction that keeps every model's control placements linked.
 */
import { ConflictError } from '../../domain/errors';
import type { Catalogue } from '../../domain/types';
import type { Database } from '../database';
import { catalogueFromRow, catalogueParams } from '../mappers';

export class CatalogueRepository {
  constructor(private readonly db: Database) {}

  /** The catalogue in force, or null if none has been loaded. */
  async version(): Promise<string | null> {
    const rows = await this.db.query('catalogue/get-catalogue-version');
    return (rows[0]?.['version'] as string | undefined) ?? null;
  }

  /** The catalogue in force, or null if none has been loaded. */
  async get(): Promise<Catalogue | null> {
    const rows = await this.db.query('catalogue/get-catalogue');
    const row = rows[0]?.['catalogue'] as Record<string, unknown> | undefined;
    return row ? catalogueFromRow(row) : null;
  }

  /**
   * Replaces the catalogue in one transaction. `catalogue` must already be validated
   * (domain/catalogue.ts). Throws ConflictError naming the first placement whose control the new
   * catalogue lacks; nothing is written then.
   */
  async replace(catalogue: Catalogue): Promise<void> {
    const ids = new Set(catalogue.controls.map((c) => c.id));
    await this.db.write(async (tx) => {
      const placed = await tx.run('catalogue/list-placed-control-ids');
      const orphan = placed.find((p) => !ids.has(p['controlId'] as string));
      if (orphan) {
        throw new ConflictError(
          `control ${String(orphan['controlId'])} is placed in model ${String(orphan['modelId'])} (placement ${String(orphan['placementId'])}) but is missing from the new catalogue; keep the control or remove the placement first`,
          'document.controls',
        );
      }
      await tx.run('catalogue/delete-catalogue');
      await tx.run('catalogue/create-catalogue', catalogueParams(catalogue));
      await tx.run('catalogue/link-placements');
    });
  }
}
