/**
 * Inventory integration (schema/integration.graphql): Mutation.upsertDevices,
 * ThreatModel.devicesByIdentifier and the Device fields that need more than the stored element
 * (address lists, attackPaths, recommendedControls). Thin: the logic is in ModelService and
 * AnalysisService.
 *
 * A Device element does not carry its model's id, but its analysis fields need it. Every
 * resolver that returns devices registers them with {@link ownedBy} (a WeakMap from the element
 * object to its model id; elements are immutable snapshot objects or fresh mutation results).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { actorOf, type Context } from '../context';
import type { DeviceIdentifierQuery } from '../domain/inventory';
import { deviceEmergencyOperation } from '../domain/types';
import type { Device as DeviceElement, RiskScale, Severity, ThreatModelSummary } from '../domain/types';

const owners = new WeakMap<object, string>();

/**
 * Records that the element(s) in `value` belong to model `modelId`, so that fields below them
 * (Device.attackPaths, ...) can find their model. Returns `value`.
 */
export function ownedBy<T>(modelId: string, value: T): T {
  const mark = (v: unknown) => {
    if (v !== null && typeof v === 'object') owners.set(v, modelId);
  };
  if (Array.isArray(value)) value.forEach(mark);
  else mark(value);
  return value;
}

/** The model of an element registered with {@link ownedBy}; throws (a programming error) for one that was not. */
export function modelOf(d: { id: string }): string {
  const modelId = owners.get(d);
  if (modelId === undefined) {
    // a programming error: a resolver returned elements without ownedBy()
    throw new Error(`element '${d.id}' was returned without its model (resolvers/inventory.ts ownedBy)`);
  }
  return modelId;
}

/** One promise per request and key: a page of 200 devices asks the analysis service once. */
const memos = new WeakMap<Context, Map<string, Promise<unknown>>>();
function perRequest<T>(ctx: Context, key: string, make: () => Promise<T>): Promise<T> {
  let memo = memos.get(ctx);
  if (!memo) memos.set(ctx, (memo = new Map()));
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) memo.set(key, (p = make()));
  return p;
}

type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** Mutation.upsertDevices: ModelService.upsertDevices with the request's actor (batchSize default 500, optional expectedVersion). */
export const InventoryMutation = {
  upsertDevices: (
    _: unknown,
    a: { modelId: string; devices: unknown[]; batchSize?: number | null; expectedVersion?: number | null },
    ctx: Context,
    info: GraphQLResolveInfo,
  ) =>
    ctx.services.models.upsertDevices(actorOf(ctx, info.fieldName), a.modelId, a.devices, {
      ...(a.batchSize === null || a.batchSize === undefined ? {} : { batchSize: a.batchSize }),
      ...(a.expectedVersion === null || a.expectedVersion === undefined ? {} : { expectedVersion: a.expectedVersion }),
    }),
};

/** ThreatModel.devicesByIdentifier: the matching devices of the model, registered as its own. */
export const ThreatModelInventory = {
  devicesByIdentifier: async (m: ThreatModelSummary, a: DeviceIdentifierQuery, ctx: Context) =>
    ownedBy(m.id, await ctx.services.models.devicesByIdentifier(m.id, a)),
};

/**
 * Device fields: the address lists ([] when absent), and the device's slice of the model's attack
 * paths and recommendation (one index per model version, asked once per request).
 */
export const Device = {
  ipAddresses: (d: DeviceElement) => d.ipAddresses ?? [],
  /** `emergencyOperation`, else the category's default (domain/types.ts deviceEmergencyOperation). */
  effectiveEmergencyOperation: (d: DeviceElement) => deviceEmergencyOperation(d),
  macAddresses: (d: DeviceElement) => d.macAddresses ?? [],
  attackPaths: async (
    d: DeviceElement,
    a: Nullable<{ k: number; minSeverity: Severity; first: number; maxDepth: number; scale: RiskScale }>,
    ctx: Context,
  ) => {
    const modelId = modelOf(d);
    const k = a.k ?? 3;
    const minSeverity = a.minSeverity ?? 'NEGLIGIBLE';
    const maxDepth = a.maxDepth ?? 25;
    const scale = a.scale ?? 'SAFETY';
    const index = await perRequest(ctx, JSON.stringify(['paths', modelId, k, minSeverity, maxDepth, scale]), () =>
      ctx.services.analysis.attackPathsByDevice(modelId, { k, minSeverity, maxDepth, scale }),
    );
    return index.pathsThrough(d.id, a.first ?? 20);
  },
  recommendedControls: async (
    d: DeviceElement,
    a: Nullable<{ minSeverity: Severity; scale: RiskScale }>,
    ctx: Context,
  ) => {
    const modelId = modelOf(d);
    const minSeverity = a.minSeverity ?? 'CRITICAL';
    const scale = a.scale ?? 'SAFETY';
    const index = await perRequest(ctx, JSON.stringify(['placements', modelId, minSeverity, scale]), () =>
      ctx.services.analysis.recommendationByDevice(modelId, { minSeverity, scale }),
    );
    return index.placementsOn(d.id);
  },
};
