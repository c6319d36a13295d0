/**
 * The "Versions" tab of the workspace: the model's current version, its named snapshots (taken for
 * review meetings; editors take and delete them, everyone may export one), and the difference
 * between any two revisions (a snapshot, a version number or the current model): elements added,
 * removed and changed per kind, control placements, and the risk totals before and after.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import {
  CreateSnapshotDocument,
  DeleteSnapshotDocument,
  ExportModelRevisionDocument,
  type ModelDiffQuery,
  type ModelElementKind,
  type ModelRevisionInput,
  type RiskTotalsFieldsFragment,
  type Severity,
  type SnapshotFieldsFragment,
} from '../api/__generated__/graphql';
import { mutate, request } from '../api/client';
import { fieldErrors } from '../api/errors';
import { keys, useModelDiff, useModelVersions } from '../api/hooks';
import { downloadText } from '../app/download';
import { formatWhen } from '../app/format';
import { SEVERITY, formatRisk } from '../graph/vocabulary';
import { PlacementStatusChip, SeverityChip } from './Chips';
import { Empty, ErrorMessage, Loading } from './Feedback';
import { TextField } from './forms/fields';

type Snapshot = SnapshotFieldsFragment;
type ModelDiff = ModelDiffQuery['modelDiff'];
type FieldChange = ModelDiff['model'][number];
type PlacementDiff = ModelDiff['controlPlacements']['added'][number];

/** A revision as the pickers hold it: 'current', 'snapshot:<id>' or 'version' (with `version`). */
export interface RevisionChoice {
  key: string;
  version: number;
}

/** The API's ModelRevisionInput for a picker choice. */
export function toRevision(c: RevisionChoice): ModelRevisionInput {
  if (c.key === 'current') return { current: true };
  if (c.key.startsWith('snapshot:')) return { snapshotId: c.key.slice('snapshot:'.length) };
  return { version: c.version };
}

const KIND_LABEL: Record<ModelElementKind, string> = {
  ZONE: 'Zones',
  DEVICE: 'Devices',
  INTERFACE: 'Interfaces',
  CHANNEL: 'Channels',
  ASSET: 'Patient-safety assets',
  VULNERABILITY: 'Vulnerabilities',
  CONTROL_PLACEMENT: 'Control placements',
};

/** A field value of the exchange format, short enough for the side panel ('—' when absent). */
function showValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function FieldChanges({ fields }: { fields: readonly FieldChange[] }) {
  return (
    <ul className="field-changes">
      {fields.map((f) => (
        <li key={f.field}>
          <code>{f.field}</code>: <span className="before">{showValue(f.before)}</span> →{' '}
          <span className="after">{showValue(f.after)}</span>
        </li>
      ))}
    </ul>
  );
}

function RevisionPicker({
  label,
  value,
  onChange,
  snapshots,
  earliest,
  latest,
}: {
  label: string;
  value: RevisionChoice;
  onChange: (c: RevisionChoice) => void;
  snapshots: readonly Snapshot[];
  earliest: number;
  latest: number;
}) {
  const id = label.toLowerCase();
  return (
    <div className="revision-picker">
      <label htmlFor={`rev-${id}`}>{label}</label>
      <select
        id={`rev-${id}`}
        value={value.key}
        onChange={(e) => onChange({ ...value, key: e.target.value })}
        data-testid={`revision-${id}`}
      >
        <option value="current">Current model (version {latest})</option>
        {snapshots.length > 0 && (
          <optgroup label="Snapshots">
            {snapshots.map((s) => (
              <option key={s.id} value={`snapshot:${s.id}`}>
                {s.name} (version {s.modelVersion})
              </option>
            ))}
          </optgroup>
        )}
        <option value="version">Version number…</option>
      </select>
      {value.key === 'version' && (
        <input
          type="number"
          aria-label={`${label} version number (${earliest} to ${latest})`}
          min={earliest}
          max={latest}
          step={1}
          value={value.version}
          onChange={(e) => onChange({ ...value, version: Number(e.target.value) })}
        />
      )}
    </div>
  );
}

/** ISO 14971 rank of a worst severity; 0 when nothing is reachable. */
const rankOf = (s: Severity | null): number => (s ? SEVERITY[s].rank : 0);

function RiskTable({
  before,
  after,
  change,
}: {
  before: RiskTotalsFieldsFragment;
  after: RiskTotalsFieldsFragment;
  change: number;
}) {
  const delta = (n: number, digits = 0) => (n === 0 ? '±0' : `${n > 0 ? '+' : '−'}${Math.abs(n).toFixed(digits)}`);
  const rows: [string, React.ReactNode, React.ReactNode, React.ReactNode][] = [
    ['Total risk', formatRisk(before.totalRisk), formatRisk(after.totalRisk), delta(change, 2)],
    [
      'Targets reachable',
      `${before.targetsReachable} of ${before.targetCount}`,
      `${after.targetsReachable} of ${after.targetCount}`,
      delta(after.targetsReachable - before.targetsReachable),
    ],
    [
      'Entry–target pairs',
      before.entryTargetPairsConnected,
      after.entryTargetPairsConnected,
      delta(after.entryTargetPairsConnected - before.entryTargetPairsConnected),
    ],
    [
      'Worst reachable harm',
      before.worstSeverity ? <SeverityChip severity={before.worstSeverity} /> : 'none',
      after.worstSeverity ? <SeverityChip severity={after.worstSeverity} /> : 'none',
      before.worstSeverity === after.worstSeverity
        ? '='
        : rankOf(after.worstSeverity) > rankOf(before.worstSeverity)
          ? 'worse'
          : 'better',
    ],
    [
      'Riskiest path',
      formatRisk(before.maxPathRisk),
      formatRisk(after.maxPathRisk),
      delta(after.maxPathRisk - before.maxPathRisk, 2),
    ],
  ];
  return (
    <table className="data-table risk-compare" data-testid="diff-risk">
      <thead>
        <tr>
          <th scope="col">Risk</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, b, a, d]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="num">{b}</td>
            <td className="num">{a}</td>
            <td className={`num${label === 'Total risk' ? (change < 0 ? ' good' : change > 0 ? ' bad' : '') : ''}`}>
              {d}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function revisionLabel(r: ModelDiff['from']): string {
  if (r.kind === 'SNAPSHOT' && r.snapshot) return `snapshot “${r.snapshot.name}” (version ${r.version})`;
  if (r.kind === 'CURRENT') return `the current model (version ${r.version})`;
  return `version ${r.version}`;
}

function placementLine(p: PlacementDiff) {
  return (
    <>
      <b>{p.controlId}</b> {p.control?.name ?? ''} on {p.elementName ?? p.elementId}{' '}
      <PlacementStatusChip status={p.status} />
    </>
  );
}

/** The difference between two revisions: risk first, then each element kind and the control placements. */
export function ModelDiffView({ diff }: { diff: ModelDiff }) {
  const cp = diff.controlPlacements;
  return (
    <div className="model-diff" data-testid="model-diff">
      <p className="rec-summary" data-testid="diff-summary">
        From {revisionLabel(diff.from)} to {revisionLabel(diff.to)}:{' '}
        <b>
          {diff.identical ? 'no changes' : `${diff.changeCount} element change${diff.changeCount === 1 ? '' : 's'}`}
        </b>
      </p>
      <RiskTable before={diff.risk.before} after={diff.risk.after} change={diff.risk.totalRiskChange} />
      {diff.model.length > 0 && (
        <section className="diff-kind">
          <h4>Model</h4>
          <FieldChanges fields={diff.model} />
        </section>
      )}
      {diff.kinds
        .filter((k) => k.kind !== 'CONTROL_PLACEMENT' && k.added.length + k.removed.length + k.changed.length > 0)
        .map((k) => (
          <section key={k.kind} className="diff-kind" data-testid={`diff-${k.kind.toLowerCase()}`}>
            <h4>
              {KIND_LABEL[k.kind]}{' '}
              <span className="sub">
                +{k.added.length} −{k.removed.length} ~{k.changed.length}
              </span>
            </h4>
            <ul className="diff-list">
              {k.added.map((e) => (
                <li key={`a:${e.id}`} className="added">
                  <span className="diff-mark" aria-label="added">
                    +
                  </span>{' '}
                  {e.name}
                </li>
              ))}
              {k.removed.map((e) => (
                <li key={`r:${e.id}`} className="removed">
                  <span className="diff-mark" aria-label="removed">
                    −
                  </span>{' '}
                  {e.name}
                </li>
              ))}
              {k.changed.map((e) => (
                <li key={`c:${e.id}`} className="changed">
                  <span className="diff-mark" aria-label="changed">
                    ~
                  </span>{' '}
                  {e.name}
                  <FieldChanges fields={e.fields} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      {cp.added.length + cp.removed.length + cp.changed.length > 0 && (
        <section className="diff-kind" data-testid="diff-control_placement">
          <h4>
            Control placements{' '}
            <span className="sub">
              +{cp.added.length} −{cp.removed.length} ~{cp.changed.length}
            </span>
          </h4>
          <ul className="diff-list">
            {cp.added.map((p) => (
              <li key={`a:${p.id}`} className="added">
                <span className="diff-mark" aria-label="added">
                  +
                </span>{' '}
                {placementLine(p)}
              </li>
            ))}
            {cp.removed.map((p) => (
              <li key={`r:${p.id}`} className="removed">
                <span className="diff-mark" aria-label="removed">
                  −
                </span>{' '}
                {placementLine(p)}
              </li>
            ))}
            {cp.changed.map((p) => (
              <li key={`c:${p.id}`} className="changed">
                <span className="diff-mark" aria-label="changed">
                  ~
                </span>{' '}
                {placementLine(p)}
                <FieldChanges fields={p.fields} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function TakeSnapshotForm({ modelId, onTaken }: { modelId: string; onTaken: (s: Snapshot) => void }) {
  const qc = useQueryClient();
  const form = useForm({ defaultValues: { name: '', note: '' } });
  const [error, setError] = useState<unknown>(null);
  return (
    <FormProvider {...form}>
      <form
        className="element-form snapshot-form"
        noValidate
        aria-label="Take snapshot"
        data-testid="snapshot-form"
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            const r = await mutate(CreateSnapshotDocument, {
              modelId,
              name: v.name.trim(),
              note: v.note.trim() || null,
            });
            await qc.invalidateQueries({ queryKey: keys.versions(modelId) });
            form.reset();
            onTaken(r.createSnapshot);
          } catch (e) {
            for (const [k, m] of Object.entries(fieldErrors(e)))
              if (k === 'name' || k === 'note') form.setError(k, { message: m });
            setError(e);
          }
        })}
      >
        {error != null && <ErrorMessage error={error} title="Snapshot not taken" />}
        <TextField
          name="name"
          label="Snapshot name"
          required
          placeholder="e.g. Risk committee March"
          rules={{ maxLength: { value: 100, message: 'At most 100 characters' } }}
        />
        <TextField
          name="note"
          label="Note"
          rules={{ maxLength: { value: 2000, message: 'At most 2000 characters' } }}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Taking snapshot…' : 'Take snapshot'}
          </button>
        </div>
      </form>
    </FormProvider>
  );
}

/**
 * The Versions tab. `canEdit`: may take and delete named snapshots (editors of this model);
 * `canDeleteKept`: may also delete AUTOMATIC snapshots, what an import replaced (admins only).
 */
export function VersionsPanel({
  modelId,
  canEdit,
  canDeleteKept = false,
}: {
  modelId: string;
  canEdit: boolean;
  canDeleteKept?: boolean;
}) {
  const qc = useQueryClient();
  const versions = useModelVersions(modelId);
  const [from, setFrom] = useState<RevisionChoice | null>(null);
  const [to, setTo] = useState<RevisionChoice>({ key: 'current', version: 1 });
  const [compared, setCompared] = useState<{ from: ModelRevisionInput; to: ModelRevisionInput } | null>(null);
  const [taken, setTaken] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const diff = useModelDiff(modelId, compared?.from ?? null, compared?.to ?? null);

  if (versions.isPending) return <Loading label="Loading versions…" />;
  if (versions.error)
    return <ErrorMessage error={versions.error} title="Versions unavailable" onRetry={() => void versions.refetch()} />;
  const m = versions.data;
  if (!m) return <Empty>The model no longer exists.</Empty>;

  const snapshots = m.snapshots;
  const defaultFrom: RevisionChoice = snapshots[0]
    ? { key: `snapshot:${snapshots[0].id}`, version: snapshots[0].modelVersion }
    : { key: 'version', version: Math.max(m.earliestVersion, m.version - 1) };
  const fromChoice = from ?? defaultFrom;
  const compare = (f: RevisionChoice, t: RevisionChoice) => {
    setCompared({ from: toRevision(f), to: toRevision(t) });
    void versions.refetch(); // the model may have moved on since the list was loaded
  };

  const exportSnapshot = async (s: Snapshot) => {
    setActionError(null);
    try {
      const r = await request(ExportModelRevisionDocument, { id: modelId, revision: { snapshotId: s.id } });
      downloadText(
        `${JSON.stringify(r.exportModel, null, 2)}\n`,
        `${modelId}-v${s.modelVersion}-snapshot.medthreat.json`,
        'application/json',
      );
    } catch (e) {
      setActionError(e);
    }
  };
  const remove = async (s: Snapshot) => {
    setActionError(null);
    try {
      await request(DeleteSnapshotDocument, { modelId, id: s.id });
      setConfirming(null);
      await qc.invalidateQueries({ queryKey: keys.versions(modelId) });
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <div className="versions-panel" data-testid="versions-panel">
      <p className="rec-summary">
        Current version <b data-testid="current-version">{m.version}</b>
        {m.earliestVersion > 1 && (
          <> · history kept from version {m.earliestVersion} (an import replaced the versions before it)</>
        )}
      </p>

      <section aria-labelledby="snapshots-title">
        <h4 id="snapshots-title">
          Snapshots <span className="count">{snapshots.length}</span>
        </h4>
        {canEdit && (
          <TakeSnapshotForm
            modelId={modelId}
            onTaken={(s) => setTaken(`Snapshot “${s.name}” taken at version ${s.modelVersion}.`)}
          />
        )}
        {taken && (
          <p className="success" role="status">
            {taken}
          </p>
        )}
        {actionError != null && <ErrorMessage error={actionError} />}
        {snapshots.length === 0 ? (
          <Empty>No snapshots yet{canEdit ? ': take one before a review meeting.' : '.'}</Empty>
        ) : (
          <ul className="snapshot-list" data-testid="snapshot-list">
            {snapshots.map((s) => (
              <li key={s.id} data-snapshot={s.name} data-snapshot-kind={s.kind}>
                <div>
                  <b>{s.name}</b> <span className="sub">version {s.modelVersion}</span>
                  {s.kind === 'AUTOMATIC' && (
                    <span
                      className="snapshot-kind"
                      title="Kept automatically when an import replaced the model: export it to get that model back"
                    >
                      kept by an import
                    </span>
                  )}
                </div>
                <div className="sub">
                  {formatWhen(s.createdAt)} by {s.createdByName} · total risk {formatRisk(s.riskTotals.totalRisk)}
                </div>
                {s.note && <div className="snapshot-note">{s.note}</div>}
                <div className="snapshot-actions">
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      const f = { key: `snapshot:${s.id}`, version: s.modelVersion };
                      const t = { key: 'current', version: m.version };
                      setFrom(f);
                      setTo(t);
                      compare(f, t);
                    }}
                  >
                    Compare with current
                  </button>
                  <button type="button" className="small" onClick={() => void exportSnapshot(s)}>
                    Export
                  </button>
                  {(s.kind === 'AUTOMATIC' ? canDeleteKept : canEdit) &&
                    (confirming === s.id ? (
                      <span className="confirm" role="group" aria-label={`Confirm deleting snapshot ${s.name}`}>
                        <button type="button" className="small danger" onClick={() => void remove(s)}>
                          Delete snapshot
                        </button>
                        <button type="button" className="small" onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button type="button" className="small" onClick={() => setConfirming(s.id)}>
                        Delete…
                      </button>
                    ))}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="compare-title">
        <h4 id="compare-title">Compare two revisions</h4>
        <form
          className="compare-form"
          onSubmit={(e) => {
            e.preventDefault();
            compare(fromChoice, to);
          }}
        >
          <RevisionPicker
            label="From"
            value={fromChoice}
            onChange={setFrom}
            snapshots={snapshots}
            earliest={m.earliestVersion}
            latest={m.version}
          />
          <RevisionPicker
            label="To"
            value={to}
            onChange={setTo}
            snapshots={snapshots}
            earliest={m.earliestVersion}
            latest={m.version}
          />
          <div className="form-actions">
            <button type="submit" className="primary" data-testid="compare-revisions">
              Compare
            </button>
          </div>
        </form>
        {compared && diff.isPending && <Loading label="Comparing (the analysis runs on both revisions)…" />}
        {compared && diff.error && (
          <ErrorMessage error={diff.error} title="No comparison" onRetry={() => void diff.refetch()} />
        )}
        {compared && diff.data && (
          <>
            {diff.isFetching && <span className="updating">updating…</span>}
            <ModelDiffView diff={diff.data} />
          </>
        )}
      </section>
    </div>
  );
}
