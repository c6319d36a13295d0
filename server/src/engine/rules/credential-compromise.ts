import type { StepRef } from '../types';
import { CREDENTIAL_FACTOR, isPhysicalInterface, networkSources } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → interface protected by default credentials or a password alone (no MFA, no certificate). */
export const credentialCompromiseRule: AttackRule = {
  id: 'credential-compromise',
  title: 'Credential compromise on an exposed interface',
  description:
    'An interface exposed to a zone authenticates with default credentials (public) or a password alone (guessed, phished or reused), so an attacker in that zone logs in.',
  attackMethodId: 'AM06',
  fromType: 'ZONE',
  toType: 'INTERFACE',
  needs: ['PRESENCE'],
  grants: ['USE'],
  controlElement: 'the interface',
  likelihood: 'baseLikelihood(AM06) × (DEFAULT_CREDENTIALS 1 | PASSWORD 0.4)',
  source: 'TR 67 Annex B (reconstructed) AM06; IEC TR 80001-2-2 PAUT; CVE-2020-6963 (CWE-798), CVE-2017-12726',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const iface of ctx.model.interfaces) {
      const factor = CREDENTIAL_FACTOR[iface.authentication];
      if (factor === undefined || isPhysicalInterface(iface)) continue;
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'authentication', value: iface.authentication },
        { property: 'interfaceKind', value: iface.kind },
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
