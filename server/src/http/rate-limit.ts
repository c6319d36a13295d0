/**
 * Rate limiting of GraphQL requests with `rate-limiter-flexible` (in-memory store), as an Apollo
 * plugin so that it sees who is calling:
 *
 * - every request consumes one point of its key: `<kind>:<principal id>` when the caller is
 *   authenticated (user, API key, OIDC subject, dev mode), else `ip:<client IP>`;
 * - each `login` field consumes one point of a stricter limiter keyed by lower-cased username and
 *   client IP, to slow password guessing; a successful login clears its key.
 *
 * Over the limit the request is refused before it executes: GraphQL error
 * `extensions.code` RATE_LIMITED with `extensions.retryAfterMs`, HTTP 429 and `Retry-After` (s).
 *
 * The counters live in this process's memory: behind a load balancer each instance limits on its
 * own, so a cluster of N instances lets through up to N times the configured rate. A shared
 * store (rate-limiter-flexible's Redis limiter) would be the next step if that matters.
 */
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  getArgumentValues,
  GraphQLError,
  Kind,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type FieldNode,
} from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Context } from '../context';

/** `points` per `windowSeconds`; points 0 switches the limiter off. */
export interface RateLimit {
  points: number;
  windowSeconds: number;
}

/** What this plugin reads from the GraphQL context (optional: executeOperation callers may omit them). */
export type Caller = Partial<Pick<Context, 'principal' | 'ip'>>;

/** Root mutation fields limited as sign-in attempts. */
const LOGIN_FIELDS = new Set(['login']);

/** The GraphQL error of a refused request: RATE_LIMITED, retryAfterMs, HTTP 429 with Retry-After. */
export function rateLimitedError(retryAfterMs: number, what = 'requests'): GraphQLError {
  const ms = Math.max(0, Math.ceil(retryAfterMs));
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new GraphQLError(`Too many ${what}: try again in ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterMs: ms,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}

/**
 * The key a request is counted under: the principal when authenticated, else the client IP
 * ('unknown' when the transport gave none).
 */
export function rateLimitKey({ principal, ip }: Caller): string {
  if (principal && principal.kind !== 'ANONYMOUS') return `${principal.kind}:${principal.id}`;
  return `ip:${ip || 'unknown'}`;
}

function limiter(limit: RateLimit, keyPrefix: string): RateLimiterMemory | null {
  return limit.points > 0
    ? new RateLimiterMemory({ points: limit.points, duration: limit.windowSeconds, keyPrefix })
    : null;
}

/** Consumes one point of `key`; resolves to the refusal (ms to wait) or null when allowed. */
async function take(l: RateLimiterMemory, key: string): Promise<number | null> {
  try {
    await l.consume(key);
    return null;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res.msBeforeNext;
    throw res;
  }
}

/** The login fields of the operation: response key and username argument (lower-cased). */
function loginAttempts(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): { responseKey: string; username: string }[] {
  const mutation = schema.getMutationType();
  if (operation.operation !== 'mutation' || !mutation) return [];
  const fields: FieldNode[] = [];
  for (const s of operation.selectionSet.selections) {
    if (s.kind === Kind.FIELD) fields.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      for (const inner of s.selectionSet.selections) if (inner.kind === Kind.FIELD) fields.push(inner);
    }
  }
  const attempts: { responseKey: string; username: string }[] = [];
  for (const node of fields) {
    if (!LOGIN_FIELDS.has(node.name.value)) continue;
    const def = mutation.getFields()[node.name.value];
    let username = '';
    if (def) {
      try {
        const args = getArgumentValues(def, node, variables) as { username?: unknown; input?: { username?: unknown } };
        const given = args.username ?? args.input?.username;
        username = typeof given === 'string' ? given.trim().toLowerCase() : '';
      } catch {
        // arguments that do not coerce: execution refuses them; still count the attempt
      }
    }
    attempts.push({ responseKey: node.alias?.value ?? node.name.value, username });
  }
  return attempts;
}

/**
 * Apollo plugin enforcing `general` (every request, per principal or IP) and `login` (each login
 * field, per username + IP). Requests without an HTTP transport (executeOperation in tests) are
 * counted like any other.
 */
export function rateLimitPlugin<TContext extends BaseContext & Caller>(limits: {
  general: RateLimit;
  login: RateLimit;
}): ApolloServerPlugin<TContext> {
  const general = limiter(limits.general, 'medthreat-gql');
  const login = limiter(limits.login, 'medthreat-login');
  return {
    async requestDidStart({ contextValue }) {
      const loginKeys = new Map<string, string>();
      return {
        async didResolveOperation({ request, operation, schema }) {
          if (general) {
            const wait = await take(general, rateLimitKey(contextValue));
            if (wait !== null) throw rateLimitedError(wait);
          }
          if (!login || !operation) return;
          const ip = contextValue.ip || 'unknown';
          for (const attempt of loginAttempts(schema, operation, request.variables ?? {})) {
            const key = `${attempt.username}|${ip}`;
            const wait = await take(login, key);
            if (wait !== null) throw rateLimitedError(wait, 'sign-in attempts');
            loginKeys.set(attempt.responseKey, key);
          }
        },
        async willSendResponse({ response }) {
          if (!login || loginKeys.size === 0 || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          for (const [responseKey, key] of loginKeys) {
            const failed = errors?.some((e) => e.path?.[0] === responseKey);
            if (!failed && data?.[responseKey] != null) await login.delete(key);
          }
        },
      };
    },
  };
}
