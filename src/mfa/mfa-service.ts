import type { Clock } from '../clock.js';
import type { Sealer } from '../crypto/index.js';
import { appError } from '../errors.js';
import { LockoutService, mfaSubject, type LockoutConfig } from '../login/lockout.js';
import type { SessionStore } from '../sessions/ports.js';
import type { Account, NamedRepository, User } from '../store/ports.js';
import type { Actor, SecurityAudit } from './audit.js';
import { findRecoveryCode, hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.js';
import { mfaSecretBinding } from './reseal.js';
import { matchTotp, newTotpMaterial, TOTP_PERIOD_SECONDS, type TotpEnrolmentMaterial } from './totp.js';

export interface MfaConfig {
  issuer: string;
  /** Accepted steps either side of now (config.mfa.window). */
  window: number;
  lockout: LockoutConfig;
}

export interface MfaDeps {
  users: NamedRepository<User>;
  sessions: SessionStore;
  clock: Clock;
  audit: SecurityAudit;
  /** TOTP secrets at rest (src/crypto), bound to the user id: a secret copied onto another user does not open. */
  sealer: Sealer;
  config: MfaConfig;
}

/** A second factor as presented: a TOTP code or a recovery code. */
export interface SecondFactorInput {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorMethod = 'totp' | 'recovery_code';

const OFF: User['mfa'] = { secret: null, enrolled: false, recoveryCodeHashes: [] };

/**
 * TOTP MFA (LOGIN-4). Enrolment stores a sealed secret with `enrolled: false` until a first valid code
 * confirms it. Every code check goes through `verify`, which
 * - holds a lockout slot of its own (LOGIN-3: subject `mfa:<userId>`, separate from the password counter),
 * - accepts ±window steps and refuses a code whose matched step was already used (replay cache keyed on the
 *   *matched* step, so the same code cannot pass again in the neighbouring step either),
 * - or consumes one recovery code atomically (a CAS write removes its hash; two racing uses: one wins).
 */
export class MfaService {
  private readonly lockout: LockoutService;

  constructor(private readonly deps: MfaDeps) {
    this.lockout = new LockoutService(deps.sessions, deps.config.lockout);
  }

  /** The login flow's question (SecondFactorPolicy): an enrolled user, or an account that requires MFA. */
  isRequired(user: User, account: Account): boolean {
    return user.mfa.enrolled || account.settings.mfaRequired;
  }

  /** Starts (or restarts) enrolment; the secret is returned once and stored sealed. */
  async beginEnrolment(user: User, accountLabel: string): Promise<TotpEnrolmentMaterial> {
    if (user.mfa.enrolled) throw appError('MFA_ALREADY_ENROLLED');
    const material = await newTotpMaterial(this.deps.config.issuer, `${accountLabel}/${user.name}`);
    const sealed = this.deps.sealer.seal(material.secret, mfaSecretBinding(user.id));
    await this.deps.users.mutate(user.accountId, user.id, user.id, (current) => {
      if (current.mfa.enrolled) throw appError('MFA_ALREADY_ENROLLED');
      return { mfa: { ...OFF, secret: sealed } };
    });
    return material;
  }

  /** Confirms enrolment with a first valid code; returns the recovery codes (shown once). */
  async confirmEnrolment(user: User, code: string, actor: Actor): Promise<{ recoveryCodes: string[] }> {
    if (user.mfa.enrolled) throw appError('MFA_ALREADY_ENROLLED');
    if (!user.mfa.secret) throw appError('MFA_ENROLMENT_NOT_STARTED');
    await this.verify(user, { code }, actor, { allowPending: true });
    const codes = newRecoveryCodes();
    const sealed = user.mfa.secret;
    await this.deps.users.mutate(user.accountId, user.id, user.id, (current) => {
      // Restarted meanwhile (another tab): the code proved the old secret, not the new one.
      if (current.mfa.secret !== sealed || current.mfa.enrolled) throw appError('MFA_ENROLMENT_NOT_STARTED');
      return { mfa: { secret: sealed, enrolled: true, recoveryCodeHashes: this.hashAll(codes, user.id) } };
    });
    await this.deps.audit.record(event(actor, user, 'mfa.enrol', 'success'));
    return { recoveryCodes: codes };
  }

  /**
   * Checks a second factor; resolves with the method used or throws MFA_CODE_INVALID / ACCOUNT_LOCKED.
   * `allowPending` admits the not-yet-confirmed secret (enrolment confirmation only).
   */
  async verify(
    user: User,
    input: SecondFactorInput,
    actor: Actor,
    opts: { allowPending?: boolean } = {},
  ): Promise<SecondFactorMethod> {
    if (!user.mfa.secret || (!user.mfa.enrolled && !opts.allowPending)) throw appError('MFA_NOT_ENROLLED');
    const recoveryCode = user.mfa.enrolled ? input.recoveryCode : undefined;
    // Opened before a lockout slot is taken: a secret that does not open (its KEK left out of the config)
    // is a server error naming the key, not a wrong code counted against the user.
    const secret = recoveryCode ? null : this.deps.sealer.open(user.mfa.secret, mfaSecretBinding(user.id));
    const subject = mfaSubject(user.id);
    const slot = await this.lockout.reserve(user.accountId, subject);
    if (slot.locked) {
      await this.deps.audit.record(event(actor, user, 'mfa.verify', 'failure', 'ACCOUNT_LOCKED'));
      throw appError('ACCOUNT_LOCKED');
    }
    const method = recoveryCode
      ? await this.useRecoveryCode(user, recoveryCode)
      : await this.useTotp(user, secret ?? '', input.code ?? '');
    if (method) {
      await this.lockout.succeeded(user.accountId, subject);
      if (method === 'recovery_code') {
        await this.deps.audit.record(event(actor, user, 'mfa.recovery_code.use', 'success'));
      }
      return method;
    }
    await this.deps.audit.record(
      event(actor, user, 'mfa.verify', 'failure', 'MFA_CODE_INVALID', { attempt: slot.attempt }),
    );
    if (await this.lockout.failed(user.accountId, subject, slot)) {
      await this.deps.audit.record(event(actor, user, 'mfa.lockout', 'success', 'LOCKOUT_THRESHOLD'));
      throw appError('ACCOUNT_LOCKED');
    }
    throw appError('MFA_CODE_INVALID');
  }

  /** Turns MFA off; the caller has already obtained proof (a code or a password re-confirmation). */
  async disable(user: User, account: Account, actor: Actor, proof: string): Promise<void> {
    if (account.settings.mfaRequired) throw appError('MFA_REQUIRED_BY_ACCOUNT');
    if (!user.mfa.enrolled) throw appError('MFA_NOT_ENROLLED');
    await this.deps.users.mutate(user.accountId, user.id, user.id, () => ({ mfa: OFF }));
    await this.deps.audit.record(event(actor, user, 'mfa.disable', 'success', undefined, { proof }));
  }

  /** Replaces every recovery code (the caller has obtained proof); returns the new ones, shown once. */
  async regenerateRecoveryCodes(user: User, actor: Actor, proof: string): Promise<{ recoveryCodes: string[] }> {
    if (!user.mfa.enrolled) throw appError('MFA_NOT_ENROLLED');
    const codes = newRecoveryCodes();
    await this.deps.users.mutate(user.accountId, user.id, user.id, (current) => ({
      mfa: { ...current.mfa, recoveryCodeHashes: this.hashAll(codes, user.id) },
    }));
    await this.deps.audit.record(event(actor, user, 'mfa.recovery_codes.regenerate', 'success', undefined, { proof }));
    return { recoveryCodes: codes };
  }

  private async useTotp(user: User, secret: string, code: string): Promise<SecondFactorMethod | null> {
    const now = this.deps.clock.now();
    const step = await matchTotp(secret, code.trim(), now, this.deps.config.window);
    if (step === null) return null;
    // The step stays acceptable until `window` steps after it has passed; keep the marker that long.
    const ttlMs = Math.max(1000, (step + this.deps.config.window + 1) * TOTP_PERIOD_SECONDS * 1000 - now);
    const first = await this.deps.sessions.setIfAbsent(`totp:${user.accountId}:${user.id}:${step}`, ttlMs);
    return first ? 'totp' : null;
  }

  private async useRecoveryCode(user: User, input: string): Promise<SecondFactorMethod | null> {
    const normalised = normaliseRecoveryCode(input);
    if (normalised === null) return null;
    const hash = hashRecoveryCode(normalised, user.id);
    let consumed = false;
    await this.deps.users.mutate(user.accountId, user.id, user.id, (current) => {
      const i = findRecoveryCode(current.mfa.recoveryCodeHashes, hash);
      consumed = i >= 0;
      if (!consumed) return null;
      return { mfa: { ...current.mfa, recoveryCodeHashes: current.mfa.recoveryCodeHashes.filter((_, j) => j !== i) } };
    });
    return consumed ? 'recovery_code' : null;
  }

  private hashAll(codes: readonly string[], userId: string): string[] {
    return codes.map((c) => hashRecoveryCode(normaliseRecoveryCode(c) ?? '', userId));
  }
}

function event(
  actor: Actor,
  user: User,
  action: Parameters<SecurityAudit['record']>[0]['action'],
  result: 'success' | 'failure',
  reasonCode?: string,
  details?: Record<string, unknown>,
) {
  return {
    accountId: user.accountId,
    actor: actor.userId,
    action,
    target: user.id,
    sourceIp: actor.sourceIp,
    result,
    ...(reasonCode ? { reasonCode } : {}),
    ...(details ? { details } : {}),
  };
}
