/**
 * Exchange format 1.0 → 2.0 (domain/model-migration.ts): the v1 demo file and a v1 export of a
 * generated 1,000-device hospital import into 2.0; what migration did is pinned here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import { migrateModelDocument } from '../../server/src/domain/model-migration';
import type { ModelDocument } from '../../server/src/domain/types';
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
  it('migrates the v1 demo file: no duplicates to merge, every element kept, extrinsic mechanisms become placements (2.1)', () => {
    const { document, fromVersion, changes } = migrateModelDocument(V1_DEMO);
    expect(fromVersion).toBe('1.0');
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) expect(c.path).toMatch(/^channels\[\d+\]\.extrinsicMechanisms$/);
    const doc = validateModelDocument(V1_DEMO, catalogue);
    expect(doc.formatVersion).toBe('2.3');
    const migrated = document as ModelDocument;
    const v1Channels = V1_DEMO.channels as ModelDocument['channels'];
    expect(migrated.channels.map((c) => ({ ...c, extrinsicMechanisms: [] }))).toEqual(
      v1Channels.map((c) => ({ ...c, extrinsicMechanisms: [] })),
    );
    for (const c of v1Channels)
      for (const m of c.extrinsicMechanisms) {
        const controlId = {
          TLS: 'C20',
          VPN: 'C20',
          APPLICATION_ENCRYPTION: 'C26',
          CHALLENGE_RESPONSE: 'C27',
          MESSAGE_AUTHENTICATION: 'C21',
        }[m];
        expect(migrated.controlPlacements.find((p) => p.controlId === controlId && p.elementId === c.id)?.status).toBe(
          'IMPLEMENTED',
        );
      }
    expect(V1_DEMO.formatVersion).toBe('1.0'); // the input is not modified
  });

  it('2.0 → 2.1: a mechanism becomes one IMPLEMENTED placement, a PLANNED one of the same control is put in force, ids never collide', () => {
    const v20 = {
      ...generateHospital({ devices: 20, seed: 3 }),
      formatVersion: '2.0',
    } as unknown as ModelDocument;
    const ch = v20.channels[0]!;
    ch.extrinsicMechanisms = ['TLS', 'CHALLENGE_RESPONSE'];
    v20.controlPlacements = v20.controlPlacements.filter((p) => p.elementId !== ch.id);
    v20.controlPlacements.push({ id: `${ch.id}.C20`, controlId: 'C27', elementId: ch.id, status: 'PLANNED' });
    const before = JSON.stringify(v20);
    const { document, changes } = migrateModelDocument(v20);
    expect(JSON.stringify(v20)).toBe(before);
    const out = document as ModelDocument;
    expect(out.formatVersion).toBe('2.3');
    expect(out.channels[0]!.extrinsicMechanisms).toEqual([]);
    const onCh = out.controlPlacements.filter((p) => p.elementId === ch.id);
    expect(onCh.map((p) => [p.controlId, p.status]).sort()).toEqual([
      ['C20', 'IMPLEMENTED'],
      ['C27', 'IMPLEMENTED'],
    ]);
    expect(onCh.find((p) => p.controlId === 'C20')!.id).toMatch(/^mig-\d+$/); // '<ch>.C20' was taken
    expect(changes.map((c) => c.message).join('\n')).toMatch(/becomes IMPLEMENTED/);
    // Two mechanisms of one control make one placement, said so.
    const both = {
      ...v20,
      channels: v20.channels.map((x, i) => (i === 1 ? { ...x, extrinsicMechanisms: ['TLS', 'VPN'] } : x)),
    };
    const m2 = migrateModelDocument(both);
    const second = (m2.document as ModelDocument).channels[1]!;
    expect(
      (m2.document as ModelDocument).controlPlacements.filter(
        (p) => p.elementId === second.id && p.controlId === 'C20',
      ),
    ).toHaveLength(1);
    expect(m2.changes.map((c) => c.message)).toContainEqual(
      expect.stringMatching(/^VPN on .* maps to the same placement/),
    );
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
    const { changes: all } = migrateModelDocument(v1);
    const changes = all.filter((c) => !c.path.endsWith('.extrinsicMechanisms'));
    expect(changes).toEqual([
      {
        path: `channels[${v2.channels.length}]`,
        message: `channel 'zz-copy-of-first-channel' is an exact copy of channel '${v2.channels[0]!.id}' (same ends, technology, mechanisms, payload and zones): merged into '${v2.channels[0]!.id}'`,
      },
      expect.objectContaining({ path: `controlPlacements[${v2.controlPlacements.length}]` }),
    ]);
    const doc = validateModelDocument(v1, catalogue);
    expect(doc.formatVersion).toBe('2.3');
    expect(doc.devices).toHaveLength(1000);
    expect(doc.channels).toHaveLength(v2.channels.length);
    expect(doc.controlPlacements.find((p) => p.id === 'zz-pl-on-copy')!.elementId).toBe(v2.channels[0]!.id);
    // Apart from the merge, the document is the 2.0 one.
    expect(
      canonicalModelDocument({
        ...doc,
        controlPlacements: doc.controlPlacements.filter((p) => p.id !== 'zz-pl-on-copy'),
      }),
    ).toEqual(
      canonicalModelDocument(
        validateModelDocument(migrateModelDocument({ ...v2, formatVersion: '2.0' }).document, catalogue),
      ),
    );
  });

  it('leaves a 2.1 document untouched and an unknown version to schema validation', () => {
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
