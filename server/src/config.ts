/**
 * Configuration: the only reader of process.env. Validated with zod, typed and frozen; a bad value
 * fails start-up naming the variable. `*_FILE` variants read secrets from files (Docker secrets).
 */
import fs from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { SEVERITIES } from './domain/types';
import { defaultAnalysisOptions, type AnalysisOptions } from './services/analysis-scope';
import type { WebhookOptions } from './services/new-paths-webhook';

/** An empty variable (e.g. `VAR=` in a compose file) counts as unset. */
function unsetIfEmpty<T extends z.ZodTypeAny>(inner: T) {
  return z.preprocess((v) => (v === '' ? undefined : v), inner);
}

const schema = z.object({
  /** Bolt/Neo4j URI: bolt://, neo4j://, neo4j+s:// (Aura, clusters), neo4j+ssc://... */
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/.+/, 'must be a bolt:// or neo4j:// URI (optionally +s / +ssc)'),
  NEO4J_USER: z.string().default('neo4j'),
  /** Empty: connect without authentication (local provisioned server). */
  NEO4J_PASSWORD: z.string().default(''),
  NEO4J_DATABASE: z.string().default('neo4j'),
  /** How long a transaction keeps retrying while the database is unavailable (ms) before SERVICE_UNAVAILABLE. */
  NEO4J_MAX_RETRY_MS: z.coerce.number().int().min(0).max(300000).default(15000),
  /** HTTP port of the GraphQL API and web app. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Load the bundled demo hospital model at start-up if it is absent. */
  MEDTHREAT_LOAD_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Serve the built web app from this folder ('' to disable). */
  WEB_DIST: z.string().optional(),
  /** Largest uploaded evidence file, bytes (upload route; larger: HTTP 413 PAYLOAD_TOO_LARGE). */
  MEDTHREAT_UPLOAD_MAX_BYTES: unsetIfEmpty(
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(10 * 1024 * 1024),
  ),

  // --- Authentication (issue #5) ---------------------------------------------------------------
  /** DEVELOPMENT ONLY: switch authentication off (every caller is an admin). Refused unless HOST is loopback. */
  MEDTHREAT_DEV_NO_AUTH: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Password of the first admin account ('admin'), created when the database has no accounts. */
  MEDTHREAT_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** HMAC key for session tokens, ≥ 32 characters; share it across instances. Default: random per process. */
  MEDTHREAT_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Session lifetime in minutes (default 480 = 8 h). */
  MEDTHREAT_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(10080).default(480),
  /** OIDC issuer URL; set it (with the audience) to accept the identity provider's bearer tokens. */
  MEDTHREAT_OIDC_ISSUER: z.string().url().optional(),
  MEDTHREAT_OIDC_AUDIENCE: z.string().min(1).optional(),
  /** JWKS URL; default: discovered from the issuer. */
  MEDTHREAT_OIDC_JWKS_URI: z.string().url().optional(),
  /** Claim with the role(s) (default 'roles'). */
  MEDTHREAT_OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  /** Claim value to role, e.g. 'medthreat-admin=ADMIN,medthreat-editor=EDITOR'. */
  MEDTHREAT_OIDC_ROLE_MAP: z
    .string()
    .regex(
      /^([^=,]+=(VIEWER|EDITOR|ADMIN))(,[^=,]+=(VIEWER|EDITOR|ADMIN))*$/,
      'must be value=ROLE pairs, comma separated',
    )
    .optional(),
  /** Claim listing the model ids a token may touch (absent: every model). */
  MEDTHREAT_OIDC_MODELS_CLAIM: z.string().min(1).optional(),

  // --- Advisory webhook (issue 12, services/new-paths-webhook.ts) -------------------------------
  /** http(s) URL that gets the attack paths a committed advisory/SBOM/VEX import opened; absent: off. */
  MEDTHREAT_WEBHOOK_URL: unsetIfEmpty(
    z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL')
      .refine((u) => {
        const url = new URL(u);
        return url.username === '' && url.password === '';
      }, 'must not contain a user name or password (fetch cannot send them; sign requests with MEDTHREAT_WEBHOOK_SECRET)')
      .optional(),
  ),
  /** Only paths to targets of at least this ISO 14971 severity are sent. */
  MEDTHREAT_WEBHOOK_MIN_SEVERITY: z.enum(SEVERITIES).default('SERIOUS'),
  /** HMAC-SHA256 key of the X-MedThreat-Signature header (≥ 16 characters); absent: unsigned. */
  MEDTHREAT_WEBHOOK_SECRET: unsetIfEmpty(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Per delivery attempt, ms. */
  MEDTHREAT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** Tries per event (network errors, timeouts, 429 and 5xx are retried). */
  MEDTHREAT_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
});

export type Config = Readonly<{
  neo4j: Readonly<{ uri: string; user: string; password: string; database: string; maxTransactionRetryTimeMs: number }>;
  port: number;
  host: string;
  loadDemo: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  webDist?: string;
  /** Largest uploaded evidence file, bytes (MEDTHREAT_UPLOAD_MAX_BYTES, default 10 MiB). */
  maxUploadBytes: number;
  /** GraphQL limits, rate limits, introspection and sandbox (block at the end of this file). */
  graphql: GraphqlHardening;
  /** Analysis pool and per-role caps (MEDTHREAT_ANALYSIS_*, block at the end of this file). */
  analysis: AnalysisOptions;
  /** The advisory webhook (MEDTHREAT_WEBHOOK_*); absent when no URL is set. */
  webhook?: Readonly<WebhookOptions>;
  auth: Readonly<{
    devNoAuth: boolean;
    adminPassword?: string;
    /** Where adminPassword came from, for the log: `MEDTHREAT_ADMIN_PASSWORD` or `MEDTHREAT_ADMIN_PASSWORD_FILE (<path>)`. */
    adminPasswordSource?: string;
    /** Explicit session secret (null: a random one per process, so sessions end with the process). */
    sessionSecret: string | null;
    sessionTtlMs: number;
    oidc?: Readonly<{
      issuer: string;
      audience: string;
      jwksUri?: string;
      roleClaim: string;
      roleMap: Readonly<Record<string, 'VIEWER' | 'EDITOR' | 'ADMIN'>>;
      modelsClaim?: string;
    }>;
  }>;
}>;

/**
 * Reads and validates the environment. Throws an Error naming each bad or missing variable.
 * @param env defaults to process.env
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const withFiles: Record<string, string | undefined> = { ...env };
  for (const key of [
    'NEO4J_PASSWORD',
    'NEO4J_USER',
    'NEO4J_URI',
    'MEDTHREAT_ADMIN_PASSWORD',
    'MEDTHREAT_SESSION_SECRET',
    'MEDTHREAT_WEBHOOK_SECRET',
  ]) {
    const file = env[`${key}_FILE`];
    if (file && withFiles[key] === undefined) withFiles[key] = fs.readFileSync(file, 'utf8').trim();
  }
  const parsed = schema.safeParse(withFiles);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.MEDTHREAT_DEV_NO_AUTH && !['127.0.0.1', 'localhost', '::1'].includes(e.HOST)) {
    throw new Error(
      'invalid configuration: MEDTHREAT_DEV_NO_AUTH=true is for a local demo only and needs HOST=127.0.0.1, localhost or ::1',
    );
  }
  if (!!e.MEDTHREAT_OIDC_ISSUER !== !!e.MEDTHREAT_OIDC_AUDIENCE) {
    throw new Error('invalid configuration: MEDTHREAT_OIDC_ISSUER and MEDTHREAT_OIDC_AUDIENCE go together');
  }
  return Object.freeze({
    neo4j: Object.freeze({
      uri: e.NEO4J_URI,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      maxTransactionRetryTimeMs: e.NEO4J_MAX_RETRY_MS,
    }),
    port: e.PORT,
    host: e.HOST,
    loadDemo: e.MEDTHREAT_LOAD_DEMO,
    logLevel: e.LOG_LEVEL,
    ...(e.WEB_DIST !== undefined ? { webDist: e.WEB_DIST } : {}),
    maxUploadBytes: e.MEDTHREAT_UPLOAD_MAX_BYTES,
    graphql: loadGraphqlHardening(withFiles),
    analysis: loadAnalysisOptions(withFiles),
    ...(e.MEDTHREAT_WEBHOOK_URL
      ? {
          webhook: Object.freeze({
            url: e.MEDTHREAT_WEBHOOK_URL,
            minSeverity: e.MEDTHREAT_WEBHOOK_MIN_SEVERITY,
            ...(e.MEDTHREAT_WEBHOOK_SECRET ? { secret: e.MEDTHREAT_WEBHOOK_SECRET } : {}),
            timeoutMs: e.MEDTHREAT_WEBHOOK_TIMEOUT_MS,
            attempts: e.MEDTHREAT_WEBHOOK_ATTEMPTS,
            backoffMs: 1000,
          }),
        }
      : {}),
    auth: Object.freeze({
      devNoAuth: e.MEDTHREAT_DEV_NO_AUTH,
      ...(e.MEDTHREAT_ADMIN_PASSWORD !== undefined
        ? {
            adminPassword: e.MEDTHREAT_ADMIN_PASSWORD,
            adminPasswordSource:
              env['MEDTHREAT_ADMIN_PASSWORD'] === undefined
                ? `MEDTHREAT_ADMIN_PASSWORD_FILE (${env['MEDTHREAT_ADMIN_PASSWORD_FILE']})`
                : 'MEDTHREAT_ADMIN_PASSWORD',
          }
        : {}),
      sessionSecret: e.MEDTHREAT_SESSION_SECRET ?? null,
      sessionTtlMs: e.MEDTHREAT_SESSION_TTL_MINUTES * 60_000,
      ...(e.MEDTHREAT_OIDC_ISSUER && e.MEDTHREAT_OIDC_AUDIENCE
        ? {
            oidc: Object.freeze({
              issuer: e.MEDTHREAT_OIDC_ISSUER,
              audience: e.MEDTHREAT_OIDC_AUDIENCE,
              ...(e.MEDTHREAT_OIDC_JWKS_URI ? { jwksUri: e.MEDTHREAT_OIDC_JWKS_URI } : {}),
              roleClaim: e.MEDTHREAT_OIDC_ROLE_CLAIM,
              roleMap: Object.freeze(
                Object.fromEntries(
                  (e.MEDTHREAT_OIDC_ROLE_MAP ?? '')
                    .split(',')
                    .filter(Boolean)
                    .map((pair) => pair.split('=') as [string, 'VIEWER' | 'EDITOR' | 'ADMIN']),
                ),
              ),
              ...(e.MEDTHREAT_OIDC_MODELS_CLAIM ? { modelsClaim: e.MEDTHREAT_OIDC_MODELS_CLAIM } : {}),
            }),
          }
        : {}),
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// GraphQL hardening (issue items 3-4): query limits, rate limits, introspection and the sandbox.
// Parsed on its own so it stays one block; loadConfig() puts the result in `config.graphql`.
// ---------------------------------------------------------------------------------------------

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const count = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const hardeningSchema = z.object({
  /** Read here only to choose the defaults of introspection and the sandbox (validated above). */
  MEDTHREAT_DEV_NO_AUTH: z.string().optional(),
  /** Answer introspection queries (__schema, __type). Default: only in the dev mode. */
  MEDTHREAT_GRAPHQL_INTROSPECTION: flag.optional(),
  /** Serve Apollo Sandbox on GET /graphql from a browser. Default: only in the dev mode. */
  MEDTHREAT_GRAPHQL_SANDBOX: flag.optional(),
  /** Deepest selection nesting allowed (fields inside fields; introspection is not counted). */
  MEDTHREAT_GRAPHQL_MAX_DEPTH: count(1, 100, 12),
  /** Aliases allowed in one operation. */
  MEDTHREAT_GRAPHQL_MAX_ALIASES: count(0, 1000, 15),
  /** Directives (@include, @skip, ...) allowed in one operation. */
  MEDTHREAT_GRAPHQL_MAX_DIRECTIVES: count(0, 1000, 50),
  /** Lexical tokens allowed in one query document (the parser stops at this many). */
  MEDTHREAT_GRAPHQL_MAX_TOKENS: count(100, 1_000_000, 5000),
  /** Highest query cost (server/src/http/graphql-limits.ts: 1 per field, analysis fields 150-400). */
  MEDTHREAT_GRAPHQL_MAX_COST: count(1, 10_000_000, 1000),
  /** GraphQL requests per principal (or per client IP when anonymous) per window; 0 = no limit. */
  MEDTHREAT_RATE_LIMIT_POINTS: count(0, 1_000_000, 1200),
  MEDTHREAT_RATE_LIMIT_WINDOW_S: count(1, 86_400, 60),
  /**
   * Sign-in attempts per username and client IP per window (counted by AuthService in Neo4j,
   * shared by every instance); 0 = no limit. The window also applies to the two limits below.
   */
  MEDTHREAT_LOGIN_RATE_LIMIT_POINTS: count(0, 1_000_000, 10),
  MEDTHREAT_LOGIN_RATE_LIMIT_WINDOW_S: count(1, 86_400, 900),
  /** Failed sign-in attempts per client IP per window, whatever the username; 0 = no limit. */
  MEDTHREAT_LOGIN_IP_RATE_LIMIT_POINTS: count(0, 1_000_000, 100),
  /** changePassword attempts per account per window; 0 = no limit. */
  MEDTHREAT_PASSWORD_RATE_LIMIT_POINTS: count(0, 1_000_000, 5),
  /**
   * Reverse proxies whose X-Forwarded-For gives the client IP (Express 'trust proxy'): 'true',
   * a hop count, or a comma list of addresses/subnets ('loopback', '10.0.0.0/8'). Default: none.
   */
  MEDTHREAT_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[\w.:/, -]{1,500})$/, 'must be true, false, a hop count or addresses/subnets')
    .optional(),
});

/** Limits and switches of the GraphQL endpoint (see the README's configuration table). */
export interface GraphqlHardening {
  /** Answer introspection queries. */
  introspection: boolean;
  /** Serve Apollo Sandbox (the local landing page) instead of no landing page. */
  sandbox: boolean;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** General limiter: `points` requests per `windowSeconds` per key; points 0 = off. */
  rateLimit: Readonly<{ points: number; windowSeconds: number }>;
  /** Sign-in limit (AuthService, in Neo4j): `points` attempts per `windowSeconds` per username + IP; 0 = off. */
  loginRateLimit: Readonly<{ points: number; windowSeconds: number }>;
  /** Sign-in limit per client IP, any username (same window); 0 = off. */
  loginIpRateLimit: Readonly<{ points: number; windowSeconds: number }>;
  /** changePassword limit per account (same window); 0 = off. */
  passwordRateLimit: Readonly<{ points: number; windowSeconds: number }>;
  /** Express 'trust proxy': which proxies to believe about the client IP (rate limits, logs). */
  trustProxy: boolean | number | string;
}

/**
 * Reads the GraphQL hardening variables. Introspection and the sandbox default to on only when
 * MEDTHREAT_DEV_NO_AUTH=true, off otherwise. Throws an Error naming each bad variable.
 * @param env defaults to process.env
 */
export function loadGraphqlHardening(env: Record<string, string | undefined> = process.env): GraphqlHardening {
  const parsed = hardeningSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const devMode = e.MEDTHREAT_DEV_NO_AUTH === 'true';
  return Object.freeze({
    introspection: e.MEDTHREAT_GRAPHQL_INTROSPECTION ?? devMode,
    sandbox: e.MEDTHREAT_GRAPHQL_SANDBOX ?? devMode,
    maxDepth: e.MEDTHREAT_GRAPHQL_MAX_DEPTH,
    maxAliases: e.MEDTHREAT_GRAPHQL_MAX_ALIASES,
    maxDirectives: e.MEDTHREAT_GRAPHQL_MAX_DIRECTIVES,
    maxTokens: e.MEDTHREAT_GRAPHQL_MAX_TOKENS,
    maxCost: e.MEDTHREAT_GRAPHQL_MAX_COST,
    rateLimit: Object.freeze({ points: e.MEDTHREAT_RATE_LIMIT_POINTS, windowSeconds: e.MEDTHREAT_RATE_LIMIT_WINDOW_S }),
    trustProxy: parseTrustProxy(e.MEDTHREAT_TRUST_PROXY),
    loginRateLimit: Object.freeze({
      points: e.MEDTHREAT_LOGIN_RATE_LIMIT_POINTS,
      windowSeconds: e.MEDTHREAT_LOGIN_RATE_LIMIT_WINDOW_S,
    }),
    loginIpRateLimit: Object.freeze({
      points: e.MEDTHREAT_LOGIN_IP_RATE_LIMIT_POINTS,
      windowSeconds: e.MEDTHREAT_LOGIN_RATE_LIMIT_WINDOW_S,
    }),
    passwordRateLimit: Object.freeze({
      points: e.MEDTHREAT_PASSWORD_RATE_LIMIT_POINTS,
      windowSeconds: e.MEDTHREAT_LOGIN_RATE_LIMIT_WINDOW_S,
    }),
  });
}

/** MEDTHREAT_TRUST_PROXY → Express's 'trust proxy' value: boolean, hop count or address list. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

// ---------------------------------------------------------------------------------------------
// Analysis pool (issue 11): worker threads, queue, per-caller concurrency, per-role caps.
// ---------------------------------------------------------------------------------------------

const MIB = 1024 * 1024;

/**
 * Reads the MEDTHREAT_ANALYSIS_* variables (see the README's "Analysis pool" table) over
 * {@link defaultAnalysisOptions} for this machine's cores. Throws an Error naming each bad variable.
 * @param env defaults to process.env
 */
export function loadAnalysisOptions(
  env: Record<string, string | undefined> = process.env,
  cores = os.availableParallelism(),
): AnalysisOptions {
  const d = defaultAnalysisOptions(cores);
  const ms = (fallback: number) => z.coerce.number().int().min(100).max(600_000).default(fallback);
  const role = (r: 'VIEWER' | 'EDITOR' | 'ADMIN') => ({
    [`MEDTHREAT_ANALYSIS_${r}_MAX_MS`]: ms(d.roles[r].maxTimeLimitMs),
    [`MEDTHREAT_ANALYSIS_${r}_MAX_PER_REQUEST`]: count(1, 100, d.roles[r].maxAnalysesPerRequest),
    [`MEDTHREAT_ANALYSIS_${r}_MAX_BUDGET_POINTS`]: count(0, 100, d.roles[r].maxBudgetPointsPerRequest),
  });
  const schema = z.object({
    MEDTHREAT_ANALYSIS_WORKERS: count(1, 64, d.pool.workers),
    MEDTHREAT_ANALYSIS_QUEUE: count(0, 100_000, d.pool.maxQueue),
    MEDTHREAT_ANALYSIS_PER_PRINCIPAL: count(1, 64, d.pool.perPrincipal),
    MEDTHREAT_ANALYSIS_PER_PRINCIPAL_QUEUE: count(0, 1000, d.pool.perPrincipalQueue),
    MEDTHREAT_ANALYSIS_CACHE_MB: count(1, 1_000_000, Math.round((d.cache?.analysisBytes ?? 0) / MIB)),
    MEDTHREAT_MODEL_CACHE_MB: count(1, 1_000_000, Math.round((d.cache?.modelBytes ?? 0) / MIB)),
    ...role('VIEWER'),
    ...role('EDITOR'),
    ...role('ADMIN'),
  });
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data as Record<string, number>;
  const policy = (r: string) =>
    Object.freeze({
      maxTimeLimitMs: e[`MEDTHREAT_ANALYSIS_${r}_MAX_MS`]!,
      maxAnalysesPerRequest: e[`MEDTHREAT_ANALYSIS_${r}_MAX_PER_REQUEST`]!,
      maxBudgetPointsPerRequest: e[`MEDTHREAT_ANALYSIS_${r}_MAX_BUDGET_POINTS`]!,
    });
  return Object.freeze({
    pool: Object.freeze({
      workers: e['MEDTHREAT_ANALYSIS_WORKERS']!,
      maxQueue: e['MEDTHREAT_ANALYSIS_QUEUE']!,
      perPrincipal: e['MEDTHREAT_ANALYSIS_PER_PRINCIPAL']!,
      perPrincipalQueue: e['MEDTHREAT_ANALYSIS_PER_PRINCIPAL_QUEUE']!,
    }),
    roles: Object.freeze({ VIEWER: policy('VIEWER'), EDITOR: policy('EDITOR'), ADMIN: policy('ADMIN') }),
    cache: Object.freeze({
      analysisBytes: e['MEDTHREAT_ANALYSIS_CACHE_MB']! * MIB,
      modelBytes: e['MEDTHREAT_MODEL_CACHE_MB']! * MIB,
    }),
  });
}
