import type { Clock } from '../clock.js';
import { appendHistory, type PasswordService } from '../passwords/index.js';
import type { SessionStore } from '../sessions/ports.js';
import type { Account, NamedRepository, User } from '../store/ports.js';

/**
 * PWD-7/PWD-8 forced change at login: the new password is judged by every rule (PWD-9: all violations at
 * once, PASSWORD_REJECTED) including reuse of the last N, then stored re-hashed with the history appended.
 * The history is oldest first and ends with the current hash (docs/passwords.md); users written before
 * that convention (an empty history) get their current hash counted too, so "change" to the same
 * password is always refused.
 */
export function historyWithCurrent(user: Pick<User, 'passwordHash' | 'passwordHistory'>): string[] {
  const history = [...user.passwordHistory];
  if (user.passwordHash && history[history.length - 1] !== user.passwordHash) history.push(user.passwordHash);
  return history;
}

/** Throws PASSWORD_REJECTED (400, every violation) without writing anything. */
export async function checkReplacement(
  passwords: PasswordService,
  user: User,
  account: Account,
  newPassword: string,
): Promise<void> {
  await passwords.validateNewPassword(newPassword, {
    username: user.name,
    accountId: account.id,
    ...(account.alias ? { accountAlias: account.alias } : {}),
    history: historyWithCurrent(user),
    reuseRestriction: user.reuseRestriction,
  });
}

/** One single-document write: new hash, history, change time, flag cleared. */
export async function storeReplacement(
  deps: { passwords: PasswordService; users: NamedRepository<User>; clock: Clock },
  user: User,
  newPassword: string,
): Promise<User> {
  const newHash = await deps.passwords.hash(newPassword);
  return deps.users.mutate(user.accountId, user.id, user.id, (current) => ({
    passwordHash: newHash,
    passwordHistory: appendHistory(historyWithCurrent(current), newHash, current.reuseRestriction),
    passwordChangedAt: deps.clock.now(),
    mustChangePassword: false,
  }));
}

/**
 * After a password change (My Info or the forced step at login), whoever knew the old password is signed
 * out: every session of the user except `keep` ends — console sessions (their tokens check the session,
 * TOK-4) and open pending login steps alike. Returns how many ended.
 */
export async function endOtherSessions(
  sessions: Pick<SessionStore, 'listForUser' | 'end'>,
  user: Pick<User, 'accountId' | 'id'>,
  keep?: string,
): Promise<number> {
  const others = (await sessions.listForUser(user.accountId, user.id)).filter((s) => s.id !== keep);
  await Promise.all(others.map((s) => sessions.end(s.id)));
  return others.length;
}

/** PWD-8 / flag: why this user must change the password before getting a session, or null. */
export function changeReason(passwords: PasswordService, user: User): 'expired' | 'required_by_administrator' | null {
  if (user.mustChangePassword) return 'required_by_administrator';
  // No change time recorded (bootstrap, imports): nothing to count 90 days from.
  if (user.passwordChangedAt !== null && passwords.isExpired(user.passwordChangedAt)) return 'expired';
  return null;
}

/** PWD-10: swap a hash made with weaker parameters for a current one, unless it changed meanwhile. */
export async function rehashIfWeak(
  deps: { passwords: PasswordService; users: NamedRepository<User> },
  user: User,
  password: string,
): Promise<void> {
  const old = user.passwordHash;
  if (!old || !deps.passwords.needsRehash(old)) return;
  const fresh = await deps.passwords.hash(password);
  await deps.users.mutate(user.accountId, user.id, user.id, (current) => {
    if (current.passwordHash !== old) return null;
    const history = current.passwordHistory.map((h) => (h === old ? fresh : h));
    return { passwordHash: fresh, passwordHistory: history };
  });
}
