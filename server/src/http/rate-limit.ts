/**
 * Rate limiting of GraphQL requests with `rate-limiter-flexible` (in-memory store), as an Apollo
 * plugin so that it sees who is calling: every request consumes one point of its key:
 * `<kind>:<principal id>` when the caller is authenticated (user, API key, OIDC subject, dev
 * mode), else `ip:<client IP>`. Over the limit the request is refused before it executes: GraphQL
 * error `extensions.code` RATE_LIMITED with `extensions.retryAfterMs`, HTTP 429 and `Retry-After` (s).
 *
 * Sign-in and current-password attempts are NOT limited here: AuthService counts them itself, in
 * Neo4j, whatever the shape of the operation (fragments, aliases) and across every instance
 * (issue #11). This plugin only turns its RATE_LIMITED refusals into HTTP 429 with Retry-After.
 *
 * The general counters live in this process's memory: behind a load balancer each instance limits
 * on its own, so a cluster of N instances lets through up to N times the configured rate (a
 * throughput guard, not a security boundary).
 */
import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Context } from '../context';

/** `points` per `windowSeconds`; points 0 switches the limiter off. */
export interface RateLimit {
  points: number;
  windowSeconds: number;
}

/** What this plugin reads from the GraphQL context (optional: executeOperation callers may omit them). */
export type Caller = Partial<Pick<Context, 'principal' | 'ip'>>;

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

/**
 * Apollo plugin enforcing `general` (every request, per principal or IP). Requests without an HTTP
 * transport (executeOperation in tests) are counted like any other. A response carrying a
 * RATE_LIMITED error from a resolver (AuthService's sign-in limits) gets HTTP 429 and
 * `Retry-After` from its `retryAfterMs`.
 */
export function rateLimitPlugin<TContext extends BaseContext & Caller>(limits: {
  general: RateLimit;
}): ApolloServerPlugin<TContext> {
  const general = limiter(limits.general, 'medthreat-gql');
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation() {
          if (!general) return;
          const wait = await take(general, rateLimitKey(contextValue));
          if (wait !== null) throw rateLimitedError(wait);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const waits = (response.body.singleResult.errors ?? [])
            .filter((e) => e.extensions?.['code'] === 'RATE_LIMITED')
            .map((e) => Number(e.extensions?.['retryAfterMs'] ?? 0));
          if (waits.length === 0 || response.http.status === 429) return;
          response.http.status = 429;
          response.http.headers.set('retry-after', String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))));
        },
      };
    },
  };
}
