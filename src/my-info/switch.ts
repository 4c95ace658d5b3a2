import type { ConsoleAccess } from '../console-access/index.js';
import { appError } from '../errors.js';
import type { ConsoleSessions } from '../login/console-sessions.js';
import { changeReason } from '../login/password-change.js';
import type { Actor, SecurityAudit } from '../mfa/audit.js';
import type { PasswordService } from '../passwords/index.js';
import type { Account, NamedRepository, User } from '../store/ports.js';
import { sameContact } from './profile.js';

/** A user the caller may switch to, and the verified contact they share. */
export interface SwitchTarget {
  userId: string;
  userName: string;
  kind: User['kind'];
  sharedContact: 'email' | 'phone';
}

/** The verified contact two users share, if any (LOGIN-8). Unverified contacts never count: anyone can type any address. */
export function sharedVerifiedContact(a: User, b: User): 'email' | 'phone' | null {
  for (const kind of ['email', 'phone'] as const) {
    const x = a[kind];
    const y = b[kind];
    if (x?.verified && y?.verified && sameContact(kind, x.value, y.value)) return kind;
  }
  return null;
}

/**
 * LOGIN-8 account switching between a root user and IAM users (or IAM users among themselves) of the same
 * account that share a verified e-mail or phone: a fresh session for the target (new id, new CSRF token),
 * the old one ended, no password. The switch never weakens what a login of the target would demand: the
 * target must be active, not owe a password change, pass its own console IP control, and when the target
 * needs MFA the current session must have passed MFA (the new session carries that flag over).
 * Cross-account switching needs a store-wide contact index the entity ports do not have yet.
 */
export class AccountSwitch {
  constructor(
    private readonly deps: { users: NamedRepository<User>; consoleSessions: ConsoleSessions; consoleAccess: ConsoleAccess; passwords: PasswordService; audit: SecurityAudit },
  ) {}

  async candidates(me: User): Promise<SwitchTarget[]> {
    const out: SwitchTarget[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.users.list(me.accountId, cursor ? { cursor } : {});
      for (const u of page.items) {
        const shared = u.id !== me.id && u.state === 'active' ? sharedVerifiedContact(me, u) : null;
        if (shared) out.push({ userId: u.id, userName: u.name, kind: u.kind, sharedContact: shared });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  async switchTo(me: User, account: Account, targetUserId: string, current: { sessionId: string; mfa: boolean; userAgent?: string | undefined }, actor: Actor): Promise<{ sessionId: string; csrfToken: string; user: User }> {
    const target = await this.deps.users.get(me.accountId, targetUserId);
    const refuse = async (reasonCode: string): Promise<never> => {
      await this.deps.audit.record({ accountId: me.accountId, actor: me.id, action: 'account.switch', target: target?.id ?? null, sourceIp: actor.sourceIp, result: 'failure', reasonCode });
      throw appError('SWITCH_NOT_ALLOWED', { reason: reasonCode });
    };
    if (!target || target.id === me.id || target.state !== 'active') return refuse('NO_SUCH_TARGET');
    const shared = sharedVerifiedContact(me, target);
    if (!shared) return refuse('NO_SHARED_VERIFIED_CONTACT');
    if (changeReason(this.deps.passwords, target)) return refuse('TARGET_PASSWORD_CHANGE_REQUIRED');
    if ((target.mfa.enrolled || account.settings.mfaRequired) && !current.mfa) return refuse('MFA_REQUIRED');
    await this.deps.consoleAccess.checkLogin(target, actor.sourceIp);

    const session = await this.deps.consoleSessions.start(target, { mfa: current.mfa, origin: { sourceIp: actor.sourceIp, userAgent: current.userAgent } });
    await this.deps.consoleSessions.end(current.sessionId);
    await this.deps.audit.record({ accountId: me.accountId, actor: me.id, action: 'account.switch', target: target.id, sourceIp: actor.sourceIp, result: 'success', details: { sharedContact: shared, from: me.kind, to: target.kind } });
    return { sessionId: session.id, csrfToken: String(session.data.csrf), user: target };
  }
}
