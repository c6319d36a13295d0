/** Map toolbar: search, filters (zone, class, category), zoom, fit, draw channel, PNG/SVG export. */
import type { DeviceCategory, RiskClass } from '../api/__generated__/graphql';
import type { MapFilter } from '../graph/filter';
import type { EditableType } from './forms/ElementForms';
import type { Zone } from '../graph/model-index';
import { DEVICE_CATEGORY, RISK_CLASS, RISK_CLASS_ORDER } from '../graph/vocabulary';

/** Zoom and fit, floating over the map's top-right corner. */
export function ZoomControls({ onZoom, onFit }: { onZoom: (factor: number) => void; onFit: () => void }) {
  return (
    <div className="zoom-controls" role="group" aria-label="Zoom">
      <button type="button" onClick={() => onZoom(1.25)} aria-label="Zoom in" title="Zoom in">
        +
      </button>
      <button type="button" onClick={() => onZoom(0.8)} aria-label="Zoom out" title="Zoom out">
        −
      </button>
      <button type="button" onClick={onFit} aria-label="Fit the whole model" title="Fit the whole model">
        ⤢
      </button>
    </div>
  );
}

export function MapToolbar({
  filter,
  onFilter,
  zones,
  categories,
  matches,
  drawMode,
  onDrawMode,
  onExportPng,
  onExportSvg,
  exporting,
  onAdd,
  canEdit = true,
}: {
  filter: MapFilter;
  onFilter: (f: MapFilter) => void;
  zones: readonly Zone[];
  categories: readonly DeviceCategory[];
  matches: number | null;
  drawMode: boolean;
  onDrawMode: (on: boolean) => void;
  onExportPng: () => void;
  onExportSvg: () => void;
  exporting: boolean;
  onAdd: (type: EditableType) => void;
  /** Offer adding and drawing (false for viewers). */
  canEdit?: boolean;
}) {
  const cats = [...new Set(categories)].sort((a, b) =>
    DEVICE_CATEGORY[a].label.localeCompare(DEVICE_CATEGORY[b].label),
  );
  return (
    <div className="map-toolbar" role="toolbar" aria-label="Map tools">
      <input
        type="search"
        placeholder="Search devices"
        aria-label="Search devices"
        value={filter.search}
        onChange={(e) => onFilter({ ...filter, search: e.target.value })}
        data-testid="map-search"
      />
      <select
        aria-label="Filter by zone"
        value={filter.zoneId ?? ''}
        onChange={(e) => onFilter({ ...filter, zoneId: e.target.value || null })}
      >
        <option value="">All zones</option>
        {[...zones]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((z) => (
            <option key={z.id} value={z.id}>
              {z.name}
            </option>
          ))}
      </select>
      <select
        aria-label="Filter by HSA class"
        value={filter.riskClass ?? ''}
        onChange={(e) => onFilter({ ...filter, riskClass: (e.target.value || null) as RiskClass | null })}
      >
        <option value="">All classes</option>
        {RISK_CLASS_ORDER.map((c) => (
          <option key={c} value={c}>
            {RISK_CLASS[c].label}
          </option>
        ))}
      </select>
      <select
        aria-label="Filter by category"
        value={filter.category ?? ''}
        onChange={(e) => onFilter({ ...filter, category: (e.target.value || null) as DeviceCategory | null })}
      >
        <option value="">All categories</option>
        {cats.map((c) => (
          <option key={c} value={c}>
            {DEVICE_CATEGORY[c].label}
          </option>
        ))}
      </select>
      {matches !== null && (
        <span className="match-count" aria-live="polite">
          {matches} match{matches === 1 ? '' : 'es'}
        </span>
      )}
      {canEdit && (
        <select
          aria-label="Add an element"
          value=""
          data-testid="add-element"
          className="add-select"
          onChange={(e) => {
            if (e.target.value) onAdd(e.target.value as EditableType);
          }}
        >
          <option value="">+ Add…</option>
          <option value="DEVICE">Device</option>
          <option value="ZONE">Zone</option>
          <option value="CHANNEL">Channel</option>
          <option value="INTERFACE">Interface</option>
          <option value="ASSET">Patient-safety asset</option>
          <option value="VULNERABILITY">Vulnerability</option>
          <option value="CONTROL_PLACEMENT">Control placement</option>
        </select>
      )}
      <span className="spacer" />
      {canEdit && (
        <button
          type="button"
          aria-pressed={drawMode}
          onClick={() => onDrawMode(!drawMode)}
          title="Click a source device, then a target device"
          data-testid="draw-channel"
        >
          {drawMode ? 'Drawing channel… (Esc)' : 'Draw channel'}
        </button>
      )}
      <button type="button" onClick={onExportPng} disabled={exporting} data-testid="export-png">
        PNG
      </button>
      <button type="button" onClick={onExportSvg} disabled={exporting} data-testid="export-svg">
        SVG
      </button>
    </div>
  );
}
