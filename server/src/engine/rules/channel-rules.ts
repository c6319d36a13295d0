/**
 * Channel and network rules (attack model v2): a man in the middle can read and inject; the
 * sending endpoint holds the link; zone links carry network reach. One rule per export;
 * rules/registry.ts lists them.
 */
import type { StepRef } from '../types';
import type { AttackRule, RuleContext } from './rule';

/** Man in the middle of a channel → read and inject on it. */
export const channelCapabilitiesRule: AttackRule = {
  id: 'channel-capabilities',
  title: 'A man in the middle reads and injects',
  description:
    'Whoever sits in the middle of a link can also read what it carries and inject messages. Implied: cannot be blocked.',
  attackMethodId: 'AM02',
  fromType: 'CHANNEL',
  toType: 'CHANNEL',
  needs: ['ALTER'],
  grants: ['READ', 'INJECT'],
  controlElement: 'none (implied)',
  likelihood: '1',
  source: 'OWN DESIGN (capability lattice: ALTER ⊇ READ, INJECT)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const c of ctx.model.channels)
      for (const cap of ['INJECT', 'READ'] as const)
        steps.push(
          ctx.step(this, {
            from: c.id,
            to: ctx.node(c.id, cap),
            attackMethodId: this.attackMethodId,
            likelihood: 1,
            evidence: [],
            controlElementId: null,
          }),
        );
    return steps;
  },
};

/** Asset kinds of the receiver fed by commands. */
const PAYLOAD_FEEDS = { COMMANDS: 'THERAPY_DELIVERY' } as const;

/** Control of a channel's sending device → what the link feeds on the receiver. */
export const trustedPeerAbuseRule: AttackRule = {
  id: 'trusted-peer-abuse',
  title: 'Abuse of a trusted link by its controlled sender',
  description:
    "A controlled device sends harmful but well-formed commands over a link it legitimately holds, with its keys: link protection cannot tell them from genuine ones. COMMANDS manipulate or deny the receiver's therapy (false readings and alarms from a controlled source are forged-at-source, which also travels along their data flow). Cannot be blocked on the channel: cut the sender's compromise (firmware pushed this way is the peer-firmware-push rule, checked at the receiver).",
  attackMethodId: 'AM13',
  fromType: 'DEVICE',
  toType: 'ASSET',
  needs: ['CONTROL'],
  grants: ['MANIPULATE', 'DENY'],
  controlElement: 'none (the sender holds the keys)',
  likelihood: '1 (the receiver trusts its peer)',
  source: 'TR 67 Annex B (reconstructed) AM13; IEC 80001-1 (responsibility across connected systems)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const c of ctx.model.channels) {
      for (const payload of ['COMMANDS'] as const) {
        if (!c.carries.includes(payload)) continue;
        for (const asset of ctx.model.assetsByDevice.get(c.toDeviceId) ?? []) {
          if (asset.kind !== PAYLOAD_FEEDS[payload]) continue;
          for (const to of ctx.impactNodes(asset, ['MANIPULATE', 'DENY']))
            steps.push(
              ctx.step(this, {
                from: c.fromDeviceId,
                to,
                qualifier: c.id,
                attackMethodId: this.attackMethodId,
                likelihood: 1,
                evidence: [
                  { property: 'channel', value: c.id },
                  { property: 'carries', value: payload },
                ],
                controlElementId: null,
              }),
            );
        }
      }
    }
    return steps;
  },
};

/** Control of a channel's sending device → control of the receiver through pushed firmware. */
export const peerFirmwarePushRule: AttackRule = {
  id: 'peer-firmware-push',
  title: 'Malicious firmware pushed by a controlled update source',
  description:
    'A controlled device that sends firmware to others (an update server, a programmer, a gateway) pushes its own: the receiver runs it unless it verifies signed updates. Supply-chain sources (UPDATE_SERVER, APP_STORE) are the usual senders.',
  attackMethodId: 'AM09',
  fromType: 'DEVICE',
  toType: 'DEVICE',
  needs: ['CONTROL'],
  grants: ['CONTROL'],
  controlElement: 'the receiving device (signed updates are checked there)',
  likelihood: 'baseLikelihood(AM09)',
  source: 'TR 67 Annex B (reconstructed) AM09; IEC TR 80001-2-2 SAHD/IGAU; CLS(MD) firmware theme',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const c of ctx.model.channels) {
      if (!c.carries.includes('FIRMWARE')) continue;
      steps.push(
        ctx.step(this, {
          from: c.fromDeviceId,
          to: c.toDeviceId,
          qualifier: c.id,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood,
          evidence: [
            { property: 'channel', value: c.id },
            { property: 'carries', value: 'FIRMWARE' },
          ],
          controlElementId: c.toDeviceId,
        }),
      );
    }
    return steps;
  },
};

/** Presence in a zone → presence in the zones it is linked to. */
export const zoneLinkRule: AttackRule = {
  id: 'zone-link',
  title: 'Network reach through a zone link',
  description:
    "A zone whose traffic is routed to another without restriction (linkedZoneIds: a flat network, a routed VLAN pair) gives presence there. With an allowlist (linkedZoneServices) it does not: only the listed kinds of interface in the linked zone are reachable, through the access rules, and a boundary control on the destination zone's edge blocks those steps too. A boundary control on the destination zone's edge (firewall, segmentation) blocks the step.",
  attackMethodId: 'AM19',
  fromType: 'ZONE',
  toType: 'ZONE',
  needs: ['PRESENCE'],
  grants: ['PRESENCE'],
  controlElement: 'the destination zone (its edge)',
  likelihood: '1 (an open route)',
  source: 'TR 67 Annex B (reconstructed) AM19; IEC 62443-3-2 zones and conduits; MulVAL hacl/netAccess',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const z of ctx.model.zones)
      // links with an allowlist give reach of the listed services only (access rules, networkSources)
      for (const to of z.linkedZoneServices ? [] : (z.linkedZoneIds ?? []))
        steps.push(
          ctx.step(this, {
            from: z.id,
            to,
            attackMethodId: this.attackMethodId,
            likelihood: 1,
            evidence: [{ property: 'linkedZoneIds', value: to }],
            controlElementId: to,
          }),
        );
    return steps;
  },
};
