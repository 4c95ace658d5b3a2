import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Ids } from '../../clock.js';
import { iamSrn, type Authorizer } from '../../iam/index.js';
import { IAM_ACTIONS } from '../../policy/index.js';
import { appError, isAppError, type Violation } from '../../errors.js';
import {
  accountByAlias,
  accountByReference,
  formString,
  loginBody,
  loginPath,
  parseInput,
  passwordChangeBody,
  unlockUser,
  type LoginOutcome,
  type LoginService,
  type RequestOrigin,
} from '../../login/index.js';
import type { Account, Store } from '../../store/ports.js';
import { requirePrincipal } from '../middleware/authenticate.js';
import { param } from './admin/http-helpers.js';
import { requireAction } from './admin/require-action.js';
import { secretsEqual } from '../middleware/csrf.js';
import {
  cookieName,
  readTokenCookie,
  setSessionCookie,
  writeCookie,
  type CookieSettings,
} from '../middleware/session-cookie.js';
import { STYLESHEET_PATH } from '../views/html.js';
import {
  TEXTS,
  accountChooserPage,
  lockedPage,
  loginPage,
  messagePage,
  mfaPage,
  passwordChangePage,
} from '../views/login-pages.js';
import { CONSOLE_CSS } from '../views/styles.js';

export interface LoginRouteDeps {
  login: LoginService;
  store: Store;
  ids: Ids;
  cookies: CookieSettings;
  /** The admin API's policy decision point (ENT-7). */
  authorizer: Authorizer;
}

/** Paths that never authenticate with the session cookie (their CSRF defence is their own, below). */
export function isLoginPath(path: string): boolean {
  return path === '/login' || path.startsWith('/login/') || path === '/v1/login' || path.startsWith('/v1/login/');
}

export const LOGIN_CSRF_COOKIE = 'iamgw_login_csrf';
const LOGIN_CSRF_MAX_AGE = 3600;

/** LOGIN-1 pages, LOGIN-2 JSON twin, LOGIN-3 admin unlock. Handlers only translate; src/login decides. */
export function registerLoginRoutes(router: Router, deps: LoginRouteDeps): void {
  const csrfCookie = cookieName(LOGIN_CSRF_COOKIE, deps.cookies.secure);

  /** Double-submit token of the login forms: reuse the browser's one so several open tabs keep working. */
  const issueLoginCsrf = (ctx: Context): string => {
    const token = readTokenCookie(ctx, csrfCookie) ?? deps.ids.token(32);
    writeCookie(ctx, csrfCookie, token, {
      secure: deps.cookies.secure,
      sameSite: 'Strict',
      maxAgeSeconds: LOGIN_CSRF_MAX_AGE,
    });
    return token;
  };
  const checkLoginCsrf = (ctx: Context): void => {
    if (!secretsEqual(formString(ctx.request.body, '_csrf'), readTokenCookie(ctx, csrfCookie)))
      throw appError('CSRF_INVALID');
  };

  const showLogin = (
    ctx: Context,
    account: Account | null,
    extra: { error?: string; username?: string; next?: string } = {},
  ): void => {
    if (!account) {
      ctx.status = 404;
      ctx.type = 'html';
      ctx.body = messagePage('Not found', TEXTS.unknownAccount, '/login');
      return;
    }
    ctx.type = 'html';
    ctx.body = loginPage({
      accountLabel: account.alias ?? account.id,
      action: loginPath(account),
      csrfToken: issueLoginCsrf(ctx),
      ...extra,
    });
  };

  /** Known refusals → their page; anything else goes to the JSON error handler. */
  const renderRefusal = (ctx: Context, err: unknown, account: Account | null, username: string, next: string): void => {
    if (!isAppError(err)) throw err;
    const back = account ? loginPath(account) : '/login';
    ctx.type = 'html';
    ctx.status = err.status;
    switch (err.code) {
      case 'INVALID_CREDENTIALS':
        showLogin(ctx, account, { error: TEXTS.invalidCredentials, username, next });
        ctx.status = account ? 401 : 404;
        return;
      case 'ACCOUNT_LOCKED':
        ctx.body = lockedPage(back);
        return;
      case 'RATE_LIMITED':
        ctx.set('Retry-After', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
        ctx.body = messagePage('Slow down', TEXTS.rateLimited, back);
        return;
      case 'LOGIN_STEP_EXPIRED':
      case 'CSRF_INVALID':
        ctx.body = messagePage(
          'Please start again',
          err.code === 'CSRF_INVALID' ? err.message : TEXTS.stepExpired,
          back,
        );
        return;
      default:
        throw err;
    }
  };

  const formLogin = async (ctx: Context, account: Account | null): Promise<void> => {
    const body = ctx.request.body;
    const username = formString(body, 'username');
    const next = formString(body, 'next');
    try {
      checkLoginCsrf(ctx);
      const password = formString(body, 'password');
      if (!username || !password) {
        showLogin(ctx, account, { error: 'Enter your username and password.', username, next });
        if (account) ctx.status = 400;
        return;
      }
      renderBrowserOutcome(
        ctx,
        deps.cookies,
        issueLoginCsrf(ctx),
        await deps.login.login({ account, username, password, redirect: next, ...origin(ctx) }),
      );
    } catch (err) {
      renderRefusal(ctx, err, account, username, next);
    }
  };

  router.get(STYLESHEET_PATH, function stylesheet(ctx) {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = CONSOLE_CSS;
  });

  router.get('/login', async function loginByAccountId(ctx) {
    const ref = typeof ctx.query.account === 'string' ? ctx.query.account : '';
    if (!ref) {
      ctx.type = 'html';
      ctx.body = accountChooserPage();
      return;
    }
    showLogin(ctx, await accountByReference(deps.store.accounts, ref), {
      next: typeof ctx.query.next === 'string' ? ctx.query.next : '',
    });
  });
  router.post('/login', async function submitLoginByAccountId(ctx) {
    const ref = typeof ctx.query.account === 'string' ? ctx.query.account : '';
    await formLogin(ctx, ref ? await accountByReference(deps.store.accounts, ref) : null);
  });
  router.get('/login/:alias', async function loginByAlias(ctx) {
    showLogin(ctx, await accountByAlias(deps.store.accounts, ctx.params.alias ?? ''), {
      next: typeof ctx.query.next === 'string' ? ctx.query.next : '',
    });
  });
  router.post('/login/:alias', async function submitLoginByAlias(ctx) {
    await formLogin(ctx, await accountByAlias(deps.store.accounts, ctx.params.alias ?? ''));
  });

  router.post('/login/step/password-change', async function submitPasswordChange(ctx) {
    const body = ctx.request.body;
    const pendingToken = formString(body, 'pendingToken');
    try {
      checkLoginCsrf(ctx);
      const newPassword = formString(body, 'newPassword');
      if (newPassword !== formString(body, 'confirmPassword')) {
        const pending = await deps.login.pendingLogin(pendingToken, 'password_change');
        if (!pending) throw appError('LOGIN_STEP_EXPIRED');
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = passwordChangePage({
          pendingToken,
          csrfToken: issueLoginCsrf(ctx),
          reason: pending.reason,
          violations: [],
          mismatch: true,
        });
        return;
      }
      renderBrowserOutcome(
        ctx,
        deps.cookies,
        issueLoginCsrf(ctx),
        await deps.login.changePassword(pendingToken, newPassword, origin(ctx)),
      );
    } catch (err) {
      if (isAppError(err) && err.code === 'PASSWORD_REJECTED') {
        const pending = await deps.login.pendingLogin(pendingToken, 'password_change');
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = passwordChangePage({
          pendingToken,
          csrfToken: issueLoginCsrf(ctx),
          reason: pending?.reason ?? null,
          violations: violationsOf(err.details),
        });
        return;
      }
      renderRefusal(ctx, err, null, '', '');
    }
  });

  // ── JSON twin (LOGIN-2) ───────────────────────────────────────────────
  // JSON only: a cross-site page can post a form but cannot send application/json without a CORS
  // preflight, which this gateway never grants — that is the login-CSRF defence of the API.
  router.post('/v1/login', async function apiLogin(ctx) {
    requireJson(ctx);
    const input = parseInput(loginBody, ctx.request.body);
    const account = await accountByReference(deps.store.accounts, input.account);
    sendOutcome(ctx, deps.cookies, await deps.login.login({ ...input, account, ...origin(ctx) }));
  });

  router.post('/v1/login/password-change', async function apiPasswordChange(ctx) {
    requireJson(ctx);
    const input = parseInput(passwordChangeBody, ctx.request.body);
    sendOutcome(ctx, deps.cookies, await deps.login.changePassword(input.pendingToken, input.newPassword, origin(ctx)));
  });

  const unlockTarget = (ctx: Context) => ({ accountId: param(ctx, 'accountId'), userId: param(ctx, 'userId') });
  router.post(
    '/v1/accounts/:accountId/users/:userId/unlock',
    requireAction(deps.authorizer, IAM_ACTIONS.unlockUser, (ctx) =>
      iamSrn(unlockTarget(ctx).accountId, 'user', unlockTarget(ctx).userId),
    ),
    async function apiUnlockUser(ctx) {
      const l = deps.login;
      ctx.body = await unlockUser(
        { store: deps.store, lockout: l.lockout, audit: l.audit },
        requirePrincipal(ctx),
        unlockTarget(ctx),
        origin(ctx),
      );
    },
  );
}

/** Outcome → browser: session cookie + 303 to the console, or the page of the next step (the MFA step reuses it). */
export function renderBrowserOutcome(
  ctx: Context,
  cookies: CookieSettings,
  csrfToken: string,
  outcome: LoginOutcome,
): void {
  // A login the JSON API began for tokens stays an API login, even when a step is finished on a page.
  if (outcome.state === 'authenticated' && outcome.issue === 'tokens') return sendOutcome(ctx, cookies, outcome);
  if (outcome.state === 'authenticated') {
    setSessionCookie(ctx, cookies, outcome.sessionId);
    ctx.status = 303;
    ctx.redirect(outcome.redirect);
    return;
  }
  ctx.type = 'html';
  ctx.body =
    outcome.state === 'mfa_required'
      ? mfaPage({ pendingToken: outcome.pendingToken, csrfToken })
      : passwordChangePage({ pendingToken: outcome.pendingToken, csrfToken, reason: outcome.reason, violations: [] });
}

export function origin(ctx: Context): RequestOrigin {
  return { sourceIp: String(ctx.state.clientIp ?? ''), userAgent: ctx.get('user-agent') || undefined };
}

function requireJson(ctx: Context): void {
  if (!ctx.is('application/json')) throw appError('UNSUPPORTED_MEDIA_TYPE');
}

function violationsOf(details: unknown): Violation[] {
  const v = (details as { violations?: unknown } | undefined)?.violations;
  return Array.isArray(v) ? (v as Violation[]) : [];
}

export function sendOutcome(ctx: Context, cookies: CookieSettings, outcome: LoginOutcome): void {
  const expiresAt = (ms: number) => new Date(ms).toISOString();
  switch (outcome.state) {
    case 'authenticated':
      if (outcome.issue === 'tokens') {
        // RFC 6749 §5.1 fields beside the login state; never cached, and no cookie: the client holds the tokens.
        ctx.set('Cache-Control', 'no-store');
        ctx.body = {
          state: outcome.state,
          redirect: outcome.redirect,
          expiresAt: expiresAt(outcome.absoluteExpiresAtMs),
          ...outcome.tokens,
        };
        return;
      }
      setSessionCookie(ctx, cookies, outcome.sessionId);
      ctx.body = {
        state: outcome.state,
        redirect: outcome.redirect,
        csrfToken: outcome.csrfToken,
        expiresAt: expiresAt(outcome.absoluteExpiresAtMs),
      };
      return;
    case 'mfa_required':
      ctx.body = {
        state: outcome.state,
        pendingToken: outcome.pendingToken,
        expiresAt: expiresAt(outcome.expiresAtMs),
      };
      return;
    case 'password_change_required':
      ctx.body = {
        state: outcome.state,
        pendingToken: outcome.pendingToken,
        expiresAt: expiresAt(outcome.expiresAtMs),
        reason: outcome.reason,
      };
      return;
  }
}
