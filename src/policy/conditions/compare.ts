/**
 * The ordered families, Numeric and Date, share one shape: parse to a number, then Equals, NotEquals,
 * LessThan(Equals), GreaterThan(Equals). Only the parser and the family name differ.
 */
import { anyParsed, operatorPair, type OperatorFamily, type OperatorSpec } from './types.js';

type Compare = (request: number, policy: number) => boolean;

const ORDERED: readonly [suffix: string, negatedSuffix: string | undefined, compare: Compare][] = [
  ['Equals', 'NotEquals', (a, b) => a === b],
  ['LessThan', undefined, (a, b) => a < b],
  ['LessThanEquals', undefined, (a, b) => a <= b],
  ['GreaterThan', undefined, (a, b) => a > b],
  ['GreaterThanEquals', undefined, (a, b) => a >= b],
];

export function orderedOperators(
  family: OperatorFamily,
  parse: (raw: string) => number | undefined,
  expected: string,
): OperatorSpec[] {
  const checkValue = (v: string): string | undefined =>
    parse(v) === undefined ? `"${v}" is not ${expected}` : undefined;
  return ORDERED.flatMap(([suffix, negated, compare]) =>
    operatorPair(
      family,
      [family + suffix, negated === undefined ? undefined : family + negated],
      checkValue,
      (values) =>
        anyParsed(
          values.map((v) => parse(v) as number),
          parse,
          compare,
        ),
    ),
  );
}
