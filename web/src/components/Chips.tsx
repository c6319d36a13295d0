import type {
  BaselineStatus,
  BlockingControlStatus,
  PlacementStatus,
  RiskClass,
  Severity,
  Stride,
} from '../api/__generated__/graphql';
import {
  BASELINE_STATUS,
  BLOCKING_STATUS,
  PLACEMENT_STATUS,
  RISK_CLASS,
  SEVERITY,
  STRIDE,
  type Swatch,
} from '../graph/vocabulary';

function Chip({ swatch, text, title }: { swatch: Swatch; text?: string; title?: string }) {
  return (
    <span className="chip" style={{ background: swatch.color, color: swatch.text }} title={title ?? swatch.label}>
      {text ?? swatch.label}
    </span>
  );
}

export function SeverityChip({ severity }: { severity: Severity }) {
  const s = SEVERITY[severity];
  return <Chip swatch={s} title={`${s.label} (ISO 14971 rank ${s.rank}): ${s.description}`} />;
}

export function RiskClassChip({ riskClass }: { riskClass: RiskClass }) {
  const c = RISK_CLASS[riskClass];
  return <Chip swatch={c} title={`HSA ${c.label}: ${c.description}`} />;
}

export function StrideChips({ stride }: { stride: readonly Stride[] }) {
  return (
    <span className="stride">
      {stride.map((s) => (
        <Chip key={s} swatch={STRIDE[s]} text={s} title={`${STRIDE[s].label}: ${STRIDE[s].description}`} />
      ))}
    </span>
  );
}

export function PlacementStatusChip({ status }: { status: PlacementStatus }) {
  return <Chip swatch={PLACEMENT_STATUS[status]} />;
}

export function BlockingStatusChip({ status }: { status: BlockingControlStatus }) {
  return <Chip swatch={BLOCKING_STATUS[status]} />;
}

export function BaselineStatusChip({ status }: { status: BaselineStatus }) {
  return <Chip swatch={BASELINE_STATUS[status]} />;
}
