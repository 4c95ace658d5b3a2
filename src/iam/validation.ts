/**
 * Input rules of the IAM entities (TEN-3..6, ENT-1, ROLE-1/2, FED-1) as zod schemas whose refusals carry
 * stable codes, and `parseInput`, which reports every violation of an input at once (400
 * VALIDATION_FAILED, `details.violations[]` with `path`, `code`, `message`). Shapes and rules live
 * together so a form sees a wrong type, a long name and a 51st tag in one answer.
 */
import { z } from 'zod';
import { validationFailed, type Violation } from '../errors.js';
import {
  parseInput as sharedParseInput,
  toViolations as sharedToViolations,
  type ViolationMessages,
} from '../validation.js';

/** Limits that come from config (TEN-4, TEN-5); the spec's values are the defaults. */
export interface IamLimits {
  tagsPerResource: number;
  descriptionChars: number;
  maxPageSize: number;
}

export const DEFAULT_LIMITS: IamLimits = { tagsPerResource: 50, descriptionChars: 1000, maxPageSize: 100 };

/** Messages of the IAM codes; the generic ones (REQUIRED, UNKNOWN_FIELD) come with the converter. */
const MESSAGES: ViolationMessages = {
  NAME_TOO_SHORT: 'The name is too short.',
  NAME_TOO_LONG: 'The name is too long.',
  NAME_INVALID_CHARACTER: 'The name contains a character that is not allowed.',
  ALIAS_TOO_SHORT: 'An alias has at least 3 characters.',
  ALIAS_TOO_LONG: 'An alias has at most 63 characters.',
  ALIAS_INVALID_CHARACTER: 'An alias uses only a-z, 0-9 and "-".',
  DESCRIPTION_TOO_LONG: 'The description is too long.',
  TOO_MANY_TAGS: 'A resource carries at most 50 tags.',
  DUPLICATE_TAG_KEY: 'Tag keys must be unique per resource.',
};

/** The one converter (src/validation.ts) with the messages of the IAM codes. */
export function toViolations(error: z.ZodError): Violation[] {
  return sharedToViolations(error, MESSAGES);
}

/** The parsed input, or a 400 naming every violation; `extra` adds violations found outside the schema. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, extra: Violation[] = []): z.output<S> {
  return sharedParseInput(schema, input, extra, MESSAGES);
}

/** Throws one 400 when any violation was collected by hand. */
export function assertNoViolations(violations: Violation[]): void {
  if (violations.length > 0) throw validationFailed(violations);
}

// ── names (TEN-6) ──────────────────────────────────────────────────────────

function nameRule(min: number, max: number, chars: RegExp) {
  return z
    .string()
    .refine((s) => [...s].length >= min, { error: 'NAME_TOO_SHORT' })
    .refine((s) => [...s].length <= max, { error: 'NAME_TOO_LONG' })
    .refine((s) => chars.test(s), { error: 'NAME_INVALID_CHARACTER' });
}

const HANGUL_NAME = /^[\p{Script=Hangul}A-Za-z0-9+=,.@_-]*$/u;

/** TEN-6, exactly; projects (not in the table) follow the group rule with up to 64 characters. */
export const NAME_RULES = {
  user: nameRule(1, 64, /^[A-Za-z0-9+=,.@_-]*$/),
  group: nameRule(3, 24, HANGUL_NAME),
  policy: nameRule(3, 128, HANGUL_NAME),
  role: nameRule(1, 64, /^[A-Za-z0-9+=,.@_-]*$/),
  provider: nameRule(1, 128, /^[A-Za-z0-9,_-]*$/),
  project: nameRule(3, 64, HANGUL_NAME),
  account: z.string().min(1, { error: 'NAME_TOO_SHORT' }).max(64, { error: 'NAME_TOO_LONG' }),
} as const;

/** TEN-1: 3–63 of `[a-z0-9-]`. */
export const aliasRule = z
  .string()
  .min(3, { error: 'ALIAS_TOO_SHORT' })
  .max(63, { error: 'ALIAS_TOO_LONG' })
  .regex(/^[a-z0-9-]*$/, { error: 'ALIAS_INVALID_CHARACTER' });

// ── tags and descriptions (TEN-4, TEN-5) ───────────────────────────────────

const tag = z.strictObject({
  key: z.string().min(1, { error: 'TAG_KEY_EMPTY' }).max(128, { error: 'TAG_KEY_TOO_LONG' }),
  value: z.string().max(256, { error: 'TAG_VALUE_TOO_LONG' }),
});

export function tagsRule(limits: IamLimits) {
  return z.array(tag).superRefine((tags, ctx) => {
    if (tags.length > limits.tagsPerResource) ctx.addIssue({ code: 'custom', message: 'TOO_MANY_TAGS', path: [] });
    const seen = new Set<string>();
    tags.forEach((t, i) => {
      if (seen.has(t.key)) ctx.addIssue({ code: 'custom', message: 'DUPLICATE_TAG_KEY', path: [i, 'key'] });
      seen.add(t.key);
    });
  });
}

export function descriptionRule(limits: IamLimits) {
  return z.string().refine((s) => [...s].length <= limits.descriptionChars, { error: 'DESCRIPTION_TOO_LONG' });
}

/** The optimistic-concurrency token of an update (the entity's `version`, as from an If-Match header). */
export const versionRule = z.number().int().min(1, { error: 'VERSION_INVALID' });

/** Fields every entity's create and update accept; `description: null` removes it. */
export function commonFields(limits: IamLimits) {
  return { description: descriptionRule(limits).nullable().optional(), tags: tagsRule(limits).optional() };
}

export const idList = z.array(z.string().min(1)).max(100, { error: 'TOO_MANY_IDS' });
