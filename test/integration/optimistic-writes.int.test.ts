/**
 * Adversarial tests of the optimistic, pipelined element writes and the per-request version memo
 * (commit 1045147, issue 11 point 7): two in-process instances against one Neo4j, as in
 * two-instances.int.test.ts, where one instance's kept copy or per-request reads are made stale
 * by the other.
 */
import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../server/src/domain/auth/principal';
import { runInAnalysisScope, scopeOfRequest } from '../../server/src/services/analysis-scope';
import { plainDevice } from '../support/build-graph';
import { startInstance, type Instance } from '../support/instances';
import { TestHelper } from '../support/neo4j';

jest.setTimeout(240_000);

const sessionSecret = randomBytes(32);

/** Runs `fn` as the resolvers of one GraphQL request do: in that request's scope (one memo of reads). */
function inOneRequest<T>(fn: () => Promise<T>): Promise<T> {
  const request = {};
  return runInAnalysisScope(scopeOfRequest(request, { kind: 'user', id: 'tester', role: 'ADMIN' } as never), fn);
}

/** The error code a service call answers with (as the GraphQL layer would report it), or 'OK'. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return (e as { code?: string; extensions?: { code?: string } }).code ?? (e as Error).constructor.name;
  }
}

let a: Instance;
let b: Instance;
let h: TestHelper;
let modelId = '';
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

const device = (id: string) => plainDevice(id, ['ward'], { riskClass: 'A' }) as never;
const WARD = { id: 'ward', name: 'Ward', kind: 'CLINICAL', entryPoint: false } as never;

/** Creates model `id` on `on` with the ward and `deviceIds` (one version step each). */
async function modelWithWard(on: Instance, id: string, name: string, deviceIds: string[]): Promise<void> {
  await on.services.models.createModel(SYSTEM_ACTOR, id, name);
  await on.services.models.createElement(SYSTEM_ACTOR, id, 'zones', WARD);
  for (const d of deviceIds) await on.services.models.createElement(SYSTEM_ACTOR, id, 'devices', device(d));
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await new TestHelper().init();
  [a, b] = await Promise.all([startInstance('A', sessionSecret), startInstance('B', sessionSecret)]);
  modelId = h.uniqueModelId('optimistic');
  await modelWithWard(a, modelId, 'Optimistic writes', ['pump']);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all([a?.stop(), b?.stop()]);
  await h?.close();
});

describe('optimistic writes against a stale instance', () => {
  // Regression (found in review of 1045147, fixed since): the writer's "fresh" retry reads the catalogue through CatalogueService.current(), which
  // answers from the request's memo (readOncePerRequest). When an earlier field of the same request
  // read the catalogue and another instance has since loaded a new one, every retry validates
  // against the memoised (old) version, the guard in applyChanges refuses each one, and after
  // MAX_WRITE_ATTEMPTS the write is refused with CONFLICT although nothing conflicts with it.
  it('a write after the request read the catalogue, and another instance replaced it, is accepted', async () => {
    const original = await b.services.catalogues.current();
    const next = { ...original, catalogueVersion: `${original.catalogueVersion}-memo` };
    try {
      const code = await inOneRequest(async () => {
        await a.services.catalogues.current(); // an earlier field of the request (analysis, catalogue query)
        await inOneRequest(() => b.services.catalogues.load(SYSTEM_ACTOR, next)); // B's own request
        return codeOf(
          a.services.models.updateElement(SYSTEM_ACTOR, modelId, 'devices', 'pump', { manufacturer: 'Memo' }),
        );
      });
      expect(code).toBe('OK');
      const snap = await b.services.models.snapshot(modelId);
      expect(snap.document.devices.find((d) => d.id === 'pump')?.manufacturer).toBe('Memo');
    } finally {
      await b.services.catalogues.load(SYSTEM_ACTOR, original);
    }
  });

  // Regression (found in review of 1045147, fixed since): upsertDevices checks expectedVersion against snapshot(modelId) without `fresh`, i.e.
  // against the version the request read earlier (readOncePerRequest). When another instance wrote
  // since, a client holding the current version is refused with CONFLICT naming the old version as
  // the current one.
  it('upsertDevices with the current expectedVersion, after the request read an older version, is accepted', async () => {
    const code = await inOneRequest(async () => {
      await a.services.models.snapshot(modelId); // an earlier field of the request read the model
      // another instance writes (in its own request)
      await inOneRequest(() =>
        b.services.models.updateElement(SYSTEM_ACTOR, modelId, 'devices', 'pump', { manufacturer: 'B-upsert' }),
      );
      const current = (await inOneRequest(() => b.services.models.snapshot(modelId))).version;
      return codeOf(
        a.services.models.upsertDevices(
          SYSTEM_ACTOR,
          modelId,
          [{ externalId: 'cmdb-memo', name: 'Feed', category: 'OTHER', riskClass: 'A', zoneIds: ['ward'] }],
          { expectedVersion: current },
        ),
      );
    });
    expect(code).toBe('OK');
    const snap = await b.services.models.snapshot(modelId);
    expect(snap.document.devices.some((d) => d.externalId === 'cmdb-memo')).toBe(true);
  });

  it('an id another instance gave to an element of another kind: the same answer as on a fresh copy', async () => {
    // A keeps a copy; B creates zones A's copy lacks; A and B each create a device with such an id
    await a.services.models.updateElement(SYSTEM_ACTOR, modelId, 'devices', 'pump', { manufacturer: 'A' });
    for (const id of ['clash-a', 'clash-b']) {
      await b.services.models.createElement(SYSTEM_ACTOR, modelId, 'zones', {
        id,
        name: id,
        kind: 'CLINICAL',
        entryPoint: false,
      } as never);
    }
    const fromStale = await codeOf(
      a.services.models.createElement(SYSTEM_ACTOR, modelId, 'devices', device('clash-a')),
    );
    const fromFresh = await codeOf(
      b.services.models.createElement(SYSTEM_ACTOR, modelId, 'devices', device('clash-b')),
    );
    expect(fromStale).toBe(fromFresh);
    expect(fromStale).not.toBe('OK');
    const snap = await b.services.models.snapshot(modelId);
    expect(snap.document.devices.map((d) => d.id)).not.toContain('clash-a');
  });

  it('a model deleted and re-created under its id by another instance: no write from the old copy', async () => {
    const id = h.uniqueModelId('recreated');
    await modelWithWard(a, id, 'First', ['old']); // A keeps version 3
    await b.services.models.deleteModel(SYSTEM_ACTOR, id);
    await modelWithWard(b, id, 'Second', ['new']); // same version 3
    expect(
      await codeOf(a.services.models.updateElement(SYSTEM_ACTOR, id, 'devices', 'old', { manufacturer: 'X' })),
    ).toBe('NOT_FOUND');
    // a write that the old copy could take is made on the new model, not on the old copy
    await a.services.models.createElement(SYSTEM_ACTOR, id, 'devices', device('third'));
    const snap = await b.services.models.snapshot(id);
    expect(snap.document.devices.map((d) => d.id).sort()).toEqual(['new', 'third']);
    expect(snap.version).toBe(4);
  });

  /** A model with a zone and a device on A (A keeps version 3), read in the caller's request. */
  async function modelReadOnA(prefix: string): Promise<string> {
    const id = h.uniqueModelId(prefix);
    await modelWithWard(a, id, 'First', ['old']);
    return id;
  }

  // Regression (found in review of 1045147, fixed since): HistoryService.documentAt re-reads the model when the audit trail says it was deleted
  // or re-created since ("continue"), but snapshot(modelId) answers from the request's memo, so
  // every attempt sees the same gone model: a model deleted by another instance after the request
  // read it is answered with CONFLICT ("was replaced while it was read") instead of NOT_FOUND.
  it('a version of a model another instance deleted after the request read it: NOT_FOUND', async () => {
    const id = await modelReadOnA('gone-version');
    const code = await inOneRequest(async () => {
      await a.services.models.snapshot(id); // an earlier field of the request (the model's header, …)
      await inOneRequest(() => b.services.models.deleteModel(SYSTEM_ACTOR, id));
      return codeOf(a.services.history.documentAt(id, 1));
    });
    expect(code).toBe('NOT_FOUND');
  });

  // Regression (found in review of 1045147, fixed since): the same in HistoryService.createSnapshot: its retry after the model was re-created
  // reads the memoised (old) model again, and the snapshot is refused with CONFLICT although the
  // model (the new one) is there to be snapshotted, as it was before the per-request memo.
  it('a named snapshot of a model another instance re-created after the request read it is taken', async () => {
    const id = await modelReadOnA('recreated-snapshot');
    const outcome = await inOneRequest(async () => {
      await a.services.models.snapshot(id);
      await inOneRequest(async () => {
        await b.services.models.deleteModel(SYSTEM_ACTOR, id);
        await b.services.models.createModel(SYSTEM_ACTOR, id, 'Second');
      });
      return codeOf(a.services.history.createSnapshot(SYSTEM_ACTOR, id, 'after re-creation'));
    });
    expect(outcome).toBe('OK');
    const taken = await b.services.history.listSnapshots(id);
    expect(taken.map((s) => [s.name, s.modelVersion])).toEqual([['after re-creation', 1]]);
  });

  it('audit entries name the version each write produced, under concurrent writes from both instances', async () => {
    const v0 = (await b.services.models.snapshot(modelId, true)).version;
    const ids = Array.from({ length: 16 }, (_, i) => `aud-${i}`);
    await Promise.all(
      ids.map((id, i) => (i % 2 ? a : b).services.models.createElement(SYSTEM_ACTOR, modelId, 'devices', device(id))),
    );
    const session = a.db.driver.session();
    try {
      const res = await session.run(
        `MATCH (e:AuditEvent {modelId: $m}) WHERE e.modelVersion > $v0 RETURN e.modelVersion AS v, e.changes AS c ORDER BY v`,
        { m: modelId, v0 },
      );
      const rows = res.records.map((r) => ({ v: Number(r.get('v')), c: String(r.get('c')) }));
      expect(rows.map((r) => r.v)).toEqual(ids.map((_, i) => v0 + 1 + i));
      // each version's entry is the write that produced it: that device is in the model at that version
      for (const r of rows) expect(ids.some((id) => r.c.includes(`"${id}"`))).toBe(true);
    } finally {
      await session.close();
    }
    const snap = await b.services.models.snapshot(modelId, true);
    expect(snap.version).toBe(v0 + ids.length);
  });

  it('no unhandled promise rejection from the pipelined statements of refused writes', async () => {
    await new Promise((r) => setTimeout(r, 200));
    expect(unhandled.map(String)).toEqual([]);
  });
});
