/** Map legend: HSA class colours, category shapes (those in the model), badges, edges, paths. */
import { useState } from 'react';
import type { DeviceCategory } from '../api/__generated__/graphql';
import { BADGE, DEVICE_CATEGORY, OKABE_ITO, PATH_STYLE, RISK_CLASS, RISK_CLASS_ORDER } from '../graph/vocabulary';
import { LINK_LEGEND } from '../graph/styles';
import { ShapeIcon } from './ShapeIcon';

function Line({ color, dash, width = 2 }: { color: string; dash?: string; width?: number }) {
  return (
    <svg width="28" height="10" aria-hidden="true">
      <line x1="1" y1="5" x2="27" y2="5" stroke={color} strokeWidth={width} strokeDasharray={dash} />
    </svg>
  );
}

export function Legend({
  categories,
  collapsible = true,
}: {
  categories: readonly DeviceCategory[];
  collapsible?: boolean;
}) {
  const [open, setOpen] = useState(!collapsible);
  const cats = [...new Set(categories)].sort((a, b) =>
    DEVICE_CATEGORY[a].label.localeCompare(DEVICE_CATEGORY[b].label),
  );
  return (
    <section className={`legend${open ? '' : ' collapsed'}${collapsible ? '' : ' static'}`} aria-label="Map legend">
      {collapsible && (
        <button type="button" className="legend-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Legend ▾' : 'Legend ▸'}
        </button>
      )}
      {!open && (
        <div className="legend-compact" aria-hidden={false}>
          {RISK_CLASS_ORDER.map((c) => (
            <span key={c} className="legend-item">
              <span className="swatch" style={{ background: RISK_CLASS[c].color }}>
                <b style={{ color: RISK_CLASS[c].text }}>{c}</b>
              </span>
              {RISK_CLASS[c].description}
            </span>
          ))}
          <span className="legend-item">
            <span
              className="badge-sample"
              style={{ background: BADGE.vulnerability.color, color: BADGE.vulnerability.text }}
            >
              ▲ n
            </span>{' '}
            CVEs
          </span>
          <span className="legend-item">
            <span className="badge-sample" style={{ background: BADGE.control.color, color: BADGE.control.text }}>
              ◆ n
            </span>{' '}
            controls
          </span>
          <span className="legend-item">
            <Line color={PATH_STYLE.active.color} width={4} /> path
          </span>
          <span className="legend-item">
            <Line color={PATH_STYLE.cut.color} width={3} dash="6 3" /> cut
          </span>
        </div>
      )}
      {open && (
        <div className="legend-body">
          <div className="legend-group">
            <h4>HSA risk class (fill, letter)</h4>
            {RISK_CLASS_ORDER.map((c) => (
              <div key={c} className="legend-item">
                <span className="swatch" style={{ background: RISK_CLASS[c].color }}>
                  <b style={{ color: RISK_CLASS[c].text }}>{c}</b>
                </span>
                {RISK_CLASS[c].description}
              </div>
            ))}
          </div>
          <div className="legend-group">
            <h4>Device category (shape)</h4>
            {cats.map((c) => (
              <div key={c} className="legend-item">
                <ShapeIcon shape={DEVICE_CATEGORY[c].shape} />
                {DEVICE_CATEGORY[c].label}
              </div>
            ))}
          </div>
          <div className="legend-group">
            <h4>Badges and borders</h4>
            <div className="legend-item">
              <span
                className="badge-sample"
                style={{ background: BADGE.vulnerability.color, color: BADGE.vulnerability.text }}
              >
                ▲ 2
              </span>
              {BADGE.vulnerability.label}
            </div>
            <div className="legend-item">
              <span className="badge-sample" style={{ background: BADGE.control.color, color: BADGE.control.text }}>
                ◆ 3
              </span>
              {BADGE.control.label}
            </div>
            <div className="legend-item">
              <span
                className="badge-sample"
                style={{
                  background: BADGE.planned.color,
                  color: BADGE.planned.text,
                  border: `1px solid ${OKABE_ITO.blue}`,
                }}
              >
                ◆ +1
              </span>
              {BADGE.planned.label}
            </div>
            <div className="legend-item">
              <span className="swatch double" />
              Holds a patient-safety asset (thick: critical or worse)
            </div>
            <div className="legend-item">
              <span className="swatch zone-entry" />
              Entry-point zone (dashed)
            </div>
          </div>
          <div className="legend-group">
            <h4>Links</h4>
            {LINK_LEGEND.map((l) => (
              <div key={l.selector} className="legend-item" data-legend={l.selector}>
                <Line color={l.color} dash={l.dash} width={l.width} /> {l.label}
              </div>
            ))}
            <div className="legend-item">
              <Line color={PATH_STYLE.active.color} width={4} /> {PATH_STYLE.active.label}
            </div>
            <div className="legend-item">
              <Line color={PATH_STYLE.cut.color} width={3} dash="6 3" /> {PATH_STYLE.cut.label}
            </div>
            <div className="legend-item">
              <span className="swatch" style={{ background: PATH_STYLE.placement.color, opacity: 0.45 }} />{' '}
              {PATH_STYLE.placement.label}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
