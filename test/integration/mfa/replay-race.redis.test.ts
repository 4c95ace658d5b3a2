import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import type { Account } from '../../../src/store/ports.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import {
  codeAt,
  createAccount,
  createUser,
  PASSWORD,
  pendingMfa,
  postJson,
  sessionOf,
  startGateway,
  type TestGateway,
} from './helpers.js';

describeWithServer('redis', 'TOTP replay cache on real Redis: one code, many parallel logins (LOGIN-4, OPS-5)', () => {
  const clock = new ManualClock(Date.UTC(2026, 6, 1, 9, 0, 5));
  let t: TestGateway;
  let account: Account;

  beforeAll(async () => {
    t = await startGateway(
      {
        REDIS_URL: servers.redisUrl,
        IAMGW_SESSIONS_KEY_PREFIX: `${uniqueName('mfa')}:`,
        IAMGW_THROTTLE_PER_IP_LIMIT: '10000',
        IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000',
      },
      { clock },
    );
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'nora', PASSWORD);
  });
  afterAll(() => t.close());

  it('of 8 pending logins racing with the same valid code exactly one gets a session', async () => {
    const s = await sessionOf(t, account.id, 'nora', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const secret = String((await postJson(t, '/v1/me/mfa/enrolment', {}, h)).body.secret);
    await postJson(t, '/v1/me/mfa/enrolment/confirm', { code: await codeAt(secret, clock) }, h);
    clock.advance(30_000);
    // Password steps one after another: in-flight attempts hold lockout slots (LOGIN-3), so more than
    // `threshold` parallel password steps would be answered "locked"; the race under test is the code's.
    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) tokens.push(await pendingMfa(t, account.id, 'nora', PASSWORD));
    const code = await codeAt(secret, clock);
    const answers = await Promise.all(
      tokens.map((pendingToken) => postJson(t, '/v1/login/mfa', { pendingToken, code })),
    );
    expect(answers.filter((a) => a.body.state === 'authenticated')).toHaveLength(1);
  });
});
