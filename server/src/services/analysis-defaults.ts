/**
 * Defaults of the analysis that every caller shares, so that the API (services/analysis-service.ts),
 * the command line (server/src/cli) and the exporters (server/src/exporters) give the same paths and
 * recommendations. Pure constants; no I/O.
 */

/**
 * Paths kept when the caller gives no maxPaths: the top this many, with `truncated` set when
 * there are more (an explicit maxPaths raises ENGINE_LIMIT instead).
 */
export const DEFAULT_MAX_PATHS = 500;

/** The engine's default time limit of a path search (engine/paths), ms; capped by role in the API. */
export const PATHS_DEFAULT_TIME_LIMIT_MS = 5000;

/** The engine's default time limit of a recommendation (engine/optimise), ms; capped by role in the API. */
export const RECOMMEND_DEFAULT_TIME_LIMIT_MS = 10000;

/**
 * Protected targets listed per recommended placement (cutsTargetIds; cutsTargetCount is always
 * whole): a 10k-device hospital's full listing is about 5 million ids, hundreds of MB.
 */
export const MAX_LISTED_TARGETS = 200;
