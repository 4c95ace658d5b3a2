/**
 * The one zod issue → violation converter (DESIGN §3). Every input schema of every capability is reported
 * through it, so one mistake has one code whichever route made it: an unknown field is `UNKNOWN_FIELD` (one
 * violation per key, at that key's path), a missing one `REQUIRED`, a wrong type `INVALID_TYPE`, a length or
 * number out of range `TOO_SMALL`/`TOO_BIG`, a value outside an enum or literal `INVALID_VALUE`, anything else
 * `INVALID`. A refinement that names its own code (`{ error: 'NAME_TOO_LONG' }`) keeps it. Paths are JSON
 * paths (`tags[3].key`); an issue of the body itself has the path `''`.
 */
import type { z } from 'zod';
import { validationFailed, type Violation } from './errors.js';

/** A message that is a SCREAMING_SNAKE code: the schema named the violation itself. */
const CODE = /^[A-Z][A-Z0-9_]+$/;

/** Messages of the generic codes; a capability adds its own codes' messages through `messages`. */
const GENERIC_MESSAGES: Readonly<Record<string, string>> = {
  REQUIRED: 'This field is required.',
  UNKNOWN_FIELD: 'This field is not accepted here.',
};

export type ViolationMessages = Readonly<Record<string, string>>;

function issueCode(issue: z.core.$ZodIssue): string {
  if (CODE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.includes('received undefined') ? 'REQUIRED' : 'INVALID_TYPE';
    case 'unrecognized_keys':
      return 'UNKNOWN_FIELD';
    case 'too_small':
      return 'TOO_SMALL';
    case 'too_big':
      return 'TOO_BIG';
    case 'invalid_value':
      return 'INVALID_VALUE';
    default:
      return 'INVALID';
  }
}

/** `['tags', 3, 'key']` → `tags[3].key`. */
export function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

export function toViolations(error: z.ZodError, messages: ViolationMessages = {}): Violation[] {
  const messageOf = (code: string): string | undefined => messages[code] ?? GENERIC_MESSAGES[code];
  return error.issues.flatMap((issue): Violation[] => {
    if (issue.code === 'unrecognized_keys') {
      const message = messageOf('UNKNOWN_FIELD') as string;
      return issue.keys.map((k) => ({ path: pathOf([...issue.path, k]), code: 'UNKNOWN_FIELD', message }));
    }
    const code = issueCode(issue);
    const message = messageOf(code) ?? (CODE.test(issue.message) ? code : issue.message);
    return [{ path: pathOf(issue.path), code, message }];
  });
}

/**
 * The parsed input, or one 400 VALIDATION_FAILED naming every violation (`extra`: violations found outside
 * the schema, reported in the same answer). A missing body is read as `{}`.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  extra: Violation[] = [],
  messages: ViolationMessages = {},
): z.output<S> {
  const result = schema.safeParse(input ?? {});
  const violations = [...(result.success ? [] : toViolations(result.error, messages)), ...extra];
  if (violations.length > 0 || !result.success) throw validationFailed(violations);
  return result.data;
}
