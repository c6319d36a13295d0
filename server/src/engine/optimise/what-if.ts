/**
 * What-if: the attack paths before and after placing some controls, without changing the model.
 */
import type { Catalogue, ModelDocument } from '../../domain/types';
import { buildAttackGraph } from '../attack-graph';
import { compareIds } from '../compare';
import { findAttackPaths } from '../paths/find-attack-paths';
import type {
  AppliedPlacement,
  AttackGraph,
  BuildAttackGraphOptions,
  FindAttackPathsOptions,
  PlacementInput,
  WhatIfResult,
} from '../types';

/** Options of {@link whatIf}: path options, plus where the attacker starts and which placements count. */
export type WhatIfOptions = FindAttackPathsOptions & Pick<BuildAttackGraphOptions, 'fromElementIds' | 'assume'>;

/**
 * Compares the attack paths of `model` with and without `placements` (treated as IMPLEMENTED).
 * Pure: neither the model nor the catalogue is modified.
 *
 * @param placements - controls to try; each must exist and fit its element (domain/applicability.ts
 *   placementMisfit). Duplicates are merged.
 * @param options - as {@link findAttackPaths} (minSeverity, k, ... apply to both runs), plus
 *   `fromElementIds` (start from what the attacker already holds) and `assume` (count PLANNED
 *   placements as in force) for both graphs.
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
  options: WhatIfOptions = {},
  beforeGraph?: AttackGraph,
): WhatIfResult {
  return whatIfWithGraph(model, catalogue, placements, options, beforeGraph).result;
}

/**
 * {@link whatIf}, also returning the attack graph with the placements applied, so that a caller
 * resolving the `after` paths' steps reads them from the graph they belong to (likelihoods with
 * the placements' reductions, statuses IMPLEMENTED).
 */
export function whatIfWithGraph(
  model: ModelDocument,
  catalogue: Catalogue,
  placements: readonly PlacementInput[],
  options: WhatIfOptions = {},
  beforeGraph?: AttackGraph,
): { result: WhatIfResult; afterGraph: AttackGraph } {
  const graphOptions: BuildAttackGraphOptions = {
    ...(options.fromElementIds ? { fromElementIds: options.fromElementIds } : {}),
    ...(options.assume ? { assume: options.assume } : {}),
  };
  beforeGraph ??= buildAttackGraph(model, catalogue, graphOptions);
  const afterGraph = buildAttackGraph(model, catalogue, { ...graphOptions, extraPlacements: placements });
  const before = findAttackPaths(beforeGraph, options);
  const after = findAttackPaths(afterGraph, options);

  const nowBlocked = new Map<string, boolean>();
  afterGraph.steps.forEach((s, i) => {
    if (s.blocked && !beforeGraph!.steps[i]!.blocked) nowBlocked.set(s.id, true);
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
      const reducesStepIds: string[] = [];
      afterGraph.steps.forEach((step, i) => {
        // The step's blocking list covers every element that can block it (e.g. a receiving interface).
        const b = step.blockingControls.find((x) => x.controlId === p.controlId && x.elementId === p.elementId);
        if (b && nowBlocked.has(step.id)) {
          blocksStepIds.push(step.id);
          cost ??= b.cost;
        }
        const r = step.reducingControls.find((x) => x.controlId === p.controlId && x.elementId === p.elementId);
        if (r && !step.blocked && step.likelihood < beforeGraph!.steps[i]!.likelihood) {
          reducesStepIds.push(step.id);
          cost ??= r.cost;
        }
      });
      return {
        controlId: p.controlId,
        elementId: p.elementId,
        elementType: types.get(p.elementId)!,
        cost: cost ?? controls.get(p.controlId)!.defaultCost,
        blocksStepIds,
        reducesStepIds,
      };
    });

  const pathsCut = before.paths
    .filter((path) => path.stepIds.some((id) => nowBlocked.has(id)))
    .map((path) => path.id)
    .sort(compareIds);
  return {
    result: { before, after, placementsApplied: applied, pathsCut, riskReduction: before.totalRisk - after.totalRisk },
    afterGraph,
  };
}
