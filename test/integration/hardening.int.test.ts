/**
 * GraphQL hardening through the real HTTP server (server/src/main.ts as a child process, with
 * authentication on and the production defaults, a few limits made small through the
 * environment): CSRF prevention, introspection and sandbox off, depth and cost limits refusing
 * before anything runs, no stack traces, and the rate limits (general, and sign-in counted by
 * AuthService) answering 429.
 * The rate-limit tests run last: every request above counts towards the same client IP.
 */
import { startServerProcess, type ServerProcess } from '../support/server-process';

const RATE_LIMIT = 40;
const LOGIN_LIMIT = 3;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    MEDTHREAT_DEV_NO_AUTH: 'false',
    MEDTHREAT_GRAPHQL_MAX_DEPTH: '5',
    MEDTHREAT_RATE_LIMIT_POINTS: String(RATE_LIMIT),
    MEDTHREAT_RATE_LIMIT_WINDOW_S: '600',
    MEDTHREAT_LOGIN_RATE_LIMIT_POINTS: String(LOGIN_LIMIT),
  });
});

afterAll(() => server?.kill());

type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};

async function post(query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${server.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { res, text, body: JSON.parse(text) as Body };
}

/** No stack trace, source path or driver text anywhere in a response. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/stacktrace|node_modules|server\/src|\bat \w+ \(|Neo4jError|MATCH \(/);
}

describe('CSRF prevention', () => {
  it('serves an application/json POST', async () => {
    const { res, body } = await post('{ me { kind } }');
    expect(res.status).toBe(200);
    expect(body.data).toEqual({ me: { kind: 'ANONYMOUS' } });
    expect(res.headers.get('cache-control')).toBe('no-store'); // answers hold patients' data
  });

  it.each([
    ['text/plain', JSON.stringify({ query: '{ me { kind } }' })],
    ['application/x-www-form-urlencoded', 'query=%7B%20me%20%7B%20kind%20%7D%20%7D'],
  ])('refuses a simple %s POST (no preflight) with 400 BAD_REQUEST', async (contentType, payload) => {
    const res = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: payload,
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    const body = JSON.parse(text) as Body;
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
    expect(body.data).toBeUndefined();
    expectNoInternals(text);
  });

  it('refuses a GET query without a preflight header, serves it with one', async () => {
    const url = `${server.base}/graphql?query=${encodeURIComponent('{ me { kind } }')}`;
    const plain = await fetch(url);
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as Body).errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
    const preflighted = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect(((await preflighted.json()) as Body).data).toEqual({ me: { kind: 'ANONYMOUS' } });
  });
});

describe('introspection and sandbox (off by default)', () => {
  it('refuses introspection', async () => {
    const { res, text, body } = await post('{ __schema { types { name } } }');
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expectNoInternals(text);
  });

  it('serves no landing page to a browser', async () => {
    const res = await fetch(`${server.base}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await res.text()).not.toMatch(/sandbox|embeddable/i);
  });

  it('hides field suggestions', async () => {
    const { body } = await post('{ modles { id } }');
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe('depth and cost limits', () => {
  it('refuses a query deeper than MEDTHREAT_GRAPHQL_MAX_DEPTH (5 here)', async () => {
    const { res, text, body } = await post(
      '{ model(id: "demo-hospital") { attackPaths { paths { steps { attackMethod { id } } } } } }',
    );
    expect(res.status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Query depth limit of 5 exceeded, found 6.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDepth' },
    });
    expectNoInternals(text);
  });

  it('answers 40 aliased recommendControls at once with a validation error', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `r${i}: recommendControls { totalCost }`).join(' ');
    const started = Date.now();
    const { res, text, body } = await post(`{ model(id: "demo-hospital") { ${fields} } }`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors!.every((e) => e.extensions?.['code'] === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    expect(body.errors!.map((e) => e.message).join('\n')).toMatch(/Aliases limit of 15 exceeded, found 40/);
    expectNoInternals(text);
  });

  it('refuses three analysis fields in one request for their cost', async () => {
    const { res, body } = await post(
      '{ model(id: "demo-hospital") { recommendControls { totalCost } whatIf(placements: []) { riskReduction } attackGraph { entryPointIds } } }',
    );
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', maxCost: 1000 });
    expect(body.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the limit of 1000/);
  });

  it('refuses a costly document every time it comes, and costs @include by its variables', async () => {
    const costly =
      '{ model(id: "demo-hospital") { recommendControls { totalCost } whatIf(placements: []) { riskReduction } attackGraph { entryPointIds } } }';
    for (let i = 0; i < 2; i++) expect((await post(costly)).res.status).toBe(400);
    const conditional = `query($x: Boolean!) { model(id: "demo-hospital") { name
      recommendControls @include(if: $x) { totalCost } whatIf(placements: []) @include(if: $x) { riskReduction }
      attackGraph @include(if: $x) { entryPointIds } } }`;
    for (const x of [false, true, false]) {
      const { res, body } = await post(conditional, {}, { x });
      expect(res.status).toBe(x ? 400 : 200);
      if (x) expect(body.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the limit of 1000/);
    }
  });

  it('refuses a document over the token limit as a parse error', async () => {
    const { res, body } = await post(`{ me { ${'kind '.repeat(6000)} } }`);
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('errors carry no internals', () => {
  it('authentication, syntax and unknown-field errors', async () => {
    for (const query of ['{ models { id } }', '{ models { id ', 'mutation { nope }', '{ exportModel(id: "x") }']) {
      const { body, text } = await post(query);
      expect(body.errors?.length).toBeGreaterThan(0);
      expectNoInternals(text);
    }
  });
});

describe('rate limits (last: they use up this client IP)', () => {
  it('login attempts per username and IP: the one over the limit is 429 RATE_LIMITED', async () => {
    const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
    for (let i = 0; i < LOGIN_LIMIT; i++) {
      const { body } = await post(LOGIN, {}, { u: 'nobody-here', p: `guess-${i}` });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    const { res, text, body } = await post(LOGIN, {}, { u: 'Nobody-Here', p: 'one more guess' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(body.errors?.[0]?.extensions?.['retryAfterMs']).toBeGreaterThan(0);
    expectNoInternals(text);
    // another username from the same IP is still let through to the password check
    const other = await post(LOGIN, {}, { u: 'somebody-else', p: 'a guess' });
    expect(other.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('requests per client IP (anonymous): 429 RATE_LIMITED with retryAfterMs and Retry-After', async () => {
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i <= RATE_LIMIT && !refused; i++) {
      const r = await post('{ me { kind } }');
      if (r.res.status === 429) refused = r;
      else expect(r.res.status).toBe(200);
    }
    expect(refused).toBeDefined();
    const { res, text, body } = refused!;
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(body.errors?.[0]?.extensions?.['retryAfterMs']).toBeGreaterThan(0);
    expect(body.errors?.[0]?.message).toMatch(/^Too many requests: try again in \d+ s$/);
    expectNoInternals(text);
    // X-Forwarded-For is not believed unless MEDTHREAT_TRUST_PROXY says so: no fresh allowance
    expect((await post('{ me { kind } }', { 'x-forwarded-for': '203.0.113.7' })).res.status).toBe(429);
    // health checks are not GraphQL and stay available
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  });
});
