/**
 * The cost–risk curve (controls v2): each point is a budget at which the best plan changes, with
 * that plan's residual risk, so a risk committee sees what each extra cost unit buys. Drawn as a
 * step chart (SVG) with a table; choosing a point sets the budget of the recommendation.
 */
import type { CostRiskCurveQuery } from '../api/__generated__/graphql';
import { formatCost, formatRisk } from '../graph/vocabulary';
import { ErrorMessage, Loading } from './Feedback';

type Curve = NonNullable<NonNullable<CostRiskCurveQuery['model']>['costRiskCurve']>;

const W = 320;
const H = 120;
const PAD = 24;

export function CostRiskCurveView({
  curve,
  loading,
  error,
  onChoose,
}: {
  curve: Curve | null | undefined;
  loading: boolean;
  error: unknown;
  /** Called with a point's cost: use it as the budget. */
  onChoose: (budget: number) => void;
}) {
  if (loading) return <Loading label="Computing the cost–risk curve…" />;
  if (error) return <ErrorMessage error={error} title="Cost–risk curve failed" />;
  if (!curve || curve.breakpoints.length === 0) return null;
  const pts = curve.breakpoints;
  const maxCost = Math.max(1, pts[pts.length - 1]!.cost * (curve.complete ? 1 : 1.1));
  const maxRisk = Math.max(1e-9, curve.riskBefore);
  const x = (c: number) => PAD + ((W - 2 * PAD) * c) / maxCost;
  const y = (r: number) => H - PAD - ((H - 2 * PAD) * r) / maxRisk;
  let d = `M ${x(pts[0]!.cost)} ${y(pts[0]!.riskAfter)}`;
  for (let i = 1; i < pts.length; i++) d += ` H ${x(pts[i]!.cost)} V ${y(pts[i]!.riskAfter)}`;
  if (!curve.complete) d += ` H ${x(maxCost)}`;
  return (
    <section className="cost-risk-curve" aria-label="Cost–risk curve" data-testid="cost-risk-curve">
      <h3>What each budget buys</h3>
      <svg width={W} height={H} role="img" aria-label="Residual risk against budget">
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="#888" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} stroke="#888" />
        <path d={d} fill="none" stroke="#0072b2" strokeWidth={2} />
        {pts.map((p) => (
          <circle key={p.cost} cx={x(p.cost)} cy={y(p.riskAfter)} r={3} fill="#0072b2">
            <title>
              budget {formatCost(p.cost)}: risk {formatRisk(p.riskAfter)}
            </title>
          </circle>
        ))}
        <text x={PAD} y={H - 6} fontSize={10}>
          0
        </text>
        <text x={W - PAD} y={H - 6} fontSize={10} textAnchor="end">
          {formatCost(maxCost)} units
        </text>
        <text x={2} y={PAD - 6} fontSize={10}>
          risk {formatRisk(curve.riskBefore)}
        </text>
      </svg>
      <table className="curve-table">
        <thead>
          <tr>
            <th scope="col">Budget</th>
            <th scope="col">Residual risk</th>
            <th scope="col">Placements</th>
            <th scope="col" aria-label="Use" />
          </tr>
        </thead>
        <tbody>
          {pts.map((p) => (
            <tr key={p.cost}>
              <td>{formatCost(p.cost)}</td>
              <td>
                {formatRisk(p.riskAfter)}
                {!p.optimal && <span className="sub"> (gap {(p.mipGap * 100).toFixed(1)} %)</span>}
              </td>
              <td>
                {p.placements.length}
                {p.placements.some((q) => q.effect !== 'PREVENTS') && (
                  <span className="sub"> ({p.placements.filter((q) => q.effect !== 'PREVENTS').length} reduce)</span>
                )}
              </td>
              <td>
                <button type="button" className="link-button" onClick={() => onChoose(p.cost)}>
                  Use this budget
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="sub">
        {curve.complete
          ? `Complete: the last point is the lowest risk any plan reaches (${formatRisk(curve.riskFloor)}).`
          : `Cut short after ${pts.length} points (${curve.status === 'TIME_LIMIT' ? 'time limit' : 'point cap'}); lowest reachable risk ${formatRisk(curve.riskFloor)}.`}{' '}
        {curve.optimal ? 'Every point proven optimal.' : `Largest gap ${(curve.mipGap * 100).toFixed(2)} %.`}
      </p>
    </section>
  );
}
