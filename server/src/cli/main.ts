/**
 * `medthreat`: the command line. Needs no server and no database: it runs the same pure engine
 * (server/src/engine), validation and migration (domain/model-document.ts) and catalogue loading
 * (domain/catalogue.ts) as the server, on files. See docs/integration.md ("Command line").
 *
 * Exit codes ({@link EXIT}): 0 success; 1 a `--fail-on-risk` / `--fail-on-severity` threshold was
 * exceeded; 2 bad input or usage (the message names the file, line and column or field path);
 * 3 the analysis hit an engine limit.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EngineLimitError, ValidationError } from '../domain/errors';
import { migrateModelDocument } from '../domain/model-migration';
import { RISK_SCALES, SEVERITIES, type RiskScale, type Severity } from '../domain/types';
import { analyseModel, loadModelDocument, severityRankOf, worstRank, type CliAnalysis } from './analyse';
import { CliError, EXIT, loadCatalogueFile, readJsonFile, withLocatedIssues } from './io';
import { formatAnalysisText } from './format';
import { validateModelDocument } from '../domain/model-document';
import { EXTRA_COMMANDS, emit, type CommandStreams } from './commands';

const USAGE = `medthreat <command> [options]

Commands:
  analyse <model.json>    ranked attack paths and the minimum-cost recommendation
      --format text|json      output format (default text)
      --top N                 only the N highest-risk paths (default: all found, at most 500)
      --scale SAFETY|PRIVACY  risk scale of the targets (default SAFETY)
      --min-severity S        severity the recommendation cuts (default CRITICAL)
      --assume-planned        count PLANNED control placements as in force (residual risk after the plan)
      --catalogue FILE        analyse with this catalogue (default: the bundled TR 67 catalogue)
      --fail-on-risk N        exit 1 when the total risk (Σ severity rank × likelihood) is above N
      --fail-on-severity S    exit 1 when a path reaches a target of severity S or worse
      --output FILE           write the report to FILE instead of standard output
  validate <model.json>   check a model document (exchange schema and domain rules)
      --catalogue FILE
${EXTRA_COMMANDS.map((c) => c.usage).join('\n')}
Exit codes: 0 ok, 1 threshold exceeded, 2 bad input or usage, 3 engine limit.`;

/** Output streams, replaceable in tests. */
export type CliStreams = CommandStreams;

const defaultStreams: CliStreams = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${USAGE}`);
  }
}

function oneFile(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new CliError(`expected one ${what} file, got ${positionals.length}\n\n${USAGE}`);
  return positionals[0]!;
}

function numberOption(name: string, value: string | undefined, integer: boolean, min: number, max: number) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new CliError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got '${value}'`,
    );
  }
  return n;
}

async function analyse(args: string[], io: CliStreams): Promise<number> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', default: 'text' },
    top: { type: 'string' },
    scale: { type: 'string', default: 'SAFETY' },
    'min-severity': { type: 'string', default: 'CRITICAL' },
    'assume-planned': { type: 'boolean' },
    catalogue: { type: 'string' },
    'fail-on-risk': { type: 'string' },
    'fail-on-severity': { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  const file = oneFile(positionals, 'model');
  const format = String(values.format);
  if (format !== 'text' && format !== 'json') throw new CliError(`--format must be text or json, got '${format}'`);
  const scale = String(values.scale).toUpperCase();
  if (!(RISK_SCALES as readonly string[]).includes(scale)) {
    throw new CliError(`--scale must be one of ${RISK_SCALES.join(', ')}, got '${values.scale}'`);
  }
  const minSeverity = String(values['min-severity']).toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(minSeverity)) {
    throw new CliError(`--min-severity must be one of ${SEVERITIES.join(', ')}, got '${values['min-severity']}'`);
  }
  const top = numberOption('top', values.top as string | undefined, true, 1, 5000);
  const failOnRisk = numberOption(
    'fail-on-risk',
    values['fail-on-risk'] as string | undefined,
    false,
    0,
    Number.MAX_VALUE,
  );
  const failSeverityName = values['fail-on-severity'] as string | undefined;
  const failOnRank = failSeverityName === undefined ? undefined : severityRankOf(failSeverityName);
  if (failOnRank === null) {
    throw new CliError(
      `--fail-on-severity must be a severity (${SEVERITIES.join(', ')}; on PRIVACY also ONE_PATIENT … MASS), got '${failSeverityName}'`,
    );
  }

  const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
  const json = readJsonFile(file);
  const document = withLocatedIssues(file, json, () => loadModelDocument(json.value, catalogue));
  let analysis: CliAnalysis;
  try {
    analysis = await analyseModel(document, catalogue, {
      scale: scale as RiskScale,
      minSeverity: minSeverity as Severity,
      assume: values['assume-planned'] === true ? 'IMPLEMENTED_AND_PLANNED' : 'IMPLEMENTED',
      ...(top !== undefined ? { top } : {}),
    });
  } catch (e) {
    if (e instanceof EngineLimitError) throw new CliError(`${file}: analysis stopped: ${e.message}`, EXIT.LIMIT);
    if (e instanceof ValidationError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }

  const failures: string[] = [];
  if (failOnRisk !== undefined && analysis.paths.totalRisk > failOnRisk) {
    failures.push(`total risk ${round(analysis.paths.totalRisk)} is above --fail-on-risk ${failOnRisk}`);
  }
  if (failOnRank !== undefined && worstRank(analysis) >= failOnRank) {
    const worst = analysis.totals.worstSeverity ?? analysis.totals.worstPrivacySeverity;
    failures.push(
      `a path reaches a ${worst} target, at or above --fail-on-severity ${failSeverityName!.toUpperCase()}`,
    );
  }
  const report =
    format === 'json'
      ? JSON.stringify({ ...analysis, thresholds: { failed: failures.length > 0, reasons: failures } }, null, 2)
      : formatAnalysisText(analysis, top);
  emit(io, values.output as string | undefined, report);
  for (const f of failures) io.err(`medthreat: ${f}`);
  return failures.length ? EXIT.THRESHOLD : EXIT.OK;
}

async function validate(args: string[], io: CliStreams): Promise<number> {
  const { values, positionals } = parse(args, { catalogue: { type: 'string' } });
  const file = oneFile(positionals, 'model');
  const catalogue = loadCatalogueFile(values.catalogue as string | undefined);
  const json = readJsonFile(file);
  const { fromVersion, changes } = migrateModelDocument(json.value);
  const doc = withLocatedIssues(file, json, () => validateModelDocument(json.value, catalogue));
  for (const c of changes) io.err(`${file}: ${c.path}: migrated from ${fromVersion}: ${c.message}`);
  io.out(
    `${file}: valid model '${doc.model.id}' (format ${fromVersion ?? '?'}` +
      `${fromVersion !== doc.formatVersion ? `, read as ${doc.formatVersion}` : ''}): ` +
      `${doc.zones.length} zones, ${doc.devices.length} devices, ${doc.interfaces.length} interfaces, ` +
      `${doc.channels.length} channels, ${doc.assets.length} assets, ${doc.vulnerabilities.length} vulnerabilities, ` +
      `${doc.controlPlacements.length} control placements`,
  );
  return EXIT.OK;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Runs the command line on `argv` (without node and the script) and returns the exit code;
 * never throws for bad input (the message goes to `io.err`).
 */
export async function main(argv: string[], io: CliStreams = defaultStreams): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? EXIT.BAD_INPUT : EXIT.OK;
    }
    if (command === 'analyse' || command === 'analyze') return await analyse(rest, io);
    if (command === 'validate') return await validate(rest, io);
    const extra = EXTRA_COMMANDS.find((c) => c.name === command);
    if (extra) return await extra.run(rest, io);
    throw new CliError(`unknown command '${command}'\n\n${USAGE}`);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`medthreat: ${e.message}`);
      return e.exitCode;
    }
    if (e instanceof ValidationError) {
      io.err(`medthreat: ${e.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n')}`);
      return EXIT.BAD_INPUT;
    }
    io.err(`medthreat: internal error: ${(e as Error).stack ?? String(e)}`);
    return 70;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
