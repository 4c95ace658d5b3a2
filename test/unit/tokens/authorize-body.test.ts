import { describe, expect, it } from '@jest/globals';
import { authorizeBody, simpleAuthorizeBody } from '../../../src/tokens/authorize.js';

/**
 * POL-9: `/v1/authorize` checks its most common body by hand (simpleAuthorizeBody) before the zod schema.
 * The hand check may only accept what the schema accepts, with the same result; everything else must be
 * left to the schema (undefined), which words the violations.
 */
const KEYS = ['token', 'action', 'resource', 'resources', 'context', 'accountId', 'projectId', 'extra', '__proto__'];
const VALUES: unknown[] = [
  '',
  'a',
  'ab',
  'abc',
  'iam:getUser',
  'x'.repeat(256),
  'x'.repeat(257),
  1,
  0,
  null,
  true,
  [],
  ['a'],
  {},
  { srn: 'a' },
  undefined,
];

function* bodies(): Generator<Record<string, unknown>> {
  // every body of one or two keys with every value, and of three with a few values for the third key
  for (let i = 0; i < KEYS.length; i++) {
    for (const vi of VALUES) {
      yield define({}, KEYS[i]!, vi);
      for (let j = i + 1; j < KEYS.length; j++) {
        for (const vj of VALUES) {
          const two = define(define({}, KEYS[i]!, vi), KEYS[j]!, vj);
          yield two;
          for (let k = j + 1; k < KEYS.length; k++)
            for (const vk of ['abc', 'srn:e::a:::scp-iam:user/u', '', 7, ['a'], { srn: 'b' }, {}])
              yield define({ ...two }, KEYS[k]!, vk);
        }
      }
    }
  }
}

// An own property even for `__proto__`, as a JSON parser would make it (and Bourne then refuses).
function define(o: Record<string, unknown>, k: string, v: unknown): Record<string, unknown> {
  return Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

describe('simpleAuthorizeBody (POL-9 hot path)', () => {
  it('accepts only what the schema accepts, with the same result', () => {
    let accepted = 0;
    let leftToSchema = 0;
    for (const body of bodies()) {
      const fast = simpleAuthorizeBody(body);
      const schema = authorizeBody.safeParse(body);
      if (fast === undefined) {
        if (schema.success) leftToSchema++;
        continue;
      }
      accepted++;
      expect({ body, ok: schema.success }).toEqual({ body, ok: true });
      expect(fast).toEqual(schema.data);
    }
    // Both paths are really exercised: the hand check takes many bodies, the schema the richer ones.
    expect(accepted).toBeGreaterThan(100);
    expect(leftToSchema).toBeGreaterThan(100);
  });

  it('takes the shapes services send', () => {
    const resource = 'srn:e::a:::scp-iam:user/u';
    for (const body of [
      { action: 'iam:getUser', resource },
      { token: 't', action: 'iam:getUser', resource, accountId: 'a', projectId: 'p' },
    ]) {
      expect(simpleAuthorizeBody(body)).toBe(body);
    }
  });

  it('leaves objects that are not plain, arrays and non-objects to the schema', () => {
    const nullProto = Object.assign(Object.create(null) as object, { action: 'iam:getUser', resource: 'r' });
    class Body {
      action = 'iam:getUser';
      resource = 'r';
    }
    for (const body of [nullProto, new Body(), ['iam:getUser'], 'action', null, undefined, 42])
      expect(simpleAuthorizeBody(body)).toBeUndefined();
  });
});
