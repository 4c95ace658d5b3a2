import { generate } from 'otplib';
import type { ManualClock } from '../../../src/clock.js';
import { apiLogin, setCookies, type TestGateway } from '../login/helpers.js';

export * from '../login/helpers.js';

/** The code an authenticator app shows at the test clock's time (`offsetSteps` steps away). */
export function codeAt(secret: string, clock: ManualClock, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.now() / 1000) + offsetSteps * 30 });
}

export async function postJson(
  t: TestGateway,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; res: Response }> {
  const res = await fetch(`${t.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, res };
}

export const errorCode = (body: Record<string, unknown>): string | undefined =>
  (body.error as { code?: string } | undefined)?.code;

/** Password step of the JSON login: returns the pending token of the `mfa_required` answer. */
export async function pendingMfa(t: TestGateway, account: string, username: string, password: string): Promise<string> {
  const res = await apiLogin(t, { account, username, password });
  const body = (await res.json()) as { state: string; pendingToken?: string };
  if (body.state !== 'mfa_required' || !body.pendingToken)
    throw new Error(`expected mfa_required, got ${JSON.stringify(body)}`);
  return body.pendingToken;
}

/** Session cookie header of an `authenticated` answer. */
export function sessionCookie(res: Response): string {
  const c = setCookies(res).get('iamgw_session');
  if (!c) throw new Error('no session cookie');
  return `iamgw_session=${c.value}`;
}
