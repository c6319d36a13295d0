/**
 * New attack paths after a change of evidence (issue 12, advisory watch): which paths to patient
 * harm exist only because of steps the change added (typically the exploitation of a newly
 * published vulnerability), and the cheapest set of placements that removes every one of them.
 *
 * Method (exact): a two-layer copy of the graph after the change. Layer 0 holds every node and
 * every step that existed before; a new step leads from layer 0 to layer 1 (or within layer 1);
 * layer 1 repeats every step. Entry points are in layer 0, targets in layer 1, so the paths of the
 * layered graph are exactly the paths after the change that use at least one new step, and its
 * minimum-cost cut (a placement is one choice whichever layer its steps are in) is the cheapest
 * set of placements that removes all of them. Pure: no driver, no I/O.
 */
import { hash32, hashSequence } from './compare';
import { findAttackPaths, reachableTargets } from './paths/find-attack-paths';
import { recommendControls } from './optimise/recommend-controls';
import type {
  AttackGraph,
  AttackGraphNode,
  AttackPath,
  AttackStep,
  Recommendation,
  RecommendedPlacement,
} from './types';
import type { RiskScale, Severity } from '../domain/types';

/** Suffix of the layer-1 copies' ids (never in a model id: ids are checked against [A-Za-z0-9._:-]). */
const LAYER = '\u0001new';

/** Options of {@link findNewPaths}. */
export interface FindNewPathsOptions {
  /** Targets of at least this severity (default SERIOUS). */
  minSeverity?: Severity;
  /** Risk scale (default SAFETY). */
  scale?: RiskScale;
  /** Paths per target (default 1). */
  k?: number;
  /** Stop enumerating after this many paths, reporting `truncated` (default 10000). */
  maxPaths?: number;
  /** Solver time for the cut, ms (default 10000). */
  timeLimitMs?: number;
  /** Attack method id → name, for the cut's uncuttable reasons (as RecommendControlsOptions). */
  methodNames?: Readonly<Record<string, string>>;
}

/** Result of {@link findNewPaths}. */
export interface NewPaths {
  /** Ids of the steps after the change that were not in the graph before, sorted. */
  newStepIds: string[];
  /** Paths after the change that use at least one new step, by risk then id (ids and steps of the after graph). */
  paths: AttackPath[];
  /** Targets reached by a new path, sorted. */
  targetIds: string[];
  /** Targets no path reached before the change, reached now, sorted. */
  newlyReachableTargetIds: string[];
  truncated: boolean;
  /** The cheapest placements that remove every new path (PREVENTS only), as in recommendControls. */
  cut: Recommendation;
}

/**
 * The paths that exist after a change only through steps it added, and their cheapest cut.
 * @param before - the attack graph before the change
 * @param after - the attack graph after it (same catalogue)
 * @throws ValidationError for an unknown severity or scale; EngineLimitError when the search or
 *   the solver passes its limits (see findAttackPaths, recommendControls)
 */
export async function findNewPaths(
  before: AttackGraph,
  after: AttackGraph,
  options: FindNewPathsOptions = {},
): Promise<NewPaths> {
  const minSeverity = options.minSeverity ?? 'SERIOUS';
  const scale = options.scale ?? 'SAFETY';
  const old = new Set(before.steps.map((s) => s.id));
  const newStepIds = after.steps
    .filter((s) => !old.has(s.id))
    .map((s) => s.id)
    .sort();
  const layered = layeredGraph(after, new Set(newStepIds));
  const found = findAttackPaths(layered, {
    k: options.k ?? 1,
    minSeverity,
    scale,
    maxPaths: options.maxPaths ?? 10000,
    onMaxPaths: 'truncate',
  });
  const afterSteps = new Map(after.steps.map((s) => [s.id, s]));
  const paths = found.paths
    .map((p) => backToAfter(p, afterSteps))
    // A layered path may hold the same node in both layers (a detour the after graph's own search
    // never reports): left out.
    .filter((p) => new Set(p.nodeIds).size === p.nodeIds.length);
  const targetIds = [...new Set(paths.map((p) => p.targetId))].sort();
  // reachability alone (a search of the graph, not of its paths)
  const reachableBefore = new Set(reachableTargets(before, minSeverity, scale));
  const cut = await recommendControls(layered, {
    minSeverity,
    scale,
    ...(options.methodNames ? { methodNames: options.methodNames } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
  });
  return {
    newStepIds,
    paths,
    targetIds,
    newlyReachableTargetIds: targetIds.filter((t) => !reachableBefore.has(t)),
    truncated: found.truncated,
    cut: backToAfterCut(cut),
  };
}

/**
 * The two-layer graph of {@link findNewPaths}. Internal: its steps are in layer order, not in id
 * order (a new step's `…new0` copy comes before its `…new` one), so it is never handed to callers
 * or to `stepById`, which needs a graph as buildAttackGraph makes it.
 */
function layeredGraph(after: AttackGraph, isNew: ReadonlySet<string>): AttackGraph {
  const nodes: AttackGraphNode[] = [];
  for (const n of after.nodes) {
    // Layer 0: no target attributes (its targets are reached without a new step).
    const { scale: _scale, severity: _severity, privacySeverity: _p, records: _r, severityRank: _rank, ...plain } = n;
    nodes.push(plain as AttackGraphNode, { ...n, id: n.id + LAYER });
  }
  const steps: AttackStep[] = [];
  for (const s of after.steps) {
    if (isNew.has(s.id)) steps.push({ ...s, id: s.id + LAYER + '0', to: s.to + LAYER });
    else steps.push(s);
    steps.push({ ...s, id: s.id + LAYER, from: s.from + LAYER, to: s.to + LAYER });
  }
  nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    nodes,
    steps,
    entryPointIds: after.entryPointIds,
    targetIds: after.targetIds.map((t) => t + LAYER).sort(),
  };
}

const strip = (id: string): string => {
  const at = id.indexOf(LAYER);
  return at < 0 ? id : id.slice(0, at);
};

function backToAfter(p: AttackPath, afterSteps: ReadonlyMap<string, AttackStep>): AttackPath {
  const stepIds = p.stepIds.map(strip);
  for (const id of stepIds) if (!afterSteps.has(id)) throw new Error(`layered step '${id}' is not in the graph`);
  return {
    ...p,
    // The after graph's own id for the same steps (path@entry@target@hash of the step ids).
    id: `path@${p.entryPointId}@${strip(p.targetId)}@${hashSequence(stepIds.map(hash32))}`,
    targetId: strip(p.targetId),
    assetId: strip(p.assetId),
    stepIds,
    nodeIds: p.nodeIds.map(strip),
  };
}

function backToAfterCut(r: Recommendation): Recommendation {
  const placements: RecommendedPlacement[] = r.placements.map((p) => ({
    ...p,
    cutsStepIds: [...new Set(p.cutsStepIds.map(strip))].sort(),
    cutsTargetIds: [...new Set(p.cutsTargetIds.map(strip))].sort(),
    reducesStepIds: [...new Set(p.reducesStepIds.map(strip))].sort(),
  }));
  return {
    ...r,
    placements,
    uncuttableTargetIds: r.uncuttableTargetIds.map(strip),
    uncuttableTargets: r.uncuttableTargets.map((u) => ({
      ...u,
      targetId: strip(u.targetId),
      stepIds: u.stepIds.map(strip),
      reason: u.reason.split(LAYER).join(''),
    })),
  };
}
