import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

/**
 * Presence in the zone of an endpoint a device connects out to → what the device accepts back
 * (attack model v2, outbound connections): a controlled or impersonated endpoint reaches the
 * device through a connection the device opened itself, so inbound filtering does not apply.
 */
export const outboundConnectionRule: AttackRule = {
  id: 'outbound-connection',
  title: 'A controlled or impersonated endpoint answers an outbound connection',
  description:
    "A device that opens connections to endpoints in a zone (a vendor cloud, a hard-coded internet address: outboundZoneIds) takes back what an attacker there sends as that endpoint: CODE gives control of the device (it loads and runs files), COMMANDS manipulate or deny its therapy, alarms and monitoring, DATA manipulates its monitoring data. One step per network the device egresses from; egress filtering on that zone's edge or removing the function on the device blocks it.",
  attackMethodId: 'AM16',
  fromType: 'ZONE',
  toType: 'DEVICE',
  needs: ['PRESENCE'],
  grants: ['CONTROL', 'MANIPULATE', 'DENY'],
  controlElement: 'the zone the device egresses from (egress filtering), or the device (remove the function)',
  likelihood: 'baseLikelihood(AM16)',
  source:
    'TR 67 Annex B (reconstructed) AM16 (hidden functionality); CISA ICSMA-25-030-01 (CVE-2025-0626, hard-coded address); IEC TR 80001-2-2 SAHD; MITRE ATT&CK for ICS T0885 (commonly used port), OWN DESIGN',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    const { model } = ctx;
    for (const device of model.devices) {
      if (!device.outboundZoneIds || device.outboundZoneIds.length === 0) continue;
      const accepts = device.outboundAccepts ?? 'DATA';
      const targets: string[] = [];
      if (accepts === 'CODE') targets.push(device.id);
      else
        for (const asset of model.assetsByDevice.get(device.id) ?? []) {
          if (accepts === 'COMMANDS' && asset.kind !== 'PERSONAL_DATA')
            targets.push(...ctx.impactNodes(asset, ['MANIPULATE', 'DENY']));
          if (accepts === 'DATA' && asset.kind === 'DIAGNOSIS_MONITORING')
            targets.push(...ctx.impactNodes(asset, ['MANIPULATE']));
        }
      for (const endpointZone of device.outboundZoneIds)
        for (const egress of device.zoneIds)
          for (const to of targets)
            steps.push(
              ctx.step(this, {
                from: endpointZone,
                to,
                qualifier: egress,
                attackMethodId: method.id,
                likelihood: method.baseLikelihood,
                evidence: [
                  { property: 'outboundZoneIds', value: endpointZone },
                  { property: 'outboundAccepts', value: `${accepts}${device.outboundAccepts ? '' : ' (default)'}` },
                  { property: 'egress', value: egress },
                ],
                controlElementId: egress,
                alsoBlockedOn: [device.id],
              }),
            );
    }
    return steps;
  },
};
