/**
 * Advisory watch (route /models/:modelId/advisories): the question a hospital asks the morning an
 * advisory is published. The user picks one or more CSAF 2.0 advisory files; the server
 * (Query.advisoryWatch) applies them to the model in memory and answers which devices they affect,
 * which new attack paths to patient harm they open, the cheapest placements that cut those paths,
 * and the total safety risk before and after. Nothing is written: importing stays a separate,
 * audited step.
 */
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import { AdvisoryWatchDocument, type AdvisoryWatchQuery, type Severity } from '../api/__generated__/graphql';
import { request } from '../api/client';
import { useModel } from '../api/hooks';
import { targetLabel } from '../components/AttackPathList';
import { ErrorMessage, Loading } from '../components/Feedback';
import { PageHeader } from '../components/PageHeader';
import { emptyModel, indexModel } from '../graph/model-index';
import { SEVERITY, SEVERITY_ORDER, formatCost, formatRisk } from '../graph/vocabulary';

type Watch = AdvisoryWatchQuery['advisoryWatch'];

/** Largest advisory file read in the browser (the server has its own request size limit). */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Reads the chosen files as JSON, naming the file that is not. */
async function readAdvisories(files: readonly File[]): Promise<{ documents: unknown[]; fileNames: string[] }> {
  const documents: unknown[] = [];
  for (const f of files) {
    if (f.size > MAX_FILE_BYTES) throw new Error(`${f.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
    const text = await f.text();
    try {
      documents.push(JSON.parse(text));
    } catch {
      throw new Error(`${f.name} is not JSON: a CSAF advisory is a JSON document`);
    }
  }
  return { documents, fileNames: files.map((f) => f.name) };
}

/** The advisory watch page. */
export function AdvisoryWatchPage() {
  const { modelId = '' } = useParams();
  const model = useModel(modelId);
  const index = useMemo(() => indexModel(model.data?.data ?? emptyModel()), [model.data]);
  const [files, setFiles] = useState<File[]>([]);
  const [minSeverity, setMinSeverity] = useState<Severity>('SERIOUS');
  const watch = useMutation({
    mutationFn: async () => {
      const { documents, fileNames } = await readAdvisories(files);
      return (await request(AdvisoryWatchDocument, { modelId, documents, fileNames, minSeverity })).advisoryWatch;
    },
  });
  if (model.isLoading) return <Loading label="Loading the model" />;
  const name = model.data?.summary.name ?? modelId;
  return (
    <div className="page">
      <PageHeader title={`Advisory watch — ${name}`} />
      <main className="page-body">
        <p className="hint">
          Choose one or more CSAF 2.0 advisory files (for example a CISA ICSMA advisory). They are read against this
          model without changing it: the devices they affect, the attack paths to patient harm they open and the
          cheapest controls that cut those paths. Import an advisory from the model workspace to record it.
        </p>
        <form
          className="element-form inline"
          data-testid="advisory-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (files.length > 0) watch.mutate();
          }}
        >
          <label>
            Advisory files (JSON)
            <input
              type="file"
              accept=".json,application/json"
              multiple
              data-testid="advisory-files"
              onChange={(e) => setFiles([...(e.target.files ?? [])])}
            />
          </label>
          <label>
            Paths to targets of at least
            <select value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as Severity)}>
              {SEVERITY_ORDER.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY[s].label}
                </option>
              ))}
            </select>
          </label>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={files.length === 0 || watch.isPending}>
              {watch.isPending ? 'Reading…' : 'Read the advisories'}
            </button>
            <Link to={`/models/${encodeURIComponent(modelId)}`} className="button">
              Back to the model
            </Link>
          </div>
        </form>
        {watch.error != null && <ErrorMessage error={watch.error} title="The advisories could not be read" />}
        {watch.data && (
          <WatchResult watch={watch.data} label={(id) => index.label(id)} target={(id) => targetLabel(index, id)} />
        )}
      </main>
    </div>
  );
}

function WatchResult({
  watch,
  label,
  target,
}: {
  watch: Watch;
  label: (id: string) => string;
  target: (id: string) => string;
}) {
  const fuzzy = watch.advisories.flatMap((a) => a.devices.filter((d) => d.level === 'FUZZY'));
  return (
    <section data-testid="advisory-result" aria-label="What the advisories mean for this model">
      <h2>{watch.advisories.map((a) => `${a.advisory.trackingId}: ${a.advisory.title}`).join('; ')}</h2>
      <dl className="facts">
        <div>
          <dt>Devices affected</dt>
          <dd data-testid="affected-count">{watch.affectedDeviceIds.length}</dd>
        </div>
        <div>
          <dt>New attack paths</dt>
          <dd data-testid="new-path-count">
            {watch.newPaths.length}
            {watch.truncated ? ' (more not listed)' : ''}
          </dd>
        </div>
        <div>
          <dt>Targets newly reachable</dt>
          <dd>{watch.newlyReachableTargetIds.length}</dd>
        </div>
        <div>
          <dt>Safety risk</dt>
          <dd data-testid="risk-change">
            {formatRisk(watch.riskBefore)} → {formatRisk(watch.riskAfter)}
          </dd>
        </div>
      </dl>

      <h3>Affected devices</h3>
      <ul data-testid="affected-devices">
        {watch.affectedDeviceIds.map((id) => (
          <li key={id}>
            {label(id)}:{' '}
            {watch.advisories
              .flatMap((a) => a.vulnerabilities.filter((v) => v.deviceId === id))
              .map((v) => `${v.cveId} (CVSS ${v.vulnerability.cvssBaseScore})`)
              .join(', ')}
          </li>
        ))}
      </ul>
      {fuzzy.length > 0 && (
        <p className="hint" data-testid="fuzzy-matches">
          {fuzzy.length} device{fuzzy.length === 1 ? '' : 's'} only resemble{fuzzy.length === 1 ? 's' : ''} a product of
          the advisory and {fuzzy.length === 1 ? 'is' : 'are'} not counted:{' '}
          {fuzzy.map((d) => `${label(d.deviceId)} (${d.reason})`).join('; ')}.
        </p>
      )}

      <h3>New paths to patient harm</h3>
      {watch.newPaths.length === 0 ? (
        <p data-testid="no-new-paths">No new path reaches a target at this severity.</p>
      ) : (
        <table className="data-table" data-testid="new-paths">
          <thead>
            <tr>
              <th>Target</th>
              <th>Severity</th>
              <th className="num">Risk</th>
              <th>Steps</th>
            </tr>
          </thead>
          <tbody>
            {watch.newPaths.map((p) => (
              <tr key={p.id}>
                <td>{target(p.targetId)}</td>
                <td>{p.severity ? SEVERITY[p.severity].label : ''}</td>
                <td className="num">{formatRisk(p.risk)}</td>
                <td>{p.steps.map((s) => `${s.attackMethod?.name ?? 'step'} → ${label(s.to)}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Cheapest way to cut them</h3>
      {watch.cut.placements.length === 0 ? (
        <p>Nothing to place{watch.cut.uncuttableTargetIds.length > 0 ? ': no control can cut these paths' : ''}.</p>
      ) : (
        <table className="data-table" data-testid="advisory-cut">
          <thead>
            <tr>
              <th>Control</th>
              <th>On</th>
              <th className="num">Cost</th>
              <th>Protects</th>
            </tr>
          </thead>
          <tbody>
            {watch.cut.placements.map((p) => (
              <tr key={`${p.controlId}@${p.elementId}`}>
                <td>
                  {p.controlId} {p.control.name}
                </td>
                <td>{label(p.elementId)}</td>
                <td className="num">{formatCost(p.cost)}</td>
                <td>{p.cutsTargetIds.map(target).join('; ')}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={2}>Total ({watch.cut.status === 'OPTIMAL' ? 'proven cheapest' : 'best found'})</td>
              <td className="num">{formatCost(watch.cut.totalCost)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      )}
      {watch.cut.uncuttableTargetIds.length > 0 && (
        <p className="hint">
          No control in the catalogue can protect: {watch.cut.uncuttableTargetIds.map(target).join('; ')}.
        </p>
      )}
    </section>
  );
}
