import type { Context } from 'koa';
import type { Principal } from '../../auth/principal.js';
import type { ConsoleSessions } from '../../login/index.js';
import type { Session } from '../../sessions/ports.js';
import type { Authenticator } from './authenticate.js';
import { isStateChanging, requireCsrf } from './csrf.js';

/**
 * The console session cookie (LOGIN-6): `HttpOnly`, `SameSite=Lax`, `Path=/`, and when `secure` the
 * `Secure` attribute plus the `__Host-` prefix (the browser then refuses it from any subdomain or path).
 * Cookies are written by hand rather than with Koa's `ctx.cookies`: that refuses `Secure` on a request it
 * believes is plain http, which is every request behind a TLS-terminating proxy.
 */
export interface CookieSettings {
  secure: boolean;
  /** Session cookie base name (config.cookies.sessionName). */
  sessionName: string;
  /** Session cookie lifetime: the absolute session timeout. */
  maxAgeSeconds: number;
}

export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export function readCookie(ctx: Context, name: string): string | null {
  const header = ctx.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** Values we write are base64url tokens; anything else in a cookie header is not ours. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export function readTokenCookie(ctx: Context, name: string): string | null {
  const v = readCookie(ctx, name);
  return v !== null && TOKEN.test(v) ? v : null;
}

export function writeCookie(
  ctx: Context,
  name: string,
  value: string,
  o: { secure: boolean; sameSite: 'Lax' | 'Strict'; maxAgeSeconds: number },
): void {
  const attrs = [`${name}=${value}`, 'Path=/', 'HttpOnly', `SameSite=${o.sameSite}`, `Max-Age=${o.maxAgeSeconds}`];
  if (o.secure) attrs.push('Secure');
  ctx.append('Set-Cookie', attrs.join('; '));
}

export function setSessionCookie(ctx: Context, s: CookieSettings, sessionId: string): void {
  writeCookie(ctx, cookieName(s.sessionName, s.secure), sessionId, {
    secure: s.secure,
    sameSite: 'Lax',
    maxAgeSeconds: s.maxAgeSeconds,
  });
}

export function clearSessionCookie(ctx: Context, s: CookieSettings): void {
  writeCookie(ctx, cookieName(s.sessionName, s.secure), '', { secure: s.secure, sameSite: 'Lax', maxAgeSeconds: 0 });
}

/** The console session that authenticated this request (set by the authenticator), if any. */
export function consoleSessionOf(ctx: Context): Session | null {
  return (ctx.state.consoleSession as Session | undefined) ?? null;
}

/**
 * Turns a live session cookie into `ctx.state.principal` (auth `console`). An unknown or expired cookie is
 * treated as absent, not as an error: browsers keep sending stale cookies, and the login page must still
 * work for them. State-changing requests must present the session's CSRF token (403 otherwise).
 * `skip` names the paths that never use the cookie (the login steps have their own CSRF defence).
 */
export function sessionCookieAuthenticator(
  sessions: ConsoleSessions,
  s: CookieSettings,
  skip: (path: string) => boolean,
): Authenticator {
  const name = cookieName(s.sessionName, s.secure);
  return async function consoleSessionCookie(ctx: Context): Promise<Principal | null> {
    if (skip(ctx.path)) return null;
    const id = readTokenCookie(ctx, name);
    if (!id) return null;
    const resolved = await sessions.resolve(id);
    if (!resolved) return null;
    if (isStateChanging(ctx.method)) requireCsrf(ctx, resolved.session.data.csrf);
    ctx.state.consoleSession = resolved.session;
    return resolved.principal;
  };
}
