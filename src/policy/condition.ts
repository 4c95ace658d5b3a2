/**
 * One compiled condition entry (operator × key), with the set semantics of items 21–25 applied once here:
 * - per value: a positive operator matches when some policy value matches, a negated one when none does;
 * - ForAllValues: every request value passes; true when the key is absent;
 * - ForAnyValue: some request value passes; false when absent;
 * - no qualifier: absent → false for positive operators, true for negated ones; otherwise ForAnyValue;
 * - Null ignores its qualifier and only asks whether the key is present ("" is present).
 * A type error anywhere (2) wins over any answer: errors never grant (item 35).
 */
import { NO, TYPE_ERROR, YES, type Tri, type ValueTest } from './conditions/types.js';
import type { Qualifier } from './conditions/operators.js';
import type { OperatorSpec } from './conditions/types.js';
import type { RequestView, ResourceView, Values } from './context.js';
import { caseInsensitiveLength, classifyKey, type KeySource } from './keys.js';
import type { ResourceRegistry } from './registry.js';

export interface CompiledCondition {
  /** `ForAllValues:StringEquals scp:TagKeys`, for explanations. */
  readonly label: string;
  /** The key no longer resolves in the registry: every evaluation is an error (item 30). */
  readonly unresolved: boolean;
  evaluate(request: RequestView, resource: ResourceView): Tri;
}

type Resolve = (request: RequestView, resource: ResourceView) => Values;

function resolver(source: KeySource): Resolve {
  switch (source.kind) {
    case 'request': {
      const ciLength = caseInsensitiveLength(source.name);
      return (req) => req.get(source.name, ciLength);
    }
    case 'resourceTag':
      return (_req, res) => res.tag(source.tag);
    case 'attribute':
      return (_req, res) => res.attribute(source.key);
    case 'unresolved':
      return () => undefined;
  }
}

function eachValue(values: string | readonly string[], test: ValueTest, negated: boolean, all: boolean): Tri {
  if (typeof values === 'string') {
    const r = test(values);
    return r === TYPE_ERROR ? r : negated ? ((1 - r) as Tri) : r;
  }
  let passed = 0;
  for (let i = 0; i < values.length; i++) {
    const r = test(values[i] as string);
    if (r === TYPE_ERROR) return TYPE_ERROR;
    if ((r === YES) !== negated) passed++;
  }
  return (all ? passed === values.length : passed > 0) ? YES : NO;
}

export function compileCondition(
  operatorText: string,
  qualifier: Qualifier,
  spec: OperatorSpec,
  key: string,
  values: readonly string[],
  ownerAccount: string,
  registry: ResourceRegistry,
): CompiledCondition {
  const source = classifyKey(key, registry);
  const resolve = resolver(source);
  const label = `${operatorText} ${key}`;
  const unresolved = source.kind === 'unresolved';
  const base = { label, unresolved };
  if (unresolved) return { ...base, evaluate: () => TYPE_ERROR };
  if (spec.family === 'Null') {
    const wantAbsent = values.some((v) => v.toLowerCase() === 'true');
    const wantPresent = values.some((v) => v.toLowerCase() === 'false');
    return {
      ...base,
      evaluate: (req, res) => ((resolve(req, res) === undefined ? wantAbsent : wantPresent) ? YES : NO),
    };
  }
  const test = spec.compile(values, ownerAccount);
  const negated = spec.negated;
  const all = qualifier === 'ForAllValues';
  const whenAbsent: Tri = all || (qualifier === undefined && negated) ? YES : NO;
  return {
    ...base,
    evaluate: (req, res) => {
      const v = resolve(req, res);
      return v === undefined ? whenAbsent : eachValue(v, test, negated, all);
    },
  };
}
