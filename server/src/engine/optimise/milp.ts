/**
 * Thin wrapper over the HiGHS MILP solver (npm `highs`, HiGHS compiled to WebAssembly): loads the
 * module once, passes a row-wise sparse model (no LP text to parse), returns the solution.
 */
import highsLoader, { type Highs } from 'highs';
import { EngineLimitError } from '../../domain/errors';

let loading: Promise<Highs> | undefined;

/** The HiGHS runtime, loaded on first use and cached for the life of the process. */
export function loadHighs(): Promise<Highs> {
  loading ??= highsLoader().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** A mixed-integer model in row-wise sparse form. Rows: rowLower ≤ Σ values·x ≤ rowUpper. */
export interface MilpModel {
  numCols: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  /** 1 for integer columns, 0 for continuous. */
  integrality: Int32Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  rowStart: Int32Array;
  rowIndex: Int32Array;
  rowValue: Float64Array;
  maximise?: boolean;
  /** A feasible starting point (optional). */
  start?: Float64Array;
}

/** Solver outcome. */
export interface MilpResult {
  status: 'OPTIMAL' | 'TIME_LIMIT';
  colValue: Float64Array;
  objective: number;
  /** Relative gap HiGHS reports (0 when proven optimal with no gap). */
  mipGap: number;
  /** HiGHS's proven bound on the objective (mip_dual_bound); the objective itself if it reports none. */
  dualBound: number;
}

/** Further HiGHS options (e.g. tighter feasibility tolerances, mip_abs_gap). */
export type HighsExtraOptions = Record<string, number | string | boolean>;

/**
 * Solves a MILP.
 *
 * @param timeLimitMs - wall-clock budget; HiGHS gets 90 % of it as `time_limit` (seconds).
 * @param mipRelGap - HiGHS `mip_rel_gap`.
 * @param extraOptions - further HiGHS options, set after the defaults.
 * @throws EngineLimitError('timeLimitMs') when the time limit passes before any feasible solution.
 * @throws Error for any other non-optimal outcome (infeasible, unbounded, solver error): the
 *   models built by the engine are always feasible and bounded, so this is a bug.
 */
export async function solveMilp(
  model: MilpModel,
  timeLimitMs: number,
  mipRelGap: number,
  extraOptions?: HighsExtraOptions,
): Promise<MilpResult> {
  const result = await solve(model, timeLimitMs, mipRelGap, extraOptions, false);
  return result!;
}

/**
 * As {@link solveMilp}, for models that may be infeasible: null when HiGHS proves the model
 * infeasible (or infeasible-or-unbounded: the callers' models are bounded).
 */
export async function solveMilpOrInfeasible(
  model: MilpModel,
  timeLimitMs: number,
  mipRelGap: number,
  extraOptions?: HighsExtraOptions,
): Promise<MilpResult | null> {
  return solve(model, timeLimitMs, mipRelGap, extraOptions, true);
}

async function solve(
  model: MilpModel,
  timeLimitMs: number,
  mipRelGap: number,
  extraOptions: HighsExtraOptions | undefined,
  allowInfeasible: boolean,
): Promise<MilpResult | null> {
  const highs = await loadHighs();
  const numRows = model.rowLower.length;
  const m = highs.createModel({
    numCols: model.numCols,
    numRows,
    sense: model.maximise ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    colCost: model.colCost,
    colLower: model.colLower,
    colUpper: model.colUpper,
    rowLower: model.rowLower.map((v) => (v === -Infinity ? -highs.infinity : v)),
    rowUpper: model.rowUpper.map((v) => (v === Infinity ? highs.infinity : v)),
    matrix: {
      format: 'csr',
      numRows,
      numCols: model.numCols,
      starts: model.rowStart,
      indices: model.rowIndex,
      values: model.rowValue,
    },
    integrality: model.integrality,
  });
  try {
    m.options.set({
      output_flag: false,
      // HiGHS checks its clock coarsely (and WebAssembly timing under load overshoots): 90 %.
      time_limit: Math.max(0.001, (0.9 * timeLimitMs) / 1000),
      mip_rel_gap: mipRelGap,
      // The engine reduces the model itself (recommend-controls.ts); HiGHS's MIP presolve on these
      // covering models costs more time than it saves.
      presolve: 'off',
      ...extraOptions,
    });
    if (model.start) m.setSolution({ colValue: model.start });
    const { modelStatus } = m.run();
    const S = highs.constants.modelStatus;
    const feasible = Number(m.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
    if (modelStatus === S.optimal) {
      return {
        status: 'OPTIMAL',
        colValue: m.getSolution().colValue,
        objective: m.getObjectiveValue(),
        mipGap: gapOf(m),
        dualBound: dualBoundOf(m),
      };
    }
    if (modelStatus === S.timeLimit || modelStatus === S.interrupted || modelStatus === S.iterationLimit) {
      if (!feasible) {
        throw new EngineLimitError(
          `the control optimiser found no feasible solution within ${timeLimitMs} ms; raise timeLimitMs or raise minSeverity`,
          'timeLimitMs',
          timeLimitMs,
        );
      }
      return {
        status: 'TIME_LIMIT',
        colValue: m.getSolution().colValue,
        objective: m.getObjectiveValue(),
        mipGap: gapOf(m),
        dualBound: dualBoundOf(m),
      };
    }
    if (allowInfeasible && (modelStatus === S.infeasible || modelStatus === S.unboundedOrInfeasible)) return null;
    throw new Error(`HiGHS ended with model status ${modelStatus}`);
  } finally {
    m.dispose();
  }
}

/** HiGHS's relative MIP gap; if it reports none, from the objective and bound; 1 if unknown. */
function gapOf(m: { info: { get(name: string): number | bigint }; getObjectiveValue(): number }): number {
  const g = Number(m.info.get('mip_gap'));
  if (Number.isFinite(g)) return Math.max(0, g);
  const primal = m.getObjectiveValue();
  const dual = Number(m.info.get('mip_dual_bound'));
  if (!Number.isFinite(primal) || !Number.isFinite(dual)) return 1;
  return Math.abs(primal - dual) / Math.max(Math.abs(primal), 1e-9);
}

/** HiGHS's mip_dual_bound, or the objective when it reports no finite bound (pure LP). */
function dualBoundOf(m: { info: { get(name: string): number | bigint }; getObjectiveValue(): number }): number {
  const dual = Number(m.info.get('mip_dual_bound'));
  return Number.isFinite(dual) ? dual : m.getObjectiveValue();
}
