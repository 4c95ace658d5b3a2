import { verifyPassword } from './hash.js';

/** ENT-1 / PWD-7: a user's reuse restriction N is 1–24. */
export const MIN_REUSE_RESTRICTION = 1;
export const MAX_REUSE_RESTRICTION = 24;

const DAY_MS = 24 * 60 * 60 * 1000;

function assertReuseRestriction(n: number): void {
  if (!Number.isInteger(n) || n < MIN_REUSE_RESTRICTION || n > MAX_REUSE_RESTRICTION)
    throw new RangeError(
      `password reuse restriction must be an integer ${MIN_REUSE_RESTRICTION}–${MAX_REUSE_RESTRICTION}, got ${n}`,
    );
}

/**
 * The history is oldest first and includes the hash of the current password, so N = 1 means "not the
 * current one" and N = 5 means "none of the last five set". Returns a new array of at most N hashes.
 */
export function appendHistory(history: readonly string[], newHash: string, n: number): string[] {
  assertReuseRestriction(n);
  return [...history, newHash].slice(-n);
}

/** The last `n` entries, for when a user's N was lowered after a longer history was stored. */
export function lastEntries(history: readonly string[], n: number): readonly string[] {
  assertReuseRestriction(n);
  return history.slice(-n);
}

/**
 * PWD-7: true when the password matches any hash given. All verifies are started together; libuv's pool
 * runs them (4 at a time by default), so 24 entries cost about 6 verify-times, not 24.
 */
export async function isReused(password: string, history: readonly string[]): Promise<boolean> {
  const matches = await Promise.all(history.map((h) => verifyPassword(h, password)));
  return matches.includes(true);
}

/**
 * PWD-8: expired once `expiryDays` whole days have passed since the change (at that instant, not a
 * millisecond later). `expiryDays` 0 turns expiry off (docs/passwords.md).
 */
export function isExpired(passwordChangedAt: number, now: number, expiryDays: number): boolean {
  if (expiryDays === 0) return false;
  return now - passwordChangedAt >= expiryDays * DAY_MS;
}
