import type { Server } from 'node:http';
import { afterAll, beforeAll } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { buildApp, type AppOverrides, type Gateway } from '../../../src/app.js';
import { testConfig } from '../../../src/config/load.js';
import type { Account, User } from '../../../src/store/ports.js';

/** A gateway on a free port, with the console-login surface exercised through real HTTP. */
export interface TestGateway {
  gw: Gateway;
  server: Server;
  base: string;
  close(): Promise<void>;
}

export async function startGateway(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestGateway> {
  const gw = await buildApp(testConfig(env), overrides);
  const server = await gw.listen();
  const { port } = server.address() as AddressInfo;
  return { gw, server, base: `http://127.0.0.1:${port}`, close: () => gw.close() };
}

let seq = 0;
export const uniqueAlias = (prefix = 'acct'): string =>
  `${prefix}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 7)}`;

export async function createAccount(gw: Gateway, alias: string | null = uniqueAlias()): Promise<Account> {
  const id = gw.ids.hex32();
  return gw.store.accounts.create({
    id,
    accountId: id,
    name: alias ?? id,
    alias,
    rootUserId: null,
    settings: { mfaRequired: false },
    createdBy: 'test',
  });
}

/** A user as the IAM service would store it; `password` is hashed with the gateway's own parameters. */
export async function createUser(
  gw: Gateway,
  account: Account,
  name: string,
  password: string,
  patch: Partial<User> = {},
): Promise<User> {
  const passwordHash = patch.passwordHash ?? (await gw.passwords.hash(password));
  return gw.store.users.create({
    accountId: account.id,
    name,
    kind: 'iam',
    state: 'active',
    email: null,
    phone: null,
    timezone: null,
    lastLoginAt: null,
    passwordChangedAt: gw.clock.now(),
    reuseRestriction: 5,
    mustChangePassword: false,
    passwordHistory: [passwordHash],
    mfa: { secret: null, enrolled: false, recoveryCodeHashes: [] },
    consoleIpControl: { enabled: false, entries: [] },
    policyIds: [],
    keySecurity: { acceptedMethods: ['authkey', 'tempkey'], ipControl: { enabled: false, entries: [] } },
    createdBy: 'test',
    ...patch,
    passwordHash,
  });
}

export const PASSWORD = 'Vq7#Lm2!pXr9';
export const OTHER_PASSWORD = 'Hz5&Tn8*wKd3';

/** name=value of every Set-Cookie of a response. */
export function setCookies(res: Response): Map<string, { value: string; raw: string }> {
  const out = new Map<string, { value: string; raw: string }>();
  for (const raw of res.headers.getSetCookie()) {
    const [pair = ''] = raw.split(';');
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), raw });
  }
  return out;
}

/** The hidden `_csrf` field of a rendered form. */
export function formCsrf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no _csrf field in page');
  return m[1];
}

export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m || m[1] === undefined) throw new Error(`no ${name} field in page`);
  return m[1];
}

export function form(fields: Record<string, string>): {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  redirect: 'manual';
} {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  };
}

/** Browser-style login: GET the page (pre-login CSRF cookie + field), POST the form with both. */
export async function browserLogin(
  t: TestGateway,
  loginUrl: string,
  fields: { username: string; password: string; next?: string },
  extraCookie = '',
): Promise<{ res: Response; html: string; csrfCookie: string }> {
  const page = await fetch(`${t.base}${loginUrl}`, { headers: extraCookie ? { cookie: extraCookie } : {} });
  const csrf = formCsrf(await page.text());
  const cookie = [...setCookies(page)].map(([k, v]) => `${k}=${v.value}`).join('; ');
  const init = form({ ...fields, next: fields.next ?? '', _csrf: csrf });
  const res = await fetch(`${t.base}${loginUrl}`, {
    ...init,
    headers: { ...init.headers, cookie: [cookie, extraCookie].filter(Boolean).join('; ') },
  });
  return { res, html: await res.text(), csrfCookie: cookie };
}

/** POST /v1/login as JSON. */
export function apiLogin(
  t: TestGateway,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${t.base}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
}

/** Logs in through the JSON API and returns the cookie header and CSRF token of the new session. */
export async function sessionOf(
  t: TestGateway,
  account: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string; sessionId: string }> {
  const res = await apiLogin(t, { account, username, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const [name, c] = [...setCookies(res)][0] ?? [];
  if (!name || !c) throw new Error('no session cookie');
  return { cookie: `${name}=${c.value}`, csrf: body.csrfToken, sessionId: c.value };
}

/** Throttles out of the way, for suites that are not about them. */
export const NO_THROTTLE = { IAMGW_THROTTLE_PER_IP_LIMIT: '10000', IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '10000' };

/** Registers beforeAll/afterAll for a gateway (throttles lifted) with one fresh account; read the fields inside tests. */
export function gatewayWithAccount(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): { t: TestGateway; account: Account } {
  const ctx = {} as { t: TestGateway; account: Account };
  beforeAll(async () => {
    ctx.t = await startGateway({ ...NO_THROTTLE, ...env }, overrides);
    ctx.account = await createAccount(ctx.t.gw);
  });
  afterAll(() => ctx.t.close());
  return ctx;
}
