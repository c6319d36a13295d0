/** Field resolvers of model elements that are computed (CVSS score, placement cost) and the ModelElement union. */
import { cvssBaseScore } from '../domain/model-document';
import type { ControlPlacement as Placement, Vulnerability as Vuln } from '../domain/types';
import type { Context } from '../context';

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
