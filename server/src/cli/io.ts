/**
 * File input and output of the command line, and its error type: a {@link CliError} carries the
 * exit code and a message that names the file (and the line and column, or the field path, of
 * the problem).
 */
import fs from 'node:fs';
import { validateCatalogue, loadBundledCatalogue } from '../domain/catalogue';
import { ValidationError, type FieldIssue } from '../domain/errors';
import type { Catalogue } from '../domain/types';
import { JsonSyntaxError, parseJsonWithPositions, type LocatedJson } from './json-source';

/** Exit codes: 0 success, 1 a --fail-on threshold was exceeded, 2 bad input or usage, 3 the analysis hit a limit. */
export const EXIT = { OK: 0, THRESHOLD: 1, BAD_INPUT: 2, LIMIT: 3 } as const;

/** Largest input file read, bytes (64 MiB): a larger one is refused before it is read. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** An error the command line reports as a message and an exit code (never a stack trace). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.BAD_INPUT,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Reads a file as bytes, refusing one larger than {@link MAX_INPUT_BYTES}.
 * @throws CliError (exit 2) naming the file when it cannot be read or is too large
 */
export function readInputFile(file: string): Buffer {
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new CliError(`${file}: not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_INPUT_BYTES)
    throw new CliError(`${file}: ${size} bytes is more than the ${MAX_INPUT_BYTES} bytes accepted`);
  return fs.readFileSync(file);
}

/**
 * Reads and parses a JSON file, keeping positions.
 * @throws CliError `file:line:column: message` on a syntax error, or naming the file when unreadable
 */
export function readJsonFile(file: string): LocatedJson {
  const text = readInputFile(file).toString('utf8');
  try {
    return parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CliError(`${file}:${e.message} (not valid JSON)`);
    throw e;
  }
}

/** Validation issues as `file:line:column: path: message` lines. */
export function locatedIssues(file: string, json: LocatedJson, issues: readonly FieldIssue[]): string[] {
  return issues.map((issue) => {
    const { line, column } = json.locate(issue.path);
    return `${file}:${line}:${column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
  });
}

/**
 * Runs `fn` on the parsed file; a ValidationError becomes a CliError listing every issue at its
 * place in the file.
 */
export function withLocatedIssues<T>(file: string, json: LocatedJson, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      const lines = locatedIssues(file, json, e.issues);
      throw new CliError(`${file}: ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    }
    throw e;
  }
}

/**
 * The catalogue to analyse with: `file` (a catalogue document as `Catalogue.document` of the
 * GraphQL API exports it, validated against seeds/catalogue.schema.json), or the bundled TR 67
 * catalogue (seeds/catalogue/tr67-catalogue.json) when none is given.
 * @throws CliError naming the file and the place of each problem
 */
export function loadCatalogueFile(file: string | undefined): Catalogue {
  if (file === undefined) return loadBundledCatalogue();
  const json = readJsonFile(file);
  return withLocatedIssues(file, json, () => validateCatalogue(json.value));
}

/** Writes `text` to `file`, or to standard output when `file` is undefined or '-'. */
export function writeOutput(file: string | undefined, text: string): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (file === undefined || file === '-') process.stdout.write(body);
  else fs.writeFileSync(file, body);
}
