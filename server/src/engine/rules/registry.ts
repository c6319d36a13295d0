/**
 * Registry of the attack rules, keyed by id (Threagile's GetBuiltInRiskRules). Every rule is
 * documented in docs/attack-model.md with its likelihood formula and source.
 */
import { channelCapabilitiesRule, peerFirmwarePushRule, trustedPeerAbuseRule, zoneLinkRule } from './channel-rules';
import { channelEavesdroppingRule } from './channel-eavesdropping';
import { channelMitmRule } from './channel-mitm';
import { channelReplayRule } from './channel-replay';
import { commandSpoofingRule } from './command-spoofing';
import { credentialCompromiseRule } from './credential-compromise';
import {
  deviceAssetCompromiseRule,
  deviceCapabilitiesRule,
  firmwareUploadRule,
  hostedSoftwareControlRule,
  lateralMovementRule,
  malwareInfectionRule,
  privilegeEscalationRule,
  userDataAccessRule,
} from './device-rules';
import { dataFalsificationRule, dataRelayRule, forgedAtSourceRule, forgedDataUseRule } from './data-flow';
import { firmwareTamperingRule } from './firmware-tampering';
import { inTransitDisclosureRule } from './in-transit-disclosure';
import { inTransitManipulationRule } from './in-transit-manipulation';
import { interfaceFunctionAbuseRule } from './interface-function-abuse';
import { outboundConnectionRule } from './outbound-connection';
import { physicalPortAccessRule } from './physical-port-access';
import { remoteServiceAbuseRule } from './remote-service-abuse';
import type { AttackRule } from './rule';
import { unauthenticatedAccessRule } from './unauthenticated-access';
import { vulnerabilityExploitationRule } from './vulnerability-exploitation';
import { weakPairingRule } from './weak-pairing';

/** All attack rules, sorted by id. */
export const ATTACK_RULES: readonly AttackRule[] = Object.freeze(
  [
    unauthenticatedAccessRule,
    credentialCompromiseRule,
    vulnerabilityExploitationRule,
    remoteServiceAbuseRule,
    physicalPortAccessRule,
    interfaceFunctionAbuseRule,
    privilegeEscalationRule,
    malwareInfectionRule,
    firmwareUploadRule,
    deviceCapabilitiesRule,
    deviceAssetCompromiseRule,
    userDataAccessRule,
    hostedSoftwareControlRule,
    lateralMovementRule,
    zoneLinkRule,
    outboundConnectionRule,
    channelEavesdroppingRule,
    channelMitmRule,
    channelReplayRule,
    weakPairingRule,
    channelCapabilitiesRule,
    trustedPeerAbuseRule,
    peerFirmwarePushRule,
    commandSpoofingRule,
    firmwareTamperingRule,
    inTransitManipulationRule,
    inTransitDisclosureRule,
    dataFalsificationRule,
    forgedAtSourceRule,
    dataRelayRule,
    forgedDataUseRule,
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
);

const BY_ID: ReadonlyMap<string, AttackRule> = new Map(ATTACK_RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function getAttackRule(id: string): AttackRule | undefined {
  return BY_ID.get(id);
}
