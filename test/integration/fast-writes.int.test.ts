/**
 * Fast writes (MedThreat issue 11 point 7) against the real Neo4j: element writes keep the
 * written document as the cached snapshot of the new version instead of reloading the model.
 * Property: after random sequences of writes of every element kind through ModelService (valid
 * and refused ones), the kept snapshot deep-equals a fresh load from the database, the model was
 * never reloaded meanwhile, and no write changed a snapshot an earlier reader holds.
 * MEDTHREAT_PROPERTY_RUNS sets the number of sequences (default 6 here, 12 writes each at most).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { DomainError } from '../../server/src/domain/errors';
import type { ModelDocument } from '../../server/src/domain/types';
import { CatalogueRepository } from '../../server/src/graph/repositories/catalogue-repository';
import { ModelRepository } from '../../server/src/graph/repositories/model-repository';
import { runInAnalysisScope, scopeOfRequest } from '../../server/src/services/analysis-scope';
import type { ElementKind } from '../../server/src/services/model-service';
import { concreteEdit, editDraw } from '../support/model-edits';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const demo = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../seeds/demo-hospital.json'), 'utf8'),
) as ModelDocument;
const RUNS = Math.max(1, Math.ceil(Number(process.env['MEDTHREAT_PROPERTY_RUNS'] ?? 150) / 25));

/** A device of the demo under another id and name, in `zoneIds`. */
const demoDevice = (id: string, name: string, zoneIds: string[]) =>
  ({ ...demo.devices[0]!, id, name, zoneIds }) as never;

describe('fast writes: the kept snapshot is what the database holds', () => {
  const h = new TestHelper();
  /** The demo hospital as a new model (id from `prefix`), loaded once into the cache. */
  const demoModel = async (prefix: string): Promise<string> => {
    const modelId = h.uniqueModelId(prefix);
    await h.services.models.importModel(TEST_ACTOR, demo, { targetModelId: modelId });
    await h.services.models.snapshot(modelId);
    return modelId;
  };
  beforeAll(async () => {
    await h.init();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await h.close();
  });

  it('after random writes of every kind, the cached document equals a fresh load, without any reload (property)', async () => {
    const models = h.services.models;
    const loads = jest.spyOn(ModelRepository.prototype, 'load');
    let accepted = 0;
    let refused = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(editDraw, { minLength: 4, maxLength: 12 }), async (draws) => {
        const modelId = await demoModel(`fast-${run++}`); // loaded once
        loads.mockClear();
        for (const [serial, draw] of draws.entries()) {
          const before = await models.snapshot(modelId);
          const copy = structuredClone(before.document);
          const edit = concreteEdit(before.document, draw, serial);
          if (!edit) continue;
          const kind = edit.list as ElementKind;
          try {
            if (edit.op === 'create') await models.createElement(TEST_ACTOR, modelId, kind, edit.element as never);
            else if (edit.op === 'update') await models.updateElement(TEST_ACTOR, modelId, kind, edit.id!, edit.patch!);
            else await models.deleteElement(TEST_ACTOR, modelId, kind, edit.id!);
            accepted++;
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            refused++;
          }
          // copy-on-write: the snapshot a reader took before the write is as it was
          expect(before.document).toStrictEqual(copy);
        }
        const kept = await models.snapshot(modelId);
        expect(loads).not.toHaveBeenCalled(); // every write kept its document: no reload
        const fresh = await new ModelRepository(h.db).load(modelId);
        expect(kept.version).toBe(fresh.version);
        expect(kept.document).toStrictEqual(fresh.document);
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS);
    expect(refused).toBeGreaterThan(0);
  }, 600_000);

  it('lists a load returns in id order (relationships) are kept in id order, whatever order they were written in', async () => {
    const models = h.services.models;
    const modelId = await demoModel('fast-order');
    const loads = jest.spyOn(ModelRepository.prototype, 'load');
    loads.mockClear();
    const zones = demo.zones
      .map((z) => z.id)
      .sort()
      .reverse()
      .slice(0, 3);
    const channel = demo.channels[0]!;
    await models.updateElement(TEST_ACTOR, modelId, 'channels', channel.id, { zoneIds: zones });
    await models.updateElement(TEST_ACTOR, modelId, 'interfaces', demo.interfaces[0]!.id, { exposedToZoneIds: zones });
    await models.createElement(TEST_ACTOR, modelId, 'devices', demoDevice('dev-0-first', demo.devices[0]!.name, zones));
    const kept = await models.snapshot(modelId);
    expect(loads).not.toHaveBeenCalled();
    expect(kept.document.devices[0]!.id).toBe('dev-0-first'); // inserted in id order
    const fresh = await new ModelRepository(h.db).load(modelId);
    expect(kept.document).toStrictEqual(fresh.document);
  });

  it('a model header update keeps the snapshot warm and current', async () => {
    const models = h.services.models;
    const modelId = await demoModel('fast-header');
    const loads = jest.spyOn(ModelRepository.prototype, 'load');
    loads.mockClear();
    await models.updateModel(TEST_ACTOR, modelId, 'Renamed hospital', null);
    const kept = await models.snapshot(modelId);
    expect(loads).not.toHaveBeenCalled();
    const fresh = await new ModelRepository(h.db).load(modelId);
    expect(kept.version).toBe(fresh.version);
    expect(kept.document).toStrictEqual(fresh.document);
    expect(kept.document.model).toStrictEqual({ id: modelId, name: 'Renamed hospital' });
  });

  it('one request reads each version once, and sees its own writes; outside a request every call reads', async () => {
    const models = h.services.models;
    const modelId = await demoModel('fast-request');
    const versions = jest.spyOn(ModelRepository.prototype, 'version');
    const catalogueVersions = jest.spyOn(CatalogueRepository.prototype, 'version');
    versions.mockClear();
    catalogueVersions.mockClear();
    const zone = demo.zones[0]!.id;
    const request = {}; // what lives as long as one request (the GraphQL context)
    await runInAnalysisScope(scopeOfRequest(request, { kind: 'USER', id: 'u', role: 'EDITOR' }), async () => {
      const header = await models.get(modelId); // the model field: its header's version serves the request
      const first = await models.snapshot(modelId);
      await h.services.catalogues.current();
      const again = await models.snapshot(modelId);
      await h.services.catalogues.current();
      expect(first.version).toBe(header!.version);
      expect(again).toBe(first);
      expect(versions).not.toHaveBeenCalled();
      expect(catalogueVersions).toHaveBeenCalledTimes(1);
      // a write of the request: the next read of the request sees it
      await models.createElement(
        TEST_ACTOR,
        modelId,
        'devices',
        demoDevice('dev-in-request', 'Written in the request', [zone]),
      );
      const after = await models.snapshot(modelId);
      expect(after.version).toBe(first.version + 1);
      expect(after.document.devices.some((d) => d.id === 'dev-in-request')).toBe(true);
    });
    // outside any request (start-up, background work) every call asks Neo4j
    versions.mockClear();
    await models.snapshot(modelId);
    await models.snapshot(modelId);
    expect(versions).toHaveBeenCalledTimes(2);

    // a request that read version v while another request wrote v + 1 (kept): its next read asks
    // for the version again instead of loading the whole model
    const later = {};
    const scope = scopeOfRequest(later, { kind: 'USER', id: 'u', role: 'VIEWER' });
    const seenHeader = (await runInAnalysisScope(scope, () => models.get(modelId)))!;
    await models.createElement(
      TEST_ACTOR,
      modelId,
      'devices',
      demoDevice('dev-meanwhile', 'Written by another request', [zone]),
    );
    const loads = jest.spyOn(ModelRepository.prototype, 'load');
    loads.mockClear();
    const seen = await runInAnalysisScope(scope, () => models.snapshot(modelId));
    expect(seen.version).toBe(seenHeader.version + 1);
    expect(loads).not.toHaveBeenCalled();
  });

  it('writes queued on one model are committed in groups, each answered as if written alone (property)', async () => {
    const models = h.services.models;
    const transactions = jest.spyOn(h.db, 'write');
    let grouped = 0;
    let run = 0;
    const apply = (modelId: string, edit: NonNullable<ReturnType<typeof concreteEdit>>) => {
      const kind = edit.list as ElementKind;
      if (edit.op === 'create') return models.createElement(TEST_ACTOR, modelId, kind, edit.element as never);
      if (edit.op === 'update') return models.updateElement(TEST_ACTOR, modelId, kind, edit.id!, edit.patch!);
      return models.deleteElement(TEST_ACTOR, modelId, kind, edit.id!);
    };
    /** What a caller was told: ok, or the error's code and message (model ids made alike). */
    const answer = (r: PromiseSettledResult<unknown>, modelId: string) =>
      r.status === 'fulfilled'
        ? 'ok'
        : r.reason instanceof DomainError
          ? `${r.reason.code}: ${r.reason.message.split(modelId).join('M')}`
          : `crash: ${String(r.reason)}`;
    await fc.assert(
      fc.asyncProperty(fc.array(editDraw, { minLength: 4, maxLength: 12 }), async (draws) => {
        const alone = await demoModel(`alone-${run}`);
        const grouped_ = await demoModel(`group-${run++}`);
        // one after the other on one model: the edits and their answers
        const edits: NonNullable<ReturnType<typeof concreteEdit>>[] = [];
        const answersAlone: string[] = [];
        for (const [serial, draw] of draws.entries()) {
          const edit = concreteEdit((await models.snapshot(alone)).document, draw, serial);
          if (!edit) continue;
          edits.push(edit);
          answersAlone.push(answer((await Promise.allSettled([apply(alone, edit)]))[0]!, alone));
        }
        // the same edits all at once on the other: queued behind each other, committed in groups
        transactions.mockClear();
        const settled = await Promise.allSettled(edits.map((e) => apply(grouped_, e)));
        expect(settled.map((r) => answer(r, grouped_))).toEqual(answersAlone);
        const accepted = answersAlone.filter((a) => a === 'ok').length;
        if (transactions.mock.calls.length < accepted) grouped++;
        // the same model, version and history; the kept document is what the database holds
        const [a, g] = [await models.snapshot(alone), await models.snapshot(grouped_)];
        expect(g.version).toBe(a.version);
        expect({ ...g.document, model: null }).toStrictEqual({ ...a.document, model: null });
        const fresh = await new ModelRepository(h.db).load(grouped_);
        expect(g.document).toStrictEqual(fresh.document);
        const history = async (m: string) =>
          (await h.services.audit.events({ modelId: m }, 100)).nodes
            .filter((e) => e.modelVersion !== null && e.modelVersion > 1)
            .map((e) => ({ v: e.modelVersion, s: e.summary.split(m).join('M') }))
            .sort((x, y) => x.v! - y.v!);
        expect(await history(grouped_)).toEqual(await history(alone));
      }),
      { numRuns: RUNS },
    );
    expect(grouped).toBeGreaterThan(0); // some writes did share a transaction
  }, 600_000);
});
