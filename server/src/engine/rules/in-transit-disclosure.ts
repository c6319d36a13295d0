import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Channel carrying PERSONAL_DATA → PERSONAL_DATA assets of the receiving device: disclosure of captured data. */
export const inTransitDisclosureRule: AttackRule = {
  id: 'in-transit-disclosure',
  title: 'Disclosure of personal data in transit',
  description:
    'An attacker who has the traffic of a link carrying personal data reads it. The step that gave the traffic already paid the method likelihood, so only extrinsic end-to-end encryption lowers this one.',
  attackMethodId: 'AM01',
  fromType: 'CHANNEL',
  toType: 'ASSET',
  needs: ['READ'],
  grants: ['DISCLOSE'],
  controlElement: 'the channel',
  likelihood: 'Π factors of REDUCES controls in force (catalogue effects)',
  source:
    'TR 67 §0 (additional application-layer encryption); TR 67 Annex B (reconstructed) AM01; IEC TR 80001-2-2 TXCF; CVE-2025-0683',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      if (!channel.carries.includes('PERSONAL_DATA')) continue;
      for (const asset of ctx.model.assetsByDevice.get(channel.toDeviceId) ?? []) {
        if (asset.kind !== 'PERSONAL_DATA' || !ctx.has(ctx.node(asset.id, 'DISCLOSE'))) continue;
        steps.push(
          ctx.step(this, {
            from: ctx.node(channel.id, 'READ'),
            to: ctx.node(asset.id, 'DISCLOSE'),
            attackMethodId: method.id,
            likelihood: 1,
            evidence: [{ property: 'carries', value: 'PERSONAL_DATA' }],
            controlElementId: channel.id,
          }),
        );
      }
    }
    return steps;
  },
};
