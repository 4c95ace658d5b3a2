import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import type { ConsoleAccess } from '../../console-access/index.js';
import { appError, isAppError, type Violation } from '../../errors.js';
import { formString, parseInput, type ConsoleSessions } from '../../login/index.js';
import type { Actor, MfaService } from '../../mfa/index.js';
import {
  currentUser,
  profileView,
  type AccountSwitch,
  type ProfileService,
  type ProfileView,
  type Proof,
  type SecuritySettings,
} from '../../my-info/index.js';
import type { Account, Store, User } from '../../store/ports.js';
import { requirePrincipal } from '../middleware/authenticate.js';
import {
  clearSessionCookie,
  consoleSessionOf,
  setSessionCookie,
  type CookieSettings,
} from '../middleware/session-cookie.js';
import {
  ipControlPage,
  ipDeniedPage,
  mfaSettingsPage,
  passwordPage,
  profilePage,
  switchPage,
  type Notice,
} from '../views/my-info/pages.js';
import { requireJson } from './mfa.js';
import { roleBannerOf } from '../../roles/index.js';
import { roleSessionMyInfoPage } from '../views/switch-role.js';
import { DEFAULT_OFFERING } from '../../authz/srn.js';
import { serializers } from '../serializers.js';

export interface MyInfoRouteDeps {
  store: Pick<Store, 'users' | 'accounts'>;
  mfa: MfaService;
  profile: ProfileService;
  security: SecuritySettings;
  consoleAccess: ConsoleAccess;
  switcher: AccountSwitch;
  consoleSessions: ConsoleSessions;
  cookies: CookieSettings;
  /** SRN offering of the profile's user SRN (TEN-2); default `e`, as the admin API. */
  offering?: string;
}

const password = z.string().max(256);
const proofBody = z.object({ code: z.string().max(16).optional(), password: password.optional() }).strict();
const bodies = {
  timezone: z.object({ timezone: z.string().max(64).nullable() }).strict(),
  contacts: z
    .object({
      email: z.string().max(254).nullable().optional(),
      phone: z.string().max(32).nullable().optional(),
      password,
    })
    .strict(),
  password: z.object({ currentPassword: password, newPassword: password }).strict(),
  code: z.object({ code: z.string().max(16) }).strict(),
  ipControl: z.object({ enabled: z.boolean(), entries: z.array(z.string().max(64)).max(200), password }).strict(),
  // accountId absent: the caller's own account. code/recoveryCode: the target's second factor (LOGIN-8 + LOGIN-4).
  switch: z
    .object({
      accountId: z.string().min(1).max(64).optional(),
      userId: z.string().min(1).max(64),
      code: z.string().max(16).optional(),
      recoveryCode: z.string().max(32).optional(),
    })
    .strict(),
};

/** The request's actor plus the user and account records, re-read so every decision sees current state. */
interface Me {
  actor: Actor;
  principal: Principal;
  user: User;
  account: Account;
}

/**
 * My Info (ENT-1, PWD-11, LOGIN-4/5/8): JSON under /v1/me/... and server-rendered pages under
 * /console/my-info/.... The session-cookie authenticator has already enforced CSRF on every state-changing
 * call made with the cookie. Each operation is written once (`ops`) and used by both faces.
 * `consoleAccessGate` is LOGIN-5's check of every console request; app.ts registers it before all routes.
 */
export function registerMyInfoRoutes(router: Router, deps: MyInfoRouteDeps): void {
  const views = serializers(deps.offering ?? DEFAULT_OFFERING);
  const me = async (ctx: Context): Promise<Me> => {
    const principal = requirePrincipal(ctx);
    const actor: Actor = {
      accountId: principal.accountId,
      userId: principal.userId,
      sourceIp: String(ctx.state.clientIp ?? ''),
      sessionId: principal.sessionId,
    };
    const user = await currentUser(deps.store.users, actor);
    const account = await deps.store.accounts.get(actor.accountId, actor.accountId);
    if (!account) throw Object.assign(new Error('account of a live session is missing'), { status: 500 });
    return { actor, principal, user, account };
  };

  const ops = {
    profile: async (m: Me) => profileView(m.user),
    timezone: async (m: Me, b: z.infer<typeof bodies.timezone>) =>
      deps.profile.setTimezone(m.user, b.timezone || null, m.actor),
    contacts: async (m: Me, b: z.infer<typeof bodies.contacts>) =>
      deps.profile.changeContacts(m.user, { email: b.email, phone: b.phone }, b.password, m.actor),
    password: async (m: Me, b: z.infer<typeof bodies.password>) =>
      deps.profile.changePassword(m.user, m.account, b, m.actor),
    enrol: async (m: Me) => deps.mfa.beginEnrolment(m.user, m.account.alias ?? m.account.id),
    confirm: async (m: Me, b: z.infer<typeof bodies.code>) => deps.mfa.confirmEnrolment(m.user, b.code, m.actor),
    disable: async (m: Me, b: Proof) => deps.security.disableMfa(m.user, m.account, b, m.actor),
    regenerate: async (m: Me, b: Proof) => deps.security.regenerateRecoveryCodes(m.user, b, m.actor),
    ipView: async (m: Me) => deps.consoleAccess.view(m.user, m.actor.sourceIp),
    ipUpdate: async (m: Me, b: z.infer<typeof bodies.ipControl>) =>
      deps.security.updateIpControl(m.user, b, b.password, m.actor),
    targets: async (m: Me) => deps.switcher.candidates(m.user, { mfa: m.principal.mfa }),
    switchTo: async (ctx: Context, m: Me, b: z.infer<typeof bodies.switch>) => {
      // The console cookie only: a bearer token (it travels to other services) must not become a fresh
      // console session of a linked identity, as POST /v1/token/session refuses bearer callers (TOK-4).
      const cookieSession = consoleSessionOf(ctx);
      if (
        !m.principal.sessionId ||
        cookieSession === null ||
        cookieSession.id !== m.principal.sessionId ||
        ctx.state.bearer === true
      )
        throw appError('CONSOLE_SESSION_REQUIRED');
      const current = {
        sessionId: m.principal.sessionId,
        mfa: m.principal.mfa,
        userAgent: ctx.get('user-agent') || undefined,
      };
      const to = { accountId: b.accountId ?? m.account.id, userId: b.userId };
      const r = await deps.switcher.switchTo(
        m.user,
        to,
        current,
        { code: b.code, recoveryCode: b.recoveryCode },
        m.actor,
      );
      setSessionCookie(ctx, deps.cookies, r.sessionId); // rotated: the old id is ended
      return r;
    },
  };

  // ── JSON ──────────────────────────────────────────────────────────────
  type Shape<R> = (r: R, m: Me) => unknown;
  const json = <S extends z.ZodType, R>(
    schema: S | null,
    op: (m: Me, body: z.infer<S>) => Promise<R>,
    shape: Shape<R> = (r) => r,
  ) =>
    async function myInfoApi(ctx: Context): Promise<void> {
      if (schema) requireJson(ctx);
      const m = await me(ctx);
      const body = schema ? parseInput(schema, ctx.request.body) : undefined;
      const result = await op(m, body as z.infer<S>);
      if (result === undefined) ctx.status = 204;
      else ctx.body = shape(result, m);
    };
  const ownProfile = (p: ProfileView, m: Me) => views.profile(m.account.id, p);
  router.get('/v1/me/profile', json(null, ops.profile, ownProfile));
  router.patch('/v1/me/profile', json(bodies.timezone, ops.timezone, ownProfile));
  router.put('/v1/me/contacts', json(bodies.contacts, ops.contacts, ownProfile));
  router.post('/v1/me/password', json(bodies.password, ops.password));
  router.post(
    '/v1/me/mfa/enrolment',
    json(z.object({}).strict(), ops.enrol, (r) => ({
      secret: r.secret,
      otpauthUri: r.otpauthUri,
      qrCodeDataUrl: r.qrDataUrl,
    })),
  );
  router.post('/v1/me/mfa/enrolment/confirm', json(bodies.code, ops.confirm));
  router.post('/v1/me/mfa/disable', json(proofBody, ops.disable));
  router.post('/v1/me/mfa/recovery-codes', json(proofBody, ops.regenerate));
  router.get('/v1/me/console-ip-control', json(null, ops.ipView));
  router.put('/v1/me/console-ip-control', json(bodies.ipControl, ops.ipUpdate));
  router.get(
    '/v1/me/switch-targets',
    json(null, ops.targets, (items) => ({ items })),
  );
  router.post('/v1/me/switch', async function apiSwitch(ctx) {
    requireJson(ctx);
    const r = await ops.switchTo(ctx, await me(ctx), parseInput(bodies.switch, ctx.request.body));
    ctx.body = {
      accountId: r.account.id,
      accountAlias: r.account.alias,
      userId: r.user.id,
      userName: r.user.name,
      type: r.user.kind === 'root' ? 'root' : 'user',
      csrfToken: r.csrfToken,
    };
  });

  // ── pages ─────────────────────────────────────────────────────────────
  /** GET page: signed-in console users only; others go to the login page. */
  const view = (render: (m: Me, csrf: string, ctx: Context) => Promise<string>) =>
    async function myInfoPage(ctx: Context): Promise<void> {
      const session = consoleSessionOf(ctx);
      if (!session || !ctx.state.principal) {
        ctx.status = 303;
        ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      ctx.type = 'html';
      // A role session (ROLE-3 switch role) has no user record of its own: nothing here is its to see or change.
      if ((ctx.state.principal as Principal).type === 'role-session') {
        ctx.body = roleSessionMyInfoPage(roleBannerOf(session));
        return;
      }
      ctx.body = await render(await me(ctx), String(session.data.csrf), ctx);
    };

  /** POST form: runs `act`; a refusal re-renders the page with the message (RECONFIRM_LOCKOUT signs out). */
  const submit = (
    act: (m: Me, ctx: Context) => Promise<string | null>,
    again: (m: Me, csrf: string, n: Notice) => Promise<string>,
  ) =>
    view(async (m, csrf, ctx) => {
      try {
        return (await act(m, ctx)) ?? (await again(await me(ctx), csrf, { ok: 'Saved.' }));
      } catch (err) {
        if (!isAppError(err)) throw err;
        if (err.code === 'RECONFIRM_LOCKOUT') {
          clearSessionCookie(ctx, deps.cookies);
          ctx.status = 303;
          ctx.redirect('/login');
          return '';
        }
        ctx.status = err.status;
        const violations = (err.details as { violations?: Violation[] } | undefined)?.violations;
        return again(await me(ctx), csrf, { error: err.message, violations });
      }
    });
  const f = (ctx: Context, name: string) => formString(ctx.request.body, name);
  const proofOf = (ctx: Context): Proof => ({
    code: f(ctx, 'code') || undefined,
    password: f(ctx, 'password') || undefined,
  });

  const profile = async (m: Me, csrf: string, n: Notice = {}) => profilePage(profileView(m.user), csrf, n);
  router.get(
    '/console/my-info',
    view((m, csrf) => profile(m, csrf)),
  );
  router.post(
    '/console/my-info/timezone',
    submit(async (m, ctx) => (await ops.timezone(m, { timezone: f(ctx, 'timezone') }), null), profile),
  );
  router.post(
    '/console/my-info/contacts',
    submit(
      async (m, ctx) => (
        await ops.contacts(m, {
          email: f(ctx, 'email') || null,
          phone: f(ctx, 'phone') || null,
          password: f(ctx, 'password'),
        }),
        null
      ),
      profile,
    ),
  );

  const pwd = async (_m: Me, csrf: string, n: Notice = {}) => passwordPage(csrf, n);
  router.get(
    '/console/my-info/password',
    view((m, csrf) => pwd(m, csrf)),
  );
  router.post(
    '/console/my-info/password',
    submit(async (m, ctx) => {
      if (f(ctx, 'newPassword') !== f(ctx, 'confirmPassword'))
        return passwordPage(String(consoleSessionOf(ctx)?.data.csrf), {
          error: 'The two new passwords are not the same.',
        });
      await ops.password(m, { currentPassword: f(ctx, 'password'), newPassword: f(ctx, 'newPassword') });
      return null;
    }, pwd),
  );

  const mfa = async (m: Me, csrf: string, n: Notice = {}) =>
    mfaSettingsPage(
      { enrolled: m.user.mfa.enrolled, recoveryCodesRemaining: m.user.mfa.recoveryCodeHashes.length },
      csrf,
      n,
    );
  const csrfOf = (ctx: Context) => String(consoleSessionOf(ctx)?.data.csrf);
  router.get(
    '/console/my-info/mfa',
    view((m, csrf) => mfa(m, csrf)),
  );
  router.post(
    '/console/my-info/mfa/enrol',
    submit(
      async (m, ctx) =>
        mfaSettingsPage({ enrolled: false, recoveryCodesRemaining: 0, enrolment: await ops.enrol(m) }, csrfOf(ctx)),
      mfa,
    ),
  );
  router.post(
    '/console/my-info/mfa/confirm',
    submit(
      async (m, ctx) =>
        mfaSettingsPage(
          {
            enrolled: true,
            recoveryCodesRemaining: 10,
            recoveryCodes: (await ops.confirm(m, { code: f(ctx, 'code') })).recoveryCodes,
          },
          csrfOf(ctx),
          { ok: 'MFA is on.' },
        ),
      mfa,
    ),
  );
  router.post(
    '/console/my-info/mfa/disable',
    submit(async (m, ctx) => (await ops.disable(m, proofOf(ctx)), null), mfa),
  );
  router.post(
    '/console/my-info/mfa/recovery-codes',
    submit(
      async (m, ctx) =>
        mfaSettingsPage(
          {
            enrolled: true,
            recoveryCodesRemaining: 10,
            recoveryCodes: (await ops.regenerate(m, proofOf(ctx))).recoveryCodes,
          },
          csrfOf(ctx),
        ),
      mfa,
    ),
  );

  const ip = async (m: Me, csrf: string, n: Notice = {}) => ipControlPage(await ops.ipView(m), csrf, n);
  router.get(
    '/console/my-info/ip-control',
    view((m, csrf) => ip(m, csrf)),
  );
  router.post(
    '/console/my-info/ip-control',
    submit(async (m, ctx) => {
      const entries = f(ctx, 'entries')
        .split(/\r?\n/)
        .map((e) => e.trim())
        .filter(Boolean);
      await ops.ipUpdate(m, { enabled: f(ctx, 'enabled') === 'on', entries, password: f(ctx, 'password') });
      return null;
    }, ip),
  );

  const sw = async (m: Me, csrf: string, n: Notice = {}) => switchPage(await ops.targets(m), csrf, n);
  router.get(
    '/console/my-info/switch',
    view((m, csrf) => sw(m, csrf)),
  );
  router.post(
    '/console/my-info/switch',
    submit(async (m, ctx) => {
      const optional = (name: string) => f(ctx, name) || undefined;
      await ops.switchTo(
        ctx,
        m,
        parseInput(bodies.switch, {
          accountId: optional('accountId'),
          userId: f(ctx, 'userId'),
          code: optional('code'),
          recoveryCode: optional('recoveryCode'),
        }),
      );
      ctx.status = 303;
      ctx.redirect('/console');
      return '';
    }, sw),
  );
}

/**
 * LOGIN-5 on every console request: a principal of type root/user that came with a console session (cookie
 * or a token bound to one, `auth: console`) is refused from an address outside its list — a page for
 * browsers, the JSON error otherwise. Registered with `router.use` before every route module.
 */
export function consoleAccessGate(consoleAccess: ConsoleAccess): Middleware {
  return async function consoleAccessGate(ctx, next) {
    const p = ctx.state.principal as Principal | undefined;
    // The allowlist governs the console session: the login and every request made with the console cookie,
    // minting access tokens included. A bearer token is an API credential that services present from their
    // own addresses (e.g. to /v1/authorize); API address rules are KEY-3 and `scp:SourceIp` conditions.
    if (p && p.auth === 'console' && ctx.state.bearer !== true) {
      try {
        await consoleAccess.checkRequest(p, String(ctx.state.clientIp ?? ''));
      } catch (err) {
        if (!isAppError(err) || err.code !== 'CONSOLE_IP_DENIED' || ctx.accepts('json', 'html') !== 'html') throw err;
        ctx.status = 403;
        ctx.type = 'html';
        ctx.body = ipDeniedPage(String(ctx.state.clientIp ?? ''));
        return;
      }
    }
    await next();
  };
}
