/**
 * The model load (ModelRepository.load) against the real Neo4j: its element lists come from two
 * read transactions at once, each checking the model's stamp before and after its reads. These
 * tests pin that it reads what one transaction reads, and that a write committing between the two
 * transactions never yields a document that mixes two versions (the load then reads again, in one
 * transaction).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../server/src/graph/database';
import { ModelRepository } from '../../server/src/graph/repositories/model-repository';
import type { ModelDocument } from '../../server/src/domain/types';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;

describe('model load in two transactions', () => {
  const h = new TestHelper();
  beforeAll(async () => {
    await h.init();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await h.close();
  });

  const importDemo = async (prefix: string): Promise<string> => {
    const modelId = h.uniqueModelId(prefix);
    await h.services.models.importModel(TEST_ACTOR, demo, { targetModelId: modelId });
    return modelId;
  };

  /**
   * A Database whose `n`-th read transaction starts only after `before` has run (the others go
   * straight through): a write can be put between the load's two transactions.
   */
  const readingAfter = (n: number, before: () => Promise<void>): Database => {
    let reads = 0;
    const db = Object.create(h.db) as Database;
    db.read = async (work, options) => {
      reads++;
      if (reads === n) await before();
      return h.db.read(work, options);
    };
    return db;
  };

  it('reads the same document, version and key order as one transaction', async () => {
    const modelId = await importDemo('load-same');
    const repo = new ModelRepository(h.db);
    const one = await repo.loadInOneTransaction(modelId);
    const two = await repo.load(modelId);
    expect(two.version).toBe(one.version);
    expect(two.createdAt).toBe(one.createdAt);
    expect(JSON.stringify(two.document)).toBe(JSON.stringify(one.document));
    expect(two.document.interfaces.length).toBeGreaterThan(0);
    expect(two.document.controlPlacements.length).toBeGreaterThan(0);
  });

  it('a write committed between its two transactions: no mixed document, the state after the write', async () => {
    const modelId = await importDemo('load-mixed');
    const iface = demo.interfaces[0]!;
    const start = await new ModelRepository(h.db).load(modelId);
    // the first transaction (devices, channels, ...) reads the model as it is; the second
    // (interfaces, assets, placements) starts after an interface was renamed in another write
    const repo = new ModelRepository(
      readingAfter(2, async () => {
        await h.services.models.updateElement(TEST_ACTOR, modelId, 'interfaces', iface.id, { name: 'renamed between' });
      }),
    );
    const again = jest.spyOn(repo, 'loadInOneTransaction');
    const loaded = await repo.load(modelId);
    expect(again).toHaveBeenCalledTimes(1); // the stamps differed: read again in one transaction
    expect(loaded.version).toBe(start.version + 1);
    expect(loaded.document.interfaces.find((i) => i.id === iface.id)!.name).toBe('renamed between');
    // exactly what the database holds at that version
    const fresh = await new ModelRepository(h.db).loadInOneTransaction(modelId);
    expect(fresh.version).toBe(loaded.version);
    expect(loaded.document).toStrictEqual(fresh.document);
  });

  it('a model deleted while it is read: NOT_FOUND, not a half document', async () => {
    const modelId = await importDemo('load-deleted');
    const repo = new ModelRepository(
      readingAfter(2, async () => {
        await h.services.models.deleteModel(TEST_ACTOR, modelId);
      }),
    );
    await expect(repo.load(modelId)).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
  });
});
