/**
 * The session policy of a role session, as the authorizer applies it (issue 16 item 7, POL-7): AssumeRole
 * validates the document (≤ 2 KiB) and the session issuer keeps its JSON text in the session record; the
 * session's tokens (and console principal) carry only its digest, `Principal.sessionPolicy`. Here the
 * digest becomes a compiled policy:
 *
 * - content-addressed: compiled once per (account, digest) and kept in a bounded LRU. A session policy
 *   never changes for the life of its session, so nothing needs invalidating; equal documents share one.
 * - on a miss the text is read from the principal's own session (one session-store read) and must hash to
 *   the digest the signed token names; a session without it, an unreadable record or a mismatch refuses
 *   (`SESSION_POLICY_UNAVAILABLE`). Failing open would give the session the role's full permissions.
 */
import type { Principal } from '../auth/principal.js';
import { sessionPolicyDigest, sessionPolicyText } from '../auth/session-extras.js';
import { Lru } from '../cache/lru.js';
import { compilePolicy, type CompiledPolicy } from '../policy/index.js';
import type { SessionStore } from '../sessions/ports.js';

export const SESSION_POLICY_UNAVAILABLE = 'SESSION_POLICY_UNAVAILABLE';

export class SessionPolicies {
  private readonly compiled: Lru<string, CompiledPolicy>;

  constructor(
    private readonly sessions: Pick<SessionStore, 'get'> | undefined,
    size = 1000,
  ) {
    this.compiled = new Lru(size);
  }

  /** The compiled session policy the principal's credential names, or why there is none to apply. */
  async of(
    principal: Pick<Principal, 'accountId' | 'sessionId' | 'sessionPolicy'>,
  ): Promise<CompiledPolicy | typeof SESSION_POLICY_UNAVAILABLE> {
    const digest = principal.sessionPolicy;
    if (digest === undefined) return SESSION_POLICY_UNAVAILABLE;
    const key = `${principal.accountId}\u0000${digest}`;
    const hit = this.compiled.get(key);
    if (hit !== undefined) return hit;
    if (this.sessions === undefined || principal.sessionId === undefined) return SESSION_POLICY_UNAVAILABLE;
    const session = await this.sessions.get(principal.sessionId);
    const text = session === null ? null : sessionPolicyText(session.data);
    if (text === null || sessionPolicyDigest(text) !== digest) return SESSION_POLICY_UNAVAILABLE;
    let policy: CompiledPolicy;
    try {
      // The id names the digest, never the session: deciding statements reach audit and 403 bodies.
      policy = compilePolicy(text, {
        id: `session-policy:${digest.slice(0, 16)}`,
        version: digest,
        kind: 'identity',
        account: principal.accountId,
      });
    } catch {
      return SESSION_POLICY_UNAVAILABLE;
    }
    this.compiled.set(key, policy);
    return policy;
  }
}
