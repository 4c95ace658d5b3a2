import { describe, expect, it } from '@jest/globals';
import {
  compileSrnPattern,
  formatSrn,
  parseSrn,
  parseSrnPattern,
  type Srn,
  type SrnPattern,
} from '../../../src/srn/index.js';
import { parseSrnFields } from '../../../src/srn/srn.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const B = '0123456789abcdef0123456789abcdef';

describe('parseSrn / formatSrn', () => {
  it('parses the TEN-2 example shape and formats it back', () => {
    const text = `srn:e::${A}:kr-west1::scp-iam:user/abc33`;
    const r = parseSrn(text);
    expect(r).toEqual({
      ok: true,
      srn: {
        offering: 'e',
        account: A,
        region: 'kr-west1',
        service: 'scp-iam',
        resourceType: 'user',
        resourceId: 'abc33',
      },
    });
    if (r.ok) expect(formatSrn(r.srn)).toBe(text);
  });

  it('keeps colons and slashes of the id in the 8th field', () => {
    const r = parseSrn(`srn:e::${A}:::object-store:bucket/foo/object/a:b`);
    expect(r.ok && r.srn.resourceId).toBe('foo/object/a:b');
  });

  it.each([
    ['srn:e::1234:::scp-iam:user/x', 'SRN_INVALID'], // the seed's short account ids
    [`srn:e::${A}:kr-west1::scp-iam:user`, 'SRN_INVALID'],
    [`srn:e::${A}:kr-west1::scp-iam:/x`, 'SRN_INVALID'],
    [`arn:e::${A}:::scp-iam:user/x`, 'SRN_INVALID'],
    [`srn:e:x:${A}:::scp-iam:user/x`, 'SRN_INVALID'],
    [`srn:e::${A}:::scp-iam:user/x*`, 'SRN_WILDCARD_NOT_ALLOWED'],
    [`srn:*::${A}:::scp-iam:user/x`, 'SRN_WILDCARD_NOT_ALLOWED'],
    [`srn:e::${A.toUpperCase()}:::scp-iam:user/x`, 'SRN_INVALID'],
    [`srn:e::${A}:::scp-iam:user/a b`, 'SRN_INVALID'],
  ])('refuses %s (%s)', (text, code) => {
    const r = parseSrn(text);
    expect(r.ok ? undefined : r.error.code).toBe(code);
    expect(parseSrnFields(text)).toBeUndefined();
  });

  it('the hot-path parser agrees with parseSrn on valid input', () => {
    const text = `srn:e::${A}:kr-west1::virtual-servers:instance/i-1/disk:0`;
    const r = parseSrn(text);
    expect(r.ok).toBe(true);
    expect(parseSrnFields(text)).toEqual({
      offering: 'e',
      account: A,
      region: 'kr-west1',
      service: 'virtual-servers',
      typeId: 'instance/i-1/disk:0',
      resourceType: 'instance',
    });
  });
});

describe('SRN patterns (POL-4)', () => {
  const compile = (p: string, owner = A) =>
    compileSrnPattern((parseSrnPattern(p) as { pattern: SrnPattern }).pattern, owner);

  it.each([
    `srn:*::${A}:kr-west1::scp-compute:instance/d1`,
    'srn:e::*:kr-west1::scp-compute:instance/d1',
    `srn:e::${A}:kr-west1::*:instance/d1`,
    `srn:e::${A.slice(0, 31)}?:kr-west1::scp-compute:instance/d1`,
  ])('refuses a wildcard in offering, account or service: %s', (p) => {
    const r = parseSrnPattern(p);
    expect(r.ok ? undefined : r.error.code).toBe('SRN_WILDCARD_NOT_ALLOWED');
  });

  it.each([
    `srn:e::${A}:*::scp-compute:instance/d1`,
    `srn:e::${A}:kr-*::scp-compute:instance/d1`,
    `srn:e::${A}:kr-west1::scp-compute:*/d1`,
    `srn:e::${A}:kr-west1::scp-compute:ins*/d1`,
    `srn:e::${A}:kr-west1::scp-compute:instance/*`,
    `srn:e::${A}:kr-west1::scp-compute:instance/d12*101`,
    'srn:e:::::scp-iam:user/*',
    '*',
  ])("accepts the seed's allowed forms: %s", (p) => {
    expect(parseSrnPattern(p).ok).toBe(true);
  });

  it('refuses a region in the account slot (the seed typo srn:e::kr-west1:::…)', () => {
    expect(parseSrnPattern('srn:e::kr-west1:::scp-iam:group/foo').ok).toBe(false);
  });

  it('reads an empty account as the owner and an empty region as any region', () => {
    const p = compile('srn:e:::::scp-iam:user/*', A);
    const srn = (acct: string, region: string) =>
      (parseSrn(`srn:e::${acct}:${region}::scp-iam:user/x`) as { ok: true; srn: Srn }).srn;
    expect(p.matches(srn(A, ''))).toBe(true);
    expect(p.matches(srn(A, 'kr-west1'))).toBe(true);
    expect(p.matches(srn(B, ''))).toBe(false);
    expect(compile('srn:e:::::scp-iam:user/*', B).matches(srn(B, ''))).toBe(true);
  });
});
