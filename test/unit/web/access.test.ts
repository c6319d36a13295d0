import { ACTION_POLICY, can, inScope, roleAtLeast, type Principal } from '../../../web/src/api/permissions';
import { loginPath, safeNext } from '../../../web/src/app/next-path';

const principal = (role: Principal['role'], modelIds: string[] | null = null, kind: Principal['kind'] = 'USER') =>
  ({ kind, id: 'p', name: 'p', role, modelIds }) as Principal;

describe('web/src/api/permissions', () => {
  test('roles include the ones before them', () => {
    expect(roleAtLeast('ADMIN', 'EDITOR')).toBe(true);
    expect(roleAtLeast('EDITOR', 'EDITOR')).toBe(true);
    expect(roleAtLeast('VIEWER', 'EDITOR')).toBe(false);
    expect(roleAtLeast(null, 'VIEWER')).toBe(false);
  });

  test('a viewer reads and exports, and changes nothing', () => {
    const v = principal('VIEWER');
    expect(can(v, 'readModel', 'm1')).toBe(true);
    expect(can(v, 'exportModel', 'm1')).toBe(true);
    for (const a of ['createModel', 'importModel', 'editModel', 'acceptRecommendation', 'deleteModel'] as const)
      expect(can(v, a, 'm1')).toBe(false);
    expect(can(v, 'manageUsers')).toBe(false);
  });

  test('an editor edits models but has no admin pages', () => {
    const e = principal('EDITOR');
    expect(can(e, 'editModel', 'm1')).toBe(true);
    expect(can(e, 'acceptRecommendation', 'm1')).toBe(true);
    expect(can(e, 'deleteModel', 'm1')).toBe(false);
    for (const a of ['manageUsers', 'manageApiKeys', 'readAuditTrail'] as const) expect(can(e, a)).toBe(false);
  });

  test('an admin may do everything, on every model', () => {
    const a = principal('ADMIN', ['m1']);
    for (const action of Object.keys(ACTION_POLICY) as (keyof typeof ACTION_POLICY)[])
      expect(can(a, action, 'other')).toBe(true);
  });

  test('model scope limits model actions only; without a model id the role decides', () => {
    const e = principal('EDITOR', ['m1']);
    expect(inScope(e, 'm1')).toBe(true);
    expect(can(e, 'editModel', 'm1')).toBe(true);
    expect(can(e, 'editModel', 'm2')).toBe(false);
    expect(can(e, 'readModel', 'm2')).toBe(false);
    expect(can(e, 'importModel')).toBe(true);
  });

  test('anonymous callers and missing principals may do nothing', () => {
    expect(can(principal(null, null, 'ANONYMOUS'), 'readModel', 'm1')).toBe(false);
    expect(can(undefined, 'readModel')).toBe(false);
  });

  test('only local accounts change their own password', () => {
    expect(can(principal('VIEWER'), 'changeOwnPassword')).toBe(true);
    expect(can(principal('ADMIN', null, 'API_KEY'), 'changeOwnPassword')).toBe(false);
    expect(can(principal('ADMIN', null, 'DEV'), 'changeOwnPassword')).toBe(false);
  });
});

describe('web/src/app/next-path', () => {
  test('keeps paths of this app, query included', () => {
    expect(safeNext('/models/demo-hospital/report')).toBe('/models/demo-hospital/report');
    expect(safeNext('/admin/audit?modelId=x')).toBe('/admin/audit?modelId=x');
  });

  test('refuses other sites, odd schemes and the sign-in page itself', () => {
    for (const bad of [
      null,
      '',
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/login',
      '/login?next=/x',
    ])
      expect(safeNext(bad)).toBe('/');
  });

  test('the sign-in address carries the route to return to', () => {
    expect(loginPath('/')).toBe('/login');
    expect(loginPath('/models/a b')).toBe('/login?next=%2Fmodels%2Fa%20b');
    expect(safeNext(decodeURIComponent(loginPath('/models/x?y=1').split('next=')[1]!))).toBe('/models/x?y=1');
  });
});
