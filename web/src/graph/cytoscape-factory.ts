/** The browser's cytoscape factory with the extensions the map uses registered once. */
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import svg from 'cytoscape-svg';
import type { CytoscapeFactory } from './create-graph';

let registered = false;

export function browserCytoscape(): CytoscapeFactory {
  if (!registered) {
    cytoscape.use(fcose);
    cytoscape.use(svg);
    registered = true;
  }
  return cytoscape as unknown as CytoscapeFactory;
}
