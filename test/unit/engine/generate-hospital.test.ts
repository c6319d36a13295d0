import fs from 'node:fs';
import path from 'node:path';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import { validateCatalogue } from '../../../server/src/domain/catalogue';
import type { Catalogue } from '../../../server/src/domain/types';
import { buildAttackGraph } from '../../../server/src/engine';
import { testCatalogue } from '../../support/build-graph';
import { generateHospital } from '../../support/generate-hospital';

const REAL = path.resolve(__dirname, '../../../seeds/catalogue/tr67-catalogue.json');
const catalogues: [string, Catalogue][] = [['test catalogue', testCatalogue()]];
if (fs.existsSync(REAL))
  catalogues.push(['bundled TR 67 catalogue', validateCatalogue(JSON.parse(fs.readFileSync(REAL, 'utf8')))]);

describe('generateHospital', () => {
  it('makes exactly the number of devices asked for, deterministically per seed', () => {
    for (const devices of [0, 1, 7, 50, 333]) {
      const a = generateHospital({ devices, seed: devices });
      expect(a.devices).toHaveLength(devices);
      expect(generateHospital({ devices, seed: devices })).toEqual(a);
    }
    expect(generateHospital({ devices: 50, seed: 1 })).not.toEqual(generateHospital({ devices: 50, seed: 2 }));
  });

  it.each(catalogues)(
    'is a valid exchange document for the %s (references, mechanisms, control applicability)',
    (_, catalogue) => {
      for (const devices of [5, 40, 1200]) {
        const doc = generateHospital({ devices, seed: 11, catalogue });
        expect(() => validateModelDocument(JSON.parse(JSON.stringify(doc)), catalogue)).not.toThrow();
      }
    },
  );

  it('has a realistic mix: entry points, wards, pumps with servers, monitors with central stations, home and IoT devices, CVEs and placements', () => {
    const doc = generateHospital({ devices: 3000, seed: 5 });
    const count = (category: string) => doc.devices.filter((d) => d.category === category).length;
    expect(
      doc.zones
        .filter((z) => z.entryPoint)
        .map((z) => z.kind)
        .sort(),
    ).toEqual(['GUEST_WIFI', 'INTERNET', 'PATIENT_HOME', 'PHYSICAL_ACCESS', 'VENDOR_REMOTE_ACCESS']);
    expect(count('INFUSION_PUMP')).toBeGreaterThan(500);
    expect(count('INFUSION_SERVER')).toBeGreaterThan(0);
    expect(count('PATIENT_MONITOR')).toBeGreaterThan(300);
    expect(count('CENTRAL_STATION')).toBeGreaterThan(0);
    for (const c of [
      'VENTILATOR',
      'IMAGING',
      'PACS',
      'WORKSTATION',
      'BED_SENSOR',
      'ENVIRONMENTAL_SENSOR',
      'GATEWAY',
      'INSULIN_PUMP',
      'CGM',
      'MOBILE_APP',
      'IMPLANTABLE_CARDIAC',
      'HOME_MONITOR',
      'EHR',
    ]) {
      expect([c, count(c)]).not.toEqual([c, 0]);
    }
    expect(new Set(doc.channels.map((c) => c.technology))).toEqual(
      new Set(['WIFI', 'ETHERNET', 'BLE', 'ZIGBEE', 'LORA', 'CELLULAR', 'PROPRIETARY_RF']),
    );
    expect(doc.vulnerabilities.length).toBeGreaterThan(100);
    expect(doc.controlPlacements.some((p) => p.status === 'IMPLEMENTED')).toBe(true);
  });

  it('scales to 50 000 devices', () => {
    const t0 = Date.now();
    const doc = generateHospital({ devices: 50000, seed: 9 });
    expect(doc.devices).toHaveLength(50000);
    expect(new Set(doc.interfaces.map((i) => i.id)).size).toBe(doc.interfaces.length);
    expect(Date.now() - t0).toBeLessThan(20000);
  });

  it('gives attack paths to the engine', () => {
    const graph = buildAttackGraph(generateHospital({ devices: 200, seed: 4 }), testCatalogue());
    expect(graph.steps.length).toBeGreaterThan(1000);
  });
});
