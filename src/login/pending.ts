import { SESSION_KINDS } from '../sessions/kinds.js';
import type { SessionStore } from '../sessions/ports.js';
import type { User } from '../store/ports.js';
import type { LoginDelivery, PasswordChangeReason } from './types.js';

export type PendingStage = 'mfa' | 'password_change';

/** What a pending login carries between steps; the user is re-read from the store at each step. */
export interface PendingLogin {
  token: string;
  accountId: string;
  userId: string;
  stage: PendingStage;
  /** The second factor was passed already (the MFA step ran before the password change). */
  mfa: boolean;
  redirect: string;
  /** What the login hands out once every step is done (LOGIN-2: chosen at the password step). */
  issue: LoginDelivery;
  reason: PasswordChangeReason | null;
  expiresAtMs: number;
}

/** Long enough to read the rules and type a new password, short enough that a leaked token is useless soon. */
export const PENDING_TTL_MS = 5 * 60 * 1000;

/**
 * A login that passed the password but still owes a step (MFA, forced password change). Stored in the
 * session store as a short-lived record tagged `kind: pending` — it never authenticates anything (only
 * `kind: console` records do, console-sessions.ts). The token is 256-bit random and single-use: `claim`
 * ends the record, and the store's atomic `end` lets exactly one of two racing completions through.
 */
export class PendingLogins {
  constructor(private readonly sessions: SessionStore) {}

  async create(
    user: User,
    p: { stage: PendingStage; mfa: boolean; redirect: string; issue: LoginDelivery; reason?: PasswordChangeReason },
  ): Promise<PendingLogin> {
    const s = await this.sessions.create({
      principal: { accountId: user.accountId, userId: user.id, type: user.kind === 'root' ? 'root' : 'user' },
      data: {
        kind: SESSION_KINDS.pending,
        stage: p.stage,
        mfa: p.mfa,
        redirect: p.redirect,
        issue: p.issue,
        reason: p.reason ?? '',
      },
      absoluteTtlMs: PENDING_TTL_MS,
      idleTtlMs: PENDING_TTL_MS,
    });
    return {
      token: s.id,
      accountId: user.accountId,
      userId: user.id,
      stage: p.stage,
      mfa: p.mfa,
      redirect: p.redirect,
      issue: p.issue,
      reason: p.reason ?? null,
      expiresAtMs: s.absoluteExpiresAtMs,
    };
  }

  /** The live pending login of that stage, or null (unknown, expired, used, or another stage). */
  async peek(token: string, stage: PendingStage): Promise<PendingLogin | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 100) return null;
    const s = await this.sessions.get(token);
    if (!s || s.data.kind !== SESSION_KINDS.pending || s.data.stage !== stage) return null;
    const reason = s.data.reason;
    return {
      token,
      accountId: s.principal.accountId,
      userId: s.principal.userId,
      stage,
      mfa: s.data.mfa === true,
      redirect: typeof s.data.redirect === 'string' ? s.data.redirect : '/console',
      issue: s.data.issue === 'tokens' ? 'tokens' : 'cookie',
      reason: reason === 'expired' || reason === 'required_by_administrator' ? reason : null,
      expiresAtMs: s.absoluteExpiresAtMs,
    };
  }

  /** Single use: true for exactly one caller. */
  claim(token: string): Promise<boolean> {
    return this.sessions.end(token);
  }
}
