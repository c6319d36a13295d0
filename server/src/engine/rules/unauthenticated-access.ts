import type { StepRef } from '../types';
import { isPhysicalInterface, networkSources } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Zone → network/radio interface without authentication: anyone who reaches it uses it (CWE-306). */
export const unauthenticatedAccessRule: AttackRule = {
  id: 'unauthenticated-access',
  title: 'Unauthenticated access to an exposed interface',
  description:
    'An interface exposed to a zone asks for no authentication, so an attacker in that zone uses its functions directly. Physical interfaces are handled by physical-port-access.',
  attackMethodId: 'AM05',
  fromType: 'ZONE',
  toType: 'INTERFACE',
  needs: ['PRESENCE'],
  grants: ['USE'],
  controlElement: 'the interface',
  likelihood: 'baseLikelihood(AM05)',
  source: 'TR 67 Annex B (reconstructed) AM05; IEC TR 80001-2-2 PAUT/AUTH/NAUT; CVE-2020-6964 (CWE-306)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const iface of ctx.model.interfaces) {
      if (iface.authentication !== 'NONE' || isPhysicalInterface(iface)) continue;
      // Shared by the steps of every zone (plain data, not mutated).
      const evidence = [
        { property: 'authentication', value: 'NONE' },
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
            likelihood: method.baseLikelihood,
            evidence: src.evidence ? [...evidence, src.evidence] : evidence,
            controlElementId: iface.id,
          }),
        );
      }
    }
    return steps;
  },
};
