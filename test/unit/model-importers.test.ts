/**
 * Other tools' models in and out, on sample files written here: OTM import (strict), Threat
 * Dragon v2 import (lenient), OTM export round trip, the OpenGraph export's shape, the CLI
 * commands, and a bounded fuzz run per importer (IMPORT_FUZZ_RUNS): a valid model or a
 * ValidationError, never another exception.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError } from '../../server/src/domain/errors';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import type { ModelDocument } from '../../server/src/domain/types';
import { exportOtm } from '../../server/src/exporters/otm';
import { edgeKind, exportOpenGraph } from '../../server/src/exporters/opengraph';
import { importOtm, validateOtm } from '../../server/src/importers/otm';
import { importThreatDragon } from '../../server/src/importers/threat-dragon';
import { main } from '../../server/src/cli/main';

const catalogue = loadBundledCatalogue();
const RUNS = Number(process.env.IMPORT_FUZZ_RUNS ?? 200);
const DEMO_FILE = path.resolve(__dirname, '../../seeds/demo-hospital.json');
const demo = canonicalModelDocument(validateModelDocument(JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8')), catalogue));

/** A hospital described in OTM by a tool that knows nothing of MedThreat. */
function hospitalOtm() {
  return {
    otmVersion: '0.2.0',
    project: { name: 'Ward 7 infusion', id: 'ward7 infusion', description: 'Pumps and their server' },
    assets: [
      { id: 'dose-library', name: 'Dose library', risk: { confidentiality: 20, integrity: 100, availability: 80 } },
      { id: 'unused', name: 'Unused', risk: { confidentiality: 0, integrity: 0, availability: 0 } },
    ],
    trustZones: [
      { id: 'tz-clinical', name: 'Ward clinical VLAN', type: 'clinical', risk: { trustRating: 80 } },
      { id: 'tz-internet', name: 'Internet', type: 'internet', risk: { trustRating: 10 } },
      { id: 'tz-vendor', name: 'Vendor cloud', type: 'public-cloud', risk: { trustRating: 60 } },
      {
        id: 'tz-inner',
        name: 'Inner',
        type: 'private',
        risk: { trustRating: 90 },
        parent: { trustZone: 'tz-clinical' },
      },
    ],
    components: [
      { id: 'updater', name: 'Pump firmware updater', type: 'service', parent: { component: 'pump' } },
      { id: 'pump', name: 'Ward 7 infusion pump', type: 'infusion-pump', parent: { trustZone: 'tz-clinical' } },
      {
        id: 'pump server',
        name: 'Infusion server',
        type: 'server',
        parent: { trustZone: 'tz-clinical' },
        assets: { processed: ['dose-library'], stored: ['dose-library'] },
      },
      { id: 'portal', name: 'Vendor portal', type: 'web-service', parent: { trustZone: 'tz-vendor' } },
      { id: 'ghost', name: 'Ghost', type: 'server', parent: { trustZone: 'tz-nowhere' } },
    ],
    dataflows: [
      {
        id: 'f1',
        name: 'Dose library push',
        source: 'pump server',
        destination: 'pump',
        tags: ['wifi'],
        assets: ['dose-library'],
      },
      { id: 'f2', name: 'Remote support', source: 'portal', destination: 'pump server', bidirectional: true },
      {
        id: 'f3',
        name: 'Dose library push again',
        source: 'pump server',
        destination: 'pump',
        tags: ['wifi'],
        assets: ['dose-library'],
      },
      { id: 'f4', name: 'To the internet', source: 'portal', destination: 'tz-internet' },
    ],
    threats: [{ id: 't1', name: 'Tampering', risk: { likelihood: 50, impact: 80 } }],
    mitigations: [{ id: 'm1', name: 'Sign the library', riskReduction: 50 }],
  };
}

describe('OTM import (strict)', () => {
  it('maps zones, components (hosted software too), assets and data flows, and reports the rest', () => {
    const { document: doc, report } = importOtm(hospitalOtm(), catalogue);
    expect(doc.model).toEqual({ id: 'ward7-infusion', name: 'Ward 7 infusion', description: 'Pumps and their server' });
    expect(doc.zones.map((z) => [z.id, z.kind, z.entryPoint])).toEqual([
      ['tz-clinical', 'CLINICAL', false],
      ['tz-internet', 'INTERNET', true],
      ['tz-vendor', 'CLOUD', false],
      ['tz-inner', 'ENTERPRISE', false],
    ]);
    expect(doc.devices.map((d) => [d.id, d.category, d.zoneIds, d.hostDeviceId ?? null, d.storesData])).toEqual([
      ['pump', 'INFUSION_PUMP', ['tz-clinical'], null, false],
      ['updater', 'SERVER', ['tz-clinical'], 'pump', false],
      ['pump-server', 'SERVER', ['tz-clinical'], null, true],
      ['portal', 'CLOUD_SERVICE', ['tz-vendor'], null, false],
    ]);
    expect(doc.assets).toEqual([
      {
        id: 'dose-library',
        deviceId: 'pump-server',
        name: 'Dose library',
        kind: 'DIAGNOSIS_MONITORING',
        severity: 'CATASTROPHIC',
        manipulationSeverity: 'CATASTROPHIC',
        denialSeverity: 'CRITICAL',
      },
    ]);
    expect(doc.channels.map((c) => [c.id, c.fromDeviceId, c.toDeviceId, c.technology, c.carries, c.zoneIds])).toEqual([
      ['f1', 'pump-server', 'pump', 'WIFI', ['PERSONAL_DATA'], ['tz-clinical']],
      ['f2', 'portal', 'pump-server', 'IP', ['COMMANDS'], ['tz-vendor', 'tz-clinical']],
    ]);
    expect(report.unmapped.map((u) => [u.path, u.kind])).toEqual([
      ['trustZones[3].parent', 'trust zone nesting'],
      ['components[4].parent', 'component'],
      ['assets[1]', 'asset'],
      ['dataflows[2]', 'dataflow'],
      ['dataflows[3]', 'dataflow'],
      ['mitigations[0]', 'mitigation'],
      ['threats[0]', 'threat'],
    ]);
    expect(report.unmapped[3]!.reason).toBe("the same link as channel 'f1' (merged)");
    expect(report.unmapped[4]!.reason).toMatch(/trust zone \('tz-internet'\)/);
    expect(report.warnings.some((w) => w.path === 'dataflows[1]' && /bidirectional/.test(w.message))).toBe(true);
    expect(report.created).toMatchObject({ zones: 4, devices: 4, channels: 2, assets: 1 });
  });

  it('reports a second trust zone or component with an id already used, and keeps the first', () => {
    const otm = hospitalOtm();
    otm.trustZones.push({ id: 'tz-clinical', name: 'Copy', type: 'internet', risk: { trustRating: 0 } });
    otm.components.push({ id: 'pump', name: 'Another pump', type: 'monitor', parent: { trustZone: 'tz-internet' } });
    const { document: doc, report } = importOtm(otm, catalogue);
    expect(doc.zones.filter((z) => z.name === 'Copy')).toEqual([]);
    expect(doc.devices.find((d) => d.id === 'pump')!.name).toBe('Ward 7 infusion pump');
    expect(report.unmapped.filter((u) => /an earlier/.test(u.reason)).map((u) => u.path)).toEqual([
      'trustZones[4]',
      'components[5]',
    ]);
  });

  it('refuses a document that is not OTM 0.2 with every problem at its path; nothing is imported', () => {
    const bad = hospitalOtm() as Record<string, unknown>;
    delete (bad['project'] as Record<string, unknown>)['id'];
    (bad['components'] as Record<string, unknown>[])[1]!['parent'] = { trustZone: 'a', component: 'b' };
    (bad['dataflows'] as Record<string, unknown>[])[0]!['source'] = 7;
    let caught: unknown;
    try {
      importOtm(bad, catalogue);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues.map((i) => i.path)).toEqual([
      'project.id',
      'components[1].parent',
      'dataflows[0].source',
    ]);
    expect(() => validateOtm({ ...hospitalOtm(), otmVersion: '1.0' })).toThrow(/OTM version '1.0' is not supported/);
    expect(() => validateOtm([])).toThrow(ValidationError);
  });
});

describe('OTM export', () => {
  it('keeps the exchange format 2.2 evidence fields through export and import', () => {
    const doc = structuredClone(demo);
    const source = {
      kind: 'CSAF' as const,
      document: 'icsma-21-294-01.json',
      reference: 'CVE-2021-33885',
      sha256: 'ab'.repeat(32),
    };
    Object.assign(doc.devices[0]!, {
      softwareVersion: 'L81',
      components: [{ name: 'openssl', version: '1.0.2k', purl: 'pkg:generic/openssl@1.0.2k' }],
      evidence: [{ kind: 'SBOM', document: 'pump.cdx.json' }],
    });
    Object.assign(doc.vulnerabilities[0]!, { status: 'FIXED', remediation: 'update to L82', source });
    Object.assign(doc.controlPlacements[0]!, { source: { kind: 'MDS2', document: 'mds2.xlsx', reference: 'AUTH-1' } });
    const valid = canonicalModelDocument(validateModelDocument(doc, catalogue));
    const back = importOtm(JSON.parse(JSON.stringify(exportOtm(valid, catalogue))), catalogue);
    expect(canonicalModelDocument(back.document)).toEqual(valid);
    expect(back.document.devices.find((d) => d.id === doc.devices[0]!.id)!.softwareVersion).toBe('L81');
  });

  it('exports the demo hospital so that importing it gives the same model back', () => {
    const otm = exportOtm(demo, catalogue);
    expect(() => validateOtm(otm)).not.toThrow();
    expect(otm.trustZones!.find((z) => z.id === 'z-internet')).toMatchObject({
      type: 'internet',
      risk: { trustRating: 0 },
    });
    const pump = otm.components!.find((c) => c.id === 'dev-icu-pump-01')!;
    expect(pump.parent).toEqual({ trustZone: 'z-icu-vlan' });
    expect(pump.tags).toEqual(['risk-class-c']);
    const vuln = demo.vulnerabilities[0]!;
    expect(otm.threats!.find((t) => t.id === vuln.id)!.name).toBe(vuln.cveId);
    const back = importOtm(JSON.parse(JSON.stringify(otm)), catalogue);
    expect(canonicalModelDocument(back.document)).toEqual(demo);
  });
});

/** A Threat Dragon v2 file as the app writes it, with its quirks. */
function dragon() {
  const node = (id: string, type: string, name: string, x: number, y: number, extra: object = {}) => ({
    id,
    shape: type.slice(3).toLowerCase(),
    zIndex: 1,
    position: { x, y },
    size: { width: 100, height: 60 },
    attrs: { body: { stroke: '#333', strokeWidth: 1, strokeDasharray: null } },
    data: { type, name, outOfScope: false, threats: [], ...extra },
  });
  const flow = (id: string, from: string | null, to: string, data: object) => ({
    id,
    shape: 'flow',
    zIndex: 10,
    ...(from ? { source: { cell: from } } : { source: { x: 1, y: 1 } }),
    target: { cell: to },
    attrs: { line: { strokeDasharray: null } },
    data: { type: 'tm.Flow', outOfScope: false, threats: [], ...data },
  });
  return {
    version: '2.3.0',
    summary: { title: 'Ward 7 — pumps', owner: 'Biomed', description: 'Drawn in Threat Dragon', id: 0 },
    detail: {
      contributors: [],
      reviewer: '',
      threatTop: 0,
      diagramTop: 1,
      diagrams: [
        {
          id: 0,
          title: 'Main',
          diagramType: 'STRIDE',
          cells: [
            {
              id: 'box-ward',
              shape: 'trust-boundary-box',
              position: { x: 0, y: 0 },
              size: { width: 500, height: 400 },
              data: { type: 'tm.BoundaryBox', name: 'Ward clinical VLAN' },
            },
            {
              id: 'box-inner',
              shape: 'trust-boundary-box',
              position: { x: 250, y: 200 },
              size: { width: 200, height: 150 },
              data: { type: 'tm.BoundaryBox', name: '' },
            },
            node('p-pump', 'tm.Process', 'Infusion\npump', 50, 50, {
              threats: [{ title: 'Tampering', status: 'Open' }],
            }),
            node('s-lib', 'tm.Store', 'Dose library', 300, 250),
            node('a-laptop', 'tm.Actor', 'Attacker laptop', 700, 50),
            node('p-old', 'tm.Process', 'Retired gateway', 60, 300, { outOfScope: true }),
            flow('f-1', 'a-laptop', 'p-pump', { name: 'Wi-Fi commands', protocol: 'Wi-Fi', isPublicNetwork: true }),
            flow('f-2', 's-lib', 'p-pump', { name: 'Library sync', protocol: 'HTTPS', isEncrypted: true }),
            flow('f-3', 'p-pump', 'a-laptop', { name: 'BLE pairing', protocol: 'BLE', isEncrypted: true }),
            flow('f-4', null, 'p-pump', { name: 'Dangling' }),
            flow('f-5', 'p-old', 'p-pump', { name: 'Old link' }),
            { id: 'c-line', shape: 'trust-boundary-curve', data: { type: 'tm.Boundary' } },
            { shape: 'process', data: { type: 'tm.Process', name: 'No id' } },
          ],
        },
      ],
    },
  };
}

describe('Threat Dragon import (lenient)', () => {
  it('places elements in the smallest box around them and maps flows, with warnings for what it guessed', () => {
    const { document: doc, report } = importThreatDragon(dragon(), catalogue);
    expect(doc.model).toEqual({ id: 'ward-7-pumps', name: 'Ward 7 — pumps', description: 'Drawn in Threat Dragon' });
    expect(doc.zones.map((z) => [z.id, z.name, z.kind, z.entryPoint])).toEqual([
      ['box-ward', 'Ward clinical VLAN', 'CLINICAL', false],
      ['box-inner', 'Trust boundary 2', 'OTHER', false],
      ['td-outside', 'Outside the trust boundaries', 'OTHER', true],
      ['td-public-network', 'Public network', 'INTERNET', true],
    ]);
    expect(doc.devices.map((d) => [d.id, d.name, d.category, d.zoneIds, d.storesData])).toEqual([
      ['p-pump', 'Infusion pump', 'INFUSION_PUMP', ['box-ward'], false],
      ['s-lib', 'Dose library', 'SERVER', ['box-inner'], true],
      ['a-laptop', 'Attacker laptop', 'WORKSTATION', ['td-outside'], false],
    ]);
    expect(doc.channels.map((c) => [c.id, c.technology, c.zoneIds])).toEqual([
      ['f-1', 'WIFI', ['td-outside', 'box-ward', 'td-public-network']],
      ['f-2', 'IP', ['box-inner', 'box-ward']],
      ['f-3', 'BLE', ['box-ward', 'td-outside']],
    ]);
    // TLS fits the IP link; it cannot sit on a BLE link, which is reported instead
    expect(doc.controlPlacements.map((p) => [p.elementId, p.controlId, p.status])).toEqual([
      ['f-2', 'C20', 'IMPLEMENTED'],
    ]);
    expect(report.warnings.some((w) => w.path.endsWith('cells[8]') && /C20 .*not placed/.test(w.message))).toBe(true);
    expect(report.warnings.some((w) => w.path.endsWith('cells[12]') && /without an id/.test(w.message))).toBe(true);
    expect(report.unmapped.map((u) => [u.path.replace('detail.diagrams[0].', ''), u.kind])).toEqual([
      ['cells[2].data.threats', 'threat'],
      ['cells[5]', 'tm.Process'],
      ['cells[11]', 'tm.Boundary'],
      ['cells[9]', 'tm.Flow'],
      ['cells[10]', 'tm.Flow'],
    ]);
    expect(() => validateModelDocument(doc, catalogue)).not.toThrow();
  });

  it('refuses what is not a Threat Dragon v2 model', () => {
    expect(() => importThreatDragon([], catalogue)).toThrow(ValidationError);
    expect(() => importThreatDragon({ detail: { diagrams: [] } }, catalogue)).toThrow(/summary/);
    expect(() => importThreatDragon({ summary: { title: 'x' } }, catalogue)).toThrow(/detail\.diagrams/);
    expect(() =>
      importThreatDragon({ summary: { title: 'x' }, detail: { diagrams: [{ diagramJson: {} }] } }, catalogue),
    ).toThrow(/v1 model/);
  });
});

describe('OpenGraph export', () => {
  it('gives every node at most 3 kinds, flat properties and edge kinds of letters, digits and _', () => {
    const { graph } = exportOpenGraph(demo, catalogue);
    const flat = (v: unknown) =>
      ['string', 'number', 'boolean'].includes(typeof v) ||
      (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === typeof v[0] && typeof x !== 'object'));
    for (const n of graph.nodes) {
      expect(n.kinds.length).toBeGreaterThanOrEqual(1);
      expect(n.kinds.length).toBeLessThanOrEqual(3);
      expect(Object.values(n.properties).every(flat)).toBe(true);
      expect(n.properties).not.toHaveProperty('objectid');
    }
    for (const e of graph.edges) {
      expect(e.kind).toMatch(/^[A-Za-z0-9_]+$/);
      expect(Object.values(e.properties).every(flat)).toBe(true);
      expect(e.properties['blocked']).toBe(false);
    }
    expect(edgeKind('vulnerability-exploitation')).toBe('MTVulnerabilityExploitation');
    const pump = graph.nodes.find((n) => n.id === 'medthreat:demo-hospital:dev-icu-pump-01')!;
    expect(pump.kinds).toEqual(['MTDevice']);
    expect(pump.properties).toMatchObject({ category: 'INFUSION_PUMP', riskclass: 'C', ipaddresses: ['10.30.8.21'] });
  });
});

describe('CLI import and export commands', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medthreat-import-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('export-otm then import-otm writes the same model; import-threat-dragon writes a valid one', async () => {
    const otmFile = path.join(tmp, 'demo.otm.json');
    expect((await run('export-otm', DEMO_FILE, '--output', otmFile)).code).toBe(0);
    const modelFile = path.join(tmp, 'back.json');
    const r = await run('import-otm', otmFile, '--output', modelFile, '--report', path.join(tmp, 'report.json'));
    expect(r.code).toBe(0);
    expect(r.err).toContain("OTM 0.2.0 → model 'demo-hospital': 12 zones, 51 devices");
    expect(JSON.parse(fs.readFileSync(modelFile, 'utf8'))).toEqual(demo);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'report.json'), 'utf8')).unmapped).toEqual([]);

    const tdFile = path.join(tmp, 'td.json');
    fs.writeFileSync(tdFile, JSON.stringify(dragon()));
    const td = await run('import-threat-dragon', tdFile);
    expect(td.code).toBe(0);
    expect(() => validateModelDocument(JSON.parse(td.out), catalogue)).not.toThrow();
    expect(td.err).toContain('cells[11]: not mapped: tm.Boundary');
  });

  it('export-opengraph writes the payload; bad files exit 2 naming the place', async () => {
    const og = await run('export-opengraph', DEMO_FILE, '--top', '2');
    expect(og.code).toBe(0);
    expect(JSON.parse(og.out).graph.edges.length).toBeGreaterThan(0);
    const bad = path.join(tmp, 'bad.otm.json');
    fs.writeFileSync(bad, JSON.stringify({ otmVersion: '0.2.0', project: { name: 'x', id: 3 } }, null, 2));
    const r = await run('import-otm', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.otm\.json:5:11: project\.id: /);
  });
});

describe('fuzz: malformed models give a valid model or a ValidationError', () => {
  const outcome = (f: () => { document: ModelDocument }) => {
    try {
      const { document } = f();
      expect(() => validateModelDocument(document, catalogue)).not.toThrow();
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
    }
  };
  /** Replaces the value at a random path of `doc` by `value` (or deletes it). */
  const mutate = (doc: unknown, picks: number[], value: unknown, remove: boolean): unknown => {
    const copy = structuredClone(doc) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (const pick of picks) {
      const keys = Object.keys(node);
      if (!keys.length) break;
      const key = keys[pick % keys.length]!;
      const child = node[key];
      if (child && typeof child === 'object' && pick % 3 !== 0) {
        node = child as Record<string, unknown>;
        continue;
      }
      if (remove) delete node[key];
      else node[key] = value;
      break;
    }
    return copy;
  };
  const junk = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(null, '', 'x\u0000y', -1, 1e308, [], {}));
  const mutation = fc.tuple(fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }), junk, fc.boolean());

  it('OTM', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutation.map(([p, v, r]) => mutate(hospitalOtm(), p, v, r)),
          junk,
        ),
        (input) => outcome(() => importOtm(input, catalogue)),
      ),
      { numRuns: RUNS },
    );
  });

  it('Threat Dragon', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutation.map(([p, v, r]) => mutate(dragon(), p, v, r)),
          junk,
        ),
        (input) => outcome(() => importThreatDragon(input, catalogue)),
      ),
      { numRuns: RUNS },
    );
  });
});
