import { beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import type { Account } from '../../../src/store/ports.js';
import { PASSWORD, createUser, gatewayWithAccount, setCookies, type TestGateway } from './helpers.js';
import { codeAt, errorCode, postJson } from '../mfa/helpers.js';

/**
 * LOGIN-2, TOK-4 (issue 15 mend): an API client (a CLI) logs in with `"issue": "tokens"` and leaves with an
 * access token and a refresh token, no cookie; the refresh grant the README documents then works. A browser
 * session never yields a refresh token, and an API session is never a console cookie.
 */
describe('API login issues tokens (LOGIN-2, TOK-2, TOK-4)', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 9, 0, 10));
  const env = gatewayWithAccount(
    { IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') },
    { clock },
  );
  let t: TestGateway;
  let account: Account;

  beforeAll(async () => {
    ({ t, account } = env);
    await createUser(t.gw, account, 'cli', PASSWORD);
    await createUser(t.gw, account, 'browser', PASSWORD);
  });

  const login = (username: string, extra: Record<string, unknown> = {}) =>
    postJson(t, '/v1/login', { account: account.id, username, password: PASSWORD, ...extra });

  it('POST /v1/login {"issue":"tokens"} → access + refresh token, no cookie, no CSRF token', async () => {
    const r = await login('cli', { issue: 'tokens' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      state: 'authenticated',
      redirect: '/console',
      expiresAt: expect.any(String),
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_token: expect.any(String),
      refresh_expires_in: expect.any(Number),
    });
    expect(setCookies(r.res).size).toBe(0);
    expect(r.res.headers.get('cache-control')).toBe('no-store');
  });

  it('the refresh grant answers with a new pair; the old handle is then spent and its reuse ends the session', async () => {
    const first = await login('cli', { issue: 'tokens' });
    const refreshed = await postJson(t, '/v1/token', {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const me = await fetch(`${t.base}/v1/accounts/${account.id}/users`, {
      headers: { authorization: `Bearer ${String(refreshed.body.access_token)}` },
    });
    expect(me.status).not.toBe(401); // the token authenticates (403 or 200 depends on policies, not on the token)

    const reuse = await postJson(t, '/v1/token', {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
    });
    expect([reuse.status, errorCode(reuse.body)]).toEqual([400, 'REFRESH_TOKEN_REUSED']);
    const after = await postJson(t, '/v1/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token,
    });
    expect(errorCode(after.body)).toBe('TOKEN_SESSION_ENDED');
  });

  it('a browser session (cookie) mints access tokens but never a refresh token', async () => {
    const r = await login('browser');
    const cookie = setCookies(r.res).get('iamgw_session');
    expect(cookie?.value).toEqual(expect.any(String));
    const token = await postJson(
      t,
      '/v1/token/session',
      {},
      { cookie: `iamgw_session=${cookie?.value}`, 'x-csrf-token': String(r.body.csrfToken) },
    );
    expect(token.status).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));
    expect(token.body).not.toHaveProperty('refresh_token');
  });

  it('an API session id is no console cookie', async () => {
    const r = await login('cli', { issue: 'tokens' });
    const sessions = await t.gw.sessions.listForUser(
      account.id,
      (await t.gw.store.users.getByName(account.id, 'cli'))!.id,
    );
    const api = sessions.filter((s) => s.data.kind === 'api');
    expect(api.length).toBeGreaterThan(0);
    const home = await fetch(`${t.base}/v1/me`, { headers: { cookie: `iamgw_session=${api[0]!.id}` } });
    expect(home.status).toBe(401);
    expect(r.status).toBe(200);
  });

  it('the choice survives the MFA step: password {"issue":"tokens"} → MFA code → tokens', async () => {
    const user = (await t.gw.store.users.getByName(account.id, 'cli'))!;
    // Enrol through My Info's JSON API with a console session of this user.
    const browser = await login('cli');
    const h = {
      cookie: `iamgw_session=${setCookies(browser.res).get('iamgw_session')?.value}`,
      'x-csrf-token': String(browser.body.csrfToken),
    };
    const enrol = await postJson(t, '/v1/me/mfa/enrolment', {}, h);
    const secret = String(enrol.body.secret);
    expect((await postJson(t, '/v1/me/mfa/enrolment/confirm', { code: await codeAt(secret, clock) }, h)).status).toBe(
      200,
    );
    clock.advance(30_000);

    const step1 = await login('cli', { issue: 'tokens' });
    expect(step1.body.state).toBe('mfa_required');
    const step2 = await postJson(t, '/v1/login/mfa', {
      pendingToken: step1.body.pendingToken,
      code: await codeAt(secret, clock),
    });
    expect(step2.status).toBe(200);
    expect(step2.body).toMatchObject({
      state: 'authenticated',
      token_type: 'Bearer',
      refresh_token: expect.any(String),
    });
    expect(setCookies(step2.res).size).toBe(0);
    const intro = await postJson(
      t,
      '/v1/introspect',
      { token: step2.body.access_token },
      { authorization: `Bearer ${String(step2.body.access_token)}` },
    );
    expect(intro.body).toMatchObject({
      active: true,
      mfa: true,
      amr: ['pwd', 'mfa'],
      sub: expect.stringContaining(user.id),
    });
  });

  it('an unknown "issue" value is refused with the field named', async () => {
    const r = await login('cli', { issue: 'both' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('issue');
  });
});
