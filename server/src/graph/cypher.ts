/**
 * Named-query registry: every Cypher statement the service runs lives in `cypher/queries/<area>/<name>.cypher`
 * and is addressed by `"<area>/<name>"`. Queries are loaded once, frozen, and always run with
 * parameters; nothing here builds Cypher from input. A unit test checks that the files on disk and
 * {@link QUERY_NAMES} match both ways and that no file interpolates (`${`).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Every query the service may run. Adding a file means adding its name here (the unit test enforces it). */
export const QUERY_NAMES = [
  'audit/list-audit-events',
  'audit/list-model-changes-since',
  'audit/list-model-header-changes',
  'audit/record-audit-event',
  'backup/count-app-nodes',
  'backup/count-other-nodes',
  'backup/delete-app-nodes',
  'backup/read-app-graph',
  'backup/restore-nodes',
  'backup/restore-relationships',
  'catalogue/create-catalogue',
  'catalogue/delete-catalogue',
  'catalogue/get-catalogue',
  'catalogue/get-catalogue-version',
  'catalogue/link-placements',
  'catalogue/list-placed-control-ids',
  'element/delete-elements',
  'element/load-assets',
  'element/load-channels',
  'element/load-control-placements',
  'element/load-devices',
  'element/load-interfaces',
  'element/load-vulnerabilities',
  'element/load-zones',
  'element/upsert-assets',
  'element/upsert-channels',
  'element/upsert-control-placements',
  'element/upsert-devices',
  'element/upsert-interfaces',
  'element/upsert-vulnerabilities',
  'element/upsert-zones',
  'health/ping',
  'identity/consume-attempts',
  'identity/count-users',
  'identity/create-api-key',
  'identity/create-user',
  'identity/get-api-key',
  'identity/get-session-user',
  'identity/get-user',
  'identity/get-user-by-username',
  'identity/list-api-keys',
  'identity/list-users',
  'identity/prune-auth-state',
  'identity/record-login',
  'identity/release-attempts',
  'identity/revoke-api-key',
  'identity/revoke-session',
  'identity/touch-api-key',
  'identity/update-user',
  'model/bump-model-version',
  'model/create-model',
  'model/delete-model',
  'model/delete-model-elements',
  'model/get-model',
  'model/get-model-version',
  'model/list-models',
  'model/list-models-to-migrate',
  'model/lock-model-version',
  'model/replace-model-info',
  'model/set-model-format-version',
  'model/update-model-info',
  'snapshot/create-snapshot',
  'snapshot/delete-snapshot',
  'snapshot/get-snapshot',
  'snapshot/list-snapshots',
] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

/** The repository's `cypher/` folder, found from src/ or dist/ alike. */
export const CYPHER_DIR = path.resolve(__dirname, '..', '..', '..', 'cypher');

let registry: Readonly<Record<QueryName, string>> | undefined;

/** Text of a named query. Throws at first use if any registered file is missing. */
export function cypher(name: QueryName): string {
  if (!registry) {
    const loaded = {} as Record<QueryName, string>;
    for (const n of QUERY_NAMES) {
      const file = path.join(CYPHER_DIR, 'queries', `${n}.cypher`);
      loaded[n] = fs.readFileSync(file, 'utf8');
    }
    registry = Object.freeze(loaded);
  }
  return registry[name];
}

/** Statements of the schema files (cypher/schema/*.cypher, in file-name order), split on `;` at line ends. */
export function schemaStatements(): string[] {
  const dir = path.join(CYPHER_DIR, 'schema');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cypher'))
    .sort()
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split(/;\s*$/m)
        .map((s) =>
          s
            .split('\n')
            .filter((l) => !l.trim().startsWith('//'))
            .join('\n')
            .trim(),
        )
        .filter((s) => s.length > 0),
    );
}
