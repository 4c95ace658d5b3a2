import type { Principal } from '../../src/auth/principal.js';
import type { Gateway } from '../../src/app.js';

/** Who a test acts as: the principal fields a console session records. */
export type BearerSubject = Pick<Principal, 'accountId' | 'userId' | 'type' | 'srn'> & { mfa?: boolean; amr?: readonly string[] };

/**
 * A real access token for `who` (TOK-2): a console session as login records one, then the token the session
 * endpoint would issue. Tests authenticate the way services do — no test-only credential exists. Mint one
 * per call where a test moves its clock: a token is valid for the access TTL of the gateway's clock.
 */
export async function bearerFor(gw: Gateway, who: BearerSubject): Promise<string> {
  const session = await gw.sessions.create({
    principal: { accountId: who.accountId, userId: who.userId, type: who.type, srn: who.srn },
    data: { kind: 'console', mfa: who.mfa ?? false, amr: (who.amr ?? ['pwd']).join(',') },
    absoluteTtlMs: gw.config.sessions.absoluteTtlSeconds * 1000,
    idleTtlMs: gw.config.sessions.idleTtlSeconds * 1000,
  });
  return (await gw.tokens.service.issueForSession(session.id)).access_token;
}

/** `Authorization` header for `who`. */
export async function bearerHeader(gw: Gateway, who: BearerSubject): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await bearerFor(gw, who)}` };
}
