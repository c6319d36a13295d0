/**
 * Builds the {@link RuleContext}: the model normalised and indexed once, the catalogue indexed by
 * attack method, and the placements indexed by element, so that every rule is a cheap pure scan.
 */
import { ValidationError, type FieldIssue } from '../../domain/errors';
import {
  CHANNEL_PAYLOADS,
  EXTRINSIC_MECHANISMS,
  EXTRINSIC_MECHANISM_CONTROL,
  INTERFACE_FUNCTIONS,
  INTERFACE_KINDS,
  vulnerabilityCreatesSteps,
  evidenceSourceText,
  type AttackMethod,
  type Catalogue,
  type Control,
  type ElementType,
  type ModelDocument,
  type Asset,
  type Channel,
  type Device,
  type Interface,
  type Zone,
  type ControlEffect,
} from '../../domain/types';
import { compareIds, sortById } from '../compare';
import { canPlaceControl, elementFacts, placementMisfit, type PlaceableElement } from '../controls';
import { cvssBaseScore, cvssEngineMetrics, parseCvssVector } from '../cvss';
import {
  assetDisclosureRecords,
  assetSafetySeverities,
  zoneGivesPhysicalAccess,
  privacySeverity,
  PRIVACY_SEVERITIES,
  SEVERITY_RANK,
  type Impact,
} from '../../domain/types';
import {
  CAPABILITIES,
  capabilityNodeId,
  type AttackGraphNode,
  type StepRef,
  type BlockingControl,
  type Capability,
  type EffectControl,
  type PlacementAssumption,
  type PlacementInput,
  type ReducingControl,
  type StepEvidence,
} from '../types';
import type { AttackRule, IndexedModel, RuleContext, ScoredVulnerability, StepDraft } from './rule';
import { indexFactEvidence, withInterfaceEvidence } from './fact-evidence';

/** Smallest likelihood a step can have: keeps −ln(likelihood) finite. */
export const MIN_LIKELIHOOD = 1e-6;

/** Clamps to [MIN_LIKELIHOOD, 1] and rounds to 6 decimals (readable, stable JSON). */
export function normaliseLikelihood(x: number): number {
  const r = Math.round(Math.min(1, Math.max(MIN_LIKELIHOOD, x)) * 1e6) / 1e6;
  return r < MIN_LIKELIHOOD ? MIN_LIKELIHOOD : r;
}

interface PlacedControl {
  status: 'IMPLEMENTED' | 'PLANNED';
  cost?: number;
  /** 2.2: where the placement was imported from, as one line (evidenceSourceText). */
  source?: string;
}

/**
 * The controls of a blocking entry as steps list them: PREVENTS (`list`), REDUCES, DETECTS or
 * RECOVERS, and where its IMPLEMENTED placements come from. Shared by the entry's steps (read-only).
 */
export interface EntryControls {
  /** PREVENTS controls (AttackStep.blockingControls). */
  blockingControls: BlockingControl[];
  /** REDUCES controls (AttackStep.reducingControls). */
  reducingControls: ReducingControl[];
  /** DETECTS and RECOVERS controls (AttackStep.otherControls). */
  otherControls: EffectControl[];
  /** Where its IMPLEMENTED placements were imported from, as step evidence (controlSource). */
  sources: StepEvidence[];
}

/** Catalogue controls that fit one kind of element (its facts' slot) against one attack method, by effect. */
interface Template {
  /** All of them, in catalogue order (control id, then effect). */
  all: readonly Applicable[];
  /** Those whose effect is PREVENTS, REDUCES, or DETECTS/RECOVERS, each in the order of `all`. */
  prevent: readonly Applicable[];
  reduce: readonly Applicable[];
  other: readonly Applicable[];
}

/** A catalogue control with one of its effects, and its ordinal (position in control-id order). */
interface Applicable {
  control: Control;
  ordinal: number;
  effect: ControlEffect;
}

/**
 * What blocks, reduces or is reported on the steps of one (control element, attack method), or of
 * several combined (a step with `alsoBlockedOn`). Most entries are an element without placements
 * of the method's controls: they keep only their template and element, and their control lists
 * are made when a step is asked for.
 */
export interface BlockingEntry {
  /** Its position in StepRecord.entries. */
  ordinal: number;
  /** Its blocking list in StepRecord.lists (0: the empty list). */
  list: number;
  /** Its reducing list in StepRecord.reducerLists, −1 when no candidate reduces. */
  reducer: number;
  /** Some PREVENTS control is IMPLEMENTED (or a legacy control-review flag). */
  blocked: boolean;
  /** Product of the factors of its IMPLEMENTED reducing controls. */
  factor: number;
  /** What it adds to its steps' evidence (implemented reducers, placement sources). */
  evidence: StepEvidence[];
  /** Element ordinal (element-id order) of a single element's entry, −1 for a combined one. */
  element: number;
  /** An entry without placements: its template (its controls are made on demand from it). */
  template: Template | null;
  /** A combined entry's parts, when its controls are made on demand (parts without placements). */
  parts: readonly BlockingEntry[] | null;
  /** Its controls: made at once for entries with placements, on demand otherwise ({@link BuiltContext.controlsOf}). */
  controls: EntryControls | null;
}

/** Growable flat lists (graph-index PlacementLists): list l is items start[l] .. start[l+1]. */
interface FlatLists {
  start: number[];
  /** Placement keys controlOrdinal·E + elementOrdinal (E = the number of elements). */
  keys: number[];
  /** Cost units of each key. */
  costs: number[];
  /** Reducing lists: the factor (0 < f < 1) of each key; empty for blocking lists. */
  factors: number[];
}

/**
 * Every step made through {@link RuleContext.step}, as columns in creation order: no object per
 * step (at 10k devices, 225k step objects and their control lists were most of the build, much of
 * it in the garbage collector). buildAttackGraph sorts the columns by step id, and AttackStep
 * objects are made only for the steps a caller reads.
 */
export interface StepRecord {
  /**
   * What follows `ruleId@fromId@` in the step's id: the to-node id, then `@qualifier` if any (the
   * graph's own string when there is no qualifier). Whole ids are made on demand.
   */
  tail: string[];
  /** From- and to-node of each step (positions in the node-id order). */
  from: number[];
  to: number[];
  /** Position of the step's rule in `ruleIds`. */
  rule: number[];
  /** Position of the step's attack method in `methodIds`. */
  method: number[];
  /** Clamped and rounded (normaliseLikelihood), IMPLEMENTED reducers applied. */
  likelihood: number[];
  /** Its blocking entry (position in `entries`). */
  entry: number[];
  /** Its evidence list (position in `evidenceLists`). */
  evidence: number[];
  /** Element ordinal of its controlElementId, −1 for null. */
  controlElement: number[];
  /** Rule ids in the order of their first step. */
  ruleIds: string[];
  /** Attack method ids of the catalogue, sorted. */
  methodIds: readonly string[];
  /** Evidence lists, interned by content (read-only, shared by steps). */
  evidenceLists: StepEvidence[][];
  /** Blocking entries; entry 0 is the empty one (steps nothing can block). */
  entries: BlockingEntry[];
  /** Blocking lists: non-IMPLEMENTED PREVENTS controls as placement keys controlOrdinal·E + elementOrdinal. */
  lists: FlatLists;
  /** Reducing lists: non-IMPLEMENTED REDUCES controls as placement keys, with their factors. */
  reducerLists: FlatLists;
}

/** Element facts shared by all elements of one type / kind / technology, numbered for caches. */
type SlottedFacts = PlaceableElement & { slot: number };

/** Everything buildAttackGraph needs besides the rules. */
export interface BuiltContext {
  ctx: RuleContext;
  /** Element id → its type and the facts control applicability needs (zones, devices, interfaces, channels, assets). */
  elements: ReadonlyMap<string, PlaceableElement>;
  controls: ReadonlyMap<string, Control>;
  /** All capability nodes in id order, their ids, and their positions. */
  nodes: AttackGraphNode[];
  nodeIds: string[];
  nodeIndex: Map<string, number>;
  /** All element ids in id order (placement keys number elements by this order). */
  elementIds: string[];
  /** Control ids in id order (ordinal = position in placement keys). */
  controlIds: string[];
  record: StepRecord;
  /** The controls of an entry of `record` (made once per entry, then kept). */
  controlsOf: (entry: BlockingEntry) => EntryControls;
  /** Target node ids (asset impacts with a severity), in id order. */
  targetNodeIds: string[];
}

const sortedUnique = (ids: readonly string[]): string[] => [...new Set(ids)].sort(compareIds);
const inEnumOrder = <T extends string>(values: readonly T[], order: readonly T[]): T[] =>
  order.filter((v) => values.includes(v));

/**
 * Normalises and indexes the model and catalogue.
 *
 * @throws ValidationError listing every structural problem that would make the graph wrong:
 *   an id used by two elements (zones, devices, interfaces, channels and assets share one id
 *   space as graph nodes), a reference that does not resolve, an unscorable CVSS vector, an
 *   extra placement naming an unknown control or element or a control that cannot sit there.
 *   Model placements naming unknown or unfit controls are ignored (import validation rejects them).
 */
export function buildRuleContext(
  model: ModelDocument,
  catalogue: Catalogue,
  extraPlacements: readonly PlacementInput[] = [],
  assume: PlacementAssumption = 'IMPLEMENTED',
  legacyPrevents: readonly { elementId: string; attackMethodIds: readonly string[] }[] = [],
): BuiltContext {
  const legacy = new Set(legacyPrevents.flatMap((l) => l.attackMethodIds.map((m) => `${l.elementId}\u0000${m}`)));
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  const zones: Zone[] = sortById(model.zones).map((z) => ({
    ...z,
    ...(z.linkedZoneIds ? { linkedZoneIds: sortedUnique(z.linkedZoneIds).filter((id) => id !== z.id) } : {}),
    ...(z.linkedZoneServices ? { linkedZoneServices: inEnumOrder(z.linkedZoneServices, INTERFACE_KINDS) } : {}),
  }));
  const devices: Device[] = sortById(model.devices).map((d) => ({
    ...d,
    zoneIds: sortedUnique(d.zoneIds),
    ...(d.outboundZoneIds ? { outboundZoneIds: sortedUnique(d.outboundZoneIds) } : {}),
  }));
  const interfaces: Interface[] = sortById(model.interfaces).map((i) => ({
    ...i,
    exposedToZoneIds: sortedUnique(i.exposedToZoneIds),
    ...(i.functions ? { functions: inEnumOrder(i.functions, INTERFACE_FUNCTIONS) } : {}),
  }));
  const channels: Channel[] = sortById(model.channels).map((c) => ({
    ...c,
    zoneIds: sortedUnique(c.zoneIds),
    carries: inEnumOrder(c.carries, CHANNEL_PAYLOADS),
    ...(c.forwardedTo ? { forwardedTo: sortedUnique(c.forwardedTo) } : {}),
    extrinsicMechanisms: inEnumOrder(c.extrinsicMechanisms, EXTRINSIC_MECHANISMS),
  }));
  const assets: Asset[] = sortById(model.assets);

  const elements = new Map<string, SlottedFacts>();
  const register = (id: string, element: SlottedFacts, path: () => string): void => {
    if (elements.has(id))
      add(
        `${path()}.id`,
        `duplicate element id '${id}': every zone, device, interface, channel and asset needs its own id`,
      );
    else elements.set(id, element);
  };
  // One shared facts object per element type / interface kind / channel technology; `slot`
  // numbers them for the applicable-controls cache.
  const factsBySlot: SlottedFacts[] = [];
  const slotted = (facts: PlaceableElement): SlottedFacts => {
    const f = { ...facts, slot: factsBySlot.length };
    factsBySlot.push(f);
    return f;
  };
  const ASSET = slotted({ type: 'ASSET' });
  // Facts shared by elements with the same signature (type, kind/technology, device facts).
  const bySignature = new Map<string, SlottedFacts>();
  // The signature is the facts' JSON, field by field; a nested object (a device's facts, which
  // its interfaces and channels share) is written once and its text reused.
  const nestedJson = new Map<object, string>();
  const json = (value: unknown): string => {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
    if (Array.isArray(value)) return `[${value.map(json).join(',')}]`;
    let text = nestedJson.get(value);
    if (text === undefined) nestedJson.set(value, (text = JSON.stringify(value)));
    return text;
  };
  const signature = (facts: PlaceableElement): string => {
    let key = '';
    for (const [name, value] of Object.entries(facts)) key += `${name}:${json(value)};`;
    return key;
  };
  const shared = (facts: PlaceableElement): SlottedFacts => {
    const key = signature(facts);
    let f = bySignature.get(key);
    if (!f) bySignature.set(key, (f = slotted(facts)));
    return f;
  };
  const facts = elementFacts(model);
  model.zones.forEach((z, i) => register(z.id, shared(facts.get(z.id)!), () => `zones[${i}]`));
  model.devices.forEach((d, i) => register(d.id, shared(facts.get(d.id)!), () => `devices[${i}]`));
  model.interfaces.forEach((f, i) => register(f.id, shared(facts.get(f.id)!), () => `interfaces[${i}]`));
  model.channels.forEach((c, i) => register(c.id, shared(facts.get(c.id)!), () => `channels[${i}]`));
  model.assets.forEach((a, i) => register(a.id, ASSET, () => `assets[${i}]`));

  /** Records an issue at `path()` unless `id` is an element of `type` (the path is made only then). */
  const expect = (id: string, type: ElementType, path: () => string): void => {
    const found = elements.get(id);
    if (found?.type === type) return;
    if (!found) add(path(), `unknown ${type.toLowerCase()} '${id}'`);
    else add(path(), `'${id}' is a ${found.type.toLowerCase()}, not a ${type.toLowerCase()}`);
  };
  model.devices.forEach((d, i) => {
    d.zoneIds.forEach((z, j) => expect(z, 'ZONE', () => `devices[${i}].zoneIds[${j}]`));
    if (d.hostDeviceId !== undefined) expect(d.hostDeviceId, 'DEVICE', () => `devices[${i}].hostDeviceId`);
    d.outboundZoneIds?.forEach((z, j) => expect(z, 'ZONE', () => `devices[${i}].outboundZoneIds[${j}]`));
  });
  model.zones.forEach((z, i) =>
    z.linkedZoneIds?.forEach((l, j) => expect(l, 'ZONE', () => `zones[${i}].linkedZoneIds[${j}]`)),
  );
  model.interfaces.forEach((f, i) => {
    expect(f.deviceId, 'DEVICE', () => `interfaces[${i}].deviceId`);
    f.exposedToZoneIds.forEach((z, j) => expect(z, 'ZONE', () => `interfaces[${i}].exposedToZoneIds[${j}]`));
  });
  model.channels.forEach((c, i) => {
    expect(c.fromDeviceId, 'DEVICE', () => `channels[${i}].fromDeviceId`);
    expect(c.toDeviceId, 'DEVICE', () => `channels[${i}].toDeviceId`);
    if (c.fromInterfaceId !== undefined) expect(c.fromInterfaceId, 'INTERFACE', () => `channels[${i}].fromInterfaceId`);
    if (c.toInterfaceId !== undefined) expect(c.toInterfaceId, 'INTERFACE', () => `channels[${i}].toInterfaceId`);
    c.zoneIds.forEach((z, j) => expect(z, 'ZONE', () => `channels[${i}].zoneIds[${j}]`));
    c.forwardedTo?.forEach((f, j) => expect(f, 'CHANNEL', () => `channels[${i}].forwardedTo[${j}]`));
  });
  model.assets.forEach((a, i) => expect(a.deviceId, 'DEVICE', () => `assets[${i}].deviceId`));

  const vulnerabilitiesByElement = new Map<string, ScoredVulnerability[]>();
  model.vulnerabilities.forEach((v, i) => {
    const target = elements.get(v.elementId);
    if (!target || (target.type !== 'DEVICE' && target.type !== 'INTERFACE')) {
      add(`vulnerabilities[${i}].elementId`, `'${v.elementId}' is not a device or interface of this model`);
      return;
    }
    try {
      const cvss = parseCvssVector(v.cvssVector, `vulnerabilities[${i}].cvssVector`);
      // 2.2: a FIXED or NOT_AFFECTED vulnerability (CSAF product status, VEX analysis) opens no step.
      if (!vulnerabilityCreatesSteps(v)) return;
      const list = vulnerabilitiesByElement.get(v.elementId) ?? [];
      const score = cvssBaseScore(cvss);
      list.push({
        id: v.id,
        cveId: v.cveId,
        elementId: v.elementId,
        cvss,
        metrics: cvssEngineMetrics(cvss),
        score,
        label: `${v.cveId} (CVSS ${score.toFixed(1)})`,
        ...(v.status === 'AFFECTED' || v.status === 'UNDER_INVESTIGATION' ? { status: v.status } : {}),
        ...(v.source ? { source: evidenceSourceText(v.source) } : {}),
      });
      vulnerabilitiesByElement.set(v.elementId, list);
    } catch (e) {
      if (e instanceof ValidationError) issues.push(...e.issues);
      else throw e;
    }
  });
  for (const list of vulnerabilitiesByElement.values()) list.sort((a, b) => compareIds(a.id, b.id));

  const controls = new Map<string, Control>(sortById(catalogue.controls).map((c) => [c.id, c]));
  extraPlacements.forEach((p, i) => {
    const control = controls.get(p.controlId);
    const element = elements.get(p.elementId);
    if (!control) add(`extraPlacements[${i}].controlId`, `unknown control '${p.controlId}'`);
    if (!element) add(`extraPlacements[${i}].elementId`, `unknown element '${p.elementId}'`);
    const misfit = control && element ? placementMisfit(control, element) : null;
    if (misfit !== null)
      add(`extraPlacements[${i}]`, `${element!.type.toLowerCase()} '${p.elementId}' cannot carry it: ${misfit}`);
  });
  if (issues.length > 0) throw new ValidationError(issues);

  // Placements by element: IMPLEMENTED wins over PLANNED; among equals the first by placement id.
  const placed = new Map<string, Map<string, PlacedControl>>();
  const put = (elementId: string, controlId: string, p: PlacedControl): void => {
    let byControl = placed.get(elementId);
    if (!byControl) placed.set(elementId, (byControl = new Map()));
    const existing = byControl.get(controlId);
    if (!existing || (existing.status === 'PLANNED' && p.status === 'IMPLEMENTED')) byControl.set(controlId, p);
  };
  const modelPlacements = sortById(model.controlPlacements);
  // Extra (what-if) placements first so that they win; their cost falls back to the model's placement.
  const modelCost = new Map<string, number | undefined>();
  for (const m of modelPlacements) {
    const key = `${m.controlId}\u0000${m.elementId}`;
    if (!modelCost.has(key)) modelCost.set(key, m.cost);
  }
  for (const p of [...extraPlacements].sort(
    (a, b) => compareIds(a.controlId, b.controlId) || compareIds(a.elementId, b.elementId),
  )) {
    put(p.elementId, p.controlId, {
      status: 'IMPLEMENTED',
      cost: p.cost ?? modelCost.get(`${p.controlId}\u0000${p.elementId}`),
    });
  }
  for (const p of modelPlacements) {
    if (p.status === 'IMPLEMENTED' || p.status === 'PLANNED')
      put(p.elementId, p.controlId, {
        status: assume === 'IMPLEMENTED_AND_PLANNED' ? 'IMPLEMENTED' : p.status,
        cost: p.cost,
        ...(p.source ? { source: evidenceSourceText(p.source) } : {}),
      });
  }
  // One representation (controls v2): a channel's extrinsic mechanism is an implemented placement
  // of its control (TLS/VPN → C20, application encryption → C26, challenge-response → C27, message
  // authentication → C21); a placement of the same control on the channel is the same placement.
  for (const c of channels) {
    for (const mechanism of c.extrinsicMechanisms) {
      const controlId = EXTRINSIC_MECHANISM_CONTROL[mechanism];
      if (controls.has(controlId)) put(c.id, controlId, { status: 'IMPLEMENTED', cost: 0 });
    }
  }

  // Controls by attack method and effect (catalogue controls v2: only PREVENTS blocks a step).
  const controlsByMethod = new Map<string, { control: Control; effect: ControlEffect }[]>();
  for (const control of controls.values()) {
    for (const effect of control.effects) {
      const list = controlsByMethod.get(effect.attackMethodId) ?? [];
      list.push({ control, effect });
      controlsByMethod.set(effect.attackMethodId, list);
    }
  }
  const methods = new Map<string, AttackMethod>(catalogue.attackMethods.map((m) => [m.id, m]));

  const group = <T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> => {
    const map = new Map<string, T[]>();
    for (const item of list) {
      const k = key(item);
      const l = map.get(k);
      if (l) l.push(item);
      else map.set(k, [item]);
    }
    return map;
  };

  const indexed: IndexedModel = {
    zones,
    devices,
    interfaces,
    channels,
    assets,
    zoneById: new Map(zones.map((z) => [z.id, z])),
    deviceById: new Map(devices.map((d) => [d.id, d])),
    interfaceById: new Map(interfaces.map((f) => [f.id, f])),
    interfacesByDevice: group(interfaces, (f) => f.deviceId),
    assetsByDevice: group(assets, (a) => a.deviceId),
    vulnerabilitiesByElement,
    routedInto: (() => {
      const into = new Map<string, { from: string; services: readonly Interface['kind'][] }[]>();
      for (const z of zones) {
        if (!z.linkedZoneServices) continue;
        for (const to of z.linkedZoneIds ?? []) {
          const list = into.get(to) ?? [];
          list.push({ from: z.id, services: z.linkedZoneServices });
          into.set(to, list);
        }
      }
      return into;
    })(),
    hostedBy: group(
      devices.filter((d) => d.hostDeviceId !== undefined),
      (d) => d.hostDeviceId!,
    ),
    factEvidence: indexFactEvidence(devices, interfaces),
  };

  // Capability nodes (attack model v2): every element's strongest capability under the element
  // id, the weaker ones and every asset impact as elementId#CAPABILITY.
  const nodeList: AttackGraphNode[] = [];
  // The nodes of each element, by element type (each type's elements in id order): merged below.
  const runs: AttackGraphNode[][][] = [];
  let nodeGroup: AttackGraphNode[] = [];
  const addNode = (
    type: AttackGraphNode['type'],
    elementId: string,
    capability: Capability,
    label: string,
    target?: Pick<AttackGraphNode, 'scale' | 'severity' | 'privacySeverity' | 'records' | 'severityRank'>,
  ): void => {
    const id = capabilityNodeId(elementId, capability);
    const node: AttackGraphNode = target
      ? { id, type, elementId, capability, label, ...target }
      : { id, type, elementId, capability, label };
    nodeList.push(node);
    if (nodeGroup.length > 0 && nodeGroup[0]!.elementId !== elementId) nodeGroup = [];
    if (nodeGroup.length === 0) runs[runs.length - 1]!.push(nodeGroup);
    nodeGroup.push(node);
  };
  /** Starts the run of the next element type. */
  const nextRun = (): void => {
    runs.push([]);
    nodeGroup = [];
  };
  const deviceName = (id: string) => indexed.deviceById.get(id)!.name;
  nextRun();
  for (const z of zones) {
    addNode('ZONE', z.id, 'PRESENCE', z.name);
    if (zoneGivesPhysicalAccess(z)) addNode('ZONE', z.id, 'PHYSICAL_ACCESS', `${z.name} (physical access)`);
  }
  nextRun();
  for (const d of devices) {
    addNode('DEVICE', d.id, 'CONTROL', d.name);
    addNode('DEVICE', d.id, 'USER', `${d.name} (user access)`);
  }
  nextRun();
  for (const f of interfaces) addNode('INTERFACE', f.id, 'USE', `${deviceName(f.deviceId)} / ${f.name}`);
  nextRun();
  for (const c of channels) {
    addNode('CHANNEL', c.id, 'ALTER', c.name);
    addNode('CHANNEL', c.id, 'READ', `${c.name} (read)`);
    addNode('CHANNEL', c.id, 'INJECT', `${c.name} (inject)`);
    if (c.carries.includes('TELEMETRY') || c.carries.includes('ALARMS'))
      addNode('CHANNEL', c.id, 'FORGED', `${c.name} (forged data)`);
  }
  const targetNodeIds: string[] = [];
  nextRun();
  for (const a of assets) {
    const label = `${deviceName(a.deviceId)} / ${a.name}`;
    const safety = assetSafetySeverities(a);
    for (const impact of ['MANIPULATE', 'DENY'] as const) {
      const severity = safety[impact];
      if (!severity) continue;
      addNode('ASSET', a.id, impact, `${label} (${impact === 'MANIPULATE' ? 'manipulated' : 'denied'})`, {
        scale: 'SAFETY',
        severity,
        severityRank: SEVERITY_RANK[severity],
      });
    }
    const records = assetDisclosureRecords(a, indexed.deviceById.get(a.deviceId));
    if (records !== undefined) {
      const ps = privacySeverity(records);
      addNode('ASSET', a.id, 'DISCLOSE', `${label} (disclosed)`, {
        scale: 'PRIVACY',
        privacySeverity: ps,
        records,
        severityRank: PRIVACY_SEVERITIES.indexOf(ps) + 1,
      });
    }
  }
  // The id string of every node by element and capability: rules ask for node ids by (element,
  // capability) about twice per step, and a string built anew must be flattened and hashed again
  // for every lookup; the graph's own string is hashed once.
  const capabilityOrdinal = new Map<Capability, number>(CAPABILITIES.map((c, i) => [c, i]));
  const idsOfElement = new Map<string, string[]>();
  for (const node of nodeList) {
    let ids = idsOfElement.get(node.elementId);
    if (!ids) idsOfElement.set(node.elementId, (ids = []));
    ids[capabilityOrdinal.get(node.capability)!] = node.id;
  }
  /** capabilityNodeId, as the graph's own string when the node exists. */
  const nodeId = (elementId: string, capability: Capability): string =>
    idsOfElement.get(elementId)?.[capabilityOrdinal.get(capability)!] ?? capabilityNodeId(elementId, capability);
  const sortedNodes = nodesInIdOrder(nodeList, runs);
  nodeList.length = 0;
  nodeList.push(...sortedNodes);
  for (const node of nodeList) if (node.scale) targetNodeIds.push(node.id);
  const nodeIds = nodeList.map((x) => x.id);
  const nodeIndex = new Map<string, number>();
  nodeIds.forEach((id, i) => nodeIndex.set(id, i));
  const elementIds = [...elements.keys()].sort(compareIds);
  const elementOrdinal = new Map<string, number>(elementIds.map((id, i) => [id, i]));
  const n = elementIds.length;
  const controlIds = [...controls.keys()];
  const controlOrdinal = new Map<string, number>(controlIds.map((c, i) => [c, i]));
  const methodIds = [...methods.keys()].sort(compareIds);
  const methodOrdinal = new Map<string, number>(methodIds.map((m, i) => [m, i]));
  const newLists = (): FlatLists => ({ start: [0], keys: [], costs: [], factors: [] });
  const record: StepRecord = {
    tail: [],
    from: [],
    to: [],
    rule: [],
    method: [],
    likelihood: [],
    entry: [],
    evidence: [],
    controlElement: [],
    ruleIds: [],
    methodIds,
    evidenceLists: [],
    entries: [],
    lists: newLists(),
    reducerLists: newLists(),
  };
  const { lists, reducerLists } = record;
  lists.start.push(0); // list 0: the empty list

  // Controls mitigating a method that fit an element depend only on the element's facts (type,
  // kind or technology, device facts): one template per combination.
  const templateCache: (Template | undefined)[] = [];
  const templateFor = (element: SlottedFacts, methodOrd: number): Template => {
    const slot = element.slot * methodIds.length + methodOrd;
    let template = templateCache[slot];
    if (!template) {
      const fit = (controlsByMethod.get(methodIds[methodOrd]!) ?? [])
        .filter((c) => canPlaceControl(c.control, element))
        .map(({ control, effect }) => ({ control, effect, ordinal: controlOrdinal.get(control.id)! }));
      template = {
        all: fit,
        prevent: fit.filter((a) => a.effect.effect === 'PREVENTS'),
        reduce: fit.filter((a) => a.effect.effect === 'REDUCES'),
        other: fit.filter((a) => a.effect.effect !== 'PREVENTS' && a.effect.effect !== 'REDUCES'),
      };
      templateCache[slot] = template;
    }
    return template;
  };

  /** The shared empty list (read-only, like every list of an entry). */
  const NONE: never[] = [];
  const controlsOf = entryControls(elementIds, NONE);

  // The entry of each (element, method), 1-based (0: not made yet). A typed array: about a million
  // slots at 10k devices, which the garbage collector need not scan.
  const entrySlot = new Int32Array(n * methodIds.length);
  const addEntry = (entry: BlockingEntry): BlockingEntry => {
    entry.ordinal = record.entries.length;
    record.entries.push(entry);
    return entry;
  };
  const EMPTY = addEntry({
    ordinal: 0,
    list: 0,
    reducer: -1,
    blocked: false,
    factor: 1,
    evidence: NONE,
    element: -1,
    template: null,
    parts: null,
    controls: { blockingControls: [], reducingControls: NONE, otherControls: NONE, sources: NONE },
  });
  /** Closes list `lists` after its last key: its position. */
  const closeList = (into: FlatLists): number => {
    into.start.push(into.keys.length);
    return into.start.length - 2;
  };
  /** What an entry adds to its steps' evidence: its implemented reducers, then its placements' sources. */
  const entryEvidence = (controls: EntryControls, factor: number): StepEvidence[] =>
    factor === 1 && controls.sources.length === 0
      ? NONE
      : [
          ...controls.reducingControls
            .filter((r) => r.status === 'IMPLEMENTED')
            .map((r) => ({ property: 'reducedBy', value: `${r.controlId} on ${r.elementId} (×${r.factor})` })),
          ...controls.sources,
        ];

  const blockingFor = (elementId: string | null, elementNode: number, methodOrd: number): BlockingEntry => {
    if (elementId === null) return EMPTY;
    const slot = elementNode * methodIds.length + methodOrd;
    const cached = entrySlot[slot]!;
    if (cached !== 0) return record.entries[cached - 1]!;
    const element = elements.get(elementId)!;
    const template = templateFor(element, methodOrd);
    const byControl = placed.get(elementId);
    const legacyBlocked = legacy.size > 0 && legacy.has(`${elementId}\u0000${methodIds[methodOrd]!}`);
    const withPlacements = byControl !== undefined && template.all.some((a) => byControl.has(a.control.id));
    let entry: BlockingEntry;
    if (!withPlacements && !legacyBlocked) {
      // Every control a candidate at its default cost: keys from the template, lists on demand.
      for (const a of template.prevent) {
        lists.keys.push(a.ordinal * n + elementNode);
        lists.costs.push(a.control.defaultCost);
      }
      let reducer = -1;
      if (template.reduce.length > 0) {
        for (const a of template.reduce) {
          reducerLists.keys.push(a.ordinal * n + elementNode);
          reducerLists.costs.push(a.control.defaultCost);
          reducerLists.factors.push(a.effect.factor!);
        }
        reducer = closeList(reducerLists);
      }
      entry = addEntry({
        ordinal: 0,
        list: closeList(lists),
        reducer,
        blocked: false,
        factor: 1,
        evidence: NONE,
        element: elementNode,
        template,
        parts: null,
        controls: null,
      });
    } else {
      const controls = controlsOf.make(template, elementNode, byControl);
      // Keys of the controls not in force, in the template's order (which the lists follow).
      let blocked = legacyBlocked;
      controls.blockingControls.forEach((b, i) => {
        if (b.status === 'IMPLEMENTED') blocked = true;
        else {
          lists.keys.push(template.prevent[i]!.ordinal * n + elementNode);
          lists.costs.push(b.cost);
        }
      });
      let factor = 1;
      let reducerKeys = 0;
      controls.reducingControls.forEach((r, i) => {
        if (r.status === 'IMPLEMENTED') factor *= r.factor;
        else {
          reducerLists.keys.push(template.reduce[i]!.ordinal * n + elementNode);
          reducerLists.costs.push(r.cost);
          reducerLists.factors.push(r.factor);
          reducerKeys++;
        }
      });
      entry = addEntry({
        ordinal: 0,
        list: closeList(lists),
        reducer: reducerKeys > 0 ? closeList(reducerLists) : -1,
        blocked,
        factor,
        evidence: entryEvidence(controls, factor),
        element: elementNode,
        template: null,
        parts: null,
        controls,
      });
    }
    entrySlot[slot] = entry.ordinal + 1;
    return entry;
  };

  // Steps that more than one element can block (e.g. an outbound connection: egress filtering on
  // the device's zone, or removing the function on the device) share a combined entry per key.
  const combinedCache = new Map<string, BlockingEntry>();
  const combinedBlocking = (
    first: BlockingEntry,
    others: readonly (string | { elementId: string; attackMethodId: string })[],
    methodId: string,
  ): BlockingEntry => {
    const pairs = others.map((o) => (typeof o === 'string' ? { elementId: o, attackMethodId: methodId } : o));
    const key = `${first.ordinal}\u0000${pairs.map((o) => `${o.elementId}\u0001${o.attackMethodId}`).join('\u0000')}`;
    const cached = combinedCache.get(key);
    if (cached) return cached;
    const parts = [
      first,
      ...pairs.map((o) =>
        blockingFor(o.elementId, elementOrdinal.get(o.elementId)!, methodOrdinal.get(method(o.attackMethodId).id)!),
      ),
    ];
    // Blocking keys: the parts' lists, each key once, in the parts' order.
    const seenKey = new Set<number>();
    for (const p of parts) appendOnce(lists, p.list, seenKey);
    const list = closeList(lists);
    let entry: BlockingEntry;
    if (parts.every((p) => p.template !== null || p === EMPTY)) {
      // Parts without placements: nothing in force, every reducer a candidate (each placement
      // once, in the parts' order); the controls are made on demand.
      const seenReducer = new Set<number>();
      for (const p of parts) if (p.reducer >= 0) appendOnce(reducerLists, p.reducer, seenReducer);
      entry = addEntry({
        ordinal: 0,
        list,
        reducer: seenReducer.size > 0 ? closeList(reducerLists) : -1,
        blocked: false,
        factor: 1,
        evidence: NONE,
        element: -1,
        template: null,
        parts,
        controls: null,
      });
    } else {
      const controls = combineControls(parts.map(controlsOf), NONE);
      // A control reducing on two counts reduces once (its factor, not its square).
      const factor = controls.reducingControls.reduce((f, r) => (r.status === 'IMPLEMENTED' ? f * r.factor : f), 1);
      let reducer = -1;
      const candidates = controls.reducingControls.filter((r) => r.status !== 'IMPLEMENTED');
      if (candidates.length > 0) {
        for (const r of candidates) {
          reducerLists.keys.push(controlOrdinal.get(r.controlId)! * n + elementOrdinal.get(r.elementId)!);
          reducerLists.costs.push(r.cost);
          reducerLists.factors.push(r.factor);
        }
        reducer = closeList(reducerLists);
      }
      entry = addEntry({
        ordinal: 0,
        list,
        reducer,
        blocked: parts.some((p) => p.blocked),
        factor,
        evidence: entryEvidence(controls, factor),
        element: -1,
        template: null,
        parts: null,
        controls,
      });
    }
    combinedCache.set(key, entry);
    return entry;
  };

  // Evidence lists interned by content: at 10k devices 225k steps carry about 17k distinct lists
  // (340k items, mostly repeats such as "interfaceKind: WEB_UI"). Steps with equal evidence share
  // one read-only array (as they share blockingControls), and a rule's fresh list dies young.
  // Found through a trie by property, then value, item by item: no key string is built per step
  // (rules make most lists afresh for each step).
  interface EvidenceTrie {
    /** The list ending here (position in evidenceLists), −1 when none does yet. */
    ordinal: number;
    next: Map<string, Map<string, EvidenceTrie>> | null;
  }
  const evidenceRoot: EvidenceTrie = { ordinal: 0, next: null };
  record.evidenceLists.push(NONE);
  const intern = (evidence: readonly StepEvidence[]): number => {
    let node = evidenceRoot;
    for (const e of evidence) {
      const byProperty = (node.next ??= new Map());
      let byValue = byProperty.get(e.property);
      if (!byValue) byProperty.set(e.property, (byValue = new Map()));
      let child = byValue.get(e.value);
      if (!child) byValue.set(e.value, (child = { ordinal: -1, next: null }));
      node = child;
    }
    if (node.ordinal < 0) {
      // a copy of plain items: a rule's objects may hold more than the two fields
      node.ordinal = record.evidenceLists.length;
      record.evidenceLists.push(evidence.map((e) => ({ property: e.property, value: e.value })));
    }
    return node.ordinal;
  };

  const method = (id: string): AttackMethod => {
    const m = methods.get(id);
    if (!m) {
      throw new ValidationError(
        `the catalogue has no attack method '${id}', which the attack rules use: add it`,
        'attackMethods',
      );
    }
    return m;
  };
  // Steps come rule by rule: the last rule's ordinal saves a lookup per step.
  let lastRule: AttackRule | null = null;
  let lastRuleOrdinal = -1;
  const ctx: RuleContext = {
    model: indexed,
    method,
    has: (nodeId: string) => nodeIndex.has(nodeId),
    node: nodeId,
    impactNodes(asset, impacts: readonly Impact[]) {
      // the asset's own node ids: an impact without a node (no severity for it) is left out
      const ids = idsOfElement.get(asset.id);
      const out: string[] = [];
      if (ids) {
        for (const impact of impacts) {
          const id = ids[capabilityOrdinal.get(impact)!];
          if (id !== undefined) out.push(id);
        }
      }
      return out;
    },
    step(rule: AttackRule, d: StepDraft): StepRef {
      const from = nodeIndex.get(d.from);
      const to = nodeIndex.get(d.to);
      const ce = d.controlElementId;
      const ceNode = ce === null ? -1 : elementOrdinal.get(ce);
      if (from === undefined || to === undefined || ceNode === undefined) {
        throw new Error(`rule ${rule.id} made a step between elements that are not in the model`);
      }
      let methodOrd = methodOrdinal.get(d.attackMethodId);
      if (methodOrd === undefined) methodOrd = methodOrdinal.get(method(d.attackMethodId).id)!; // throws
      let entry = blockingFor(ce, ceNode, methodOrd);
      if (d.alsoBlockedOn && d.alsoBlockedOn.length > 0)
        entry = combinedBlocking(entry, d.alsoBlockedOn, d.attackMethodId);
      if (rule !== lastRule) {
        lastRule = rule;
        lastRuleOrdinal = record.ruleIds.indexOf(rule.id);
        if (lastRuleOrdinal < 0) lastRuleOrdinal = record.ruleIds.push(rule.id) - 1;
      }
      // The graph's own id string; join makes one flat string (a template literal makes a tree of
      // concatenations, kept alive and flattened again by the sort).
      const toId = nodeIds[to]!;
      record.tail.push(d.qualifier !== undefined ? [toId, d.qualifier].join('@') : toId);
      record.from.push(from);
      record.to.push(to);
      record.rule.push(lastRuleOrdinal);
      record.method.push(methodOrd);
      record.likelihood.push(normaliseLikelihood(d.likelihood * entry.factor));
      record.entry.push(entry.ordinal);
      // 2.2: steps entering or using an interface with linked evidence (e.g. created by an MDS2) list it.
      const extra = entry.evidence;
      record.evidence.push(
        intern(
          withInterfaceEvidence(
            extra.length === 0 ? d.evidence : [...d.evidence, ...extra],
            indexed.factEvidence,
            d.from,
            d.to,
          ),
        ),
      );
      record.controlElement.push(ceNode);
      return record.tail.length - 1;
    },
  };
  return {
    ctx,
    elements,
    controls,
    nodes: nodeList,
    nodeIds,
    nodeIndex,
    elementIds,
    controlIds,
    record,
    controlsOf,
    targetNodeIds,
  };
}

/** Appends list `l` of `lists` to its end, without the keys in `seen` (which it extends). */
function appendOnce(lists: FlatLists, l: number, seen: Set<number>): void {
  for (let i = lists.start[l]!, end = lists.start[l + 1]!; i < end; i++) {
    const k = lists.keys[i]!;
    if (seen.has(k)) continue;
    seen.add(k);
    lists.keys.push(k);
    lists.costs.push(lists.costs[i]!);
    if (lists.factors.length > 0) lists.factors.push(lists.factors[i]!);
  }
}

/**
 * The controls of blocking entries: `make` lists them from a template, each with its placement's
 * status and cost (CANDIDATE at its default cost when not placed); the function itself gives an
 * entry's controls, made on demand for entries without placements and kept on the entry. A
 * function of its own, outside buildRuleContext, so that a graph keeps only what it needs (not the
 * model's indexes). One BlockingControl object per (control, element), whatever the method: its
 * fields do not depend on it.
 */
function entryControls(
  elementIds: readonly string[],
  NONE: never[],
): ((entry: BlockingEntry) => EntryControls) & {
  make(template: Template, elementNode: number, placed?: ReadonlyMap<string, PlacedControl>): EntryControls;
} {
  const n = elementIds.length;
  const shared = new Map<number, BlockingControl>();
  const orNone = <T>(list: T[]): T[] => (list.length === 0 ? NONE : list);
  const make = (template: Template, e: number, placed?: ReadonlyMap<string, PlacedControl>): EntryControls => {
    const elementId = elementIds[e]!;
    const blockingControls: BlockingControl[] = [];
    const reducingControls: ReducingControl[] = [];
    const otherControls: EffectControl[] = [];
    const sources: StepEvidence[] = [];
    for (const { control, ordinal, effect } of template.all) {
      const p = placed?.get(control.id);
      const status = p ? p.status : 'CANDIDATE';
      const cost = p?.cost ?? control.defaultCost;
      if (p?.status === 'IMPLEMENTED' && p.source)
        sources.push({ property: 'controlSource', value: `${control.id} on ${elementId}: ${p.source}` });
      if (effect.effect === 'PREVENTS') {
        const key = ordinal * n + e;
        let b = shared.get(key);
        if (!b) shared.set(key, (b = { controlId: control.id, elementId, cost, status }));
        blockingControls.push(b);
      } else if (effect.effect === 'REDUCES')
        reducingControls.push({ controlId: control.id, elementId, cost, status, factor: effect.factor! });
      else otherControls.push({ controlId: control.id, elementId, cost, status, effect: effect.effect });
    }
    return {
      blockingControls,
      reducingControls: orNone(reducingControls),
      otherControls: orNone(otherControls),
      sources: orNone(sources),
    };
  };
  const controlsOf = (entry: BlockingEntry): EntryControls => {
    if (entry.controls) return entry.controls;
    entry.controls = entry.parts
      ? combineControls(entry.parts.map(controlsOf), NONE)
      : make(entry.template!, entry.element);
    return entry.controls;
  };
  return Object.assign(controlsOf, { make });
}

/**
 * The controls of a combined entry: its parts' lists joined, each placement once (the first), so
 * that each placement is one column of the optimiser's row even when it blocks the step on two
 * counts (e.g. a control preventing both methods on one element).
 */
function combineControls(parts: readonly EntryControls[], NONE: never[]): EntryControls {
  const once = <T extends { controlId: string; elementId: string }>(list: T[]): T[] => {
    const seen = new Set<string>();
    return list.filter((b) => {
      const k = `${b.controlId}\u0000${b.elementId}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  const orNone = <T>(list: T[]): T[] => (list.length === 0 ? NONE : list);
  return {
    blockingControls: once(parts.flatMap((c) => c.blockingControls)),
    reducingControls: orNone(once(parts.flatMap((c) => c.reducingControls))),
    otherControls: orNone(once(parts.flatMap((c) => c.otherControls))),
    sources: orNone([...new Map(parts.flatMap((c) => c.sources).map((e) => [e.value, e])).values()]),
  };
}

/**
 * `nodes` in id order (code units). Each run holds one element type's nodes, element by element
 * in id order; an element's nodes are its id and id#CAPABILITY. As no element id has a character
 * at or below '#' (the exchange schema allows [A-Za-z0-9_.:-]), every node of a smaller element id
 * comes before every node of a larger one: the runs are merged by element id and each element's
 * few nodes sorted, instead of sorting all nodes (108k at 10k devices). Otherwise (a model that
 * skipped the schema) all nodes are sorted.
 */
function nodesInIdOrder(
  nodes: readonly AttackGraphNode[],
  runs: readonly (readonly AttackGraphNode[][])[],
): AttackGraphNode[] {
  const byId = (a: AttackGraphNode, b: AttackGraphNode) => compareIds(a.id, b.id);
  const plain = runs.every((run) =>
    run.every(
      (g, i) =>
        !/[\u0000-#]/.test(g[0]!.elementId) && (i === 0 || compareIds(run[i - 1]![0]!.elementId, g[0]!.elementId) < 0),
    ),
  );
  if (!plain) return [...nodes].sort(byId);
  const out: AttackGraphNode[] = [];
  const at = runs.map(() => 0);
  for (;;) {
    let best = -1;
    for (let r = 0; r < runs.length; r++) {
      const g = runs[r]![at[r]!];
      if (g && (best < 0 || compareIds(g[0]!.elementId, runs[best]![at[best]!]![0]!.elementId) < 0)) best = r;
    }
    if (best < 0) return out;
    const g = runs[best]![at[best]!++]!;
    if (g.length > 1) g.sort(byId);
    for (const node of g) out.push(node);
  }
}
