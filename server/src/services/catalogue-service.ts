/**
 * The catalogue in force: read from Neo4j (system of record), cached by catalogue version, and
 * replaced by validated documents (a hospital's licensed TR 67 tables) without code changes.
 */
import type { AuditRepository } from '../graph/repositories/audit-repository';
import type { CatalogueRepository } from '../graph/repositories/catalogue-repository';
import type { Actor } from '../domain/auth/principal';
import { validateCatalogue } from '../domain/catalogue';
import { ServiceUnavailableError, withPathPrefix } from '../domain/errors';
import type { Catalogue } from '../domain/types';
import { readOncePerRequest, rememberForRequest } from './analysis-scope';

/** Key of the catalogue's version among what a request reads once (analysis-scope.ts). */
const CATALOGUE_VERSION = 'catalogue-version';

export class CatalogueService {
  private cached: Catalogue | null = null;

  constructor(
    private readonly repo: CatalogueRepository,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * The catalogue in force. One cheap version query per request (every field of a request sees
   * the same version) keeps several stateless server instances consistent; the full catalogue
   * is re-read only when its version changes.
   * `fresh`: read the version again even if this request has read it (writers retrying after the
   * version guard refused their catalogue: the request's memo may be the very version refused).
   * Throws ServiceUnavailableError if no catalogue has been loaded yet.
   */
  async current(fresh = false): Promise<Catalogue> {
    if (fresh) rememberForRequest(CATALOGUE_VERSION, undefined);
    const version = (await readOncePerRequest(CATALOGUE_VERSION, () => this.repo.version()))?.version ?? null;
    if (version === null) throw new ServiceUnavailableError('no catalogue loaded yet; the server is still starting');
    if (this.cached?.catalogueVersion !== version) {
      const loaded = await this.repo.get();
      if (!loaded) throw new ServiceUnavailableError('no catalogue loaded yet; the server is still starting');
      this.cached = loaded;
    }
    return this.cached;
  }

  /**
   * The catalogue this process last read, without asking Neo4j whether it is still in force (the
   * current one when none was read yet). For writers that check the catalogue version under their
   * write lock (ModelRepository.applyChanges) and retry with {@link current} on a mismatch.
   */
  async lastRead(): Promise<Catalogue> {
    return this.cached ?? this.current();
  }

  /**
   * Validates `document` (seeds/catalogue.schema.json plus reference checks) and makes it the
   * catalogue in force, in one transaction. Errors: ValidationError (paths prefixed `document.`),
   * ConflictError if a placed control would disappear.
   */
  async load(actor: Actor, document: unknown): Promise<Catalogue> {
    const catalogue = withPathPrefix('document', () => validateCatalogue(document));
    const before = (await this.repo.version())?.version ?? null;
    await this.repo.replace(catalogue, {}, (tx) =>
      this.audit.record(tx, actor, {
        summary: `loaded catalogue version ${catalogue.catalogueVersion}`,
        changes: [
          {
            kind: 'catalogue',
            id: catalogue.catalogueVersion,
            before: before === null ? null : { catalogueVersion: before },
            after: { catalogueVersion: catalogue.catalogueVersion, controls: catalogue.controls.length },
          },
        ],
      }),
    );
    this.cached = null;
    rememberForRequest(CATALOGUE_VERSION, undefined);
    return this.current();
  }

  /**
   * Start-up seeding: loads the bundled `catalogue` when the database has none, or when it holds
   * an older bundled one (upgrade). A catalogue a hospital loaded itself is never overwritten.
   * Returns true if it wrote.
   */
  async ensure(catalogue: Catalogue): Promise<boolean> {
    const current = await this.repo.version();
    if (current && (!current.bundled || current.version === catalogue.catalogueVersion)) return false;
    await this.repo.replace(validateCatalogue(catalogue), { bundled: true });
    this.cached = null;
    rememberForRequest(CATALOGUE_VERSION, undefined);
    return true;
  }
}
