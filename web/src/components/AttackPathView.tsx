/**
 * One attack path, left to right: entry → step → element → step → … → target. Each step shows its
 * attack method (TR 67 Annex B) with STRIDE, likelihood, the rule and the model evidence behind
 * it, and the controls that would block it (implemented, planned or candidate).
 */
import type { Catalogue } from '../api/hooks';
import type { ModelIndex } from '../graph/model-index';
import { ELEMENT_TYPE, formatCost, formatLikelihood, formatRisk } from '../graph/vocabulary';
import type { AttackPath } from './AttackPathList';
import { BlockingStatusChip, SeverityChip, StrideChips } from './Chips';

function NodeCard({ id, index, role }: { id: string; index: ModelIndex; role: 'entry' | 'target' | 'via' }) {
  const type = index.typeOf(id);
  const entry = index.get(id);
  return (
    <div className={`path-node ${role}`} data-testid="path-node">
      <div className="eyebrow">
        {role === 'entry' ? 'Entry · ' : role === 'target' ? 'Target · ' : ''}
        {type ? ELEMENT_TYPE[type] : 'Element'}
      </div>
      <div className="name">{index.label(id)}</div>
      {entry?.type === 'ASSET' && <SeverityChip severity={entry.element.severity} />}
    </div>
  );
}

export function AttackPathView({
  path,
  index,
  catalogue,
  rank,
  compact = false,
}: {
  path: AttackPath;
  index: ModelIndex;
  catalogue: Catalogue | undefined;
  rank?: number;
  compact?: boolean;
}) {
  const controlName = (id: string) => catalogue?.controls.find((c) => c.id === id)?.name ?? id;
  const first = path.steps[0]?.from ?? path.entryPointId;
  return (
    <section
      className={`path-view${compact ? ' compact' : ''}`}
      aria-label="Attack path steps"
      data-testid="attack-path-view"
    >
      <header>
        <h3>
          {rank ? `Path ${rank}: ` : ''}
          {index.label(path.entryPointId)} → {index.label(path.targetId)}
        </h3>
        <span className="path-meta">
          <SeverityChip severity={path.severity} /> likelihood <b>{formatLikelihood(path.likelihood)}</b> · risk{' '}
          <b>{formatRisk(path.risk)}</b> · {path.hops} steps
        </span>
      </header>
      <ol className="path-strip">
        <li className="path-cell">
          <NodeCard id={first} index={index} role="entry" />
        </li>
        {path.steps.map((s, i) => (
          <li key={s.id} className="path-cell step-and-node">
            <article className="path-step" data-testid="path-step" aria-label={`Step ${i + 1}: ${s.attackMethod.name}`}>
              <div className="step-head">
                <span className="step-no">{i + 1}</span>
                <span className="method">{s.attackMethod.name}</span>
                <StrideChips stride={s.attackMethod.stride} />
              </div>
              <div className="step-likelihood">
                likelihood <b>{formatLikelihood(s.likelihood)}</b>
              </div>
              <div className="step-rule" title={s.rule.description}>
                Rule <code>{s.ruleId}</code>: {s.rule.title}
              </div>
              {!compact && s.evidence.length > 0 && (
                <ul className="evidence" aria-label="Evidence">
                  {s.evidence.map((e, j) => (
                    <li key={j}>
                      <span className="prop">{e.property}</span> = <span className="val">{e.value}</span>
                    </li>
                  ))}
                </ul>
              )}
              <div className="blockers">
                {s.blockingControls.length === 0 ? (
                  <span className="no-blocker">No catalogue control blocks this step</span>
                ) : (
                  <>
                    <span className="blockers-title">Blocked by</span>
                    <ul>
                      {(compact ? s.blockingControls.slice(0, 3) : s.blockingControls).map((b) => (
                        <li key={`${b.controlId}@${b.elementId}`}>
                          <b>{b.controlId}</b> {controlName(b.controlId)} on {index.label(b.elementId)} · cost{' '}
                          {formatCost(b.cost)} <BlockingStatusChip status={b.status} />
                        </li>
                      ))}
                      {compact && s.blockingControls.length > 3 && <li>… {s.blockingControls.length - 3} more</li>}
                    </ul>
                  </>
                )}
              </div>
            </article>
            <span className="arrow" aria-hidden="true">
              →
            </span>
            <NodeCard id={s.to} index={index} role={i === path.steps.length - 1 ? 'target' : 'via'} />
          </li>
        ))}
      </ol>
    </section>
  );
}
