import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { testConfig } from '../../../src/config/load.js';
import { generatePassword, GENERATED_LENGTH } from '../../../src/passwords/generate.js';
import { checkFastRules, checkStrength, type PasswordIdentity } from '../../../src/passwords/rules.js';

const policy = testConfig().passwords;

/** TEN-6 usernames (1–64 of `A-Za-z0-9+=,.@_-`), TEN-1 ids (32 hex) and aliases (3–63 of `[a-z0-9-]`). */
const identities: fc.Arbitrary<PasswordIdentity> = fc.record({
  username: fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,64}$/),
  accountId: fc.stringMatching(/^[0-9a-f]{32}$/),
  accountAlias: fc.option(fc.stringMatching(/^[a-z0-9-]{3,63}$/), { nil: undefined }),
});

const RUNS = 10_000;
/**
 * zxcvbn costs ~17 ms (up to ~60 ms under jest) per 16-char random password, so 10,000 estimates would
 * take minutes: every other rule runs on all 10,000, the strength estimate on every 50th (200).
 */
const STRENGTH_EVERY = 50;

describe('ENT-2 generated passwords', () => {
  it(`${RUNS} generated passwords pass every rule for random users (strength on every ${STRENGTH_EVERY}th)`, () => {
    let run = 0;
    fc.assert(
      fc.property(identities, (identity) => {
        const pw = generatePassword(identity, policy);
        expect(pw).toHaveLength(GENERATED_LENGTH);
        expect(checkFastRules(pw, identity, policy)).toEqual([]);
        if (run++ % STRENGTH_EVERY === 0) expect(checkStrength(pw, identity, policy)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(run).toBe(RUNS);
  });

  it('never repeats itself (1,000 draws are distinct)', () => {
    const identity = { username: 'alice', accountId: '0123456789abcdef0123456789abcdef' };
    expect(new Set(Array.from({ length: 1000 }, () => generatePassword(identity, policy))).size).toBe(1000);
  });

  it('avoids a one-character username in either case', () => {
    for (let i = 0; i < 500; i++) expect(generatePassword({ username: 'q', accountId: 'x' }, policy)).not.toMatch(/q/i);
  });

  it('stays within a policy whose maximum is below 16', () => {
    expect(
      generatePassword({ username: 'alice', accountId: 'x' }, { ...policy, minLength: 9, maxLength: 12 }),
    ).toHaveLength(12);
  });

  it('fails loudly, instead of looping, when the policy cannot be met', () => {
    expect(() =>
      generatePassword({ username: 'alice', accountId: 'x' }, { ...policy, minLength: 1, maxLength: 3 }),
    ).toThrow(/cannot generate/);
  });
});
