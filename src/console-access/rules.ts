import ipaddr from 'ipaddr.js';
import type { Violation } from '../errors.js';

/** LOGIN-5 limits. */
export const MAX_ENTRIES = 50;

type Net = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * One entry: an IPv4 address (dotted four-part decimal only — ipaddr.js would also read `10.1` or octal
 * forms, which people do not mean), an IPv6 address, or either as a CIDR. Returns the canonical text
 * (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`) or null. A CIDR with host bits set is refused: `10.0.0.1/8`
 * is almost always a typo for a single address or for `10.0.0.0/8`.
 */
export function canonicalEntry(raw: string): string | null {
  const text = raw.trim();
  const [addr, bits, extra] = text.split('/');
  if (addr === undefined || extra !== undefined) return null;
  const isV4 = ipaddr.IPv4.isValidFourPartDecimal(addr);
  if (!isV4 && !ipaddr.IPv6.isValid(addr)) return null;
  const ip = ipaddr.parse(addr);
  const max = isV4 ? 32 : 128;
  if (bits === undefined) return ip.toString();
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return null;
  const prefix = Number(bits);
  const network = isV4 ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  return network.toString() === ip.toString() ? `${ip.toString()}/${prefix}` : null;
}

/** Every problem at once (count, each bad entry with its index, duplicates), as VALIDATION_FAILED violations. */
export function validateEntries(
  enabled: boolean,
  entries: readonly string[],
): { violations: Violation[]; canonical: string[] } {
  const violations: Violation[] = [];
  if (enabled && entries.length === 0)
    violations.push({
      path: 'entries',
      code: 'IP_CONTROL_ENTRIES_REQUIRED',
      message: 'Add at least one address or CIDR before turning IP control on.',
    });
  if (entries.length > MAX_ENTRIES)
    violations.push({
      path: 'entries',
      code: 'IP_CONTROL_TOO_MANY_ENTRIES',
      message: `At most ${MAX_ENTRIES} entries.`,
    });
  const canonical: string[] = [];
  entries.forEach((raw, i) => {
    const c = canonicalEntry(raw);
    if (c === null)
      violations.push({
        path: `entries[${i}]`,
        code: 'IP_CONTROL_INVALID_ENTRY',
        message: 'Not an IPv4/IPv6 address or CIDR.',
      });
    else if (canonical.includes(c))
      violations.push({
        path: `entries[${i}]`,
        code: 'IP_CONTROL_DUPLICATE_ENTRY',
        message: 'The same entry appears twice.',
      });
    else canonical.push(c);
  });
  return { violations, canonical };
}

function toNet(entry: string): Net | null {
  try {
    if (entry.includes('/')) return ipaddr.parseCIDR(entry);
    const ip = ipaddr.parse(entry);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** Whether `clientIp` is inside one of the entries. IPv4-mapped IPv6 addresses count as their IPv4 address. */
export function addressAllowed(entries: readonly string[], clientIp: string): boolean {
  if (!ipaddr.isValid(clientIp)) return false;
  let ip = ipaddr.parse(clientIp);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return entries.some((e) => {
    const net = toNet(e);
    return net !== null && net[0].kind() === ip.kind() && ip.match(net);
  });
}
