import type { StepRef } from '../types';
import { INTRINSIC_FACTORS, MEDIUM_FACTOR } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → channel carrying commands, alarms, telemetry or firmware: capture and replay of messages. */
export const channelReplayRule: AttackRule = {
  id: 'channel-replay',
  title: 'Replay of captured messages',
  description:
    'An attacker who can capture traffic on the link replays earlier commands, alarms, readings or update messages. Challenge-response removes the step; message authentication without freshness, and LoRaWAN ABP counter resets, do not stop it.',
  attackMethodId: 'AM03',
  fromType: 'ZONE',
  toType: 'CHANNEL',
  needs: ['PRESENCE'],
  grants: ['INJECT'],
  controlElement: 'the channel',
  likelihood:
    'baseLikelihood(AM03) × intrinsic.replay(mechanism) × medium(technology) × Π factors of REDUCES controls in force (catalogue effects); only for COMMANDS/ALARMS/TELEMETRY/FIRMWARE',
  source:
    'TR 67 §0 wireless mechanisms (challenge-response as extrinsic mechanism); TR 67 Annex B (reconstructed) AM03; IEC TR 80001-2-2 TXIG/NAUT; CVE-2019-6538',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      if (!channel.carries.some((p) => p !== 'PERSONAL_DATA')) continue;
      const intrinsic = INTRINSIC_FACTORS[channel.intrinsicMechanism].replay;
      const medium = MEDIUM_FACTOR[channel.technology];
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'carries', value: channel.carries.join(', ') },
        { property: 'technology', value: `${channel.technology} (×${medium})` },
        { property: 'intrinsicMechanism', value: `${channel.intrinsicMechanism} (×${intrinsic})` },
      ];
      for (const zoneId of channel.zoneIds) {
        steps.push(
          ctx.step(this, {
            from: zoneId,
            to: ctx.node(channel.id, 'INJECT'),
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
