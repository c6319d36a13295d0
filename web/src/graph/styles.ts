/**
 * The map's Cytoscape stylesheet, as data. Colours come from vocabulary.ts (Okabe-Ito); every
 * colour also has a non-colour cue (line style, border style, shape, label).
 */
import { GLYPH_NODE_SIZE, GLYPH_SIZE } from './badges';
import { OKABE_ITO, PATH_STYLE } from './vocabulary';

export interface StyleRule {
  selector: string;
  style: Record<string, string | number | number[]>;
}

export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export const mapStyles: StyleRule[] = [
  {
    selector: 'node',
    style: { 'font-family': FONT_FAMILY, color: '#1A1A1A', 'min-zoomed-font-size': 7 },
  },
  {
    selector: 'node.zone',
    style: {
      shape: 'round-rectangle',
      'background-color': '#F3F4F6',
      'border-color': '#8A8F98',
      'border-width': 1.5,
      label: 'data(label)',
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -3,
      'font-size': 18,
      'font-weight': 'bold',
      padding: '18px',
      'text-background-color': '#FFFFFF',
      'text-background-opacity': 0.85,
      'text-background-padding': '2px',
    },
  },
  {
    selector: 'node.zone.entry',
    style: {
      'border-style': 'dashed',
      'border-width': 3,
      'border-color': PATH_STYLE.entry.color,
      'background-color': '#FBF0F6',
    },
  },
  {
    selector: 'node.device',
    style: {
      shape: 'data(shape)',
      width: GLYPH_NODE_SIZE,
      height: GLYPH_NODE_SIZE,
      'background-color': 'data(color)',
      'border-color': '#3A3A3A',
      'border-width': 1,
      label: 'data(label)',
      'text-valign': 'bottom',
      'text-halign': 'center',
      'text-margin-y': 5,
      'text-wrap': 'wrap',
      'text-max-width': '120px',
      'font-size': 10,
      'text-background-color': '#FFFFFF',
      'text-background-opacity': 0.75,
      'text-background-padding': '1px',
      'background-image': 'data(glyph)',
      'background-width': GLYPH_SIZE,
      'background-height': GLYPH_SIZE,
      'background-clip': 'none',
      'background-image-containment': 'over',
      'background-image-smoothing': 'yes',
      'bounds-expansion': (GLYPH_SIZE - GLYPH_NODE_SIZE) / 2 + 2,
    },
  },
  // Devices holding patient-safety assets: double border; thick for CRITICAL and above.
  { selector: 'node.device.target', style: { 'border-width': 4, 'border-style': 'double', 'border-color': '#000000' } },
  {
    selector: 'node.device.high-target',
    style: { 'border-width': 6, 'border-style': 'double', 'border-color': '#000000' },
  },
  {
    selector: 'edge',
    style: {
      'curve-style': 'bezier',
      width: 1.5,
      'font-family': FONT_FAMILY,
      'font-size': 8,
      color: '#333333',
      'text-rotation': 'autorotate',
      'text-background-color': '#FFFFFF',
      'text-background-opacity': 0.8,
      'text-background-padding': '1px',
      'arrow-scale': 0.9,
      'min-zoomed-font-size': 7,
    },
  },
  {
    selector: 'edge.channel',
    style: {
      'line-color': '#5A5A5A',
      'target-arrow-shape': 'triangle',
      'target-arrow-color': '#5A5A5A',
      label: 'data(label)',
    },
  },
  { selector: 'edge.channel.wireless', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 3] } },
  {
    selector: 'edge.channel.unprotected',
    style: {
      'line-color': OKABE_ITO.vermillion,
      'target-arrow-color': OKABE_ITO.vermillion,
      color: OKABE_ITO.vermillion,
    },
  },
  {
    selector: 'edge.exposure',
    style: {
      'line-style': 'dotted',
      'line-color': '#9A9A9A',
      width: 1.2,
      'target-arrow-shape': 'vee',
      'target-arrow-color': '#9A9A9A',
    },
  },
  { selector: 'edge.exposure.weak-auth', style: { 'line-color': '#6B6B6B', width: 1.6 } },
  { selector: 'edge.exposure:selected, edge.exposure.on-path', style: { label: 'data(label)' } },
  {
    selector: 'edge.membership',
    style: { 'line-style': 'dotted', 'line-color': '#C2C2C2', width: 1, 'target-arrow-shape': 'none' },
  },
  {
    // zone → zone: traffic routed without restriction (attack model v2 zone links)
    selector: 'edge.zone-link',
    style: {
      'line-style': 'dashed',
      'line-dash-pattern': [10, 4],
      'line-color': OKABE_ITO.blue,
      width: 2,
      'target-arrow-shape': 'triangle-backcurve',
      'target-arrow-color': OKABE_ITO.blue,
      label: 'data(label)',
      color: OKABE_ITO.blue,
    },
  },
  {
    // host device → hosted software (control of the host gives control of what it hosts)
    selector: 'edge.hosting',
    style: {
      'line-style': 'solid',
      'line-color': OKABE_ITO.reddishPurple,
      width: 2,
      'source-arrow-shape': 'diamond',
      'source-arrow-color': OKABE_ITO.reddishPurple,
      'target-arrow-shape': 'none',
      label: 'data(label)',
      color: OKABE_ITO.reddishPurple,
    },
  },
  {
    // device → zone: a connection the device opens itself (attack model v2 outbound connections)
    // dash-dot with a dot at the device that opens the connection: apart from the (vermillion)
    // unprotected channels by pattern and ends, not by colour alone
    selector: 'edge.outbound',
    style: {
      'line-style': 'dashed',
      'line-dash-pattern': [12, 4, 2, 4],
      'line-color': OKABE_ITO.orange,
      width: 2.5,
      'source-arrow-shape': 'circle',
      'source-arrow-color': OKABE_ITO.orange,
      'target-arrow-shape': 'vee',
      'target-arrow-color': OKABE_ITO.orange,
      label: 'data(label)',
    },
  },
  {
    // receiver → next receiver: readings or alarms passed on (attack model v2 data flows)
    selector: 'edge.data-flow',
    style: {
      'line-style': 'dotted',
      'line-color': OKABE_ITO.bluishGreen,
      width: 2.5,
      'target-arrow-shape': 'triangle',
      'target-arrow-color': OKABE_ITO.bluishGreen,
      label: 'data(label)',
      color: OKABE_ITO.bluishGreen,
    },
  },

  // Search and filter.
  { selector: 'node.device.dimmed', style: { opacity: 0.15 } },
  { selector: 'edge.dimmed', style: { opacity: 0.08 } },
  {
    selector: 'node.device.match',
    style: {
      'underlay-color': OKABE_ITO.skyBlue,
      'underlay-opacity': 0.45,
      'underlay-padding': 9,
      'underlay-shape': 'ellipse',
    },
  },

  // Attack paths: everything else fades; the path is black and thick, cut paths blue and dashed.
  { selector: 'node.device.faded', style: { opacity: 0.22 } },
  { selector: 'node.zone.faded', style: { 'background-opacity': 0.45, 'border-opacity': 0.45, 'text-opacity': 0.6 } },
  { selector: 'edge.faded', style: { opacity: 0.08 } },
  { selector: 'node.device.on-path', style: { opacity: 1, 'border-color': PATH_STYLE.active.color, 'z-index': 20 } },
  { selector: 'node.device.on-path.path-step', style: { 'border-width': 4, 'border-style': 'solid' } },
  {
    selector: 'node.device.on-path-cut',
    style: {
      opacity: 0.9,
      'border-color': PATH_STYLE.cut.color,
      'border-width': 3,
      'border-style': 'dashed',
      'z-index': 15,
    },
  },
  {
    selector: 'node.zone.path-entry',
    style: {
      'border-width': 5,
      'border-color': PATH_STYLE.entry.color,
      'border-style': 'solid',
      'border-opacity': 1,
      'text-opacity': 1,
    },
  },
  {
    selector: 'node.device.path-entry',
    style: { 'underlay-color': PATH_STYLE.entry.color, 'underlay-opacity': 0.5, 'underlay-padding': 10 },
  },
  {
    selector: 'node.device.path-target',
    style: {
      'underlay-color': '#000000',
      'underlay-opacity': 0.18,
      'underlay-padding': 12,
      'underlay-shape': 'ellipse',
    },
  },
  {
    selector: 'edge.on-path',
    style: {
      opacity: 1,
      width: 5,
      'line-color': PATH_STYLE.active.color,
      'target-arrow-color': PATH_STYLE.active.color,
      'line-style': 'solid',
      'z-index': 30,
      color: '#000000',
    },
  },
  {
    selector: 'edge.on-path-cut',
    style: {
      opacity: 0.85,
      width: 4,
      'line-color': PATH_STYLE.cut.color,
      'target-arrow-color': PATH_STYLE.cut.color,
      'line-style': 'dashed',
      'z-index': 25,
    },
  },
  {
    selector: 'edge.overlay',
    style: {
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      label: 'data(label)',
      'text-wrap': 'wrap',
      'font-size': 11,
      'font-weight': 'bold',
      'text-rotation': 'none',
      'text-background-opacity': 0.95,
      'text-border-opacity': 1,
      'text-border-width': 1,
      'text-border-color': '#000000',
      'text-background-padding': '2px',
    },
  },
  {
    selector: 'node.placement',
    style: {
      'underlay-color': PATH_STYLE.placement.color,
      'underlay-opacity': 0.4,
      'underlay-padding': 12,
      'underlay-shape': 'round-rectangle',
      opacity: 1,
    },
  },
  {
    selector: 'edge.placement',
    style: { 'underlay-color': PATH_STYLE.placement.color, 'underlay-opacity': 0.4, 'underlay-padding': 6, opacity: 1 },
  },

  // A search match stays visible over a highlighted path.
  { selector: 'node.device.faded.match', style: { opacity: 1 } },

  // Selection and drawing.
  {
    selector: 'node:selected',
    style: { 'overlay-color': OKABE_ITO.blue, 'overlay-opacity': 0.18, 'overlay-padding': 8 },
  },
  {
    selector: 'edge:selected',
    style: { 'overlay-color': OKABE_ITO.blue, 'overlay-opacity': 0.25, 'overlay-padding': 4 },
  },
  {
    selector: 'node.draw-source',
    style: { 'overlay-color': OKABE_ITO.bluishGreen, 'overlay-opacity': 0.35, 'overlay-padding': 10 },
  },
];

/** One kind of link as the legend shows it: the line of an edge class as the stylesheet draws it. */
export interface LinkLegendEntry {
  /** The edge selector whose line this is, e.g. "edge.channel.wireless". */
  selector: string;
  label: string;
  color: string;
  /** SVG stroke-dasharray for dashed or dotted lines (absent: solid). */
  dash?: string;
  width: number;
}

/**
 * The map's links, in the legend's order. test/unit/web/map-edges.test.ts checks that each entry
 * matches its stylesheet rule (colour, solid or not) and that every kind of edge the map draws
 * has an entry.
 */
export const LINK_LEGEND: readonly LinkLegendEntry[] = [
  { selector: 'edge.channel', label: 'Wired channel (→ command direction)', color: '#5A5A5A', width: 2 },
  { selector: 'edge.channel.wireless', label: 'Wireless channel', color: '#5A5A5A', dash: '6 3', width: 2 },
  {
    // the colour is the cue: an unprotected channel is solid or dashed as it is wired or wireless
    selector: 'edge.channel.unprotected',
    label: 'Unprotected channel (labelled)',
    color: OKABE_ITO.vermillion,
    width: 2,
  },
  { selector: 'edge.exposure', label: 'Interface exposed to another zone', color: '#9A9A9A', dash: '1 3', width: 2 },
  { selector: 'edge.zone-link', label: 'Zone link (traffic routed on)', color: OKABE_ITO.blue, dash: '10 4', width: 2 },
  { selector: 'edge.hosting', label: 'Hosts (device → hosted software)', color: OKABE_ITO.reddishPurple, width: 2 },
  {
    selector: 'edge.outbound',
    label: 'Outbound connection (device ● → zone it connects to; what it accepts back)',
    color: OKABE_ITO.orange,
    dash: '12 4 2 4',
    width: 2.5,
  },
  {
    selector: 'edge.data-flow',
    label: 'Data flow (receiver forwards readings or alarms on)',
    color: OKABE_ITO.bluishGreen,
    dash: '2 3',
    width: 2.5,
  },
];
