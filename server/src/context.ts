/**
 * The GraphQL context: the services a resolver may call, and the request's logger. Built by one
 * factory for every transport.
 */
import type { Logger } from 'pino';
import type { CatalogueService } from './domain/services/catalogue-service';
import type { ModelService } from './domain/services/model-service';
import type { AnalysisService } from './domain/services/analysis-service';

export interface Services {
  models: ModelService;
  catalogues: CatalogueService;
  analysis: AnalysisService;
}

export interface Context {
  services: Services;
  log: Logger;
  requestId: string;
}

/** Builds the context of one request. */
export function buildContext(services: Services, log: Logger, requestId: string): Context {
  return { services, log, requestId };
}
