/**
 * Console login (SPEC §4 LOGIN-1/2/3/6/7, PWD-8, PWD-10, TEN-3). No Koa here: src/http/routes/login.ts and
 * me.ts translate HTTP to these calls.
 *
 *   account (alias | id, accounts.ts)
 *     → LoginThrottle.admit        per-IP and per-account sliding windows, before any hashing (429)
 *     → LockoutService.reserve     ceiling-bounded slot; locked → ACCOUNT_LOCKED without a verify
 *     → argon2 verify | dummyVerify (unknown/disabled user: same cost, same INVALID_CREDENTIALS)
 *     → rehash when weak (PWD-10)
 *     → SecondFactorPolicy         mfa_required + pending token (the MFA step calls completeSecondFactor)
 *     → forced change (PWD-8)      password_change_required + pending token → changePassword
 *     → ConsoleSessions.start      fresh id + CSRF token, lastLoginAt, audit, redirect (safeRedirect)
 */
export { accountByAlias, accountByReference, loginPath } from './accounts.js';
export { LoginAudit } from './audit.js';
export { ConsoleSessions, sessionHandle, userSrn, type ConsoleSessionView } from './console-sessions.js';
export { LockoutService } from './lockout.js';
export { LoginService, type LoginDeps } from './login-service.js';
export { PENDING_TTL_MS, type PendingLogin, type PendingStage } from './pending.js';
export { CONSOLE_HOME, safeRedirect } from './redirect.js';
export {
  enrolledOrRequired,
  type LoginOutcome,
  type PasswordChangeReason,
  type PasswordLogin,
  type RequestOrigin,
  type SecondFactorPolicy,
} from './types.js';
export { formString, loginBody, parseInput, passwordChangeBody } from './inputs.js';
export { unlockUser } from './unlock.js';
