/**
 * Revocation subject keys (ENT-5). The IAM services publish markers under these keys through
 * `SessionStore.markRevoked`; the token verifier refuses a credential issued before a marker of any key
 * that applies to it (its user, each of its `groups`). Both sides build the strings here so they agree.
 */
export const revocationKeys = {
  /** Everything issued to this user (disabled, deleted, a direct policy detached). */
  user: (userId: string): string => `user:${userId}`,
  /** Everything issued to members of this group (member removed, group deleted, group policy detached). */
  group: (groupId: string): string => `group:${groupId}`,
} as const;
