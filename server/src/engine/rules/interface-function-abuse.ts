import { interfaceFunctions, type AssetKind, type Impact, type InterfaceFunction } from '../../domain/types';
import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Which assets of the interface's device each function reaches, and how (docs/attack-model.md). */
const FUNCTION_EFFECTS: Partial<
  Record<InterfaceFunction, { kinds: readonly AssetKind[]; impacts: readonly Impact[] }>
> = {
  CHANGE_SETTINGS: { kinds: ['THERAPY_DELIVERY', 'ALARM', 'DIAGNOSIS_MONITORING'], impacts: ['MANIPULATE', 'DENY'] },
  COMMAND_THERAPY: { kinds: ['THERAPY_DELIVERY'], impacts: ['MANIPULATE', 'DENY'] },
  READ_DATA: { kinds: ['PERSONAL_DATA'], impacts: ['DISCLOSE'] },
  WRITE_DATA: { kinds: ['DIAGNOSIS_MONITORING', 'PERSONAL_DATA'], impacts: ['MANIPULATE'] },
};

/**
 * Interface use → what its functions allow: the assets of its device it can change, deny or read,
 * and a user session (LOGIN_SHELL). Never control of the device by itself (attack model v2).
 */
export const interfaceFunctionAbuseRule: AttackRule = {
  id: 'interface-function-abuse',
  title: "Use of an interface's functions",
  description:
    "Whoever may use an interface can do what it offers, and no more: CHANGE_SETTINGS manipulates or denies the device's therapy, alarms and monitoring; COMMAND_THERAPY its therapy; READ_DATA discloses its personal data; WRITE_DATA manipulates its monitoring data and records; LOGIN_SHELL gives user access to the device; ADMINISTER (a vendor's service session) gives control of it. Functions default by interface kind (a web UI changes settings and reads data; an SSH port is a shell; a radio endpoint has none of its own). The access step before it is where controls cut; this step is the intended function.",
  attackMethodId: 'AM05',
  fromType: 'INTERFACE',
  toType: 'ASSET',
  needs: ['USE'],
  grants: ['MANIPULATE', 'DENY', 'DISCLOSE', 'USER', 'CONTROL'],
  controlElement: 'none (cut the access step)',
  likelihood: '1 (the function works as designed)',
  source:
    'TR 67 Annex B (reconstructed) AM05/AM12/AM13/AM15; MDS2 RMOT; IEC TR 80001-2-2 AUTH (authorisation of functions); MDS2 PAUT/AUTH; MAL coreLang (access vs. compromise)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const { model } = ctx;
    for (const iface of model.interfaces) {
      const functions = interfaceFunctions(iface);
      if (functions.length === 0) continue;
      const assets = model.assetsByDevice.get(iface.deviceId) ?? [];
      const reasons = new Map<string, InterfaceFunction[]>();
      for (const fn of functions) {
        if (fn === 'LOGIN_SHELL' || fn === 'ADMINISTER') {
          const to = ctx.node(iface.deviceId, fn === 'LOGIN_SHELL' ? 'USER' : 'CONTROL');
          reasons.set(to, [...(reasons.get(to) ?? []), fn]);
          continue;
        }
        const effect = FUNCTION_EFFECTS[fn];
        if (!effect) continue;
        for (const asset of assets) {
          if (!effect.kinds.includes(asset.kind)) continue;
          for (const to of ctx.impactNodes(asset, effect.impacts)) reasons.set(to, [...(reasons.get(to) ?? []), fn]);
        }
      }
      for (const [to, fns] of [...reasons].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
        const disclose = to.endsWith('#DISCLOSE');
        steps.push(
          ctx.step(this, {
            from: iface.id,
            to,
            attackMethodId: to === iface.deviceId ? 'AM15' : to.endsWith('#USER') ? 'AM05' : disclose ? 'AM12' : 'AM13',
            likelihood: 1,
            evidence: [
              { property: 'interfaceKind', value: iface.kind },
              { property: 'functions', value: `${fns.join(', ')}${iface.functions ? '' : ' (default for the kind)'}` },
            ],
            controlElementId: null,
          }),
        );
      }
    }
    return steps;
  },
};
