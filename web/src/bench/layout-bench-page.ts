/**
 * Layout benchmark page (bench.html): builds a synthetic model of the requested size with the
 * production code path (toElements → createGraph → fcose) in a real browser and reports timings.
 * Driven by web/bench/layout-bench.mjs.
 */
import { createGraph } from '../graph/create-graph';
import { initialLayout } from '../graph/layouts';
import { browserCytoscape } from '../graph/cytoscape-factory';
import { toElements } from '../graph/to-elements';
import { syntheticModel } from './synthetic-model';

export interface BenchResult {
  devices: number;
  elements: number;
  nodes: number;
  edges: number;
  toElementsMs: number;
  initialLayoutMs: number;
  initialTotalMs: number;
  firstRenderMs: number;
  incrementalLayoutMs: number;
  incrementalMaxShift: number;
}

async function run({ devices, zones = 20 }: { devices: number; zones?: number }): Promise<BenchResult> {
  const container = document.getElementById('cy')!;
  const model = syntheticModel({ devices, zones });
  const t0 = performance.now();
  const elements = toElements(model);
  const t1 = performance.now();
  const graph = createGraph(browserCytoscape(), container);
  const r = graph.setElements(elements);
  const t2 = performance.now();
  await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  const t3 = performance.now();

  // Stability: add five devices; every existing node must stay where it was.
  const before = graph.positions();
  const grown = { ...model, devices: [...model.devices], channels: [...model.channels] };
  for (let i = 0; i < 5; i++) {
    const id = `new${i}`;
    grown.devices.push({ ...model.devices[i]!, id, name: `New device ${i}` });
    grown.channels.push({
      ...model.channels[0]!,
      id: `newc${i}`,
      fromDeviceId: id,
      toDeviceId: model.devices[i + 10]!.id,
    });
  }
  const r2 = graph.setElements(toElements(grown));
  const after = graph.positions();
  let maxShift = 0;
  for (const [id, p] of Object.entries(before)) {
    const q = after[id];
    if (q) maxShift = Math.max(maxShift, Math.hypot(q.x - p.x, q.y - p.y));
  }
  const result: BenchResult = {
    devices,
    elements: graph.cy.elements().length - 10,
    nodes: graph.cy.nodes().length - 5,
    edges: graph.cy.edges().length - 5,
    toElementsMs: Math.round(t1 - t0),
    initialLayoutMs: Math.round(r.layoutMs),
    initialTotalMs: Math.round(t2 - t1),
    firstRenderMs: Math.round(t3 - t2),
    incrementalLayoutMs: Math.round(r2.layoutMs),
    incrementalMaxShift: Math.round(maxShift * 100) / 100,
  };
  graph.destroy();
  return result;
}

(window as unknown as { runLayoutBench: typeof run }).runLayoutBench = run;
document.title = 'ready';

let kept: { destroy(): void } | null = null;

/** Times one fcose variant (initial layout options with `overrides`) on the same synthetic model. */
async function variant({
  devices,
  overrides,
  keep = false,
}: {
  devices: number;
  overrides: Record<string, unknown>;
  keep?: boolean;
}): Promise<number> {
  kept?.destroy();
  kept = null;
  const container = document.getElementById('cy')!;
  const elements = toElements(syntheticModel({ devices }));
  const graph = createGraph(browserCytoscape(), container);
  const zero: Record<string, { x: number; y: number }> = {};
  for (const e of elements) if (e.group === 'nodes') zero[e.data.id] = { x: 0, y: 0 };
  graph.setElements(elements, { positions: zero });
  const t0 = performance.now();
  graph.cy
    .elements()
    .not('edge.exposure, edge.membership')
    .layout({ ...initialLayout(), ...overrides } as never)
    .run();
  const ms = performance.now() - t0;
  graph.fit();
  if (keep) kept = graph;
  else graph.destroy();
  return Math.round(ms);
}

(window as unknown as { layoutVariant: typeof variant }).layoutVariant = variant;
