/**
 * MDS2 2019 answers → what they say about a device model (OWN DESIGN, after the "high-value
 * questions" of standards-notes §3.2 and the capability meanings of IEC TR 80001-2-2; documented
 * with codes only in docs/integration.md "MDS2"). Every derived fact keeps its sources: the
 * question ids, the answers and the notes.
 *
 * Question numbering follows the 2019 form as read from a filled public form (standards-notes
 * §3.2); every rule is in this file, so a numbering correction is a one-line change.
 *
 * A "Yes" to a question that says the device *can* do something (encrypt, authenticate) is read as
 * the capability being there; where the form says it is optional or off by default, the control
 * is PLANNED (it can be switched on), not IMPLEMENTED. N/A derives nothing. "See note" derives
 * nothing and is listed for review with its note.
 */
import type {
  Authentication,
  ChannelTechnology,
  InterfaceFunction,
  InterfaceKind,
  PlacementStatus,
} from '../domain/types';
import type { CellLocation, Mds2Answer, Mds2AnswerValue, Mds2Warning, Mds2Workbook } from './mds2-workbook';

/** The evidence behind a derived fact: one answered question. */
export interface Mds2Source {
  questionId: string;
  answer: Mds2AnswerValue;
  /** The answer as written. */
  text: string;
  note?: string;
  location: CellLocation;
}

/** Device properties an MDS2 can settle (types.ts Device). */
export type Mds2DeviceFlag =
  'generalPurposeOs' | 'executesSoftware' | 'patchable' | 'handlesPersonalData' | 'storesData' | 'remoteService';

export interface Mds2FlagFact {
  field: Mds2DeviceFlag;
  value: boolean;
  sources: Mds2Source[];
}

/** An interface the device has by its connectivity answers, with the channel technology it implies (if any). */
export interface Mds2InterfaceFact {
  kind: InterfaceKind;
  name: string;
  functions?: InterfaceFunction[];
  /** Physical (hands on the device) rather than network/radio reach. */
  physical: boolean;
  technology?: ChannelTechnology;
  /** How callers authenticate on it (remote service: from PAUT; ports and radios: NONE of their own). */
  authentication: Authentication;
  sources: Mds2Source[];
}

/** An interface kind the MDS2 says the device does not have (answer No). */
export interface Mds2DeniedInterface {
  kind: InterfaceKind;
  sources: Mds2Source[];
}

/** Which elements of the device a control goes on. */
export type Mds2ControlTarget =
  | 'DEVICE'
  /** Interfaces with user sessions (idle lock). */
  | 'USER_INTERFACES'
  /** API interfaces: REST, FHIR, HL7, DICOM. */
  | 'API_INTERFACES'
  /** Interfaces served over IP. */
  | 'IP_INTERFACES'
  | 'REMOTE_SERVICE_INTERFACE'
  /** Channels over IP of the device that carry personal data. */
  | 'PERSONAL_DATA_IP_CHANNELS'
  /** Every channel of the device. */
  | 'CHANNELS';

export interface Mds2ControlFact {
  controlId: string;
  status: PlacementStatus;
  target: Mds2ControlTarget;
  sources: Mds2Source[];
}

/** A capability the MDS2 says the device lacks (IEC TR 80001-2-2 / MDS2 group code). */
export interface Mds2AbsentCapability {
  capability: string;
  /** Our words for what is missing. */
  what: string;
  /** The catalogue control that cannot be counted on the device. */
  controlId?: string;
  sources: Mds2Source[];
}

/** Something the model should have that the importer cannot create alone (it needs a peer or a zone). */
export interface Mds2Expectation {
  kind: 'WIRELESS_CHANNEL' | 'EXTERNAL_CONNECTION' | 'REMOTE_UPDATES' | 'REMOTE_OPERATION';
  detail: string;
  technology?: ChannelTechnology;
  sources: Mds2Source[];
}

/** An answer that derives nothing without a person reading it. */
export interface Mds2ReviewItem {
  reason: 'SEE_NOTE' | 'UNRECOGNISED_ANSWER';
  source: Mds2Source;
}

/** Everything an MDS2 says about its device model. */
export interface Mds2Profile {
  document: Mds2Workbook['document'];
  sha256: string;
  flags: Mds2FlagFact[];
  interfaces: Mds2InterfaceFact[];
  deniedInterfaces: Mds2DeniedInterface[];
  controls: Mds2ControlFact[];
  absent: Mds2AbsentCapability[];
  expectations: Mds2Expectation[];
  review: Mds2ReviewItem[];
  /** Question ids answered N/A. */
  notApplicable: string[];
  /** The reader's warnings (corrected ids, cached formula values, ignored rows), shown with the preview. */
  warnings: Mds2Warning[];
}

function sourceOf(a: Mds2Answer): Mds2Source {
  return {
    questionId: a.questionId,
    answer: a.answer,
    text: a.text,
    ...(a.note !== undefined ? { note: a.note } : {}),
    location: a.location,
  };
}

/**
 * Derives the profile of a device model from its MDS2 answers.
 *
 * @param workbook What {@link readMds2Workbook} read.
 * @returns The derived facts, each with its sources. Pure and total: never throws.
 */
export function deriveMds2Profile(workbook: Mds2Workbook): Mds2Profile {
  const A = workbook.answers;
  const get = (id: string) => A.get(id);
  const is = (id: string, v: Mds2AnswerValue) => get(id)?.answer === v;
  const yes = (id: string) => is(id, 'YES');
  const no = (id: string) => is(id, 'NO');
  const src = (...ids: string[]) =>
    ids
      .map(get)
      .filter((a): a is Mds2Answer => a !== undefined && a.answer !== 'BLANK')
      .map(sourceOf);

  const flags: Mds2FlagFact[] = [];
  const interfaces: Mds2InterfaceFact[] = [];
  const controls: Mds2ControlFact[] = [];
  const absent: Mds2AbsentCapability[] = [];
  const expectations: Mds2Expectation[] = [];
  const flag = (field: Mds2DeviceFlag, value: boolean, ...ids: string[]) =>
    flags.push({ field, value, sources: src(...ids) });
  const control = (controlId: string, status: PlacementStatus, target: Mds2ControlTarget, ...ids: string[]) =>
    controls.push({ controlId, status, target, sources: src(...ids) });
  const lacks = (capability: string, what: string, controlId: string | undefined, ...ids: string[]) =>
    absent.push({ capability, what, ...(controlId ? { controlId } : {}), sources: src(...ids) });

  // ---- Device flags ----------------------------------------------------------------------
  if (yes('MPII-1')) flag('handlesPersonalData', true, 'MPII-1');
  else if (no('MPII-1')) flag('handlesPersonalData', false, 'MPII-1');
  const storing = ['MPII-2.2', 'MPII-2.3', 'MPII-2.4', 'STCF-3'].filter(yes);
  if (storing.length > 0) flag('storesData', true, ...storing);
  else if (no('MPII-2') && !yes('STCF-3')) flag('storesData', false, 'MPII-2');
  if (yes('MLDP-1')) flag('executesSoftware', true, 'MLDP-1');
  else if (no('MLDP-1')) flag('executesSoftware', false, 'MLDP-1');
  if (yes('CSUP-2') && yes('MLDP-1')) flag('generalPurposeOs', true, 'CSUP-2', 'MLDP-1');
  else if (no('CSUP-2')) flag('generalPurposeOs', false, 'CSUP-2');
  else if (no('MLDP-1')) flag('generalPurposeOs', false, 'MLDP-1');
  // Patch paths: for each software kind (2 OS, 3 drivers/firmware, 4 anti-malware, 5 COTS, 6 other),
  // .1 owner-installable, .2 vendor-installed, .3 remote installation.
  const patchPaths = [2, 3, 4, 5, 6].flatMap((k) => [1, 2, 3].map((s) => `CSUP-${k}.${s}`)).filter(yes);
  let patchable: boolean | undefined;
  if (no('CSUP-1')) {
    patchable = false;
    flag('patchable', false, 'CSUP-1');
  } else if (yes('CSUP-1') && patchPaths.length > 0) {
    patchable = true;
    flag('patchable', true, 'CSUP-1', ...patchPaths);
  } else if (yes('CSUP-1')) {
    lacks('CSUP', 'software needs security updates but no way to install them is disclosed', 'C06', 'CSUP-1');
  }
  if (yes('RMOT-1')) flag('remoteService', true, 'RMOT-1');
  else if (no('RMOT-1')) flag('remoteService', false, 'RMOT-1');

  // ---- Connectivity: interfaces and channels to expect ------------------------------------
  const noteMentions = (id: string, re: RegExp) => re.test(`${get(id)?.note ?? ''} ${get(id)?.text ?? ''}`);
  const radio = (id: string, fallbackName: string): Pick<Mds2InterfaceFact, 'kind' | 'name' | 'technology'> => {
    if (noteMentions(id, /\b(lte|4g|5g|3g|gsm|umts|cellular|nb-?iot|cat-?m)\b/i))
      return { kind: 'CELLULAR', name: 'Cellular modem', technology: 'CELLULAR' };
    if (noteMentions(id, /\bzigbee\b/i)) return { kind: 'ZIGBEE', name: 'Zigbee radio', technology: 'ZIGBEE' };
    if (noteMentions(id, /\blora(wan)?\b/i)) return { kind: 'LORA', name: 'LoRa radio', technology: 'LORA' };
    return { kind: 'PROPRIETARY_RF', name: fallbackName, technology: 'PROPRIETARY_RF' };
  };
  const iface = (fact: Omit<Mds2InterfaceFact, 'sources' | 'authentication'>, ...ids: string[]) => {
    interfaces.push({ ...fact, authentication: 'NONE', sources: src(...ids) });
    if (fact.technology && !fact.physical && fact.kind !== 'ETHERNET')
      expectations.push({
        kind: 'WIRELESS_CHANNEL',
        technology: fact.technology,
        detail: `a ${fact.technology} link to the device's peer (which peer is not in the MDS2)`,
        sources: src(...ids),
      });
  };
  if (yes('CONN-1.1.1'))
    iface({ kind: 'WIFI', name: 'Wi-Fi network interface', physical: false, technology: 'WIFI' }, 'CONN-1.1.1');
  if (yes('CONN-1.1.2'))
    iface({ kind: 'BLE_GATT', name: 'Bluetooth interface', physical: false, technology: 'BLE' }, 'CONN-1.1.2');
  if (yes('CONN-1.1.3'))
    iface({ ...radio('CONN-1.1.3', 'Other wireless network radio'), physical: false }, 'CONN-1.1.3');
  if (yes('CONN-1.1.4')) iface({ ...radio('CONN-1.1.4', 'Other radio link'), physical: false }, 'CONN-1.1.4');
  if (yes('CONN-1.2.1'))
    iface({ kind: 'ETHERNET', name: 'Ethernet port (RJ45)', physical: false, technology: 'ETHERNET' }, 'CONN-1.2.1');
  if (yes('CONN-1.2.2')) iface({ kind: 'USB', name: 'USB port', physical: true }, 'CONN-1.2.2');
  if (yes('CONN-1.2.3'))
    iface({ kind: 'USB', name: 'Removable memory slot', functions: ['FILE_TRANSFER'], physical: true }, 'CONN-1.2.3');
  if (yes('CONN-1.2.4'))
    iface(
      noteMentions('CONN-1.2.4', /\b(serial|rs-?232|rs-?485|uart|debug|jtag|console)\b/i)
        ? { kind: 'SERIAL_DEBUG', name: 'Serial or service port', physical: true }
        : { kind: 'OTHER', name: 'Other physical port', physical: true },
      'CONN-1.2.4',
    );
  if (yes('RMOT-1'))
    interfaces.push({
      kind: 'REMOTE_SERVICE',
      name: 'Vendor remote service',
      physical: false,
      authentication: yes('PAUT-8') ? 'MFA' : yes('PAUT-1') ? 'PASSWORD' : 'NONE',
      sources: src('RMOT-1', 'PAUT-1', 'PAUT-8'),
    });
  const deniedInterfaces: Mds2DeniedInterface[] = (
    [
      ['CONN-1.1.1', 'WIFI'],
      ['CONN-1.1.2', 'BLE_GATT'],
      ['CONN-1.2.1', 'ETHERNET'],
      ['CONN-1.2.2', 'USB'],
      ['RMOT-1', 'REMOTE_SERVICE'],
    ] as const
  )
    .filter(([q]) => no(q))
    .map(([q, kind]) => ({ kind, sources: src(q) }));
  // No wireless at all (CONN-1.1), or no hardware connectivity at all (CONN-1).
  const wireless: InterfaceKind[] = ['WIFI', 'BLE_GATT', 'CELLULAR', 'ZIGBEE', 'LORA', 'PROPRIETARY_RF'];
  const denyAll = (q: string, kinds: InterfaceKind[]) => {
    if (!no(q)) return;
    for (const kind of kinds)
      if (!deniedInterfaces.some((d) => d.kind === kind)) deniedInterfaces.push({ kind, sources: src(q) });
  };
  denyAll('CONN-1.1', wireless);
  denyAll('CONN-1', [...wireless, 'ETHERNET', 'USB', 'SERIAL_DEBUG']);
  if (yes('CONN-4') || yes('CONN-6'))
    expectations.push({
      kind: 'EXTERNAL_CONNECTION',
      detail:
        'connections to systems outside the hospital (a vendor service or the internet): outbound zones or a channel to them',
      sources: src('CONN-4', 'CONN-6'),
    });
  if (yes('CSUP-2.3') || yes('CSUP-3.3') || yes('RMOT-3'))
    expectations.push({
      kind: 'REMOTE_UPDATES',
      detail: 'software arrives over the network: a channel carrying FIRMWARE to the device',
      sources: src('CSUP-2.3', 'CSUP-3.3', 'RMOT-3'),
    });
  if (yes('CONN-8'))
    expectations.push({
      kind: 'REMOTE_OPERATION',
      detail: 'operator control from a separate device: a channel carrying COMMANDS to the device',
      sources: src('CONN-8'),
    });

  // ---- Controls present or absent ---------------------------------------------------------
  // PAUT → C14: unique accounts (PAUT-1, enforced 1.1), default accounts documented (PAUT-4),
  // every password changeable (PAUT-5).
  if (yes('PAUT-1') && !no('PAUT-1.1') && !no('PAUT-4') && !no('PAUT-5'))
    control('C14', 'IMPLEMENTED', 'DEVICE', 'PAUT-1', 'PAUT-1.1', 'PAUT-4', 'PAUT-5');
  if (no('PAUT-1')) lacks('PAUT', 'no unique user ids and passwords', 'C14', 'PAUT-1');
  if (no('PAUT-4')) lacks('PAUT', 'default accounts are not documented', 'C14', 'PAUT-4');
  if (no('PAUT-5')) lacks('PAUT', 'some passwords cannot be changed (fixed credentials)', 'C14', 'PAUT-5');
  if (no('PAUT-8')) lacks('PAUT', 'no multi-factor authentication', undefined, 'PAUT-8');
  // AUTH → C03 (roles, AUTH-2, behind a login, AUTH-1) and C04 (every API request authorised, AUTH-4).
  if (yes('AUTH-2') && !no('AUTH-1')) control('C03', 'IMPLEMENTED', 'DEVICE', 'AUTH-1', 'AUTH-2');
  if (no('AUTH-1')) lacks('AUTH', 'no login or other barrier against unauthorised users', 'C03', 'AUTH-1');
  if (no('AUTH-2')) lacks('AUTH', 'no role-based privilege levels', 'C03', 'AUTH-2');
  if (yes('AUTH-4')) control('C04', 'IMPLEMENTED', 'API_INTERFACES', 'AUTH-4');
  if (no('AUTH-4')) lacks('AUTH', 'API requests are not all authorised', 'C04', 'AUTH-4');
  // NAUT → C12 (certificate-based node authentication, NAUT-3, NAUT-1) and C13 (firewall/allowlist, NAUT-2).
  if (yes('NAUT-3') && !no('NAUT-1')) control('C12', 'IMPLEMENTED', 'DEVICE', 'NAUT-1', 'NAUT-3');
  if (no('NAUT-1')) lacks('NAUT', 'no node authentication of sender and receiver', 'C12', 'NAUT-1');
  if (no('NAUT-3')) lacks('NAUT', 'no certificate-based connection authentication', 'C12', 'NAUT-3');
  if (yes('NAUT-2')) control('C13', 'IMPLEMENTED', 'IP_INTERFACES', 'NAUT-2', 'NAUT-2.1');
  if (no('NAUT-2')) lacks('NAUT', 'no host firewall or connection allowlist', 'C13', 'NAUT-2');
  // TXCF → C20 on the device's IP channels carrying personal data (TXCF-2; configurable: 2.1).
  if (yes('TXCF-2')) control('C20', 'IMPLEMENTED', 'PERSONAL_DATA_IP_CHANNELS', 'TXCF-2');
  else if (no('TXCF-2') && yes('TXCF-2.1'))
    control('C20', 'PLANNED', 'PERSONAL_DATA_IP_CHANNELS', 'TXCF-2', 'TXCF-2.1');
  if (no('TXCF-2'))
    lacks('TXCF', 'personal data is not encrypted before network or media transfer', 'C20', 'TXCF-2', 'TXCF-2.1');
  if (no('CONN-7')) lacks('TXCF', 'no TLS support', 'C20', 'CONN-7');
  // TXIG → C21 on the device's channels.
  if (yes('TXIG-1')) control('C21', 'IMPLEMENTED', 'CHANNELS', 'TXIG-1');
  if (no('TXIG-1')) lacks('TXIG', 'no integrity protection of transmitted data', 'C21', 'TXIG-1');
  // STCF → C19 (on by default: STCF-1.2).
  if (yes('STCF-1')) control('C19', no('STCF-1.2') ? 'PLANNED' : 'IMPLEMENTED', 'DEVICE', 'STCF-1', 'STCF-1.2');
  if (no('STCF-1')) lacks('STCF', 'data at rest is not encrypted', 'C19', 'STCF-1');
  // MLDP → C11: anti-malware by default (2, 2.1), allowlisting (4) or host IDS/IPS (5); only as an option (2.2): PLANNED.
  if ((yes('MLDP-2') && !no('MLDP-2.1')) || yes('MLDP-4') || yes('MLDP-5'))
    control('C11', 'IMPLEMENTED', 'DEVICE', 'MLDP-2', 'MLDP-2.1', 'MLDP-4', 'MLDP-5');
  else if (yes('MLDP-2') && yes('MLDP-2.2')) control('C11', 'PLANNED', 'DEVICE', 'MLDP-2', 'MLDP-2.1', 'MLDP-2.2');
  if (no('MLDP-2') && no('MLDP-4'))
    lacks('MLDP', 'no anti-malware and no application allowlisting', 'C11', 'MLDP-2', 'MLDP-3', 'MLDP-4');
  // SAHD → C17: software integrity checked (3.1 installed, 3.2 updates), unneeded ports (8) and services (9) off.
  const integrity = yes('SAHD-3.1') || yes('SAHD-3.2');
  if (integrity && yes('SAHD-8') && yes('SAHD-9'))
    control('C17', 'IMPLEMENTED', 'DEVICE', 'SAHD-3.1', 'SAHD-3.2', 'SAHD-8', 'SAHD-9');
  if (no('SAHD-3.1') && no('SAHD-3.2'))
    lacks(
      'SAHD',
      'installed software and updates are not checked as manufacturer-authorised',
      'C17',
      'SAHD-3.1',
      'SAHD-3.2',
    );
  if (no('SAHD-8')) lacks('SAHD', 'unneeded ports and protocols are left open', 'C17', 'SAHD-8');
  if (no('SAHD-9')) lacks('SAHD', 'unneeded services are left running', 'C17', 'SAHD-9');
  if (no('SAHD-11')) lacks('SAHD', 'it can boot from removable media', 'C17', 'SAHD-11');
  if (yes('SAHD-12')) lacks('SAHD', 'software or hardware can be added without tools', 'C17', 'SAHD-12');
  // CSUP → C06: field-patchable with authenticated updates (SAHD-3.2).
  if (patchable === true && yes('SAHD-3.2')) control('C06', 'IMPLEMENTED', 'DEVICE', 'CSUP-1', 'SAHD-3.2');
  // RMOT → C28: owner-initiated (1.1), visible (1.2), no patient data in the session (1.3 No).
  if (yes('RMOT-1') && yes('RMOT-1.1') && yes('RMOT-1.2') && no('RMOT-1.3'))
    control('C28', 'IMPLEMENTED', 'REMOTE_SERVICE_INTERFACE', 'RMOT-1.1', 'RMOT-1.2', 'RMOT-1.3');
  if (yes('RMOT-1') && (no('RMOT-1.1') || no('RMOT-1.2') || yes('RMOT-1.3')))
    lacks(
      'RMOT',
      'remote service is not owner-initiated, not visible, or shows patient data',
      'C28',
      'RMOT-1.1',
      'RMOT-1.2',
      'RMOT-1.3',
    );
  // One-question capabilities.
  const single: [string, string, Mds2ControlTarget, string][] = [
    ['ALOF-1', 'C01', 'USER_INTERFACES', 'no automatic logoff or lock'],
    ['AUDT-1', 'C02', 'DEVICE', 'no audit log'],
    ['EMRG-1', 'C09', 'DEVICE', 'no emergency (break-glass) access'],
    ['IGAU-1', 'C10', 'DEVICE', 'no integrity check of stored data'],
    ['SBOM-1', 'C16', 'DEVICE', 'no software bill of materials'],
    ['SGUD-1', 'C18', 'DEVICE', 'no security documentation for the hospital'],
  ];
  for (const [q, c, target, what] of single) {
    if (yes(q)) control(c, 'IMPLEMENTED', target, q);
    else if (no(q)) lacks(q.split('-')[0]!, what, c, q);
  }

  const review: Mds2ReviewItem[] = [];
  const notApplicable: string[] = [];
  for (const a of [...A.values()].sort((x, y) => x.questionId.localeCompare(y.questionId))) {
    if (a.answer === 'SEE_NOTE') review.push({ reason: 'SEE_NOTE', source: sourceOf(a) });
    else if (a.answer === 'TEXT' && a.group !== 'DOC')
      review.push({ reason: 'UNRECOGNISED_ANSWER', source: sourceOf(a) });
    else if (a.answer === 'NA') notApplicable.push(a.questionId);
  }
  return {
    document: workbook.document,
    sha256: workbook.sha256,
    flags,
    interfaces,
    deniedInterfaces,
    controls,
    absent,
    expectations,
    review,
    notApplicable,
    warnings: workbook.warnings,
  };
}
