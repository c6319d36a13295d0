import type { AttackStep } from '../types';
import { PAYLOAD_ASSET_KIND } from './factors';
import type { AttackRule, RuleContext } from './rule';

/**
 * Compromised sending device → what its channel feeds on the receiving device. The sender is the
 * legitimate peer and holds the channel's keys, so no channel control can tell its messages from
 * genuine ones: the step cannot be blocked (cut the sender's compromise instead).
 */
export const peerAbuseRule: AttackRule = {
  id: 'peer-abuse',
  title: 'Abuse of a trusted peer link by its compromised sender',
  description:
    'A compromised device sends harmful but well-formed messages over a link it legitimately controls: COMMANDS give control of the receiving device, ALARMS and TELEMETRY corrupt its ALARM and DIAGNOSIS_MONITORING assets. One step per channel. Link security cannot stop the legitimate sender.',
  attackMethodId: 'AM13',
  fromType: 'DEVICE',
  toType: 'DEVICE',
  controlElement: 'none',
  likelihood: '1 (the receiving device trusts its peer)',
  source:
    'TR 67 Annex B (reconstructed) AM13; IEC 80001-1 (responsibility across connected systems); OWN DESIGN: replaces a device→channel step so that channel controls are not credited against a compromised endpoint',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      const evidence = (payload: string) => [
        { property: 'channel', value: channel.id },
        { property: 'carries', value: payload },
      ];
      if (channel.carries.includes('COMMANDS')) {
        steps.push(
          ctx.step(this, {
            from: channel.fromDeviceId,
            to: channel.toDeviceId,
            qualifier: channel.id,
            attackMethodId: method.id,
            likelihood: 1,
            evidence: evidence('COMMANDS'),
            controlElementId: null,
          }),
        );
      }
      for (const payload of ['ALARMS', 'TELEMETRY'] as const) {
        if (!channel.carries.includes(payload)) continue;
        for (const asset of ctx.model.assetsByDevice.get(channel.toDeviceId) ?? []) {
          if (asset.kind !== PAYLOAD_ASSET_KIND[payload]) continue;
          steps.push(
            ctx.step(this, {
              from: channel.fromDeviceId,
              to: asset.id,
              qualifier: channel.id,
              attackMethodId: method.id,
              likelihood: 1,
              evidence: evidence(payload),
              controlElementId: null,
            }),
          );
        }
      }
    }
    return steps;
  },
};
