/**
 * Tiny builders for engine tests: a fixed test catalogue (AM01–AM20 and C01–C32 as in
 * shared/domain/standards-notes.md §5.2–§5.4, with our own likelihoods and costs) and a fluent
 * builder of hand-made ModelDocuments with sensible defaults.
 */
import type {
  Asset,
  AssetKind,
  Authentication,
  BaselineCondition,
  BaselineRequirement,
  Catalogue,
  ChannelPayload,
  ChannelTechnology,
  Control,
  ControlPlacement,
  Device,
  ElementType,
  ExtrinsicMechanism,
  Interface,
  InterfaceKind,
  IntrinsicMechanism,
  ModelDocument,
  RequirementLevel,
  RiskClass,
  Severity,
  Stride,
  Zone,
  ZoneKind,
} from '../../server/src/domain/types';
import { buildAttackGraph } from '../../server/src/engine';
import type { AttackGraph, BuildAttackGraphOptions } from '../../server/src/engine';

const P = { status: 'RECONSTRUCTED' as const, source: 'test fixture after standards-notes §5' };

const METHODS: [string, string, ElementType[], Stride[], number, string[]][] = [
  ['AM01', 'Eavesdropping', ['CHANNEL'], ['I'], 0.6, ['TXCF']],
  ['AM02', 'Man-in-the-middle', ['CHANNEL', 'INTERFACE'], ['T', 'I', 'S'], 0.4, ['NAUT', 'TXCF', 'TXIG']],
  ['AM03', 'Replay', ['CHANNEL'], ['T', 'S'], 0.4, ['TXIG', 'NAUT']],
  ['AM04', 'Spoofing', ['DEVICE', 'INTERFACE'], ['S'], 0.5, ['NAUT', 'AUTH']],
  ['AM05', 'Unauthenticated access', ['INTERFACE'], ['S', 'E'], 0.7, ['PAUT', 'AUTH', 'NAUT', 'ALOF']],
  ['AM06', 'Credential compromise', ['INTERFACE', 'DEVICE'], ['S', 'E'], 0.5, ['PAUT', 'STCF', 'SAHD', 'CNFS']],
  [
    'AM07',
    'Exploitation of a software flaw',
    ['INTERFACE', 'DEVICE'],
    ['E', 'D'],
    0.5,
    ['SAHD', 'CSUP', 'RDMP', 'MLDP'],
  ],
  ['AM08', 'Malware', ['DEVICE', 'ZONE'], ['T', 'D', 'I'], 0.4, ['MLDP', 'CSUP', 'SAHD', 'DTBK']],
  ['AM09', 'Firmware tampering', ['DEVICE', 'INTERFACE'], ['T', 'E'], 0.3, ['SAHD', 'CSUP', 'IGAU']],
  ['AM10', 'Denial of service', ['CHANNEL', 'INTERFACE', 'DEVICE'], ['D'], 0.5, ['SAHD', 'NAUT', 'EMRG', 'DTBK']],
  ['AM11', 'Physical access', ['INTERFACE'], ['T', 'I', 'E'], 0.6, ['PLOK', 'SAHD', 'AUTH', 'STCF']],
  ['AM12', 'Data theft', ['DEVICE'], ['I'], 0.4, ['STCF', 'DIDT', 'PLOK', 'SGUD']],
  ['AM13', 'Manipulation', ['CHANNEL', 'DEVICE'], ['T'], 0.5, ['TXIG', 'IGAU']],
  ['AM14', 'Weak wireless pairing', ['CHANNEL'], ['S', 'I', 'T'], 0.6, ['NAUT', 'TXCF', 'CNFS']],
  ['AM15', 'Remote service abuse', ['INTERFACE', 'ZONE'], ['S', 'E'], 0.4, ['AUTH', 'AUDT', 'NAUT']],
  ['AM16', 'Hidden functionality', ['DEVICE'], ['T', 'I'], 0.2, ['SAHD', 'RDMP', 'SGUD']],
  ['AM17', 'Repudiation', ['DEVICE'], ['R'], 0.3, ['AUDT']],
  ['AM18', 'Vulnerable components', ['DEVICE'], ['E', 'D'], 0.3, ['RDMP', 'CSUP']],
  ['AM19', 'Lateral movement', ['ZONE'], ['E'], 0.6, ['NAUT', 'SAHD']],
  ['AM20', 'Social engineering', ['DEVICE', 'ZONE'], ['S'], 0.4, ['SGUD', 'PAUT']],
];

type C = [
  string,
  string,
  ElementType[],
  string[],
  number,
  { technologies?: ChannelTechnology[]; interfaceKinds?: InterfaceKind[] }?,
];
const CONTROLS: C[] = [
  ['C01', 'ALOF', ['INTERFACE'], ['AM05'], 1, { interfaceKinds: ['WEB_UI', 'LOCAL_UI', 'RDP'] }],
  ['C02', 'AUDT', ['DEVICE'], ['AM17'], 3],
  ['C03', 'AUTH', ['DEVICE', 'INTERFACE'], ['AM05', 'AM11', 'AM15'], 3],
  ['C04', 'AUTH', ['INTERFACE'], ['AM04', 'AM05'], 3],
  ['C05', 'CNFS', ['DEVICE'], ['AM06', 'AM14'], 1],
  ['C06', 'CSUP', ['DEVICE'], ['AM07', 'AM08', 'AM18'], 4],
  ['C07', 'DIDT', ['DEVICE', 'CHANNEL'], ['AM01', 'AM12'], 3],
  ['C08', 'DTBK', ['DEVICE'], ['AM08', 'AM10'], 2],
  ['C09', 'EMRG', ['DEVICE'], ['AM10'], 3],
  ['C10', 'IGAU', ['DEVICE'], ['AM13', 'AM09'], 3],
  ['C11', 'MLDP', ['DEVICE'], ['AM08', 'AM07'], 2],
  ['C12', 'NAUT', ['CHANNEL', 'INTERFACE'], ['AM02', 'AM04', 'AM05'], 5],
  ['C13', 'NAUT', ['INTERFACE'], ['AM07', 'AM10', 'AM19'], 2],
  ['C14', 'PAUT', ['INTERFACE'], ['AM05', 'AM06', 'AM20'], 2],
  ['C15', 'PLOK', ['DEVICE', 'INTERFACE'], ['AM11', 'AM12'], 1],
  ['C16', 'RDMP', ['DEVICE'], ['AM18', 'AM07', 'AM16'], 3],
  ['C17', 'SAHD', ['DEVICE', 'INTERFACE'], ['AM07', 'AM09', 'AM11', 'AM16'], 4],
  ['C18', 'SGUD', ['DEVICE'], ['AM19', 'AM20', 'AM12'], 1],
  ['C19', 'STCF', ['DEVICE'], ['AM12', 'AM06'], 3],
  ['C20', 'TXCF', ['CHANNEL'], ['AM01', 'AM02'], 2],
  ['C21', 'TXIG', ['CHANNEL'], ['AM03', 'AM13', 'AM02'], 3],
  ['C22', 'TXCF', ['CHANNEL'], ['AM01', 'AM02', 'AM14'], 2, { technologies: ['WIFI'] }],
  ['C23', 'NAUT', ['CHANNEL'], ['AM14', 'AM02', 'AM04'], 2, { technologies: ['BLE'] }],
  ['C24', 'NAUT', ['CHANNEL'], ['AM14', 'AM01'], 2, { technologies: ['ZIGBEE'] }],
  ['C25', 'TXIG', ['CHANNEL'], ['AM03', 'AM01', 'AM14'], 2, { technologies: ['LORA'] }],
  ['C26', 'TXCF', ['CHANNEL'], ['AM01', 'AM02'], 4],
  ['C27', 'NAUT', ['CHANNEL', 'INTERFACE'], ['AM03', 'AM04', 'AM05'], 3],
  ['C28', 'AUTH', ['INTERFACE'], ['AM15'], 2, { interfaceKinds: ['REMOTE_SERVICE'] }],
  ['C29', 'NAUT', ['ZONE'], ['AM19', 'AM07', 'AM08', 'AM10'], 6],
  ['C30', 'SAHD', ['INTERFACE', 'DEVICE'], ['AM10'], 2],
  ['C31', 'NAUT', ['ZONE'], ['AM16', 'AM12'], 3],
  ['C32', 'SGUD', ['ZONE'], ['AM20'], 2],
];

const CAPABILITIES = [
  'ALOF',
  'AUDT',
  'AUTH',
  'CNFS',
  'CSUP',
  'DIDT',
  'DTBK',
  'EMRG',
  'IGAU',
  'MLDP',
  'NAUT',
  'PAUT',
  'PLOK',
  'RDMP',
  'SAHD',
  'SGUD',
  'STCF',
  'TXCF',
  'TXIG',
  'RMOT',
];

/** Capability → the controls that satisfy a baseline row of it. */
const CAPABILITY_CONTROLS: Record<string, string[]> = {
  ALOF: ['C01'],
  AUDT: ['C02'],
  AUTH: ['C03', 'C04'],
  CNFS: ['C05'],
  CSUP: ['C06'],
  DIDT: ['C07'],
  DTBK: ['C08'],
  EMRG: ['C09'],
  IGAU: ['C10'],
  MLDP: ['C11'],
  NAUT: ['C12', 'C13', 'C27'],
  PAUT: ['C14'],
  PLOK: ['C15'],
  RDMP: ['C16'],
  SAHD: ['C17', 'C05'],
  SGUD: ['C18'],
  STCF: ['C19'],
  TXCF: ['C20', 'C26'],
  TXIG: ['C21', 'C27'],
  RMOT: ['C28'],
  WIRELESS: ['C22', 'C23', 'C24', 'C25'],
};

type Cell = 'R' | 'O' | BaselineCondition[] | null;
const ui: BaselineCondition[] = ['HAS_USER_INTERFACE'];
const net: BaselineCondition[] = ['HAS_NETWORK_INTERFACE'];
const pii: BaselineCondition[] = ['HANDLES_PERSONAL_DATA'];
const piiStore: BaselineCondition[] = ['HANDLES_PERSONAL_DATA', 'STORES_DATA'];
const gpos: BaselineCondition[] = ['GENERAL_PURPOSE_OS'];
const remote: BaselineCondition[] = ['REMOTE_SERVICE'];
const wireless: BaselineCondition[] = ['HAS_WIRELESS_INTERFACE'];
/** standards-notes §5.4: capability → cells for classes A, B, C, D. */
const BASELINE: [string, Cell, Cell, Cell, Cell][] = [
  ['SGUD', 'R', 'R', 'R', 'R'],
  ['CSUP', 'R', 'R', 'R', 'R'],
  ['SAHD', 'R', 'R', 'R', 'R'],
  ['CNFS', 'O', 'R', 'R', 'R'],
  ['PAUT', ui, ui, 'R', 'R'],
  ['AUTH', ui, 'R', 'R', 'R'],
  ['ALOF', 'O', ui, 'R', 'R'],
  ['AUDT', 'O', 'R', 'R', 'R'],
  ['NAUT', net, net, 'R', 'R'],
  ['TXCF', pii, [...pii, ...net], 'R', 'R'],
  ['TXIG', 'O', net, 'R', 'R'],
  ['STCF', piiStore, piiStore, 'R', 'R'],
  ['IGAU', 'O', 'O', 'R', 'R'],
  ['DIDT', 'O', pii, pii, pii],
  ['DTBK', 'O', ['STORES_DATA'], 'R', 'R'],
  ['EMRG', null, 'O', 'R', 'R'],
  ['MLDP', gpos, gpos, gpos, gpos],
  ['PLOK', 'O', 'O', 'R', 'R'],
  ['RDMP', 'O', 'R', 'R', 'R'],
  ['RMOT', remote, remote, remote, remote],
  ['WIRELESS', wireless, wireless, wireless, wireless],
];

/** The test catalogue: same ids and shapes as seeds/catalogue/tr67-catalogue.json, our own numbers. */
export function testCatalogue(): Catalogue {
  const controls: Control[] = CONTROLS.map(([id, cap, appliesTo, mitigates, defaultCost, extra]) => ({
    id,
    name: `${id} ${cap} control`,
    description: `Test control ${id}`,
    kind: ['C22', 'C23', 'C24', 'C25'].includes(id)
      ? 'WIRELESS_INTRINSIC'
      : ['C26', 'C27'].includes(id)
        ? 'WIRELESS_EXTRINSIC'
        : 'MITIGATING',
    capabilityCodes: [cap],
    appliesTo,
    ...(extra?.technologies ? { technologies: extra.technologies } : {}),
    ...(extra?.interfaceKinds ? { interfaceKinds: extra.interfaceKinds } : {}),
    // Test catalogue: every listed method is PREVENTS (the bundled catalogue has the real effects).
    effects: mitigates.map((attackMethodId) => ({ attackMethodId, effect: 'PREVENTS' as const, rationale: 'test' })),
    defaultCost,
    provenance: P,
  }));
  const classes: RiskClass[] = ['A', 'B', 'C', 'D'];
  return {
    catalogueVersion: 'test-1',
    name: 'Test catalogue',
    description: 'Engine test fixture',
    securityCapabilities: CAPABILITIES.map((code) => ({ code, name: code, description: code, provenance: P })),
    attackMethods: METHODS.map(([id, name, targets, stride, baseLikelihood, capabilityCodes]) => ({
      id,
      name,
      description: name,
      targets,
      stride,
      baseLikelihood,
      capabilityCodes,
      provenance: P,
    })),
    controls,
    riskClassBaselines: classes.map((riskClass, ci) => ({
      riskClass,
      description: `Class ${riskClass}`,
      provenance: P,
      requirements: BASELINE.flatMap(([cap, ...cells]): BaselineRequirement[] => {
        const cell = cells[ci]!;
        if (cell === null) return [];
        const level: RequirementLevel = cell === 'R' ? 'REQUIRED' : cell === 'O' ? 'RECOMMENDED' : 'CONDITIONAL';
        return [
          {
            capabilityCode: cap === 'WIRELESS' ? 'NAUT' : cap,
            level,
            conditions: Array.isArray(cell) ? cell : [],
            controlIds: CAPABILITY_CONTROLS[cap]!,
            ...(cap === 'WIRELESS' ? { note: 'wireless pairing / link controls' } : {}),
          },
        ];
      }),
    })),
    telehealthControls: [],
    deviceExamples: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Model builder
// ---------------------------------------------------------------------------------------------

/** Options of {@link ModelBuilder.channel}; defaults: ETHERNET, NONE, no extrinsic, TELEMETRY, no zones. */
export interface ChannelOptions {
  technology?: ChannelTechnology;
  intrinsic?: IntrinsicMechanism;
  extrinsic?: ExtrinsicMechanism[];
  carries?: ChannelPayload[];
  zoneIds?: string[];
}

/** Fluent builder of a ModelDocument; every element gets defaults a test can override. */
/** A device with no flags set (class C, OTHER) in `zoneIds`, named by its id; `opts` override. */
export function plainDevice(id: string, zoneIds: string[], opts: Partial<Device> = {}): Device {
  return {
    id,
    name: id,
    category: 'OTHER',
    riskClass: 'C',
    generalPurposeOs: false,
    patchable: true,
    handlesPersonalData: false,
    storesData: false,
    remoteService: false,
    zoneIds,
    ...opts,
  };
}

export class ModelBuilder {
  readonly doc: ModelDocument = {
    formatVersion: '2.3',
    model: { id: 'test-model', name: 'Test model' },
    zones: [],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  };

  zone(id: string, kind: ZoneKind, entryPoint = false, opts: Partial<Zone> = {}): this {
    this.doc.zones.push({ id, name: id, kind, entryPoint, ...opts });
    return this;
  }

  device(id: string, zoneIds: string[], opts: Partial<Device> = {}): this {
    this.doc.devices.push(plainDevice(id, zoneIds, opts));
    return this;
  }

  iface(
    id: string,
    deviceId: string,
    kind: InterfaceKind,
    exposedToZoneIds: string[],
    authentication: Authentication = 'NONE',
    opts: Partial<Interface> = {},
  ): this {
    this.doc.interfaces.push({ id, deviceId, name: id, kind, exposedToZoneIds, authentication, ...opts });
    return this;
  }

  channel(id: string, fromDeviceId: string, toDeviceId: string, opts: ChannelOptions = {}): this {
    this.doc.channels.push({
      id,
      name: id,
      fromDeviceId,
      toDeviceId,
      technology: opts.technology ?? 'ETHERNET',
      intrinsicMechanism: opts.intrinsic ?? 'NONE',
      extrinsicMechanisms: opts.extrinsic ?? [],
      carries: opts.carries ?? ['TELEMETRY'],
      zoneIds: opts.zoneIds ?? [],
    });
    return this;
  }

  asset(id: string, deviceId: string, kind: AssetKind, severity: Severity, opts: Partial<Asset> = {}): this {
    this.doc.assets.push({ id, deviceId, name: id, kind, severity, ...opts });
    return this;
  }

  vuln(id: string, elementId: string, cveId: string, cvssVector: string): this {
    this.doc.vulnerabilities.push({ id, elementId, cveId, cvssVector });
    return this;
  }

  place(controlId: string, elementId: string, status: ControlPlacement['status'] = 'IMPLEMENTED', cost?: number): this {
    this.doc.controlPlacements.push({
      id: `pl-${controlId}-${elementId}`,
      controlId,
      elementId,
      status,
      ...(cost !== undefined ? { cost } : {}),
    });
    return this;
  }

  build(): ModelDocument {
    return structuredClone(this.doc);
  }
}

/** Shorthand: new ModelBuilder(). */
export function modelBuilder(): ModelBuilder {
  return new ModelBuilder();
}

/** Builds the attack graph of a model with the test catalogue (or the one given). */
export function buildGraph(
  model: ModelDocument,
  options: BuildAttackGraphOptions = {},
  catalogue: Catalogue = testCatalogue(),
): AttackGraph {
  return buildAttackGraph(model, catalogue, options);
}
