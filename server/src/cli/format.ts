/**
 * The text report of `medthreat analyse`: the headline totals, the ranked paths (each step with
 * its attack method, TR 67 Annex B, and likelihood) and the minimum-cost recommendation.
 * Units: likelihood is a probability in (0, 1]; risk = likelihood × severity rank 1..5; cost in
 * catalogue cost units.
 */
import type { CliAnalysis } from './analyse';

const fixed = (x: number, digits = 4) => x.toFixed(digits);

/** The analysis as plain text, one block per path, then the recommendation. */
export function formatAnalysisText(a: CliAnalysis, top?: number): string {
  const lines: string[] = [];
  const label = (id: string) => a.nodeLabels[id] ?? id;
  const t = a.totals;
  lines.push(
    `${a.model.name} (${a.model.id}), catalogue ${a.catalogueVersion}, scale ${a.scale}` +
      (a.assume === 'IMPLEMENTED' ? '' : ', planned controls counted as in force'),
  );
  lines.push(
    `total risk ${fixed(a.paths.totalRisk)} · ${t.targetsReachable} of ${t.targetCount} targets reachable · ` +
      `worst ${t.worstSeverity ?? t.worstPrivacySeverity ?? 'none'} · ` +
      `${a.paths.pathCount} paths${a.paths.truncated ? ' (more not kept)' : ''}` +
      (top !== undefined && top < a.paths.pathCount ? `, top ${top} shown` : ''),
  );
  lines.push('');
  a.paths.paths.forEach((p, i) => {
    const severity = p.severity ?? p.privacySeverity ?? '';
    lines.push(
      `${i + 1}. risk ${fixed(p.risk)}  likelihood ${fixed(p.likelihood)}  ${severity}  ` +
        `${label(p.entryPointId)} → ${label(p.targetId)}  [${p.id}]`,
    );
    for (const s of p.steps) {
      lines.push(
        `     ${s.attackMethodId} ${fixed(s.likelihood, 3)}  ${label(s.from)} → ${label(s.to)}  (${s.ruleId})`,
      );
    }
  });
  const r = a.recommendation;
  lines.push('');
  lines.push(
    `recommendation: cut every path to a target ≥ ${r.minSeverity} (${r.scale}): ${r.status}` +
      `${r.optimal ? '' : ` (gap ${fixed(r.mipGap)})`}, total cost ${r.totalCost}, ` +
      `risk ≥ ${r.minSeverity} ${fixed(r.riskBefore)} → ${fixed(r.riskAfter)}`,
  );
  for (const p of r.placements) {
    lines.push(
      `  ${p.controlId} on ${p.elementId} (${p.elementType}), cost ${p.cost}, cuts ${p.cutsStepIds.length} step(s), ` +
        `protects ${p.cutsTargetCount} target(s)`,
    );
  }
  for (const u of r.uncuttableTargets) lines.push(`  cannot be cut: ${u.targetId}: ${u.reason}`);
  return lines.join('\n');
}
