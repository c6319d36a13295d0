import { GraphQLRequestError, describeError, fieldErrors, formFieldOf } from '../../../web/src/api/errors';
import { NO_FILTER, deviceMatches, isFilterActive, matchingDeviceIds } from '../../../web/src/graph/filter';
import { demoModel } from './demo-model';

describe('web/src/graph/filter', () => {
  const devices = demoModel().devices;

  test('no active filter shows everything', () => {
    expect(isFilterActive(NO_FILTER)).toBe(false);
    expect(matchingDeviceIds(devices, NO_FILTER)).toBeNull();
  });

  test('criteria combine: zone, class, category and case-insensitive text', () => {
    const f = { ...NO_FILTER, zoneId: 'z-icu-vlan', riskClass: 'C' as const };
    const ids = matchingDeviceIds(devices, f)!;
    expect(ids.size).toBeGreaterThan(0);
    for (const d of devices) expect(ids.has(d.id)).toBe(d.zoneIds.includes('z-icu-vlan') && d.riskClass === 'C');
    const icd = devices.find((d) => d.id === 'dev-icd')!;
    expect(deviceMatches(icd, { ...NO_FILTER, search: 'DEFIBRILLATOR' })).toBe(true);
    expect(deviceMatches(icd, { ...NO_FILTER, search: 'ventilator' })).toBe(false);
  });
});

describe('web/src/api/errors', () => {
  test('server paths map to form fields', () => {
    expect(formFieldOf('input.zoneIds[0]')).toBe('zoneIds');
    expect(formFieldOf('patch.name')).toBe('name');
    expect(formFieldOf('input.carries')).toBe('carries');
    expect(formFieldOf('document.devices[3].name')).toBe('document.devices[3].name');
  });

  test('issues and extensions.field become field messages, the first per field winning', () => {
    const e = new GraphQLRequestError([
      {
        message: 'input.name: must not be empty (and 1 more problem)',
        extensions: {
          code: 'BAD_USER_INPUT',
          field: 'input.name',
          issues: [
            { path: 'input.name', message: 'must not be empty' },
            { path: 'input.zoneIds[0]', message: "unknown zone 'nope'" },
            { path: 'input.zoneIds[1]', message: 'second' },
          ],
        },
      },
      { message: 'cost must be positive', extensions: { code: 'BAD_USER_INPUT', field: 'patch.cost' } },
    ]);
    expect(fieldErrors(e)).toEqual({
      name: 'must not be empty',
      zoneIds: "unknown zone 'nope'",
      cost: 'cost must be positive',
    });
    expect(e.code).toBe('BAD_USER_INPUT');
  });

  test('other errors name no field and still read well', () => {
    expect(fieldErrors(new Error('x'))).toEqual({});
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/Cannot reach the MedThreat server/);
    expect(
      describeError(new GraphQLRequestError([{ message: 'Too many paths', extensions: { code: 'ENGINE_LIMIT' } }])),
    ).toMatch(/narrow the analysis/);
    const guided = 'more than maxPaths 500 attack paths; narrow the search';
    expect(describeError(new GraphQLRequestError([{ message: guided, extensions: { code: 'ENGINE_LIMIT' } }]))).toBe(
      guided,
    );
  });

  test('a stale expectedVersion (CONFLICT with currentVersion) tells the user to reload', () => {
    const stale = new GraphQLRequestError([
      {
        message:
          "model 'm' is at version 7, not 6: it was changed by someone else since you loaded it; reload and try again",
        extensions: { code: 'CONFLICT', field: 'expectedVersion', currentVersion: 7 },
      },
    ]);
    expect(describeError(stale)).toMatch(/changed by someone else since you loaded it.*version 7.*Reload/);
    expect(fieldErrors(stale)).toEqual({ expectedVersion: expect.any(String) });
    // other conflicts keep the server's message
    const dup = new GraphQLRequestError([
      { message: 'duplicate id', extensions: { code: 'CONFLICT', field: 'input.id' } },
    ]);
    expect(describeError(dup)).toBe('duplicate id');
  });
});
