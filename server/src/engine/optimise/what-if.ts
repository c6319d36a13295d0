/**
 * What-if: the attack paths before and after placing some controls, without changing the model.
 */
import type { Catalogue, ModelDocument } from '../../domain/types';
import { buildAttackGraph, stepAt } from '../attack-graph';
import { indexGraph } from '../graph-index';
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

  // Read through the graphs' indexes: the 225k step objects of a 10k-device graph are not made
  // (only the few steps whose placement cost is needed).
  const beforeIndex = indexGraph(beforeGraph);
  const afterIndex = indexGraph(afterGraph);
  const nowBlocked = new Set<string>();
  for (let s = 0; s < afterIndex.m; s++)
    if (afterIndex.blocked[s] && !beforeIndex.blocked[s]) nowBlocked.add(afterIndex.stepId(s));

  const controls = new Map(catalogue.controls.map((c) => [c.id, c]));
  const unique = new Map<string, PlacementInput>();
  for (const p of placements) {
    const key = `${p.controlId}\u0000${p.elementId}`;
    if (!unique.has(key) || (p.cost !== undefined && unique.get(key)!.cost === undefined)) unique.set(key, p);
  }
  // Each placement's column in the before graph (absent: already in force there, or it fits no
  // step), and the steps it would block or reduce there: one pass over the steps.
  const column = new Map<string, number>();
  for (let q = 0; q < beforeIndex.placementControlId.length; q++)
    column.set(`${beforeIndex.placementControlId[q]}\u0000${beforeIndex.placementElementId[q]}`, q);
  const wanted = new Map<number, { blocks: number[]; reduces: number[] }>();
  for (const key of unique.keys()) {
    const q = column.get(key);
    if (q !== undefined) wanted.set(q, { blocks: [], reduces: [] });
  }
  const { stepPlacementStart, stepPlacements, stepReducerStart, stepReducers } = beforeIndex;
  const addStep = (list: number[] | undefined, s: number) => {
    if (list && list[list.length - 1] !== s) list.push(s);
  };
  for (let s = 0; s < beforeIndex.m; s++) {
    for (let i = stepPlacementStart[s]!; i < stepPlacementStart[s + 1]!; i++)
      addStep(wanted.get(stepPlacements[i]!)?.blocks, s);
    for (let i = stepReducerStart[s]!; i < stepReducerStart[s + 1]!; i++)
      addStep(wanted.get(stepReducers[i]!)?.reduces, s);
  }
  const applied: AppliedPlacement[] = [...unique.entries()]
    .sort(([, a], [, b]) => compareIds(a.controlId, b.controlId) || compareIds(a.elementId, b.elementId))
    .map(([key, p]) => {
      let cost = p.cost;
      const blocksStepIds: string[] = [];
      const reducesStepIds: string[] = [];
      const steps = wanted.get(column.get(key) ?? -1);
      const same = (x: { controlId: string; elementId: string }) =>
        x.controlId === p.controlId && x.elementId === p.elementId;
      // The step's blocking list covers every element that can block it (e.g. a receiving interface).
      for (const s of steps?.blocks ?? []) {
        const id = afterIndex.stepId(s);
        if (!nowBlocked.has(id)) continue;
        blocksStepIds.push(id);
        cost ??= stepAt(afterGraph, s).blockingControls.find(same)?.cost;
      }
      for (const s of steps?.reduces ?? []) {
        if (afterIndex.blocked[s] || !(afterIndex.likelihood[s]! < beforeIndex.likelihood[s]!)) continue;
        reducesStepIds.push(afterIndex.stepId(s));
        cost ??= stepAt(afterGraph, s).reducingControls.find(same)?.cost;
      }
      const node = afterIndex.nodeIndex.get(p.elementId);
      return {
        controlId: p.controlId,
        elementId: p.elementId,
        elementType: afterIndex.nodeType[node ?? -1]!,
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
