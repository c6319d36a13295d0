import type {
  BaselineStatus,
  BlockingControlStatus,
  Impact,
  PlacementStatus,
  PrivacySeverity,
  RiskClass,
  Severity,
  Stride,
} from '../api/__generated__/graphql';
import {
  BASELINE_STATUS,
  BLOCKING_STATUS,
  IMPACT,
  PLACEMENT_STATUS,
  PRIVACY_SEVERITY,
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

export function PrivacySeverityChip({ severity }: { severity: PrivacySeverity }) {
  const s = PRIVACY_SEVERITY[severity];
  return <Chip swatch={s} title={`Privacy: ${s.label} (rank ${s.rank}): ${s.description}' records exposed`} />;
}

/**
 * The severity of a path or target on its own scale: the ISO 14971 chip for SAFETY, the privacy
 * chip for PRIVACY (the two scales are never mixed); nothing when neither is known.
 */
export function PathSeverityChip({
  severity,
  privacySeverity,
}: {
  severity?: Severity | null;
  privacySeverity?: PrivacySeverity | null;
}) {
  if (severity) return <SeverityChip severity={severity} />;
  if (privacySeverity) return <PrivacySeverityChip severity={privacySeverity} />;
  return null;
}

/** How a target asset is harmed: manipulated, denied or disclosed. */
export function ImpactChip({ impact }: { impact: Impact }) {
  return (
    <span
      className={`chip impact impact-${impact.toLowerCase()}`}
      data-testid="impact"
      title={`Target: the asset ${IMPACT[impact].label}`}
    >
      {IMPACT[impact].label}
    </span>
  );
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
