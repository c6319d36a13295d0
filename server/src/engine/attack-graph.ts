/**
 * Model → attack graph: every zone, device, interface, channel and asset becomes a node, every
 * rule of rules/registry.ts contributes steps. A general directed graph (cycles allowed).
 */
import { ValidationError } from '../domain/errors';
import type { Catalogue, ModelDocument } from '../domain/types';
import { compareIds } from './compare';
import { indexGraph } from './graph-index';
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
export function buildAttackGraph(model: ModelDocument, catalogue: Catalogue, options: BuildAttackGraphOptions = {}): AttackGraph {
  const { ctx } = buildRuleContext(model, catalogue, options.extraPlacements ?? []);
  const m = ctx.model;

  const nodes: AttackGraphNode[] = [];
  for (const z of m.zones) nodes.push({ id: z.id, type: 'ZONE', label: z.name });
  for (const d of m.devices) nodes.push({ id: d.id, type: 'DEVICE', label: d.name });
  for (const f of m.interfaces) {
    nodes.push({ id: f.id, type: 'INTERFACE', label: `${m.deviceById.get(f.deviceId)!.name} / ${f.name}` });
  }
  for (const c of m.channels) nodes.push({ id: c.id, type: 'CHANNEL', label: c.name });
  for (const a of m.assets) {
    nodes.push({ id: a.id, type: 'ASSET', label: `${m.deviceById.get(a.deviceId)!.name} / ${a.name}`, severity: a.severity });
  }
  nodes.sort((a, b) => compareIds(a.id, b.id));

  let entryPointIds: string[];
  if (options.fromElementIds !== undefined) {
    const known = new Set(nodes.map((x) => x.id));
    const unknown = options.fromElementIds
      .map((id, i) => ({ id, i }))
      .filter((x) => !known.has(x.id))
      .map((x) => ({ path: `fromElementIds[${x.i}]`, message: `'${x.id}' is not an element of this model` }));
    if (unknown.length > 0) throw new ValidationError(unknown);
    entryPointIds = [...new Set(options.fromElementIds)].sort(compareIds);
  } else {
    entryPointIds = m.zones.filter((z) => z.entryPoint).map((z) => z.id);
  }
  const targetIds = m.assets.map((a) => a.id);

  const steps: AttackStep[] = [];
  for (const rule of ATTACK_RULES) {
    for (const step of rule.evaluate(ctx)) steps.push(step);
  }
  steps.sort((a, b) => compareIds(a.id, b.id));
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.id === steps[i - 1]!.id) throw new Error(`two attack steps share the id ${steps[i]!.id}`);
  }

  const graph: AttackGraph = { nodes, steps, entryPointIds, targetIds };
  indexGraph(graph);
  return graph;
}
