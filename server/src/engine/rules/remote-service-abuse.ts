import type { StepRef } from '../types';
import { AUTHENTICATION_FACTOR, networkSources } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → REMOTE_SERVICE interface: abuse of the vendor's remote-service access. */
export const remoteServiceAbuseRule: AttackRule = {
  id: 'remote-service-abuse',
  title: 'Remote service abuse',
  description:
    'A vendor remote-service interface is reachable from the zone; a compromised or malicious vendor account, or a hijacked session, uses it. Strong authentication lowers the likelihood.',
  attackMethodId: 'AM15',
  fromType: 'ZONE',
  toType: 'INTERFACE',
  needs: ['PRESENCE'],
  grants: ['USE'],
  controlElement: 'the interface',
  likelihood: 'baseLikelihood(AM15) × authenticationFactor (NONE/DEFAULT 1, PASSWORD 0.6, MFA 0.25, CERTIFICATE 0.2)',
  source: 'TR 67 Annex B (reconstructed) AM15; MDS2 RMOT; IEC TR 80001-2-2 AUTH/AUDT/NAUT',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const iface of ctx.model.interfaces) {
      if (iface.kind !== 'REMOTE_SERVICE') continue;
      const factor = AUTHENTICATION_FACTOR[iface.authentication];
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'interfaceKind', value: iface.kind },
        { property: 'authentication', value: `${iface.authentication} (×${factor})` },
      ];
      for (const src of networkSources(ctx.model, iface)) {
        steps.push(
          ctx.step(this, {
            from: src.from,
            to: iface.id,
            ...(src.via
              ? { qualifier: `via-${src.via}`, alsoBlockedOn: [{ elementId: src.via, attackMethodId: 'AM19' }] }
              : {}),
            attackMethodId: method.id,
            likelihood: method.baseLikelihood * factor,
            evidence: src.evidence ? [...evidence, src.evidence] : evidence,
            controlElementId: iface.id,
          }),
        );
      }
    }
    return steps;
  },
};
