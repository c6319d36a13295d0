/**
 * The command line's evidence imports end to end on files: a device inventory CSV adds a pump with
 * its make, model and software version; `import-csaf` then matches the team's sample advisory to
 * it (EXACT) and writes the vulnerability and the suggested control; `import-sbom` puts an SBOM's
 * components on it; `--preview` writes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../server/src/cli/main';
import type { ModelDocument } from '../../server/src/domain/types';
import { sampleAdvisory } from '../samples/csaf/sample-advisory';
import { sampleSbom } from '../samples/cyclonedx/samples';

const DEMO_FILE = path.resolve(__dirname, '../../seeds/demo-hospital.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-evidence-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as ModelDocument;

describe('inventory, advisory and SBOM through the CLI', () => {
  const withPump = path.join(tmp, 'with-pump.json');
  const advisory = path.join(tmp, 'acme.csaf.json');
  let pumpId: string;

  beforeAll(async () => {
    const csv = path.join(tmp, 'inventory.csv');
    fs.writeFileSync(
      csv,
      'External ID,Name,Category,Manufacturer,Model,Software version,Risk class,Zone\n' +
        'ACME-1,Ward 9 pump,Infusion pump,Acme Medical,InfuPump 3000,2.3,C,Ward clinical VLAN\n',
    );
    const r = await run('import-inventory', DEMO_FILE, csv, '--output', withPump);
    expect(r.code).toBe(0);
    pumpId = read(withPump).devices.find((d) => d.externalId === 'ACME-1')!.id;
    fs.writeFileSync(advisory, JSON.stringify(sampleAdvisory()));
  });

  it('import-csaf matches the inventory’s pump by make, model and software version and writes the CVE', async () => {
    const preview = await run('import-csaf', withPump, advisory, '--preview');
    expect(preview.code).toBe(0);
    expect(preview.err).toContain(`EXACT ${pumpId} (Ward 9 pump)`);
    const p = JSON.parse(preview.out) as { vulnerabilities: { id: string; deviceId: string; cveId: string }[] };
    expect(p.vulnerabilities.filter((v) => v.deviceId === pumpId).map((v) => v.cveId)).toEqual(['CVE-2030-0001']);

    const out = path.join(tmp, 'after-csaf.json');
    expect((await run('import-csaf', withPump, advisory, '--output', out)).code).toBe(0);
    const doc = read(out);
    const vuln = doc.vulnerabilities.find((v) => v.elementId === pumpId)!;
    expect(vuln).toMatchObject({ cveId: 'CVE-2030-0001', source: { kind: 'CSAF', document: 'ACME-2030-01' } });
    expect(
      doc.controlPlacements.some((c) => c.elementId === pumpId && c.controlId === 'C06' && c.status === 'PLANNED'),
    ).toBe(true);
    expect(doc.vulnerabilities).toHaveLength(read(withPump).vulnerabilities.length + 1);

    const skipped = await run('import-csaf', withPump, advisory, '--skip', `vuln:${pumpId}:CVE-2030-0001`);
    expect(read2(skipped.out).vulnerabilities.some((v) => v.elementId === pumpId)).toBe(false);
    const bad = await run('import-csaf', withPump, advisory, '--confirm', 'no-such-device');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("confirm[0]: 'no-such-device' is neither a device nor a change");
  });

  it('import-sbom puts the SBOM’s components on the device; a bad device exits 2', async () => {
    const bom = path.join(tmp, 'pump.cdx.json');
    fs.writeFileSync(bom, JSON.stringify(sampleSbom()));
    const r = await run('import-sbom', withPump, bom, '--device', pumpId);
    expect(r.code).toBe(0);
    const components = read2(r.out).devices.find((d) => d.id === pumpId)!.components ?? [];
    expect(components.length).toBeGreaterThan(0);
    const unknown = await run('import-sbom', withPump, bom, '--device', 'dev-nope');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("deviceId: unknown device 'dev-nope'");
    expect((await run('import-sbom', withPump, bom)).code).toBe(2);
  });
});

const read2 = (text: string) => JSON.parse(text) as ModelDocument;
