/**
 * Neo4j goes away and comes back under a running server: /readyz answers 503 quickly (< 3 s)
 * while it is down and 200 once it is back, GraphQL answers SERVICE_UNAVAILABLE (never
 * INTERNAL_SERVER_ERROR) meanwhile, the process stays up, and data written before the restart is
 * still there after it. Uses its own local instance (NEO4J_RESTART_INSTANCE or 'test-restart', port
 * NEO4J_RESTART_PORT or 7731), fresh at the start, kept across the restart. The server retries
 * transactions for 3 s (NEO4J_MAX_RETRY_MS) to keep the test short; the default is 15 s. Once a
 * transaction has failed for want of a connection, later ones fail at once until a ping succeeds.
 */
import { Database } from '../../server/src/graph/database';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const local = require('../../tools/neo4j/neo4j-local.cjs') as {
  start(o: {
    port: number;
    instance: string;
    fresh: boolean;
  }): Promise<{ uri: string; user: string; password: string }>;
  stop(o: { instance: string }): Promise<boolean>;
};

const INSTANCE = process.env.NEO4J_RESTART_INSTANCE ?? 'test-restart';
const PORT = Number(process.env.NEO4J_RESTART_PORT ?? 7731);
const RETRY_MS = 3000;
const MODEL = 'restart-model';

let server: ServerProcess | undefined;
let uri = '';
/** The test's own handle on the database, for Database.query during the outage. */
let db: Database | undefined;

beforeAll(async () => {
  const started = await local.start({ port: PORT, instance: INSTANCE, fresh: true });
  uri = started.uri;
  server = await startServerProcess({
    NEO4J_URI: uri,
    NEO4J_USER: started.user,
    NEO4J_PASSWORD: started.password,
    NEO4J_MAX_RETRY_MS: String(RETRY_MS),
  });
  // long enough for the instance to come back on a busy machine
  db = new Database({ uri, user: started.user, password: started.password, maxTransactionRetryTimeMs: 90_000 });
  await db.query('catalogue/get-catalogue-version'); // a connection in the pool, as in a running server
}, 360000);

afterAll(async () => {
  await db?.close();
  server?.kill();
  await local.stop({ instance: INSTANCE });
}, 60000);

interface GqlResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse> {
  const res = await fetch(`${server!.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResponse;
}

async function readyz(): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${server!.base}/readyz`);
  await res.arrayBuffer();
  return { status: res.status, ms: Date.now() - started };
}

/** Polls /readyz every 250 ms until it answers 200 or `ms` pass; returns the last answer. */
async function readyWithin(ms: number): Promise<{ status: number; ms: number }> {
  const deadline = Date.now() + ms;
  let ready = await readyz();
  while (ready.status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    ready = await readyz();
  }
  return ready;
}

const CREATE_DEVICE = `mutation($m: ID!, $input: DeviceInput!) { createDevice(modelId: $m, input: $input) { id } }`;
const device = (id: string) => ({ id, name: id, category: 'INFUSION_PUMP', riskClass: 'C', zoneIds: ['ward'] });

describe('Neo4j restart under a running server', () => {
  it('answers 503 fast and SERVICE_UNAVAILABLE while Neo4j is down, and recovers when it is back', async () => {
    // the first answers may be 503 while the catalogue is read into memory on a busy machine
    expect((await readyWithin(30000)).status).toBe(200);
    const setup = await gql(
      `mutation($m: ID!) { createModel(id: $m, name: "Restart") { id }
         createZone(modelId: $m, input: { id: "ward", name: "Ward", kind: CLINICAL, entryPoint: false }) { id } }`,
      { m: MODEL },
    );
    expect(setup.errors).toBeUndefined();
    expect((await gql(CREATE_DEVICE, { m: MODEL, input: device('before') })).errors).toBeUndefined();

    await local.stop({ instance: INSTANCE });

    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(3000);

    const started = Date.now();
    // twelve writes on one model at once: the first goes alone, the others wait in the model's
    // queue and go as a group; every writer gets a clean SERVICE_UNAVAILABLE. (This stopped Neo4j
    // refuses connections at once, so answering the group as a whole or write by write takes about
    // as long: the test checks the answers, not how long the queue waited.)
    const [read, ...writes] = await Promise.all([
      gql(`query($m: ID!) { model(id: $m) { counts { devices } } }`, { m: MODEL }),
      ...Array.from({ length: 12 }, (_, i) => gql(CREATE_DEVICE, { m: MODEL, input: device(`during-${i}`) })),
    ]);
    for (const r of [read!, ...writes]) {
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(JSON.stringify(r)).not.toMatch(/Neo4jError|ECONNREFUSED|bolt:/);
    }
    // retried for RETRY_MS (with the driver's jittered back-off), then a clean answer
    expect(Date.now() - started).toBeLessThan(RETRY_MS + 5000);
    // now that the server knows the database is down, it answers at once instead of retrying again
    const again = Date.now();
    const fast = await gql(`{ models { id } }`);
    expect(fast.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(Date.now() - again).toBeLessThan(2000);
    expect((await readyz()).ms).toBeLessThan(3000);
    expect(server!.child.exitCode).toBeNull();

    // a single read (Database.query: an auto-commit transaction with its own retries) started
    // while Neo4j is down rides the outage out within its retry time, as a managed read does
    const riding = db!.query('catalogue/get-catalogue-version').then(
      () => 'answered',
      (e: unknown) => `failed: ${(e as Error).message}`,
    );
    await local.start({ port: PORT, instance: INSTANCE, fresh: false });
    expect(await riding).toBe('answered');
    expect((await readyWithin(30000)).status).toBe(200);

    expect((await gql(CREATE_DEVICE, { m: MODEL, input: device('after') })).errors).toBeUndefined();
    const after = await gql(`query($m: ID!) { model(id: $m) { devices { nodes { id } } } }`, { m: MODEL });
    const ids = (after.data?.['model'] as { devices: { nodes: { id: string }[] } }).devices.nodes.map((d) => d.id);
    expect(ids.sort()).toEqual(['after', 'before']);
    expect(server!.child.exitCode).toBeNull();
  }, 120000);
});
