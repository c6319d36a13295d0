/**
 * Model → attack graph (attack model v2): nodes are capabilities on elements (zone presence,
 * interface use, channel read/inject/alter, device user/control, asset impacts), every rule of
 * rules/registry.ts contributes steps that need one capability and grant another. A general
 * directed graph (cycles allowed).
 */
import { ValidationError } from '../domain/errors';
import type { Catalogue, ElementType, ModelDocument } from '../domain/types';
import { compareIds } from './compare';
import { assembleIndex, IMPLIED_RULE_IDS, indexGraph, setGraphIndex, type GraphIndex } from './graph-index';
import { buildRuleContext, type BlockingEntry, type BuiltContext, type StepRecord } from './rules/context';
import { ATTACK_RULES } from './rules/registry';
import type { AttackGraph, AttackStep, BuildAttackGraphOptions, StepEvidence } from './types';

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
  if (returned !== record.tail.length) throw new Error('an attack rule made a step it did not return');
  // rule and method numbers are kept in 16 bits
  if (record.ruleIds.length > 0xffff || record.methodIds.length > 0xffff)
    throw new Error('more than 65,535 attack rules or methods');

  // Sort a permutation by step id, then lay out the columns in that order.
  const M = record.tail.length;
  const { order, wholeIds } = stepOrder(record, nodeIds);
  const stepTail: string[] = [];
  const stepFrom = new Int32Array(M);
  const stepTo = new Int32Array(M);
  const likelihood = new Float64Array(M);
  const blocked = new Uint8Array(M);
  const implied = new Uint8Array(M);
  const stepList = new Int32Array(M);
  const stepReducerList = new Int32Array(M);
  const columns: StepColumns = {
    rule: new Uint16Array(M),
    method: new Uint16Array(M),
    entry: new Int32Array(M),
    evidence: new Int32Array(M),
    controlElement: new Int32Array(M),
  };
  const impliedRule = record.ruleIds.map((id) => IMPLIED_RULE_IDS.has(id));
  for (let s = 0; s < M; s++) {
    const i = order[s]!;
    const entry = record.entries[record.entry[i]!]!;
    stepFrom[s] = record.from[i]!;
    stepTo[s] = record.to[i]!;
    likelihood[s] = record.likelihood[i]!;
    blocked[s] = entry.blocked ? 1 : 0;
    implied[s] = impliedRule[record.rule[i]!] ? 1 : 0;
    stepList[s] = entry.list;
    stepReducerList[s] = entry.reducer;
    columns.rule[s] = record.rule[i]!;
    columns.method[s] = record.method[i]!;
    columns.entry[s] = record.entry[i]!;
    columns.evidence[s] = record.evidence[i]!;
    columns.controlElement[s] = record.controlElement[i]!;
    stepTail.push(record.tail[i]!);
  }
  const stepId = stepIdMaker(record.ruleIds, columns.rule, nodeIds, stepFrom, stepTail);
  for (let s = 1; s < M; s++) {
    const same = wholeIds
      ? wholeIds[order[s]!] === wholeIds[order[s - 1]!]
      : stepFrom[s] === stepFrom[s - 1] && columns.rule[s] === columns.rule[s - 1] && stepTail[s] === stepTail[s - 1];
    if (same) throw new Error(`two attack steps share the id ${stepId(s)}`);
  }

  const index = assembleIndex({
    nodeIds,
    nodeIndex,
    nodeType,
    severityRank,
    scale,
    elementIds: built.elementIds,
    stepId,
    stepFrom,
    stepTo,
    likelihood,
    blocked,
    implied,
    stepList,
    lists: record.lists,
    controlIds: built.controlIds,
    entries: Int32Array.from(entryPointIds, (id) => nodeIndex.get(id)!),
    targets: Int32Array.from(targetIds, (id) => nodeIndex.get(id)!),
    stepReducerList,
    reducerLists: record.reducerLists,
  });
  const graph = withLazySteps(
    nodes,
    M,
    stepMaker(index, columns, record.ruleIds, record.methodIds, record.evidenceLists, record.entries, built),
    entryPointIds,
    targetIds,
  );
  setGraphIndex(graph, index);
  return graph;
}

/**
 * The steps of `record` in id order (code units), without making their ids. An id is
 * `ruleId@fromId@tail`; as no rule or node id contains '@' (element ids are [A-Za-z0-9_.:-], and
 * capability nodes add '#NAME'), ids compare as (ruleId + '@'), then (fromId + '@'), then the
 * tails. A model with an '@' in some id (one that skipped the exchange schema) has its whole ids
 * made and compared instead (and returned, as two steps may then share one). A plain array of indices: its sort (TimSort) runs through the
 * rules' already sorted stretches.
 */
function stepOrder(record: StepRecord, nodeIds: readonly string[]): { order: number[]; wholeIds: string[] | null } {
  const M = record.tail.length;
  const order: number[] = [];
  for (let i = 0; i < M; i++) order.push(i);
  const { ruleIds, rule, from, tail } = record;
  if (ruleIds.some((id) => id.includes('@')) || nodeIds.some((id) => id.includes('@'))) {
    // two steps between different nodes may then even have one id (caught by the caller)
    const wholeIds = order.map((i) => [ruleIds[rule[i]!]!, nodeIds[from[i]!]!, tail[i]!].join('@'));
    order.sort((a, b) => compareIds(wholeIds[a]!, wholeIds[b]!));
    return { order, wholeIds };
  }
  const ruleRank = rankWithAt(ruleIds);
  const nodeRank = rankWithAt(nodeIds);
  const n = nodeIds.length;
  const key = new Float64Array(M);
  for (let i = 0; i < M; i++) key[i] = ruleRank[rule[i]!]! * n + nodeRank[from[i]!]!;
  order.sort((a, b) => key[a]! - key[b]! || compareIds(tail[a]!, tail[b]!));
  return { order, wholeIds: null };
}

/** Position of each id in the order of (id + '@'); `ids` in code-unit order sort almost as they are. */
function rankWithAt(ids: readonly string[]): Int32Array {
  const byAt = ids.map((_, i) => i).sort((a, b) => compareWithAt(ids[a]!, ids[b]!));
  const rank = new Int32Array(ids.length);
  byAt.forEach((i, r) => (rank[i] = r));
  return rank;
}

/** Code-unit order of `a + '@'` and `b + '@'`, without making them. */
function compareWithAt(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return (a.length > n ? a.charCodeAt(n) : 64) - (b.length > n ? b.charCodeAt(n) : 64);
}

/**
 * Step s's id `ruleId@fromId@tail` (s in id order), made once when first asked for. A function of
 * its own: a closure made inside buildAttackGraph would keep that function's whole scope (the
 * model's indexes) alive with the graph.
 */
function stepIdMaker(
  ruleIds: readonly string[],
  rule: Uint16Array,
  nodeIds: readonly string[],
  from: Int32Array,
  tail: readonly string[],
): (s: number) => string {
  const ids: string[] = new Array<string>(from.length);
  return (s) => (ids[s] ??= [ruleIds[rule[s]!]!, nodeIds[from[s]!]!, tail[s]!].join('@'));
}

/** The per-step columns a step object is made from, in step order (besides the index's own). */
interface StepColumns {
  rule: Uint16Array;
  method: Uint16Array;
  entry: Int32Array;
  evidence: Int32Array;
  /** Element ordinal of the step's controlElementId, −1 for null. */
  controlElement: Int32Array;
}

/** Makes step s (in id order) from the columns; its lists are shared with the steps of its entry. */
function stepMaker(
  index: GraphIndex,
  columns: StepColumns,
  ruleIds: readonly string[],
  methodIds: readonly string[],
  evidenceLists: readonly StepEvidence[][],
  entries: readonly BlockingEntry[],
  built: Pick<BuiltContext, 'elementIds' | 'controlsOf'>,
): (s: number) => AttackStep {
  const { elementIds, controlsOf } = built;
  return (s) => {
    const controls = controlsOf(entries[columns.entry[s]!]!);
    const ce = columns.controlElement[s]!;
    return {
      id: index.stepId(s),
      from: index.nodeIds[index.stepFrom[s]!]!,
      to: index.nodeIds[index.stepTo[s]!]!,
      ruleId: ruleIds[columns.rule[s]!]!,
      attackMethodId: methodIds[columns.method[s]!]!,
      likelihood: index.likelihood[s]!,
      evidence: evidenceLists[columns.evidence[s]!]!,
      controlElementId: ce < 0 ? null : elementIds[ce]!,
      blockingControls: controls.blockingControls,
      reducingControls: controls.reducingControls,
      otherControls: controls.otherControls,
      blocked: index.blocked[s] === 1,
    };
  };
}

/** Step objects of graphs whose `steps` have not been read yet: made one by one, and kept. */
const unread = new WeakMap<AttackGraph, { make: (s: number) => AttackStep; made: Map<number, AttackStep> }>();

/**
 * An AttackGraph whose `steps` array is made when first read (then it is a plain array property):
 * path search, the optimiser and a page of paths read a few steps through {@link stepAt} and never
 * make the 225k objects of a 10k-device graph. JSON, structured clone and spreads read it as usual
 * (same keys, same order: nodes, steps, entryPointIds, targetIds).
 */
function withLazySteps(
  nodes: AttackGraph['nodes'],
  count: number,
  make: (s: number) => AttackStep,
  entryPointIds: string[],
  targetIds: string[],
): AttackGraph {
  const made = new Map<number, AttackStep>();
  const graph = { nodes } as AttackGraph;
  let all: AttackStep[] | undefined;
  /** From now on `steps` is a plain property holding `steps` (kept here if the graph is frozen). */
  const settle = (target: AttackGraph, steps: AttackStep[]): AttackStep[] => {
    all = steps;
    made.clear();
    unread.delete(target);
    if (Object.getOwnPropertyDescriptor(target, 'steps')?.configurable)
      Object.defineProperty(target, 'steps', { value: steps, writable: true, enumerable: true, configurable: true });
    return steps;
  };
  Object.defineProperty(graph, 'steps', {
    enumerable: true,
    configurable: true,
    get(this: AttackGraph): AttackStep[] {
      if (all) return all;
      const steps: AttackStep[] = [];
      for (let s = 0; s < count; s++) steps.push(made.get(s) ?? make(s));
      return settle(this, steps);
    },
    set(this: AttackGraph, steps: AttackStep[]) {
      if (Object.isFrozen(this)) throw new TypeError("Cannot assign to read only property 'steps' of a frozen graph");
      settle(this, steps);
    },
  });
  graph.entryPointIds = entryPointIds;
  graph.targetIds = targetIds;
  unread.set(graph, { make, made });
  return graph;
}

/**
 * Step s of `graph` (its position in id order, as the graph index numbers steps), made on its own
 * when the graph's `steps` have not been read yet; the same object as `graph.steps[s]` either way.
 */
export function stepAt(graph: AttackGraph, s: number): AttackStep {
  const lazy = unread.get(graph);
  if (!lazy) return graph.steps[s]!;
  let step = lazy.made.get(s);
  if (!step) lazy.made.set(s, (step = lazy.make(s)));
  return step;
}

/**
 * The step of `graph` with this id, or undefined: a binary search over its step ids, so resolving
 * a page of paths makes only the steps it serves ({@link stepAt}) and allocates nothing else.
 * `graph` must have its steps sorted by id in code-unit order, as {@link buildAttackGraph} makes
 * them (and every AttackGraph the engine hands out); on any other order it may miss.
 */
export function stepById(graph: AttackGraph, id: string): AttackStep | undefined {
  // Steps not made yet: search the index's ids; otherwise (a plain graph: JSON, a clone, or
  // steps already read) search the steps themselves.
  const lazy = unread.has(graph);
  const index = lazy ? indexGraph(graph) : null;
  const steps = lazy ? null : graph.steps;
  let lo = 0;
  let hi = (index ? index.m : steps!.length) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareIds(index ? index.stepId(mid) : steps![mid]!.id, id);
    if (c === 0) return index ? stepAt(graph, mid) : steps![mid];
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
