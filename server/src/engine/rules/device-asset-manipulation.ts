import type { AttackStep } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Compromised device → its therapy, alarm and monitoring assets. */
export const deviceAssetManipulationRule: AttackRule = {
  id: 'device-asset-manipulation',
  title: 'A compromised device controls its safety functions',
  description:
    'Whoever controls a device controls its THERAPY_DELIVERY, ALARM and DIAGNOSIS_MONITORING functions. The compromise is already complete, so no control can block this step; cut an earlier one.',
  attackMethodId: 'AM13',
  fromType: 'DEVICE',
  toType: 'ASSET',
  controlElement: 'none',
  likelihood: '1',
  source: 'TR 67 Annex B (reconstructed) AM13; ISO 14971 (harm to the patient through the device function)',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    const evidenceOf = new Map<string, { property: string; value: string }[]>(); // shared per asset kind
    for (const asset of ctx.model.assets) {
      if (asset.kind === 'PERSONAL_DATA') continue;
      steps.push(
        ctx.step(this, {
          from: asset.deviceId,
          to: asset.id,
          attackMethodId: method.id,
          likelihood: 1,
          evidence:
            evidenceOf.get(asset.kind) ??
            evidenceOf.set(asset.kind, [{ property: 'assetKind', value: asset.kind }]).get(asset.kind)!,
          controlElementId: null,
        }),
      );
    }
    return steps;
  },
};
