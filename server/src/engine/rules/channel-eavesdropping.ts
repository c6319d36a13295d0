import type { StepRef } from '../types';
import { INTRINSIC_FACTORS, MEDIUM_FACTOR } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → channel in range / crossing it: passive capture of the link's traffic. */
export const channelEavesdroppingRule: AttackRule = {
  id: 'channel-eavesdropping',
  title: 'Eavesdropping on a link',
  description:
    'An attacker in a zone from which the link can be observed (radio range, or a network it crosses) captures its traffic. Only the intrinsic (link-layer) mechanism limits this; extrinsic end-to-end protection counts when the attacker acts on what was captured (in-transit-disclosure, command-spoofing, ...).',
  attackMethodId: 'AM01',
  fromType: 'ZONE',
  toType: 'CHANNEL',
  needs: ['PRESENCE'],
  grants: ['READ'],
  controlElement: 'the channel',
  likelihood: 'baseLikelihood(AM01) × intrinsic.eavesdrop(mechanism) × medium(technology)',
  source:
    'TR 67 §0 wireless mechanisms (intrinsic security); TR 67 Annex B (reconstructed) AM01; IEC TR 80001-2-2 TXCF',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      const intrinsic = INTRINSIC_FACTORS[channel.intrinsicMechanism].eavesdrop;
      const medium = MEDIUM_FACTOR[channel.technology];
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'technology', value: `${channel.technology} (×${medium})` },
        { property: 'intrinsicMechanism', value: `${channel.intrinsicMechanism} (×${intrinsic})` },
      ];
      for (const zoneId of channel.zoneIds) {
        steps.push(
          ctx.step(this, {
            from: zoneId,
            to: ctx.node(channel.id, 'READ'),
            attackMethodId: method.id,
            likelihood: method.baseLikelihood * intrinsic * medium,
            evidence,
            controlElementId: channel.id,
          }),
        );
      }
    }
    return steps;
  },
};
