/**
 * Domain types shared by every layer: the TR 67 catalogue, the threat model and its exchange
 * document. These are plain data (JSON-compatible, no driver types); the Neo4j layer maps to and
 * from them, the engine reads them, GraphQL serves them.
 *
 * One concept, one name: the same words are the Neo4j labels, the GraphQL types and the React
 * components (see ../shared/architecture.md).
 */

// ---------------------------------------------------------------------------------------------
// Enumerations (GraphQL enums use the same SCREAMING_SNAKE values)
// ---------------------------------------------------------------------------------------------

/** HSA medical-device risk class, ascending risk (Health Products (Medical Devices) Regulations 2010). */
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** Model element types on which a control can be placed or an attack step can land. */
export const ELEMENT_TYPES = ['ZONE', 'DEVICE', 'INTERFACE', 'CHANNEL', 'ASSET'] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

/** STRIDE threat categories (Microsoft STRIDE), used to classify attack methods. */
export const STRIDE = ['S', 'T', 'R', 'I', 'D', 'E'] as const;
export type Stride = (typeof STRIDE)[number];

/** Where a catalogue entry comes from. CONFIRMED: read in the cited public source;
 * RECONSTRUCTED: our reconstruction of a TR 67 table that is not public; OWN_DESIGN: ours. */
export const PROVENANCE_STATUSES = ['CONFIRMED', 'RECONSTRUCTED', 'OWN_DESIGN'] as const;
export type ProvenanceStatus = (typeof PROVENANCE_STATUSES)[number];

/** Network segment or trust-zone kinds. */
export const ZONE_KINDS = [
  'INTERNET',
  'ENTERPRISE',
  'CLINICAL',
  'GUEST_WIFI',
  'VENDOR_REMOTE_ACCESS',
  'PATIENT_HOME',
  'CLOUD',
  'DMZ',
  'PHYSICAL_ACCESS',
  'OTHER',
] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/** Device categories (drive shapes in the web map and Annex C examples). */
export const DEVICE_CATEGORIES = [
  'INFUSION_PUMP',
  'INFUSION_SERVER',
  'PATIENT_MONITOR',
  'CENTRAL_STATION',
  'VENTILATOR',
  'IMAGING',
  'PACS',
  'INTERFACE_ENGINE',
  'EHR',
  'INSULIN_PUMP',
  'CGM',
  'MOBILE_APP',
  'IMPLANTABLE_CARDIAC',
  'HOME_MONITOR',
  'PROGRAMMER',
  'BED_SENSOR',
  'ENVIRONMENTAL_SENSOR',
  'GATEWAY',
  'WORKSTATION',
  'SERVER',
  'NETWORK_DEVICE',
  'CLOUD_SERVICE',
  'UPDATE_SERVER',
  'APP_STORE',
  'OTHER',
] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

/** Interface kinds: a port, service, API or radio endpoint on a device. */
export const INTERFACE_KINDS = [
  'WEB_UI',
  'REMOTE_SERVICE',
  'HL7',
  'DICOM',
  'FHIR_API',
  'REST_API',
  'SSH',
  'TELNET',
  'SMB',
  'RDP',
  'USB',
  'SERIAL_DEBUG',
  'LOCAL_UI',
  'BLE_GATT',
  'PROPRIETARY_RF',
  'WIFI',
  'ZIGBEE',
  'LORA',
  'CELLULAR',
  'ETHERNET',
  'OTHER',
] as const;
export type InterfaceKind = (typeof INTERFACE_KINDS)[number];

/** Interface kinds that need hands on the device (CVSS AV:P). */
export const PHYSICAL_INTERFACE_KINDS: readonly InterfaceKind[] = ['USB', 'SERIAL_DEBUG', 'LOCAL_UI'];

/** How an interface authenticates its callers (MDS2 PAUT / NAUT). */
export const AUTHENTICATIONS = ['NONE', 'DEFAULT_CREDENTIALS', 'PASSWORD', 'MFA', 'CERTIFICATE'] as const;
export type Authentication = (typeof AUTHENTICATIONS)[number];

/** Channel technologies (TR 67 introduction names Wi-Fi, BLE, Zigbee and LoRa). */
export const CHANNEL_TECHNOLOGIES = [
  'WIFI',
  'BLE',
  'ZIGBEE',
  'LORA',
  'ETHERNET',
  'CELLULAR',
  'USB',
  'SERIAL',
  'PROPRIETARY_RF',
  'IP',
] as const;
export type ChannelTechnology = (typeof CHANNEL_TECHNOLOGIES)[number];

/** Wireless technologies: reachable by radio from the zones a channel is in range of. */
export const WIRELESS_TECHNOLOGIES: readonly ChannelTechnology[] = [
  'WIFI',
  'BLE',
  'ZIGBEE',
  'LORA',
  'CELLULAR',
  'PROPRIETARY_RF',
];

/**
 * Intrinsic security mechanisms of a channel's technology (TR 67 introduction: intrinsic vs
 * extrinsic mechanisms). Each is valid only for the technology in
 * {@link INTRINSIC_MECHANISM_TECHNOLOGY}; NONE is valid for all.
 */
export const INTRINSIC_MECHANISMS = [
  'NONE',
  'WEP',
  'WPA_TKIP',
  'WPA2_PSK',
  'WPA2_ENTERPRISE',
  'WPA3_SAE',
  'WPA3_ENTERPRISE',
  'BLE_LEGACY_JUST_WORKS',
  'BLE_JUST_WORKS',
  'BLE_PASSKEY',
  'BLE_NUMERIC_COMPARISON',
  'BLE_OOB',
  'ZIGBEE_DEFAULT_TC_LINK_KEY',
  'ZIGBEE_SHARED_NETWORK_KEY',
  'ZIGBEE_INSTALL_CODE_LINK_KEY',
  'LORAWAN_ABP',
  'LORAWAN_OTAA',
  'CELLULAR_LTE',
  'MACSEC',
  'PROPRIETARY_UNENCRYPTED',
  'PROPRIETARY_ENCRYPTED',
] as const;
export type IntrinsicMechanism = (typeof INTRINSIC_MECHANISMS)[number];

/** The technology each intrinsic mechanism belongs to (NONE fits every technology). */
export const INTRINSIC_MECHANISM_TECHNOLOGY: Record<Exclude<IntrinsicMechanism, 'NONE'>, ChannelTechnology> = {
  WEP: 'WIFI',
  WPA_TKIP: 'WIFI',
  WPA2_PSK: 'WIFI',
  WPA2_ENTERPRISE: 'WIFI',
  WPA3_SAE: 'WIFI',
  WPA3_ENTERPRISE: 'WIFI',
  BLE_LEGACY_JUST_WORKS: 'BLE',
  BLE_JUST_WORKS: 'BLE',
  BLE_PASSKEY: 'BLE',
  BLE_NUMERIC_COMPARISON: 'BLE',
  BLE_OOB: 'BLE',
  ZIGBEE_DEFAULT_TC_LINK_KEY: 'ZIGBEE',
  ZIGBEE_SHARED_NETWORK_KEY: 'ZIGBEE',
  ZIGBEE_INSTALL_CODE_LINK_KEY: 'ZIGBEE',
  LORAWAN_ABP: 'LORA',
  LORAWAN_OTAA: 'LORA',
  CELLULAR_LTE: 'CELLULAR',
  MACSEC: 'ETHERNET',
  PROPRIETARY_UNENCRYPTED: 'PROPRIETARY_RF',
  PROPRIETARY_ENCRYPTED: 'PROPRIETARY_RF',
};

/** Extrinsic mechanisms added on top of the radio/link (TR 67 introduction). */
export const EXTRINSIC_MECHANISMS = [
  'TLS',
  'APPLICATION_ENCRYPTION',
  'CHALLENGE_RESPONSE',
  'MESSAGE_AUTHENTICATION',
  'VPN',
] as const;
export type ExtrinsicMechanism = (typeof EXTRINSIC_MECHANISMS)[number];

/**
 * The control each extrinsic mechanism of a channel stands for (controls v2, one representation):
 * the mechanism is read as an IMPLEMENTED placement of that control, never counted twice; format
 * 2.1 migrates mechanisms into such placements.
 */
export const EXTRINSIC_MECHANISM_CONTROL: Readonly<Record<ExtrinsicMechanism, string>> = {
  TLS: 'C20',
  VPN: 'C20',
  APPLICATION_ENCRYPTION: 'C26',
  CHALLENGE_RESPONSE: 'C27',
  MESSAGE_AUTHENTICATION: 'C21',
};

/** What a channel carries. */
export const CHANNEL_PAYLOADS = ['COMMANDS', 'PERSONAL_DATA', 'TELEMETRY', 'ALARMS', 'FIRMWARE'] as const;
export type ChannelPayload = (typeof CHANNEL_PAYLOADS)[number];

/** Patient-safety asset kinds. */
export const ASSET_KINDS = ['THERAPY_DELIVERY', 'ALARM', 'DIAGNOSIS_MONITORING', 'PERSONAL_DATA'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** ISO 14971 five-level harm severity scale, ascending; numeric rank 1..5 via {@link SEVERITY_RANK}. */
export const SEVERITIES = ['NEGLIGIBLE', 'MINOR', 'SERIOUS', 'CRITICAL', 'CATASTROPHIC'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_RANK: Record<Severity, number> = {
  NEGLIGIBLE: 1,
  MINOR: 2,
  SERIOUS: 3,
  CRITICAL: 4,
  CATASTROPHIC: 5,
};

/**
 * The exchange format version this build writes (exchange format 2.x). Policy: a 2.x minor version
 * only adds optional fields, each with a documented migration default; 1.0 documents are migrated
 * by domain/model-migration.ts on every read (import, stored snapshot, audit image).
 */
export const MODEL_FORMAT_VERSION = '2.3' as const;
/** Exchange format versions read (each older one is migrated step by step to the current one). */
export const READABLE_FORMAT_VERSIONS = ['1.0', '2.0', '2.1', '2.2', '2.3'] as const;

/**
 * 2.2: the kind of evidence a fact of the model was imported from: a CSAF 2.0 advisory, a
 * CycloneDX VEX document, a CycloneDX SBOM, an MDS2 form (ANSI/NEMA HN 1-2019), the hospital's
 * device inventory, or typed in by hand.
 */
export const EVIDENCE_KINDS = ['CSAF', 'VEX', 'SBOM', 'MDS2', 'INVENTORY', 'MANUAL'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * 2.2: where one fact of the model comes from (a vulnerability, a control placement, a derived
 * device flag), so that it can be shown as evidence on the attack steps it affects.
 */
export interface EvidenceSource {
  kind: EvidenceKind;
  /** The document: a file name or an advisory id (e.g. "ICSMA-21-294-01"). */
  document: string;
  /** The item inside the document, e.g. a CSAF product id ("CSAFPID-0001") or an MDS2 question id ("MLDP-1"). */
  reference?: string;
  /** The answer or justification as given (e.g. "Yes", "code_not_reachable"). */
  detail?: string;
  /** SHA-256 of the source file, 64 lower-case hexadecimal digits. */
  sha256?: string;
  /**
   * 2.2 (optional, added later in 2.2; absent on older evidence): which fact of the element the
   * evidence supports, so that the engine can show it on the attack steps that fact affects. On
   * Device.evidence: a device flag name ({@link EVIDENCE_FLAG_FACTS}, e.g. "generalPurposeOs"), or
   * "interface:" and the id of one of the device's interfaces (an interface the source created or
   * confirmed, e.g. "interface:if-pump-1-mds2-usb"). A fact naming no flag or no interface of the
   * device is kept but linked to no step; evidence without `fact` is listed on the device only.
   */
  fact?: string;
}

/** 2.2: device flags an {@link EvidenceSource.fact} can name (the ones an MDS2 form settles). */
export const EVIDENCE_FLAG_FACTS = [
  'generalPurposeOs',
  'executesSoftware',
  'patchable',
  'handlesPersonalData',
  'storesData',
  'remoteService',
] as const;
export type EvidenceFlagFact = (typeof EVIDENCE_FLAG_FACTS)[number];
/** Prefix of an {@link EvidenceSource.fact} naming an interface: "interface:" + interface id. */
export const INTERFACE_FACT_PREFIX = 'interface:';

/**
 * An evidence source as one line for step evidence and reports, e.g.
 * "CSAF ICSMA-21-294-01 (CSAFPID-0003): CSAFPID-0003: affected" (detail cut to 200 characters).
 */
export function evidenceSourceText(e: EvidenceSource): string {
  const detail = e.detail && e.detail.length > 200 ? `${e.detail.slice(0, 199)}…` : e.detail;
  return `${e.kind} ${e.document}${e.reference ? ` (${e.reference})` : ''}${detail ? `: ${detail}` : ''}`;
}

/**
 * 2.2: whether a vulnerability affects the element (CSAF 2.0 product_status, CycloneDX VEX
 * analysis.state): AFFECTED (known_affected, exploitable), UNDER_INVESTIGATION (in_triage), FIXED
 * (fixed, resolved), NOT_AFFECTED (known_not_affected, not_affected). Absent means AFFECTED.
 * FIXED and NOT_AFFECTED vulnerabilities create no attack step ({@link vulnerabilityCreatesSteps}).
 */
export const VULNERABILITY_STATUSES = ['AFFECTED', 'UNDER_INVESTIGATION', 'FIXED', 'NOT_AFFECTED'] as const;
export type VulnerabilityStatus = (typeof VULNERABILITY_STATUSES)[number];

/**
 * Whether the engine builds attack steps from a vulnerability: yes unless its status is FIXED or
 * NOT_AFFECTED (an absent status is AFFECTED; UNDER_INVESTIGATION counts, as the cautious reading).
 */
export function vulnerabilityCreatesSteps(v: Pick<Vulnerability, 'status'>): boolean {
  return v.status !== 'FIXED' && v.status !== 'NOT_AFFECTED';
}

/** 2.2: one software component of a device (a CycloneDX SBOM component). */
export interface DeviceComponent {
  name: string;
  version?: string;
  /** Package URL (purl-spec), e.g. "pkg:npm/lodash@4.17.21". */
  purl?: string;
  /** CPE 2.3 (or 2.2 URI) name. */
  cpe?: string;
}

/**
 * Channel technologies carried over IP (attack model v2): a device with such a link, or with an
 * IP-served interface, is a host on the networks it sits in and can pivot into them.
 */
export const IP_TECHNOLOGIES: readonly ChannelTechnology[] = ['WIFI', 'ETHERNET', 'CELLULAR', 'IP'];

/** Interface kinds served over IP (a device exposing one is a host on that network). */
export const IP_INTERFACE_KINDS: readonly InterfaceKind[] = [
  'WEB_UI',
  'REMOTE_SERVICE',
  'HL7',
  'DICOM',
  'FHIR_API',
  'REST_API',
  'SSH',
  'TELNET',
  'SMB',
  'RDP',
  'WIFI',
  'CELLULAR',
  'ETHERNET',
];

/**
 * What an attacker who may USE an interface can do with it (attack model v2: the interface's
 * function decides what its use grants; use alone never gives control of the device).
 * - CHANGE_SETTINGS: change the device's clinical settings (therapy, alarm limits, monitoring):
 *   manipulate or deny its THERAPY_DELIVERY, ALARM and DIAGNOSIS_MONITORING assets;
 * - COMMAND_THERAPY: start, stop or change therapy: manipulate or deny THERAPY_DELIVERY;
 * - READ_DATA: read stored data: disclose PERSONAL_DATA;
 * - WRITE_DATA: write data the device keeps or acts on: manipulate DIAGNOSIS_MONITORING and PERSONAL_DATA;
 * - LOGIN_SHELL: an operating-system session: user-level control of the device;
 * - ADMINISTER: a service or administrator session (what vendors' remote-service accounts have):
 *   full control of the device;
 * - UPDATE_FIRMWARE: replace the device's software: full control unless updates are verified (AM09);
 * - FILE_TRANSFER: put files on the device (shares, removable media): malware on a general-purpose OS (AM08).
 */
export const INTERFACE_FUNCTIONS = [
  'CHANGE_SETTINGS',
  'COMMAND_THERAPY',
  'READ_DATA',
  'WRITE_DATA',
  'LOGIN_SHELL',
  'ADMINISTER',
  'UPDATE_FIRMWARE',
  'FILE_TRANSFER',
] as const;
export type InterfaceFunction = (typeof INTERFACE_FUNCTIONS)[number];

/**
 * Functions an interface of each kind has when the model does not say (migration default for 1.0
 * documents and for interfaces without `functions`). Link endpoints (radio, Ethernet) have none of
 * their own: what travels over them is modelled by channels. OWN DESIGN, documented in
 * docs/attack-model.md.
 */
export const DEFAULT_INTERFACE_FUNCTIONS: Record<InterfaceKind, readonly InterfaceFunction[]> = {
  WEB_UI: ['CHANGE_SETTINGS', 'READ_DATA'],
  LOCAL_UI: ['CHANGE_SETTINGS', 'READ_DATA'],
  REMOTE_SERVICE: ['ADMINISTER'],
  HL7: ['READ_DATA', 'WRITE_DATA'],
  DICOM: ['READ_DATA', 'WRITE_DATA'],
  FHIR_API: ['READ_DATA', 'WRITE_DATA'],
  REST_API: ['READ_DATA', 'WRITE_DATA'],
  SSH: ['LOGIN_SHELL'],
  TELNET: ['LOGIN_SHELL'],
  RDP: ['LOGIN_SHELL'],
  SMB: ['FILE_TRANSFER', 'READ_DATA', 'WRITE_DATA'],
  USB: ['FILE_TRANSFER'],
  SERIAL_DEBUG: ['LOGIN_SHELL', 'UPDATE_FIRMWARE'],
  BLE_GATT: ['READ_DATA'],
  PROPRIETARY_RF: [],
  WIFI: [],
  ZIGBEE: [],
  LORA: [],
  CELLULAR: [],
  ETHERNET: [],
  OTHER: [],
};

/** The functions of an interface: its own list, else the default of its kind. */
export function interfaceFunctions(iface: Pick<Interface, 'kind' | 'functions'>): readonly InterfaceFunction[] {
  return iface.functions ?? DEFAULT_INTERFACE_FUNCTIONS[iface.kind];
}

/**
 * What a device accepts back on the connections it opens itself (attack model v2, outbound
 * connections): DATA (readings, configuration it stores), COMMANDS (it acts on them), CODE (it
 * loads and runs files: a backdoor or an unverified update channel).
 */
export const OUTBOUND_ACCEPTS = ['DATA', 'COMMANDS', 'CODE'] as const;
export type OutboundAccepts = (typeof OUTBOUND_ACCEPTS)[number];

/** Harm an attacker can do to an asset (attack model v2: targets are (asset, impact) pairs). */
export const IMPACTS = ['MANIPULATE', 'DENY', 'DISCLOSE'] as const;
export type Impact = (typeof IMPACTS)[number];

/**
 * Risk scales, reported side by side and never added: SAFETY ranks patient harm on ISO 14971's
 * five levels; PRIVACY ranks a disclosure of personal data by how many patients' records it exposes.
 */
export const RISK_SCALES = ['SAFETY', 'PRIVACY'] as const;
export type RiskScale = (typeof RISK_SCALES)[number];

/**
 * Privacy scale (OWN DESIGN, after the breach-size tiers of data-protection practice): rank 1..5 by
 * the number of patients whose records a disclosure exposes: ONE_PATIENT 1; FEW 2..99; HUNDREDS
 * 100..9,999 ("HUNDREDS" covers a ward or a clinic's caseload); THOUSANDS 10,000..99,999; MASS ≥ 100,000.
 */
export const PRIVACY_SEVERITIES = ['ONE_PATIENT', 'FEW', 'HUNDREDS', 'THOUSANDS', 'MASS'] as const;
export type PrivacySeverity = (typeof PRIVACY_SEVERITIES)[number];

/** The privacy severity of disclosing `records` patients' records (see {@link PRIVACY_SEVERITIES}). */
export function privacySeverity(records: number): PrivacySeverity {
  if (records >= 100_000) return 'MASS';
  if (records >= 10_000) return 'THOUSANDS';
  if (records >= 100) return 'HUNDREDS';
  if (records >= 2) return 'FEW';
  return 'ONE_PATIENT';
}

/** Lowers a severity by one level (NEGLIGIBLE stays NEGLIGIBLE). */
export function severityBelow(s: Severity): Severity {
  return SEVERITIES[Math.max(0, SEVERITY_RANK[s] - 2)]!;
}

/**
 * The safety severity of each impact an asset can suffer (attack model v2), with the migration
 * defaults for assets that do not state them (docs/attack-model.md "Migration defaults"):
 * - THERAPY_DELIVERY: MANIPULATE = severity; DENY = one level lower (interrupted therapy is
 *   noticed by pump alarms and staff; manipulated therapy is not);
 * - ALARM: MANIPULATE = DENY = severity (a suppressed alarm and a missing one harm alike);
 * - DIAGNOSIS_MONITORING: MANIPULATE = severity (falsified readings); DENY = one level lower;
 * - PERSONAL_DATA: no safety impact unless stated (its `severity` expressed disclosure in 1.0;
 *   disclosure is ranked on the privacy scale).
 * An impact with no severity is not a target.
 */
export function assetSafetySeverities(asset: Asset): Partial<Record<'MANIPULATE' | 'DENY', Severity>> {
  const out: Partial<Record<'MANIPULATE' | 'DENY', Severity>> = {};
  const m = asset.manipulationSeverity;
  const d = asset.denialSeverity;
  switch (asset.kind) {
    case 'THERAPY_DELIVERY':
    case 'DIAGNOSIS_MONITORING':
      out.MANIPULATE = m ?? asset.severity;
      out.DENY = d ?? severityBelow(asset.severity);
      break;
    case 'ALARM':
      out.MANIPULATE = m ?? asset.severity;
      out.DENY = d ?? asset.severity;
      break;
    case 'PERSONAL_DATA':
      if (m) out.MANIPULATE = m;
      if (d) out.DENY = d;
      break;
  }
  return out;
}

/**
 * How many patients' records disclosing an asset exposes, or undefined when disclosure is not a
 * harm of this asset. PERSONAL_DATA defaults by where it sits (migration default): record systems
 * (EHR, PACS, interface engines, servers, cloud services) 100,000; central stations and infusion
 * servers 1,000; any other device 1 (it serves one patient at a time).
 */
export function assetDisclosureRecords(asset: Asset, device: Pick<Device, 'category'> | undefined): number | undefined {
  if (asset.disclosureRecords !== undefined) return asset.disclosureRecords;
  if (asset.kind !== 'PERSONAL_DATA') return undefined;
  switch (device?.category) {
    case 'EHR':
    case 'PACS':
    case 'INTERFACE_ENGINE':
    case 'SERVER':
    case 'CLOUD_SERVICE':
      return 100_000;
    case 'CENTRAL_STATION':
    case 'INFUSION_SERVER':
      return 1_000;
    default:
      return 1;
  }
}

/**
 * Whether an attacker present in the zone has hands on the devices located there (attack model v2:
 * physical access follows from the place). Default: zones of kind PHYSICAL_ACCESS (wards, public
 * areas) and PATIENT_HOME.
 */
export function zoneGivesPhysicalAccess(zone: Pick<Zone, 'kind' | 'physicalAccess'>): boolean {
  return zone.physicalAccess ?? (zone.kind === 'PHYSICAL_ACCESS' || zone.kind === 'PATIENT_HOME');
}

/**
 * Whether the zone is a network (presence gives network reach to what is exposed there, and a
 * compromised host in it can pivot). Default: every kind but PHYSICAL_ACCESS, which is a place.
 */
export function zoneIsNetwork(zone: Pick<Zone, 'kind' | 'network'>): boolean {
  return zone.network ?? zone.kind !== 'PHYSICAL_ACCESS';
}

/** Status of a control placement: only IMPLEMENTED placements block attack steps. */
export const PLACEMENT_STATUSES = ['IMPLEMENTED', 'PLANNED'] as const;
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number];

/** Device properties that switch a conditional risk-class baseline requirement on (TR 67 Table 3, reconstructed). */
export const BASELINE_CONDITIONS = [
  'HANDLES_PERSONAL_DATA',
  'HAS_NETWORK_INTERFACE',
  'HAS_WIRELESS_INTERFACE',
  'GENERAL_PURPOSE_OS',
  'REMOTE_SERVICE',
  'STORES_DATA',
  'HAS_USER_INTERFACE',
] as const;
export type BaselineCondition = (typeof BASELINE_CONDITIONS)[number];

/** The baseline conditions that are plain device properties (usable as Control.deviceConditions). */
export const DEVICE_CONDITIONS = [
  'GENERAL_PURPOSE_OS',
  'HANDLES_PERSONAL_DATA',
  'STORES_DATA',
  'REMOTE_SERVICE',
] as const;
export type DeviceCondition = (typeof DEVICE_CONDITIONS)[number];

/** True when `device` has every condition in `conditions` (device properties only). */
export function deviceMeets(
  device: Pick<Device, 'generalPurposeOs' | 'handlesPersonalData' | 'storesData' | 'remoteService'>,
  conditions: readonly DeviceCondition[],
): boolean {
  return conditions.every((c) =>
    c === 'GENERAL_PURPOSE_OS'
      ? device.generalPurposeOs
      : c === 'HANDLES_PERSONAL_DATA'
        ? device.handlesPersonalData
        : c === 'STORES_DATA'
          ? device.storesData
          : device.remoteService,
  );
}

/** REQUIRED: always; CONDITIONAL: when any listed condition holds; RECOMMENDED: advisory only. */
export const REQUIREMENT_LEVELS = ['REQUIRED', 'CONDITIONAL', 'RECOMMENDED'] as const;
export type RequirementLevel = (typeof REQUIREMENT_LEVELS)[number];

/**
 * What a control in force does to the steps of one attack method (controls v2, docs/attack-model.md
 * "Control effects"):
 * - PREVENTS: the step cannot happen while the control is in force (only these cut paths);
 * - REDUCES: the step's likelihood is multiplied by the effect's `factor` (0 < factor < 1);
 * - DETECTS: the attack is noticed sooner (shorter dwell); reported, changes no likelihood;
 * - RECOVERS: the harm is undone or shortened (backup, safe fallback); reported, changes no likelihood.
 */
export const CONTROL_EFFECTS = ['PREVENTS', 'REDUCES', 'DETECTS', 'RECOVERS'] as const;
export type ControlEffectKind = (typeof CONTROL_EFFECTS)[number];

/** One (control, attack method) pair of the catalogue, with its reasoning in our own words. */
export interface ControlEffect {
  attackMethodId: string;
  effect: ControlEffectKind;
  /** REDUCES only: residual likelihood factor, 0 < factor < 1. */
  factor?: number;
  /** Why, citing the capability meaning (e.g. "80001-2-2 TXCF: confidentiality in transit"). */
  rationale: string;
}

/**
 * Applicability predicates beyond element type, technology and kind (controls v2). Each holds for:
 * - IP_BASED: a zone that is a network, a device that is an IP host, an interface of an IP kind,
 *   a channel over an IP technology (firewalls, TLS and certificates need IP);
 * - USER_SESSION: an interface with interactive user sessions, a device with such an interface
 *   (passwords, idle lock, roles);
 * - PATCHABLE: a device (or the device of an interface) whose software can be updated in the
 *   field (MDS2 CSUP; patching a listed vulnerability needs it);
 * - EXECUTES_SOFTWARE: a device (or the device of an interface) that can run installed software
 *   (allowlisting, anti-malware);
 * - NOT_IMPLANTED / NOT_BODY_WORN: no device concerned (the device, the interface's device, either
 *   end of a channel) is implanted / worn on the body (locks, port blockers);
 * - ON_PREMISES: a zone or device in the hospital's own premises, not only a patient's home, the
 *   internet or a cloud (what the hospital can physically change);
 * - NOT_EMERGENCY_CONTROLS (2.3): not the bedside controls (a LOCAL_UI interface) of a device
 *   that must be operable at once in an emergency ({@link deviceEmergencyOperation}): a login
 *   there would stand between a clinician and life support (the concern of IEC TR 80001-2-2
 *   EMRG, emergency access, applied to the device's operation as well as its data).
 */
export const ELEMENT_CONDITIONS = [
  'IP_BASED',
  'PATCHABLE',
  'USER_SESSION',
  'EXECUTES_SOFTWARE',
  'NOT_IMPLANTED',
  'NOT_BODY_WORN',
  'ON_PREMISES',
  'NOT_EMERGENCY_CONTROLS',
] as const;
export type ElementCondition = (typeof ELEMENT_CONDITIONS)[number];

/** The effect `control` has on `attackMethodId`, if any. */
export function controlEffect(control: Pick<Control, 'effects'>, attackMethodId: string): ControlEffect | undefined {
  return control.effects.find((e) => e.attackMethodId === attackMethodId);
}

/** Attack methods whose steps the control prevents or reduces (the old `mitigates` list), sorted. */
export function mitigatedMethodIds(control: Pick<Control, 'effects'>): string[] {
  return control.effects
    .filter((e) => e.effect === 'PREVENTS' || e.effect === 'REDUCES')
    .map((e) => e.attackMethodId)
    .sort();
}

/** Where a device sits relative to the patient's body (2.1; physical controls do not fit implants). */
export const BODY_LOCATIONS = ['IMPLANTED', 'BODY_WORN', 'NONE'] as const;
export type BodyLocation = (typeof BODY_LOCATIONS)[number];

/** A device's body location: its own `bodyLocation`, else by category (implants, worn pumps and sensors). */
export function deviceBodyLocation(device: Pick<Device, 'category' | 'bodyLocation'>): BodyLocation {
  if (device.bodyLocation) return device.bodyLocation;
  if (device.category === 'IMPLANTABLE_CARDIAC') return 'IMPLANTED';
  if (device.category === 'INSULIN_PUMP' || device.category === 'CGM') return 'BODY_WORN';
  return 'NONE';
}

/** Categories that run installed software by nature (apps, servers, workstations, cloud services). */
export const SOFTWARE_HOST_CATEGORIES: readonly DeviceCategory[] = [
  'MOBILE_APP',
  'WORKSTATION',
  'SERVER',
  'CLOUD_SERVICE',
  'EHR',
  'PACS',
  'INTERFACE_ENGINE',
  'INFUSION_SERVER',
  'CENTRAL_STATION',
  'UPDATE_SERVER',
  'APP_STORE',
];

/** Whether a device can run installed executable software: its own `executesSoftware`, else a general-purpose OS or a software category. */
export function deviceExecutesSoftware(
  device: Pick<Device, 'category' | 'generalPurposeOs' | 'executesSoftware'>,
): boolean {
  return device.executesSoftware ?? (device.generalPurposeOs || SOFTWARE_HOST_CATEGORIES.includes(device.category));
}

/**
 * Categories whose bedside controls must work at once, without a login, in an emergency by
 * default (2.3): life support (ventilators). Other devices (a defibrillator or an anaesthesia
 * workstation filed as OTHER) state it with `emergencyOperation`.
 */
export const EMERGENCY_OPERATION_CATEGORIES: readonly DeviceCategory[] = ['VENTILATOR'];

/**
 * Whether a device must be operable at its bedside controls at once in an emergency (2.3): its own
 * `emergencyOperation`, else true for {@link EMERGENCY_OPERATION_CATEGORIES}. Such a device's
 * LOCAL_UI carries no login control (element condition NOT_EMERGENCY_CONTROLS).
 */
export function deviceEmergencyOperation(device: Pick<Device, 'category' | 'emergencyOperation'>): boolean {
  return device.emergencyOperation ?? EMERGENCY_OPERATION_CATEGORIES.includes(device.category);
}

/** Interface kinds with interactive user sessions (login, screens, shells). */
export const USER_SESSION_INTERFACE_KINDS: readonly InterfaceKind[] = [
  'WEB_UI',
  'LOCAL_UI',
  'SSH',
  'TELNET',
  'RDP',
  'REMOTE_SERVICE',
];

/** Whether an interface has user sessions: its own `userSession`, else by kind. */
export function interfaceHasUserSession(iface: Pick<Interface, 'kind' | 'userSession'>): boolean {
  return iface.userSession ?? USER_SESSION_INTERFACE_KINDS.includes(iface.kind);
}

/** Annex/table a control belongs to. */
export const CONTROL_KINDS = ['MITIGATING', 'WIRELESS_INTRINSIC', 'WIRELESS_EXTRINSIC', 'ORGANISATIONAL'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Catalogue (TR 67 Annex A / B / C, Tables 2 and 3; IEC TR 80001-2-2; MDS2)
// ---------------------------------------------------------------------------------------------

/** Where an entry comes from: status plus the clause it cites, e.g. "IEC TR 80001-2-2:2012 §5 (TXCF)". */
export interface Provenance {
  status: ProvenanceStatus;
  source: string;
}

/** One of the 19 IEC TR 80001-2-2 security capabilities (MDS2 2013 sections). */
export interface SecurityCapability {
  code: string;
  name: string;
  /** Meaning in our own words (no copied standard text). */
  description: string;
  provenance: Provenance;
}

/** TR 67 Annex B attack method (reconstructed AM01..AM20). */
export interface AttackMethod {
  id: string;
  name: string;
  description: string;
  /** Element types the method acts on. */
  targets: ElementType[];
  stride: Stride[];
  /** Probability 0-1 that a capable attacker succeeds with no control in place. */
  baseLikelihood: number;
  /** IEC TR 80001-2-2 capability codes whose controls mitigate it. */
  capabilityCodes: string[];
  provenance: Provenance;
}

/** Annex A mitigating control, or a TR 67 wireless intrinsic/extrinsic mechanism expressed as a control. */
export interface Control {
  id: string;
  name: string;
  description: string;
  kind: ControlKind;
  capabilityCodes: string[];
  /** Element types on which it can be placed. */
  appliesTo: ElementType[];
  /** If set, only channels of these technologies accept it (e.g. C23 only on BLE). */
  technologies?: ChannelTechnology[];
  /** If set, only interfaces of these kinds accept it. */
  interfaceKinds?: InterfaceKind[];
  /**
   * If set, the control fits only a device (or an interface of a device) for which all these hold,
   * e.g. anti-malware needs a general-purpose OS (MDS2 MLDP-1). Only device properties:
   * see {@link DEVICE_CONDITIONS}.
   */
  deviceConditions?: DeviceCondition[];
  /**
   * Where else it can exist (controls v2): every condition must hold for the element, see
   * {@link ELEMENT_CONDITIONS} (e.g. a firewall needs an IP-based element, passwords a user session).
   */
  elementConditions?: ElementCondition[];
  /**
   * What it does to each attack method it acts on (controls v2): one entry per method, sorted by
   * method id. Only PREVENTS cuts attack steps; REDUCES multiplies their likelihood; DETECTS and
   * RECOVERS are reported, never counted as a cut.
   */
  effects: ControlEffect[];
  /** Default relative cost in cost units (1 = cheap configuration change, 10 = major project). */
  defaultCost: number;
  provenance: Provenance;
}

/** One row of a risk-class baseline (TR 67 Table 3, reconstructed). */
export interface BaselineRequirement {
  capabilityCode: string;
  level: RequirementLevel;
  /** For CONDITIONAL: the requirement applies when any of these device conditions holds. */
  conditions: BaselineCondition[];
  /**
   * Controls that satisfy the requirement; any one implemented where it fits on the device, its
   * interfaces, its channels or the zones it sits in suffices (engine/baseline/find-baseline-gaps.ts).
   */
  controlIds: string[];
  note?: string;
}

/** The controls/capabilities expected of a device of one HSA risk class. */
export interface RiskClassBaseline {
  riskClass: RiskClass;
  description: string;
  requirements: BaselineRequirement[];
  provenance: Provenance;
}

/**
 * TR 67 Table 2: telehealth mitigating controls per link technology (reconstructed). The baselines
 * apply them to the channels of devices used at home or for remote monitoring (capability code
 * TELEHEALTH, engine/baseline/find-baseline-gaps.ts).
 */
export interface TelehealthControl {
  id: string;
  technology: ChannelTechnology;
  description: string;
  controlIds: string[];
  provenance: Provenance;
}

/** TR 67 Annex C: example connected devices per HSA risk class (reconstructed). */
export interface DeviceExample {
  id: string;
  riskClass: RiskClass;
  category: DeviceCategory;
  example: string;
  connectivity: ChannelTechnology[];
  provenance: Provenance;
}

/** The whole catalogue document (seeds/catalogue/*.json, schema seeds/catalogue.schema.json). */
export interface Catalogue {
  catalogueVersion: string;
  name: string;
  description: string;
  securityCapabilities: SecurityCapability[];
  attackMethods: AttackMethod[];
  controls: Control[];
  riskClassBaselines: RiskClassBaseline[];
  telehealthControls: TelehealthControl[];
  deviceExamples: DeviceExample[];
}

/** Attack method id → its name (for reasons in words, e.g. "AM11 Physical access to ports or media"). */
export function attackMethodNames(catalogue: Pick<Catalogue, 'attackMethods'>): Record<string, string> {
  return Object.fromEntries(catalogue.attackMethods.map((m) => [m.id, m.name]));
}

// ---------------------------------------------------------------------------------------------
// Threat model (one per hospital or workshop) and its exchange document
// ---------------------------------------------------------------------------------------------

/** Header of a threat model. `version` increments on every write. */
export interface ThreatModelInfo {
  id: string;
  name: string;
  description?: string;
}

/** Network segment or trust zone. An entry point is where an attacker starts. */
export interface Zone {
  id: string;
  name: string;
  kind: ZoneKind;
  entryPoint: boolean;
  description?: string;
  /** 2.0: presence here gives hands on the devices located here (default: kinds PHYSICAL_ACCESS and PATIENT_HOME). */
  physicalAccess?: boolean;
  /** 2.0: the zone is a network, not only a place (default: every kind but PHYSICAL_ACCESS). */
  network?: boolean;
  /**
   * 2.0: zones this zone's traffic is routed to without restriction (a flat network, a routed
   * VLAN pair): network reach of this zone gives network reach of each. One direction; list both
   * zones on each other for a two-way link. A boundary control on the destination zone (its edge)
   * can block the step.
   */
  linkedZoneIds?: string[];
  /**
   * 2.0: when set, the links in `linkedZoneIds` are routed with an allowlist: only interfaces of
   * these kinds in the linked zones are reachable from this zone (a firewall rule set between two
   * VLANs), not the linked zones as a whole. Absent: the links are open.
   */
  linkedZoneServices?: InterfaceKind[];
}

/** A medical device or supporting system. */
export interface Device {
  id: string;
  name: string;
  category: DeviceCategory;
  manufacturer?: string;
  modelName?: string;
  riskClass: RiskClass;
  software?: string;
  /** Runs a general-purpose OS (Windows, Linux desktop...): MDS2 MLDP-1. */
  generalPurposeOs: boolean;
  /** Security patches can be applied in the field: MDS2 CSUP. */
  patchable: boolean;
  /** Handles personally identifiable / health data: MDS2 MPII-1. */
  handlesPersonalData: boolean;
  /** Stores data persistently. */
  storesData: boolean;
  /** Supports vendor remote service: MDS2 RMOT-1. */
  remoteService: boolean;
  /** Zones (network segments) the device sits in; at least one. */
  zoneIds: string[];
  /**
   * Caller's identifier (the CMDB record id) for inventory integration: unique within a model,
   * the key of upsertDevices.
   */
  externalId?: string;
  /**
   * IPv4/IPv6 addresses of the device's network interfaces, canonical (domain/identifiers.ts:
   * dotted IPv4, RFC 5952 IPv6), no repeats; absent when none is known (never empty). Not unique
   * across devices (overlapping private ranges, NAT, patients' home networks).
   */
  ipAddresses?: string[];
  /** EUI-48 MAC addresses, canonical `aa:bb:cc:dd:ee:ff`, no repeats; absent when none is known (never empty). */
  macAddresses?: string[];
  /** The label on the device (biomedical engineering's inventory or asset tag number). */
  assetTag?: string;
  /**
   * 2.0: for hosted software (an app on a phone, a service on a cloud platform), the device that
   * hosts it: control of the host gives control of the hosted software, never the reverse.
   */
  hostDeviceId?: string;
  /**
   * 2.0: zones of the endpoints the device opens connections to itself (a vendor cloud, a fixed
   * internet address): whoever controls or impersonates an endpoint there reaches the device
   * through the connection, whatever inbound filtering says.
   */
  outboundZoneIds?: string[];
  /** 2.0: what the device accepts back on those connections (default DATA). */
  outboundAccepts?: OutboundAccepts;
  /** 2.1: implanted, worn on the body, or neither (default by category: {@link deviceBodyLocation}). */
  bodyLocation?: BodyLocation;
  /** 2.1: can run installed executable software (default: {@link deviceExecutesSoftware}). */
  executesSoftware?: boolean;
  /** 2.2: the version of the device's software or firmware alone (e.g. "L81"), as advisories name it. */
  softwareVersion?: string;
  /** 2.2: software components (from an SBOM); absent when none is known (never empty). */
  components?: DeviceComponent[];
  /** 2.2: where the device's derived flags come from (e.g. MDS2 answers); absent when none (never empty). */
  evidence?: EvidenceSource[];
  /**
   * 2.3: its bedside controls (LOCAL_UI) must work at once, without a login, in an emergency
   * (life support, resuscitation), so no login control fits them (default by category:
   * {@link deviceEmergencyOperation}).
   */
  emergencyOperation?: boolean;
}

/** A port, service, API, UI or radio endpoint on a device. */
export interface Interface {
  id: string;
  deviceId: string;
  name: string;
  kind: InterfaceKind;
  /** Zones from which the interface can be reached. */
  exposedToZoneIds: string[];
  authentication: Authentication;
  /** TCP/UDP port if any. */
  port?: number;
  /** 2.0: what use of the interface allows (default by kind: {@link DEFAULT_INTERFACE_FUNCTIONS}). */
  functions?: InterfaceFunction[];
  /** 2.1: has interactive user sessions (default by kind: {@link USER_SESSION_INTERFACE_KINDS}). */
  userSession?: boolean;
}

/** A communication link between two devices (optionally between named interfaces). Direction from → to is the direction of commands. */
export interface Channel {
  id: string;
  name: string;
  fromDeviceId: string;
  toDeviceId: string;
  fromInterfaceId?: string;
  toInterfaceId?: string;
  technology: ChannelTechnology;
  intrinsicMechanism: IntrinsicMechanism;
  extrinsicMechanisms: ExtrinsicMechanism[];
  carries: ChannelPayload[];
  /** Zones from which the link can be observed or reached (radio range, or the network it crosses). */
  zoneIds: string[];
  /**
   * 2.0: data flow. The channels on which the receiver passes this channel's readings or alarms
   * on (each starts at this channel's receiver and carries TELEMETRY or ALARMS as this one does):
   * falsified data travels along them hop by hop to whoever acts on it.
   */
  forwardedTo?: string[];
  /**
   * 2.0: what this channel delivers is authenticated end to end by its originator (signed at the
   * sensor, verified by this channel's receiver): data forged on an earlier hop, or in transit on
   * this one, is rejected here.
   */
  endToEndIntegrity?: boolean;
}

/** A patient-safety function or data on a device. */
export interface Asset {
  id: string;
  deviceId: string;
  name: string;
  kind: AssetKind;
  /** ISO 14971 severity of the asset's primary harm (1.0); the per-impact fields refine it. */
  severity: Severity;
  /** 2.0: severity of manipulation (default per kind: {@link assetSafetySeverities}). */
  manipulationSeverity?: Severity;
  /** 2.0: severity of denial (interrupted therapy, missing alarm; default per kind). */
  denialSeverity?: Severity;
  /** 2.0: patients' records a disclosure exposes (PERSONAL_DATA default: {@link assetDisclosureRecords}). */
  disclosureRecords?: number;
}

/** A known vulnerability of a device or interface. */
export interface Vulnerability {
  id: string;
  cveId: string;
  /**
   * CVSS base vector, v3.0/v3.1 (e.g. "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") or v4.0
   * (e.g. "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"); see domain/cvss.ts.
   */
  cvssVector: string;
  /** Id of the device or interface it affects. */
  elementId: string;
  description?: string;
  /** 2.2: whether it affects the element (absent: AFFECTED); FIXED and NOT_AFFECTED create no step. */
  status?: VulnerabilityStatus;
  /** 2.2: what the vendor advises (fix, mitigation, workaround), as text. */
  remediation?: string;
  /** 2.2: the advisory, VEX or SBOM it was imported from. */
  source?: EvidenceSource;
}

/** A catalogue control placed on a model element. */
export interface ControlPlacement {
  id: string;
  controlId: string;
  elementId: string;
  status: PlacementStatus;
  /** Cost units; when absent the control's defaultCost applies. */
  cost?: number;
  note?: string;
  /** 2.2: the evidence the placement was derived from (e.g. an MDS2 answer, a CSAF remediation). */
  source?: EvidenceSource;
}

/** The exchange document: one JSON per model (schema seeds/model.schema.json). */
export interface ModelDocument {
  /** Always the current version once read: 1.0 documents are migrated (domain/model-migration.ts). */
  formatVersion: typeof MODEL_FORMAT_VERSION;
  model: ThreatModelInfo;
  zones: Zone[];
  devices: Device[];
  interfaces: Interface[];
  channels: Channel[];
  assets: Asset[];
  vulnerabilities: Vulnerability[];
  controlPlacements: ControlPlacement[];
}

/** Model plus the bookkeeping Neo4j keeps about it. */
export interface ThreatModelSummary extends ThreatModelInfo {
  /** Incremented by every write to the model. */
  version: number;
  createdAt: string;
  updatedAt: string;
}
