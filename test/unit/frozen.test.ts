import { describe, expect, it } from '@jest/globals';
import { deepFreeze, isDeepFrozen, toJson } from '../../src/frozen.js';

describe('frozen values (hot-path answers kept by identity)', () => {
  it('deepFreeze freezes every level and marks the value', () => {
    const v = deepFreeze({ a: [{ b: 1 }], c: { d: 'x' } });
    expect(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a[0]) && Object.isFrozen(v.c)).toBe(true);
    expect(() => {
      (v.a[0] as { b: number }).b = 2;
    }).toThrow(TypeError);
    expect(isDeepFrozen(v)).toBe(true);
  });

  it('a shallow Object.freeze promises nothing: its JSON is made afresh each time', () => {
    const inner = { n: 1 };
    const shallow = Object.freeze({ inner });
    expect(isDeepFrozen(shallow)).toBe(false);
    expect(toJson(shallow)).toBe('{"inner":{"n":1}}');
    inner.n = 2;
    expect(toJson(shallow)).toBe('{"inner":{"n":2}}');
  });

  it('toJson is JSON.stringify, remembered for deep-frozen values', () => {
    const v = deepFreeze({ allowed: true, deciding: [{ policyId: 'p', sid: null }] });
    const text = toJson(v);
    expect(text).toBe(JSON.stringify(v));
    expect(toJson(v)).toBe(text);
    for (const plain of [null, 'x', 3, [1, { a: undefined }]]) expect(toJson(plain)).toBe(JSON.stringify(plain));
  });
});
