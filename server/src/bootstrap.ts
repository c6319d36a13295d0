/**
 * Wiring and start-up seeding: services from a Database; the schema applied idempotently; the
 * bundled TR 67 catalogue loaded when the database has none; the demo hospital loaded when asked
 * and absent. Safe to run by several instances at once (idempotent writes, unique constraints).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Services } from './context';
import { loadBundledCatalogue } from './domain/catalogue';
import { SYSTEM_ACTOR } from './domain/auth/principal';
import { ConflictError } from './domain/errors';
import { AnalysisService } from './services/analysis-service';
import type { AnalysisOptions } from './services/analysis-scope';
import { AuditService } from './services/audit-service';
import { AuthService, type AuthOptions } from './services/auth-service';
import { CatalogueService } from './services/catalogue-service';
import { HistoryService } from './services/history-service';
import { ImportService, type ImportServiceOptions } from './services/import-service';
import { ModelService } from './services/model-service';
import type { Database } from './graph/database';
import { AuditRepository } from './graph/repositories/audit-repository';
import { CatalogueRepository } from './graph/repositories/catalogue-repository';
import { IdentityRepository } from './graph/repositories/identity-repository';
import { ModelRepository } from './graph/repositories/model-repository';
import { SnapshotRepository } from './graph/repositories/snapshot-repository';

/** The bundled demo hospital (seeds/demo-hospital.json). */
export const DEMO_MODEL_FILE = path.resolve(__dirname, '..', '..', 'seeds', 'demo-hospital.json');

/**
 * Builds the services over one database handle. `auth` defaults: authentication on, a random
 * session secret (sessions end with the process), 8 h sessions, no OIDC, the default sign-in
 * limits (DEFAULT_ATTEMPT_LIMITS). `analysis`: the analysis pool and per-role caps (default:
 * defaultAnalysisOptions for this machine). `importOptions`: the advisory webhook (none by default).
 * Call `services.analysis.close()` at shutdown to stop
 * its worker threads.
 */
export function createServices(
  db: Database,
  auth: Partial<AuthOptions> = {},
  analysisOptions?: AnalysisOptions,
  importOptions: ImportServiceOptions = {},
): Services {
  const audit = new AuditRepository(db);
  const catalogues = new CatalogueService(new CatalogueRepository(db), audit);
  const snapshots = new SnapshotRepository(db);
  const models = new ModelService(
    db,
    new ModelRepository(db),
    catalogues,
    audit,
    snapshots,
    analysisOptions?.cache?.modelBytes,
  );
  const authService = new AuthService(db, new IdentityRepository(db), audit, {
    devNoAuth: auth.devNoAuth ?? false,
    sessionSecret: auth.sessionSecret ?? randomBytes(32),
    sessionTtlMs: auth.sessionTtlMs ?? 8 * 3600_000,
    ...(auth.oidc ? { oidc: auth.oidc } : {}),
    ...(auth.limits ? { limits: auth.limits } : {}),
  });
  const analysis = new AnalysisService(models, catalogues, analysisOptions);
  return {
    catalogues,
    models,
    analysis,
    auth: authService,
    audit: new AuditService(audit),
    history: new HistoryService(db, models, analysis, audit, snapshots),
    imports: new ImportService(models, catalogues, analysis, importOptions),
  };
}

/** Waits until Neo4j answers, up to `timeoutMs` (default 60 000 ms). Throws if it never does. */
export async function waitForDatabase(db: Database, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await db.isReady())) {
    if (Date.now() > deadline) throw new Error(`Neo4j did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Prepares the database: schema, catalogue, the first admin account (on a database without
 * accounts), optional demo model.
 * @param options.loadDemo import seeds/demo-hospital.json if no model with its id exists
 */
export async function bootstrap(
  db: Database,
  services: Services,
  options: { loadDemo: boolean; log: Logger; adminPassword?: string; adminPasswordSource?: string },
): Promise<void> {
  await waitForDatabase(db);
  await db.applySchema();
  const catalogue = loadBundledCatalogue();
  if (await services.catalogues.ensure(catalogue)) {
    options.log.info({ version: catalogue.catalogueVersion }, 'loaded the bundled TR 67 catalogue');
  }
  await services.auth.ensureInitialAdmin(SYSTEM_ACTOR, options.adminPassword, options.log, options.adminPasswordSource);
  // Stored models to the current exchange format, once each (one transaction per changed model).
  for (const { modelId, changes } of await services.models.migrateStoredModels(SYSTEM_ACTOR)) {
    if (changes.length > 0)
      options.log.warn({ modelId, changes }, 'migrated a stored model to the current exchange format');
  }
  if (options.loadDemo) {
    const demo = JSON.parse(fs.readFileSync(DEMO_MODEL_FILE, 'utf8')) as { model: { id: string } };
    if (!(await services.models.get(demo.model.id))) {
      try {
        await services.models.importModel(SYSTEM_ACTOR, demo);
        options.log.info({ modelId: demo.model.id }, 'loaded the demo hospital model');
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e; // another instance loaded it first
      }
    }
  }
}
