import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Principal } from '../../auth/principal.js';
import type { Clock } from '../../clock.js';
import { appError, isAppError, type AppError, type Violation } from '../../errors.js';
import { formString } from '../../login/index.js';
import { ROLE_COLOURS, roleBannerOf, type ConsoleCaller, type ConsoleRoleSwitch } from '../../roles/index.js';
import {
  clearSessionCookie,
  consoleSessionOf,
  setSessionCookie,
  type CookieSettings,
} from '../middleware/session-cookie.js';
import {
  ROLE_BANNER_SCRIPT,
  ROLE_BANNER_SCRIPT_PATH,
  SWITCH_ROLE_TEXTS,
  roleBanner,
  switchRolePage,
  withRoleBanner,
  type SwitchRolePageView,
} from '../views/switch-role.js';
import { origin } from './login.js';

export interface SwitchRoleRouteDeps {
  switcher: ConsoleRoleSwitch;
  cookies: CookieSettings;
}

/**
 * Console switch role (ROLE-3) pages: `GET/POST /console/switch-role` and `POST /console/switch-role/back`.
 * The session-cookie authenticator has already checked the CSRF token of every POST; src/roles decides.
 */
export function registerSwitchRoleRoutes(router: Router, deps: SwitchRoleRouteDeps): void {
  const render = async (ctx: Context, c: ConsoleCaller, extra: Partial<SwitchRolePageView> = {}): Promise<void> => {
    ctx.type = 'html';
    ctx.body = switchRolePage({
      csrfToken: String(c.session.data.csrf),
      colours: ROLE_COLOURS,
      recent: await deps.switcher.recent(c),
      current: roleBannerOf(c.session),
      ...extra,
    });
  };

  router.get(ROLE_BANNER_SCRIPT_PATH, function roleBannerScript(ctx) {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = ROLE_BANNER_SCRIPT;
  });

  router.get('/console/switch-role', async function switchRoleForm(ctx) {
    const c = consoleCaller(ctx);
    if (c === null) return toLogin(ctx);
    await render(ctx, c);
  });

  router.post('/console/switch-role', async function switchRole(ctx) {
    const c = consoleCaller(ctx);
    if (c === null) return toLogin(ctx);
    const f = (name: string) => formString(ctx.request.body, name);
    const values = {
      account: f('account'),
      roleName: f('roleName'),
      displayName: f('displayName'),
      colour: f('colour'),
    };
    try {
      const { displayName, ...required } = values;
      const switched = await deps.switcher.switchRole(
        c,
        { ...required, ...(displayName === '' ? {} : { displayName }) },
        origin(ctx),
      );
      setSessionCookie(ctx, deps.cookies, switched.sessionId);
      ctx.status = 303;
      ctx.redirect('/console');
    } catch (err) {
      if (isAppError(err) && err.code === 'UNAUTHENTICATED') return signedOut(ctx, deps.cookies);
      const message = refusalText(err);
      ctx.status = (err as AppError).status;
      await render(ctx, c, { values, error: message, violations: violationsOf(err as AppError) });
    }
  });

  router.post('/console/switch-role/back', async function switchBack(ctx) {
    const c = consoleCaller(ctx);
    if (c === null) return toLogin(ctx);
    const original = await deps.switcher.switchBack(c, origin(ctx));
    if (original === null && roleBannerOf(c.session) !== null) return signedOut(ctx, deps.cookies); // the original is gone
    if (original !== null) setSessionCookie(ctx, deps.cookies, original.session.id);
    ctx.status = 303;
    ctx.redirect('/console');
  });
}

/**
 * The role banner on every console page while the cookie holds a console role session: added to any HTML
 * page the routes after it render, so no page can forget it. Registered before the other route modules.
 */
export function roleBannerLayer(clock: Clock): Middleware {
  return async function roleBannerOnConsolePages(ctx, next) {
    await next();
    if (typeof ctx.body !== 'string' || !ctx.response.is('html')) return;
    const session = consoleSessionOf(ctx);
    const banner = session === null ? null : roleBannerOf(session);
    if (session === null || banner === null) return;
    ctx.body = withRoleBanner(ctx.body, roleBanner(banner, String(session.data.csrf), clock.now()));
  };
}

/** The cookie's console session; null without one. A bearer token never switches (it is not the browser). */
function consoleCaller(ctx: Context): ConsoleCaller | null {
  if (ctx.state.bearer === true) throw appError('CONSOLE_SESSION_REQUIRED');
  const session = consoleSessionOf(ctx);
  const principal = ctx.state.principal as Principal | undefined;
  return session === null || principal === undefined ? null : { session, principal };
}

function toLogin(ctx: Context): void {
  ctx.status = 303;
  ctx.redirect(`/login?next=${encodeURIComponent('/console/switch-role')}`);
}

/** The session underneath is gone: the role session went with it, so the browser signs in again. */
function signedOut(ctx: Context, cookies: CookieSettings): void {
  clearSessionCookie(ctx, cookies);
  ctx.status = 303;
  ctx.redirect('/login');
}

/** The page's text for each refusal the switch explains; anything else is the error handler's. */
function refusalText(err: unknown): string {
  if (!isAppError(err)) throw err;
  switch (err.code) {
    case 'VALIDATION_FAILED':
      return SWITCH_ROLE_TEXTS.invalid;
    case 'NOT_FOUND':
      return (err.details as { kind?: string } | undefined)?.kind === 'account'
        ? SWITCH_ROLE_TEXTS.unknownAccount
        : SWITCH_ROLE_TEXTS.unknownRole;
    case 'ROLE_NOT_TRUSTED':
      return SWITCH_ROLE_TEXTS.notTrusted;
    case 'ACCESS_DENIED':
      return SWITCH_ROLE_TEXTS.notAllowed;
    default:
      throw err;
  }
}

function violationsOf(err: AppError): Violation[] | undefined {
  const v = (err.details as { violations?: Violation[] } | undefined)?.violations;
  return Array.isArray(v) ? v : undefined;
}
