import type { StepRef } from '../types';
import { WEAK_PAIRING_FACTOR, isWireless } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → wireless channel with a weak pairing / key-establishment mechanism. */
export const weakPairingRule: AttackRule = {
  id: 'weak-pairing',
  title: 'Weak wireless pairing or key establishment',
  description:
    'The wireless link uses a mechanism whose keys an attacker in range can obtain or does not need: no security, WEP, WPA-TKIP, BLE (legacy) Just Works, Zigbee default trust-centre link key or shared network key, LoRaWAN ABP, unencrypted proprietary RF. With the keys the attacker reads and injects on the link.',
  attackMethodId: 'AM14',
  fromType: 'ZONE',
  toType: 'CHANNEL',
  needs: ['PRESENCE'],
  grants: ['ALTER'],
  controlElement: 'the channel',
  likelihood:
    'baseLikelihood(AM14) × weakness(mechanism: NONE/PROPRIETARY_UNENCRYPTED/WEP 1, BLE_LEGACY_JUST_WORKS 0.95, BLE_JUST_WORKS 0.9, ZIGBEE_DEFAULT_TC_LINK_KEY 0.9, WPA_TKIP 0.8, ZIGBEE_SHARED_NETWORK_KEY 0.7, LORAWAN_ABP 0.7) × Π factors of REDUCES controls in force (catalogue effects)',
  source:
    'TR 67 §0 wireless mechanisms (WEP/WPA, BLE Just Works vs Passkey/OOB, Zigbee network/link keys, LoRaWAN keys); TR 67 Annex B (reconstructed) AM14; CVE-2022-32537',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      const weakness = WEAK_PAIRING_FACTOR[channel.intrinsicMechanism];
      if (weakness === undefined || !isWireless(channel)) continue;
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'technology', value: channel.technology },
        { property: 'intrinsicMechanism', value: `${channel.intrinsicMechanism} (×${weakness})` },
      ];
      for (const zoneId of channel.zoneIds) {
        steps.push(
          ctx.step(this, {
            from: zoneId,
            to: channel.id,
            attackMethodId: method.id,
            likelihood: method.baseLikelihood * weakness,
            evidence,
            controlElementId: channel.id,
          }),
        );
      }
    }
    return steps;
  },
};
