import { iamSrn } from '../../../src/authz/srn.js';
import type { Role, User } from '../../../src/store/ports.js';
import { bearerFor } from '../../support/bearer.js';
import type { TestGateway } from '../login/helpers.js';

/** A bearer client of one test gateway, for the AssumeRole suites (ROLE-3..6). */
export function bearerClient(getGateway: () => TestGateway) {
  return {
    post: async (path: string, body: unknown, token: string) => {
      const res = await fetch(`${getGateway().base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    get: async (path: string, token: string) =>
      (await fetch(`${getGateway().base}${path}`, { headers: { authorization: `Bearer ${token}` } })).status,
    /** A bearer token for the user, as a console or API login would give it. */
    tokenOf: (u: User) =>
      bearerFor(getGateway().gw, {
        accountId: u.accountId,
        userId: u.id,
        type: 'user',
        srn: iamSrn(u.accountId, 'user', u.id),
      }),
  };
}

/** The error code of an answer, if it is an error. */
export const codeOf = (r: { body: Record<string, unknown> }): string | undefined =>
  (r.body.error as { code?: string } | undefined)?.code;

export const roleSrn = (r: Role): string => iamSrn(r.accountId, 'role', r.id);
