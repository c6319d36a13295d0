import type { AttackStep } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Compromised device → its personal data. */
export const deviceDataTheftRule: AttackRule = {
  id: 'device-data-theft',
  title: 'A compromised device gives up its personal data',
  description:
    'Whoever controls a device reads the personal data it holds (encryption at rest protects against stolen media, not against the running system). No control can block this step; cut an earlier one.',
  attackMethodId: 'AM12',
  fromType: 'DEVICE',
  toType: 'ASSET',
  controlElement: 'none',
  likelihood: '1',
  source: 'TR 67 Annex B (reconstructed) AM12; MDS2 MPII; Singapore PDPA',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    const evidenceOf = new Map<string, { property: string; value: string }[]>(); // shared per asset kind
    for (const asset of ctx.model.assets) {
      if (asset.kind !== 'PERSONAL_DATA') continue;
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
