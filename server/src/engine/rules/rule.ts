/**
 * The rule contract (after Threagile's RiskRule: metadata as data plus a pure evaluation).
 * A rule turns facts of the model into attack steps; rules/registry.ts lists them all.
 */
import type { AttackMethod, Channel, Device, ElementType, Interface, Zone, Asset } from '../../domain/types';
import type { CvssBase, CvssEngineMetrics } from '../cvss';
import type { Impact } from '../../domain/types';
import type { Capability, StepEvidence, StepRef } from '../types';
import type { FactEvidenceIndex } from './fact-evidence';

/** A known vulnerability with its computed CVSS base score. */
export interface ScoredVulnerability {
  id: string;
  cveId: string;
  elementId: string;
  cvss: CvssBase;
  /** The metrics the rules read, version-independent (v4.0 mapped as in engine/cvss.ts). */
  metrics: CvssEngineMetrics;
  /** CVSS base score 0–10. */
  score: number;
  /** "CVE-2019-6538 (CVSS 8.8)": how evidence shows it. */
  label: string;
  /** 2.2: the status when the model states it (only AFFECTED and UNDER_INVESTIGATION reach the rules). */
  status?: 'AFFECTED' | 'UNDER_INVESTIGATION';
  /** 2.2: where it was imported from, as one line (domain/types.ts evidenceSourceText). */
  source?: string;
}

/**
 * The model, normalised for rules: every list sorted by id, every id list inside an element
 * deduplicated and sorted, and the lookups rules need built once.
 */
export interface IndexedModel {
  zones: readonly Zone[];
  devices: readonly Device[];
  interfaces: readonly Interface[];
  channels: readonly Channel[];
  assets: readonly Asset[];
  zoneById: ReadonlyMap<string, Zone>;
  deviceById: ReadonlyMap<string, Device>;
  interfaceById: ReadonlyMap<string, Interface>;
  /** Interfaces of each device, sorted by id. */
  interfacesByDevice: ReadonlyMap<string, readonly Interface[]>;
  /** Assets of each device, sorted by id. */
  assetsByDevice: ReadonlyMap<string, readonly Asset[]>;
  /** Vulnerabilities of each device or interface, sorted by id. */
  vulnerabilitiesByElement: ReadonlyMap<string, readonly ScoredVulnerability[]>;
  /**
   * Zones routed into each zone through an allowlist (`linkedZoneServices`): from which zone, and
   * the interface kinds it may reach there. Open links are not listed (they give presence).
   */
  routedInto: ReadonlyMap<string, readonly { from: string; services: readonly Interface['kind'][] }[]>;
  /** Hosted software of each host device (devices whose hostDeviceId is it), sorted by id. */
  hostedBy: ReadonlyMap<string, readonly Device[]>;
  /** 2.2: device evidence linked to a flag or an interface (`fact`), as step evidence (rules/fact-evidence.ts). */
  factEvidence: FactEvidenceIndex;
}

/** What a rule proposes; the context records it as a step (columns, rules/context.ts StepRecord). */
export interface StepDraft {
  /** Node ids (see AttackGraphNode: element id or elementId#CAPABILITY). */
  from: string;
  to: string;
  /** Distinguishes steps of one rule between the same two nodes (vulnerability or channel id). */
  qualifier?: string;
  attackMethodId: string;
  /** Raw likelihood; the context clamps it to [1e-6, 1] and rounds it to 6 decimals. */
  likelihood: number;
  evidence: StepEvidence[];
  /** Element a control must sit on to block the step; null when nothing can block it. */
  controlElementId: string | null;
  /**
   * Other elements whose controls block the step too (their blocking controls join the step's
   * list): an element id (controls mitigating the step's method), or an element with the method
   * its controls are chosen by (a routed link's edge: AM19, whatever the access method).
   */
  alsoBlockedOn?: readonly (string | { elementId: string; attackMethodId: string })[];
}

/** What a rule may use while evaluating. */
export interface RuleContext {
  readonly model: IndexedModel;
  /**
   * The catalogue attack method with this id.
   * @throws ValidationError if the catalogue lacks it.
   */
  method(id: string): AttackMethod;
  /**
   * Records the step as columns (rules/context.ts StepRecord): its nodes, clamped likelihood,
   * blocking entry and interned evidence, and the tail of its synthetic id (the whole id is made
   * when asked for). Returns its number in this build.
   */
  step(rule: AttackRule, draft: StepDraft): StepRef;
  /** Whether the graph has this node. */
  has(nodeId: string): boolean;
  /** Node id of a capability on an element. */
  node(elementId: string, capability: Capability): string;
  /** The target nodes of an asset for these impacts (only those with a severity on some scale). */
  impactNodes(asset: Asset, impacts: readonly Impact[]): string[];
}

/** An attack rule: metadata (documented in docs/attack-model.md) and its evaluation. */
export interface AttackRule {
  /** Kebab-case id, first part of every step id. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** TR 67 Annex B (reconstructed) attack method of its steps. */
  readonly attackMethodId: string;
  readonly fromType: ElementType;
  readonly toType: ElementType;
  /** Capability needed on the from-element (one of these, per step: e.g. a vulnerability needs presence, use or user access by its CVSS AV/PR). */
  readonly needs: readonly Capability[];
  /** Capability granted on the to-element. */
  readonly grants: readonly Capability[];
  /** Which element a control must sit on to block the step, in words (e.g. 'the interface', 'none'). */
  readonly controlElement: string;
  /** The likelihood formula, as documented. */
  readonly likelihood: string;
  /** Where the rule comes from, e.g. "TR 67 §0 wireless mechanisms; 80001-2-2 NAUT". */
  readonly source: string;
  /** Pure: the same context gives the same steps in the same order (each made through ctx.step). */
  evaluate(ctx: RuleContext): StepRef[];
}
