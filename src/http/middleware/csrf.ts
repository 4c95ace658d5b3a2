import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { appError } from '../../errors.js';

/**
 * CSRF protection (LOGIN-6).
 * - A console session carries a random token; every state-changing request authenticated by the session
 *   cookie must present it (`X-CSRF-Token` header for JSON, `_csrf` field for forms). The session-cookie
 *   authenticator enforces it, so no route can forget. Bearer-token calls carry no ambient credential and
 *   are not checked.
 * - Before login there is no session: the login forms use a double-submit token (an HttpOnly SameSite=Strict
 *   cookie plus the same value in the form), which stops a third-party page from logging a victim into the
 *   attacker's user.
 */
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Constant-time equality of two secrets; hashing first makes the comparison length-independent too. */
export function secretsEqual(presented: unknown, expected: unknown): boolean {
  if (typeof presented !== 'string' || typeof expected !== 'string' || presented.length === 0 || expected.length === 0)
    return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function formField(ctx: Context, name: string): unknown {
  const body = (ctx.request as { body?: unknown }).body;
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/** The token the request presents: header first (JSON calls), then the form field. */
export function presentedCsrfToken(ctx: Context): unknown {
  return ctx.get(CSRF_HEADER) || formField(ctx, CSRF_FIELD);
}

/** 403 CSRF_INVALID unless the request presents `expected`. */
export function requireCsrf(ctx: Context, expected: unknown): void {
  if (!secretsEqual(presentedCsrfToken(ctx), expected)) throw appError('CSRF_INVALID');
}
