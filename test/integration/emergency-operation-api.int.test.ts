/**
 * Format 2.3 `Device.emergencyOperation` through the API against the real Neo4j: stated and
 * effective values, create / patch / upsert (null back to the category's default), a login
 * control refused on the bedside controls of such a device and accepted elsewhere, a placement
 * that stops fitting after an edit kept and listed by the control review, and the recommendation
 * reporting the ventilator's therapy as not cuttable instead of asking for a login there.
 */
import type { DeviceCategory } from '../../server/src/domain/types';
import { plainDevice } from '../support/build-graph';
import { TestHelper } from '../support/neo4j';

let h: TestHelper;
beforeAll(async () => {
  h = await new TestHelper().init();
});
afterAll(async () => {
  await h.close();
});

type Err = { message: string; extensions?: { code?: string; issues?: { path: string; message: string }[] } };

const device = (id: string, category: DeviceCategory, extra: object = {}) =>
  plainDevice(id, ['z-icu'], { category, ...extra });
const touchscreen = (id: string, deviceId: string) => ({
  id,
  deviceId,
  name: id,
  kind: 'LOCAL_UI',
  exposedToZoneIds: ['z-bedside'],
  authentication: 'NONE',
});

/** An ICU bed: a ventilator and a monitor, each with a touchscreen within a visitor's reach. */
function icu(modelId: string) {
  return {
    formatVersion: '2.3',
    model: { id: modelId, name: 'ICU bed' },
    zones: [
      { id: 'z-icu', name: 'ICU VLAN', kind: 'CLINICAL', entryPoint: false },
      { id: 'z-bedside', name: 'ICU bedside', kind: 'PHYSICAL_ACCESS', entryPoint: true },
    ],
    devices: [device('dev-vent', 'VENTILATOR'), device('dev-mon', 'PATIENT_MONITOR', { externalId: 'CMDB-MON' })],
    interfaces: [touchscreen('if-vent-ui', 'dev-vent'), touchscreen('if-mon-ui', 'dev-mon')],
    channels: [],
    assets: [
      { id: 'as-vent', deviceId: 'dev-vent', name: 'Ventilation', kind: 'THERAPY_DELIVERY', severity: 'CATASTROPHIC' },
      { id: 'as-mon', deviceId: 'dev-mon', name: 'Alarms', kind: 'ALARM', severity: 'CRITICAL' },
    ],
    vulnerabilities: [],
    controlPlacements: [],
  };
}

async function imported(prefix: string): Promise<string> {
  const id = h.uniqueModelId(prefix);
  await h.gqlOk(`mutation($d: JSON!) { importModel(document: $d) { id } }`, { d: icu(id) });
  return id;
}

interface DeviceRow {
  id: string;
  emergencyOperation: boolean | null;
  effectiveEmergencyOperation: boolean;
}
const devices = async (m: string): Promise<DeviceRow[]> =>
  (
    await h.gqlOk<{ model: { devices: { nodes: DeviceRow[] } } }>(
      `query($m: ID!) { model(id: $m) { devices(first: 50) { nodes { id emergencyOperation effectiveEmergencyOperation } } } }`,
      { m },
    )
  ).model.devices.nodes;

const placeLogin = (m: string, elementId: string) =>
  h.gql(
    `mutation($m: ID!, $e: ID!) {
      createControlPlacement(modelId: $m, input: { controlId: "C14", elementId: $e, status: PLANNED }) { id }
    }`,
    { m, e: elementId },
  );

describe('Device.emergencyOperation (format 2.3)', () => {
  it('serves the stated value and the effective one (ventilators by default)', async () => {
    const m = await imported('emerg-read');
    expect(await devices(m)).toEqual([
      { id: 'dev-mon', emergencyOperation: null, effectiveEmergencyOperation: false },
      { id: 'dev-vent', emergencyOperation: null, effectiveEmergencyOperation: true },
    ]);
  });

  it('refuses a login on the ventilator touchscreen, naming the condition, and accepts it on the monitor', async () => {
    const m = await imported('emerg-place');
    const before = await h.fingerprint();
    const refused = await placeLogin(m, 'if-vent-ui');
    const err = refused.errors![0] as Err;
    expect(err.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(err)).toMatch(/NOT_EMERGENCY_CONTROLS/);
    expect(await h.fingerprint()).toBe(before);
    expect((await placeLogin(m, 'if-mon-ui')).errors).toBeUndefined();
  });

  it('creates, patches and upserts the field; null goes back to the default; the export keeps what is stated', async () => {
    const m = await imported('emerg-crud');
    await h.gqlOk(
      `mutation($m: ID!) {
        createDevice(modelId: $m, input: { id: "dev-defib", name: "Defibrillator", category: OTHER, riskClass: C,
                                           zoneIds: ["z-icu"], emergencyOperation: true }) { id effectiveEmergencyOperation }
        updateDevice(modelId: $m, id: "dev-vent", patch: { emergencyOperation: false }) { id }
      }`,
      { m },
    );
    const upsert = await h.gqlOk<{ upsertDevices: { updated: number } }>(
      `mutation($m: ID!) { upsertDevices(modelId: $m, devices: [{ externalId: "CMDB-MON", emergencyOperation: true }]) { updated } }`,
      { m },
    );
    expect(upsert.upsertDevices.updated).toBe(1);
    expect(await devices(m)).toEqual([
      { id: 'dev-defib', emergencyOperation: true, effectiveEmergencyOperation: true },
      { id: 'dev-mon', emergencyOperation: true, effectiveEmergencyOperation: true },
      { id: 'dev-vent', emergencyOperation: false, effectiveEmergencyOperation: false },
    ]);
    const exported = (
      await h.gqlOk<{ exportModel: { devices: { id: string; emergencyOperation?: boolean }[] } }>(
        `query($m: ID!) { exportModel(id: $m) }`,
        { m },
      )
    ).exportModel;
    expect(exported.devices.map((d) => [d.id, d.emergencyOperation])).toEqual([
      ['dev-defib', true],
      ['dev-mon', true],
      ['dev-vent', false],
    ]);
    await h.gqlOk(
      `mutation($m: ID!) {
        updateDevice(modelId: $m, id: "dev-vent", patch: { emergencyOperation: null }) { id }
        u: upsertDevices(modelId: $m, devices: [{ externalId: "CMDB-MON", emergencyOperation: null }]) { updated }
      }`,
      { m },
    );
    const back = await devices(m);
    expect(back.find((d) => d.id === 'dev-vent')).toEqual({
      id: 'dev-vent',
      emergencyOperation: null,
      effectiveEmergencyOperation: true,
    });
    expect(back.find((d) => d.id === 'dev-mon')).toEqual({
      id: 'dev-mon',
      emergencyOperation: null,
      effectiveEmergencyOperation: false,
    });
  });

  it('a login placed while allowed stays after the device is marked, and the control review lists it', async () => {
    const m = await imported('emerg-review');
    await h.gqlOk(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-vent", patch: { emergencyOperation: false }) { id } }`,
      {
        m,
      },
    );
    expect((await placeLogin(m, 'if-vent-ui')).errors).toBeUndefined();
    // marking the device afterwards is not refused because of the stored placement
    await h.gqlOk(
      `mutation($m: ID!) { updateDevice(modelId: $m, id: "dev-vent", patch: { emergencyOperation: true }) { id } }`,
      {
        m,
      },
    );
    const review = (
      await h.gqlOk<{ model: { controlReview: { items: { elementId: string; problem: string; reason: string }[] } } }>(
        `query($m: ID!) { model(id: $m) { controlReview { items { elementId problem reason } } } }`,
        { m },
      )
    ).model.controlReview.items;
    expect(review.map((i) => [i.elementId, i.problem])).toEqual([['if-vent-ui', 'NOT_APPLICABLE']]);
    expect(review[0]!.reason).toMatch(/NOT_EMERGENCY_CONTROLS/);
  });

  it('the recommendation protects the monitor with a login and reports the ventilator as not cuttable', async () => {
    const m = await imported('emerg-rec');
    const rec = (
      await h.gqlOk<{
        model: {
          recommendControls: {
            placements: { controlId: string; elementId: string }[];
            uncuttableTargets: { targetId: string; reason: string }[];
            riskAfter: number;
          };
        };
      }>(
        `query($m: ID!) { model(id: $m) { recommendControls(minSeverity: CRITICAL) {
          placements { controlId elementId } uncuttableTargets { targetId reason } riskAfter } } }`,
        { m },
      )
    ).model.recommendControls;
    expect(rec.placements).toEqual([{ controlId: 'C14', elementId: 'if-mon-ui' }]);
    expect(rec.uncuttableTargets.map((u) => u.targetId)).toEqual(['as-vent#DENY', 'as-vent#MANIPULATE']);
    for (const u of rec.uncuttableTargets)
      expect(u.reason).toContain(
        'no control prevents AM11 Physical access to ports or media on dev-vent / if-vent-ui (if-vent-ui)',
      );
    expect(rec.riskAfter).toBeGreaterThan(0);
  });
});
