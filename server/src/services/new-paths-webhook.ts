/**
 * The advisory webhook (issue 12 point 3, optional part): after an evidence import is committed
 * (a CSAF advisory or a CycloneDX SBOM/VEX, through the upload route or GraphQL), the attack paths
 * it opened to targets of at least a configured severity are POSTed as JSON to one URL the
 * operator configures (MEDTHREAT_WEBHOOK_URL), e.g. a ticketing or chat integration, so that the
 * security team hears of new paths to patient harm without opening the tool.
 *
 * Delivery never blocks the import: the commit answers first; ImportService queues the event's
 * analysis and runs one at a time in the analysis pool (as its own background caller, so users'
 * analyses are not stuck behind a backlog); the POST is tried up to `attempts` times (on a network
 * error, a timeout, 408, 425, 429 or 5xx; other answers, redirects included, are final).
 * Each delivery is logged (`webhook delivered` / `webhook failed`, with the receiver's origin and
 * the failure's cause), never the secret or credentials. With a secret, the request is signed:
 * `X-MedThreat-Signature: sha256=<hex HMAC-SHA256 of "<X-MedThreat-Timestamp>.<raw body>">` (the
 * receiver recomputes it with the shared secret, compares in constant time, and refuses old
 * timestamps, so a captured request cannot be replayed later).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Severity } from '../domain/types';

/** Webhook configuration (config.ts, MEDTHREAT_WEBHOOK_*). */
export interface WebhookOptions {
  /** http(s) URL the events are POSTed to. */
  url: string;
  /** Only paths to targets of at least this severity are sent (default SERIOUS). */
  minSeverity: Severity;
  /** HMAC-SHA256 key of the X-MedThreat-Signature header; absent: unsigned. */
  secret?: string;
  /** Per attempt, ms (default 5000). */
  timeoutMs: number;
  /** Tries per event, ≥ 1 (default 3). */
  attempts: number;
  /** Wait before the n-th retry: backoffMs × 4^(n−1), ms (default 1000). */
  backoffMs: number;
}

/** One path of an event: what it reaches, how likely, and its steps in order. */
export interface WebhookPath {
  id: string;
  targetId: string;
  assetId: string;
  impact: string;
  severity?: string;
  /** Product of the step likelihoods, probability 0-1. */
  likelihood: number;
  /** likelihood × severity rank (1-5). */
  risk: number;
  steps: { id: string; ruleId: string; attackMethodId: string; from: string; to: string }[];
}

/** The JSON body of a `new-attack-paths` event (schema version 1). */
export interface NewPathsEvent {
  event: 'new-attack-paths';
  schemaVersion: 1;
  /** Unique per event (the same on every retry of it): receivers de-duplicate by it. */
  deliveryId: string;
  /** ISO 8601. */
  occurredAt: string;
  modelId: string;
  /** The model version the import wrote. */
  modelVersion: number;
  /** The import as its audit entry names it (format, document id, file name, SHA-256). */
  source: string;
  minSeverity: Severity;
  /** Targets the new paths reach, and those no path reached before. */
  targetIds: string[];
  newlyReachableTargetIds: string[];
  /** Risk totals on the SAFETY scale (Σ severity rank × likelihood) before and after the import. */
  riskBefore: number;
  riskAfter: number;
  /** The new paths, by risk (at most 50). */
  paths: WebhookPath[];
  /** True when the search stopped early or a list was cut (paths at 50, other lists at 500). */
  truncated: boolean;
  /** The cheapest placements (TR 67 Annex B controls, PREVENTS) cutting every new path; cost units. */
  cut: { status: string; totalCost: number; placements: { controlId: string; elementId: string }[] };
}

/** Most paths one event lists. */
export const WEBHOOK_MAX_PATHS = 50;
/** Most ids in each other list of an event (targets, newly reachable targets, cut placements). */
export const WEBHOOK_MAX_LIST = 500;

/** The outcome of one delivery. */
export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last answer (absent: no answer). */
  status?: number;
  error?: string;
}

/** Longest wait between two tries, ms (also caps a receiver's Retry-After). */
export const WEBHOOK_MAX_WAIT_MS = 60_000;

/** Answers worth another try: timeouts, too early, too many requests, server errors. */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Why a fetch failed, for the log: the cause's code (ECONNREFUSED, ENOTFOUND, a TLS code, …) or
 * 'timeout', with any credentials in a URL masked. Never the raw message of the URL.
 */
export function describeFetchError(e: unknown): string {
  // duck-typed: errors from fetch may come from another realm (instanceof Error fails there)
  const err = (typeof e === 'object' && e !== null ? e : {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const cause = (typeof err.cause === 'object' && err.cause !== null ? err.cause : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const text =
    typeof cause.code === 'string'
      ? cause.code
      : typeof cause.message === 'string'
        ? cause.message
        : typeof err.message === 'string'
          ? err.message
          : String(e);
  return text.replace(/\/\/[^/\s@]*@/g, '//***@').slice(0, 200);
}

/** The URL as logs may show it: scheme, host and port only. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid URL';
  }
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), capped; undefined if absent or bad. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(WEBHOOK_MAX_WAIT_MS, Math.max(0, ms)) : undefined;
}

/** POSTs events to the configured URL with retries; see the module comment. */
export class NewPathsWebhook {
  constructor(
    readonly options: WebhookOptions,
    private readonly log?: Pick<Logger, 'info' | 'warn'>,
  ) {}

  /** A fresh event id. */
  static deliveryId(): string {
    return randomUUID();
  }

  /**
   * Sends one event, retrying as configured (waits backoffMs × 4^(n−2) with jitter, or the
   * receiver's Retry-After, never more than {@link WEBHOOK_MAX_WAIT_MS}). Redirects are not
   * followed and end the delivery. Never throws: the result says whether it arrived.
   * @param event the body (serialised as JSON, UTF-8)
   */
  async deliver(event: NewPathsEvent): Promise<DeliveryResult> {
    const body = JSON.stringify(event);
    let last: DeliveryResult = { delivered: false, attempts: 0 };
    let wait = 0;
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) await sleep(wait);
      wait = Math.min(WEBHOOK_MAX_WAIT_MS, this.options.backoffMs * 4 ** (attempt - 1) * (0.5 + Math.random() / 2));
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: this.headers(event, body),
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.body?.cancel().catch(() => undefined); // the answer's body is not read: free the connection
        last = { delivered: res.ok, attempts: attempt, status: res.status };
        if (res.status >= 300 && res.status < 400) {
          last.error = `redirect (HTTP ${res.status}) not followed: configure the final URL`;
          break;
        }
        if (res.ok || !retryable(res.status)) break; // delivered, or the receiver refused it for good
        wait = retryAfterMs(res.headers.get('retry-after')) ?? wait;
      } catch (e) {
        last = { delivered: false, attempts: attempt, error: describeFetchError(e) };
      }
    }
    const fields = {
      deliveryId: event.deliveryId,
      modelId: event.modelId,
      target: originOf(this.options.url),
      paths: event.paths.length,
      ...last,
    };
    if (last.delivered) this.log?.info(fields, 'webhook delivered');
    else this.log?.warn(fields, 'webhook failed');
    return last;
  }

  /** The request headers; the signature covers `<timestamp>.<body>` (a replayed old request can be refused). */
  private headers(event: NewPathsEvent, body: string): Record<string, string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'MedThreat-Webhook/1',
      'x-medthreat-event': event.event,
      'x-medthreat-delivery': event.deliveryId,
      'x-medthreat-timestamp': timestamp,
    };
    if (this.options.secret) {
      const mac = createHmac('sha256', this.options.secret).update(`${timestamp}.${body}`).digest('hex');
      headers['x-medthreat-signature'] = `sha256=${mac}`;
    }
    return headers;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
