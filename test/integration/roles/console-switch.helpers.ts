import type { Gateway } from '../../../src/app.js';
import type { Account, Policy, Role } from '../../../src/store/ports.js';
import { form, formCsrf, setCookies, type TestGateway } from '../login/helpers.js';

/** Shared steps of the console switch role suites (ROLE-3). */
export interface Browser {
  /** `name=value` of the session cookie. */
  cookie: string;
  /** The raw session id (the cookie's value). */
  sessionId: string;
}

export const cookieOf = (sessionId: string): Browser => ({ cookie: `iamgw_session=${sessionId}`, sessionId });

export function getPage(t: TestGateway, b: Browser, path: string): Promise<Response> {
  return fetch(`${t.base}${path}`, { headers: { cookie: b.cookie }, redirect: 'manual' });
}

export function postForm(t: TestGateway, b: Browser, path: string, fields: Record<string, string>): Promise<Response> {
  const init = form(fields);
  return fetch(`${t.base}${path}`, { ...init, headers: { ...init.headers, cookie: b.cookie } });
}

/** The CSRF token a console page of `b` carries in its forms. */
export async function csrfOf(t: TestGateway, b: Browser): Promise<string> {
  const res = await getPage(t, b, '/console/switch-role');
  if (res.status !== 200) throw new Error(`switch page: ${res.status}`);
  return formCsrf(await res.text());
}

/** The session cookie a response set, if any. */
export function newSession(res: Response): Browser | null {
  const c = setCookies(res).get('iamgw_session');
  return c && c.value !== '' ? cookieOf(c.value) : null;
}

export interface SwitchFields {
  account: string;
  roleName: string;
  displayName?: string;
  colour?: string;
}

/** Submits the switch form as the browser `b` would (its page's CSRF token unless `csrf` says otherwise). */
export async function submitSwitch(t: TestGateway, b: Browser, f: SwitchFields, csrf?: string): Promise<Response> {
  const token = csrf ?? (await csrfOf(t, b));
  return postForm(t, b, '/console/switch-role', {
    _csrf: token,
    account: f.account,
    roleName: f.roleName,
    displayName: f.displayName ?? '',
    colour: f.colour ?? 'blue',
  });
}

/** Switches and returns the role session's browser cookie; throws unless the switch succeeded. */
export async function switchRole(t: TestGateway, b: Browser, f: SwitchFields): Promise<Browser> {
  const res = await submitSwitch(t, b, f);
  const next = newSession(res);
  if (res.status !== 303 || next === null) throw new Error(`switch refused: ${res.status} ${await res.text()}`);
  return next;
}

/** The text of the page's notice (refusal) element. */
export function noticeOf(page: string): string | null {
  const m = /<div class="error" role="alert" id="notice">([\s\S]*?)<\/div>/.exec(page);
  return m?.[1] === undefined
    ? null
    : m[1]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
}

export async function policy(
  gw: Gateway,
  accountId: string,
  name: string,
  statement: Record<string, unknown>,
): Promise<Policy> {
  return gw.store.policies.create({
    accountId,
    name,
    type: 'custom',
    policyVersion: 1,
    createdBy: 'test',
    document: { Version: '2024-07-01', Statement: [statement] },
  });
}

export async function role(
  gw: Gateway,
  account: Account,
  name: string,
  trustedPrincipals: Role['trustedPrincipals'],
  policyIds: string[],
  maxSessionSeconds = 3600,
): Promise<Role> {
  return gw.store.roles.create({
    accountId: account.id,
    name,
    maxSessionSeconds,
    trustedPrincipals,
    policyIds,
    createdBy: 'test',
  });
}
