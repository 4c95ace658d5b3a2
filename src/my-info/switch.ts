import type { ConsoleAccess } from '../console-access/index.js';
import { appError, isAppError } from '../errors.js';
import type { SessionIssuer } from '../issuer/index.js';
import type { LockoutService } from '../login/lockout.js';
import { changeReason } from '../login/password-change.js';
import type { Actor, MfaService, SecondFactorInput, SecurityAudit } from '../mfa/index.js';
import type { PasswordService } from '../passwords/index.js';
import type { Account, ContactKind, NamedRepository, User, UserRepository } from '../store/ports.js';
import { sameContact } from './profile.js';
import type { Reconfirmation } from './reconfirm.js';

/** An identity the caller may switch to (LOGIN-8), in any account, and the verified contact they share. */
export interface SwitchTarget {
  accountId: string;
  accountAlias: string | null;
  userId: string;
  userName: string;
  kind: User['kind'];
  sharedContact: ContactKind;
  /** The switch will ask for this user's MFA code: it has MFA and the current session did not pass MFA. */
  mfaCodeRequired: boolean;
}

/** The stable `details.reason` of a SWITCH_NOT_ALLOWED refusal, with what the user is told. */
export const SWITCH_REFUSALS = {
  SAME_USER: 'You are already signed in as that user.',
  // Unknown target, unverified contact on either side, different contacts: one answer, so the refusal is
  // no oracle for another account's users or their contact values.
  NO_SHARED_VERIFIED_CONTACT: 'That user does not share a verified e-mail or phone with you.',
  TARGET_DISABLED: 'That user is disabled.',
  TARGET_LOCKED: 'That user is locked after too many failed attempts; try again later or ask an administrator.',
  TARGET_PASSWORD_CHANGE_REQUIRED: 'That user must change its password: sign in as that user instead.',
  CONSOLE_IP_DENIED: "That user's console access IP control does not allow your current address.",
  MFA_REQUIRED: "That user has MFA: enter the code from that user's authenticator (or a recovery code).",
  MFA_ENROLMENT_REQUIRED: 'That account requires MFA and the user has none yet: sign in as that user to set it up.',
} as const;
export type SwitchRefusal = keyof typeof SWITCH_REFUSALS;

/** The verified contact two users share, if any (LOGIN-8). Unverified contacts never count: anyone can type any address. */
export function sharedVerifiedContact(a: User, b: User): ContactKind | null {
  for (const kind of ['email', 'phone'] as const) {
    const x = a[kind];
    const y = b[kind];
    if (x?.verified && y?.verified && sameContact(kind, x.value, y.value)) return kind;
  }
  return null;
}

export interface SwitchDeps {
  users: UserRepository;
  accounts: NamedRepository<Account>;
  issuer: Pick<SessionIssuer, 'start' | 'end'>;
  lockout: Pick<LockoutService, 'isLockedAnyWay'>;
  consoleAccess: ConsoleAccess;
  mfa: MfaService;
  passwords: PasswordService;
  audit: SecurityAudit;
  /** PWD-11: the re-confirmation failures of the old session follow into the new one. */
  reconfirm: Pick<Reconfirmation, 'carryOver'>;
}

/** The caller's console session as the switch sees it. */
export interface CurrentSession {
  sessionId: string;
  mfa: boolean;
  userAgent?: string | undefined;
}

/**
 * LOGIN-8 account switching: a root user and IAM users — in this account or any other — that share a
 * *verified* e-mail or phone are one person, who moves between those identities without a password. The
 * store's global verified-contact index finds them. A switch is a fresh session for the target (new id,
 * new CSRF token), and the old session is claimed first (single use: of two racing switches one wins) and
 * revoked with its tokens. It is audited in both accounts, refusals too.
 *
 * The switch never demands less than a login of the target: the target must be active, not locked (password
 * or MFA lock), not owe a password change, and admit the current address (its LOGIN-5 IP control). MFA:
 * when the target has MFA (enrolled, or its account requires it) and the current session did not pass MFA,
 * the request must carry the target's TOTP or recovery code, checked by MfaService (its lockout and replay
 * cache); a target that must enrol first is refused. The new session is MFA'd when either was.
 */
export class AccountSwitch {
  constructor(private readonly deps: SwitchDeps) {}

  async candidates(me: User, current: { mfa: boolean }): Promise<SwitchTarget[]> {
    const found = new Map<string, { user: User; shared: ContactKind }>();
    for (const kind of ['email', 'phone'] as const) {
      const contact = me[kind];
      if (!contact?.verified) continue;
      for (const u of await this.deps.users.findByVerifiedContact(kind, contact.value)) {
        const key = `${u.accountId}/${u.id}`;
        if (u.id !== me.id && u.state === 'active' && !found.has(key)) found.set(key, { user: u, shared: kind });
      }
    }
    const accounts = new Map<string, Account | null>();
    const out: SwitchTarget[] = [];
    for (const { user, shared } of found.values()) {
      if (!accounts.has(user.accountId))
        accounts.set(user.accountId, await this.deps.accounts.get(user.accountId, user.accountId));
      const account = accounts.get(user.accountId);
      if (!account) continue;
      out.push({
        accountId: account.id,
        accountAlias: account.alias,
        userId: user.id,
        userName: user.name,
        kind: user.kind,
        sharedContact: shared,
        mfaCodeRequired: user.mfa.enrolled && !current.mfa,
      });
    }
    // This account first, then by account and user name: a stable list to choose from.
    return out.sort(
      (a, b) =>
        Number(b.accountId === me.accountId) - Number(a.accountId === me.accountId) ||
        a.accountId.localeCompare(b.accountId) ||
        a.userName.localeCompare(b.userName),
    );
  }

  async switchTo(
    me: User,
    to: { accountId: string; userId: string },
    current: CurrentSession,
    proof: SecondFactorInput,
    actor: Actor,
  ): Promise<{ sessionId: string; csrfToken: string; user: User; account: Account }> {
    const target = await this.deps.users.get(to.accountId, to.userId);
    const record = (result: 'success' | 'failure', reasonCode?: string, details: Record<string, unknown> = {}) =>
      this.record(me, target, actor, result, reasonCode, details);
    const refuse = async (reason: SwitchRefusal): Promise<never> => {
      await record('failure', reason);
      throw appError('SWITCH_NOT_ALLOWED', { reason }, SWITCH_REFUSALS[reason]);
    };

    if (target && target.accountId === me.accountId && target.id === me.id) return refuse('SAME_USER');
    const shared = target ? sharedVerifiedContact(me, target) : null;
    const account = target && shared ? await this.deps.accounts.get(target.accountId, target.accountId) : null;
    if (!target || !shared || !account) return refuse('NO_SHARED_VERIFIED_CONTACT');
    if (target.state !== 'active') return refuse('TARGET_DISABLED');
    if (await this.deps.lockout.isLockedAnyWay(target.accountId, target.id)) return refuse('TARGET_LOCKED');
    if (changeReason(this.deps.passwords, target)) return refuse('TARGET_PASSWORD_CHANGE_REQUIRED');
    try {
      // The login's own LOGIN-5 check (it also records console_ip_control.deny in the target's account).
      await this.deps.consoleAccess.checkLogin(target, actor.sourceIp);
    } catch (err) {
      if (isAppError(err) && err.code === 'CONSOLE_IP_DENIED') return refuse('CONSOLE_IP_DENIED');
      throw err;
    }
    const mfa = current.mfa || (await this.secondFactor(target, account, proof, actor, refuse, record));

    // Claim the old session first: single use, so two racing switches cannot both leave with a session.
    if (!(await this.deps.issuer.end(current.sessionId))) throw appError('UNAUTHENTICATED');
    const { session, csrfToken } = await this.deps.issuer.start({
      subject: { kind: 'user', user: target },
      mfa,
      origin: { sourceIp: actor.sourceIp, userAgent: current.userAgent },
      deliver: 'cookie',
    });
    await this.deps.reconfirm.carryOver(
      { accountId: me.accountId, sessionId: current.sessionId },
      { accountId: target.accountId, sessionId: session.id },
    );
    await record('success', undefined, { sharedContact: shared, fromKind: me.kind, toKind: target.kind, mfa });
    return { sessionId: session.id, csrfToken: csrfToken ?? '', user: target, account };
  }

  /** True when the target needs MFA and `proof` passed it; refuses when it needs MFA and no code came. */
  private async secondFactor(
    target: User,
    account: Account,
    proof: SecondFactorInput,
    actor: Actor,
    refuse: (r: SwitchRefusal) => Promise<never>,
    record: (result: 'failure', reasonCode: string) => Promise<void>,
  ): Promise<boolean> {
    if (!target.mfa.enrolled && !account.settings.mfaRequired) return false;
    if (!target.mfa.enrolled) return refuse('MFA_ENROLMENT_REQUIRED');
    if (!proof.code && !proof.recoveryCode) return refuse('MFA_REQUIRED');
    try {
      await this.deps.mfa.verify(target, proof, actor);
      return true;
    } catch (err) {
      // MFA_CODE_INVALID / ACCOUNT_LOCKED pass through with their own codes; the switch is audited too.
      if (isAppError(err)) await record('failure', err.code);
      throw err;
    }
  }

  /** One `account.switch` event in the caller's account and, when the target exists, one in the target's. */
  private async record(
    me: User,
    target: User | null,
    actor: Actor,
    result: 'success' | 'failure',
    reasonCode: string | undefined,
    details: Record<string, unknown>,
  ): Promise<void> {
    const base = {
      actor: me.id,
      action: 'account.switch' as const,
      target: target?.id ?? null,
      sourceIp: actor.sourceIp,
      result,
      ...(reasonCode ? { reasonCode } : {}),
    };
    const route = {
      fromAccountId: me.accountId,
      fromUserId: me.id,
      toAccountId: target?.accountId ?? null,
      toUserId: target?.id ?? null,
    };
    await this.deps.audit.record({
      ...base,
      accountId: me.accountId,
      details: { ...details, ...route, direction: 'out' },
    });
    if (target && target.accountId !== me.accountId)
      await this.deps.audit.record({
        ...base,
        accountId: target.accountId,
        details: { ...details, ...route, direction: 'in' },
      });
  }
}
