/**
 * Bool (true/false in any case, item 8) and Null (item 25). Null's values say whether the key must be
 * absent (`true`) or present (`false`); it never reads the request value, so ../condition.ts handles it
 * before values are compared and its compiled test is never called with one.
 */
import { NO, TYPE_ERROR, YES, operatorPair, type OperatorSpec } from './types.js';

const BOOL = /^(?:true|false)$/i;

export function parseBool(raw: string): boolean | undefined {
  return BOOL.test(raw) ? raw.length === 4 : undefined;
}

const checkBool = (v: string): string | undefined =>
  parseBool(v) === undefined ? `"${v}" is not true or false` : undefined;

export const BOOL_OPERATORS: readonly OperatorSpec[] = [
  ...operatorPair('Bool', ['Bool', undefined], checkBool, (values) => {
    const wantTrue = values.some((v) => parseBool(v) === true);
    const wantFalse = values.some((v) => parseBool(v) === false);
    return (raw) => {
      const v = parseBool(raw);
      if (v === undefined) return TYPE_ERROR;
      return (v ? wantTrue : wantFalse) ? YES : NO;
    };
  }),
  ...operatorPair('Null', ['Null', undefined], checkBool, () => () => NO),
];
