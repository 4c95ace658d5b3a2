/**
 * String family (item 20). `…IgnoreCase` also answers to the console's `…IsIgnoreCase` spelling (§2 row 2);
 * `Like` takes `*` and `?` (§2 row 3).
 */
import { compileGlob } from '../../srn/index.js';
import { NO, YES, operatorPair, type OperatorSpec, type ValueTest } from './types.js';

const anyString = (): undefined => undefined;

function equalsAny(values: readonly string[]): ValueTest {
  const first = values[0];
  if (values.length === 1) return (v) => (v === first ? YES : NO);
  const set = new Set(values);
  return (v) => (set.has(v) ? YES : NO);
}

const equalsIgnoringCase = (values: readonly string[]): ValueTest => {
  const test = equalsAny(values.map((v) => v.toLowerCase()));
  return (v) => test(v.toLowerCase());
};

const likeAny = (values: readonly string[]): ValueTest => {
  const globs = values.map(compileGlob);
  return (v) => (globs.some((g) => g(v)) ? YES : NO);
};

export const STRING_OPERATORS: readonly OperatorSpec[] = [
  ...operatorPair('String', ['StringEquals', 'StringNotEquals'], anyString, equalsAny),
  ...operatorPair('String', ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'], anyString, equalsIgnoringCase),
  ...operatorPair('String', ['StringLike', 'StringNotLike'], anyString, likeAny),
];

/** The seed's spellings (seed §2.7 string operator table), accepted as the same operators. */
export const STRING_ALIASES: Readonly<Record<string, string>> = {
  StringEqualsIsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotEqualsIsIgnoreCase: 'StringNotEqualsIgnoreCase',
};
