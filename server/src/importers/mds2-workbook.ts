/**
 * Reads the answers of an MDS2 (ANSI/NEMA HN 1-2019, "Manufacturer Disclosure Statement for
 * Medical Device Security") Excel workbook by question id. The 2019 form is a workbook whose rows
 * each hold a question id (e.g. "CONN-1.1.1", "AUTH-1", "MPII-2.1"), the question, an answer
 * (Yes / No / N/A / See note) and a note (standards-notes §3.2). Filled forms differ: headings are
 * worded and placed differently, ids carry typos ("SHAD-15" for SAHD-15, "AUTH 1", "auth-01"),
 * cells are merged, notes are given inline or as numbered notes elsewhere on the sheet. This
 * reader is tolerant of all that; it is strict about what is not data: formulas are never
 * evaluated, and the file passes the ZIP guard (zip-guard.ts) before the parser (exceljs) sees it.
 *
 * Pure apart from the parser (no I/O, no database); async only because exceljs is.
 */
import ExcelJS from 'exceljs';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { sha256Hex } from './common';
import { checkZipArchive, DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip-guard';

/**
 * The 23 question groups of MDS2 2019 (standards-notes §3.2): the 18 IEC TR 80001-2-2 capability
 * codes it keeps plus DOC, MPII, CONN, SBOM and RMOT.
 */
export const MDS2_GROUPS = [
  'DOC',
  'MPII',
  'ALOF',
  'AUDT',
  'AUTH',
  'CSUP',
  'DIDT',
  'DTBK',
  'EMRG',
  'IGAU',
  'MLDP',
  'NAUT',
  'CONN',
  'PAUT',
  'PLOK',
  'RDMP',
  'SBOM',
  'SAHD',
  'SGUD',
  'STCF',
  'TXCF',
  'TXIG',
  'RMOT',
] as const;
export type Mds2Group = (typeof MDS2_GROUPS)[number];

/** Known misspellings of group codes seen in filled public forms (standards-notes §3.2). */
const GROUP_ALIASES: Record<string, Mds2Group> = { SHAD: 'SAHD' };

/** An answer, normalised: YES, NO, NA (not applicable), SEE_NOTE (only a pointer to the note), TEXT (free text: DOC rows), BLANK. */
export type Mds2AnswerValue = 'YES' | 'NO' | 'NA' | 'SEE_NOTE' | 'TEXT' | 'BLANK';

/** Where a value was read: sheet name and A1 cell address. */
export interface CellLocation {
  sheet: string;
  cell: string;
}

/** One answered question. */
export interface Mds2Answer {
  /** Canonical id: group code, hyphen, numbers without leading zeros ("AUTH-1", "MPII-2.1"). */
  questionId: string;
  group: Mds2Group;
  answer: Mds2AnswerValue;
  /** The answer cell's text as written (trimmed, at most 500 characters). */
  text: string;
  /** The answer also says "see note" ("Yes, see note 2"). */
  seeNote: boolean;
  /** The note (inline, or the numbered note it refers to), trimmed, at most 2000 characters. */
  note?: string;
  /** The id as written when it was not canonical ("auth 01", "SHAD-15"). */
  writtenId?: string;
  /** Where the id was found. */
  location: CellLocation;
  /** Where the answer was read (absent for BLANK). */
  answerLocation?: CellLocation;
}

/** A problem that did not stop the import (shown in the preview). */
export interface Mds2Warning {
  location?: CellLocation;
  message: string;
}

/** What was read from the workbook. */
export interface Mds2Workbook {
  /** Answers by canonical question id. */
  answers: Map<string, Mds2Answer>;
  /** DOC-1 (manufacturer), DOC-3 (model) and DOC-4 (document id), when answered with text. */
  document: { manufacturer?: string; model?: string; documentId?: string };
  /** SHA-256 of the file bytes, hex (for the audit event and the provenance of every fact). */
  sha256: string;
  warnings: Mds2Warning[];
}

/** Options of {@link readMds2Workbook}. */
export interface ReadMds2Options {
  limits?: Partial<ZipLimits>;
  /**
   * A cell holding a formula, among the cells read (id, answer, note): `reject` (default) refuses
   * the workbook naming each such cell; `useCachedValue` takes the value Excel last stored for it
   * and lists a warning. Formulas are never evaluated.
   */
  formulaCells?: 'reject' | 'useCachedValue';
  /** Rows read per sheet (default 3000); later rows are ignored with a warning. */
  maxRows?: number;
  /** Columns read per row (default 30). */
  maxColumns?: number;
  /** Sheets read (default 30, in workbook order); later sheets are ignored with a warning. */
  maxSheets?: number;
}

const ID_RE = /^([A-Za-z]{3,4})\s*[-_\u2010-\u2015\s]?\s*(\d{1,3}(?:\s*\.\s*\d{1,3}){0,3})$/;

/** Damerau-Levenshtein distance ≤ 1 between two short codes. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  for (let i = 0; i < l.length; i++) if (l.slice(0, i) + l.slice(i + 1) === s) return true;
  return false;
}

/**
 * The canonical question id of a cell's text, or null when the text is no MDS2 question id.
 * Accepts case, spacing, en/em dashes, underscores, leading zeros ("auth-01" → AUTH-1,
 * "MPII 2. 1" → MPII-2.1), the alias SHAD → SAHD, and a group code one edit away from exactly one
 * known group ("ATUH-1" → AUTH-1; "AUHT-1" and "XAUT-1" are refused: AUTH and AUDT, PAUT and NAUT are one edit away).
 */
export function canonicalQuestionId(
  text: string,
): { id: string; group: Mds2Group; corrected: boolean; groupCorrected: boolean } | null {
  const m = ID_RE.exec(text.trim());
  if (!m) return null;
  const written = m[1]!.toUpperCase();
  const numbers = m[2]!
    .split('.')
    .map((n) => String(Number(n.trim())))
    .join('.');
  let group: Mds2Group | undefined = (MDS2_GROUPS as readonly string[]).includes(written)
    ? (written as Mds2Group)
    : GROUP_ALIASES[written];
  if (!group) {
    const near = MDS2_GROUPS.filter((g) => withinOneEdit(g, written));
    if (near.length === 1 && written.length >= 3) group = near[0];
  }
  if (!group) return null;
  const id = `${group}-${numbers}`;
  return { id, group, corrected: text.trim() !== id, groupCorrected: group !== written };
}

/** The normalised answer of a cell's text. */
export function normaliseAnswer(text: string): { answer: Mds2AnswerValue; seeNote: boolean } {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s\u00a0_]+/g, ' ');
  if (t === '') return { answer: 'BLANK', seeNote: false };
  const seeNote = /\bsee\s*(the\s*)?notes?\b/.test(t);
  if (/^(n\s*\/\s*a|n\.\s*a\.?|na|not\s+applicable)(\b|$|[\s,.;:(-])/.test(t)) return { answer: 'NA', seeNote };
  if (/^(yes|y|true)(\b|$)/.test(t)) return { answer: 'YES', seeNote };
  if (/^(no|n|false)(\b|$)/.test(t)) return { answer: 'NO', seeNote };
  if (/^see\s*(the\s*)?notes?\b/.test(t)) return { answer: 'SEE_NOTE', seeNote: true };
  return { answer: 'TEXT', seeNote };
}

const ANSWER_HEADING =
  /^(answers?|responses?|reply|yes\s*\/\s*no|yes\s*,\s*no|manufacturer'?s?\s+(answer|response))\b/i;
const NOTE_HEADING = /^(notes?|note\s*#|note\s*no\.?|comments?|remarks?|explanations?|details?)\b/i;
const ID_HEADING = /^(question\s*id|question\s*#|id|item|ref(erence)?\s*id)$/i;
/** Cells that cite a standard rather than note anything (the 2019 form's reference columns). */
const REFERENCE_CELL = /^(section\s*[\d.]+|iec\b|nist\b|iso\b|[A-Z]{2}-\d+(\s*\(\d+\))?$|A\.\d+(\.\d+)*$)/i;
const NOTE_REF = /^(?:note\s*(?:#|no\.?)?\s*)?(\d{1,3})$/i;
const NOTE_DEF = /^note\s*(?:#|no\.?)?\s*(\d{1,3})\s*[:.)\-–]?\s*(.*)$/is;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Text as stored: no control or bidi characters, no lone surrogates (the model rejects them), trimmed. */
const cleanText = (s: string) => s.replace(CONTROL_CHARS, '').replace(LONE_SURROGATE, '\uFFFD').trim();

interface ReadCell {
  text: string;
  location: CellLocation;
  col: number;
  /** Holds a formula: `text` is its cached value. Refused or flagged only when the cell is used. */
  formula: boolean;
}

/**
 * The text of one cell (the master of a merged range) and whether it holds a formula; for a
 * formula, the value Excel last stored for it (the formula itself is never evaluated).
 */
function cellText(cell: ExcelJS.Cell): { text: string; formula: boolean } {
  const source = cell.isMerged ? cell.master : cell;
  const value: unknown = source.value;
  const formula =
    source.type === ExcelJS.ValueType.Formula ||
    (value !== null && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value));
  return { text: scalarText(formula ? (value as { result?: unknown }).result : value), formula };
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: { text?: unknown }[]; text?: unknown; error?: unknown };
    if (Array.isArray(v.richText))
      return cleanText(v.richText.map((r) => (typeof r.text === 'string' ? r.text : '')).join(''));
    if (typeof v.text === 'string') return cleanText(v.text);
    if (typeof v.error === 'string') return '';
  }
  return '';
}

function isErrorCell(cell: ExcelJS.Cell): boolean {
  const source = cell.isMerged ? cell.master : cell;
  const v: unknown = source.value;
  return source.type === ExcelJS.ValueType.Error || (v !== null && typeof v === 'object' && 'error' in v);
}

const WORKSHEET_PART = /^\/?xl\/worksheets\/[^/]+\.xml$/;
const IGNORED_SHEET_NODES = ['dataValidations', 'hyperlinks', 'autoFilter', 'rowBreaks', 'picture', 'drawing'];
const MERGE_REF = /<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']*)["']/g;
const CELL_RANGE = /^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$/;
/** Most cells all merged ranges of a workbook may cover (a filled MDS2 merges a few thousand at most). */
export const MAX_MERGED_CELLS = 100_000;

const colNumber = (letters: string) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);

/**
 * Refuses merged ranges the parser would expand into more than {@link MAX_MERGED_CELLS} cells (it
 * creates every cell of a merge: a one-line "A1:XFD1048576" would be 17 billion) or that are not
 * cell ranges. Reads the worksheet XML before the parser does.
 * @throws ValidationError (path "file: <part>")
 */
function checkMergedRanges(entries: { name: string; data?: Buffer }[]): void {
  let total = 0;
  for (const e of entries) {
    if (!e.data) continue;
    const xml = e.data.toString('latin1');
    for (const m of xml.matchAll(MERGE_REF)) {
      const ref = m[1]!.trim().toUpperCase();
      const r = CELL_RANGE.exec(ref);
      if (!r) throw new ValidationError(`merged range '${clip(ref, 40)}' in ${e.name} is not a cell range`, 'file');
      const rows = Math.abs(Number(r[4] ?? r[2]) - Number(r[2])) + 1;
      const cols = Math.abs(colNumber(r[3] ?? r[1]!) - colNumber(r[1]!)) + 1;
      total += rows * cols;
      if (total > MAX_MERGED_CELLS)
        throw new ValidationError(
          `merged cells in ${e.name} cover more than ${MAX_MERGED_CELLS} cells (range '${clip(ref, 40)}'); an MDS2 form needs far fewer`,
          'file',
        );
    }
  }
}

/**
 * Reads an MDS2 2019 workbook.
 *
 * @param input The uploaded file's bytes.
 * @returns The answers by canonical id, the DOC header facts, the file's SHA-256 and warnings
 *   (corrected ids, formula cells read by cached value, Excel error values, repeated ids with the
 *   same answer, rows beyond the limit).
 * @throws ValidationError, never anything else: from the ZIP guard (path "file": not an .xlsx,
 *   truncated, zip bomb, encrypted); "file" when the parser cannot read the workbook or it has no
 *   MDS2 question id at all; with path `Sheet!A1` for each formula cell read (unless
 *   `formulaCells: 'useCachedValue'`) and each question answered twice differently.
 */
export async function readMds2Workbook(input: Uint8Array, options: ReadMds2Options = {}): Promise<Mds2Workbook> {
  if (!(input instanceof Uint8Array)) throw new ValidationError('expected the file bytes', 'file');
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const entries = checkZipArchive(bytes, limits, (name) => WORKSHEET_PART.test(name));
  checkMergedRanges(entries);
  const names = new Set(entries.map((e) => e.name.replace(/^\//, '')));
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml'))
    throw new ValidationError(
      names.has('word/document.xml')
        ? 'the file is a Word document (.docx), not an .xlsx workbook; ask the manufacturer for the MDS2 Excel form'
        : 'the file is a ZIP archive but not an .xlsx workbook (no xl/workbook.xml)',
      'file',
    );
  const workbook = new ExcelJS.Workbook();
  try {
    // Parts an MDS2 answer never needs, some of which the parser expands cell by cell (a data
    // validation over a whole sheet is millions of cells): not parsed.
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer, { ignoreNodes: IGNORED_SHEET_NODES });
  } catch (e) {
    const reason = e instanceof Error ? clip(e.message.replace(CONTROL_CHARS, ''), 120) : 'unknown error';
    throw new ValidationError(`the workbook could not be read as .xlsx (${reason})`, 'file');
  }
  const formulaCells = options.formulaCells ?? 'reject';
  const maxRows = options.maxRows ?? 3000;
  const maxColumns = options.maxColumns ?? 30;
  const maxSheets = options.maxSheets ?? 30;
  const issues: FieldIssue[] = [];
  const warnings: Mds2Warning[] = [];
  const answers = new Map<string, Mds2Answer>();

  if (workbook.worksheets.length > maxSheets)
    warnings.push({
      message: `the workbook has ${workbook.worksheets.length} sheets; only the first ${maxSheets} were read`,
    });
  for (const sheet of workbook.worksheets.slice(0, maxSheets)) {
    const sheetName = clip(cleanText(sheet.name), 60);
    const loc = (cell: ExcelJS.Cell): CellLocation => ({ sheet: sheetName, cell: cell.address });
    const where = (l: CellLocation) => `${l.sheet}!${l.cell}`;
    /** Distinct (by merge master) non-empty cells of a row, left to right. */
    const rowCells = (row: ExcelJS.Row): ReadCell[] => {
      const out: ReadCell[] = [];
      // Only the cells the file has (no empty cell is created), left to right, up to maxColumns.
      row.eachCell((cell, col) => {
        if (col > maxColumns) return;
        // A merged range is read once, at its top-left (master) cell: its other cells, in this
        // row or in later rows, repeat the master's value.
        if (cell.isMerged && cell.master.address !== cell.address) return;
        if (isErrorCell(cell)) {
          warnings.push({ location: loc(cell), message: 'holds an Excel error value; read as empty' });
          return;
        }
        const { text, formula } = cellText(cell);
        if (text !== '') out.push({ text, location: loc(cell), col, formula });
      });
      return out;
    };

    // First pass: numbered notes ("Note 3: ..." in one cell, or "Note 3" then the text).
    const numberedNotes = new Map<string, string>();
    const rows: { cells: ReadCell[] }[] = [];
    let rowsBeyond = false;
    sheet.eachRow((row, r) => {
      if (r > maxRows) {
        rowsBeyond = true;
        return;
      }
      const cells = rowCells(row);
      if (cells.length === 0) return;
      rows.push({ cells });
      const def = NOTE_DEF.exec(cells[0]!.text);
      if (def) {
        const text = def[2]!.trim() || cells[1]?.text || '';
        if (text) numberedNotes.set(String(Number(def[1])), text);
      }
    });
    if (rowsBeyond) warnings.push({ message: `sheet '${sheetName}': rows after ${maxRows} were not read` });

    // Second pass: headings fix the answer and note columns; question rows give answers.
    let answerCol: number | undefined;
    let noteCol: number | undefined;
    for (const { cells } of rows) {
      const idIndex = cells.findIndex((c, i) => i < 8 && canonicalQuestionId(c.text) !== null);
      if (idIndex < 0) {
        const idLike = cells.find((c, i) => i < 8 && ID_RE.test(c.text));
        if (idLike)
          warnings.push({
            location: idLike.location,
            message: `'${clip(idLike.text, 40)}' looks like a question id but its group code is unknown or ambiguous; row ignored`,
          });
        const a = cells.find((c) => ANSWER_HEADING.test(c.text));
        const hasIdHeading = cells.some((c) => ID_HEADING.test(c.text) || /question/i.test(c.text));
        if (a && hasIdHeading) {
          answerCol = a.col;
          noteCol = cells.find((c) => c.col > a.col && NOTE_HEADING.test(c.text))?.col;
        }
        continue;
      }
      const idCell = cells[idIndex]!;
      const parsed = canonicalQuestionId(idCell.text)!;
      const after = cells.slice(idIndex + 1);
      let answerCell: ReadCell | undefined;
      let noteCell: ReadCell | undefined;
      const isDoc = parsed.group === 'DOC';
      // Without a heading (or with the heading's column empty on this row): the answer is the first
      // answer-like cell after the question text (DOC rows: the second cell), the note the next cell.
      const byValue = () => {
        const i = isDoc
          ? after.length >= 2
            ? 1
            : -1
          : after.findIndex((c) => normaliseAnswer(c.text).answer !== 'TEXT' || /^see\b/i.test(c.text));
        if (i >= 0) {
          answerCell = after[i];
          noteCell = after.slice(i + 1).find((c) => !REFERENCE_CELL.test(c.text));
        }
      };
      if (answerCol !== undefined && answerCol > idCell.col) {
        const col = answerCol;
        answerCell = after.find((c) => c.col === col);
        if (noteCol !== undefined) noteCell = after.find((c) => c.col === noteCol);
        else noteCell = after.find((c) => c.col > col && !REFERENCE_CELL.test(c.text));
        if (!answerCell) byValue();
      } else byValue();
      // Formulas in the cells used (id, answer, note): refused, or their cached values flagged.
      const formulaCellsUsed = [idCell, answerCell, noteCell].filter((c): c is ReadCell => c?.formula === true);
      for (const c of formulaCellsUsed) {
        if (formulaCells === 'reject')
          issues.push({
            path: where(c.location),
            message:
              'contains a formula; MDS2 ids, answers and notes must be typed values (formulas are never evaluated; save the workbook with values only)',
          });
        else
          warnings.push({
            location: c.location,
            message: 'contains a formula; its cached value was read, the formula was not evaluated',
          });
      }
      if (formulaCellsUsed.length > 0 && formulaCells === 'reject') continue;
      const text = answerCell ? clip(answerCell.text, 500) : '';
      const norm = isDoc
        ? { answer: (text ? 'TEXT' : 'BLANK') as Mds2AnswerValue, seeNote: false }
        : normaliseAnswer(text);
      let note = noteCell?.text;
      if (note !== undefined) {
        const ref = NOTE_REF.exec(note);
        if (ref && numberedNotes.has(String(Number(ref[1])))) note = numberedNotes.get(String(Number(ref[1])));
      }
      if (note === undefined && norm.seeNote) {
        const ref = /notes?\s*#?\s*(\d{1,3})/i.exec(text);
        if (ref) note = numberedNotes.get(String(Number(ref[1])));
      }
      const answer: Mds2Answer = {
        questionId: parsed.id,
        group: parsed.group,
        answer: norm.answer,
        text,
        seeNote: norm.seeNote,
        ...(note ? { note: clip(note, 2000) } : {}),
        ...(parsed.corrected ? { writtenId: clip(idCell.text, 40) } : {}),
        location: idCell.location,
        ...(answerCell ? { answerLocation: answerCell.location } : {}),
      };
      if (parsed.groupCorrected)
        warnings.push({ location: idCell.location, message: `question id '${answer.writtenId}' read as ${parsed.id}` });
      const earlier = answers.get(parsed.id);
      if (earlier) {
        if (earlier.answer !== answer.answer || (isDoc && earlier.text !== answer.text))
          issues.push({
            path: where(idCell.location),
            message: `${parsed.id} is answered twice: '${clip(earlier.text, 40)}' at ${where(earlier.location)} and '${clip(text, 40)}' here; keep one`,
          });
        else
          warnings.push({
            location: idCell.location,
            message: `${parsed.id} repeated with the same answer; the first is used`,
          });
        continue;
      }
      answers.set(parsed.id, answer);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  if (answers.size === 0)
    throw new ValidationError(
      'no MDS2 question ids (such as CONN-1 or AUTH-1) were found in any sheet; is this an MDS2 2019 workbook?',
      'file',
    );
  const docText = (id: string) => {
    const a = answers.get(id);
    return a && a.answer === 'TEXT' ? clip(a.text, 200) : undefined;
  };
  const manufacturer = docText('DOC-1');
  const model = docText('DOC-3');
  const documentId = docText('DOC-4');
  return {
    answers,
    document: {
      ...(manufacturer ? { manufacturer } : {}),
      ...(model ? { model } : {}),
      ...(documentId ? { documentId } : {}),
    },
    sha256: sha256Hex(bytes),
    warnings,
  };
}
