import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { AUTH_METHODS } from '../policy/index.js';
import { parseSrn } from '../srn/index.js';

/**
 * The access-token claims, exactly TOK-2, and their mapping to and from `Principal` (the evaluator's input,
 * POL-6). `iat` carries milliseconds (a fractional NumericDate, which RFC 7519 §2 allows) because revocation
 * markers are millisecond timestamps: with whole seconds a token issued just after a revocation, in the
 * same second, would be refused (rounding down) or one issued just before it accepted (rounding up).
 */
export const accessTokenClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string().min(1),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number(),
  nbf: z.number(),
  exp: z.number(),
  jti: z.string().min(1),
  /** The session, encrypted (secrets.ts): the raw id is the console cookie value. */
  sid: z.string().min(1),
  acct: z.string().min(1),
  ptype: z.enum(['root', 'user', 'role-session', 'federated']),
  auth: z.enum(AUTH_METHODS),
  mfa: z.boolean(),
  amr: z.array(z.string()),
  groups: z.array(z.string()),
  role: z.string().optional(),
  source: z.string().optional(),
  sessionName: z.string().optional(),
  /** Role sessions, only when present (tokens stay small): session tags, source identity, session policy digest. */
  tags: z.record(z.string(), z.string()).optional(),
  sourceIdentity: z.string().optional(),
  sessionPolicy: z.string().optional(),
  /** Policy-set version: digest of the identity policies (id@version) the principal had at issue. */
  pver: z.string(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** What a token is issued for; the issuer adds iss, aud, times, jti and sid. */
export type TokenSubject = Pick<
  AccessTokenClaims,
  'sub' | 'acct' | 'ptype' | 'auth' | 'mfa' | 'amr' | 'groups' | 'pver'
> &
  Partial<Pick<AccessTokenClaims, 'role' | 'source' | 'sessionName' | 'tags' | 'sourceIdentity' | 'sessionPolicy'>> & {
    userId: string;
  };

/** Epoch ms of a NumericDate that may carry milliseconds (float noise removed). */
export const msOf = (numericDate: number): number => Math.round(numericDate * 1000);

/** The caller a verified token speaks for; `sessionId` is the raw id (server side only). */
export function principalFromClaims(c: AccessTokenClaims, sessionId: string): Principal | null {
  const parsed = parseSrn(c.sub);
  if (!parsed.ok) return null;
  return {
    accountId: c.acct,
    userId: parsed.srn.resourceId,
    srn: c.sub,
    type: c.ptype,
    auth: c.auth,
    mfa: c.mfa,
    amr: c.amr,
    groups: c.groups,
    sessionId,
    issuedAtMs: msOf(c.iat),
    ...(c.role === undefined ? {} : { role: c.role }),
    ...(c.source === undefined ? {} : { source: c.source }),
    ...(c.sessionName === undefined ? {} : { sessionName: c.sessionName }),
    ...(c.tags === undefined ? {} : { tags: c.tags }),
    ...(c.sourceIdentity === undefined ? {} : { sourceIdentity: c.sourceIdentity }),
    ...(c.sessionPolicy === undefined ? {} : { sessionPolicy: c.sessionPolicy }),
  };
}
