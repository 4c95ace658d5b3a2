/**
 * The operator table and the parsing of `[ForAnyValue:|ForAllValues:]Operator` (items 6, 20, 23).
 * Names are case-sensitive; `…IfExists` is refused on purpose (item 36).
 */
import { BOOL_OPERATORS } from './bool.js';
import { DATE_OPERATORS } from './date.js';
import { IP_OPERATORS } from './ip.js';
import { NUMERIC_OPERATORS } from './numeric.js';
import { SRN_OPERATORS } from './srn.js';
import { STRING_ALIASES, STRING_OPERATORS } from './string.js';
import type { OperatorSpec } from './types.js';

export type Qualifier = 'ForAnyValue' | 'ForAllValues' | undefined;

const TABLE = new Map<string, OperatorSpec>(
  [
    ...STRING_OPERATORS,
    ...NUMERIC_OPERATORS,
    ...DATE_OPERATORS,
    ...BOOL_OPERATORS,
    ...IP_OPERATORS,
    ...SRN_OPERATORS,
  ].map((s) => [s.name, s]),
);
for (const [alias, name] of Object.entries(STRING_ALIASES)) TABLE.set(alias, TABLE.get(name) as OperatorSpec);

export const OPERATOR_NAMES: readonly string[] = [...TABLE.keys()];

export type ParsedOperator =
  | { readonly ok: true; readonly qualifier: Qualifier; readonly spec: OperatorSpec }
  | {
      readonly ok: false;
      readonly code: 'OPERATOR_UNKNOWN' | 'OPERATOR_IF_EXISTS' | 'QUALIFIER_UNKNOWN';
      readonly message: string;
    };

export function parseOperator(text: string): ParsedOperator {
  const colon = text.indexOf(':');
  const prefix = colon < 0 ? undefined : text.slice(0, colon);
  const name = colon < 0 ? text : text.slice(colon + 1);
  if (prefix !== undefined && prefix !== 'ForAnyValue' && prefix !== 'ForAllValues') {
    return {
      ok: false,
      code: 'QUALIFIER_UNKNOWN',
      message: `unknown qualifier "${prefix}" (ForAnyValue or ForAllValues, case-sensitive)`,
    };
  }
  const spec = TABLE.get(name);
  if (spec !== undefined) return { ok: true, qualifier: prefix, spec };
  if (name.endsWith('IfExists') && TABLE.has(name.slice(0, -'IfExists'.length))) {
    return {
      ok: false,
      code: 'OPERATOR_IF_EXISTS',
      message: `"${name}": …IfExists operators are not part of this language`,
    };
  }
  return {
    ok: false,
    code: 'OPERATOR_UNKNOWN',
    message: `unknown condition operator "${name}" (names are case-sensitive)`,
  };
}
