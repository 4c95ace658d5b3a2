import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import { bearerHeader } from '../../support/bearer.js';
import { sessionHandle, userSrn } from '../../../src/login/index.js';
import type { Account, User } from '../../../src/store/ports.js';
import {
  PASSWORD,
  apiLogin,
  browserLogin,
  createAccount,
  createUser,
  form,
  formCsrf,
  sessionOf,
  setCookies,
  startGateway,
  type TestGateway,
} from './helpers.js';

type SessionList = { items: { handle: string; current: boolean; sourceIp: string }[] };

describe('console sessions (LOGIN-6)', () => {
  const clock = new ManualClock(Date.UTC(2026, 3, 1));
  let t: TestGateway;
  let account: Account;
  let alice: User;

  beforeAll(async () => {
    t = await startGateway(
      {
        IAMGW_THROTTLE_PER_IP_LIMIT: '10000',
        IAMGW_SESSIONS_IDLE_TTL_SECONDS: '600',
        IAMGW_SESSIONS_ABSOLUTE_TTL_SECONDS: '3600',
      },
      { clock },
    );
    account = await createAccount(t.gw);
    alice = await createUser(t.gw, account, 'alice', PASSWORD);
    await createUser(t.gw, account, 'bob', PASSWORD);
  });
  afterAll(() => t.close());

  const me = (cookie: string) => fetch(`${t.base}/v1/me`, { headers: { cookie } });

  it('session fixation: a planted session cookie is ignored and replaced by a fresh id at login', async () => {
    const planted = 'A'.repeat(43);
    const { res } = await browserLogin(
      t,
      `/login/${account.alias}`,
      { username: 'alice', password: PASSWORD },
      `iamgw_session=${planted}`,
    );
    const issued = setCookies(res).get('iamgw_session')?.value ?? '';
    expect(issued).not.toBe(planted);
    expect(issued).toHaveLength(43);
    expect((await me(`iamgw_session=${planted}`)).status).toBe(401);
    expect((await me(`iamgw_session=${issued}`)).status).toBe(200);
    // A second login from the same browser gets another id: ids are never reused.
    const again = await browserLogin(
      t,
      `/login/${account.alias}`,
      { username: 'alice', password: PASSWORD },
      `iamgw_session=${issued}`,
    );
    expect(setCookies(again.res).get('iamgw_session')?.value).not.toBe(issued);
  });

  it('Secure config: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    const secure = await startGateway({ IAMGW_COOKIES_SECURE: 'true' });
    try {
      const acct = await createAccount(secure.gw);
      await createUser(secure.gw, acct, 'sam', PASSWORD);
      const res = await apiLogin(secure, { account: acct.id, username: 'sam', password: PASSWORD });
      const c = setCookies(res).get('__Host-iamgw_session');
      expect(c?.raw).toMatch(
        /^__Host-iamgw_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/,
      );
      // The unprefixed name is not accepted when secure (a subdomain could have set it).
      expect((await fetch(`${secure.base}/v1/me`, { headers: { cookie: `iamgw_session=${c?.value}` } })).status).toBe(
        401,
      );
      expect(
        (await fetch(`${secure.base}/v1/me`, { headers: { cookie: `__Host-iamgw_session=${c?.value}` } })).status,
      ).toBe(200);
    } finally {
      await secure.close();
    }
  });

  it('idle timeout ends an unused session; activity keeps it alive only until the absolute timeout', async () => {
    const s1 = await sessionOf(t, account.id, 'alice', PASSWORD);
    clock.advance(601 * 1000);
    expect((await me(s1.cookie)).status).toBe(401);

    const s2 = await sessionOf(t, account.id, 'alice', PASSWORD);
    for (let i = 0; i < 6; i++) {
      clock.advance(500 * 1000);
      expect((await me(s2.cookie)).status).toBe(200);
    }
    clock.advance(601 * 1000); // 3601 s after login
    expect((await me(s2.cookie)).status).toBe(401);
  });

  it('lists one’s own sessions (handles, never ids) and ends one with the CSRF token', async () => {
    const a = await sessionOf(t, account.id, 'alice', PASSWORD);
    const b = await sessionOf(t, account.id, 'alice', PASSWORD);
    const list = (await (
      await fetch(`${t.base}/v1/me/sessions`, { headers: { cookie: a.cookie } })
    ).json()) as SessionList;
    expect(list.items.map((s) => s.handle)).toEqual(
      expect.arrayContaining([sessionHandle(a.sessionId), sessionHandle(b.sessionId)]),
    );
    expect(JSON.stringify(list)).not.toContain(b.sessionId);
    expect(list.items.find((s) => s.current)?.handle).toBe(sessionHandle(a.sessionId));
    expect(list.items[0]?.sourceIp).toBe('127.0.0.1');

    const del = await fetch(`${t.base}/v1/me/sessions/${sessionHandle(b.sessionId)}`, {
      method: 'DELETE',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    expect(del.status).toBe(204);
    expect((await me(b.cookie)).status).toBe(401);
    expect((await me(a.cookie)).status).toBe(200);
  });

  it('another user’s session cannot be ended (404), and it stays alive', async () => {
    const a = await sessionOf(t, account.id, 'alice', PASSWORD);
    const b = await sessionOf(t, account.id, 'bob', PASSWORD);
    const res = await fetch(`${t.base}/v1/me/sessions/${sessionHandle(b.sessionId)}`, {
      method: 'DELETE',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    expect(res.status).toBe(404);
    const raw = await fetch(`${t.base}/v1/me/sessions/${b.sessionId}`, {
      method: 'DELETE',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    expect(raw.status).toBe(404);
    expect((await me(b.cookie)).status).toBe(200);
  });

  it.each([
    ['missing', {}],
    ['wrong', { 'x-csrf-token': 'not-the-token' }],
  ])('CSRF %s on a cookie-authenticated state change → 403, nothing ended', async (_name, headers) => {
    const a = await sessionOf(t, account.id, 'alice', PASSWORD);
    const del = await fetch(`${t.base}/v1/me/sessions/${sessionHandle(a.sessionId)}`, {
      method: 'DELETE',
      headers: { cookie: a.cookie, ...headers },
    });
    expect(del.status).toBe(403);
    expect(((await del.json()) as { error: { code: string } }).error.code).toBe('CSRF_INVALID');
    const out = await fetch(`${t.base}/logout`, {
      ...form({}),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: a.cookie, ...headers },
    });
    expect(out.status).toBe(403);
    expect((await me(a.cookie)).status).toBe(200);
  });

  it('a session’s CSRF token does not work for another session', async () => {
    const a = await sessionOf(t, account.id, 'alice', PASSWORD);
    const b = await sessionOf(t, account.id, 'alice', PASSWORD);
    const res = await fetch(`${t.base}/v1/me/sessions/${sessionHandle(a.sessionId)}`, {
      method: 'DELETE',
      headers: { cookie: a.cookie, 'x-csrf-token': b.csrf },
    });
    expect(res.status).toBe(403);
  });

  it('bearer credentials (no cookie) need no CSRF token', async () => {
    const header = await bearerHeader(t.gw, {
      accountId: account.id,
      userId: alice.id,
      srn: userSrn(account.id, alice.id),
      type: 'user',
    });
    const res = await fetch(`${t.base}/v1/me/sessions/${'x'.repeat(22)}`, { method: 'DELETE', headers: header });
    expect(res.status).toBe(404); // reached the handler: not refused as CSRF
  });

  it('logout form (console home’s button) ends the session server-side and clears the cookie', async () => {
    const { res } = await browserLogin(t, `/login/${account.alias}`, { username: 'alice', password: PASSWORD });
    const cookie = `iamgw_session=${setCookies(res).get('iamgw_session')?.value}`;
    const home = await (await fetch(`${t.base}/console`, { headers: { cookie } })).text();
    const out = await fetch(`${t.base}/logout`, {
      ...form({ _csrf: formCsrf(home) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`/login/${account.alias}`);
    expect(setCookies(out).get('iamgw_session')?.raw).toContain('Max-Age=0');
    expect((await me(cookie)).status).toBe(401); // replaying the old cookie does not work
    const console = await fetch(`${t.base}/console`, { headers: { cookie }, redirect: 'manual' });
    expect(console.status).toBe(303);
  });

  it('revocation markers (ENT-5) end console sessions issued before them', async () => {
    const a = await sessionOf(t, account.id, 'alice', PASSWORD);
    clock.advance(1);
    await t.gw.sessions.markRevoked([`user:${alice.id}`], clock.now());
    expect((await me(a.cookie)).status).toBe(401);
    clock.advance(1);
    const fresh = await sessionOf(t, account.id, 'alice', PASSWORD);
    expect((await me(fresh.cookie)).status).toBe(200);
  });

  it('GET /v1/me gives JSON clients the CSRF token of their session', async () => {
    const a = await sessionOf(t, account.id, 'alice', PASSWORD);
    expect(await (await me(a.cookie)).json()).toMatchObject({
      userId: alice.id,
      userName: 'alice',
      auth: 'console',
      csrfToken: a.csrf,
    });
  });
});
