/**
 * Control review (controls v2 migration report): the placements of a model that no longer fit
 * their element, and the implemented or planned placements (accepted recommendations included)
 * whose control no longer PREVENTS the steps it was counted as cutting before controls v2, with
 * the safety risk as the model was believed to be and as it is.
 */
import { LEGACY_MITIGATES } from '../../domain/catalogue';
import { controlEffect, type Catalogue, type ModelDocument } from '../../domain/types';
import { buildAttackGraph } from '../attack-graph';
import { compareIds } from '../compare';
import { elementFacts, placementMisfit } from '../controls';
import { indexGraph } from '../graph-index';
import type { AttackGraph, ControlReview, ControlReviewItem } from '../types';
import { bestLikelihoods } from './recommend-controls';

/**
 * Reviews the model's control placements against the catalogue in force.
 *
 * @param legacy - what each control used to be counted as cutting (default: the bundled
 *   catalogue 2026.11.2, {@link LEGACY_MITIGATES}); controls not listed are never NO_LONGER_PREVENTS.
 * @param graph - the model's attack graph when the caller already has it.
 * @returns the items sorted by placement id, and the safety risk before/after (Σ severityRank ×
 *   most likely path over every SAFETY target; dimensionless, as attackPaths totals). Pure.
 */
export function reviewControlPlacements(
  model: ModelDocument,
  catalogue: Catalogue,
  legacy: Readonly<Record<string, readonly string[]>> = LEGACY_MITIGATES,
  graph: AttackGraph = buildAttackGraph(model, catalogue),
): ControlReview {
  const controls = new Map(catalogue.controls.map((c) => [c.id, c]));
  const facts = elementFacts(model);
  // Steps by element that can carry a control for them, and their method.
  const stepsOn = new Map<string, { id: string; method: string }[]>();
  for (const s of graph.steps) {
    const elements = new Set<string>();
    if (s.controlElementId) elements.add(s.controlElementId);
    for (const b of s.blockingControls) elements.add(b.elementId);
    for (const b of s.reducingControls) elements.add(b.elementId);
    for (const b of s.otherControls) elements.add(b.elementId);
    for (const e of elements) {
      const list = stepsOn.get(e) ?? [];
      list.push({ id: s.id, method: s.attackMethodId });
      stepsOn.set(e, list);
    }
  }
  const items: ControlReviewItem[] = [];
  for (const p of [...model.controlPlacements].sort((a, b) => compareIds(a.id, b.id))) {
    const control = controls.get(p.controlId);
    const element = facts.get(p.elementId);
    if (!control || !element) continue;
    const used = legacy[p.controlId] ?? [];
    const misfit = placementMisfit(control, element);
    const lost = misfit !== null ? [...used] : used.filter((m) => controlEffect(control, m)?.effect !== 'PREVENTS');
    const steps = (stepsOn.get(p.elementId) ?? []).filter((s) => lost.includes(s.method));
    if (misfit === null && steps.length === 0) continue;
    const methods = [...new Set(misfit !== null ? lost : steps.map((s) => s.method))].sort(compareIds);
    const now = (m: string) => {
      const e = controlEffect(control, m);
      return e ? `${e.effect}${e.factor !== undefined ? ` ×${e.factor}` : ''}` : 'no effect';
    };
    items.push({
      placementId: p.id,
      controlId: p.controlId,
      elementId: p.elementId,
      status: p.status,
      problem: misfit !== null ? 'NOT_APPLICABLE' : 'NO_LONGER_PREVENTS',
      reason:
        misfit !== null
          ? `'${p.elementId}' cannot carry it: ${misfit}; the engine ignores it`
          : `${p.controlId} no longer prevents ${methods.map((m) => `${m} (now ${now(m)})`).join(', ')}`,
      attackMethodIds: methods,
      stepIds: [...new Set(steps.map((s) => s.id))].sort(compareIds),
    });
  }
  const risk = (g: AttackGraph): number => {
    const index = indexGraph(g);
    const lik = bestLikelihoods(index, index.blocked);
    let sum = 0;
    for (const t of index.targets) if (index.scale[t] === 1) sum += index.severityRank[t]! * lik[t]!;
    return sum;
  };
  const riskAfter = risk(graph);
  const inForce = items.filter((i) => i.status === 'IMPLEMENTED');
  const riskBefore =
    inForce.length === 0
      ? riskAfter
      : risk(
          buildAttackGraph(model, catalogue, {
            legacyPrevents: inForce.map((i) => ({ elementId: i.elementId, attackMethodIds: i.attackMethodIds })),
          }),
        );
  return { items, riskBefore, riskAfter };
}
