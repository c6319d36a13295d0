import type { AssetKind } from '../../domain/types';
import type { StepRef } from '../types';
import { PAYLOAD_ASSET_KIND } from './factors';
import type { AttackRule, RuleContext } from './rule';

const PAYLOADS = ['COMMANDS', 'ALARMS', 'TELEMETRY'] as const;

/** Channel → assets of the receiving device that its payload feeds: commands, alarms or readings altered in transit. */
export const inTransitManipulationRule: AttackRule = {
  id: 'in-transit-manipulation',
  title: 'Manipulation of commands, alarms or readings in transit',
  description:
    'An attacker on the link alters, suppresses or forges what it carries, harming the asset of the receiving device it feeds: COMMANDS → THERAPY_DELIVERY, ALARMS → ALARM, TELEMETRY → DIAGNOSIS_MONITORING.',
  attackMethodId: 'AM13',
  fromType: 'CHANNEL',
  toType: 'ASSET',
  needs: ['ALTER'],
  grants: ['MANIPULATE', 'DENY'],
  controlElement: 'the channel',
  likelihood: 'baseLikelihood(AM13) × Π factors of REDUCES controls in force (catalogue effects)',
  source: 'TR 67 Annex B (reconstructed) AM13; IEC TR 80001-2-2 TXIG/IGAU; CVE-2019-6538',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      const kinds = new Map<AssetKind, string>();
      for (const p of PAYLOADS) if (channel.carries.includes(p)) kinds.set(PAYLOAD_ASSET_KIND[p], p);
      if (kinds.size === 0) continue;
      for (const asset of ctx.model.assetsByDevice.get(channel.toDeviceId) ?? []) {
        const payload = kinds.get(asset.kind);
        if (payload === undefined) continue;
        // Commands altered in transit: therapy manipulated; anything suppressed: denied. Readings
        // and alarms altered in transit are forged data (data-falsification), which also travels.
        for (const target of ctx.impactNodes(asset, payload === 'COMMANDS' ? ['MANIPULATE', 'DENY'] : ['DENY']))
          steps.push(
            ctx.step(this, {
              from: channel.id,
              to: target,
              attackMethodId: method.id,
              likelihood: method.baseLikelihood,
              evidence: [
                { property: 'carries', value: payload },
                { property: 'assetKind', value: asset.kind },
              ],
              controlElementId: channel.id,
            }),
          );
      }
    }
    return steps;
  },
};
