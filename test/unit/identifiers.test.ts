/** Device network identifiers: parsing, canonical spelling and order (server/src/domain/identifiers.ts). */
import { isIP } from 'node:net';
import fc from 'fast-check';
import {
  isCanonicalIpAddress,
  isCanonicalMacAddress,
  normaliseIpAddress,
  normaliseMacAddress,
  sortIpAddresses,
} from '../../server/src/domain/identifiers';

const value = (r: ReturnType<typeof normaliseIpAddress>) => (r.ok ? r.value : `ERROR: ${r.message}`);

describe('normaliseIpAddress', () => {
  it.each([
    ['10.20.30.40', '10.20.30.40'],
    [' 192.168.1.1 ', '192.168.1.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['fe80::0202:b3ff:fe1e:8329', 'fe80::202:b3ff:fe1e:8329'],
    ['::1', '::1'],
    ['::FFFF:C000:0201', '::ffff:192.0.2.1'], // IPv4-mapped: dotted tail (RFC 5952 §5)
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('%s → %s', (input, expected) => {
    expect(value(normaliseIpAddress(input))).toBe(expected);
  });

  it.each([
    ['', 'must not be empty'],
    ['1.2.3', 'four dot-separated parts'],
    ['256.1.1.1', 'more than 255'],
    ['010.1.1.1', 'leading zero'],
    ['1.2.3.x', "'x' is not a decimal number"],
    ['10.0.0.0/8', 'network prefix'],
    ['fe80::1%eth0', 'zone index'],
    ['[2001:db8::1]', 'without brackets'],
    ['1::2::3', "'::' may appear only once"],
    ['1:2:3:4:5:6:7', 'eight groups'],
    ['1:2:3:4:5:6:7:8:9', 'eight groups'],
    ['1:2:3:4::5:6:7:8', 'at most seven other groups'],
    ['12345::1', "'12345' is not a group"],
    [':1:2:3:4:5:6:7', 'empty group'],
    ['0.0.0.0', 'placeholder'],
    ['255.255.255.255', 'placeholder'],
    ['::', 'unspecified'],
    ['host.example.org', 'not an IP address'],
  ])('refuses %j (%s)', (input, reason) => {
    const r = normaliseIpAddress(input);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(reason);
  });

  it('is idempotent and agrees with isCanonicalIpAddress (property)', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
    const v6 = fc
      .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
      .chain((groups) =>
        fc.constantFrom(
          groups.map((g) => g.toString(16)).join(':'),
          groups.map((g) => g.toString(16).toUpperCase().padStart(4, '0')).join(':'),
        ),
      );
    fc.assert(
      fc.property(fc.oneof(v4, v6), (address) => {
        const r = normaliseIpAddress(address);
        if (!r.ok) return /placeholder|unspecified/.test(r.message);
        const again = normaliseIpAddress(r.value);
        return again.ok && again.value === r.value && isCanonicalIpAddress(r.value);
      }),
    );
  });

  it('agrees with node:net on what an address is (property)', () => {
    const groups = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, fc.nat(7), fc.nat(8), (g, start, length) => {
        // compress a run of groups with ::, as people write addresses
        const end = Math.min(8, start + length);
        const parts = g.map((x) => x.toString(16));
        const text =
          length >= 2 && g.slice(start, end).every((x) => x === 0)
            ? `${parts.slice(0, start).join(':')}::${parts.slice(end).join(':')}`
            : parts.join(':');
        const r = normaliseIpAddress(text);
        return r.ok ? isIP(r.value) === 6 && isIP(text) === 6 : g.every((x) => x === 0);
      }),
    );
  });
});

describe('sortIpAddresses', () => {
  it('puts IPv4 first, then orders numerically, not by text', () => {
    expect(sortIpAddresses(['2001:db8::1', '10.0.0.10', '::ffff:1.2.3.4', '10.0.0.2', '9.9.9.9'])).toEqual([
      '9.9.9.9',
      '10.0.0.2',
      '10.0.0.10',
      '::ffff:1.2.3.4',
      '2001:db8::1',
    ]);
  });
  it('does not modify its input', () => {
    const input = ['10.0.0.10', '10.0.0.2'];
    sortIpAddresses(input);
    expect(input).toEqual(['10.0.0.10', '10.0.0.2']);
  });
});

describe('normaliseMacAddress', () => {
  it.each([
    ['00:1a:2b:3c:4d:5e', '00:1a:2b:3c:4d:5e'],
    ['00-1A-2B-3C-4D-5E', '00:1a:2b:3c:4d:5e'],
    ['001a.2b3c.4d5e', '00:1a:2b:3c:4d:5e'],
    ['001A2B3C4D5E', '00:1a:2b:3c:4d:5e'],
    ['0:1a:2b:3c:4d:5e', '00:1a:2b:3c:4d:5e'],
    [' AA:BB:CC:DD:EE:01 ', 'aa:bb:cc:dd:ee:01'],
  ])('%s → %s', (input, expected) => {
    expect(value(normaliseMacAddress(input))).toBe(expected);
  });

  it.each([
    ['', 'must not be empty'],
    ['00:1a:2b:3c:4d', 'not a MAC address'],
    ['00:1a:2b-3c:4d:5e', 'not a MAC address'],
    ['00:1a:2b:3c:4d:5g', 'not a MAC address'],
    ['001:a2:b3:c4:d5:e6', 'not a MAC address'],
    ['00:11:22:33:44:55:66:77', 'EUI-64'],
    ['00:00:00:00:00:00', 'placeholder'],
    ['FF-FF-FF-FF-FF-FF', 'placeholder'],
  ])('refuses %j (%s)', (input, reason) => {
    const r = normaliseMacAddress(input);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(reason);
  });

  it('gives the same canonical form for every way of writing one address (property)', () => {
    const bytes = fc.array(fc.nat(255), { minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(bytes, (b) => {
        const hex = b.map((x) => x.toString(16).padStart(2, '0'));
        const canonical = hex.join(':');
        if (canonical === '00:00:00:00:00:00' || canonical === 'ff:ff:ff:ff:ff:ff') return true;
        const spellings = [
          canonical,
          hex.join('-').toUpperCase(),
          hex.join(''),
          `${hex[0]}${hex[1]}.${hex[2]}${hex[3]}.${hex[4]}${hex[5]}`,
          b.map((x) => x.toString(16)).join(':'),
        ];
        return spellings.every((s) => value(normaliseMacAddress(s)) === canonical) && isCanonicalMacAddress(canonical);
      }),
    );
  });

  it('isCanonicalMacAddress is false for other spellings', () => {
    expect(isCanonicalMacAddress('00-1a-2b-3c-4d-5e')).toBe(false);
    expect(isCanonicalMacAddress('00:1A:2B:3C:4D:5E')).toBe(false);
  });
});
