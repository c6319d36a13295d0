/**
 * The catalogue in force: read from Neo4j (system of record), cached by catalogue version, and
 * replaced by validated documents (a hospital's licensed TR 67 tables) without code changes.
 */
import type { CatalogueRepository } from '../../graph/repositories/catalogue-repository';
import { validateCatalogue } from '../catalogue';
import { ServiceUnavailableError, withPathPrefix } from '../errors';
import type { Catalogue } from '../types';

export class CatalogueService {
  private cached: Catalogue | null = null;

  constructor(private readonly repo: CatalogueRepository) {}

  /**
   * The catalogue in force. One cheap version query per call keeps several stateless server
   * instances consistent; the full catalogue is re-read only when its version changes.
   * Throws ServiceUnavailableError if no catalogue has been loaded yet.
   */
  async current(): Promise<Catalogue> {
    const version = await this.repo.version();
    if (version === null) throw new ServiceUnavailableError('no catalogue loaded yet; the server is still starting');
    if (this.cached?.catalogueVersion !== version) {
      const loaded = await this.repo.get();
      if (!loaded) throw new ServiceUnavailableError('no catalogue loaded yet; the server is still starting');
      this.cached = loaded;
    }
    return this.cached;
  }

  /**
   * Validates `document` (seeds/catalogue.schema.json plus reference checks) and makes it the
   * catalogue in force, in one transaction. Errors: ValidationError (paths prefixed `document.`),
   * ConflictError if a placed control would disappear.
   */
  async load(document: unknown): Promise<Catalogue> {
    const catalogue = withPathPrefix('document', () => validateCatalogue(document));
    await this.repo.replace(catalogue);
    this.cached = null;
    return this.current();
  }

  /** Loads `catalogue` only if the database has none or a different version (start-up seeding). Returns true if it wrote. */
  async ensure(catalogue: Catalogue): Promise<boolean> {
    const version = await this.repo.version();
    if (version === catalogue.catalogueVersion) return false;
    if (version !== null) return false; // a hospital's own catalogue is in force: never overwrite it at start-up
    await this.repo.replace(validateCatalogue(catalogue));
    return true;
  }
}
