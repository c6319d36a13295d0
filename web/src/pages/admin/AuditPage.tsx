/**
 * The audit trail (route /admin/audit, ADMIN): who changed what, when, in which model, newest
 * first. Filters by model, actor and action (kept in the address, so a filtered view can be
 * shared); a row expands to each change's before and after JSON; pages follow the cursor.
 */
import { Fragment, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AuditEventsQuery } from '../../api/__generated__/graphql';
import { useApiKeys, useAuditEvents, useModels, useUsers, type AuditFilter } from '../../api/hooks';
import { formatWhen } from '../../app/format';
import { Empty, ErrorMessage, Loading } from '../../components/Feedback';

type AuditEvent = AuditEventsQuery['auditEvents']['nodes'][number];
type AuditChange = AuditEvent['changes'][number];

const PAGE_SIZE = 50;

const ELEMENT_TYPES = ['Zone', 'Device', 'Interface', 'Channel', 'Asset', 'Vulnerability', 'ControlPlacement'];
/** Suggestions for the action filter: the operations that write (any other text is allowed too). */
const KNOWN_ACTIONS = [
  'createModel',
  'updateModel',
  'importModel',
  'deleteModel',
  'acceptRecommendation',
  ...ELEMENT_TYPES.flatMap((t) => [`create${t}`, `update${t}`, `delete${t}`]),
  'loadCatalogue',
  'createUser',
  'updateUser',
  'changePassword',
  'createApiKey',
  'revokeApiKey',
  'bootstrap',
];

const ACTOR_KIND: Record<string, string> = {
  USER: 'user',
  API_KEY: 'API key',
  OIDC: 'identity provider',
  DEV: 'development mode',
  ANONYMOUS: 'anonymous',
};

/** Top-level fields whose values differ between `before` and `after` (both objects), else []. */
export function changedFields(before: unknown, after: unknown): string[] {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(before) || !isObj(after)) return [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <figure className="json-block">
      <figcaption>{label}</figcaption>
      {value === null || value === undefined ? (
        <p className="empty">{label === 'Before' ? 'did not exist' : 'deleted'}</p>
      ) : (
        <pre>{JSON.stringify(value, null, 2)}</pre>
      )}
    </figure>
  );
}

function ChangeView({ change }: { change: AuditChange }) {
  const fields = changedFields(change.before, change.after);
  const verb = change.before == null ? 'created' : change.after == null ? 'deleted' : 'changed';
  return (
    <div className="audit-change" data-testid="audit-change">
      <h4>
        {change.kind} <code>{change.id}</code> {verb}
        {fields.length > 0 && <span className="sub"> · fields: {fields.join(', ')}</span>}
      </h4>
      <div className="json-pair">
        <Json value={change.before} label="Before" />
        <Json value={change.after} label="After" />
      </div>
    </div>
  );
}

/** The audit trail page. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter: AuditFilter = {
    modelId: params.get('modelId') || null,
    actorId: params.get('actorId') || null,
    action: params.get('action') || null,
  };
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [actionText, setActionText] = useState(filter.action ?? '');
  const after = cursors[cursors.length - 1] ?? null;
  const events = useAuditEvents(filter, PAGE_SIZE, after);
  const models = useModels();
  const users = useUsers();
  const apiKeys = useApiKeys();

  const actors = useMemo(
    () => [
      ...(users.data ?? []).map((u) => ({ id: u.id, label: `${u.username} (user)` })),
      ...(apiKeys.data ?? []).map((k) => ({ id: k.id, label: `${k.name} (API key ${k.prefix})` })),
      { id: 'system', label: 'system (start-up)' },
    ],
    [users.data, apiKeys.data],
  );
  const modelName = useMemo(() => new Map((models.data ?? []).map((m) => [m.id, m.name])), [models.data]);

  const setFilter = (name: keyof AuditFilter, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setCursors([null]);
    setOpen(new Set());
  };
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const page = cursors.length;
  const data = events.data;
  return (
    <section aria-labelledby="audit-title">
      <div className="section-head">
        <h2 id="audit-title">Audit trail</h2>
        {events.isFetching && <span className="updating">updating…</span>}
      </div>
      <form
        className="audit-filters"
        role="search"
        aria-label="Filter the audit trail"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter('action', actionText.trim() || null);
        }}
      >
        <label htmlFor="audit-filter-model">Model</label>
        <select
          id="audit-filter-model"
          value={filter.modelId ?? ''}
          onChange={(e) => setFilter('modelId', e.target.value || null)}
        >
          <option value="">All models</option>
          {(models.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
          {filter.modelId && !modelName.has(filter.modelId) && (
            <option value={filter.modelId}>{filter.modelId} (deleted)</option>
          )}
        </select>
        <label htmlFor="audit-filter-actor">Who</label>
        <select
          id="audit-filter-actor"
          value={filter.actorId ?? ''}
          onChange={(e) => setFilter('actorId', e.target.value || null)}
        >
          <option value="">Anyone</option>
          {actors.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
          {filter.actorId && !actors.some((a) => a.id === filter.actorId) && (
            <option value={filter.actorId}>{filter.actorId}</option>
          )}
        </select>
        <label htmlFor="audit-filter-action">Action</label>
        <input
          id="audit-filter-action"
          type="text"
          list="audit-actions"
          value={actionText}
          placeholder="e.g. createDevice"
          onChange={(e) => setActionText(e.target.value)}
          onBlur={() => {
            if ((actionText.trim() || null) !== filter.action) setFilter('action', actionText.trim() || null);
          }}
        />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit">Filter</button>
        {(filter.modelId || filter.actorId || filter.action) && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setActionText('');
              setParams(new URLSearchParams(), { replace: true });
              setCursors([null]);
            }}
          >
            Clear filters
          </button>
        )}
      </form>

      {events.isPending && <Loading label="Loading the audit trail…" />}
      {events.error && (
        <ErrorMessage error={events.error} title="Audit trail unavailable" onRetry={() => void events.refetch()} />
      )}
      {data && data.nodes.length === 0 && (
        <Empty>No audit events{page > 1 ? ' on this page' : ''} for this filter.</Empty>
      )}
      {data && data.nodes.length > 0 && (
        <table className="data-table admin-table audit-table" data-testid="audit-list">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Model</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {data.nodes.map((ev) => {
              const expanded = open.has(ev.id);
              const detailId = `audit-detail-${ev.id}`;
              return (
                <Fragment key={ev.id}>
                  <tr data-audit-action={ev.action} className={expanded ? 'selected' : ''}>
                    <td>
                      <button
                        type="button"
                        className="small expand"
                        aria-expanded={expanded}
                        aria-controls={detailId}
                        aria-label={`${expanded ? 'Hide' : 'Show'} the changes of ${ev.action} at ${formatWhen(ev.at)}`}
                        onClick={() => toggle(ev.id)}
                      >
                        {expanded ? '▾' : '▸'}
                      </button>
                    </td>
                    <td title={ev.at}>{formatWhen(ev.at)}</td>
                    <td>
                      {ev.actorName}
                      <div className="sub">
                        {ev.actorId === 'system' ? 'start-up' : (ACTOR_KIND[ev.actorKind] ?? ev.actorKind)}
                      </div>
                    </td>
                    <td>
                      <code>{ev.action}</code>
                    </td>
                    <td>
                      {ev.modelId ? (
                        <>
                          {modelName.get(ev.modelId) ?? ev.modelId}
                          {ev.modelVersion != null && <div className="sub">version {ev.modelVersion}</div>}
                        </>
                      ) : (
                        <span className="sub">—</span>
                      )}
                    </td>
                    <td>{ev.summary}</td>
                  </tr>
                  {expanded && (
                    <tr className="detail-row" id={detailId}>
                      <td colSpan={6}>
                        <p className="sub">
                          Request <code>{ev.requestId}</code> · actor id <code>{ev.actorId}</code> · {ev.changes.length}{' '}
                          change{ev.changes.length === 1 ? '' : 's'}
                        </p>
                        {ev.changes.map((c, i) => (
                          <ChangeView key={`${c.kind}:${c.id}:${i}`} change={c} />
                        ))}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {data && (page > 1 || data.pageInfo.hasNextPage) && (
        <nav className="pager" aria-label="Audit trail pages">
          <button type="button" disabled={page <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ← Newer
          </button>
          <span>Page {page}</span>
          <button
            type="button"
            disabled={!data.pageInfo.hasNextPage || !data.pageInfo.endCursor || events.isFetching}
            onClick={() => {
              const end = data.pageInfo.endCursor;
              if (end) setCursors((c) => [...c, end]);
            }}
          >
            Older →
          </button>
        </nav>
      )}
    </section>
  );
}
