/**
 * Neo4j ⇄ domain mapping. Relationship-backed fields (zoneIds, deviceId, ...) are written as
 * relationships and read back from them; everything else is a node property. Optional fields
 * that are absent stay absent in both directions (export is lossless). Nested fields (2.2: a
 * vulnerability's or placement's `source`, a device's `components` and `evidence`) cannot be Neo4j
 * properties: they are stored as JSON text under `<field>Json` and parsed back on load.
 */
import type {
  Asset,
  Catalogue,
  Channel,
  ControlPlacement,
  Device,
  Interface,
  Provenance,
  Vulnerability,
  Zone,
} from '../domain/types';
import { elementFields, type ElementDefinition } from '../domain/model-document';
import type { ValueRows } from './database';

/** Drops null/undefined values and the bookkeeping `modelId` property. */
export function compact<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined || k === 'modelId') continue;
    out[k] = v;
  }
  return out as T;
}

/** Properties of a node: the element minus the fields stored as relationships, without undefined values. */
function props<T extends object>(element: T, relationshipFields: readonly (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(element)) {
    if (v === undefined || (relationshipFields as readonly string[]).includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The element kinds the model load reads as value lists (all of them): their exchange-schema definition,
 * the fields stored as relationships (in the columns the load query returns them) and the nested
 * (object-valued) fields, stored as JSON text under `<field>Json`.
 */
const STORED_KINDS = {
  zone: { definition: 'Zone', relationshipFields: [], nestedFields: [] },
  device: { definition: 'Device', relationshipFields: ['zoneIds'], nestedFields: ['components', 'evidence'] },
  interface: { definition: 'Interface', relationshipFields: ['deviceId', 'exposedToZoneIds'], nestedFields: [] },
  channel: {
    definition: 'Channel',
    relationshipFields: ['fromDeviceId', 'toDeviceId', 'fromInterfaceId', 'toInterfaceId', 'zoneIds'],
    nestedFields: [],
  },
  asset: { definition: 'Asset', relationshipFields: ['deviceId'], nestedFields: [] },
  vulnerability: { definition: 'Vulnerability', relationshipFields: ['elementId'], nestedFields: ['source'] },
  placement: { definition: 'ControlPlacement', relationshipFields: ['elementId'], nestedFields: ['source'] },
} as const satisfies Record<
  string,
  { definition: ElementDefinition; relationshipFields: readonly string[]; nestedFields: readonly string[] }
>;

/** An element kind the model load reads as value lists ({@link elementsFromValues}). */
export type StoredKind = keyof typeof STORED_KINDS;

const storedPropertyCache = new Map<StoredKind, readonly string[]>();

/**
 * The node properties an element of `kind` may have: its exchange-schema fields (elementFields)
 * without those stored as relationships, each nested field as `<field>Json`, in schema order. The
 * load queries read exactly these (`$keys` of cypher/queries/element/load-*.cypher) and report any
 * other property apart (`otherProperties`).
 */
export function storedProperties(kind: StoredKind): readonly string[] {
  let keys = storedPropertyCache.get(kind);
  if (!keys) {
    const { definition, relationshipFields, nestedFields } = STORED_KINDS[kind];
    keys = elementFields(definition)
      .filter((f) => !(relationshipFields as readonly string[]).includes(f))
      .map((f) => ((nestedFields as readonly string[]).includes(f) ? `${f}Json` : f));
    storedPropertyCache.set(kind, keys);
  }
  return keys;
}

/**
 * Elements of `kind` from the rows of its load query (cypher/queries/element/load-*.cypher, run
 * with `keys` = storedProperties(kind)): column `values` holds the node's properties in `keys`
 * order, `otherProperties` the [name, value] pairs of any property outside them (a hand-edited
 * node: kept, so that checkStoredDocument names it as BAD_STORED_DATA instead of the load dropping
 * it), and one column per relationship-backed field. Null values stay absent, as with `compact`;
 * nested fields are parsed back from their JSON text. Throws Error if the query lacks a column.
 */
export function elementsFromValues<T>(kind: StoredKind, keys: readonly string[], result: ValueRows): T[] {
  const { relationshipFields, nestedFields } = STORED_KINDS[kind];
  if (result.rows.length === 0) return [];
  const column = (name: string): number => {
    const i = result.columns.indexOf(name);
    if (i < 0) throw new Error(`the ${kind} load query returns no column '${name}'`);
    return i;
  };
  const valuesAt = column('values');
  const othersAt = column('otherProperties');
  const fieldsAt = relationshipFields.map(column);
  return result.rows.map((row) => {
    const out: Record<string, unknown> = {};
    const values = row[valuesAt] as unknown[];
    for (let i = 0; i < keys.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) out[keys[i]!] = v;
    }
    for (const [k, v] of row[othersAt] as [string, unknown][]) if (v !== null) out[k] = v;
    for (let i = 0; i < fieldsAt.length; i++) {
      const v = row[fieldsAt[i]!];
      if (v !== null && v !== undefined) out[relationshipFields[i]!] = v;
    }
    return decodeNested(out as T, nestedFields);
  });
}

/** Replaces each nested field of `p` by its JSON text under `<field>Json` (absent stays absent). */
function encodeNested(p: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  for (const f of fields) {
    if (p[f] === undefined) continue;
    p[`${f}Json`] = JSON.stringify(p[f]);
    delete p[f];
  }
  return p;
}

/**
 * The inverse of encodeNested on a loaded element: `<field>Json` parsed back to `<field>`. Text that
 * does not parse is kept as the string itself, so the stored-document check reports the property
 * (BAD_STORED_DATA) instead of the load crashing.
 */
function decodeNested<T>(row: T, fields: readonly string[]): T {
  const r = row as Record<string, unknown>;
  for (const f of fields) {
    const text = r[`${f}Json`];
    if (text === undefined) continue;
    delete r[`${f}Json`];
    try {
      r[f] = typeof text === 'string' ? JSON.parse(text) : text;
    } catch {
      r[f] = text;
    }
  }
  return row;
}

export const zoneParams = (z: Zone) => ({ id: z.id, props: props(z, STORED_KINDS.zone.relationshipFields) });
export const deviceParams = (d: Device) => ({
  id: d.id,
  props: encodeNested(props(d, STORED_KINDS.device.relationshipFields), STORED_KINDS.device.nestedFields),
  zoneIds: d.zoneIds,
});
export const interfaceParams = (i: Interface) => ({
  id: i.id,
  props: props(i, STORED_KINDS.interface.relationshipFields),
  deviceId: i.deviceId,
  exposedToZoneIds: i.exposedToZoneIds,
});
export const channelParams = (c: Channel) => ({
  id: c.id,
  props: props(c, STORED_KINDS.channel.relationshipFields),
  fromDeviceId: c.fromDeviceId,
  toDeviceId: c.toDeviceId,
  fromInterfaceId: c.fromInterfaceId ?? null,
  toInterfaceId: c.toInterfaceId ?? null,
  zoneIds: c.zoneIds,
});
export const assetParams = (a: Asset) => ({
  id: a.id,
  props: props(a, STORED_KINDS.asset.relationshipFields),
  deviceId: a.deviceId,
});
export const vulnerabilityParams = (v: Vulnerability) => ({
  id: v.id,
  props: encodeNested(props(v, STORED_KINDS.vulnerability.relationshipFields), STORED_KINDS.vulnerability.nestedFields),
  elementId: v.elementId,
});
export const placementParams = (p: ControlPlacement) => ({
  id: p.id,
  props: encodeNested(props(p, STORED_KINDS.placement.relationshipFields), STORED_KINDS.placement.nestedFields),
  elementId: p.elementId,
});

const provenanceProps = (p: Provenance) => ({ provenanceStatus: p.status, provenanceSource: p.source });

/** Parameters of cypher/queries/catalogue/create-catalogue.cypher. */
export function catalogueParams(c: Catalogue, bundled: boolean): Record<string, unknown> {
  return {
    catalogue: { version: c.catalogueVersion, name: c.name, description: c.description, bundled },
    capabilities: c.securityCapabilities.map((s) => ({
      code: s.code,
      name: s.name,
      description: s.description,
      ...provenanceProps(s.provenance),
    })),
    attackMethods: c.attackMethods.map((a) => ({
      id: a.id,
      capabilityCodes: a.capabilityCodes,
      props: {
        name: a.name,
        description: a.description,
        targets: a.targets,
        stride: a.stride,
        baseLikelihood: a.baseLikelihood,
        ...provenanceProps(a.provenance),
      },
    })),
    controls: c.controls.map((x) => ({
      id: x.id,
      capabilityCodes: x.capabilityCodes,
      effects: x.effects.map((e) => ({
        attackMethodId: e.attackMethodId,
        effect: e.effect,
        factor: e.factor ?? null,
        rationale: e.rationale,
      })),
      props: {
        name: x.name,
        description: x.description,
        kind: x.kind,
        appliesTo: x.appliesTo,
        ...(x.technologies ? { technologies: x.technologies } : {}),
        ...(x.interfaceKinds ? { interfaceKinds: x.interfaceKinds } : {}),
        ...(x.deviceConditions ? { deviceConditions: x.deviceConditions } : {}),
        ...(x.elementConditions ? { elementConditions: x.elementConditions } : {}),
        defaultCost: x.defaultCost,
        ...provenanceProps(x.provenance),
      },
    })),
    baselines: c.riskClassBaselines.map((b) => ({
      riskClass: b.riskClass,
      props: { description: b.description, ...provenanceProps(b.provenance) },
      requirements: b.requirements.map((r, i) => ({
        key: `${b.riskClass}-${String(i).padStart(3, '0')}`,
        capabilityCode: r.capabilityCode,
        controlIds: r.controlIds,
        props: { level: r.level, conditions: r.conditions, ...(r.note !== undefined ? { note: r.note } : {}) },
      })),
    })),
    telehealthControls: c.telehealthControls.map((t) => ({
      id: t.id,
      controlIds: t.controlIds,
      props: { technology: t.technology, description: t.description, ...provenanceProps(t.provenance) },
    })),
    deviceExamples: c.deviceExamples.map((e) => ({
      id: e.id,
      props: {
        riskClass: e.riskClass,
        category: e.category,
        example: e.example,
        connectivity: e.connectivity,
        ...provenanceProps(e.provenance),
      },
    })),
  };
}

type Row = Record<string, unknown>;
const provenanceOf = (r: Row): Provenance => ({
  status: r['provenanceStatus'] as Provenance['status'],
  source: r['provenanceSource'] as string,
});
const without = (r: Row, ...keys: string[]) => {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) if (!keys.includes(k) && v !== null) out[k] = v;
  return out;
};

function withProvenance<T>(r: Row): T {
  return { ...without(r, 'provenanceStatus', 'provenanceSource'), provenance: provenanceOf(r) } as T;
}

/** Rebuilds the Catalogue from the map returned by get-catalogue.cypher. */
export function catalogueFromRow(c: Row): Catalogue {
  const list = (k: string) => (c[k] as Row[]) ?? [];
  return {
    catalogueVersion: c['version'] as string,
    name: c['name'] as string,
    description: c['description'] as string,
    securityCapabilities: list('securityCapabilities').map((r) => withProvenance(r)),
    attackMethods: list('attackMethods').map((r) => withProvenance(r)),
    controls: list('controls').map((r) => {
      const control = withProvenance<Catalogue['controls'][number]>(r);
      // Neo4j returns factor: null for effects without one; the domain leaves it out.
      control.effects = control.effects.map((e) =>
        e.factor === null || e.factor === undefined ? without(e as unknown as Row, 'factor') : e,
      ) as typeof control.effects;
      return control;
    }),
    riskClassBaselines: list('riskClassBaselines').map((r) => ({
      riskClass: r['riskClass'] as never,
      description: r['description'] as string,
      requirements: ((r['requirements'] as Row[]) ?? []).map((q) => without(q, 'key') as never),
      provenance: provenanceOf(r),
    })),
    telehealthControls: list('telehealthControls').map((r) => withProvenance(r)),
    deviceExamples: list('deviceExamples').map((r) => withProvenance(r)),
  };
}
