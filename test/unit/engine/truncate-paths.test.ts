/**
 * Issue 11.6: on a model with thousands of targets the path search keeps the top maxPaths paths
 * and says it truncated (onMaxPaths 'truncate'), instead of failing; 'raise' (the default, and
 * what an explicit API maxPaths means) still raises EngineLimitError naming maxPaths.
 */
import { EngineLimitError } from '../../../server/src/domain/errors';
import { findAttackPaths } from '../../../server/src/engine';
import { buildGraph } from '../../support/build-graph';
import { generateHospital } from '../../support/generate-hospital';

describe('findAttackPaths onMaxPaths', () => {
  const graph = buildGraph(generateHospital({ devices: 1500, seed: 3 }));
  // every path, to compare the truncated answer with the full ranking
  const all = findAttackPaths(graph, { k: 3, maxPaths: 1e9, timeLimitMs: 30000 });

  it('the model has thousands of targets and far more than 500 paths', () => {
    expect(graph.targetIds.length).toBeGreaterThan(1000);
    expect(all.pathCount).toBeGreaterThan(2000);
    expect(all.truncated).toBe(false);
  });

  it("'truncate' returns exactly the 500 highest-risk paths, ranked, with truncated: true and full totals", () => {
    const top = findAttackPaths(graph, { k: 3, maxPaths: 500, onMaxPaths: 'truncate', timeLimitMs: 30000 });
    expect(top.truncated).toBe(true);
    expect(top.pathCount).toBe(500);
    expect(top.paths.map((p) => p.id)).toEqual(all.paths.slice(0, 500).map((p) => p.id));
    expect(top.totalRisk).toBeCloseTo(all.totalRisk, 9);
    expect(top.targetsReachable).toBe(all.targetsReachable);
    expect(top.entryTargetPairsConnected).toBe(all.entryTargetPairsConnected);
  });

  it("'truncate' with room for every path is the full answer, truncated: false", () => {
    const full = findAttackPaths(graph, { k: 3, maxPaths: all.pathCount, onMaxPaths: 'truncate', timeLimitMs: 30000 });
    expect(full.truncated).toBe(false);
    expect(full.paths.map((p) => p.id)).toEqual(all.paths.map((p) => p.id));
  });

  it("'raise' (the default) still raises EngineLimitError naming maxPaths and its value", () => {
    let caught: unknown;
    try {
      findAttackPaths(graph, { k: 3, maxPaths: 500, timeLimitMs: 30000 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EngineLimitError);
    expect((caught as EngineLimitError).limit).toBe('maxPaths');
    expect((caught as EngineLimitError).value).toBe(500);
    expect((caught as Error).message).toContain('maxPaths 500');
  });
});
