import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { credentialRevocationKeys } from '../authz/revocation.js';
import { roleSessionExtras } from '../auth/session-extras.js';
import { iamSrn } from '../authz/srn.js';
import { isConsoleSession, parentSessionOf } from '../sessions/kinds.js';
import type { Session, SessionStore } from '../sessions/ports.js';

export interface SessionLifetimes {
  absoluteTtlSeconds: number;
  idleTtlSeconds: number;
}

/** What a user sees of one of their sessions; never the id itself, which is the cookie secret. */
export interface ConsoleSessionView {
  /** Public handle: a hash of the id, used to end the session (DELETE /v1/me/sessions/{handle}). */
  handle: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  absoluteExpiresAtMs: number;
  idleExpiresAtMs: number;
  sourceIp: string | null;
  userAgent: string | null;
  current: boolean;
}

/** The principal SRN of a root or IAM user (TEN-2). */
export function userSrn(accountId: string, userId: string): string {
  return iamSrn(accountId, 'user', userId);
}

/** Derived, not stored: listing sessions must not hand out other sessions' cookie values (LOGIN-6). */
export function sessionHandle(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);
}

/**
 * LOGIN-6 console sessions on top of the SessionStore port: the cookie side. Sessions are started by the
 * session issuer (src/issuer: fresh 256-bit id, its own CSRF token); this resolves a cookie value to its
 * live session, lists a user's sessions and ends them. Only `console` records count (sessions/kinds.ts),
 * so pending logins and API sessions, which share the store and the user index, never authenticate as a
 * cookie or show up in a user's list.
 */
export class ConsoleSessions {
  constructor(private readonly sessions: SessionStore) {}

  /**
   * The live console session behind a cookie value, with its Principal; null when unknown, expired, not a
   * console session, or revoked (ENT-5/TOK-4 markers on the user, a group or the session set after it began).
   * A role session switched to from the console (ROLE-3) lives only while the session it came from does:
   * that one is read too (which also keeps its idle timer running underneath), and its marker counts.
   */
  async resolve(sessionId: string): Promise<{ session: Session; principal: Principal } | null> {
    const session = await this.sessions.get(sessionId);
    if (!session || !isConsoleSession(session)) return null;
    const principal = toPrincipal(session);
    const parentId = parentSessionOf(session);
    const subject = parentId === null ? principal : { ...principal, parentSessionId: parentId };
    const [revoked, parent] = await Promise.all([
      this.sessions.revokedAfter(credentialRevocationKeys(subject, session.id)),
      parentId === null ? null : this.sessions.get(parentId),
    ]);
    const parentGone = parentId !== null && parent === null;
    if (parentGone || [...revoked.values()].some((at) => at >= session.createdAtMs)) {
      await this.sessions.end(session.id);
      return null;
    }
    return { session, principal };
  }

  async list(accountId: string, userId: string, currentSessionId?: string): Promise<ConsoleSessionView[]> {
    const all = await this.sessions.listForUser(accountId, userId);
    return all.filter(isConsoleSession).map((s) => toView(s, s.id === currentSessionId));
  }

  /** Ends one of the caller's own sessions by handle; a handle of anyone else's session is simply not found. */
  async endOwn(accountId: string, userId: string, handle: string): Promise<boolean> {
    const own = await this.sessions.listForUser(accountId, userId);
    const target = own.find((s) => isConsoleSession(s) && sessionHandle(s.id) === handle);
    return target ? this.sessions.end(target.id) : false;
  }

  end(sessionId: string): Promise<boolean> {
    return this.sessions.end(sessionId);
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The caller a console session speaks for: the same fields a token of it carries (src/tokens/subject.ts). */
function toPrincipal(session: Session): Principal {
  const mfa = session.data.mfa === true;
  const optional = (['userName', 'role', 'source', 'sessionName'] as const).flatMap((k) => {
    const v = str(session.data[k]);
    return v === null ? [] : [[k, v] as const];
  });
  return {
    accountId: session.principal.accountId,
    userId: session.principal.userId,
    ...Object.fromEntries(optional),
    srn: session.principal.srn ?? userSrn(session.principal.accountId, session.principal.userId),
    type: session.principal.type,
    auth: 'console',
    mfa,
    amr: str(session.data.amr)?.split(',') ?? (mfa ? ['pwd', 'mfa'] : ['pwd']),
    groups: JSON.parse(str(session.data.groups) ?? '[]') as string[],
    sessionId: session.id,
    issuedAtMs: session.createdAtMs,
    ...roleSessionExtras(session.data),
  };
}

function toView(s: Session, current: boolean): ConsoleSessionView {
  return {
    handle: sessionHandle(s.id),
    createdAtMs: s.createdAtMs,
    lastSeenAtMs: s.lastSeenAtMs,
    absoluteExpiresAtMs: s.absoluteExpiresAtMs,
    idleExpiresAtMs: s.idleExpiresAtMs,
    sourceIp: str(s.data.ip),
    userAgent: str(s.data.ua),
    current,
  };
}
