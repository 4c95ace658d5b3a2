import { describe, expect, it } from '@jest/globals';
import { addressAllowed, canonicalEntry, validateEntries } from '../../../src/console-access/index.js';
import { sharedVerifiedContact } from '../../../src/my-info/index.js';
import type { User } from '../../../src/store/ports.js';

describe('console access IP rules (LOGIN-5)', () => {
  it('canonicalises addresses and CIDRs and refuses the rest', () => {
    expect(canonicalEntry(' 192.0.2.7 ')).toBe('192.0.2.7');
    expect(canonicalEntry('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(canonicalEntry('2001:DB8:0:0::/32')).toBe('2001:db8::/32');
    for (const bad of [
      '10.1',
      '010.0.0.1',
      '10.0.0.1/8',
      '10.0.0.0/33',
      '10.0.0.0/',
      '::/129',
      'example.com',
      '1.2.3.4/8/9',
      '',
    ])
      expect([bad, canonicalEntry(bad)]).toEqual([bad, null]);
  });

  it('matches IPv4, IPv6 and IPv4-mapped IPv6 clients; other families and garbage never match', () => {
    const entries = ['203.0.113.0/24', '2001:db8::/32', '192.0.2.7'];
    expect(addressAllowed(entries, '203.0.113.200')).toBe(true);
    expect(addressAllowed(entries, '::ffff:203.0.113.5')).toBe(true);
    expect(addressAllowed(entries, '2001:db8:1::1')).toBe(true);
    expect(addressAllowed(entries, '192.0.2.7')).toBe(true);
    expect(addressAllowed(entries, '192.0.2.8')).toBe(false);
    expect(addressAllowed(entries, '2001:db9::1')).toBe(false);
    expect(addressAllowed(entries, 'not-an-ip')).toBe(false);
  });

  it('reports count and entry problems together; off with no entries is fine', () => {
    expect(validateEntries(false, []).violations).toEqual([]);
    const r = validateEntries(
      true,
      Array.from({ length: 51 }, (_, i) => (i === 3 ? 'bad' : `10.${i}.0.0/16`)),
    );
    expect(r.violations.map((v) => v.code)).toEqual(['IP_CONTROL_TOO_MANY_ENTRIES', 'IP_CONTROL_INVALID_ENTRY']);
  });
});

describe('sharedVerifiedContact (LOGIN-8)', () => {
  const u = (email: User['email'], phone: User['phone'] = null) => ({ email, phone }) as User;
  it('needs the same contact verified on both sides', () => {
    expect(sharedVerifiedContact(u({ value: 'A@x.io', verified: true }), u({ value: 'a@x.io', verified: true }))).toBe(
      'email',
    );
    expect(
      sharedVerifiedContact(u({ value: 'a@x.io', verified: true }), u({ value: 'a@x.io', verified: false })),
    ).toBeNull();
    expect(
      sharedVerifiedContact(
        u(null, { value: '+82 10-1', verified: true }),
        u(null, { value: '+82101', verified: true }),
      ),
    ).toBe('phone');
    expect(
      sharedVerifiedContact(u({ value: 'a@x.io', verified: true }), u({ value: 'b@x.io', verified: true })),
    ).toBeNull();
  });
});
