import type { Clock, Ids } from '../clock.js';
import { appError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { PasswordService } from '../passwords/index.js';
import type { SessionStore } from '../sessions/ports.js';
import type { Account, Store, User } from '../store/ports.js';
import { LoginAudit } from './audit.js';
import type { SessionIssuer } from '../issuer/index.js';
import { ConsoleSessions } from './console-sessions.js';
import { LockoutService, nameSubject, userSubject, type LockoutConfig } from './lockout.js';
import { changeReason, checkReplacement, endOtherSessions, rehashIfWeak, storeReplacement } from './password-change.js';
import { PendingLogins, type PendingLogin, type PendingStage } from './pending.js';
import { safeRedirect } from './redirect.js';
import { LoginThrottle, type ThrottleConfig } from './throttle.js';
import {
  enrolledOrRequired,
  type LoginDelivery,
  type LoginOutcome,
  type PasswordLogin,
  type RequestOrigin,
  type SecondFactorPolicy,
} from './types.js';

export interface LoginDeps {
  store: Store;
  sessions: SessionStore;
  passwords: PasswordService;
  clock: Clock;
  ids: Ids;
  metrics: Pick<Metrics, 'logins' | 'lockouts'>;
  config: { lockout: LockoutConfig; throttle: ThrottleConfig };
  /** Starts the session a finished login hands out (src/issuer). */
  issuer: Pick<SessionIssuer, 'start'>;
  secondFactor?: SecondFactorPolicy;
  /** LOGIN-5 console access IP control (src/console-access), checked once the password is right. */
  consoleAccess?: { checkLogin(user: User, sourceIp: string): Promise<void> };
}

const USERNAME_MAX = 64; // TEN-6

/** Where a login stands after the password: what the next step or the session needs to know. */
interface LoginStep {
  mfa: boolean;
  redirect: string;
  issue: LoginDelivery;
  origin: RequestOrigin;
}

/**
 * The console login flow (LOGIN-1/2/3, PWD-8, PWD-10): throttle → lockout slot → password → (MFA) →
 * (forced change) → fresh session. Failures are AppErrors with one shape for unknown user, wrong password
 * and disabled user (INVALID_CREDENTIALS), so neither the answer nor its cost tells them apart.
 */
export class LoginService {
  readonly lockout: LockoutService;
  readonly throttle: LoginThrottle;
  readonly consoleSessions: ConsoleSessions;
  readonly pending: PendingLogins;
  readonly audit: LoginAudit;
  private readonly secondFactor: SecondFactorPolicy;

  constructor(private readonly deps: LoginDeps) {
    this.lockout = new LockoutService(deps.sessions, deps.config.lockout);
    this.throttle = new LoginThrottle(deps.sessions, deps.config.throttle);
    this.consoleSessions = new ConsoleSessions(deps.sessions);
    this.pending = new PendingLogins(deps.sessions);
    this.audit = new LoginAudit(deps.store.audit);
    this.secondFactor = deps.secondFactor ?? enrolledOrRequired;
  }

  /** Step 1: the password. `account` null (unknown alias/id) fails like a wrong password, at the same cost. */
  async login(input: Omit<PasswordLogin, 'account'> & { account: Account | null }): Promise<LoginOutcome> {
    const { account } = input;
    await this.counted('throttled', () => this.throttle.admit(input.sourceIp, account?.id ?? '-'));
    if (!account) {
      await this.deps.passwords.dummyVerify();
      this.deps.metrics.logins.inc({ result: 'failure' });
      throw appError('INVALID_CREDENTIALS');
    }
    const user =
      input.username.length > 0 && input.username.length <= USERNAME_MAX
        ? await this.deps.store.users.getByName(account.id, input.username)
        : null;
    const subject = user ? userSubject(user.id) : nameSubject(input.username);
    const actor = user?.id ?? 'anonymous';
    const base = { accountId: account.id, action: 'login', actor, target: user?.id ?? null, origin: input } as const;

    const slot = await this.lockout.reserve(account.id, subject);
    if (slot.locked) {
      await this.audit.record({ ...base, result: 'failure', reasonCode: 'ACCOUNT_LOCKED' });
      this.deps.metrics.logins.inc({ result: 'locked' });
      throw appError('ACCOUNT_LOCKED');
    }

    const usable = user !== null && user.state === 'active' && user.passwordHash !== null ? user : null;
    const ok = usable
      ? await this.deps.passwords.verify(usable.passwordHash ?? '', input.password)
      : await this.deps.passwords.dummyVerify().then(() => false);
    if (!usable || !ok) {
      const reasonCode = !user ? 'UNKNOWN_USER' : user.state !== 'active' ? 'USER_DISABLED' : 'INVALID_PASSWORD';
      await this.audit.record({ ...base, result: 'failure', reasonCode, details: { attempt: slot.attempt } });
      if (await this.lockout.failed(account.id, subject, slot)) {
        this.deps.metrics.lockouts.inc();
        this.deps.metrics.logins.inc({ result: 'locked' });
        await this.audit.record({
          ...base,
          action: 'login.lockout',
          result: 'success',
          reasonCode: 'LOCKOUT_THRESHOLD',
          details: { failures: slot.attempt },
        });
        throw appError('ACCOUNT_LOCKED');
      }
      this.deps.metrics.logins.inc({ result: 'failure' });
      throw appError('INVALID_CREDENTIALS');
    }

    await this.lockout.succeeded(account.id, subject);
    await this.deps.consoleAccess?.checkLogin(usable, input.sourceIp);
    await rehashIfWeak({ passwords: this.deps.passwords, users: this.deps.store.users }, usable, input.password);
    const redirect = safeRedirect(input.redirect);
    const issue = input.issue ?? 'cookie';
    if (this.secondFactor.isRequired(usable, account)) {
      this.deps.metrics.logins.inc({ result: 'mfa_required' });
      return pendingOutcome(await this.pending.create(usable, { stage: 'mfa', mfa: false, redirect, issue }));
    }
    return this.afterSecondFactor(usable, { mfa: false, redirect, issue, origin: input });
  }

  /** For the MFA step: who a pending MFA token belongs to (null when unknown, used or expired). */
  pendingLogin(token: string, stage: PendingStage): Promise<PendingLogin | null> {
    return this.pending.peek(token, stage);
  }

  /** Called by the MFA step once the code is verified: continues to the forced change or a session. */
  async completeSecondFactor(token: string, origin: RequestOrigin): Promise<LoginOutcome> {
    const { pending, user } = await this.claimStep(token, 'mfa');
    return this.afterSecondFactor(user, { mfa: true, redirect: pending.redirect, issue: pending.issue, origin });
  }

  /** PWD-8 forced change. A refused password keeps the token usable, so the form can be corrected. */
  async changePassword(token: string, newPassword: string, origin: RequestOrigin): Promise<LoginOutcome> {
    const pending = await this.requireStep(token, 'password_change');
    const { user, account } = await this.load(pending);
    try {
      await checkReplacement(this.deps.passwords, user, account, newPassword);
    } catch (err) {
      await this.audit.record({
        accountId: account.id,
        action: 'login.password_change',
        actor: user.id,
        target: user.id,
        origin,
        result: 'failure',
        reasonCode: 'PASSWORD_REJECTED',
      });
      throw err;
    }
    const claimed = await this.claimStep(token, 'password_change');
    const updated = await storeReplacement(
      { passwords: this.deps.passwords, users: this.deps.store.users, clock: this.deps.clock },
      claimed.user,
      newPassword,
    );
    // The change evicts whoever held the old password (flagged or expired because it may be known), as in My Info.
    const ended = await endOtherSessions(this.deps.sessions, updated);
    await this.audit.record({
      accountId: account.id,
      action: 'login.password_change',
      actor: user.id,
      target: user.id,
      origin,
      result: 'success',
      details: { reason: pending.reason, otherSessionsEnded: ended },
    });
    return this.finish(updated, { mfa: pending.mfa, redirect: pending.redirect, issue: pending.issue, origin });
  }

  private async afterSecondFactor(user: User, step: LoginStep): Promise<LoginOutcome> {
    const reason = changeReason(this.deps.passwords, user);
    if (reason) {
      this.deps.metrics.logins.inc({ result: 'password_change_required' });
      const pending = await this.pending.create(user, {
        stage: 'password_change',
        mfa: step.mfa,
        redirect: step.redirect,
        issue: step.issue,
        reason,
      });
      return { ...pendingOutcome(pending), state: 'password_change_required', reason };
    }
    return this.finish(user, step);
  }

  private async finish(user: User, step: LoginStep): Promise<LoginOutcome> {
    const { session, csrfToken, tokens } = await this.deps.issuer.start({
      subject: { kind: 'user', user },
      mfa: step.mfa,
      origin: step.origin,
      deliver: step.issue,
    });
    const now = this.deps.clock.now();
    await this.deps.store.users.mutate(user.accountId, user.id, user.id, () => ({ lastLoginAt: now }));
    await this.audit.record({
      accountId: user.accountId,
      action: 'login',
      actor: user.id,
      target: user.id,
      origin: step.origin,
      result: 'success',
      details: { mfa: step.mfa },
    });
    this.deps.metrics.logins.inc({ result: 'success' });
    const done = {
      state: 'authenticated',
      sessionId: session.id,
      absoluteExpiresAtMs: session.absoluteExpiresAtMs,
      redirect: step.redirect,
    } as const;
    return tokens === null
      ? { ...done, issue: 'cookie', csrfToken: csrfToken ?? '' }
      : { ...done, issue: 'tokens', tokens };
  }

  private async requireStep(token: string, stage: PendingStage): Promise<PendingLogin> {
    const pending = await this.pending.peek(token, stage);
    if (!pending) throw appError('LOGIN_STEP_EXPIRED');
    return pending;
  }

  private async load(pending: PendingLogin): Promise<{ user: User; account: Account }> {
    const [user, account] = await Promise.all([
      this.deps.store.users.get(pending.accountId, pending.userId),
      this.deps.store.accounts.get(pending.accountId, pending.accountId),
    ]);
    // Disabled or deleted while the step was open: the step is over.
    if (!user || !account || user.state !== 'active') throw appError('LOGIN_STEP_EXPIRED');
    return { user, account };
  }

  private async claimStep(token: string, stage: PendingStage): Promise<{ pending: PendingLogin; user: User }> {
    const pending = await this.requireStep(token, stage);
    if (!(await this.pending.claim(token))) throw appError('LOGIN_STEP_EXPIRED');
    const { user } = await this.load(pending);
    return { pending, user };
  }

  private async counted<T>(result: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      this.deps.metrics.logins.inc({ result });
      throw err;
    }
  }
}

function pendingOutcome(p: PendingLogin): LoginOutcome & { state: 'mfa_required' } {
  return { state: 'mfa_required', pendingToken: p.token, expiresAtMs: p.expiresAtMs };
}
