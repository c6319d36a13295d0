/**
 * The server as a process over HTTP: start-up seeding, health and readiness, GraphQL over POST,
 * request ids, masked internal errors, and graceful shutdown on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_ADMIN_PASSWORD } from '../support/neo4j';

const ROOT = path.resolve(__dirname, '../..');
let server: ChildProcess;
let base = '';
const logs: string[] = [];

beforeAll(async () => {
  server = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      MEDTHREAT_LOAD_DEMO: 'true',
      LOG_LEVEL: 'info',
      MEDTHREAT_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('')}`)), 90000);
    server.stdout!.on('data', (chunk: Buffer) => {
      logs.push(chunk.toString());
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes('MedThreat listening')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url.replace(/\/$/, ''));
      }
    });
    server.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.join('')}`)));
  });
});

afterAll(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
});

let token = '';
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  const res = await post({
    query: 'mutation($p: String!) { login(username: "admin", password: $p) { token } }',
    variables: { p: TEST_ADMIN_PASSWORD },
  });
  const body = (await res.json()) as { data?: { login: { token: string } }; errors?: unknown };
  if (!body.data) throw new Error(`admin sign-in failed: ${JSON.stringify(body)}`);
  token = body.data.login.token;
});

describe('HTTP server', () => {
  it('answers liveness and readiness (database and catalogue)', async () => {
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    // browser security headers on every answer (helmet): no framing, only this origin's scripts
    expect(live.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(live.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    expect(live.headers.get('x-powered-by')).toBeNull();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: true, catalogue: true });
  });

  it('serves GraphQL over POST with the demo model loaded at start-up, echoing a request id', async () => {
    const res = await post({ query: '{ models { id counts { devices } } }' }, { 'x-request-id': 'workshop-42' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('workshop-42');
    const body = (await res.json()) as { data: { models: { id: string; counts: { devices: number } }[] } };
    expect(body.data.models.find((m) => m.id === 'demo-hospital')?.counts.devices).toBeGreaterThanOrEqual(30);
  });

  it('returns typed errors without stack traces or driver text', async () => {
    const res = await post({ query: '{ exportModel(id: "nope") }' });
    const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions['code']).toBe('NOT_FOUND');
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|Neo4jError|MATCH \(/);
    const invalid = await post({ query: '{ models { nonexistentField } }' });
    const ib = (await invalid.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(ib.errors[0]!.extensions['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(ib)).not.toContain('stacktrace');
  });

  it('rejects an oversized or malformed body with a JSON error, no stack trace, and stays up', async () => {
    const huge = 'x'.repeat(11 * 1024 * 1024);
    const res = await post({ query: '{ models { id } }', variables: { pad: huge } });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(JSON.stringify(body)).not.toMatch(/node_modules|at /);
    const malformed = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ models { id } }"',
    });
    expect(malformed.status).toBe(400);
    const mb = (await malformed.json()) as { errors: { extensions: { code: string } }[] };
    expect(mb.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(mb)).not.toContain('node_modules');
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
  });

  it('authenticates over HTTP: anonymous is refused, a bad token is 401, a session and an API key work', async () => {
    const anonymous = await post({ query: '{ models { id } }' }, { authorization: '' });
    const ab = (await anonymous.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect(ab.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(ab.data).toBeNull();
    const me = await post({ query: '{ me { kind role } }' }, { authorization: '' });
    expect(((await me.json()) as { data: unknown }).data).toEqual({ me: { kind: 'ANONYMOUS', role: null } });

    const forged = await post({ query: '{ models { id } }' }, { authorization: `Bearer ${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'UNAUTHENTICATED',
    );

    const created = await post({
      query: `mutation { createApiKey(input: { name: "siem", role: VIEWER, modelIds: ["demo-hospital"] }) {
        secret apiKey { id prefix } } }`,
    });
    const key = ((await created.json()) as { data: { createApiKey: { secret: string; apiKey: { id: string } } } }).data
      .createApiKey;
    const asKey = { authorization: `Bearer ${key.secret}` };
    const listed = (await (await post({ query: '{ models { id } }' }, asKey)).json()) as {
      data: { models: { id: string }[] };
    };
    expect(listed.data.models.map((m) => m.id)).toEqual(['demo-hospital']);
    const write = (await (
      await post(
        {
          query:
            'mutation { createZone(modelId: "demo-hospital", input: { name: "x", kind: CLINICAL, entryPoint: false }) { id } }',
        },
        asKey,
      )
    ).json()) as { errors: { extensions: { code: string } }[] };
    expect(write.errors[0]!.extensions.code).toBe('FORBIDDEN');

    await post({ query: `mutation { revokeApiKey(id: "${key.apiKey.id}") { revokedAt } }` });
    const revoked = await post({ query: '{ models { id } }' }, asKey);
    expect(revoked.status).toBe(401);
  });

  it('shuts down gracefully on SIGTERM (drains, closes the driver, exits 0)', async () => {
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.join('')).toContain('shutting down');
  });
});
