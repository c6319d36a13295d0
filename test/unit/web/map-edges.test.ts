/**
 * The map's v2 links (web/src/graph/to-elements.ts, styles.ts, Legend): outbound connections are
 * device → zone edges labelled with what the device accepts back, data flows are receiver → next
 * receiver edges labelled "forwards", each styled apart from the other links, and every kind of
 * edge the map draws has a legend entry drawn as the map draws it.
 */
import { demoModel } from './demo-model';
import type { ModelData } from '../../../web/src/graph/model-index';
import { LINK_LEGEND, mapStyles } from '../../../web/src/graph/styles';
import {
  dataFlowEdgeId,
  edgeLookup,
  outboundEdgeId,
  toElements,
  type MapElement,
} from '../../../web/src/graph/to-elements';

const edges = (els: MapElement[]) => els.filter((e) => e.group === 'edges');
const edge = (els: MapElement[], id: string) => edges(els).find((e) => e.data.id === id);

describe('map: outbound connections', () => {
  test('the demo’s Contec monitor connects out to the internet and runs what it gets: one dashed device → zone edge', () => {
    const els = toElements(demoModel());
    expect(edge(els, outboundEdgeId('dev-ward-monitor-contec', 'z-internet'))).toEqual({
      group: 'edges',
      data: {
        id: 'outbound:dev-ward-monitor-contec->z-internet',
        type: 'OUTBOUND',
        source: 'dev-ward-monitor-contec',
        target: 'z-internet',
        label: 'outbound (runs code it gets)',
        accepts: 'CODE',
      },
      classes: 'outbound accepts-code',
    });
    expect(edges(els).filter((e) => e.data.type === 'OUTBOUND')).toHaveLength(1);
  });

  test('one edge per zone, labelled with outboundAccepts (default DATA); unknown zones are not drawn', () => {
    const model = demoModel();
    const pump = model.devices.find((d) => d.id === 'dev-icu-pump-01')!;
    pump.outboundZoneIds = ['z-cloud', 'z-internet', 'z-nowhere'];
    pump.outboundAccepts = 'COMMANDS';
    const ehr = model.devices.find((d) => d.id === 'dev-ehr')!;
    ehr.outboundZoneIds = ['z-cloud'];
    ehr.outboundAccepts = null;
    const els = toElements(model);
    const mine = edges(els).filter((e) => e.data.type === 'OUTBOUND' && e.data.source === 'dev-icu-pump-01');
    expect(mine.map((e) => [e.data.target, e.data.label])).toEqual([
      ['z-cloud', 'outbound (accepts commands)'],
      ['z-internet', 'outbound (accepts commands)'],
    ]);
    expect(edge(els, outboundEdgeId('dev-ehr', 'z-cloud'))?.data.label).toBe('outbound (accepts data)');
    expect(edge(els, outboundEdgeId('dev-icu-pump-01', 'z-nowhere'))).toBeUndefined();
  });

  test('a path step into the device from the zone follows the outbound edge when nothing else joins them', () => {
    const els = toElements(demoModel());
    expect(edgeLookup(els)('z-internet', 'dev-ward-monitor-contec')).toBe(
      outboundEdgeId('dev-ward-monitor-contec', 'z-internet'),
    );
  });
});

describe('map: data flows', () => {
  test('the demo’s home blood-pressure readings: receiver → next receiver edges labelled "forwards", one per hop', () => {
    const els = toElements(demoModel());
    const flows = edges(els).filter((e) => e.data.type === 'DATA_FLOW');
    expect(flows.map((e) => [e.data.source, e.data.target, e.data.label, e.data.channelId])).toEqual([
      ['dev-hl7-engine', 'dev-ehr', 'forwards', 'ch-hl7-ehr'],
      ['dev-telehealth-app', 'dev-telehealth-platform', 'forwards', 'ch-telehealth-app-platform'],
      ['dev-telehealth-platform', 'dev-hl7-engine', 'forwards', 'ch-telehealth-platform-hl7'],
    ]);
    expect(edge(els, dataFlowEdgeId('dev-telehealth-app', 'ch-telehealth-app-platform'))).toMatchObject({
      data: { fromChannelIds: ['ch-home-bp-monitor-app'], endToEndIntegrity: false },
      classes: 'data-flow',
    });
    // the channel edge still answers for the pair (path highlighting follows channels first)
    expect(edgeLookup(els)('dev-telehealth-app', 'dev-telehealth-platform')).toBe('ch-telehealth-app-platform');
  });

  test('two channels forwarded onto the same next hop give one edge; unknown channels are skipped', () => {
    const model: ModelData = demoModel();
    const into = model.channels.find((c) => c.id === 'ch-home-bp-monitor-app')!;
    const second = { ...into, id: 'ch-home-bp-monitor-app-2', forwardedTo: ['ch-telehealth-app-platform', 'ch-gone'] };
    model.channels.push(second);
    model.channels.find((c) => c.id === 'ch-telehealth-app-platform')!.endToEndIntegrity = true;
    const els = toElements(model);
    expect(edge(els, dataFlowEdgeId('dev-telehealth-app', 'ch-telehealth-app-platform'))).toMatchObject({
      data: {
        fromChannelIds: ['ch-home-bp-monitor-app', 'ch-home-bp-monitor-app-2'],
        endToEndIntegrity: true,
      },
    });
    expect(edges(els).filter((e) => e.data.type === 'DATA_FLOW')).toHaveLength(3);
  });
});

/** The style an edge selector gets: every rule whose classes are a subset of its own, in order. */
function resolvedStyle(selector: string): Record<string, unknown> {
  const classes = new Set(selector.split('.').slice(1));
  const out: Record<string, unknown> = {};
  for (const rule of mapStyles) {
    if (!/^edge(\.[a-z-]+)*$/.test(rule.selector)) continue;
    if (
      rule.selector
        .split('.')
        .slice(1)
        .every((c) => classes.has(c))
    )
      Object.assign(out, rule.style);
  }
  return out;
}

describe('map legend: links', () => {
  test('outbound connections and data flows are styled apart from every other link', () => {
    const outbound = resolvedStyle('edge.outbound');
    const flow = resolvedStyle('edge.data-flow');
    expect(outbound).toMatchObject({ 'line-style': 'dashed', label: 'data(label)' });
    expect(flow).toMatchObject({ 'line-style': 'dotted', label: 'data(label)' });
    const looks = LINK_LEGEND.map((l) => {
      const s = resolvedStyle(l.selector);
      return `${String(s['line-color'])} ${String(s['line-style'] ?? 'solid')} ${String(s['line-dash-pattern'] ?? '')}`;
    });
    expect(new Set(looks).size).toBe(looks.length);
  });

  test('each legend entry is drawn as the map draws its edges (colour; solid, dashed or dotted)', () => {
    for (const l of LINK_LEGEND) {
      const s = resolvedStyle(l.selector);
      expect([l.selector, l.color]).toEqual([l.selector, s['line-color']]);
      const style = (s['line-style'] as string | undefined) ?? 'solid';
      expect([l.selector, l.dash !== undefined]).toEqual([l.selector, style !== 'solid']);
      // a stated dash pattern is drawn in the legend with the same pattern
      if (style === 'dashed' && s['line-dash-pattern'])
        expect([l.selector, l.dash]).toEqual([l.selector, (s['line-dash-pattern'] as number[]).join(' ')]);
    }
  });

  test('every kind of edge the map draws has a legend entry', () => {
    const model = demoModel();
    model.zones.find((z) => z.id === 'z-ward-vlan')!.linkedZoneIds = ['z-icu-vlan'];
    model.devices.find((d) => d.id === 'dev-insulin-app')!.hostDeviceId = 'dev-icu-pump-01';
    const legend = new Set(LINK_LEGEND.map((l) => l.selector));
    const kinds = new Set(
      edges(toElements(model))
        .filter((e) => e.data.type !== 'MEMBERSHIP') // "also in": a light helper line, explained by the zones
        .map((e) => `edge.${e.classes.split(' ')[0]!}`),
    );
    expect([...kinds].sort()).toEqual(
      ['edge.channel', 'edge.data-flow', 'edge.exposure', 'edge.hosting', 'edge.outbound', 'edge.zone-link'].sort(),
    );
    for (const k of kinds) expect(legend).toContain(k);
    expect(legend).toContain('edge.outbound');
    expect(legend).toContain('edge.data-flow');
  });
});
