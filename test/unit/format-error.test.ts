/**
 * formatError of app.ts: which errors reach clients as they are (domain errors, GraphQL request
 * errors, the hardening codes) and which are masked (anything else: driver, Cypher, bugs); no
 * stack trace ever.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { makeFormatError } from '../../server/src/app';
import { NotFoundError, ValidationError } from '../../server/src/domain/errors';
import { rateLimitedError } from '../../server/src/http/rate-limit';

const logged: unknown[] = [];
const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
const format = makeFormatError(log);

/**
 * What Apollo hands formatError: the formatted error, `extensions.http` already taken off (it
 * becomes the HTTP status and headers), with a stack trace in extensions.
 */
function formatted(error: GraphQLError): GraphQLFormattedError {
  const { http: _http, ...extensions } = error.toJSON().extensions ?? {};
  return {
    ...error.toJSON(),
    extensions: { ...extensions, stacktrace: ['Error: x', '    at secret (/srv/server/src/x.ts:1:1)'] },
  };
}

describe('formatError', () => {
  it.each([
    [
      'GRAPHQL_VALIDATION_FAILED',
      new GraphQLError('Query depth limit of 12 exceeded, found 13.', {
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxDepth' },
      }),
    ],
    [
      'GRAPHQL_PARSE_FAILED',
      new GraphQLError('Syntax Error: Document contains more that 5000 tokens.', {
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      }),
    ],
    [
      'BAD_REQUEST',
      new GraphQLError('This operation has been blocked as a potential Cross-Site Request Forgery (CSRF).', {
        extensions: { code: 'BAD_REQUEST' },
      }),
    ],
    ['RATE_LIMITED', rateLimitedError(1500)],
  ])('passes %s through with its message and extensions, without the stack trace', (code, error) => {
    const out = format(formatted(error), error);
    expect(out.message).toBe(error.message);
    expect(out.extensions?.['code']).toBe(code);
    expect(out.extensions?.['stacktrace']).toBeUndefined();
    expect(JSON.stringify(out)).not.toMatch(/server\/src|at secret/);
  });

  it('keeps retryAfterMs on RATE_LIMITED', () => {
    const error = rateLimitedError(1500);
    expect(format(formatted(error), error).extensions).toEqual({ code: 'RATE_LIMITED', retryAfterMs: 1500 });
  });

  it('maps domain errors to their code, field and issues', () => {
    const v = new ValidationError([{ path: 'input.name', message: 'must not be blank' }]);
    expect(format(formatted(new GraphQLError(v.message, { originalError: v })), v)).toEqual({
      message: 'input.name: must not be blank',
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'input.name',
        issues: [{ path: 'input.name', message: 'must not be blank' }],
      },
    });
    const n = new NotFoundError("model 'x' does not exist", 'id');
    expect(format(formatted(new GraphQLError(n.message, { originalError: n })), n).extensions).toEqual({
      code: 'NOT_FOUND',
      field: 'id',
    });
  });

  it.each([
    [
      'a driver error',
      Object.assign(new Error('Neo4jError: MATCH (m:Model) ... connection refused'), { code: 'ServiceUnavailable' }),
    ],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    [
      'a GraphQLError with a code not on the allow-list',
      new GraphQLError('internal detail', { extensions: { code: 'SOMETHING_ELSE' } }),
    ],
  ])('masks %s as INTERNAL_SERVER_ERROR and logs it', (_what, error) => {
    logged.length = 0;
    const wrapped = error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
    const out = format(formatted(wrapped), error);
    expect(out).toEqual({
      message: 'Internal server error; the incident was logged',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toHaveLength(1);
  });
});
