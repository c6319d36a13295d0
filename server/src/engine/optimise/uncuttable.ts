/**
 * Why a target cannot be cut: a path from an entry point to it along steps that no candidate
 * placement can prevent (controls v2: only PREVENTS blocks), with each step said in words.
 */
import { stepAt } from '../attack-graph';
import type { GraphIndex } from '../graph-index';
import type { AttackGraph, UncuttableTarget } from '../types';

/** "C03, C17 only reduce it" / "C17 only reduces it". */
function onlyReduce(reducing: readonly { controlId: string }[]): string {
  const ids = [...new Set(reducing.map((r) => r.controlId))];
  return `${ids.join(', ')} only ${ids.length === 1 ? 'reduces' : 'reduce'} it`;
}

/**
 * For each target id, the most direct path (fewest steps, BFS in step-id order, so deterministic)
 * through unblocked steps that no candidate placement prevents, and the reason in words.
 * Targets with no such path are left out.
 *
 * @param targetIds - target node ids, as reported in `uncuttableTargetIds`.
 * @param methodNames - attack method id → name, for the reason text (absent: the id alone).
 */
export function explainUncuttable(
  graph: AttackGraph,
  index: GraphIndex,
  targetIds: readonly string[],
  methodNames: Readonly<Record<string, string>> = {},
): UncuttableTarget[] {
  if (targetIds.length === 0) return [];
  /** "AM11 Physical access to ports or media", or the id alone when no name is known. */
  const methodWords = (id: string): string => (methodNames[id] ? `${id} ${methodNames[id]}` : id);
  /** "ICU bed 1 ventilator / Ventilator touchscreen (if-icu-ventilator-01-ui)": the element's node label and id. */
  const elementWords = (elementId: string): string => {
    const i = index.nodeIndex.get(elementId); // the element's primary capability node (id = element id)
    const label = i === undefined ? undefined : graph.nodes[i]?.label;
    return label === undefined || label === elementId ? elementId : `${label} (${elementId})`;
  };
  const { n, blocked, stepPlacementStart: ps, outStart, outSteps, stepTo } = index;
  const via = new Int32Array(n).fill(-2); // -1: entry; ≥ 0: the step that reached it
  const queue: number[] = [];
  for (const e of index.entries) {
    via[e] = -1;
    queue.push(e);
  }
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    for (let k = outStart[u]!; k < outStart[u + 1]!; k++) {
      const s = outSteps[k]!;
      if (blocked[s] || ps[s + 1]! > ps[s]!) continue;
      const v = stepTo[s]!;
      if (via[v] !== -2) continue;
      via[v] = s;
      queue.push(v);
    }
  }
  const out: UncuttableTarget[] = [];
  for (const targetId of targetIds) {
    const t = index.nodeIndex.get(targetId);
    if (t === undefined || via[t] === -2) continue;
    const steps: number[] = [];
    for (let v = t; via[v]! >= 0; v = index.stepFrom[via[v]!]!) steps.push(via[v]!);
    steps.reverse();
    const stepIds = steps.map((s) => index.stepId(s));
    const words = steps.map((s) => {
      const step = stepAt(graph, s);
      return step.controlElementId === null
        ? `${step.ruleId} (follows from what the attacker already holds)`
        : `${step.ruleId} (no control prevents ${methodWords(step.attackMethodId)} on ${elementWords(step.controlElementId)}` +
            (step.reducingControls.length > 0 ? `; ${onlyReduce(step.reducingControls)})` : ')');
    });
    out.push({
      targetId,
      stepIds,
      reason: `reachable from an entry point through steps no catalogue control prevents: ${words.join(' → ')}`,
    });
  }
  return out;
}
