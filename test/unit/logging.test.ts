/**
 * Structured logging: the process logger redacts secrets, and the GraphQL logging plugin writes one
 * line per request through the request's logger with operation, duration and error codes, never
 * the variables.
 */
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import type { Context } from '../../server/src/context';
import { createLogger, REDACTED } from '../../server/src/logger';
import { createLoggingPlugin } from '../../server/src/logging-plugin';

/** A logger at `level` whose JSON lines end up in the returned array. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger(level, stream), lines };
}

describe('process logger', () => {
  it('redacts Authorization and Cookie headers and password/token/secret fields at any depth', () => {
    const { log, lines } = capture();
    log.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 's=1', host: 'h' } },
        res: { headers: { 'set-cookie': 's=2' } },
        variables: { password: 'p1', input: { newPassword: 'p2', token: 't', name: 'kept' } },
        secret: 's',
      },
      'x',
    );
    const line = lines[0]!;
    expect(line['req']).toEqual({ headers: { authorization: REDACTED, cookie: REDACTED, host: 'h' } });
    expect(line['res']).toEqual({ headers: { 'set-cookie': REDACTED } });
    expect(line['variables']).toEqual({
      password: REDACTED,
      input: { newPassword: REDACTED, token: REDACTED, name: 'kept' },
    });
    expect(line['secret']).toBe(REDACTED);
    expect(line['name']).toBe('medthreat');
  });
});

describe('GraphQL logging plugin', () => {
  const apollo = new ApolloServer<Context>({
    typeDefs: 'type Query { hello(password: String): String! fail: String! }',
    resolvers: {
      Query: {
        hello: () => 'world',
        fail: () => {
          throw new Error('boom');
        },
      },
    },
    plugins: [createLoggingPlugin()],
  });
  beforeAll(() => apollo.start());
  afterAll(() => apollo.stop());

  const run = async (query: string, variables: Record<string, unknown> = {}, operationName?: string) => {
    const { log, lines } = capture();
    const contextValue = { log: log.child({ requestId: 'req-7' }), requestId: 'req-7' } as unknown as Context;
    await apollo.executeOperation({ query, variables, ...(operationName ? { operationName } : {}) }, { contextValue });
    return lines.filter((l) => l['msg'] === 'graphql request');
  };

  it('logs operation, root fields, duration and the request id, never the variables', async () => {
    const lines = await run('query Greet($p: String) { hello(password: $p) }', { p: 'hunter2' }, 'Greet');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      requestId: 'req-7',
      operationName: 'Greet',
      operationType: 'query',
      rootFields: ['hello'],
    });
    expect(typeof lines[0]!['durationMs']).toBe('number');
    expect(lines[0]!['errorCodes']).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('logs the error codes clients see; server-side failures at warn', async () => {
    const invalid = await run('{ nope }');
    expect(invalid[0]).toMatchObject({ level: 30, operationName: null, errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
    const failed = await run('{ fail }');
    expect(failed[0]).toMatchObject({ level: 40, rootFields: ['fail'], errorCodes: ['INTERNAL_SERVER_ERROR'] });
  });
});
