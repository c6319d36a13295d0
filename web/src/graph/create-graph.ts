/**
 * Owns the Cytoscape lifecycle of the model map: create, update elements in place (diff, so the
 * layout stays put), highlight paths, filter, draw channels, export, destroy. The cytoscape
 * factory is a parameter (with fcose and svg registered by the caller), so tests can pass a
 * headless instance and no module here touches the DOM directly.
 */
import type cytoscape from 'cytoscape';
import { incrementalLayout, initialLayout, presetLayout, type LayoutOptions } from './layouts';
import type { PathHighlight } from './path-highlight';
import { mapStyles } from './styles';
import type { MapElement } from './to-elements';

export type CytoscapeFactory = (options?: cytoscape.CytoscapeOptions) => cytoscape.Core;

export type Positions = Record<string, { x: number; y: number }>;

export interface GraphEvents {
  /** An element was selected (tap), or the selection cleared (null). */
  onSelect?: (id: string | null) => void;
  /** In draw mode: the user picked a source device, then a target device. */
  onDrawChannel?: (fromDeviceId: string, toDeviceId: string) => void;
  /** Nodes were laid out or moved by the user: positions worth saving. */
  onPositionsChanged?: (positions: Positions) => void;
}

export interface UpdateResult {
  mode: 'initial' | 'incremental' | 'preset' | 'none';
  layoutMs: number;
  added: number;
  removed: number;
}

export interface GraphHandle {
  readonly cy: cytoscape.Core;
  /** Replaces the elements by diffing: kept elements keep their positions. */
  setElements(elements: readonly MapElement[], options?: { positions?: Positions }): UpdateResult;
  /** Highlights paths (null clears), and marks elements receiving hypothetical controls. */
  setHighlight(highlight: PathHighlight | null, placementElementIds?: readonly string[]): void;
  /** Dims devices not in `matching` (null shows all). */
  setFilter(matching: ReadonlySet<string> | null): void;
  setDrawMode(on: boolean): void;
  select(id: string | null): void;
  /** Pans and zooms to the given elements (all when empty). */
  focus(ids: readonly string[]): void;
  fit(): void;
  /** Fits the view to the given elements at once (no animation), e.g. before a picture. */
  fitTo(ids: readonly string[], padding?: number): void;
  zoomBy(factor: number): void;
  /** Call when the container changed size. */
  resize(): void;
  positions(): Positions;
  /** PNG of the whole map (or the current view), white background. */
  png(options?: { full?: boolean; scale?: number }): Blob;
  pngDataUrl(options?: { full?: boolean; scale?: number; maxWidth?: number }): string;
  /** SVG of the whole map (requires cytoscape-svg registered on the factory). */
  svg(options?: { full?: boolean }): string;
  destroy(): void;
}

/** FNV-1a over the ids. */
function hashIds(ids: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const id of ids) {
    for (let i = 0; i < id.length; i++) {
      h ^= id.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2c;
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for layout jitter. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRANSIENT = [
  'faded',
  'on-path',
  'on-path-cut',
  'path-step',
  'path-entry',
  'path-target',
  'placement',
  'dimmed',
  'match',
];

export function createGraph(
  factory: CytoscapeFactory,
  container: cytoscape.CytoscapeOptions['container'],
  events: GraphEvents = {},
): GraphHandle {
  const headless = container === undefined || container === null;
  const cy = factory({
    ...(headless ? { headless: true, styleEnabled: true } : { container }),
    style: mapStyles as unknown as cytoscape.StylesheetJson,
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });

  let highlight: PathHighlight | null = null;
  let placements: readonly string[] = [];
  let filter: ReadonlySet<string> | null = null;
  let drawMode = false;
  let drawSource: string | null = null;

  const positions = (): Positions => {
    const out: Positions = {};
    cy.nodes().forEach((n) => {
      if (!n.isParent()) out[n.id()] = { ...n.position() };
    });
    return out;
  };

  cy.on('tap', (evt) => {
    const target = evt.target as cytoscape.SingularElementReturnValue | cytoscape.Core;
    if (target === cy) {
      if (drawSource) {
        cy.$id(drawSource).removeClass('draw-source');
        drawSource = null;
      }
      events.onSelect?.(null);
      return;
    }
    const ele = target as cytoscape.SingularElementReturnValue;
    if (ele.hasClass('overlay')) return;
    if (drawMode && ele.isNode() && ele.data('type') === 'DEVICE') {
      if (!drawSource) {
        drawSource = ele.id();
        ele.addClass('draw-source');
      } else if (drawSource !== ele.id()) {
        const from = drawSource;
        cy.$id(from).removeClass('draw-source');
        drawSource = null;
        events.onDrawChannel?.(from, ele.id());
      }
      return;
    }
    events.onSelect?.(ele.id());
  });
  cy.on('dragfree', 'node', () => events.onPositionsChanged?.(positions()));

  const applyTransient = () => {
    cy.batch(() => {
      cy.elements().removeClass(TRANSIENT.join(' '));
      if (filter) {
        cy.nodes('.device').forEach((n) => {
          n.addClass(filter!.has(n.id()) ? 'match' : 'dimmed');
        });
        cy.edges().forEach((e) => {
          if (!filter!.has(e.source().id()) && !filter!.has(e.target().id())) e.addClass('dimmed');
        });
      }
      if (highlight) {
        const h = highlight;
        cy.elements().not('.overlay').addClass('faded');
        for (const [id, v] of h.nodes) {
          const n = cy.$id(id);
          n.removeClass('faded').addClass(v === 'active' ? 'on-path path-step' : 'on-path-cut');
        }
        for (const [id, v] of h.edges)
          cy.$id(id)
            .removeClass('faded')
            .addClass(v === 'active' ? 'on-path' : 'on-path-cut');
        for (const id of h.entries) cy.$id(id).removeClass('faded').addClass('path-entry');
        for (const id of h.targets) cy.$id(id).addClass('path-target');
      }
      for (const id of placements) cy.$id(id).removeClass('faded').addClass('placement');
      labelled.removeStyle(
        'label text-wrap text-rotation text-background-opacity text-border-width text-border-opacity color font-weight',
      );
      labelled = cy.collection();
      if (highlight) {
        for (const [id, text] of highlight.edgeLabels) {
          const e = cy.$id(id);
          e.style({
            label: text,
            'text-wrap': 'wrap',
            'text-rotation': 'none',
            'text-background-opacity': 0.95,
            'text-border-width': 1,
            'text-border-opacity': 1,
            color: '#000000',
            'font-weight': 'bold',
          });
          labelled = labelled.union(e);
        }
      }
    });
    rescale();
  };

  // Labels on a highlighted path stay legible at any zoom (bypass styles scaled by 1/zoom).
  let scaled: cytoscape.CollectionReturnValue = cy.collection();
  let labelled: cytoscape.CollectionReturnValue = cy.collection();
  const scaleLabels = () => {
    const z = cy.zoom();
    const k = Math.max(1, 0.9 / z);
    cy.batch(() => {
      scaled
        .filter((e) => e.isNode())
        .style({
          'font-size': 11 * k,
          'text-max-width': `${140 * k}px`,
          'min-zoomed-font-size': 0,
          'font-weight': 'bold',
        });
      scaled.filter((e) => e.isEdge()).style({ 'font-size': 11 * k, 'min-zoomed-font-size': 0 });
    });
  };
  const rescale = () => {
    cy.batch(() => {
      scaled.removeStyle('font-size text-max-width min-zoomed-font-size font-weight');
      scaled = highlight
        ? cy.elements('node.device.on-path, node.path-entry, edge.overlay.on-path').union(labelled)
        : cy.collection();
    });
    scaleLabels();
  };
  let zoomTimer: ReturnType<typeof setTimeout> | null = null;
  cy.on('zoom', () => {
    if (scaled.empty() || zoomTimer) return;
    zoomTimer = setTimeout(() => {
      zoomTimer = null;
      scaleLabels();
    }, 60);
  });

  const syncOverlays = () => {
    cy.batch(() => {
      cy.remove(cy.edges('.overlay'));
      if (!highlight) return;
      const add: cytoscape.ElementDefinition[] = [];
      for (const o of highlight.overlays) {
        if (cy.$id(o.source).empty() || cy.$id(o.target).empty()) continue;
        add.push({
          group: 'edges',
          data: { id: o.id, source: o.source, target: o.target, label: o.label, type: 'OVERLAY' },
          classes: `overlay ${o.variant === 'active' ? 'on-path' : 'on-path-cut'}`,
        });
      }
      cy.add(add);
    });
  };

  const runLayout = (options: LayoutOptions): number => {
    const t0 = performance.now();
    // Exposure, "also in", zone-link, outbound and data-flow edges are drawn but do not pull
    // nodes: zones stay compact, and a flow repeats the channels it runs along.
    const eles =
      options.name === 'preset'
        ? cy.elements()
        : cy
            .elements()
            .not('edge.exposure, edge.membership, edge.overlay, edge.zone-link, edge.outbound, edge.data-flow');
    const layout = eles.layout(options as unknown as cytoscape.LayoutOptions);
    // fcose randomises its start with Math.random; a PRNG seeded from the element ids makes the
    // same model lay out the same way in every browser (the report's pictures match the map).
    const random = Math.random;
    Math.random = seededRandom(hashIds(eles.map((e) => e.id()).sort()));
    try {
      layout.run(); // synchronous: animate is false
    } finally {
      Math.random = random;
    }
    return performance.now() - t0;
  };

  /** The zoom that fits `eles` with `padding`, but never closer than `maxZoom` (one device is not a map). */
  const fitZoom = (eles: cytoscape.CollectionReturnValue, padding: number, maxZoom: number): number => {
    const bb = eles.boundingBox({});
    const w = Math.max(1, cy.width() - 2 * padding);
    const h = Math.max(1, cy.height() - 2 * padding);
    const z = Math.min(w / Math.max(bb.w, 1), h / Math.max(bb.h, 1));
    return Math.max(cy.minZoom(), Math.min(maxZoom, z));
  };

  const handle: GraphHandle = {
    cy,
    setElements(elements, options = {}) {
      const wanted = new Map(elements.map((e) => [e.data.id, e] as const));
      const hadNodes = cy.nodes().not('.overlay').length > 0;
      const before = new Set<string>();
      cy.elements().forEach((e) => {
        if (!e.hasClass('overlay')) before.add(e.id());
      });
      let added = 0;
      let removed = 0;
      const newNodeIds: string[] = [];

      cy.batch(() => {
        cy.remove(cy.edges('.overlay'));
        const gone = cy.elements().filter((e) => !wanted.has(e.id()));
        removed = gone.length;
        cy.remove(gone);
        // Nodes first (zones before devices, so parents exist), then edges.
        const nodes = elements.filter((e) => e.group === 'nodes');
        const sortedNodes = [
          ...nodes.filter((e) => e.data.type === 'ZONE'),
          ...nodes.filter((e) => e.data.type !== 'ZONE'),
        ];
        for (const def of [...sortedNodes, ...elements.filter((e) => e.group === 'edges')]) {
          const existing = cy.$id(def.data.id);
          if (existing.nonempty()) {
            if (def.group === 'nodes') {
              const parent = (def.data.parent as string | undefined) ?? null;
              const currentParent = existing.parent().nonempty() ? existing.parent().first().id() : null;
              if (parent !== currentParent) existing.move({ parent });
            } else if (existing.source().id() !== def.data.source || existing.target().id() !== def.data.target) {
              cy.remove(existing);
              cy.add({ group: 'edges', data: { ...def.data }, classes: def.classes });
              continue;
            }
            existing.data({ ...def.data });
            existing.classes(def.classes);
          } else {
            const add: cytoscape.ElementDefinition = { group: def.group, data: { ...def.data }, classes: def.classes };
            const saved = options.positions?.[def.data.id];
            if (def.group === 'nodes' && saved) add.position = { ...saved };
            cy.add(add);
            added += 1;
            if (def.group === 'nodes') newNodeIds.push(def.data.id);
          }
        }
      });

      // Where to put new nodes: saved positions, else near their zone's other devices.
      const unplaced = newNodeIds.filter((id) => !options.positions?.[id] && !cy.$id(id).isParent());
      let mode: UpdateResult['mode'] = 'none';
      let layoutMs = 0;
      const placedBySave = newNodeIds.filter((id) => options.positions?.[id] && !cy.$id(id).isParent());
      if (!hadNodes) for (const id of placedBySave) before.add(id);
      if (!hadNodes && unplaced.length === 0 && newNodeIds.length > 0) {
        mode = 'preset';
        layoutMs = runLayout(presetLayout());
      } else if (!hadNodes && placedBySave.length === 0 && newNodeIds.length > 0) {
        mode = 'initial';
        layoutMs = runLayout(initialLayout());
      } else if (unplaced.length > 0) {
        mode = 'incremental';
        const fixed: { nodeId: string; position: { x: number; y: number } }[] = [];
        cy.nodes().forEach((n) => {
          if (!n.isParent() && before.has(n.id())) fixed.push({ nodeId: n.id(), position: { ...n.position() } });
        });
        const bb = cy.nodes().boundingBox({});
        for (const id of unplaced) {
          const n = cy.$id(id);
          const siblings = n.parent().nonempty()
            ? n
                .parent()
                .children()
                .filter((c) => c.id() !== id && before.has(c.id()))
            : cy.collection();
          const sb = siblings.nonempty() ? siblings.boundingBox({}) : null;
          n.position(sb ? { x: sb.x2 + 60, y: sb.y1 + sb.h / 2 } : { x: bb.x2 + 120, y: bb.y1 + bb.h / 2 });
        }
        layoutMs = fixed.length > 0 ? runLayout(incrementalLayout(fixed)) : runLayout(initialLayout());
        // fcose may still nudge fixed nodes by rounding; pin them back exactly.
        cy.batch(() => {
          for (const f of fixed) cy.$id(f.nodeId).position(f.position);
        });
      }
      if (!hadNodes && mode === 'incremental') cy.fit(undefined, 30);
      syncOverlays();
      applyTransient();
      if (mode !== 'none') events.onPositionsChanged?.(positions());
      return { mode, layoutMs, added, removed };
    },
    setHighlight(h, placementIds = []) {
      highlight = h;
      placements = placementIds;
      syncOverlays();
      applyTransient();
    },
    setFilter(matching) {
      filter = matching;
      applyTransient();
    },
    setDrawMode(on) {
      drawMode = on;
      if (!on && drawSource) {
        cy.$id(drawSource).removeClass('draw-source');
        drawSource = null;
      }
    },
    select(id) {
      cy.elements(':selected').unselect();
      if (id) cy.$id(id).select();
    },
    focus(ids) {
      cy.resize();
      const eles = ids.length ? ids.reduce((acc, id) => acc.union(cy.$id(id)), cy.collection()) : cy.elements();
      if (eles.empty()) return;
      cy.animate({ zoom: fitZoom(eles, 60, 1.4), center: { eles }, duration: 300 });
    },
    fit() {
      cy.fit(undefined, 30);
    },
    fitTo(ids, padding = 40) {
      cy.resize();
      const eles = ids.reduce((acc, id) => acc.union(cy.$id(id)), cy.collection());
      const target = eles.nonempty() ? eles : cy.elements();
      cy.zoom(fitZoom(target, padding, 1.6));
      cy.center(target);
      if (!scaled.empty()) scaleLabels();
    },
    resize() {
      cy.resize();
    },
    zoomBy(factor) {
      const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
      cy.zoom({ level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    },
    positions,
    png(options = {}) {
      return cy.png({
        output: 'blob',
        full: options.full ?? true,
        scale: options.scale ?? 2,
        bg: '#FFFFFF',
        maxWidth: 8000,
        maxHeight: 8000,
      }) as unknown as Blob;
    },
    pngDataUrl(options = {}) {
      return cy.png({
        output: 'base64uri',
        full: options.full ?? true,
        scale: options.scale ?? 1,
        bg: '#FFFFFF',
        ...(options.maxWidth ? { maxWidth: options.maxWidth } : {}),
      });
    },
    svg(options = {}) {
      const withSvg = cy as cytoscape.Core & { svg?: (o: object) => string };
      if (!withSvg.svg) throw new Error('cytoscape-svg is not registered on this cytoscape factory');
      return withSvg.svg({ full: options.full ?? true, scale: 1, bg: '#FFFFFF' });
    },
    destroy() {
      if (zoomTimer) clearTimeout(zoomTimer);
      cy.destroy();
    },
  };
  return handle;
}
