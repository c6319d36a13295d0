/** SVG outlines (viewBox -1 -1 2 2) approximating Cytoscape's node shapes, for the legend. Pure. */
import type { NodeShape } from './vocabulary';

const ngon = (n: number, rotate = -Math.PI / 2) =>
  Array.from({ length: n }, (_, i) => {
    const a = rotate + (2 * Math.PI * i) / n;
    return `${(0.95 * Math.cos(a)).toFixed(3)},${(0.95 * Math.sin(a)).toFixed(3)}`;
  }).join(' ');

const star = () =>
  Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? 0.95 : 0.4;
    const a = -Math.PI / 2 + (Math.PI * i) / 5;
    return `${(r * Math.cos(a)).toFixed(3)},${(r * Math.sin(a)).toFixed(3)}`;
  }).join(' ');

export type ShapeGlyph =
  | { kind: 'polygon'; points: string; round?: boolean }
  | { kind: 'ellipse' }
  | { kind: 'rect'; rx: number }
  | { kind: 'path'; d: string };

export function shapeGlyph(shape: NodeShape): ShapeGlyph {
  switch (shape) {
    case 'ellipse':
      return { kind: 'ellipse' };
    case 'rectangle':
      return { kind: 'rect', rx: 0 };
    case 'round-rectangle':
      return { kind: 'rect', rx: 0.3 };
    case 'cut-rectangle':
      return {
        kind: 'polygon',
        points: '-0.65,-0.95 0.65,-0.95 0.95,-0.65 0.95,0.65 0.65,0.95 -0.65,0.95 -0.95,0.65 -0.95,-0.65',
      };
    case 'barrel':
      return { kind: 'path', d: 'M-0.8,-0.95 L0.8,-0.95 Q1.05,0 0.8,0.95 L-0.8,0.95 Q-1.05,0 -0.8,-0.95 Z' };
    case 'triangle':
      return { kind: 'polygon', points: '0,-0.95 0.95,0.85 -0.95,0.85' };
    case 'round-triangle':
      return { kind: 'polygon', points: '0,-0.95 0.95,0.85 -0.95,0.85', round: true };
    case 'rhomboid':
      return { kind: 'polygon', points: '-0.55,-0.9 0.95,-0.9 0.55,0.9 -0.95,0.9' };
    case 'diamond':
      return { kind: 'polygon', points: '0,-0.95 0.95,0 0,0.95 -0.95,0' };
    case 'round-diamond':
      return { kind: 'polygon', points: '0,-0.95 0.95,0 0,0.95 -0.95,0', round: true };
    case 'pentagon':
      return { kind: 'polygon', points: ngon(5) };
    case 'hexagon':
      return { kind: 'polygon', points: ngon(6, 0) };
    case 'heptagon':
      return { kind: 'polygon', points: ngon(7) };
    case 'octagon':
      return { kind: 'polygon', points: ngon(8, Math.PI / 8) };
    case 'star':
      return { kind: 'polygon', points: star() };
    case 'tag':
      return { kind: 'polygon', points: '-0.95,-0.7 0.45,-0.7 0.95,0 0.45,0.7 -0.95,0.7' };
    case 'vee':
      return { kind: 'polygon', points: '-0.95,-0.9 0,-0.25 0.95,-0.9 0,0.95' };
  }
}
