import { elementFacts, placementMisfit } from '../../../server/src/domain/applicability';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import type { Device, ModelDocument } from '../../../server/src/domain/types';
import {
  deviceConditions,
  findBaselineGaps,
  type BaselineGap,
  type FindBaselineGapsOptions,
} from '../../../server/src/engine';
import { modelBuilder, testCatalogue } from '../../support/build-graph';

const catalogue = testCatalogue();

describe('deviceConditions', () => {
  it('derives network, wireless, user-interface and remote-service conditions from interfaces and channels', () => {
    const m = modelBuilder()
      .zone('z', 'CLINICAL')
      .device('d', ['z'], { handlesPersonalData: true })
      .device('e', ['z'])
      .iface('ui', 'd', 'LOCAL_UI', ['z'])
      .iface('rs', 'd', 'REMOTE_SERVICE', ['z'], 'MFA')
      .channel('c', 'd', 'e', { technology: 'BLE', intrinsic: 'BLE_PASSKEY' })
      .build();
    const held = deviceConditions(m.devices[0]!, m.interfaces, m.channels);
    expect([...held].sort()).toEqual([
      'HANDLES_PERSONAL_DATA',
      'HAS_NETWORK_INTERFACE',
      'HAS_USER_INTERFACE',
      'HAS_WIRELESS_INTERFACE',
      'REMOTE_SERVICE',
    ]);
  });

  it('does not count a physical port alone as a network interface', () => {
    const m = modelBuilder().zone('z', 'CLINICAL').device('d', ['z']).iface('usb', 'd', 'USB', ['z']).build();
    expect(deviceConditions(m.devices[0]!, m.interfaces, [])).toEqual(new Set());
  });
});

describe('findBaselineGaps', () => {
  const model = modelBuilder()
    .zone('z', 'CLINICAL')
    .device('pump', ['z'], { riskClass: 'C', generalPurposeOs: false })
    .device('sensor', ['z'], { riskClass: 'A' })
    .iface('web', 'pump', 'WEB_UI', ['z'], 'PASSWORD')
    .place('C14', 'web', 'IMPLEMENTED')
    .place('C06', 'pump', 'PLANNED')
    .build();
  const rows = findBaselineGaps(model, catalogue);
  const row = (device: string, cap: string) => rows.filter((r) => r.deviceId === device && r.capabilityCode === cap);

  it('marks a requirement MET by an implemented control on the device or its interfaces', () => {
    expect(row('pump', 'PAUT')).toEqual([
      expect.objectContaining({
        level: 'REQUIRED',
        status: 'MET',
        gap: false,
        satisfiedBy: [{ controlId: 'C14', elementId: 'web', status: 'IMPLEMENTED' }],
      }),
    ]);
  });

  it('marks PLANNED when only a planned placement exists, and counts it as a gap', () => {
    expect(row('pump', 'CSUP')[0]).toMatchObject({
      status: 'PLANNED',
      gap: true,
      satisfiedBy: [{ controlId: 'C06', elementId: 'pump', status: 'PLANNED' }],
    });
  });

  it('marks MISSING with where the controls could go', () => {
    expect(row('pump', 'ALOF')[0]).toMatchObject({
      status: 'MISSING',
      gap: true,
      controlIds: ['C01'],
      candidatePlacements: [{ controlId: 'C01', elementId: 'web' }],
    });
  });

  it('applies CONDITIONAL requirements only when a condition holds, and lists RECOMMENDED ones without counting them', () => {
    expect(row('pump', 'MLDP')).toEqual([]); // not a general-purpose OS
    expect(row('pump', 'NAUT').some((r) => r.level === 'REQUIRED')).toBe(true);
    expect(row('sensor', 'NAUT')).toEqual([]); // class A: only with a network interface
    expect(row('sensor', 'CNFS')[0]).toMatchObject({ level: 'RECOMMENDED', status: 'MISSING', gap: false });
    expect(row('pump', 'TXCF')[0]).toMatchObject({ level: 'REQUIRED' });
  });

  it('sorts by device, then capability', () => {
    const keys = rows.map((r) => `${r.deviceId}|${r.capabilityCode}`);
    expect(keys).toEqual([...keys].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Baselines that can be met (controls v2), with the bundled catalogue's applicability and effects
// ---------------------------------------------------------------------------------------------

describe('findBaselineGaps with the bundled catalogue (applicability, zones, wireless, telehealth)', () => {
  const bundled = loadBundledCatalogue();
  const rowsOf = (m: ModelDocument, options?: FindBaselineGapsOptions) => findBaselineGaps(m, bundled, options);
  const pick = (rows: BaselineGap[], device: string, cap: string) =>
    rows.filter((r) => r.deviceId === device && r.capabilityCode === cap);

  /** An implant at home, its radio talking to a bedside home monitor (TR 67 Annex C class D example). */
  const implantModel = (implant: Partial<Device>) =>
    modelBuilder()
      .zone('home', 'PATIENT_HOME')
      .device('icd', ['home'], { riskClass: 'D', ...implant })
      .device('monitor', ['home'], { riskClass: 'C', category: 'HOME_MONITOR' })
      .iface('icd-rf', 'icd', 'PROPRIETARY_RF', ['home'])
      .iface('mon-rf', 'monitor', 'PROPRIETARY_RF', ['home'])
      .channel('rf', 'monitor', 'icd', {
        technology: 'PROPRIETARY_RF',
        intrinsic: 'PROPRIETARY_UNENCRYPTED',
        carries: ['COMMANDS', 'TELEMETRY'],
        zoneIds: ['home'],
      })
      .build();

  it.each<[string, Partial<Device>]>([
    ['category IMPLANTABLE_CARDIAC', { category: 'IMPLANTABLE_CARDIAC' }],
    ['bodyLocation IMPLANTED', { category: 'OTHER', bodyLocation: 'IMPLANTED' }],
  ])(
    'an implant (%s) has no MISSING automatic-logoff, physical-lock or password row: NOT_APPLICABLE with the reason',
    (_, implant) => {
      const m = implantModel(implant);
      m.channels[0]!.fromInterfaceId = 'mon-rf';
      m.channels[0]!.toInterfaceId = 'icd-rf';
      const rows = rowsOf(m);
      const alof = pick(rows, 'icd', 'ALOF');
      expect(alof).toEqual([
        expect.objectContaining({ level: 'REQUIRED', status: 'NOT_APPLICABLE', gap: false, candidatePlacements: [] }),
      ]);
      expect(alof[0]!.reason).toMatch(/^no user session: .*\(ALOF\) cannot be met/);
      expect(alof[0]!.reason).toContain('C01 (Idle session lock)');
      const plok = pick(rows, 'icd', 'PLOK');
      expect(plok).toEqual([expect.objectContaining({ status: 'NOT_APPLICABLE', gap: false })]);
      expect(plok[0]!.reason).toMatch(/implanted device.*\(PLOK\) cannot be met/);
      const paut = pick(rows, 'icd', 'PAUT');
      expect(paut).toEqual([expect.objectContaining({ status: 'NOT_APPLICABLE', gap: false })]);
      expect(paut[0]!.reason).toMatch(/no user session/);
      for (const r of rows.filter((r) => r.deviceId === 'icd'))
        for (const c of r.candidatePlacements)
          expect(
            placementMisfit(
              bundled.controls.find((x) => x.id === c.controlId)!,
              elementFacts(m).get(c.elementId)!,
            ),
          ).toBeNull();
    },
  );

  it('offers a proprietary-RF channel the catalogue controls that fit it (C21, C26, C27), only where they fit', () => {
    const m = implantModel({ category: 'IMPLANTABLE_CARDIAC' });
    const rows = rowsOf(m);
    const facts = elementFacts(m);
    const control = (id: string) => bundled.controls.find((c) => c.id === id)!;
    const wireless = pick(rows, 'icd', 'NAUT').filter((r) => r.scopeElementId === 'rf');
    expect(wireless).toHaveLength(1);
    const w = wireless[0]!;
    expect(w).toMatchObject({
      level: 'CONDITIONAL',
      conditionsMet: ['HAS_WIRELESS_INTERFACE'],
      status: 'MISSING',
      gap: true,
    });
    expect(w.controlIds).toEqual(expect.arrayContaining(['C21', 'C26', 'C27']));
    // technology-bound (C22–C25) and IP-only (C12, C20) controls cannot exist on a proprietary radio
    for (const id of ['C12', 'C20', 'C22', 'C23', 'C24', 'C25']) expect(w.controlIds).not.toContain(id);
    // every offered control prevents a channel attack method (TR 67 Annex B AM01–AM04, AM13, AM14)
    for (const id of w.controlIds)
      expect(
        control(id).effects.some(
          (e) => e.effect === 'PREVENTS' && ['AM01', 'AM02', 'AM03', 'AM04', 'AM13', 'AM14'].includes(e.attackMethodId),
        ),
      ).toBe(true);
    expect(w.candidatePlacements).toEqual(
      expect.arrayContaining([
        { controlId: 'C26', elementId: 'rf' },
        { controlId: 'C27', elementId: 'rf' },
      ]),
    );
    for (const c of w.candidatePlacements)
      expect(placementMisfit(control(c.controlId), facts.get(c.elementId)!)).toBeNull();
    // challenge-response on the implant (receiver-side authentication) meets it
    const met = rowsOf(modelWith(m, [{ controlId: 'C27', elementId: 'icd', status: 'IMPLEMENTED' }]));
    expect(pick(met, 'icd', 'NAUT').find((r) => r.scopeElementId === 'rf')).toMatchObject({
      status: 'MET',
      gap: false,
      satisfiedBy: [{ controlId: 'C27', elementId: 'icd', status: 'IMPLEMENTED' }],
    });
  });

  it('offers a Wi-Fi channel its own intrinsic control and no other technology’s', () => {
    const m = modelBuilder()
      .zone('ward', 'CLINICAL')
      .device('pump', ['ward'], { riskClass: 'C' })
      .device('server', ['ward'], { riskClass: 'B' })
      .channel('wifi', 'server', 'pump', { technology: 'WIFI', intrinsic: 'WPA2_PSK', zoneIds: ['ward'] })
      .build();
    const w = pick(rowsOf(m), 'pump', 'NAUT').find((r) => r.scopeElementId === 'wifi')!;
    expect(w.controlIds).toContain('C22');
    for (const id of ['C23', 'C24', 'C25']) expect(w.controlIds).not.toContain(id);
  });

  it('counts a control on the zone the device sits in: C29 segmentation meets the hospital-side zone requirement', () => {
    const build = (placements: ModelDocument['controlPlacements']) =>
      modelWith(
        modelBuilder()
          .zone('icu', 'CLINICAL')
          .device('vent', ['icu'], { riskClass: 'C' })
          .iface('vent-web', 'vent', 'WEB_UI', ['icu'], 'PASSWORD')
          .build(),
        placements,
      );
    const zoneRow = (rows: BaselineGap[]) =>
      pick(rows, 'vent', 'NAUT').find((r) => r.controlIds.includes('C29') && r.controlIds.includes('C31'))!;
    const before = zoneRow(rowsOf(build([])));
    expect(before).toMatchObject({ level: 'REQUIRED', status: 'MISSING', gap: true });
    expect(before.candidatePlacements).toEqual([
      { controlId: 'C29', elementId: 'icu' },
      { controlId: 'C31', elementId: 'icu' },
    ]);
    const after = zoneRow(rowsOf(build([{ id: 'p1', controlId: 'C29', elementId: 'icu', status: 'IMPLEMENTED' }])));
    expect(after).toMatchObject({
      status: 'MET',
      gap: false,
      satisfiedBy: [{ controlId: 'C29', elementId: 'icu', status: 'IMPLEMENTED' }],
    });
    expect(after.reason).toContain('C29 on icu');
  });

  it('counts a C13 firewall on the device’s zone for the class B network-authentication requirement', () => {
    const m = modelBuilder()
      .zone('lab', 'CLINICAL')
      .device('analyser', ['lab'], { riskClass: 'B' })
      .iface('hl7', 'analyser', 'HL7', ['lab'])
      .place('C13', 'lab', 'IMPLEMENTED')
      .build();
    const naut = pick(rowsOf(m), 'analyser', 'NAUT').find((r) => r.controlIds.includes('C13'))!;
    expect(naut).toMatchObject({
      level: 'CONDITIONAL',
      status: 'MET',
      satisfiedBy: [{ controlId: 'C13', elementId: 'lab', status: 'IMPLEMENTED' }],
    });
  });

  it('adds TR 67 Table 2 telehealth rows for a device used at home, per channel technology, with the same statuses', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME')
      .zone('ward', 'CLINICAL')
      .device('bp', ['home'], { riskClass: 'B', category: 'OTHER' })
      .device('phone', ['home'], { riskClass: 'B', category: 'MOBILE_APP' })
      .device('bedside', ['ward'], { riskClass: 'B' })
      .device('nurse-station', ['ward'], { riskClass: 'B' })
      .channel('ble', 'bp', 'phone', { technology: 'BLE', intrinsic: 'BLE_JUST_WORKS', zoneIds: ['home'] })
      .channel('ward-ble', 'bedside', 'nurse-station', {
        technology: 'BLE',
        intrinsic: 'BLE_PASSKEY',
        zoneIds: ['ward'],
      })
      .place('C23', 'ble', 'IMPLEMENTED')
      .build();
    const rows = rowsOf(m);
    const th = pick(rows, 'bp', 'TELEHEALTH');
    expect(th.map((r) => [r.telehealthControlId, r.scopeElementId, r.status, r.level])).toEqual([
      ['TH-BLE-EXTRINSIC', 'ble', 'MISSING', 'REQUIRED'],
      ['TH-BLE-INTRINSIC', 'ble', 'MET', 'REQUIRED'],
    ]);
    expect(th[0]).toMatchObject({ controlIds: ['C21', 'C26', 'C27'], gap: true });
    expect(th[0]!.note).toMatch(/patient's home/);
    expect(th[1]!.satisfiedBy).toEqual([{ controlId: 'C23', elementId: 'ble', status: 'IMPLEMENTED' }]);
    // the phone at home too; the ward's devices are not in telehealth use
    expect(pick(rows, 'phone', 'TELEHEALTH')).toHaveLength(2);
    expect(pick(rows, 'bedside', 'TELEHEALTH')).toEqual([]);
    expect(pick(rows, 'nurse-station', 'TELEHEALTH')).toEqual([]);
  });

  it('adds telehealth rows on a hospital device only for its channels to a home monitor or the cloud', () => {
    const m = modelBuilder()
      .zone('home', 'PATIENT_HOME')
      .zone('dc', 'ENTERPRISE')
      .device('hm', ['home'], { riskClass: 'C', category: 'HOME_MONITOR' })
      .device('server', ['dc'], { riskClass: 'B', category: 'SERVER' })
      .device('ward-gw', ['dc'], { riskClass: 'B' })
      .channel('cell', 'hm', 'server', { technology: 'CELLULAR', intrinsic: 'CELLULAR_LTE' })
      .channel('wifi', 'ward-gw', 'server', { technology: 'WIFI', intrinsic: 'WPA2_PSK', zoneIds: ['dc'] })
      .build();
    const th = pick(rowsOf(m), 'server', 'TELEHEALTH');
    expect(th.map((r) => [r.telehealthControlId, r.scopeElementId])).toEqual([
      ['TH-CELLULAR-EXTRINSIC', 'cell'],
      ['TH-CELLULAR-INTRINSIC', 'cell'],
    ]);
    expect(th[0]!.note).toMatch(/remote monitoring: it links the device to hm/);
  });

  it('with assume IMPLEMENTED_AND_PLANNED counts planned placements as MET', () => {
    const m = modelBuilder()
      .zone('ward', 'CLINICAL')
      .device('pump', ['ward'], { riskClass: 'C' })
      .place('C06', 'pump', 'PLANNED')
      .build();
    expect(pick(rowsOf(m), 'pump', 'CSUP')[0]).toMatchObject({ status: 'PLANNED', gap: true });
    const assumed = pick(rowsOf(m, { assume: 'IMPLEMENTED_AND_PLANNED' }), 'pump', 'CSUP')[0]!;
    expect(assumed).toMatchObject({
      status: 'MET',
      gap: false,
      satisfiedBy: [{ controlId: 'C06', elementId: 'pump', status: 'PLANNED' }],
    });
    expect(assumed.reason).toMatch(/IMPLEMENTED_AND_PLANNED/);
    expect(pick(rowsOf(m, { assume: 'IMPLEMENTED' }), 'pump', 'CSUP')[0]!.status).toBe('PLANNED');
  });

  it('keeps CSUP MISSING (not NOT_APPLICABLE) on a device that cannot be updated: the deficiency is the gap', () => {
    const m = modelBuilder()
      .zone('ward', 'CLINICAL')
      .device('old', ['ward'], { riskClass: 'C', patchable: false })
      .build();
    const csup = pick(rowsOf(m), 'old', 'CSUP')[0]!;
    expect(csup).toMatchObject({ status: 'MISSING', gap: true, candidatePlacements: [] });
    expect(csup.reason).toMatch(/^software not updatable in the field: .*deficiency of the device/);
  });

  it('never counts a NOT_APPLICABLE row as a gap, and gives every row a reason', () => {
    const rows = rowsOf(implantModel({ category: 'IMPLANTABLE_CARDIAC' }));
    expect(rows.some((r) => r.status === 'NOT_APPLICABLE')).toBe(true);
    for (const r of rows) {
      expect(r.reason.length).toBeGreaterThan(0);
      if (r.status === 'NOT_APPLICABLE') expect(r.gap).toBe(false);
      expect(r.gap).toBe(r.level !== 'RECOMMENDED' && (r.status === 'MISSING' || r.status === 'PLANNED'));
    }
  });
});

/** A copy of `m` with `placements` added. */
function modelWith(
  m: ModelDocument,
  placements: Omit<ModelDocument['controlPlacements'][number], 'id'>[] | ModelDocument['controlPlacements'],
): ModelDocument {
  return {
    ...m,
    controlPlacements: [...m.controlPlacements, ...placements.map((p, i) => ({ id: `extra-${i}`, ...p }))],
  };
}
