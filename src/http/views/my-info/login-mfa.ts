import { csrfField, html, page, raw } from '../html.js';

/** Enrolment during login (account requires MFA, user has none yet): secret, QR and the first code. */
export function loginEnrolPage(v: {
  pendingToken: string;
  csrfToken: string;
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  error?: string;
}): string {
  return page(
    'Set up MFA',
    html`<h1>Set up an authenticator</h1>
      <p class="sub">
        Your account requires a second factor. Scan the code with an authenticator app, or type the key.
      </p>
      ${v.error ? html`<div class="error" role="alert">${v.error}</div>` : ''}
      <div class="qr">${raw(v.qrSvg)}</div>
      <p>Key: <code id="mfa-secret">${v.secret}</code></p>
      <form method="post" action="/login/step/mfa/setup/confirm">
        ${csrfField(v.csrfToken)}
        <input type="hidden" name="pendingToken" value="${v.pendingToken}" />
        <label for="code">Code from the app</label>
        <input
          type="text"
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          required
          maxlength="6"
        />
        <button type="submit">Confirm and continue</button>
      </form>`,
  );
}

/** Recovery codes, shown exactly once (after enrolment or regeneration). */
export function recoveryCodesBlock(codes: readonly string[]): ReturnType<typeof html> {
  return html`<p>Recovery codes — each works once. Store them somewhere safe; they will not be shown again.</p>
    <ul class="codes" id="recovery-codes">
      ${codes.map((c) => html`<li><code>${c}</code></li>`)}
    </ul>`;
}

export function loginRecoveryCodesPage(codes: readonly string[], continueHref: string): string {
  return page(
    'Recovery codes',
    html`<h1>MFA is set up</h1>
      ${recoveryCodesBlock(codes)}
      <p><a id="continue" href="${continueHref}">Continue</a></p>`,
  );
}
