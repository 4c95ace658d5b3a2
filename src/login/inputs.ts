import { z } from 'zod';

/**
 * Request bodies of the JSON login API (LOGIN-2), validated at the edge (style.md §8.10). Lengths are
 * generous upper bounds that keep junk away from argon2; the password rules themselves are PWD-1..7's job.
 */
export const loginBody = z
  .object({
    /** Account id (32 hex) or alias. */
    account: z.string().min(1).max(64),
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(256),
    redirect: z.string().max(2048).optional(),
    /** `cookie` (default): a console session cookie; `tokens`: an API session's access and refresh token (LOGIN-2, TOK-4). */
    issue: z.enum(['cookie', 'tokens']).optional(),
  })
  .strict();

export const passwordChangeBody = z
  .object({
    pendingToken: z.string().min(1).max(128),
    newPassword: z.string().min(1).max(256),
  })
  .strict();

/** Parses or throws 400 VALIDATION_FAILED listing every problem with its path, in the codes of every other input. */
export { parseInput } from '../validation.js';

/** A single-valued form field as a string ('' when missing or repeated). */
export function formString(body: unknown, name: string): string {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
}
