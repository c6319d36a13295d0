/**
 * Device inventory CSV (the spreadsheet every hospital keeps, exported as CSV) → upsertDevices
 * items (domain/inventory.ts `deviceUpsertItemSchema`), with every problem reported at its row
 * and column. Pure: text in, items and issues out; no I/O, no driver. The columns are documented
 * in docs/integration.md ("Device inventory CSV").
 *
 * - The header row names the columns; names are matched case-, space-, dash- and
 *   underscore-insensitively against {@link INVENTORY_COLUMNS} and their aliases ("Make" is the
 *   manufacturer, "Firmware" the software version, "HSA class" the risk class, ...). Unknown
 *   columns are reported once (warning) and ignored.
 * - Comma, semicolon or tab separated (chosen from the header row, or Excel's `sep=` first line),
 *   UTF-8 with or without a byte-order mark (or UTF-16 with one), quoted cells per RFC 4180
 *   (csv-parse).
 * - An empty cell leaves the field absent (an update keeps the stored value); "-", "—", "n/a"
 *   and "none" are read as empty too.
 * - Cells that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, or a
 *   tab or carriage return: OWASP "CSV injection") are never evaluated: the text is kept as
 *   written and the cell is flagged (FORMULA, an error unless `acceptFormulaText`).
 * - Enumerations are tolerant: categories by name or words ("Infusion pump" → INFUSION_PUMP),
 *   risk classes as "B", "Class B" or "HSA class B"; yes/no flags as yes/no, y/n, true/false, 1/0.
 * - Zones by id or by name (given the model's zones), several separated by `;` or `|`.
 *
 * Whole-file problems (not text, no header, no name or external-id column, more than
 * {@link MAX_INVENTORY_ROWS} rows, broken quoting) raise a ValidationError naming the line.
 */
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../domain/errors';
import {
  MAX_UPSERT_DEVICES,
  applyDeviceUpsert,
  parseDeviceUpsertItems,
  type DeviceUpsertError,
} from '../domain/inventory';
import { DEVICE_CATEGORIES, RISK_CLASSES, type Catalogue, type ModelDocument, type Zone } from '../domain/types';

/** Most data rows in one file (the limit of one upsertDevices call). */
export const MAX_INVENTORY_ROWS = MAX_UPSERT_DEVICES;

/** Fields of an upsert item a column can fill. */
export type InventoryField =
  | 'externalId'
  | 'name'
  | 'category'
  | 'manufacturer'
  | 'modelName'
  | 'software'
  | 'softwareVersion'
  | 'riskClass'
  | 'zoneIds'
  | 'ipAddresses'
  | 'macAddresses'
  | 'assetTag'
  | 'generalPurposeOs'
  | 'patchable'
  | 'handlesPersonalData'
  | 'storesData'
  | 'remoteService';

/** The documented columns: the field, the header written in our template, and the aliases accepted. */
export const INVENTORY_COLUMNS: readonly { field: InventoryField; header: string; aliases: readonly string[] }[] = [
  {
    field: 'externalId',
    header: 'External ID',
    aliases: ['external id', 'externalid', 'cmdb id', 'ci id', 'device id', 'inventory id', 'record id', 'id'],
  },
  {
    field: 'name',
    header: 'Name',
    aliases: ['name', 'device name', 'device', 'hostname', 'host name', 'display name'],
  },
  { field: 'category', header: 'Category', aliases: ['category', 'device category', 'device type', 'type'] },
  { field: 'manufacturer', header: 'Manufacturer', aliases: ['manufacturer', 'make', 'vendor', 'brand', 'mfr'] },
  { field: 'modelName', header: 'Model', aliases: ['model', 'model name', 'device model', 'product', 'product name'] },
  {
    field: 'softwareVersion',
    header: 'Software version',
    aliases: [
      'software version',
      'sw version',
      'firmware version',
      'fw version',
      'version',
      'software release',
      'firmware',
    ],
  },
  {
    field: 'software',
    header: 'Software',
    aliases: ['software', 'operating system', 'os', 'platform'],
  },
  {
    field: 'riskClass',
    header: 'Risk class',
    aliases: ['risk class', 'hsa risk class', 'hsa class', 'device class', 'class', 'risk'],
  },
  {
    field: 'zoneIds',
    header: 'Zone',
    aliases: ['zone', 'zones', 'zone id', 'network zone', 'segment', 'network segment', 'vlan'],
  },
  {
    field: 'ipAddresses',
    header: 'IP address',
    aliases: ['ip address', 'ip addresses', 'ip', 'ipv4', 'ipv6', 'ip addr'],
  },
  { field: 'macAddresses', header: 'MAC address', aliases: ['mac address', 'mac addresses', 'mac', 'mac addr'] },
  {
    field: 'assetTag',
    header: 'Asset tag',
    aliases: ['asset tag', 'tag', 'asset number', 'asset no', 'asset tag number'],
  },
  {
    field: 'generalPurposeOs',
    header: 'General-purpose OS',
    aliases: ['general purpose os', 'gp os', 'commercial os'],
  },
  { field: 'patchable', header: 'Patchable', aliases: ['patchable', 'can be patched'] },
  {
    field: 'handlesPersonalData',
    header: 'Handles personal data',
    aliases: ['handles personal data', 'personal data', 'phi', 'pii'],
  },
  { field: 'storesData', header: 'Stores data', aliases: ['stores data', 'data at rest'] },
  { field: 'remoteService', header: 'Remote service', aliases: ['remote service', 'remote access', 'remote support'] },
];

/** Header text → the key it is matched by: lower case, only letters and digits, single spaces. */
const headerKey = (h: string) =>
  h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const BY_ALIAS = new Map<string, InventoryField>(
  INVENTORY_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((a) => [headerKey(a), c.field] as const)),
);

/**
 * Why a row or cell was flagged:
 * - BAD_VALUE: a value that is not one of the field's (category, risk class, flag);
 * - UNKNOWN_ZONE: a zone that is neither an id nor a name of the model's zones;
 * - MISSING_FIELD: no external id (nor asset tag to stand for it) on a row;
 * - FORMULA: a cell that a spreadsheet would run as a formula (kept as text);
 * - EXTRA_CELLS: more non-empty cells than the header has columns (ignored);
 * - UNKNOWN_COLUMN: a header that is none of the documented columns (ignored);
 * - UPSERT: a problem the upsert found (domain/inventory.ts codes in the message's prefix).
 */
export type InventoryIssueCode =
  'BAD_VALUE' | 'UNKNOWN_ZONE' | 'MISSING_FIELD' | 'FORMULA' | 'EXTRA_CELLS' | 'UNKNOWN_COLUMN' | 'UPSERT';

/** One problem at one place of the file. */
export interface InventoryIssue {
  /** Line of the file where the row starts (the header is line 1 when it is the first line). */
  line: number;
  /** The column's header as written in the file; null for the whole row. */
  column: string | null;
  /** The upsert field concerned, when known. */
  field: InventoryField | null;
  code: InventoryIssueCode;
  /** error: the row is not imported (and the CLI writes nothing); warning: imported as reported. */
  severity: 'error' | 'warning';
  message: string;
}

/** Options of {@link parseInventoryCsv}. */
export interface InventoryCsvOptions {
  /** The model's zones: zone cells may then name a zone by its name, and unknown zones are errors. */
  zones?: readonly Pick<Zone, 'id' | 'name'>[];
  /** Zone ids for rows without a zone cell (e.g. a whole export from one ward). */
  defaultZoneIds?: readonly string[];
  /** Keep formula-looking cells as text with a warning instead of an error (default false). */
  acceptFormulaText?: boolean;
}

/** What a file gave: upsert items with the line of each, the mapped columns, and every issue. */
export interface InventoryCsvResult {
  /** upsertDevices items (the GraphQL DeviceUpsertInput shape), rows with errors left out. */
  items: Record<string, unknown>[];
  /** File line of each item's row (same order as `items`). */
  lines: number[];
  /** The header's columns in file order, with the field each fills (null: ignored). */
  columns: { header: string; field: InventoryField | null }[];
  issues: InventoryIssue[];
}

const EMPTY = new Set(['', '-', '—', '–', 'n/a', 'na', 'none', 'null']);
const FORMULA_START = /^[=+\-@\t\r]/;
const YES = new Set(['yes', 'y', 'true', '1', 'x']);
const NO = new Set(['no', 'n', 'false', '0']);
const LIST_FIELDS = new Set<InventoryField>(['zoneIds', 'ipAddresses', 'macAddresses']);
const FLAG_FIELDS = new Set<InventoryField>([
  'generalPurposeOs',
  'patchable',
  'handlesPersonalData',
  'storesData',
  'remoteService',
]);

/** Category words → enum value: "Infusion pump", "infusion-pump", "INFUSION_PUMP" all give INFUSION_PUMP. */
function category(value: string): string | undefined {
  const key = value
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  if ((DEVICE_CATEGORIES as readonly string[]).includes(key)) return key;
  const aliases: Record<string, string> = {
    MONITOR: 'PATIENT_MONITOR',
    VITAL_SIGNS_MONITOR: 'PATIENT_MONITOR',
    PUMP: 'INFUSION_PUMP',
    SYRINGE_PUMP: 'INFUSION_PUMP',
    CT: 'IMAGING',
    MRI: 'IMAGING',
    X_RAY: 'IMAGING',
    ULTRASOUND: 'IMAGING',
    ICD: 'IMPLANTABLE_CARDIAC',
    PACEMAKER: 'IMPLANTABLE_CARDIAC',
    PC: 'WORKSTATION',
    SWITCH: 'NETWORK_DEVICE',
    ROUTER: 'NETWORK_DEVICE',
    ACCESS_POINT: 'NETWORK_DEVICE',
  };
  return aliases[key];
}

/** "B", "Class B", "HSA class b" → "B". */
function riskClass(value: string): string | undefined {
  const m = /^(?:hsa\s*)?(?:risk\s*)?(?:class\s*)?([a-d])$/i.exec(value.trim());
  const c = m?.[1]?.toUpperCase();
  return c && (RISK_CLASSES as readonly string[]).includes(c) ? c : undefined;
}

/** The separator of the file, from its first line: the most frequent of comma, semicolon and tab. */
function sniffDelimiter(text: string): string {
  const first = text.slice(0, Math.min(text.length, 65536)).split(/\r?\n/, 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    const count = first.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Reads an inventory CSV into upsertDevices items.
 * @param input the file's bytes or text (UTF-8)
 * @throws ValidationError for a file that cannot be read as an inventory at all: binary or a
 *   spreadsheet (.xlsx) instead of CSV, broken quoting (path `line N`), no header, no Name or
 *   External ID column, more than {@link MAX_INVENTORY_ROWS} data rows
 */
export function parseInventoryCsv(input: string | Uint8Array, options: InventoryCsvOptions = {}): InventoryCsvResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input[0] === 0x50 && input[1] === 0x4b && input[2] === 0x03 && input[3] === 0x04) {
      throw new ValidationError(
        'the file is a zip archive (an .xlsx workbook?), not CSV: save the sheet as CSV (UTF-8)',
        'file',
      );
    }
    // Excel's "Unicode text" and some CMDB exports are UTF-16 with a byte-order mark
    const encoding =
      input[0] === 0xff && input[1] === 0xfe
        ? 'utf-16le'
        : input[0] === 0xfe && input[1] === 0xff
          ? 'utf-16be'
          : 'utf-8';
    text = new TextDecoder(encoding, { fatal: false }).decode(input);
  }
  if (text.includes('\u0000')) throw new ValidationError('the file is binary, not CSV text', 'file');
  if (text.includes('\ufffd')) {
    throw new ValidationError('the file is not UTF-8 text: save the sheet as CSV (UTF-8)', 'file');
  }

  // Excel's separator hint ("sep=;" as the first line): used, and left out as an empty line
  const hint = /^\ufeff?sep=(.)\r?\n/i.exec(text);
  if (hint) text = `\n${text.slice(hint[0].length)}`;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: hint?.[1] ?? sniffDelimiter(text.replace(/^\ufeff/, '')),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      max_record_size: 1 << 20,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const lines = (e as { lines?: number }).lines;
    throw new ValidationError(
      `not readable as CSV: ${(e as Error).message.replace(/^Invalid [^:]*: /, '')}`,
      lines ? `line ${lines}` : 'file',
    );
  }
  const header = records[0];
  if (!header) throw new ValidationError('the file is empty: it needs a header row and one row per device', 'line 1');
  if (records.length - 1 > MAX_INVENTORY_ROWS) {
    throw new ValidationError(
      `${records.length - 1} rows is more than the ${MAX_INVENTORY_ROWS} accepted in one import; split the file`,
      'file',
    );
  }

  const issues: InventoryIssue[] = [];
  const headerLine = header.info.lines;
  const seen = new Set<InventoryField>();
  const columns = header.record.map((h) => {
    const field = BY_ALIAS.get(headerKey(h)) ?? null;
    if (field && seen.has(field)) {
      issues.push({
        line: headerLine,
        column: h,
        field,
        code: 'UNKNOWN_COLUMN',
        severity: 'warning',
        message: `a second column for ${field}: ignored (the first one is read)`,
      });
      return { header: h, field: null };
    }
    if (field) seen.add(field);
    else if (h.trim() !== '') {
      issues.push({
        line: headerLine,
        column: h,
        field: null,
        code: 'UNKNOWN_COLUMN',
        severity: 'warning',
        message: `'${h}' is not a documented column (docs/integration.md): ignored`,
      });
    }
    return { header: h, field };
  });
  if (!seen.has('name') && !seen.has('externalId') && !seen.has('assetTag')) {
    throw new ValidationError(
      `the first row must be a header naming the columns; none of '${header.record.slice(0, 8).join("', '")}' is Name, External ID or Asset tag`,
      `line ${headerLine}`,
    );
  }

  const zoneById = new Map((options.zones ?? []).map((z) => [z.id, z.id]));
  const zoneByName = new Map((options.zones ?? []).map((z) => [headerKey(z.name), z.id]));
  const items: Record<string, unknown>[] = [];
  const lines: number[] = [];

  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const item: Record<string, unknown> = {};
    let failed = false;
    const flag = (
      column: string | null,
      field: InventoryField | null,
      code: InventoryIssueCode,
      message: string,
      severity: 'error' | 'warning' = 'error',
    ) => {
      issues.push({ line, column, field, code, severity, message });
      if (severity === 'error') failed = true;
    };
    if (record.every((c) => c.trim() === '')) continue;
    record.forEach((raw, i) => {
      const column = columns[i];
      if (!column) {
        if (raw.trim() !== '') {
          flag(
            null,
            null,
            'EXTRA_CELLS',
            `cell ${i + 1} '${raw.slice(0, 40)}' is beyond the header's ${columns.length} columns: ignored`,
            'warning',
          );
        }
        return;
      }
      const { field, header: col } = column;
      if (!field) return;
      if (FORMULA_START.test(raw) && !EMPTY.has(raw.trim().toLowerCase())) {
        flag(
          col,
          field,
          'FORMULA',
          `'${raw.slice(0, 40)}' starts like a spreadsheet formula; it is kept as text, never evaluated` +
            (options.acceptFormulaText ? '' : ' (check the cell, or import with formula text accepted)'),
          options.acceptFormulaText ? 'warning' : 'error',
        );
      }
      const value = raw.trim();
      if (EMPTY.has(value.toLowerCase())) return;
      if (LIST_FIELDS.has(field)) {
        const parts = value
          .split(field === 'zoneIds' ? /[;|\n]+/ : /[;|,\s]+/)
          .map((p) => p.trim())
          .filter((p) => p);
        if (field === 'zoneIds' && options.zones) {
          const ids: string[] = [];
          for (const p of parts) {
            const id = zoneById.get(p) ?? zoneByName.get(headerKey(p));
            if (id) ids.push(id);
            else flag(col, field, 'UNKNOWN_ZONE', `zone '${p}' is neither the id nor the name of a zone of the model`);
          }
          item[field] = [...new Set(ids)];
        } else item[field] = parts;
        return;
      }
      if (FLAG_FIELDS.has(field)) {
        const v = value.toLowerCase();
        if (YES.has(v)) item[field] = true;
        else if (NO.has(v)) item[field] = false;
        else flag(col, field, 'BAD_VALUE', `'${value}' is not yes or no`);
        return;
      }
      if (field === 'category') {
        const c = category(value);
        if (c) item[field] = c;
        else flag(col, field, 'BAD_VALUE', `'${value}' is not a device category (${DEVICE_CATEGORIES.join(', ')})`);
        return;
      }
      if (field === 'riskClass') {
        const c = riskClass(value);
        if (c) item[field] = c;
        else flag(col, field, 'BAD_VALUE', `'${value}' is not an HSA risk class (A, B, C or D)`);
        return;
      }
      item[field] = field === 'externalId' || field === 'assetTag' ? value : raw.trim();
    });
    if (item['zoneIds'] === undefined && options.defaultZoneIds?.length) item['zoneIds'] = [...options.defaultZoneIds];
    if (item['externalId'] === undefined) {
      if (typeof item['assetTag'] === 'string') item['externalId'] = item['assetTag'];
      else {
        flag(null, 'externalId', 'MISSING_FIELD', 'the row has no External ID (nor an Asset tag to stand for it)');
      }
    }
    if (!failed) {
      items.push(item);
      lines.push(line);
    }
  }
  return { items, lines, columns, issues };
}

/**
 * The upsert's errors (domain/inventory.ts; field `devices[3].zoneIds[0]`) at their place in the
 * file: the row of item 3 and the column of its field.
 */
export function upsertErrorsAtRows(result: InventoryCsvResult, errors: readonly DeviceUpsertError[]): InventoryIssue[] {
  return errors.map((e) => {
    const field = /^devices\[\d+\]\.([A-Za-z]+)/.exec(e.field)?.[1] as InventoryField | undefined;
    const column = field ? (result.columns.find((c) => c.field === field)?.header ?? null) : null;
    return {
      line: result.lines[e.index] ?? 0,
      column,
      field: field ?? null,
      code: 'UPSERT',
      severity: 'error',
      message: `${e.code}: ${e.message}`,
    };
  });
}

/** What applying an inventory file to a model gives. */
export interface InventoryImportResult {
  /** The model with the devices written; null when any error was found (nothing is changed then). */
  document: ModelDocument | null;
  created: number;
  updated: number;
  unchanged: number;
  /** Every problem, at its line and column, file order. */
  issues: InventoryIssue[];
}

/**
 * Reads an inventory CSV and applies it to `doc` as upsertDevices does (domain/inventory.ts:
 * devices matched by externalId, fields given replace the stored ones, new devices created),
 * all or nothing: any error (a row's or the upsert's) leaves the model unchanged.
 * Zones may be named by id or name (the model's zones).
 * @throws ValidationError for a file that is not an inventory CSV at all (see {@link parseInventoryCsv})
 */
export function applyInventoryCsv(
  doc: ModelDocument,
  input: string | Uint8Array,
  catalogue: Catalogue,
  options: Omit<InventoryCsvOptions, 'zones'> = {},
): InventoryImportResult {
  const parsed = parseInventoryCsv(input, { ...options, zones: doc.zones });
  const { items, errors: formErrors } = parseDeviceUpsertItems(parsed.items);
  const outcome = applyDeviceUpsert(doc, items, catalogue);
  const issues = [...parsed.issues, ...upsertErrorsAtRows(parsed, [...formErrors, ...outcome.errors])].sort(
    (a, b) => a.line - b.line,
  );
  const failed = issues.some((i) => i.severity === 'error');
  return {
    document: failed ? null : outcome.document,
    created: failed ? 0 : outcome.created.length,
    updated: failed ? 0 : outcome.updated.length,
    unchanged: outcome.unchanged.length,
    issues,
  };
}
