/**
 * Incremental validation of a write (domain/model-change.ts): on random sequences of edits of
 * every element kind (valid and invalid), it must report exactly the problems validating the
 * whole document reports. MEDTHREAT_PROPERTY_RUNS sets the number of sequences (default 150).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadBundledCatalogue } from '../../server/src/domain/catalogue';
import { ValidationError, type FieldIssue } from '../../server/src/domain/errors';
import { modelChangeIssues, type ModelChange } from '../../server/src/domain/model-change';
import { ELEMENT_LISTS, validateModelDocument } from '../../server/src/domain/model-document';
import type { ControlPlacement, ModelDocument } from '../../server/src/domain/types';
import { concreteEdit, editDraw, type ConcreteEdit } from '../support/model-edits';

const catalogue = loadBundledCatalogue();
const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;
const RUNS = Number(process.env['MEDTHREAT_PROPERTY_RUNS'] ?? 150);

/**
 * A small valid model cut from the demo (every zone, a few devices and what hangs on them), so
 * that random edits often meet each other: chains of hosts, clashes, placements on edited elements.
 */
function smallModel(doc: ModelDocument, deviceIds: string[]): ModelDocument {
  const devices = new Set(deviceIds);
  const interfaces = doc.interfaces.filter((i) => devices.has(i.deviceId));
  const ifaceIds = new Set(interfaces.map((i) => i.id));
  const channels = doc.channels
    .filter((c) => devices.has(c.fromDeviceId) && devices.has(c.toDeviceId))
    .filter((c) => [c.fromInterfaceId, c.toInterfaceId].every((i) => i === undefined || ifaceIds.has(i)));
  const channelIds = new Set(channels.map((c) => c.id));
  const kept = new Set([...doc.zones.map((z) => z.id), ...devices, ...ifaceIds, ...channelIds]);
  return {
    ...doc,
    devices: doc.devices
      .filter((d) => devices.has(d.id))
      .map((d) => {
        const { hostDeviceId, ...rest } = d;
        return hostDeviceId !== undefined && devices.has(hostDeviceId) ? d : rest;
      }),
    interfaces,
    channels: channels.map((c) =>
      c.forwardedTo ? { ...c, forwardedTo: c.forwardedTo.filter((f) => channelIds.has(f)) } : c,
    ),
    assets: doc.assets.filter((a) => devices.has(a.deviceId)),
    vulnerabilities: doc.vulnerabilities.filter((v) => kept.has(v.elementId)),
    controlPlacements: doc.controlPlacements.filter((p) => kept.has(p.elementId)),
  };
}
const channelDevices = [...new Set(demo.channels.slice(0, 6).flatMap((c) => [c.fromDeviceId, c.toDeviceId]))];
const small = smallModel(demo, [
  ...channelDevices,
  ...demo.devices.filter((d) => d.hostDeviceId !== undefined).flatMap((d) => [d.id, d.hostDeviceId!]),
]);

/** As ModelService: placements already stored may stay although they no longer fit. */
function storedPlacement(stored: ModelDocument): (p: ControlPlacement) => boolean {
  const keys = new Set(stored.controlPlacements.map((p) => `${p.id}\u0000${p.controlId}\u0000${p.elementId}`));
  return (p) => keys.has(`${p.id}\u0000${p.controlId}\u0000${p.elementId}`);
}

const emptyChange = (): ModelChange & Record<string, unknown[]> =>
  ({
    deleteIds: [],
    zones: [],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  }) as never;

/** `doc` with the edit applied (a new document; `doc` is not modified) and its change set. */
function apply(
  doc: ModelDocument,
  edit: ConcreteEdit,
  position: number,
): { after: ModelDocument; change: ModelChange } {
  const change = emptyChange();
  const list = (doc[edit.list] as unknown as Record<string, unknown>[]).slice();
  if (edit.op === 'delete') {
    change.deleteIds = [edit.id!];
    return { after: { ...doc, [edit.list]: list.filter((e) => e['id'] !== edit.id) }, change };
  }
  let element: Record<string, unknown>;
  if (edit.op === 'create') {
    element = edit.element!;
    list.splice(position % (list.length + 1), 0, element); // anywhere: the order must not matter
  } else {
    const i = list.findIndex((e) => e['id'] === edit.id);
    element = { ...list[i]! };
    for (const [k, v] of Object.entries(edit.patch!)) {
      if (v === null) delete element[k];
      else element[k] = v;
    }
    list[i] = element;
  }
  (change[edit.list] as unknown[]).push(element);
  return { after: { ...doc, [edit.list]: list }, change };
}

const fullIssues = (doc: ModelDocument, stored: ModelDocument | null): FieldIssue[] => {
  try {
    validateModelDocument(doc, catalogue, stored ? { misfitAllowed: storedPlacement(stored) } : {});
    return [];
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
};
const sorted = (issues: FieldIssue[]) => issues.map((i) => `${i.path} | ${i.message}`).sort();

describe('modelChangeIssues (incremental validation of one write)', () => {
  it('the models the property starts from are valid, also without keeping misfits', () => {
    expect(fullIssues(demo, null)).toEqual([]);
    expect(fullIssues(small, null)).toEqual([]);
    expect(small.devices.length).toBeLessThan(20);
    expect(small.devices.some((d) => d.hostDeviceId !== undefined)).toBe(true);
  });

  it.each([
    ['the demo hospital', demo, RUNS],
    ['a small cut of it', small, RUNS * 2],
  ])(
    'reports exactly what validating the whole document reports, on random edit sequences of %s (property)',
    (_name, start, runs) => {
      let valid = 0;
      let invalid = 0;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(editDraw, fc.nat()), { minLength: 1, maxLength: 16 }),
          fc.boolean(),
          (draws, keepStored) => {
            let doc = start;
            draws.forEach(([draw, position], serial) => {
              const edit = concreteEdit(doc, draw, serial);
              if (!edit) return;
              const { after, change } = apply(doc, edit, position);
              // as the write path (stored placements may stay unfit), or as an import (none may)
              const options = keepStored ? { misfitAllowed: storedPlacement(doc) } : {};
              const full = fullIssues(after, keepStored ? doc : null);
              const incremental = modelChangeIssues(doc, after, change, catalogue, options);
              expect({ edit, issues: sorted(incremental) }).toEqual({ edit, issues: sorted(full) });
              if (full.length === 0) {
                valid++;
                doc = after; // the next edit starts from the written document
              } else invalid++;
            });
          },
        ),
        { numRuns: runs },
      );
      // the sequences exercise both verdicts
      expect(valid).toBeGreaterThan(runs / 2);
      expect(invalid).toBeGreaterThan(runs / 2);
    },
  );

  it('maps paths inside messages back to the whole document (duplicate id, wrong kind)', () => {
    const zone = { ...demo.zones[0]!, id: demo.devices[5]!.id }; // a zone with a device's id
    const after = { ...demo, zones: [...demo.zones, zone] };
    const change = { ...emptyChange(), zones: [zone] };
    const issues = modelChangeIssues(demo, after, change, catalogue);
    expect(sorted(issues)).toEqual(sorted(fullIssues(after, demo)));
    // the device (after the zones) is the duplicate, and what refers to it now names a zone
    expect(issues.some((i) => i.path === 'devices[5].id' && i.message.includes(`zones[${demo.zones.length}]`))).toBe(
      true,
    );
    expect(issues.some((i) => / is a zone \(zones\[\d+\]\), not a device/.test(i.message))).toBe(true);
  });

  it('a host chain closed far from the hosted device: every device on the loop is reported', () => {
    const [a, b, c] = small.devices.filter((d) => d.hostDeviceId === undefined).map((d) => d.id);
    let doc = small;
    const steps: [string, string][] = [
      [a!, b!],
      [b!, c!],
      [c!, a!], // closes a → b → c → a: a's own fields and its host b are unchanged
    ];
    for (const [id, host] of steps) {
      const { after, change } = apply(doc, { op: 'update', list: 'devices', id, patch: { hostDeviceId: host } }, 0);
      const full = fullIssues(after, doc);
      expect(sorted(modelChangeIssues(doc, after, change, catalogue, { misfitAllowed: storedPlacement(doc) }))).toEqual(
        sorted(full),
      );
      if (full.length === 0) doc = after;
    }
    const loopOn = (id: string) => `devices[${doc.devices.findIndex((d) => d.id === id)}].hostDeviceId`;
    const { after, change } = apply(doc, { op: 'update', list: 'devices', id: c!, patch: { hostDeviceId: a } }, 0);
    const paths = modelChangeIssues(doc, after, change, catalogue).map((i) => i.path);
    expect(paths.sort()).toEqual([loopOn(a!), loopOn(b!), loopOn(c!)].sort());
  });

  it("re-checks a channel's extrinsic mechanism when its ends' facts change (a catalogue whose control reads them)", () => {
    // C21 (MESSAGE_AUTHENTICATION) made to need an end on the premises: the channel's verdict
    // then reads the kind of its devices' zones, which an edit of a zone the channel does not
    // name changes
    const strict = {
      ...catalogue,
      controls: catalogue.controls.map((c) =>
        c.id === 'C21' ? { ...c, elementConditions: ['ON_PREMISES' as const] } : c,
      ),
    };
    const channel = small.channels[0]!;
    const zone = small.zones.find((z) => z.kind === 'CLINICAL' && !channel.zoneIds.includes(z.id))!;
    let doc = small;
    const steps: ConcreteEdit[] = [
      { op: 'update', list: 'channels', id: channel.id, patch: { extrinsicMechanisms: ['MESSAGE_AUTHENTICATION'] } },
      { op: 'update', list: 'devices', id: channel.fromDeviceId, patch: { zoneIds: [zone.id] } },
      { op: 'update', list: 'devices', id: channel.toDeviceId, patch: { zoneIds: [zone.id] } },
      { op: 'update', list: 'zones', id: zone.id, patch: { kind: 'CLOUD' } },
    ];
    const verdicts: string[][] = [];
    for (const edit of steps) {
      const { after, change } = apply(doc, edit, 0);
      const options = { misfitAllowed: storedPlacement(doc) };
      let full: FieldIssue[] = [];
      try {
        validateModelDocument(after, strict, options);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        full = e.issues;
      }
      const incremental = sorted(modelChangeIssues(doc, after, change, strict, options));
      expect(incremental).toEqual(sorted(full));
      verdicts.push(incremental.map((i) => i.split(' | ')[0]!));
      if (full.length === 0) doc = after;
    }
    const at = small.channels.findIndex((c) => c.id === channel.id);
    expect(verdicts.map((v) => v.filter((p) => p.startsWith('channels')))).toEqual([
      [],
      [],
      [],
      [`channels[${at}].extrinsicMechanisms[0]`],
    ]);
  });

  it('an empty change has no problems; the list order of the kinds is the document order', () => {
    expect(modelChangeIssues(demo, demo, emptyChange(), catalogue)).toEqual([]);
    expect(ELEMENT_LISTS[0]).toBe('zones');
  });
});
