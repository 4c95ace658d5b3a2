import type { Session } from './ports.js';

/**
 * The kinds of record that share the session store, told apart by `data.kind`. Only credential sessions
 * authenticate anything; a pending login (password passed, MFA or a forced change still owed) never does,
 * even if its id leaked.
 * - `console`: a browser session: its id is the HttpOnly cookie, it carries a CSRF token, and it mints
 *   access tokens on request but never a refresh token (an XSS could carry a refresh token away; it
 *   cannot read the cookie).
 * - `api`: a session started for a non-browser client (`POST /v1/login` with `"issue": "tokens"`, and the
 *   role sessions of AssumeRole): no cookie, no CSRF; the client holds an access token and a refresh token.
 * - `recent-roles`: not a session at all — a user's last console role switches (src/roles/recent-roles.ts),
 *   kept here as short-lived per-user state; it authenticates nothing.
 */
export const SESSION_KINDS = {
  console: 'console',
  api: 'api',
  pending: 'pending',
  recentRoles: 'recent-roles',
} as const;
export type SessionKind = (typeof SESSION_KINDS)[keyof typeof SESSION_KINDS];

/** A session whose id may be presented as the console cookie. */
export const isConsoleSession = (s: Session): boolean => s.data.kind === SESSION_KINDS.console;

/** A session tokens may be minted and refreshed from. */
export const isCredentialSession = (s: Session): boolean =>
  s.data.kind === SESSION_KINDS.console || s.data.kind === SESSION_KINDS.api;

/**
 * Console switch role (ROLE-3): the data key under which a role session started from a console session
 * keeps that session's id. Switch back resumes it; the role session dies with it (its end, its revocation
 * marker `session:<id>`). Server-side only: the id is the original cookie's value.
 */
export const PARENT_SESSION_KEY = 'parentSessionId';

/** The console session a role session was switched from, or null. */
export function parentSessionOf(s: Pick<Session, 'data'>): string | null {
  const v = s.data[PARENT_SESSION_KEY];
  return typeof v === 'string' && v !== '' ? v : null;
}
