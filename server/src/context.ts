/**
 * The GraphQL context: the services a resolver may call, who is calling (the principal), and the
 * request's logger. Built by one factory for every transport.
 */
import type { Logger } from 'pino';
import type { Actor, Principal } from './domain/auth/principal';
import type { AnalysisService } from './services/analysis-service';
import type { AuditService } from './services/audit-service';
import type { AuthService } from './services/auth-service';
import type { CatalogueService } from './services/catalogue-service';
import type { HistoryService } from './services/history-service';
import type { ImportService } from './services/import-service';
import type { ModelService } from './services/model-service';

export interface Services {
  models: ModelService;
  catalogues: CatalogueService;
  analysis: AnalysisService;
  auth: AuthService;
  audit: AuditService;
  /** Named snapshots, earlier versions and diffs of models. */
  history: HistoryService;
  /** Evidence imports (CSAF advisories, CycloneDX SBOM/VEX): preview and commit. */
  imports: ImportService;
}

export interface Context {
  services: Services;
  log: Logger;
  requestId: string;
  /** Who is calling: set from the Authorization header before any resolver runs. */
  principal: Principal;
  /** Client address (for rate limiting and logs). */
  ip: string;
  /** Aborted when the HTTP client goes away before the answer: analyses in the worker pool stop. */
  signal?: AbortSignal;
}

/** Builds the context of one request. */
export function buildContext(
  services: Services,
  log: Logger,
  requestId: string,
  principal: Principal,
  ip = '',
  signal?: AbortSignal,
): Context {
  return { services, log, requestId, principal, ip, ...(signal ? { signal } : {}) };
}

/** The actor of a change made by this request through the root field `action` (for the audit trail). */
export function actorOf(ctx: Context, action: string): Actor {
  return { principal: ctx.principal, action, requestId: ctx.requestId };
}
