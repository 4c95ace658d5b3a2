/** The Condition block (items 6, 7, 8, 19–30): operator names, qualifiers, keys and value types. */
import { parseOperator } from './conditions/operators.js';
import { childPath } from './issues.js';
import { MULTI_VALUED_KEYS, classifyKey, normalizeKey } from './keys.js';
import { isRecord, type ValidationContext } from './validate-context.js';

/** A JSON string, number or boolean, or a non-empty array of them, all read as strings (item 8). */
export function conditionValues(value: unknown): string[] | undefined {
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (scalar(value)) return [String(value)];
  if (!Array.isArray(value) || value.length === 0 || !value.every(scalar)) return undefined;
  return value.map(String);
}

export function checkCondition(ctx: ValidationContext, condition: unknown, path: string, isAllow: boolean): void {
  const { sink } = ctx;
  if (!isRecord(condition)) return sink.error('NOT_AN_OBJECT', path, 'Condition is an object of operators');
  for (const [operatorText, block] of Object.entries(condition)) {
    const opPath = childPath(path, operatorText);
    const op = parseOperator(operatorText);
    if (!op.ok) sink.error(op.code, opPath, op.message);
    if (!isRecord(block)) {
      sink.error('NOT_AN_OBJECT', opPath, 'an operator maps condition keys to values');
      continue;
    }
    if (op.ok && op.qualifier === 'ForAllValues' && isAllow && op.spec.family !== 'Null') {
      sink.warn(
        'WARN_FOR_ALL_VALUES_ALLOW',
        opPath,
        'ForAllValues is true when the key is absent, so this Allow also applies to requests without it',
      );
    }
    for (const [key, raw] of Object.entries(block)) {
      const keyPath = childPath(opPath, key);
      const source = classifyKey(key, ctx.registry);
      if (source.kind === 'unresolved') sink.error(source.code, keyPath, source.message);
      const values = conditionValues(raw);
      if (values === undefined) {
        sink.error(
          'CONDITION_VALUE_INVALID',
          keyPath,
          'a value is a string, number or boolean, or a non-empty array of them',
        );
        continue;
      }
      if (
        op.ok &&
        op.qualifier === undefined &&
        op.spec.family !== 'Null' &&
        MULTI_VALUED_KEYS.has(normalizeKey(key))
      ) {
        sink.warn(
          'WARN_MULTIVALUED_KEY_UNQUALIFIED',
          keyPath,
          `"${key}" is multi-valued; without a qualifier it behaves as ForAnyValue`,
        );
      }
      if (!op.ok) continue;
      values.forEach((v, i) => {
        const why = op.spec.checkValue(v);
        if (why !== undefined)
          sink.error(
            'CONDITION_VALUE_INVALID',
            Array.isArray(raw) ? childPath(keyPath, i) : keyPath,
            `${op.spec.name}: ${why}`,
          );
      });
    }
  }
}
