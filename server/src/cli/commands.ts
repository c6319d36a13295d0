/**
 * The command line's import and export commands (the analysis commands are in main.ts). Each
 * reads files, runs a pure importer or exporter (server/src/importers, server/src/exporters) and
 * writes a file; nothing needs a server or a database.
 */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { canonicalModelDocument } from '../domain/model-document';
import { applyInventoryCsv, type InventoryIssue } from '../importers/inventory-csv';
import { loadModelDocument } from './analyse';
import { CliError, EXIT, loadCatalogueFile, readInputFile, readJsonFile, withLocatedIssues, writeOutput } from './io';
import { EngineLimitError, ValidationError } from '../domain/errors';
import { RISK_SCALES, type Catalogue, type ModelDocument, type RiskScale } from '../domain/types';
import { exportOpenGraph } from '../exporters/opengraph';
import { exportOtm } from '../exporters/otm';
import type { ModelImportResult } from '../importers/model-builder';
import { importOtm } from '../importers/otm';
import { applyCsafImport, previewCsafImport, type CsafImportPreview } from '../importers/csaf';
import { applyCycloneDxImport, previewCycloneDxImport, type CycloneDxImportPreview } from '../importers/cyclonedx';
import { importThreatDragon } from '../importers/threat-dragon';
import { importMds2, type Mds2Preview, type Mds2Target } from '../importers/mds2';

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

/** Prints an import report to the error stream: what was created, warnings, what was not mapped. */
function printReport(io: CommandStreams, file: string, result: ModelImportResult): void {
  const { report } = result;
  const created = Object.entries(report.created)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  for (const w of report.warnings) io.err(`${file}: ${w.path}: warning: ${w.message}`);
  for (const u of report.unmapped) {
    io.err(
      `${file}: ${u.path}: not mapped: ${u.kind}${u.name ? ` '${u.name}'` : u.id ? ` '${u.id}'` : ''}: ${u.reason}`,
    );
  }
  io.err(
    `${file}: ${report.source} → model '${result.document.model.id}': ${created}; ${report.unmapped.length} item(s) not mapped`,
  );
}

/** An import command from another tool's JSON model into a new model file. */
function modelImport(
  name: string,
  what: string,
  run: (input: unknown, catalogue: Catalogue) => ModelImportResult,
): CliCommand {
  const usage = `  ${name} <file.json>   ${what} into a new model file (report on standard error)
      --output FILE           write the model here (default: standard output)
      --report FILE           also write the import report as JSON
      --catalogue FILE`;
  return {
    name,
    usage,
    async run(args, io) {
      const { values, positionals } = parse(
        args,
        { output: { type: 'string', short: 'o' }, report: { type: 'string' }, catalogue: { type: 'string' } },
        usage,
      );
      if (positionals.length !== 1) throw new CliError(`expected one file\nusage:\n${usage}`);
      const file = positionals[0]!;
      const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
      const json = readJsonFile(file);
      const result = withLocatedIssues(file, json, () => run(json.value, catalogue));
      printReport(io, file, result);
      if (values.report) writeOutput(values.report as string, JSON.stringify(result.report, null, 2));
      emit(io, values.output as string | undefined, JSON.stringify(canonicalModelDocument(result.document), null, 2));
      return EXIT.OK;
    },
  };
}

/** An export command from a model file. */
function modelExport(
  name: string,
  what: string,
  extraOptions: NonNullable<ParseArgsConfig['options']>,
  extraUsage: string,
  run: (doc: ModelDocument, catalogue: Catalogue, values: Record<string, unknown>) => unknown,
): CliCommand {
  const usage = `  ${name} <model.json>   ${what}
      --output FILE           write it here (default: standard output)
${extraUsage}      --catalogue FILE`;
  return {
    name,
    usage,
    async run(args, io) {
      const { values, positionals } = parse(
        args,
        { output: { type: 'string', short: 'o' }, catalogue: { type: 'string' }, ...extraOptions },
        usage,
      );
      if (positionals.length !== 1) throw new CliError(`expected one model file\nusage:\n${usage}`);
      const file = positionals[0]!;
      const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
      const json = readJsonFile(file);
      const doc = withLocatedIssues(file, json, () => loadModelDocument(json.value, catalogue));
      let out: unknown;
      try {
        out = run(doc, catalogue, values as Record<string, unknown>);
      } catch (e) {
        if (e instanceof EngineLimitError) throw new CliError(`${file}: export stopped: ${e.message}`, EXIT.LIMIT);
        throw e;
      }
      emit(io, values.output as string | undefined, JSON.stringify(out, null, 2));
      return EXIT.OK;
    },
  };
}

function topOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5000)
    throw new CliError(`--top must be an integer between 1 and 5000, got '${String(value)}'`);
  return n;
}

function scaleOption(value: unknown): RiskScale {
  const s = String(value ?? 'SAFETY').toUpperCase();
  if (!(RISK_SCALES as readonly string[]).includes(s))
    throw new CliError(`--scale must be one of ${RISK_SCALES.join(', ')}`);
  return s as RiskScale;
}

const csafUsage = `  import-csaf <model.json> <advisory.json>   a CSAF 2.0 advisory: matched devices, vulnerabilities, suggested controls
      --preview               print what would change, write nothing
      --confirm ID            apply a FUZZY match of this device (or change id); repeatable
      --skip ID               leave this change out; repeatable
      --output FILE           write the updated model here (default: standard output)
      --catalogue FILE`;

const importCsaf: CliCommand = {
  name: 'import-csaf',
  usage: csafUsage,
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        preview: { type: 'boolean' },
        confirm: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        catalogue: { type: 'string' },
      },
      csafUsage,
    );
    if (positionals.length !== 2)
      throw new CliError(`expected a model file and an advisory file\nusage:\n${csafUsage}`);
    const [modelFile, advisoryFile] = positionals as [string, string];
    const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
    const json = readJsonFile(modelFile);
    const doc = withLocatedIssues(modelFile, json, () => loadModelDocument(json.value, catalogue));
    let preview: CsafImportPreview;
    try {
      preview = previewCsafImport(readInputFile(advisoryFile), doc, catalogue, {
        fileName: path.basename(advisoryFile),
      });
    } catch (e) {
      importerError(advisoryFile, e);
    }
    const a = preview.advisory;
    io.err(`${advisoryFile}: ${a.trackingId} (${a.title}, version ${a.version}, ${a.publisher})`);
    for (const d of preview.devices.filter((x) => x.level !== 'NO_MATCH')) {
      const reasons = d.products.flatMap((p) => p.reasons).slice(0, 3);
      io.err(`  ${d.level} ${d.deviceId} (${d.deviceName}): ${reasons.join('; ')}`);
    }
    for (const v of preview.vulnerabilities) {
      io.err(
        `  ${v.action} ${v.id} [${v.match}] ${v.vulnerability.status ?? 'AFFECTED'} ${v.vulnerability.cvssVector}`,
      );
    }
    for (const c of preview.controls) io.err(`  suggest ${c.id} [${c.match}] PLANNED: ${c.because}`);
    for (const w of preview.warnings) io.err(`  warning: ${w.path}: ${w.message}`);
    if (values.preview === true) {
      emit(io, values.output as string | undefined, JSON.stringify(preview, null, 2));
      return EXIT.OK;
    }
    let updated: ModelDocument;
    try {
      updated = applyCsafImport(doc, preview, {
        catalogue,
        confirm: (values.confirm as string[] | undefined) ?? [],
        skip: (values.skip as string[] | undefined) ?? [],
      });
    } catch (e) {
      importerError(advisoryFile, e);
    }
    emit(io, values.output as string | undefined, JSON.stringify(canonicalModelDocument(updated), null, 2));
    return EXIT.OK;
  },
};

const sbomUsage = `  import-sbom <model.json> <bom.json> --device ID   a CycloneDX 1.4–1.6 SBOM or VEX onto one device
      --device ID             the device the BOM describes (required)
      --preview               print what would change, write nothing
      --skip ID               leave this change out; repeatable
      --output FILE           write the updated model here (default: standard output)
      --catalogue FILE`;

const importSbom: CliCommand = {
  name: 'import-sbom',
  usage: sbomUsage,
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        device: { type: 'string' },
        preview: { type: 'boolean' },
        skip: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        catalogue: { type: 'string' },
      },
      sbomUsage,
    );
    if (positionals.length !== 2 || typeof values.device !== 'string') {
      throw new CliError(`expected a model file, a BOM file and --device\nusage:\n${sbomUsage}`);
    }
    const [modelFile, bomFile] = positionals as [string, string];
    const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
    const json = readJsonFile(modelFile);
    const doc = withLocatedIssues(modelFile, json, () => loadModelDocument(json.value, catalogue));
    let preview: CycloneDxImportPreview;
    try {
      preview = previewCycloneDxImport(readInputFile(bomFile), doc, {
        deviceId: values.device,
        fileName: path.basename(bomFile),
      });
    } catch (e) {
      importerError(bomFile, e);
    }
    const c = preview.components;
    io.err(
      `${bomFile}: ${preview.bom.kind} ${preview.bom.specVersion} onto ${preview.deviceId}` +
        (c ? `: ${c.after.length} components (${c.added} added, ${c.removed} removed)` : ''),
    );
    for (const v of preview.vulnerabilities) {
      io.err(`  ${v.action} ${v.id} ${v.vulnerability.status ?? 'AFFECTED'} ${v.vulnerability.cvssVector}`);
    }
    for (const w of preview.warnings) io.err(`  warning: ${w.path}: ${w.message}`);
    if (values.preview === true) {
      emit(io, values.output as string | undefined, JSON.stringify(preview, null, 2));
      return EXIT.OK;
    }
    let updated: ModelDocument;
    try {
      updated = applyCycloneDxImport(doc, preview, { catalogue, skip: (values.skip as string[] | undefined) ?? [] });
    } catch (e) {
      importerError(bomFile, e);
    }
    emit(io, values.output as string | undefined, JSON.stringify(canonicalModelDocument(updated), null, 2));
    return EXIT.OK;
  },
};

/** Import and export commands, in the order the usage lists them. */
const mds2Usage = `  import-mds2 <model.json> <form.xlsx>        an MDS2 (ANSI/NEMA HN 1-2019) form: device flags, interfaces, implemented controls
      --device ID             apply to this device (default: every device of the form's make and model, DOC-1/DOC-3)
      --manufacturer TEXT --model TEXT
                              apply to every device of this make and model
      --preview               print what would change, write nothing
      --output FILE           write the updated model here (default: standard output)
      --catalogue FILE`;

const importMds2Command: CliCommand = {
  name: 'import-mds2',
  usage: mds2Usage,
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        device: { type: 'string' },
        manufacturer: { type: 'string' },
        model: { type: 'string' },
        preview: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        catalogue: { type: 'string' },
      },
      mds2Usage,
    );
    if (positionals.length !== 2)
      throw new CliError(`expected a model file and an MDS2 workbook\nusage:\n${mds2Usage}`);
    const [modelFile, formFile] = positionals as [string, string];
    const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
    const json = readJsonFile(modelFile);
    const doc = withLocatedIssues(modelFile, json, () => loadModelDocument(json.value, catalogue));
    const target: Mds2Target | undefined =
      typeof values.device === 'string'
        ? { deviceId: values.device }
        : typeof values.manufacturer === 'string' && typeof values.model === 'string'
          ? { manufacturer: values.manufacturer, modelName: values.model }
          : undefined;
    let result: { document: ModelDocument; preview: Mds2Preview };
    try {
      result = await importMds2(readInputFile(formFile), doc, catalogue, target);
    } catch (e) {
      importerError(formFile, e);
    }
    const { preview } = result;
    io.err(`${formFile}: MDS2 form${preview.documentId ? ` ${preview.documentId}` : ''} (sha256 ${preview.sha256})`);
    for (const d of preview.devices) {
      io.err(`  ${d.deviceId} (${d.deviceName}): ${d.changes.length} change(s), ${d.conflicts.length} conflict(s)`);
      for (const c of d.changes) io.err(`    ${JSON.stringify(c)}`);
      for (const c of d.conflicts) io.err(`    conflict: ${JSON.stringify(c)}`);
    }
    for (const w of preview.warnings) io.err(`  warning: ${JSON.stringify(w)}`);
    if (values.preview === true) {
      emit(io, values.output as string | undefined, JSON.stringify(preview, null, 2));
      return EXIT.OK;
    }
    emit(io, values.output as string | undefined, JSON.stringify(canonicalModelDocument(result.document), null, 2));
    return EXIT.OK;
  },
};

export const EXTRA_COMMANDS: CliCommand[] = [
  importMds2Command,
  importInventory,
  importCsaf,
  importSbom,
  modelImport('import-otm', 'an Open Threat Model (OTM 0.2.0) file, validated strictly,', importOtm),
  modelImport('import-threat-dragon', 'an OWASP Threat Dragon v2 model, read leniently,', importThreatDragon),
  modelExport('export-otm', 'the model as an Open Threat Model (OTM 0.2.0) document', {}, '', (doc, catalogue) =>
    exportOtm(doc, catalogue),
  ),
  modelExport(
    'export-opengraph',
    'the attack graph and paths as BloodHound OpenGraph JSON',
    { top: { type: 'string' }, scale: { type: 'string' }, 'include-blocked': { type: 'boolean' } },
    `      --top N                 only the steps and nodes of the N highest-risk paths
      --scale SAFETY|PRIVACY  risk scale of the paths (default SAFETY)
      --include-blocked       also the steps an implemented control blocks
`,
    (doc, catalogue, values) => {
      const top = topOption(values['top']);
      return exportOpenGraph(doc, catalogue, {
        scale: scaleOption(values['scale']),
        ...(top !== undefined ? { top } : {}),
        includeBlocked: values['include-blocked'] === true,
      });
    },
  ),
];
