import type { Account, User } from '../store/ports.js';
import type { TokenResponse } from '../tokens/service.js';

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
  /** What the finished login hands out: a console cookie (default) or an API session's tokens. */
  issue?: LoginDelivery | undefined;
}

/** `cookie`: a browser console session (CSRF token, no refresh token); `tokens`: access + refresh token, no cookie. */
export type LoginDelivery = 'cookie' | 'tokens';

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
  | ({ state: 'authenticated'; sessionId: string; absoluteExpiresAtMs: number; redirect: string } & (
      { issue: 'cookie'; csrfToken: string } | { issue: 'tokens'; tokens: TokenResponse }
    ))
  | { state: 'mfa_required'; pendingToken: string; expiresAtMs: number }
  | { state: 'password_change_required'; pendingToken: string; expiresAtMs: number; reason: PasswordChangeReason };
