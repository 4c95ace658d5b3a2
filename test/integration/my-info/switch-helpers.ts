import { expect } from '@jest/globals';
import type { AuditEvent, User } from '../../../src/store/ports.js';
import { errorCode, postJson, sessionCookie, type TestGateway } from '../mfa/helpers.js';

/** Shared steps of the LOGIN-8 switch suites (switch-*.test.ts). */
export const verified = (value: string) => ({ value, verified: true });

export interface Session {
  cookie: string;
  csrf: string;
}

export interface Target {
  accountId: string;
  accountAlias: string | null;
  userId: string;
  userName: string;
  kind: string;
  sharedContact: string;
  mfaCodeRequired: boolean;
}

export async function targetsOf(t: TestGateway, s: Session): Promise<Target[]> {
  const res = await fetch(`${t.base}/v1/me/switch-targets`, { headers: { cookie: s.cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Target[] }).items;
}

/** POST /v1/me/switch as the session `s` into `to`. */
export function switchTo(
  t: TestGateway,
  s: Session,
  to: Pick<User, 'accountId' | 'id'>,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return postJson(
    t,
    '/v1/me/switch',
    { accountId: to.accountId, userId: to.id, ...extra },
    { cookie: s.cookie, 'x-csrf-token': s.csrf, ...headers },
  );
}

/** Who a session cookie speaks for now (refused → null). */
export async function whoAmI(
  t: TestGateway,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<{ accountId: string; userId: string; type: string; mfa: boolean; csrfToken: string } | null> {
  const res = await fetch(`${t.base}/v1/me`, { headers: { cookie, ...headers } });
  return res.status === 200
    ? ((await res.json()) as { accountId: string; userId: string; type: string; mfa: boolean; csrfToken: string })
    : null;
}

/** Follows a successful switch: the new session as a Session (cookie + CSRF token). */
export async function switched(res: {
  status: number;
  body: Record<string, unknown>;
  res: Response;
}): Promise<Session> {
  expect(res.status).toBe(200);
  return { cookie: sessionCookie(res.res), csrf: String(res.body.csrfToken) };
}

/** A refusal: status, code and reason, with no new session cookie handed out. */
export function refusal(res: {
  status: number;
  body: Record<string, unknown>;
  res: Response;
}): [number, string | undefined, string | undefined] {
  expect(res.res.headers.getSetCookie().join()).not.toContain('iamgw_session');
  return [
    res.status,
    errorCode(res.body),
    (res.body.error as { details?: { reason?: string } } | undefined)?.details?.reason,
  ];
}

export async function switchEvents(t: TestGateway, accountId: string): Promise<AuditEvent[]> {
  return (await t.gw.store.audit.list(accountId, { limit: 500 })).items.filter((e) => e.action === 'account.switch');
}
