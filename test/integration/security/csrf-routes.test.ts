import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type Router from '@koa/router';
import { isLoginPath } from '../../../src/http/routes/login.js';
import {
  createAccount,
  createUser,
  form,
  NO_THROTTLE,
  PASSWORD,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';

/**
 * LOGIN-6 CSRF, enumerated from the router itself so a route added later is covered without editing this
 * test: every state-changing route that a session cookie authenticates refuses a request carrying the
 * cookie but no (or a wrong) CSRF token, before its handler runs. The login paths, which never read the
 * session cookie, defend themselves: forms by the double-submit token, the JSON twins by refusing
 * anything but application/json (a cross-site form cannot send it).
 */
interface Route {
  method: string;
  path: string;
}

function routesOf(t: TestGateway): Route[] {
  const dispatch = t.gw.http.middleware.find((m) => (m as { router?: Router }).router !== undefined) as
    { router: Router } | undefined;
  if (!dispatch) throw new Error('no router in the app');
  const out: Route[] = [];
  for (const layer of dispatch.router.stack) {
    for (const method of layer.methods) {
      if (method !== 'GET' && method !== 'HEAD') out.push({ method, path: String(layer.path) });
    }
  }
  return out;
}

/** A concrete URL for a route pattern: every `:param` becomes a plausible id. */
const concrete = (path: string, accountId: string) =>
  path.replace(/:accountId/g, accountId).replace(/:[A-Za-z]+/g, '0123456789abcdef0123456789abcdef');

describe('CSRF on every state-changing cookie route (LOGIN-6)', () => {
  let t: TestGateway;
  let accountId = '';
  let s: { cookie: string; csrf: string };
  let routes: Route[] = [];

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    const account = await createAccount(t.gw);
    accountId = account.id;
    await createUser(t.gw, account, 'victim', PASSWORD);
    s = await sessionOf(t, account.id, 'victim', PASSWORD);
    routes = routesOf(t);
  });
  afterAll(() => t.close());

  it('finds the routes to check (the enumeration itself works)', () => {
    const cookieRoutes = routes.filter((r) => !isLoginPath(r.path));
    expect(cookieRoutes.length).toBeGreaterThan(40);
    for (const must of [
      'POST /logout',
      'POST /v1/me/switch',
      'POST /v1/me/password',
      'PUT /v1/me/console-ip-control',
      'POST /v1/token/session',
      'DELETE /v1/me/sessions/:handle',
      'POST /console/my-info/switch',
    ]) {
      expect(cookieRoutes.map((r) => `${r.method} ${r.path}`)).toContain(must);
    }
  });

  it('refuses a missing or wrong token on each of them, JSON or form, and the session survives', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => !isLoginPath(x.path))) {
      const url = `${t.base}${concrete(r.path, accountId)}`;
      const attempts: Array<[string, RequestInit]> = [
        [
          'json, no token',
          { method: r.method, headers: { cookie: s.cookie, 'content-type': 'application/json' }, body: '{}' },
        ],
        [
          'json, wrong token',
          {
            method: r.method,
            headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': `${s.csrf}x` },
            body: '{}',
          },
        ],
        [
          'form, wrong field',
          {
            method: r.method,
            headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ _csrf: 'A'.repeat(43) }).toString(),
          },
        ],
        ['form, no body', { method: r.method, headers: { cookie: s.cookie } }],
      ];
      for (const [label, init] of attempts) {
        const res = await fetch(url, { ...init, redirect: 'manual' });
        const text = await res.text();
        if (res.status !== 403 || !text.includes('CSRF_INVALID'))
          failures.push(`${r.method} ${r.path} (${label}): ${res.status} ${text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
    const me = await fetch(`${t.base}/v1/me`, { headers: { cookie: s.cookie } });
    expect(me.status).toBe(200); // neither /logout nor DELETE /v1/me/sessions/... ran
  });

  it('the login forms refuse a post without the double-submit token; the JSON login paths refuse form bodies', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => isLoginPath(x.path))) {
      const url = `${t.base}${concrete(r.path.replace(':alias', 'no-such-alias'), accountId)}`;
      if (r.path.startsWith('/v1/')) {
        const res = await fetch(url, {
          ...form({ account: accountId, username: 'victim', password: PASSWORD, pendingToken: 'x' }),
        });
        if (res.status !== 415) failures.push(`${r.method} ${r.path}: ${res.status}`);
      } else {
        const res = await fetch(
          url,
          form({ username: 'victim', password: PASSWORD, pendingToken: 'x', _csrf: 'A'.repeat(43) }),
        );
        const text = await res.text();
        if (
          res.status === 303 ||
          res.headers.getSetCookie().some((c) => c.includes('iamgw_session=') && !c.includes('Max-Age=0'))
        )
          failures.push(`${r.method} ${r.path}: ${res.status}`);
        if (r.path !== '/login/:alias' && !/start again/i.test(text))
          failures.push(`${r.method} ${r.path}: no refusal page (${res.status})`);
      }
    }
    // The real account's form, right password, no matching cookie: refused, no session.
    const res = await fetch(
      `${t.base}/login?account=${accountId}`,
      form({ username: 'victim', password: PASSWORD, _csrf: 'A'.repeat(43) }),
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().join()).not.toContain('iamgw_session=');
    expect(failures).toEqual([]);
  });
});
