/**
 * The model map. Mounts Cytoscape (through graph/create-graph.ts) in an effect and disposes it on
 * unmount; every prop change is pushed into the graph handle. Node positions are remembered per
 * model in localStorage, so the map looks the same on every visit and after every edit.
 */
import { useEffect, useRef } from 'react';
import { createGraph, type GraphHandle, type Positions } from '../graph/create-graph';
import { browserCytoscape } from '../graph/cytoscape-factory';
import type { PathHighlight } from '../graph/path-highlight';
import type { MapElement } from '../graph/to-elements';

export interface ThreatGraphProps {
  elements: readonly MapElement[];
  /** localStorage key for node positions (null: not remembered). */
  positionsKey: string | null;
  highlight: PathHighlight | null;
  placementElementIds?: readonly string[];
  filter: ReadonlySet<string> | null;
  drawMode?: boolean;
  selectedId?: string | null;
  focusIds?: readonly string[] | null;
  onSelect?: (id: string | null) => void;
  onDrawChannel?: (from: string, to: string) => void;
  onReady?: (handle: GraphHandle | null) => void;
  ariaLabel?: string;
}

export function loadPositions(key: string | null): Positions | undefined {
  if (!key) return undefined;
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Positions) : undefined;
  } catch {
    return undefined;
  }
}

function savePositions(key: string | null, positions: Positions) {
  if (!key) return;
  try {
    localStorage.setItem(key, JSON.stringify(positions));
  } catch {
    /* storage full or disabled: positions are a convenience */
  }
}

export function ThreatGraph(props: ThreatGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const handle = useRef<GraphHandle | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const h = createGraph(browserCytoscape(), container.current, {
      onSelect: (id) => latest.current.onSelect?.(id),
      onDrawChannel: (a, b) => latest.current.onDrawChannel?.(a, b),
      onPositionsChanged: (p) => savePositions(latest.current.positionsKey, p),
    });
    handle.current = h;
    // For browser tests and debugging: the Cytoscape core on the container element.
    if (container.current) (container.current as HTMLDivElement & { cy?: unknown }).cy = h.cy;
    latest.current.onReady?.(h);
    const observer = new ResizeObserver(() => h.resize());
    if (container.current) observer.observe(container.current);
    return () => {
      observer.disconnect();
      latest.current.onReady?.(null);
      handle.current = null;
      h.destroy();
    };
  }, []);

  useEffect(() => {
    const h = handle.current;
    if (!h || !container.current) return;
    const r = h.setElements(props.elements, { positions: loadPositions(props.positionsKey) });
    container.current.dataset.elements = String(h.cy.elements().length);
    container.current.dataset.layout = r.mode;
    if (r.mode !== 'none') container.current.dataset.layoutMs = r.layoutMs.toFixed(0);
    h.setHighlight(latest.current.highlight, latest.current.placementElementIds);
    h.setFilter(latest.current.filter);
  }, [props.elements, props.positionsKey]);

  useEffect(() => {
    const h = handle.current;
    if (!h || !container.current) return;
    h.setHighlight(props.highlight, props.placementElementIds);
    container.current.dataset.pathElements = String(h.cy.elements('.on-path').length);
    container.current.dataset.cutElements = String(h.cy.elements('.on-path-cut').length);
  }, [props.highlight, props.placementElementIds]);

  useEffect(() => {
    handle.current?.setFilter(props.filter);
  }, [props.filter]);

  useEffect(() => {
    handle.current?.setDrawMode(Boolean(props.drawMode));
  }, [props.drawMode]);

  useEffect(() => {
    handle.current?.select(props.selectedId ?? null);
  }, [props.selectedId]);

  useEffect(() => {
    if (props.focusIds) handle.current?.focus(props.focusIds);
  }, [props.focusIds]);

  return (
    <div
      ref={container}
      className={`threat-graph${props.drawMode ? ' drawing' : ''}`}
      role="img"
      aria-label={props.ariaLabel ?? 'Model map'}
      data-testid="threat-graph"
    />
  );
}
