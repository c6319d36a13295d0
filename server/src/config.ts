/**
 * Configuration: the only reader of process.env. Validated with zod, typed and frozen; a bad value
 * fails start-up naming the variable. `*_FILE` variants read secrets from files (Docker secrets).
 */
import fs from 'node:fs';
import { z } from 'zod';

const schema = z.object({
  /** Bolt/Neo4j URI: bolt://, neo4j://, neo4j+s:// (Aura, clusters), neo4j+ssc://... */
  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/.+/, 'must be a bolt:// or neo4j:// URI (optionally +s / +ssc)'),
  NEO4J_USER: z.string().default('neo4j'),
  /** Empty: connect without authentication (local provisioned server). */
  NEO4J_PASSWORD: z.string().default(''),
  NEO4J_DATABASE: z.string().default('neo4j'),
  /** HTTP port of the GraphQL API and web app. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Load the bundled demo hospital model at start-up if it is absent. */
  MEDTHREAT_LOAD_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Serve the built web app from this folder ('' to disable). */
  WEB_DIST: z.string().optional(),
});

export type Config = Readonly<{
  neo4j: Readonly<{ uri: string; user: string; password: string; database: string }>;
  port: number;
  host: string;
  loadDemo: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  webDist?: string;
}>;

/**
 * Reads and validates the environment. Throws an Error naming each bad or missing variable.
 * @param env defaults to process.env
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const withFiles: Record<string, string | undefined> = { ...env };
  for (const key of ['NEO4J_PASSWORD', 'NEO4J_USER', 'NEO4J_URI']) {
    const file = env[`${key}_FILE`];
    if (file && withFiles[key] === undefined) withFiles[key] = fs.readFileSync(file, 'utf8').trim();
  }
  const parsed = schema.safeParse(withFiles);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return Object.freeze({
    neo4j: Object.freeze({
      uri: e.NEO4J_URI,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
    }),
    port: e.PORT,
    host: e.HOST,
    loadDemo: e.MEDTHREAT_LOAD_DEMO,
    logLevel: e.LOG_LEVEL,
    ...(e.WEB_DIST !== undefined ? { webDist: e.WEB_DIST } : {}),
  });
}
