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
  type AttackStep,
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

/** Every step made through {@link RuleContext.step}, in creation order, with its integers. */
export interface StepRecord {
  steps: AttackStep[];
  from: number[];
  to: number[];
  /** Blocking list of each step (index into listKeys / listCosts). */
  list: number[];
  /** Per blocking list: placement keys controlOrdinal·E + elementOrdinal of its non-IMPLEMENTED controls. */
  listKeys: number[][];
  listCosts: number[][];
  /** Reducing list of each step (index into reducerListKeys/Costs/Factors), −1 when it has no candidate reducer. */
  reducer: number[];
  /** Per reducing list: placement keys (as listKeys), costs and factors of its non-IMPLEMENTED reducers. */
  reducerListKeys: number[][];
  reducerListCosts: number[][];
  reducerListFactors: number[][];
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
  const register = (id: string, element: SlottedFacts, path: string): void => {
    if (elements.has(id))
      add(
        `${path}.id`,
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
  const shared = (facts: PlaceableElement): SlottedFacts => {
    const key = JSON.stringify(facts);
    let f = bySignature.get(key);
    if (!f) bySignature.set(key, (f = slotted(facts)));
    return f;
  };
  const facts = elementFacts(model);
  model.zones.forEach((z, i) => register(z.id, shared(facts.get(z.id)!), `zones[${i}]`));
  model.devices.forEach((d, i) => register(d.id, shared(facts.get(d.id)!), `devices[${i}]`));
  model.interfaces.forEach((f, i) => register(f.id, shared(facts.get(f.id)!), `interfaces[${i}]`));
  model.channels.forEach((c, i) => register(c.id, shared(facts.get(c.id)!), `channels[${i}]`));
  model.assets.forEach((a, i) => register(a.id, ASSET, `assets[${i}]`));

  const expect = (id: string, type: ElementType, path: string): void => {
    const found = elements.get(id);
    if (!found) add(path, `unknown ${type.toLowerCase()} '${id}'`);
    else if (found.type !== type) add(path, `'${id}' is a ${found.type.toLowerCase()}, not a ${type.toLowerCase()}`);
  };
  model.devices.forEach((d, i) => {
    d.zoneIds.forEach((z, j) => expect(z, 'ZONE', `devices[${i}].zoneIds[${j}]`));
    if (d.hostDeviceId !== undefined) expect(d.hostDeviceId, 'DEVICE', `devices[${i}].hostDeviceId`);
    d.outboundZoneIds?.forEach((z, j) => expect(z, 'ZONE', `devices[${i}].outboundZoneIds[${j}]`));
  });
  model.zones.forEach((z, i) =>
    z.linkedZoneIds?.forEach((l, j) => expect(l, 'ZONE', `zones[${i}].linkedZoneIds[${j}]`)),
  );
  model.interfaces.forEach((f, i) => {
    expect(f.deviceId, 'DEVICE', `interfaces[${i}].deviceId`);
    f.exposedToZoneIds.forEach((z, j) => expect(z, 'ZONE', `interfaces[${i}].exposedToZoneIds[${j}]`));
  });
  model.channels.forEach((c, i) => {
    expect(c.fromDeviceId, 'DEVICE', `channels[${i}].fromDeviceId`);
    expect(c.toDeviceId, 'DEVICE', `channels[${i}].toDeviceId`);
    if (c.fromInterfaceId !== undefined) expect(c.fromInterfaceId, 'INTERFACE', `channels[${i}].fromInterfaceId`);
    if (c.toInterfaceId !== undefined) expect(c.toInterfaceId, 'INTERFACE', `channels[${i}].toInterfaceId`);
    c.zoneIds.forEach((z, j) => expect(z, 'ZONE', `channels[${i}].zoneIds[${j}]`));
    c.forwardedTo?.forEach((f, j) => expect(f, 'CHANNEL', `channels[${i}].forwardedTo[${j}]`));
  });
  model.assets.forEach((a, i) => expect(a.deviceId, 'DEVICE', `assets[${i}].deviceId`));

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
  const addNode = (node: Omit<AttackGraphNode, 'id'>): void => {
    nodeList.push({ id: capabilityNodeId(node.elementId, node.capability), ...node });
  };
  const deviceName = (id: string) => indexed.deviceById.get(id)!.name;
  for (const z of zones) {
    addNode({ type: 'ZONE', elementId: z.id, capability: 'PRESENCE', label: z.name });
    if (zoneGivesPhysicalAccess(z))
      addNode({ type: 'ZONE', elementId: z.id, capability: 'PHYSICAL_ACCESS', label: `${z.name} (physical access)` });
  }
  for (const d of devices) {
    addNode({ type: 'DEVICE', elementId: d.id, capability: 'CONTROL', label: d.name });
    addNode({ type: 'DEVICE', elementId: d.id, capability: 'USER', label: `${d.name} (user access)` });
  }
  for (const f of interfaces)
    addNode({ type: 'INTERFACE', elementId: f.id, capability: 'USE', label: `${deviceName(f.deviceId)} / ${f.name}` });
  for (const c of channels) {
    addNode({ type: 'CHANNEL', elementId: c.id, capability: 'ALTER', label: c.name });
    addNode({ type: 'CHANNEL', elementId: c.id, capability: 'READ', label: `${c.name} (read)` });
    addNode({ type: 'CHANNEL', elementId: c.id, capability: 'INJECT', label: `${c.name} (inject)` });
    if (c.carries.includes('TELEMETRY') || c.carries.includes('ALARMS'))
      addNode({ type: 'CHANNEL', elementId: c.id, capability: 'FORGED', label: `${c.name} (forged data)` });
  }
  const targetNodeIds: string[] = [];
  for (const a of assets) {
    const label = `${deviceName(a.deviceId)} / ${a.name}`;
    const safety = assetSafetySeverities(a);
    for (const impact of ['MANIPULATE', 'DENY'] as const) {
      const severity = safety[impact];
      if (!severity) continue;
      addNode({
        type: 'ASSET',
        elementId: a.id,
        capability: impact,
        label: `${label} (${impact === 'MANIPULATE' ? 'manipulated' : 'denied'})`,
        scale: 'SAFETY',
        severity,
        severityRank: SEVERITY_RANK[severity],
      });
    }
    const records = assetDisclosureRecords(a, indexed.deviceById.get(a.deviceId));
    if (records !== undefined) {
      const ps = privacySeverity(records);
      addNode({
        type: 'ASSET',
        elementId: a.id,
        capability: 'DISCLOSE',
        label: `${label} (disclosed)`,
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
  nodeList.sort((a, b) => compareIds(a.id, b.id));
  for (const node of nodeList) if (node.scale) targetNodeIds.push(node.id);
  const nodeIds = nodeList.map((x) => x.id);
  const nodeIndex = new Map<string, number>();
  nodeIds.forEach((id, i) => nodeIndex.set(id, i));
  const elementIds = [...elements.keys()].sort(compareIds);
  const elementOrdinal = new Map<string, number>(elementIds.map((id, i) => [id, i]));
  const n = elementIds.length;
  const controlIds = [...controls.keys()];
  const controlOrdinal = new Map<string, number>(controlIds.map((c, i) => [c, i]));
  const record: StepRecord = {
    steps: [],
    from: [],
    to: [],
    list: [],
    listKeys: [[]],
    listCosts: [[]],
    reducer: [],
    reducerListKeys: [],
    reducerListCosts: [],
    reducerListFactors: [],
  };
  /** Records a reducing list (its candidate reducers as placement keys); −1 when it has none. */
  const recordReducers = (reducing: readonly ReducingControl[]): number => {
    const keys: number[] = [];
    const costs: number[] = [];
    const factors: number[] = [];
    for (const r of reducing) {
      if (r.status === 'IMPLEMENTED') continue;
      keys.push(controlOrdinal.get(r.controlId)! * n + elementOrdinal.get(r.elementId)!);
      costs.push(r.cost);
      factors.push(r.factor);
    }
    if (keys.length === 0) return -1;
    record.reducerListKeys.push(keys);
    record.reducerListCosts.push(costs);
    record.reducerListFactors.push(factors);
    return record.reducerListKeys.length - 1;
  };

  // Controls mitigating a method that fit an element depend only on the element's type and
  // technology/kind: computed once per combination.
  const methodIds = [...methods.keys()].sort(compareIds);
  const methodOrdinal = new Map<string, number>(methodIds.map((m, i) => [m, i]));
  interface Applicable {
    control: Control;
    ordinal: number;
    effect: ControlEffect;
  }
  const applicableCache: (Applicable[] | undefined)[] = [];
  const applicableControls = (element: SlottedFacts, methodOrd: number): Applicable[] => {
    const slot = element.slot * methodIds.length + methodOrd;
    let list = applicableCache[slot];
    if (!list) {
      list = (controlsByMethod.get(methodIds[methodOrd]!) ?? [])
        .filter((c) => canPlaceControl(c.control, element))
        .map(({ control, effect }) => ({ control, effect, ordinal: controlOrdinal.get(control.id)! }));
      applicableCache[slot] = list;
    }
    return list;
  };

  // Blocking lists are shared by the steps with the same control element and method (do not
  // mutate them), cached in a flat array indexed by element node × method ordinal. Besides the
  // PREVENTS controls (the blocking list proper) each entry keeps the REDUCES controls (implemented
  // ones multiply the step's likelihood by `factor`) and the DETECTS/RECOVERS controls (reported).
  interface Blocking {
    list: BlockingControl[];
    blocked: boolean;
    ordinal: number;
    reducing: ReducingControl[];
    /** Product of the factors of IMPLEMENTED reducing controls. */
    factor: number;
    other: EffectControl[];
    /** Its reducing list in the record (−1: no candidate reducer). */
    reducerOrdinal: number;
    /** 2.2: where its IMPLEMENTED placements come from (MDS2 answers, advisories), as step evidence. */
    sources: StepEvidence[];
  }
  // Entry of each (element, method) slot, 1-based (0: not made yet). A typed array: about a
  // million slots at 10k devices, which the garbage collector need not scan.
  const blockingSlot = new Int32Array(n * methodIds.length);
  const blockingEntries: Blocking[] = [];
  /** The empty list the blocking entries share (read-only, like the lists themselves). */
  const NONE: never[] = [];
  const orNone = <T>(list: T[]): T[] => (list.length === 0 ? NONE : list);
  const EMPTY: Blocking = {
    list: [],
    blocked: false,
    ordinal: 0,
    reducing: NONE,
    factor: 1,
    other: NONE,
    reducerOrdinal: -1,
    sources: NONE,
  };
  const blockingControlOf = new Map<number, BlockingControl>();
  const blockingFor = (elementId: string | null, elementNode: number, methodId: string): Blocking => {
    if (elementId === null) return EMPTY;
    const methodOrd = methodOrdinal.get(methodId)!;
    const slot = elementNode * methodIds.length + methodOrd;
    const cached = blockingSlot[slot]!;
    if (cached !== 0) return blockingEntries[cached - 1]!;
    const element = elements.get(elementId)!;
    const eid = elementIds[elementNode] ?? elementId; // the graph's own string
    const list: BlockingControl[] = [];
    let reducing: ReducingControl[] = [];
    let other: EffectControl[] = [];
    const keys: number[] = [];
    const costs: number[] = [];
    let blocked = false;
    let factor = 1;
    let sources: StepEvidence[] = [];
    const byControl = placed.get(elementId);
    for (const { control, ordinal, effect } of applicableControls(element, methodOrd)) {
      const p = byControl?.get(control.id);
      const status = p ? p.status : 'CANDIDATE';
      if (p?.status === 'IMPLEMENTED' && p.source)
        sources.push({ property: 'controlSource', value: `${control.id} on ${elementId}: ${p.source}` });
      const cost = p?.cost ?? control.defaultCost;
      if (effect.effect === 'PREVENTS') {
        if (status === 'IMPLEMENTED') blocked = true;
        else {
          keys.push(ordinal * n + elementNode);
          costs.push(cost);
        }
        // one object per (control, element), whatever the method: its fields do not depend on it
        const key = ordinal * n + elementNode;
        let b = blockingControlOf.get(key);
        if (!b) blockingControlOf.set(key, (b = { controlId: control.id, elementId: eid, cost, status }));
        list.push(b);
      } else if (effect.effect === 'REDUCES') {
        if (status === 'IMPLEMENTED') factor *= effect.factor!;
        reducing.push({ controlId: control.id, elementId: eid, cost, status, factor: effect.factor! });
      } else other.push({ controlId: control.id, elementId: eid, cost, status, effect: effect.effect });
    }
    if (legacy.size > 0 && legacy.has(`${elementId}\u0000${methodId}`)) blocked = true;
    // most entries reduce nothing and have no other controls or sources: one shared empty list
    reducing = orNone(reducing);
    other = orNone(other);
    sources = orNone(sources);
    const entry: Blocking = {
      list,
      blocked,
      ordinal: record.listKeys.length,
      reducing,
      factor,
      other,
      reducerOrdinal: recordReducers(reducing),
      sources,
    };
    record.listKeys.push(keys);
    record.listCosts.push(costs);
    blockingEntries.push(entry);
    blockingSlot[slot] = blockingEntries.length;
    return entry;
  };

  // Steps that more than one element can block (e.g. an outbound connection: egress filtering on
  // the device's zone, or removing the function on the device) share a combined list per key.
  const combinedCache = new Map<string, Blocking>();
  const combinedBlocking = (
    first: Blocking,
    others: readonly (string | { elementId: string; attackMethodId: string })[],
    methodId: string,
  ): Blocking => {
    const pairs = others.map((o) => (typeof o === 'string' ? { elementId: o, attackMethodId: methodId } : o));
    const key = `${first.ordinal}\u0000${pairs.map((o) => `${o.elementId}\u0001${o.attackMethodId}`).join('\u0000')}`;
    const cached = combinedCache.get(key);
    if (cached) return cached;
    const parts = [
      first,
      ...pairs.map((o) => blockingFor(o.elementId, elementOrdinal.get(o.elementId)!, o.attackMethodId)),
    ];
    // One placement may block the step on two counts (e.g. a control preventing both methods on
    // one element): listed once, so each placement is one column of the optimiser's row.
    const once = <T extends { controlId: string; elementId: string }>(list: T[]): T[] => {
      const seen = new Set<string>();
      return list.filter((b) => {
        const k = `${b.controlId}\u0000${b.elementId}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    };
    const reducing = orNone(once(parts.flatMap((p) => p.reducing)));
    const entry: Blocking = {
      list: once(parts.flatMap((p) => p.list)),
      blocked: parts.some((p) => p.blocked),
      ordinal: record.listKeys.length,
      reducing,
      // A control reducing on two counts reduces once (its factor, not its square).
      factor: reducing.reduce((f, r) => (r.status === 'IMPLEMENTED' ? f * r.factor : f), 1),
      other: orNone(once(parts.flatMap((p) => p.other))),
      reducerOrdinal: recordReducers(reducing),
      sources: orNone([...new Map(parts.flatMap((p) => p.sources).map((e) => [e.value, e])).values()]),
    };
    const keys: number[] = [];
    const costs: number[] = [];
    const seenKey = new Set<number>();
    for (const p of parts) {
      const ks = record.listKeys[p.ordinal]!;
      const cs = record.listCosts[p.ordinal]!;
      ks.forEach((k, i) => {
        if (seenKey.has(k)) return;
        seenKey.add(k);
        keys.push(k);
        costs.push(cs[i]!);
      });
    }
    record.listKeys.push(keys);
    record.listCosts.push(costs);
    combinedCache.set(key, entry);
    return entry;
  };

  // What a blocking entry adds to the evidence of its steps (implemented reducers, placement
  // sources), made once per entry; empty when the entry reduces nothing and has no sources.
  const NO_EVIDENCE: StepEvidence[] = [];
  const evidenceOf = new Map<Blocking, StepEvidence[]>();
  const blockingEvidence = (blocking: Blocking): StepEvidence[] => {
    if (blocking.factor === 1 && blocking.sources.length === 0) return NO_EVIDENCE;
    let extra = evidenceOf.get(blocking);
    if (!extra) {
      extra = [
        ...blocking.reducing
          .filter((r) => r.status === 'IMPLEMENTED')
          .map((r) => ({ property: 'reducedBy', value: `${r.controlId} on ${r.elementId} (×${r.factor})` })),
        ...blocking.sources,
      ];
      evidenceOf.set(blocking, extra);
    }
    return extra;
  };

  // Evidence lists interned by content: at 10k devices 225k steps carry about 17k distinct lists
  // (340k items, mostly repeats such as "interfaceKind: WEB_UI"). Kept per step they were two
  // thirds of the graph's memory and of its garbage collection; shared, a rule's fresh list dies
  // young. Steps with equal evidence share one read-only array (as they share blockingControls).
  const internedEvidence = new Map<string, StepEvidence[]>();
  const NO_STEP_EVIDENCE: StepEvidence[] = [];
  const intern = (evidence: StepEvidence[]): StepEvidence[] => {
    if (evidence.length === 0) return NO_STEP_EVIDENCE;
    // length-prefixed, so that no text (free-text sources may hold any character) makes two
    // different lists one key
    let key = '';
    for (const e of evidence) key += `${e.property.length}:${e.property}${e.value.length}:${e.value}`;
    let kept = internedEvidence.get(key);
    if (!kept) {
      // a copy of plain items: a rule's objects may hold more than the two fields
      kept = evidence.map((e) => ({ property: e.property, value: e.value }));
      internedEvidence.set(key, kept);
    }
    return kept;
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
  const ctx: RuleContext = {
    model: indexed,
    method,
    has: (nodeId: string) => nodeIndex.has(nodeId),
    node: nodeId,
    impactNodes(asset, impacts: readonly Impact[]) {
      const out: string[] = [];
      for (const impact of impacts) {
        const id = nodeId(asset.id, impact);
        if (nodeIndex.has(id)) out.push(id);
      }
      return out;
    },
    step(rule: AttackRule, d: StepDraft): AttackStep {
      const from = nodeIndex.get(d.from);
      const to = nodeIndex.get(d.to);
      const ce = d.controlElementId;
      const ceNode = ce === null ? -1 : elementOrdinal.get(ce);
      if (from === undefined || to === undefined || ceNode === undefined) {
        throw new Error(`rule ${rule.id} made a step between elements that are not in the model`);
      }
      method(d.attackMethodId);
      let blocking = blockingFor(ce, ceNode, d.attackMethodId);
      if (d.alsoBlockedOn && d.alsoBlockedOn.length > 0)
        blocking = combinedBlocking(blocking, d.alsoBlockedOn, d.attackMethodId);
      // The graph's own id strings (equal to the draft's): 225k steps at 10k devices would
      // otherwise each keep copies of the ids their rule built.
      const fromId = nodeIds[from]!;
      const toId = nodeIds[to]!;
      const extra = blockingEvidence(blocking);
      const step: AttackStep = {
        // join makes one flat string (a template literal makes a tree of concatenations, kept
        // alive with the step and flattened again by the sort)
        id:
          d.qualifier !== undefined
            ? [rule.id, fromId, toId, d.qualifier].join('@')
            : [rule.id, fromId, toId].join('@'),
        from: fromId,
        to: toId,
        ruleId: rule.id,
        attackMethodId: d.attackMethodId,
        likelihood: normaliseLikelihood(d.likelihood * blocking.factor),
        // 2.2: steps entering or using an interface with linked evidence (e.g. created by an MDS2) list it.
        evidence: intern(
          withInterfaceEvidence(
            extra.length === 0 ? d.evidence : [...d.evidence, ...extra],
            indexed.factEvidence,
            d.from,
            d.to,
          ),
        ),
        controlElementId: ce === null ? null : elementIds[ceNode]!,
        blockingControls: blocking.list,
        reducingControls: blocking.reducing,
        otherControls: blocking.other,
        blocked: blocking.blocked,
      };
      record.steps.push(step);
      record.from.push(from);
      record.to.push(to);
      record.list.push(blocking.ordinal);
      record.reducer.push(blocking.reducerOrdinal);
      return step;
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
    targetNodeIds,
  };
}
