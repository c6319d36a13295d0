/**
 * Layouts as data. fcose (cytoscape-fcose, maintained by the Cytoscape team) handles compound
 * nodes (zones) well and is fast enough for 2,000 elements (see web/bench/layout-bench.mjs).
 *
 * - `initialLayout`: a full layout, for a model seen for the first time.
 * - `incrementalLayout`: after an edit, elements already placed stay exactly where they are
 *   (fcose fixed-node constraints); only new devices are placed. The map does not jump.
 */
/** The part of a Cytoscape edge the layout functions read. */
export interface EdgeLike {
  source(): { data(key: 'parent'): unknown };
  target(): { data(key: 'parent'): unknown };
}

const sameZone = (edge: EdgeLike) => {
  const a = edge.source().data('parent');
  return a !== undefined && a === edge.target().data('parent');
};

export interface LayoutOptions {
  name: string;
  [key: string]: unknown;
}

export function initialLayout(): LayoutOptions {
  return {
    name: 'fcose',
    // 'draft' (spectral only) halves the time but piles zones on top of each other: not used.
    quality: 'default',
    randomize: true,
    animate: false,
    fit: true,
    padding: 30,
    nodeDimensionsIncludeLabels: true,
    uniformNodeDimensions: false,
    packComponents: true,
    nodeRepulsion: 2200,
    // Channels inside a zone are short; channels between zones long and weak, so zones stay compact.
    idealEdgeLength: (edge: EdgeLike) => (sameZone(edge) ? 50 : 90),
    edgeElasticity: (edge: EdgeLike) => (sameZone(edge) ? 0.45 : 0.05),
    nestingFactor: 0.1,
    gravity: 0.3,
    gravityCompound: 2.5,
    gravityRangeCompound: 0.8,
    numIter: 2500,
    tile: true,
    tilingPaddingVertical: 20,
    tilingPaddingHorizontal: 20,
    nodeSeparation: 60,
  };
}

export function incrementalLayout(fixed: { nodeId: string; position: { x: number; y: number } }[]): LayoutOptions {
  return {
    ...initialLayout(),
    randomize: false,
    fit: false,
    quality: 'default',
    fixedNodeConstraint: fixed,
    numIter: 1000,
  };
}

/** Preset layout from saved positions (no computation). */
export function presetLayout(): LayoutOptions {
  return { name: 'preset', fit: true, padding: 30, animate: false };
}
