import { indexModel } from '../../../web/src/graph/model-index';
import { highlightPaths, type PathLike } from '../../../web/src/graph/path-highlight';
import { edgeLookup, exposureEdgeId, toElements } from '../../../web/src/graph/to-elements';
import { demoModel } from './demo-model';

const model = demoModel();
const index = indexModel(model);
const elements = toElements(model);
const edgeBetween = edgeLookup(elements);

function path(id: string, nodeIds: string[], methods: string[] = []): PathLike {
  return {
    id,
    entryPointId: nodeIds[0]!,
    targetId: nodeIds[nodeIds.length - 1]!,
    nodeIds,
    steps: nodeIds
      .slice(1)
      .map((to, i) => ({ id: `s${i}`, from: nodeIds[i]!, to, attackMethod: { name: methods[i] ?? `method ${i}` } })),
  };
}

describe('web/src/graph/path-highlight', () => {
  test('anchors interfaces and assets on their device, and marks entry and target', () => {
    const p = path('p1', [
      'z-ward-physical',
      'if-programmer-rf',
      'dev-cardiology-programmer',
      'dev-icd',
      'as-icd-therapy',
    ]);
    const h = highlightPaths([{ path: p, variant: 'active' }], index, edgeBetween);
    expect([...h.nodes.keys()].sort()).toEqual(['dev-cardiology-programmer', 'dev-icd', 'z-ward-physical']);
    expect(h.entries).toEqual(new Set(['z-ward-physical']));
    expect(h.targets).toEqual(new Set(['dev-icd']));
  });

  test('a step along an existing map edge highlights and labels that edge instead of drawing a new one', () => {
    const p = path(
      'p1',
      ['z-ward-physical', 'if-programmer-rf', 'dev-cardiology-programmer'],
      ['Exploitation of a software flaw', 'Interface compromise'],
    );
    const h = highlightPaths([{ path: p, variant: 'active' }], index, edgeBetween);
    const exposure = exposureEdgeId('z-ward-physical', 'dev-cardiology-programmer');
    expect(h.edges.get(exposure)).toBe('active');
    expect(h.edgeLabels.get(exposure)).toBe('1. Exploitation of a software flaw');
    expect(h.overlays).toEqual([]);
  });

  test('a step between unconnected map nodes becomes a labelled overlay edge', () => {
    const p = path('p2', ['dev-icd', 'dev-alarm-server'], ['Lateral movement']);
    const h = highlightPaths([{ path: p, variant: 'active' }], index, () => undefined);
    expect(h.overlays).toEqual([
      {
        id: 'overlay:active:dev-icd->dev-alarm-server',
        source: 'dev-icd',
        target: 'dev-alarm-server',
        label: '1. Lateral movement',
        variant: 'active',
      },
    ]);
  });

  test('a zone reaching a device inside it needs no edge', () => {
    const d = model.devices.find((x) => x.zoneIds.length === 1)!;
    const h = highlightPaths([{ path: path('p3', [d.zoneIds[0]!, d.id]), variant: 'active' }], index, () => undefined);
    expect(h.overlays).toEqual([]);
  });

  test('with several paths no labels are drawn and active wins over cut', () => {
    const a = path('a', ['dev-icd', 'dev-alarm-server']);
    const b = path('b', ['dev-icd', 'dev-alarm-server']);
    const h = highlightPaths(
      [
        { path: a, variant: 'cut' },
        { path: b, variant: 'active' },
      ],
      index,
      () => undefined,
    );
    expect(h.nodes.get('dev-icd')).toBe('active');
    expect(h.overlays).toHaveLength(1);
    expect(h.overlays[0]).toMatchObject({ variant: 'active', label: '' });
    expect(h.edgeLabels.size).toBe(0);
  });
});
