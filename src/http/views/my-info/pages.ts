import type { IpControlView } from '../../../console-access/index.js';
import type { ProfileView, SwitchTarget } from '../../../my-info/index.js';
import { csrfField, html, page, raw, type Raw } from '../html.js';
import { recoveryCodesBlock } from './login-mfa.js';

/** The My Info pages (ENT-1, PWD-11, LOGIN-4/5/8). Every value goes through the escaping `html` tag. */
export interface Notice {
  error?: string | undefined;
  violations?: readonly { path: string; message: string }[] | undefined;
  ok?: string | undefined;
}

const NAV = html`<nav>
  <a href="/console">Console</a> · <a href="/console/my-info">My Info</a> ·
  <a href="/console/my-info/password">Password</a> · <a href="/console/my-info/mfa">MFA</a> ·
  <a href="/console/my-info/ip-control">IP control</a> · <a href="/console/my-info/switch">Switch user</a> ·
  <a href="/console/switch-role">Switch role</a>
</nav>`;

function notice(n: Notice): Raw {
  return html`${n.ok ? html`<div class="ok" role="status" id="notice">${n.ok}</div>` : ''}${
    n.error
      ? html`<div class="error" role="alert" id="notice">
          ${n.error}${
            n.violations?.length
              ? html`<ul>
                  ${n.violations.map((x) => html`<li>${x.path}: ${x.message}</li>`)}
                </ul>`
              : ''
          }
        </div>`
      : ''
  }`;
}

function myPage(title: string, n: Notice, body: Raw): string {
  return page(
    title,
    html`${NAV}
      <h1>${title}</h1>
      ${notice(n)}${body}`,
  );
}

const passwordField = (label = 'Your password (to confirm)') =>
  html`<label for="password">${label}</label
    ><input type="password" id="password" name="password" autocomplete="current-password" required maxlength="256" />`;

const contact = (c: ProfileView['email']) =>
  c ? html`${c.value} <span class="tag">${c.verified ? 'verified' : 'not verified'}</span>` : html`<em>none</em>`;
const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

export function profilePage(p: ProfileView, csrf: string, n: Notice = {}): string {
  return myPage(
    'My Info',
    n,
    html`<dl>
        <dt>User</dt>
        <dd id="user-name">${p.userName}</dd>
        <dt>Type</dt>
        <dd>${p.kind === 'root' ? 'root user' : 'IAM user'}</dd>
        <dt>E-mail</dt>
        <dd>${contact(p.email)}</dd>
        <dt>Phone</dt>
        <dd>${contact(p.phone)}</dd>
        <dt>Time zone</dt>
        <dd>${p.timezone ?? 'not set'}</dd>
        <dt>Last login</dt>
        <dd>${when(p.lastLoginAt)}</dd>
        <dt>Password changed</dt>
        <dd>${when(p.passwordChangedAt)}</dd>
        <dt>MFA</dt>
        <dd id="mfa-state">${p.mfa.enrolled ? 'on' : 'off'}</dd>
      </dl>
      <h2>Time zone</h2>
      <form method="post" action="/console/my-info/timezone">
        ${csrfField(csrf)} <label for="timezone">IANA time zone</label
        ><input type="text" id="timezone" name="timezone" maxlength="64" value="${p.timezone ?? ''}" />
        <button type="submit">Save time zone</button>
      </form>
      <h2>Contact</h2>
      <form method="post" action="/console/my-info/contacts">
        ${csrfField(csrf)} <label for="email">E-mail</label
        ><input type="text" id="email" name="email" maxlength="254" value="${p.email?.value ?? ''}" />
        <label for="phone">Phone</label
        ><input type="text" id="phone" name="phone" maxlength="24" value="${p.phone?.value ?? ''}" />
        ${passwordField()}<button type="submit">Save contact</button>
      </form>`,
  );
}

export function passwordPage(csrf: string, n: Notice = {}): string {
  return myPage(
    'Change password',
    n,
    html`<form method="post" action="/console/my-info/password">
      ${csrfField(csrf)} ${passwordField('Current password')} <label for="newPassword">New password</label
      ><input
        type="password"
        id="newPassword"
        name="newPassword"
        autocomplete="new-password"
        required
        maxlength="256"
      />
      <label for="confirmPassword">Repeat the new password</label
      ><input
        type="password"
        id="confirmPassword"
        name="confirmPassword"
        autocomplete="new-password"
        required
        maxlength="256"
      />
      <button type="submit">Change password</button>
    </form>`,
  );
}

export interface MfaPageView {
  enrolled: boolean;
  recoveryCodesRemaining: number;
  /** Enrolment in progress: the material to show. */
  enrolment?: { secret: string; otpauthUri: string; qrSvg: string } | undefined;
  /** Just created: shown once. */
  recoveryCodes?: readonly string[] | undefined;
}

const proofFields = html`<label for="code">Current code</label
  ><input type="text" id="code" name="code" inputmode="numeric" maxlength="6" />
  <label for="password">or your password</label
  ><input type="password" id="password" name="password" autocomplete="current-password" maxlength="256" />`;

export function mfaSettingsPage(v: MfaPageView, csrf: string, n: Notice = {}): string {
  const body = v.recoveryCodes
    ? recoveryCodesBlock(v.recoveryCodes)
    : v.enrolment
      ? html`<div class="qr">${raw(v.enrolment.qrSvg)}</div>
          <p>Key: <code id="mfa-secret">${v.enrolment.secret}</code></p>
          <form method="post" action="/console/my-info/mfa/confirm">
            ${csrfField(csrf)} <label for="code">Code from the app</label
            ><input type="text" id="code" name="code" inputmode="numeric" required maxlength="6" />
            <button type="submit">Turn MFA on</button>
          </form>`
      : v.enrolled
        ? html`<p id="mfa-state">MFA is on. Recovery codes left: ${v.recoveryCodesRemaining}.</p>
            <h2>New recovery codes</h2>
            <form method="post" action="/console/my-info/mfa/recovery-codes">
              ${csrfField(csrf)}${proofFields}<button type="submit">Replace recovery codes</button>
            </form>
            <h2>Turn MFA off</h2>
            <form method="post" action="/console/my-info/mfa/disable">
              ${csrfField(csrf)}${proofFields}<button type="submit" class="secondary">Turn MFA off</button>
            </form>`
        : html`<p id="mfa-state">MFA is off.</p>
            <form method="post" action="/console/my-info/mfa/enrol">
              ${csrfField(csrf)}<button type="submit" id="mfa-enrol">Set up an authenticator</button>
            </form>`;
  return myPage('Multi-factor authentication', n, body);
}

export function ipControlPage(v: IpControlView, csrf: string, n: Notice = {}): string {
  return myPage(
    'Console access IP control',
    n,
    html`<p>Your current address: <code id="current-ip">${v.currentAddress}</code></p>
      ${v.currentAddressAllowed ? '' : html`<div class="error" role="alert" id="ip-warning">Your current address is not in the list: saving this setting will lock this browser out.</div>`}
      <form method="post" action="/console/my-info/ip-control">
        ${csrfField(csrf)}
        <label
          ><input type="checkbox" name="enabled" value="on" ${v.enabled ? raw(' checked') : ''} /> Allow console access
          only from these addresses</label
        >
        <label for="entries">Addresses or CIDRs, one per line (1–50)</label>
        <textarea id="entries" name="entries" rows="6">${v.entries.join('\n')}</textarea>
        ${passwordField()}<button type="submit">Save IP control</button>
      </form>`,
  );
}

/** LOGIN-8: one form per identity (any account); a code field where the target's MFA will be asked for. */
export function switchPage(targets: readonly SwitchTarget[], csrf: string, n: Notice = {}): string {
  const item = (t: SwitchTarget) =>
    html`<li>
      <form method="post" action="/console/my-info/switch">
        ${csrfField(csrf)} <input type="hidden" name="accountId" value="${t.accountId}" /><input
          type="hidden"
          name="userId"
          value="${t.userId}"
        />
        <p>
          <strong>${t.userName}</strong> (${t.kind === 'root' ? 'root user' : 'IAM user'}) in account
          <code>${t.accountAlias ?? t.accountId}</code>, same verified ${t.sharedContact}
        </p>
        ${t.mfaCodeRequired ? html`<label for="code-${t.userId}">MFA code of ${t.userName}</label><input type="text" id="code-${t.userId}" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" />` : ''}
        <button type="submit">Switch to ${t.userName}</button>
      </form>
    </li>`;
  return myPage(
    'Switch user',
    n,
    targets.length === 0
      ? html`<p>No other user, in this account or another, shares a verified e-mail or phone with you.</p>`
      : html`<ul class="switch-targets">
          ${targets.map(item)}
        </ul>`,
  );
}

/** The LOGIN-5 refusal page for console requests from an address outside the user's list. */
export function ipDeniedPage(sourceIp: string): string {
  return page(
    'Access denied',
    html`<h1>Access denied</h1>
      <div class="error" role="alert" id="ip-denied">
        Console access from <code>${sourceIp}</code> is not allowed by this user's console access IP control rule.
      </div>`,
  );
}
