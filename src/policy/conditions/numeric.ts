/** Numeric family: plain decimals (item 8), compared as IEEE doubles. */
import { orderedOperators } from './compare.js';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseDecimal(raw: string): number | undefined {
  return DECIMAL.test(raw) ? Number(raw) : undefined;
}

export const NUMERIC_OPERATORS = orderedOperators('Numeric', parseDecimal, 'a decimal number');
