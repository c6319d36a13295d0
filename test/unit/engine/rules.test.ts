import fs from 'node:fs';
import path from 'node:path';
/** One test per rule branch (docs/attack-model.md), on hand-made models with the test catalogue. */
import { ATTACK_RULES, getAttackRule } from '../../../server/src/engine';
import type { AttackGraph, AttackStep } from '../../../server/src/engine';
import { buildGraph, modelBuilder, testCatalogue, type ChannelOptions } from '../../support/build-graph';

const byRule = (graph: AttackGraph, ruleId: string): AttackStep[] => graph.steps.filter((s) => s.ruleId === ruleId);
const only = (graph: AttackGraph, ruleId: string): AttackStep => {
  const steps = byRule(graph, ruleId);
  expect(steps).toHaveLength(1);
  return steps[0]!;
};
const evidence = (step: AttackStep, property: string) => step.evidence.find((e) => e.property === property)?.value;

/** A zone, a device in it and one interface exposed to the zone. */
function oneInterface(
  kind: Parameters<ReturnType<typeof modelBuilder>['iface']>[2],
  auth: Parameters<ReturnType<typeof modelBuilder>['iface']>[4],
  zoneKind: Parameters<ReturnType<typeof modelBuilder>['zone']>[1] = 'CLINICAL',
) {
  return modelBuilder().zone('z', zoneKind, true).device('d', ['z']).iface('i', 'd', kind, ['z'], auth);
}

describe('rule registry', () => {
  it('lists every rule once, sorted by id, each with metadata documented', () => {
    const ids = ATTACK_RULES.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ATTACK_RULES) {
      expect(getAttackRule(rule.id)).toBe(rule);
      expect(rule.title && rule.description && rule.source && rule.likelihood).toBeTruthy();
      expect(rule.attackMethodId).toMatch(/^AM\d\d$/);
    }
  });

  it('is documented rule by rule in docs/attack-model.md', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/attack-model.md'), 'utf8');
    for (const rule of ATTACK_RULES)
      expect([rule.id, new RegExp(`\\|\\s*\`${rule.id}\`\\s*\\|`).test(doc)]).toEqual([rule.id, true]);
  });

  it('uses only attack methods of the catalogue', () => {
    const methods = new Set(testCatalogue().attackMethods.map((m) => m.id));
    for (const rule of ATTACK_RULES) expect(methods.has(rule.attackMethodId)).toBe(true);
  });
});

describe('unauthenticated-access', () => {
  it('fires from each exposing zone to an interface without authentication, with base likelihood', () => {
    const step = only(buildGraph(oneInterface('WEB_UI', 'NONE').build()), 'unauthenticated-access');
    expect(step).toMatchObject({
      id: 'unauthenticated-access@z@i',
      from: 'z',
      to: 'i',
      attackMethodId: 'AM05',
      likelihood: 0.7,
      controlElementId: 'i',
    });
    expect(evidence(step, 'authentication')).toBe('NONE');
  });

  it('does not fire when the interface authenticates', () => {
    expect(byRule(buildGraph(oneInterface('WEB_UI', 'PASSWORD').build()), 'unauthenticated-access')).toHaveLength(0);
  });

  it('leaves physical interfaces to physical-port-access', () => {
    expect(
      byRule(buildGraph(oneInterface('USB', 'NONE', 'PHYSICAL_ACCESS').build()), 'unauthenticated-access'),
    ).toHaveLength(0);
  });
});

describe('credential-compromise', () => {
  it('gives default credentials the full base likelihood', () => {
    expect(
      only(buildGraph(oneInterface('SSH', 'DEFAULT_CREDENTIALS').build()), 'credential-compromise').likelihood,
    ).toBe(0.5);
  });

  it('gives a password alone 0.4 of the base likelihood', () => {
    expect(only(buildGraph(oneInterface('SSH', 'PASSWORD').build()), 'credential-compromise').likelihood).toBeCloseTo(
      0.2,
    );
  });

  it('does not fire for MFA or certificates', () => {
    expect(byRule(buildGraph(oneInterface('SSH', 'MFA').build()), 'credential-compromise')).toHaveLength(0);
    expect(byRule(buildGraph(oneInterface('SSH', 'CERTIFICATE').build()), 'credential-compromise')).toHaveLength(0);
  });
});

describe('vulnerability-exploitation', () => {
  const network = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8, code execution
  const adjacent = 'CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 8.8
  const physical = 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

  it('fires once per vulnerability of the interface or its device, granting control for a code-execution impact, likelihood from exploitability only', () => {
    const g = buildGraph(
      oneInterface('WEB_UI', 'MFA')
        .vuln('v1', 'i', 'CVE-2019-0708', network)
        .vuln('v2', 'd', 'CVE-2020-6964', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H')
        .build(),
    );
    const steps = byRule(g, 'vulnerability-exploitation');
    expect(steps.map((s) => s.id)).toEqual(['vulnerability-exploitation@z@d@v1', 'vulnerability-exploitation@z@d@v2']);
    // AC:L/PR:N/UI:N is the easiest case: base likelihood × 1.
    expect(steps[0]!.likelihood).toBeCloseTo(0.5);
    // AC:H (0.44/0.77) and UI:R (0.62/0.85).
    expect(steps[1]!.likelihood).toBeCloseTo(0.5 * (0.44 / 0.77) * (0.62 / 0.85), 5);
    expect(steps[0]!.controlElementId).toBe('i');
    expect(steps[1]!.controlElementId).toBe('d');
    expect(evidence(steps[0]!, 'vulnerability')).toBe('CVE-2019-0708 (CVSS 9.8)');
    expect(evidence(steps[0]!, 'impact')).toBe('C:H/I:H/A:H (code execution: control)');
  });

  it('grants what the impact metrics say: nothing for C:N/I:N/A:N, denial only for A:H, disclosure and manipulation for C:L/I:L', () => {
    const model = (vector: string) =>
      oneInterface('WEB_UI', 'MFA')
        .asset('therapy', 'd', 'THERAPY_DELIVERY', 'CRITICAL')
        .asset('pii', 'd', 'PERSONAL_DATA', 'MINOR')
        .vuln('v', 'i', 'CVE-2024-0001', vector)
        .build();
    expect(
      byRule(buildGraph(model('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N')), 'vulnerability-exploitation'),
    ).toEqual([]);
    expect(
      byRule(buildGraph(model('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H')), 'vulnerability-exploitation').map(
        (s) => s.to,
      ),
    ).toEqual(['therapy#DENY']);
    expect(
      byRule(buildGraph(model('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N')), 'vulnerability-exploitation')
        .map((s) => s.to)
        .sort(),
    ).toEqual(['pii#DISCLOSE', 'therapy#MANIPULATE']);
  });

  it('needs use of the interface (not only presence) when PR is Low or High, and user access for AV:L', () => {
    const g = buildGraph(
      oneInterface('WEB_UI', 'PASSWORD')
        .vuln('v1', 'i', 'CVE-2024-0002', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H')
        .vuln('v2', 'd', 'CVE-2024-0003', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H')
        .build(),
    );
    expect(
      byRule(g, 'vulnerability-exploitation')
        .map((s) => s.from)
        .sort(),
    ).toEqual(['d#USER', 'd#USER', 'i'].sort());
  });

  it('takes AV:A from the segment the device sits in but not from another network zone', () => {
    const m = modelBuilder()
      .zone('home', 'CLINICAL', true)
      .zone('net', 'INTERNET', true)
      .device('d', ['home'])
      .iface('i', 'd', 'REST_API', ['home', 'net'], 'MFA')
      .vuln('v', 'i', 'CVE-2017-12721', adjacent)
      .build();
    expect(byRule(buildGraph(m), 'vulnerability-exploitation').map((s) => s.from)).toEqual(['home']);
  });

  it('takes AV:A on a radio interface from any zone in range', () => {
    const m = modelBuilder()
      .zone('z', 'PATIENT_HOME', true)
      .device('d', ['y'])
      .zone('y', 'OTHER')
      .iface('i', 'd', 'BLE_GATT', ['z'], 'NONE')
      .vuln('v', 'i', 'CVE-2022-32537', adjacent)
      .build();
    expect(byRule(buildGraph(m), 'vulnerability-exploitation')).toHaveLength(1);
  });

  it('takes AV:P only on a physical interface, from a zone that gives physical access', () => {
    const onPort = oneInterface('SERIAL_DEBUG', 'NONE', 'PHYSICAL_ACCESS')
      .vuln('v', 'i', 'CVE-2022-43557', physical)
      .build();
    expect(byRule(buildGraph(onPort), 'vulnerability-exploitation')).toHaveLength(1);
    const onNetwork = oneInterface('WEB_UI', 'NONE').vuln('v', 'i', 'CVE-2022-43557', physical).build();
    expect(byRule(buildGraph(onNetwork), 'vulnerability-exploitation')).toHaveLength(0);
  });
});

describe('remote-service-abuse', () => {
  it('fires for REMOTE_SERVICE interfaces, lowered by authentication strength', () => {
    const step = only(
      buildGraph(oneInterface('REMOTE_SERVICE', 'PASSWORD', 'VENDOR_REMOTE_ACCESS').build()),
      'remote-service-abuse',
    );
    expect(step.attackMethodId).toBe('AM15');
    expect(step.likelihood).toBeCloseTo(0.4 * 0.6);
    expect(
      only(buildGraph(oneInterface('REMOTE_SERVICE', 'MFA', 'VENDOR_REMOTE_ACCESS').build()), 'remote-service-abuse')
        .likelihood,
    ).toBeCloseTo(0.1);
  });

  it('does not fire for other kinds', () => {
    expect(byRule(buildGraph(oneInterface('WEB_UI', 'PASSWORD').build()), 'remote-service-abuse')).toHaveLength(0);
  });
});

describe('physical-port-access', () => {
  it('fires from a zone that gives physical access to a USB, SERIAL_DEBUG or LOCAL_UI interface', () => {
    for (const kind of ['USB', 'SERIAL_DEBUG', 'LOCAL_UI'] as const) {
      const step = only(buildGraph(oneInterface(kind, 'NONE', 'PHYSICAL_ACCESS').build()), 'physical-port-access');
      expect(step).toMatchObject({ attackMethodId: 'AM11', likelihood: 0.6 });
    }
  });

  it('follows the place: a device located in a patient’s home is within reach there, even if the port lists no zone', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .device('monitor', ['home'])
      .iface('usb', 'monitor', 'USB', [], 'NONE')
      .build();
    expect(only(buildGraph(m), 'physical-port-access')).toMatchObject({ from: 'home#PHYSICAL_ACCESS', to: 'usb' });
  });

  it('does not fire from zones without physical access (a network, or a place marked physicalAccess: false)', () => {
    expect(byRule(buildGraph(oneInterface('USB', 'NONE', 'CLINICAL').build()), 'physical-port-access')).toHaveLength(0);
    const locked = modelBuilder()
      .zone('ward', 'PHYSICAL_ACCESS', true, { physicalAccess: false })
      .device('d', ['ward'])
      .iface('i', 'd', 'USB', ['ward'])
      .build();
    expect(byRule(buildGraph(locked), 'physical-port-access')).toHaveLength(0);
  });
});

describe('interface-function-abuse', () => {
  const withAssets = (kind: Parameters<ReturnType<typeof modelBuilder>['iface']>[2], functions?: string[]) =>
    modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('d', ['z'])
      .iface('i', 'd', kind, ['z'], 'NONE', functions ? { functions: functions as never } : {})
      .asset('therapy', 'd', 'THERAPY_DELIVERY', 'CRITICAL')
      .asset('vitals', 'd', 'DIAGNOSIS_MONITORING', 'SERIOUS')
      .asset('pii', 'd', 'PERSONAL_DATA', 'MINOR')
      .build();
  const targets = (g: AttackGraph) => byRule(g, 'interface-function-abuse').map((s) => s.to);

  it('gives what the interface’s functions allow and never control of the device: a web UI changes settings and reads data', () => {
    expect(targets(buildGraph(withAssets('WEB_UI')))).toEqual([
      'pii#DISCLOSE',
      'therapy#DENY',
      'therapy#MANIPULATE',
      'vitals#DENY',
      'vitals#MANIPULATE',
    ]);
    for (const s of byRule(buildGraph(withAssets('WEB_UI')), 'interface-function-abuse'))
      expect(s).toMatchObject({ likelihood: 1, controlElementId: null });
  });

  it('a data API reads and writes data only; a shell gives user access; a vendor remote service is an administrator session', () => {
    // Personal data has no safety harm unless stated, so writing it is no target; its disclosure is.
    expect(targets(buildGraph(withAssets('HL7')))).toEqual(['pii#DISCLOSE', 'vitals#MANIPULATE']);
    expect(targets(buildGraph(withAssets('SSH')))).toEqual(['d#USER']);
    expect(targets(buildGraph(withAssets('REMOTE_SERVICE')))).toEqual(['d']);
  });

  it('a radio endpoint has no function of its own; stated functions replace the default', () => {
    expect(targets(buildGraph(withAssets('BLE_GATT', [])))).toEqual([]);
    expect(targets(buildGraph(withAssets('BLE_GATT', ['COMMAND_THERAPY'])))).toEqual([
      'therapy#DENY',
      'therapy#MANIPULATE',
    ]);
    expect(evidence(byRule(buildGraph(withAssets('WEB_UI')), 'interface-function-abuse')[0]!, 'functions')).toBe(
      'READ_DATA (default for the kind)',
    );
  });
});

describe('malware-infection, firmware-upload and privilege-escalation', () => {
  it('malware needs a FILE_TRANSFER function on a general-purpose OS', () => {
    const gpos = modelBuilder()
      .zone('z', 'ENTERPRISE', true)
      .device('d', ['z'], { generalPurposeOs: true })
      .iface('i', 'd', 'SMB', ['z'], 'PASSWORD')
      .build();
    expect(only(buildGraph(gpos), 'malware-infection')).toMatchObject({
      from: 'i',
      to: 'd',
      attackMethodId: 'AM08',
      likelihood: 0.4,
      controlElementId: 'd',
    });
    expect(byRule(buildGraph(oneInterface('SMB', 'PASSWORD').build()), 'malware-infection')).toHaveLength(0);
    const webOnWindows = modelBuilder()
      .zone('z', 'ENTERPRISE', true)
      .device('d', ['z'], { generalPurposeOs: true })
      .iface('i', 'd', 'WEB_UI', ['z'])
      .build();
    expect(byRule(buildGraph(webOnWindows), 'malware-infection')).toHaveLength(0);
  });

  it('a debug port that loads firmware gives control unless updates are verified on the device', () => {
    const step = only(buildGraph(oneInterface('SERIAL_DEBUG', 'NONE', 'PHYSICAL_ACCESS').build()), 'firmware-upload');
    expect(step).toMatchObject({ from: 'i', to: 'd', attackMethodId: 'AM09', likelihood: 0.3, controlElementId: 'd' });
  });

  it('user access becomes control on a general-purpose OS only, likelier when it cannot be patched', () => {
    const m = modelBuilder()
      .zone('z', 'ENTERPRISE', true)
      .device('w', ['z'], { generalPurposeOs: true, patchable: false })
      .device('e', ['z'])
      .build();
    expect(only(buildGraph(m), 'privilege-escalation')).toMatchObject({
      from: 'w#USER',
      to: 'w',
      likelihood: 0.5,
      controlElementId: 'w',
    });
  });
});

describe('lateral-movement', () => {
  it('links an IP host to every network zone it sits in, easier from general-purpose OS hosts, and no zone control blocks it', () => {
    const m = modelBuilder()
      .zone('a', 'CLINICAL', true)
      .zone('b', 'ENTERPRISE')
      .device('d', ['b', 'a'], { generalPurposeOs: true })
      .iface('i', 'd', 'ETHERNET', [])
      .build();
    const steps = byRule(buildGraph(m), 'lateral-movement');
    expect(steps.map((s) => [s.to, s.likelihood, s.controlElementId])).toEqual([
      ['a', 0.6, null],
      ['b', 0.6, null],
    ]);
    const embedded = modelBuilder().zone('a', 'CLINICAL', true).device('d', ['a']).iface('i', 'd', 'HL7', []).build();
    expect(only(buildGraph(embedded), 'lateral-movement').likelihood).toBeCloseTo(0.36);
  });

  it('an implant with only a proprietary radio pivots nowhere, and nothing pivots into a place that is not a network', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .zone('clinic', 'CLINICAL')
      .zone('ward', 'PHYSICAL_ACCESS')
      .device('icd', ['home', 'clinic'])
      .iface('rf', 'icd', 'PROPRIETARY_RF', ['home', 'clinic'])
      .device('pc', ['ward'], { generalPurposeOs: true })
      .iface('eth', 'pc', 'ETHERNET', [])
      .build();
    expect(byRule(buildGraph(m), 'lateral-movement')).toEqual([]);
  });
});

describe('zone-link and hosted-software-control', () => {
  it('a zone link carries presence to the linked zone, blockable on the destination zone’s edge', () => {
    const m = modelBuilder()
      .zone('guest', 'GUEST_WIFI', true, { linkedZoneIds: ['clinical'] })
      .zone('clinical', 'CLINICAL')
      .build();
    const step = only(buildGraph(m), 'zone-link');
    expect(step).toMatchObject({ from: 'guest', to: 'clinical', likelihood: 1, controlElementId: 'clinical' });
    expect(step.blockingControls.map((b) => b.controlId)).toEqual(['C29']);
  });

  it('control of a host gives its hosted software, not the reverse', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .device('phone', ['home'])
      .device('app', ['home'], { hostDeviceId: 'phone', category: 'MOBILE_APP' })
      .build();
    const g = buildGraph(m);
    expect(only(g, 'hosted-software-control')).toMatchObject({ from: 'phone', to: 'app', likelihood: 1 });
    expect(g.steps.some((s) => s.from === 'app' && s.to === 'phone')).toBe(false);
  });
});

describe('channel rules (zone → channel)', () => {
  const radio = (opts: ChannelOptions) =>
    modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .device('app', ['home'])
      .device('pump', ['home'])
      .channel('c', 'app', 'pump', { zoneIds: ['home'], ...opts });

  it('eavesdropping depends on the intrinsic mechanism only', () => {
    const open = only(
      buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_LEGACY_JUST_WORKS', extrinsic: ['TLS'] }).build()),
      'channel-eavesdropping',
    );
    expect(open.likelihood).toBeCloseTo(0.6 * 0.9);
    const lesc = only(
      buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_JUST_WORKS' }).build()),
      'channel-eavesdropping',
    );
    expect(lesc.likelihood).toBeCloseTo(0.6 * 0.3);
  });

  it('an extrinsic mechanism is an implemented placement of its control, counted once (controls v2)', () => {
    const plain = only(buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_JUST_WORKS' }).build()), 'channel-mitm');
    const tls = only(
      buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_JUST_WORKS', extrinsic: ['TLS'] }).build()),
      'channel-mitm',
    );
    expect(plain.likelihood).toBeCloseTo(0.4 * 0.9);
    expect(plain.blocked).toBe(false);
    // TLS stands for C20, IMPLEMENTED on the channel: it blocks; the likelihood is not lowered a second time.
    expect(tls.likelihood).toBeCloseTo(0.4 * 0.9);
    expect(tls.blocked).toBe(true);
    expect(tls.blockingControls.find((b) => b.controlId === 'C20')).toMatchObject({ status: 'IMPLEMENTED' });
    // The mechanism and a placement of the same control are one placement.
    const both = buildGraph(
      radio({ technology: 'BLE', intrinsic: 'BLE_JUST_WORKS', extrinsic: ['TLS'] })
        .place('C20', 'c', 'IMPLEMENTED')
        .build(),
    );
    expect(only(both, 'channel-mitm').blockingControls.filter((b) => b.controlId === 'C20')).toHaveLength(1);
  });

  it('challenge-response blocks replay (C27 in force); a wired link halves it', () => {
    const replay = only(
      buildGraph(
        radio({
          technology: 'BLE',
          intrinsic: 'BLE_JUST_WORKS',
          carries: ['COMMANDS'],
          extrinsic: ['CHALLENGE_RESPONSE'],
        }).build(),
      ),
      'channel-replay',
    );
    expect(replay.blocked).toBe(true);
    expect(replay.blockingControls.find((b) => b.controlId === 'C27')).toMatchObject({ status: 'IMPLEMENTED' });
    const wired = only(
      buildGraph(radio({ technology: 'ETHERNET', intrinsic: 'NONE', carries: ['COMMANDS'] }).build()),
      'channel-replay',
    );
    expect(wired.likelihood).toBeCloseTo(0.4 * 0.5);
  });

  it('replay needs something other than personal data on the link', () => {
    expect(
      byRule(
        buildGraph(radio({ technology: 'WIFI', intrinsic: 'WPA2_PSK', carries: ['PERSONAL_DATA'] }).build()),
        'channel-replay',
      ),
    ).toHaveLength(0);
  });

  it('weak pairing fires for weak wireless mechanisms only', () => {
    expect(
      only(buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_JUST_WORKS' }).build()), 'weak-pairing').likelihood,
    ).toBeCloseTo(0.54);
    expect(
      byRule(buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_PASSKEY' }).build()), 'weak-pairing'),
    ).toHaveLength(0);
    expect(
      byRule(buildGraph(radio({ technology: 'ETHERNET', intrinsic: 'NONE' }).build()), 'weak-pairing'),
    ).toHaveLength(0);
  });

  it('blocks at the channel with controls of the right technology only (C23 on BLE, C22 on Wi-Fi)', () => {
    const ble = only(buildGraph(radio({ technology: 'BLE', intrinsic: 'BLE_JUST_WORKS' }).build()), 'weak-pairing');
    expect(ble.controlElementId).toBe('c');
    expect(ble.blockingControls.map((b) => b.controlId)).toEqual(['C23']);
    const wifi = only(buildGraph(radio({ technology: 'WIFI', intrinsic: 'WEP' }).build()), 'weak-pairing');
    expect(wifi.blockingControls.map((b) => b.controlId)).toEqual(['C22']);
  });
});

describe('channel rules (channel → asset / device)', () => {
  const link = (opts: ChannelOptions) =>
    modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('srv', ['z'])
      .device('pump', ['z'])
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CRITICAL')
      .asset('alarm', 'pump', 'ALARM', 'SERIOUS')
      .asset('vitals', 'pump', 'DIAGNOSIS_MONITORING', 'SERIOUS')
      .asset('pii', 'pump', 'PERSONAL_DATA', 'MINOR')
      .asset('srv-pii', 'srv', 'PERSONAL_DATA', 'MINOR')
      .channel('c', 'srv', 'pump', { technology: 'WIFI', intrinsic: 'WPA2_PSK', zoneIds: ['z'], ...opts });

  it('command-spoofing: injection on a COMMANDS link manipulates or denies the receiver’s therapy (never control of it), blocked at the channel', () => {
    const steps = byRule(buildGraph(link({ carries: ['COMMANDS'] }).build()), 'command-spoofing');
    expect(steps.map((s) => [s.from, s.to])).toEqual([
      ['c#INJECT', 'therapy#DENY'],
      ['c#INJECT', 'therapy#MANIPULATE'],
    ]);
    expect(steps[0]).toMatchObject({ attackMethodId: 'AM04', controlElementId: 'c', blocked: false });
    expect(steps[0]!.likelihood).toBeCloseTo(0.5);
    expect(steps[0]!.blockingControls.map((b) => `${b.controlId}@${b.elementId}`)).toContain('C27@c');
    // (receiver-side authentication on the receiving interface or device: test/unit/engine/controls-v2.test.ts)
    const responded = byRule(
      buildGraph(link({ carries: ['COMMANDS'], extrinsic: ['CHALLENGE_RESPONSE'] }).build()),
      'command-spoofing',
    );
    for (const s of responded) expect(s.blocked).toBe(true);
  });

  it('firmware-tampering: injected firmware gives control, blocked on the receiving device (signed updates)', () => {
    const step = only(buildGraph(link({ carries: ['FIRMWARE'] }).build()), 'firmware-tampering');
    expect(step).toMatchObject({ from: 'c#INJECT', to: 'pump', attackMethodId: 'AM09', controlElementId: 'pump' });
    expect(step.blockingControls.map((b) => b.controlId)).toEqual(['C10', 'C17']);
  });

  it('in-transit-manipulation: a man in the middle alters or suppresses COMMANDS, ALARMS and TELEMETRY for the receiver’s assets', () => {
    const steps = byRule(
      buildGraph(link({ carries: ['COMMANDS', 'ALARMS', 'TELEMETRY'] }).build()),
      'in-transit-manipulation',
    );
    // Altered commands manipulate the therapy; anything suppressed is denied. Altered readings and
    // alarms are forged data (data-falsification), which also travels along their flow.
    expect(steps.map((s) => s.to)).toEqual(['alarm#DENY', 'therapy#DENY', 'therapy#MANIPULATE', 'vitals#DENY']);
    for (const s of steps) expect(s.from).toBe('c');
    const g = buildGraph(link({ carries: ['ALARMS', 'TELEMETRY'] }).build());
    expect(byRule(g, 'data-falsification').map((s) => [s.from, s.to, s.attackMethodId])).toEqual([
      ['c#INJECT', 'c#FORGED', 'AM04'],
      ['c', 'c#FORGED', 'AM13'],
    ]);
    expect(byRule(g, 'forged-data-use').map((s) => s.to)).toEqual(['alarm#MANIPULATE', 'vitals#MANIPULATE']);
    expect(byRule(g, 'forged-at-source').map((s) => [s.from, s.to])).toEqual([['srv', 'c#FORGED']]);
  });

  it('in-transit-disclosure: reading a PERSONAL_DATA link discloses the receiver’s records, blocked by end-to-end encryption', () => {
    const plain = only(buildGraph(link({ carries: ['PERSONAL_DATA'] }).build()), 'in-transit-disclosure');
    expect(plain).toMatchObject({ from: 'c#READ', to: 'pii#DISCLOSE', attackMethodId: 'AM01', likelihood: 1 });
    const step = only(
      buildGraph(link({ carries: ['PERSONAL_DATA'], extrinsic: ['APPLICATION_ENCRYPTION'] }).build()),
      'in-transit-disclosure',
    );
    expect(step).toMatchObject({ likelihood: 1, blocked: true });
    expect(step.blockingControls.find((b) => b.controlId === 'C26')).toMatchObject({ status: 'IMPLEMENTED' });
  });

  it('trusted-peer-abuse: a controlled sender commands its peer, unblockably (its false readings are forged-at-source)', () => {
    const steps = byRule(
      buildGraph(link({ carries: ['COMMANDS', 'ALARMS', 'TELEMETRY'] }).build()),
      'trusted-peer-abuse',
    );
    expect(steps.map((s) => s.id)).toEqual([
      'trusted-peer-abuse@srv@therapy#DENY@c',
      'trusted-peer-abuse@srv@therapy#MANIPULATE@c',
    ]);
    for (const s of steps)
      expect(s).toMatchObject({ likelihood: 1, controlElementId: null, blockingControls: [], blocked: false });
  });

  it('peer-firmware-push is blocked on the receiving device', () => {
    expect(only(buildGraph(link({ carries: ['FIRMWARE'] }).build()), 'peer-firmware-push')).toMatchObject({
      from: 'srv',
      to: 'pump',
      controlElementId: 'pump',
      likelihood: 0.3,
    });
  });

  it('channel-capabilities: a man in the middle also reads and injects', () => {
    expect(byRule(buildGraph(link({}).build()), 'channel-capabilities').map((s) => [s.from, s.to])).toEqual([
      ['c', 'c#INJECT'],
      ['c', 'c#READ'],
    ]);
  });
});

describe('device → asset', () => {
  it('a controlled device’s assets suffer every impact they can, and its user reads its personal data; nothing blocks it', () => {
    const m = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('d', ['z'])
      .asset('t', 'd', 'THERAPY_DELIVERY', 'CRITICAL')
      .asset('p', 'd', 'PERSONAL_DATA', 'MINOR')
      .build();
    const g = buildGraph(m);
    expect(
      byRule(g, 'device-asset-compromise').map((s) => [s.to, s.attackMethodId, s.likelihood, s.controlElementId]),
    ).toEqual([
      ['p#DISCLOSE', 'AM12', 1, null],
      ['t#DENY', 'AM13', 1, null],
      ['t#MANIPULATE', 'AM13', 1, null],
    ]);
    expect(only(g, 'user-data-access')).toMatchObject({
      from: 'd#USER',
      to: 'p#DISCLOSE',
      likelihood: 1,
      controlElementId: null,
    });
    expect(only(g, 'device-capabilities')).toMatchObject({ from: 'd', to: 'd#USER', likelihood: 1 });
  });
});

describe('blocking controls', () => {
  it('an IMPLEMENTED placement blocks the step; PLANNED does not; costs come from the placement', () => {
    const m = oneInterface('WEB_UI', 'NONE').place('C14', 'i', 'PLANNED', 9).place('C01', 'i', 'IMPLEMENTED').build();
    const step = only(buildGraph(m), 'unauthenticated-access');
    expect(step.blocked).toBe(true);
    expect(step.blockingControls.find((b) => b.controlId === 'C14')).toEqual({
      controlId: 'C14',
      elementId: 'i',
      cost: 9,
      status: 'PLANNED',
    });
    expect(step.blockingControls.find((b) => b.controlId === 'C01')!.status).toBe('IMPLEMENTED');
    expect(step.blockingControls.find((b) => b.controlId === 'C03')).toEqual({
      controlId: 'C03',
      elementId: 'i',
      cost: 3,
      status: 'CANDIDATE',
    });
  });

  it('respects interfaceKinds (C01 only on UIs, C28 only on REMOTE_SERVICE)', () => {
    const step = only(buildGraph(oneInterface('REST_API', 'NONE').build()), 'unauthenticated-access');
    expect(step.blockingControls.map((b) => b.controlId)).toEqual(['C03', 'C04', 'C12', 'C14', 'C27']);
  });

  it('extra placements are treated as IMPLEMENTED (what-if)', () => {
    const step = only(
      buildGraph(oneInterface('WEB_UI', 'NONE').build(), { extraPlacements: [{ controlId: 'C14', elementId: 'i' }] }),
      'unauthenticated-access',
    );
    expect(step.blocked).toBe(true);
  });
});
