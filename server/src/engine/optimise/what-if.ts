/**
 * What-if: the attack paths before and after placing some controls, without changing the model.
 */
import type { Catalogue, ModelDocument } from '../../domain/types';
import { buildAttackGraph } from '../attack-graph';
import { compareIds } from '../compare';
import { findAttackPaths } from '../paths/find-attack-paths';
import type { AppliedPlacement, AttackGraph, FindAttackPathsOptions, PlacementInput, WhatIfResult } from '../types';

/**
 * Compares the attack paths of `model` with and without `placements` (treated as IMPLEMENTED).
 * Pure: neither the model nor the catalogue is modified.
 *
 * @param placements - controls to try; each must exist and fit its element (appliesTo,
 *   technologies, interfaceKinds). Duplicates are merged.
 * @param options - as {@link findAttackPaths} (minSeverity, k, ... apply to both runs).
 * @param beforeGraph - the model's attack graph without the placements, when the caller already
 *   has it (e.g. cached per model version); built here otherwise.
 * @returns before/after path results, the placements applied with the steps each newly blocks,
 *   the ids of `before` paths that now have a blocked step, and before.totalRisk − after.totalRisk.
 * @throws ValidationError for a placement that does not resolve or does not fit.
 * @throws EngineLimitError as {@link findAttackPaths}.
 */
export function whatIf(
  model: ModelDocument,
  catalogue: Catalogue,
  placements: readonly PlacementInput[],
  options: FindAttackPathsOptions = {},
  beforeGraph: AttackGraph = buildAttackGraph(model, catalogue),
): WhatIfResult {
  const afterGraph = buildAttackGraph(model, catalogue, { extraPlacements: placements });
  const before = findAttackPaths(beforeGraph, options);
  const after = findAttackPaths(afterGraph, options);

  const nowBlocked = new Map<string, boolean>();
  afterGraph.steps.forEach((s, i) => {
    if (s.blocked && !beforeGraph.steps[i]!.blocked) nowBlocked.set(s.id, true);
  });

  const controls = new Map(catalogue.controls.map((c) => [c.id, c]));
  const types = new Map(afterGraph.nodes.map((x) => [x.id, x.type]));
  const unique = new Map<string, PlacementInput>();
  for (const p of placements) {
    const key = `${p.controlId}\u0000${p.elementId}`;
    if (!unique.has(key) || (p.cost !== undefined && unique.get(key)!.cost === undefined)) unique.set(key, p);
  }
  const applied: AppliedPlacement[] = [...unique.values()]
    .sort((a, b) => compareIds(a.controlId, b.controlId) || compareIds(a.elementId, b.elementId))
    .map((p) => {
      let cost = p.cost;
      const blocksStepIds: string[] = [];
      for (const step of afterGraph.steps) {
        if (step.controlElementId !== p.elementId || !nowBlocked.has(step.id)) continue;
        const b = step.blockingControls.find((x) => x.controlId === p.controlId);
        if (!b) continue;
        blocksStepIds.push(step.id);
        cost ??= b.cost;
      }
      return {
        controlId: p.controlId,
        elementId: p.elementId,
        elementType: types.get(p.elementId)!,
        cost: cost ?? controls.get(p.controlId)!.defaultCost,
        blocksStepIds,
      };
    });

  const pathsCut = before.paths
    .filter((path) => path.stepIds.some((id) => nowBlocked.has(id)))
    .map((path) => path.id)
    .sort(compareIds);
  return { before, after, placementsApplied: applied, pathsCut, riskReduction: before.totalRisk - after.totalRisk };
}
