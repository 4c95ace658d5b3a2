/**
 * SRN family (item 20): values are SRN patterns with the Resource rules of POL-4, matched field by field
 * and case-sensitively. `Equals` and `Like` behave the same, as ArnEquals/ArnLike do in AWS. A request
 * value that is not an SRN is a type error (item 35), never a silent mismatch.
 */
import { compileSrnPattern, parseSrnPattern, parseSrn, srnParts, type SrnPattern } from '../../srn/index.js';
import { NO, TYPE_ERROR, YES, operatorPair, type OperatorSpec, type ValueTest } from './types.js';

const checkSrn = (v: string): string | undefined => {
  const r = parseSrnPattern(v);
  return r.ok ? undefined : r.error.message;
};

const compileSrnValues = (values: readonly string[], owner: string): ValueTest => {
  const patterns = values.map((v) => {
    const r = parseSrnPattern(v);
    return compileSrnPattern((r as { pattern: SrnPattern }).pattern, owner);
  });
  return (raw) => {
    const parsed = parseSrn(raw);
    if (!parsed.ok) return TYPE_ERROR;
    const parts = srnParts(parsed.srn);
    return patterns.some((p) => p.matchesParts(parts)) ? YES : NO;
  };
};

export const SRN_OPERATORS: readonly OperatorSpec[] = [
  ...operatorPair('Srn', ['SrnEquals', 'SrnNotEquals'], checkSrn, compileSrnValues),
  ...operatorPair('Srn', ['SrnLike', 'SrnNotLike'], checkSrn, compileSrnValues),
];
