import type { StepRef } from '../types';
import { INTRINSIC_FACTORS, MEDIUM_FACTOR } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → channel: an active man-in-the-middle or relay on the link. */
export const channelMitmRule: AttackRule = {
  id: 'channel-mitm',
  title: 'Man-in-the-middle on a link',
  description:
    'An attacker in range of the link, or on a network it crosses, interposes between the two devices (rogue access point, BLE relay, ARP spoofing) and can read and alter the traffic. Link-layer pairing without MITM protection makes it easy; extrinsic peer authentication makes it hard.',
  attackMethodId: 'AM02',
  fromType: 'ZONE',
  toType: 'CHANNEL',
  needs: ['PRESENCE'],
  grants: ['ALTER'],
  controlElement: 'the channel',
  likelihood:
    'baseLikelihood(AM02) × intrinsic.mitm(mechanism) × medium(technology) × Π factors of REDUCES controls in force (catalogue effects)',
  source:
    'TR 67 §0 wireless mechanisms (intrinsic and extrinsic); TR 67 Annex B (reconstructed) AM02; IEC TR 80001-2-2 NAUT/TXCF/TXIG; CVE-2017-12721',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      const intrinsic = INTRINSIC_FACTORS[channel.intrinsicMechanism].mitm;
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
            to: channel.id,
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
