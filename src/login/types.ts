import type { Account, User } from '../store/ports.js';

/** Where a login attempt came from; recorded in audit events and used by the throttles. */
export interface RequestOrigin {
  /** ctx.state.clientIp: the socket peer or the first untrusted X-Forwarded-For hop. */
  sourceIp: string;
  userAgent?: string | undefined;
}

export interface PasswordLogin extends RequestOrigin {
  account: Account;
  username: string;
  password: string;
  /** Requested console URL; sanitised by safeRedirect before it is ever used. */
  redirect?: string | undefined;
}

/**
 * The MFA hook (LOGIN-1, LOGIN-4). The MFA capability implements it; the login flow asks it after a correct
 * password and, when it answers true, stops with `mfa_required` and a pending-login token. The MFA step
 * then verifies the code and calls `LoginService.completeSecondFactor(token, origin)` to continue.
 */
export interface SecondFactorPolicy {
  isRequired(user: User, account: Account): boolean;
}

/** Default until the MFA capability lands: enrolled users, or every user of an account that requires MFA. */
export const enrolledOrRequired: SecondFactorPolicy = {
  isRequired: (user, account) => user.mfa.enrolled || account.settings.mfaRequired,
};

export type PasswordChangeReason = 'expired' | 'required_by_administrator';

/** The result of a login step that did not fail. Failures are AppErrors (INVALID_CREDENTIALS …). */
export type LoginOutcome =
  | { state: 'authenticated'; sessionId: string; csrfToken: string; absoluteExpiresAtMs: number; redirect: string }
  | { state: 'mfa_required'; pendingToken: string; expiresAtMs: number }
  | { state: 'password_change_required'; pendingToken: string; expiresAtMs: number; reason: PasswordChangeReason };
