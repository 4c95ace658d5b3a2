import type { Clock } from '../clock.js';
import { generateStrongPassword } from './generate.js';
import { createDummyVerifier, hashPassword, needsRehash, verifyPassword } from './hash.js';
import { isExpired, isReused, lastEntries } from './history.js';
import {
  checkPassword,
  passwordRejected,
  type PasswordIdentity,
  type PasswordPolicy,
  type PasswordViolation,
} from './rules.js';

export { appendHistory, isExpired, isReused, MAX_REUSE_RESTRICTION, MIN_REUSE_RESTRICTION } from './history.js';
export { checkPassword, passwordRejected, SPECIAL_CHARACTERS } from './rules.js';
export type { PasswordIdentity, PasswordPolicy, PasswordRuleCode, PasswordViolation } from './rules.js';

/** What a new password is judged against: the user's names and, for PWD-7, their stored history. */
export interface NewPasswordContext extends PasswordIdentity {
  /** Hashes of earlier passwords, oldest first, including the current one (see history.ts). */
  history?: readonly string[] | undefined;
  /** The user's reuse restriction N (ENT-1); defaults to config `defaultReuseRestriction`. */
  reuseRestriction?: number | undefined;
}

/**
 * The password capability as the login and user services use it, built once from config and the clock.
 * Hashing and verifying are async (libuv pool); rule checks are sync except the history check.
 */
export class PasswordService {
  readonly dummyVerify: () => Promise<void>;

  constructor(
    private readonly policy: PasswordPolicy,
    private readonly clock: Clock,
  ) {
    this.dummyVerify = createDummyVerifier(policy.argon2);
  }

  /** PWD-1..7 and PWD-9: every violation, the sync rules and the history check together. */
  async checkNewPassword(password: string, ctx: NewPasswordContext): Promise<PasswordViolation[]> {
    const violations = checkPassword(password, ctx, this.policy);
    const history = lastEntries(ctx.history ?? [], ctx.reuseRestriction ?? this.policy.defaultReuseRestriction);
    if (await isReused(password, history))
      violations.push({
        code: 'PASSWORD_REUSED',
        message: `Do not reuse any of your last ${history.length} passwords.`,
      });
    return violations;
  }

  /** Throws one 400 PASSWORD_REJECTED listing every violation (`details.violations`), or resolves. */
  async validateNewPassword(password: string, ctx: NewPasswordContext): Promise<void> {
    const violations = await this.checkNewPassword(password, ctx);
    if (violations.length > 0) throw passwordRejected(violations);
  }

  hash(password: string): Promise<string> {
    return hashPassword(password, this.policy.argon2);
  }

  verify(stored: string, password: string): Promise<boolean> {
    return verifyPassword(stored, password);
  }

  /** PWD-10: call after a successful verify; true means store `hash(password)` in place of `stored`. */
  needsRehash(stored: string): boolean {
    return needsRehash(stored, this.policy.argon2);
  }

  /** ENT-2: a random password that satisfies every rule for this user (shown once, never stored in clear). */
  generate(identity: PasswordIdentity): string {
    return generateStrongPassword(identity, this.policy);
  }

  /** PWD-8, with `passwordChangedAt` in epoch milliseconds. */
  isExpired(passwordChangedAt: number): boolean {
    return isExpired(passwordChangedAt, this.clock.now(), this.policy.expiryDays);
  }
}
