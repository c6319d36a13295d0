/**
 * Device glyphs: one small SVG drawn over each device node, carrying the HSA class letter in the
 * middle, a black badge with the number of known vulnerabilities (top right) and a blue badge with
 * the number of implemented controls (top left; planned ones as "+n" in an outlined badge below
 * it). Pure string building; Cytoscape caches one image per distinct glyph.
 */
import { BADGE, RISK_CLASS } from './vocabulary';
import type { RiskClass } from '../api/__generated__/graphql';

/** Side of the glyph image in px; nodes are GLYPH_NODE_SIZE, the badges overhang the corners. */
export const GLYPH_SIZE = 64;
export const GLYPH_NODE_SIZE = 40;

export interface GlyphInput {
  riskClass: RiskClass;
  vulnerabilities: number;
  implementedControls: number;
  plannedControls: number;
}

const FONT = "font-family='DejaVu Sans, Liberation Sans, Arial, sans-serif'";

function badge(
  x: number,
  y: number,
  fill: string,
  stroke: string,
  text: string,
  textColor: string,
  icon: string,
): string {
  const w = 12 + text.length * 7;
  return (
    `<g transform='translate(${x - (x > GLYPH_SIZE / 2 ? w : 0)},${y})'>` +
    `<rect x='0.5' y='0.5' width='${w}' height='15' rx='7' fill='${fill}' stroke='${stroke}' stroke-width='1'/>` +
    icon +
    `<text x='${w - 4}' y='12' text-anchor='end' font-size='10.5' font-weight='700' ${FONT} fill='${textColor}'>${text}</text>` +
    `</g>`
  );
}

/** Warning triangle (vulnerability) and shield (control) icons, drawn at the badge's left. */
const TRIANGLE = (color: string) => `<path d='M7 3 L11.5 12 L2.5 12 Z' fill='${color}'/>`;
const SHIELD = (color: string) =>
  `<path d='M7 2.5 L11 4 L11 8 C11 10.5 9 12 7 13 C5 12 3 10.5 3 8 L3 4 Z' fill='${color}'/>`;

/** SVG markup of a device glyph. */
export function deviceGlyphSvg(g: GlyphInput): string {
  const cls = RISK_CLASS[g.riskClass];
  const parts: string[] = [
    `<svg xmlns='http://www.w3.org/2000/svg' width='${GLYPH_SIZE}' height='${GLYPH_SIZE}' viewBox='0 0 ${GLYPH_SIZE} ${GLYPH_SIZE}'>`,
    `<text x='32' y='37' text-anchor='middle' font-size='14' font-weight='700' ${FONT} fill='${cls.text}'>${g.riskClass}</text>`,
  ];
  if (g.vulnerabilities > 0) {
    parts.push(
      badge(
        GLYPH_SIZE - 1,
        1,
        BADGE.vulnerability.color,
        BADGE.vulnerability.color,
        String(g.vulnerabilities),
        BADGE.vulnerability.text,
        TRIANGLE('#FFFFFF'),
      ),
    );
  }
  if (g.implementedControls > 0) {
    parts.push(
      badge(
        1,
        1,
        BADGE.control.color,
        BADGE.control.color,
        String(g.implementedControls),
        BADGE.control.text,
        SHIELD('#FFFFFF'),
      ),
    );
  }
  if (g.plannedControls > 0) {
    parts.push(
      badge(
        1,
        GLYPH_SIZE - 17,
        BADGE.planned.color,
        BADGE.control.color,
        `+${g.plannedControls}`,
        BADGE.planned.text,
        SHIELD(BADGE.control.color),
      ),
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

const cache = new Map<string, string>();

/** Data URI of a device glyph (memoised: few distinct glyphs exist). */
export function deviceGlyph(g: GlyphInput): string {
  const key = `${g.riskClass}|${g.vulnerabilities}|${g.implementedControls}|${g.plannedControls}`;
  let uri = cache.get(key);
  if (!uri) {
    uri = `data:image/svg+xml;utf8,${encodeURIComponent(deviceGlyphSvg(g))}`;
    cache.set(key, uri);
  }
  return uri;
}
