/**
 * OWASP Threat Dragon v2 model (JSON, https://github.com/OWASP/threat-dragon) → a new MedThreat
 * model. Lenient: Threat Dragon's own demo models break its schema (display attributes such as
 * `strokeDasharray: null`), so only the parts read here are checked, and a cell that cannot be read
 * is skipped with a warning instead of refusing the file. A file that is not a Threat Dragon v2
 * model at all (no `summary`, no `detail.diagrams`, a v1 model) is a ValidationError.
 *
 * Mapping (every cell not mapped is in the report, with the reason):
 * - trust boundary boxes (`tm.BoundaryBox`) → zones (kind from the name, OTHER by default); an
 *   element belongs to the smallest box that contains its centre; elements outside every box go
 *   to one zone "Outside the trust boundaries", an entry point (where an attacker starts);
 * - trust boundary lines (`tm.Boundary`) → not mapped (a line has no inside);
 * - processes, stores and actors (`tm.Process`, `tm.Store`, `tm.Actor`) → devices (category from
 *   the name: a store is a SERVER that stores data; risk class A: both reported); out-of-scope
 *   elements are not imported;
 * - data flows (`tm.Flow`) between two imported elements → channels (technology from the protocol
 *   and name, IP by default; carries COMMANDS); `isEncrypted` → an IMPLEMENTED placement of C20
 *   (encryption in transit) on the channel when it fits; `isPublicNetwork` → the channel is also
 *   reachable from a zone "Public network" (INTERNET, entry point);
 * - threats on cells, text blocks → not mapped (MedThreat derives threats from its attack rules).
 */
import { ValidationError } from '../domain/errors';
import { nameSlug } from '../domain/identifiers';
import type { Catalogue, Device, ZoneKind } from '../domain/types';
import {
  ModelBuilder,
  categoryFromWords,
  technologyFromWords,
  zoneKindFromWords,
  type ModelImportResult,
} from './model-builder';

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Control placed on a channel Threat Dragon marks encrypted (TR 67 Annex A, encryption in transit). */
export const ENCRYPTED_FLOW_CONTROL = 'C20';
const ENTRY_KINDS: ReadonlySet<ZoneKind> = new Set(['INTERNET', 'GUEST_WIFI', 'VENDOR_REMOTE_ACCESS', 'PATIENT_HOME']);

interface Box {
  zoneId: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Imports a Threat Dragon v2 model as a new MedThreat model (see the module comment).
 * @param input the parsed JSON
 * @throws ValidationError when the file is not a Threat Dragon v2 model (path at fault), or the
 *   model built would not be valid (paths prefixed `model.`)
 */
export function importThreatDragon(input: unknown, catalogue: Catalogue): ModelImportResult {
  if (!isRec(input)) throw new ValidationError('a Threat Dragon model is a JSON object', 'document');
  const summary = input['summary'];
  const detail = input['detail'];
  if (!isRec(summary)) throw new ValidationError('is missing: not a Threat Dragon model', 'summary');
  if (!isRec(detail) || !Array.isArray(detail['diagrams'])) {
    throw new ValidationError('is missing or not a list: not a Threat Dragon v2 model', 'detail.diagrams');
  }
  const diagrams = detail['diagrams'] as unknown[];
  if (diagrams.some((d) => isRec(d) && 'diagramJson' in d)) {
    throw new ValidationError(
      'this is a Threat Dragon v1 model (diagramJson); open it in Threat Dragon 2 and save it, then import it',
      'detail.diagrams',
    );
  }
  const version = str(input['version']);
  const b = new ModelBuilder(`Threat Dragon ${version ?? '2'}`);
  if (version !== undefined && !/^2\./.test(version)) b.warn('version', `version '${version}' is not 2.x: read as 2.x`);
  const title = str(summary['title']);
  if (title === undefined) b.warn('summary.title', 'no title: the model is named "Threat Dragon model"');

  const boxes: Box[] = [];
  const nodes: { path: string; cell: Rec; data: Rec; type: string }[] = [];
  const flows: { path: string; cell: Rec; data: Rec }[] = [];
  diagrams.forEach((diagram, d) => {
    const dpath = `detail.diagrams[${d}]`;
    if (!isRec(diagram) || !Array.isArray(diagram['cells'])) {
      b.warn(dpath, 'a diagram without a list of cells: skipped');
      return;
    }
    (diagram['cells'] as unknown[]).forEach((cell, c) => {
      const path = `${dpath}.cells[${c}]`;
      if (!isRec(cell) || typeof cell['id'] !== 'string') {
        b.warn(path, 'a cell without an id: skipped');
        return;
      }
      const data = isRec(cell['data']) ? cell['data'] : {};
      const type = str(data['type']) ?? shapeType(str(cell['shape']));
      const name = str(data['name']);
      const threats = Array.isArray(data['threats']) ? data['threats'].length : 0;
      if (threats) {
        b.skip({
          path: `${path}.data.threats`,
          kind: 'threat',
          id: cell['id'],
          ...(name ? { name } : {}),
          reason: `${threats} threat${threats === 1 ? '' : 's'} not imported: MedThreat derives threats from its attack rules (TR 67 Annex B)`,
        });
      }
      if (type === 'tm.BoundaryBox') {
        const pos = isRec(cell['position']) ? cell['position'] : {};
        const size = isRec(cell['size']) ? cell['size'] : {};
        const [x, y, w, h] = [num(pos['x']), num(pos['y']), num(size['width']), num(size['height'])];
        if (x === undefined || y === undefined || w === undefined || h === undefined) {
          b.skip({ path, kind: type, id: cell['id'], reason: 'a trust boundary box without position and size' });
          return;
        }
        const zoneId = b.id(cell['id'], 'zone');
        const zoneName = b.name(name, `Trust boundary ${boxes.length + 1}`);
        const kind = zoneKindFromWords(name);
        b.zones.push({
          id: zoneId,
          name: zoneName,
          kind,
          entryPoint: ENTRY_KINDS.has(kind),
          ...(b.text(data['description']) ? { description: b.text(data['description'])! } : {}),
        });
        b.warn(path, `zone '${zoneName}' of kind ${kind}${ENTRY_KINDS.has(kind) ? ', an entry point' : ''}: review`);
        boxes.push({ zoneId, x, y, w, h });
      } else if (type === 'tm.Boundary') {
        b.skip({
          path,
          kind: type,
          id: cell['id'],
          reason: 'a trust boundary line has no inside: elements are placed in zones by boundary boxes only',
        });
      } else if (type === 'tm.Process' || type === 'tm.Store' || type === 'tm.Actor') {
        if (data['outOfScope'] === true) {
          b.skip({
            path,
            kind: type,
            id: cell['id'],
            ...(name ? { name } : {}),
            reason: 'out of scope in Threat Dragon',
          });
        } else nodes.push({ path, cell, data, type });
      } else if (type === 'tm.Flow') {
        if (data['outOfScope'] === true) {
          b.skip({
            path,
            kind: type,
            id: cell['id'],
            ...(name ? { name } : {}),
            reason: 'out of scope in Threat Dragon',
          });
        } else flows.push({ path, cell, data });
      } else {
        b.skip({
          path,
          kind: type ?? str(cell['shape']) ?? 'cell',
          id: cell['id'],
          reason: 'not a model element (text or an unknown shape)',
        });
      }
    });
  });

  let outside: string | undefined;
  const outsideZone = () => {
    if (!outside) {
      outside = b.id('td-outside', 'zone');
      b.zones.push({
        id: outside,
        name: 'Outside the trust boundaries',
        kind: 'OTHER',
        entryPoint: true,
        description: 'Threat Dragon elements outside every trust boundary box: where an attacker starts.',
      });
    }
    return outside;
  };
  const deviceOfCell = new Map<string, string>();
  for (const { path, cell, data, type } of nodes) {
    const name = str(data['name']);
    const centre = centreOf(cell);
    const box = centre
      ? boxes
          .filter((x) => centre.x >= x.x && centre.x <= x.x + x.w && centre.y >= x.y && centre.y <= x.y + x.h)
          .sort((p, q) => p.w * p.h - q.w * q.h)[0]
      : undefined;
    if (!centre) b.warn(path, 'no position: placed outside the trust boundaries');
    const id = b.id(cell['id'], 'device');
    const store = type === 'tm.Store';
    const guessed = categoryFromWords(name, str(data['description']));
    const category = store ? 'SERVER' : guessed === 'OTHER' && type === 'tm.Process' ? 'SERVER' : guessed;
    const device: Device = {
      id,
      name: b.name(name, `${type.slice(3)} ${id.slice(0, 8)}`),
      category,
      riskClass: 'A',
      generalPurposeOs: false,
      patchable: true,
      handlesPersonalData: data['handlesCardPayment'] === true || data['storesCredentials'] === true,
      storesData: store,
      remoteService: false,
      zoneIds: [box?.zoneId ?? outsideZone()],
    };
    b.devices.push(device);
    deviceOfCell.set(cell['id'] as string, id);
    b.warn(path, `${type} → device of category ${category}, risk class A: review`);
  }

  let publicZone: string | undefined;
  const seen = new Map<string, string>();
  for (const { path, cell, data } of flows) {
    const name = str(data['name']);
    const src = isRec(cell['source']) ? str(cell['source']['cell']) : undefined;
    const dst = isRec(cell['target']) ? str(cell['target']['cell']) : undefined;
    const from = src ? deviceOfCell.get(src) : undefined;
    const to = dst ? deviceOfCell.get(dst) : undefined;
    if (!from || !to || from === to) {
      b.skip({
        path,
        kind: 'tm.Flow',
        id: cell['id'] as string,
        ...(name ? { name } : {}),
        reason:
          !src || !dst
            ? 'an end is not attached to any element'
            : from === to && from
              ? 'both ends are the same element'
              : 'an end is an element that was not imported',
      });
      continue;
    }
    const technology = technologyFromWords(str(data['protocol']), name);
    const zones = new Set([from, to].flatMap((d) => b.devices.find((x) => x.id === d)!.zoneIds));
    if (data['isPublicNetwork'] === true) {
      if (!publicZone) {
        publicZone = b.id('td-public-network', 'zone');
        b.zones.push({
          id: publicZone,
          name: 'Public network',
          kind: 'INTERNET',
          entryPoint: true,
          description: 'Threat Dragon data flows over a public network cross it.',
        });
      }
      zones.add(publicZone);
    }
    const key = JSON.stringify([from, to, technology, [...zones].sort(), data['isEncrypted'] === true]);
    const same = seen.get(key);
    if (same) {
      b.skip({
        path,
        kind: 'tm.Flow',
        id: cell['id'] as string,
        ...(name ? { name } : {}),
        reason: `the same link as channel '${same}' (merged)`,
      });
      continue;
    }
    const id = b.id(cell['id'], 'channel');
    seen.set(key, id);
    const fromName = b.devices.find((x) => x.id === from)!.name;
    const toName = b.devices.find((x) => x.id === to)!.name;
    const channel = {
      id,
      name: b.name(name, `${fromName} → ${toName}`),
      fromDeviceId: from,
      toDeviceId: to,
      technology,
      intrinsicMechanism: 'NONE' as const,
      extrinsicMechanisms: [],
      carries: ['COMMANDS' as const],
      zoneIds: [...zones],
    };
    b.channels.push(channel);
    if (data['isEncrypted'] === true)
      b.placeOnChannel(catalogue, channel, ENCRYPTED_FLOW_CONTROL, path, 'encrypted in Threat Dragon');
    if (data['isBidirectional'] === true)
      b.warn(path, 'bidirectional: one channel (source to target) stands for both directions');
  }
  if (outside && boxes.length === 0) {
    b.warn('detail.diagrams', 'no trust boundary boxes: every element is in one zone, outside the trust boundaries');
  }

  return b.finish(
    {
      id: nameSlug(title) || 'threat-dragon-model',
      name: title ?? 'Threat Dragon model',
      description: summary['description'],
    },
    catalogue,
  );
}

/** Cell type from the shape name, for cells without `data.type`. */
function shapeType(shape: string | undefined): string | undefined {
  const map: Record<string, string> = {
    'trust-boundary-box': 'tm.BoundaryBox',
    'trust-boundary-curve': 'tm.Boundary',
    'trust-broundary-curve': 'tm.Boundary',
    process: 'tm.Process',
    store: 'tm.Store',
    actor: 'tm.Actor',
    flow: 'tm.Flow',
    'td-text-block': 'tm.Text',
  };
  return shape ? map[shape] : undefined;
}

/** Centre of a node cell from its position and size. */
function centreOf(cell: Rec): { x: number; y: number } | undefined {
  const pos = isRec(cell['position']) ? cell['position'] : undefined;
  const size = isRec(cell['size']) ? cell['size'] : {};
  const x = num(pos?.['x']);
  const y = num(pos?.['y']);
  if (x === undefined || y === undefined) return undefined;
  return { x: x + (num(size['width']) ?? 0) / 2, y: y + (num(size['height']) ?? 0) / 2 };
}
