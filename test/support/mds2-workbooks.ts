/**
 * Test MDS2 2019 workbooks, written in the tests with exceljs from the question-id layout of
 * ../shared/domain/standards-notes.md §3.2 (no public MDS2 workbook is copied; question texts are
 * our own placeholders, not the form's wording), and a minimal ZIP writer for hand-made archives
 * (zip bombs, lying size fields, non-workbook archives).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { validateModelDocument } from '../../server/src/domain/model-document';
import type { Catalogue, ModelDocument } from '../../server/src/domain/types';

/** One form row: id, answer, optional note. */
export type Row = [id: string, answer: string, note?: string];

/** A workbook with a heading row ("Question ID", "Question", "Answer", "Notes") and one row per question. */
export async function headedWorkbook(rows: Row[], sheetName = 'MDS2'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(['Manufacturer Disclosure Statement for Medical Device Security (test form)']);
  ws.addRow(['Question ID', 'Question', 'Answer', 'Notes']);
  for (const [id, answer, note] of rows) ws.addRow([id, `Placeholder question for ${id}`, answer, note ?? null]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The networked infusion pump: Wi-Fi and USB, AUTH yes, TXCF no, remote service. */
export const PUMP_ROWS: Row[] = [
  ['DOC-1', 'Acme Medical'],
  ['DOC-3', 'InfuseNet 3000'],
  ['DOC-4', 'ACME-MDS2-2024-01'],
  ['MPII-1', 'Yes'],
  ['MPII-2', 'Yes'],
  ['MPII-2.2', 'Yes', 'Drug library and last 500 infusions with patient ids'],
  ['MLDP-1', 'No'],
  ['CSUP-1', 'Yes'],
  ['CSUP-2', 'No'],
  ['CSUP-3', 'Yes'],
  ['CSUP-3.2', 'Yes', 'Firmware installed by vendor service only'],
  ['CONN-1', 'Yes'],
  ['CONN-1.1', 'Yes'],
  ['CONN-1.1.1', 'Yes', '802.11a/b/g/n, WPA2-Enterprise supported'],
  ['CONN-1.1.2', 'No'],
  ['CONN-1.2.1', 'No'],
  ['CONN-1.2.2', 'Yes', 'Service USB port behind the battery door'],
  ['CONN-4', 'Yes'],
  ['CONN-7', 'Yes'],
  ['AUTH-1', 'Yes'],
  ['AUTH-2', 'Yes'],
  ['AUTH-4', 'N/A'],
  ['PAUT-1', 'Yes'],
  ['PAUT-4', 'Yes'],
  ['PAUT-5', 'Yes'],
  ['PAUT-8', 'No'],
  ['NAUT-1', 'Yes'],
  ['NAUT-2', 'Yes'],
  ['NAUT-3', 'Yes'],
  ['TXCF-2', 'No', 'Pump-server protocol is not encrypted'],
  ['TXCF-2.1', 'No'],
  ['TXIG-1', 'Yes'],
  ['STCF-1', 'Yes'],
  ['STCF-1.2', 'No', 'Encryption must be enabled by biomed'],
  ['SAHD-3.2', 'Yes'],
  ['SAHD-8', 'Yes'],
  ['SAHD-9', 'Yes'],
  ['SAHD-11', 'Yes'],
  ['RMOT-1', 'Yes'],
  ['RMOT-1.1', 'Yes'],
  ['RMOT-1.2', 'Yes'],
  ['RMOT-1.3', 'No'],
];

/**
 * The standalone device: no heading row (the reader finds the answer by its value), answers in
 * case and spacing variants, N/A answers, "See note" with a numbered note at the bottom.
 */
export async function standaloneWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Security capabilities');
  const rows: (string | null)[][] = [
    ['DOC-1', 'Manufacturer name', 'Beta Diagnostics'],
    ['DOC-3', 'Device model', 'GlucoCheck SA'],
    ['MPII-1', 'Placeholder', 'yes'],
    ['MPII-2', 'Placeholder', ' Yes '],
    ['MPII-2.2', 'Placeholder', 'YES'],
    ['CONN-1', 'Placeholder', 'No', 'Note 1'],
    ['CONN-1.1.1', 'Placeholder', 'N/A'],
    ['CONN-1.2.2', 'Placeholder', 'n / a'],
    ['AUTH-1', 'Placeholder', 'na'],
    ['PAUT-1', 'Placeholder', 'No.'],
    ['MLDP-1', 'Placeholder', 'NO'],
    ['CSUP-1', 'Placeholder', 'no'],
    ['RMOT-1', 'Placeholder', 'No'],
    ['TXCF-2', 'Placeholder', 'Not applicable'],
    ['STCF-1', 'Placeholder', 'See Note', '2'],
    ['IGAU-1', 'Placeholder', 'see notes', 'Note 3'],
    ['AUDT-1', 'Placeholder', 'Yes - see note 3'],
    [null],
    ['Notes'],
    ['Note 1: The analyser has no network or radio hardware.'],
    ['Note 2', 'Results are kept in a sealed flash chip; encryption status is documented in the service manual.'],
    ['Note 3', 'Results log with operator badge number.'],
  ];
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Merged cells and id typos: a merged title, a heading with the answer column worded
 * "Yes/No/N/A", question texts merged over two columns, an answer merged over two columns, an id
 * merged over two rows, ids with typos and spacing ("auth-01", "AUTH 2", "SHAD-3.2", "ATUH-4",
 * en dash, "sahd 9"), and an ambiguous code ("XAUT-1": PAUT and NAUT are both one edit away).
 */
export async function mergedTyposWorkbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Form');
  ws.addRow(['MDS2 test form: merged cells and typos']);
  ws.mergeCells('A1:F1');
  ws.addRow(['Question ID', 'Question', null, 'Yes/No/N/A', null, 'Note']);
  ws.mergeCells('B2:C2');
  ws.mergeCells('D2:E2');
  const rows: (string | null)[][] = [
    ['auth-01', 'Placeholder', null, 'Yes', null, null], // row 3
    ['AUTH 2', 'Placeholder', null, 'yes', null, 'Roles: clinician, biomed, service'], // row 4
    ['ATUH-4', 'Placeholder', null, 'Yes', null, null], // row 5
    ['SHAD-3.2', 'Placeholder', null, 'Yes', null, 'Signed firmware images'], // row 6
    ['SAHD-8', 'Placeholder', null, 'Yes ', null, null], // row 7
    ['sahd 9', 'Placeholder', null, 'YES', null, null], // row 8
    ['CONN\u20131.1.1', 'Placeholder', null, 'Yes', null, 'Wi-Fi'], // row 9
    ['PAUT-1', 'Placeholder', null, 'Yes', null, null], // row 10
    [null, 'continued', null, null, null, null], // row 11 (id merged from row 10)
    ['XAUT-1', 'Placeholder', null, 'No', null, null], // row 12
  ];
  for (const r of rows) ws.addRow(r);
  for (let r = 3; r <= 12; r++) ws.mergeCells(`B${r}:C${r}`);
  ws.mergeCells('D9:E9');
  ws.mergeCells('A10:A11');
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A headed workbook whose answer to `formulaId` is a formula with a cached result. */
export async function formulaWorkbook(formulaId: string, cached: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('MDS2');
  ws.addRow(['Question ID', 'Question', 'Answer', 'Notes']);
  ws.addRow(['AUTH-1', 'Placeholder', 'Yes']);
  ws.addRow([formulaId, 'Placeholder', { formula: 'IF(1=1,"Yes","No")', result: cached }]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One entry of {@link zipArchive}; `statedSize` overrides the uncompressed size written (to lie). */
export interface ZipEntry {
  name: string;
  data: Buffer;
  statedSize?: number;
}

/** A deflate ZIP archive (PKWARE APPNOTE: local headers, central directory, end record). */
export function zipArchive(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const compressed = deflateRawSync(e.data);
    const size = e.statedSize ?? e.data.length;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A small hospital: two Acme pumps (one with a front panel and a Wi-Fi channel), a server, a standalone analyser. */
export function mds2Hospital(catalogue: Catalogue): ModelDocument {
  return validateModelDocument(
    {
      formatVersion: '2.1',
      model: { id: 'm-mds2', name: 'MDS2 test hospital' },
      zones: [
        { id: 'z-clinical', name: 'Clinical VLAN', kind: 'CLINICAL', entryPoint: false },
        { id: 'z-dc', name: 'Datacentre', kind: 'OTHER', entryPoint: false },
        { id: 'z-physical', name: 'Ward floor', kind: 'PHYSICAL_ACCESS', entryPoint: true },
        { id: 'z-vendor', name: 'Vendor remote access', kind: 'VENDOR_REMOTE_ACCESS', entryPoint: true },
      ],
      devices: [
        pump('dev-pump-1', 'ACME MEDICAL', 'infusenet  3000'),
        pump('dev-pump-2', 'Acme Medical', 'InfuseNet 3000'),
        pump('dev-pump-other', 'Acme Medical', 'InfuseNet 2000'),
        {
          id: 'dev-server',
          name: 'Pump server',
          category: 'INFUSION_SERVER',
          riskClass: 'B',
          generalPurposeOs: true,
          patchable: true,
          handlesPersonalData: true,
          storesData: true,
          remoteService: false,
          zoneIds: ['z-dc'],
        },
        {
          id: 'dev-analyser',
          name: 'Glucose analyser',
          category: 'OTHER',
          manufacturer: 'Beta Diagnostics',
          modelName: 'GlucoCheck SA',
          riskClass: 'B',
          generalPurposeOs: false,
          patchable: true,
          handlesPersonalData: false,
          storesData: false,
          remoteService: true,
          zoneIds: ['z-physical'],
        },
      ],
      interfaces: [
        {
          id: 'if-pump-1-ui',
          deviceId: 'dev-pump-1',
          name: 'Front panel',
          kind: 'LOCAL_UI',
          exposedToZoneIds: ['z-physical'],
          authentication: 'PASSWORD',
        },
        {
          id: 'if-pump-1-wifi',
          deviceId: 'dev-pump-1',
          name: 'Wi-Fi',
          kind: 'WIFI',
          exposedToZoneIds: ['z-clinical'],
          authentication: 'NONE',
        },
        {
          id: 'if-server-api',
          deviceId: 'dev-server',
          name: 'Pump API',
          kind: 'REST_API',
          exposedToZoneIds: ['z-dc', 'z-clinical'],
          authentication: 'CERTIFICATE',
        },
        {
          id: 'if-analyser-remote',
          deviceId: 'dev-analyser',
          name: 'Remote support',
          kind: 'REMOTE_SERVICE',
          exposedToZoneIds: ['z-vendor'],
          authentication: 'PASSWORD',
        },
      ],
      channels: [
        {
          id: 'ch-server-pump-1',
          name: 'Server to pump 1',
          fromDeviceId: 'dev-server',
          toDeviceId: 'dev-pump-1',
          fromInterfaceId: 'if-server-api',
          toInterfaceId: 'if-pump-1-wifi',
          technology: 'WIFI',
          intrinsicMechanism: 'WPA2_ENTERPRISE',
          extrinsicMechanisms: [],
          carries: ['COMMANDS', 'PERSONAL_DATA'],
          zoneIds: ['z-clinical'],
        },
      ],
      assets: [],
      vulnerabilities: [],
      controlPlacements: [
        { id: 'pl-c20-pump-1', controlId: 'C20', elementId: 'ch-server-pump-1', status: 'IMPLEMENTED' },
      ],
    },
    catalogue,
  );
}

function pump(id: string, manufacturer: string, modelName: string) {
  return {
    id,
    name: `Pump ${id}`,
    category: 'INFUSION_PUMP',
    manufacturer,
    modelName,
    riskClass: 'C',
    generalPurposeOs: false,
    patchable: false,
    handlesPersonalData: false,
    storesData: false,
    remoteService: false,
    zoneIds: ['z-clinical'],
  };
}

/** The entries of a ZIP written by exceljs (deflate or stored), read from its central directory. */
export function unzip(bytes: Buffer): { name: string; data: Buffer }[] {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(eocd + 10);
  let p = bytes.readUInt32LE(eocd + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let n = 0; n < count; n++) {
    const method = bytes.readUInt16LE(p + 10);
    const size = bytes.readUInt32LE(p + 20);
    const nameLength = bytes.readUInt16LE(p + 28);
    const local = bytes.readUInt32LE(p + 42);
    const name = bytes.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + bytes.readUInt16LE(p + 30) + bytes.readUInt16LE(p + 32);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(start, start + size);
    out.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
  }
  return out;
}

/** The workbook with the XML of its first worksheet rewritten by `edit` (re-zipped with {@link zipArchive}). */
export function editSheetXml(bytes: Buffer, edit: (xml: string) => string): Buffer {
  return zipArchive(
    unzip(bytes).map((e) =>
      /^xl\/worksheets\/sheet1\.xml$/.test(e.name)
        ? { name: e.name, data: Buffer.from(edit(e.data.toString('utf8'))) }
        : e,
    ),
  );
}
