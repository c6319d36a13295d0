/**
 * The backup document (server/src/domain/backup.ts): canonical whatever order the database
 * returns nodes in, typed properties, a relationship to an unseen node detected (the graph changed
 * while it was read), and a restore refusing documents it cannot restore faithfully or safely.
 */
import {
  APP_LABELS,
  buildBackupDocument,
  ConcurrentChangeError,
  normaliseType,
  PROPERTY_TYPES,
  validateBackupDocument,
  type ReadNode,
} from '../../server/src/domain/backup';
import { ValidationError } from '../../server/src/domain/errors';

const rows: ReadNode[] = [
  {
    id: 'e:1',
    labels: ['ThreatModel'],
    properties: [
      ['version', 'INTEGER NOT NULL', '7'],
      ['id', 'STRING NOT NULL', 'm1'],
      ['createdAt', 'ZONED DATETIME NOT NULL', '2026-12-02T10:00:00.123Z'],
    ],
    rels: [],
  },
  {
    id: 'e:2',
    labels: ['ModelElement', 'Device'],
    properties: [
      ['id', 'STRING NOT NULL', 'd1'],
      ['zoneIds', 'LIST<STRING NOT NULL> NOT NULL', ['z1']],
      ['cost', 'FLOAT NOT NULL', '12.5'],
    ],
    rels: [{ to: 'e:3', type: 'SITS_IN', properties: [] }],
  },
  { id: 'e:3', labels: ['Zone', 'ModelElement'], properties: [['id', 'STRING NOT NULL', 'z1']], rels: [] },
];

describe('buildBackupDocument', () => {
  it('is canonical: the same data in any order gives the same document', () => {
    const a = buildBackupDocument(rows, '2026-12-02T12:00:00.000Z');
    const b = buildBackupDocument([...rows].reverse(), '2026-12-02T12:00:00.000Z');
    expect(b).toEqual(a);
    expect(a.nodes.map((n) => n.key)).toEqual([0, 1, 2]);
    expect(a.counts).toEqual({
      nodes: 3,
      relationships: 1,
      byLabel: { ModelElement: 2, Device: 1, Zone: 1, ThreatModel: 1 },
    });
    const device = a.nodes.find((n) => n.labels.includes('Device'))!;
    const zone = a.nodes.find((n) => n.labels.includes('Zone'))!;
    expect(device.labels).toEqual(['Device', 'ModelElement']);
    expect(device.properties).toEqual([
      ['cost', 'FLOAT', '12.5'],
      ['id', 'STRING', 'd1'],
      ['zoneIds', 'LIST<STRING>', ['z1']],
    ]);
    expect(a.relationships).toEqual([{ from: device.key, to: zone.key, type: 'SITS_IN', properties: [] }]);
    expect(a.labels).toEqual([...APP_LABELS]);
  });

  it('notices a relationship to a node the read did not return (written meanwhile)', () => {
    expect(() => buildBackupDocument(rows.slice(0, 2), 'x')).toThrow(ConcurrentChangeError);
  });

  it('refuses a property type it cannot carry', () => {
    const point: ReadNode = { id: 'e:9', labels: ['Zone'], properties: [['at', 'POINT NOT NULL', 'x']], rels: [] };
    expect(() => buildBackupDocument([point], 'x')).toThrow(/type POINT NOT NULL, which a backup cannot carry/);
  });

  it('normalises valueType() names', () => {
    expect(normaliseType('LIST<INTEGER NOT NULL> NOT NULL')).toBe('LIST<INTEGER>');
    expect(normaliseType('ZONED DATETIME NOT NULL')).toBe('ZONED DATETIME');
  });
});

describe('validateBackupDocument', () => {
  const good = buildBackupDocument(rows, '2026-12-02T12:00:00.000Z');
  const issues = (doc: unknown) => {
    try {
      validateBackupDocument(doc);
    } catch (e) {
      if (e instanceof ValidationError) return e.issues.map((i) => `${i.path}: ${i.message}`);
      throw e;
    }
    return [];
  };

  it('accepts what buildBackupDocument writes, after a JSON round trip', () => {
    expect(issues(JSON.parse(JSON.stringify(good)))).toEqual([]);
  });

  it('refuses another format or version', () => {
    expect(issues({ ...good, format: 'other' })).toEqual(["format: must be 'medthreat-backup'"]);
    expect(issues({ ...good, formatVersion: 2 })[0]).toMatch(/^formatVersion: must be 1/);
    expect(issues([])).toEqual([': a backup document must be a JSON object']);
  });

  it('names every bad node, property and relationship', () => {
    const bad = {
      ...good,
      nodes: [
        { key: 0, labels: ['Anything'], properties: [['x', 'STRING', 'ok']] },
        { key: 5, labels: ['Zone', 'bad label'], properties: [['n', 'INTEGER', 7]] },
        {
          key: 2,
          labels: ['Device'],
          properties: [
            ['p', 'POINT', '1'],
            ['', 'STRING', 'x'],
          ],
        },
      ],
      relationships: [{ from: 0, to: 9, type: 'lower', properties: [] }],
    };
    expect(issues(bad)).toEqual([
      "nodes[0].labels: must include one of the application's labels",
      'nodes[1].key: must be 1 (its position)',
      'nodes[1].labels[1]: must be a label name',
      'nodes[1].properties[0][2]: is not a value of type INTEGER as a backup writes it',
      `nodes[2].properties[0][1]: must be one of ${PROPERTY_TYPES.join(', ')}`,
      'nodes[2].properties[1]: must be [key, type, value] with a non-empty key',
      'relationships[0].to: must be the key of a node of the backup',
      'relationships[0].type: must be a relationship type (UPPER_SNAKE_CASE)',
    ]);
  });
});
