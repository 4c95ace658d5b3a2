import { createHash } from 'node:crypto';
import type { SessionData, SessionValue } from '../sessions/ports.js';

/**
 * What a role session carries beyond its role (issue 16 item 7, TOK-2): session tags, the source identity
 * and the session policy. The session issuer writes them into the session record with `roleSessionData`;
 * the token subject (src/tokens/subject.ts) and the console cookie (src/login/console-sessions.ts) read them
 * back with `roleSessionExtras`, so both ways in hand the evaluator the same principal.
 *
 * The session policy document stays in the record (at most 2 KiB); tokens carry only its digest
 * (`sessionPolicy`), and the authorizer fetches the document by session id (src/authz/session-policy.ts).
 */
export interface RoleSessionExtras {
  /** `scp:PrincipalTag/{key}`. */
  tags?: Readonly<Record<string, string>>;
  /** `scp:SourceIdentity`. */
  sourceIdentity?: string;
  /** Digest of the session policy's JSON text (`sessionPolicyDigest`). */
  sessionPolicy?: string;
}

/** Session data keys. The document lives under `policy`, its digest under `policyDigest`. */
export const ROLE_SESSION_KEYS = {
  tags: 'tags',
  sourceIdentity: 'sourceIdentity',
  policy: 'policy',
  policyDigest: 'policyDigest',
} as const;

/** SHA-256 of the session policy's JSON text, base64url: content-addressed, so equal policies share one. */
export function sessionPolicyDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** The session data keys for what was asked; nothing for what was not (records and tokens stay small). */
export function roleSessionData(input: {
  tags?: Readonly<Record<string, string>>;
  sourceIdentity?: string;
  policy?: string;
}): SessionData {
  const data: SessionData = {};
  if (input.tags !== undefined && Object.keys(input.tags).length > 0)
    data[ROLE_SESSION_KEYS.tags] = JSON.stringify(input.tags);
  if (input.sourceIdentity !== undefined) data[ROLE_SESSION_KEYS.sourceIdentity] = input.sourceIdentity;
  if (input.policy !== undefined) {
    data[ROLE_SESSION_KEYS.policy] = input.policy;
    data[ROLE_SESSION_KEYS.policyDigest] = sessionPolicyDigest(input.policy);
  }
  return data;
}

const text = (v: SessionValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The extras of a session record, only those present. */
export function roleSessionExtras(data: Readonly<SessionData>): RoleSessionExtras {
  const out: RoleSessionExtras = {};
  const tags = text(data[ROLE_SESSION_KEYS.tags]);
  if (tags !== undefined) out.tags = JSON.parse(tags) as Record<string, string>;
  const sourceIdentity = text(data[ROLE_SESSION_KEYS.sourceIdentity]);
  if (sourceIdentity !== undefined) out.sourceIdentity = sourceIdentity;
  const digest = text(data[ROLE_SESSION_KEYS.policyDigest]);
  if (digest !== undefined) out.sessionPolicy = digest;
  return out;
}

/** The session policy's JSON text kept in the record, or null. */
export function sessionPolicyText(data: Readonly<SessionData>): string | null {
  return text(data[ROLE_SESSION_KEYS.policy]) ?? null;
}
