import { zoneGivesPhysicalAccess } from '../../domain/types';
import type { StepRef } from '../types';
import { AUTHENTICATION_FACTOR, isPhysicalInterface } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone giving physical access → USB / SERIAL_DEBUG / LOCAL_UI interface of a device located there (or exposed there). */
export const physicalPortAccessRule: AttackRule = {
  id: 'physical-port-access',
  title: 'Physical access to a port or local interface',
  description:
    "Someone with hands on the device uses its USB, serial debug or local user interface: from a zone that gives physical access (by default wards/public areas and patients' homes) where the device is located or the port is exposed. Authentication on the port lowers the likelihood.",
  attackMethodId: 'AM11',
  fromType: 'ZONE',
  toType: 'INTERFACE',
  needs: ['PHYSICAL_ACCESS'],
  grants: ['USE'],
  controlElement: 'the interface',
  likelihood: 'baseLikelihood(AM11) × authenticationFactor (NONE/DEFAULT 1, PASSWORD 0.6, MFA 0.25, CERTIFICATE 0.2)',
  source: 'TR 67 Annex B (reconstructed) AM11; IEC TR 80001-2-2 PLOK/SAHD; CVE-2022-43557 (RS-232, AV:P)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
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
      // v2: physical access follows from the place: the zones the device is located in or the
      // port is exposed to, when that zone gives physical access (wards, public areas, homes).
      const device = model.deviceById.get(iface.deviceId)!;
      const places = [...new Set([...iface.exposedToZoneIds, ...device.zoneIds])].sort();
      for (const zoneId of places) {
        if (!zoneGivesPhysicalAccess(model.zoneById.get(zoneId)!)) continue;
        steps.push(
          ctx.step(this, {
            from: ctx.node(zoneId, 'PHYSICAL_ACCESS'),
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
