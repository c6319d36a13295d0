/**
 * Who an analysis runs for, and what that caller may ask of the analysis pool: the per-role caps
 * (time limit, analyses and budget points per request) and the request's abort signal. The scope
 * travels with the request through AsyncLocalStorage, so AnalysisService keeps its method
 * signatures: the resolver layer enters it (resolvers/index.ts), the service reads it. Service
 * calls outside any request (start-up, tests calling services directly) run as the system, with
 * the largest caps and no per-request counting.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../domain/auth/principal';

/** Caps of one role (see the README, "Analysis pool"). */
export interface AnalysisRolePolicy {
  /** Highest `timeLimitMs` the role may ask of one analysis, ms; a larger value is refused (BAD_USER_INPUT). */
  maxTimeLimitMs: number;
  /** Engine runs (cache misses) one request may start; the next is refused (ENGINE_LIMIT 'analysesPerRequest'). */
  maxAnalysesPerRequest: number;
  /** Distinct `recommendControls(budget: …)` values one request may ask for; the next is refused (BAD_USER_INPUT 'budget'). */
  maxBudgetPointsPerRequest: number;
}

/** What one request has used so far (shared by every field of the request). */
export interface RequestUsage {
  analyses: number;
  budgetPoints: Set<number>;
}

export interface AnalysisScope {
  /** Key of the caller for the per-principal limits: `kind:id`. */
  principalKey: string;
  /** null: the system (no request). */
  role: Role | null;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  usage: RequestUsage;
  /**
   * What the request has read once for all its fields ({@link readOncePerRequest}); absent
   * outside requests (start-up, background work), which always read afresh.
   */
  reads?: Map<string, Promise<unknown>>;
}

const storage = new AsyncLocalStorage<AnalysisScope>();
const byRequest = new WeakMap<object, AnalysisScope>();

/** The scope the current code runs in, if any. */
export function currentAnalysisScope(): AnalysisScope | undefined {
  return storage.getStore();
}

/** Runs `fn` in `scope` (everything it awaits sees the scope). */
export function runInAnalysisScope<T>(scope: AnalysisScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * Runs `fn` as background work of the service, outside any request's scope: under the caller
 * `background:<name>` of the analysis pool (its own per-caller limits, so it never uses a user's,
 * and a user's never waits behind more of it than that caller may run), with the system's caps,
 * no per-request counting and no request to be cancelled with. For work a request leaves behind,
 * such as the advisory webhook's analyses.
 */
export function runInBackgroundScope<T>(name: string, fn: () => T): T {
  return storage.run({ principalKey: `background:${name}`, role: null, usage: newUsage() }, fn);
}

/** Runs `fn` in the current scope with another abort signal (a shared computation's own). */
export function withAnalysisSignal<T>(signal: AbortSignal, fn: () => T): T {
  const scope = storage.getStore();
  return storage.run(
    scope ? { ...scope, signal } : { principalKey: 'system', role: null, signal, usage: newUsage() },
    fn,
  );
}

/**
 * `read()` once per request: the first call of a request under `key` reads, later calls of the
 * same request (any field, any service) share its answer; outside a request it always reads.
 * For version stamps (a model's version, the catalogue's): a request then sees one version of
 * each throughout and pays one round trip to Neo4j for it, not one per field (MedThreat issue 11
 * point 7). A failed read is not kept. Writes of the request must call {@link rememberForRequest}
 * with what they wrote (or undefined to read again).
 */
export function readOncePerRequest<T>(key: string, read: () => Promise<T>): Promise<T> {
  const reads = storage.getStore()?.reads;
  if (!reads) return read();
  const known = reads.get(key) as Promise<T> | undefined;
  if (known) return known;
  const reading = read();
  reads.set(key, reading);
  reading.catch(() => {
    if (reads.get(key) === reading) reads.delete(key);
  });
  return reading;
}

/**
 * Replaces what the current request knows under `key` (after a write of the request, or a fresher
 * read); `undefined` forgets it, so the next {@link readOncePerRequest} reads again. No effect
 * outside a request.
 */
export function rememberForRequest<T>(key: string, value: T | undefined): void {
  const reads = storage.getStore()?.reads;
  if (!reads) return;
  if (value === undefined) reads.delete(key);
  else reads.set(key, Promise.resolve(value));
}

const newUsage = (): RequestUsage => ({ analyses: 0, budgetPoints: new Set() });

/**
 * The one scope of a request, created on first use: `request` is any object that lives exactly
 * as long as the request (the GraphQL context).
 */
export function scopeOfRequest(
  request: object,
  principal: { kind: string; id: string; role: Role | null },
  signal?: AbortSignal,
): AnalysisScope {
  let scope = byRequest.get(request);
  if (!scope) {
    scope = {
      principalKey: `${principal.kind}:${principal.id}`,
      role: principal.role,
      ...(signal ? { signal } : {}),
      usage: newUsage(),
      reads: new Map(),
    };
    byRequest.set(request, scope);
  }
  return scope;
}

/** Pool and role caps of the analysis service (the README's "Analysis pool" table; config.ts reads them). */
export interface AnalysisOptions {
  pool: {
    /** Worker threads. */
    workers: number;
    /** Tasks waiting for a thread, all callers together (then SERVICE_UNAVAILABLE). */
    maxQueue: number;
    /** Tasks of one caller running at once. */
    perPrincipal: number;
    /** Further tasks of one caller that may wait (then RATE_LIMITED). */
    perPrincipalQueue: number;
  };
  roles: Readonly<Record<Role, AnalysisRolePolicy>>;
  /**
   * Memory budgets of the server's caches, estimated bytes (issue 11 point 5): analysis results
   * (MEDTHREAT_ANALYSIS_CACHE_MB, default 512 MiB: a 10k-device hospital's attack graph is about
   * 250 MB) and loaded model documents (MEDTHREAT_MODEL_CACHE_MB, default 256 MiB).
   */
  cache?: { analysisBytes: number; modelBytes: number };
}

/** Default budget of the model cache, bytes. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;
/** Default budget of the analysis cache, bytes. */
export const DEFAULT_ANALYSIS_CACHE_BYTES = 512 * 1024 * 1024;

/** The defaults: 2–4 workers (one less than the cores, at least 2), VIEWER 10 s, EDITOR and ADMIN 60 s. */
export function defaultAnalysisOptions(cores: number): AnalysisOptions {
  const editor = { maxTimeLimitMs: 60_000, maxAnalysesPerRequest: 4, maxBudgetPointsPerRequest: 4 };
  return {
    pool: { workers: Math.min(4, Math.max(2, cores - 1)), maxQueue: 64, perPrincipal: 2, perPrincipalQueue: 4 },
    roles: {
      VIEWER: { maxTimeLimitMs: 10_000, maxAnalysesPerRequest: 2, maxBudgetPointsPerRequest: 1 },
      EDITOR: editor,
      ADMIN: editor,
    },
    cache: { analysisBytes: DEFAULT_ANALYSIS_CACHE_BYTES, modelBytes: DEFAULT_CACHE_BYTES },
  };
}

/**
 * Wall-clock time a task of a role may run before its worker is terminated, ms: twice the role's
 * time-limit cap plus 5 s (the solver's own limit is soft: presolve, model building and the
 * attack graph come on top).
 */
export function taskDeadlineMs(policy: AnalysisRolePolicy): number {
  return 2 * policy.maxTimeLimitMs + 5000;
}
