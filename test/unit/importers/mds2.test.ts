/**
 * MDS2 importer (issue 12 §1) on workbooks the tests write: a networked infusion pump (Wi-Fi, AUTH
 * yes, TXCF no), a standalone device (N/A answers, "See note"), a form with merged cells and id
 * typos, formulas, and files that are not workbooks (zip bombs, truncation, other formats).
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { resolve } from 'node:path';
import { ValidationError } from '../../../server/src/domain/errors';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import { buildAttackGraph } from '../../../server/src/engine';
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { applyMds2, importMds2, previewMds2, type Mds2Change } from '../../../server/src/importers/mds2';
import { deriveMds2Profile } from '../../../server/src/importers/mds2-mapping';
import { canonicalQuestionId, normaliseAnswer, readMds2Workbook } from '../../../server/src/importers/mds2-workbook';
import {
  PUMP_ROWS,
  editSheetXml,
  formulaWorkbook,
  headedWorkbook,
  mds2Hospital,
  mergedTyposWorkbook,
  standaloneWorkbook,
  unzip,
  zipArchive,
} from '../../support/mds2-workbooks';

const catalogue = loadBundledCatalogue();
const hospital = () => mds2Hospital(catalogue);

const changesOf = (changes: Mds2Change[], kind: Mds2Change['kind']) => changes.filter((c) => c.kind === kind);

describe('question ids and answers', () => {
  it.each([
    ['AUTH-1', 'AUTH-1'],
    ['auth-01', 'AUTH-1'],
    ['AUTH 1', 'AUTH-1'],
    [' mpii-2. 1 ', 'MPII-2.1'],
    ['CONN\u20141.1.1', 'CONN-1.1.1'],
    ['SHAD-15', 'SAHD-15'],
    ['ATUH-4', 'AUTH-4'],
  ])('%s → %s', (written, id) => expect(canonicalQuestionId(written)?.id).toBe(id));

  it.each(['XAUT-1', 'AUHT-1', 'NOTE 1', 'AU-2', 'Section 5.1', 'AUTH', '12'])('%s is no question id', (t) =>
    expect(canonicalQuestionId(t)).toBeNull(),
  );

  it.each([
    ['Yes', 'YES', false],
    [' YES. ', 'YES', false],
    ['Yes, see note 2', 'YES', true],
    ['no', 'NO', false],
    ['N/A', 'NA', false],
    ['n / a', 'NA', false],
    ['Not applicable', 'NA', false],
    ['See Notes', 'SEE_NOTE', true],
    ['see note', 'SEE_NOTE', true],
    ['Depends on configuration', 'TEXT', false],
    ['', 'BLANK', false],
  ])('answer %j → %s (see note: %s)', (text, answer, seeNote) =>
    expect(normaliseAnswer(text)).toEqual({ answer, seeNote }),
  );
});

describe('networked infusion pump (Wi-Fi, AUTH yes, TXCF no)', () => {
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await headedWorkbook(PUMP_ROWS);
  });

  it('reads every answer with its cell and note, and the DOC header', async () => {
    const wb = await readMds2Workbook(bytes);
    expect(wb.answers.size).toBe(PUMP_ROWS.length);
    expect(wb.document).toEqual({
      manufacturer: 'Acme Medical',
      model: 'InfuseNet 3000',
      documentId: 'ACME-MDS2-2024-01',
    });
    expect(wb.answers.get('CONN-1.1.1')).toMatchObject({
      answer: 'YES',
      note: '802.11a/b/g/n, WPA2-Enterprise supported',
      location: { sheet: 'MDS2', cell: 'A16' },
      answerLocation: { sheet: 'MDS2', cell: 'C16' },
    });
    expect(wb.answers.get('TXCF-2')?.answer).toBe('NO');
    expect(wb.answers.get('AUTH-4')?.answer).toBe('NA');
    expect(wb.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies to every device of the make and model, each change with its source', async () => {
    const doc = hospital();
    const before = structuredClone(doc);
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    const { document, preview } = applyMds2(doc, catalogue, profile, {
      manufacturer: 'Acme Medical',
      modelName: 'InfuseNet 3000',
    });
    expect(doc).toEqual(before); // the input is not modified
    expect(preview.devices.map((d) => d.deviceId)).toEqual(['dev-pump-1', 'dev-pump-2']); // not InfuseNet 2000
    expect(preview.documentId).toBe('ACME-MDS2-2024-01');

    const p1 = preview.devices[0]!;
    // Flags: personal data (MPII-1), stores it (MPII-2.2), patchable (CSUP-1 + CSUP-3.2), remote service (RMOT-1).
    expect(
      changesOf(p1.changes, 'SET_FLAG').map(
        (c) => c.kind === 'SET_FLAG' && [c.field, c.to, c.sources.map((s) => s.questionId)],
      ),
    ).toEqual([
      ['handlesPersonalData', true, ['MPII-1']],
      ['storesData', true, ['MPII-2.2']],
      ['patchable', true, ['CSUP-1', 'CSUP-3.2']],
      ['remoteService', true, ['RMOT-1']],
    ]);
    // No general-purpose OS, no installed software: already so in the model (evidence, no change).
    expect(p1.confirmed.map((c) => c.what)).toEqual(
      expect.arrayContaining(['executesSoftware = false', 'generalPurposeOs = false', 'WIFI interface']),
    );
    // Interfaces: the Wi-Fi interface exists; USB (hands on: the ward floor) and remote service (vendor zone) are added.
    const added = changesOf(p1.changes, 'ADD_INTERFACE').map((c) => c.kind === 'ADD_INTERFACE' && c.interface);
    expect(added).toEqual([
      expect.objectContaining({ kind: 'USB', exposedToZoneIds: ['z-physical'], authentication: 'NONE' }),
      expect.objectContaining({ kind: 'REMOTE_SERVICE', exposedToZoneIds: ['z-vendor'], authentication: 'PASSWORD' }),
    ]);
    // Controls placed where they can exist, IMPLEMENTED except encryption at rest (off by default: PLANNED).
    const placed = changesOf(p1.changes, 'ADD_PLACEMENT').map(
      (c) => c.kind === 'ADD_PLACEMENT' && `${c.placement.controlId}@${c.placement.elementId}:${c.placement.status}`,
    );
    const remote = added[1] && added[1].id;
    expect(placed.sort()).toEqual(
      [
        'C14@dev-pump-1:IMPLEMENTED',
        'C03@dev-pump-1:IMPLEMENTED',
        'C12@dev-pump-1:IMPLEMENTED',
        'C13@if-pump-1-wifi:IMPLEMENTED',
        `C13@${remote}:IMPLEMENTED`,
        'C21@ch-server-pump-1:IMPLEMENTED',
        'C19@dev-pump-1:PLANNED',
        'C17@dev-pump-1:IMPLEMENTED',
        'C06@dev-pump-1:IMPLEMENTED',
        `C28@${remote}:IMPLEMENTED`,
      ].sort(),
    );
    const c14 = p1.changes.find((c) => c.kind === 'ADD_PLACEMENT' && c.placement.controlId === 'C14');
    expect(c14?.sources.map((s) => `${s.questionId}=${s.answer}`)).toEqual(['PAUT-1=YES', 'PAUT-4=YES', 'PAUT-5=YES']);
    expect(c14?.kind === 'ADD_PLACEMENT' && c14.placement.note).toBe(
      'MDS2 ACME-MDS2-2024-01: PAUT-1 Yes; PAUT-4 Yes; PAUT-5 Yes',
    );
    // Format 2.2 provenance on the placement: question ids, answers, the form's document id and file hash.
    const sha256 = preview.sha256;
    expect(
      document.controlPlacements.find((x) => x.controlId === 'C14' && x.elementId === 'dev-pump-1')?.source,
    ).toEqual({
      kind: 'MDS2',
      document: 'ACME-MDS2-2024-01',
      reference: 'PAUT-1, PAUT-4, PAUT-5',
      detail: 'PAUT-1 Yes; PAUT-4 Yes; PAUT-5 Yes',
      sha256,
    });
    expect(
      document.controlPlacements.find((x) => x.controlId === 'C19' && x.elementId === 'dev-pump-1')?.source,
    ).toMatchObject({
      reference: 'STCF-1, STCF-1.2',
      detail: 'STCF-1 Yes; STCF-1.2 No (note: Encryption must be enabled by biomed)',
    });
    // TXCF-2 No: encryption in transit is absent, and the model's IMPLEMENTED C20 is a conflict (kept).
    expect(p1.absent.map((a) => `${a.capability}:${a.controlId ?? '-'}`)).toEqual(['PAUT:-', 'TXCF:C20']);
    expect(p1.conflicts).toEqual([
      expect.objectContaining({
        elementId: 'ch-server-pump-1',
        sources: [
          expect.objectContaining({
            questionId: 'TXCF-2',
            answer: 'NO',
            note: 'Pump-server protocol is not encrypted',
          }),
          expect.objectContaining({ questionId: 'TXCF-2.1' }),
        ],
      }),
    ]);
    expect(document.controlPlacements.find((x) => x.id === 'pl-c20-pump-1')?.status).toBe('IMPLEMENTED');
    // Expectations: the Wi-Fi link of pump 1 exists; both talk outside the hospital (CONN-4).
    expect(p1.expectations.map((e) => e.kind)).toEqual(['EXTERNAL_CONNECTION']);

    const p2 = preview.devices[1]!;
    // Pump 2 had no interfaces: Wi-Fi in its network zone, USB, remote service; a Wi-Fi channel is expected.
    expect(
      changesOf(p2.changes, 'ADD_INTERFACE').map(
        (c) => c.kind === 'ADD_INTERFACE' && [c.interface.kind, c.interface.exposedToZoneIds],
      ),
    ).toEqual([
      ['WIFI', ['z-clinical']],
      ['USB', ['z-physical']],
      ['REMOTE_SERVICE', ['z-vendor']],
    ]);
    expect(p2.expectations.map((e) => `${e.kind}:${e.technology ?? ''}`)).toEqual([
      'WIRELESS_CHANNEL:WIFI',
      'EXTERNAL_CONNECTION:',
    ]);
    // No channel: C21 cannot be placed, and says why.
    expect(p2.notPlaced).toEqual([
      expect.objectContaining({ controlId: 'C21', reason: 'the device has no channel in the model' }),
    ]);

    // The new document holds it all.
    const dev2 = document.devices.find((d) => d.id === 'dev-pump-2')!;
    expect(dev2).toMatchObject({ handlesPersonalData: true, storesData: true, patchable: true, remoteService: true });
    // Device.evidence (format 2.2): one entry per derived flag and interface, changed or confirmed.
    expect(dev2.evidence?.map((e) => `${e.reference} → ${e.detail}`)).toEqual([
      'MPII-1 → handlesPersonalData = true: MPII-1 Yes',
      'MPII-2.2 → storesData = true: MPII-2.2 Yes (note: Drug library and last 500 infusions with patient ids)',
      'MLDP-1 → executesSoftware = false: MLDP-1 No',
      'CSUP-2 → generalPurposeOs = false: CSUP-2 No',
      'CSUP-1, CSUP-3.2 → patchable = true: CSUP-1 Yes; CSUP-3.2 Yes (note: Firmware installed by vendor service only)',
      'RMOT-1 → remoteService = true: RMOT-1 Yes',
      'CONN-1.1.1 → WIFI interface: CONN-1.1.1 Yes (note: 802.11a/b/g/n, WPA2-Enterprise supported)',
      'CONN-1.2.2 → USB interface: CONN-1.2.2 Yes (note: Service USB port behind the battery door)',
      'RMOT-1, PAUT-1, PAUT-8 → REMOTE_SERVICE interface: RMOT-1 Yes; PAUT-1 Yes; PAUT-8 No',
    ]);
    expect(
      dev2.evidence?.every((e) => e.kind === 'MDS2' && e.sha256 === sha256 && e.document === 'ACME-MDS2-2024-01'),
    ).toBe(true);
    const pump2Interfaces = document.interfaces.filter((i) => i.deviceId === 'dev-pump-2');
    expect(pump2Interfaces.map((i) => i.kind)).toEqual(['WIFI', 'USB', 'REMOTE_SERVICE']);
    // Each entry names the fact it supports: the flag, or the interface created (pump 2) or confirmed (pump 1).
    expect(dev2.evidence?.map((e) => e.fact)).toEqual([
      'handlesPersonalData',
      'storesData',
      'executesSoftware',
      'generalPurposeOs',
      'patchable',
      'remoteService',
      ...pump2Interfaces.map((i) => `interface:${i.id}`),
    ]);
    expect(document.devices.find((d) => d.id === 'dev-pump-1')!.evidence?.map((e) => e.fact)).toContain(
      'interface:if-pump-1-wifi',
    );
    expect(document.devices.find((d) => d.id === 'dev-pump-other')).toEqual(
      before.devices.find((d) => d.id === 'dev-pump-other'),
    );
    // Preview and apply agree, and applying again changes nothing.
    expect(previewMds2(doc, catalogue, profile, { deviceId: 'dev-pump-2' }).devices[0]!.changes).toEqual(p2.changes);
    const again = applyMds2(document, catalogue, profile, { deviceId: 'dev-pump-1' });
    expect(again.preview.devices[0]!.changes).toEqual([]);
    expect(again.document).toEqual(document);
  });

  it('raises a PLANNED placement to IMPLEMENTED and never lowers an IMPLEMENTED one', async () => {
    const doc = hospital();
    doc.controlPlacements.push({ id: 'pl-c17', controlId: 'C17', elementId: 'dev-pump-1', status: 'PLANNED' });
    doc.controlPlacements.push({ id: 'pl-c19', controlId: 'C19', elementId: 'dev-pump-1', status: 'IMPLEMENTED' });
    doc.devices[0]!.storesData = true;
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    const { document, preview } = applyMds2(doc, catalogue, profile, { deviceId: 'dev-pump-1' });
    expect(changesOf(preview.devices[0]!.changes, 'SET_PLACEMENT_STATUS')).toEqual([
      expect.objectContaining({ placementId: 'pl-c17', from: 'PLANNED', to: 'IMPLEMENTED' }),
    ]);
    expect(document.controlPlacements.find((p) => p.id === 'pl-c19')?.status).toBe('IMPLEMENTED');
  });

  it('never places a control where it cannot exist, and says which rule refused it', async () => {
    // Anti-malware (MLDP-2) on a pump without a general-purpose OS (CSUP-2 No); C28 without a remote-service interface.
    const bytes = await headedWorkbook([
      ['CSUP-2', 'No'],
      ['MLDP-1', 'Yes'],
      ['MLDP-2', 'Yes'],
      ['RMOT-1.1', 'Yes'],
      ['AUTH-4', 'Yes'],
    ]);
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    expect(profile.controls.map((c) => c.controlId)).toEqual(['C04', 'C11']);
    const doc = hospital();
    const { document, preview } = applyMds2(doc, catalogue, profile, { deviceId: 'dev-pump-1' });
    expect(preview.devices[0]!.notPlaced).toEqual([
      expect.objectContaining({ controlId: 'C04', reason: expect.stringContaining('no API interface') }),
      expect.objectContaining({
        controlId: 'C11',
        elementId: 'dev-pump-1',
        reason: expect.stringMatching(/^C11 \(.*\) needs a device with GENERAL_PURPOSE_OS$/),
      }),
    ]);
    expect(document.controlPlacements).toEqual(doc.controlPlacements);
  });

  it('leaves a flag as it is when changing it would strand a placement, and lists the conflict', async () => {
    const doc = hospital();
    const pump1 = doc.devices.find((d) => d.id === 'dev-pump-1')!;
    pump1.storesData = true;
    pump1.patchable = true;
    doc.controlPlacements.push({ id: 'pl-c19', controlId: 'C19', elementId: 'dev-pump-1', status: 'IMPLEMENTED' });
    // MPII-2 No (keeps no personal data) would make storesData false, where C19 cannot exist; CSUP-1 No likewise for C06 (none here).
    const bytes = await headedWorkbook([
      ['MPII-2', 'No'],
      ['CSUP-1', 'No'],
    ]);
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    const { document, preview } = applyMds2(doc, catalogue, profile, { deviceId: 'dev-pump-1' });
    const d = preview.devices[0]!;
    expect(changesOf(d.changes, 'SET_FLAG')).toEqual([expect.objectContaining({ field: 'patchable', to: false })]);
    expect(d.conflicts).toEqual([
      expect.objectContaining({
        elementId: 'dev-pump-1',
        message: expect.stringContaining("storesData = false, but then C19 on 'dev-pump-1' could not exist"),
        sources: [expect.objectContaining({ questionId: 'MPII-2', answer: 'NO' })],
      }),
    ]);
    const after = document.devices.find((x) => x.id === 'dev-pump-1')!;
    expect(after).toMatchObject({ storesData: true, patchable: false });
    // Evidence only for what was applied.
    expect(after.evidence?.map((e) => e.detail)).toEqual(['patchable = false: CSUP-1 No']);
    expect(document.controlPlacements.find((x) => x.id === 'pl-c19')?.status).toBe('IMPLEMENTED');
  });

  it('refuses a target that names no device', async () => {
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    expect(() => previewMds2(hospital(), catalogue, profile, { deviceId: 'nope' })).toThrow(ValidationError);
    expect(() => previewMds2(hospital(), catalogue, profile, { manufacturer: 'Acme', modelName: 'X' })).toThrow(
      /no device of manufacturer 'Acme'/,
    );
  });
});

describe('standalone device (N/A answers, See note, no heading row)', () => {
  it('derives flags, lists See-note answers for review and N/A answers, creates no interface', async () => {
    const wb = await readMds2Workbook(await standaloneWorkbook());
    expect(wb.document).toEqual({ manufacturer: 'Beta Diagnostics', model: 'GlucoCheck SA' });
    expect(wb.answers.get('STCF-1')).toMatchObject({
      answer: 'SEE_NOTE',
      note: 'Results are kept in a sealed flash chip; encryption status is documented in the service manual.',
    });
    expect(wb.answers.get('AUDT-1')).toMatchObject({
      answer: 'YES',
      seeNote: true,
      note: 'Results log with operator badge number.',
    });
    expect(wb.answers.get('CONN-1')).toMatchObject({
      answer: 'NO',
      note: 'The analyser has no network or radio hardware.',
    });
    const profile = deriveMds2Profile(wb);
    expect(profile.notApplicable).toEqual(['AUTH-1', 'CONN-1.1.1', 'CONN-1.2.2', 'TXCF-2']);
    expect(profile.review.map((r) => `${r.reason}:${r.source.questionId}`)).toEqual([
      'SEE_NOTE:IGAU-1',
      'SEE_NOTE:STCF-1',
    ]);

    const doc = hospital();
    const { document, preview } = applyMds2(doc, catalogue, profile, {
      manufacturer: 'beta diagnostics',
      modelName: 'GLUCOCHECK SA',
    });
    const d = preview.devices[0]!;
    expect(d.deviceId).toBe('dev-analyser');
    expect(
      changesOf(d.changes, 'SET_FLAG').map(
        (c) => c.kind === 'SET_FLAG' && `${c.field}:${String(c.from)}→${String(c.to)}`,
      ),
    ).toEqual([
      'handlesPersonalData:false→true',
      'storesData:false→true',
      'patchable:true→false',
      'remoteService:true→false',
    ]);
    expect(changesOf(d.changes, 'ADD_INTERFACE')).toEqual([]);
    // C02 (AUDT-1 yes) is placed on the device; C10/C19 are not derived from See-note answers.
    expect(
      changesOf(d.changes, 'ADD_PLACEMENT').map((c) => c.kind === 'ADD_PLACEMENT' && c.placement.controlId),
    ).toEqual(['C02']);
    // RMOT-1 No, yet the model has a remote-service interface: a conflict, the interface stays.
    expect(d.conflicts).toEqual([
      expect.objectContaining({
        elementId: 'if-analyser-remote',
        sources: [expect.objectContaining({ questionId: 'RMOT-1' })],
      }),
    ]);
    expect(document.interfaces.some((i) => i.id === 'if-analyser-remote')).toBe(true);
    expect(d.absent.map((a) => `${a.capability}:${a.controlId}`)).toEqual(['PAUT:C14']);
  });
});

describe('merged cells and id typos', () => {
  it('reads each merged range once, corrects ids, warns about typos and ambiguous codes', async () => {
    const wb = await readMds2Workbook(await mergedTyposWorkbook());
    expect([...wb.answers.keys()]).toEqual([
      'AUTH-1',
      'AUTH-2',
      'AUTH-4',
      'SAHD-3.2',
      'SAHD-8',
      'SAHD-9',
      'CONN-1.1.1',
      'PAUT-1',
    ]);
    expect(wb.answers.get('SAHD-3.2')).toMatchObject({
      answer: 'YES',
      writtenId: 'SHAD-3.2',
      note: 'Signed firmware images',
    });
    expect(wb.answers.get('AUTH-2')).toMatchObject({
      note: 'Roles: clinician, biomed, service',
      answerLocation: { cell: 'D4' },
    });
    expect(wb.answers.get('CONN-1.1.1')).toMatchObject({
      answer: 'YES',
      note: 'Wi-Fi',
      answerLocation: { cell: 'D9' },
    });
    expect(wb.warnings.map((w) => `${w.location?.cell}: ${w.message}`)).toEqual([
      "A5: question id 'ATUH-4' read as AUTH-4",
      "A6: question id 'SHAD-3.2' read as SAHD-3.2",
      "A12: 'XAUT-1' looks like a question id but its group code is unknown or ambiguous; row ignored",
    ]);
    const profile = deriveMds2Profile(wb);
    expect(profile.controls.map((c) => c.controlId)).toEqual(['C14', 'C03', 'C04', 'C17']);
    expect(profile.controls.find((c) => c.controlId === 'C17')!.sources.map((s) => s.questionId)).toEqual([
      'SAHD-3.2',
      'SAHD-8',
      'SAHD-9',
    ]);
  });

  it('falls back to the answer-like cell when the heading column is empty on a row', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Shifted');
    ws.addRow(['Question ID', 'Question', 'Response', 'Comments']);
    ws.addRow(['AUTH-1', 'Placeholder', null, 'Yes', 'typed one column too far']);
    ws.addRow(['AUTH-2', 'Placeholder', 'No', 'Single role only']);
    const read = await readMds2Workbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(read.answers.get('AUTH-1')).toMatchObject({
      answer: 'YES',
      note: 'typed one column too far',
      answerLocation: { cell: 'D2' },
    });
    expect(read.answers.get('AUTH-2')).toMatchObject({
      answer: 'NO',
      note: 'Single role only',
      answerLocation: { cell: 'C3' },
    });
  });

  it('refuses a question answered twice differently, naming both cells', async () => {
    const bytes = await headedWorkbook([
      ['AUTH-1', 'Yes'],
      ['auth 1', 'No'],
    ]);
    await expect(readMds2Workbook(bytes)).rejects.toMatchObject({
      issues: [{ path: 'MDS2!A4', message: expect.stringContaining("AUTH-1 is answered twice: 'Yes' at MDS2!A3") }],
    });
  });
});

describe('formulas', () => {
  it('refuses a formula in an answer cell, naming the cell', async () => {
    const err = await readMds2Workbook(await formulaWorkbook('PAUT-1', 'Yes')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      { path: 'MDS2!C3', message: expect.stringContaining('contains a formula') },
    ]);
  });

  it('ignores formulas in cells it does not read (a question text copied by formula)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('MDS2');
    ws.addRow(['Question ID', 'Question', 'Answer', 'Notes']);
    ws.addRow(['DOC-3', 'Device model', 'InfuseNet 3000']);
    ws.addRow(['AUTH-1', { formula: 'CONCAT("Login for ",C2)', result: 'Login for InfuseNet 3000' }, 'Yes']);
    ws.addRow([null, { formula: 'NOW()', result: new Date(0) }]);
    const read = await readMds2Workbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(read.answers.get('AUTH-1')?.answer).toBe('YES');
    expect(read.warnings).toEqual([]);
  });

  it('reads the cached value when asked, with a warning; the formula is not evaluated', async () => {
    // The formula would give "Yes"; the cached value says "No": the cached value is what is read.
    const wb = await readMds2Workbook(await formulaWorkbook('PAUT-1', 'No'), { formulaCells: 'useCachedValue' });
    expect(wb.answers.get('PAUT-1')?.answer).toBe('NO');
    expect(wb.warnings).toEqual([expect.objectContaining({ location: { sheet: 'MDS2', cell: 'C3' } })]);
  });
});

describe('files that are not MDS2 workbooks', () => {
  const xml = Buffer.from('<?xml version="1.0"?><x/>');
  it.each<[string, () => Buffer | Promise<Buffer>, RegExp]>([
    ['empty', () => Buffer.alloc(0), /empty/],
    ['a PDF', () => Buffer.from('%PDF-1.7\n...binary...'), /PDF document/],
    ['a legacy .xls', () => Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]), /legacy \.xls/],
    ['CSV text', () => Buffer.from('Question ID,Answer\nAUTH-1,Yes\n'), /not an \.xlsx workbook/],
    ['a truncated workbook', async () => (await headedWorkbook(PUMP_ROWS)).subarray(0, 3000), /truncated/],
    [
      'a Word document',
      () =>
        zipArchive([
          { name: '[Content_Types].xml', data: xml },
          { name: 'word/document.xml', data: xml },
        ]),
      /Word document/,
    ],
    [
      'a ZIP without a workbook',
      () => zipArchive([{ name: 'readme.txt', data: Buffer.from('hello') }]),
      /not an \.xlsx workbook/,
    ],
    [
      'a zip bomb (30 MB of zeros)',
      () => zipArchive([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(30 * 1024 * 1024) }]),
      /more than the limit|zip bomb/,
    ],
    [
      'a zip bomb that states a small size',
      () => zipArchive([{ name: 'xl/workbook.xml', data: Buffer.alloc(5 * 1024 * 1024), statedSize: 100 }]),
      /does not inflate to the 100 bytes/,
    ],
    [
      'a ZIP of junk XML',
      () =>
        zipArchive([
          { name: '[Content_Types].xml', data: Buffer.from('<<<') },
          { name: 'xl/workbook.xml', data: Buffer.from('junk') },
        ]),
      /could not be read as \.xlsx|no MDS2 question ids/,
    ],
  ])('%s: a typed error on "file"', async (_label, make, message) => {
    const err = await readMds2Workbook(await make()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('file');
    expect((err as ValidationError).message).toMatch(message);
  });

  it('a merged range the parser would expand into billions of cells is refused before parsing', async () => {
    const bytes = editSheetXml(await mergedTyposWorkbook(), (xml) => xml.replace('ref="D9:E9"', 'ref="A1:XFD1048576"'));
    const started = Date.now();
    await expect(readMds2Workbook(bytes)).rejects.toThrow(
      /merged cells in xl\/worksheets\/sheet1\.xml cover more than 100000 cells \(range 'A1:XFD1048576'\)/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const notARange = editSheetXml(await mergedTyposWorkbook(), (xml) => xml.replace('ref="D9:E9"', 'ref="A:A"'));
    await expect(readMds2Workbook(notARange)).rejects.toThrow(/merged range 'A:A' .* is not a cell range/);
  });

  it('a data validation over the whole sheet is not expanded (the parser alone would hang)', async () => {
    const bytes = editSheetXml(await headedWorkbook(PUMP_ROWS), (xml) =>
      xml.replace(
        '</sheetData>',
        '</sheetData><dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="A1:XFD1048576"><formula1>"Yes,No"</formula1></dataValidation></dataValidations>',
      ),
    );
    expect(
      unzip(bytes)
        .find((e) => e.name === 'xl/worksheets/sheet1.xml')
        ?.data.toString(),
    ).toContain('sqref="A1:XFD1048576"');
    const wb = await readMds2Workbook(bytes);
    expect(wb.answers.get('AUTH-1')?.answer).toBe('YES');
  });

  it('a workbook without question ids', async () => {
    const bytes = await headedWorkbook([]);
    await expect(readMds2Workbook(bytes)).rejects.toThrow(/no MDS2 question ids/);
  });

  it('reads at most maxSheets sheets and maxRows rows per sheet, with warnings', async () => {
    const wb = new ExcelJS.Workbook();
    for (const [name, id] of [
      ['One', 'AUTH-1'],
      ['Two', 'AUTH-2'],
      ['Three', 'AUTH-4'],
    ] as const) {
      const ws = wb.addWorksheet(name);
      ws.addRow([id, 'Placeholder', 'Yes']);
      ws.getCell('A5000').value = 'PAUT-1';
      ws.getCell('C5000').value = 'Yes';
    }
    const read = await readMds2Workbook(Buffer.from(await wb.xlsx.writeBuffer()), { maxSheets: 2, maxRows: 100 });
    expect([...read.answers.keys()]).toEqual(['AUTH-1', 'AUTH-2']);
    expect(read.warnings.map((w) => w.message)).toEqual([
      'the workbook has 3 sheets; only the first 2 were read',
      "sheet 'One': rows after 100 were not read",
      "sheet 'Two': rows after 100 were not read",
    ]);
  });

  it('a file over the size limit', async () => {
    const bytes = await headedWorkbook(PUMP_ROWS);
    await expect(readMds2Workbook(bytes, { limits: { maxFileBytes: 1000 } })).rejects.toThrow(
      /more than the limit of 1000/,
    );
  });
});

describe('on the demo hospital', () => {
  it('an MDS2 of the BD Alaris pump applies to its five pumps, and the engine counts what it placed', async () => {
    const demo = validateModelDocument(
      JSON.parse(readFileSync(resolve(__dirname, '../../../seeds/demo-hospital.json'), 'utf8')),
      catalogue,
    );
    const bytes = await headedWorkbook([
      ['DOC-1', 'BD'],
      ['DOC-3', 'Alaris 8015 PC unit with 8100 LVP module'],
      ['CONN-1.1.1', 'Yes'],
      ['CONN-1.2.4', 'Yes', 'RS-232 service port'],
      ['TXIG-1', 'Yes', 'Messages signed (HMAC) with sequence numbers'],
      ['MLDP-1', 'No'],
    ]);
    const wb = await readMds2Workbook(bytes);
    const profile = deriveMds2Profile(wb);
    const target = { manufacturer: wb.document.manufacturer!, modelName: wb.document.model! };
    const { document, preview } = applyMds2(demo, catalogue, profile, target, { fileName: 'alaris-mds2.xlsx' });
    expect(preview.devices.map((d) => d.deviceId)).toEqual([
      'dev-icu-pump-01',
      'dev-icu-pump-02',
      'dev-ward-pump-01',
      'dev-ward-pump-02',
      'dev-ward-pump-03',
    ]);
    // The Wi-Fi and serial interfaces are already in the demo: evidence, no new interface.
    for (const d of preview.devices) {
      expect(changesOf(d.changes, 'ADD_INTERFACE')).toEqual([]);
      expect(d.confirmed.map((c) => c.what)).toEqual(
        expect.arrayContaining(['WIFI interface', 'SERIAL_DEBUG interface']),
      );
    }
    const c21 = document.controlPlacements.filter((p) => p.controlId === 'C21');
    expect(c21.map((p) => p.elementId).sort()).toEqual([
      'ch-infserver-icu-pump-01',
      'ch-infserver-icu-pump-02',
      'ch-infserver-ward-pump-01',
      'ch-infserver-ward-pump-02',
      'ch-infserver-ward-pump-03',
    ]);
    expect(c21[0]!.source).toMatchObject({ kind: 'MDS2', document: 'alaris-mds2.xlsx', reference: 'TXIG-1' });
    // The engine: replayed or altered pump commands (AM03, AM13) on those channels were partly open; now C21 blocks all.
    const onPumpChannels = (doc: typeof demo) =>
      buildAttackGraph(doc, catalogue).steps.filter(
        (s) => c21.some((p) => p.elementId === s.controlElementId) && ['AM03', 'AM13'].includes(s.attackMethodId),
      );
    const before = onPumpChannels(demo);
    expect(before.filter((s) => !s.blocked).length).toBeGreaterThan(0);
    const after = onPumpChannels(document);
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    expect(after.every((s) => s.blocked)).toBe(true);
    // Each such step shows where the blocking control comes from: the form, its question and answer.
    for (const s of after)
      expect(s.evidence).toContainEqual({
        property: 'controlSource',
        value: `C21 on ${s.controlElementId}: MDS2 alaris-mds2.xlsx (TXIG-1): TXIG-1 Yes (note: Messages signed (HMAC) with sequence numbers)`,
      });
    expect(before.flatMap((s) => s.evidence).some((e) => e.property === 'controlSource')).toBe(false);
  });
});

describe('MDS2-derived facts as evidence on attack steps', () => {
  const ROWS: [string, string, string?][] = [
    ['DOC-1', 'Acme Medical'],
    ['DOC-3', 'InfuseNet 3000'],
    ['DOC-4', 'ACME-MDS2-GPOS'],
    ['MLDP-1', 'Yes'],
    ['CSUP-2', 'Yes', 'Windows 10 IoT Enterprise'],
    ['CONN-1.2.2', 'Yes', 'Service USB port behind the battery door'],
  ];
  // One workbook for the whole block: ExcelJS stamps the time into the file, so two builds a second
  // apart differ in bytes (and sha256), while 're-applying the same form' means the same bytes.
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await headedWorkbook(ROWS);
  });
  const graphAfterImport = async () => {
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    const { document } = applyMds2(hospital(), catalogue, profile, { deviceId: 'dev-pump-2' });
    return { document, graph: buildAttackGraph(document, catalogue) };
  };
  const valuesOf = (s: { evidence: readonly { property: string; value: string }[] }, property: string) =>
    s.evidence.filter((e) => e.property === property).map((e) => e.value);

  it('a flag the form set shows its question ids and answers on the steps reading it, and on no other', async () => {
    const { document, graph } = await graphAfterImport();
    const pump2 = document.devices.find((d) => d.id === 'dev-pump-2')!;
    expect(pump2.generalPurposeOs).toBe(true);
    const expected =
      'generalPurposeOs of dev-pump-2: MDS2 ACME-MDS2-GPOS (CSUP-2, MLDP-1): generalPurposeOs = true: CSUP-2 Yes (note: Windows 10 IoT Enterprise); MLDP-1 Yes';
    // Privilege escalation exists because of the flag: it lists the answers behind it.
    const escalation = graph.steps.find((s) => s.ruleId === 'privilege-escalation' && s.to === 'dev-pump-2')!;
    expect(valuesOf(escalation, 'flagSource')).toEqual([expected]);
    // Every step listing the flag's source is a rule reading generalPurposeOs on that device.
    const withFlag = graph.steps.filter((s) => valuesOf(s, 'flagSource').length > 0);
    const readers = ['privilege-escalation', 'malware-infection', 'lateral-movement'];
    expect(withFlag.filter((s) => !readers.includes(s.ruleId) || !`${s.from} ${s.to}`.includes('dev-pump-2'))).toEqual(
      [],
    );
    expect(withFlag.map((s) => s.ruleId)).toEqual(
      expect.arrayContaining(['privilege-escalation', 'malware-infection']),
    );
    for (const s of withFlag) expect(valuesOf(s, 'flagSource')).toEqual([expected]);
    // The server's generalPurposeOs was typed in, not imported: its escalation step has no source.
    const server = graph.steps.find((s) => s.ruleId === 'privilege-escalation' && s.to === 'dev-server')!;
    expect(valuesOf(server, 'flagSource')).toEqual([]);
  });

  it('an interface the form created shows its answer on the steps entering or using it, and on no other', async () => {
    const { document, graph } = await graphAfterImport();
    const usb = document.interfaces.find((i) => i.deviceId === 'dev-pump-2' && i.kind === 'USB')!;
    const expected = `${usb.id}: MDS2 ACME-MDS2-GPOS (CONN-1.2.2): USB interface: CONN-1.2.2 Yes (note: Service USB port behind the battery door)`;
    const touching = graph.steps.filter((s) => s.from === usb.id || s.to === usb.id);
    expect(touching.some((s) => s.to === usb.id)).toBe(true); // hands on the ward floor → use of the port
    expect(touching.some((s) => s.from === usb.id)).toBe(true); // the port → malware on the device
    for (const s of touching) expect(valuesOf(s, 'interfaceSource')).toEqual([expected]);
    const others = graph.steps.filter((s) => s.from !== usb.id && s.to !== usb.id);
    expect(others.flatMap((s) => valuesOf(s, 'interfaceSource'))).toEqual([]);
  });

  it('evidence without a fact link (written before it existed) shows on no step and changes nothing else', async () => {
    const { document, graph } = await graphAfterImport();
    const unlinked = structuredClone(document);
    for (const d of unlinked.devices) d.evidence = d.evidence?.map(({ fact: _fact, ...e }) => e);
    const old = buildAttackGraph(validateModelDocument(unlinked, catalogue), catalogue);
    const sourced = (p: string) => (s: { evidence: readonly { property: string }[] }) =>
      s.evidence.some((e) => e.property === p);
    expect(old.steps.filter(sourced('flagSource'))).toEqual([]);
    expect(old.steps.filter(sourced('interfaceSource'))).toEqual([]);
    const strip = (steps: typeof graph.steps) =>
      steps.map((s) => ({
        ...s,
        evidence: s.evidence.filter((e) => e.property !== 'flagSource' && e.property !== 'interfaceSource'),
      }));
    expect(strip(old.steps)).toEqual(strip(graph.steps));
    // Re-applying the form to the unlinked document links the entries instead of repeating them.
    const profile = deriveMds2Profile(await readMds2Workbook(bytes));
    const again = applyMds2(unlinked, catalogue, profile, { deviceId: 'dev-pump-2' }).document;
    expect(again.devices.find((d) => d.id === 'dev-pump-2')!.evidence).toEqual(
      document.devices.find((d) => d.id === 'dev-pump-2')!.evidence,
    );
  });
});

describe('importMds2 (read, derive, apply in one call)', () => {
  it('applies to the make and model the form names (DOC-1, DOC-3) when no target is given', async () => {
    const { preview, document } = await importMds2(await headedWorkbook(PUMP_ROWS), hospital(), catalogue);
    expect(preview.devices.map((d) => d.deviceId)).toEqual(['dev-pump-1', 'dev-pump-2']);
    expect(document.devices.find((d) => d.id === 'dev-pump-2')?.remoteService).toBe(true);
  });

  it('carries the reader warnings into the preview, and needs a target when the form names no model', async () => {
    const bytes = await mergedTyposWorkbook();
    const { preview } = await importMds2(bytes, hospital(), catalogue, { deviceId: 'dev-pump-1' });
    expect(preview.warnings.map((w) => w.location?.cell)).toEqual(['A5', 'A6', 'A12']);
    await expect(importMds2(bytes, hospital(), catalogue)).rejects.toMatchObject({
      field: 'target',
      message: expect.stringContaining('does not name its manufacturer (DOC-1) and model (DOC-3)'),
    });
  });
});
