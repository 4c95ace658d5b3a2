import type { Violation } from '../../errors.js';
import { csrfField, html, page } from './html.js';

/** The pages of the login flow (LOGIN-1). Texts live here, in one place (style.md §8.8). */
export const TEXTS = {
  invalidCredentials: 'The username or password is incorrect.',
  locked:
    'Too many failed attempts. This user is locked for now; try again later or ask your administrator to unlock it.',
  stepExpired: 'This login step has expired. Please log in again.',
  rateLimited: 'Too many login attempts from here. Please wait a moment and try again.',
  unknownAccount: 'There is no login page at this address. Check the account alias or id.',
  expired: 'Your password has expired. Choose a new one to continue.',
  requiredByAdministrator: 'Your administrator requires you to choose a new password before continuing.',
} as const;

/** What a user can read before choosing a new password (SPEC §3). */
const RULES = [
  '9 to 20 characters',
  'at least one uppercase letter, one lowercase letter, one digit and one of ! @ # $ % & * ^',
  'not your username, the account id or alias',
  'no character more than 3 times in a row, no runs like abcd or 4321',
  'not a common or easily guessed password, and none of your recent passwords',
];

export interface LoginPageView {
  accountLabel: string;
  /** Form target: the same login URL. */
  action: string;
  csrfToken: string;
  username?: string;
  next?: string;
  error?: string;
}

export function loginPage(v: LoginPageView): string {
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
      <p class="sub">Account <strong>${v.accountLabel}</strong></p>
      ${v.error ? html`<div class="error" role="alert" id="login-error">${v.error}</div>` : ''}
      <form method="post" action="${v.action}">
        ${csrfField(v.csrfToken)}
        <input type="hidden" name="next" value="${v.next ?? ''}" />
        <label for="username">Username</label>
        <input
          type="text"
          id="username"
          name="username"
          autocomplete="username"
          required
          maxlength="64"
          value="${v.username ?? ''}"
          ${v.error ? ' aria-describedby="login-error"' : ''}
        />
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="256" />
        <button type="submit">Sign in</button>
      </form>`,
  );
}

/** GET /login with no account: ask for the alias or id. */
export function accountChooserPage(error?: string): string {
  return page(
    'Sign in',
    html`<h1>Sign in to the console</h1>
      ${error ? html`<div class="error" role="alert">${error}</div>` : ''}
      <form method="get" action="/login">
        <label for="account">Account alias or id</label>
        <input type="text" id="account" name="account" required maxlength="63" autocomplete="organization" />
        <button type="submit">Next</button>
      </form>`,
  );
}

export function lockedPage(loginHref: string): string {
  return messagePage('User locked', TEXTS.locked, loginHref);
}

export function messagePage(title: string, message: string, backHref?: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
      <div class="error" role="alert">${message}</div>
      ${backHref ? html`<p><a href="${backHref}">Back to sign in</a></p>` : ''}`,
  );
}

export interface PasswordChangeView {
  pendingToken: string;
  csrfToken: string;
  reason: 'expired' | 'required_by_administrator' | null;
  /** Every rule the last attempt broke (PWD-9); empty on first display. */
  violations: readonly Pick<Violation, 'code' | 'message'>[];
  mismatch?: boolean;
}

export function passwordChangePage(v: PasswordChangeView): string {
  const intro = v.reason === 'required_by_administrator' ? TEXTS.requiredByAdministrator : TEXTS.expired;
  const problems = [
    ...v.violations.map((x) => x.message),
    ...(v.mismatch ? ['The two new passwords are not the same.'] : []),
  ];
  return page(
    'Change your password',
    html`<h1>Change your password</h1>
      <p class="sub">${intro}</p>
      ${
        problems.length > 0
          ? html`<div class="error" role="alert" id="change-errors">
              The new password was not accepted:
              <ul>
                ${problems.map((p) => html`<li>${p}</li>`)}
              </ul>
            </div>`
          : ''
      }
      <p id="rules-title">A password needs:</p>
      <ul class="rules" aria-labelledby="rules-title">
        ${RULES.map((r) => html`<li>${r}</li>`)}
      </ul>
      <form method="post" action="/login/step/password-change">
        ${csrfField(v.csrfToken)}
        <input type="hidden" name="pendingToken" value="${v.pendingToken}" />
        <label for="newPassword">New password</label>
        <input
          type="password"
          id="newPassword"
          name="newPassword"
          autocomplete="new-password"
          required
          maxlength="256"
          aria-describedby="rules-title"
        />
        <label for="confirmPassword">Repeat the new password</label>
        <input
          type="password"
          id="confirmPassword"
          name="confirmPassword"
          autocomplete="new-password"
          required
          maxlength="256"
        />
        <button type="submit">Change password and continue</button>
      </form>`,
  );
}

/** The MFA step's form; the MFA capability serves POST /login/step/mfa (LOGIN-4). */
export function mfaPage(v: { pendingToken: string; csrfToken: string }): string {
  return page(
    'Verification code',
    html`<h1>Verification code</h1>
      <p class="sub">Enter the 6-digit code from your authenticator app.</p>
      <form method="post" action="/login/step/mfa">
        ${csrfField(v.csrfToken)}
        <input type="hidden" name="pendingToken" value="${v.pendingToken}" />
        <label for="code">Code (or a recovery code)</label>
        <input type="text" id="code" name="code" autocomplete="one-time-code" required maxlength="40" />
        <button type="submit">Verify</button>
      </form>
      <form method="post" action="/login/step/mfa/setup">
        ${csrfField(v.csrfToken)}
        <input type="hidden" name="pendingToken" value="${v.pendingToken}" />
        <button type="submit" class="secondary" id="mfa-setup">No authenticator yet? Set one up</button>
      </form>`,
  );
}
