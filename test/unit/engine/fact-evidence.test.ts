/**
 * Device evidence linked to a fact (EvidenceSource.fact, format 2.2) on attack steps
 * (engine/rules/fact-evidence.ts): a flag's sources on the steps of the rules that read it, an
 * interface's on the steps entering or using it, nothing elsewhere; facts naming no flag or another
 * device's interface link to nothing; without linked evidence the rules' own arrays are kept
 * (shared, no copy).
 */
import { loadBundledCatalogue } from '../../../server/src/domain/catalogue';
import { validateModelDocument } from '../../../server/src/domain/model-document';
import type { EvidenceSource, ModelDocument } from '../../../server/src/domain/types';
import { buildAttackGraph } from '../../../server/src/engine';
import { indexFactEvidence, withFlagEvidence } from '../../../server/src/engine/rules/fact-evidence';
import { modelBuilder } from '../../support/build-graph';

const catalogue = loadBundledCatalogue();
const src = (reference: string, detail: string, fact?: string): EvidenceSource => ({
  kind: 'MDS2',
  document: 'ws-mds2.xlsx',
  reference,
  detail,
  ...(fact ? { fact } : {}),
});

function model(evidence?: EvidenceSource[]): ModelDocument {
  return validateModelDocument(
    modelBuilder()
      .zone('net', 'CLINICAL', true)
      .zone('ward', 'PHYSICAL_ACCESS', true)
      .device('ws', ['net', 'ward'], { generalPurposeOs: true, patchable: false, ...(evidence ? { evidence } : {}) })
      .device('ws2', ['net', 'ward'], { generalPurposeOs: true, patchable: false })
      .iface('ws-usb', 'ws', 'USB', ['ward'])
      .iface('ws-web', 'ws', 'WEB_UI', ['net'], 'PASSWORD')
      .iface('ws2-usb', 'ws2', 'USB', ['ward'])
      .iface('ws2-web', 'ws2', 'WEB_UI', ['net'], 'PASSWORD')
      .asset('ws-data', 'ws', 'PERSONAL_DATA', 'SERIOUS')
      .build(),
    catalogue,
  );
}

const LINKED = [
  src('CSUP-2, MLDP-1', 'generalPurposeOs = true: CSUP-2 Yes; MLDP-1 Yes', 'generalPurposeOs'),
  src('CSUP-1', 'patchable = false: CSUP-1 No', 'patchable'),
  src('CONN-1.2.2', 'USB interface: CONN-1.2.2 Yes', 'interface:ws-usb'),
  src('CONN-1.2.3', 'another device: ignored', 'interface:ws2-usb'),
  src('XXXX-1', 'no such flag: ignored', 'colour'),
  src('MPII-1', 'handlesPersonalData = false: MPII-1 No'), // no fact: on the device only
];
const GPOS =
  'generalPurposeOs of ws: MDS2 ws-mds2.xlsx (CSUP-2, MLDP-1): generalPurposeOs = true: CSUP-2 Yes; MLDP-1 Yes';
const PATCH = 'patchable of ws: MDS2 ws-mds2.xlsx (CSUP-1): patchable = false: CSUP-1 No';
const USB = 'ws-usb: MDS2 ws-mds2.xlsx (CONN-1.2.2): USB interface: CONN-1.2.2 Yes';

const sourcesOf = (s: { evidence: readonly { property: string; value: string }[] }) =>
  s.evidence.filter((e) => e.property === 'flagSource' || e.property === 'interfaceSource').map((e) => e.value);

describe('fact-linked device evidence on attack steps', () => {
  const graph = buildAttackGraph(model(LINKED), catalogue);
  const step = (ruleId: string, from: string, to: string) =>
    graph.steps.find((s) => s.ruleId === ruleId && s.from === from && s.to === to)!;

  test('the rules reading generalPurposeOs and patchable list their sources, on that device only', () => {
    expect(sourcesOf(step('privilege-escalation', 'ws#USER', 'ws'))).toEqual([GPOS, PATCH]);
    expect(sourcesOf(step('malware-infection', 'ws-usb', 'ws'))).toEqual([GPOS, PATCH, USB]);
    const lateral = graph.steps.filter((s) => s.ruleId === 'lateral-movement' && s.from === 'ws');
    expect(lateral.length).toBeGreaterThan(0);
    for (const s of lateral) expect(sourcesOf(s)).toEqual([GPOS]);
    // ws2 has the same flags, typed in: no source.
    expect(sourcesOf(step('privilege-escalation', 'ws2#USER', 'ws2'))).toEqual([]);
    expect(sourcesOf(step('malware-infection', 'ws2-usb', 'ws2'))).toEqual([]);
  });

  test("an interface's source is on every step entering or using it, and nowhere else", () => {
    const touching = graph.steps.filter((s) => s.from === 'ws-usb' || s.to === 'ws-usb');
    expect(touching.some((s) => s.to === 'ws-usb')).toBe(true);
    for (const s of touching) expect(sourcesOf(s)).toContain(USB);
    const rest = graph.steps.filter((s) => s.from !== 'ws-usb' && s.to !== 'ws-usb');
    expect(rest.flatMap((s) => s.evidence.filter((e) => e.property === 'interfaceSource'))).toEqual([]);
    // "interface:ws2-usb" sits on ws's evidence but names another device's interface: linked to nothing.
    expect(graph.steps.flatMap(sourcesOf).some((v) => v.includes('ignored'))).toBe(false);
  });

  test('without linked evidence the graph is the same, and the rules keep their shared arrays', () => {
    const plain = buildAttackGraph(model(LINKED.map(({ fact: _fact, ...e }) => e)), catalogue);
    expect(plain.steps.flatMap(sourcesOf)).toEqual([]);
    const strip = (steps: typeof graph.steps) =>
      steps.map((s) => ({ ...s, evidence: s.evidence.filter((e) => !sourcesOf({ evidence: [e] }).length) }));
    expect(strip(plain.steps)).toEqual(strip(graph.steps));
    // Lateral movement of two general-purpose hosts: one shared evidence array, not a copy per step.
    const lateral = plain.steps.filter((s) => s.ruleId === 'lateral-movement');
    expect(new Set(lateral.map((s) => s.evidence)).size).toBe(1);
    const index = indexFactEvidence(model().devices, model().interfaces);
    const own = [{ property: 'generalPurposeOs', value: 'true' }];
    expect(withFlagEvidence(own, index, 'ws', 'generalPurposeOs')).toBe(own);
  });
});
