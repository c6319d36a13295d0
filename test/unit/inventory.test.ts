/**
 * Inventory upserts and lookups without a database (server/src/domain/inventory.ts): parsing,
 * resolution by externalId, merge, per-item errors, and the incremental validation, which must
 * report exactly what validating the whole document reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError } from '../../server/src/domain/errors';
import {
  applyDeviceUpsert,
  findDevicesByIdentifier,
  normaliseDeviceInput,
  parseDeviceUpsertItems,
  type DeviceUpsertOutcome,
} from '../../server/src/domain/inventory';
import { validateModelDocument } from '../../server/src/domain/model-document';
import type { ModelDocument } from '../../server/src/domain/types';

const catalogue = loadBundledCatalogue();
const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;

function upsert(items: unknown[], doc: ModelDocument = demo, mode: 'incremental' | 'full' = 'incremental') {
  const parsed = parseDeviceUpsertItems(items);
  const outcome = applyDeviceUpsert(doc, parsed.items, catalogue, mode);
  return { ...outcome, errors: [...parsed.errors, ...outcome.errors] };
}
const fields = (o: { errors: { index: number; code: string; field: string }[] }) =>
  o.errors.map((e) => `${e.index} ${e.code} ${e.field}`);

const newPump = (n: number, extra: Record<string, unknown> = {}) => ({
  externalId: `CMDB-T${n}`,
  name: `Pump ${n}`,
  category: 'INFUSION_PUMP',
  riskClass: 'C',
  zoneIds: ['z-icu-vlan'],
  ...extra,
});

describe('parseDeviceUpsertItems', () => {
  it('normalises addresses, drops repeats, trims externalId and assetTag, turns [] into null', () => {
    const { items, errors } = parseDeviceUpsertItems([
      {
        externalId: ' A-1 ',
        assetTag: ' T ',
        macAddresses: ['00-1B-63-4E-82-19', '001b.634e.8219'],
        ipAddresses: [],
      },
    ]);
    expect(errors).toEqual([]);
    expect(items[0]!.fields).toMatchObject({
      externalId: 'A-1',
      assetTag: 'T',
      macAddresses: ['00:1b:63:4e:82:19'],
      ipAddresses: null,
    });
  });

  it('reports bad values at their path and later duplicates of an externalId', () => {
    const { items, errors } = parseDeviceUpsertItems([
      { externalId: 'A', ipAddresses: ['10.0.0.1', '10.0.0'] },
      { externalId: 'A', name: 'again' },
      { externalId: '  ' },
      { name: 'no key' },
      { externalId: 'B', category: 'PUMP', colour: 'red' },
    ]);
    expect(items).toEqual([]);
    expect(errors.map((e) => `${e.index} ${e.code} ${e.field}`)).toEqual([
      '0 BAD_USER_INPUT devices[0].ipAddresses[1]',
      '1 DUPLICATE_EXTERNAL_ID devices[1].externalId',
      '2 BAD_USER_INPUT devices[2].externalId',
      '3 BAD_USER_INPUT devices[3].externalId',
      '4 BAD_USER_INPUT devices[4].category',
      '4 BAD_USER_INPUT devices[4]',
    ]);
    expect(errors[1]!.message).toMatch(/already used by devices\[0\]/);
  });
});

describe('applyDeviceUpsert', () => {
  it('creates, updates (fields given replace, id kept) and counts identical items as unchanged', () => {
    const pump = demo.devices.find((d) => d.externalId === 'CMDB-020114')!;
    const o = upsert([
      newPump(1),
      { externalId: 'CMDB-020114', software: 'v2', macAddresses: null },
      { externalId: 'CMDB-004711' }, // nothing given: unchanged
      { externalId: 'CMDB-020201', ipAddresses: ['fd00:30:8::31', '10.30.8.31'] }, // same set, other order
    ]);
    expect(o.errors).toEqual([]);
    expect(o.created.map((d) => d.externalId)).toEqual(['CMDB-T1']);
    expect(o.created[0]).toMatchObject({ generalPurposeOs: false, patchable: true, remoteService: false });
    expect(o.updated).toEqual([{ ...pump, software: 'v2', macAddresses: undefined }].map(stripUndefined));
    expect(o.unchanged.map((i) => i.externalId)).toEqual(['CMDB-004711', 'CMDB-020201']);
    expect(o.document.devices.map((d) => d.id)).toEqual([...o.document.devices.map((d) => d.id)].sort());
    expect(() => validateModelDocument(o.document, catalogue)).not.toThrow();
    // the input is not modified
    expect(demo.devices.find((d) => d.id === pump.id)).toBe(pump);
  });

  it('reports resolution problems: missing fields, a changed id, a taken id, clearing a required field', () => {
    const o = upsert([
      { externalId: 'CMDB-T9' },
      { externalId: 'CMDB-020114', id: 'dev-icu-pump-02' },
      newPump(2, { id: 'z-icu-vlan' }),
      { externalId: 'CMDB-020114x', id: 'dev-infusion-server' }, // has CMDB-004711
      { externalId: 'CMDB-004711', riskClass: null },
    ]);
    expect(fields(o)).toEqual([
      '0 MISSING_FIELD devices[0].category',
      '0 MISSING_FIELD devices[0].name',
      '0 MISSING_FIELD devices[0].riskClass',
      '0 MISSING_FIELD devices[0].zoneIds',
      '1 CONFLICT devices[1].id',
      '2 CONFLICT devices[2].id',
      '3 CONFLICT devices[3].id',
      '4 BAD_USER_INPUT devices[4].riskClass',
    ]);
    expect(o.written).toEqual([]);
  });

  it('adopts a device without externalId named by id, once', () => {
    const o = upsert([
      { externalId: 'E-1', id: 'dev-ehr' },
      { externalId: 'E-2', id: 'dev-ehr', name: 'x' },
    ]);
    expect(o.updated.map((d) => [d.id, d.externalId])).toEqual([['dev-ehr', 'E-1']]);
    expect(fields(o)).toEqual(['1 CONFLICT devices[1].id']);
  });

  it('accepts a device change that leaves a stored placement unfit (controls v2: no write fails because of it; the control review lists it)', () => {
    // C11 (anti-malware) on dev-infusion-server needs GENERAL_PURPOSE_OS
    const o = upsert([{ externalId: 'CMDB-004711', generalPurposeOs: false }, newPump(3)]);
    expect(fields(o)).toEqual([]);
    expect(o.updated.map((d) => d.id)).toEqual(['dev-infusion-server']);
    expect(o.created).toHaveLength(1);
  });

  it("a schema problem of one item does not hide another item's domain problem", () => {
    const o = upsert([newPump(4, { name: 'x'.repeat(201) }), newPump(5, { zoneIds: ['z-nowhere'] }), newPump(6)]);
    expect(fields(o)).toEqual(['0 BAD_USER_INPUT devices[0].name', '1 BAD_USER_INPUT devices[1].zoneIds[0]']);
    expect(o.created.map((d) => d.externalId)).toEqual(['CMDB-T6']);
  });

  it('generates distinct ids for many devices of the same name', () => {
    const o = upsert(Array.from({ length: 3000 }, (_, i) => newPump(i, { name: 'Pump' })));
    expect(o.errors).toEqual([]);
    expect(new Set(o.created.map((d) => d.id)).size).toBe(3000);
    expect(o.created[0]!.id).toMatch(/^dev-pump-[0-9a-f]{6}$/);
  });
});

describe('applyDeviceUpsert: exchange format 2.0 fields (hosted software, outbound connections)', () => {
  it('creates and updates with hostDeviceId, outboundZoneIds and outboundAccepts, as createDevice stores them', () => {
    const o = upsert([
      newPump(20, {
        hostDeviceId: 'dev-patient-phone',
        outboundZoneIds: ['z-internet', 'z-cloud'],
        outboundAccepts: 'CODE',
      }),
      { externalId: 'CMDB-020114', outboundZoneIds: ['z-cloud'] },
    ]);
    expect(o.errors).toEqual([]);
    expect(o.created[0]).toMatchObject({
      hostDeviceId: 'dev-patient-phone',
      outboundZoneIds: ['z-cloud', 'z-internet'],
      outboundAccepts: 'CODE',
    });
    expect(o.updated[0]).toMatchObject({ externalId: 'CMDB-020114', outboundZoneIds: ['z-cloud'] });
    expect(o.updated[0]!.outboundAccepts).toBeUndefined();
    expect(() => validateModelDocument(o.document, catalogue)).not.toThrow();
  });

  it('an unknown zone, host or enum value is a per-item error naming the field; the other items are written', () => {
    const o = upsert([
      newPump(21, { outboundZoneIds: ['z-internet', 'z-nowhere'] }),
      newPump(22, { hostDeviceId: 'dev-nowhere' }),
      newPump(23, { hostDeviceId: 'z-icu-vlan' }),
      newPump(24, { outboundAccepts: 'EVERYTHING' }),
      newPump(25, { outboundZoneIds: ['z-internet'], outboundAccepts: 'COMMANDS' }),
    ]);
    expect(fields(o).sort()).toEqual([
      '0 BAD_USER_INPUT devices[0].outboundZoneIds[1]',
      '1 BAD_USER_INPUT devices[1].hostDeviceId',
      '2 BAD_USER_INPUT devices[2].hostDeviceId',
      '3 BAD_USER_INPUT devices[3].outboundAccepts',
    ]);
    expect(o.errors.find((e) => e.index === 0)!.message).toMatch(/z-nowhere/);
    expect(o.created.map((d) => d.externalId)).toEqual(['CMDB-T25']);
  });

  it('a host chain that loops or a device hosting itself is refused on the item, not as a model conflict', () => {
    // dev-insulin-app is hosted on dev-patient-phone: the phone cannot be hosted on the app
    const o = upsert([
      { externalId: 'PHONE-1', id: 'dev-patient-phone', hostDeviceId: 'dev-insulin-app' },
      newPump(26, { id: 'dev-self', hostDeviceId: 'dev-self' }),
      newPump(27, { hostDeviceId: 'dev-insulin-app' }), // app → phone: a chain that ends
      { externalId: 'APP-1', id: 'dev-insulin-app', outboundZoneIds: ['z-cloud'] }, // on the loop, its host unchanged
    ]);
    expect(fields(o)).toEqual(['0 BAD_USER_INPUT devices[0].hostDeviceId', '1 BAD_USER_INPUT devices[1].hostDeviceId']);
    expect(o.errors[0]!.message).toMatch(/loop/);
    expect(o.errors[1]!.message).toMatch(/cannot host itself/);
    // the new pump's chain (app → phone) only ran into the loop item 0 would have closed, and the
    // app, on that loop, kept its host: neither is at fault
    expect(o.created.map((d) => d.externalId)).toEqual(['CMDB-T27']);
    expect(o.updated.map((d) => [d.id, d.hostDeviceId])).toEqual([['dev-insulin-app', 'dev-patient-phone']]);
    expect(
      fields(
        upsert(
          o.written.map((i) => i.fields),
          demo,
          'full',
        ),
      ),
    ).toEqual([]);
  });

  it('null and [] clear the fields; the same values again (in another order) are unchanged', () => {
    const first = upsert([
      newPump(28, {
        hostDeviceId: 'dev-patient-phone',
        outboundZoneIds: ['z-internet', 'z-cloud'],
        outboundAccepts: 'DATA',
      }),
    ]);
    const again = upsert(
      [
        newPump(28, {
          hostDeviceId: 'dev-patient-phone',
          outboundZoneIds: ['z-cloud', 'z-internet'],
          outboundAccepts: 'DATA',
        }),
        { externalId: 'CMDB-020114', outboundZoneIds: [] }, // had none
      ],
      first.document,
    );
    expect(again.errors).toEqual([]);
    expect(again.unchanged.map((i) => i.externalId)).toEqual(['CMDB-T28', 'CMDB-020114']);
    const cleared = upsert(
      [{ externalId: 'CMDB-T28', hostDeviceId: null, outboundZoneIds: [], outboundAccepts: null }],
      first.document,
    );
    expect(cleared.errors).toEqual([]);
    const device = cleared.updated[0]!;
    expect(['hostDeviceId', 'outboundZoneIds', 'outboundAccepts'].filter((k) => k in device)).toEqual([]);
  });
});

describe('incremental validation', () => {
  const externalIds = [...demo.devices.filter((d) => d.externalId).map((d) => d.externalId!), 'CMDB-N1', 'CMDB-N2'];
  const ids = [
    'dev-ehr',
    'dev-infusion-server',
    'dev-ws-pharmacy',
    'z-icu-vlan',
    'dev-new-1',
    'ch-insulin-app-pump',
    'dev-patient-phone',
    'dev-insulin-app',
  ];
  const zones = ['z-icu-vlan', 'z-ward-vlan', 'z-datacentre', 'z-nowhere', 'dev-ehr'];
  const hosts = ['dev-patient-phone', 'dev-insulin-app', 'dev-ehr', 'dev-new-1', 'z-icu-vlan', 'dev-nowhere'];
  const item = fc.record(
    {
      externalId: fc.constantFrom(...externalIds),
      id: fc.constantFrom(...ids),
      name: fc.constantFrom('Pump', '', 'x'.repeat(201)),
      category: fc.constantFrom('INFUSION_PUMP', 'WORKSTATION'),
      riskClass: fc.constantFrom('A', 'C'),
      generalPurposeOs: fc.boolean(),
      remoteService: fc.boolean(),
      zoneIds: fc.array(fc.constantFrom(...zones), { maxLength: 2 }),
      ipAddresses: fc.array(fc.constantFrom('10.0.0.1', '2001:DB8::1', '10.0.0.01'), { maxLength: 2 }),
      macAddresses: fc.array(fc.constantFrom('00:11:22:33:44:55', 'AA-BB-CC-DD-EE-FF'), { maxLength: 2 }),
      manufacturer: fc.constantFrom(null, 'Acme'),
      hostDeviceId: fc.constantFrom(null, ...hosts),
      outboundZoneIds: fc.array(fc.constantFrom('z-internet', ...zones), { maxLength: 2 }),
      outboundAccepts: fc.constantFrom(null, 'DATA', 'CODE'),
    },
    { requiredKeys: ['externalId'] },
  );
  const summary = (o: DeviceUpsertOutcome & { errors: { index: number; code: string; field: string }[] }) => ({
    errors: fields(o),
    created: o.created.map((d) => d.externalId),
    updated: o.updated,
    unchanged: o.unchanged.map((i) => i.index),
  });

  it('reports exactly what validating the whole document reports (property)', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), (items) => {
        const inc = summary(upsert(items, demo, 'incremental'));
        const full = summary(upsert(items, demo, 'full'));
        expect(inc).toEqual(full);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normaliseDeviceInput', () => {
  it('normalises what parses, keeps what does not (for validation to report), [] → null', () => {
    expect(
      normaliseDeviceInput({
        macAddresses: ['AA-BB-CC-DD-EE-01', 'nope', 'aabb.ccdd.ee01'],
        ipAddresses: [],
        externalId: ' x ',
        name: 'n',
      }),
    ).toEqual({ macAddresses: ['aa:bb:cc:dd:ee:01', 'nope'], ipAddresses: null, externalId: 'x', name: 'n' });
  });
});

describe('findDevicesByIdentifier', () => {
  it.each([
    [{ externalId: 'CMDB-020114' }, ['dev-icu-pump-01']],
    [{ ipAddress: 'fd00:30:8:0::31' }, ['dev-icu-monitor-01']],
    [{ macAddress: '00:09:FB:12:34:56' }, ['dev-icu-monitor-01']],
    [{ assetTag: 'IT-WS-10871' }, ['dev-ws-icu']],
    [{ ipAddress: '10.99.99.99', externalId: null }, []],
  ])('%j → %j', (query, expected) => {
    expect(findDevicesByIdentifier(demo, query).map((d) => d.id)).toEqual(expected);
  });

  it('matches an IPv4 address in either spelling (10.0.0.1 and ::ffff:10.0.0.1)', () => {
    const doc = structuredClone(demo);
    doc.devices[0]!.ipAddresses = ['::ffff:10.0.0.1'];
    doc.devices[1]!.ipAddresses = ['10.0.0.1'];
    const ids = [doc.devices[0]!.id, doc.devices[1]!.id];
    expect(
      findDevicesByIdentifier(doc, { ipAddress: '10.0.0.1' })
        .map((d) => d.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(
      findDevicesByIdentifier(doc, { ipAddress: '::ffff:10.0.0.1' })
        .map((d) => d.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('refuses control characters in an externalId (and in any name)', () => {
    const out = upsert([newPump(990, { externalId: 'CMDB\u0000990' })]);
    expect(out.errors.map((e) => e.index)).toEqual([0]);
    const doc = structuredClone(demo);
    doc.devices[0]!.name = 'Pump\n3';
    expect(() => validateModelDocument(doc, catalogue)).toThrow(ValidationError);
  });

  it.each([{}, { externalId: 'a', macAddress: 'b' }, { macAddress: 'zz' }])('refuses %j', (query) => {
    expect(() => findDevicesByIdentifier(demo, query)).toThrow(ValidationError);
  });
});

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
