/**
 * Network identifiers of devices, as inventory systems (CMDB, SIEM, NAC, ticketing) send them:
 * IP addresses (IPv4 and IPv6) and MAC addresses (EUI-48). Parsing is strict about what an
 * address is and lenient about how it is written; the result is one canonical spelling, so that
 * two systems writing the same address differently match:
 *
 * - IPv4: dotted decimal `192.168.10.21` (four parts 0-255, no leading zeros);
 * - IPv6: RFC 5952 text: lower-case hex, no leading zeros in a group, the longest run (two or
 *   more) of zero groups written `::` (the first on a tie), an IPv4-mapped address with its last
 *   32 bits dotted (`::ffff:192.0.2.1`);
 * - MAC: lower-case, colon-separated `aa:bb:cc:dd:ee:ff` from `AA-BB-CC-DD-EE-FF`,
 *   `aabb.ccdd.eeff` (Cisco), `aabbccddeeff` or `a:b:c:d:e:f` (leading zeros dropped).
 *
 * Placeholders that inventories use for "unknown" (0.0.0.0, ::, 255.255.255.255,
 * 00:00:00:00:00:00, ff:ff:ff:ff:ff:ff) are refused: leave the field out instead.
 *
 * Pure functions, no I/O. Used by the exchange-document validation (domain/model-document.ts: a
 * stored address must already be canonical), by device create/update/upsert (input is
 * normalised) and by the device lookups.
 */

/** A parsed identifier: the canonical spelling, or why the input is not one. */
export type Normalised = { ok: true; value: string } | { ok: false; message: string };

const fail = (message: string): Normalised => ({ ok: false, message });

/** Longest text accepted before parsing (an IPv6 address with an IPv4 tail is 45 characters). */
const MAX_INPUT = 64;

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

/** The four bytes of a dotted-decimal IPv4 address, or a reason it is not one. */
function parseIpv4(text: string): number[] | string {
  const parts = text.split('.');
  if (parts.length !== 4) return 'an IPv4 address has four dot-separated parts, e.g. 192.168.10.21';
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return `'${part}' is not a decimal number 0-255`;
    if (part.length > 1 && part.startsWith('0')) {
      return `'${part}' has a leading zero, which some systems read as octal; write it without (e.g. ${Number(part)})`;
    }
    const n = Number(part);
    if (n > 255) return `'${part}' is more than 255`;
    bytes.push(n);
  }
  return bytes;
}

/** The eight 16-bit groups of an IPv6 address (optionally with an IPv4 tail), or a reason. */
function parseIpv6(text: string): number[] | string {
  const halves = text.split('::');
  if (halves.length > 2) return "'::' may appear only once in an IPv6 address";
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const words: number[][] = [[], []];
  const sides = halves.length === 2 ? [head, tail] : [head];
  for (let side = 0; side < sides.length; side++) {
    const groups = sides[side]!;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      const last = side === sides.length - 1 && i === groups.length - 1;
      if (last && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (typeof v4 === 'string') return `embedded IPv4 part: ${v4}`;
        words[side]!.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (g === '') return "has an empty group; use '::' once for a run of zero groups";
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return `'${g}' is not a group of 1-4 hexadecimal digits`;
      words[side]!.push(parseInt(g, 16));
    }
  }
  const given = words[0]!.length + words[1]!.length;
  if (halves.length === 1) {
    return given === 8 ? words[0]! : 'an IPv6 address has eight groups (or uses :: for a run of zero groups)';
  }
  if (given > 7) return "an IPv6 address with '::' has at most seven other groups";
  return [...words[0]!, ...new Array<number>(8 - given).fill(0), ...words[1]!];
}

/** RFC 5952 text of eight 16-bit groups. */
function formatIpv6(groups: number[]): string {
  // IPv4-mapped (::ffff:0:0/96): the last 32 bits dotted (RFC 5952 §5)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [a, b] = [groups[6]!, groups[7]!];
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * The canonical spelling of an IPv4 or IPv6 address.
 *
 * @param input e.g. "10.20.30.40", "2001:DB8:0:0::1", "::FFFF:c000:0201"; surrounding spaces
 *   are ignored.
 * @returns `{ ok: true, value }` with the canonical text ("2001:db8::1", "::ffff:192.0.2.1"), or
 *   `{ ok: false, message }` saying what is wrong: not an address, a prefix (`/24`), a zone
 *   index (`%eth0`), brackets, leading zeros in IPv4, or a placeholder (0.0.0.0, ::,
 *   255.255.255.255).
 */
export function normaliseIpAddress(input: string): Normalised {
  const text = input.trim();
  if (text === '') return fail('must not be empty');
  if (text.length > MAX_INPUT) return fail(`is not an IP address (more than ${MAX_INPUT} characters)`);
  if (text.includes('/')) return fail('is a network prefix, not an address; give the address without /length');
  if (text.includes('%')) return fail('has a zone index (%...), which means nothing outside one host; leave it out');
  if (text.startsWith('[')) return fail('write the address without brackets');
  if (text.includes(':')) {
    const groups = parseIpv6(text);
    if (typeof groups === 'string') return fail(`is not an IPv6 address: ${groups}`);
    if (groups.every((g) => g === 0)) return fail("is the unspecified address '::', not a device's address; omit it");
    return { ok: true, value: formatIpv6(groups) };
  }
  const bytes = parseIpv4(text);
  if (typeof bytes === 'string') return fail(`is not an IP address: ${bytes}`);
  const value = bytes.join('.');
  if (value === '0.0.0.0' || value === '255.255.255.255') {
    return fail(`is the placeholder '${value}', not a device's address; omit it`);
  }
  return { ok: true, value };
}

/** Sort key of a canonical address: IPv4 before IPv6, then numerically. */
function ipSortKey(address: string): string {
  const n = normaliseIpAddress(address);
  if (!n.ok) return `9${address}`;
  if (!n.value.includes(':')) {
    return `4${(parseIpv4(n.value) as number[]).map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  return `6${(parseIpv6(n.value) as number[]).map((g) => g.toString(16).padStart(4, '0')).join('')}`;
}

/**
 * Orders addresses for the canonical form of a device: IPv4 before IPv6, each numerically
 * (10.0.0.2 before 10.0.0.10); anything unparseable last, by text. Returns a new array.
 */
export function sortIpAddresses(addresses: readonly string[]): string[] {
  if (addresses.length < 2) return [...addresses];
  const keyed = addresses.map((a) => [ipSortKey(a), a] as const);
  keyed.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return keyed.map(([, a]) => a);
}

// ---------------------------------------------------------------------------------------------
// MAC addresses
// ---------------------------------------------------------------------------------------------

const MAC_FORMS =
  'write it as six hexadecimal bytes, e.g. aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or aabbccddeeff';

/**
 * The canonical spelling of an EUI-48 MAC address: lower-case, colon-separated.
 *
 * @param input e.g. "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e", "001A2B3C4D5E", "0:1a:2b:3c:4d:5e";
 *   surrounding spaces are ignored; separators must not be mixed.
 * @returns `{ ok: true, value: "00:1a:2b:3c:4d:5e" }`, or `{ ok: false, message }` for anything
 *   else, including EUI-64 (eight bytes) and the placeholders 00:00:00:00:00:00 and
 *   ff:ff:ff:ff:ff:ff (broadcast).
 */
export function normaliseMacAddress(input: string): Normalised {
  const text = input.trim().toLowerCase();
  if (text === '') return fail('must not be empty');
  if (text.length > MAX_INPUT) return fail(`is not a MAC address; ${MAC_FORMS}`);
  let bytes: string[] | null = null;
  if (/^[0-9a-f]{12}$/.test(text)) {
    bytes = text.match(/../g)!;
  } else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(text)) {
    bytes = text.replace(/\./g, '').match(/../g)!;
  } else {
    for (const sep of [':', '-']) {
      const parts = text.split(sep);
      if (parts.length === 6 && parts.every((p) => /^[0-9a-f]{1,2}$/.test(p))) {
        bytes = parts.map((p) => p.padStart(2, '0'));
      }
    }
  }
  if (!bytes) {
    const groups = text.split(/[:.-]/).length;
    return fail(
      groups === 8 || /^[0-9a-f]{16}$/.test(text)
        ? `looks like an EUI-64 (eight bytes); only EUI-48 MAC addresses (six bytes) are supported`
        : `is not a MAC address; ${MAC_FORMS}`,
    );
  }
  const value = bytes.join(':');
  if (value === '00:00:00:00:00:00' || value === 'ff:ff:ff:ff:ff:ff') {
    return fail(`is the placeholder '${value}', not a device's address; omit it`);
  }
  return { ok: true, value };
}

/** True when `address` is a MAC address in canonical form (what {@link normaliseMacAddress} returns). */
export function isCanonicalMacAddress(address: string): boolean {
  const n = normaliseMacAddress(address);
  return n.ok && n.value === address;
}

/** True when `address` is an IP address in canonical form (what {@link normaliseIpAddress} returns). */
export function isCanonicalIpAddress(address: string): boolean {
  const n = normaliseIpAddress(address);
  return n.ok && n.value === address;
}

/** The readable part of a generated id: lower-case ASCII letters and digits of `name`, dashes between, ≤ 32 characters ("ICU Pump 3" → "icu-pump-3"). */
export function nameSlug(name?: string): string {
  return (name ?? '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
}
