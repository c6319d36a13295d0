import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Injection on a channel carrying COMMANDS → the receiving device's therapy manipulated or denied. */
export const commandSpoofingRule: AttackRule = {
  id: 'command-spoofing',
  title: 'Command injection or spoofing over a link',
  description:
    'An attacker who can inject on a link that carries commands impersonates the controlling device and sends its own commands, which the receiving device obeys (e.g. writes to implant memory, CVE-2019-6538): its THERAPY_DELIVERY assets are manipulated or denied. Commands do not give control of the device (v2). Blocked at the channel by peer and command authentication, or at the receiving interface or device by receiver-side authentication (C27, C04, C12: one placement covers every link that ends there).',
  attackMethodId: 'AM04',
  fromType: 'CHANNEL',
  toType: 'ASSET',
  needs: ['INJECT'],
  grants: ['MANIPULATE', 'DENY'],
  controlElement: 'the channel, or the receiving interface or device',
  likelihood:
    'baseLikelihood(AM04) × Π factors of REDUCES controls in force (catalogue effects); only when the channel carries COMMANDS',
  source:
    'TR 67 Annex B (reconstructed) AM04/AM13; TR 67 §0 (challenge-response); IEC TR 80001-2-2 NAUT/AUTH; CVE-2019-6538',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      if (!channel.carries.includes('COMMANDS')) continue;
      for (const asset of ctx.model.assetsByDevice.get(channel.toDeviceId) ?? []) {
        if (asset.kind !== 'THERAPY_DELIVERY') continue;
        for (const target of ctx.impactNodes(asset, ['MANIPULATE', 'DENY']))
          steps.push(
            ctx.step(this, {
              from: ctx.node(channel.id, 'INJECT'),
              to: target,
              attackMethodId: method.id,
              likelihood: method.baseLikelihood,
              evidence: [{ property: 'carries', value: 'COMMANDS' }],
              controlElementId: channel.id,
              // Receiver-side authentication (controls v2): the receiving interface and the
              // receiving device check every command whatever link it came over.
              alsoBlockedOn: [...(channel.toInterfaceId ? [channel.toInterfaceId] : []), channel.toDeviceId],
            }),
          );
      }
    }
    return steps;
  },
};
