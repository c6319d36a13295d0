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
import type { ModelDocument } from '../../../server/src/domain/types';
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

  it('takes an assignment, and a frozen graph still gives its steps', () => {
    const assigned = buildAttackGraph(model, catalogue);
    const replacement = [stepAt(assigned, 0)];
    assigned.steps = replacement;
    expect(assigned.steps).toBe(replacement);
    expect(stepAt(assigned, 0)).toBe(replacement[0]);
    const frozen = Object.freeze(buildAttackGraph(model, catalogue));
    const first = stepById(frozen, indexGraph(frozen).stepId(0))!;
    expect(frozen.steps).toHaveLength(indexGraph(frozen).m);
    expect(frozen.steps[0]).toBe(first);
    expect(frozen.steps).toBe(frozen.steps);
    expect(() => {
      (frozen as { steps: unknown }).steps = [];
    }).toThrow(TypeError);
    const frozenUnread = Object.freeze(buildAttackGraph(model, catalogue));
    expect(() => {
      (frozenUnread as { steps: unknown }).steps = [];
    }).toThrow(TypeError);
    expect(frozenUnread.steps).toHaveLength(indexGraph(frozenUnread).m);
    // a plain graph (JSON) is searched by its own steps, without building an index
    const plain = JSON.parse(JSON.stringify(assigned)) as AttackGraph;
    expect(stepById(plain, plain.steps[0]!.id)).toBe(plain.steps[0]);
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

  // The exchange schema keeps '@' out of ids, which lets steps be sorted without their ids; the
  // engine is a public function, so a model with '@' in its ids is sorted by whole ids.
  const withIds = (zoneB: string, deviceB: string): ModelDocument =>
    ({
      formatVersion: '2.3',
      model: { id: 'm', name: 'm' },
      zones: [
        { id: 'z', name: 'Z', kind: 'CLOUD', entryPoint: true },
        { id: zoneB, name: 'Z2', kind: 'CLOUD' },
      ],
      devices: [
        { id: 'dev', name: 'Dev', category: 'OTHER', riskClass: 'C', generalPurposeOs: false, zoneIds: [zoneB] },
        { id: deviceB, name: 'Dev2', category: 'OTHER', riskClass: 'C', generalPurposeOs: false, zoneIds: ['z'] },
      ],
      interfaces: [
        { id: 'i1', deviceId: 'dev', name: 'I1', kind: 'SMB', exposedToZoneIds: [], authentication: 'MFA' },
        { id: 'i2', deviceId: deviceB, name: 'I2', kind: 'SMB', exposedToZoneIds: [], authentication: 'MFA' },
      ],
      channels: [],
      assets: [],
      vulnerabilities: [],
      controlPlacements: [],
    }) as unknown as ModelDocument;

  it("ids with '@' (outside the schema): steps still in id order, and two steps with one id refused", () => {
    const graph = buildAttackGraph(withIds('@z2', 'dev@x'), catalogue);
    const ids = graph.steps.map((s) => s.id);
    expect(ids).toHaveLength(4);
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    // 'dev' → zone '@z' and 'dev@' → zone 'z' both make lateral-movement@dev@@z
    expect(() => buildAttackGraph(withIds('@z', 'dev@'), catalogue)).toThrow(
      'two attack steps share the id lateral-movement@dev@@z',
    );
  });
});
