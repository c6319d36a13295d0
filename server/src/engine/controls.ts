/**
 * Control applicability: where a catalogue control can be placed. The rule lives in the domain
 * (server/src/domain/applicability.ts) so that import validation, the engine and the baselines
 * share it; re-exported here for the engine's modules.
 */
export {
  canPlaceControl,
  elementFacts,
  placementMisfit,
  type DeviceFacts,
  type PlaceableElement,
} from '../domain/applicability';
