/**
 * Model → attack graph: every zone, device, interface, channel and asset becomes a node, every
 * rule of rules/registry.ts contributes steps. A general directed graph (cycles allowed).
 */
import { ValidationError } from '../domain/errors';
import { SEVERITY_RANK, type Catalogue, type ElementType, type ModelDocument } from '../domain/types';
import { compareIds } from './compare';
import { assembleIndex, setGraphIndex } from './graph-index';
import { buildRuleContext } from './rules/context';
import { ATTACK_RULES } from './rules/registry';
import type { AttackGraph, AttackGraphNode, AttackStep, BuildAttackGraphOptions } from './types';

/**
 * Builds the attack graph of a model.
 *
 * - Nodes: one per zone, device, interface, channel and asset (id = element id), sorted by id.
 *   Interface and asset labels are prefixed with their device's name; assets carry their severity.
 * - Entry points: the zones with `entryPoint`, or, when `fromElementIds` is given, exactly those
 *   elements, taken as already compromised.
 * - Targets: every asset.
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
  const built = buildRuleContext(model, catalogue, options.extraPlacements ?? []);
  const { ctx, nodeIds, nodeIndex, record } = built;
  const m = ctx.model;
  const n = nodeIds.length;

  const nodes: AttackGraphNode[] = new Array(n);
  const nodeType: ElementType[] = new Array(n);
  const severityRank = new Uint8Array(n);
  const put = (node: AttackGraphNode) => {
    const i = nodeIndex.get(node.id)!;
    nodes[i] = node;
    nodeType[i] = node.type;
    if (node.severity) severityRank[i] = SEVERITY_RANK[node.severity];
  };
  for (const z of m.zones) put({ id: z.id, type: 'ZONE', label: z.name });
  for (const d of m.devices) put({ id: d.id, type: 'DEVICE', label: d.name });
  for (const f of m.interfaces)
    put({ id: f.id, type: 'INTERFACE', label: `${m.deviceById.get(f.deviceId)!.name} / ${f.name}` });
  for (const c of m.channels) put({ id: c.id, type: 'CHANNEL', label: c.name });
  for (const a of m.assets) {
    put({ id: a.id, type: 'ASSET', label: `${m.deviceById.get(a.deviceId)!.name} / ${a.name}`, severity: a.severity });
  }

  let entryPointIds: string[];
  if (options.fromElementIds !== undefined) {
    const unknown = options.fromElementIds
      .map((id, i) => ({ id, i }))
      .filter((x) => !nodeIndex.has(x.id))
      .map((x) => ({ path: `fromElementIds[${x.i}]`, message: `'${x.id}' is not an element of this model` }));
    if (unknown.length > 0) throw new ValidationError(unknown);
    entryPointIds = [...new Set(options.fromElementIds)].sort(compareIds);
  } else {
    entryPointIds = m.zones.filter((z) => z.entryPoint).map((z) => z.id);
  }
  const targetIds = m.assets.map((a) => a.id);

  let returned = 0;
  for (const rule of ATTACK_RULES) returned += rule.evaluate(ctx).length;
  const created = record.steps;
  if (returned !== created.length) throw new Error('an attack rule made a step it did not return');

  // Sort a permutation by step id, then lay out steps and their integers in that order.
  const ids = created.map((st) => st.id);
  const order = Int32Array.from({ length: created.length }, (_, i) => i).sort((a, b) => compareIds(ids[a]!, ids[b]!));
  const steps: AttackStep[] = new Array(created.length);
  const M = created.length;
  const stepFrom = new Int32Array(M);
  const stepTo = new Int32Array(M);
  const likelihood = new Float64Array(M);
  const blocked = new Uint8Array(M);
  const stepList = new Int32Array(M);
  for (let s = 0; s < M; s++) {
    const i = order[s]!;
    const st = created[i]!;
    if (s > 0 && st.id === steps[s - 1]!.id) throw new Error(`two attack steps share the id ${st.id}`);
    steps[s] = st;
    stepFrom[s] = record.from[i]!;
    stepTo[s] = record.to[i]!;
    likelihood[s] = st.likelihood;
    blocked[s] = st.blocked ? 1 : 0;
    stepList[s] = record.list[i]!;
  }

  const graph: AttackGraph = { nodes, steps, entryPointIds, targetIds };
  setGraphIndex(
    graph,
    assembleIndex({
      nodeIds,
      nodeIndex,
      nodeType,
      severityRank,
      stepFrom,
      stepTo,
      likelihood,
      blocked,
      stepList,
      listKeys: record.listKeys,
      listCosts: record.listCosts,
      controlIds: built.controlIds,
      entries: Int32Array.from(entryPointIds, (id) => nodeIndex.get(id)!),
      targets: Int32Array.from(targetIds, (id) => nodeIndex.get(id)!),
    }),
  );
  return graph;
}
