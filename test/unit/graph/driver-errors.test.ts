/**
 * translateDriverError: every way the driver says "the database is not reachable right now"
 * becomes SERVICE_UNAVAILABLE, so clients never see INTERNAL_SERVER_ERROR for an outage.
 */
import { Neo4jError } from 'neo4j-driver';
import { ConflictError, ServiceUnavailableError } from '../../../server/src/domain/errors';
import { translateDriverError } from '../../../server/src/graph/database';

/** A driver error as the driver builds it (code 'N/A' when it did not come from the server). */
const newError = (message: string, code = 'N/A', gqlStatus = '50N42') =>
  new Neo4jError(message, code as 'N/A', gqlStatus, 'error: general processing exception');

describe('translateDriverError', () => {
  it.each([
    ['connection refused', newError('Failed to connect to server', 'ServiceUnavailable')],
    ['session expired', newError('Session expired', 'SessionExpired')],
    ['transient', newError('Database unavailable', 'Neo.TransientError.General.DatabaseUnavailable')],
    ['acquisition timeout', newError('Connection acquisition timed out in 20000 ms. Pool status: ...')],
    ['closed pool', newError('Pool is closed, it is no more able to serve requests.')],
    ['socket error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7687'), { code: 'ECONNREFUSED' })],
    ['GQL connection exception', newError('connection lost', 'N/A', '08N06')],
  ])('maps %s to ServiceUnavailableError', (_name, error) => {
    const translated = translateDriverError(error);
    expect(translated).toBeInstanceOf(ServiceUnavailableError);
    expect((translated as ServiceUnavailableError).message).not.toMatch(/7687|Pool|ECONN/);
  });

  it('maps constraint violations to CONFLICT and leaves other errors alone', () => {
    expect(
      translateDriverError(newError('exists', 'Neo.ClientError.Schema.ConstraintValidationFailed')),
    ).toBeInstanceOf(ConflictError);
    const syntax = newError('bad', 'Neo.ClientError.Statement.SyntaxError');
    expect(translateDriverError(syntax)).toBe(syntax);
    const plain = new Error('some bug');
    expect(translateDriverError(plain)).toBe(plain);
  });
});
