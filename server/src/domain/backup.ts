/**
 * Application-level backup document (pure): everything MedThreat keeps in Neo4j, as one versioned
 * JSON document. It holds every node with one of {@link APP_LABELS} (models and their elements,
 * snapshots, the audit trail, accounts and API keys with their password and key HASHES, the
 * catalogue, sign-in limiter counters and revoked sessions) and the relationships between them.
 *
 * Each property is kept with its Neo4j type (`valueType()`, without "NOT NULL") so a restore stores
 * exactly the same types: integers, floats and temporals travel as strings (exact), strings,
 * booleans and lists of them as JSON. The document is canonical: nodes sorted by their labels and
 * properties and numbered in that order, relationships sorted, so two backups of the same data are
 * equal apart from `createdAt` (what the round-trip test compares).
 */
import { ValidationError, type FieldIssue } from './errors';

/** The `format` field of every backup document. */
export const BACKUP_FORMAT = 'medthreat-backup';
/** Version of the document layout; a restore refuses other versions. */
export const BACKUP_FORMAT_VERSION = 1;

/**
 * Every node label the application writes (cypher/queries, cypher/schema). A node with any of them
 * is backed up with all its labels; nodes without any are not (the backup reports them).
 */
export const APP_LABELS = [
  // models: header, elements (ModelElement plus the kind), snapshots
  'ThreatModel',
  'ModelElement',
  'Zone',
  'Device',
  'Interface',
  'Channel',
  'Asset',
  'Vulnerability',
  'ControlPlacement',
  'ModelSnapshot',
  // audit trail
  'AuditEvent',
  // accounts, API keys, sign-in limiter counters, revoked sessions
  'User',
  'ApiKey',
  'AuthThrottle',
  'RevokedSession',
  // catalogue (TR 67 controls, capabilities, attack methods, baselines, examples)
  'Catalogue',
  'Control',
  'SecurityCapability',
  'AttackMethod',
  'BaselineRequirement',
  'RiskClassBaseline',
  'TelehealthControl',
  'DeviceExample',
] as const;

/** Property types a backup can carry (Neo4j valueType() names without "NOT NULL"). */
export const PROPERTY_TYPES = [
  'STRING',
  'BOOLEAN',
  'INTEGER',
  'FLOAT',
  'ZONED DATETIME',
  'LOCAL DATETIME',
  'DATE',
  'ZONED TIME',
  'LOCAL TIME',
  'DURATION',
  'LIST<STRING>',
  'LIST<BOOLEAN>',
  'LIST<INTEGER>',
  'LIST<FLOAT>',
  'LIST<NOTHING>',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** One property: key, type, value (strings for numbers and temporals, see the module comment). */
export type BackupProperty = [key: string, type: PropertyType, value: unknown];

export interface BackupNode {
  /** Position of the node in `nodes` (relationships name nodes by it). */
  key: number;
  labels: string[];
  properties: BackupProperty[];
}

export interface BackupRelationship {
  from: number;
  to: number;
  type: string;
  properties: BackupProperty[];
}

export interface BackupDocument {
  format: typeof BACKUP_FORMAT;
  formatVersion: typeof BACKUP_FORMAT_VERSION;
  /** ISO-8601 UTC time the backup was read. */
  createdAt: string;
  /** The labels the backup covers ({@link APP_LABELS} at the time). */
  labels: string[];
  counts: { nodes: number; relationships: number; byLabel: Record<string, number> };
  nodes: BackupNode[];
  relationships: BackupRelationship[];
}

/** A node as read from the database (read-app-graph): elementId, labels, raw typed properties, outgoing relationships. */
export interface ReadNode {
  id: string;
  labels: string[];
  properties: [string, string, unknown][];
  rels: { to: string; type: string; properties: [string, string, unknown][] }[];
}

/** "LIST<STRING NOT NULL> NOT NULL" → "LIST<STRING>". */
export function normaliseType(valueType: string): string {
  return valueType.replace(/ NOT NULL/g, '').trim();
}

const LABEL = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const REL_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;
const isType = (t: unknown): t is PropertyType => PROPERTY_TYPES.includes(t as PropertyType);

function properties(raw: [string, string, unknown][], where: string): BackupProperty[] {
  return raw
    .map(([k, t, v]): BackupProperty => {
      const type = normaliseType(t);
      if (!isType(type)) {
        throw new Error(`${where}: property '${k}' has type ${t}, which a backup cannot carry`);
      }
      return [k, type, v];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Builds the canonical backup document from what read-app-graph returned.
 * @throws Error when a property has a type outside {@link PROPERTY_TYPES}, or a relationship
 *   points at a node the read did not return (the graph changed while it was read: read again)
 */
export function buildBackupDocument(rows: ReadNode[], createdAt: string): BackupDocument {
  const prepared = rows.map((r) => ({
    id: r.id,
    labels: [...r.labels].sort(),
    properties: properties(r.properties, `node ${r.labels.join(':')}`),
    rels: r.rels,
  }));
  const sortKey = new Map(prepared.map((n) => [n, JSON.stringify([n.labels, n.properties])]));
  prepared.sort((a, b) => {
    const x = sortKey.get(a)!;
    const y = sortKey.get(b)!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const keyOf = new Map(prepared.map((n, i) => [n.id, i]));
  const nodes: BackupNode[] = prepared.map((n, key) => ({ key, labels: n.labels, properties: n.properties }));
  const relationships: BackupRelationship[] = [];
  for (const n of prepared) {
    for (const r of n.rels) {
      const to = keyOf.get(r.to);
      if (to === undefined) throw new ConcurrentChangeError();
      relationships.push({
        from: keyOf.get(n.id)!,
        to,
        type: r.type,
        properties: properties(r.properties, `relationship ${r.type}`),
      });
    }
  }
  const relKey = (r: BackupRelationship) => JSON.stringify([r.from, r.to, r.type, r.properties]);
  relationships.sort((a, b) => {
    const x = relKey(a);
    const y = relKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const byLabel: Record<string, number> = {};
  for (const n of nodes) for (const l of n.labels) byLabel[l] = (byLabel[l] ?? 0) + 1;
  return {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt,
    labels: [...APP_LABELS],
    counts: { nodes: nodes.length, relationships: relationships.length, byLabel },
    nodes,
    relationships,
  };
}

/** The graph changed while the backup read it (a relationship to a node it did not see): read again. */
export class ConcurrentChangeError extends Error {
  constructor() {
    super('the database changed while the backup was read; read it again');
  }
}

function checkProperties(raw: unknown, path: string, issues: FieldIssue[]): void {
  if (!Array.isArray(raw)) {
    issues.push({ path, message: 'must be a list of [key, type, value]' });
    return;
  }
  raw.forEach((p: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(p) || p.length !== 3 || typeof p[0] !== 'string' || p[0] === '') {
      issues.push({ path: at, message: 'must be [key, type, value] with a non-empty key' });
      return;
    }
    const [, type, value] = p as [string, unknown, unknown];
    if (!isType(type)) {
      issues.push({ path: `${at}[1]`, message: `must be one of ${PROPERTY_TYPES.join(', ')}` });
      return;
    }
    const ok =
      type === 'BOOLEAN'
        ? typeof value === 'boolean'
        : type === 'LIST<BOOLEAN>'
          ? Array.isArray(value) && value.every((x) => typeof x === 'boolean')
          : type.startsWith('LIST<')
            ? Array.isArray(value) && value.every((x) => typeof x === 'string')
            : typeof value === 'string';
    if (!ok) issues.push({ path: `${at}[2]`, message: `is not a value of type ${type} as a backup writes it` });
  });
}

/**
 * Checks that `raw` is a backup document this version can restore: format and version, labels
 * among {@link APP_LABELS} (a backup never creates other labels), relationship types in
 * UPPER_SNAKE_CASE, property types and value shapes, node keys 0..n-1 in order, relationship
 * endpoints that exist. Does not check what the application would (models against the exchange
 * schema): a backup is restored as it was taken.
 * @throws ValidationError listing every problem (paths like `nodes[3].labels[0]`, at most 20)
 */
export function validateBackupDocument(raw: unknown): BackupDocument {
  const issues: FieldIssue[] = [];
  const doc = raw as Partial<BackupDocument> | null;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ValidationError('a backup document must be a JSON object', '');
  }
  if (doc.format !== BACKUP_FORMAT) issues.push({ path: 'format', message: `must be '${BACKUP_FORMAT}'` });
  if (doc.formatVersion !== BACKUP_FORMAT_VERSION) {
    issues.push({
      path: 'formatVersion',
      message: `must be ${BACKUP_FORMAT_VERSION} (this version of MedThreat restores format ${BACKUP_FORMAT_VERSION} only)`,
    });
  }
  if (!Array.isArray(doc.nodes)) issues.push({ path: 'nodes', message: 'must be a list' });
  if (!Array.isArray(doc.relationships)) issues.push({ path: 'relationships', message: 'must be a list' });
  if (issues.length) throw new ValidationError(issues);
  const allowed = new Set<string>(APP_LABELS);
  const nodes = doc.nodes as unknown[];
  nodes.forEach((n: unknown, i) => {
    const at = `nodes[${i}]`;
    const node = n as Partial<BackupNode> | null;
    if (typeof node !== 'object' || node === null) {
      issues.push({ path: at, message: 'must be an object' });
      return;
    }
    if (node.key !== i) issues.push({ path: `${at}.key`, message: `must be ${i} (its position)` });
    if (!Array.isArray(node.labels) || node.labels.length === 0) {
      issues.push({ path: `${at}.labels`, message: 'must be a non-empty list' });
    } else {
      node.labels.forEach((l: unknown, j) => {
        if (typeof l !== 'string' || !LABEL.test(l)) {
          issues.push({ path: `${at}.labels[${j}]`, message: 'must be a label name' });
        }
      });
      if (!node.labels.some((l) => allowed.has(l))) {
        issues.push({ path: `${at}.labels`, message: `must include one of the application's labels` });
      }
    }
    checkProperties(node.properties, `${at}.properties`, issues);
  });
  (doc.relationships as unknown[]).forEach((r: unknown, i) => {
    const at = `relationships[${i}]`;
    const rel = r as Partial<BackupRelationship> | null;
    if (typeof rel !== 'object' || rel === null) {
      issues.push({ path: at, message: 'must be an object' });
      return;
    }
    for (const end of ['from', 'to'] as const) {
      const k = rel[end];
      if (!Number.isInteger(k) || (k as number) < 0 || (k as number) >= nodes.length) {
        issues.push({ path: `${at}.${end}`, message: 'must be the key of a node of the backup' });
      }
    }
    if (typeof rel.type !== 'string' || !REL_TYPE.test(rel.type)) {
      issues.push({ path: `${at}.type`, message: 'must be a relationship type (UPPER_SNAKE_CASE)' });
    }
    checkProperties(rel.properties, `${at}.properties`, issues);
  });
  if (issues.length) throw new ValidationError(issues.slice(0, 20));
  return doc as BackupDocument;
}
