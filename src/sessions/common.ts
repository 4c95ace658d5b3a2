import type { RevocationListener, SessionData, SessionPatch } from './ports.js';

/**
 * Pieces both adapters share, so the memory and Redis stores cannot drift apart on the rules the
 * contract suite pins.
 */

/** Session ids are 256-bit random (LOGIN-6: unguessable, rotated at login). */
export const SESSION_ID_BYTES = 32;

/**
 * Revocation markers must outlive every token they can revoke. The longest-lived one is a role session
 * (ROLE-1: up to 43,200 s), so the default keeps markers a day.
 */
export const DEFAULT_REVOCATION_TTL_MS = 24 * 60 * 60 * 1000;

/** The idle deadline never passes the absolute one (LOGIN-6). */
export function idleDeadline(lastSeenAtMs: number, idleTtlMs: number, absoluteExpiresAtMs: number): number {
  return Math.min(lastSeenAtMs + idleTtlMs, absoluteExpiresAtMs);
}

/** `null` removes a key; anything else sets it. Returns a new object. */
export function applyPatch(data: SessionData, patch: SessionPatch): SessionData {
  const next: SessionData = { ...data };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Index key of a user's sessions; ids contain no ':' in practice, but the pair stays unambiguous anyway. */
export function userIndexKey(accountId: string, userId: string): string {
  return `${accountId.length}:${accountId}:${userId}`;
}

export function assertPositiveInt(name: string, ms: number): void {
  // A zero or negative TTL would create immortal keys in Redis (PEXPIRE 0 deletes, SET PX 0 errors).
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`${name} must be a positive integer`);
}

/** A throwing listener must not break the revocation write or the other listeners. */
export function notify(listener: RevocationListener, revoked: ReadonlyMap<string, number>): void {
  try {
    listener(revoked);
  } catch {
    // Best effort by contract (ports.ts): revokedAfter stays the source of truth.
  }
}
