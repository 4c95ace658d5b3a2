import { validateEntries, type ConsoleAccess, type IpControlView } from '../console-access/index.js';
import { appError, validationFailed } from '../errors.js';
import type { Actor, MfaService } from '../mfa/index.js';
import type { Account, User } from '../store/ports.js';
import type { Reconfirmation } from './reconfirm.js';

/**
 * My Info (ENT-1, PWD-11, LOGIN-4/5/8 self-service). No Koa here: src/http/routes/my-info.ts translates.
 *   profile.ts     view, timezone, contacts (password), password change (current password + rules + history)
 *   reconfirm.ts   PWD-11 re-confirmation counter; 5 wrong entries end the console session
 *   switch.ts      LOGIN-8 switching between users (any account) sharing a verified contact
 *   below          actions that need proof: MFA off / new recovery codes (code or password), IP control (password)
 */
export {
  AccountSwitch,
  SWITCH_REFUSALS,
  sharedVerifiedContact,
  type CurrentSession,
  type SwitchRefusal,
  type SwitchTarget,
} from './switch.js';
export {
  currentUser,
  ProfileService,
  profileView,
  sameContact,
  validTimezone,
  type ContactChange,
  type ProfileView,
} from './profile.js';
export { Reconfirmation } from './reconfirm.js';

/** Proof for turning MFA off or replacing recovery codes: a current code, or the password. */
export interface Proof {
  code?: string | undefined;
  password?: string | undefined;
}

export class SecuritySettings {
  constructor(private readonly deps: { mfa: MfaService; reconfirm: Reconfirmation; consoleAccess: ConsoleAccess }) {}

  /** A TOTP code goes through the MFA lockout and replay cache; a password through the re-confirmation counter. */
  private async prove(user: User, proof: Proof, actor: Actor): Promise<'totp' | 'password'> {
    if (proof.code) {
      await this.deps.mfa.verify(user, { code: proof.code }, actor);
      return 'totp';
    }
    if (proof.password) {
      await this.deps.reconfirm.confirm(actor, user, proof.password);
      return 'password';
    }
    throw appError('PROOF_REQUIRED');
  }

  async disableMfa(user: User, account: Account, proof: Proof, actor: Actor): Promise<void> {
    if (!user.mfa.enrolled) throw appError('MFA_NOT_ENROLLED');
    if (account.settings.mfaRequired) throw appError('MFA_REQUIRED_BY_ACCOUNT');
    await this.deps.mfa.disable(user, account, actor, await this.prove(user, proof, actor));
  }

  async regenerateRecoveryCodes(user: User, proof: Proof, actor: Actor): Promise<{ recoveryCodes: string[] }> {
    if (!user.mfa.enrolled) throw appError('MFA_NOT_ENROLLED');
    return this.deps.mfa.regenerateRecoveryCodes(user, actor, await this.prove(user, proof, actor));
  }

  async updateIpControl(
    user: User,
    input: { enabled: boolean; entries: readonly string[] },
    password: string,
    actor: Actor,
  ): Promise<IpControlView> {
    // Bad entries are reported before the password is checked, so a typo costs no re-confirmation attempt.
    const { violations } = validateEntries(input.enabled, input.entries);
    if (violations.length > 0) throw validationFailed(violations);
    await this.deps.reconfirm.confirm(actor, user, password);
    return this.deps.consoleAccess.update(user, input, actor);
  }
}
