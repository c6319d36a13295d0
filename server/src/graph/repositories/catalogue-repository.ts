/**
 * Catalogue persistence: the catalogue in force is one graph (capabilities, attack methods,
 * controls with MITIGATES, baselines, telehealth controls, device examples). Replacing it is one
 * transaction that keeps every model's control placements linked.
 */
import { LEGACY_MITIGATES_RATIONALE } from '../../domain/catalogue';
import { ConflictError } from '../../domain/errors';
import type { Catalogue } from '../../domain/types';
import type { Database, Tx } from '../database';
import { catalogueFromRow, catalogueParams } from '../mappers';

export class CatalogueRepository {
  constructor(private readonly db: Database) {}

  /** The catalogue in force, or null if none has been loaded. */
  /** Version of the catalogue in force and whether it is the one bundled with the service, or null if none is loaded. */
  async version(): Promise<{ version: string; bundled: boolean } | null> {
    const row = (await this.db.query('catalogue/get-catalogue-version'))[0];
    return row ? { version: row['version'] as string, bundled: row['bundled'] === true } : null;
  }

  /** The catalogue in force, or null if none has been loaded. */
  async get(): Promise<Catalogue | null> {
    const rows = await this.db.query('catalogue/get-catalogue', { legacyRationale: LEGACY_MITIGATES_RATIONALE });
    const row = rows[0]?.['catalogue'] as Record<string, unknown> | undefined;
    return row ? catalogueFromRow(row) : null;
  }

  /**
   * Replaces the catalogue in one transaction (with `also`, e.g. the audit entry). `catalogue` must already be validated
   * (domain/catalogue.ts). Throws ConflictError naming the first placement whose control the new
   * catalogue lacks; nothing is written then.
   */
  async replace(
    catalogue: Catalogue,
    options: { bundled?: boolean } = {},
    also?: (tx: Tx) => Promise<void>,
  ): Promise<void> {
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
      await tx.run('catalogue/create-catalogue', catalogueParams(catalogue, options.bundled ?? false));
      await tx.run('catalogue/link-placements');
      await also?.(tx);
    });
  }
}
