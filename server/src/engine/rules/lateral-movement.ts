import type { AttackStep } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Device → every zone it sits in: a compromised device is a foothold in its network segments. */
export const lateralMovementRule: AttackRule = {
  id: 'lateral-movement',
  title: 'Lateral movement from a compromised device',
  description:
    'A compromised device is used as a pivot into every network segment it sits in. General-purpose-OS hosts carry the usual tooling; embedded devices are harder pivots.',
  attackMethodId: 'AM19',
  fromType: 'DEVICE',
  toType: 'ZONE',
  controlElement: 'target',
  likelihood: 'baseLikelihood(AM19) × (generalPurposeOs 1 | embedded 0.6)',
  source:
    'TR 67 Annex B (reconstructed) AM19; CSA 2023 (devices as conduits into the hospital network); IEC TR 80001-2-2 NAUT',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    // Two possible evidence lists, shared by all steps (plain data, not mutated).
    const evidenceOf = {
      true: [{ property: 'generalPurposeOs', value: 'true (×1)' }],
      false: [{ property: 'generalPurposeOs', value: 'false (×0.6)' }],
    };
    for (const device of ctx.model.devices) {
      const factor = device.generalPurposeOs ? 1 : 0.6;
      const evidence = evidenceOf[`${device.generalPurposeOs}`];
      for (const zoneId of device.zoneIds) {
        steps.push(
          ctx.step(this, {
            from: device.id,
            to: zoneId,
            attackMethodId: method.id,
            likelihood: method.baseLikelihood * factor,
            evidence,
            controlElementId: zoneId,
          }),
        );
      }
    }
    return steps;
  },
};
