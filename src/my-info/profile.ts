import type { Clock } from '../clock.js';
import { appError, validationFailed, type Violation } from '../errors.js';
import { checkReplacement, endOtherSessions, storeReplacement } from '../login/password-change.js';
import type { Actor, SecurityAudit } from '../mfa/audit.js';
import type { PasswordService } from '../passwords/index.js';
import type { SessionStore } from '../sessions/ports.js';
import { normaliseContact } from '../store/contacts.js';
import type { Account, Contact, NamedRepository, User } from '../store/ports.js';
import type { Reconfirmation } from './reconfirm.js';

/** What My Info shows (ENT-1); never a hash or secret. */
export interface ProfileView {
  userId: string;
  userName: string;
  kind: User['kind'];
  email: Contact | null;
  phone: Contact | null;
  timezone: string | null;
  lastLoginAt: number | null;
  passwordChangedAt: number | null;
  mfa: { enrolled: boolean; recoveryCodesRemaining: number };
}

export function profileView(u: User): ProfileView {
  return {
    userId: u.id,
    userName: u.name,
    kind: u.kind,
    email: u.email,
    phone: u.phone,
    timezone: u.timezone,
    lastLoginAt: u.lastLoginAt,
    passwordChangedAt: u.passwordChangedAt,
    mfa: { enrolled: u.mfa.enrolled, recoveryCodesRemaining: u.mfa.enrolled ? u.mfa.recoveryCodeHashes.length : 0 },
  };
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,63}$/;
const PHONE = /^\+?[0-9][0-9 ()-]{5,22}$/;

export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0 && tz.length <= 64;
  } catch {
    return false;
  }
}

/** Contacts compared as people mean them, in the store's normal form (e-mail case-insensitively, phones by digits). */
export function sameContact(kind: 'email' | 'phone', a: string, b: string): boolean {
  const x = normaliseContact(kind, a);
  return x !== '' && x === normaliseContact(kind, b);
}

export interface ContactChange {
  /** Absent: unchanged; null: removed. */
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

/**
 * My Info profile, contact and password changes (ENT-1, PWD-11). Contact changes and the password change
 * re-confirm the password first; a changed contact is stored unverified (verification by message is
 * not built yet, docs/decisions.md), which also stops account switching through it (LOGIN-8).
 */
export class ProfileService {
  constructor(
    private readonly deps: {
      users: NamedRepository<User>;
      passwords: PasswordService;
      sessions: SessionStore;
      clock: Clock;
      audit: SecurityAudit;
      reconfirm: Reconfirmation;
    },
  ) {}

  async setTimezone(user: User, timezone: string | null, actor: Actor): Promise<ProfileView> {
    if (timezone !== null && !validTimezone(timezone))
      throw validationFailed([{ path: 'timezone', code: 'INVALID_TIMEZONE', message: 'Not an IANA time zone name.' }]);
    return profileView(await this.deps.users.mutate(user.accountId, user.id, actor.userId, () => ({ timezone })));
  }

  async changeContacts(user: User, change: ContactChange, password: string, actor: Actor): Promise<ProfileView> {
    const violations: Violation[] = [];
    if (typeof change.email === 'string' && (change.email.length > 254 || !EMAIL.test(change.email)))
      violations.push({ path: 'email', code: 'INVALID_EMAIL', message: 'Not an e-mail address.' });
    if (typeof change.phone === 'string' && !PHONE.test(change.phone))
      violations.push({ path: 'phone', code: 'INVALID_PHONE', message: 'Not a phone number.' });
    if (violations.length > 0) throw validationFailed(violations);
    await this.deps.reconfirm.confirm(actor, user, password);
    const patch: Partial<Pick<User, 'email' | 'phone'>> = {};
    for (const kind of ['email', 'phone'] as const) {
      const next = change[kind];
      if (next === undefined) continue;
      const current = user[kind];
      // Re-entering the same contact keeps its verified status; anything new must be verified again.
      patch[kind] =
        next === null
          ? null
          : current && sameContact(kind, current.value, next)
            ? current
            : { value: next.trim(), verified: false };
    }
    const updated = await this.deps.users.mutate(user.accountId, user.id, actor.userId, () => patch);
    await this.deps.audit.record({
      accountId: user.accountId,
      actor: actor.userId,
      action: 'contact.change',
      target: user.id,
      sourceIp: actor.sourceIp,
      result: 'success',
      details: { fields: Object.keys(patch) },
    });
    return profileView(updated);
  }

  /**
   * PWD-11: the current password (a re-confirmation, counted), then every rule and the history (PWD-7/9),
   * then one write. The user's other console sessions end: whoever knew the old password is signed out.
   */
  async changePassword(
    user: User,
    account: Account,
    input: { currentPassword: string; newPassword: string },
    actor: Actor,
  ): Promise<void> {
    await this.deps.reconfirm.confirm(actor, user, input.currentPassword);
    try {
      await checkReplacement(this.deps.passwords, user, account, input.newPassword);
    } catch (err) {
      await this.deps.audit.record({
        accountId: user.accountId,
        actor: actor.userId,
        action: 'password.change',
        target: user.id,
        sourceIp: actor.sourceIp,
        result: 'failure',
        reasonCode: 'PASSWORD_REJECTED',
      });
      throw err;
    }
    await storeReplacement(
      { passwords: this.deps.passwords, users: this.deps.users, clock: this.deps.clock },
      user,
      input.newPassword,
    );
    const ended = await endOtherSessions(this.deps.sessions, user, actor.sessionId);
    await this.deps.audit.record({
      accountId: user.accountId,
      actor: actor.userId,
      action: 'password.change',
      target: user.id,
      sourceIp: actor.sourceIp,
      result: 'success',
      details: { otherSessionsEnded: ended },
    });
  }
}

/** The signed-in user, or UNAUTHENTICATED when the record is gone or disabled since the session began. */
export async function currentUser(users: NamedRepository<User>, actor: Actor): Promise<User> {
  const user = await users.get(actor.accountId, actor.userId);
  if (!user || user.state !== 'active') throw appError('UNAUTHENTICATED');
  return user;
}
