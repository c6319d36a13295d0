/**
 * Attack paths → what to draw on the map. Pure.
 *
 * A path runs through zones, devices, interfaces, channels and assets; the map shows zones and
 * devices as nodes and channels as edges. Each path element is anchored on its map node (an
 * interface or asset on its device, a channel on its receiving device), the channel edges it uses
 * are highlighted, and a step between two different anchors follows the existing map edge between
 * them if there is one, else an overlay edge is drawn (labelled with the step number and attack
 * method when a single path is shown).
 */
import type { ModelIndex } from './model-index';

export type PathVariant = 'active' | 'cut';

export interface PathLike {
  id: string;
  entryPointId: string;
  targetId: string;
  nodeIds: readonly string[];
  steps: readonly { id: string; from: string; to: string; attackMethod: { name: string } }[];
}

export interface OverlayEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  variant: PathVariant;
}

export interface PathHighlight {
  /** Map nodes on some highlighted path, by variant ('active' wins over 'cut'). */
  nodes: Map<string, PathVariant>;
  /** Existing map edges on some highlighted path. */
  edges: Map<string, PathVariant>;
  overlays: OverlayEdge[];
  /** Step labels for existing map edges a single highlighted path runs along ("3. Credential compromise"). */
  edgeLabels: Map<string, string>;
  /** Map nodes that are path entries / targets. */
  entries: Set<string>;
  targets: Set<string>;
}

export function emptyHighlight(): PathHighlight {
  return {
    nodes: new Map(),
    edges: new Map(),
    overlays: [],
    edgeLabels: new Map(),
    entries: new Set(),
    targets: new Set(),
  };
}

function insideZone(index: ModelIndex, deviceId: string, zoneId: string): boolean {
  const d = index.get(deviceId);
  return d?.type === 'DEVICE' && index.typeOf(zoneId) === 'ZONE' && d.element.zoneIds.includes(zoneId);
}

function mark(m: Map<string, PathVariant>, id: string, v: PathVariant) {
  if (m.get(id) !== 'active') m.set(id, v);
}

/**
 * @param paths the paths with their variant; labels are drawn only when exactly one path is given
 * @param edgeBetween the map edge joining two map nodes, if any (see `edgeLookup`)
 */
export function highlightPaths(
  paths: readonly { path: PathLike; variant: PathVariant }[],
  index: ModelIndex,
  edgeBetween: (a: string, b: string) => string | undefined,
): PathHighlight {
  const h = emptyHighlight();
  const overlayByKey = new Map<string, OverlayEdge>();
  const labelled = paths.length === 1;

  for (const { path, variant } of paths) {
    const entry = index.mapNodeOf(path.entryPointId);
    const target = index.mapNodeOf(path.targetId);
    if (entry) h.entries.add(entry);
    if (target) h.targets.add(target);
    for (const id of path.nodeIds) {
      const anchor = index.mapNodeOf(id);
      if (anchor) mark(h.nodes, anchor, variant);
      if (index.typeOf(id) === 'CHANNEL') mark(h.edges, id, variant);
    }
    path.steps.forEach((step, i) => {
      const a = index.mapNodeOf(step.from);
      const b = index.mapNodeOf(step.to);
      if (!a || !b || a === b) return;
      const label = labelled ? `${i + 1}. ${step.attackMethod.name}` : '';
      const addLabel = (edgeId: string) => {
        if (!labelled) return;
        const cur = h.edgeLabels.get(edgeId);
        h.edgeLabels.set(edgeId, cur ? `${cur}\n${label}` : label);
      };
      const viaChannel = [step.from, step.to].find((id) => index.typeOf(id) === 'CHANNEL');
      if (viaChannel) {
        const ch = index.get(viaChannel);
        if (ch?.type === 'CHANNEL') {
          const ends = [ch.element.fromDeviceId, ch.element.toDeviceId];
          if (ends.includes(a) && ends.includes(b)) {
            addLabel(viaChannel); // the channel edge itself shows the step
            return;
          }
        }
      }
      // A zone reaching a device inside it: the containment already shows the step.
      if (insideZone(index, b, a) || insideZone(index, a, b)) return;
      const existing = edgeBetween(a, b);
      if (existing) {
        mark(h.edges, existing, variant);
        addLabel(existing);
        return;
      }
      const key = `${variant}|${a}|${b}`;
      const cur = overlayByKey.get(key);
      if (cur) {
        if (labelled && !cur.label.includes(label)) cur.label = `${cur.label}\n${label}`;
        return;
      }
      overlayByKey.set(key, { id: `overlay:${variant}:${a}->${b}`, source: a, target: b, label, variant });
    });
  }
  // An overlay in both variants keeps only the active one.
  h.overlays = [...overlayByKey.values()]
    .filter((o) => o.variant === 'active' || !overlayByKey.has(`active|${o.source}|${o.target}`))
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return h;
}
