/** Map search and filters (zone, HSA class, category, free text). Pure. */
import type { DeviceCategory, RiskClass } from '../api/__generated__/graphql';
import type { Device } from './model-index';

export interface MapFilter {
  search: string;
  zoneId: string | null;
  riskClass: RiskClass | null;
  category: DeviceCategory | null;
}

export const NO_FILTER: MapFilter = { search: '', zoneId: null, riskClass: null, category: null };

export function isFilterActive(f: MapFilter): boolean {
  return f.search.trim() !== '' || f.zoneId !== null || f.riskClass !== null || f.category !== null;
}

export function deviceMatches(d: Device, f: MapFilter): boolean {
  if (f.zoneId && !d.zoneIds.includes(f.zoneId)) return false;
  if (f.riskClass && d.riskClass !== f.riskClass) return false;
  if (f.category && d.category !== f.category) return false;
  const q = f.search.trim().toLowerCase();
  if (q) {
    const hay = [d.id, d.name, d.manufacturer ?? '', d.modelName ?? '', d.externalId ?? ''].join('\n').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/** Ids of the devices that match, or null when no filter is active (everything shown). */
export function matchingDeviceIds(devices: readonly Device[], f: MapFilter): Set<string> | null {
  if (!isFilterActive(f)) return null;
  return new Set(devices.filter((d) => deviceMatches(d, f)).map((d) => d.id));
}
