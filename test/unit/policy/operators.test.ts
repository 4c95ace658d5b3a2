/** Per-operator unit tests of the compiled value tests (positive form; negation and qualifiers live in condition.ts). */
import { describe, expect, it } from '@jest/globals';
import { parseOperator, OPERATOR_NAMES } from '../../../src/policy/conditions/operators.js';
import { parseInstant } from '../../../src/policy/conditions/date.js';
import { ipInRange, parseIpRange } from '../../../src/policy/conditions/ip.js';
import type { OperatorSpec } from '../../../src/policy/conditions/types.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const spec = (name: string): OperatorSpec => {
  const p = parseOperator(name);
  if (!p.ok) throw new Error(`${name}: ${p.message}`);
  return p.spec;
};
const test = (name: string, values: string[]) => spec(name).compile(values, A);

// [operator, policy values, request value, expected: 1 match, 0 no match, 2 type error]
const TABLE: [string, string[], string, 0 | 1 | 2][] = [
  ['StringEquals', ['a', 'b'], 'b', 1],
  ['StringEquals', ['a'], 'A', 0],
  ['StringNotEquals', ['a'], 'a', 1], // the positive question; the condition negates it
  ['StringEqualsIgnoreCase', ['Ab'], 'aB', 1],
  ['StringNotEqualsIgnoreCase', ['Ab'], 'x', 0],
  ['StringLike', ['a*c?'], 'abbcd', 1],
  ['StringLike', ['a*c?'], 'abbc', 0],
  ['StringNotLike', ['x*'], 'xy', 1],
  ['NumericEquals', ['1.50'], '1.5', 1],
  ['NumericEquals', ['1'], '1e0', 2],
  ['NumericNotEquals', ['2'], '2', 1],
  ['NumericLessThan', ['2'], '1', 1],
  ['NumericLessThan', ['2'], '2', 0],
  ['NumericLessThanEquals', ['2'], '2', 1],
  ['NumericGreaterThan', ['2'], '3', 1],
  ['NumericGreaterThan', ['2'], '2', 0],
  ['NumericGreaterThanEquals', ['-2'], '-2', 1],
  ['DateEquals', ['2025-01-01'], '2025-01-01T00:00:00Z', 1],
  ['DateNotEquals', ['2025-01-01'], '2025-01-02', 0],
  ['DateLessThan', ['2025-01-01'], '2024-12-31T23:59:59.999Z', 1],
  ['DateLessThanEquals', ['2025-01-01'], '2025-01-01T00:00:00.001Z', 0],
  ['DateGreaterThan', ['0'], '1', 1],
  ['DateGreaterThanEquals', ['2025-01-01T01:00:00+01:00'], '2025-01-01', 1],
  ['DateEquals', ['0'], 'noon', 2],
  ['Bool', ['true'], 'True', 1],
  ['Bool', ['false'], 'true', 0],
  ['Bool', ['true'], '1', 2],
  ['IpAddress', ['10.0.0.0/8'], '10.255.255.255', 1],
  ['IpAddress', ['::/0'], '2001:db8::1', 1],
  ['NotIpAddress', ['::1'], '::1', 1],
  ['IpAddress', ['192.168.0.0/16'], '192.168.001.1', 2],
  ['SrnEquals', [`srn:e::${A}:::scp-iam:user/a`], `srn:e::${A}:::scp-iam:user/a`, 1],
  ['SrnLike', ['srn:e:::::scp-iam:user/?'], `srn:e::${A}:kr-west1::scp-iam:user/a`, 1],
  ['SrnNotEquals', [`srn:e::${A}:::scp-iam:user/a`], 'user/a', 2],
  ['SrnNotLike', ['srn:e:::::scp-iam:*'], `srn:e::${A}:::object-store:bucket/b`, 0],
];

describe('condition operators', () => {
  it.each(TABLE)('%s %j vs %s → %i', (name, values, value, expected) => {
    expect(test(name, values)(value)).toBe(expected);
  });

  it('covers every operator of POL-5 in the table above', () => {
    const tested = new Set(TABLE.map(([n]) => spec(n).name));
    const all = new Set(OPERATOR_NAMES.map((n) => spec(n).name));
    all.delete('Null'); // Null never reads a value: tested through conditions in the corpus
    expect([...all].filter((n) => !tested.has(n))).toEqual([]);
  });

  it('marks the negated operators', () => {
    const negated = OPERATOR_NAMES.filter((n) => spec(n).negated).sort();
    expect(negated).toEqual(
      [
        'DateNotEquals',
        'NotIpAddress',
        'NumericNotEquals',
        'SrnNotEquals',
        'SrnNotLike',
        'StringNotEquals',
        'StringNotEqualsIgnoreCase',
        'StringNotEqualsIsIgnoreCase',
        'StringNotLike',
      ].sort(),
    );
  });

  it('treats the console spelling …IsIgnoreCase as an alias', () => {
    expect(spec('StringEqualsIsIgnoreCase')).toBe(spec('StringEqualsIgnoreCase'));
    expect(spec('StringNotEqualsIsIgnoreCase')).toBe(spec('StringNotEqualsIgnoreCase'));
  });

  it.each([
    ['ForAnyValue:StringLike', true],
    ['ForAllValues:Null', true],
    ['IfExists:StringLike', false],
    ['StringLikeIfExists', false],
    ['Stringequals', false],
    ['ArnLike', false],
  ])('parses %s → ok %s', (name, ok) => {
    expect(parseOperator(name).ok).toBe(ok);
  });
});

describe('date parsing', () => {
  it.each([
    ['2025-01-01T00:00:00Z', Date.UTC(2025, 0, 1)],
    ['2025-01-01T09:30:00+09:30', Date.UTC(2025, 0, 1)],
    ['2025-01-01T00:00Z', Date.UTC(2025, 0, 1)],
    ['2025-01-01T00:00:00.25Z', Date.UTC(2025, 0, 1) + 250],
    ['1735689600', Date.UTC(2025, 0, 1)],
    ['2025-12-31', Date.UTC(2025, 11, 31)],
  ])('%s', (text, ms) => expect(parseInstant(text)).toBe(ms));

  it.each(['2025-13-01', '2025-02-29', '2025-01-01T24:00:00Z', '2025-01-01T00:00:00', '2025-1-1', 'Jan 1 2025', '1.5'])(
    'refuses %s',
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );
});

describe('IP parsing', () => {
  const inRange = (ip: string, cidr: string) => ipInRange(parseIpRange(ip)!, parseIpRange(cidr)!);
  it('masks host bits and handles /0', () => {
    expect(inRange('1.1.1.254', '1.1.1.1/24')).toBe(true);
    expect(inRange('255.255.255.255', '0.0.0.0/0')).toBe(true);
    expect(inRange('128.0.0.1', '0.0.0.0/1')).toBe(false);
  });
  it('reads IPv4-mapped IPv6 as IPv4 and compares IPv6 by prefix', () => {
    expect(parseIpRange('::ffff:192.0.2.1')).toEqual(parseIpRange('192.0.2.1'));
    expect(inRange('2001:db8:ffff::1', '2001:db8:8000::/33')).toBe(true);
    expect(inRange('2001:db8:7fff::1', '2001:db8:8000::/33')).toBe(false);
  });
  it.each([
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.1.1.1',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    '10.0.0.0/33',
    '::/129',
    'g::1',
  ])('refuses %s', (t) => {
    expect(parseIpRange(t)).toBeUndefined();
  });
});
