/**
 * Model → attack graph (attack model v2): nodes are capabilities on elements (zone presence,
 * interface use, channel read/inject/alter, device user/control, asset impacts), every rule of
 * rules/registry.ts contributes steps that need one capability and grant another. A general
 * directed graph (cycles allowed).
 */
import { ValidationError } from '../domain/errors';
import type { Catalogue, ElementType, ModelDocument } from '../domain/types';
import { compareIds } from './compare';
import { assembleIndex, IMPLIED_RULE_IDS, setGraphIndex } from './graph-index';
import { buildRuleContext } from './rules/context';
import { ATTACK_RULES } from './rules/registry';
import type { AttackGraph, AttackStep, BuildAttackGraphOptions } from './types';

/**
 * Builds the attack graph of a model.
 *
 * - Nodes: capabilities on elements ({@link AttackGraphNode}), sorted by id. Interface and asset
 *   labels are prefixed with their device's name; targets carry their scale and severity.
 * - Entry points: the zones with `entryPoint`, or, when `fromElementIds` is given, exactly those
 *   nodes (an element id stands for its strongest capability, an asset id for all its impacts).
 * - Targets: every (asset, impact) with a severity: MANIPULATE and DENY on the SAFETY scale,
 *   DISCLOSE of personal data on the PRIVACY scale.
 * - Steps: the union of all rules (docs/attack-model.md), sorted by id. A step with an
 *   IMPLEMENTED blocking control (model placement, or one of `extraPlacements`) is kept with
 *   `blocked: true`; path search and the optimiser ignore it.
 *
 * Pure and deterministic: the same model and catalogue give byte-identical JSON whatever the order
 * of their lists. The integer adjacency index used by path search is built here once.
 *
 * @throws ValidationError when the model is structurally unusable (duplicate ids, dangling
 *   references, unscorable CVSS vectors), an extra placement does not fit, a `fromElementIds`
 *   entry is not an element of the model, or the catalogue lacks an attack method a rule uses.
 */
export function buildAttackGraph(
  model: ModelDocument,
  catalogue: Catalogue,
  options: BuildAttackGraphOptions = {},
): AttackGraph {
  const built = buildRuleContext(
    model,
    catalogue,
    options.extraPlacements ?? [],
    options.assume ?? 'IMPLEMENTED',
    options.legacyPrevents ?? [],
  );
  const { ctx, nodes, nodeIds, nodeIndex, record } = built;
  const m = ctx.model;
  const n = nodeIds.length;

  const nodeType: ElementType[] = nodes.map((x) => x.type);
  const severityRank = new Uint8Array(n);
  const scale = new Uint8Array(n);
  nodes.forEach((x, i) => {
    if (x.severityRank) severityRank[i] = x.severityRank;
    if (x.scale) scale[i] = x.scale === 'SAFETY' ? 1 : 2;
  });

  let entryPointIds: string[];
  if (options.fromElementIds !== undefined) {
    const issues: { path: string; message: string }[] = [];
    const held = new Set<string>();
    options.fromElementIds.forEach((id, i) => {
      if (nodeIndex.has(id)) return void held.add(id);
      // An asset id stands for every impact on it.
      const impacts = m.assets.some((a) => a.id === id)
        ? (['MANIPULATE', 'DENY', 'DISCLOSE'] as const).map((c) => `${id}#${c}`).filter((x) => nodeIndex.has(x))
        : [];
      if (impacts.length > 0) impacts.forEach((x) => held.add(x));
      else
        issues.push({
          path: `fromElementIds[${i}]`,
          message: `'${id}' is not an element or capability node of this model`,
        });
    });
    if (issues.length > 0) throw new ValidationError(issues);
    entryPointIds = [...held].sort(compareIds);
  } else {
    // An attacker who walks into an entry zone is present there, and has hands on what is located
    // there if the place gives physical access.
    entryPointIds = m.zones
      .filter((z) => z.entryPoint)
      .flatMap((z) => [z.id, `${z.id}#PHYSICAL_ACCESS`].filter((id) => nodeIndex.has(id)))
      .sort(compareIds);
  }
  const targetIds = built.targetNodeIds;

  let returned = 0;
  for (const rule of ATTACK_RULES) returned += rule.evaluate(ctx).length;
  const created = record.steps;
  if (returned !== created.length) throw new Error('an attack rule made a step it did not return');

  // Sort a permutation by step id, then lay out steps and their integers in that order. A plain
  // array of indices: its sort (TimSort) runs through the rules' already sorted stretches.
  const M = created.length;
  const ids: string[] = [];
  const order: number[] = [];
  for (let i = 0; i < M; i++) {
    ids.push(created[i]!.id);
    order.push(i);
  }
  order.sort((a, b) => compareIds(ids[a]!, ids[b]!));
  const steps: AttackStep[] = [];
  const stepFrom = new Int32Array(M);
  const stepTo = new Int32Array(M);
  const likelihood = new Float64Array(M);
  const blocked = new Uint8Array(M);
  const implied = new Uint8Array(M);
  const stepList = new Int32Array(M);
  const stepReducerList = new Int32Array(M);
  for (let s = 0; s < M; s++) {
    const i = order[s]!;
    const st = created[i]!;
    if (s > 0 && st.id === steps[s - 1]!.id) throw new Error(`two attack steps share the id ${st.id}`);
    steps.push(st);
    stepFrom[s] = record.from[i]!;
    stepTo[s] = record.to[i]!;
    likelihood[s] = st.likelihood;
    blocked[s] = st.blocked ? 1 : 0;
    implied[s] = IMPLIED_RULE_IDS.has(st.ruleId) ? 1 : 0;
    stepList[s] = record.list[i]!;
    stepReducerList[s] = record.reducer[i]!;
  }

  const graph: AttackGraph = { nodes, steps, entryPointIds, targetIds };
  setGraphIndex(
    graph,
    assembleIndex({
      nodeIds,
      nodeIndex,
      nodeType,
      severityRank,
      scale,
      elementIds: built.elementIds,
      stepFrom,
      stepTo,
      likelihood,
      blocked,
      implied,
      stepList,
      listKeys: record.listKeys,
      listCosts: record.listCosts,
      stepReducerList,
      reducerListKeys: record.reducerListKeys,
      reducerListCosts: record.reducerListCosts,
      reducerListFactors: record.reducerListFactors,
      controlIds: built.controlIds,
      entries: Int32Array.from(entryPointIds, (id) => nodeIndex.get(id)!),
      targets: Int32Array.from(targetIds, (id) => nodeIndex.get(id)!),
    }),
  );
  return graph;
}

/**
 * The step of `graph` with this id, or undefined: a binary search over its steps, so resolving a
 * page of paths allocates nothing (a Map of every step id costs about 0.1 s at 10k devices, 225k
 * steps). `graph` must have its steps sorted by id in code-unit order, as {@link buildAttackGraph}
 * makes them (and every AttackGraph the engine hands out); on any other order it may miss.
 */
export function stepById(graph: AttackGraph, id: string): AttackStep | undefined {
  const { steps } = graph;
  let lo = 0;
  let hi = steps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareIds(steps[mid]!.id, id);
    if (c === 0) return steps[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * `paths` with their steps resolved from `graph` ({@link stepById}): the form the API serves.
 * @throws Error when a path names a step that `graph` does not have (a path of another graph)
 */
export function withSteps<P extends { stepIds: readonly string[] }>(
  graph: AttackGraph,
  paths: readonly P[],
): (P & { steps: AttackStep[] })[] {
  return paths.map((p) => ({
    ...p,
    steps: p.stepIds.map((id) => {
      const step = stepById(graph, id);
      if (!step) throw new Error(`attack path step ${id} is not a step of this graph`);
      return step;
    }),
  }));
}
