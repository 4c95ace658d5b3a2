import type { RecentRole, RoleBanner, RoleColour } from '../../roles/index.js';
import { csrfField, html, page, raw, type Raw } from './html.js';

/**
 * Console switch role (ROLE-3): the switch page and the banner every console page carries while the
 * cookie holds a role session. No inline script or style (the CSP is `default-src 'self'`): colours are
 * classes of the console stylesheet, and the countdown is one small script from /assets. Everything reads
 * without it: the expiry is rendered by the server.
 */
export const ROLE_BANNER_SCRIPT_PATH = '/assets/role-banner.js';

/** Texts of the page (style.md §8.8: in one place). */
export const SWITCH_ROLE_TEXTS = {
  notTrusted: 'You cannot switch to this role: it does not trust you, or it does not exist.',
  notAllowed: 'Your own permissions do not allow you to assume this role (iam:assumeRole).',
  unknownAccount: 'No account has that id or alias.',
  unknownRole: 'Your account has no role of that name.',
  invalid: 'Check the highlighted fields.',
} as const;

const COLOUR_LABELS: Record<RoleColour, string> = {
  red: 'Red',
  orange: 'Orange',
  yellow: 'Yellow',
  green: 'Green',
  blue: 'Blue',
  purple: 'Purple',
};

export interface SwitchRolePageView {
  csrfToken: string;
  colours: readonly RoleColour[];
  recent: readonly RecentRole[];
  /** The role session the browser is in, if any (switching again switches as the original identity). */
  current: RoleBanner | null;
  /** The submitted values, shown again after a refusal. */
  values?: { account?: string; roleName?: string; displayName?: string; colour?: string };
  error?: string | undefined;
  violations?: readonly { path: string; message: string }[] | undefined;
}

const FIELD_LABELS: Record<string, string> = {
  account: 'Account id or alias',
  roleName: 'Role name',
  displayName: 'Display name',
  colour: 'Colour',
};

export function switchRolePage(v: SwitchRolePageView): string {
  const values = v.values ?? {};
  const chosen = v.colours.includes(values.colour as RoleColour) ? values.colour : v.colours[0];
  const colour = (c: RoleColour) =>
    html`<span class="choice"
      ><input type="radio" name="colour" value="${c}" id="colour-${c}" ${c === chosen ? raw(' checked') : ''} /><label
        for="colour-${c}"
        ><span class="swatch colour-${c}"></span>${COLOUR_LABELS[c]}</label
      ></span
    >`;
  const recent = (r: RecentRole, i: number) =>
    html`<li>
      <form method="post" action="/console/switch-role">
        ${csrfField(v.csrfToken)} <input type="hidden" name="account" value="${r.accountId}" /><input
          type="hidden"
          name="roleName"
          value="${r.roleName}"
        />
        <input type="hidden" name="displayName" value="${r.displayName}" /><input
          type="hidden"
          name="colour"
          value="${r.colour}"
        />
        <button type="submit" class="recent-role" id="recent-role-${i}">
          <span class="swatch colour-${r.colour}"></span>${r.displayName}
          <span class="recent-detail">${r.roleName} in ${r.accountLabel}</span>
        </button>
      </form>
    </li>`;
  const error = v.error
    ? html`<div class="error" role="alert" id="notice">
        ${v.error}${
          v.violations?.length
            ? html`<ul>
                ${v.violations.map((x) => html`<li>${FIELD_LABELS[x.path] ?? x.path}: ${x.message}</li>`)}
              </ul>`
            : ''
        }
      </div>`
    : '';
  return page(
    'Switch role',
    html`<nav><a href="/console">Console</a> · <a href="/console/my-info">My Info</a></nav>
      <h1>Switch role</h1>
      <p class="sub">
        Work as a role of this or another account, for up to the role's maximum session
        time.${v.current ? html` You are now working as <strong>${v.current.displayName}</strong>; switching again switches as your own identity.` : ''}
      </p>
      ${error}
      <form method="post" action="/console/switch-role" id="switch-role-form">
        ${csrfField(v.csrfToken)} <label for="account">Account id or alias</label
        ><input
          type="text"
          id="account"
          name="account"
          required
          maxlength="64"
          autocomplete="off"
          value="${values.account ?? ''}"
        />
        <label for="roleName">Role name</label
        ><input
          type="text"
          id="roleName"
          name="roleName"
          required
          maxlength="64"
          autocomplete="off"
          value="${values.roleName ?? ''}"
        />
        <label for="displayName">Display name (optional)</label
        ><input
          type="text"
          id="displayName"
          name="displayName"
          maxlength="64"
          autocomplete="off"
          aria-describedby="displayName-hint"
          value="${values.displayName ?? ''}"
        />
        <p class="hint" id="displayName-hint">Shown in the banner; the role name when empty.</p>
        <fieldset class="colours">
          <legend>Colour</legend>
          ${v.colours.map(colour)}
        </fieldset>
        <button type="submit">Switch role</button>
      </form>
      <h2>Recent roles</h2>
      ${
        v.recent.length === 0
          ? html`<p id="recent-roles-empty">No recent roles yet.</p>`
          : html`<ul class="recent-roles" id="recent-roles">
              ${v.recent.map(recent)}
            </ul>`
      }`,
  );
}

/** "1 h 5 min", "4 min 10 s", "12 s": the countdown text (the script spells it the same way). */
export function remaining(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s === 0) return 'ended';
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h > 0 ? `in ${h} h ${m} min` : m > 0 ? `in ${m} min ${r} s` : `in ${r} s`;
}

/** The banner: who the browser is working as, where, until when, and the way back. */
export function roleBanner(b: RoleBanner, csrfToken: string, nowMs: number): Raw {
  const until = new Date(b.expiresAtMs).toISOString();
  return html`<header
      class="role-banner colour-${b.colour}"
      id="role-banner"
      data-colour="${b.colour}"
      aria-label="Role session"
    >
      <p>
        Working as <strong id="role-banner-name">${b.displayName}</strong> in account
        <strong id="role-banner-account">${b.accountLabel}</strong> (session ${b.sessionName}) · ends
        <time id="role-banner-expiry" datetime="${until}">${until.slice(11, 16)} UTC</time>
        <span id="role-banner-countdown" data-expires-at="${b.expiresAtMs}">(${remaining(b.expiresAtMs - nowMs)})</span>
      </p>
      <form method="post" action="/console/switch-role/back">
        ${csrfField(csrfToken)}<button type="submit" id="switch-back">Switch back</button>
      </form>
    </header>
    <script src="${ROLE_BANNER_SCRIPT_PATH}" defer></script> `;
}

/** A rendered page with the banner as the first thing in its body (every console page: one place). */
export function withRoleBanner(document: string, banner: Raw): string {
  const at = document.indexOf('<body>');
  if (at < 0) return document;
  const end = at + '<body>'.length;
  return `${document.slice(0, end)}\n${banner.value}${document.slice(end)}`;
}

/** The countdown (served from /assets, so the CSP's `script-src 'self'` admits it). */
export const ROLE_BANNER_SCRIPT = `(function () {
  var el = document.getElementById('role-banner-countdown');
  if (!el) return;
  var end = Number(el.getAttribute('data-expires-at'));
  function text(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s === 0) return 'ended';
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h > 0 ? 'in ' + h + ' h ' + m + ' min' : m > 0 ? 'in ' + m + ' min ' + r + ' s' : 'in ' + r + ' s';
  }
  function tick() {
    el.textContent = '(' + text(end - Date.now()) + ')';
    if (Date.now() >= end) clearInterval(timer);
  }
  var timer = setInterval(tick, 1000);
  tick();
})();
`;

/** My Info belongs to a user; a role session has none of its own. */
export function roleSessionMyInfoPage(b: RoleBanner | null): string {
  return page(
    'My Info',
    html`<nav><a href="/console">Console</a> · <a href="/console/switch-role">Switch role</a></nav>
      <h1>My Info</h1>
      <p id="my-info-role-session">
        You are working as the role <strong>${b?.displayName ?? 'session'}</strong>. My Info shows the settings of a
        user: switch back to see yours.
      </p>`,
  );
}
