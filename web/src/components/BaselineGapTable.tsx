/**
 * Risk-class baseline gaps (TR 67 Table 3, reconstructed) per device: which expected capabilities
 * are missing or only planned, with the controls that would satisfy them. Filterable by class,
 * status and device; a candidate placement opens the control form pre-filled.
 */
import { useMemo, useState } from 'react';
import type { BaselineGapsQuery, RiskClass } from '../api/__generated__/graphql';
import type { Catalogue } from '../api/hooks';
import type { ModelIndex } from '../graph/model-index';
import { RISK_CLASS, RISK_CLASS_ORDER, humanize } from '../graph/vocabulary';
import { BaselineStatusChip, RiskClassChip } from './Chips';
import { Empty } from './Feedback';

export type BaselineGap = NonNullable<NonNullable<BaselineGapsQuery['model']>['baselineGaps']>[number];

export function BaselineGapTable({
  gaps,
  index,
  catalogue,
  onPlace,
  onSelectDevice,
  printable = false,
}: {
  gaps: readonly BaselineGap[];
  index: ModelIndex;
  catalogue: Catalogue | undefined;
  onPlace?: (controlId: string, elementId: string) => void;
  onSelectDevice?: (deviceId: string) => void;
  printable?: boolean;
}) {
  const [riskClass, setRiskClass] = useState<RiskClass | ''>('');
  const [onlyGaps, setOnlyGaps] = useState(true);
  const [search, setSearch] = useState('');

  const capName = (code: string) => catalogue?.securityCapabilities.find((c) => c.code === code)?.name ?? code;
  const controlName = (id: string) => catalogue?.controls.find((c) => c.id === id)?.name ?? id;

  const byDevice = useMemo(() => {
    const q = search.trim().toLowerCase();
    const rows = gaps.filter(
      (g) =>
        (!onlyGaps || g.gap) &&
        (!riskClass || g.riskClass === riskClass) &&
        (!q || index.label(g.deviceId).toLowerCase().includes(q) || g.capabilityCode.toLowerCase().includes(q)),
    );
    const m = new Map<string, BaselineGap[]>();
    for (const g of rows) m.set(g.deviceId, [...(m.get(g.deviceId) ?? []), g]);
    return [...m.entries()].sort(
      ([a, ga], [b, gb]) =>
        RISK_CLASS_ORDER.indexOf(gb[0]!.riskClass) - RISK_CLASS_ORDER.indexOf(ga[0]!.riskClass) ||
        index.label(a).localeCompare(index.label(b)),
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
          <b>{totalGaps}</b> required capabilities missing on <b>{devicesWithGaps}</b> devices (TR 67 Table 3 as
          reconstructed; planned controls shown as planned).
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
                  {r.gaps.map((g) => `${g.capabilityCode}${g.status === 'PLANNED' ? ' (planned)' : ''}`).join(', ')}
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
      {byDevice.map(([deviceId, rows]) => (
        <section key={deviceId} className="gap-device">
          <h4>
            {onSelectDevice ? (
              <button type="button" className="link-button" onClick={() => onSelectDevice(deviceId)}>
                {index.label(deviceId)}
              </button>
            ) : (
              index.label(deviceId)
            )}{' '}
            <RiskClassChip riskClass={rows[0]!.riskClass} />
          </h4>
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
              {rows.map((g) => (
                <tr key={g.capabilityCode}>
                  <td>
                    <b>{g.capabilityCode}</b> {capName(g.capabilityCode)}
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
                        by {g.satisfiedBy.map((s) => `${s.controlId} on ${index.label(s.elementId)}`).join(', ')}
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
        </section>
      ))}
    </div>
  );
}
