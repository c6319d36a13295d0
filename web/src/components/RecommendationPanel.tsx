/**
 * Recommended controls: the exact minimum-cost set (or the best set within a budget), what each
 * placement cuts, and a live what-if: toggling placements re-runs `whatIf` and updates the totals
 * and the map (paths cut drawn blue and dashed, paths remaining black). "Accept" writes the chosen
 * placements to the model as PLANNED controls.
 */
import { useEffect, useMemo, useState } from 'react';
import type { PlacementInput, Severity, WhatIfQuery } from '../api/__generated__/graphql';
import { useAcceptRecommendation, useCostRiskCurve, useRecommendation, useWhatIf } from '../api/hooks';
import { CostRiskCurveView } from './CostRiskCurve';
import type { ModelIndex } from '../graph/model-index';
import { ELEMENT_TYPE, SEVERITY, SEVERITY_ORDER, formatCost, formatRisk } from '../graph/vocabulary';
import type { AttackPath } from './AttackPathList';
import { targetLabel } from './AttackPathList';
import { ErrorMessage, Loading } from './Feedback';

export type WhatIf = NonNullable<NonNullable<WhatIfQuery['model']>['whatIf']>;

export interface WhatIfView {
  active: AttackPath[];
  cut: AttackPath[];
  placementElementIds: string[];
}

const keyOf = (p: { controlId: string; elementId: string }) => `${p.controlId}@${p.elementId}`;

export function RecommendationPanel({
  modelId,
  index,
  onView,
  canAccept = true,
}: {
  modelId: string;
  index: ModelIndex;
  onView: (view: WhatIfView | null) => void;
  /** Offer "Accept as planned" (editors); what-if stays available to every role. */
  canAccept?: boolean;
}) {
  const [minSeverity, setMinSeverity] = useState<Severity>('CRITICAL');
  const [budgetOn, setBudgetOn] = useState(false);
  const [budget, setBudget] = useState<number>(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [accepted, setAccepted] = useState<string | null>(null);

  const full = useRecommendation(modelId, { minSeverity, budget: null });
  const budgeted = useRecommendation(modelId, { minSeverity, budget }, budgetOn);
  const rec = budgetOn ? budgeted : full;
  const [showCurve, setShowCurve] = useState(false);
  const curve = useCostRiskCurve(modelId, minSeverity, showCurve);
  const recommendation = rec.data ?? null;
  const maxBudget = Math.max(1, Math.ceil(full.data?.totalCost ?? 10));

  useEffect(() => {
    if (budgetOn && budget === 0) setBudget(Math.round(maxBudget / 2));
  }, [budgetOn, budget, maxBudget]);

  const placements = recommendation?.placements ?? [];
  // Keep only selections that are still recommended.
  useEffect(() => {
    const valid = new Set(placements.map(keyOf));
    setSelected((s) => {
      const next = new Set([...s].filter((k) => valid.has(k)));
      return next.size === s.size ? s : next;
    });
  }, [placements]);

  const chosen: PlacementInput[] = useMemo(
    () =>
      placements
        .filter((p) => selected.has(keyOf(p)))
        .map((p) => ({ controlId: p.controlId, elementId: p.elementId, cost: p.cost })),
    [placements, selected],
  );
  const whatIf = useWhatIf(modelId, chosen, minSeverity);
  const accept = useAcceptRecommendation(modelId);

  useEffect(() => {
    const w = whatIf.data;
    if (!w) {
      onView(null);
      return;
    }
    const cutIds = new Set(w.pathsCut);
    onView({
      active: w.after.paths,
      cut: chosen.length ? w.before.paths.filter((p) => cutIds.has(p.id)) : [],
      placementElementIds: chosen.map((c) => c.elementId),
    });
  }, [whatIf.data, chosen, onView]);
  useEffect(() => () => onView(null), [onView]);

  const toggle = (k: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  const chosenCost = chosen.reduce((a, c) => a + (c.cost ?? 0), 0);
  const w = whatIf.data;
  const sevLabel = SEVERITY[minSeverity].label.toLowerCase();

  return (
    <div className="recommendations" data-testid="recommendations">
      <div className="controls-row">
        <label>
          Protect targets at or above{' '}
          <select
            value={minSeverity}
            onChange={(e) => setMinSeverity(e.target.value as Severity)}
            aria-label="Minimum target severity"
          >
            {SEVERITY_ORDER.map((s) => (
              <option key={s} value={s}>
                {SEVERITY[s].label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="controls-row budget">
        <label>
          <input type="checkbox" checked={budgetOn} onChange={(e) => setBudgetOn(e.target.checked)} /> Limit the budget
        </label>
        {budgetOn && (
          <>
            <input
              type="range"
              min={0}
              max={maxBudget}
              step={0.5}
              value={budget}
              onChange={(e) => setBudget(Number(e.target.value))}
              aria-label="Budget in cost units"
              data-testid="budget-slider"
            />
            <output>{formatCost(budget)} units</output>
          </>
        )}
        <label>
          <input type="checkbox" checked={showCurve} onChange={(e) => setShowCurve(e.target.checked)} /> Show the
          cost–risk curve
        </label>
      </div>
      {showCurve && (
        <CostRiskCurveView
          curve={curve.data}
          loading={curve.isPending}
          error={curve.error}
          onChoose={(b) => {
            setBudgetOn(true);
            setBudget(b);
          }}
        />
      )}

      {rec.isPending && <Loading label="Computing the optimal control set…" />}
      {rec.error && <ErrorMessage error={rec.error} title="Recommendation failed" onRetry={() => void rec.refetch()} />}

      {recommendation && (
        <>
          <div className="kpis" aria-live="polite">
            <div className="kpi" data-testid="kpi-paths">
              <span className="kpi-label">Paths to {sevLabel}+ targets</span>
              <span className="kpi-value">
                <span data-testid="paths-before">{w ? w.before.pathCount : '…'}</span>
                {w?.before.truncated && <span title="the highest-risk paths only; more exist">+</span>} →{' '}
                <b data-testid="paths-after" className={w && w.after.pathCount === 0 ? 'good' : ''}>
                  {w ? w.after.pathCount : '…'}
                  {w?.after.truncated && <span title="the highest-risk paths only; more exist">+</span>}
                </b>
              </span>
            </div>
            <div className="kpi">
              <span className="kpi-label">Targets reachable</span>
              <span className="kpi-value">
                {w ? w.before.targetsReachable : '…'} → <b>{w ? w.after.targetsReachable : '…'}</b>
              </span>
            </div>
            <div className="kpi">
              <span className="kpi-label">Total risk</span>
              <span className="kpi-value">
                {w ? formatRisk(w.before.totalRisk) : '…'} → <b>{w ? formatRisk(w.after.totalRisk) : '…'}</b>
              </span>
            </div>
            <div className="kpi">
              <span className="kpi-label">Selected cost</span>
              <span className="kpi-value">
                <b>{formatCost(chosenCost)}</b> / {formatCost(recommendation.totalCost)}
              </span>
            </div>
            {whatIf.isFetching && <span className="updating">updating…</span>}
          </div>
          {whatIf.error && <ErrorMessage error={whatIf.error} title="What-if failed" />}

          <p className="rec-summary">
            {recommendation.status === 'NOTHING_TO_CUT' ? (
              <>No {sevLabel}-or-worse target is reachable: nothing to cut.</>
            ) : (
              <>
                <b>{placements.length}</b> placements, cost <b>{formatCost(recommendation.totalCost)}</b>
                {recommendation.budget != null && <> (budget {formatCost(recommendation.budget)})</>} —{' '}
                {recommendation.optimal
                  ? 'proven optimal'
                  : `best found in the time limit (gap ${(recommendation.mipGap * 100).toFixed(1)} %)`}
                , risk {formatRisk(recommendation.riskBefore)} → {formatRisk(recommendation.riskAfter)}, solved in{' '}
                {Math.round(recommendation.solveTimeMs)} ms.
              </>
            )}
          </p>
          {recommendation.uncuttableTargets.length > 0 && (
            <div className="warning-box" role="note" data-testid="uncuttable">
              No catalogue control can prevent the paths to:
              <ul>
                {recommendation.uncuttableTargets.map((u) => (
                  <li key={u.targetId}>
                    <b>{targetLabel(index, u.targetId)}</b>
                    <div className="sub">{u.reason}</div>
                  </li>
                ))}
              </ul>
            </div>
          )}

          {placements.length > 0 && (
            <div className="rec-actions">
              <button type="button" onClick={() => setSelected(new Set(placements.map(keyOf)))} data-testid="apply-all">
                Apply all (what-if)
              </button>
              <button type="button" onClick={() => setSelected(new Set())} disabled={selected.size === 0}>
                Clear
              </button>
              {canAccept && (
                <button
                  type="button"
                  className="primary"
                  disabled={chosen.length === 0 || accept.isPending}
                  data-testid="accept-recommendation"
                  onClick={async () => {
                    setAccepted(null);
                    const r = await accept.mutateAsync(chosen);
                    setAccepted(`${r.acceptRecommendation.length} placements recorded as planned controls.`);
                  }}
                >
                  {accept.isPending ? 'Accepting…' : `Accept ${chosen.length || ''} as planned`}
                </button>
              )}
            </div>
          )}
          {accept.error && <ErrorMessage error={accept.error} title="Not accepted" />}
          {accepted && (
            <p className="success" role="status">
              {accepted}
            </p>
          )}

          <ul className="placement-list" aria-label="Recommended placements">
            {placements.map((p) => {
              const k = keyOf(p);
              return (
                <li key={k} className={selected.has(k) ? 'on' : ''}>
                  <label>
                    <input
                      type="checkbox"
                      checked={selected.has(k)}
                      onChange={() => toggle(k)}
                      data-testid="placement-toggle"
                    />
                    <span className="placement-main">
                      <b>{p.controlId}</b> {p.control.name}
                      <span className="sub">
                        on {ELEMENT_TYPE[p.elementType].toLowerCase()} {index.label(p.elementId)}
                      </span>
                    </span>
                    <span className="cost">{formatCost(p.cost)}</span>
                  </label>
                  <div className="cuts">
                    <span className={`effect effect-${p.effect.toLowerCase()}`}>
                      {p.effect === 'PREVENTS'
                        ? 'Prevents'
                        : p.effect === 'REDUCES'
                          ? 'Reduces'
                          : 'Prevents and reduces'}
                    </span>{' '}
                    {p.reducesStepIds.length > 0 && (
                      <>
                        (lowers {p.reducesStepIds.length} step{p.reducesStepIds.length === 1 ? '' : 's'}){' '}
                      </>
                    )}
                    Blocks {p.cutsStepIds.length} step{p.cutsStepIds.length === 1 ? '' : 's'}
                    {p.cutsTargetIds.length > 0 && (
                      <>
                        ; without it, reachable again: {p.cutsTargetIds.map((t) => targetLabel(index, t)).join('; ')}
                        {p.cutsTargetCount > p.cutsTargetIds.length &&
                          ` and ${p.cutsTargetCount - p.cutsTargetIds.length} more`}
                      </>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
