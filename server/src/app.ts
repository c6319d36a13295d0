/**
 * Builds the HTTP application: GraphQL at /graphql, liveness /healthz, readiness /readyz and the
 * built web app on the same origin. Reads no environment: everything comes in through `deps`.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import helmet from 'helmet';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { loadGraphqlHardening, type GraphqlHardening } from './config';
import { buildContext, type Context, type Services } from './context';
import { DomainError, RateLimitedError, StaleVersionError, StoredDataError, ValidationError } from './domain/errors';
import { clip, clipEchoes } from './domain/text';
import type { Database } from './graph/database';
import { createHttpDrainer } from './http-drain';
import { createLoggingPlugin } from './logging-plugin';
import { graphqlLimits } from './http/graphql-limits';
import { rateLimitPlugin } from './http/rate-limit';
import { uploadRoutes } from './http/uploads';
import { resolvers } from './resolvers';
import { assertEveryRootFieldGuarded } from './resolvers/access';
import { loadTypeDefs } from './schema';

export interface AppDeps {
  services: Services;
  db: Database;
  log: Logger;
  /** Folder of the built web app (index.html); omitted: no web app served. */
  webDist?: string;
  /** Maximum request body, bytes (default 10 MiB: model documents can be large). */
  maxBodyBytes?: number;
  /** Largest uploaded evidence file, bytes (default 10 MiB; MEDTHREAT_UPLOAD_MAX_BYTES). */
  maxUploadBytes?: number;
  /** Query limits, rate limits, introspection and sandbox (default: loadGraphqlHardening({}), the production defaults). */
  graphql?: GraphqlHardening;
}

/** Codes that pass through to clients with their message; anything else is masked. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'RATE_LIMITED',
  'CANCELLED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SERVICE_UNAVAILABLE',
]);

/**
 * Maps errors to what clients see: domain errors keep their message and get
 * `extensions.code` (BAD_USER_INPUT, NOT_FOUND, CONFLICT, ENGINE_LIMIT, SERVICE_UNAVAILABLE,
 * RATE_LIMITED), `extensions.field`, for validation `extensions.issues` [{path, message}], for
 * RATE_LIMITED `extensions.retryAfterMs`; a stale `expectedVersion` (CONFLICT)
 * `extensions.currentVersion`; BAD_STORED_DATA also `extensions.elementId` and
 * `extensions.property`. Values a message echoes are clipped to 80 characters with an ellipsis
 * (domain/text.ts clipEchoes), paths to 200. Everything else
 * is logged and returned as INTERNAL_SERVER_ERROR with a generic message: no stack traces, driver
 * or Cypher text reach clients.
 */
export function makeFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: clipEchoes(original.message),
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: {
          code: original.code,
          ...(original.field !== undefined ? { field: clip(original.field, 200) } : {}),
          ...(original instanceof ValidationError
            ? {
                issues: original.issues.map((i) => ({ path: clip(i.path, 200), message: clipEchoes(i.message) })),
              }
            : {}),
          ...(original instanceof RateLimitedError ? { retryAfterMs: original.retryAfterMs } : {}),
          ...(original instanceof StoredDataError
            ? { elementId: original.elementId, property: original.property }
            : {}),
          ...(original instanceof StaleVersionError ? { currentVersion: original.currentVersion } : {}),
        },
      };
    }
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: clipEchoes(formatted.message), extensions };
    }
    log.error({ err: original }, 'unexpected error in GraphQL request');
    return {
      message: 'Internal server error; the incident was logged',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * Creates the Apollo server (also used directly by tests through executeOperation). `hardening`
 * sets the query limits (server/src/http/graphql-limits.ts), introspection and the landing page
 * (Apollo Sandbox, or none); CSRF prevention is always on: a request must be preflighted
 * (content-type other than text/plain, form or multipart) or carry `apollo-require-preflight`.
 */
export function createApollo(
  log: Logger,
  plugins: ConstructorParameters<typeof ApolloServer>[0]['plugins'] = [],
  hardening: GraphqlHardening = loadGraphqlHardening({}),
) {
  const limits = graphqlLimits(hardening);
  const typeDefs = loadTypeDefs();
  assertEveryRootFieldGuarded(typeDefs, resolvers); // fail closed: no root field without a policy
  return new ApolloServer<Context>({
    typeDefs,
    resolvers: resolvers as never,
    formatError: makeFormatError(log),
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handlers raced ours and left stop() hanging
    stopOnTerminationSignals: false,
    plugins: [
      // no cache hints are set (every answer is no-store, set in createServer), and the default
      // cache-control plugin visited every resolved field (about 2.5 % of the server's CPU under
      // `npm run load`)
      ApolloServerPluginCacheControlDisabled(),
      createLoggingPlugin(),
      ...(limits.plugins as typeof plugins),
      hardening.sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
      ...plugins,
    ],
    // GraphQL hardening (server/src/http/graphql-limits.ts, config.graphql)
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    introspection: hardening.introspection,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
  });
}

/**
 * Builds and starts (but does not listen) the HTTP server with Apollo. Call `listen` on the
 * returned server; `stop(graceMs)` stops accepting connections, lets in-flight requests finish,
 * closes idle keep-alive connections at once and the rest after `graceMs` (ms, default 10000),
 * then stops Apollo (the caller closes the driver). /readyz answers 503 while stopping.
 */
export async function createServer(
  deps: AppDeps,
): Promise<{ httpServer: http.Server; stop: (graceMs?: number) => Promise<void> }> {
  const app = express();
  const httpServer = http.createServer(app);
  const drainer = createHttpDrainer(httpServer, deps.log);
  const hardening = deps.graphql ?? loadGraphqlHardening({});
  const apollo = createApollo(deps.log, [rateLimitPlugin({ general: hardening.rateLimit }) as never], hardening);
  await apollo.start();

  app.disable('x-powered-by');
  app.use(securityHeaders(hardening.sandbox));
  // the client IP (req.ip) that rate limits are keyed by: believe X-Forwarded-For only from these proxies
  app.set('trust proxy', hardening.trustProxy);
  app.use(drainer.middleware);
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness answers within 2.5 s whatever the database does: ping ≤ 2 s, catalogue in the rest.
  app.get('/readyz', async (_req, res) => {
    if (drainer.draining) {
      res.status(503).json({ status: 'stopping', database: false, catalogue: false });
      return;
    }
    const started = Date.now();
    const database = await deps.db.isReady(2000);
    let catalogue = false;
    if (database) {
      const budgetMs = Math.max(250, 2500 - (Date.now() - started));
      catalogue = await Promise.race([
        deps.services.catalogues.current().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(resolve, budgetMs, false).unref()),
      ]);
    }
    res
      .status(database && catalogue ? 200 : 503)
      .json({ status: database && catalogue ? 'ready' : 'not ready', database, catalogue });
  });

  // Evidence files (CSAF, CycloneDX, MDS2): multipart, Authorization header only, typed JSON errors.
  app.use(uploadRoutes(deps.services, deps.log, deps.maxUploadBytes));

  app.use(
    '/graphql',
    // answers hold patients' and hospitals' data: no cache keeps them (the header Apollo's
    // cache-control plugin set, which is off, see createApollo)
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    express.json({ limit: deps.maxBodyBytes ?? 10 * 1024 * 1024 }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const requestId = String((req as unknown as { id?: string }).id ?? randomUUID());
        // the client going away before the answer cancels its analyses (workers/engine-pool.ts)
        const gone = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished) gone.abort();
        });
        const principal = await authenticate(deps.services, req.headers.authorization);
        const log = deps.log.child({ requestId, principal: `${principal.kind}:${principal.id}` });
        return buildContext(deps.services, log, requestId, principal, req.ip ?? '', gone.signal);
      },
    }),
  );

  // Body-parser and other HTTP-level failures (malformed JSON, body too large): a GraphQL-shaped
  // JSON error with a code, never Express's HTML page with a stack trace.
  app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; statusCode?: number; type?: string };
    const status = e.status ?? e.statusCode ?? 500;
    const tooLarge = e.type === 'entity.too.large';
    const malformed = e.type === 'entity.parse.failed';
    if (status >= 500) deps.log.error({ err }, 'unexpected HTTP error');
    res.status(status).json({
      errors: [
        {
          message: tooLarge
            ? `request body too large (limit ${deps.maxBodyBytes ?? 10 * 1024 * 1024} bytes)`
            : malformed
              ? 'request body is not valid JSON'
              : status >= 500
                ? 'Internal server error; the incident was logged'
                : 'bad request',
          extensions: {
            code: tooLarge ? 'PAYLOAD_TOO_LARGE' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
          },
        },
      ],
    });
  });

  if (deps.webDist && fs.existsSync(path.join(deps.webDist, 'index.html'))) {
    const index = path.join(deps.webDist, 'index.html');
    app.use(express.static(deps.webDist, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!graphql|healthz|readyz).*/, (_req, res) => res.sendFile(index));
  }

  return {
    httpServer,
    stop: async (graceMs = 10000) => {
      await drainer.drain(graceMs);
      await apollo.stop();
      deps.log.info('shutdown: GraphQL server stopped');
    },
  };
}

/**
 * The principal behind the request's Authorization header. A bad, expired or revoked credential
 * answers HTTP 401 with code UNAUTHENTICATED; an unreachable database HTTP 503.
 */
async function authenticate(services: Context['services'], authorization: string | undefined) {
  try {
    return await services.auth.authenticate(authorization);
  } catch (e) {
    if (e instanceof DomainError) {
      const status = e.code === 'UNAUTHENTICATED' ? 401 : e.code === 'SERVICE_UNAVAILABLE' ? 503 : 400;
      throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status } } });
    }
    throw e;
  }
}

/**
 * Browser security headers (helmet): a Content-Security-Policy that allows only this origin's
 * scripts and no framing (clickjacking), nosniff, a strict referrer policy. Inline styles are
 * allowed (React and Cytoscape set them); images may be data:/blob: (map export). With the Apollo
 * sandbox on, the CSP is left out: the sandbox loads from Apollo's CDN.
 */
function securityHeaders(sandbox: boolean) {
  return helmet({
    contentSecurityPolicy: sandbox
      ? false
      : {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", 'data:', 'blob:'],
            fontSrc: ["'self'", 'data:'],
            connectSrc: ["'self'"],
            objectSrc: ["'none'"],
            baseUri: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
          },
        },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** A GraphQLError with a domain code, for resolvers that validate arguments themselves. */
export function badInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export type { BaseContext };
