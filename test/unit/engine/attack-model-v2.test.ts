/**
 * The eight faults of attack model v1 (issue "Attack model v2"), one hand-checked test each, on
 * small models written out here (test catalogue: AM05 0.7, AM06 0.5, AM07 0.5, AM09 0.3,
 * AM11 0.6, AM13 0.5, AM14 0.6, AM15 0.4, AM16 0.2, AM19 0.6).
 */
import { ValidationError } from '../../../server/src/domain/errors';
import { migrateModelDocument } from '../../../server/src/domain/model-migration';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import { findAttackPaths, reachableTargets, whatIf } from '../../../server/src/engine';
import type { AttackGraph } from '../../../server/src/engine';
import { buildGraph, modelBuilder, testCatalogue } from '../../support/build-graph';

const catalogue = testCatalogue();
/** Every node any path to any target (both scales) passes through. */
const nodesOnPaths = (g: AttackGraph): Set<string> =>
  new Set(
    [...findAttackPaths(g, { k: 5 }).paths, ...findAttackPaths(g, { k: 5, scale: 'PRIVACY' }).paths].flatMap(
      (p) => p.nodeIds,
    ),
  );

describe('fault 1: use of an interface is not control of its device', () => {
  it('a phone app’s BLE endpoint, reached from the patient’s home, gives what its GATT service offers (reading data), not the phone app', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .device('app', ['home'], { category: 'MOBILE_APP' })
      .iface('gatt', 'app', 'BLE_GATT', ['home'], 'NONE')
      .asset('readings', 'app', 'DIAGNOSIS_MONITORING', 'SERIOUS')
      .asset('pii', 'app', 'PERSONAL_DATA', 'MINOR')
      .build();
    const g = buildGraph(m);
    // v1: unauthenticated-access (0.7) → interface-compromise (0.5) → app → readings: SERIOUS reachable.
    expect(reachableTargets(g, 'NEGLIGIBLE')).toEqual([]);
    expect(reachableTargets(g, 'NEGLIGIBLE', 'PRIVACY')).toEqual(['pii#DISCLOSE']);
    const [p] = findAttackPaths(g, { scale: 'PRIVACY' }).paths;
    expect(p!.stepIds).toEqual(['unauthenticated-access@home@gatt', 'interface-function-abuse@gatt@pii#DISCLOSE']);
    expect(nodesOnPaths(g).has('app')).toBe(false);
  });

  it('an SSH login without any vulnerability is a user session on an embedded device, not control of its therapy', () => {
    const m = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('pump', ['z'])
      .iface('ssh', 'pump', 'SSH', ['z'], 'DEFAULT_CREDENTIALS')
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .asset('log', 'pump', 'PERSONAL_DATA', 'MINOR')
      .build();
    const g = buildGraph(m);
    // v1: credential-compromise (0.5) → interface-compromise (0.5 × 2 = 1) → pump → therapy.
    expect(reachableTargets(g)).toEqual([]);
    const [p] = findAttackPaths(g, { scale: 'PRIVACY' }).paths;
    expect(p!.nodeIds).toEqual(['z', 'ssh', 'pump#USER', 'log#DISCLOSE']);
  });

  it('an authentication flaw in a web UI (I:L) lets the attacker change what the UI changes, but gives no code execution', () => {
    const m = modelBuilder()
      .zone('z', 'GUEST_WIFI', true)
      .device('mon', ['y'])
      .zone('y', 'CLINICAL')
      .iface('web', 'mon', 'WEB_UI', ['z'], 'PASSWORD')
      .asset('alarm', 'mon', 'ALARM', 'CRITICAL')
      .vuln('v', 'web', 'CVE-2020-0001', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N')
      .build();
    const g = buildGraph(m);
    const steps = g.steps.filter((s) => s.ruleId === 'vulnerability-exploitation');
    expect(steps.map((s) => s.to)).toEqual(['alarm#MANIPULATE']);
    expect(g.steps.some((s) => s.to === 'mon')).toBe(false);
  });
});

describe('fault 2: a vulnerability grants what its impact says, and its score counts once', () => {
  const pump = (vector: string) =>
    modelBuilder()
      .zone('net', 'INTERNET', true)
      .device('pump', ['clinical'])
      .zone('clinical', 'CLINICAL')
      .iface('api', 'pump', 'REST_API', ['net'], 'MFA', { functions: [] })
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .vuln('v', 'api', 'CVE-2021-0001', vector)
      .build();

  it('a CVE with C:N/I:N/A:N on an internet-facing interface makes nothing reachable', () => {
    // v1: vulnerability-exploitation (0.25) → interface-compromise → pump → therapy.
    const g = buildGraph(pump('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'));
    expect(g.steps.filter((s) => s.ruleId === 'vulnerability-exploitation')).toEqual([]);
    expect(reachableTargets(g)).toEqual([]);
  });

  it('a denial-of-service-only CVE denies the pump’s therapy (its own severity), never manipulates it', () => {
    const g = buildGraph(pump('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'));
    expect(reachableTargets(g)).toEqual(['therapy#DENY']);
    const [p] = findAttackPaths(g).paths;
    expect(p).toMatchObject({
      stepIds: ['vulnerability-exploitation@net@therapy#DENY@v'],
      severity: 'CRITICAL', // interrupted therapy: one level below manipulated (CATASTROPHIC) by default
      likelihood: 0.5,
    });
  });

  it('a remote-code-execution CVE gives control once: likelihood = base × exploitability, no second factor for the score', () => {
    const g = buildGraph(pump('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'));
    const best = findAttackPaths(g, { targetIds: ['therapy#MANIPULATE'] }).paths[0]!;
    // v1: 0.5 × (0.5 + 0.98) = 0.74 for the exploit, then 0.5 × (1 + 0.98) = 0.99 for the device.
    expect(best.stepIds).toEqual([
      'vulnerability-exploitation@net@pump@v',
      'device-asset-compromise@pump@therapy#MANIPULATE',
    ]);
    expect(best.likelihood).toBeCloseTo(0.5);
  });
});

describe('fault 3: harm per impact, and privacy on its own scale', () => {
  it('manipulated and interrupted therapy are two targets with their own severities', () => {
    const m = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('pump', ['z'])
      .iface('web', 'pump', 'WEB_UI', ['z'], 'NONE')
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'SERIOUS', {
        manipulationSeverity: 'CATASTROPHIC',
        denialSeverity: 'MINOR',
      })
      .build();
    const paths = findAttackPaths(buildGraph(m)).paths;
    expect(paths.map((p) => [p.targetId, p.severity, p.risk])).toEqual([
      ['therapy#MANIPULATE', 'CATASTROPHIC', 0.7 * 5],
      ['therapy#DENY', 'MINOR', 0.7 * 2],
    ]);
  });

  it('one patient’s record and every patient’s records rank apart on the privacy scale, and never add to safety risk', () => {
    const m = modelBuilder()
      .zone('z', 'ENTERPRISE', true)
      .device('ehr', ['z'], { category: 'EHR' })
      .device('mon', ['z'], { category: 'PATIENT_MONITOR' })
      .iface('ehr-api', 'ehr', 'FHIR_API', ['z'], 'NONE')
      .iface('mon-web', 'mon', 'WEB_UI', ['z'], 'NONE')
      .asset('all-records', 'ehr', 'PERSONAL_DATA', 'SERIOUS')
      .asset('one-record', 'mon', 'PERSONAL_DATA', 'SERIOUS')
      .build();
    const g = buildGraph(m);
    const privacy = findAttackPaths(g, { scale: 'PRIVACY' });
    expect(privacy.paths.map((p) => [p.targetId, p.privacySeverity, p.severityRank])).toEqual([
      ['all-records#DISCLOSE', 'MASS', 5],
      ['one-record#DISCLOSE', 'ONE_PATIENT', 1],
    ]);
    expect(privacy.totalRisk).toBeCloseTo(0.7 * 5 + 0.7 * 1);
    expect(findAttackPaths(g).totalRisk).toBe(0);
  });
});

describe('fault 4: zones are networks and places', () => {
  it('a routed guest/clinical link carries network reach; without it the clinical UI is out of reach', () => {
    const build = (linked: boolean) =>
      modelBuilder()
        .zone('guest', 'GUEST_WIFI', true, linked ? { linkedZoneIds: ['clinical'] } : {})
        .zone('clinical', 'CLINICAL')
        .device('mon', ['clinical'])
        .iface('web', 'mon', 'WEB_UI', ['clinical'], 'NONE')
        .asset('alarm', 'mon', 'ALARM', 'CRITICAL')
        .build();
    expect(reachableTargets(buildGraph(build(false)))).toEqual([]);
    const paths = findAttackPaths(buildGraph(build(true)), { targetIds: ['alarm#MANIPULATE'] }).paths;
    expect(paths[0]!.stepIds).toEqual([
      'zone-link@guest@clinical',
      'unauthenticated-access@clinical@web',
      'interface-function-abuse@web@alarm#MANIPULATE',
    ]);
    // A firewall on the clinical zone's edge (C29) cuts the link.
    const fenced = build(true);
    fenced.controlPlacements.push({ id: 'fw', controlId: 'C29', elementId: 'clinical', status: 'IMPLEMENTED' });
    expect(reachableTargets(buildGraph(fenced))).toEqual([]);
  });

  it('a firewall on the clinical zone does not stop a dual-homed gateway that sits inside it', () => {
    const m = modelBuilder()
      .zone('vendor', 'VENDOR_REMOTE_ACCESS', true)
      .zone('dmz', 'DMZ')
      .zone('clinical', 'CLINICAL')
      .device('gw', ['dmz', 'clinical'], { generalPurposeOs: true })
      .iface('gw-rs', 'gw', 'REMOTE_SERVICE', ['vendor'], 'PASSWORD')
      .device('pump', ['clinical'])
      .iface('pump-web', 'pump', 'WEB_UI', ['clinical'], 'NONE')
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .place('C29', 'clinical')
      .build();
    const [p] = findAttackPaths(buildGraph(m), { targetIds: ['therapy#MANIPULATE'] }).paths;
    // v1: lateral-movement gw → clinical was blocked by C29 on the clinical zone.
    expect(p!.stepIds).toEqual([
      'remote-service-abuse@vendor@gw-rs',
      'interface-function-abuse@gw-rs@gw',
      'lateral-movement@gw@clinical',
      'unauthenticated-access@clinical@pump-web',
      'interface-function-abuse@pump-web@therapy#MANIPULATE',
    ]);
  });

  it('an implant carried between the home and the clinic is no bridge between two networks', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .zone('clinic', 'CLINICAL')
      .device('icd', ['home', 'clinic'], { category: 'IMPLANTABLE_CARDIAC' })
      .iface('rf', 'icd', 'PROPRIETARY_RF', ['home', 'clinic'], 'NONE')
      .vuln('v', 'rf', 'CVE-2019-6538', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')
      .device('ws', ['clinic'], { generalPurposeOs: true })
      .iface('ws-smb', 'ws', 'SMB', ['clinic'], 'NONE')
      .asset('ws-records', 'ws', 'PERSONAL_DATA', 'SERIOUS')
      .build();
    const g = buildGraph(m);
    expect(reachableTargets(g, 'NEGLIGIBLE', 'PRIVACY')).toEqual([]);
    // v1: icd → clinic by lateral movement, then the workstation.
    expect(g.steps.some((s) => s.ruleId === 'lateral-movement' && s.from === 'icd')).toBe(false);
  });

  it('an attacker in a patient’s home has hands on the home monitor’s USB port', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .device('monitor', ['home'], { generalPurposeOs: true, category: 'HOME_MONITOR' })
      .iface('usb', 'monitor', 'USB', ['home'], 'NONE')
      .asset('readings', 'monitor', 'DIAGNOSIS_MONITORING', 'SERIOUS')
      .build();
    const [p] = findAttackPaths(buildGraph(m), { targetIds: ['readings#MANIPULATE'] }).paths;
    // v1: physical access only from zones of kind PHYSICAL_ACCESS: nothing.
    expect(p!.stepIds).toEqual([
      'physical-port-access@home#PHYSICAL_ACCESS@usb',
      'malware-infection@usb@monitor',
      'device-asset-compromise@monitor@readings#MANIPULATE',
    ]);
    expect(p!.likelihood).toBeCloseTo(0.6 * 0.4);
  });
});

describe('fault 5: outbound connections', () => {
  const monitor = () =>
    modelBuilder()
      .zone('net', 'INTERNET', true)
      .zone('ward', 'CLINICAL')
      .device('mon', ['ward'], { outboundZoneIds: ['net'], outboundAccepts: 'CODE' })
      .iface('eth', 'mon', 'ETHERNET', ['ward'], 'NONE')
      .asset('alarm', 'mon', 'ALARM', 'CRITICAL')
      .build();

  it('a monitor that connects out to an internet address and runs what comes back is reachable from the internet', () => {
    const g = buildGraph(monitor());
    const [p] = findAttackPaths(g, { targetIds: ['alarm#MANIPULATE'] }).paths;
    // v1 could not say it: nothing from the internet reached the monitor (no inbound exposure).
    expect(p!.stepIds).toEqual(['outbound-connection@net@mon@ward', 'device-asset-compromise@mon@alarm#MANIPULATE']);
    expect(p!.likelihood).toBeCloseTo(0.2);
    const step = g.steps.find((s) => s.ruleId === 'outbound-connection')!;
    expect(step.blockingControls.map((b) => `${b.controlId}@${b.elementId}`)).toEqual(
      expect.arrayContaining(['C31@ward', 'C17@mon']),
    );
  });

  it('egress filtering on the monitor’s zone, or removing the function on the monitor, cuts it in whatIf', () => {
    const egress = whatIf(monitor(), catalogue, [{ controlId: 'C31', elementId: 'ward' }]);
    expect(egress.before.pathCount).toBeGreaterThan(0);
    expect(egress.after.pathCount).toBe(0);
    const removed = whatIf(monitor(), catalogue, [{ controlId: 'C17', elementId: 'mon' }]);
    expect(removed.after.pathCount).toBe(0);
  });

  it('a device that only takes data back gets its monitoring falsified, not taken over', () => {
    const m = monitor();
    m.devices[0]!.outboundAccepts = 'DATA';
    m.assets.push({ id: 'vitals', deviceId: 'mon', name: 'vitals', kind: 'DIAGNOSIS_MONITORING', severity: 'SERIOUS' });
    expect(reachableTargets(buildGraph(m), 'NEGLIGIBLE')).toEqual(['vitals#MANIPULATE']);
  });
});

describe('fault 6: falsified data travels', () => {
  /** Wearable → phone app (BLE Just Works) → vendor cloud (cellular, TLS) → clinician portal (TLS), carrying readings. */
  const flow = () =>
    modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .zone('cloud', 'CLOUD')
      .zone('hospital', 'CLINICAL')
      .device('wearable', ['home'])
      .device('app', ['home'], { category: 'MOBILE_APP' })
      .device('cloud-svc', ['cloud'], { category: 'CLOUD_SERVICE', generalPurposeOs: true })
      .device('portal', ['hospital'], { category: 'WORKSTATION' })
      .channel('ble', 'wearable', 'app', { technology: 'BLE', intrinsic: 'BLE_JUST_WORKS', zoneIds: ['home'] })
      .channel('up', 'app', 'cloud-svc', { technology: 'CELLULAR', intrinsic: 'CELLULAR_LTE', extrinsic: ['TLS'] })
      .channel('down', 'cloud-svc', 'portal', { technology: 'IP', extrinsic: ['TLS'] })
      .asset('seen', 'portal', 'DIAGNOSIS_MONITORING', 'SERIOUS')
      .build();
  const withFlow = (e2e: boolean) => {
    const m = flow();
    m.channels.find((c) => c.id === 'ble')!.forwardedTo = ['up'];
    m.channels.find((c) => c.id === 'up')!.forwardedTo = ['down'];
    if (e2e) for (const c of m.channels) if (c.id !== 'ble') c.endToEndIntegrity = true;
    return m;
  };

  it('readings altered on the weak BLE hop reach what the clinician sees, without any device taken over', () => {
    // v1 (and v2 without the flow): altering the BLE hop harms only the app, which holds no asset.
    expect(reachableTargets(buildGraph(flow()))).toEqual([]);
    const [p] = findAttackPaths(buildGraph(withFlow(false)), { targetIds: ['seen#MANIPULATE'] }).paths;
    // The man in the middle (0.6 × 0.9) alters the readings (AM13 0.5) or injects false ones
    // (AM04 0.5, an equally likely route): either way the hop delivers forged data.
    expect(p!.stepIds[0]).toBe('weak-pairing@home@ble');
    expect(p!.stepIds.some((s) => s.startsWith('data-falsification@'))).toBe(true);
    expect(p!.stepIds.slice(-3)).toEqual([
      'data-relay@ble#FORGED@up#FORGED',
      'data-relay@up#FORGED@down#FORGED',
      'forged-data-use@down#FORGED@seen#MANIPULATE',
    ]);
    expect(p!.likelihood).toBeCloseTo(0.54 * 0.5);
    for (const id of ['wearable', 'app', 'cloud-svc', 'portal']) expect(p!.nodeIds).not.toContain(id);
  });

  it('end-to-end integrity from the sensor cuts it; anti-malware on the cloud (a control on an intermediate device) does not', () => {
    expect(reachableTargets(buildGraph(withFlow(true)))).toEqual([]);
    const malware = whatIf(withFlow(false), catalogue, [{ controlId: 'C11', elementId: 'cloud-svc' }]);
    expect(malware.after.pathCount).toBe(malware.before.pathCount);
    // An integrity control authenticating the originator on the next hop (C21 on 'up') cuts the relay.
    const integrity = whatIf(withFlow(false), catalogue, [{ controlId: 'C21', elementId: 'up' }]);
    expect(integrity.after.paths.filter((p) => p.targetId === 'seen#MANIPULATE')).toEqual([]);
  });
});

describe('fault 7: paths are simple in what the attacker holds; duplicate channels are refused', () => {
  it('no path takes device A, moves to B and comes back for A’s own alarm', () => {
    const m = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('a', ['z'])
      .iface('a-rs', 'a', 'REMOTE_SERVICE', ['z'], 'NONE')
      .device('b', ['z'])
      .channel('fw', 'a', 'b', { carries: ['FIRMWARE'] })
      .channel('al', 'b', 'a', { carries: ['ALARMS'] })
      .asset('alarm', 'a', 'ALARM', 'CRITICAL')
      .build();
    const paths = findAttackPaths(buildGraph(m), { k: 5, targetIds: ['alarm#MANIPULATE'] }).paths;
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      const i = p.nodeIds.indexOf('a');
      if (i >= 0) expect(p.nodeIds.slice(i + 1, -1)).toEqual([]);
    }
    // v1 listed a → b (firmware push) → a's alarm (peer-abuse) among the top paths.
    expect(paths.some((p) => p.nodeIds.includes('b'))).toBe(false);
  });

  it('two identical channels are refused, naming both; a 1.0 document with copies is migrated with the copy merged', () => {
    const m = modelBuilder()
      .zone('z', 'CLINICAL', true)
      .device('a', ['z'])
      .device('b', ['z'])
      .channel('c1', 'a', 'b', { carries: ['COMMANDS'] })
      .channel('c2', 'a', 'b', { carries: ['COMMANDS'] })
      .build();
    try {
      validateModelDocument(m, catalogue);
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const issue = (e as ValidationError).issues.find((i) => i.path === 'channels[1]')!;
      expect(issue.message).toContain("'c2'");
      expect(issue.message).toContain("'c1'");
    }
    const v1 = {
      ...m,
      formatVersion: '1.0',
      controlPlacements: [{ id: 'p', controlId: 'C21', elementId: 'c2', status: 'PLANNED' }],
    };
    const migrated = migrateModelDocument(v1);
    expect(migrated.changes.map((c) => c.path)).toEqual(['channels[1]', 'controlPlacements[0]']);
    const doc = validateModelDocument(v1, catalogue);
    expect(doc.formatVersion).toBe('2.3');
    expect(doc.channels.map((c) => c.id)).toEqual(['c1']);
    expect(doc.controlPlacements[0]!.elementId).toBe('c1');
  });
});

describe('fault 8: hosted software, IP links and supply-chain sources', () => {
  it('control of the phone gives the app on it; control of the app does not give the phone', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME', true)
      .device('phone', ['home'], { generalPurposeOs: true })
      .iface('phone-usb', 'phone', 'USB', ['home'], 'NONE')
      .asset('phone-data', 'phone', 'PERSONAL_DATA', 'MINOR')
      .device('app', ['home'], { hostDeviceId: 'phone', category: 'MOBILE_APP' })
      .iface('app-api', 'app', 'REST_API', ['home'], 'NONE', { functions: ['UPDATE_FIRMWARE'] })
      .asset('dose', 'app', 'THERAPY_DELIVERY', 'CRITICAL')
      .build();
    const g = buildGraph(m);
    expect(g.steps.find((s) => s.ruleId === 'hosted-software-control')).toMatchObject({ from: 'phone', to: 'app' });
    // From the app (taken through its update function) the phone's own data stays out of reach.
    const fromApp = buildGraph(m, { fromElementIds: ['app'] });
    expect(reachableTargets(fromApp, 'NEGLIGIBLE', 'PRIVACY')).toEqual([]);
    const viaPhone = findAttackPaths(g, { targetIds: ['dose#MANIPULATE'], k: 3 }).paths;
    expect(viaPhone.some((p) => p.stepIds.includes('hosted-software-control@phone@app'))).toBe(true);
  });

  it('a controlled update server pushes firmware over an IP link to the devices it updates', () => {
    const m = modelBuilder()
      .zone('net', 'INTERNET', true)
      .zone('cloud', 'CLOUD')
      .device('updates', ['cloud'], { category: 'UPDATE_SERVER' })
      .iface('admin', 'updates', 'WEB_UI', ['net'], 'DEFAULT_CREDENTIALS', { functions: ['UPDATE_FIRMWARE'] })
      .device('pump', ['cloud'])
      .channel('ota', 'updates', 'pump', { technology: 'IP', carries: ['FIRMWARE'] })
      .asset('therapy', 'pump', 'THERAPY_DELIVERY', 'CATASTROPHIC')
      .build();
    expect(validateModelDocument(m, catalogue).channels[0]!.technology).toBe('IP');
    const [p] = findAttackPaths(buildGraph(m), { targetIds: ['therapy#MANIPULATE'] }).paths;
    expect(p!.stepIds).toEqual([
      'credential-compromise@net@admin',
      'firmware-upload@admin@updates',
      'peer-firmware-push@updates@pump@ota',
      'device-asset-compromise@pump@therapy#MANIPULATE',
    ]);
  });
});

describe('fault 4 (cont.): a routed link with an allowlist of services', () => {
  const build = (services?: ('HL7' | 'WEB_UI')[]) =>
    modelBuilder()
      .zone('guest', 'GUEST_WIFI', true, {
        linkedZoneIds: ['clinical'],
        ...(services ? { linkedZoneServices: services } : {}),
      })
      .zone('clinical', 'CLINICAL')
      .device('mon', ['clinical'])
      .iface('web', 'mon', 'WEB_UI', ['clinical'], 'NONE')
      .iface('hl7', 'mon', 'HL7', ['clinical'], 'NONE')
      .asset('alarm', 'mon', 'ALARM', 'CRITICAL')
      .asset('vitals', 'mon', 'DIAGNOSIS_MONITORING', 'SERIOUS')
      .build();

  it('lets through only the listed services: HL7 allowed reaches the readings, not the web UI’s alarm settings', () => {
    const g = buildGraph(build(['HL7']));
    expect(g.steps.some((s) => s.ruleId === 'zone-link')).toBe(false);
    expect(reachableTargets(g)).toEqual(['vitals#MANIPULATE']);
    const [p] = findAttackPaths(g, { targetIds: ['vitals#MANIPULATE'] }).paths;
    expect(p!.stepIds).toEqual([
      'unauthenticated-access@guest@hl7@via-clinical',
      'interface-function-abuse@hl7@vitals#MANIPULATE',
    ]);
    // The boundary control on the clinical zone's edge blocks the routed access too.
    const step = g.steps.find((s) => s.id === 'unauthenticated-access@guest@hl7@via-clinical')!;
    expect(step.blockingControls.map((b) => `${b.controlId}@${b.elementId}`)).toContain('C29@clinical');
    const w = whatIf(build(['HL7']), catalogue, [{ controlId: 'C29', elementId: 'clinical' }]);
    expect(w.after.pathCount).toBe(0);
  });

  it('an open link (no allowlist) gives presence in the linked zone: both interfaces', () => {
    expect(reachableTargets(buildGraph(build()))).toEqual([
      'alarm#DENY',
      'alarm#MANIPULATE',
      'vitals#DENY',
      'vitals#MANIPULATE',
    ]);
  });
});
