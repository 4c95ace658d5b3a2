import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account, User } from '../../../src/store/ports.js';
import {
  createAccount,
  createUser,
  NO_THROTTLE,
  PASSWORD,
  postJson,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';
import { verified, whoAmI } from '../my-info/switch-helpers.js';

/**
 * LOGIN-8 / TOK-4 attack: an access token travels to other services. Whoever holds one must not turn it
 * into a console session — of its owner, or of every identity linked to it — through the account switch,
 * which hands out a fresh 12-hour session cookie (the same rule as `POST /v1/token/session`, where bearer
 * callers are refused so that a token cannot mint its own successors).
 */
describe('account switch needs the console session cookie, not a bearer token (LOGIN-8, LOGIN-6, TOK-4)', () => {
  let t: TestGateway;
  let account: Account;
  let target: User;
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'alice', PASSWORD, { email: verified('alice@example.com') });
    target = await createUser(t.gw, account, 'alice-ops', PASSWORD, { email: verified('ALICE@example.com') });
    session = await sessionOf(t, account.id, 'alice', PASSWORD);
  });
  afterAll(() => t.close());

  it('a bearer token of the session cannot switch, and the owner’s session stays alive', async () => {
    const issued = await postJson(t, '/v1/token/session', {}, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    expect(issued.status).toBe(200);
    const token = String(issued.body.access_token);
    const res = await postJson(t, '/v1/me/switch', { userId: target.id }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.res.headers.getSetCookie().join()).not.toContain('iamgw_session');
    expect(res.body).not.toHaveProperty('csrfToken');
    expect((await whoAmI(t, session.cookie))?.userId).not.toBe(target.id);
    expect(await whoAmI(t, session.cookie)).not.toBeNull();
  });

  it('the cookie session still switches', async () => {
    const res = await postJson(
      t,
      '/v1/me/switch',
      { userId: target.id },
      { cookie: session.cookie, 'x-csrf-token': session.csrf },
    );
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(target.id);
  });
});
