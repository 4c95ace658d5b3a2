import { describe, expect, it } from '@jest/globals';
import { testConfig } from '../../../src/config/load.js';
import { AppError } from '../../../src/errors.js';
import {
  checkPassword,
  passwordRejected,
  type PasswordIdentity,
  type PasswordRuleCode,
} from '../../../src/passwords/index.js';

const policy = testConfig().passwords;
const identity: PasswordIdentity = {
  username: 'alice',
  accountId: '0123456789abcdef0123456789abcdef',
  accountAlias: 'acme7',
};
const codes = (pw: string, id: PasswordIdentity = identity, p = policy): PasswordRuleCode[] =>
  checkPassword(pw, id, p).map((v) => v.code);

/** Passes every rule; each row below changes it in one way. */
const VALID = 'Kx7#mQ2!vR9z';

describe('a valid password', () => {
  it('has no violations', () => {
    expect(codes(VALID)).toEqual([]);
  });
});

describe('PWD-1 length (9–20 from config)', () => {
  it.each([
    ['Kx7#mQ2!', 8, ['PASSWORD_TOO_SHORT']],
    ['Kx7#mQ2!v', 9, []],
    ['Kx7#mQ2!vR9zTp5@Wn3%', 20, []],
    ['Kx7#mQ2!vR9zTp5@Wn3%b', 21, ['PASSWORD_TOO_LONG']],
  ])('%s (%i chars)', (pw, n, expected) => {
    expect(pw).toHaveLength(n);
    const got = codes(pw);
    for (const c of ['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG'] as const)
      expect(got.includes(c)).toBe(expected.includes(c));
  });

  it('follows the configured bounds', () => {
    expect(codes(VALID, identity, { ...policy, minLength: 13 })).toContain('PASSWORD_TOO_SHORT');
    expect(codes(VALID, identity, { ...policy, maxLength: 11 })).toContain('PASSWORD_TOO_LONG');
  });

  it('names the bound and the actual length in the message', () => {
    expect(checkPassword('Kx7#mQ2!', identity, policy)[0]?.message).toMatch(/at least 9 .*has 8/);
  });
});

describe('PWD-2 character classes', () => {
  it.each([
    ['kx7#mq2!vr9z', 'PASSWORD_MISSING_UPPERCASE'],
    ['KX7#MQ2!VR9Z', 'PASSWORD_MISSING_LOWERCASE'],
    ['Kxq#mQw!vRpz', 'PASSWORD_MISSING_DIGIT'],
    ['Kx7pmQ2wvR9z', 'PASSWORD_MISSING_SPECIAL'],
  ] as const)('%s → %s', (pw, code) => {
    expect(codes(pw)).toContain(code);
  });

  it.each([...'!@#$%&*^'])('accepts the special %s', (special) => {
    expect(codes(`Kx7${special}mQ2vR9z`)).toEqual([]);
  });

  it.each([
    ['a space', ' '],
    ['a tab', '\t'],
    ['other ASCII punctuation (-)', '-'],
    ['a double quote', '"'],
    ['a tilde', '~'],
    ['an accented Latin letter', 'é'],
    ['a Hangul syllable', '한'],
    ['an emoji', '😀'],
    ['a control character (NUL)', '\u0000'],
  ])('refuses %s and names it', (_kind, ch) => {
    const v = checkPassword(`Kx7#m${ch}Q2!vR9z`, identity, policy).filter(
      (x) => x.code === 'PASSWORD_INVALID_CHARACTER',
    );
    expect(v).toHaveLength(1);
    expect(v[0]?.message).toContain(JSON.stringify(ch));
  });

  it('names each refused character once', () => {
    const [v] = checkPassword('Kx7#m Q2 ~vR9z~', identity, policy).filter(
      (x) => x.code === 'PASSWORD_INVALID_CHARACTER',
    );
    expect(v?.message).toMatch(/remove " ", "~"\.$/);
  });
});

describe('PWD-3 names, case-insensitively', () => {
  it.each([
    ['Kx7#alice!9z', 'PASSWORD_CONTAINS_USERNAME'],
    ['Kx7#ALiCE!9z', 'PASSWORD_CONTAINS_USERNAME'],
    ['Kx#ACME7q!vz', 'PASSWORD_CONTAINS_ACCOUNT'],
    ['Kx#acme7q!vz', 'PASSWORD_CONTAINS_ACCOUNT'],
  ] as const)('%s → %s', (pw, code) => {
    expect(codes(pw)).toContain(code);
  });

  it('refuses the account id (needs a longer max to fit 32 hex chars)', () => {
    const pw = `Q!${identity.accountId.toUpperCase()}z`;
    expect(codes(pw, identity, { ...policy, maxLength: 40 })).toContain('PASSWORD_CONTAINS_ACCOUNT');
  });

  it('ignores a missing or empty alias', () => {
    expect(codes(VALID, { username: 'alice', accountId: identity.accountId })).toEqual([]);
    expect(codes(VALID, { ...identity, accountAlias: '' })).toEqual([]);
  });
});

describe('PWD-4 repeats', () => {
  it.each([
    ['Kx7#aaaQ2!vR', []],
    ['Kx7#aaaaQ2!v', ['PASSWORD_REPEATED_CHARACTERS']],
    ['Kx7#aaAaQ2!v', ['PASSWORD_REPEATED_CHARACTERS']],
    ['Kx7#!!!!Q2mv', ['PASSWORD_REPEATED_CHARACTERS']],
    ['Kx7#1111Q2mv', ['PASSWORD_REPEATED_CHARACTERS']],
  ])('%s', (pw, expected) => {
    expect(codes(pw).includes('PASSWORD_REPEATED_CHARACTERS')).toBe(expected.length > 0);
  });
});

describe('PWD-5 sequences (≥ 4, ascending or descending, case-insensitive, letters and digits apart)', () => {
  it.each([
    ['abc', 'Kx7#abcQ2!vR', false],
    ['abcd', 'Kx7#abcdQ2!v', true],
    ['4321', 'Kx7#4321Q!vR', true],
    ['WXYZ', 'Kp7#WXYZq2!v', true],
    ['dCbA', 'Kx7#dCbAQ2!v', true],
    ['6789', 'Kx#6789Q!vRz', true],
    ['letter run into digits: xyz0', 'Kq7#xyz0Q!vR', false],
    ['digit run into letters: 89ab', 'Kq#89abQ!vRz', false],
    ['no wrap-around: yzab', 'Kq7#yzabQ!vR', false],
    ['no wrap-around: 8901', 'Kq#8901Q!vRz', false],
    ['turning back: abcb', 'Kx7#abcbQ2!v', false],
  ])('%s', (_name, pw, refused) => {
    expect(codes(pw).includes('PASSWORD_SEQUENTIAL_CHARACTERS')).toBe(refused);
  });
});

describe('PWD-6 common list and strength', () => {
  it('refuses a listed word with a digit/special suffix ("password" is in zxcvbn’s common list)', () => {
    expect(codes('Password1!')).toContain('PASSWORD_TOO_COMMON');
    expect(codes('Qwerty2024#')).toContain('PASSWORD_TOO_COMMON');
  });

  it('strips only a trailing suffix: a prefix does not make it common (but zxcvbn still finds it weak)', () => {
    expect(codes('1!Password')).toEqual(['PASSWORD_TOO_WEAK']);
  });

  it('follows the configured strength threshold', () => {
    expect(codes('1!Password', identity, { ...policy, minStrengthScore: 0 })).toEqual([]);
  });

  it('does not run the estimate on a password already too long', () => {
    const long = 'Aa1!'.repeat(6);
    expect(codes(long)).toContain('PASSWORD_TOO_LONG');
    expect(codes(long)).not.toContain('PASSWORD_TOO_WEAK');
    expect(codes(long.slice(0, 20))).toContain('PASSWORD_TOO_WEAK');
  });
});

describe('PWD-9 every violation at once', () => {
  it('reports all five broken rules of one password', () => {
    expect(codes('aLice bcdefxyz')).toEqual([
      'PASSWORD_MISSING_DIGIT',
      'PASSWORD_MISSING_SPECIAL',
      'PASSWORD_INVALID_CHARACTER',
      'PASSWORD_CONTAINS_USERNAME',
      'PASSWORD_SEQUENTIAL_CHARACTERS',
    ]);
  });

  it('wraps them in one 400 PASSWORD_REJECTED with path "password"', () => {
    const err = passwordRejected(checkPassword('Kx7#mQ2!', identity, policy));
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('PASSWORD_REJECTED');
    expect(err.details).toEqual({
      violations: [
        { path: 'password', code: 'PASSWORD_TOO_SHORT', message: expect.any(String) },
        { path: 'password', code: 'PASSWORD_TOO_WEAK', message: expect.any(String) },
      ],
    });
  });
});
