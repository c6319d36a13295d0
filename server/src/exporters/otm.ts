/**
 * A MedThreat model → Open Threat Model (OTM 0.2.0) document, for tools that read OTM (IriusRisk
 * and others). Pure.
 *
 * - zones → trustZones (type: the zone kind in lower case; trustRating 0 for an entry point,
 *   otherwise by kind: INTERNET 0, GUEST_WIFI 10, PATIENT_HOME and VENDOR_REMOTE_ACCESS 20, CLOUD
 *   and DMZ 50, PHYSICAL_ACCESS 60, ENTERPRISE 80, CLINICAL 90, OTHER 50);
 * - devices → components in their first zone (hosted software inside its host component; the
 *   other zones are kept in the attributes); interfaces → components inside their device;
 * - assets → assets (confidentiality/integrity/availability 0–100 from the disclosure,
 *   manipulation and denial severities, 20 per rank) listed as processed by their device's
 *   component (and stored when the device stores data);
 * - channels → dataflows from the source device (or interface) to the destination, with the
 *   technology and payloads as tags;
 * - vulnerabilities → threats (CVE, CVSS base score × 10 as impact) on their device or interface;
 *   control placements → mitigations (riskReduction 100 when implemented, 0 when planned),
 *   attached to every threat of the element they sit on.
 * Every exported element carries the MedThreat element in `attributes.medthreat`, so that the
 * OTM import (importers/otm.ts) gives the model back.
 */
import { cvssBaseScore } from '../domain/model-document';
import { SEVERITY_RANK, type Catalogue, type ModelDocument, type Severity, type ZoneKind } from '../domain/types';
import type { OtmDocument } from '../importers/otm';

/** The OTM version written. */
export const OTM_VERSION = '0.2.0';

const TRUST_BY_KIND: Record<ZoneKind, number> = {
  INTERNET: 0,
  GUEST_WIFI: 10,
  PATIENT_HOME: 20,
  VENDOR_REMOTE_ACCESS: 20,
  CLOUD: 50,
  DMZ: 50,
  PHYSICAL_ACCESS: 60,
  ENTERPRISE: 80,
  CLINICAL: 90,
  OTHER: 50,
};

const percent = (s: Severity | undefined) => (s ? SEVERITY_RANK[s] * 20 : 0);
const kebab = (s: string) => s.toLowerCase().replace(/_/g, '-');

/** Copies `x` without the keys given (the ids OTM carries in its own fields). */
function without<T extends object>(x: T, ...keys: (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(x as Record<string, unknown>) };
  for (const k of keys) delete out[k as string];
  return out;
}

/**
 * Exports `doc` as an OTM 0.2.0 document (see the module comment for the mapping).
 * @param catalogue names the controls of the placements (mitigation names); optional
 */
export function exportOtm(doc: ModelDocument, catalogue?: Catalogue): OtmDocument {
  const controlName = new Map((catalogue?.controls ?? []).map((c) => [c.id, c.name]));
  const threatsOn = new Map<string, string[]>();
  const threats = doc.vulnerabilities.map((v) => {
    threatsOn.set(v.elementId, [...(threatsOn.get(v.elementId) ?? []), v.id]);
    let score = 0;
    try {
      score = cvssBaseScore(v.cvssVector);
    } catch {
      score = 0;
    }
    return {
      id: v.id,
      name: v.cveId,
      description: v.description ?? null,
      categories: [],
      cwes: [],
      risk: { likelihood: null, impact: Math.round(score * 100) / 10, impactComment: `CVSS ${v.cvssVector}` },
      tags: [v.cveId],
      attributes: { medthreat: without(v, 'id') },
    };
  });
  const placementsOn = new Map<string, string[]>();
  for (const p of doc.controlPlacements)
    placementsOn.set(p.elementId, [...(placementsOn.get(p.elementId) ?? []), p.id]);
  const threatInstances = (elementId: string) => {
    const list = threatsOn.get(elementId) ?? [];
    return list.length
      ? list.map((threat) => ({
          threat,
          state: 'exposed',
          mitigations: (placementsOn.get(elementId) ?? []).map((mitigation) => ({
            mitigation,
            state:
              doc.controlPlacements.find((p) => p.id === mitigation)!.status === 'IMPLEMENTED'
                ? 'implemented'
                : 'required',
          })),
        }))
      : null;
  };
  const assetsOf = (deviceId: string) => doc.assets.filter((a) => a.deviceId === deviceId).map((a) => a.id);

  return {
    otmVersion: OTM_VERSION,
    project: {
      name: doc.model.name,
      id: doc.model.id,
      description: doc.model.description ?? null,
      attributes: { medthreat: { id: doc.model.id, formatVersion: doc.formatVersion } },
    },
    representations: [],
    assets: doc.assets.map((a) => ({
      id: a.id,
      name: a.name,
      description: `${a.kind} on ${a.deviceId}`,
      risk: {
        confidentiality: a.kind === 'PERSONAL_DATA' ? percent(a.severity) : 0,
        integrity: percent(a.manipulationSeverity ?? a.severity),
        availability: percent(a.denialSeverity ?? a.severity),
        comment: `MedThreat severity ${a.severity} (ISO 14971 scale)`,
      },
      attributes: { medthreat: without(a, 'id', 'name') },
    })),
    trustZones: doc.zones.map((z) => ({
      id: z.id,
      name: z.name,
      type: kebab(z.kind),
      description: z.description ?? null,
      risk: { trustRating: z.entryPoint ? 0 : TRUST_BY_KIND[z.kind] },
      attributes: { medthreat: without(z, 'id', 'name', 'description') },
    })),
    components: [
      ...doc.devices.map((d) => ({
        id: d.id,
        name: d.name,
        type: kebab(d.category),
        description: [d.manufacturer, d.modelName, d.software].filter(Boolean).join(' ') || null,
        parent: d.hostDeviceId ? { component: d.hostDeviceId } : { trustZone: d.zoneIds[0]! },
        tags: [`risk-class-${d.riskClass.toLowerCase()}`],
        assets: { processed: assetsOf(d.id), stored: d.storesData ? assetsOf(d.id) : [] },
        threats: threatInstances(d.id),
        attributes: { medthreat: without(d, 'id', 'name', 'hostDeviceId') },
      })),
      ...doc.interfaces.map((i) => ({
        id: i.id,
        name: i.name,
        type: `interface-${kebab(i.kind)}`,
        description: null,
        parent: { component: i.deviceId },
        tags: [kebab(i.kind), `authentication-${kebab(i.authentication)}`],
        assets: null,
        threats: threatInstances(i.id),
        attributes: { medthreat: { elementType: 'INTERFACE', ...without(i, 'id', 'name', 'deviceId') } },
      })),
    ],
    dataflows: doc.channels.map((c) => ({
      id: c.id,
      name: c.name,
      description: null,
      bidirectional: false,
      source: c.fromInterfaceId ?? c.fromDeviceId,
      destination: c.toInterfaceId ?? c.toDeviceId,
      assets: null,
      threats: threatInstances(c.id),
      tags: [kebab(c.technology), ...c.carries.map(kebab)],
      attributes: { medthreat: without(c, 'id', 'name', 'fromDeviceId', 'toDeviceId', 'extrinsicMechanisms') },
    })),
    threats,
    mitigations: doc.controlPlacements.map((p) => ({
      id: p.id,
      name: `${p.controlId} ${controlName.get(p.controlId) ?? ''}`.trim(),
      description: `${p.status} on ${p.elementId}${p.note ? `: ${p.note}` : ''}`,
      riskReduction: p.status === 'IMPLEMENTED' ? 100 : 0,
      attributes: { medthreat: without(p, 'id') },
    })),
  };
}
