import type { SessionStore } from '../sessions/ports.js';

export interface LockoutConfig {
  threshold: number;
  durationSeconds: number;
}

/** A login attempt's place in the lockout counter: refused outright, or the n-th reserved attempt. */
export type LockoutSlot = { locked: true } | { locked: false; attempt: number };

/**
 * LOGIN-3 lockout, exact under concurrency across every instance (the counter lives in the shared session
 * store). An attempt first *reserves* a slot with a ceiling-bounded increment, and only then is the password
 * checked; so of 50 parallel wrong attempts exactly `threshold` get slots and the rest are refused as
 * locked without an argon2 verify. The attempt holding the last slot sets the lock marker if it fails.
 *
 * Two keys per subject, because their lifetimes differ:
 * - `lockout:<account>:<subject>` counts failures; its TTL starts at the first failure (failures older
 *   than the lock duration are forgotten) and a success resets it;
 * - `locked:<account>:<subject>` exists while the user is locked; its TTL starts when the lock is set, so a
 *   lock always lasts the full configured duration.
 * A subject is `user:<id>` for a known user and `name:<username>` for a name with no usable user, so an
 * unknown name locks exactly like a real one and the lock page reveals nothing (style.md §8.8).
 */
export class LockoutService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly config: LockoutConfig,
  ) {}

  private get durationMs(): number {
    return this.config.durationSeconds * 1000;
  }

  async reserve(accountId: string, subject: string): Promise<LockoutSlot> {
    if ((await this.sessions.getCounter(lockedKey(accountId, subject))) > 0) return { locked: true };
    const r = await this.sessions.increment(failuresKey(accountId, subject), this.durationMs, {
      ceiling: this.config.threshold,
    });
    return r.applied ? { locked: false, attempt: r.value } : { locked: true };
  }

  /** Records the failure of a reserved attempt; true when this failure locked the subject. */
  async failed(accountId: string, subject: string, slot: { attempt: number }): Promise<boolean> {
    if (slot.attempt < this.config.threshold) return false;
    await this.sessions.increment(lockedKey(accountId, subject), this.durationMs);
    return true;
  }

  async succeeded(accountId: string, subject: string): Promise<void> {
    await this.sessions.resetCounter(failuresKey(accountId, subject));
  }

  /**
   * Administrator unlock (LOGIN-3); true when the user was locked. Lifts the password lock and the MFA
   * lock (LOGIN-4 counts MFA failures on their own subject): an administrator who unlocks a user means both.
   */
  async unlock(accountId: string, userId: string): Promise<boolean> {
    const subjects = [userSubject(userId), mfaSubject(userId)];
    const locked = await Promise.all(subjects.map((s) => this.sessions.getCounter(lockedKey(accountId, s))));
    await Promise.all(
      subjects.flatMap((s) => [
        this.sessions.resetCounter(lockedKey(accountId, s)),
        this.sessions.resetCounter(failuresKey(accountId, s)),
      ]),
    );
    return locked.some((n) => n > 0);
  }

  async isLocked(accountId: string, userId: string): Promise<boolean> {
    return (await this.sessions.getCounter(lockedKey(accountId, userSubject(userId)))) > 0;
  }

  /** Locked by LOGIN-3 (password) or LOGIN-4 (MFA): a login of this user could not finish either way. */
  async isLockedAnyWay(accountId: string, userId: string): Promise<boolean> {
    const counts = await Promise.all(
      [userSubject(userId), mfaSubject(userId)].map((s) => this.sessions.getCounter(lockedKey(accountId, s))),
    );
    return counts.some((n) => n > 0);
  }

  /** Failures counted so far for a user (admin views, tests of exactness). */
  failures(accountId: string, userId: string): Promise<number> {
    return this.sessions.getCounter(failuresKey(accountId, userSubject(userId)));
  }
}

export const userSubject = (userId: string): string => `user:${userId}`;
/** MFA failures lock on their own counter (LOGIN-3/LOGIN-4). */
export const mfaSubject = (userId: string): string => `mfa:${userId}`;
export const nameSubject = (username: string): string => `name:${username}`;
const failuresKey = (accountId: string, subject: string): string => `lockout:${accountId}:${subject}`;
const lockedKey = (accountId: string, subject: string): string => `locked:${accountId}:${subject}`;
