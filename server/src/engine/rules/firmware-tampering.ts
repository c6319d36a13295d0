import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Channel carrying FIRMWARE → its receiving device: a tampered or malicious update is installed. */
export const firmwareTamperingRule: AttackRule = {
  id: 'firmware-tampering',
  title: 'Firmware tampering in transit',
  description:
    'An attacker on a link that carries software updates substitutes a malicious image, which the receiving device installs. The defence sits on the receiving device (signed updates, secure boot, anti-rollback), so that device is the control element.',
  attackMethodId: 'AM09',
  fromType: 'CHANNEL',
  toType: 'DEVICE',
  needs: ['INJECT'],
  grants: ['CONTROL'],
  controlElement: 'the receiving device (signed updates are checked there)',
  likelihood:
    'baseLikelihood(AM09) × Π factors of REDUCES controls in force (catalogue effects); only when the channel carries FIRMWARE',
  source:
    'TR 67 Annex B (reconstructed) AM09; IEC TR 80001-2-2 SAHD/CSUP/IGAU; CLS(MD) secure firmware update theme; CVE-2020-6965',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      if (!channel.carries.includes('FIRMWARE')) continue;
      steps.push(
        ctx.step(this, {
          from: ctx.node(channel.id, 'INJECT'),
          to: channel.toDeviceId,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood,
          evidence: [{ property: 'carries', value: 'FIRMWARE' }],
          controlElementId: channel.toDeviceId,
        }),
      );
    }
    return steps;
  },
};
