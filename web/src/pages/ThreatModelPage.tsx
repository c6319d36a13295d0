/**
 * The workshop workspace for one model: the map in the middle; attack paths, recommendations and
 * baseline gaps on the left; the selected element and the editing forms on the right; the
 * selected path's steps under the map.
 */
import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { PlacementAssumption, Severity } from '../api/__generated__/graphql';
import { keys, useAttackPaths, useBaselineGaps, useCatalogue, useModel } from '../api/hooks';
import { useCan } from '../app/auth';
import { downloadBlob, downloadText, slug } from '../app/download';
import { AttackPathList, type AttackPath } from '../components/AttackPathList';
import { AttackPathView } from '../components/AttackPathView';
import { BaselineGapTable } from '../components/BaselineGapTable';
import { ControlReviewNotice } from '../components/ControlReviewNotice';
import { Empty, ErrorMessage, Loading } from '../components/Feedback';
import { Inspector, type Panel } from '../components/Inspector';
import { Legend } from '../components/Legend';
import { MapToolbar, ZoomControls } from '../components/MapToolbar';
import { ExportModelButton, ImportModelButton } from '../components/ModelFileActions';
import { RecommendationPanel, type WhatIfView } from '../components/RecommendationPanel';
import { ThreatGraph } from '../components/ThreatGraph';
import { UserMenu } from '../components/UserMenu';
import { VersionsPanel } from '../components/VersionsPanel';
import type { EditorContext } from '../components/forms/ElementForms';
import type { GraphHandle } from '../graph/create-graph';
import { NO_FILTER, matchingDeviceIds, type MapFilter } from '../graph/filter';
import { emptyModel, indexModel } from '../graph/model-index';
import { highlightPaths } from '../graph/path-highlight';
import { edgeLookup, toElements } from '../graph/to-elements';
import { SEVERITY, SEVERITY_ORDER, formatRisk } from '../graph/vocabulary';

type Tab = 'paths' | 'recommend' | 'baseline' | 'versions';

/** Above this many map elements the map is drawn only on request (layout time grows fast past it). */
const MAP_ELEMENT_LIMIT = 6000;

export function positionsKey(modelId: string): string {
  return `medthreat:positions:${modelId}`;
}

export function ThreatModelPage() {
  const { modelId = '' } = useParams();
  const qc = useQueryClient();
  const model = useModel(modelId);
  const catalogue = useCatalogue();
  const refreshing = useIsFetching({ queryKey: keys.model(modelId) }) > 0;
  const can = useCan();
  const canEdit = can('editModel', modelId);
  const canAccept = can('acceptRecommendation', modelId);

  const [tab, setTab] = useState<Tab>('paths');
  const [panel, setPanel] = useState<Panel>(null);
  const [filter, setFilter] = useState<MapFilter>(NO_FILTER);
  const [drawMode, setDrawMode] = useState(false);
  const [compromised, setCompromised] = useState<string[]>([]);
  const [useCompromised, setUseCompromised] = useState(false);
  const [minSeverity, setMinSeverity] = useState<Severity>('NEGLIGIBLE');
  const [k, setK] = useState(3);
  const [selectedPathId, setSelectedPathId] = useState<string | null>(null);
  const [whatIfView, setWhatIfView] = useState<WhatIfView | null>(null);
  const [graph, setGraph] = useState<GraphHandle | null>(null);
  const [exporting, setExporting] = useState(false);
  const [focusIds, setFocusIds] = useState<string[] | null>(null);
  const [forceMap, setForceMap] = useState(false);
  const [baselineAssume, setBaselineAssume] = useState<PlacementAssumption>('IMPLEMENTED');

  const loaded = model.data ?? null;
  const index = useMemo(() => indexModel(loaded?.data ?? emptyModel()), [loaded]);
  const elements = useMemo(() => toElements(index.model), [index]);
  const edgeBetween = useMemo(() => edgeLookup(elements), [elements]);

  const fromIds = useCompromised && compromised.length > 0 ? compromised : null;
  const paths = useAttackPaths(modelId, { k, minSeverity, fromElementIds: fromIds }, Boolean(loaded));
  const gaps = useBaselineGaps(modelId, Boolean(loaded) && tab === 'baseline', baselineAssume);

  const pathList: AttackPath[] = paths.data?.paths ?? [];
  const selectedPath = pathList.find((p) => p.id === selectedPathId) ?? null;
  const rankOf = useMemo(
    () => new Map([...pathList].sort((a, b) => b.risk - a.risk || (a.id < b.id ? -1 : 1)).map((p, i) => [p.id, i + 1])),
    [pathList],
  );

  const highlight = useMemo(() => {
    if (tab === 'recommend' && whatIfView) {
      return highlightPaths(
        [
          ...whatIfView.active.map((path) => ({ path, variant: 'active' as const })),
          ...whatIfView.cut.map((path) => ({ path, variant: 'cut' as const })),
        ],
        index,
        edgeBetween,
      );
    }
    if (tab === 'paths' && selectedPath)
      return highlightPaths([{ path: selectedPath, variant: 'active' }], index, edgeBetween);
    return null;
  }, [tab, whatIfView, selectedPath, index, edgeBetween]);
  const placementIds = useMemo(
    () =>
      tab === 'recommend' && whatIfView ? whatIfView.placementElementIds.map((id) => index.mapNodeOf(id) ?? id) : [],
    [tab, whatIfView, index],
  );

  const matching = useMemo(() => matchingDeviceIds(index.model.devices, filter), [index, filter]);
  const categories = useMemo(() => index.model.devices.map((d) => d.category), [index]);

  useEffect(() => {
    if (selectedPath)
      setFocusIds([
        ...new Set(selectedPath.nodeIds.map((id) => index.mapNodeOf(id)).filter((x): x is string => Boolean(x))),
      ]);
  }, [selectedPath, index]);
  useEffect(() => {
    if (matching && filter.search.trim() && matching.size > 0 && matching.size < 30) setFocusIds([...matching]);
  }, [matching, filter.search]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setDrawMode(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const write = useCallback<EditorContext['write']>(
    async (op) => {
      const r = await op();
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.model(modelId) }),
        qc.invalidateQueries({ queryKey: keys.models }),
      ]);
      return r;
    },
    [qc, modelId],
  );
  const loadedVersion = loaded?.summary.version ?? 0;
  const ctx: EditorContext = useMemo(
    () => ({ modelId, index, catalogue: catalogue.data, write, version: loadedVersion }),
    [modelId, index, catalogue.data, write, loadedVersion],
  );

  const onSelectElement = useCallback(
    (id: string | null) => {
      if (!id) return;
      if (index.get(id)) setPanel({ mode: 'inspect', id });
      else if (id.startsWith('exposure:') || id.startsWith('member:')) {
        const device = id.split('->')[1];
        if (device) setPanel({ mode: 'inspect', id: device });
      }
    },
    [index],
  );
  /** Panel changes from the inspector; after a create, the map pans to the new element. */
  const showPanel = useCallback(
    (next: Panel) => {
      if (panel?.mode === 'create' && next?.mode === 'inspect') {
        const e = index.get(next.id);
        const ids =
          e?.type === 'CHANNEL'
            ? [e.element.fromDeviceId, e.element.toDeviceId]
            : [index.mapNodeOf(next.id) ?? next.id];
        setFocusIds(ids);
      }
      setPanel(next);
    },
    [panel, index],
  );
  const toggleCompromised = useCallback((id: string) => {
    setCompromised((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
    setUseCompromised(true);
  }, []);

  const name = loaded?.summary.name ?? modelId;
  const exportPng = async () => {
    if (!graph) return;
    setExporting(true);
    try {
      downloadBlob(graph.png({ full: true, scale: 2 }), `${slug(name)}-map.png`);
    } finally {
      setExporting(false);
    }
  };
  const exportSvg = () => {
    if (!graph) return;
    downloadText(graph.svg({ full: true }), `${slug(name)}-map.svg`, 'image/svg+xml');
  };

  if (model.isPending) {
    return (
      <div className="page center">
        <Loading label="Loading the model…" />
      </div>
    );
  }
  if (model.error) {
    return (
      <div className="page center">
        <ErrorMessage error={model.error} title="The model could not be loaded" onRetry={() => void model.refetch()} />
        <Link to="/">All models</Link>
      </div>
    );
  }
  if (!loaded) {
    return (
      <div className="page center">
        <p>
          No model with id <code>{modelId}</code>. <Link to="/">All models</Link>
        </p>
      </div>
    );
  }

  const selectedMapId =
    panel && panel.mode !== 'create'
      ? index.typeOf(panel.id) === 'CHANNEL'
        ? panel.id
        : (index.mapNodeOf(panel.id) ?? null)
      : null;
  const s = loaded.summary;

  return (
    <div className={`workspace${panel ? ' with-panel' : ''}`}>
      <header className="app-header">
        <Link to="/" className="brand">
          MedThreat
        </Link>
        <div className="model-title">
          <h1>{s.name}</h1>
          <span className="meta">
            version {s.version} · {s.counts.zones} zones · {s.counts.devices} devices · {s.counts.channels} channels ·{' '}
            {s.counts.assets} assets · {s.counts.vulnerabilities} CVEs · {s.counts.controlPlacements} controls
          </span>
        </div>
        {refreshing && (
          <span className="refreshing" role="status">
            <span className="spinner" aria-hidden="true" /> refreshing analysis
          </span>
        )}
        <nav className="header-actions">
          <Link to={`/models/${encodeURIComponent(modelId)}/report`} className="button" data-testid="open-report">
            Committee report
          </Link>
          <Link
            to={`/models/${encodeURIComponent(modelId)}/advisories`}
            className="button"
            data-testid="open-advisory-watch"
          >
            Advisory watch
          </Link>
          <Link
            to={`/models/${encodeURIComponent(modelId)}/imports`}
            className="button"
            data-testid="open-evidence-import"
          >
            Import evidence
          </Link>
          <ExportModelButton modelId={modelId} version={s.version} />
          {canEdit && <ImportModelButton replaceId={modelId} label="Import…" onImported={() => setPanel(null)} />}
          <UserMenu />
        </nav>
      </header>

      <aside className="left-panel">
        <div
          role="tablist"
          aria-label="Analysis"
          className="tabs"
          onKeyDown={(e) => {
            const order: Tab[] = ['paths', 'recommend', 'baseline', 'versions'];
            const i = order.indexOf(tab);
            const n = order.length;
            const next =
              e.key === 'ArrowRight' ? order[(i + 1) % n] : e.key === 'ArrowLeft' ? order[(i + n - 1) % n] : undefined;
            if (next) {
              e.preventDefault();
              setTab(next);
              document.getElementById(`tab-${next}`)?.focus();
            }
          }}
        >
          {(
            [
              ['paths', 'Attack paths'],
              ['recommend', 'Recommendations'],
              ['baseline', 'Baseline gaps'],
              ['versions', 'Versions'],
            ] as [Tab, string][]
          ).map(([t, label]) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              id={`tab-${t}`}
              aria-controls={`tabpanel-${t}`}
              onClick={() => setTab(t)}
            >
              {label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-body">
          {tab === 'paths' && (
            <>
              <fieldset className="path-options">
                <legend>Attacker starts from</legend>
                <label>
                  <input type="radio" name="from" checked={!useCompromised} onChange={() => setUseCompromised(false)} />{' '}
                  Entry-point zones
                </label>
                <label>
                  <input type="radio" name="from" checked={useCompromised} onChange={() => setUseCompromised(true)} />{' '}
                  Compromised elements
                </label>
                {useCompromised && (
                  <div className="compromised">
                    {compromised.length === 0 && (
                      <p className="hint">
                        Pick elements here, or select one on the map and choose “Assume compromised”.
                      </p>
                    )}
                    <ul className="chip-list">
                      {compromised.map((id) => (
                        <li key={id}>
                          {index.label(id)}{' '}
                          <button
                            type="button"
                            className="link-button"
                            aria-label={`Remove ${index.label(id)}`}
                            onClick={() => toggleCompromised(id)}
                          >
                            ×
                          </button>
                        </li>
                      ))}
                    </ul>
                    <select
                      aria-label="Add a compromised device"
                      value=""
                      onChange={(e) => {
                        if (e.target.value) toggleCompromised(e.target.value);
                      }}
                    >
                      <option value="">Add a compromised device…</option>
                      {[...index.model.devices]
                        .filter((d) => !compromised.includes(d.id))
                        .sort((a, b) => a.name.localeCompare(b.name))
                        .map((d) => (
                          <option key={d.id} value={d.id}>
                            {d.name}
                          </option>
                        ))}
                    </select>
                  </div>
                )}
                <div className="controls-row">
                  <label>
                    Targets ≥{' '}
                    <select
                      value={minSeverity}
                      onChange={(e) => setMinSeverity(e.target.value as Severity)}
                      aria-label="Minimum target severity"
                    >
                      {SEVERITY_ORDER.map((sv) => (
                        <option key={sv} value={sv}>
                          {SEVERITY[sv].label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Paths per target{' '}
                    <select value={k} onChange={(e) => setK(Number(e.target.value))} aria-label="Paths per target">
                      {[1, 2, 3, 5, 10].map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                  </label>
                </div>
              </fieldset>
              {paths.isPending && <Loading label="Finding attack paths…" />}
              {paths.error && (
                <ErrorMessage
                  error={paths.error}
                  title="Attack paths unavailable"
                  onRetry={() => void paths.refetch()}
                />
              )}
              {paths.data && (
                <>
                  <p className="rec-summary" data-testid="paths-summary">
                    {paths.data.truncated && 'the top '}
                    <b>{paths.data.pathCount}</b> paths{paths.data.truncated && ' (more exist)'} reach{' '}
                    <b>{paths.data.targetsReachable}</b> targets from <b>{paths.data.entryTargetPairsConnected}</b>{' '}
                    entry–target pairs · total risk <b>{formatRisk(paths.data.totalRisk)}</b>
                    {paths.isFetching && <span className="updating"> updating…</span>}
                  </p>
                  {pathList.length === 0 ? (
                    <Empty>No attack path reaches a target at this severity.</Empty>
                  ) : (
                    <AttackPathList
                      paths={pathList}
                      index={index}
                      selectedId={selectedPathId}
                      onSelect={setSelectedPathId}
                    />
                  )}
                </>
              )}
            </>
          )}
          {tab === 'recommend' && (
            <>
              <ControlReviewNotice modelId={modelId} index={index} />
              <RecommendationPanel modelId={modelId} index={index} onView={setWhatIfView} canAccept={canAccept} />
            </>
          )}
          {tab === 'versions' && (
            <VersionsPanel modelId={modelId} canEdit={canEdit} canDeleteKept={can('deleteModel', modelId)} />
          )}
          {tab === 'baseline' && (
            <>
              {gaps.isPending && <Loading label="Checking risk-class baselines…" />}
              {gaps.error && (
                <ErrorMessage
                  error={gaps.error}
                  title="Baseline gaps unavailable"
                  onRetry={() => void gaps.refetch()}
                />
              )}
              {gaps.data && (
                <BaselineGapTable
                  gaps={gaps.data}
                  index={index}
                  catalogue={catalogue.data}
                  onSelectDevice={(id) => setPanel({ mode: 'inspect', id })}
                  assume={baselineAssume}
                  onAssumeChange={setBaselineAssume}
                  onPlace={
                    canEdit
                      ? (controlId, elementId) =>
                          setPanel({
                            mode: 'create',
                            type: 'CONTROL_PLACEMENT',
                            defaults: { controlId, elementId, status: 'PLANNED' },
                          })
                      : undefined
                  }
                />
              )}
            </>
          )}
        </div>
      </aside>

      <main className="map-area">
        <MapToolbar
          filter={filter}
          onFilter={setFilter}
          zones={index.model.zones}
          categories={categories}
          matches={matching ? matching.size : null}
          drawMode={drawMode}
          onDrawMode={setDrawMode}
          onExportPng={exportPng}
          onExportSvg={exportSvg}
          exporting={exporting}
          onAdd={(type) => setPanel({ mode: 'create', type, defaults: {} })}
          canEdit={canEdit}
        />
        {drawMode && (
          <div className="draw-hint" role="status">
            Click the device that sends, then the device that receives. Esc cancels.
          </div>
        )}
        <div className="map-stage">
          {elements.length > MAP_ELEMENT_LIMIT && !forceMap ? (
            <div className="map-too-big" role="status">
              <p>
                This model has <b>{elements.length.toLocaleString()}</b> map elements. Drawing more than{' '}
                {MAP_ELEMENT_LIMIT.toLocaleString()} can keep the browser busy for a long time; the lists on the left
                work without it.
              </p>
              <button type="button" onClick={() => setForceMap(true)}>
                Draw the map anyway
              </button>
            </div>
          ) : (
            <ThreatGraph
              elements={elements}
              positionsKey={positionsKey(modelId)}
              highlight={highlight}
              placementElementIds={placementIds}
              filter={matching}
              drawMode={drawMode}
              selectedId={selectedMapId}
              focusIds={focusIds}
              onSelect={onSelectElement}
              onDrawChannel={(from, to) => {
                setDrawMode(false);
                setPanel({
                  mode: 'create',
                  type: 'CHANNEL',
                  defaults: { fromDeviceId: from, toDeviceId: to, name: `${index.label(from)} → ${index.label(to)}` },
                });
              }}
              onReady={setGraph}
              ariaLabel={`Map of ${s.name}: ${s.counts.zones} zones, ${s.counts.devices} devices`}
            />
          )}
          <ZoomControls onZoom={(f) => graph?.zoomBy(f)} onFit={() => graph?.fit()} />
          <Legend categories={categories} />
        </div>
        {tab === 'paths' && selectedPath && (
          <div className="path-dock">
            <button
              type="button"
              className="close"
              aria-label="Close path view"
              onClick={() => setSelectedPathId(null)}
            >
              ×
            </button>
            <AttackPathView
              path={selectedPath}
              index={index}
              catalogue={catalogue.data}
              rank={rankOf.get(selectedPath.id)}
            />
          </div>
        )}
      </main>

      <aside className="right-panel" aria-label="Workshop editing" hidden={!panel}>
        {panel ? (
          <>
            <button type="button" className="close" aria-label="Close panel" onClick={() => setPanel(null)}>
              ×
            </button>
            <Inspector
              ctx={ctx}
              panel={panel}
              setPanel={showPanel}
              compromised={compromised}
              onToggleCompromised={toggleCompromised}
              canEdit={canEdit}
            />
          </>
        ) : null}
      </aside>
    </div>
  );
}
