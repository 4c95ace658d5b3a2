import type { Principal } from '../../src/auth/principal.js';
import type { Gateway } from '../../src/app.js';
import type { Session } from '../../src/sessions/ports.js';

/** Who a test acts as: the principal fields a console session records. */
export type BearerSubject = Pick<Principal, 'accountId' | 'userId' | 'type' | 'srn'> & {
  mfa?: boolean;
  amr?: readonly string[];
};

/**
 * A real access token for `who` (TOK-2): a console session as login records one, then the token the session
 * endpoint would issue. Tests authenticate the way services do — no test-only credential exists. Mint one
 * per call where a test moves its clock: a token is valid for the access TTL of the gateway's clock.
 */
export async function bearerFor(gw: Gateway, who: BearerSubject): Promise<string> {
  return (await gw.tokens.service.issueForSession((await consoleSessionFor(gw, who)).id)).access_token;
}

/** A console session for `who`, with the data login records (kind, mfa, amr) and the configured lifetimes. */
export function consoleSessionFor(gw: Gateway, who: BearerSubject): Promise<Session> {
  return gw.sessions.create({
    principal: { accountId: who.accountId, userId: who.userId, type: who.type, srn: who.srn },
    data: { kind: 'console', mfa: who.mfa ?? false, amr: (who.amr ?? ['pwd']).join(',') },
    absoluteTtlMs: gw.config.sessions.absoluteTtlSeconds * 1000,
    idleTtlMs: gw.config.sessions.idleTtlSeconds * 1000,
  });
}

/** `Authorization` header for `who`. */
export async function bearerHeader(gw: Gateway, who: BearerSubject): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await bearerFor(gw, who)}` };
}
