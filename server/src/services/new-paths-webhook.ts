/**
 * The advisory webhook (issue 12 point 3, optional part): after an evidence import is committed
 * (a CSAF advisory or a CycloneDX SBOM/VEX, through the upload route or GraphQL), the attack paths
 * it opened to targets of at least a configured severity are POSTed as JSON to one URL the
 * operator configures (MEDTHREAT_WEBHOOK_URL), e.g. a ticketing or chat integration, so that the
 * security team hears of new paths to patient harm without opening the tool.
 *
 * Delivery is at least once and never blocks the import: the commit answers first, the analysis
 * runs in the analysis pool afterwards (as the system, not as the importer), and the POST is tried
 * up to `attempts` times (on a network error, a timeout, 429 or 5xx; other 4xx answers are final).
 * Each delivery is logged (`webhook delivered` / `webhook failed`), never the secret. With a secret,
 * the body is signed: header `X-MedThreat-Signature: sha256=<hex HMAC-SHA256 of the raw body>`
 * (the receiver recomputes it with the shared secret and compares in constant time).
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
  /** The new paths, by risk (at most 50; `truncated` when there were more). */
  paths: WebhookPath[];
  truncated: boolean;
  /** The cheapest placements (TR 67 Annex B controls, PREVENTS) cutting every new path; cost units. */
  cut: { status: string; totalCost: number; placements: { controlId: string; elementId: string }[] };
}

/** Most paths one event lists. */
export const WEBHOOK_MAX_PATHS = 50;

/** The outcome of one delivery. */
export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last answer (absent: no answer). */
  status?: number;
  error?: string;
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
   * Sends one event, retrying as configured. Never throws: the result says whether it arrived.
   * @param event the body (serialised as JSON, UTF-8)
   */
  async deliver(event: NewPathsEvent): Promise<DeliveryResult> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'MedThreat-Webhook/1',
      'x-medthreat-event': event.event,
      'x-medthreat-delivery': event.deliveryId,
    };
    if (this.options.secret) {
      headers['x-medthreat-signature'] =
        `sha256=${createHmac('sha256', this.options.secret).update(body).digest('hex')}`;
    }
    let last: DeliveryResult = { delivered: false, attempts: 0 };
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) await sleep(this.options.backoffMs * 4 ** (attempt - 2));
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers,
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined); // free the connection
        last = { delivered: res.ok, attempts: attempt, status: res.status };
        if (res.ok) break;
        if (res.status !== 429 && res.status < 500) break; // the receiver refused it: retrying will not help
      } catch (e) {
        last = { delivered: false, attempts: attempt, error: e instanceof Error ? e.message : String(e) };
      }
    }
    const fields = { deliveryId: event.deliveryId, modelId: event.modelId, paths: event.paths.length, ...last };
    if (last.delivered) this.log?.info(fields, 'webhook delivered');
    else this.log?.warn(fields, 'webhook failed');
    return last;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
