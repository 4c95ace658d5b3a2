import { appError, validationFailed } from '../errors.js';
import type { Actor, SecurityAudit } from '../mfa/audit.js';
import type { IpControl, NamedRepository, User } from '../store/ports.js';
import { addressAllowed, validateEntries } from './rules.js';

/** Principal types the control applies to (LOGIN-5): role sessions and federated users are not subject to it. */
const SUBJECT_TYPES = new Set(['root', 'user']);

export interface IpControlView extends IpControl {
  currentAddress: string;
  /** False when the control is on and the current address is outside it (the page warns). */
  currentAddressAllowed: boolean;
}

/**
 * Console access IP control (LOGIN-5): each root/IAM user may limit console login and console requests to
 * 1–50 addresses or CIDRs. `checkLogin` runs in the login flow after the password; `checkRequest` runs for
 * every request authenticated by a console session. A refusal is CONSOLE_IP_DENIED plus an audit event.
 */
export class ConsoleAccess {
  constructor(private readonly deps: { users: NamedRepository<User>; audit: SecurityAudit }) {}

  view(user: User, currentAddress: string): IpControlView {
    const c = user.consoleIpControl;
    return {
      enabled: c.enabled,
      entries: [...c.entries],
      currentAddress,
      currentAddressAllowed: !c.enabled || addressAllowed(c.entries, currentAddress),
    };
  }

  /** Validates everything first (all violations at once, nothing written), then stores and audits. The caller re-confirmed the password. */
  async update(
    user: User,
    input: { enabled: boolean; entries: readonly string[] },
    actor: Actor,
  ): Promise<IpControlView> {
    const { violations, canonical } = validateEntries(input.enabled, input.entries);
    if (violations.length > 0) throw validationFailed(violations);
    const updated = await this.deps.users.mutate(user.accountId, user.id, actor.userId, () => ({
      consoleIpControl: { enabled: input.enabled, entries: canonical },
    }));
    await this.deps.audit.record({
      accountId: user.accountId,
      actor: actor.userId,
      action: 'console_ip_control.change',
      target: user.id,
      sourceIp: actor.sourceIp,
      result: 'success',
      details: { enabled: input.enabled, entries: canonical.length },
    });
    return this.view(updated, actor.sourceIp);
  }

  /** LOGIN-5 at login: called with the user whose password was just verified. */
  async checkLogin(user: User, sourceIp: string): Promise<void> {
    await this.enforce(user, user.kind === 'root' ? 'root' : 'user', sourceIp, 'login');
  }

  /** LOGIN-5 on every console request; `principalType` of the session decides whether the control applies. */
  async checkRequest(principal: { accountId: string; userId: string; type: string }, sourceIp: string): Promise<void> {
    if (!SUBJECT_TYPES.has(principal.type)) return;
    const user = await this.deps.users.get(principal.accountId, principal.userId);
    if (user) await this.enforce(user, principal.type, sourceIp, 'request');
  }

  private async enforce(
    user: User,
    principalType: string,
    sourceIp: string,
    during: 'login' | 'request',
  ): Promise<void> {
    const c = user.consoleIpControl;
    if (!SUBJECT_TYPES.has(principalType) || !c.enabled || addressAllowed(c.entries, sourceIp)) return;
    await this.deps.audit.record({
      accountId: user.accountId,
      actor: user.id,
      action: 'console_ip_control.deny',
      target: user.id,
      sourceIp,
      result: 'failure',
      reasonCode: 'CONSOLE_IP_DENIED',
      details: { during },
    });
    throw appError('CONSOLE_IP_DENIED', { rule: 'console-access-ip-control', sourceIp });
  }
}
