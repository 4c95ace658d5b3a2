import { applicablePolicies } from '../authz/applicable.js';
import { revocationKeys } from '../authz/revocation.js';
import { iamSrn } from '../authz/srn.js';
import { roleSessionData } from '../auth/session-extras.js';
import type { Clock, Ids } from '../clock.js';
import type { AuthMethod } from '../policy/index.js';
import { appError } from '../errors.js';
import { PARENT_SESSION_KEY, SESSION_KINDS } from '../sessions/kinds.js';
import type { PrincipalType, Session, SessionData, SessionStore } from '../sessions/ports.js';
import type { Store, User } from '../store/ports.js';
import type { TokenResponse } from '../tokens/service.js';

/**
 * The one way a session starts (LOGIN-6, TOK-2, TOK-4, ROLE-3..6): console login, switch identity, and
 * next AssumeRole, SAML and OIDC entries all call `start`, so every session gets the same record shape
 * (the keys src/tokens/subject.ts and src/login/console-sessions.ts read), the same expiry caps, the same
 * revocation markers, and a fresh 256-bit id (no fixation: nothing a client sent before is promoted).
 *
 * What the client receives is chosen per call: a console cookie (`console` session with a CSRF token) or
 * tokens (`api` session: an access token and a refresh token, never a cookie). sessions/kinds.ts says why
 * browsers never hold a refresh token.
 */

/** ROLE-1, ROLE-4: a role session lasts at least this long; a shorter request is refused, never raised. */
export const ROLE_SESSION_MIN_SECONDS = 3200;
/** ROLE-6: a role session started from a role session (chaining) lasts at most an hour, as AWS STS does. */
export const CHAINED_SESSION_MAX_SECONDS = 3600;

/** Who the session is for. */
export type SessionSubject =
  | { kind: 'user'; user: User }
  | {
      /** A role session (AssumeRole, switch role) or a federated entry (SAML/OIDC) into a role. */
      kind: 'role-session' | 'federated';
      role: { accountId: string; id: string; maxSessionSeconds: number };
      /** SRN of whoever assumed the role: a user or role session, or the credential provider. */
      source: string;
      sessionName: string;
      /** The caller was itself a role session (ROLE-6). */
      chained: boolean;
      /** Session tags (`scp:PrincipalTag/{key}`), already validated (src/roles). */
      tags?: Readonly<Record<string, string>>;
      /** `scp:SourceIdentity`, carried unchanged through a chain. */
      sourceIdentity?: string;
      /** The session policy as validated JSON text (≤ 2 KiB): kept in the record, applied to every decision. */
      policy?: string;
    };

export interface StartSession {
  subject: SessionSubject;
  /** The second factor was passed for this session. */
  mfa: boolean;
  /** Authentication methods (TOK-2 `amr`); default `pwd` (+ `mfa`). */
  amr?: readonly string[];
  auth?: AuthMethod;
  origin: { sourceIp: string; userAgent?: string | undefined };
  /** `cookie`: a browser console session; `tokens`: an API session with access + refresh token. */
  deliver: 'cookie' | 'tokens';
  /** Role sessions: the requested lifetime; absent means the role's maximum (ROLE-4). */
  durationSeconds?: number;
  /**
   * Console switch role (ROLE-3): the console session this one is switched from. Its id is kept in the
   * record (PARENT_SESSION_KEY: switch back resumes it, and its end ends this one), and this session ends
   * no later than it does.
   */
  parent?: { sessionId: string; absoluteExpiresAtMs: number };
}

export interface StartedSession {
  session: Session;
  /** The console session's CSRF token (`cookie` delivery); null for tokens. */
  csrfToken: string | null;
  /** Access + refresh token (`tokens` delivery); null for a cookie. */
  tokens: TokenResponse | null;
}

export interface SessionIssuerDeps {
  sessions: Pick<SessionStore, 'create' | 'end' | 'markRevoked'>;
  store: Pick<Store, 'users' | 'groups' | 'roles'>;
  tokens: { issueForSession(sessionId: string, options: { withRefresh: boolean }): Promise<TokenResponse> };
  ids: Ids;
  clock: Clock;
  /** User sessions (LOGIN-6): the configured absolute and idle timeouts. */
  lifetimes: { absoluteTtlSeconds: number; idleTtlSeconds: number };
}

const USER_AGENT_MAX = 200;

export class SessionIssuer {
  constructor(private readonly deps: SessionIssuerDeps) {}

  async start(input: StartSession): Promise<StartedSession> {
    const described = await this.describe(input.subject, input.durationSeconds);
    const { principal, data } = described;
    const { parent } = input;
    const absoluteTtlMs =
      parent === undefined
        ? described.absoluteTtlMs
        : Math.min(described.absoluteTtlMs, parent.absoluteExpiresAtMs - this.deps.clock.now());
    if (absoluteTtlMs <= 0) throw appError('UNAUTHENTICATED');
    const consoleSession = input.deliver === 'cookie';
    const csrf = consoleSession ? this.deps.ids.token(32) : null;
    const amr = input.amr ?? (input.mfa ? ['pwd', 'mfa'] : ['pwd']);
    const idleTtlMs = Math.min(absoluteTtlMs, this.deps.lifetimes.idleTtlSeconds * 1000);
    const session = await this.deps.sessions.create({
      principal,
      data: {
        ...data,
        kind: consoleSession ? SESSION_KINDS.console : SESSION_KINDS.api,
        ...(csrf === null ? {} : { csrf }),
        ...(parent === undefined ? {} : { [PARENT_SESSION_KEY]: parent.sessionId }),
        // auth/mfa/amr are the keys the token capability reads for TOK-2 claims (src/tokens/subject.ts).
        auth: input.auth ?? 'console',
        mfa: input.mfa,
        amr: amr.join(','),
        ip: input.origin.sourceIp,
        ua: (input.origin.userAgent ?? '').slice(0, USER_AGENT_MAX),
      },
      absoluteTtlMs,
      idleTtlMs: consoleSession ? idleTtlMs : absoluteTtlMs,
    });
    const tokens = consoleSession ? null : await this.deps.tokens.issueForSession(session.id, { withRefresh: true });
    return { session, csrfToken: csrf, tokens };
  }

  /**
   * Ends a session and everything issued for it (logout after PWD-11 failures, the old session of a
   * switch). True for exactly one of two racing callers: the session store's `end` is atomic.
   */
  async end(sessionId: string): Promise<boolean> {
    const ended = await this.deps.sessions.end(sessionId);
    await this.deps.sessions.markRevoked([revocationKeys.session(sessionId)], this.deps.clock.now());
    return ended;
  }

  private async describe(
    subject: SessionSubject,
    durationSeconds: number | undefined,
  ): Promise<{
    principal: { accountId: string; userId: string; type: PrincipalType; srn: string };
    data: SessionData;
    absoluteTtlMs: number;
  }> {
    if (subject.kind === 'user') {
      const { user } = subject;
      const type = user.kind === 'root' ? 'root' : 'user';
      // The groups the session starts with (ENT-5 checks them); an inactive user gets no session at all.
      const applicable = await applicablePolicies(
        this.deps.store,
        { type, accountId: user.accountId, userId: user.id },
        'every-project',
      );
      if (typeof applicable === 'string') throw appError('UNAUTHENTICATED');
      return {
        principal: { accountId: user.accountId, userId: user.id, type, srn: iamSrn(user.accountId, 'user', user.id) },
        data: { userName: user.name, groups: JSON.stringify(applicable.groupIds) },
        absoluteTtlMs: this.deps.lifetimes.absoluteTtlSeconds * 1000,
      };
    }
    const { role } = subject;
    const seconds = this.roleSessionSeconds(subject, durationSeconds);
    const found = await this.deps.store.roles.get(role.accountId, role.id);
    if (found === null) throw appError('NOT_FOUND', { kind: 'role', id: role.id });
    const roleSessionId = this.deps.ids.uuid().replaceAll('-', '');
    return {
      principal: {
        accountId: role.accountId,
        userId: roleSessionId,
        type: subject.kind,
        srn: iamSrn(role.accountId, 'role-session', roleSessionId),
      },
      data: {
        role: iamSrn(role.accountId, 'role', role.id),
        source: subject.source,
        sessionName: subject.sessionName,
        userName: subject.sessionName,
        groups: '[]',
        ...roleSessionData(subject),
      },
      absoluteTtlMs: seconds * 1000,
    };
  }

  /** ROLE-3/4/6: no duration → the role's maximum (an hour when chained); out of range → refused, never clamped. */
  private roleSessionSeconds(
    subject: Extract<SessionSubject, { role: unknown }>,
    requested: number | undefined,
  ): number {
    const max = subject.chained
      ? Math.min(CHAINED_SESSION_MAX_SECONDS, subject.role.maxSessionSeconds)
      : subject.role.maxSessionSeconds;
    if (requested === undefined) return max;
    if (!Number.isInteger(requested) || requested < ROLE_SESSION_MIN_SECONDS || requested > max) {
      throw appError('SESSION_DURATION_OUT_OF_RANGE', {
        requested,
        min: ROLE_SESSION_MIN_SECONDS,
        max,
        chained: subject.chained,
      });
    }
    return requested;
  }
}
