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
  /** Only entries written at or after this ISO-8601 date-time (e.g. a model's createdAt). */
  since?: string;
}

/** A model's audited changes in a version range, read against the incarnation the caller saw. */
export interface ModelChanges {
  /** False when the model no longer has the createdAt the caller read (deleted or re-created): read again. */
  current: boolean;
  /** Entries newest first (by modelVersion). */
  events: AuditEvent[];
}

function toEvent(r: Row): AuditEvent {
  return fromMap(r['event'] as Record<string, unknown>);
}

function fromMap(e: Record<string, unknown>): AuditEvent {
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
      since: filter.since ?? null,
      skip,
      limit,
    });
    return rows.map(toEvent);
  }

  /**
   * A model's entries with `from` < modelVersion ≤ `to`, newest first, to rebuild version `from`
   * from the document at version `to`. Only entries of the incarnation created at `createdAt`
   * (ISO-8601, as ModelRepository.version returns it) count; `current` is false when the model
   * no longer has that createdAt.
   */
  async changesBetween(modelId: string, createdAt: string, from: number, to: number): Promise<ModelChanges> {
    const row = (await this.db.query('audit/list-model-changes-since', { modelId, createdAt, from, to }))[0];
    const events = ((row?.['events'] as Record<string, unknown>[] | undefined) ?? []).map(fromMap);
    events.sort((a, b) => (b.modelVersion ?? 0) - (a.modelVersion ?? 0));
    return { current: row?.['current'] === true, events };
  }

  /**
   * The version and changes of every entry of the model's current incarnation that touches the
   * model header (creation, import, name or description), newest first; element changes are
   * left out. Empty if the model does not exist.
   */
  async headerChanges(modelId: string): Promise<{ modelVersion: number; changes: AuditChange[] }[]> {
    const rows = await this.db.query('audit/list-model-header-changes', { modelId });
    return rows.map((r) => ({
      modelVersion: r['modelVersion'] as number,
      changes: JSON.parse((r['changes'] as string) ?? '[]') as AuditChange[],
    }));
  }
}
