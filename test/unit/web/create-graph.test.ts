/**
 * The Cytoscape lifecycle with a headless cytoscape (no DOM): diffing updates keep every placed
 * node where it was, highlights and filters set classes, and destroy disposes.
 */
import cytoscape from 'cytoscape';
const fcose = require('cytoscape-fcose') as cytoscape.Ext;
import { createGraph, type CytoscapeFactory } from '../../../web/src/graph/create-graph';
import { indexModel } from '../../../web/src/graph/model-index';
import { highlightPaths } from '../../../web/src/graph/path-highlight';
import { edgeLookup, toElements } from '../../../web/src/graph/to-elements';
import { demoModel } from './demo-model';

cytoscape.use(fcose);
const factory = cytoscape as unknown as CytoscapeFactory;

describe('web/src/graph/create-graph (headless)', () => {
  const model = demoModel();
  const elements = toElements(model);

  test('the first update lays the model out; an edit keeps every existing node in place', () => {
    const g = createGraph(factory, undefined);
    const first = g.setElements(elements);
    expect(first.mode).toBe('initial');
    expect(g.cy.nodes().length).toBe(model.zones.length + model.devices.length);
    const before = g.positions();

    const grown = { ...model, devices: [...model.devices, { ...model.devices[0]!, id: 'dev-new', name: 'New pump' }] };
    const second = g.setElements(toElements(grown));
    expect(second).toMatchObject({ mode: 'incremental', added: 1, removed: 0 });
    const after = g.positions();
    for (const [id, p] of Object.entries(before)) expect(after[id]).toEqual(p);
    expect(after['dev-new']).toBeDefined();

    const same = g.setElements(toElements(grown));
    expect(same).toMatchObject({ mode: 'none', added: 0, removed: 0 });
    g.destroy();
    expect(g.cy.destroyed()).toBe(true);
  });

  test('saved positions are used as they are (preset)', () => {
    const a = createGraph(factory, undefined);
    a.setElements(elements);
    const saved = a.positions();
    const b = createGraph(factory, undefined);
    expect(b.setElements(elements, { positions: saved }).mode).toBe('preset');
    expect(b.positions()).toEqual(saved);
    a.destroy();
    b.destroy();
  });

  test('removing a device removes its node and edges', () => {
    const g = createGraph(factory, undefined);
    g.setElements(elements);
    const without = { ...model, devices: model.devices.filter((d) => d.id !== 'dev-icd') };
    const r = g.setElements(toElements(without));
    expect(r.removed).toBeGreaterThan(1);
    expect(g.cy.$id('dev-icd').empty()).toBe(true);
    g.destroy();
  });

  test('a highlighted path fades the rest; filters dim non-matching devices', () => {
    const g = createGraph(factory, undefined);
    g.setElements(elements);
    const index = indexModel(model);
    const p = {
      id: 'p',
      entryPointId: 'z-ward-physical',
      targetId: 'as-icd-therapy',
      nodeIds: ['z-ward-physical', 'if-programmer-rf', 'dev-cardiology-programmer', 'dev-icd', 'as-icd-therapy'],
      steps: [
        { id: 's1', from: 'z-ward-physical', to: 'if-programmer-rf', attackMethod: { name: 'A' } },
        { id: 's2', from: 'if-programmer-rf', to: 'dev-cardiology-programmer', attackMethod: { name: 'B' } },
        { id: 's3', from: 'dev-cardiology-programmer', to: 'dev-icd', attackMethod: { name: 'C' } },
        { id: 's4', from: 'dev-icd', to: 'as-icd-therapy', attackMethod: { name: 'D' } },
      ],
    };
    g.setHighlight(highlightPaths([{ path: p, variant: 'active' }], index, edgeLookup(elements)));
    expect(g.cy.$id('dev-icd').hasClass('on-path')).toBe(true);
    expect(g.cy.$id('dev-alarm-server').hasClass('faded')).toBe(true);
    expect(g.cy.$id('z-ward-physical').hasClass('path-entry')).toBe(true);
    g.setHighlight(null);
    expect(g.cy.elements('.faded').length).toBe(0);

    g.setFilter(new Set(['dev-icd']));
    expect(g.cy.$id('dev-icd').hasClass('match')).toBe(true);
    expect(g.cy.$id('dev-alarm-server').hasClass('dimmed')).toBe(true);
    g.setFilter(null);
    expect(g.cy.elements('.dimmed').length).toBe(0);
    g.destroy();
  });
});

describe('web/src/graph/create-graph layout determinism', () => {
  test('the same model lays out the same way every time, whatever the load order', () => {
    const model = demoModel();
    const reversed = Object.fromEntries(
      Object.entries(model).map(([k, v]) => [k, [...(v as unknown[])].reverse()]),
    ) as unknown as typeof model;
    const a = createGraph(factory, undefined);
    const b = createGraph(factory, undefined);
    a.setElements(toElements(model));
    b.setElements(toElements(reversed));
    expect(b.positions()).toEqual(a.positions());
    a.destroy();
    b.destroy();
  });
});
