import type { AttackStep } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Compromised update source → the device it updates over a FIRMWARE channel. */
export const peerFirmwarePushRule: AttackRule = {
  id: 'peer-firmware-push',
  title: 'Malicious update pushed by a compromised update source',
  description:
    'A compromised device that distributes software updates over a link pushes a malicious image to the receiving device. Signature checking on the receiving device (keys held by the manufacturer, not by the update server) stops it, so that device is the control element.',
  attackMethodId: 'AM09',
  fromType: 'DEVICE',
  toType: 'DEVICE',
  controlElement: 'receiving device',
  likelihood: 'baseLikelihood(AM09)',
  source:
    'TR 67 Annex B (reconstructed) AM09; IEC TR 80001-2-2 SAHD (signed software)/CSUP; CLS(MD) secure firmware update theme',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      if (!channel.carries.includes('FIRMWARE')) continue;
      steps.push(
        ctx.step(this, {
          from: channel.fromDeviceId,
          to: channel.toDeviceId,
          qualifier: channel.id,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood,
          evidence: [
            { property: 'channel', value: channel.id },
            { property: 'carries', value: 'FIRMWARE' },
          ],
          controlElementId: channel.toDeviceId,
        }),
      );
    }
    return steps;
  },
};
