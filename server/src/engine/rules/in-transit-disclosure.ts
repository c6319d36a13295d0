import type { AttackStep } from '../types';
import { extrinsicFactor, type ExtrinsicTable } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Extrinsic end-to-end encryption keeps captured personal data unreadable. */
export const DISCLOSURE_EXTRINSIC: ExtrinsicTable = {
  APPLICATION_ENCRYPTION: 0.05,
  TLS: 0.1,
  VPN: 0.1,
};

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
  likelihood: '1 × Π extrinsic (APPLICATION_ENCRYPTION 0.05, TLS 0.1, VPN 0.1)',
  source:
    'TR 67 §0 (additional application-layer encryption); TR 67 Annex B (reconstructed) AM01; IEC TR 80001-2-2 TXCF; CVE-2025-0683',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const channel of ctx.model.channels) {
      if (!channel.carries.includes('PERSONAL_DATA')) continue;
      const extrinsic = extrinsicFactor(channel, DISCLOSURE_EXTRINSIC);
      for (const asset of ctx.model.assetsByDevice.get(channel.toDeviceId) ?? []) {
        if (asset.kind !== 'PERSONAL_DATA' || !ctx.has(ctx.node(asset.id, 'DISCLOSE'))) continue;
        steps.push(
          ctx.step(this, {
            from: ctx.node(channel.id, 'READ'),
            to: ctx.node(asset.id, 'DISCLOSE'),
            attackMethodId: method.id,
            likelihood: extrinsic.factor,
            evidence: [{ property: 'carries', value: 'PERSONAL_DATA' }, ...extrinsic.evidence],
            controlElementId: channel.id,
          }),
        );
      }
    }
    return steps;
  },
};
