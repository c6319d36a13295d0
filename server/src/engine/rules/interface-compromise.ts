import type { AttackStep } from '../types';
import { INTERFACE_CONTROL_FACTOR, patchFactor, vulnerabilityFactor, vulnerabilitiesOf } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Interface → its device: the attacker turns use of the interface into control of the device. */
export const interfaceCompromiseRule: AttackRule = {
  id: 'interface-compromise',
  title: 'Device compromise through an interface',
  description:
    'An attacker who can use an interface turns it into control of its device: directly for shells and service ports, through a software flaw otherwise. Known vulnerabilities of the device or interface and an unpatchable device make it likelier.',
  attackMethodId: 'AM07',
  fromType: 'INTERFACE',
  toType: 'DEVICE',
  controlElement: 'target',
  likelihood:
    'baseLikelihood(AM07) × interfaceControlFactor(kind: shells/service 2, UI/USB/SMB 1.5, other 1) × (1 + maxCvss/10) × (unpatchable 1.25)',
  source: 'TR 67 Annex B (reconstructed) AM07; IEC TR 80001-2-2 SAHD/CSUP/MLDP; MDS2 CSUP',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    const { model } = ctx;
    for (const iface of model.interfaces) {
      const device = model.deviceById.get(iface.deviceId)!;
      const vulns = vulnerabilitiesOf(model, iface);
      const kindFactor = INTERFACE_CONTROL_FACTOR[iface.kind];
      const evidence = [{ property: 'interfaceKind', value: `${iface.kind} (×${kindFactor})` }];
      if (vulns.length > 0) {
        const top = vulns.reduce((a, b) => (b.score > a.score ? b : a));
        evidence.push({ property: 'vulnerability', value: top.label });
      }
      if (!device.patchable) evidence.push({ property: 'patchable', value: 'false' });
      steps.push(
        ctx.step(this, {
          from: iface.id,
          to: device.id,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood * kindFactor * vulnerabilityFactor(vulns) * patchFactor(device),
          evidence,
          controlElementId: device.id,
        }),
      );
    }
    return steps;
  },
};
