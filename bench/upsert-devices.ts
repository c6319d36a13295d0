/**
 * `npx tsx bench/upsert-devices.ts`: upsertDevices (CMDB feeds) against a real Neo4j. After a
 * warm-up, in fresh models (N = --devices, default 10 000):
 *
 * 1. through GraphQL (an in-process Apollo, as the API runs it, as an admin), a model with zones
 *    only: N new devices, the same N again (all unchanged), then the N with 10 % changed;
 * 2. through the service, once with the default incremental validation and once with
 *    `validation: 'full'` (the whole document validated per batch; not exposed by the API): N
 *    new devices into the generated N-device hospital (test/support/generate-hospital.ts, ~65k
 *    elements at 10 000), then its own N devices sent back as a feed with 10 % changed;
 * 3. single device edits (MedThreat issue 11 point 7, fast writes): `updateDevice` renames through
 *    GraphQL on the generated N-device hospital, the model cached (as a running server has it),
 *    one after the other; --edits of them (default 30) on the fast write path (copy-on-write,
 *    incremental validation, the written document kept as the next snapshot), then a third as
 *    many (at least 3) on the path before it (ModelService.writePath 'full': deep copy, the whole
 *    document validated, the snapshot dropped so the next write reloads the model); p50/p95/max
 *    of each in ms.
 *
 * Prints one JSON document with the durations in ms. The machine is shared: compare runs made
 * under the same load, and mind the order (the first hospital is slower: --full-first swaps it).
 * The run's models are deleted at the end.
 *
 * Options: --devices 10000 (or BENCH_DEVICES)  --batch 500  --edits 30  --edits-only (just 3.)
 *          --full-first  --port 7691
 *          --smoke: a small run that checks the benchmark still works (100 devices, batches of
 *          50, 50-device warm-up); `npm test` runs it (test/integration/bench-smoke.int.test.ts).
 * Neo4j: NEO4J_URI if set, else a fresh local instance 'bench-upsert' on port --port.
 */
import pino from 'pino';
import { createApollo } from '../server/src/app';
import { bootstrap, createServices } from '../server/src/bootstrap';
import { SYSTEM_ACTOR } from '../server/src/domain/auth/principal';
import type { Context } from '../server/src/context';
import type { UpsertDevicesResult } from '../server/src/domain/inventory';
import type { Device, ModelDocument } from '../server/src/domain/types';
import { Database } from '../server/src/graph/database';
import { generateHospital } from '../test/support/generate-hospital';

const local = require('../tools/neo4j/neo4j-local.cjs') as {
  start(o: {
    port: number;
    instance: string;
    fresh: boolean;
  }): Promise<{ uri: string; started: boolean; user: string; password: string }>;
  stop(o: { instance: string }): Promise<boolean>;
};

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
/** `value` as a positive integer, or exit 2 with a message naming the option. */
function positiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`--${option}: expected a positive integer, got '${value}'\n`);
    process.exit(2);
  }
  return n;
}
const SMOKE = process.argv.includes('--smoke');
const BATCH = positiveInt('batch', arg('batch', SMOKE ? '50' : '500'));
const N = positiveInt('devices', arg('devices', process.env['BENCH_DEVICES'] || (SMOKE ? '100' : '10000')));
const WARMUP = Math.min(1000, Math.max(1, Math.floor(N / 2)));
const PORT = positiveInt('port', arg('port', '7691'));
const EDITS = positiveInt('edits', arg('edits', SMOKE ? '6' : '30'));
const EDITS_ONLY = process.argv.includes('--edits-only');

type Item = Record<string, unknown>;
const ADMIN = { kind: 'USER', id: 'bench', name: 'bench', role: 'ADMIN', modelIds: null } as const;
const actor = { ...SYSTEM_ACTOR, principal: ADMIN, action: 'upsertDevices' };

function feedItem(i: number): Item {
  return {
    externalId: `INV-${String(i).padStart(7, '0')}`,
    name: `Infusion pump ${i}`,
    category: 'INFUSION_PUMP',
    manufacturer: 'B. Braun',
    modelName: 'Space',
    riskClass: 'C',
    zoneIds: [i % 2 ? 'z-icu' : 'z-ward'],
    ipAddresses: [`10.${40 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`],
    macAddresses: [
      `00:1b:63:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
    ],
    assetTag: `BME-${i}`,
  };
}

/** p50, p95 and max of durations in ms (nearest rank). */
function percentiles(ms: number[]): { p50: number; p95: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: rank(0.5), p95: rank(0.95), max: s[s.length - 1]! };
}

/** A device of the generated hospital as a feed item (what a CMDB knows about it). */
function fromDevice(d: Device): Item {
  const { id: _id, ...rest } = d;
  return rest;
}

async function main(): Promise<void> {
  let uri = process.env.NEO4J_URI;
  let started = false;
  if (!uri) {
    const r = await local.start({ port: PORT, instance: 'bench-upsert', fresh: true });
    uri = r.uri;
    started = r.started;
    // the local instance has authentication on (generated password)
    process.env.NEO4J_USER = r.user;
    process.env.NEO4J_PASSWORD = r.password;
  }
  const log = pino({ level: 'silent' });
  const db = new Database({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' });
  const services = createServices(db);
  await bootstrap(db, services, {
    loadDemo: false,
    log,
    // on a database without accounts, the first admin gets the password the server would give it
    ...(process.env.MEDTHREAT_ADMIN_PASSWORD ? { adminPassword: process.env.MEDTHREAT_ADMIN_PASSWORD } : {}),
  });
  const apollo = createApollo(log);
  await apollo.start();
  const contextValue: Context = { services, log, requestId: 'bench', principal: ADMIN, ip: '127.0.0.1' };
  const catalogue = await services.catalogues.current();

  async function upsertGql(modelId: string, devices: Item[]) {
    const res = await apollo.executeOperation(
      {
        query: `mutation($m: ID!, $d: [DeviceUpsertInput!]!, $b: Int) { upsertDevices(modelId: $m, devices: $d, batchSize: $b) {
          created updated unchanged failed batches modelVersion errors { index code field message } } }`,
        variables: { m: modelId, d: devices, b: BATCH },
      },
      { contextValue },
    );
    if (res.body.kind !== 'single') throw new Error('incremental response');
    const r = res.body.singleResult;
    if (r.errors?.length) throw new Error(JSON.stringify(r.errors).slice(0, 2000));
    return (r.data as { upsertDevices: UpsertDevicesResult }).upsertDevices;
  }

  async function gql(query: string, variables: Record<string, unknown>): Promise<unknown> {
    const res = await apollo.executeOperation({ query, variables }, { contextValue });
    if (res.body.kind !== 'single') throw new Error('incremental response');
    const r = res.body.singleResult;
    if (r.errors?.length) throw new Error(JSON.stringify(r.errors).slice(0, 2000));
    return r.data;
  }

  async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
    const t = performance.now();
    const v = await fn();
    return [Math.round(performance.now() - t), v];
  }

  const results: Record<string, unknown>[] = [];
  const zonesOnly = (id: string): unknown => ({
    formatVersion: '2.0',
    model: { id, name: 'upsert bench' },
    zones: [
      { id: 'z-icu', name: 'ICU', kind: 'CLINICAL', entryPoint: false },
      { id: 'z-ward', name: 'Ward', kind: 'CLINICAL', entryPoint: false },
    ],
    devices: [],
    interfaces: [],
    channels: [],
    assets: [],
    vulnerabilities: [],
    controlPlacements: [],
  });
  const items = Array.from({ length: N }, (_, i) => feedItem(i));
  const tenth = items.map((it, i) => (i % 10 === 0 ? { ...it, software: `fw ${i}` } : it));

  // warm-up: JIT, query plans, connection pool
  if (!EDITS_ONLY) await feeds();
  async function feeds(): Promise<void> {
    const w = 'bench-upsert-warmup';
    await services.models.deleteModel(actor, w);
    await services.models.importModel(actor, zonesOnly(w));
    await upsertGql(w, items.slice(0, WARMUP));
    await services.models.deleteModel(actor, w);

    // 1. end to end through GraphQL (the default, incremental validation), a model with zones only
    const m1 = 'bench-upsert-empty';
    await services.models.deleteModel(actor, m1);
    await services.models.importModel(actor, zonesOnly(m1));
    const [create, r1] = await timed(() => upsertGql(m1, items));
    const [same, r2] = await timed(() => upsertGql(m1, items));
    const [changed, r3] = await timed(() => upsertGql(m1, tenth));
    results.push({
      scenario: 'GraphQL, model with zones only',
      batchSize: BATCH,
      devices: N,
      create: { ms: create, created: r1.created, batches: r1.batches },
      same: { ms: same, unchanged: r2.unchanged, batches: r2.batches },
      tenPercentChanged: { ms: changed, updated: r3.updated, unchanged: r3.unchanged, batches: r3.batches },
    });
    await services.models.deleteModel(actor, m1);

    // 2. validation modes, same service path: 10k new devices into the generated 10k hospital
    //    (~65k elements at 10k: the whole-document validation is largest), then its own devices back
    //    as a feed with 10 % changed
    for (const validation of (process.argv.includes('--full-first')
      ? ['full', 'incremental']
      : ['incremental', 'full']) as ('incremental' | 'full')[]) {
      const m2 = `bench-upsert-hospital-${validation}`;
      await services.models.deleteModel(actor, m2);
      const doc: ModelDocument = generateHospital({ devices: N, seed: 7, catalogue });
      doc.model = { id: m2, name: 'upsert bench hospital' };
      doc.zones.push(...(zonesOnly(m2) as ModelDocument).zones);
      await services.models.importModel(actor, doc);
      await services.models.snapshot(m2); // a running server has it cached
      const opts = { batchSize: BATCH, validation };
      const [fresh, r4] = await timed(() => services.models.upsertDevices(actor, m2, items, opts));
      const feed = doc.devices.map((d, i) =>
        i % 10 === 0 ? { ...fromDevice(d), software: `fw ${i}` } : fromDevice(d),
      );
      const [back, r5] = await timed(() => services.models.upsertDevices(actor, m2, feed, opts));
      results.push({
        scenario: `service, generated hospital (${Object.values(doc)
          .filter(Array.isArray)
          .reduce((n, l) => n + (l as unknown[]).length, 0)} elements before)`,
        validation,
        batchSize: BATCH,
        devices: N,
        create: { ms: fresh, created: r4.created, batches: r4.batches },
        ownFeedTenPercentChanged: { ms: back, updated: r5.updated, unchanged: r5.unchanged, batches: r5.batches },
      });
      await services.models.deleteModel(actor, m2);
    }
  }
  // 3. single device edits on the generated hospital, fast write path vs the path before it
  {
    const m3 = 'bench-upsert-edits';
    await services.models.deleteModel(actor, m3);
    const doc: ModelDocument = generateHospital({ devices: N, seed: 7, catalogue });
    doc.model = { id: m3, name: 'single edit bench hospital' };
    await services.models.importModel(actor, doc);
    await services.models.snapshot(m3); // a running server has it cached
    const ids = doc.devices.map((d) => d.id);
    const edits: Record<string, unknown> = {};
    for (const [path, count] of [
      ['fast', EDITS],
      ['full', Math.max(3, Math.ceil(EDITS / 3))],
    ] as const) {
      services.models.writePath = path;
      const ms: number[] = [];
      for (let k = 0; k < count; k++) {
        const id = ids[(k * 7919) % ids.length]!;
        const [t, r] = await timed(() =>
          gql(
            `mutation($m: ID!, $id: ID!, $p: DevicePatch!) { updateDevice(modelId: $m, id: $id, patch: $p) { id name } }`,
            { m: m3, id, p: { name: `Renamed ${path} ${k}` } },
          ),
        );
        if ((r as { updateDevice: { name: string } }).updateDevice.name !== `Renamed ${path} ${k}`) {
          throw new Error(`updateDevice did not rename ${id}`);
        }
        ms.push(t);
      }
      edits[path] = { edits: count, ...percentiles(ms) };
    }
    services.models.writePath = 'fast';
    results.push({
      scenario: `single device edit (updateDevice rename, GraphQL), generated hospital (${Object.values(doc)
        .filter(Array.isArray)
        .reduce((n, l) => n + (l as unknown[]).length, 0)} elements), cached`,
      devices: N,
      ...edits,
    });
    await services.models.deleteModel(actor, m3);
  }
  console.log(
    JSON.stringify({ benchmark: 'upsertDevices', date: new Date().toISOString(), smoke: SMOKE, results }, null, 2),
  );
  await apollo.stop();
  await services.analysis.close();
  await db.close();
  if (started) await local.stop({ instance: 'bench-upsert' });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
