/**
 * graph/database.ts against the real database: queries run without the driver's call-site capture
 * (runWithoutCallSite) leave the process's stack trace limit as it was, whether they succeed or
 * fail, and a failing query is still translated into a domain error with the driver's error,
 * named by its query, as its cause.
 */
import { ConflictError } from '../../server/src/domain/errors';
import { TEST_ACTOR, TestHelper } from '../support/neo4j';

const t = new TestHelper();
beforeAll(() => t.init());
afterAll(() => t.close());

describe('queries without the call-site capture', () => {
  it('keep Error.stackTraceLimit, on success and on failure, and still translate errors', async () => {
    const limit = Error.stackTraceLimit;
    expect(limit).toBeGreaterThan(0);
    expect(await t.db.query('health/ping')).toHaveLength(1);
    expect(Error.stackTraceLimit).toBe(limit);

    const id = `db-${Math.random().toString(16).slice(2, 8)}`;
    await t.services.models.createModel(TEST_ACTOR, id, 'Database test');
    // a second model with the same id breaks the uniqueness constraint inside a write transaction
    const failed = await t.db
      .write((tx) =>
        tx.run('model/create-model', { modelId: id, name: 'again', description: null, formatVersion: '2.0' }),
      )
      .catch((e: unknown) => e);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(failed).toBeInstanceOf(ConflictError);
    const cause = (failed as ConflictError).cause as { code?: string; query?: string };
    expect(cause.code).toBe('Neo.ClientError.Schema.ConstraintValidationFailed');
    // no stack frames to say where it came from: the query's name instead
    expect(cause.query).toBe('model/create-model');
    // errors made by our own code after a query still carry their full stack
    expect(new Error('here').stack!.split('\n').length).toBeGreaterThan(2);
    await t.services.models.deleteModel(TEST_ACTOR, id);
  });
});
