/**
 * Exchange format 1.0 → 2.0 (domain/model-migration.ts): the v1 demo file and a v1 export of a
 * generated 1,000-device hospital import into 2.0; what migration did is pinned here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import { migrateModelDocument } from '../../server/src/domain/model-migration';
import { generateHospital } from '../support/generate-hospital';

const catalogue = loadBundledCatalogue();
/** A channel control (C20/C21/C26) the element has no placement of yet. */
const FREE_CONTROL = (doc: { controlPlacements: { controlId: string; elementId: string }[] }, elementId: string) =>
  ['C21', 'C20', 'C26'].find(
    (c) => !doc.controlPlacements.some((p) => p.controlId === c && p.elementId === elementId),
  )!;
const V1_DEMO = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/demo-hospital-v1.json'), 'utf8'),
) as Record<string, unknown>;

describe('migrateModelDocument (1.0 → 2.0)', () => {
  it('migrates the v1 demo file: version only, no duplicates to merge, every element kept as it was', () => {
    const { document, fromVersion, changes } = migrateModelDocument(V1_DEMO);
    expect(fromVersion).toBe('1.0');
    expect(changes).toEqual([]);
    const doc = validateModelDocument(V1_DEMO, catalogue);
    expect(doc.formatVersion).toBe('2.0');
    expect({ ...(document as object), formatVersion: '1.0' }).toEqual(V1_DEMO);
    expect(V1_DEMO.formatVersion).toBe('1.0'); // the input is not modified
  });

  it('migrates a v1 export of a generated 1,000-device hospital, merging an exact duplicate channel and moving its placement', () => {
    const v2 = generateHospital({ devices: 1000, seed: 11 });
    const copy = { ...v2.channels[0]!, id: 'zz-copy-of-first-channel', name: 'copy' };
    const v1 = {
      ...structuredClone(v2),
      formatVersion: '1.0',
      channels: [...v2.channels, copy],
      controlPlacements: [
        ...v2.controlPlacements,
        // a control the kept channel does not have yet, so the placement moves (not dropped)
        { id: 'zz-pl-on-copy', controlId: FREE_CONTROL(v2, v2.channels[0]!.id), elementId: copy.id, status: 'PLANNED' },
      ],
    };
    const { changes } = migrateModelDocument(v1);
    expect(changes).toEqual([
      {
        path: `channels[${v2.channels.length}]`,
        message: `channel 'zz-copy-of-first-channel' is an exact copy of channel '${v2.channels[0]!.id}' (same ends, technology, mechanisms, payload and zones): merged into '${v2.channels[0]!.id}'`,
      },
      expect.objectContaining({ path: `controlPlacements[${v2.controlPlacements.length}]` }),
    ]);
    const doc = validateModelDocument(v1, catalogue);
    expect(doc.formatVersion).toBe('2.0');
    expect(doc.devices).toHaveLength(1000);
    expect(doc.channels).toHaveLength(v2.channels.length);
    expect(doc.controlPlacements.find((p) => p.id === 'zz-pl-on-copy')!.elementId).toBe(v2.channels[0]!.id);
    // Apart from the merge, the document is the 2.0 one.
    expect(
      canonicalModelDocument({
        ...doc,
        controlPlacements: doc.controlPlacements.filter((p) => p.id !== 'zz-pl-on-copy'),
      }),
    ).toEqual(canonicalModelDocument(v2));
  });

  it('leaves a 2.0 document untouched and an unknown version to schema validation', () => {
    const v2 = generateHospital({ devices: 20, seed: 1 });
    expect(migrateModelDocument(v2).document).toBe(v2);
    expect(() => validateModelDocument({ ...v2, formatVersion: '3.0' }, catalogue)).toThrow(/formatVersion|2\.0/);
  });

  it('round-trips the 2.0 demo with its new elements: canonical export → import → export is the identity', () => {
    const demo = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'));
    const once = canonicalModelDocument(validateModelDocument(demo, catalogue));
    const twice = canonicalModelDocument(validateModelDocument(JSON.parse(JSON.stringify(once)), catalogue));
    expect(twice).toEqual(once);
    expect(once.zones.find((z) => z.id === 'z-enterprise-lan')!.linkedZoneIds).toEqual(['z-datacentre']);
    expect(once.devices.find((d) => d.id === 'dev-insulin-app')!.hostDeviceId).toBe('dev-patient-phone');
    expect(once.devices.find((d) => d.id === 'dev-ward-monitor-contec')).toMatchObject({
      outboundZoneIds: ['z-internet'],
      outboundAccepts: 'CODE',
    });
  });
});
