/**
 * The model load's value lists (ModelRepository.load): which node properties each element kind
 * reads (from the exchange schema), and how a row of values becomes an element again.
 */
import { elementFields } from '../../../server/src/domain/model-document';
import { deviceParams, elementsFromValues, storedProperties } from '../../../server/src/graph/mappers';

describe('storedProperties', () => {
  it('lists the schema fields a node stores: relationship fields left out, nested fields as <field>Json', () => {
    const device = storedProperties('device');
    expect(device).not.toContain('zoneIds');
    expect(device).toContain('componentsJson');
    expect(device).toContain('evidenceJson');
    expect(device).not.toContain('components');
    expect(device).toContain('hostDeviceId'); // a property, not a relationship
    // every schema field is read, one way or the other
    expect(device.length + 1).toBe(elementFields('Device').length);
    for (const f of ['fromDeviceId', 'toDeviceId', 'fromInterfaceId', 'toInterfaceId', 'zoneIds'])
      expect(storedProperties('channel')).not.toContain(f);
    expect(storedProperties('channel')).toContain('technology');
    expect(storedProperties('placement')).toContain('sourceJson');
  });

  it('covers every property a write stores (deviceParams)', () => {
    const written = deviceParams({
      id: 'd1',
      name: 'Pump',
      category: 'INFUSION_PUMP',
      riskClass: 'C',
      zoneIds: ['z1'],
      components: [{ name: 'openssl', version: '1.0.2' }],
      hostDeviceId: 'h1',
    } as Parameters<typeof deviceParams>[0]).props;
    for (const key of Object.keys(written)) expect(storedProperties('device')).toContain(key);
  });
});

describe('elementsFromValues', () => {
  const keys = ['id', 'name', 'authentication', 'port'];
  const columns = ['values', 'otherProperties', 'deviceId', 'exposedToZoneIds'];

  it('rebuilds each element: nulls stay absent, relationship columns by name, other properties kept', () => {
    const out = elementsFromValues<Record<string, unknown>>('interface', keys, {
      columns,
      rows: [
        [['i1', 'Web UI', 'PASSWORD', null], [], 'd1', ['z1']],
        [['i2', 'Serial', null, null], [['colour', 'red']], 'd2', []],
      ],
    });
    expect(out).toEqual([
      { id: 'i1', name: 'Web UI', authentication: 'PASSWORD', deviceId: 'd1', exposedToZoneIds: ['z1'] },
      { id: 'i2', name: 'Serial', colour: 'red', deviceId: 'd2', exposedToZoneIds: [] },
    ]);
  });

  it('parses nested fields back from their JSON text (text that does not parse stays, for the stored-data check)', () => {
    const dkeys = ['id', 'componentsJson', 'evidenceJson'];
    const [good, bad] = elementsFromValues<Record<string, unknown>>('device', dkeys, {
      columns: ['values', 'otherProperties', 'zoneIds'],
      rows: [
        [['d1', '[{"name":"openssl"}]', null], [], ['z1']],
        [['d2', '{not json', null], [], ['z1']],
      ],
    });
    expect(good).toEqual({ id: 'd1', zoneIds: ['z1'], components: [{ name: 'openssl' }] });
    expect(bad!['components']).toBe('{not json');
  });

  it('returns nothing for no rows, and names a column the query does not return', () => {
    expect(elementsFromValues('asset', ['id'], { columns: [], rows: [] })).toEqual([]);
    expect(() =>
      elementsFromValues('asset', ['id'], { columns: ['values', 'otherProperties'], rows: [[['a1'], []]] }),
    ).toThrow("the asset load query returns no column 'deviceId'");
  });
});
