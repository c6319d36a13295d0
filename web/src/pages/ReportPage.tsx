/**
 * Risk-committee report: model summary, the top attack paths each with its picture, the
 * recommended controls, baseline gaps, and the date and model version. Prints cleanly to PDF from
 * the browser (print.css). Pictures come from an off-screen map with the workspace's saved layout.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { Severity } from '../api/__generated__/graphql';
import { useAttackPaths, useBaselineGaps, useCatalogue, useModel, useRecommendation } from '../api/hooks';
import type { AttackPath } from '../components/AttackPathList';
import { targetLabel } from '../components/AttackPathList';
import { BaselineGapTable } from '../components/BaselineGapTable';
import { BlockingStatusChip, ImpactChip, PathSeverityChip, RiskClassChip, StrideChips } from '../components/Chips';
import { capabilityLabel } from '../components/AttackPathView';
import { ErrorMessage, Loading } from '../components/Feedback';
import { Legend } from '../components/Legend';
import { loadPositions } from '../components/ThreatGraph';
import { UserMenu } from '../components/UserMenu';
import { createGraph } from '../graph/create-graph';
import { browserCytoscape } from '../graph/cytoscape-factory';
import { emptyModel, indexModel, type ModelIndex } from '../graph/model-index';
import { highlightPaths } from '../graph/path-highlight';
import { edgeLookup, toElements } from '../graph/to-elements';
import {
  ELEMENT_TYPE,
  RISK_CLASS_ORDER,
  SEVERITY,
  SEVERITY_ORDER,
  ZONE_KIND,
  evidenceLine,
  formatCost,
  formatLikelihood,
  formatRisk,
} from '../graph/vocabulary';
import { positionsKey } from './ThreatModelPage';

const TOP_PATHS = 5;
/** Larger models get no pictures (the layout would take too long for a report). */
const PICTURE_ELEMENT_LIMIT = 6000;

interface Pictures {
  overview: string;
  paths: Record<string, string>;
}

/** Renders the pictures off-screen once the model and paths are known. */
function usePictures(modelId: string, index: ModelIndex, paths: readonly AttackPath[] | null): Pictures | null {
  const [pictures, setPictures] = useState<Pictures | null>(null);
  const host = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!paths || index.model.devices.length === 0) return;
    const elements = toElements(index.model);
    if (elements.length > PICTURE_ELEMENT_LIMIT) {
      setPictures({ overview: '', paths: {} });
      return;
    }
    let cancelled = false;
    const div = document.createElement('div');
    div.style.cssText = 'position:fixed;left:-20000px;top:0;width:1100px;height:620px;background:#fff';
    document.body.appendChild(div);
    host.current = div;
    const graph = createGraph(browserCytoscape(), div);
    graph.setElements(elements, { positions: loadPositions(positionsKey(modelId)) });
    const edgeBetween = edgeLookup(elements);
    // Give the device glyph images a moment to load before drawing.
    const timer = setTimeout(() => {
      if (cancelled) return;
      graph.setHighlight(null);
      graph.fitTo([], 20);
      const overview = graph.pngDataUrl({ full: false, scale: 1.5 });
      const byPath: Record<string, string> = {};
      for (const p of paths) {
        graph.setHighlight(highlightPaths([{ path: p, variant: 'active' }], index, edgeBetween));
        const ids = [...new Set(p.nodeIds.map((id) => index.mapNodeOf(id)).filter((x): x is string => Boolean(x)))];
        graph.fitTo(ids, 70);
        byPath[p.id] = graph.pngDataUrl({ full: false, scale: 1.5 });
      }
      setPictures({ overview, paths: byPath });
      graph.destroy();
      div.remove();
    }, 600);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (div.isConnected) {
        graph.destroy();
        div.remove();
      }
    };
  }, [modelId, index, paths]);
  return pictures;
}

function StepTable({
  path,
  index,
  controlName,
}: {
  path: AttackPath;
  index: ModelIndex;
  controlName: (id: string) => string;
}) {
  return (
    <table className="data-table report-steps">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Step</th>
          <th scope="col">Attack method</th>
          <th scope="col">Likelihood</th>
          <th scope="col">Rule and evidence</th>
          <th scope="col">Would be blocked by</th>
        </tr>
      </thead>
      <tbody>
        {path.steps.map((s, i) => (
          <tr key={s.id}>
            <td className="num">{i + 1}</td>
            <td>
              {index.label(s.from)} → {index.label(s.to)}
              <div className="sub">gains {capabilityLabel(index, s.to)}</div>
            </td>
            <td>
              {s.attackMethod.name} <StrideChips stride={s.attackMethod.stride} />
            </td>
            <td className="num">{formatLikelihood(s.likelihood)}</td>
            <td>
              <code>{s.ruleId}</code> {s.rule.title}
              {s.evidence.length > 0 && <div className="sub">{s.evidence.map(evidenceLine).join('; ')}</div>}
            </td>
            <td>
              {s.blockingControls.length === 0
                ? 'no catalogue control prevents it'
                : [...s.blockingControls]
                    .sort((a, b) => a.cost - b.cost)
                    .slice(0, 3)
                    .map((b) => (
                      <div key={`${b.controlId}@${b.elementId}`}>
                        {b.controlId} {controlName(b.controlId)} on {index.label(b.elementId)} ({formatCost(b.cost)}){' '}
                        <BlockingStatusChip status={b.status} />
                      </div>
                    ))}
              {s.blockingControls.length > 3 && <div className="sub">… and {s.blockingControls.length - 3} more</div>}
              {s.reducingControls.length > 0 && (
                <div className="sub">
                  reduced (not cut) by {s.reducingControls.map((r) => `${r.controlId} ×${r.factor}`).join(', ')}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReportPage() {
  const { modelId = '' } = useParams();
  const [search] = useSearchParams();
  const minSeverity = (
    SEVERITY_ORDER.includes(search.get('minSeverity') as Severity) ? search.get('minSeverity') : 'SERIOUS'
  ) as Severity;
  const recSeverity = (
    SEVERITY_ORDER.includes(search.get('protect') as Severity) ? search.get('protect') : 'CRITICAL'
  ) as Severity;

  const model = useModel(modelId);
  const catalogue = useCatalogue();
  const loaded = model.data ?? null;
  const index = useMemo(() => indexModel(loaded?.data ?? emptyModel()), [loaded]);
  const paths = useAttackPaths(modelId, { k: 3, minSeverity, fromElementIds: null }, Boolean(loaded));
  const rec = useRecommendation(modelId, { minSeverity: recSeverity, budget: null }, Boolean(loaded));
  const gaps = useBaselineGaps(modelId, Boolean(loaded));
  const top = useMemo(
    () =>
      paths.data
        ? [...paths.data.paths].sort((a, b) => b.risk - a.risk || (a.id < b.id ? -1 : 1)).slice(0, TOP_PATHS)
        : null,
    [paths.data],
  );
  const pictures = usePictures(modelId, index, top);
  const generated = useMemo(() => new Date(), []);

  const controlName = (id: string) => catalogue.data?.controls.find((c) => c.id === id)?.name ?? id;
  const ready = Boolean(loaded && top && pictures && rec.data && gaps.data);

  if (model.isPending) return <Loading label="Preparing the report…" />;
  if (model.error) return <ErrorMessage error={model.error} title="The model could not be loaded" />;
  if (!loaded) return <p>No model with id {modelId}.</p>;
  const s = loaded.summary;
  const byClass = RISK_CLASS_ORDER.map(
    (c) => [c, index.model.devices.filter((d) => d.riskClass === c).length] as const,
  );
  const entryZones = index.model.zones.filter((z) => z.entryPoint);

  return (
    <div className="report-page" data-testid="report" data-ready={ready ? 'true' : 'false'}>
      <div className="report-toolbar no-print">
        <Link to={`/models/${encodeURIComponent(modelId)}`}>← Back to the workspace</Link>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!ready}>
          Print / save as PDF
        </button>
        {!ready && <Loading label="Drawing the pictures…" />}
        <span className="spacer" />
        <UserMenu />
      </div>
      <article className="report">
        <header className="report-header">
          <p className="eyebrow">MedThreat · threat model review for the risk committee</p>
          <h1>{s.name}</h1>
          <dl className="report-meta">
            <div>
              <dt>Model</dt>
              <dd>
                <code>{s.id}</code>, version {s.version}, last changed {new Date(s.updatedAt).toLocaleString('en-SG')}
              </dd>
            </div>
            <div>
              <dt>Report date</dt>
              <dd data-testid="report-date">{generated.toLocaleString('en-SG')}</dd>
            </div>
            <div>
              <dt>Catalogue</dt>
              <dd>{catalogue.data ? `${catalogue.data.name} (${catalogue.data.version})` : '…'}</dd>
            </div>
            <div>
              <dt>Basis</dt>
              <dd>
                Singapore TR 67:2018 (Annex A controls, Annex B attack methods, Table 3 baselines as reconstructed); HSA
                risk classes; ISO 14971 severities
              </dd>
            </div>
          </dl>
        </header>

        <section className="report-section">
          <h2>1. Model summary</h2>
          {s.description && <p>{s.description}</p>}
          <table className="data-table summary">
            <tbody>
              <tr>
                <th scope="row">Elements</th>
                <td>
                  {s.counts.zones} zones · {s.counts.devices} devices · {s.counts.interfaces} interfaces ·{' '}
                  {s.counts.channels} channels · {s.counts.assets} patient-safety assets · {s.counts.vulnerabilities}{' '}
                  known vulnerabilities · {s.counts.controlPlacements} control placements
                </td>
              </tr>
              <tr>
                <th scope="row">Devices by HSA class</th>
                <td>
                  {byClass.map(([c, n]) => (
                    <span key={c} className="class-count">
                      <RiskClassChip riskClass={c} /> {n}
                    </span>
                  ))}
                </td>
              </tr>
              <tr>
                <th scope="row">Entry points</th>
                <td>{entryZones.map((z) => `${z.name} (${ZONE_KIND[z.kind]})`).join('; ') || 'none'}</td>
              </tr>
              {paths.data && (
                <tr>
                  <th scope="row">Exposure (targets ≥ {SEVERITY[minSeverity].label.toLowerCase()})</th>
                  <td>
                    {paths.data.truncated ? 'The top ' : ''}
                    {paths.data.pathCount} attack paths{paths.data.truncated ? ' (more exist)' : ''} reach{' '}
                    {paths.data.targetsReachable} targets; total risk {formatRisk(paths.data.totalRisk)}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <figure className="report-figure">
            {!pictures ? (
              <Loading label="Drawing the map…" />
            ) : pictures.overview ? (
              <img src={pictures.overview} alt={`Map of ${s.name}`} data-testid="report-overview" />
            ) : (
              <p>The model is too large to draw here; see the workspace map.</p>
            )}
            <figcaption>The hospital model: zones with their devices; channels and exposures as links.</figcaption>
          </figure>
          <Legend categories={index.model.devices.map((d) => d.category)} collapsible={false} />
        </section>

        <section className="report-section">
          <h2>
            2. Top {TOP_PATHS} attack paths (targets ≥ {SEVERITY[minSeverity].label.toLowerCase()})
          </h2>
          {paths.error && <ErrorMessage error={paths.error} title="Attack paths unavailable" />}
          {top?.length === 0 && <p>No attack path reaches a target at this severity.</p>}
          {top?.map((p, i) => (
            <div key={p.id} className="report-path" data-testid="report-path">
              <h3>
                {i + 1}. {index.label(p.entryPointId)} → {targetLabel(index, p.targetId)}
              </h3>
              <p className="path-meta">
                <ImpactChip impact={p.impact} />{' '}
                <PathSeverityChip severity={p.severity} privacySeverity={p.privacySeverity} /> likelihood{' '}
                <b>{formatLikelihood(p.likelihood)}</b> · risk <b>{formatRisk(p.risk)}</b> · {p.hops} steps
              </p>
              {pictures?.paths[p.id] ? (
                <img src={pictures.paths[p.id]} alt={`Attack path ${i + 1} on the map`} className="path-picture" />
              ) : pictures ? null : (
                <Loading label="Drawing…" />
              )}
              <StepTable path={p} index={index} controlName={controlName} />
            </div>
          ))}
        </section>

        <section className="report-section">
          <h2>3. Recommended controls (cut every path to targets ≥ {SEVERITY[recSeverity].label.toLowerCase()})</h2>
          {rec.isPending && <Loading label="Computing…" />}
          {rec.error && <ErrorMessage error={rec.error} title="Recommendation unavailable" />}
          {rec.data && (
            <>
              <p>
                {rec.data.status === 'NOTHING_TO_CUT'
                  ? 'No target at this severity is reachable.'
                  : `${rec.data.placements.length} placements, total cost ${formatCost(rec.data.totalCost)} cost units (${rec.data.optimal ? 'proven minimum' : 'best found within the time limit'}); risk ${formatRisk(rec.data.riskBefore)} → ${formatRisk(rec.data.riskAfter)}.`}
                {rec.data.uncuttableTargets.length > 0 &&
                  ` No catalogue control cuts the paths to: ${rec.data.uncuttableTargets.map((u) => `${targetLabel(index, u.targetId)} (${u.reason})`).join('; ')}.`}
              </p>
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Control</th>
                    <th scope="col">On</th>
                    <th scope="col">Cost</th>
                    <th scope="col">Blocks</th>
                    <th scope="col">Protects (reachable again without it)</th>
                  </tr>
                </thead>
                <tbody>
                  {rec.data.placements.map((p) => (
                    <tr key={`${p.controlId}@${p.elementId}`}>
                      <td>
                        <b>{p.controlId}</b> {p.control.name}
                      </td>
                      <td>
                        {ELEMENT_TYPE[p.elementType]}: {index.label(p.elementId)}
                      </td>
                      <td className="num">{formatCost(p.cost)}</td>
                      <td className="num">{p.cutsStepIds.length} steps</td>
                      <td>
                        {p.cutsTargetIds
                          .slice(0, 3)
                          .map((t) => targetLabel(index, t))
                          .join('; ') || '—'}
                        {p.cutsTargetCount > 3 && ` and ${p.cutsTargetCount - 3} more`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>

        <section className="report-section">
          <h2>4. Risk-class baseline gaps</h2>
          {gaps.isPending && <Loading label="Checking…" />}
          {gaps.error && <ErrorMessage error={gaps.error} title="Baseline gaps unavailable" />}
          {gaps.data && <BaselineGapTable gaps={gaps.data} index={index} catalogue={catalogue.data} printable />}
        </section>

        <footer className="report-footer">
          {s.name} · model <code>{s.id}</code> version {s.version} · generated {generated.toLocaleString('en-SG')} by
          MedThreat
        </footer>
      </article>
    </div>
  );
}
