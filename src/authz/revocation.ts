import type { Principal } from '../auth/principal.js';
import { parseSrn } from '../srn/index.js';
import { roleOf } from './applicable.js';
import { IAM_SERVICE } from './srn.js';

/**
 * Revocation subject keys (ENT-5, TOK-4): the only place their strings are spelled. The IAM services publish
 * markers under them through `SessionStore.markRevoked`; a credential issued before a marker of any key
 * that applies to it is refused (token checks, console-session resolution, refresh).
 */
export const revocationKeys = {
  /** Everything issued to this user (disabled, deleted, a direct policy detached). */
  user: (userId: string): string => `user:${userId}`,
  /** Everything issued to members of this group (member removed, group deleted, group policy detached). */
  group: (groupId: string): string => `group:${groupId}`,
  /** Everything issued for one session (switch identity, PWD-11 logout, logout) — the raw session id. */
  session: (sessionId: string): string => `session:${sessionId}`,
  /** Every session of this role (role deleted, trust or policies edited, revoke-sessions: ENT-5 for roles). */
  role: (roleId: string): string => `role:${roleId}`,
} as const;

/**
 * What a credential's revocation depends on, beyond its session: the fields its token and record carry, and
 * for a console role session (switch role) the console session it was switched from (its record only).
 */
export type RevocationSubject = Pick<Principal, 'userId'> & {
  role?: string | undefined;
  source?: string | undefined;
  parentSessionId?: string | undefined;
};

/**
 * The markers that revoke a credential of `principal` bound to `sessionId`: its user, each group it carries
 * and its session. Group markers revoke the credentials that *carry* the group, not the session: a new
 * token is built from the memberships of now, so it simply lacks the group (docs/decisions.md, Tokens).
 */
export function credentialRevocationKeys(
  principal: RevocationSubject & Pick<Principal, 'groups'>,
  sessionId: string,
): string[] {
  return [...sessionRevocationKeys(principal, sessionId), ...principal.groups.map(revocationKeys.group)];
}

/**
 * The markers that end a session itself (not only its tokens): its user and the session; for a role
 * session also its role and the user it started from (disabling the source user ends its role sessions,
 * chained ones included: `source` is carried down a chain); for a console role session also the session it
 * was switched from (ending that one ends this one: ROLE-3).
 */
export function sessionRevocationKeys(subject: RevocationSubject, sessionId: string): string[] {
  const keys = [revocationKeys.user(subject.userId), revocationKeys.session(sessionId)];
  const role = roleOf(subject.role);
  if (role !== null) keys.push(revocationKeys.role(role.roleId));
  const source = subject.source === undefined ? null : parseSrn(subject.source);
  if (source?.ok === true && source.srn.service === IAM_SERVICE && source.srn.resourceType === 'user')
    keys.push(revocationKeys.user(source.srn.resourceId));
  if (subject.parentSessionId !== undefined) keys.push(revocationKeys.session(subject.parentSessionId));
  return keys;
}
