import { deviceConditions, findBaselineGaps } from '../../../server/src/engine';
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
