/**
 * One condition operator (item 20). Each family lives in its own file; `operators.ts` is the table.
 * An operator's test is always the *positive* question "does this request value match one of the policy
 * values?"; negation (item 21: NOR over the values) and the qualifiers (items 23–24) are applied once,
 * generically, in ../condition.ts.
 */
export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Ip' | 'Srn' | 'Null';

/** 0 = no match, 1 = match, 2 = the request value has the wrong type (an evaluation error, item 35). */
export type Tri = 0 | 1 | 2;
export const NO = 0;
export const YES = 1;
export const TYPE_ERROR = 2;

export type ValueTest = (requestValue: string) => Tri;

export interface OperatorSpec {
  readonly name: string;
  readonly family: OperatorFamily;
  readonly negated: boolean;
  /** Why a policy value does not parse for this operator, or undefined when it does (item 8). */
  readonly checkValue: (value: string) => string | undefined;
  /** Compiled once per policy; `ownerAccount` serves the Srn family's empty account field (item 14). */
  readonly compile: (values: readonly string[], ownerAccount: string) => ValueTest;
}

/** A positive operator and its negation share the value check and the compiled test. */
export function operatorPair(
  family: OperatorFamily,
  names: readonly [positive: string, negated: string | undefined],
  checkValue: OperatorSpec['checkValue'],
  compile: OperatorSpec['compile'],
): OperatorSpec[] {
  const [positive, negated] = names;
  const specs: OperatorSpec[] = [{ name: positive, family, negated: false, checkValue, compile }];
  if (negated !== undefined) specs.push({ name: negated, family, negated: true, checkValue, compile });
  return specs;
}

/** The test for parsed values: parse the request value once, then compare it with each policy value. */
export function anyParsed<T>(
  values: readonly T[],
  parse: (raw: string) => T | undefined,
  match: (request: T, policy: T) => boolean,
): ValueTest {
  return (raw) => {
    const v = parse(raw);
    if (v === undefined) return TYPE_ERROR;
    for (let i = 0; i < values.length; i++) if (match(v, values[i] as T)) return YES;
    return NO;
  };
}
