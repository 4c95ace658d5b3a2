import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { AppError, type Violation } from '../../src/errors.js';
import { parseInput as iamParse } from '../../src/iam/validation.js';
import { loginBody, parseInput as loginParse } from '../../src/login/inputs.js';
import { parseBody as tokensParse } from '../../src/tokens/input.js';
import { parseInput } from '../../src/validation.js';

function refusal(parse: () => unknown): Violation[] {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    return ((err as AppError).details as { violations: Violation[] }).violations;
  }
  throw new Error('expected a refusal');
}

const pairs = (v: Violation[]) => v.map((x) => `${x.path}:${x.code}`);

describe('one validation-error converter (issue 15, DESIGN §3)', () => {
  const schema = z.strictObject({
    name: z.string().min(2).max(4),
    kind: z.enum(['a', 'b']),
    count: z.number().int(),
    tags: z.array(z.strictObject({ key: z.string().refine((s) => s !== 'x', { error: 'TAG_KEY_RESERVED' }) })),
  });
  const bad = { kind: 'c', count: 'seven', tags: [{ key: 'ok' }, { key: 'x', extra: 1 }], other: true, more: 2 };

  it('names each mistake with one stable code at its JSON path, every violation at once', () => {
    expect(pairs(refusal(() => parseInput(schema, bad)))).toEqual([
      'name:REQUIRED',
      'kind:INVALID_VALUE',
      'count:INVALID_TYPE',
      'tags[1].key:TAG_KEY_RESERVED',
      'tags[1].extra:UNKNOWN_FIELD',
      'other:UNKNOWN_FIELD',
      'more:UNKNOWN_FIELD',
    ]);
    expect(pairs(refusal(() => parseInput(schema, { ...bad, name: 'n' })))[0]).toBe('name:TOO_SMALL');
    expect(pairs(refusal(() => parseInput(schema, { ...bad, name: 'nnnnn' })))[0]).toBe('name:TOO_BIG');
  });

  it('an issue of the body itself has the empty path; a missing body is read as {}', () => {
    expect(pairs(refusal(() => parseInput(schema, [1])))).toEqual([':INVALID_TYPE']);
    expect(pairs(refusal(() => parseInput(z.strictObject({ a: z.string() }), undefined)))).toEqual(['a:REQUIRED']);
  });

  it('IAM, login and token inputs give the same mistake the same code and path', () => {
    const answers = [iamParse, loginParse, tokensParse].map((parse) => pairs(refusal(() => parse(schema, bad))));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  // Observable change of issue 15 for the login/MFA/My Info and token bodies: zod codes upper-cased
  // (UNRECOGNIZED_KEYS at the parent, INVALID_TYPE for a missing field) and `(body)`/`a.0.b` paths are gone.
  it('login bodies: an unknown field is UNKNOWN_FIELD at its own path, a missing one REQUIRED', () => {
    const v = refusal(() => loginParse(loginBody, { account: 'acme', password: 'x', extra: true }));
    expect(pairs(v)).toEqual(['username:REQUIRED', 'extra:UNKNOWN_FIELD']);
    expect(v.map((x) => x.message)).toEqual(['This field is required.', 'This field is not accepted here.']);
  });

  it('messages: the generic codes have ours, a code the schema names is its own message unless a table has one', () => {
    const named = z.strictObject({ name: z.string().refine(() => false, { error: 'NAME_TOO_LONG' }), x: z.string() });
    const v = refusal(() => iamParse(named, { name: 'n' }));
    expect(v).toEqual([
      { path: 'name', code: 'NAME_TOO_LONG', message: 'The name is too long.' },
      { path: 'x', code: 'REQUIRED', message: 'This field is required.' },
    ]);
    const ownCode = z.object({ a: z.string().refine(() => false, { error: 'A_BAD' }) });
    const own = refusal(() => parseInput(ownCode, { a: '' }));
    expect(own).toEqual([{ path: 'a', code: 'A_BAD', message: 'A_BAD' }]);
  });
});
