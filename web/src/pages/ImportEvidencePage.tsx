/**
 * Evidence import (route /models/:modelId/imports, issue 12): the web face of the upload route
 * `POST /models/:modelId/imports/:format/{preview|commit}` (server/src/http/uploads.ts). The user
 * picks a format (a CSAF 2.0 advisory, a CycloneDX SBOM or VEX for one device, an MDS2 workbook for
 * one device or every device of a make and model, a device inventory CSV) and a file; the server's
 * preview says what would change (vulnerabilities, controls, flags, interfaces, devices), which
 * products only resemble a device (CSAF FUZZY matches, applied only when confirmed here), what
 * cannot be mapped, warnings, and errors located in the file (JSON pointer, sheet and cell, line
 * and column). An EDITOR then commits with the model version of the preview: when the model moved
 * on meanwhile the server answers CONFLICT and nothing is written (reload, preview again). VIEWERs
 * preview only: the commit action is not offered (web/src/api/permissions.ts; the server enforces).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCan } from '../app/auth';
import { GraphQLRequestError } from '../api/errors';
import { keys, useModel } from '../api/hooks';
import { uploadEvidence, type EvidenceFormat, type UploadFields } from '../api/uploads';
import { ErrorMessage, Loading } from '../components/Feedback';
import { PageHeader } from '../components/PageHeader';

/** Largest file sent (the server's own limit, MEDTHREAT_UPLOAD_MAX_BYTES, answers PAYLOAD_TOO_LARGE). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

const FORMAT_LABEL: Record<EvidenceFormat, { label: string; accept: string; hint: string }> = {
  csaf: {
    label: 'CSAF advisory',
    accept: '.json,application/json',
    hint: 'A CSAF 2.0 security advisory (JSON), e.g. a CISA ICSMA advisory: vulnerabilities on the devices whose make, model and version it names.',
  },
  cyclonedx: {
    label: 'CycloneDX SBOM or VEX',
    accept: '.json,application/json',
    hint: 'A CycloneDX 1.4–1.6 JSON document describing one device: its software components (SBOM) and vulnerabilities with their analysis (VEX).',
  },
  mds2: {
    label: 'MDS2 workbook',
    accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    hint: "A manufacturer's MDS2 form (ANSI/NEMA HN 1-2019, .xlsx): device flags, interfaces and controls, each with the question and answer behind it.",
  },
  'inventory-csv': {
    label: 'Device inventory CSV',
    accept: '.csv,text/csv',
    hint: 'The hospital inventory as CSV (one device per row, matched by external id): devices created and updated, all or nothing.',
  },
};

type Mds2TargetKind = 'form' | 'device' | 'makeModel';

// The route's answers (server/src/services/import-service.ts), as far as this page reads them.
interface Issue {
  path: string;
  message: string;
}
interface Vuln {
  id: string;
  cveId: string;
  cvssVector: string;
  elementId: string;
  status?: string;
}
interface CsafPreview {
  advisory: { trackingId: string; title: string; version: string; publisher: string };
  devices: {
    deviceId: string;
    deviceName: string;
    level: 'EXACT' | 'FUZZY' | 'NO_MATCH';
    products: { productName: string; reasons: string[] }[];
    reason: string;
  }[];
  vulnerabilities: {
    id: string;
    action: 'ADD' | 'UPDATE' | 'UNCHANGED';
    deviceId: string;
    cveId: string;
    match: 'EXACT' | 'FUZZY';
    vulnerability: Vuln;
  }[];
  controls: { id: string; deviceId: string; controlId: string; match: 'EXACT' | 'FUZZY'; because: string }[];
  unmappedRemediations: Record<string, number>;
  warnings: Issue[];
}
interface CycloneDxPreview {
  bom: { kind: 'SBOM' | 'VEX'; specVersion: string; serialNumber?: string };
  deviceId: string;
  components?: { added: number; removed: number; after: unknown[] };
  vulnerabilities: { id: string; action: 'ADD' | 'UPDATE' | 'UNCHANGED'; cveId: string; vulnerability: Vuln }[];
  warnings: Issue[];
}
interface Mds2Source {
  questionId: string;
  text: string;
  answer: string;
  note?: string;
  location?: { sheet: string; cell: string };
}
interface Mds2Change {
  kind: 'SET_FLAG' | 'ADD_INTERFACE' | 'ADD_PLACEMENT' | 'ADD_EVIDENCE' | 'SET_PLACEMENT_STATUS';
  field?: string;
  from?: unknown;
  to?: unknown;
  interface?: { id: string; name: string; kind: string; exposedToZoneIds: string[] };
  placement?: { controlId: string; elementId: string; status: string };
  controlId?: string;
  elementId?: string;
  evidence?: unknown[];
  sources: Mds2Source[];
}
interface Mds2Preview {
  documentId?: string;
  devices: {
    deviceId: string;
    deviceName: string;
    changes: Mds2Change[];
    confirmed: { elementId: string; what: string; sources: Mds2Source[] }[];
    notPlaced: { controlId: string; elementId?: string; reason: string }[];
    conflicts: { elementId: string; message: string; sources: Mds2Source[] }[];
    expectations: { kind: string; detail: string }[];
  }[];
  review: { reason: string; source: Mds2Source }[];
  notApplicable: string[];
  warnings: { location?: { sheet: string; cell: string }; message: string }[];
}
interface InventoryIssue {
  line: number;
  column: string | null;
  severity: 'error' | 'warning';
  message: string;
}
interface InventoryPreview {
  created: number;
  updated: number;
  unchanged: number;
  issues: InventoryIssue[];
}

/** One preview or commit answer, tagged with its format. */
type Answer =
  | { format: 'csaf'; modelVersion: number; preview: CsafPreview; written?: Record<string, number> }
  | { format: 'cyclonedx'; modelVersion: number; preview: CycloneDxPreview; written?: Record<string, number> }
  | { format: 'mds2'; modelVersion: number; preview: Mds2Preview; written?: Record<string, number> }
  | { format: 'inventory-csv'; modelVersion: number; preview: InventoryPreview; written?: Record<string, number> };

/** Reads a route answer into an {@link Answer} (the inventory answer is flat). */
function answerOf(format: EvidenceFormat, data: Record<string, unknown>, committed: boolean): Answer {
  const modelVersion = Number(data['modelVersion']);
  const counts = (names: string[]) =>
    committed
      ? Object.fromEntries(names.filter((n) => typeof data[n] === 'number').map((n) => [n, data[n] as number]))
      : undefined;
  switch (format) {
    case 'inventory-csv':
      return {
        format,
        modelVersion,
        preview: data as unknown as InventoryPreview,
        ...(committed ? { written: counts(['created', 'updated', 'unchanged']) } : {}),
      };
    case 'mds2':
      return { format, modelVersion, preview: data['preview'] as Mds2Preview, ...(committed ? { written: {} } : {}) };
    case 'csaf':
    case 'cyclonedx':
      return {
        format,
        modelVersion,
        preview: data['preview'] as never,
        ...(committed ? { written: counts(['vulnerabilitiesWritten', 'controlsPlaced', 'devicesChanged']) } : {}),
      } as Answer;
  }
}

const sourceText = (s: Mds2Source) =>
  `${s.questionId} ${s.text || s.answer}${s.note ? ` (${s.note})` : ''}${s.location ? ` [${s.location.sheet}!${s.location.cell}]` : ''}`;

/** The evidence import page. */
export function ImportEvidencePage() {
  const { modelId = '' } = useParams();
  const model = useModel(modelId);
  const can = useCan();
  const canCommit = can('editModel', modelId);
  const qc = useQueryClient();
  const devices = useMemo(
    () => [...(model.data?.data.devices ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [model.data],
  );
  const makes = useMemo(() => {
    const seen = new Map<string, { manufacturer: string; modelName: string; count: number }>();
    for (const d of devices) {
      if (!d.manufacturer || !d.modelName) continue;
      const key = `${d.manufacturer}\u0000${d.modelName}`;
      const e = seen.get(key);
      if (e) e.count++;
      else seen.set(key, { manufacturer: d.manufacturer, modelName: d.modelName, count: 1 });
    }
    return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [devices]);

  const [format, setFormat] = useState<EvidenceFormat>('csaf');
  const [file, setFile] = useState<File | null>(null);
  const [deviceId, setDeviceId] = useState('');
  const [mds2Target, setMds2Target] = useState<Mds2TargetKind>('form');
  const [makeKey, setMakeKey] = useState('');
  const [confirmed, setConfirmed] = useState<ReadonlySet<string>>(new Set());
  const [answer, setAnswer] = useState<Answer | null>(null);

  const fields = (): UploadFields => {
    if (format === 'cyclonedx') return { deviceId };
    if (format === 'mds2') {
      if (mds2Target === 'device') return { deviceId };
      if (mds2Target === 'makeModel') {
        const [manufacturer, modelName] = makeKey.split('\u0000');
        return { manufacturer, modelName };
      }
    }
    return {};
  };
  const targetMissing =
    (format === 'cyclonedx' && !deviceId) ||
    (format === 'mds2' && mds2Target === 'device' && !deviceId) ||
    (format === 'mds2' && mds2Target === 'makeModel' && !makeKey);

  const send = async (action: 'preview' | 'commit', extra: UploadFields = {}) => {
    if (!file) throw new Error('choose a file');
    if (file.size > MAX_FILE_BYTES) throw new Error(`${file.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
    const data = await uploadEvidence<Record<string, unknown>>(modelId, format, action, file, {
      ...fields(),
      ...extra,
    });
    return answerOf(format, data, action === 'commit');
  };
  const preview = useMutation({
    mutationFn: () => send('preview'),
    onMutate: () => setAnswer(null),
    onSuccess: (a) => {
      setAnswer(a);
      setConfirmed(new Set());
    },
  });
  const commit = useMutation({
    mutationFn: () =>
      send('commit', {
        expectedVersion: String(answer!.modelVersion),
        ...(format === 'csaf' ? { confirm: [...confirmed] } : {}),
      }),
    onSuccess: async (a) => {
      setAnswer(a);
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.model(modelId) }),
        qc.invalidateQueries({ queryKey: keys.models }),
      ]);
    },
  });
  const reset = () => {
    setAnswer(null);
    preview.reset();
    commit.reset();
  };

  if (model.isLoading) return <Loading label="Loading the model" />;
  if (model.error) return <ErrorMessage error={model.error} title="The model could not be loaded" />;
  const name = model.data?.summary.name ?? modelId;
  const version = model.data?.summary.version;
  const label = (id: string) => devices.find((d) => d.id === id)?.name ?? id;
  const committed = answer?.written !== undefined;
  const blocking =
    answer?.format === 'inventory-csv' && answer.preview.issues.some((i) => i.severity === 'error')
      ? 'The file has errors (listed above): correct them and preview again; nothing can be written until then.'
      : null;
  const conflict = commit.error instanceof GraphQLRequestError && commit.error.code === 'CONFLICT';

  return (
    <div className="page">
      <PageHeader
        title={`Import evidence — ${name}`}
        meta={version !== undefined ? `model version ${version}` : undefined}
      />
      <main className="page-body">
        <p className="hint">
          Choose what kind of evidence you have and the file. The server first shows what the file would change in this
          model, without writing anything;{' '}
          {canCommit ? 'then write it in one step, recorded in the audit trail.' : 'an editor can then write it.'}
        </p>
        <form
          className="element-form inline"
          data-testid="import-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (file && !targetMissing) preview.mutate();
          }}
        >
          <label>
            Format
            <select
              value={format}
              data-testid="import-format"
              onChange={(e) => {
                setFormat(e.target.value as EvidenceFormat);
                reset();
              }}
            >
              {(Object.keys(FORMAT_LABEL) as EvidenceFormat[]).map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABEL[f].label}
                </option>
              ))}
            </select>
          </label>
          {format === 'mds2' && (
            <label>
              Apply to
              <select
                value={mds2Target}
                data-testid="import-mds2-target"
                onChange={(e) => {
                  setMds2Target(e.target.value as Mds2TargetKind);
                  reset();
                }}
              >
                <option value="form">the make and model the form names</option>
                <option value="makeModel">every device of a make and model</option>
                <option value="device">one device</option>
              </select>
            </label>
          )}
          {format === 'mds2' && mds2Target === 'makeModel' && (
            <label>
              Make and model
              <select value={makeKey} data-testid="import-make-model" onChange={(e) => setMakeKey(e.target.value)}>
                <option value="">choose…</option>
                {makes.map(([key, m]) => (
                  <option key={key} value={key}>
                    {m.manufacturer} {m.modelName} ({m.count} device{m.count === 1 ? '' : 's'})
                  </option>
                ))}
              </select>
            </label>
          )}
          {(format === 'cyclonedx' || (format === 'mds2' && mds2Target === 'device')) && (
            <label>
              Device
              <select value={deviceId} data-testid="import-device" onChange={(e) => setDeviceId(e.target.value)}>
                <option value="">choose…</option>
                {devices.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                    {d.manufacturer ? ` — ${d.manufacturer} ${d.modelName ?? ''}` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            File
            <input
              type="file"
              accept={FORMAT_LABEL[format].accept}
              data-testid="import-file"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                reset();
              }}
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={!file || targetMissing || preview.isPending}>
              {preview.isPending ? 'Reading…' : 'Preview'}
            </button>
            <Link to={`/models/${encodeURIComponent(modelId)}`} className="button" data-testid="back-to-model">
              Back to the model
            </Link>
          </div>
          <p className="hint">{FORMAT_LABEL[format].hint}</p>
        </form>

        {preview.error != null && <UploadError error={preview.error} title="The file could not be read" />}
        {answer && (
          <section data-testid="import-preview" aria-label="What the import changes">
            {committed && (
              <p className="success" role="status" data-testid="import-committed">
                Written: the model is now at version {answer.modelVersion}
                {answer.written && Object.keys(answer.written).length > 0
                  ? ` (${Object.entries(answer.written)
                      .map(([k, v]) => `${WRITTEN_LABEL[k] ?? k}: ${v}`)
                      .join(', ')})`
                  : ''}
                . <Link to={`/models/${encodeURIComponent(modelId)}`}>Open the model</Link>
              </p>
            )}
            {answer.format === 'csaf' && (
              <CsafView
                preview={answer.preview}
                label={label}
                confirmed={confirmed}
                onConfirm={
                  committed
                    ? undefined
                    : (id, on) => {
                        const next = new Set(confirmed);
                        if (on) next.add(id);
                        else next.delete(id);
                        setConfirmed(next);
                      }
                }
              />
            )}
            {answer.format === 'cyclonedx' && <CycloneDxView preview={answer.preview} label={label} />}
            {answer.format === 'mds2' && <Mds2View preview={answer.preview} label={label} />}
            {answer.format === 'inventory-csv' && <InventoryView preview={answer.preview} />}

            {!committed && (
              <div className="form-actions" data-testid="import-commit-area">
                {blocking && <p className="error-box">{blocking}</p>}
                {canCommit ? (
                  <button
                    type="button"
                    className="primary"
                    data-testid="import-commit"
                    disabled={commit.isPending || blocking !== null}
                    onClick={() => commit.mutate()}
                  >
                    {commit.isPending ? 'Writing…' : `Write to the model (version ${answer.modelVersion})`}
                  </button>
                ) : (
                  <p className="hint" data-testid="import-viewer-note">
                    You can read this preview; writing it to the model needs an editor.
                  </p>
                )}
              </div>
            )}
            {commit.error != null && (
              <>
                <UploadError error={commit.error} title="Nothing was written" />
                {conflict && (
                  <button
                    type="button"
                    className="button"
                    data-testid="import-preview-again"
                    onClick={() => preview.mutate()}
                  >
                    Preview again on the current model
                  </button>
                )}
              </>
            )}
          </section>
        )}
      </main>
    </div>
  );
}

const WRITTEN_LABEL: Record<string, string> = {
  vulnerabilitiesWritten: 'vulnerabilities written',
  controlsPlaced: 'controls placed',
  devicesChanged: 'devices changed',
  created: 'devices created',
  updated: 'devices updated',
  unchanged: 'devices unchanged',
};

/** An upload error with the locations the server named in the file (JSON pointer, Sheet!Cell, line and column). */
function UploadError({ error, title }: { error: unknown; title: string }) {
  const issues = error instanceof GraphQLRequestError ? (error.errors[0]?.extensions?.issues ?? []) : [];
  return (
    <div data-testid="import-error">
      <ErrorMessage error={error} title={title} />
      {issues.length > 1 && (
        <ul className="issues">
          {issues.map((i, k) => (
            <li key={k}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Warnings({ items }: { items: { where?: string; message: string }[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>Warnings</h3>
      <ul data-testid="import-warnings">
        {items.map((w, i) => (
          <li key={i}>
            {w.where && <code>{w.where}</code>}
            {w.where && ': '}
            {w.message}
          </li>
        ))}
      </ul>
    </>
  );
}

function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

const countBy = <T,>(list: T[], key: (t: T) => string) =>
  list.reduce<Record<string, number>>((acc, t) => ({ ...acc, [key(t)]: (acc[key(t)] ?? 0) + 1 }), {});

function VulnTable({
  rows,
  label,
}: {
  rows: { id: string; action: string; match?: string; vulnerability: Vuln }[];
  label: (id: string) => string;
}) {
  if (rows.length === 0) return <p className="empty">No vulnerability to write.</p>;
  return (
    <table className="data-table" data-testid="import-vulnerabilities">
      <thead>
        <tr>
          <th>Change</th>
          <th>CVE</th>
          <th>On</th>
          <th>Status</th>
          <th>CVSS vector</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              {r.action}
              {r.match === 'FUZZY' ? ' (needs confirmation)' : ''}
            </td>
            <td>{r.vulnerability.cveId}</td>
            <td>{label(r.vulnerability.elementId)}</td>
            <td>{r.vulnerability.status ?? 'AFFECTED'}</td>
            <td>
              <code>{r.vulnerability.cvssVector}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CsafView({
  preview,
  label,
  confirmed,
  onConfirm,
}: {
  preview: CsafPreview;
  label: (id: string) => string;
  confirmed: ReadonlySet<string>;
  onConfirm?: (deviceId: string, on: boolean) => void;
}) {
  const matched = preview.devices.filter((d) => d.level !== 'NO_MATCH');
  const fuzzy = matched.filter((d) => d.level === 'FUZZY');
  const actions = countBy(preview.vulnerabilities, (v) => v.action);
  const unmapped = Object.entries(preview.unmappedRemediations);
  return (
    <>
      <h2>
        {preview.advisory.trackingId}: {preview.advisory.title}
      </h2>
      <p className="sub">
        {preview.advisory.publisher}, version {preview.advisory.version}
      </p>
      <Facts
        items={[
          ['Devices matched', <span data-testid="import-matched-count">{matched.length - fuzzy.length}</span>],
          ['Similar products to confirm', fuzzy.length],
          ['Vulnerabilities to add', actions['ADD'] ?? 0],
          ['Vulnerabilities to update', actions['UPDATE'] ?? 0],
          ['Controls suggested', preview.controls.length],
        ]}
      />
      {fuzzy.length > 0 && (
        <>
          <h3>Similar products: confirm the devices it really concerns</h3>
          <ul data-testid="import-fuzzy">
            {fuzzy.map((d) => (
              <li key={d.deviceId}>
                <label>
                  <input
                    type="checkbox"
                    data-testid={`confirm-${d.deviceId}`}
                    checked={confirmed.has(d.deviceId)}
                    disabled={!onConfirm}
                    onChange={(e) => onConfirm?.(d.deviceId, e.target.checked)}
                  />{' '}
                  {d.deviceName}: {d.products.flatMap((p) => p.reasons).join('; ') || d.reason}
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Vulnerabilities</h3>
      <VulnTable rows={preview.vulnerabilities} label={label} />
      {preview.controls.length > 0 && (
        <>
          <h3>Controls suggested (PLANNED)</h3>
          <ul data-testid="import-controls">
            {preview.controls.map((c) => (
              <li key={c.id}>
                {c.controlId} on {label(c.deviceId)} — {c.because}
                {c.match === 'FUZZY' ? ' (needs confirmation)' : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {unmapped.length > 0 && (
        <p className="hint" data-testid="import-unmapped">
          Remediations kept as text (no single catalogue control): {unmapped.map(([k, n]) => `${k} × ${n}`).join(', ')}.
        </p>
      )}
      <Warnings items={preview.warnings.map((w) => ({ where: w.path, message: w.message }))} />
    </>
  );
}

function CycloneDxView({ preview, label }: { preview: CycloneDxPreview; label: (id: string) => string }) {
  return (
    <>
      <h2>
        CycloneDX {preview.bom.specVersion} {preview.bom.kind} for {label(preview.deviceId)}
      </h2>
      <Facts
        items={[
          [
            'Components',
            preview.components
              ? `${preview.components.after.length} (+${preview.components.added} −${preview.components.removed})`
              : 'kept',
          ],
          ['Vulnerabilities', preview.vulnerabilities.length],
        ]}
      />
      <h3>Vulnerabilities</h3>
      <VulnTable rows={preview.vulnerabilities} label={label} />
      <Warnings items={preview.warnings.map((w) => ({ where: w.path, message: w.message }))} />
    </>
  );
}

function mds2ChangeText(c: Mds2Change, label: (id: string) => string): string {
  switch (c.kind) {
    case 'SET_FLAG':
      return `${c.field}: ${String(c.from)} → ${String(c.to)}`;
    case 'ADD_INTERFACE':
      return `new ${c.interface?.kind} interface "${c.interface?.name}"`;
    case 'ADD_PLACEMENT':
      return `${c.placement?.controlId} ${c.placement?.status} on ${label(c.placement?.elementId ?? '')}`;
    case 'SET_PLACEMENT_STATUS':
      return `${c.controlId} on ${label(c.elementId ?? '')}: ${String(c.from)} → ${String(c.to)}`;
    case 'ADD_EVIDENCE':
      return `${c.evidence?.length ?? 0} evidence entries recorded on the device`;
  }
}

function Mds2View({ preview, label }: { preview: Mds2Preview; label: (id: string) => string }) {
  return (
    <>
      <h2>MDS2 {preview.documentId ?? ''}</h2>
      <Facts
        items={[
          ['Devices', preview.devices.length],
          [
            'Changes',
            preview.devices.reduce((n, d) => n + d.changes.filter((c) => c.kind !== 'ADD_EVIDENCE').length, 0),
          ],
          ['Conflicts', preview.devices.reduce((n, d) => n + d.conflicts.length, 0)],
          ['Answers to review', preview.review.length],
        ]}
      />
      {preview.devices.map((d) => (
        <div key={d.deviceId} data-testid={`mds2-device-${d.deviceId}`}>
          <h3>{d.deviceName}</h3>
          {d.changes.length === 0 ? (
            <p className="empty">No change: the model already says what the form says.</p>
          ) : (
            <ul>
              {d.changes.map((c, i) => (
                <li key={i}>
                  {mds2ChangeText(c, label)} <span className="sub">— {c.sources.map(sourceText).join('; ')}</span>
                </li>
              ))}
            </ul>
          )}
          {d.conflicts.length > 0 && (
            <ul className="warning-box">
              {d.conflicts.map((c, i) => (
                <li key={i}>
                  {c.message} <span className="sub">— {c.sources.map(sourceText).join('; ')}</span>
                </li>
              ))}
            </ul>
          )}
          {d.notPlaced.length > 0 && (
            <p className="hint">
              Not placed:{' '}
              {d.notPlaced
                .map((n) => `${n.controlId}${n.elementId ? ` on ${label(n.elementId)}` : ''} (${n.reason})`)
                .join('; ')}
            </p>
          )}
          {d.expectations.length > 0 && (
            <p className="hint">Add by hand: {d.expectations.map((e) => e.detail).join('; ')}</p>
          )}
        </div>
      ))}
      {preview.review.length > 0 && (
        <>
          <h3>Answers to read (not mapped)</h3>
          <ul data-testid="import-unmapped">
            {preview.review.map((r, i) => (
              <li key={i}>
                {sourceText(r.source)} — {r.reason === 'SEE_NOTE' ? 'see the note' : 'answer not recognised'}
              </li>
            ))}
          </ul>
        </>
      )}
      <Warnings
        items={preview.warnings.map((w) => ({
          ...(w.location ? { where: `${w.location.sheet}!${w.location.cell}` } : {}),
          message: w.message,
        }))}
      />
    </>
  );
}

function InventoryView({ preview }: { preview: InventoryPreview }) {
  return (
    <>
      <h2>Device inventory</h2>
      <Facts
        items={[
          ['Devices to create', <span data-testid="import-created-count">{preview.created}</span>],
          ['to update', preview.updated],
          ['unchanged', preview.unchanged],
          ['Errors', preview.issues.filter((i) => i.severity === 'error').length],
        ]}
      />
      {preview.issues.length > 0 && (
        <table className="data-table" data-testid="import-issues">
          <thead>
            <tr>
              <th>Line</th>
              <th>Column</th>
              <th>Severity</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {preview.issues.map((i, k) => (
              <tr key={k}>
                <td className="num">{i.line}</td>
                <td>{i.column ?? '(row)'}</td>
                <td>{i.severity}</td>
                <td>{i.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
