/**
 * Values that can never change, so that what is derived from one (an answer, its JSON text) may be kept by
 * the value's identity. Only what `deepFreeze` froze counts: a shallow `Object.freeze` elsewhere does not
 * promise anything about the objects inside.
 */
const deep = new WeakSet<object>();

/** Freezes a value and everything it holds (own enumerable properties, recursively), and marks it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !deep.has(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
    deep.add(value);
  }
  return value;
}

export function isDeepFrozen(value: unknown): boolean {
  return typeof value === 'object' && value !== null && deep.has(value);
}

const texts = new WeakMap<object, string>();

/** `JSON.stringify`, remembered per deep-frozen value (the hot API answers repeat the same one). */
export function toJson(value: unknown): string {
  if (!isDeepFrozen(value)) return JSON.stringify(value);
  const o = value as object;
  let text = texts.get(o);
  if (text === undefined) texts.set(o, (text = JSON.stringify(o)));
  return text;
}
