/**
 * MFA (SPEC LOGIN-4): TOTP enrolment and verification (replay-safe, own lockout counter), recovery codes,
 * secrets sealed at rest (src/crypto; `resealMfaSecrets` after a KEK rotation). No Koa here: src/http/routes/mfa.ts (login step) and my-info.ts (self-service)
 * translate HTTP to these calls.
 *
 *   beginEnrolment → secret + otpauth URI + QR (secret sealed, enrolled=false)
 *   confirmEnrolment(code) → enrolled=true + 10 recovery codes (shown once)
 *   verify(code | recovery code) → lockout slot → TOTP ±window + replay marker | recovery code consumed
 *   disable / regenerateRecoveryCodes → after proof (code or password re-confirmation, src/my-info)
 */
export { SecurityAudit, type Actor, type SecurityAction, type SecurityEvent } from './audit.js';
export {
  MfaService,
  type MfaConfig,
  type MfaDeps,
  type SecondFactorInput,
  type SecondFactorMethod,
} from './mfa-service.js';
export { RECOVERY_CODE_COUNT, normaliseRecoveryCode } from './recovery-codes.js';
export { mfaSecretBinding, resealMfaSecrets } from './reseal.js';
export { matchTotp, TOTP_PERIOD_SECONDS, type TotpEnrolmentMaterial } from './totp.js';
