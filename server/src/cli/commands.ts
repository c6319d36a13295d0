/**
 * The command line's import and export commands (the analysis commands are in main.ts). Each
 * reads files, runs a pure importer or exporter (server/src/importers, server/src/exporters) and
 * writes a file; nothing needs a server or a database.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { canonicalModelDocument } from '../domain/model-document';
import { applyInventoryCsv, type InventoryIssue } from '../importers/inventory-csv';
import { loadModelDocument } from './analyse';
import { CliError, EXIT, loadCatalogueFile, readInputFile, readJsonFile, withLocatedIssues, writeOutput } from './io';
import { ValidationError } from '../domain/errors';

/** Output streams of a command (main.ts passes process.stdout/stderr, tests their own). */
export interface CommandStreams {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** One subcommand: its name, its usage lines, and what it runs (returns the exit code). */
export interface CliCommand {
  name: string;
  usage: string;
  run(args: string[], io: CommandStreams): Promise<number>;
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\nusage:\n${usage}`);
  }
}

/** Writes a report to `file`, or to the command's output stream when none (or '-') is given. */
export function emit(io: CommandStreams, file: string | undefined, text: string): void {
  if (file === undefined || file === '-') io.out(text);
  else writeOutput(file, text);
}

/** A ValidationError of an importer as a CliError naming the input file. */
function importerError(file: string, e: unknown): never {
  if (e instanceof ValidationError) {
    throw new CliError(
      `${file}: ${e.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join(`\n${file}: `)}`,
    );
  }
  throw e;
}

const inventoryUsage = `  import-inventory <model.json> <inventory.csv>   apply a device inventory CSV (docs/integration.md)
      --output FILE           write the updated model here (default: standard output)
      --default-zone ID       zone of rows without a Zone cell (repeatable)
      --accept-formula-text   keep cells that look like formulas as text (a warning, not an error)
      --catalogue FILE`;

const importInventory: CliCommand = {
  name: 'import-inventory',
  usage: inventoryUsage,
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        output: { type: 'string', short: 'o' },
        'default-zone': { type: 'string', multiple: true },
        'accept-formula-text': { type: 'boolean' },
        catalogue: { type: 'string' },
      },
      inventoryUsage,
    );
    if (positionals.length !== 2) throw new CliError(`expected a model file and a CSV file\nusage:\n${inventoryUsage}`);
    const [modelFile, csvFile] = positionals as [string, string];
    const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
    const json = readJsonFile(modelFile);
    const doc = withLocatedIssues(modelFile, json, () => loadModelDocument(json.value, catalogue));
    let result: ReturnType<typeof applyInventoryCsv>;
    try {
      result = applyInventoryCsv(doc, readInputFile(csvFile), catalogue, {
        defaultZoneIds: (values['default-zone'] as string[] | undefined) ?? [],
        acceptFormulaText: values['accept-formula-text'] === true,
      });
    } catch (e) {
      importerError(csvFile, e);
    }
    const where = (i: InventoryIssue) => `${csvFile}:${i.line}${i.column !== null ? `: column '${i.column}'` : ''}`;
    for (const i of result.issues) io.err(`${where(i)}: ${i.severity}: ${i.code}: ${i.message}`);
    if (!result.document) {
      const errors = result.issues.filter((i) => i.severity === 'error').length;
      throw new CliError(`${csvFile}: ${errors} error${errors === 1 ? '' : 's'}; nothing written`);
    }
    emit(io, values.output as string | undefined, JSON.stringify(canonicalModelDocument(result.document), null, 2));
    io.err(
      `${csvFile}: ${result.created} device(s) created, ${result.updated} updated, ${result.unchanged} unchanged` +
        `${values.output ? ` → ${values.output as string}` : ''}`,
    );
    return EXIT.OK;
  },
};

/** Import and export commands, in the order the usage lists them. */
export const EXTRA_COMMANDS: CliCommand[] = [importInventory];
