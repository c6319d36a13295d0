import {
  edgeLookup,
  exposureEdgeId,
  membershipEdgeId,
  toElements,
  type MapElement,
} from '../../../web/src/graph/to-elements';
import { DEVICE_CATEGORY, RISK_CLASS } from '../../../web/src/graph/vocabulary';
import { emptyModel, type ModelData } from '../../../web/src/graph/model-index';
import { demoModel } from './demo-model';

const byId = (els: MapElement[], id: string) => els.find((e) => e.data.id === id);

describe('web/src/graph/to-elements', () => {
  const model = demoModel();
  const elements = toElements(model);

  test('zones become compound nodes and every device sits in its first zone', () => {
    for (const z of model.zones) expect(byId(elements, z.id)).toMatchObject({ group: 'nodes', data: { type: 'ZONE' } });
    for (const d of model.devices) expect(byId(elements, d.id)?.data.parent).toBe(d.zoneIds[0]);
  });

  test('devices are coloured by HSA class, shaped by category and labelled by name', () => {
    for (const d of model.devices) {
      const e = byId(elements, d.id)!;
      expect(e.data.label).toBe(d.name);
      expect(e.data.color).toBe(RISK_CLASS[d.riskClass].color);
      expect(e.data.shape).toBe(DEVICE_CATEGORY[d.category].shape);
      expect(e.classes).toContain(`class-${d.riskClass}`);
    }
  });

  test('channels become directed device edges; wireless ones are marked', () => {
    for (const c of model.channels) {
      const e = byId(elements, c.id)!;
      expect(e).toMatchObject({
        group: 'edges',
        data: { source: c.fromDeviceId, target: c.toDeviceId, type: 'CHANNEL' },
      });
      expect(e.classes.includes('wireless')).toBe(
        ['WIFI', 'BLE', 'ZIGBEE', 'LORA', 'CELLULAR', 'PROPRIETARY_RF'].includes(c.technology),
      );
    }
  });

  test('an interface exposed to another zone gives one zone → device exposure edge', () => {
    for (const i of model.interfaces) {
      const d = model.devices.find((x) => x.id === i.deviceId)!;
      for (const z of i.exposedToZoneIds) {
        const e = byId(elements, exposureEdgeId(z, d.id));
        if (d.zoneIds.includes(z)) expect(e).toBeUndefined();
        else expect(e).toMatchObject({ data: { source: z, target: d.id, type: 'EXPOSURE' } });
      }
    }
  });

  test('a device in several zones gets an "also in" edge from each further zone', () => {
    const multi = model.devices.filter((d) => d.zoneIds.length > 1);
    expect(multi.length).toBeGreaterThan(0);
    for (const d of multi)
      for (const z of d.zoneIds.slice(1)) expect(byId(elements, membershipEdgeId(z, d.id))).toBeDefined();
  });

  test('badges count vulnerabilities on the device and its interfaces, and controls by status', () => {
    for (const d of model.devices) {
      const ifaces = new Set(model.interfaces.filter((i) => i.deviceId === d.id).map((i) => i.id));
      const assets = new Set(model.assets.filter((a) => a.deviceId === d.id).map((a) => a.id));
      const mine = (id: string) => id === d.id || ifaces.has(id) || assets.has(id);
      const e = byId(elements, d.id)!;
      expect(e.data.vulnerabilities).toBe(model.vulnerabilities.filter((v) => mine(v.elementId)).length);
      expect(e.data.implementedControls).toBe(
        model.controlPlacements.filter((p) => p.status === 'IMPLEMENTED' && mine(p.elementId)).length,
      );
      expect(String(e.data.glyph)).toMatch(/^data:image\/svg\+xml;utf8,/);
    }
  });

  test('is deterministic whatever the input order', () => {
    const reversed: ModelData = Object.fromEntries(
      Object.entries(model).map(([k, v]) => [k, [...(v as unknown[])].reverse()]),
    ) as unknown as ModelData;
    expect(JSON.stringify(toElements(reversed))).toBe(JSON.stringify(elements));
  });

  test('every edge joins existing nodes; ids are unique', () => {
    const ids = elements.map((e) => e.data.id);
    expect(new Set(ids).size).toBe(ids.length);
    const nodes = new Set(elements.filter((e) => e.group === 'nodes').map((e) => e.data.id));
    for (const e of elements)
      if (e.group === 'edges') expect(nodes.has(e.data.source) && nodes.has(e.data.target)).toBe(true);
  });

  test('edgeLookup finds an edge in either direction', () => {
    const c = model.channels[0]!;
    const find = edgeLookup(elements);
    expect(find(c.fromDeviceId, c.toDeviceId)).toBeDefined();
    expect(find(c.toDeviceId, c.fromDeviceId)).toBeDefined();
    expect(find('nope', c.toDeviceId)).toBeUndefined();
  });

  test('an empty model gives no elements', () => {
    expect(toElements(emptyModel())).toEqual([]);
  });
});
