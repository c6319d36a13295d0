/**
 * Data that travels (attack model v2): readings and alarms falsified on one hop reach whoever acts
 * on them downstream, without the attacker taking over any device. One rule per export;
 * rules/registry.ts lists them.
 */
import type { Channel } from '../../domain/types';
import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

const isDataChannel = (c: Channel) => c.carries.includes('TELEMETRY') || c.carries.includes('ALARMS');

/** Man in the middle (or injection) on a readings/alarms channel → what it delivers is forged. */
export const dataFalsificationRule: AttackRule = {
  id: 'data-falsification',
  title: 'Readings or alarms falsified on a hop',
  description:
    'An attacker in the middle of a link that carries readings (TELEMETRY) or alarms alters them; one who can only inject sends false ones. What the link delivers is then attacker-chosen, for its receiver and for every hop it is forwarded to. End-to-end integrity on the link (endToEndIntegrity) removes the step.',
  attackMethodId: 'AM13',
  fromType: 'CHANNEL',
  toType: 'CHANNEL',
  needs: ['ALTER', 'INJECT'],
  grants: ['FORGED'],
  controlElement: 'the channel',
  likelihood:
    'ALTER: baseLikelihood(AM13) × Π factors of REDUCES controls in force (catalogue effects); INJECT: baseLikelihood(AM04) × the same',
  source: 'TR 67 Annex B (reconstructed) AM04/AM13; IEC TR 80001-2-2 TXIG/IGAU',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const c of ctx.model.channels) {
      if (!isDataChannel(c) || c.endToEndIntegrity) continue;
      for (const [from, methodId] of [
        [c.id, 'AM13'],
        [ctx.node(c.id, 'INJECT'), 'AM04'],
      ] as const) {
        steps.push(
          ctx.step(this, {
            from,
            to: ctx.node(c.id, 'FORGED'),
            attackMethodId: methodId,
            likelihood: ctx.method(methodId).baseLikelihood,
            evidence: [{ property: 'carries', value: c.carries.join(', ') }],
            controlElementId: c.id,
          }),
        );
      }
    }
    return steps;
  },
};

/** A controlled sender forges what it sends (implied). */
export const forgedAtSourceRule: AttackRule = {
  id: 'forged-at-source',
  title: 'A controlled source sends false readings or alarms',
  description:
    "Whoever controls a device that sends readings or alarms decides what they say, with the link's legitimate keys. Implied: cannot be blocked on the channel; end-to-end integrity does not help either when the source itself signs.",
  attackMethodId: 'AM13',
  fromType: 'DEVICE',
  toType: 'CHANNEL',
  needs: ['CONTROL'],
  grants: ['FORGED'],
  controlElement: 'none (cut the source)',
  likelihood: '1',
  source: 'TR 67 Annex B (reconstructed) AM13; IEC 80001-1',
  evaluate(ctx: RuleContext): StepRef[] {
    return ctx.model.channels.filter(isDataChannel).map((c) =>
      ctx.step(this, {
        from: c.fromDeviceId,
        to: ctx.node(c.id, 'FORGED'),
        attackMethodId: this.attackMethodId,
        likelihood: 1,
        evidence: [{ property: 'sender', value: c.fromDeviceId }],
        controlElementId: null,
      }),
    );
  },
};

/** Forged data on a hop → the next hops it is forwarded to. */
export const dataRelayRule: AttackRule = {
  id: 'data-relay',
  title: 'Falsified data passed on by a relay',
  description:
    'A relay (a phone app, a gateway, a cloud service) passes the readings or alarms it receives on to the next hops of their data flow (forwardedTo) as they are: forged data travels without the attacker controlling the relay. A control on the relay device does not stop it; end-to-end integrity on the next hop does (endToEndIntegrity, or an integrity control placed on that hop that authenticates the originator).',
  attackMethodId: 'AM13',
  fromType: 'CHANNEL',
  toType: 'CHANNEL',
  needs: ['FORGED'],
  grants: ['FORGED'],
  controlElement: 'the next hop (end-to-end integrity)',
  likelihood: '1 (the relay passes data on as it is)',
  source: 'TR 67 Annex B (reconstructed) AM13; TR 67 Table 2 (telehealth); IEC TR 80001-2-2 TXIG',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const byId = new Map(ctx.model.channels.map((c) => [c.id, c]));
    for (const c of ctx.model.channels) {
      if (!isDataChannel(c)) continue;
      for (const nextId of c.forwardedTo ?? []) {
        const next = byId.get(nextId);
        if (!next || !isDataChannel(next) || next.endToEndIntegrity || next.fromDeviceId !== c.toDeviceId) continue;
        steps.push(
          ctx.step(this, {
            from: ctx.node(c.id, 'FORGED'),
            to: ctx.node(next.id, 'FORGED'),
            attackMethodId: this.attackMethodId,
            likelihood: 1,
            evidence: [
              { property: 'relay', value: c.toDeviceId },
              { property: 'forwardedTo', value: next.id },
            ],
            controlElementId: next.id,
          }),
        );
      }
    }
    return steps;
  },
};

/** Forged readings or alarms delivered → the receiver's monitoring or alarms manipulated (implied). */
export const forgedDataUseRule: AttackRule = {
  id: 'forged-data-use',
  title: 'False readings or alarms acted on',
  description:
    'The receiver of forged readings (TELEMETRY) shows or uses them: its DIAGNOSIS_MONITORING is manipulated (a clinician sees what the attacker chose); forged ALARMS manipulate its ALARM assets. Implied.',
  attackMethodId: 'AM13',
  fromType: 'CHANNEL',
  toType: 'ASSET',
  needs: ['FORGED'],
  grants: ['MANIPULATE'],
  controlElement: 'none (implied)',
  likelihood: '1',
  source: 'TR 67 Annex B (reconstructed) AM13',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const c of ctx.model.channels) {
      if (!isDataChannel(c)) continue;
      for (const asset of ctx.model.assetsByDevice.get(c.toDeviceId) ?? []) {
        const fed =
          (asset.kind === 'DIAGNOSIS_MONITORING' && c.carries.includes('TELEMETRY')) ||
          (asset.kind === 'ALARM' && c.carries.includes('ALARMS'));
        if (!fed) continue;
        for (const to of ctx.impactNodes(asset, ['MANIPULATE']))
          steps.push(
            ctx.step(this, {
              from: ctx.node(c.id, 'FORGED'),
              to,
              attackMethodId: this.attackMethodId,
              likelihood: 1,
              evidence: [{ property: 'assetKind', value: asset.kind }],
              controlElementId: null,
            }),
          );
      }
    }
    return steps;
  },
};
