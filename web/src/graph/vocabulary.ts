/**
 * The one UI table of labels, colours and shapes: severity, STRIDE, HSA risk class, device
 * category, zone kind, element type, statuses. Colours come from the Okabe-Ito palette (safe for
 * the common colour-vision deficiencies); every colour is paired with a text label or a shape, so
 * nothing is told by colour alone. Pure data: used by the map styles, the legend, lists and the
 * report alike.
 */
import type {
  BaselineStatus,
  BlockingControlStatus,
  Capability,
  DeviceCategory,
  ElementType,
  Impact,
  InterfaceFunction,
  PlacementStatus,
  PrivacySeverity,
  RiskClass,
  RiskScale,
  Severity,
  Stride,
  ZoneKind,
} from '../api/__generated__/graphql';

/** Okabe & Ito (2008), "Color Universal Design". */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#BBBBBB',
} as const;

export interface Swatch {
  label: string;
  /** Fill colour. */
  color: string;
  /** Text colour readable on `color`. */
  text: string;
}

/** ISO 14971 harm severity, ascending: rank 1 NEGLIGIBLE … 5 CATASTROPHIC. */
export const SEVERITY_ORDER: readonly Severity[] = ['NEGLIGIBLE', 'MINOR', 'SERIOUS', 'CRITICAL', 'CATASTROPHIC'];

export const SEVERITY: Record<Severity, Swatch & { rank: number; description: string }> = {
  NEGLIGIBLE: {
    rank: 1,
    label: 'Negligible',
    color: OKABE_ITO.grey,
    text: '#000000',
    description: 'Inconvenience or temporary discomfort',
  },
  MINOR: {
    rank: 2,
    label: 'Minor',
    color: OKABE_ITO.skyBlue,
    text: '#000000',
    description: 'Temporary injury not requiring intervention',
  },
  SERIOUS: {
    rank: 3,
    label: 'Serious',
    color: OKABE_ITO.yellow,
    text: '#000000',
    description: 'Injury requiring professional intervention',
  },
  CRITICAL: {
    rank: 4,
    label: 'Critical',
    color: OKABE_ITO.orange,
    text: '#000000',
    description: 'Permanent impairment or life-threatening injury',
  },
  CATASTROPHIC: {
    rank: 5,
    label: 'Catastrophic',
    color: OKABE_ITO.vermillion,
    text: '#FFFFFF',
    description: 'Patient death',
  },
};

/** Privacy severity (attack model v2), ascending: rank 1 ONE_PATIENT … 5 MASS, by patients' records exposed. */
export const PRIVACY_SEVERITY_ORDER: readonly PrivacySeverity[] = [
  'ONE_PATIENT',
  'FEW',
  'HUNDREDS',
  'THOUSANDS',
  'MASS',
];

export const PRIVACY_SEVERITY: Record<PrivacySeverity, Swatch & { rank: number; description: string }> = {
  ONE_PATIENT: { rank: 1, label: 'One patient', color: OKABE_ITO.grey, text: '#000000', description: '1 patient' },
  FEW: { rank: 2, label: 'Few', color: OKABE_ITO.skyBlue, text: '#000000', description: '2 to 99 patients' },
  HUNDREDS: {
    rank: 3,
    label: 'Hundreds',
    color: OKABE_ITO.yellow,
    text: '#000000',
    description: '100 to 9,999 patients',
  },
  THOUSANDS: {
    rank: 4,
    label: 'Thousands',
    color: OKABE_ITO.orange,
    text: '#000000',
    description: '10,000 to 99,999 patients',
  },
  MASS: {
    rank: 5,
    label: 'Mass',
    color: OKABE_ITO.vermillion,
    text: '#FFFFFF',
    description: '100,000 patients or more',
  },
};

/** Risk scales, never added together. */
export const RISK_SCALE: Record<RiskScale, { label: string; description: string }> = {
  SAFETY: { label: 'Safety', description: 'Patient harm (ISO 14971): manipulated or denied assets' },
  PRIVACY: { label: 'Privacy', description: "Disclosure of patients' records" },
};

/** The harm of a target, as a past participle for "therapy — manipulated". */
export const IMPACT: Record<Impact, { label: string; verb: string }> = {
  MANIPULATE: { label: 'manipulated', verb: 'Manipulate' },
  DENY: { label: 'denied', verb: 'Deny' },
  DISCLOSE: { label: 'disclosed', verb: 'Disclose' },
};

/** What an attacker holds on an element (attack-graph node), in words. */
export const CAPABILITY: Record<Capability, string> = {
  PRESENCE: 'presence',
  PHYSICAL_ACCESS: 'physical access',
  USE: 'use',
  READ: 'read',
  INJECT: 'inject',
  ALTER: 'man in the middle',
  FORGED: 'forged data',
  USER: 'user access',
  CONTROL: 'control',
  MANIPULATE: 'manipulated',
  DENY: 'denied',
  DISCLOSE: 'disclosed',
};

/** Interface functions (what use of an interface allows). */
export const INTERFACE_FUNCTION_ORDER: readonly InterfaceFunction[] = [
  'CHANGE_SETTINGS',
  'COMMAND_THERAPY',
  'READ_DATA',
  'WRITE_DATA',
  'LOGIN_SHELL',
  'ADMINISTER',
  'UPDATE_FIRMWARE',
  'FILE_TRANSFER',
];

export function severityRank(s: Severity): number {
  return SEVERITY[s].rank;
}

export function isAtLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

export const STRIDE_ORDER: readonly Stride[] = ['S', 'T', 'R', 'I', 'D', 'E'];

export const STRIDE: Record<Stride, Swatch & { description: string }> = {
  S: {
    label: 'Spoofing',
    color: OKABE_ITO.orange,
    text: '#000000',
    description: 'Pretending to be someone or something else',
  },
  T: {
    label: 'Tampering',
    color: OKABE_ITO.vermillion,
    text: '#FFFFFF',
    description: 'Changing data, code or commands',
  },
  R: {
    label: 'Repudiation',
    color: OKABE_ITO.reddishPurple,
    text: '#000000',
    description: 'Denying an action without the means to prove it',
  },
  I: {
    label: 'Information disclosure',
    color: OKABE_ITO.blue,
    text: '#FFFFFF',
    description: 'Exposing personal or health data',
  },
  D: {
    label: 'Denial of service',
    color: OKABE_ITO.black,
    text: '#FFFFFF',
    description: 'Stopping therapy, monitoring or alarms',
  },
  E: {
    label: 'Elevation of privilege',
    color: OKABE_ITO.bluishGreen,
    text: '#FFFFFF',
    description: 'Gaining rights not granted',
  },
};

export const RISK_CLASS_ORDER: readonly RiskClass[] = ['A', 'B', 'C', 'D'];

/** HSA risk classes (Health Products (Medical Devices) Regulations 2010), ascending risk. */
export const RISK_CLASS: Record<RiskClass, Swatch & { description: string }> = {
  A: { label: 'Class A', color: OKABE_ITO.skyBlue, text: '#000000', description: 'Low risk' },
  B: { label: 'Class B', color: OKABE_ITO.yellow, text: '#000000', description: 'Low-moderate risk' },
  C: { label: 'Class C', color: OKABE_ITO.orange, text: '#000000', description: 'Moderate-high risk' },
  D: { label: 'Class D', color: OKABE_ITO.vermillion, text: '#FFFFFF', description: 'High risk' },
};

/** Cytoscape node shapes used on the map (each has a legend glyph in shape-glyphs.ts). */
export type NodeShape =
  | 'ellipse'
  | 'triangle'
  | 'round-triangle'
  | 'rectangle'
  | 'round-rectangle'
  | 'cut-rectangle'
  | 'barrel'
  | 'rhomboid'
  | 'diamond'
  | 'round-diamond'
  | 'pentagon'
  | 'hexagon'
  | 'heptagon'
  | 'octagon'
  | 'star'
  | 'tag'
  | 'vee';

/** Device categories with their map shape. Families share a shape where a workshop would group them. */
export const DEVICE_CATEGORY: Record<DeviceCategory, { label: string; shape: NodeShape }> = {
  INFUSION_PUMP: { label: 'Infusion pump', shape: 'triangle' },
  INSULIN_PUMP: { label: 'Insulin pump', shape: 'round-triangle' },
  INFUSION_SERVER: { label: 'Infusion server', shape: 'cut-rectangle' },
  PATIENT_MONITOR: { label: 'Patient monitor', shape: 'ellipse' },
  CENTRAL_STATION: { label: 'Central station', shape: 'round-rectangle' },
  VENTILATOR: { label: 'Ventilator', shape: 'diamond' },
  IMAGING: { label: 'Imaging modality', shape: 'hexagon' },
  PACS: { label: 'PACS', shape: 'barrel' },
  INTERFACE_ENGINE: { label: 'Interface engine', shape: 'rhomboid' },
  EHR: { label: 'EHR', shape: 'barrel' },
  CGM: { label: 'Glucose monitor (CGM)', shape: 'pentagon' },
  MOBILE_APP: { label: 'Mobile app', shape: 'tag' },
  IMPLANTABLE_CARDIAC: { label: 'Implantable cardiac device', shape: 'star' },
  HOME_MONITOR: { label: 'Home monitor', shape: 'heptagon' },
  PROGRAMMER: { label: 'Programmer', shape: 'round-diamond' },
  BED_SENSOR: { label: 'Bed sensor', shape: 'pentagon' },
  ENVIRONMENTAL_SENSOR: { label: 'Environmental sensor', shape: 'pentagon' },
  GATEWAY: { label: 'Gateway', shape: 'vee' },
  WORKSTATION: { label: 'Workstation', shape: 'rectangle' },
  SERVER: { label: 'Server', shape: 'rectangle' },
  NETWORK_DEVICE: { label: 'Network device', shape: 'octagon' },
  CLOUD_SERVICE: { label: 'Cloud service', shape: 'ellipse' },
  UPDATE_SERVER: { label: 'Update server', shape: 'cut-rectangle' },
  APP_STORE: { label: 'App store', shape: 'tag' },
  OTHER: { label: 'Other', shape: 'octagon' },
};

export const ZONE_KIND: Record<ZoneKind, string> = {
  INTERNET: 'Internet',
  ENTERPRISE: 'Enterprise network',
  CLINICAL: 'Clinical network',
  GUEST_WIFI: 'Guest Wi-Fi',
  VENDOR_REMOTE_ACCESS: 'Vendor remote access',
  PATIENT_HOME: 'Patient home',
  CLOUD: 'Cloud',
  DMZ: 'DMZ',
  PHYSICAL_ACCESS: 'Physical access',
  OTHER: 'Other',
};

export const ELEMENT_TYPE: Record<ElementType, string> = {
  ZONE: 'Zone',
  DEVICE: 'Device',
  INTERFACE: 'Interface',
  CHANNEL: 'Channel',
  ASSET: 'Asset',
};

export const PLACEMENT_STATUS: Record<PlacementStatus, Swatch> = {
  IMPLEMENTED: { label: 'Implemented', color: OKABE_ITO.blue, text: '#FFFFFF' },
  PLANNED: { label: 'Planned', color: '#FFFFFF', text: OKABE_ITO.blue },
};

export const BLOCKING_STATUS: Record<BlockingControlStatus, Swatch> = {
  IMPLEMENTED: { label: 'Implemented', color: OKABE_ITO.blue, text: '#FFFFFF' },
  PLANNED: { label: 'Planned', color: '#FFFFFF', text: OKABE_ITO.blue },
  CANDIDATE: { label: 'Candidate', color: '#F2F2F2', text: '#000000' },
};

export const BASELINE_STATUS: Record<BaselineStatus, Swatch> = {
  MET: { label: 'Met', color: OKABE_ITO.bluishGreen, text: '#FFFFFF' },
  PLANNED: { label: 'Planned', color: OKABE_ITO.skyBlue, text: '#000000' },
  MISSING: { label: 'Missing', color: OKABE_ITO.vermillion, text: '#FFFFFF' },
  NOT_APPLICABLE: { label: 'Not applicable', color: '#F2F2F2', text: '#000000' },
};

/** How attack paths are drawn on the map. */
export const PATH_STYLE = {
  /** The selected path, or paths that remain under a what-if. */
  active: { color: OKABE_ITO.black, label: 'Attack path' },
  /** Paths a what-if cuts. */
  cut: { color: OKABE_ITO.blue, label: 'Path cut by the selected controls' },
  /** Elements receiving a hypothetical control. */
  placement: { color: OKABE_ITO.blue, label: 'Control placement (what-if)' },
  /** Entry points (zones or compromised elements). */
  entry: { color: OKABE_ITO.reddishPurple, label: 'Entry point' },
} as const;

export const BADGE = {
  vulnerability: { color: OKABE_ITO.black, text: '#FFFFFF', label: 'Known vulnerabilities (CVEs)' },
  control: { color: OKABE_ITO.blue, text: '#FFFFFF', label: 'Implemented controls' },
  planned: { color: '#FFFFFF', text: OKABE_ITO.blue, label: 'Planned controls' },
} as const;

/** "0.4213" → "42 %"; small values keep one significant digit. */
export function formatLikelihood(p: number): string {
  const pct = p * 100;
  if (pct >= 10) return `${Math.round(pct)} %`;
  if (pct >= 1) return `${pct.toFixed(1)} %`;
  return `${pct.toPrecision(1)} %`;
}

export function formatRisk(r: number): string {
  return r.toFixed(2);
}

export function formatCost(c: number): string {
  return Number.isInteger(c) ? String(c) : c.toFixed(1);
}

/** Human label for an enum value without a table entry: "WPA2_ENTERPRISE" → "WPA2 enterprise". */
export function humanize(value: string): string {
  const s = value.replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Step evidence entries that say where a fact was imported from (format 2.2), with their labels:
 * the advisory behind a vulnerability, the MDS2 answer behind a placement, a device flag or an
 * interface. Shown as "label: value" rather than "property = value".
 */
export const EVIDENCE_SOURCE_LABEL: Readonly<Record<string, string>> = {
  evidenceSource: 'Source',
  controlSource: 'Control source',
  flagSource: 'Flag source',
  interfaceSource: 'Interface source',
};

/** One step evidence entry as a line: "Flag source: generalPurposeOs of dev-1: MDS2 …" or "authentication = NONE". */
export function evidenceLine(e: { property: string; value: string }): string {
  const label = EVIDENCE_SOURCE_LABEL[e.property];
  return label ? `${label}: ${e.value}` : `${e.property} = ${e.value}`;
}
