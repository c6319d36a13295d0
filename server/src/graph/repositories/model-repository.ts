/**
 * Threat-model persistence: headers (:ThreatModel with a version bumped by every write) and the
 * elements of a model (:ModelElement plus :Zone, :Device, ...), loaded as one ModelDocument and
 * written as a change set inside one transaction guarded by the model version.
 */
import { ConflictError, NotFoundError, StaleVersionError } from '../../domain/errors';
import { checkStoredDocument, ELEMENT_LISTS } from '../../domain/model-document';
import type {
  Asset,
  Channel,
  ControlPlacement,
  Device,
  Interface,
  ModelDocument,
  ThreatModelSummary,
  Vulnerability,
  Zone,
} from '../../domain/types';
import { MODEL_FORMAT_VERSION } from '../../domain/types';
import type { Database, Row, Tx } from '../database';
import {
  assetParams,
  channelParams,
  compact,
  deviceParams,
  elementsFromValues,
  interfaceParams,
  placementParams,
  storedProperties,
  vulnerabilityParams,
  zoneParams,
  type StoredKind,
} from '../mappers';

/** What identifies one state of a model: its version and creation time. */
export interface ModelStamp {
  version: number;
  createdAt: string;
}

/** Elements to write (created or replaced) and ids to delete, in one transaction. */
export interface ChangeSet {
  deleteIds: string[];
  zones: Zone[];
  devices: Device[];
  interfaces: Interface[];
  channels: Channel[];
  assets: Asset[];
  vulnerabilities: Vulnerability[];
  controlPlacements: ControlPlacement[];
}

export const emptyChangeSet = (): ChangeSet => ({
  deleteIds: [],
  zones: [],
  devices: [],
  interfaces: [],
  channels: [],
  assets: [],
  vulnerabilities: [],
  controlPlacements: [],
});

/** Work run inside a repository write's transaction (the audit entry), given the resulting header. */
export type InTransaction = (tx: Tx, model: ThreatModelSummary) => Promise<void>;

const summary = (row: Row | undefined): ThreatModelSummary | null =>
  row ? compact<ThreatModelSummary>(row['model'] as Row) : null;

/** A model's stamp from its get-model-version row; null when there is no row (no such model). */
const stampOf = (row: Row | undefined): ModelStamp | null =>
  row ? { version: row['version'] as number, createdAt: row['createdAt'] as string } : null;

/** The model's stamp as transaction `tx` sees it now. */
const readStamp = async (tx: Tx, modelId: string): Promise<ModelStamp | null> =>
  stampOf((await tx.run('model/get-model-version', { modelId }))[0]);

/** True when `b` is the stamp `a` (the same version of the same model). */
const sameStamp = (a: ModelStamp, b: ModelStamp | null): boolean =>
  b !== null && a.version === b.version && a.createdAt === b.createdAt;

/** A loaded model: the document and the version it is of. */
export interface LoadedModel extends ModelStamp {
  document: ModelDocument;
}

/**
 * The load's transactions stream their records (Database.read `fetchAll`): every record is kept,
 * so Neo4j may produce the next ones while the driver decodes.
 */
const LOAD_OPTIONS = { fetchAll: true } as const;

/**
 * The element lists of a model document with the load query and stored kind of each, in the two
 * groups {@link ModelRepository.load} reads in its two transactions (about equal in size).
 */
const FIRST_LISTS = [
  ['zones', 'element/load-zones', 'zone'],
  ['devices', 'element/load-devices', 'device'],
  ['channels', 'element/load-channels', 'channel'],
  ['vulnerabilities', 'element/load-vulnerabilities', 'vulnerability'],
] as const;
const SECOND_LISTS = [
  ['interfaces', 'element/load-interfaces', 'interface'],
  ['assets', 'element/load-assets', 'asset'],
  ['controlPlacements', 'element/load-control-placements', 'placement'],
] as const;
type ListSpec = readonly [ElementList, Parameters<Tx['values']>[0], StoredKind];
type ElementList = (typeof ELEMENT_LISTS)[number];
type Lists = Partial<Pick<ModelDocument, ElementList>>;

/**
 * Element lists of a model, each read as value lists (mappers.elementsFromValues): the driver
 * then decodes no property names per record and nothing is copied into plain objects; at 10k
 * devices (60k elements) the load's server CPU went from 0.64–0.87 s to 0.34–0.52 s with it.
 * Throws StoredDataError for an element that does not have the exchange schema's shape.
 */
async function loadLists(tx: Tx, modelId: string, specs: readonly ListSpec[]): Promise<Lists> {
  const lists: Record<string, unknown[]> = {};
  for (const [list, query, kind] of specs) {
    const keys = storedProperties(kind);
    lists[list] = elementsFromValues(kind, keys, await tx.values(query, { modelId, keys }));
  }
  return lists as Lists;
}

/**
 * The document of a model from its header and its element lists, checked against the exchange
 * schema (checkStoredDocument: StoredDataError naming the element and property).
 */
function storedDocument(head: ThreatModelSummary, lists: Lists): ModelDocument {
  const document: ModelDocument = {
    formatVersion: MODEL_FORMAT_VERSION,
    model: compact({ id: head.id, name: head.name, description: head.description }),
    ...Object.fromEntries(ELEMENT_LISTS.map((list) => [list, lists[list]!])),
  } as ModelDocument;
  checkStoredDocument(document);
  return document;
}

export class ModelRepository {
  constructor(private readonly db: Database) {}

  /** All model headers, most recently updated first. */
  async list(): Promise<ThreatModelSummary[]> {
    const rows = await this.db.query('model/list-models');
    return rows.map((r) => summary(r)!);
  }

  /** Ids of the models whose stored data was not yet checked under `formatVersion`, in id order. */
  async modelsToMigrate(formatVersion: string): Promise<string[]> {
    return (await this.db.query('model/list-models-to-migrate', { formatVersion })).map((r) => r['id'] as string);
  }

  /** Marks the model's stored data as checked under `formatVersion` (does not bump its version). */
  async setFormatVersion(modelId: string, formatVersion: string): Promise<void> {
    await this.db.write((tx) => tx.run('model/set-model-format-version', { modelId, formatVersion }));
  }

  /** One model header or null. */
  async get(modelId: string): Promise<ThreatModelSummary | null> {
    return summary((await this.db.query('model/get-model', { modelId }))[0]);
  }

  /**
   * The model's cache identity: version and creation time (a model deleted and recreated under
   * the same id restarts at version 1), or null if it does not exist.
   */
  async version(modelId: string): Promise<ModelStamp | null> {
    return stampOf((await this.db.query('model/get-model-version', { modelId }))[0]);
  }

  /**
   * Loads the whole model as an exchange document plus its version: a consistent snapshot of one
   * version. Throws NotFoundError if the model does not exist, StoredDataError (BAD_STORED_DATA,
   * naming the element id and property) if a stored element does not have the exchange schema's
   * shape, ConflictError (`modelId`, the caller reads again) if the model changed while it was read.
   *
   * The elements come in two read transactions at once (zones, devices, channels, vulnerabilities;
   * interfaces, assets, placements), so that Neo4j produces one list while the driver decodes the
   * other: at 10k devices a median of 0.44 s instead of 0.62 s in one transaction (docs/benchmarks.md).
   * Each transaction reads the model's stamp before and after its elements (every write bumps the
   * version in the transaction that changes elements, so equal stamps mean no write committed in
   * between); when both saw the same stamp they read the same version. When they did not (a write
   * committed between their starts, or cluster members at different versions) the model is read
   * again in one transaction ({@link loadInOneTransaction}). On a model written to without pause
   * that happens often (41 % of loads in a review's 20 s test with a writer in a loop), and such a
   * load costs the two transactions plus the third; the snapshot cache (ModelService) keeps most
   * reads of a model from loading at all.
   */
  async load(modelId: string): Promise<LoadedModel> {
    const readFirst = async (tx: Tx) => {
      const head = summary((await tx.run('model/get-model', { modelId }))[0]);
      if (!head) throw new NotFoundError(`model '${modelId}' does not exist`, 'modelId');
      return { head, lists: await loadLists(tx, modelId, FIRST_LISTS), end: await readStamp(tx, modelId) };
    };
    const readSecond = async (tx: Tx) => {
      const start = await readStamp(tx, modelId);
      return { start, lists: await loadLists(tx, modelId, SECOND_LISTS), end: await readStamp(tx, modelId) };
    };
    // Both settle before the load answers (nothing of a failed load keeps running); the first
    // transaction's error comes first (NOT_FOUND from its header read, before any element).
    const [a, b] = await Promise.allSettled([
      this.db.read(readFirst, LOAD_OPTIONS),
      this.db.read(readSecond, LOAD_OPTIONS),
    ]);
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    const { head } = a.value;
    if (![a.value.end, b.value.start, b.value.end].every((s) => sameStamp(head, s))) {
      return this.loadInOneTransaction(modelId);
    }
    const document = storedDocument(head, { ...a.value.lists, ...b.value.lists });
    return { document, version: head.version, createdAt: head.createdAt };
  }

  /**
   * {@link load} in one read transaction: the stamp, every element list, the stamp again. Read
   * committed: a write that committed while it read would make a mix of versions, so a changed
   * stamp throws ConflictError (the caller reads again). Same errors as {@link load}.
   */
  async loadInOneTransaction(modelId: string): Promise<LoadedModel> {
    return this.db.read(async (tx) => {
      const head = summary((await tx.run('model/get-model', { modelId }))[0]);
      if (!head) throw new NotFoundError(`model '${modelId}' does not exist`, 'modelId');
      const lists = await loadLists(tx, modelId, [...FIRST_LISTS, ...SECOND_LISTS]);
      const end = await readStamp(tx, modelId);
      if (!end) throw new NotFoundError(`model '${modelId}' does not exist`, 'modelId');
      if (!sameStamp(head, end))
        throw new ConflictError(`model '${modelId}' changed while it was read; retry`, 'modelId');
      return { document: storedDocument(head, lists), version: head.version, createdAt: head.createdAt };
    }, LOAD_OPTIONS);
  }

  /** Creates an empty model header (then runs `also` in the same transaction). ConflictError if the id is taken. */
  async create(
    modelId: string,
    name: string,
    description: string | undefined,
    also: InTransaction,
  ): Promise<ThreatModelSummary> {
    try {
      return await this.db.write(async (tx) => {
        const m = summary(
          (
            await tx.run('model/create-model', {
              modelId,
              name,
              description: description ?? null,
              formatVersion: MODEL_FORMAT_VERSION,
            })
          )[0],
        )!;
        await also(tx, m);
        return m;
      });
    } catch (e) {
      if (e instanceof ConflictError) throw new ConflictError(`model '${modelId}' already exists`, 'id');
      throw e;
    }
  }

  /**
   * Changes name/description and bumps the version (then runs `also`). NotFoundError if absent.
   * With `expectedVersion`, StaleVersionError (nothing written) unless the model is at that
   * version under its write lock.
   */
  async updateInfo(
    modelId: string,
    name: string,
    description: string | undefined,
    also: InTransaction,
    expectedVersion?: number,
  ): Promise<ThreatModelSummary> {
    return this.db.write(async (tx) => {
      if (expectedVersion !== undefined) await this.checkVersion(tx, modelId, expectedVersion, 'id');
      const m = summary(
        (await tx.run('model/update-model-info', { modelId, name, description: description ?? null }))[0],
      );
      if (!m) throw new NotFoundError(`model '${modelId}' does not exist`, 'id');
      await also(tx, m);
      return m;
    });
  }

  /**
   * Deletes a model and its elements (then runs `also` with the header it had); false if it did
   * not exist. With `expectedVersion`, NotFoundError if absent and StaleVersionError (nothing
   * deleted) unless the model is at that version under its write lock.
   */
  async delete(modelId: string, also: InTransaction, expectedVersion?: number): Promise<boolean> {
    return this.db.write(async (tx) => {
      if (expectedVersion !== undefined) await this.checkVersion(tx, modelId, expectedVersion, 'id');
      const before = summary((await tx.run('model/get-model', { modelId }))[0]);
      const rows = await tx.run('model/delete-model', { modelId });
      const deleted = (rows[0]?.['deleted'] as number) === 1;
      if (deleted && before) await also(tx, before);
      return deleted;
    });
  }

  /**
   * Takes the model's write lock in `tx` and compares its version with the client's
   * `expectedVersion`. NotFoundError (field `notFoundField`) if the model does not exist,
   * StaleVersionError (with the current version) on a mismatch; the caller's transaction then
   * rolls back, so nothing is written.
   */
  async checkVersion(tx: Tx, modelId: string, expectedVersion: number, notFoundField = 'modelId'): Promise<void> {
    const row = (await tx.run('model/lock-model-version', { modelId }))[0];
    if (!row) throw new NotFoundError(`model '${modelId}' does not exist`, notFoundField);
    const current = row['version'] as number;
    if (current !== expectedVersion) throw new StaleVersionError(modelId, expectedVersion, current);
  }

  /**
   * Writes a change set in the caller's transaction, after bumping the model version from the
   * state the caller's snapshot was read at (`read`: version and creation time) and checking the
   * catalogue version it validated against (`read.catalogueVersion`), all under the model's
   * write lock. Throws ConflictError (field `modelId`) if the model changed, was recreated or the
   * catalogue was replaced since (the caller re-reads and retries). With `clientVersion` (the
   * client's expectedVersion), a model not at that version under the lock throws
   * StaleVersionError instead (not to be retried). `writes`: how many writes the change set merges
   * (a group commit), one version step each. Returns the new version.
   */
  async applyChanges(
    tx: Tx,
    modelId: string,
    read: ModelStamp & { catalogueVersion: string },
    changes: ChangeSet,
    clientVersion?: number,
    writes = 1,
  ): Promise<number> {
    // Pipelined: the writes go out right behind the bump without waiting for its answer (one
    // round trip to Neo4j instead of one per statement); Neo4j runs them in order, so after the
    // lock. On a failed check below the transaction rolls them back with everything else.
    const bumping = tx.run('model/bump-model-version', { modelId, by: writes });
    const writing = writeElements(tx, modelId, changes, true);
    writing.catch(() => undefined); // awaited below, or abandoned with the rolled-back transaction
    const bumped = (await bumping)[0];
    if (!bumped) throw new NotFoundError(`model '${modelId}' does not exist`, 'modelId');
    const previous = bumped['previous'] as number;
    const sameModel = bumped['createdAt'] === read.createdAt;
    if (clientVersion !== undefined && sameModel && previous !== clientVersion) {
      throw new StaleVersionError(modelId, clientVersion, previous);
    }
    if (previous !== read.version || !sameModel || bumped['catalogueVersion'] !== read.catalogueVersion) {
      // another write committed since our snapshot (or the model was recreated, or the catalogue
      // replaced): abort (roll back) so the caller retries on fresh data
      throw new ConflictError(`model '${modelId}' was changed by another request; reload and retry`, 'modelId');
    }
    await writing;
    return bumped['version'] as number;
  }

  /**
   * Imports a whole validated document in one transaction: creates the model (or, with
   * `replace`, clears its elements and keeps its version history by bumping it), then runs `also`
   * with the resulting header and the state it replaced (null when it created the model).
   * @param expected with `replace`: the state (version, createdAt) the caller read the model at,
   *   or null if it read no model. The header step takes the model's write lock, then compares;
   *   on a mismatch (another write, a deletion or a creation committed since) it throws
   *   ConflictError (field `modelId`) and nothing is written, so the caller re-reads and retries.
   * @param clientVersion the client's expectedVersion of the model replaced: StaleVersionError
   *   when the model is at another version under the lock, NotFoundError when it does not exist
   * @throws ConflictError (`document.model.id`) if the model exists and `replace` is false
   */
  async importDocument(
    doc: ModelDocument,
    replace: boolean,
    expected: ModelStamp | null,
    also: (tx: Tx, model: ThreatModelSummary, replaced: ModelStamp | null) => Promise<void>,
    clientVersion?: number,
  ): Promise<ThreatModelSummary> {
    const modelId = doc.model.id;
    const raced = () =>
      new ConflictError(`model '${modelId}' was changed by another request while it was replaced; retry`, 'modelId');
    return this.db.write(async (tx) => {
      const existing = summary((await tx.run('model/get-model', { modelId }))[0]);
      if (existing && !replace) {
        throw new ConflictError(
          `model '${modelId}' already exists; pass replace: true to overwrite it or targetModelId to import a copy`,
          'document.model.id',
        );
      }
      let replaced: ModelStamp | null = null;
      if (existing) {
        const row = (
          await tx.run('model/replace-model-info', {
            modelId,
            name: doc.model.name,
            description: doc.model.description ?? null,
            formatVersion: MODEL_FORMAT_VERSION,
          })
        )[0];
        if (!row) throw raced(); // deleted since get-model
        replaced = { version: row['previous'] as number, createdAt: (row['model'] as Row)['createdAt'] as string };
        if (clientVersion !== undefined && replaced.version !== clientVersion) {
          throw new StaleVersionError(modelId, clientVersion, replaced.version);
        }
        if (!expected || expected.version !== replaced.version || expected.createdAt !== replaced.createdAt) {
          throw raced();
        }
        await tx.run('model/delete-model-elements', { modelId });
      } else {
        if (clientVersion !== undefined) {
          throw new NotFoundError(`model '${modelId}' does not exist (expectedVersion was given)`, 'document.model.id');
        }
        if (expected) throw raced(); // deleted since the caller read it
        await tx.run('model/create-model', {
          modelId,
          name: doc.model.name,
          description: doc.model.description ?? null,
          formatVersion: MODEL_FORMAT_VERSION,
        });
      }
      await writeElements(tx, modelId, { deleteIds: [], ...doc });
      const m = summary((await tx.run('model/get-model', { modelId }))[0])!;
      await also(tx, m, replaced);
      return m;
    });
  }
}

/**
 * Writes the change set's statements in the caller's transaction, deletions first, then upserts
 * in dependency order (zones before devices before interfaces …). `pipelined` (small edits) sends them all without waiting in between (Neo4j runs them
 * in the order sent); otherwise (whole documents: every statement's parameters are built only
 * when the one before has run, so a 10k-device import holds one kind's parameters at a time)
 * one after the other. Resolves when all have run; rejects with the first failure.
 */
async function writeElements(tx: Tx, modelId: string, c: ChangeSet, pipelined = false): Promise<void> {
  const statements: (() => Promise<unknown>)[] = [];
  if (c.deleteIds.length) statements.push(() => tx.run('element/delete-elements', { modelId, ids: c.deleteIds }));
  if (c.zones.length)
    statements.push(() => tx.run('element/upsert-zones', { modelId, zones: c.zones.map(zoneParams) }));
  if (c.devices.length)
    statements.push(() => tx.run('element/upsert-devices', { modelId, devices: c.devices.map(deviceParams) }));
  if (c.interfaces.length)
    statements.push(() =>
      tx.run('element/upsert-interfaces', { modelId, interfaces: c.interfaces.map(interfaceParams) }),
    );
  if (c.channels.length)
    statements.push(() => tx.run('element/upsert-channels', { modelId, channels: c.channels.map(channelParams) }));
  if (c.assets.length)
    statements.push(() => tx.run('element/upsert-assets', { modelId, assets: c.assets.map(assetParams) }));
  if (c.vulnerabilities.length)
    statements.push(() =>
      tx.run('element/upsert-vulnerabilities', {
        modelId,
        vulnerabilities: c.vulnerabilities.map(vulnerabilityParams),
      }),
    );
  if (c.controlPlacements.length)
    statements.push(() =>
      tx.run('element/upsert-control-placements', { modelId, placements: c.controlPlacements.map(placementParams) }),
    );
  if (pipelined) await Promise.all(statements.map((run) => run()));
  else for (const run of statements) await run();
}
