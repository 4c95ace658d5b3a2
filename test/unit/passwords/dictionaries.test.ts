import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import type * as LanguageEn from '@zxcvbn-ts/language-en';
import { RankedList, loadCommonData, loadEnglishData } from '../../../src/passwords/dictionaries.js';
import { isCommonPassword, strengthEstimate } from '../../../src/passwords/strength.js';

/**
 * PWD-6 held compactly (DESIGN §5 memory): the compact word lists must rank every word as zxcvbn's own
 * ranked objects do, and the gateway's matcher must estimate every password exactly as a stock zxcvbn
 * factory built from the same packages — the memory saving may not change a single verdict.
 */
const packages = createRequire(import.meta.url);
type Core = typeof ZxcvbnCore;
type Common = typeof LanguageCommon;
type En = typeof LanguageEn;
const core = packages('@zxcvbn-ts/core') as Core;
const common = packages('@zxcvbn-ts/language-common') as Common;
const en = packages('@zxcvbn-ts/language-en') as En;
const stockLists = { ...common.dictionary, ...en.dictionary } as Record<string, (string | number)[]>;
const stock = new core.ZxcvbnFactory({
  graphs: common.adjacencyGraphs,
  dictionary: stockLists,
  translations: en.translations,
});

/** zxcvbn's own ranking (helper.buildRankedDictionary): position + 1, a later duplicate overwriting. */
function stockRanks(list: readonly (string | number)[]): Map<string, number> {
  const ranks = new Map<string, number>();
  list.forEach((word, i) => ranks.set(String(word), i + 1));
  return ranks;
}

describe('RankedList (compact zxcvbn word list)', () => {
  it('ranks every word of every shipped list as zxcvbn does, and holds nothing else', () => {
    const compact = { ...loadCommonData().lists, ...loadEnglishData().lists };
    expect(Object.keys(compact).sort()).toEqual(Object.keys(stockLists).sort());
    for (const [name, list] of Object.entries(stockLists)) {
      const ranked = compact[name]!;
      const expected = stockRanks(list);
      for (const [word, rank] of expected)
        if (ranked.rank(word) !== rank) throw new Error(`${name}: ${word} → ${ranked.rank(word)}, zxcvbn ${rank}`);
      expect(ranked.maxWordLength).toBe(Math.max(0, ...list.map((w) => String(w).length)));
      for (const absent of ['', 'zq9xv', 'constructor', '__proto__', 'tostring', 'hasownproperty'])
        if (!expected.has(absent)) expect(ranked.rank(absent)).toBeUndefined();
    }
  });

  it('a duplicate keeps its last rank; prefixes, extensions and case variants of a word are misses', () => {
    const list = RankedList.of(['alpha', 'beta', 'alpha', 'gamma', 7]);
    expect([list.rank('alpha'), list.rank('beta'), list.rank('gamma'), list.rank('7')]).toEqual([3, 2, 4, 5]);
    expect([list.rank('alph'), list.rank('alphas'), list.rank('Alpha'), list.rank('')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(list.maxWordLength).toBe(5);
    expect(RankedList.of([]).rank('x')).toBeUndefined();
  });
});

describe('the gateway matcher estimates as stock zxcvbn (PWD-6 unchanged)', () => {
  const same = (password: string, inputs: string[]) => {
    const want = stock.check(password, inputs);
    expect({ password, ...strengthEstimate(password, inputs) }).toEqual({
      password,
      score: want.score,
      guesses: want.guesses,
    });
  };

  it.each([
    'Vq7#Lm2!pXr9',
    'password1',
    'P@ssw0rd!',
    'Tr0ub4dor&3',
    'correcthorsebatterystaple',
    'drowssap',
    'smithjohnson1990',
    'qwertyuiop',
    'zxcvbn',
    'January2024!',
    'Constructor7!q',
    'x__proto__Q1!',
    'ToString99#',
    'aaaaaaaaaa',
    'abc123abc123',
    'Ünïcödé-wörd',
    'jennifer1',
    'monkey$',
    '1qaz2wsx',
    'NorthEast7!',
  ])('%s', (password) => same(password, ['alice', 'acme7']));

  it('random words with l33t, reversal, case, digits and specials, with user inputs', () => {
    const words = [
      ...(stockLists['passwords-common'] ?? []).slice(0, 300),
      ...(stockLists['lastnames-en'] ?? []).slice(0, 300),
      ...(stockLists['commonWords-en'] ?? []).slice(0, 300),
    ].map(String);
    const l33t = (w: string) => w.replace(/a/g, '@').replace(/o/g, '0').replace(/e/g, '3').replace(/s/g, '$');
    const reverse = (w: string) => [...w].reverse().join('');
    const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
    const part = fc.oneof(
      fc.constantFrom(...words).chain((w) => fc.constantFrom(w, l33t(w), reverse(w), cap(w), w.toUpperCase())),
      fc.stringMatching(/^[0-9!@#$%&*^]{1,4}$/),
      fc.stringMatching(/^[A-Za-z0-9]{1,6}$/),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 3 }), fc.constantFrom('alice', 'bob'), (parts, user) =>
        same(parts.join('').slice(0, 40), [user, 'acme7']),
      ),
      { numRuns: 150 },
    );
  });

  it('the common list answers as before (the full list, lower-cased, a trailing suffix stripped)', () => {
    expect([
      isCommonPassword('Password1!'),
      isCommonPassword('QWERTY2024#'),
      isCommonPassword('1!password'),
      isCommonPassword('Vq7#Lm2!pXr9'),
    ]).toEqual([true, true, false, false]);
    const list = (stockLists['passwords-common'] ?? []).map(String);
    for (const word of [list[0]!, list[list.length - 1]!, list[list.length >> 1]!])
      expect(isCommonPassword(word)).toBe(true);
  });
});
