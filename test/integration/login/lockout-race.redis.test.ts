import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Account, User } from '../../../src/store/ports.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import {
  OTHER_PASSWORD,
  PASSWORD,
  apiLogin,
  createAccount,
  createUser,
  startGateway,
  type TestGateway,
} from './helpers.js';

/**
 * LOGIN-3 exactness on the real shared counter: 50 parallel wrong attempts against real Redis count exactly
 * `threshold` failures and lock at exactly the 5th; the right password afterwards gets the locked answer.
 */
describeWithServer('redis', 'lockout race on real Redis (LOGIN-3, OPS-5)', () => {
  let t: TestGateway;
  let account: Account;
  let user: User;

  beforeAll(async () => {
    t = await startGateway({
      REDIS_URL: servers.redisUrl,
      IAMGW_SESSIONS_KEY_PREFIX: `${uniqueName('login-race')}:`,
      IAMGW_THROTTLE_PER_IP_LIMIT: '10000',
      IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000',
    });
    account = await createAccount(t.gw);
    user = await createUser(t.gw, account, 'racer', PASSWORD);
  });
  afterAll(() => t.close());

  it('50 parallel wrong attempts → exactly 5 counted failures, one lock; then the right password is refused as locked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        apiLogin(t, { account: account.id, username: 'racer', password: OTHER_PASSWORD }),
      ),
    );
    const codes = await Promise.all(
      answers.map(async (r) => ((await r.json()) as { error: { code: string } }).error.code),
    );
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(4);
    expect(codes.filter((c) => c === 'ACCOUNT_LOCKED')).toHaveLength(46);
    expect(await t.gw.login.lockout.failures(account.id, user.id)).toBe(5);
    expect(await t.gw.login.lockout.isLocked(account.id, user.id)).toBe(true);

    const audit = (await t.gw.store.audit.list(account.id, { limit: 100 })).items;
    expect(audit.filter((e) => e.action === 'login' && e.reasonCode === 'INVALID_PASSWORD')).toHaveLength(5);
    expect(audit.filter((e) => e.action === 'login.lockout')).toHaveLength(1);
    const metrics = await (await fetch(`${t.base}/metrics`)).text();
    expect(metrics).toMatch(/iamgw_lockouts_total 1\b/);

    const right = await apiLogin(t, { account: account.id, username: 'racer', password: PASSWORD });
    expect(right.status).toBe(423);
    expect(((await right.json()) as { error: { code: string } }).error.code).toBe('ACCOUNT_LOCKED');
    expect(right.headers.getSetCookie()).toEqual([]);
  });
});
