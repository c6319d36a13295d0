/**
 * Steps kept as columns (issue 9, the cold projection): buildAttackGraph makes no AttackStep
 * object until `graph.steps` is read; path search, the recommendation and a page of paths read
 * steps one by one (stepAt, stepById). These tests hold that contract, and that a step made alone
 * is the same object, with the same content, as the one the whole array holds.
 */
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import {
  buildAttackGraph,
  findAttackPaths,
  recommendControls,
  stepAt,
  stepById,
  withSteps,
  type AttackGraph,
} from '../../../server/src/engine';
import { indexGraph } from '../../../server/src/engine/graph-index';
import { generateHospital } from '../../support/generate-hospital';

const catalogue = loadBundledCatalogue();
const model = generateHospital({ devices: 300, seed: 11, catalogue });

/** True while `graph.steps` is still the getter that makes the array (no step array made yet). */
const stepsUnread = (graph: AttackGraph): boolean =>
  typeof Object.getOwnPropertyDescriptor(graph, 'steps')?.get === 'function';

describe('attack steps made on demand', () => {
  it('path search and the recommendation run without making the step array; a page of paths makes only its steps', async () => {
    const graph = buildAttackGraph(model, catalogue);
    expect(stepsUnread(graph)).toBe(true);
    const result = findAttackPaths(graph, { k: 3, minSeverity: 'CRITICAL', maxPaths: 100_000 });
    expect(result.paths.length).toBeGreaterThan(10);
    const page = withSteps(graph, result.paths.slice(0, 10));
    expect(page.every((p) => p.steps.length === p.stepIds.length)).toBe(true);
    const rec = await recommendControls(graph, { minSeverity: 'CRITICAL' });
    expect(rec.placements.length).toBeGreaterThan(0);
    expect(stepsUnread(graph)).toBe(true);
    // the ids the results name are the graph's
    const first = page[0]!;
    expect(first.steps.map((s) => s.id)).toEqual(first.stepIds);
  });

  it('a step made alone is the object, and the content, of the whole array', () => {
    const graph = buildAttackGraph(model, catalogue);
    const { m, stepId } = indexGraph(graph);
    const stepIds = Array.from({ length: m }, (_, s) => stepId(s));
    const picked = [0, 1, Math.floor(m / 3), Math.floor(m / 2), m - 1];
    const alone = picked.map((s) => stepAt(graph, s));
    expect(alone.map((s) => s.id)).toEqual(picked.map((s) => stepIds[s]));
    expect(stepById(graph, stepIds[picked[2]!]!)).toBe(alone[2]);
    expect(stepById(graph, 'no-such-step')).toBeUndefined();
    const json = JSON.stringify(alone);

    const steps = graph.steps; // makes the array, keeping the steps made before
    expect(stepsUnread(graph)).toBe(false);
    expect(steps).toHaveLength(m);
    picked.forEach((s, i) => expect(steps[s]).toBe(alone[i]));
    expect(JSON.stringify(picked.map((s) => steps[s]))).toBe(json);
    expect(graph.steps).toBe(steps); // made once
    expect(stepAt(graph, picked[3]!)).toBe(steps[picked[3]!]);
    // steps sorted by id, as the index numbers them
    expect(steps.map((s) => s.id)).toEqual(stepIds);
  });

  it('serialises like a plain graph: same keys in the same order, with the steps', () => {
    const graph = buildAttackGraph(model, catalogue);
    expect(Object.keys(graph)).toEqual(['nodes', 'steps', 'entryPointIds', 'targetIds']);
    const viaJson = JSON.parse(JSON.stringify(graph)) as AttackGraph;
    const cloned = structuredClone(buildAttackGraph(model, catalogue));
    expect(cloned).toEqual(viaJson);
    expect(viaJson.steps.length).toBe(indexGraph(graph).m);
    // steps of one (control element, method) share their control lists: far fewer lists than steps
    const lists = new Set(graph.steps.map((st) => st.blockingControls));
    expect(lists.size).toBeLessThan(graph.steps.length / 2);
  });
});
