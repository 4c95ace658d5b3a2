import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account, AuditEvent } from '../../../src/store/ports.js';
import {
  apiLogin,
  createAccount,
  createUser,
  errorCode,
  PASSWORD,
  sessionOf,
  setCookies,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';

const put = (t: TestGateway, path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${t.base}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });

/** LOGIN-5 through the HTTP stack; the client address comes from X-Forwarded-For of a trusted proxy (127.0.0.1). */
describe('console access IP control (LOGIN-5, PWD-11, LOGIN-7)', () => {
  let t: TestGateway;
  let account: Account;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const audit = async (action: string): Promise<AuditEvent[]> =>
    (await t.gw.store.audit.list(account.id, { limit: 100 })).items.filter((e) => e.action === action);

  beforeAll(async () => {
    t = await startGateway({
      IAMGW_HTTP_TRUSTED_PROXIES: '127.0.0.1',
      IAMGW_THROTTLE_PER_IP_LIMIT: '10000',
      IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000',
    });
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'ivy', PASSWORD);
    await createUser(t.gw, account, 'jack', PASSWORD, {
      consoleIpControl: { enabled: true, entries: ['198.51.100.0/24'] },
    });
  });
  afterAll(() => t.close());

  it('validates every entry at once (bad address, bad CIDR, host bits, duplicate, empty list when on) before the password is checked', async () => {
    const s = await sessionOf(t, account.id, 'ivy', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    const bad = await put(
      t,
      '/v1/me/console-ip-control',
      {
        enabled: true,
        entries: ['10.0.0.1', '300.1.1.1', '10.0.0.0/33', '10.0.0.1/8', '10.0.0.1', '2001:db8::/32', '10.1'],
        password: 'wrong',
      },
      h,
    );
    const body = (await bad.json()) as {
      error: { code: string; details: { violations: { path: string; code: string }[] } };
    };
    expect(bad.status).toBe(400);
    expect(body.error.details.violations.map((v) => `${v.path}:${v.code}`)).toEqual([
      'entries[1]:IP_CONTROL_INVALID_ENTRY',
      'entries[2]:IP_CONTROL_INVALID_ENTRY',
      'entries[3]:IP_CONTROL_INVALID_ENTRY',
      'entries[4]:IP_CONTROL_DUPLICATE_ENTRY',
      'entries[6]:IP_CONTROL_INVALID_ENTRY',
    ]);
    const empty = (await (
      await put(t, '/v1/me/console-ip-control', { enabled: true, entries: [], password: PASSWORD }, h)
    ).json()) as { error: { details: { violations: { code: string }[] } } };
    expect(empty.error.details.violations.map((v) => v.code)).toEqual(['IP_CONTROL_ENTRIES_REQUIRED']);
    const tooMany = Array.from({ length: 51 }, (_, i) => `10.0.${i}.0/24`);
    expect(
      (await put(t, '/v1/me/console-ip-control', { enabled: true, entries: tooMany, password: PASSWORD }, h)).status,
    ).toBe(400);
    expect((await t.gw.store.users.getByName(account.id, 'ivy'))?.consoleIpControl).toEqual({
      enabled: false,
      entries: [],
    });
  });

  it('editing needs the password; saved control applies at once: allowed CIDR passes, another address is refused (JSON and page); audited', async () => {
    const s = await sessionOf(t, account.id, 'ivy', PASSWORD);
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf, ...from('203.0.113.9') };
    const wrong = await put(
      t,
      '/v1/me/console-ip-control',
      { enabled: true, entries: ['203.0.113.0/24'], password: 'Nope#1234x' },
      h,
    );
    expect(errorCode((await wrong.json()) as Record<string, unknown>)).toBe('RECONFIRM_FAILED');
    const ok = await put(
      t,
      '/v1/me/console-ip-control',
      { enabled: true, entries: ['203.0.113.0/24', '2001:db8::/32'], password: PASSWORD },
      h,
    );
    expect(await ok.json()).toEqual({
      enabled: true,
      entries: ['203.0.113.0/24', '2001:db8::/32'],
      currentAddress: '203.0.113.9',
      currentAddressAllowed: true,
    });
    expect((await audit('console_ip_control.change')).length).toBe(1);

    expect(
      (await fetch(`${t.base}/v1/me/profile`, { headers: { cookie: s.cookie, ...from('203.0.113.77') } })).status,
    ).toBe(200);
    const denied = await fetch(`${t.base}/v1/me/profile`, { headers: { cookie: s.cookie, ...from('192.0.2.1') } });
    expect([denied.status, errorCode((await denied.json()) as Record<string, unknown>)]).toEqual([
      403,
      'CONSOLE_IP_DENIED',
    ]);
    const page = await fetch(`${t.base}/console`, {
      headers: { cookie: s.cookie, accept: 'text/html', ...from('192.0.2.1') },
    });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('console access IP control rule');
    expect((await audit('console_ip_control.deny')).length).toBeGreaterThanOrEqual(2);
  });

  it('governs the console session, token minting included, not bearer API calls made from elsewhere (LOGIN-5)', async () => {
    const login = await apiLogin(
      t,
      { account: account.id, username: 'jack', password: PASSWORD },
      from('198.51.100.20'),
    );
    const [name, c] = [...setCookies(login)][0] ?? [];
    const s = { cookie: `${name}=${c?.value}`, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
    const mint = (ip: string) =>
      fetch(`${t.base}/v1/token/session`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...from(ip) },
      });
    expect((await mint('192.0.2.1')).status).toBe(403);
    const ok = await mint('198.51.100.21');
    expect(ok.status).toBe(200);
    const token = ((await ok.json()) as { access_token: string }).access_token;
    // A service validates jack's token from its own address, which is not on jack's console list.
    const jack = await t.gw.store.users.getByName(account.id, 'jack');
    const res = await fetch(`${t.base}/v1/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...from('10.9.8.7') },
      body: JSON.stringify({ action: 'iam:getUser', resource: `srn:e::${account.id}:::scp-iam:user/${jack?.id}` }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('decision');
    // The same address with the console cookie is still refused.
    expect(
      (await fetch(`${t.base}/v1/me/profile`, { headers: { cookie: s.cookie, ...from('10.9.8.7') } })).status,
    ).toBe(403);
  });

  it('login from outside the list is refused after the password; from inside it succeeds', async () => {
    const out = await apiLogin(t, { account: account.id, username: 'jack', password: PASSWORD }, from('192.0.2.50'));
    expect([out.status, errorCode((await out.json()) as Record<string, unknown>)]).toEqual([403, 'CONSOLE_IP_DENIED']);
    expect(out.headers.getSetCookie().join()).not.toContain('iamgw_session');
    const inside = await apiLogin(
      t,
      { account: account.id, username: 'jack', password: PASSWORD },
      from('198.51.100.20'),
    );
    expect(inside.status).toBe(200);
    const jack = await t.gw.store.users.getByName(account.id, 'jack');
    expect(
      (await audit('console_ip_control.deny')).some(
        (e) => e.target === jack?.id && e.details.during === 'login' && e.sourceIp === '192.0.2.50',
      ),
    ).toBe(true);
  });

  it('X-Forwarded-For from an untrusted peer is ignored (no spoofing): a gateway without trusted proxies sees the socket address', async () => {
    const direct = await startGateway({ IAMGW_THROTTLE_PER_IP_LIMIT: '10000' });
    try {
      const acct = await createAccount(direct.gw);
      await createUser(direct.gw, acct, 'kim', PASSWORD, {
        consoleIpControl: { enabled: true, entries: ['198.51.100.0/24'] },
      });
      const spoofed = await apiLogin(
        direct,
        { account: acct.id, username: 'kim', password: PASSWORD },
        from('198.51.100.20'),
      );
      expect([spoofed.status, errorCode((await spoofed.json()) as Record<string, unknown>)]).toEqual([
        403,
        'CONSOLE_IP_DENIED',
      ]);
    } finally {
      await direct.close();
    }
  });

  it('the settings page shows the current address; saving a list without it answers currentAddressAllowed=false and locks this address out', async () => {
    const jackSession = await apiLogin(
      t,
      { account: account.id, username: 'jack', password: PASSWORD },
      from('198.51.100.20'),
    );
    const cookie = jackSession.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    await t.gw.store.users.mutate(
      account.id,
      (await t.gw.store.users.getByName(account.id, 'jack'))?.id ?? '',
      'test',
      () => ({ consoleIpControl: { enabled: true, entries: ['198.51.100.20', '198.51.100.0/24'] } }),
    );
    const okPage = await (
      await fetch(`${t.base}/console/my-info/ip-control`, { headers: { cookie, ...from('198.51.100.20') } })
    ).text();
    expect(okPage).toContain('<code id="current-ip">198.51.100.20</code>');
    expect(okPage).not.toContain('ip-warning');
    // Saving a list without the current address is answered with the warning flag; the next request is then refused.
    const csrf = (
      (await (await fetch(`${t.base}/v1/me`, { headers: { cookie, ...from('198.51.100.20') } })).json()) as {
        csrfToken: string;
      }
    ).csrfToken;
    const save = await put(
      t,
      '/v1/me/console-ip-control',
      { enabled: true, entries: ['10.0.0.0/8'], password: PASSWORD },
      { cookie, 'x-csrf-token': csrf, ...from('198.51.100.20') },
    );
    expect(((await save.json()) as { currentAddressAllowed: boolean }).currentAddressAllowed).toBe(false);
    expect(
      (await fetch(`${t.base}/console/my-info/ip-control`, { headers: { cookie, ...from('198.51.100.20') } })).status,
    ).toBe(403);
  });
});
