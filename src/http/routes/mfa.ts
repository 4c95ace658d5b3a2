import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { appError, isAppError } from '../../errors.js';
import { formString, loginPath, parseInput, type LoginOutcome, type LoginService } from '../../login/index.js';
import type { MfaService, SecondFactorInput } from '../../mfa/index.js';
import type { Account, Store, User } from '../../store/ports.js';
import { secretsEqual } from '../middleware/csrf.js';
import { cookieName, readTokenCookie, setSessionCookie, type CookieSettings } from '../middleware/session-cookie.js';
import { TEXTS, messagePage, mfaPage } from '../views/login-pages.js';
import { loginEnrolPage, loginRecoveryCodesPage } from '../views/my-info/login-mfa.js';
import { LOGIN_CSRF_COOKIE, origin, renderBrowserOutcome, sendOutcome } from './login.js';

export interface MfaRouteDeps {
  login: LoginService;
  mfa: MfaService;
  store: Pick<Store, 'users' | 'accounts'>;
  cookies: CookieSettings;
}

const stepBody = z
  .object({
    pendingToken: z.string().min(1).max(128),
    code: z.string().max(64).optional(),
    recoveryCode: z.string().max(64).optional(),
  })
  .strict();
const enrolBody = z.object({ pendingToken: z.string().min(1).max(128) }).strict();
const confirmBody = z.object({ pendingToken: z.string().min(1).max(128), code: z.string().min(1).max(16) }).strict();

/** What the single code field of the form holds: 6 digits are a TOTP code, anything longer a recovery code. */
function fromField(value: string): SecondFactorInput {
  const v = value.trim();
  return /^\d{6}$/.test(v) ? { code: v } : { recoveryCode: v };
}

/**
 * The MFA step of console login (LOGIN-1, LOGIN-4): the hook of src/login answers `mfa_required` with a
 * pending token; these routes verify a code or recovery code and continue the login, or, when the account
 * requires MFA and the user has none, enrol first (only for users with nothing enrolled: knowing the password
 * never lets anyone replace an existing authenticator). Paths are under /login and /v1/login, so the session
 * cookie is not used here; forms carry the login double-submit CSRF token, the JSON twin requires JSON.
 */
export function registerMfaRoutes(router: Router, deps: MfaRouteDeps): void {
  const csrfCookie = cookieName(LOGIN_CSRF_COOKIE, deps.cookies.secure);
  const checkCsrf = (ctx: Context): string => {
    const presented = formString(ctx.request.body, '_csrf');
    if (!secretsEqual(presented, readTokenCookie(ctx, csrfCookie))) throw appError('CSRF_INVALID');
    return presented;
  };

  /** The pending login's user and account; a used, expired or foreign token is LOGIN_STEP_EXPIRED. */
  const pendingUser = async (token: string): Promise<{ user: User; account: Account }> => {
    const pending = await deps.login.pendingLogin(token, 'mfa');
    const user = pending ? await deps.store.users.get(pending.accountId, pending.userId) : null;
    const account = pending ? await deps.store.accounts.get(pending.accountId, pending.accountId) : null;
    if (!user || !account || user.state !== 'active') throw appError('LOGIN_STEP_EXPIRED');
    return { user, account };
  };
  const actorOf = (ctx: Context, user: User) => ({
    accountId: user.accountId,
    userId: user.id,
    sourceIp: origin(ctx).sourceIp,
  });

  const verifyAndContinue = async (ctx: Context, token: string, input: SecondFactorInput): Promise<LoginOutcome> => {
    const { user } = await pendingUser(token);
    await deps.mfa.verify(user, input, actorOf(ctx, user));
    return deps.login.completeSecondFactor(token, origin(ctx));
  };

  const renderOutcome = (ctx: Context, outcome: LoginOutcome, csrfToken: string): void =>
    renderBrowserOutcome(ctx, deps.cookies, csrfToken, outcome);

  /** Known refusals → a page; a wrong code keeps the step open so the user can retry. */
  const renderRefusal = async (ctx: Context, err: unknown, token: string, csrfToken: string): Promise<void> => {
    if (!isAppError(err)) throw err;
    ctx.status = err.status;
    ctx.type = 'html';
    if (err.code === 'MFA_CODE_INVALID') {
      ctx.body = mfaPage({ pendingToken: token, csrfToken }).replace(
        '<form',
        `<div class="error" role="alert" id="mfa-error">${TEXTS_MFA.invalid}</div><form`,
      );
      return;
    }
    const pending = await deps.login.pendingLogin(token, 'mfa');
    const account = pending ? await deps.store.accounts.get(pending.accountId, pending.accountId) : null;
    const back = account ? loginPath(account) : '/login';
    const known: Partial<Record<string, string>> = {
      ACCOUNT_LOCKED: TEXTS.locked,
      LOGIN_STEP_EXPIRED: TEXTS.stepExpired,
      CSRF_INVALID: err.message,
      MFA_ALREADY_ENROLLED: err.message,
      MFA_ENROLMENT_NOT_STARTED: TEXTS.stepExpired,
    };
    const text = known[err.code];
    if (text === undefined) throw err;
    ctx.body = messagePage('Please start again', text, back);
  };

  const form = (handler: (ctx: Context, token: string, csrf: string) => Promise<void>) =>
    async function mfaStepForm(ctx: Context): Promise<void> {
      const token = formString(ctx.request.body, 'pendingToken');
      let csrf = '';
      try {
        csrf = checkCsrf(ctx);
        await handler(ctx, token, csrf);
      } catch (err) {
        await renderRefusal(ctx, err, token, csrf);
      }
    };

  router.post(
    '/login/step/mfa',
    form(async (ctx, token, csrf) => {
      renderOutcome(ctx, await verifyAndContinue(ctx, token, fromField(formString(ctx.request.body, 'code'))), csrf);
    }),
  );

  router.post(
    '/login/step/mfa/setup',
    form(async (ctx, token, csrf) => {
      const { user, account } = await pendingUser(token);
      const m = await deps.mfa.beginEnrolment(user, account.alias ?? account.id);
      ctx.type = 'html';
      ctx.body = loginEnrolPage({
        pendingToken: token,
        csrfToken: csrf,
        secret: m.secret,
        otpauthUri: m.otpauthUri,
        qrSvg: m.qrSvg,
      });
    }),
  );

  router.post(
    '/login/step/mfa/setup/confirm',
    form(async (ctx, token) => {
      const { user } = await pendingUser(token);
      const { recoveryCodes } = await deps.mfa.confirmEnrolment(
        user,
        formString(ctx.request.body, 'code'),
        actorOf(ctx, user),
      );
      const outcome = await deps.login.completeSecondFactor(token, origin(ctx));
      if (outcome.state !== 'authenticated' || outcome.issue === 'tokens')
        return renderOutcome(ctx, outcome, formString(ctx.request.body, '_csrf'));
      setSessionCookie(ctx, deps.cookies, outcome.sessionId);
      ctx.type = 'html';
      ctx.body = loginRecoveryCodesPage(recoveryCodes, outcome.redirect);
    }),
  );

  // ── JSON twin (LOGIN-2) ───────────────────────────────────────────────
  router.post('/v1/login/mfa', async function apiMfaStep(ctx) {
    requireJson(ctx);
    const input = parseInput(stepBody, ctx.request.body);
    sendOutcome(ctx, deps.cookies, await verifyAndContinue(ctx, input.pendingToken, input));
  });

  router.post('/v1/login/mfa/enrolment', async function apiMfaEnrol(ctx) {
    requireJson(ctx);
    const { user, account } = await pendingUser(parseInput(enrolBody, ctx.request.body).pendingToken);
    const m = await deps.mfa.beginEnrolment(user, account.alias ?? account.id);
    ctx.body = { secret: m.secret, otpauthUri: m.otpauthUri, qrCodeDataUrl: m.qrDataUrl };
  });

  router.post('/v1/login/mfa/enrolment/confirm', async function apiMfaConfirm(ctx) {
    requireJson(ctx);
    const input = parseInput(confirmBody, ctx.request.body);
    const { user } = await pendingUser(input.pendingToken);
    const { recoveryCodes } = await deps.mfa.confirmEnrolment(user, input.code, actorOf(ctx, user));
    sendOutcome(ctx, deps.cookies, await deps.login.completeSecondFactor(input.pendingToken, origin(ctx)));
    ctx.body = { ...(ctx.body as object), recoveryCodes };
  });
}

const TEXTS_MFA = {
  invalid: 'The code is incorrect or was already used. Wait for the next code and try again.',
} as const;

export function requireJson(ctx: Context): void {
  if (!ctx.is('application/json')) throw appError('UNSUPPORTED_MEDIA_TYPE');
}
