/** Fields of ThreatModel: read from the model's snapshot (cached per model version). */
import { SEVERITY_RANK, type Device, type Severity, type ThreatModelSummary } from '../domain/types';
import type { Context } from '../context';
import { ownedBy } from './inventory';
import { paginate } from './pagination';

type Args = { first?: number | null; after?: string | null };
const doc = async (m: ThreatModelSummary, ctx: Context) => (await ctx.services.models.snapshot(m.id)).document;

function matches(
  d: Device,
  f: { zoneId?: string | null; riskClass?: string | null; category?: string | null; search?: string | null },
): boolean {
  if (f.zoneId && !d.zoneIds.includes(f.zoneId)) return false;
  if (f.riskClass && d.riskClass !== f.riskClass) return false;
  if (f.category && d.category !== f.category) return false;
  if (f.search) {
    const s = f.search.toLowerCase();
    if (![d.name, d.manufacturer, d.modelName].some((x) => x?.toLowerCase().includes(s))) return false;
  }
  return true;
}

export const ThreatModel = {
  counts: async (m: ThreatModelSummary, _: unknown, ctx: Context) => {
    const d = await doc(m, ctx);
    return {
      zones: d.zones.length,
      devices: d.devices.length,
      interfaces: d.interfaces.length,
      channels: d.channels.length,
      assets: d.assets.length,
      vulnerabilities: d.vulnerabilities.length,
      controlPlacements: d.controlPlacements.length,
    };
  },
  zones: async (m: ThreatModelSummary, _: unknown, ctx: Context) => (await doc(m, ctx)).zones,
  devices: async (m: ThreatModelSummary, a: Args & { filter?: Parameters<typeof matches>[1] | null }, ctx: Context) => {
    const list = (await doc(m, ctx)).devices;
    const page = paginate(a.filter ? list.filter((d) => matches(d, a.filter!)) : list, a.first, a.after);
    ownedBy(m.id, page.nodes); // for Device.attackPaths / recommendedControls
    return page;
  },
  interfaces: async (m: ThreatModelSummary, a: Args & { deviceId?: string | null }, ctx: Context) => {
    const list = (await doc(m, ctx)).interfaces;
    return paginate(a.deviceId ? list.filter((i) => i.deviceId === a.deviceId) : list, a.first, a.after);
  },
  channels: async (m: ThreatModelSummary, a: Args & { deviceId?: string | null }, ctx: Context) => {
    const list = (await doc(m, ctx)).channels;
    const f = a.deviceId;
    return paginate(f ? list.filter((c) => c.fromDeviceId === f || c.toDeviceId === f) : list, a.first, a.after);
  },
  assets: async (m: ThreatModelSummary, a: Args & { minSeverity?: Severity | null }, ctx: Context) => {
    const list = (await doc(m, ctx)).assets;
    const min = a.minSeverity ? SEVERITY_RANK[a.minSeverity] : 0;
    const page = paginate(
      list.filter((x) => SEVERITY_RANK[x.severity] >= min),
      a.first,
      a.after,
    );
    ownedBy(m.id, page.nodes); // for Asset.impacts
    return page;
  },
  vulnerabilities: async (m: ThreatModelSummary, a: Args, ctx: Context) =>
    paginate((await doc(m, ctx)).vulnerabilities, a.first, a.after),
  controlPlacements: async (m: ThreatModelSummary, a: Args & { status?: string | null }, ctx: Context) => {
    const list = (await doc(m, ctx)).controlPlacements;
    return paginate(a.status ? list.filter((p) => p.status === a.status) : list, a.first, a.after);
  },
  element: async (m: ThreatModelSummary, a: { id: string }, ctx: Context) =>
    ownedBy(m.id, (await ctx.services.models.element(m.id, a.id))?.element ?? null),
};
