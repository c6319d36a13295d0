/**
 * Device capability rules (attack model v2): what user access and control of a device give, and
 * the ways from user access to control. One rule per export; rules/registry.ts lists them.
 */
import { zoneIsNetwork } from '../../domain/types';
import type { StepRef } from '../types';
import { withFlagEvidence } from './fact-evidence';
import { ipHosts } from './factors';
import type { AttackRule, RuleContext } from './rule';

/** Control of a device → user access to it (control contains it). */
export const deviceCapabilitiesRule: AttackRule = {
  id: 'device-capabilities',
  title: 'Control of a device includes user access',
  description: 'Whoever controls a device also has what a user of it has. Implied: cannot be blocked.',
  attackMethodId: 'AM07',
  fromType: 'DEVICE',
  toType: 'DEVICE',
  needs: ['CONTROL'],
  grants: ['USER'],
  controlElement: 'none (implied)',
  likelihood: '1',
  source: 'OWN DESIGN (capability lattice, after MulVAL execCode(host, root) ⊇ execCode(host, user))',
  evaluate(ctx: RuleContext): StepRef[] {
    return ctx.model.devices.map((d) =>
      ctx.step(this, {
        from: d.id,
        to: ctx.node(d.id, 'USER'),
        attackMethodId: this.attackMethodId,
        likelihood: 1,
        evidence: [],
        controlElementId: null,
      }),
    );
  },
};

/** Control of a device → every impact on its assets. */
export const deviceAssetCompromiseRule: AttackRule = {
  id: 'device-asset-compromise',
  title: "A controlled device's assets",
  description:
    'Whoever controls a device can manipulate and deny every asset on it and read the personal data it holds (encryption at rest protects stolen media, not the running system). Implied: cannot be blocked; cut an earlier step.',
  attackMethodId: 'AM13',
  fromType: 'DEVICE',
  toType: 'ASSET',
  needs: ['CONTROL'],
  grants: ['MANIPULATE', 'DENY', 'DISCLOSE'],
  controlElement: 'none (implied)',
  likelihood: '1',
  source: 'TR 67 Annex B (reconstructed) AM12/AM13; MDS2 MPII',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const asset of ctx.model.assets) {
      for (const to of ctx.impactNodes(asset, ['MANIPULATE', 'DENY', 'DISCLOSE'])) {
        steps.push(
          ctx.step(this, {
            from: asset.deviceId,
            to,
            attackMethodId: to.endsWith('#DISCLOSE') ? 'AM12' : 'AM13',
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

/** User access to a device → the personal data it holds. */
export const userDataAccessRule: AttackRule = {
  id: 'user-data-access',
  title: 'A user of a device reads its personal data',
  description:
    'User access to a device (an account, a shell) reads the personal data it stores. Implied: cannot be blocked.',
  attackMethodId: 'AM12',
  fromType: 'DEVICE',
  toType: 'ASSET',
  needs: ['USER'],
  grants: ['DISCLOSE'],
  controlElement: 'none (implied)',
  likelihood: '1',
  source: 'TR 67 Annex B (reconstructed) AM12; MDS2 MPII',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const asset of ctx.model.assets) {
      if (asset.kind !== 'PERSONAL_DATA') continue;
      for (const to of ctx.impactNodes(asset, ['DISCLOSE']))
        steps.push(
          ctx.step(this, {
            from: ctx.node(asset.deviceId, 'USER'),
            to,
            attackMethodId: this.attackMethodId,
            likelihood: 1,
            evidence: [{ property: 'assetKind', value: asset.kind }],
            controlElementId: null,
          }),
        );
    }
    return steps;
  },
};

/** User access → control on a general-purpose OS (public local privilege escalations). */
export const privilegeEscalationRule: AttackRule = {
  id: 'privilege-escalation',
  title: 'Privilege escalation on a general-purpose operating system',
  description:
    'A user of a general-purpose operating system (Windows, desktop Linux) turns user access into control through public local privilege escalations, likelier when the device cannot be patched. Embedded devices need a known vulnerability with AV:L instead (vulnerability-exploitation).',
  attackMethodId: 'AM07',
  fromType: 'DEVICE',
  toType: 'DEVICE',
  needs: ['USER'],
  grants: ['CONTROL'],
  controlElement: 'the device',
  likelihood: 'baseLikelihood(AM07) × (patchable 0.5 | unpatchable 1)',
  source: 'TR 67 Annex B (reconstructed) AM07; MDS2 MLDP-1, CSUP; IEC TR 80001-2-2 SAHD/CSUP; OWN DESIGN (factor)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const d of ctx.model.devices) {
      if (!d.generalPurposeOs) continue;
      steps.push(
        ctx.step(this, {
          from: ctx.node(d.id, 'USER'),
          to: d.id,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood * (d.patchable ? 0.5 : 1),
          evidence: withFlagEvidence(
            [
              { property: 'generalPurposeOs', value: 'true' },
              { property: 'patchable', value: `${d.patchable} (×${d.patchable ? 0.5 : 1})` },
            ],
            ctx.model.factEvidence,
            d.id,
            'generalPurposeOs',
            'patchable',
          ),
          controlElementId: d.id,
        }),
      );
    }
    return steps;
  },
};

/** Use of a FILE_TRANSFER interface → control of a general-purpose OS through malware. */
export const malwareInfectionRule: AttackRule = {
  id: 'malware-infection',
  title: 'Malware through a file share or removable media',
  description:
    'An attacker who can put files on a device with a general-purpose operating system (an SMB share, a USB port: the FILE_TRANSFER function) gets malware run on it. Devices that cannot host executable software are not affected.',
  attackMethodId: 'AM08',
  fromType: 'INTERFACE',
  toType: 'DEVICE',
  needs: ['USE'],
  grants: ['CONTROL'],
  controlElement: 'the device',
  likelihood: 'baseLikelihood(AM08) × (unpatchable 1.25)',
  source: 'TR 67 Annex B (reconstructed) AM08; MDS2 MLDP-1; IEC TR 80001-2-2 MLDP/CSUP/DTBK',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    const { model } = ctx;
    for (const iface of model.interfaces) {
      const device = model.deviceById.get(iface.deviceId)!;
      if (!device.generalPurposeOs) continue;
      const functions = iface.functions ?? (['SMB', 'USB'].includes(iface.kind) ? ['FILE_TRANSFER'] : []);
      if (!functions.includes('FILE_TRANSFER')) continue;
      steps.push(
        ctx.step(this, {
          from: iface.id,
          to: device.id,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood * (device.patchable ? 1 : 1.25),
          evidence: withFlagEvidence(
            [
              { property: 'functions', value: 'FILE_TRANSFER' },
              { property: 'generalPurposeOs', value: 'true' },
              ...(device.patchable ? [] : [{ property: 'patchable', value: 'false (×1.25)' }]),
            ],
            ctx.model.factEvidence,
            device.id,
            'generalPurposeOs',
            'patchable',
          ),
          controlElementId: device.id,
        }),
      );
    }
    return steps;
  },
};

/** Use of an UPDATE_FIRMWARE interface → control of the device unless updates are verified. */
export const firmwareUploadRule: AttackRule = {
  id: 'firmware-upload',
  title: 'Firmware replaced through an update or debug interface',
  description:
    'An attacker who can use an interface that loads firmware (a debug port, a service update function) installs their own, gaining control of the device, unless the device verifies signed updates.',
  attackMethodId: 'AM09',
  fromType: 'INTERFACE',
  toType: 'DEVICE',
  needs: ['USE'],
  grants: ['CONTROL'],
  controlElement: 'the device (signed updates are checked there)',
  likelihood: 'baseLikelihood(AM09)',
  source: 'TR 67 Annex B (reconstructed) AM09; IEC TR 80001-2-2 SAHD/IGAU; CVE-2022-43557 class (debug port)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    for (const iface of ctx.model.interfaces) {
      const fns = iface.functions ?? (iface.kind === 'SERIAL_DEBUG' ? ['UPDATE_FIRMWARE'] : []);
      if (!fns.includes('UPDATE_FIRMWARE')) continue;
      steps.push(
        ctx.step(this, {
          from: iface.id,
          to: iface.deviceId,
          attackMethodId: method.id,
          likelihood: method.baseLikelihood,
          evidence: [{ property: 'functions', value: 'UPDATE_FIRMWARE' }],
          controlElementId: iface.deviceId,
        }),
      );
    }
    return steps;
  },
};

/** Control of a host → control of the software it hosts (never the reverse). */
export const hostedSoftwareControlRule: AttackRule = {
  id: 'hosted-software-control',
  title: 'Control of a host gives its hosted software',
  description:
    'Whoever controls a phone controls the apps on it; whoever controls a cloud platform controls the services on it. The reverse does not hold: owning an app does not give its phone. Implied: cannot be blocked.',
  attackMethodId: 'AM07',
  fromType: 'DEVICE',
  toType: 'DEVICE',
  needs: ['CONTROL'],
  grants: ['CONTROL'],
  controlElement: 'none (implied)',
  likelihood: '1',
  source: 'OWN DESIGN (attack model v2, hosted software)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    for (const d of ctx.model.devices) {
      if (d.hostDeviceId === undefined) continue;
      steps.push(
        ctx.step(this, {
          from: d.hostDeviceId,
          to: d.id,
          attackMethodId: this.attackMethodId,
          likelihood: 1,
          evidence: [{ property: 'hostDeviceId', value: d.hostDeviceId }],
          controlElementId: null,
        }),
      );
    }
    return steps;
  },
};

/** Control of an IP host → presence in the networks it sits in. */
export const lateralMovementRule: AttackRule = {
  id: 'lateral-movement',
  title: 'Lateral movement from a compromised host',
  description:
    "A controlled device that is a host on IP networks (an IP-served interface or an IP link) is a pivot into each network zone it sits in. Devices without IP (an implant's radio, a Zigbee sensor) pivot nowhere, and places that are not networks are not entered this way. A boundary control on the zone cannot stop a host that is inside it.",
  attackMethodId: 'AM19',
  fromType: 'DEVICE',
  toType: 'ZONE',
  needs: ['CONTROL'],
  grants: ['PRESENCE'],
  controlElement: 'none (the host is inside the zone: cut its compromise)',
  likelihood: 'baseLikelihood(AM19) × (generalPurposeOs 1 | embedded 0.6)',
  source:
    'TR 67 Annex B (reconstructed) AM19; CSA 2023 (devices as conduits); MulVAL netAccess; OWN DESIGN (IP hosts only)',
  evaluate(ctx: RuleContext): StepRef[] {
    const steps: StepRef[] = [];
    const method = ctx.method(this.attackMethodId);
    const { model } = ctx;
    const evidenceOf = {
      true: [{ property: 'generalPurposeOs', value: 'true (×1)' }],
      false: [{ property: 'generalPurposeOs', value: 'false (×0.6)' }],
    };
    const hosts = ipHosts(model);
    for (const device of model.devices) {
      if (!hosts.has(device.id)) continue;
      for (const zoneId of device.zoneIds) {
        if (!zoneIsNetwork(model.zoneById.get(zoneId)!)) continue;
        steps.push(
          ctx.step(this, {
            from: device.id,
            to: zoneId,
            attackMethodId: method.id,
            likelihood: method.baseLikelihood * (device.generalPurposeOs ? 1 : 0.6),
            evidence: withFlagEvidence(
              evidenceOf[`${device.generalPurposeOs}`],
              ctx.model.factEvidence,
              device.id,
              'generalPurposeOs',
            ),
            controlElementId: null,
          }),
        );
      }
    }
    return steps;
  },
};
