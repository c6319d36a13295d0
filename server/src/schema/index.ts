/** Loads the SDL files of this folder (the schema is the source of truth; resolvers follow it). */
import fs from 'node:fs';
import path from 'node:path';

/** Folder holding the *.graphql files, from src/ or dist/ alike. */
export const SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'src', 'schema');

/** The SDL, files concatenated in name order. */
export function loadTypeDefs(): string {
  return fs
    .readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort((a, b) => (a === 'model.graphql' ? -1 : b === 'model.graphql' ? 1 : a.localeCompare(b)))
    .map((f) => fs.readFileSync(path.join(SCHEMA_DIR, f), 'utf8'))
    .join('\n');
}
