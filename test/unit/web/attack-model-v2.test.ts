/**
 * The web app on attack model v2: capability node ids (elementId#CAPABILITY) resolve to their
 * element in the model index, labels name the capability or impact, and the map draws zone links
 * and hosted software.
 */
import {
  capabilityOfNode,
  elementOfNode,
  impactOfNode,
  indexModel,
  type ModelData,
} from '../../../web/src/graph/model-index';
import { hostingEdgeId, toElements, zoneLinkEdgeId } from '../../../web/src/graph/to-elements';
import { demoModel } from './demo-model';

function v2Model(): ModelData {
  const model = demoModel();
  const zone = model.zones.find((z) => z.id === 'z-ward-vlan')!;
  zone.linkedZoneIds = ['z-icu-vlan', 'z-nowhere'];
  const app = model.devices.find((d) => d.id === 'dev-insulin-app')!;
  app.hostDeviceId = 'dev-icu-pump-01';
  return model;
}

describe('model index: node ids of capabilities', () => {
  const index = indexModel(v2Model());

  test('splits node ids into element, capability and impact', () => {
    expect(elementOfNode('as-icu-pump-01-therapy#MANIPULATE')).toBe('as-icu-pump-01-therapy');
    expect(elementOfNode('dev-ehr')).toBe('dev-ehr');
    expect(capabilityOfNode('dev-ehr#USER')).toBe('USER');
    expect(capabilityOfNode('dev-ehr')).toBeUndefined();
    expect(impactOfNode('as-ehr-personal#DISCLOSE')).toBe('DISCLOSE');
    expect(impactOfNode('dev-ehr#USER')).toBeUndefined();
  });

  test('get, typeOf, deviceOf and mapNodeOf resolve a capability node to its element', () => {
    expect(index.get('dev-ehr#USER')?.element.id).toBe('dev-ehr');
    expect(index.typeOf('as-icu-pump-01-therapy#DENY')).toBe('ASSET');
    expect(index.deviceOf('as-icu-pump-01-therapy#DENY')).toBe('dev-icu-pump-01');
    expect(index.mapNodeOf('as-icu-pump-01-therapy#DENY')).toBe('dev-icu-pump-01');
    const channel = index.model.channels[0]!;
    expect(index.mapNodeOf(`${channel.id}#READ`)).toBe(channel.toDeviceId);
    expect(index.mapNodeOf('z-ward-physical')).toBe('z-ward-physical');
    expect(index.get('no-such#USER')).toBeUndefined();
  });

  test('labels name the capability or the impact; a bare element id keeps its plain label', () => {
    const ehr = index.model.devices.find((d) => d.id === 'dev-ehr')!;
    expect(index.label('dev-ehr')).toBe(ehr.name);
    expect(index.label('dev-ehr#USER')).toBe(`${ehr.name} (user access)`);
    const therapy = index.model.assets.find((a) => a.id === 'as-icu-pump-01-therapy')!;
    expect(index.label('as-icu-pump-01-therapy#MANIPULATE')).toBe(`${therapy.name} (manipulated)`);
    expect(index.label('as-icu-pump-01-therapy#DENY')).toBe(`${therapy.name} (denied)`);
    expect(index.label('unknown#USER')).toBe('unknown#USER');
  });
});

describe('map: zone links and hosted software', () => {
  const elements = toElements(v2Model());
  const edge = (id: string) => elements.find((e) => e.group === 'edges' && e.data.id === id);

  test('a zone link is a zone → zone edge; a link to an unknown zone is not drawn', () => {
    expect(edge(zoneLinkEdgeId('z-ward-vlan', 'z-icu-vlan'))).toMatchObject({
      data: { type: 'ZONE_LINK', source: 'z-ward-vlan', target: 'z-icu-vlan' },
      classes: 'zone-link',
    });
    expect(edge(zoneLinkEdgeId('z-ward-vlan', 'z-nowhere'))).toBeUndefined();
    // the ward's one link (the demo has its own enterprise → datacentre link too)
    expect(elements.filter((e) => e.data.type === 'ZONE_LINK' && e.data.source === 'z-ward-vlan')).toHaveLength(1);
  });

  test('hosted software is joined to its host by a host → hosted edge', () => {
    expect(edge(hostingEdgeId('dev-icu-pump-01', 'dev-insulin-app'))).toMatchObject({
      data: { type: 'HOSTS', source: 'dev-icu-pump-01', target: 'dev-insulin-app', label: 'hosts' },
      classes: 'hosting',
    });
    expect(elements.filter((e) => e.data.type === 'HOSTS')).toHaveLength(1);
  });
});
