import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account, AuditEvent } from '../../../src/store/ports.js';
import {
  apiLogin,
  createAccount,
  createUser,
  errorCode,
  OTHER_PASSWORD,
  PASSWORD,
  postJson,
  sessionCookie,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';

const send = async (t: TestGateway, method: string, path: string, body: unknown, headers: Record<string, string>) => {
  const res = await fetch(`${t.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, res };
};

describe('My Info: profile, password change, re-confirmation lockout, account switching (ENT-1, PWD-11, LOGIN-8, LOGIN-7)', () => {
  let t: TestGateway;
  let account: Account;
  const audit = async (action: string): Promise<AuditEvent[]> =>
    (await t.gw.store.audit.list(account.id, { limit: 200 })).items.filter((e) => e.action === action);
  const verified = (value: string) => ({ value, verified: true });

  beforeAll(async () => {
    t = await startGateway({ IAMGW_THROTTLE_PER_IP_LIMIT: '10000', IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000' });
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'root', PASSWORD, { kind: 'root', email: verified('Owner@Example.com') });
    await createUser(t.gw, account, 'ops', PASSWORD, { email: verified('owner@example.com') });
    await createUser(t.gw, account, 'sneaky', PASSWORD, { email: { value: 'owner@example.com', verified: false } });
    await createUser(t.gw, account, 'paul', PASSWORD, { phone: verified('+82 10-1234-5678') });
    await createUser(t.gw, account, 'rita', PASSWORD);
    await createUser(t.gw, account, 'sam', PASSWORD);
  });
  afterAll(() => t.close());

  it('profile shows contacts with verified flags and last login, never a hash; timezone is validated', async () => {
    const s = await sessionOf(t, account.id, 'paul', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const p = await fetch(`${t.base}/v1/me/profile`, { headers: { cookie: s.cookie } }).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
    );
    expect(p).toMatchObject({
      userName: 'paul',
      phone: { value: '+82 10-1234-5678', verified: true },
      email: null,
      mfa: { enrolled: false },
    });
    expect(typeof p.lastLoginAt).toBe('number');
    expect(JSON.stringify(p)).not.toMatch(/argon2|passwordHash/);
    expect(errorCode((await send(t, 'PATCH', '/v1/me/profile', { timezone: 'Mars/Olympus' }, h)).body)).toBe(
      'VALIDATION_FAILED',
    );
    expect((await send(t, 'PATCH', '/v1/me/profile', { timezone: 'Asia/Seoul' }, h)).body.timezone).toBe('Asia/Seoul');
  });

  it('changing a contact needs the password, stores it unverified and audits which field changed (not the value)', async () => {
    const s = await sessionOf(t, account.id, 'paul', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    expect(
      errorCode((await send(t, 'PUT', '/v1/me/contacts', { email: 'p@example.com', password: 'Wrong#12345' }, h)).body),
    ).toBe('RECONFIRM_FAILED');
    const bad = await send(t, 'PUT', '/v1/me/contacts', { email: 'not-an-email', phone: 'x', password: PASSWORD }, h);
    expect(
      (bad.body.error as { details: { violations: { path: string }[] } }).details.violations.map((v) => v.path),
    ).toEqual(['email', 'phone']);
    const ok = await send(t, 'PUT', '/v1/me/contacts', { email: 'p@example.com', password: PASSWORD }, h);
    expect(ok.body.email).toEqual({ value: 'p@example.com', verified: false });
    expect(ok.body.phone).toEqual({ value: '+82 10-1234-5678', verified: true });
    const ev = (await audit('contact.change'))[0];
    expect(ev?.details).toEqual({ fields: ['email'] });
    expect(JSON.stringify(ev)).not.toContain('p@example.com');
  });

  it('password change: wrong current password refused; rules and history applied (all violations); success ends other sessions; audited', async () => {
    const other = await sessionOf(t, account.id, 'rita', PASSWORD);
    const s = await sessionOf(t, account.id, 'rita', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    expect(
      errorCode(
        (await postJson(t, '/v1/me/password', { currentPassword: OTHER_PASSWORD, newPassword: OTHER_PASSWORD }, h))
          .body,
      ),
    ).toBe('RECONFIRM_FAILED');
    const weak = await postJson(t, '/v1/me/password', { currentPassword: PASSWORD, newPassword: 'abcd' }, h);
    expect(errorCode(weak.body)).toBe('PASSWORD_REJECTED');
    expect((weak.body.error as { details: { violations: unknown[] } }).details.violations.length).toBeGreaterThan(1);
    expect(
      errorCode((await postJson(t, '/v1/me/password', { currentPassword: PASSWORD, newPassword: PASSWORD }, h)).body),
    ).toBe('PASSWORD_REJECTED'); // history
    expect(
      (await postJson(t, '/v1/me/password', { currentPassword: PASSWORD, newPassword: OTHER_PASSWORD }, h)).status,
    ).toBe(204);
    expect((await apiLogin(t, { account: account.id, username: 'rita', password: OTHER_PASSWORD })).status).toBe(200);
    expect((await fetch(`${t.base}/v1/me`, { headers: { cookie: other.cookie } })).status).toBe(401);
    expect((await fetch(`${t.base}/v1/me`, { headers: { cookie: s.cookie } })).status).toBe(200);
    const rita = await t.gw.store.users.getByName(account.id, 'rita');
    expect(rita?.passwordHistory.length).toBeGreaterThanOrEqual(2);
    expect((await audit('password.change')).filter((e) => e.result === 'success').map((e) => e.target)).toContain(
      rita?.id,
    );
  });

  it('5 wrong re-confirmations end the console session (any mix of forms), audited', async () => {
    const s = await sessionOf(t, account.id, 'sam', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const codes: (string | undefined)[] = [];
    codes.push(
      errorCode((await postJson(t, '/v1/me/password', { currentPassword: 'x', newPassword: OTHER_PASSWORD }, h)).body),
    );
    codes.push(errorCode((await send(t, 'PUT', '/v1/me/contacts', { email: 'a@b.cd', password: 'x' }, h)).body));
    codes.push(
      errorCode(
        (await send(t, 'PUT', '/v1/me/console-ip-control', { enabled: false, entries: [], password: 'x' }, h)).body,
      ),
    );
    expect((await send(t, 'PUT', '/v1/me/contacts', { phone: '+1 555 0100', password: PASSWORD }, h)).status).toBe(200); // a right one does not reset
    codes.push(
      errorCode((await postJson(t, '/v1/me/password', { currentPassword: 'y', newPassword: OTHER_PASSWORD }, h)).body),
    );
    codes.push(
      errorCode((await postJson(t, '/v1/me/password', { currentPassword: 'z', newPassword: OTHER_PASSWORD }, h)).body),
    );
    expect(codes).toEqual([
      'RECONFIRM_FAILED',
      'RECONFIRM_FAILED',
      'RECONFIRM_FAILED',
      'RECONFIRM_FAILED',
      'RECONFIRM_LOCKOUT',
    ]);
    expect((await fetch(`${t.base}/v1/me`, { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await audit('reconfirm.lockout')).length).toBe(1);
  });

  it('switching: root ↔ IAM user with the same verified e-mail, no password, new rotated session, old one ended; audited both ways', async () => {
    const s = await sessionOf(t, account.id, 'root', PASSWORD);
    const targets = await fetch(`${t.base}/v1/me/switch-targets`, { headers: { cookie: s.cookie } }).then(
      (r) => r.json() as Promise<{ items: { userName: string; sharedContact: string; userId: string }[] }>,
    );
    expect(targets.items.map((x) => [x.userName, x.sharedContact])).toEqual([['ops', 'email']]); // sneaky's e-mail is unverified
    const sw = await postJson(
      t,
      '/v1/me/switch',
      { userId: targets.items[0]?.userId },
      { cookie: s.cookie, 'x-csrf-token': s.csrf },
    );
    expect(sw.body).toMatchObject({ userName: 'ops', type: 'user' });
    const newCookie = sessionCookie(sw.res);
    expect(newCookie).not.toBe(s.cookie);
    expect((await fetch(`${t.base}/v1/me`, { headers: { cookie: s.cookie } })).status).toBe(401);
    const me = await fetch(`${t.base}/v1/me`, { headers: { cookie: newCookie } }).then(
      (r) => r.json() as Promise<{ userName: string; csrfToken: string }>,
    );
    expect(me.userName).toBe('ops');
    const root = await t.gw.store.users.getByName(account.id, 'root');
    const back = await postJson(
      t,
      '/v1/me/switch',
      { userId: root?.id },
      { cookie: newCookie, 'x-csrf-token': me.csrfToken },
    );
    expect(back.body).toMatchObject({ userName: 'root', type: 'root' });
    expect((await audit('account.switch')).filter((e) => e.result === 'success')).toHaveLength(2);
  });

  it('switching to a user whose matching contact is unverified, or who shares nothing, is refused and audited', async () => {
    const s = await sessionOf(t, account.id, 'root', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    for (const name of ['sneaky', 'rita']) {
      const target = await t.gw.store.users.getByName(account.id, name);
      const r = await postJson(t, '/v1/me/switch', { userId: target?.id }, h);
      expect([r.status, errorCode(r.body), (r.body.error as { details: { reason: string } }).details.reason]).toEqual([
        403,
        'SWITCH_NOT_ALLOWED',
        'NO_SHARED_VERIFIED_CONTACT',
      ]);
      expect(r.res.headers.getSetCookie().join()).not.toContain('iamgw_session');
    }
    expect((await fetch(`${t.base}/v1/me`, { headers: { cookie: s.cookie } })).status).toBe(200);
    expect((await audit('account.switch')).filter((e) => e.result === 'failure').length).toBeGreaterThanOrEqual(2);
  });
});
