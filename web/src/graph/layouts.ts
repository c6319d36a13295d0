/**
 * Layouts as data. fcose (cytoscape-fcose, maintained by the Cytoscape team) handles compound
 * nodes (zones) well and is fast enough for 2,000 elements (see web/bench/layout-bench.mjs).
 *
 * - `initialLayout`: a full layout, for a model seen for the first time.
 * - `incrementalLayout`: after an edit, elements already placed stay exactly where they are
 *   (fcose fixed-node constraints); only new devices are placed. The map does not jump.
 */
export interface LayoutOptions {
  name: string;
  [key: string]: unknown;
}

/** Elements above which the faster 'draft' quality is used for the first layout. */
export const DRAFT_THRESHOLD = 3000;

export function initialLayout(elementCount: number): LayoutOptions {
  return {
    name: 'fcose',
    quality: elementCount > DRAFT_THRESHOLD ? 'draft' : 'default',
    randomize: true,
    animate: false,
    fit: true,
    padding: 30,
    nodeDimensionsIncludeLabels: true,
    uniformNodeDimensions: false,
    packComponents: true,
    nodeRepulsion: 9000,
    idealEdgeLength: 90,
    edgeElasticity: 0.35,
    nestingFactor: 0.1,
    gravity: 0.3,
    gravityCompound: 1.2,
    gravityRangeCompound: 1.5,
    numIter: 2500,
    tile: true,
    tilingPaddingVertical: 20,
    tilingPaddingHorizontal: 20,
    nodeSeparation: 90,
  };
}

export function incrementalLayout(fixed: { nodeId: string; position: { x: number; y: number } }[]): LayoutOptions {
  return {
    ...initialLayout(0),
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
