/**
 * Baseline requirements per device (TR 67 Table 3 by HSA risk class, and Table 2 telehealth
 * controls for home and remote-monitoring use, both reconstructed): which expected capabilities
 * are missing or only planned, with the controls that would satisfy them. Filterable by class,
 * status and device; a candidate placement opens the control form pre-filled. Requirements none of
 * whose controls can exist on the device (NOT_APPLICABLE, e.g. automatic logoff on an implant) are
 * listed apart, collapsed, with the reason; they never count as gaps. "Count planned as in force"
 * asks the server with assume IMPLEMENTED_AND_PLANNED (the baseline after the agreed plan).
 */
import { useMemo, useState } from 'react';
import type { BaselineGapsQuery, PlacementAssumption, RiskClass } from '../api/__generated__/graphql';
import type { Catalogue } from '../api/hooks';
import type { ModelIndex } from '../graph/model-index';
import { RISK_CLASS, RISK_CLASS_ORDER, humanize } from '../graph/vocabulary';
import { BaselineStatusChip, RiskClassChip } from './Chips';
import { Empty } from './Feedback';

export type BaselineGap = NonNullable<NonNullable<BaselineGapsQuery['model']>['baselineGaps']>[number];

/** capabilityCode of TR 67 Table 2 telehealth rows (server: engine/baseline TELEHEALTH_CAPABILITY_CODE). */
const TELEHEALTH = 'TELEHEALTH';

/** A stable key of a row: several rows of one device share a capability (link and telehealth rows, one per channel). */
export function baselineRowKey(g: BaselineGap): string {
  return [g.capabilityCode, g.level, g.scopeElementId ?? '', g.telehealthControlId ?? '', g.controlIds.join(',')].join(
    '|',
  );
}

/** The capability of a row in short: the code, the Table 2 entry of a telehealth row. */
function rowCode(g: BaselineGap): string {
  return g.capabilityCode === TELEHEALTH && g.telehealthControlId ? g.telehealthControlId : g.capabilityCode;
}

export function BaselineGapTable({
  gaps,
  index,
  catalogue,
  onPlace,
  onSelectDevice,
  printable = false,
  assume,
  onAssumeChange,
}: {
  gaps: readonly BaselineGap[];
  index: ModelIndex;
  catalogue: Catalogue | undefined;
  onPlace?: (controlId: string, elementId: string) => void;
  onSelectDevice?: (deviceId: string) => void;
  printable?: boolean;
  /** The assumption `gaps` were computed with; with `onAssumeChange` a checkbox switches it. */
  assume?: PlacementAssumption;
  onAssumeChange?: (assume: PlacementAssumption) => void;
}) {
  const [riskClass, setRiskClass] = useState<RiskClass | ''>('');
  const [onlyGaps, setOnlyGaps] = useState(true);
  const [search, setSearch] = useState('');

  const capName = (code: string) =>
    code === TELEHEALTH
      ? 'Telehealth control (TR 67 Table 2)'
      : (catalogue?.securityCapabilities.find((c) => c.code === code)?.name ?? code);
  const controlName = (id: string) => catalogue?.controls.find((c) => c.id === id)?.name ?? id;

  /** Per device: the applicable rows shown (gaps only, if asked) and its NOT_APPLICABLE rows, apart. */
  const byDevice = useMemo(() => {
    const q = search.trim().toLowerCase();
    const rows = gaps.filter(
      (g) =>
        (!riskClass || g.riskClass === riskClass) &&
        (!q ||
          index.label(g.deviceId).toLowerCase().includes(q) ||
          g.capabilityCode.toLowerCase().includes(q) ||
          (g.telehealthControlId ?? '').toLowerCase().includes(q)),
    );
    const m = new Map<string, { shown: BaselineGap[]; notApplicable: BaselineGap[] }>();
    for (const g of rows) {
      const entry = m.get(g.deviceId) ?? { shown: [], notApplicable: [] };
      if (g.status === 'NOT_APPLICABLE') entry.notApplicable.push(g);
      else if (!onlyGaps || g.gap) entry.shown.push(g);
      m.set(g.deviceId, entry);
    }
    return [...m.entries()]
      .filter(([, e]) => e.shown.length > 0 || (!onlyGaps && e.notApplicable.length > 0))
      .map(([deviceId, e]) => ({ deviceId, riskClass: (e.shown[0] ?? e.notApplicable[0])!.riskClass, ...e }))
      .sort(
        (a, b) =>
          RISK_CLASS_ORDER.indexOf(b.riskClass) - RISK_CLASS_ORDER.indexOf(a.riskClass) ||
          index.label(a.deviceId).localeCompare(index.label(b.deviceId)),
      );
  }, [gaps, onlyGaps, riskClass, search, index]);

  /** An element of the device named without the device ("the device", or the interface's own name). */
  const shortLabel = (elementId: string, deviceId: string) => {
    if (elementId === deviceId) return 'the device';
    const e = index.get(elementId);
    return e && 'name' in e.element ? e.element.name : index.label(elementId);
  };
  const totalGaps = gaps.filter((g) => g.gap).length;
  const devicesWithGaps = new Set(gaps.filter((g) => g.gap).map((g) => g.deviceId)).size;
  const notApplicable = gaps.filter((g) => g.status === 'NOT_APPLICABLE');
  /** What a link or telehealth row is about: "on <channel>". */
  const scope = (g: BaselineGap) => (g.scopeElementId ? ` on ${index.label(g.scopeElementId)}` : '');

  if (printable) {
    const rows = [...new Set(gaps.filter((g) => g.gap).map((g) => g.deviceId))]
      .map((d) => ({ deviceId: d, gaps: gaps.filter((g) => g.gap && g.deviceId === d) }))
      .sort(
        (a, b) =>
          RISK_CLASS_ORDER.indexOf(b.gaps[0]!.riskClass) - RISK_CLASS_ORDER.indexOf(a.gaps[0]!.riskClass) ||
          index.label(a.deviceId).localeCompare(index.label(b.deviceId)),
      );
    return (
      <div className="baseline" data-testid="baseline-gaps">
        <p className="rec-summary">
          <b>{totalGaps}</b> required capabilities missing on <b>{devicesWithGaps}</b> devices (TR 67 Table 3, and Table
          2 for telehealth use, as reconstructed; planned controls shown as planned).
        </p>
        <table className="data-table gaps-summary">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Class</th>
              <th scope="col">Capabilities missing or only planned</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.deviceId}>
                <td>{index.label(r.deviceId)}</td>
                <td>
                  <RiskClassChip riskClass={r.gaps[0]!.riskClass} />
                </td>
                <td>
                  {[...new Set(r.gaps.map((g) => `${rowCode(g)}${g.status === 'PLANNED' ? ' (planned)' : ''}`))].join(
                    ', ',
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="sub">
          {[...new Set(gaps.filter((g) => g.gap).map((g) => g.capabilityCode))]
            .sort()
            .map(
              (c) =>
                `${c}: ${capName(c)} (${[...new Set(gaps.filter((g) => g.capabilityCode === c).flatMap((g) => g.controlIds))].join('/')})`,
            )
            .join(' · ')}
        </p>
        {notApplicable.length > 0 && (
          <>
            <p className="rec-summary">
              <b>{notApplicable.length}</b> requirements are not applicable: none of their controls can exist on the
              device (not counted as gaps).
            </p>
            <table className="data-table gaps-summary not-applicable" data-testid="baseline-not-applicable">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Capability</th>
                  <th scope="col">Why not applicable</th>
                </tr>
              </thead>
              <tbody>
                {notApplicable.map((g) => (
                  <tr key={`${g.deviceId}|${baselineRowKey(g)}`}>
                    <td>{index.label(g.deviceId)}</td>
                    <td>
                      {rowCode(g)}
                      {scope(g)}
                    </td>
                    <td>{g.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    );
  }

  return (
    <div className="baseline" data-testid="baseline-gaps">
      <p className="rec-summary">
        <b>{totalGaps}</b> required capabilities missing on <b>{devicesWithGaps}</b> devices.
      </p>
      {!printable && (
        <div className="list-controls">
          <label>
            Class{' '}
            <select value={riskClass} onChange={(e) => setRiskClass(e.target.value as RiskClass | '')}>
              <option value="">All</option>
              {RISK_CLASS_ORDER.map((c) => (
                <option key={c} value={c}>
                  {RISK_CLASS[c].label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={onlyGaps} onChange={(e) => setOnlyGaps(e.target.checked)} /> Gaps only
          </label>
          {onAssumeChange && (
            <label title="Counts planned control placements as implemented (the baseline after the agreed plan)">
              <input
                type="checkbox"
                checked={assume === 'IMPLEMENTED_AND_PLANNED'}
                onChange={(e) => onAssumeChange(e.target.checked ? 'IMPLEMENTED_AND_PLANNED' : 'IMPLEMENTED')}
              />{' '}
              Count planned as in force
            </label>
          )}
          <input
            type="search"
            placeholder="Device or capability"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Filter baseline by device or capability"
          />
        </div>
      )}
      {byDevice.length === 0 && <Empty>No baseline requirements match.</Empty>}
      {byDevice.map(({ deviceId, riskClass: deviceClass, shown, notApplicable: na }) => (
        <section key={deviceId} className="gap-device">
          <h4>
            {onSelectDevice ? (
              <button type="button" className="link-button" onClick={() => onSelectDevice(deviceId)}>
                {index.label(deviceId)}
              </button>
            ) : (
              index.label(deviceId)
            )}{' '}
            <RiskClassChip riskClass={deviceClass} />
          </h4>
          {shown.length > 0 && (
            <table className="data-table gaps">
              <thead>
                <tr>
                  <th scope="col" className="c-cap">
                    Capability
                  </th>
                  <th scope="col" className="c-status">
                    Status
                  </th>
                  <th scope="col">Satisfied by any one of</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((g) => (
                  <tr key={baselineRowKey(g)}>
                    <td>
                      <b>{rowCode(g)}</b> {capName(g.capabilityCode)}
                      {g.scopeElementId && <div className="sub">on {shortLabel(g.scopeElementId, deviceId)}</div>}
                      <div className="sub">
                        {humanize(g.level)}
                        {g.conditionsMet.length > 0 &&
                          `: ${g.conditionsMet.map((c) => humanize(c).toLowerCase()).join(', ')}`}
                      </div>
                    </td>
                    <td>
                      <BaselineStatusChip status={g.status} />
                    </td>
                    <td>
                      {g.status === 'MET' ? (
                        <span className="sub">
                          by{' '}
                          {g.satisfiedBy
                            .map(
                              (s) =>
                                `${s.controlId} on ${index.label(s.elementId)}${s.status === 'PLANNED' ? ' (planned)' : ''}`,
                            )
                            .join(', ')}
                        </span>
                      ) : (
                        <>
                          <div>
                            {g.controlIds.map((c) => (
                              <div key={c}>
                                <b>{c}</b> {controlName(c)}
                              </div>
                            ))}
                          </div>
                          {g.candidatePlacements.length === 0 && g.status === 'MISSING' && (
                            <div className="sub">{g.reason}</div>
                          )}
                          {onPlace && g.candidatePlacements.length > 0 && (
                            <div className="candidates">
                              {g.candidatePlacements.slice(0, 3).map((c) => (
                                <button
                                  key={`${c.controlId}@${c.elementId}`}
                                  type="button"
                                  className="small"
                                  title={`Place ${c.controlId} ${controlName(c.controlId)} on ${index.label(c.elementId)}`}
                                  onClick={() => onPlace(c.controlId, c.elementId)}
                                >
                                  + {c.controlId} on {shortLabel(c.elementId, deviceId)}
                                </button>
                              ))}
                              {g.candidatePlacements.length > 3 && (
                                <span className="sub">+{g.candidatePlacements.length - 3} more places</span>
                              )}
                            </div>
                          )}
                        </>
                      )}
                      {g.note && <div className="sub">{g.note}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {na.length > 0 && (
            <details className="not-applicable" data-testid="baseline-not-applicable">
              <summary>Not applicable ({na.length})</summary>
              <table className="data-table gaps">
                <thead>
                  <tr>
                    <th scope="col" className="c-cap">
                      Capability
                    </th>
                    <th scope="col">Why none of its controls can exist here</th>
                  </tr>
                </thead>
                <tbody>
                  {na.map((g) => (
                    <tr key={baselineRowKey(g)}>
                      <td>
                        <b>{rowCode(g)}</b> {capName(g.capabilityCode)}
                        {g.scopeElementId && <div className="sub">on {shortLabel(g.scopeElementId, deviceId)}</div>}
                        <div className="sub">{humanize(g.level)}</div>
                      </td>
                      <td>{g.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </section>
      ))}
    </div>
  );
}
