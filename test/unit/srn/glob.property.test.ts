/** The glob matcher against a reference regex implementation (the check Cedar's `wildcard-matching` target makes). */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compileGlob } from '../../../src/srn/index.js';

function reference(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

const patternChars = fc.constantFrom('a', 'b', '/', ':', '*', '?', '.');
const valueChars = fc.constantFrom('a', 'b', '/', ':', '.', '*', '?');

describe('compileGlob', () => {
  it('agrees with the reference regex on random patterns and values', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: patternChars, maxLength: 10 }),
        fc.string({ unit: valueChars, maxLength: 14 }),
        (pattern, value) => {
          expect(compileGlob(pattern)(value)).toBe(reference(pattern).test(value));
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('agrees on values built to match (so the true branch is exercised as often as the false one)', () => {
    const fill = fc.string({ unit: valueChars, maxLength: 3 });
    fc.assert(
      fc.property(
        fc.string({ unit: patternChars, maxLength: 10 }),
        fc.array(fill, { minLength: 12, maxLength: 12 }),
        (pattern, fills) => {
          let i = 0;
          const value = [...pattern].map((c) => (c === '*' ? (fills[i++] ?? '') : c === '?' ? 'x' : c)).join('');
          expect(compileGlob(pattern)(value)).toBe(true);
          expect(reference(pattern).test(value)).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['*', '', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['a*b*c', 'abbc', true],
    ['a*b*c', 'acb', false],
    ['a?c', 'ac', false],
    ['??', 'ab', true],
    ['a*a', 'a', false],
    ['*?*', '', false],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(compileGlob(pattern)(value)).toBe(expected);
  });
});
