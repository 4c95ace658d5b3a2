import { beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import { hashPassword, parsePhc } from '../../../src/passwords/hash.js';
import type { Account } from '../../../src/store/ports.js';
import {
  OTHER_PASSWORD,
  PASSWORD,
  apiLogin,
  browserLogin,
  createAccount,
  createUser,
  form,
  formCsrf,
  gatewayWithAccount,
  hiddenField,
  setCookies,
  startGateway,
  uniqueAlias,
  type TestGateway,
} from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;

describe('console login flow (LOGIN-1, LOGIN-2, TEN-3, PWD-8, PWD-10)', () => {
  const clock = new ManualClock(Date.UTC(2026, 3, 1));
  const env = gatewayWithAccount({}, { clock });
  let t: TestGateway;
  let account: Account;

  beforeAll(async () => {
    ({ t, account } = env);
    await createUser(t.gw, account, 'alice', PASSWORD);
  });

  it('browser: login page → right password → fresh session cookie → console home shows the user', async () => {
    const { res, csrfCookie } = await browserLogin(t, `/login/${account.alias}`, {
      username: 'alice',
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
    const session = setCookies(res).get('iamgw_session');
    expect(session?.raw).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(csrfCookie).not.toContain(session?.value); // the pre-login cookie is not promoted
    const home = await fetch(`${t.base}/console`, { headers: { cookie: `iamgw_session=${session?.value}` } });
    const html = await home.text();
    expect(home.status).toBe(200);
    expect(html).toContain('<strong id="who">alice</strong>');
    expect(html).toContain('action="/logout"');
  });

  it('login by account id (/login?account=) works as well as by alias', async () => {
    const { res } = await browserLogin(t, `/login?account=${account.id}`, { username: 'alice', password: PASSWORD });
    expect(res.status).toBe(303);
  });

  it('JSON twin: POST /v1/login → authenticated + cookie; lastLoginAt is updated', async () => {
    clock.advance(1000);
    const res = await apiLogin(t, {
      account: account.id,
      username: 'alice',
      password: PASSWORD,
      redirect: '/console/iam/users?x=1',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      state: 'authenticated',
      redirect: '/console/iam/users?x=1',
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(setCookies(res).get('iamgw_session')?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await t.gw.store.users.getByName(account.id, 'alice'))?.lastLoginAt).toBe(clock.now());
  });

  it('JSON twin refuses non-JSON bodies (a cross-site form cannot post to it) and reports every invalid field', async () => {
    const res = await fetch(`${t.base}/v1/login`, form({ account: account.id, username: 'alice', password: PASSWORD }));
    expect(res.status).toBe(415);
    const bad = await apiLogin(t, { account: '', password: 7, extra: true });
    expect(bad.status).toBe(400);
    const paths = (
      (await bad.json()) as { error: { details: { violations: { path: string }[] } } }
    ).error.details.violations.map((v) => v.path);
    expect(paths).toEqual(expect.arrayContaining(['account', 'username', 'password']));
  });

  it('wrong password, unknown user, disabled user and unknown account get the same status and body', async () => {
    await createUser(t.gw, account, 'dora', PASSWORD, { state: 'disabled' });
    const answers = await Promise.all([
      apiLogin(t, { account: account.id, username: 'alice', password: OTHER_PASSWORD }),
      apiLogin(t, { account: account.id, username: 'nobody-here', password: PASSWORD }),
      apiLogin(t, { account: account.id, username: 'dora', password: PASSWORD }),
      apiLogin(t, { account: 'f'.repeat(32), username: 'alice', password: PASSWORD }),
    ]);
    const bodies = await Promise.all(
      answers.map(async (r) => ({
        status: r.status,
        error: ((await r.json()) as { error: { code: string; message: string } }).error,
      })),
    );
    for (const b of bodies)
      expect({ status: b.status, code: b.error.code, message: b.error.message }).toEqual({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        message: 'The username or password is incorrect.',
      });
    for (const r of answers) expect(r.headers.getSetCookie().join()).not.toContain('iamgw_session');
  });

  it('browser: a wrong password re-renders the login page with the error and the escaped username', async () => {
    const { res, html } = await browserLogin(t, `/login/${account.alias}`, {
      username: '<script>alert(1)</script>',
      password: 'nope',
    });
    expect(res.status).toBe(401);
    expect(html).toContain('role="alert"');
    expect(html).toContain('The username or password is incorrect.');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>');
  });

  it('browser: a login POST without the pre-login CSRF token is refused (login CSRF)', async () => {
    const res = await fetch(
      `${t.base}/login/${account.alias}`,
      form({ username: 'alice', password: PASSWORD, _csrf: 'forged-token-forged-token' }),
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().join()).not.toContain('iamgw_session');
  });

  it('TEN-3: a changed alias stops working at once, and the freed alias can be taken by another account', async () => {
    const a = await createAccount(t.gw);
    await createUser(t.gw, a, 'bob', PASSWORD);
    const oldAlias = a.alias ?? '';
    const newAlias = uniqueAlias('renamed');
    await t.gw.store.accounts.mutate(a.id, a.id, 'test', () => ({ alias: newAlias }));
    expect((await fetch(`${t.base}/login/${oldAlias}`)).status).toBe(404);
    expect((await apiLogin(t, { account: oldAlias, username: 'bob', password: PASSWORD })).status).toBe(401);
    expect((await fetch(`${t.base}/login/${newAlias}`)).status).toBe(200);
    expect((await apiLogin(t, { account: newAlias, username: 'bob', password: PASSWORD })).status).toBe(200);

    const taker = await createAccount(t.gw, oldAlias);
    await createUser(t.gw, taker, 'carol', PASSWORD);
    expect((await apiLogin(t, { account: oldAlias, username: 'carol', password: PASSWORD })).status).toBe(200);
    expect((await apiLogin(t, { account: oldAlias, username: 'bob', password: PASSWORD })).status).toBe(401);
  });

  it('PWD-10: a hash with weaker parameters is replaced on a successful login', async () => {
    const weak = await hashPassword(PASSWORD, { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 });
    const stronger = await startGateway({ IAMGW_PASSWORDS_ARGON2_TIME_COST: '2' });
    try {
      const acct = await createAccount(stronger.gw);
      await createUser(stronger.gw, acct, 'erin', PASSWORD, { passwordHash: weak, passwordHistory: [weak] });
      expect((await apiLogin(stronger, { account: acct.id, username: 'erin', password: PASSWORD })).status).toBe(200);
      const stored = await stronger.gw.store.users.getByName(acct.id, 'erin');
      expect(parsePhc(stored?.passwordHash ?? '')?.timeCost).toBe(2);
      expect(stored?.passwordHistory).toEqual([stored?.passwordHash]);
      expect((await apiLogin(stronger, { account: acct.id, username: 'erin', password: PASSWORD })).status).toBe(200);
    } finally {
      await stronger.close();
    }
  });

  it('MFA hook: a user with mfa.enrolled gets mfa_required and a pending token, never a session from the password alone', async () => {
    const u = await createUser(t.gw, account, 'mallory', PASSWORD, {
      mfa: { secret: 'enc', enrolled: true, recoveryCodeHashes: [] },
    });
    const res = await apiLogin(t, { account: account.id, username: 'mallory', password: PASSWORD });
    const body = (await res.json()) as { state: string; pendingToken: string };
    expect(res.status).toBe(200);
    expect(body.state).toBe('mfa_required');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await t.gw.login.consoleSessions.list(account.id, u.id)).toEqual([]);
    // The pending token is not a session: presented as the cookie it authenticates nothing.
    expect((await fetch(`${t.base}/v1/me`, { headers: { cookie: `iamgw_session=${body.pendingToken}` } })).status).toBe(
      401,
    );
    // The MFA step (another capability) resumes the flow after verifying the code.
    expect(await t.gw.login.pendingLogin(body.pendingToken, 'mfa')).toMatchObject({
      userId: u.id,
      accountId: account.id,
    });
    const done = await t.gw.login.completeSecondFactor(body.pendingToken, { sourceIp: '127.0.0.1' });
    expect(done.state).toBe('authenticated');
    await expect(t.gw.login.completeSecondFactor(body.pendingToken, { sourceIp: '127.0.0.1' })).rejects.toMatchObject({
      code: 'LOGIN_STEP_EXPIRED',
    });
  });

  it('an account that requires MFA sends every user to the MFA step; the browser gets the code form', async () => {
    const strict = await createAccount(t.gw);
    await t.gw.store.accounts.mutate(strict.id, strict.id, 'test', () => ({ settings: { mfaRequired: true } }));
    await createUser(t.gw, strict, 'frank', PASSWORD);
    const { res, html } = await browserLogin(t, `/login/${strict.alias}`, { username: 'frank', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(html).toContain('action="/login/step/mfa"');
    expect(res.headers.getSetCookie().join()).not.toContain('iamgw_session');
  });

  describe('forced password change (PWD-8, PWD-7, PWD-9)', () => {
    it('expired password: no session until a new password passes every rule; history appended, re-hashed', async () => {
      const u = await createUser(t.gw, account, 'gina', PASSWORD, { passwordChangedAt: clock.now() - 91 * DAY });
      const { res, html } = await browserLogin(t, `/login/${account.alias}`, {
        username: 'gina',
        password: PASSWORD,
        next: '/console/iam',
      });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().join()).not.toContain('iamgw_session');
      expect(html).toContain('Your password has expired');
      const pendingToken = hiddenField(html, 'pendingToken');
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');

      // Reusing the current password and breaking other rules: every violation is listed at once.
      const reused = await fetch(`${t.base}/login/step/password-change`, {
        ...form({ pendingToken, newPassword: PASSWORD, confirmPassword: PASSWORD, _csrf: formCsrf(html) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      });
      const reusedHtml = await reused.text();
      expect(reused.status).toBe(400);
      expect(reusedHtml).toContain('Do not reuse any of your last');
      const weak = await fetch(`${t.base}/login/step/password-change`, {
        ...form({ pendingToken, newPassword: 'gina', confirmPassword: 'gina', _csrf: formCsrf(html) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      });
      const weakHtml = await weak.text();
      expect(weak.status).toBe(400);
      for (const text of [
        'Use at least 9 characters',
        'Add an uppercase letter',
        'Add a digit',
        'Add one of the special characters',
        'Do not include the username.',
      ])
        expect(weakHtml).toContain(text);

      const ok = await fetch(`${t.base}/login/step/password-change`, {
        ...form({ pendingToken, newPassword: OTHER_PASSWORD, confirmPassword: OTHER_PASSWORD, _csrf: formCsrf(html) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/console/iam');
      expect(setCookies(ok).get('iamgw_session')).toBeDefined();
      const stored = await t.gw.store.users.get(account.id, u.id);
      expect(stored?.passwordChangedAt).toBe(clock.now());
      expect(stored?.passwordHistory).toHaveLength(2);
      expect(await t.gw.passwords.verify(stored?.passwordHash ?? '', OTHER_PASSWORD)).toBe(true);
      // The token was single-use.
      const again = await fetch(`${t.base}/login/step/password-change`, {
        ...form({ pendingToken, newPassword: 'Pw8#zRq4!mLk', confirmPassword: 'Pw8#zRq4!mLk', _csrf: formCsrf(html) }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      });
      expect(again.status).toBe(401);
    });

    it('mustChangePassword via the JSON twin: violations as PASSWORD_REJECTED with codes, then authenticated', async () => {
      const u = await createUser(t.gw, account, 'hank', PASSWORD, { mustChangePassword: true });
      const first = (await (
        await apiLogin(t, { account: account.id, username: 'hank', password: PASSWORD })
      ).json()) as { state: string; pendingToken: string; reason: string };
      expect(first).toMatchObject({ state: 'password_change_required', reason: 'required_by_administrator' });
      const post = (newPassword: string) =>
        fetch(`${t.base}/v1/login/password-change`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pendingToken: first.pendingToken, newPassword }),
        });
      const refused = await post('abcd');
      expect(refused.status).toBe(400);
      const codes = ((await refused.json()) as { error: { code: string; details: { violations: { code: string }[] } } })
        .error;
      expect(codes.code).toBe('PASSWORD_REJECTED');
      expect(codes.details.violations.map((v) => v.code)).toEqual(
        expect.arrayContaining([
          'PASSWORD_TOO_SHORT',
          'PASSWORD_MISSING_UPPERCASE',
          'PASSWORD_MISSING_DIGIT',
          'PASSWORD_SEQUENTIAL_CHARACTERS',
        ]),
      );
      const ok = await post(OTHER_PASSWORD);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { state: string }).state).toBe('authenticated');
      expect((await t.gw.store.users.get(account.id, u.id))?.mustChangePassword).toBe(false);
    });
  });
});
