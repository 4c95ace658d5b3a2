import type { Principal } from '../auth/principal.js';

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
} as const;

/**
 * The markers that revoke a credential of `principal` bound to `sessionId`: its user, each group it carries
 * and its session. Group markers revoke the credentials that *carry* the group, not the session: a new
 * token is built from the memberships of now, so it simply lacks the group (docs/decisions.md, Tokens).
 */
export function credentialRevocationKeys(principal: Pick<Principal, 'userId' | 'groups'>, sessionId: string): string[] {
  return [revocationKeys.user(principal.userId), ...principal.groups.map(revocationKeys.group), revocationKeys.session(sessionId)];
}

/** The markers that end a session itself (not only its tokens): its user and the session. */
export function sessionRevocationKeys(userId: string, sessionId: string): string[] {
  return [revocationKeys.user(userId), revocationKeys.session(sessionId)];
}
