/**
 * Ranked attack paths, overall or grouped per target (asset and impact: manipulated, denied or
 * disclosed); sortable by risk, likelihood, severity or length. Rows are keyboard-selectable (Tab to the list, arrows to move, Enter).
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AttackPathFieldsFragment } from '../api/__generated__/graphql';
import type { ModelIndex } from '../graph/model-index';
import { impactOfNode, type ModelIndex as Index } from '../graph/model-index';
import { IMPACT, formatLikelihood, formatRisk } from '../graph/vocabulary';
import { ImpactChip, PathSeverityChip } from './Chips';

export type AttackPath = AttackPathFieldsFragment;
type SortKey = 'risk' | 'likelihood' | 'severity';

const SORTS: Record<SortKey, { label: string; cmp: (a: AttackPath, b: AttackPath) => number }> = {
  risk: { label: 'Risk', cmp: (a, b) => b.risk - a.risk },
  likelihood: { label: 'Lik.', cmp: (a, b) => b.likelihood - a.likelihood },
  severity: { label: 'Severity', cmp: (a, b) => b.severityRank - a.severityRank || b.risk - a.risk },
};

/**
 * A target in words: "Insulin delivery manipulated — Insulin pump" for a target node
 * (asset#IMPACT), "Insulin delivery — Insulin pump" for a bare asset id.
 */
export function targetLabel(index: Index, id: string): string {
  const e = index.get(id);
  const impact = impactOfNode(id);
  if (e?.type === 'ASSET')
    return `${e.element.name}${impact ? ` ${IMPACT[impact].label}` : ''} — ${index.label(e.element.deviceId)}`;
  return index.label(id);
}

function TargetCell({ index, targetId }: { index: ModelIndex; targetId: string }) {
  const e = index.get(targetId);
  const impact = impactOfNode(targetId);
  if (e?.type === 'ASSET')
    return (
      <>
        <div className="target">
          {e.element.name} {impact && <ImpactChip impact={impact} />}
        </div>
        <div className="sub">on {index.label(e.element.deviceId)}</div>
      </>
    );
  return <div className="target">{index.label(targetId)}</div>;
}

export function AttackPathList({
  paths,
  index,
  selectedId,
  onSelect,
}: {
  paths: readonly AttackPath[];
  index: ModelIndex;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}) {
  const [sort, setSort] = useState<SortKey>('risk');
  const [grouping, setGrouping] = useState<'overall' | 'target'>('overall');
  const body = useRef<HTMLTableSectionElement>(null);

  const sorted = useMemo(
    () => [...paths].sort((a, b) => SORTS[sort].cmp(a, b) || (a.id < b.id ? -1 : 1)),
    [paths, sort],
  );
  const rank = useMemo(
    () => new Map([...paths].sort((a, b) => b.risk - a.risk || (a.id < b.id ? -1 : 1)).map((p, i) => [p.id, i + 1])),
    [paths],
  );
  const groups = useMemo(() => {
    if (grouping === 'overall') return [{ key: 'all', title: null as string | null, paths: sorted }];
    const m = new Map<string, AttackPath[]>();
    for (const p of sorted) m.set(p.targetId, [...(m.get(p.targetId) ?? []), p]);
    return [...m.entries()]
      .sort(([, a], [, b]) => SORTS[sort].cmp(a[0]!, b[0]!))
      .map(([key, ps]) => ({ key, title: targetLabel(index, key), paths: ps }));
  }, [sorted, grouping, index, sort]);

  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(selectedId === id ? null : id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const rows = [...(body.current?.parentElement?.querySelectorAll<HTMLTableRowElement>('tr[data-path-id]') ?? [])];
      const i = rows.findIndex((r) => r.dataset.pathId === id);
      const next = rows[e.key === 'ArrowDown' ? i + 1 : i - 1];
      next?.focus();
    }
  };

  return (
    <div className="path-list">
      <div className="list-controls">
        <div role="group" aria-label="Group paths" className="segmented">
          <button type="button" aria-pressed={grouping === 'overall'} onClick={() => setGrouping('overall')}>
            Overall
          </button>
          <button type="button" aria-pressed={grouping === 'target'} onClick={() => setGrouping('target')}>
            Per target
          </button>
        </div>
      </div>
      <table className="data-table paths" data-testid="attack-path-list">
        <thead>
          <tr>
            <th scope="col" className="c-rank">
              #
            </th>
            <th scope="col" className="c-target">
              Target · entry
            </th>
            {(Object.keys(SORTS) as SortKey[]).map((k) => (
              <th key={k} scope="col" className={`c-${k}`} aria-sort={sort === k ? 'descending' : 'none'}>
                <button type="button" className="sort-button" onClick={() => setSort(k)}>
                  {SORTS[k].label}
                  {sort === k ? ' ▼' : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((g) => (
          <tbody key={g.key} ref={g.key === groups[0]?.key ? body : undefined}>
            {g.title && (
              <tr className="group-row">
                <th colSpan={5} scope="rowgroup">
                  {g.title} <span className="count">{g.paths.length}</span>
                </th>
              </tr>
            )}
            {g.paths.map((p) => (
              <tr
                key={p.id}
                data-path-id={p.id}
                tabIndex={0}
                aria-selected={selectedId === p.id}
                className={selectedId === p.id ? 'selected' : ''}
                onClick={() => onSelect(selectedId === p.id ? null : p.id)}
                onKeyDown={(e) => onKey(e, p.id)}
              >
                <td className="num">{rank.get(p.id)}</td>
                <td>
                  <TargetCell index={index} targetId={p.targetId} />
                  <div className="sub">
                    {p.hops} steps from {index.label(p.entryPointId)}
                  </div>
                </td>
                <td className="num">{formatRisk(p.risk)}</td>
                <td className="num">{formatLikelihood(p.likelihood)}</td>
                <td>
                  <PathSeverityChip severity={p.severity} privacySeverity={p.privacySeverity} />
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
