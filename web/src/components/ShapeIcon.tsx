import { shapeGlyph } from '../graph/shape-glyphs';
import type { NodeShape } from '../graph/vocabulary';

export function ShapeIcon({
  shape,
  fill = '#FFFFFF',
  stroke = '#333333',
  size = 16,
}: {
  shape: NodeShape;
  fill?: string;
  stroke?: string;
  size?: number;
}) {
  const g = shapeGlyph(shape);
  const common = { fill, stroke, strokeWidth: 0.12, strokeLinejoin: 'round' as const };
  return (
    <svg width={size} height={size} viewBox="-1.1 -1.1 2.2 2.2" aria-hidden="true" className="shape-icon">
      {g.kind === 'ellipse' && <ellipse cx={0} cy={0} rx={0.95} ry={0.95} {...common} />}
      {g.kind === 'rect' && <rect x={-0.95} y={-0.95} width={1.9} height={1.9} rx={g.rx} {...common} />}
      {g.kind === 'polygon' && <polygon points={g.points} {...common} strokeWidth={g.round ? 0.3 : 0.12} />}
      {g.kind === 'path' && <path d={g.d} {...common} />}
    </svg>
  );
}
