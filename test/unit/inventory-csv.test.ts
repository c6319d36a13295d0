/**
 * The device inventory CSV importer (server/src/importers/inventory-csv.ts) on files written
 * here: documented columns and their aliases, separators, quoting, formula-looking cells, zones
 * by name, per-row errors at their line and column, all-or-nothing application to the demo
 * hospital through upsertDevices' rules, and a bounded fuzz run (IMPORT_FUZZ_RUNS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError } from '../../server/src/domain/errors';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import type { ModelDocument } from '../../server/src/domain/types';
import { applyInventoryCsv, parseInventoryCsv } from '../../server/src/importers/inventory-csv';
import { main } from '../../server/src/cli/main';

const catalogue = loadBundledCatalogue();
const DEMO = canonicalModelDocument(
  validateModelDocument(
    JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8')),
    catalogue,
  ),
);
const RUNS = Number(process.env.IMPORT_FUZZ_RUNS ?? 200);

describe('parseInventoryCsv', () => {
  it('maps the documented columns to upsertDevices items', () => {
    const csv = [
      'External ID,Name,Category,Manufacturer,Model,Software version,Risk class,Zone,IP address,MAC address,Asset tag',
      'CMDB-9,"Pump, bed 4",INFUSION_PUMP,BD,Alaris 8015,12.1,C,z-icu-vlan,"10.0.0.9; fd00::9",00:1B:63:00:00:09,BME-9',
    ].join('\r\n');
    const r = parseInventoryCsv(csv);
    expect(r.issues).toEqual([]);
    expect(r.items).toEqual([
      {
        externalId: 'CMDB-9',
        name: 'Pump, bed 4',
        category: 'INFUSION_PUMP',
        manufacturer: 'BD',
        modelName: 'Alaris 8015',
        softwareVersion: '12.1',
        riskClass: 'C',
        zoneIds: ['z-icu-vlan'],
        ipAddresses: ['10.0.0.9', 'fd00::9'],
        macAddresses: ['00:1B:63:00:00:09'],
        assetTag: 'BME-9',
      },
    ]);
    expect(r.lines).toEqual([2]);
    expect(r.columns.map((c) => c.field)).toEqual([
      'externalId',
      'name',
      'category',
      'manufacturer',
      'modelName',
      'softwareVersion',
      'riskClass',
      'zoneIds',
      'ipAddresses',
      'macAddresses',
      'assetTag',
    ]);
  });

  it('tolerates header aliases, semicolons, a BOM, placeholders and words for enums', () => {
    const csv =
      '\ufeffCMDB ID;Hostname;Device type;Make;Firmware;HSA class;Network zone;Remote access;Notes\n' +
      'A-1;Monitor 1;Patient monitor;GE;-;Class b;ICU clinical VLAN | Enterprise LAN;yes;spare\n' +
      '\n' +
      'A-2;Monitor 2;vital signs monitor;GE;2.1;hsa class D;z-icu-vlan;N;\n';
    const r = parseInventoryCsv(csv, { zones: DEMO.zones });
    expect(r.items).toEqual([
      {
        externalId: 'A-1',
        name: 'Monitor 1',
        category: 'PATIENT_MONITOR',
        manufacturer: 'GE',
        riskClass: 'B',
        zoneIds: ['z-icu-vlan', 'z-enterprise-lan'],
        remoteService: true,
      },
      {
        externalId: 'A-2',
        name: 'Monitor 2',
        category: 'PATIENT_MONITOR',
        manufacturer: 'GE',
        softwareVersion: '2.1',
        riskClass: 'D',
        zoneIds: ['z-icu-vlan'],
        remoteService: false,
      },
    ]);
    expect(r.lines).toEqual([2, 4]);
    expect(r.issues).toEqual([
      expect.objectContaining({ line: 1, column: 'Notes', code: 'UNKNOWN_COLUMN', severity: 'warning' }),
    ]);
  });

  it('reads Excel’s sep= hint and UTF-16 exports', () => {
    const r = parseInventoryCsv('sep=|\nExternal ID|Name|Zone\nE-1|Pump, ward 3|z-icu-vlan\n');
    expect(r.items).toEqual([{ externalId: 'E-1', name: 'Pump, ward 3', zoneIds: ['z-icu-vlan'] }]);
    expect(r.lines).toEqual([3]);
    const text = '\ufeffExternal ID\tName\nU-1\tMonitor ü\n';
    const le = Buffer.from(text, 'utf16le');
    expect(parseInventoryCsv(le).items).toEqual([{ externalId: 'U-1', name: 'Monitor ü' }]);
    const be = Buffer.from(le).swap16();
    expect(parseInventoryCsv(be).items).toEqual([{ externalId: 'U-1', name: 'Monitor ü' }]);
  });

  it('flags formula-looking cells at their row and column, keeping the text and never evaluating it', () => {
    const csv = 'External ID,Name,Model\nX-1,=1+2,@SUM(A1)\nX-2,"+cmd|\' /C calc\'!A0",ok\nX-3,Safe,-\n';
    const strict = parseInventoryCsv(csv);
    expect(strict.items.map((i) => i['externalId'])).toEqual(['X-3']);
    expect(strict.issues.map((i) => [i.line, i.column, i.code, i.severity])).toEqual([
      [2, 'Name', 'FORMULA', 'error'],
      [2, 'Model', 'FORMULA', 'error'],
      [3, 'Name', 'FORMULA', 'error'],
    ]);
    const lenient = parseInventoryCsv(csv, { acceptFormulaText: true });
    expect(lenient.items[0]).toEqual({ externalId: 'X-1', name: '=1+2', modelName: '@SUM(A1)' });
    expect(lenient.items[1]!['name']).toBe("+cmd|' /C calc'!A0");
    expect(lenient.issues.every((i) => i.severity === 'warning')).toBe(true);
  });

  it('reports bad values per row and column, and keeps the good rows', () => {
    const csv =
      'External ID,Name,Category,Risk class,Zone,Patchable\n' +
      'B-1,One,toaster,E,Nowhere,perhaps\n' +
      ',No id,OTHER,A,z-icu-vlan,yes\n' +
      'B-3,Three,OTHER,A,z-icu-vlan,yes,extra\n';
    const r = parseInventoryCsv(csv, { zones: DEMO.zones });
    expect(r.issues.map((i) => [i.line, i.column, i.field, i.code, i.severity])).toEqual([
      [2, 'Category', 'category', 'BAD_VALUE', 'error'],
      [2, 'Risk class', 'riskClass', 'BAD_VALUE', 'error'],
      [2, 'Zone', 'zoneIds', 'UNKNOWN_ZONE', 'error'],
      [2, 'Patchable', 'patchable', 'BAD_VALUE', 'error'],
      [3, null, 'externalId', 'MISSING_FIELD', 'error'],
      [4, null, null, 'EXTRA_CELLS', 'warning'],
    ]);
    expect(r.items.map((i) => i['externalId'])).toEqual(['B-3']);
  });

  it('refuses files that are not an inventory CSV with a typed error', () => {
    const cases: [string | Uint8Array, RegExp][] = [
      ['', /empty/],
      ['colour,size\nred,3\n', /header/],
      ['Name,Zone\n"open quote,z\n', /not readable as CSV/],
      [Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /zip archive/],
      [Uint8Array.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x00, 0x01]), /binary/],
      [Uint8Array.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x41]), /not UTF-8/],
      [`Name\n${'x\n'.repeat(10_001)}`, /more than the 10000/],
    ];
    for (const [input, message] of cases) {
      expect(() => parseInventoryCsv(input)).toThrow(ValidationError);
      expect(() => parseInventoryCsv(input)).toThrow(message);
    }
  });
});

describe('applyInventoryCsv on the demo hospital', () => {
  it('updates devices matched by externalId and creates new ones, as upsertDevices does', () => {
    const existing = DEMO.devices.find((d) => d.externalId)!;
    const csv =
      'External ID,Name,Category,Risk class,Zone,Software version,Software\n' +
      `${existing.externalId},,,,,9.9.9,PC unit software 9\n` +
      'NEW-1,Ward 7 pump,Infusion pump,C,Ward clinical VLAN,L81,\n';
    const r = applyInventoryCsv(DEMO, csv, catalogue);
    expect(r.issues).toEqual([]);
    expect([r.created, r.updated]).toEqual([1, 1]);
    const doc = r.document!;
    const updated = doc.devices.find((d) => d.id === existing.id)!;
    expect(updated).toEqual({ ...existing, softwareVersion: '9.9.9', software: 'PC unit software 9' });
    const created = doc.devices.find((d) => d.externalId === 'NEW-1')!;
    expect(created).toMatchObject({
      name: 'Ward 7 pump',
      category: 'INFUSION_PUMP',
      riskClass: 'C',
      zoneIds: ['z-ward-vlan'],
    });
    expect(created.id).toMatch(/^dev-ward-7-pump-[0-9a-f]{6}$/);
    expect(doc.devices).toHaveLength(DEMO.devices.length + 1);
    // the result is a valid model
    expect(() => validateModelDocument(doc, catalogue)).not.toThrow();
  });

  it('changes nothing when any row fails, and reports upsert problems at their row and column', () => {
    const taken = DEMO.devices.find((d) => d.externalId)!;
    const csv =
      'External ID,Name,Category,Risk class,Zone,IP address\n' +
      'OK-1,Fine,OTHER,A,z-icu-vlan,10.9.9.9\n' +
      'BAD-1,Broken,OTHER,A,z-icu-vlan,999.1.1.1\n' +
      'NEW-2,No class,OTHER,,z-icu-vlan,\n' +
      `${taken.externalId},,,,,\n` +
      'OK-1,Again,OTHER,A,z-icu-vlan,\n';
    const r = applyInventoryCsv(DEMO, csv, catalogue);
    expect(r.document).toBeNull();
    expect(r.created + r.updated).toBe(0);
    const upsert = r.issues.filter((i) => i.code === 'UPSERT');
    expect(upsert.map((i) => [i.line, i.column])).toEqual([
      [3, 'IP address'],
      [4, 'Risk class'],
      [6, 'External ID'],
    ]);
    expect(upsert[0]!.message).toMatch(/^BAD_USER_INPUT: '999\.1\.1\.1'/);
    expect(upsert[1]!.message).toMatch(/^MISSING_FIELD: .*riskClass/);
    expect(upsert[2]!.message).toMatch(/^DUPLICATE_EXTERNAL_ID/);
  });
});

describe('medthreat import-inventory', () => {
  it('writes the updated model, or nothing with every error at its line and column (exit 2)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-inv-'));
    try {
      const run = async (...args: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
        return { code, out: out.join('\n'), err: err.join('\n') };
      };
      const demoFile = path.resolve(__dirname, '../../seeds/demo-hospital.json');
      const good = path.join(dir, 'good.csv');
      fs.writeFileSync(good, 'Asset tag;Name;Type;HSA class\nBME-777;Spare monitor;Monitor;B\n');
      const output = path.join(dir, 'out.json');
      const ok = await run('import-inventory', demoFile, good, '--default-zone', 'z-icu-vlan', '--output', output);
      expect(ok.code).toBe(0);
      expect(ok.err).toContain('1 device(s) created, 0 updated');
      const written = JSON.parse(fs.readFileSync(output, 'utf8')) as ModelDocument;
      expect(written.devices.find((d) => d.externalId === 'BME-777')).toMatchObject({
        name: 'Spare monitor',
        category: 'PATIENT_MONITOR',
        riskClass: 'B',
        zoneIds: ['z-icu-vlan'],
        assetTag: 'BME-777',
      });

      const bad = path.join(dir, 'bad.csv');
      fs.writeFileSync(bad, 'External ID,Name,Zone\nX-1,=cmd,nowhere\n');
      const out2 = path.join(dir, 'out2.json');
      const r = await run('import-inventory', demoFile, bad, '--output', out2);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${bad}:2: column 'Name': error: FORMULA`);
      expect(r.err).toContain(`${bad}:2: column 'Zone': error: UNKNOWN_ZONE`);
      expect(r.err).toContain('2 errors; nothing written');
      expect(fs.existsSync(out2)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fuzz: malformed inventories give typed errors, never a crash', () => {
  const header = 'External ID,Name,Category,Risk class,Zone,IP address,MAC address,Asset tag';
  const cell = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('=1+1', '"', '""', ',', ';', '\n', '\r', '-', 'C', 'OTHER', 'z-icu-vlan', '10.0.0.1', '\u0000'),
  );
  const row = fc.array(cell, { maxLength: 10 }).map((cells) => cells.join(','));

  it('parseInventoryCsv and applyInventoryCsv on random text, rows and bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(row, { maxLength: 8 }).map((rows) => [header, ...rows].join('\n')),
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }),
        ),
        (input) => {
          const before = JSON.stringify(DEMO);
          try {
            const r = applyInventoryCsv(DEMO, input, catalogue);
            for (const i of r.issues) {
              expect(i.line).toBeGreaterThanOrEqual(1);
              expect(['error', 'warning']).toContain(i.severity);
            }
            if (r.document) expect(() => validateModelDocument(r.document as ModelDocument, catalogue)).not.toThrow();
            else expect(r.issues.some((i) => i.severity === 'error')).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
          }
          expect(JSON.stringify(DEMO)).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
