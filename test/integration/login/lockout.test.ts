import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import { bearerHeader } from '../../support/bearer.js';
import { userSrn } from '../../../src/login/index.js';
import type { Account, User } from '../../../src/store/ports.js';
import {
  OTHER_PASSWORD,
  PASSWORD,
  apiLogin,
  browserLogin,
  createAccount,
  createUser,
  gatewayWithAccount,
  startGateway,
  type TestGateway,
} from './helpers.js';

const errorOf = async (r: Response) => ({
  status: r.status,
  ...((await r.json()) as { error: { code: string; message: string; requestId?: string } }).error,
});

describe('lockout (LOGIN-3)', () => {
  const clock = new ManualClock(Date.UTC(2026, 3, 1));
  const env = gatewayWithAccount({}, { clock });
  let t: TestGateway;
  let account: Account;

  beforeAll(() => {
    ({ t, account } = env);
  });

  const attempt = (username: string, password: string) => apiLogin(t, { account: account.id, username, password });
  async function failTimes(username: string, n: number): Promise<Response[]> {
    const out: Response[] = [];
    for (let i = 0; i < n; i++) out.push(await attempt(username, OTHER_PASSWORD));
    return out;
  }

  it('4 failures answer INVALID_CREDENTIALS, the 5th locks; locked + right and wrong password get the same answer', async () => {
    const u = await createUser(t.gw, account, 'ivan', PASSWORD);
    const answers = await failTimes('ivan', 5);
    expect(answers.slice(0, 4).map((r) => r.status)).toEqual([401, 401, 401, 401]);
    const locked = await errorOf(answers[4]!);
    expect(locked).toMatchObject({ status: 423, code: 'ACCOUNT_LOCKED' });
    const right = await errorOf(await attempt('ivan', PASSWORD));
    const wrong = await errorOf(await attempt('ivan', OTHER_PASSWORD));
    const strip = ({ requestId: _r, ...rest }: { requestId?: string; status: number; code: string; message: string }) =>
      rest;
    expect(strip(right)).toEqual(strip(locked));
    expect(strip(wrong)).toEqual(strip(locked));
    expect(await t.gw.login.lockout.failures(account.id, u.id)).toBe(5); // refused attempts were not counted
  });

  it('a success resets the counter: 4 failures, success, 4 failures still do not lock', async () => {
    await createUser(t.gw, account, 'judy', PASSWORD);
    await failTimes('judy', 4);
    expect((await attempt('judy', PASSWORD)).status).toBe(200);
    const after = await failTimes('judy', 4);
    expect(after.map((r) => r.status)).toEqual([401, 401, 401, 401]);
  });

  it('the lock lifts after lockout.durationSeconds (the full duration from the moment it was set)', async () => {
    await createUser(t.gw, account, 'kate', PASSWORD);
    await failTimes('kate', 4);
    clock.advance(20 * 60 * 1000);
    await failTimes('kate', 1); // locks at minute 20
    clock.advance(20 * 60 * 1000); // minute 40: failures counter is gone, the lock is not
    expect((await attempt('kate', PASSWORD)).status).toBe(423);
    clock.advance(10 * 60 * 1000 + 1); // 30 min after the lock
    expect((await attempt('kate', PASSWORD)).status).toBe(200);
  });

  it('unknown users lock exactly like known ones (the lock page reveals nothing)', async () => {
    const known = await createUser(t.gw, account, 'leo', PASSWORD);
    const a = await failTimes(known.name, 6);
    const b = await failTimes('no-such-user', 6);
    expect(a.map((r) => r.status)).toEqual(b.map((r) => r.status));
    expect(b.map((r) => r.status)).toEqual([401, 401, 401, 401, 423, 423]);
  });

  it('browser: 5 wrong passwords show the locked page; the right one afterwards too', async () => {
    await createUser(t.gw, account, 'mia', PASSWORD);
    let last = '';
    let status = 0;
    for (let i = 0; i < 5; i++)
      ({
        html: last,
        res: { status },
      } = await browserLogin(t, `/login/${account.alias}`, { username: 'mia', password: 'wrong-one' }));
    expect(status).toBe(423);
    expect(last).toContain('This user is locked');
    const right = await browserLogin(t, `/login/${account.alias}`, { username: 'mia', password: PASSWORD });
    expect(right.res.status).toBe(423);
    expect(right.res.headers.getSetCookie().join()).not.toContain('iamgw_session');
  });

  describe('administrator unlock: POST /v1/accounts/{accountId}/users/{userId}/unlock (iam:unlockUser, ENT-7)', () => {
    let victim: User;
    const unlock = async (caller: User | null, userId = victim.id, accountId = account.id) =>
      fetch(`${t.base}/v1/accounts/${accountId}/users/${userId}/unlock`, {
        method: 'POST',
        headers: caller ? await bearerHeader(t.gw, principalOf(caller)) : {},
      });
    const principalOf = (u: User) => ({
      accountId: u.accountId,
      userId: u.id,
      srn: userSrn(u.accountId, u.id),
      type: u.kind === 'root' ? ('root' as const) : ('user' as const),
    });
    let root: User;
    let helpdesk: User;
    let plain: User;
    let foreignRoot: User;

    beforeAll(async () => {
      victim = await createUser(t.gw, account, 'nina', PASSWORD);
      root = await createUser(t.gw, account, 'root', PASSWORD, { kind: 'root' });
      plain = await createUser(t.gw, account, 'plain', PASSWORD);
      const policy = await t.gw.store.policies.create({
        accountId: account.id,
        name: 'unlock-only',
        type: 'custom',
        policyVersion: 1,
        createdBy: 'test',
        document: { Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: 'iam:unlockUser', Resource: '*' }] },
      });
      helpdesk = await createUser(t.gw, account, 'helpdesk', PASSWORD, { policyIds: [policy.id] });
      foreignRoot = await createUser(t.gw, await createAccount(t.gw), 'root', PASSWORD, { kind: 'root' });
      await failTimes('nina', 5);
    });

    it('refuses anonymous callers, IAM users without the permission and other accounts’ roots; the lock stays', async () => {
      expect((await unlock(null)).status).toBe(401);
      expect((await unlock(plain)).status).toBe(403);
      expect((await unlock(foreignRoot)).status).toBe(403);
      expect(await t.gw.login.lockout.isLocked(account.id, victim.id)).toBe(true);
      expect((await attempt('nina', PASSWORD)).status).toBe(423);
    });

    it('a user allowed iam:unlockUser unlocks; the right password works again', async () => {
      const res = await unlock(helpdesk);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ wasLocked: true });
      expect((await attempt('nina', PASSWORD)).status).toBe(200);
    });

    it('the root user may unlock too; an unknown user id is 404', async () => {
      expect((await unlock(root)).status).toBe(200);
      expect((await unlock(root, 'f'.repeat(32))).status).toBe(404);
    });
  });
});

describe('throttles in front of the lockout (LOGIN-3)', () => {
  let t: TestGateway;
  let account: Account;

  beforeAll(async () => {
    t = await startGateway({
      IAMGW_THROTTLE_PER_IP_LIMIT: '3',
      IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '1000',
      IAMGW_THROTTLE_WINDOW_SECONDS: '60',
    });
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'oscar', PASSWORD);
  });
  afterAll(() => t.close());

  it('per source IP: the 4th attempt in the window is 429 RATE_LIMITED with Retry-After, before any password check', async () => {
    for (let i = 0; i < 3; i++)
      expect((await apiLogin(t, { account: account.id, username: 'oscar', password: OTHER_PASSWORD })).status).toBe(
        401,
      );
    const limited = await apiLogin(t, { account: account.id, username: 'oscar', password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    const user = await t.gw.store.users.getByName(account.id, 'oscar');
    expect(await t.gw.login.lockout.failures(account.id, user?.id ?? '')).toBe(3); // the throttled attempt never reached the lockout
    const page = await browserLogin(t, `/login/${account.alias}`, { username: 'oscar', password: PASSWORD });
    expect(page.res.status).toBe(429);
    expect(page.res.headers.get('retry-after')).not.toBeNull();
  });

  it('per account: spraying one account from many addresses is throttled without locking the users', async () => {
    const spray = await startGateway({
      IAMGW_THROTTLE_PER_IP_LIMIT: '1000',
      IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '4',
      IAMGW_HTTP_TRUSTED_PROXIES: '127.0.0.1',
    });
    try {
      const acct = await createAccount(spray.gw);
      for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await createUser(spray.gw, acct, n, PASSWORD);
      const statuses: number[] = [];
      for (const [i, n] of ['p1', 'p2', 'p3', 'p4', 'p5'].entries())
        statuses.push(
          (
            await apiLogin(
              spray,
              { account: acct.id, username: n, password: OTHER_PASSWORD },
              { 'x-forwarded-for': `198.51.100.${i + 1}` },
            )
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const metrics = await (await fetch(`${spray.base}/metrics`)).text();
      expect(metrics).toMatch(/iamgw_logins_total\{result="throttled"\} 1/);
      expect(metrics).toMatch(/iamgw_logins_total\{result="failure"\} 4/);
    } finally {
      await spray.close();
    }
  });
});
