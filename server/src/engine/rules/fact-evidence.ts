/**
 * Evidence of derived device facts on attack steps (format 2.2, issue 12): a device's `evidence`
 * entries whose `fact` names a device flag (e.g. an MDS2 answer settling `generalPurposeOs`) or one
 * of its interfaces (an interface an MDS2 created or confirmed) are shown on the steps that depend
 * on that fact: the rules reading the flag add `flagSource` entries ({@link withFlagEvidence}), and
 * every step entering or using the interface gets `interfaceSource` entries
 * ({@link withInterfaceEvidence}, applied by the rule context to every step).
 *
 * Pure and cheap: the index holds only devices with linked evidence; a model without any gives an
 * empty index, and then both helpers return the rule's own evidence array untouched (no allocation).
 * Evidence without `fact` (written before the field existed) or naming no flag or interface of the
 * device links to no step.
 */
import {
  EVIDENCE_FLAG_FACTS,
  INTERFACE_FACT_PREFIX,
  evidenceSourceText,
  type Device,
  type EvidenceFlagFact,
  type Interface,
} from '../../domain/types';
import type { StepEvidence } from '../types';

/** Linked evidence of a model, as step evidence entries (shared arrays: do not mutate). */
export interface FactEvidenceIndex {
  /** Device id → flag → its `flagSource` entries. */
  flags: ReadonlyMap<string, ReadonlyMap<EvidenceFlagFact, readonly StepEvidence[]>>;
  /** Interface id (its USE node) → its `interfaceSource` entries. */
  interfaces: ReadonlyMap<string, readonly StepEvidence[]>;
}

const FLAGS: ReadonlySet<string> = new Set(EVIDENCE_FLAG_FACTS);

/**
 * Indexes the linked evidence of `devices`: entry values are "<flag> of <deviceId>: <source line>"
 * and "<interfaceId>: <source line>" (source line: domain/types.ts evidenceSourceText).
 *
 * @param interfaces The model's interfaces; an "interface:<id>" fact counts only when the interface
 *   belongs to the device holding the evidence.
 */
export function indexFactEvidence(devices: readonly Device[], interfaces: readonly Interface[]): FactEvidenceIndex {
  const flags = new Map<string, Map<EvidenceFlagFact, StepEvidence[]>>();
  const byInterface = new Map<string, StepEvidence[]>();
  let owner: Map<string, string> | undefined;
  for (const d of devices) {
    if (!d.evidence) continue;
    for (const e of d.evidence) {
      const fact = e.fact;
      if (fact === undefined) continue;
      if (fact.startsWith(INTERFACE_FACT_PREFIX)) {
        const id = fact.slice(INTERFACE_FACT_PREFIX.length);
        owner ??= new Map(interfaces.map((i) => [i.id, i.deviceId]));
        if (owner.get(id) !== d.id) continue;
        const list = byInterface.get(id);
        const entry = { property: 'interfaceSource', value: `${id}: ${evidenceSourceText(e)}` };
        if (list) list.push(entry);
        else byInterface.set(id, [entry]);
      } else if (FLAGS.has(fact)) {
        const flag = fact as EvidenceFlagFact;
        let byFlag = flags.get(d.id);
        if (!byFlag) flags.set(d.id, (byFlag = new Map()));
        const entry = { property: 'flagSource', value: `${flag} of ${d.id}: ${evidenceSourceText(e)}` };
        const list = byFlag.get(flag);
        if (list) list.push(entry);
        else byFlag.set(flag, [entry]);
      }
    }
  }
  return { flags, interfaces: byInterface };
}

/**
 * A rule's evidence plus the sources of the device flags its likelihood or existence reads.
 *
 * @returns `evidence` itself when the device has no linked evidence for those flags, else a new array.
 */
export function withFlagEvidence(
  evidence: StepEvidence[],
  index: FactEvidenceIndex,
  deviceId: string,
  ...read: EvidenceFlagFact[]
): StepEvidence[] {
  const byFlag = index.flags.get(deviceId);
  if (!byFlag) return evidence;
  let out: StepEvidence[] | undefined;
  for (const flag of read) {
    const list = byFlag.get(flag);
    if (list) (out ??= [...evidence]).push(...list);
  }
  return out ?? evidence;
}

/**
 * A step's evidence plus the sources of the interface it enters (`to`) or uses (`from`), when that
 * interface has linked evidence.
 *
 * @returns `evidence` itself when neither node is such an interface, else a new array.
 */
export function withInterfaceEvidence(
  evidence: StepEvidence[],
  index: FactEvidenceIndex,
  from: string,
  to: string,
): StepEvidence[] {
  if (index.interfaces.size === 0) return evidence;
  const a = index.interfaces.get(from);
  const b = to === from ? undefined : index.interfaces.get(to);
  if (!a && !b) return evidence;
  return [...evidence, ...(a ?? []), ...(b ?? [])];
}
