import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearerHeader } from '../../support/bearer.js';
import { userSrn } from '../../../src/login/index.js';
import type { Account, AuditEvent, User } from '../../../src/store/ports.js';
import { OPEN_REDIRECT_ATTACKS } from '../../unit/login/redirect-attacks.js';
import {
  OTHER_PASSWORD,
  PASSWORD,
  apiLogin,
  browserLogin,
  createAccount,
  createUser,
  startGateway,
  type TestGateway,
} from './helpers.js';

describe('open redirects over HTTP (LOGIN-1)', () => {
  let t: TestGateway;
  let account: Account;

  beforeAll(async () => {
    t = await startGateway({ IAMGW_THROTTLE_PER_IP_LIMIT: '10000', IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000' });
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'alice', PASSWORD);
  });
  afterAll(() => t.close());

  it.each(OPEN_REDIRECT_ATTACKS.slice(0, 12))('browser login with next=%s lands on /console', async (next) => {
    const { res } = await browserLogin(t, `/login/${account.alias}`, { username: 'alice', password: PASSWORD, next });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
  });

  it('JSON login: every attack answers redirect /console; a console path is kept', async () => {
    for (const redirect of OPEN_REDIRECT_ATTACKS.filter((r) => r.length <= 2048)) {
      const body = (await (
        await apiLogin(t, { account: account.id, username: 'alice', password: PASSWORD, redirect })
      ).json()) as { redirect: string };
      expect(body.redirect).toBe('/console');
    }
    const kept = (await (
      await apiLogin(t, { account: account.id, username: 'alice', password: PASSWORD, redirect: '/console/iam/users' })
    ).json()) as { redirect: string };
    expect(kept.redirect).toBe('/console/iam/users');
  });
});

describe('audit events of the login capability (LOGIN-7)', () => {
  let t: TestGateway;
  let account: Account;
  let user: User;
  let events: AuditEvent[];
  let rootId = '';

  beforeAll(async () => {
    t = await startGateway({ IAMGW_THROTTLE_PER_IP_LIMIT: '10000', IAMGW_LOCKOUT_THRESHOLD: '2' });
    account = await createAccount(t.gw);
    user = await createUser(t.gw, account, 'alice', PASSWORD, { mustChangePassword: true });
    const first = (await (
      await apiLogin(t, { account: account.id, username: 'alice', password: PASSWORD })
    ).json()) as { pendingToken: string };
    await fetch(`${t.base}/v1/login/password-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pendingToken: first.pendingToken, newPassword: OTHER_PASSWORD }),
    });
    await apiLogin(t, { account: account.id, username: 'MyS3cret!pw', password: 'typed-in-the-wrong-box' });
    await apiLogin(t, { account: account.id, username: 'alice', password: PASSWORD });
    await apiLogin(t, { account: account.id, username: 'alice', password: PASSWORD }); // locks (threshold 2)
    const rootUser = await createUser(t.gw, account, 'root', PASSWORD, { kind: 'root' });
    const root = await bearerHeader(t.gw, {
      accountId: account.id,
      userId: rootUser.id,
      srn: userSrn(account.id, rootUser.id),
      type: 'root',
    });
    rootId = rootUser.id;
    await fetch(`${t.base}/v1/accounts/${account.id}/users/${user.id}/unlock`, { method: 'POST', headers: root });
    await apiLogin(t, { account: account.id, username: 'alice', password: OTHER_PASSWORD });
    events = (await t.gw.store.audit.list(account.id, { limit: 100 })).items.reverse();
  });
  afterAll(() => t.close());

  it('records success, failure with reason, lockout, unlock and password change — who, what, when, where, result', () => {
    // Events of one millisecond have no defined order, so compare them as a sorted set.
    const summary = events.map((e) => [e.action, e.result, e.reasonCode, e.actor].join(' ')).sort();
    const expected = [
      ['login.password_change', 'success', null, user.id],
      ['login', 'success', null, user.id],
      ['login', 'failure', 'UNKNOWN_USER', 'anonymous'],
      ['login', 'failure', 'INVALID_PASSWORD', user.id],
      ['login', 'failure', 'INVALID_PASSWORD', user.id],
      ['login.lockout', 'success', 'LOCKOUT_THRESHOLD', user.id],
      ['login.unlock', 'success', null, rootId],
      ['login', 'success', null, user.id],
    ]
      .map((row) => row.join(' '))
      .sort();
    expect(summary).toEqual(expected);
    for (const e of events) {
      expect(e.sourceIp).toBe('127.0.0.1');
      expect(typeof e.at).toBe('number');
      expect(e.accountId).toBe(account.id);
    }
  });

  it('holds nothing secret: no password, hash, typed unknown username, session id or token', async () => {
    const text = JSON.stringify(events);
    const stored = await t.gw.store.users.get(account.id, user.id);
    for (const secret of [
      PASSWORD,
      OTHER_PASSWORD,
      'MyS3cret!pw',
      'typed-in-the-wrong-box',
      stored?.passwordHash ?? '-',
      '$argon2',
    ])
      expect(text).not.toContain(secret);
    for (const s of await t.gw.sessions.listForUser(account.id, user.id)) expect(text).not.toContain(s.id);
  });
});
