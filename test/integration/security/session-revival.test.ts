import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account } from '../../../src/store/ports.js';
import {
  apiLogin,
  createAccount,
  createUser,
  NO_THROTTLE,
  OTHER_PASSWORD,
  PASSWORD,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';

/**
 * LOGIN-6 / PWD-8 attack: someone who learnt a user's password holds a console session. The administrator
 * flags the user "must change password at next login" (or the password expires); the user logs in and
 * changes it in the forced step. The old password's holder must be signed out then, exactly as a change in
 * My Info signs out the user's other sessions — otherwise the thief keeps a 12-hour session after the change
 * that was meant to evict them.
 */
describe('forced password change at login ends the user’s other sessions (PWD-8, LOGIN-6, PWD-11)', () => {
  let t: TestGateway;
  let account: Account;

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    account = await createAccount(t.gw);
  });
  afterAll(() => t.close());

  const me = async (cookie: string) => (await fetch(`${t.base}/v1/me`, { headers: { cookie } })).status;
  const forcedChange = async (username: string) => {
    const first = (await (await apiLogin(t, { account: account.id, username, password: PASSWORD })).json()) as {
      state: string;
      pendingToken: string;
    };
    expect(first.state).toBe('password_change_required');
    const done = await fetch(`${t.base}/v1/login/password-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pendingToken: first.pendingToken, newPassword: OTHER_PASSWORD }),
    });
    expect(done.status).toBe(200);
    return done.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  };

  it('flagged by the administrator: the thief’s session and its tokens stop working', async () => {
    const user = await createUser(t.gw, account, 'flagged', PASSWORD);
    const thief = await sessionOf(t, account.id, 'flagged', PASSWORD);
    const token = (await (
      await fetch(`${t.base}/v1/token/session`, {
        method: 'POST',
        headers: { cookie: thief.cookie, 'x-csrf-token': thief.csrf },
      })
    ).json()) as { access_token: string };
    expect(await me(thief.cookie)).toBe(200);
    await t.gw.store.users.mutate(account.id, user.id, 'admin', () => ({ mustChangePassword: true }));

    const fresh = await forcedChange('flagged');
    expect(await me(fresh)).toBe(200);
    expect(await me(thief.cookie)).toBe(401);
    expect(
      (await fetch(`${t.base}/v1/me`, { headers: { authorization: `Bearer ${token.access_token}` } })).status,
    ).toBe(401);
  });

  it('expired password: the same', async () => {
    await createUser(t.gw, account, 'expiring', PASSWORD);
    const thief = await sessionOf(t, account.id, 'expiring', PASSWORD);
    const user = await t.gw.store.users.getByName(account.id, 'expiring');
    await t.gw.store.users.mutate(account.id, String(user?.id), 'test', () => ({ passwordChangedAt: 0 }));
    const fresh = await forcedChange('expiring');
    expect(await me(fresh)).toBe(200);
    expect(await me(thief.cookie)).toBe(401);
  });
});
