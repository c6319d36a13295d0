/**
 * A guard run on an uploaded Office Open XML (.xlsx) file before any parser sees it: the bytes
 * must be a well-formed, complete ZIP archive (PKWARE APPNOTE 6.3.x: end-of-central-directory
 * record, central directory, local file headers) whose entries stay within size limits when
 * actually inflated, so that a zip bomb, a truncated upload or a file of another format is
 * refused with a {@link ValidationError} naming what is wrong, and never reaches the parser.
 *
 * Pure: no I/O; inflates with node:zlib under `maxOutputLength`, so a lying size field cannot make
 * it allocate more than the limit.
 */
import { inflateRawSync } from 'node:zlib';
import { ValidationError } from '../domain/errors';

/** Size limits of the guard; every field is in bytes except `maxEntries` and `maxRatio`. */
export interface ZipLimits {
  /** Largest file accepted (default 10 MiB; an MDS2 workbook is well under 1 MiB). */
  maxFileBytes: number;
  /** Largest inflated size of one entry (default 20 MiB). */
  maxEntryBytes: number;
  /** Largest inflated size of all entries together (default 50 MiB). */
  maxTotalBytes: number;
  /** Most entries in the archive (default 1000). */
  maxEntries: number;
  /** Largest inflated/compressed ratio of an entry over 1 MiB (default 200; XML compresses 5-30×). */
  maxRatio: number;
}

/** The limits used when the caller sets none (see {@link ZipLimits} for each). */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxEntryBytes: 20 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxEntries: 1000,
  maxRatio: 200,
};

/** One archive entry as the central directory describes it. */
export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** The inflated bytes, for the entries `keep` selected. */
  data?: Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function fail(message: string): never {
  throw new ValidationError(message, 'file');
}

/** What the first bytes say the file is, for the error message of a non-ZIP file. */
function describeNonZip(bytes: Buffer): string {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(OLE2_SIGNATURE))
    return 'is a legacy .xls workbook or a password-protected (encrypted) .xlsx; save it as an unprotected Excel Workbook (.xlsx)';
  const head = bytes.subarray(0, 5).toString('latin1');
  if (head === '%PDF-') return 'is a PDF document, not an .xlsx workbook; ask the manufacturer for the MDS2 Excel form';
  if (head.startsWith('PK')) return 'starts like a ZIP archive but is truncated or damaged (no end-of-archive record)';
  return 'is not an .xlsx workbook (an .xlsx file is a ZIP archive; this one has no ZIP structure)';
}

/**
 * Checks that `bytes` are a complete ZIP archive within `limits`, inflating every entry under the
 * limit to prove the sizes the archive states.
 *
 * @param keep Which entries to return with their inflated bytes (e.g. the worksheets, to check them
 *   before the parser does).
 * @returns The entries, in central-directory order.
 * @throws ValidationError (path "file") when the file is empty or larger than `maxFileBytes`; not a
 *   ZIP archive (PDF, legacy .xls or encrypted .xlsx are named); truncated (records that point
 *   outside the file); a ZIP64, encrypted or multi-disk archive; an entry compressed with other
 *   than stored/deflate; more than `maxEntries` entries; an entry or the whole over its inflated
 *   size limit, or with a ratio above `maxRatio` (a zip bomb); an entry whose data do not inflate
 *   to the size it states.
 */
export function checkZipArchive(
  bytes: Buffer,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  keep: (name: string) => boolean = () => false,
): ZipEntryInfo[] {
  if (bytes.length === 0) fail('the file is empty');
  if (bytes.length > limits.maxFileBytes)
    fail(`the file has ${bytes.length} bytes, more than the limit of ${limits.maxFileBytes}`);
  if (bytes.length < 22 || bytes.readUInt32LE(0) !== LOCAL_SIGNATURE) fail(`the file ${describeNonZip(bytes)}`);
  // The end-of-central-directory record: the last 22 bytes plus a comment of up to 65,535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD_SIGNATURE && i + 22 + bytes.readUInt16LE(i + 20) === bytes.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('the file is truncated or damaged: the ZIP end-of-archive record is missing');
  const disk = bytes.readUInt16LE(eocd + 4);
  const cdDisk = bytes.readUInt16LE(eocd + 6);
  const count = bytes.readUInt16LE(eocd + 10);
  const cdSize = bytes.readUInt32LE(eocd + 12);
  const cdOffset = bytes.readUInt32LE(eocd + 16);
  if (disk !== 0 || cdDisk !== 0) fail('multi-volume ZIP archives are not accepted');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    fail('ZIP64 archives are not accepted (an MDS2 workbook is small)');
  if (count === 0) fail('the archive is empty: no workbook parts');
  if (count > limits.maxEntries) fail(`the archive has ${count} entries, more than the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > eocd) fail('the file is truncated or damaged: the ZIP directory points outside the file');

  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || bytes.readUInt32LE(p) !== CENTRAL_SIGNATURE)
      fail(`the file is truncated or damaged: ZIP directory entry ${n + 1} of ${count} is missing`);
    const flags = bytes.readUInt16LE(p + 8);
    const method = bytes.readUInt16LE(p + 10);
    const compressedSize = bytes.readUInt32LE(p + 20);
    const uncompressedSize = bytes.readUInt32LE(p + 24);
    const nameLength = bytes.readUInt16LE(p + 28);
    const extraLength = bytes.readUInt16LE(p + 30);
    const commentLength = bytes.readUInt16LE(p + 32);
    const localOffset = bytes.readUInt32LE(p + 42);
    if (p + 46 + nameLength > eocd) fail('the file is truncated or damaged: a ZIP entry name runs past the directory');
    const name = bytes.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;
    const label = `ZIP entry '${name.slice(0, 80)}'`;
    if (flags & 0x1) fail(`${label} is encrypted; save the workbook without a password`);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff)
      fail('ZIP64 archives are not accepted (an MDS2 workbook is small)');
    if (method !== 0 && method !== 8)
      fail(`${label} uses compression method ${method}; only stored and deflate are read`);
    if (uncompressedSize > limits.maxEntryBytes)
      fail(
        `${label} inflates to ${uncompressedSize} bytes, more than the limit of ${limits.maxEntryBytes} (zip bomb?)`,
      );
    if (uncompressedSize > 1024 * 1024 && uncompressedSize > limits.maxRatio * Math.max(1, compressedSize))
      fail(
        `${label} inflates ${Math.round(uncompressedSize / Math.max(1, compressedSize))} times its size (zip bomb?)`,
      );
    total += uncompressedSize;
    if (total > limits.maxTotalBytes)
      fail(`the archive inflates to more than ${limits.maxTotalBytes} bytes in all (zip bomb?)`);
    // Local header: data start after its own name and extra field.
    if (localOffset + 30 > cdOffset || bytes.readUInt32LE(localOffset) !== LOCAL_SIGNATURE)
      fail(`the file is truncated or damaged: ${label} has no local header`);
    const dataStart = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > cdOffset) fail(`the file is truncated or damaged: ${label} data run past its end`);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    let content: Buffer = data;
    if (method === 0) {
      if (compressedSize !== uncompressedSize) fail(`${label} states two sizes for stored data`);
    } else {
      let inflated: Buffer;
      try {
        inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, uncompressedSize) });
      } catch {
        fail(`${label} does not inflate to the ${uncompressedSize} bytes it states (damaged or a zip bomb)`);
      }
      if (inflated.length !== uncompressedSize)
        fail(`${label} inflates to ${inflated.length} bytes, not the ${uncompressedSize} it states`);
      content = inflated;
    }
    entries.push({ name, method, compressedSize, uncompressedSize, ...(keep(name) ? { data: content } : {}) });
  }
  return entries;
}
