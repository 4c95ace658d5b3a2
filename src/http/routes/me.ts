import type Router from '@koa/router';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { loginPath, type ConsoleSessions } from '../../login/index.js';
import { parentSessionOf } from '../../sessions/kinds.js';
import type { Store } from '../../store/ports.js';
import { requirePrincipal } from '../middleware/authenticate.js';
import { clearSessionCookie, consoleSessionOf, type CookieSettings } from '../middleware/session-cookie.js';
import { consoleHomePage } from '../views/console-pages.js';

export interface MeRouteDeps {
  sessions: ConsoleSessions;
  store: Pick<Store, 'accounts'>;
  cookies: CookieSettings;
}

/**
 * LOGIN-6 self-service: the console home, logout, and one's own sessions. The session-cookie authenticator
 * has already checked the CSRF token of every state-changing call here.
 */
export function registerMeRoutes(router: Router, deps: MeRouteDeps): void {
  router.get('/console', async function consoleHome(ctx) {
    const session = consoleSessionOf(ctx);
    const principal = ctx.state.principal as Principal | undefined;
    if (!session || !principal) {
      ctx.status = 303;
      ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`);
      return;
    }
    const account = await deps.store.accounts.get(principal.accountId, principal.accountId);
    const sessions = await deps.sessions.list(principal.accountId, principal.userId);
    ctx.type = 'html';
    ctx.body = consoleHomePage({
      userName: principal.userName ?? principal.userId,
      accountLabel: account?.alias ?? principal.accountId,
      accountId: principal.accountId,
      principalType: PRINCIPAL_TYPE_LABELS[principal.type],
      sessionCount: sessions.length,
      csrfToken: String(session.data.csrf),
    });
  });

  router.post('/logout', async function logout(ctx) {
    const session = consoleSessionOf(ctx);
    let back = '/login';
    if (session) {
      // Signing out of a console role session (ROLE-3) signs out of the session it was switched from too.
      const parentId = parentSessionOf(session);
      const parent = parentId === null ? null : await deps.sessions.resolve(parentId);
      await Promise.all(
        [session.id, ...(parent === null ? [] : [parent.session.id])].map((id) => deps.sessions.end(id)),
      );
      const accountId = (parent?.session ?? session).principal.accountId;
      const account = await deps.store.accounts.get(accountId, accountId);
      if (account) back = loginPath(account);
    }
    clearSessionCookie(ctx, deps.cookies);
    ctx.status = 303;
    ctx.redirect(back);
  });

  router.get('/v1/me', function me(ctx) {
    const p = requirePrincipal(ctx);
    const session = consoleSessionOf(ctx);
    ctx.body = {
      accountId: p.accountId,
      userId: p.userId,
      userName: p.userName ?? null,
      type: p.type,
      auth: p.auth,
      mfa: p.mfa,
      // JSON clients of the console session read the CSRF token here (LOGIN-6).
      ...(session ? { csrfToken: String(session.data.csrf) } : {}),
    };
  });

  router.get('/v1/me/sessions', async function listMySessions(ctx) {
    const p = requirePrincipal(ctx);
    const items = await deps.sessions.list(p.accountId, p.userId, p.sessionId);
    ctx.body = {
      items: items
        .map((s) => ({
          ...s,
          createdAt: iso(s.createdAtMs),
          lastSeenAt: iso(s.lastSeenAtMs),
          expiresAt: iso(Math.min(s.absoluteExpiresAtMs, s.idleExpiresAtMs)),
        }))
        .map(dropMs),
    };
  });

  router.delete('/v1/me/sessions/:handle', async function endMySession(ctx) {
    const p = requirePrincipal(ctx);
    const ended = await deps.sessions.endOwn(p.accountId, p.userId, ctx.params.handle ?? '');
    if (!ended) throw appError('NOT_FOUND', { kind: 'session' });
    ctx.status = 204;
  });
}

const PRINCIPAL_TYPE_LABELS: Record<Principal['type'], string> = {
  root: 'root user',
  user: 'IAM user',
  'role-session': 'role session',
  federated: 'federated user',
};

const iso = (ms: number): string => new Date(ms).toISOString();

function dropMs<
  T extends { createdAtMs: number; lastSeenAtMs: number; absoluteExpiresAtMs: number; idleExpiresAtMs: number },
>(s: T) {
  const { createdAtMs: _c, lastSeenAtMs: _l, absoluteExpiresAtMs: _a, idleExpiresAtMs: _i, ...rest } = s;
  return rest;
}
