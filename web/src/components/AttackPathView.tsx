/**
 * One attack path, left to right: entry → step → capability → step → … → target. Each node is a
 * capability on an element (attack model v2: "Pump (user access)", "BLE link (read)"), the target
 * an asset with its impact (manipulated, denied or disclosed). Each step shows its attack method
 * (TR 67 Annex B) with STRIDE, likelihood, the capability it gains, the rule and the model
 * evidence behind it, and the controls that would block it (implemented, planned or candidate).
 */
import type { Catalogue } from '../api/hooks';
import { capabilityOfNode, elementOfNode as elementOf, impactOfNode, type ModelIndex } from '../graph/model-index';
import {
  CAPABILITY,
  ELEMENT_TYPE,
  EVIDENCE_SOURCE_LABEL,
  formatCost,
  formatLikelihood,
  formatRisk,
} from '../graph/vocabulary';
import { targetLabel, type AttackPath } from './AttackPathList';
import { BlockingStatusChip, ImpactChip, PathSeverityChip, StrideChips } from './Chips';

/** What holding a node means, in words: its capability, or the strongest of its element type. */
export function capabilityLabel(index: ModelIndex, nodeId: string): string {
  const named = capabilityOfNode(nodeId);
  if (named) return CAPABILITY[named];
  switch (index.typeOf(nodeId)) {
    case 'ZONE':
      return CAPABILITY.PRESENCE;
    case 'INTERFACE':
      return CAPABILITY.USE;
    case 'CHANNEL':
      return CAPABILITY.ALTER;
    case 'DEVICE':
      return CAPABILITY.CONTROL;
    default:
      return 'held';
  }
}

function NodeCard({
  id,
  index,
  role,
  path,
}: {
  id: string;
  index: ModelIndex;
  role: 'entry' | 'target' | 'via';
  path: AttackPath;
}) {
  const type = index.typeOf(id);
  const impact = impactOfNode(id);
  return (
    <div className={`path-node ${role}`} data-testid="path-node">
      <div className="eyebrow">
        {role === 'entry' ? 'Entry · ' : role === 'target' ? 'Target · ' : ''}
        {type ? ELEMENT_TYPE[type] : 'Element'}
      </div>
      <div className="name">{index.label(id)}</div>
      {impact ? (
        <>
          <ImpactChip impact={impact} />{' '}
          {id === path.targetId && <PathSeverityChip severity={path.severity} privacySeverity={path.privacySeverity} />}
        </>
      ) : (
        <div className="capability" data-testid="node-capability">
          {capabilityLabel(index, id)}
        </div>
      )}
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
          {index.label(path.entryPointId)} → {targetLabel(index, path.targetId)}
        </h3>
        <span className="path-meta">
          <ImpactChip impact={path.impact} />{' '}
          <PathSeverityChip severity={path.severity} privacySeverity={path.privacySeverity} /> likelihood{' '}
          <b>{formatLikelihood(path.likelihood)}</b> · risk <b>{formatRisk(path.risk)}</b> · {path.hops} steps
        </span>
      </header>
      <ol className="path-strip">
        <li className="path-cell">
          <NodeCard id={first} index={index} role="entry" path={path} />
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
              <div className="step-gains" data-testid="step-gains">
                gains <b>{capabilityLabel(index, s.to)}</b> on {index.label(elementOf(s.to))}
              </div>
              <div className="step-rule" title={s.rule.description}>
                Rule <code>{s.ruleId}</code>: {s.rule.title}
              </div>
              {!compact && s.evidence.length > 0 && (
                <ul className="evidence" aria-label="Evidence">
                  {s.evidence.map((e, j) =>
                    EVIDENCE_SOURCE_LABEL[e.property] ? (
                      <li key={j} className="evidence-source" data-testid="step-evidence-source">
                        <span className="prop">{EVIDENCE_SOURCE_LABEL[e.property]}:</span>{' '}
                        <span className="val">{e.value}</span>
                      </li>
                    ) : (
                      <li key={j}>
                        <span className="prop">{e.property}</span> = <span className="val">{e.value}</span>
                      </li>
                    ),
                  )}
                </ul>
              )}
              <div className="blockers">
                {s.blockingControls.length === 0 ? (
                  <span className="no-blocker">No catalogue control prevents this step</span>
                ) : (
                  <>
                    <span className="blockers-title">Prevented by</span>
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
                {!compact && s.reducingControls.length > 0 && (
                  <>
                    <span className="blockers-title">Reduced by (not a cut)</span>
                    <ul aria-label="Reducing controls">
                      {s.reducingControls.map((b) => (
                        <li key={`${b.controlId}@${b.elementId}`}>
                          <b>{b.controlId}</b> {controlName(b.controlId)} on {index.label(b.elementId)} · ×{b.factor}{' '}
                          <BlockingStatusChip status={b.status} />
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                {!compact && s.otherControls.length > 0 && (
                  <p className="sub">
                    Detect or recover (no effect on likelihood):{' '}
                    {s.otherControls.map((b) => `${b.controlId} (${b.effect.toLowerCase()})`).join(', ')}
                  </p>
                )}
              </div>
            </article>
            <span className="arrow" aria-hidden="true">
              →
            </span>
            <NodeCard id={s.to} index={index} role={i === path.steps.length - 1 ? 'target' : 'via'} path={path} />
          </li>
        ))}
      </ol>
    </section>
  );
}
