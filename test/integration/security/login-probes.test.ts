import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account } from '../../../src/store/ports.js';
import {
  apiLogin,
  browserLogin,
  createAccount,
  createUser,
  NO_THROTTLE,
  OTHER_PASSWORD,
  PASSWORD,
  setCookies,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';

/**
 * Probes of the login surface that the review found sound, kept as regression tests (LOGIN-1, LOGIN-3):
 * no enumeration by status, body or Set-Cookie; one lockout counter whichever URL names the account;
 * name variants never reach the real user; typed values are escaped on the page.
 */
describe('login probes (LOGIN-1, LOGIN-3)', () => {
  let t: TestGateway;
  let account: Account;
  const alias = () => String(account.alias);

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'alice', PASSWORD);
    await createUser(t.gw, account, 'carol', PASSWORD);
  });
  afterAll(() => t.close());

  it('known and unknown users get the same JSON answer and no cookie', async () => {
    const known = await apiLogin(t, { account: account.id, username: 'alice', password: OTHER_PASSWORD });
    const unknown = await apiLogin(t, { account: account.id, username: 'nobody-here', password: OTHER_PASSWORD });
    const body = async (r: Response) => (await r.text()).replace(/"requestId":"[^"]+"/, '');
    expect([known.status, await body(known), [...setCookies(known).keys()]]).toEqual([
      unknown.status,
      await body(unknown),
      [...setCookies(unknown).keys()],
    ]);
  });

  it('known and unknown users get the same page (apart from the typed name) and the same cookies', async () => {
    const known = await browserLogin(t, `/login/${alias()}`, { username: 'alice', password: OTHER_PASSWORD });
    const unknown = await browserLogin(t, `/login/${alias()}`, { username: 'nobodyx', password: OTHER_PASSWORD });
    expect(known.res.status).toBe(unknown.res.status);
    const norm = (html: string, name: string) =>
      html.replace(name, 'NAME').replace(/value="[A-Za-z0-9_-]{40,}"/g, 'value="T"');
    expect(norm(known.html, 'alice')).toBe(norm(unknown.html, 'nobodyx'));
    expect([...setCookies(known.res).keys()]).toEqual([...setCookies(unknown.res).keys()]);
  });

  it('alias URL, id URL and the JSON API share one counter; the right password is then refused', async () => {
    for (let i = 0; i < 2; i++)
      expect(
        (await browserLogin(t, `/login/${alias()}`, { username: 'carol', password: OTHER_PASSWORD })).res.status,
      ).toBe(401);
    for (let i = 0; i < 2; i++)
      expect(
        (await browserLogin(t, `/login?account=${account.id}`, { username: 'carol', password: OTHER_PASSWORD })).res
          .status,
      ).toBe(401);
    expect((await apiLogin(t, { account: alias(), username: 'carol', password: OTHER_PASSWORD })).status).toBe(423);
    expect((await apiLogin(t, { account: account.id, username: 'carol', password: PASSWORD })).status).toBe(423);
    expect((await browserLogin(t, `/login/${alias()}`, { username: 'carol', password: PASSWORD })).res.status).toBe(
      423,
    );
  });

  it('case, whitespace and Unicode variants of a name are other (unknown) names, even with the right password', async () => {
    for (const variant of ['Alice', ' alice', 'alice ', 'ａlice', 'alice\u200b', 'ALICE']) {
      const res = await apiLogin(t, { account: account.id, username: variant, password: PASSWORD });
      expect([variant, res.status]).toEqual([variant, 401]);
    }
  });

  it('typed values and next are escaped on the page', async () => {
    const evil = '"><script>alert(1)</script>';
    const page = await (await fetch(`${t.base}/login/${alias()}?next=${encodeURIComponent(evil)}`)).text();
    expect(page).not.toContain('<script>');
    const posted = await browserLogin(t, `/login/${alias()}`, { username: evil, password: OTHER_PASSWORD, next: evil });
    expect(posted.html).not.toContain('<script>');
    expect(posted.html).toContain('&lt;script&gt;');
  });
});
