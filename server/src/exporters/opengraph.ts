/**
 * The attack graph and ranked attack paths of a model as a BloodHound OpenGraph payload
 * (`{ metadata: { source_kind }, graph: { nodes, edges } }`, SpecterOps BloodHound OpenGraph
 * documentation), so a security team can load them next to their identity graph. Pure. Each
 * node and edge has the shape of the OpenGraph node and edge schemas (flat `properties` of
 * strings, numbers, booleans or homogeneous arrays of them, never null, never `objectid`; edge
 * kinds of letters, digits and underscores; at most 3 kinds per node).
 *
 * - nodes: the attack-graph nodes (a capability on a model element: presence in a zone, use of an
 *   interface, control of a device, an impact on an asset, …), id `medthreat:<model>:<node>`;
 *   kinds: the element type (`MTZone`, `MTDevice`, `MTInterface`, `MTChannel`, `MTAsset`), then
 *   `MTEntryPoint` and/or `MTTarget`; properties: name, element id and type, capability, the
 *   device's make, model, risk class and addresses, a target's severity, and the number and best
 *   rank of the reported paths through it;
 * - edges: the attack steps (unblocked ones; with `includeBlocked` the blocked ones too), kind
 *   `MT` + the rule in PascalCase (`MTVulnerabilityExploitation`); properties: step and rule ids,
 *   TR 67 Annex B attack method, likelihood (0–1), blocked, the element a control must sit on and
 *   the catalogue controls that would block it, evidence, and the reported paths using it (ids
 *   and 1-based ranks).
 * The paths are those of `ThreatModel.attackPaths` with the API defaults (k 3 per target, every
 * severity, top 500), as `medthreat analyse` reports them.
 */
import { buildAttackGraph, findAttackPaths, type AttackGraphNode, type AttackStep } from '../engine';
import { DEFAULT_MAX_PATHS, PATHS_DEFAULT_TIME_LIMIT_MS } from '../services/analysis-defaults';
import type { Catalogue, ModelDocument, RiskScale } from '../domain/types';

/** A property value OpenGraph accepts. */
export type OpenGraphValue = string | number | boolean | string[] | number[] | boolean[];
export type OpenGraphProperties = Record<string, OpenGraphValue>;

export interface OpenGraphNode {
  id: string;
  kinds: string[];
  properties: OpenGraphProperties;
}

export interface OpenGraphEdge {
  kind: string;
  start: { value: string; match_by: 'id' };
  end: { value: string; match_by: 'id' };
  properties: OpenGraphProperties;
}

export interface OpenGraphPayload {
  metadata: { source_kind: string };
  graph: { nodes: OpenGraphNode[]; edges: OpenGraphEdge[] };
}

/** Options of {@link exportOpenGraph}. */
export interface OpenGraphOptions {
  /** Risk scale of the paths (default SAFETY). */
  scale?: RiskScale;
  /** Paths per target, 1..20 (default 3, as attackPaths). */
  k?: number;
  /** Keep only the `top` highest-risk paths' steps and nodes (default: the whole graph, paths marked). */
  top?: number;
  /** Also export steps blocked by an implemented control (property blocked: true). Default false. */
  includeBlocked?: boolean;
}

/** The `source_kind` of the payload: every node also gets this kind in BloodHound. */
export const OPENGRAPH_SOURCE_KIND = 'MedThreat';

const KIND_OF_TYPE: Record<string, string> = {
  ZONE: 'MTZone',
  DEVICE: 'MTDevice',
  INTERFACE: 'MTInterface',
  CHANNEL: 'MTChannel',
  ASSET: 'MTAsset',
};

/** "vulnerability-exploitation" → "MTVulnerabilityExploitation". */
export function edgeKind(ruleId: string): string {
  const pascal = ruleId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return `MT${pascal || 'Step'}`;
}

/** Sets `key` when `value` is defined and, for an array, not empty. */
function put(props: OpenGraphProperties, key: string, value: OpenGraphValue | undefined | null): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  props[key] = value;
}

/**
 * Exports the attack graph and paths of a validated model document as OpenGraph.
 * @throws EngineLimitError when the path search hits a limit (as attackPaths)
 */
export function exportOpenGraph(
  doc: ModelDocument,
  catalogue: Catalogue,
  options: OpenGraphOptions = {},
): OpenGraphPayload {
  const graph = buildAttackGraph(doc, catalogue);
  const result = findAttackPaths(graph, {
    k: options.k ?? 3,
    minSeverity: 'NEGLIGIBLE',
    scale: options.scale ?? 'SAFETY',
    maxPaths: DEFAULT_MAX_PATHS,
    onMaxPaths: 'truncate',
    timeLimitMs: PATHS_DEFAULT_TIME_LIMIT_MS,
  });
  const paths = options.top === undefined ? result.paths : result.paths.slice(0, options.top);
  const stepPaths = new Map<string, { ids: string[]; ranks: number[] }>();
  const nodePaths = new Map<string, { count: number; best: number }>();
  paths.forEach((p, i) => {
    for (const s of p.stepIds) {
      const e = stepPaths.get(s) ?? { ids: [], ranks: [] };
      e.ids.push(p.id);
      e.ranks.push(i + 1);
      stepPaths.set(s, e);
    }
    for (const n of new Set(p.nodeIds)) {
      const e = nodePaths.get(n) ?? { count: 0, best: i + 1 };
      e.count++;
      nodePaths.set(n, e);
    }
  });
  const onlyPaths = options.top !== undefined;
  const steps = graph.steps.filter(
    (s) => (options.includeBlocked || !s.blocked) && (!onlyPaths || stepPaths.has(s.id)),
  );
  const used = new Set(steps.flatMap((s) => [s.from, s.to]));
  for (const p of paths) for (const n of p.nodeIds) used.add(n);
  const nodes = onlyPaths ? graph.nodes.filter((n) => used.has(n.id)) : graph.nodes;

  const entry = new Set(graph.entryPointIds);
  const targets = new Set(graph.targetIds);
  const devices = new Map(doc.devices.map((d) => [d.id, d]));
  const methodName = new Map(catalogue.attackMethods.map((m) => [m.id, m.name]));
  const nodeId = (id: string) => `medthreat:${doc.model.id}:${id}`;

  const toNode = (n: AttackGraphNode): OpenGraphNode => {
    const kinds = [KIND_OF_TYPE[n.type] ?? 'MTElement'];
    if (entry.has(n.id)) kinds.push('MTEntryPoint');
    if (targets.has(n.id)) kinds.push('MTTarget');
    const props: OpenGraphProperties = {
      name: n.label,
      medthreatid: n.id,
      elementid: n.elementId,
      elementtype: n.type,
      capability: n.capability,
      modelid: doc.model.id,
      entrypoint: entry.has(n.id),
      target: targets.has(n.id),
    };
    const d = devices.get(n.elementId);
    if (d) {
      put(props, 'category', d.category);
      put(props, 'riskclass', d.riskClass);
      put(props, 'manufacturer', d.manufacturer);
      put(props, 'modelname', d.modelName);
      put(props, 'software', d.software);
      put(props, 'ipaddresses', d.ipAddresses);
      put(props, 'macaddresses', d.macAddresses);
      put(props, 'externalid', d.externalId);
      put(props, 'assettag', d.assetTag);
    }
    put(props, 'scale', n.scale);
    put(props, 'severity', n.severity);
    put(props, 'privacyseverity', n.privacySeverity);
    put(props, 'severityrank', n.severityRank);
    const through = nodePaths.get(n.id);
    props['pathcount'] = through?.count ?? 0;
    put(props, 'bestpathrank', through?.best);
    return { id: nodeId(n.id), kinds: kinds.slice(0, 3), properties: props };
  };

  const toEdge = (s: AttackStep): OpenGraphEdge => {
    const props: OpenGraphProperties = {
      stepid: s.id,
      ruleid: s.ruleId,
      attackmethodid: s.attackMethodId,
      likelihood: s.likelihood,
      blocked: s.blocked,
    };
    put(props, 'attackmethod', methodName.get(s.attackMethodId));
    put(props, 'controlelementid', s.controlElementId);
    put(
      props,
      'blockingcontrols',
      s.blockingControls.map((c) => c.controlId),
    );
    put(
      props,
      'implementedcontrols',
      s.blockingControls.filter((c) => c.status === 'IMPLEMENTED').map((c) => c.controlId),
    );
    put(
      props,
      'evidence',
      s.evidence.map((e) => `${e.property}: ${e.value}`),
    );
    const on = stepPaths.get(s.id);
    put(props, 'pathids', on?.ids);
    put(props, 'pathranks', on?.ranks);
    return {
      kind: edgeKind(s.ruleId),
      start: { value: nodeId(s.from), match_by: 'id' },
      end: { value: nodeId(s.to), match_by: 'id' },
      properties: props,
    };
  };

  return {
    metadata: { source_kind: OPENGRAPH_SOURCE_KIND },
    graph: { nodes: nodes.map(toNode), edges: steps.map(toEdge) },
  };
}
