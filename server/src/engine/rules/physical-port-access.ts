import type { AttackStep } from '../types';
import { AUTHENTICATION_FACTOR, isPhysicalInterface } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** PHYSICAL_ACCESS zone → USB / SERIAL_DEBUG / LOCAL_UI interface exposed to it. */
export const physicalPortAccessRule: AttackRule = {
  id: 'physical-port-access',
  title: 'Physical access to a port or local interface',
  description:
    'Someone with hands on the device (a PHYSICAL_ACCESS zone) uses a USB, serial debug or local user interface exposed to that zone. Authentication on the port lowers the likelihood.',
  attackMethodId: 'AM11',
  fromType: 'ZONE',
  toType: 'INTERFACE',
  controlElement: 'target',
  likelihood: 'baseLikelihood(AM11) × authenticationFactor (NONE/DEFAULT 1, PASSWORD 0.6, MFA 0.25, CERTIFICATE 0.2)',
  source: 'TR 67 Annex B (reconstructed) AM11; IEC TR 80001-2-2 PLOK/SAHD; CVE-2022-43557 (RS-232, AV:P)',
  evaluate(ctx: RuleContext): AttackStep[] {
    const steps: AttackStep[] = [];
    const method = ctx.method(this.attackMethodId);
    const { model } = ctx;
    for (const iface of model.interfaces) {
      if (!isPhysicalInterface(iface)) continue;
      const factor = AUTHENTICATION_FACTOR[iface.authentication];
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'interfaceKind', value: iface.kind },
        { property: 'authentication', value: `${iface.authentication} (×${factor})` },
      ];
      for (const zoneId of iface.exposedToZoneIds) {
        if (model.zoneById.get(zoneId)!.kind !== 'PHYSICAL_ACCESS') continue;
        steps.push(
          ctx.step(this, {
            from: zoneId,
            to: iface.id,
            attackMethodId: method.id,
            likelihood: method.baseLikelihood * factor,
            evidence,
            controlElementId: iface.id,
          }),
        );
      }
    }
    return steps;
  },
};
