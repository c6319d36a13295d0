/**
 * The structural diff of two model documents (domain/model-diff.ts) and the risk totals of a
 * document (services/risk-totals.ts), on the demo hospital: no database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateCatalogue } from '../../server/src/domain/catalogue';
import { changedFields, diffModelDocuments } from '../../server/src/domain/model-diff';
import { canonicalModelDocument, validateModelDocument } from '../../server/src/domain/model-document';
import { riskTotals } from '../../server/src/services/risk-totals';
import type { ModelDocument } from '../../server/src/domain/types';
import { buildAttackGraph, findAttackPaths } from '../../server/src/engine';

const CATALOGUE = validateCatalogue(
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/catalogue/tr67-catalogue.json'), 'utf8')),
);
const DEMO = validateModelDocument(
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8')),
  CATALOGUE,
);
const copy = (): ModelDocument => structuredClone(DEMO);

describe('diffModelDocuments', () => {
  it('finds nothing between a document and itself in another list order, and lists all seven kinds', () => {
    const shuffled = copy();
    shuffled.devices.reverse();
    for (const d of shuffled.devices) d.zoneIds.reverse();
    const diff = diffModelDocuments(DEMO, shuffled);
    expect(diff.identical).toBe(true);
    expect(diff.changeCount).toBe(0);
    expect(diff.model).toEqual([]);
    expect(diff.kinds.map((k) => k.kind)).toEqual([
      'zones',
      'devices',
      'interfaces',
      'channels',
      'assets',
      'vulnerabilities',
      'controlPlacements',
    ]);
    expect(diff.kinds.every((k) => !k.added.length && !k.removed.length && !k.changed.length)).toBe(true);
  });

  it('reports added, removed and changed elements with the changed fields and their values', () => {
    const to = copy();
    const device = to.devices.find((d) => d.id === 'dev-alarm-server')!;
    device.riskClass = 'C';
    device.zoneIds = [...device.zoneIds, 'z-cloud'];
    delete (device as { software?: string }).software;
    to.zones.push({ id: 'z-lab', name: 'Laboratory', kind: 'CLINICAL', entryPoint: false });
    const removedAsset = to.assets.shift()!;
    const diff = diffModelDocuments(DEMO, to);
    expect(diff.identical).toBe(false);
    expect(diff.changeCount).toBe(3);
    const zones = diff.kinds.find((k) => k.kind === 'zones')!;
    expect(zones.added).toEqual([
      {
        id: 'z-lab',
        name: 'Laboratory',
        element: { id: 'z-lab', name: 'Laboratory', kind: 'CLINICAL', entryPoint: false },
      },
    ]);
    const assets = diff.kinds.find((k) => k.kind === 'assets')!;
    expect(assets.removed.map((r) => [r.id, r.name])).toEqual([[removedAsset.id, removedAsset.name]]);
    const devices = diff.kinds.find((k) => k.kind === 'devices')!;
    expect(devices.changed).toHaveLength(1);
    expect(devices.changed[0]!.id).toBe('dev-alarm-server');
    expect(devices.changed[0]!.name).toBe('Alarm management and nurse-call server');
    expect(devices.changed[0]!.fields).toEqual([
      { field: 'riskClass', before: 'B', after: 'C' },
      { field: 'zoneIds', before: ['z-datacentre'], after: ['z-cloud', 'z-datacentre'] },
      { field: 'software', before: 'Windows Server 2016', after: null },
    ]);
  });

  it('calls out control placements with control, element, element name and status', () => {
    const to = copy();
    const first = to.controlPlacements.find((p) => p.id === 'pl-c02-ehr')!;
    first.status = 'PLANNED';
    first.cost = 3;
    const removed = to.controlPlacements.find((p) => p.id !== 'pl-c02-ehr')!;
    to.controlPlacements = to.controlPlacements.filter((p) => p !== removed);
    to.controlPlacements.push({ id: 'cp-new', controlId: 'C02', elementId: 'dev-alarm-server', status: 'PLANNED' });
    const { controlPlacements: cp, kinds } = diffModelDocuments(DEMO, to);
    expect(cp.added).toEqual([
      {
        id: 'cp-new',
        controlId: 'C02',
        elementId: 'dev-alarm-server',
        elementName: 'Alarm management and nurse-call server',
        status: 'PLANNED',
        statusBefore: null,
        statusAfter: 'PLANNED',
        fields: [],
      },
    ]);
    expect(cp.removed.map((p) => [p.id, p.controlId, p.elementId, p.statusBefore, p.statusAfter])).toEqual([
      [removed.id, removed.controlId, removed.elementId, removed.status, null],
    ]);
    expect(cp.changed).toHaveLength(1);
    expect(cp.changed[0]).toMatchObject({
      id: 'pl-c02-ehr',
      controlId: 'C02',
      elementId: 'dev-ehr',
      status: 'PLANNED',
      statusBefore: 'IMPLEMENTED',
      statusAfter: 'PLANNED',
    });
    expect(cp.changed[0]!.fields.map((f) => f.field)).toEqual(['status', 'cost']);
    const generic = kinds.find((k) => k.kind === 'controlPlacements')!;
    expect(generic.added[0]!.name).toBe('C02 on Alarm management and nurse-call server');
  });

  it('names vulnerabilities by CVE id and reports header changes without the id', () => {
    const to = copy();
    to.vulnerabilities = to.vulnerabilities.slice(1);
    to.model = { ...to.model, name: 'Renamed' };
    const diff = diffModelDocuments(DEMO, to);
    const vulns = diff.kinds.find((k) => k.kind === 'vulnerabilities')!;
    expect(vulns.removed[0]!.name).toBe(canonicalModelDocument(DEMO).vulnerabilities[0]!.cveId);
    expect(diff.model).toEqual([{ field: 'name', before: DEMO.model.name, after: 'Renamed' }]);
    expect(diff.identical).toBe(false);
  });

  it('leaves its inputs untouched', () => {
    const a = copy();
    const b = copy();
    b.devices.pop();
    const before = JSON.stringify([a, b]);
    diffModelDocuments(a, b);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});

describe('changedFields', () => {
  it('compares values deeply, absent and null alike', () => {
    expect(changedFields({ a: [1, 2], b: 'x' }, { a: [1, 2], b: 'x' })).toEqual([]);
    expect(changedFields({ a: 1 }, { a: 1, c: null })).toEqual([]);
    expect(changedFields({ a: 1 }, { b: 2 })).toEqual([
      { field: 'b', before: null, after: 2 },
      { field: 'a', before: 1, after: null },
    ]);
  });
});

describe('riskTotals', () => {
  it('agrees with attackPaths totals over all targets and adds the worst severity and per-severity counts', () => {
    const graph = buildAttackGraph(DEMO, CATALOGUE);
    const totals = riskTotals(graph);
    const paths = findAttackPaths(graph, { k: 3, maxPaths: 100000 });
    expect(totals.totalRisk).toBeCloseTo(paths.totalRisk, 12);
    expect(totals.targetsReachable).toBe(paths.targetsReachable);
    expect(totals.entryTargetPairsConnected).toBe(paths.entryTargetPairsConnected);
    // targets are (asset, impact) pairs with a SAFETY severity (attack model v2)
    expect(totals.scale).toBe('SAFETY');
    expect(totals.targetCount).toBe(graph.nodes.filter((n) => n.scale === 'SAFETY').length);
    expect(totals.targetCount).toBeGreaterThan(DEMO.assets.filter((a) => a.kind !== 'PERSONAL_DATA').length);
    expect(totals.maxPathRisk).toBeCloseTo(paths.paths[0]!.risk, 12);
    expect(totals.worstPrivacySeverity).toBeNull();
    expect(totals.reachableByPrivacySeverity).toEqual([]);
    expect(totals.worstSeverity).toBe('CATASTROPHIC');
    expect(totals.reachableBySeverity.map((s) => s.severity)).toEqual([
      'NEGLIGIBLE',
      'MINOR',
      'SERIOUS',
      'CRITICAL',
      'CATASTROPHIC',
    ]);
    expect(totals.reachableBySeverity.reduce((n, s) => n + s.count, 0)).toBe(totals.targetsReachable);
  });

  it('on the PRIVACY scale agrees with attackPaths(scale PRIVACY) and never mixes in SAFETY figures', () => {
    const graph = buildAttackGraph(DEMO, CATALOGUE);
    const totals = riskTotals(graph, 'PRIVACY');
    const paths = findAttackPaths(graph, { k: 1, maxPaths: 100000, scale: 'PRIVACY' });
    expect(totals.scale).toBe('PRIVACY');
    expect(totals.totalRisk).toBeCloseTo(paths.totalRisk, 12);
    expect(totals.targetsReachable).toBe(paths.targetsReachable);
    expect(totals.targetCount).toBe(graph.nodes.filter((n) => n.scale === 'PRIVACY').length);
    expect(totals.targetCount).toBe(graph.targetIds.filter((id) => id.endsWith('#DISCLOSE')).length);
    expect(totals.worstSeverity).toBeNull();
    expect(totals.reachableBySeverity).toEqual([]);
    expect(totals.reachableByPrivacySeverity.map((s) => s.privacySeverity)).toEqual([
      'ONE_PATIENT',
      'FEW',
      'HUNDREDS',
      'THOUSANDS',
      'MASS',
    ]);
    expect(totals.reachableByPrivacySeverity.reduce((n, s) => n + s.count, 0)).toBe(totals.targetsReachable);
    if (totals.targetsReachable > 0) expect(totals.worstPrivacySeverity).not.toBeNull();
    expect(totals.totalRisk).not.toBeCloseTo(riskTotals(graph, 'SAFETY').totalRisk, 6);
  });

  it('is all zero for a model without entry points', () => {
    const closed = copy();
    for (const z of closed.zones) z.entryPoint = false;
    const totals = riskTotals(buildAttackGraph(closed, CATALOGUE));
    expect(totals).toMatchObject({ totalRisk: 0, targetsReachable: 0, worstSeverity: null, maxPathRisk: 0 });
  });
});
