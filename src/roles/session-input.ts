/**
 * AssumeRole's STS extras (issue 16 item 7): session tags, the source identity and the inline session
 * policy, with the rules AWS STS applies and our codes. Every violation comes back at once with its path
 * (`tags[3].key`, `policy.Statement[0].Action`), next to the body's other violations.
 *
 * - `tags`: `[{ key, value }]`, at most 50; keys 1–128 and values 0–256 characters of letters, digits,
 *   spaces and `_ . : / = + - @` (AWS's tag set); keys unique ignoring case, as STS has them; and at most
 *   2,048 UTF-8 bytes of keys and values together, so a fully tagged session's token still fits a header.
 * - `sourceIdentity`: 2–64 of `[\w+=,.@-]`, set once per chain (assume-role.ts).
 * - `policy`: a policy document (object or JSON text) of at most 2,048 bytes, valid as an identity policy
 *   for the shared validator.
 */
import { z } from 'zod';
import type { Violation } from '../errors.js';
import { validatePolicy } from '../policy/index.js';
import type { ViolationMessages } from '../validation.js';

export const MAX_SESSION_TAGS = 50;
export const MAX_SESSION_TAGS_BYTES = 2048;
export const MAX_SESSION_POLICY_BYTES = 2048;

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

export const SESSION_INPUT_MESSAGES: ViolationMessages = {
  SESSION_NAME_INVALID: 'A session name is 2–64 characters of letters, digits and + = , . @ _ -.',
  SOURCE_IDENTITY_INVALID: 'A source identity is 2–64 characters of letters, digits and + = , . @ _ -.',
  TOO_MANY_TAGS: `A session carries at most ${MAX_SESSION_TAGS} tags.`,
  DUPLICATE_TAG_KEY: 'Session tag keys must be unique, ignoring case.',
  TAG_KEY_EMPTY: 'A tag key is at least one character.',
  TAG_KEY_TOO_LONG: 'A tag key is at most 128 characters.',
  TAG_KEY_INVALID_CHARACTER: 'A tag key uses letters, digits, spaces and _ . : / = + - @ only.',
  TAG_VALUE_TOO_LONG: 'A tag value is at most 256 characters.',
  TAG_VALUE_INVALID_CHARACTER: 'A tag value uses letters, digits, spaces and _ . : / = + - @ only.',
  SESSION_TAGS_TOO_LARGE: `The session tags' keys and values are at most ${MAX_SESSION_TAGS_BYTES} bytes together.`,
  SESSION_POLICY_INVALID: 'The session policy is a policy document: a JSON object or its JSON text.',
};

const sessionTag = z.strictObject({
  key: z
    .string()
    .min(1, { error: 'TAG_KEY_EMPTY' })
    .max(128, { error: 'TAG_KEY_TOO_LONG' })
    .refine((k) => k === '' || TAG_KEY.test(k), { error: 'TAG_KEY_INVALID_CHARACTER' }),
  value: z
    .string()
    .max(256, { error: 'TAG_VALUE_TOO_LONG' })
    .refine((v) => TAG_VALUE.test(v), { error: 'TAG_VALUE_INVALID_CHARACTER' }),
});

export const sessionTagsRule = z.array(sessionTag).superRefine((tags, ctx) => {
  if (tags.length > MAX_SESSION_TAGS) ctx.addIssue({ code: 'custom', message: 'TOO_MANY_TAGS', path: [] });
  const seen = new Set<string>();
  let bytes = 0;
  tags.forEach((t, i) => {
    const folded = t.key.toLowerCase();
    if (seen.has(folded)) ctx.addIssue({ code: 'custom', message: 'DUPLICATE_TAG_KEY', path: [i, 'key'] });
    seen.add(folded);
    bytes += utf8(t.key) + utf8(t.value);
  });
  if (bytes > MAX_SESSION_TAGS_BYTES) ctx.addIssue({ code: 'custom', message: 'SESSION_TAGS_TOO_LARGE', path: [] });
});

export const sourceIdentityRule = z.string().regex(/^[\w+=,.@-]{2,64}$/, { error: 'SOURCE_IDENTITY_INVALID' });

/** Shape only: the document itself is judged by `checkSessionPolicy`, which reports its paths. */
export const sessionPolicyRule = z.union([z.string(), z.record(z.string(), z.unknown())], {
  error: 'SESSION_POLICY_INVALID',
});

/** `[{ key, value }]` → `{ key: value }` (keys as given; they are unique ignoring case). */
export function tagRecord(tags: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

/**
 * The session policy's JSON text exactly as validated (so it is the text measured), or null with its
 * violations added to `violations`. A value of the wrong type is left to the schema, which reports it once.
 */
export function checkSessionPolicy(policy: unknown, violations: Violation[]): string | null {
  const isObject = typeof policy === 'object' && policy !== null && !Array.isArray(policy);
  if (typeof policy !== 'string' && !isObject) return null;
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
  const result = validatePolicy(text, { kind: 'identity', maxBytes: MAX_SESSION_POLICY_BYTES });
  if (result.ok) return text;
  for (const e of result.errors)
    violations.push({ path: `policy${e.path.replace(/^\$/, '')}`, code: e.code, message: e.message });
  return null;
}
