import type { Clock } from '../clock.js';
import type { SessionIssuer } from '../issuer/index.js';
import { appError } from '../errors.js';
import { sessionHandle } from '../login/console-sessions.js';
import type { Actor, SecurityAudit } from '../mfa/audit.js';
import type { PasswordService } from '../passwords/index.js';
import type { SessionStore } from '../sessions/ports.js';
import type { User } from '../store/ports.js';

/**
 * PWD-11 password re-confirmation before sensitive changes (password, email/phone, secret key view,
 * IP control, MFA off). Wrong entries are counted per console session in the shared store
 * (`reconfirm:<account>:<session handle>`: the handle, never the session id, which is the cookie secret).
 * The count is not reset by a right entry: "5 wrong entries" are 5 in the session's life, so an attacker
 * at an unlocked screen cannot interleave guesses with nothing. At the threshold the session ends at once
 * (its record and a revocation marker for tokens bound to it) and RECONFIRM_LOCKOUT is thrown.
 */
export class Reconfirmation {
  constructor(
    private readonly deps: {
      sessions: SessionStore;
      issuer: Pick<SessionIssuer, 'end'>;
      passwords: PasswordService;
      clock: Clock;
      audit: SecurityAudit;
      threshold: number;
      sessionTtlMs: number;
    },
  ) {}

  async confirm(actor: Actor, user: User, password: string): Promise<void> {
    if (!actor.sessionId) throw appError('CONSOLE_SESSION_REQUIRED');
    const ok =
      user.passwordHash !== null &&
      password.length > 0 &&
      password.length <= 256 &&
      (await this.deps.passwords.verify(user.passwordHash, password));
    if (ok) return;
    const { value } = await this.deps.sessions.increment(
      reconfirmKey(actor.accountId, actor.sessionId),
      this.deps.sessionTtlMs,
    );
    const base = {
      accountId: actor.accountId,
      actor: actor.userId,
      target: user.id,
      sourceIp: actor.sourceIp,
      result: 'failure' as const,
    };
    await this.deps.audit.record({
      ...base,
      action: 'reconfirm',
      reasonCode: 'RECONFIRM_FAILED',
      details: { attempt: value },
    });
    if (value < this.deps.threshold)
      throw appError('RECONFIRM_FAILED', { remainingAttempts: this.deps.threshold - value });
    await this.deps.issuer.end(actor.sessionId);
    await this.deps.audit.record({
      ...base,
      action: 'reconfirm.lockout',
      result: 'success',
      reasonCode: 'RECONFIRM_THRESHOLD',
      details: { failures: value },
    });
    throw appError('RECONFIRM_LOCKOUT');
  }

  /**
   * LOGIN-8: a switch continues the same login in a new session, so it keeps the wrong entries counted so
   * far; otherwise switching away and back (no password needed) would reset the count and give unlimited
   * guesses at the password.
   */
  async carryOver(
    from: { accountId: string; sessionId: string },
    to: { accountId: string; sessionId: string },
  ): Promise<void> {
    const failures = await this.deps.sessions.getCounter(reconfirmKey(from.accountId, from.sessionId));
    for (let i = 0; i < failures; i++)
      await this.deps.sessions.increment(reconfirmKey(to.accountId, to.sessionId), this.deps.sessionTtlMs);
  }
}

/** The handle, never the session id, which is the cookie secret. */
const reconfirmKey = (accountId: string, sessionId: string): string =>
  `reconfirm:${accountId}:${sessionHandle(sessionId)}`;
