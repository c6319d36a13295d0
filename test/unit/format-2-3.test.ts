/**
 * Exchange format 2.3 (emergency operation): a device whose bedside controls must work at once,
 * without a login (a ventilator by default), takes no login control on its LOCAL_UI (element
 * condition NOT_EMERGENCY_CONTROLS, catalogue 2026.12.2 on C14 credentials and C01 idle lock, 2026.12.3 also on C03 roles). The
 * 2.2 → 2.3 migration is a version bump; the field survives export → import → export; an older
 * file that placed a login there still imports (the placement kept, ignored by the engine and
 * listed by the control review), a 2.3 file is refused naming the placement.
 */
import { placementMisfit, elementFacts } from '../../server/src/domain/applicability';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError } from '../../server/src/domain/errors';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import { migrateModelDocument } from '../../server/src/domain/model-migration';
import { deviceEmergencyOperation, type Control, type ModelDocument } from '../../server/src/domain/types';
import { buildAttackGraph, reviewControlPlacements } from '../../server/src/engine';
import { modelBuilder } from '../support/build-graph';

const catalogue = loadBundledCatalogue();
const control = (id: string): Control => catalogue.controls.find((c) => c.id === id)!;

/** An ICU bed: a ventilator (touchscreen, vendor remote service) and a monitor (touchscreen). */
function icu(): ModelDocument {
  return modelBuilder()
    .zone('icu', 'CLINICAL')
    .zone('phys', 'PHYSICAL_ACCESS', true)
    .device('vent', ['icu'], { category: 'VENTILATOR', riskClass: 'C' })
    .device('mon', ['icu'], { category: 'PATIENT_MONITOR', riskClass: 'B' })
    .iface('vent-ui', 'vent', 'LOCAL_UI', ['phys'])
    .iface('vent-rs', 'vent', 'REMOTE_SERVICE', ['icu'], 'PASSWORD')
    .iface('mon-ui', 'mon', 'LOCAL_UI', ['phys'])
    .asset('ventilation', 'vent', 'THERAPY_DELIVERY', 'CATASTROPHIC')
    .asset('alarms', 'mon', 'ALARM', 'CRITICAL')
    .build();
}

const withDevice = (doc: ModelDocument, id: string, fields: object): ModelDocument => ({
  ...doc,
  devices: doc.devices.map((d) => (d.id === id ? { ...d, ...fields } : d)),
});

describe('format 2.3: emergency operation', () => {
  it('2.2 → 2.3 only bumps the version: same elements, no changes reported, input untouched', () => {
    const v22 = { ...icu(), formatVersion: '2.2' };
    const before = JSON.stringify(v22);
    const { document, fromVersion, changes } = migrateModelDocument(v22);
    expect(fromVersion).toBe('2.2');
    expect(changes).toEqual([]);
    expect(document).toEqual({ ...v22, formatVersion: '2.3' });
    expect(JSON.stringify(v22)).toBe(before);
    expect(validateModelDocument(v22, catalogue).formatVersion).toBe('2.3');
  });

  it('export → import → export keeps emergencyOperation (true, false and absent)', () => {
    const doc = withDevice(withDevice(icu(), 'mon', { emergencyOperation: true }), 'vent', {
      emergencyOperation: false,
    });
    const first = canonicalModelDocument(validateModelDocument(doc, catalogue));
    const second = canonicalModelDocument(validateModelDocument(JSON.parse(JSON.stringify(first)), catalogue));
    expect(second).toEqual(first);
    expect(second.devices.map((d) => [d.id, d.emergencyOperation])).toEqual([
      ['mon', true],
      ['vent', false],
    ]);
    const plain = canonicalModelDocument(validateModelDocument(icu(), catalogue));
    expect(plain.devices.every((d) => !('emergencyOperation' in d))).toBe(true);
  });

  it('defaults by category: ventilators must be operable without a login, other devices need not', () => {
    expect(deviceEmergencyOperation({ category: 'VENTILATOR' })).toBe(true);
    expect(deviceEmergencyOperation({ category: 'PATIENT_MONITOR' })).toBe(false);
    expect(deviceEmergencyOperation({ category: 'VENTILATOR', emergencyOperation: false })).toBe(false);
    expect(deviceEmergencyOperation({ category: 'OTHER', emergencyOperation: true })).toBe(true);
  });

  it('a login control fits no bedside screen of such a device, and still fits its other interfaces and other devices', () => {
    const facts = elementFacts(icu());
    const misfit = (controlId: string, elementId: string) => placementMisfit(control(controlId), facts.get(elementId)!);
    expect(misfit('C14', 'vent-ui')).toMatch(/NOT_EMERGENCY_CONTROLS/);
    expect(misfit('C01', 'vent-ui')).toMatch(/NOT_EMERGENCY_CONTROLS/);
    expect(misfit('C14', 'vent-rs')).toBeNull(); // the vendor's remote service may ask for credentials
    expect(misfit('C14', 'mon-ui')).toBeNull(); // a monitor's settings lock is a product feature
    expect(misfit('C03', 'vent-ui')).toMatch(/NOT_EMERGENCY_CONTROLS/); // the therapy controls stay open to anyone
    expect(misfit('C03', 'vent')).toBeNull(); // roles for the device's service and configuration accounts

    const stated = elementFacts(
      withDevice(withDevice(icu(), 'mon', { emergencyOperation: true }), 'vent', {
        emergencyOperation: false,
      }),
    );
    expect(placementMisfit(control('C14'), stated.get('mon-ui')!)).toMatch(/NOT_EMERGENCY_CONTROLS/);
    expect(placementMisfit(control('C14'), stated.get('vent-ui')!)).toBeNull();
  });

  it('the engine offers C14 against hands on the monitor screen, never on the ventilator screen', () => {
    const graph = buildAttackGraph(icu(), catalogue);
    const candidates = (elementId: string) =>
      graph.steps
        .filter((s) => s.controlElementId === elementId && s.attackMethodId === 'AM11')
        .map((s) => s.blockingControls.map((b) => b.controlId));
    expect(candidates('vent-ui')).toEqual([[]]);
    expect(candidates('mon-ui')).toEqual([['C14']]);
    expect(graph.targetIds).toContain('ventilation#MANIPULATE');
  });

  it('a 2.3 document placing a login on the ventilator screen is refused, naming the placement and the condition', () => {
    const doc = icu();
    doc.controlPlacements = [{ id: 'p-login', controlId: 'C14', elementId: 'vent-ui', status: 'IMPLEMENTED' }];
    let error: unknown;
    try {
      validateModelDocument(doc, catalogue);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('controlPlacements[0].elementId');
    expect(issues[0]!.message).toMatch(/'vent-ui' cannot carry it: C14 .*must be operable at once in an emergency/);
  });

  it('a 2.2 file with that placement still imports; the engine ignores it and the control review lists it', () => {
    const v22 = {
      ...icu(),
      formatVersion: '2.2',
      controlPlacements: [{ id: 'p-login', controlId: 'C14', elementId: 'vent-ui', status: 'IMPLEMENTED' }],
    };
    const doc = validateModelDocument(v22, catalogue);
    expect(doc.controlPlacements.map((p) => p.id)).toEqual(['p-login']);
    const graph = buildAttackGraph(doc, catalogue);
    const touch = graph.steps.filter((s) => s.controlElementId === 'vent-ui' && s.attackMethodId === 'AM11');
    expect(touch.map((s) => s.blocked)).toEqual([false]);
    const review = reviewControlPlacements(doc, catalogue);
    expect(review.items.map((i) => [i.placementId, i.problem])).toEqual([['p-login', 'NOT_APPLICABLE']]);
    expect(review.items[0]!.reason).toMatch(/NOT_EMERGENCY_CONTROLS/);
  });

  it('a 2.2 file that states emergencyOperation (a 2.3 field) is judged by 2.3: its login placement is refused', () => {
    const v22 = {
      ...withDevice(icu(), 'mon', { emergencyOperation: true }),
      formatVersion: '2.2',
      controlPlacements: [{ id: 'p-login', controlId: 'C14', elementId: 'mon-ui', status: 'IMPLEMENTED' }],
    };
    expect(() => validateModelDocument(v22, catalogue)).toThrow(
      /'mon-ui' cannot carry it: C14 .*NOT_EMERGENCY_CONTROLS/,
    );
    // stated false on the ventilator: the login fits under either version's rules
    const allowed = {
      ...withDevice(icu(), 'vent', { emergencyOperation: false }),
      formatVersion: '2.2',
      controlPlacements: [{ id: 'p-login', controlId: 'C14', elementId: 'vent-ui', status: 'IMPLEMENTED' }],
    };
    expect(validateModelDocument(allowed, catalogue).controlPlacements).toHaveLength(1);
  });

  it('the allowance for older files is narrow: a placement that did not fit in 2.2 either is still refused', () => {
    const v22 = {
      ...icu(),
      formatVersion: '2.2',
      // C15 (port locks) fits USB, serial and Ethernet ports, never a touchscreen
      controlPlacements: [{ id: 'p-lock', controlId: 'C15', elementId: 'vent-ui', status: 'IMPLEMENTED' }],
    };
    expect(() => validateModelDocument(v22, catalogue)).toThrow(/'vent-ui' cannot carry it: C15/);
  });
});
