import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { Ids } from '../clock.js';
import { credentialRevocationKeys } from '../authz/revocation.js';
import { iamSrn } from '../authz/srn.js';
import type { Session, SessionStore } from '../sessions/ports.js';
import type { Store, User } from '../store/ports.js';
import { listAll } from '../store/shared.js';
import type { RequestOrigin } from './types.js';

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

const USER_AGENT_MAX = 200;

/** The principal SRN of a root or IAM user (TEN-2). */
export function userSrn(accountId: string, userId: string): string {
  return iamSrn(accountId, 'user', userId);
}

/** Derived, not stored: listing sessions must not hand out other sessions' cookie values (LOGIN-6). */
export function sessionHandle(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);
}

/**
 * LOGIN-6 console sessions on top of the SessionStore port. Every session gets a fresh 256-bit id when it
 * starts (no fixation: nothing the browser sent before login is ever promoted to a session) and its own
 * CSRF token. Records are tagged `kind: console` so pending-login records (pending.ts), which share the
 * store and the user index, never authenticate or show up in a user's list.
 */
export class ConsoleSessions {
  constructor(
    private readonly sessions: SessionStore,
    private readonly store: Pick<Store, 'groups'>,
    private readonly ids: Ids,
    private readonly lifetimes: SessionLifetimes,
  ) {}

  async start(user: User, opts: { mfa: boolean; origin: RequestOrigin }): Promise<Session> {
    const groups = (await listAll(this.store.groups, user.accountId, { memberId: user.id })).map((g) => g.id);
    return this.sessions.create({
      principal: { accountId: user.accountId, userId: user.id, type: user.kind === 'root' ? 'root' : 'user', srn: userSrn(user.accountId, user.id) },
      data: {
        kind: 'console',
        csrf: this.ids.token(32),
        userName: user.name,
        // auth/mfa/amr are the keys the token capability reads for TOK-2 claims (src/tokens/subject.ts).
        auth: 'console',
        mfa: opts.mfa,
        amr: opts.mfa ? 'pwd,mfa' : 'pwd',
        groups: JSON.stringify(groups),
        ip: opts.origin.sourceIp,
        ua: (opts.origin.userAgent ?? '').slice(0, USER_AGENT_MAX),
      },
      absoluteTtlMs: this.lifetimes.absoluteTtlSeconds * 1000,
      idleTtlMs: this.lifetimes.idleTtlSeconds * 1000,
    });
  }

  /**
   * The live console session behind a cookie value, with its Principal; null when unknown, expired, not a
   * console session, or revoked (ENT-5/TOK-4 markers on the user, a group or the session set after it began).
   */
  async resolve(sessionId: string): Promise<{ session: Session; principal: Principal } | null> {
    const session = await this.sessions.get(sessionId);
    if (!session || session.data.kind !== 'console') return null;
    const principal = toPrincipal(session);
    const revoked = await this.sessions.revokedAfter(credentialRevocationKeys(principal, session.id));
    for (const at of revoked.values()) {
      if (at >= session.createdAtMs) {
        await this.sessions.end(session.id);
        return null;
      }
    }
    return { session, principal };
  }

  async list(accountId: string, userId: string, currentSessionId?: string): Promise<ConsoleSessionView[]> {
    const all = await this.sessions.listForUser(accountId, userId);
    return all.filter((s) => s.data.kind === 'console').map((s) => toView(s, s.id === currentSessionId));
  }

  /** Ends one of the caller's own sessions by handle; a handle of anyone else's session is simply not found. */
  async endOwn(accountId: string, userId: string, handle: string): Promise<boolean> {
    const own = await this.sessions.listForUser(accountId, userId);
    const target = own.find((s) => s.data.kind === 'console' && sessionHandle(s.id) === handle);
    return target ? this.sessions.end(target.id) : false;
  }

  end(sessionId: string): Promise<boolean> {
    return this.sessions.end(sessionId);
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function toPrincipal(session: Session): Principal {
  const mfa = session.data.mfa === true;
  const userName = str(session.data.userName);
  return {
    accountId: session.principal.accountId,
    userId: session.principal.userId,
    ...(userName === null ? {} : { userName }),
    srn: session.principal.srn ?? userSrn(session.principal.accountId, session.principal.userId),
    type: session.principal.type,
    auth: 'console',
    mfa,
    amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
    groups: JSON.parse(str(session.data.groups) ?? '[]') as string[],
    sessionId: session.id,
    issuedAtMs: session.createdAtMs,
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
