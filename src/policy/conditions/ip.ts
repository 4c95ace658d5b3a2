/**
 * IP family: CIDR membership for IPv4 and IPv6 (item 20). A bare address is /32 or /128; host bits set in
 * a policy CIDR are masked off (`1.1.1.1/24` ≡ `1.1.1.0/24`). An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
 * how Node reports dual-stack peers) is read as IPv4 (item 2). Zone ids (`%eth0`) are refused.
 */
import { NO, TYPE_ERROR, YES, operatorPair, type OperatorSpec } from './types.js';

/** IPv4: `v4` is the address as uint32. IPv6: `words` are its eight 16-bit groups. */
export interface IpRange {
  readonly v6: boolean;
  readonly v4: number;
  readonly words: readonly number[];
  readonly prefix: number;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted quad without leading zeros, by hand: request addresses are parsed on every evaluation. */
function parseV4(text: string): number | undefined {
  let n = 0,
    part = 0,
    digits = 0,
    dots = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return undefined;
      part = part * 10 + c - 48;
      if (++digits > 3) return undefined;
    } else return undefined;
  }
  return dots === 4 ? n : undefined;
}

function parseGroups(text: string, allowV4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (allowV4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseV4(part);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEX_GROUP.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

function parseV6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

const isMapped = (w: readonly number[]): boolean => w[5] === 0xffff && w.slice(0, 5).every((x) => x === 0);

function v4Range(address: number, prefix: number): IpRange {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { v6: false, v4: (address & mask) >>> 0, words: [], prefix };
}

/** An address or CIDR, masked to its prefix; undefined when it does not parse. */
export function parseIpRange(raw: string): IpRange | undefined {
  const slash = raw.indexOf('/');
  const addr = slash < 0 ? raw : raw.slice(0, slash);
  const prefixText = slash < 0 ? undefined : raw.slice(slash + 1);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const v4 = parseV4(addr);
  if (v4 !== undefined) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    return prefix > 32 ? undefined : v4Range(v4, prefix);
  }
  const words = addr.includes(':') ? parseV6(addr) : undefined;
  if (words === undefined) return undefined;
  const prefix = prefixText === undefined ? 128 : Number(prefixText);
  if (prefix > 128) return undefined;
  if (isMapped(words) && prefix >= 96) return v4Range((words[6] as number) * 65536 + (words[7] as number), prefix - 96);
  return { v6: true, v4: 0, words: words.map((w, i) => w & wordMask(prefix, i)), prefix };
}

function wordMask(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(16, prefix - 16 * index));
  return bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
}

/** Is the address `ip` (a /32 or /128 range) inside `range`? */
export function ipInRange(ip: IpRange, range: IpRange): boolean {
  if (ip.v6 !== range.v6) return false;
  if (!range.v6) return (ip.v4 & (range.prefix === 0 ? 0 : ~0 << (32 - range.prefix))) >>> 0 === range.v4;
  for (let i = 0; i < 8; i++)
    if (((ip.words[i] as number) & wordMask(range.prefix, i)) !== range.words[i]) return false;
  return true;
}

const checkIp = (v: string): string | undefined =>
  parseIpRange(v) === undefined ? `"${v}" is not an IP address or CIDR` : undefined;

export const IP_OPERATORS: readonly OperatorSpec[] = operatorPair(
  'Ip',
  ['IpAddress', 'NotIpAddress'],
  checkIp,
  (values) => {
    const ranges = values.map((v) => parseIpRange(v) as IpRange);
    // A dotted-quad request address (the common case) is tested as a number against the IPv4 ranges,
    // without building an IpRange; anything else takes the general path below.
    const v4Ranges = ranges.filter((r) => !r.v6);
    const v4Masks = v4Ranges.map((r) => (r.prefix === 0 ? 0 : ~0 << (32 - r.prefix)));
    return (raw) => {
      const quad = parseV4(raw);
      if (quad !== undefined) {
        for (let i = 0; i < v4Ranges.length; i++)
          if ((quad & (v4Masks[i] as number)) >>> 0 === (v4Ranges[i] as IpRange).v4) return YES;
        return NO;
      }
      const ip = raw.includes('/') ? undefined : parseIpRange(raw);
      if (ip === undefined) return TYPE_ERROR;
      for (const r of ranges) if (ipInRange(ip, r)) return YES;
      return NO;
    };
  },
);
