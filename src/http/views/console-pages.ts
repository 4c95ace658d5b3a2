import { csrfField, html, page } from './html.js';

export interface ConsoleHomeView {
  userName: string;
  accountLabel: string;
  accountId: string;
  principalType: string;
  sessionCount: number;
  csrfToken: string;
}

/** The minimal console home (LOGIN-1): who is logged in, and a way out. */
export function consoleHomePage(v: ConsoleHomeView): string {
  return page(
    'Console',
    html`<h1>Console</h1>
      <p class="sub">Signed in as <strong id="who">${v.userName}</strong></p>
      <dl>
        <dt>Account</dt>
        <dd>${v.accountLabel}</dd>
        <dt>Account id</dt>
        <dd>${v.accountId}</dd>
        <dt>User type</dt>
        <dd>${v.principalType}</dd>
        <dt>Open sessions</dt>
        <dd>${v.sessionCount}</dd>
      </dl>
      <nav>
        <a href="/console/my-info">My Info</a> · <a href="/console/switch-role" id="switch-role-link">Switch role</a>
      </nav>
      <form method="post" action="/logout">
        ${csrfField(v.csrfToken)}
        <button type="submit" class="secondary">Sign out</button>
      </form>`,
  );
}
