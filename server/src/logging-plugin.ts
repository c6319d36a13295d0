/**
 * Apollo plugin: one structured log line per GraphQL request, through the request's logger
 * (context `log`, which carries the request id that pino-http assigned and echoed in
 * `x-request-id`). Logs the operation name and type, the root fields, the duration and the error
 * codes as clients saw them. Never logs variables or the query text, so no password or token in
 * the arguments reaches the log.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import type { Context } from './context';

/** Codes that mean the server, not the client, had a problem: logged at warn. */
const SERVER_SIDE_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

/** Top-level field names of the operation, e.g. ["model"] or ["createDevice"]; aliases resolved. */
function rootFields(operation: OperationDefinitionNode | undefined): string[] | undefined {
  if (!operation) return undefined;
  return operation.selectionSet.selections.flatMap((s) => (s.kind === 'Field' ? [s.name.value] : []));
}

/**
 * Creates the request-logging plugin. Each request logs `graphql request` with `operationName`
 * (null for anonymous operations), `operationType`, `rootFields`, `durationMs` (ms, from the start
 * of the request pipeline to the response) and, if any, `errorCodes` (distinct `extensions.code`
 * values of the formatted errors; INTERNAL_SERVER_ERROR or SERVICE_UNAVAILABLE log at warn).
 */
export function createLoggingPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, response, operation, operationName }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const errorCodes = [
            ...new Set((errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'))),
          ];
          const entry = {
            operationName: operationName ?? operation?.name?.value ?? null,
            operationType: operation?.operation ?? null,
            rootFields: rootFields(operation),
            durationMs: Math.round((performance.now() - started) * 10) / 10,
            ...(errorCodes.length ? { errorCodes } : {}),
          };
          const log = contextValue.log;
          if (errorCodes.some((c) => SERVER_SIDE_CODES.has(c))) log.warn(entry, 'graphql request');
          else log.info(entry, 'graphql request');
        },
      };
    },
  };
}
