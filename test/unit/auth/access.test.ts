/**
 * Roles, model scope and the fail-closed access wrapper (no database): a root field without a
 * policy stops start-up, and authorize() answers UNAUTHENTICATED / FORBIDDEN as documented.
 */
import {
  ANONYMOUS,
  authorize,
  canAccessModel,
  roleAtLeast,
  type Principal,
} from '../../../server/src/domain/auth/principal';
import { ACCESS_POLICY, assertEveryRootFieldGuarded, guardRoot } from '../../../server/src/resolvers/access';
import { resolvers } from '../../../server/src/resolvers';
import { loadTypeDefs } from '../../../server/src/schema';

const user = (role: Principal['role'], modelIds: string[] | null = null): Principal => ({
  kind: 'USER',
  id: 'u',
  name: 'u',
  role,
  modelIds,
});
const codeOf = (f: () => void) => {
  try {
    f();
    return 'OK';
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('roles and scope', () => {
  it('orders roles viewer < editor < admin', () => {
    expect(roleAtLeast('ADMIN', 'EDITOR')).toBe(true);
    expect(roleAtLeast('EDITOR', 'EDITOR')).toBe(true);
    expect(roleAtLeast('VIEWER', 'EDITOR')).toBe(false);
    expect(roleAtLeast(null, 'VIEWER')).toBe(false);
  });

  it('limits scoped principals to their models; admins are never scoped', () => {
    expect(canAccessModel(user('EDITOR', ['a']), 'a')).toBe(true);
    expect(canAccessModel(user('EDITOR', ['a']), 'b')).toBe(false);
    expect(canAccessModel(user('ADMIN', ['a']), 'b')).toBe(true);
    expect(canAccessModel(ANONYMOUS, 'a')).toBe(false);
  });

  it('answers UNAUTHENTICATED for anonymous callers and FORBIDDEN otherwise', () => {
    expect(codeOf(() => authorize(ANONYMOUS, 'VIEWER'))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => authorize(user('VIEWER'), 'EDITOR'))).toBe('FORBIDDEN');
    expect(codeOf(() => authorize(user('EDITOR', ['a']), 'EDITOR', 'b'))).toBe('FORBIDDEN');
    expect(codeOf(() => authorize(user('EDITOR', ['a']), 'EDITOR', 'a'))).toBe('OK');
  });
});

describe('fail-closed access wrapper', () => {
  it('every root field of the schema has a policy and a resolver', () => {
    expect(() => assertEveryRootFieldGuarded(loadTypeDefs(), resolvers)).not.toThrow();
  });

  it('refuses to wrap a resolver without a policy', () => {
    expect(() => guardRoot('Mutation', { dropEverything: () => true })).toThrow(/no access policy/);
  });

  it('names a schema field that has no policy', () => {
    const sdl = `${loadTypeDefs()}\nextend type Mutation { dropEverything: Boolean }`;
    expect(() => assertEveryRootFieldGuarded(sdl, resolvers)).toThrow(/Mutation\.dropEverything/);
  });

  it('checks before the resolver runs', async () => {
    let ran = false;
    const wrapped = guardRoot('Mutation', {
      deleteModel: (..._args: unknown[]) => {
        ran = true;
        return true;
      },
    });
    const ctx = { principal: user('EDITOR') } as never;
    expect(() => wrapped.deleteModel(undefined as never, { id: 'a' } as never, ctx, undefined as never)).toThrow(
      /ADMIN/,
    );
    expect(ran).toBe(false);
    expect(ACCESS_POLICY.Mutation['deleteModel']).toEqual(expect.objectContaining({ role: 'ADMIN' }));
  });
});
