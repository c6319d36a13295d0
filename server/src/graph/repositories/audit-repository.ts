/**
 * The audit trail (:AuditEvent nodes): one entry per change, written in the same transaction as
 * the change itself, so there is never a change without its entry or an entry without its change.
 * Before/after images are stored as JSON text (Neo4j properties cannot hold nested maps).
 */
import type { Actor } from '../../domain/auth/principal';
import type { Database, Row, Tx } from '../database';

/** One element (or account, key, catalogue) changed: its image before and after (null = absent). */
export interface AuditChange {
  /** Element kind ('devices', 'zones'...), or 'model', 'user', 'apiKey', 'catalogue', 'document'. */
  kind: string;
  id: string;
  before: unknown;
  after: unknown;
}

/** An audit trail entry as read back. `at` is an ISO-8601 date-time (UTC). */
export interface AuditEvent {
  id: string;
  at: string;
  actorKind: string;
  actorId: string;
  actorName: string;
  action: string;
  requestId: string;
  modelId: string | null;
  /** The model version this change produced (null for changes outside a model). */
  modelVersion: number | null;
  summary: string;
  changes: AuditChange[];
}

export interface AuditFilter {
  modelId?: string;
  actorId?: string;
  action?: string;
}

function toEvent(r: Row): AuditEvent {
  const e = r['event'] as Record<string, unknown>;
  return {
    id: e['id'] as string,
    at: e['at'] as string,
    actorKind: e['actorKind'] as string,
    actorId: e['actorId'] as string,
    actorName: e['actorName'] as string,
    action: e['action'] as string,
    requestId: (e['requestId'] as string) ?? '',
    modelId: (e['modelId'] as string | undefined) ?? null,
    modelVersion: typeof e['modelVersion'] === 'number' ? e['modelVersion'] : null,
    summary: (e['summary'] as string) ?? '',
    changes: JSON.parse((e['changes'] as string) ?? '[]') as AuditChange[],
  };
}

export class AuditRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends an entry inside the caller's transaction `tx`.
   * @param entry.modelVersion the version the change produced, if it changed a model
   */
  async record(
    tx: Tx,
    actor: Actor,
    entry: { modelId?: string; modelVersion?: number; summary: string; changes: AuditChange[] },
  ): Promise<void> {
    await tx.run('audit/record-audit-event', {
      event: {
        id: crypto.randomUUID(),
        actorKind: actor.principal.kind,
        actorId: actor.principal.id,
        actorName: actor.principal.name,
        action: actor.action,
        requestId: actor.requestId,
        modelId: entry.modelId ?? null,
        modelVersion: entry.modelVersion ?? null,
        summary: entry.summary,
        changes: JSON.stringify(entry.changes),
      },
    });
  }

  /** Entries newest first. `skip`/`limit` page through them. */
  async list(filter: AuditFilter, skip: number, limit: number): Promise<AuditEvent[]> {
    const rows = await this.db.query('audit/list-audit-events', {
      modelId: filter.modelId ?? null,
      actorId: filter.actorId ?? null,
      action: filter.action ?? null,
      skip,
      limit,
    });
    return rows.map(toEvent);
  }

  /** A model's entries with modelVersion > `version`, newest first (to rebuild an earlier version). */
  async changesSince(modelId: string, version: number): Promise<AuditEvent[]> {
    return (await this.db.query('audit/list-model-changes-since', { modelId, version })).map(toEvent);
  }
}
