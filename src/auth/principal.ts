import type { AuthMethod, PrincipalClaims } from '../policy/index.js';

/**
 * The authenticated caller of a request, whatever proved it: a console session cookie, a bearer token
 * (TOK-2) or a signed API request (KEY-4). Its fields are exactly the token claims, so the evaluator sees
 * the same input for every way in (POL-6).
 */
export interface Principal {
  accountId: string;
  /** User id; for role sessions the role-session id. */
  userId: string;
  userName?: string;
  /** Principal SRN (TEN-2), the token's `sub`. */
  srn: string;
  type: 'root' | 'user' | 'role-session' | 'federated';
  auth: AuthMethod;
  mfa: boolean;
  amr: string[];
  /** Group ids at issue time (ENT-5 revocation checks them). */
  groups: string[];
  /** Server-side session the credential is bound to (TOK-4). */
  sessionId?: string;
  /** When the credential was issued (epoch ms): revocation markers after this refuse it. */
  issuedAtMs: number;
  role?: string;
  source?: string;
  sessionName?: string;
  /** Role sessions (issue 16 item 7, auth/session-extras.ts): session tags, source identity, session policy digest. */
  tags?: Readonly<Record<string, string>>;
  sourceIdentity?: string;
  sessionPolicy?: string;
}

/**
 * Claims are derived once per principal object: a cached token's principal is judged on every request, and
 * rebuilding this object each time (with its optional members) showed in the `/v1/authorize` profile. Frozen,
 * since every caller shares it.
 */
const claimsOf = new WeakMap<Principal, PrincipalClaims>();

export function toClaims(p: Principal): PrincipalClaims {
  let claims = claimsOf.get(p);
  if (claims === undefined) {
    claims = Object.freeze({
      sub: p.srn,
      acct: p.accountId,
      ptype: p.type,
      auth: p.auth,
      mfa: p.mfa,
      groups: p.groups,
      userId: p.userId,
      ...(p.userName === undefined ? {} : { userName: p.userName }),
      ...(p.role === undefined ? {} : { role: p.role }),
      ...(p.source === undefined ? {} : { source: p.source }),
      ...(p.sessionName === undefined ? {} : { sessionName: p.sessionName }),
      ...(p.tags === undefined ? {} : { tags: p.tags }),
      ...(p.sourceIdentity === undefined ? {} : { sourceIdentity: p.sourceIdentity }),
    });
    claimsOf.set(p, claims);
  }
  return claims;
}
