/**
 * Field resolvers of model elements that are computed (CVSS score, placement cost, the defaults
 * of attack model v2 fields) and the ModelElement union.
 */
import { cvssBaseScore } from '../domain/model-document';
import {
  assetDisclosureRecords,
  assetSafetySeverities,
  INTERFACE_FUNCTIONS,
  interfaceFunctions,
  privacySeverity,
  PRIVACY_SEVERITIES,
  SEVERITY_RANK,
  zoneGivesPhysicalAccess,
  zoneIsNetwork,
  type Asset as AssetElement,
  type ControlPlacement as Placement,
  type Interface as InterfaceElement,
  type Vulnerability as Vuln,
  type Zone as ZoneElement,
} from '../domain/types';
import type { Context } from '../context';
import { modelOf } from './inventory';

async function controlOf(p: Placement, ctx: Context) {
  const catalogue = await ctx.services.catalogues.current();
  const control = catalogue.controls.find((c) => c.id === p.controlId);
  if (!control) throw new Error(`placement ${p.id} names control ${p.controlId}, which is not in the catalogue`);
  return control;
}

export const Vulnerability = {
  cvssBaseScore: (v: Vuln) => cvssBaseScore(v.cvssVector),
};

export const ControlPlacement = {
  control: (p: Placement, _: unknown, ctx: Context) => controlOf(p, ctx),
  effectiveCost: async (p: Placement, _: unknown, ctx: Context) => p.cost ?? (await controlOf(p, ctx)).defaultCost,
};

export const Zone = {
  linkedZoneIds: (z: ZoneElement) => z.linkedZoneIds ?? [],
  effectivePhysicalAccess: (z: ZoneElement) => zoneGivesPhysicalAccess(z),
  effectiveNetwork: (z: ZoneElement) => zoneIsNetwork(z),
};

export const Interface = {
  /** The stated list or the kind's default, in enum order. */
  effectiveFunctions: (i: InterfaceElement) => {
    const fns = new Set(interfaceFunctions(i));
    return INTERFACE_FUNCTIONS.filter((f) => fns.has(f));
  },
};

/** One harm of an asset as the engine ranks it (GraphQL AssetImpact). */
interface AssetImpact {
  impact: 'MANIPULATE' | 'DENY' | 'DISCLOSE';
  scale: 'SAFETY' | 'PRIVACY';
  severity?: string;
  privacySeverity?: string;
  records?: number;
  severityRank: number;
  stated: boolean;
}

export const Asset = {
  /**
   * The asset's targets with the defaults applied (domain/types.ts assetSafetySeverities,
   * assetDisclosureRecords): the disclosure default depends on the device's category, read from
   * the model's snapshot.
   */
  impacts: async (a: AssetElement, _: unknown, ctx: Context): Promise<AssetImpact[]> => {
    const { document } = await ctx.services.models.snapshot(modelOf(a));
    const device = document.devices.find((d) => d.id === a.deviceId);
    const safety = assetSafetySeverities(a);
    const out: AssetImpact[] = [];
    for (const [impact, stated] of [
      ['MANIPULATE', a.manipulationSeverity !== undefined],
      ['DENY', a.denialSeverity !== undefined],
    ] as const) {
      const severity = safety[impact];
      if (severity) out.push({ impact, scale: 'SAFETY', severity, severityRank: SEVERITY_RANK[severity], stated });
    }
    const records = assetDisclosureRecords(a, device);
    if (records !== undefined) {
      const p = privacySeverity(records);
      out.push({
        impact: 'DISCLOSE',
        scale: 'PRIVACY',
        privacySeverity: p,
        records,
        severityRank: PRIVACY_SEVERITIES.indexOf(p) + 1,
        stated: a.disclosureRecords !== undefined,
      });
    }
    return out;
  },
};

export const ModelElement = {
  __resolveType(e: Record<string, unknown>): string {
    if ('entryPoint' in e) return 'Zone';
    if ('riskClass' in e) return 'Device';
    if ('authentication' in e) return 'Interface';
    if ('technology' in e) return 'Channel';
    if ('severity' in e) return 'Asset';
    if ('cveId' in e) return 'Vulnerability';
    return 'ControlPlacement';
  },
};
