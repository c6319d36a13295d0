/**
 * Likelihood factors shared by the rules: dimensionless multipliers applied to an attack
 * method's baseLikelihood (TR 67 Annex B, reconstructed). Each table is documented in
 * docs/attack-model.md; the values are our own calibration (OWN DESIGN), ordered by the
 * protocol facts cited next to them.
 */
import type {
  Authentication,
  Channel,
  ChannelTechnology,
  Interface,
  InterfaceKind,
  IntrinsicMechanism,
} from '../../domain/types';
import {
  IP_INTERFACE_KINDS,
  IP_TECHNOLOGIES,
  PHYSICAL_INTERFACE_KINDS,
  WIRELESS_TECHNOLOGIES,
} from '../../domain/types';
import type { IndexedModel, ScoredVulnerability } from './rule';
import type { StepEvidence } from '../types';

/** Interface kinds reached by radio: an attacker in range is adjacent (CVSS AV:A). */
export const RADIO_INTERFACE_KINDS: readonly InterfaceKind[] = ['BLE_GATT', 'PROPRIETARY_RF', 'WIFI', 'ZIGBEE', 'LORA'];

/** USB, SERIAL_DEBUG or LOCAL_UI: needs hands on the device (CVSS AV:P). */
export function isPhysicalInterface(iface: Interface): boolean {
  return PHYSICAL_INTERFACE_KINDS.includes(iface.kind);
}

/** A radio link, observable from the zones in range (types.ts WIRELESS_TECHNOLOGIES). */
export function isWireless(channel: Channel): boolean {
  return WIRELESS_TECHNOLOGIES.includes(channel.technology);
}

/**
 * How much an authentication scheme slows an attacker who reached the interface
 * (MDS2 PAUT / 80001-2-2 NAUT): used by remote-service abuse (AM15) and physical access (AM11).
 */
export const AUTHENTICATION_FACTOR: Record<Authentication, number> = {
  NONE: 1,
  DEFAULT_CREDENTIALS: 1,
  PASSWORD: 0.6,
  MFA: 0.25,
  CERTIFICATE: 0.2,
};

/** Credential compromise (AM06): default credentials are public; a password must be guessed, phished or reused. */
export const CREDENTIAL_FACTOR: Partial<Record<Authentication, number>> = {
  DEFAULT_CREDENTIALS: 1,
  PASSWORD: 0.4,
};

/**
 * Strength of each intrinsic (link-layer) mechanism against the three ways onto a link, as the
 * residual success factor (1 = no protection). TR 67 §0 (introduction) on intrinsic mechanisms of
 * Wi-Fi, BLE, Zigbee and LoRa; protocol facts: WEP broken; WPA2-PSK open to offline guessing
 * after a captured handshake; BLE Just Works has no MITM protection (LE Secure Connections
 * still stops passive sniffing, legacy pairing does not); Zigbee default trust-centre link key is
 * public; LoRaWAN ABP uses static keys and counter resets allow replay.
 */
export const INTRINSIC_FACTORS: Record<IntrinsicMechanism, { eavesdrop: number; mitm: number; replay: number }> = {
  NONE: { eavesdrop: 1, mitm: 1, replay: 1 },
  WEP: { eavesdrop: 0.9, mitm: 0.9, replay: 0.9 },
  WPA_TKIP: { eavesdrop: 0.6, mitm: 0.6, replay: 0.5 },
  WPA2_PSK: { eavesdrop: 0.3, mitm: 0.3, replay: 0.2 },
  WPA2_ENTERPRISE: { eavesdrop: 0.1, mitm: 0.1, replay: 0.1 },
  WPA3_SAE: { eavesdrop: 0.1, mitm: 0.1, replay: 0.1 },
  WPA3_ENTERPRISE: { eavesdrop: 0.05, mitm: 0.05, replay: 0.05 },
  BLE_LEGACY_JUST_WORKS: { eavesdrop: 0.9, mitm: 0.9, replay: 0.6 },
  BLE_JUST_WORKS: { eavesdrop: 0.3, mitm: 0.9, replay: 0.3 },
  BLE_PASSKEY: { eavesdrop: 0.1, mitm: 0.15, replay: 0.1 },
  BLE_NUMERIC_COMPARISON: { eavesdrop: 0.05, mitm: 0.05, replay: 0.1 },
  BLE_OOB: { eavesdrop: 0.05, mitm: 0.05, replay: 0.1 },
  ZIGBEE_DEFAULT_TC_LINK_KEY: { eavesdrop: 0.8, mitm: 0.8, replay: 0.5 },
  ZIGBEE_SHARED_NETWORK_KEY: { eavesdrop: 0.6, mitm: 0.6, replay: 0.4 },
  ZIGBEE_INSTALL_CODE_LINK_KEY: { eavesdrop: 0.1, mitm: 0.1, replay: 0.1 },
  LORAWAN_ABP: { eavesdrop: 0.3, mitm: 0.5, replay: 0.9 },
  LORAWAN_OTAA: { eavesdrop: 0.1, mitm: 0.1, replay: 0.1 },
  CELLULAR_LTE: { eavesdrop: 0.1, mitm: 0.2, replay: 0.1 },
  MACSEC: { eavesdrop: 0.05, mitm: 0.05, replay: 0.05 },
  PROPRIETARY_UNENCRYPTED: { eavesdrop: 1, mitm: 1, replay: 1 },
  PROPRIETARY_ENCRYPTED: { eavesdrop: 0.3, mitm: 0.5, replay: 0.5 },
};

/**
 * Weak pairing / key establishment (AM14), wireless only: how completely the mechanism gives its
 * keys away. Mechanisms not listed are not weak (no AM14 step). NONE on a wireless link and
 * PROPRIETARY_UNENCRYPTED have no keys at all.
 */
export const WEAK_PAIRING_FACTOR: Partial<Record<IntrinsicMechanism, number>> = {
  NONE: 1,
  PROPRIETARY_UNENCRYPTED: 1,
  WEP: 1,
  BLE_LEGACY_JUST_WORKS: 0.95,
  BLE_JUST_WORKS: 0.9,
  ZIGBEE_DEFAULT_TC_LINK_KEY: 0.9,
  WPA_TKIP: 0.8,
  ZIGBEE_SHARED_NETWORK_KEY: 0.7,
  LORAWAN_ABP: 0.7,
};

/**
 * How easily an attacker in a zone gets onto a link of this medium: radio in range ×1; a tap on a
 * USB/serial cable ×0.8; a switched Ethernet segment ×0.5 (needs ARP spoofing or a mirror port).
 */
export const MEDIUM_FACTOR: Record<ChannelTechnology, number> = {
  WIFI: 1,
  BLE: 1,
  ZIGBEE: 1,
  LORA: 1,
  CELLULAR: 1,
  PROPRIETARY_RF: 1,
  ETHERNET: 0.5,
  USB: 0.8,
  SERIAL: 0.8,
  IP: 0.5,
};

/** Asset kinds affected by each payload a channel carries (brief: COMMANDS→THERAPY_DELIVERY, ...). */
export const PAYLOAD_ASSET_KIND = {
  COMMANDS: 'THERAPY_DELIVERY',
  ALARMS: 'ALARM',
  TELEMETRY: 'DIAGNOSIS_MONITORING',
  PERSONAL_DATA: 'PERSONAL_DATA',
} as const;

/**
 * Exploitability of a vulnerability once the attacker stands where its attack vector requires:
 * AC × PR × UI from FIRST CVSS v3.1 §7.4 (PR weighted by scope), normalised so that the easiest
 * case (AC:L/PR:N/UI:N) is 1. AV is not counted here (the path already placed the attacker), and
 * the score is not counted anywhere else: CVSS counts once.
 *
 * A v4.0 vector is read through {@link cvssEngineMetrics} (FIRST CVSS v4.0 §2.1): AC:H or AT:P
 * take v3.1's AC:H weight (0.44; EQ2, Table 25, puts them in one level), UI:P and UI:A take
 * UI:R's (0.62), and any subsequent-system impact (SC/SI/SA not N) weighs PR as a changed scope.
 * v4.0 publishes no per-metric weights (its score comes from macro-vectors), so the v3.1 weights
 * are kept for both versions: a v3.1 vector and its v4.0 rewriting get the same likelihood.
 */
export function exploitability(v: ScoredVulnerability): number {
  const c = v.metrics;
  const ac = c.complexityHigh ? 0.44 : 0.77;
  const pr =
    c.privilegesRequired === 'N'
      ? 0.85
      : c.privilegesRequired === 'L'
        ? c.scopeChanged
          ? 0.68
          : 0.62
        : c.scopeChanged
          ? 0.5
          : 0.27;
  const ui = c.userInteractionRequired ? 0.62 : 0.85;
  return (ac * pr * ui) / (0.77 * 0.85 * 0.85);
}

/**
 * What exploiting a vulnerability grants, from its CVSS impact metrics (attack model v2):
 * - CONTROL of the device when confidentiality and integrity are both High: the code-execution
 *   pattern (CVSS v3.1 §2.3; MITRE Rubric for Applying CVSS to Medical Devices, where arbitrary
 *   code execution is scored C:H/I:H). A changed scope does not make a flaw code execution: under
 *   S:C the impact metrics may describe a component beyond the vulnerable one (CVSS v3.1 §2.2),
 *   so a protocol flaw scored S:C/C:N/I:H/A:H (e.g. CVE-2019-6538, unauthenticated implant
 *   telemetry) manipulates and denies, it does not take over the device it was filed on;
 * - otherwise, per metric: C (L/H) → DISCLOSE, I (L/H) → MANIPULATE, A (L/H) → DENY of the
 *   device's assets that can suffer that impact;
 * - C:N/I:N/A:N → nothing.
 * A v4.0 vector is read through {@link cvssEngineMetrics}: VC/VI/VA are C/I/A (FIRST CVSS v4.0
 * §2.2), so VC:H with VI:H is control; impacts only on subsequent systems
 * (VC:N/VI:N/VA:N/SC:L/SI:L/SA:N) grant nothing on the device.
 */
export function vulnerabilityGrants(v: ScoredVulnerability): {
  control: boolean;
  impacts: ('MANIPULATE' | 'DENY' | 'DISCLOSE')[];
} {
  const c = v.metrics;
  if (c.integrity === 'H' && c.confidentiality === 'H') return { control: true, impacts: [] };
  const impacts: ('MANIPULATE' | 'DENY' | 'DISCLOSE')[] = [];
  if (c.integrity !== 'N') impacts.push('MANIPULATE');
  if (c.availability !== 'N') impacts.push('DENY');
  if (c.confidentiality !== 'N') impacts.push('DISCLOSE');
  return { control: false, impacts };
}

/**
 * The devices that are hosts on IP networks: an IP-served interface, or an end of an IP link
 * (types.ts IP_INTERFACE_KINDS, IP_TECHNOLOGIES). One pass over interfaces and channels.
 */
export function ipHosts(model: IndexedModel): Set<string> {
  const hosts = new Set<string>();
  for (const i of model.interfaces) if (IP_INTERFACE_KINDS.includes(i.kind)) hosts.add(i.deviceId);
  for (const c of model.channels) {
    if (!IP_TECHNOLOGIES.includes(c.technology)) continue;
    hosts.add(c.fromDeviceId);
    hosts.add(c.toDeviceId);
  }
  return hosts;
}

/** Where an attacker with network presence can reach an interface from. */
export interface NetworkSource {
  /** Zone node the attacker is present in. */
  from: string;
  /** For a routed link with an allowlist: the interface's exposure zone the link leads into. */
  via?: string;
  evidence?: StepEvidence;
}

/**
 * The zones from which a network interface can be reached: the zones it is exposed to, and the
 * zones routed into one of those through an allowlist that lets its kind through
 * (`linkedZoneServices`). Open links need no entry here: they give presence in the linked zone.
 */
export function networkSources(model: IndexedModel, iface: Interface): NetworkSource[] {
  const out: NetworkSource[] = iface.exposedToZoneIds.map((from) => ({ from }));
  const direct = new Set(iface.exposedToZoneIds);
  const seen = new Set<string>();
  for (const via of iface.exposedToZoneIds) {
    for (const r of model.routedInto.get(via) ?? []) {
      if (direct.has(r.from) || seen.has(r.from) || !r.services.includes(iface.kind)) continue;
      seen.add(r.from);
      out.push({
        from: r.from,
        via,
        evidence: { property: 'routedVia', value: `${r.from} → ${via} (${iface.kind} allowed)` },
      });
    }
  }
  return out;
}
