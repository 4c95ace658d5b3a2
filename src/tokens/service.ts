import type { Principal } from '../auth/principal.js';
import type { Clock, Ids } from '../clock.js';
import { AppError, isAppError } from '../errors.js';
import { policyEpochKeyOf } from '../authz/epochs.js';
import { credentialRevocationKeys, sessionRevocationKeys } from '../authz/revocation.js';
import { isCredentialSession } from '../sessions/kinds.js';
import type { Session, SessionStore } from '../sessions/ports.js';
import type { AccessTokenClaims } from './claims.js';
import type { KeyRing } from './key-ring.js';
import { decodeHandle, encodeHandle, handleUseKey, type RefreshHandle } from './refresh-handle.js';
import type { TokenSecrets } from './secrets.js';
import { signJwt } from './sign.js';
import { resolveSubject, type SubjectStore } from './subject.js';
import { SubjectCache } from './subject-cache.js';
import { ACCESS_TOKEN_TYPE, type TokenVerifier, type VerifiedToken } from './verify.js';

/**
 * Issue, refresh, authenticate and introspect (TOK-2, TOK-4). Every token is bound to a server-side
 * session: a token is refused once its session has ended, or when a revocation marker of its user, any
 * of its groups or its session is later than its `iat` (ENT-5) — checked on every request with one
 * SessionStore round trip (`inspect`), whatever the verified-token cache says.
 */
export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface TokenServiceDeps {
  settings: TokenSettings;
  clock: Clock;
  ids: Ids;
  sessions: SessionStore;
  store: SubjectStore;
  keys: KeyRing;
  secrets: TokenSecrets;
  verifier: TokenVerifier;
}

/** RFC 6749 §5.1 response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  refresh_expires_in?: number;
}

/** RFC 7662 §2.2: `{ active: false }` says nothing more about why. */
export type Introspection = { active: false } | ({ active: true; token_type: 'Bearer' } & AccessTokenClaims);

/** A session fit to mint from, with its IAM epoch as read in the same round trip as its markers. */
interface Minting {
  session: Session;
  epoch: string | undefined;
}

export class TokenService {
  private readonly subjects: SubjectCache;
  private readonly questions = new WeakMap<
    VerifiedToken,
    { markers: readonly string[]; epochKeys: readonly string[] }
  >();

  constructor(private readonly deps: TokenServiceDeps) {
    this.subjects = new SubjectCache(deps.clock);
  }

  /**
   * A token for a live session; `withRefresh` also starts a refresh chain. Only the session issuer asks
   * for one (API sessions, src/issuer); a console cookie never yields a refresh token (sessions/kinds.ts).
   */
  async issueForSession(sessionId: string, options: { withRefresh?: boolean } = {}): Promise<TokenResponse> {
    const minting = await this.liveSession(sessionId);
    const chain = options.withRefresh ? this.deps.ids.token(16) : null;
    return this.issue(
      minting,
      chain === null
        ? null
        : { sid: this.deps.secrets.sidClaim(minting.session.id), chain, generation: 0, issuedAtMs: 0 },
    );
  }

  /** `grant_type=refresh_token`: rotates the handle; a second use of any handle ends the session. */
  async refresh(handleText: string): Promise<TokenResponse> {
    const { secrets, sessions, clock, settings } = this.deps;
    const handle = decodeHandle(secrets, handleText);
    const sessionId = handle === null ? null : secrets.sessionIdOf(handle.sid);
    if (handle === null || sessionId === null) throw new AppError('REFRESH_TOKEN_INVALID');
    if (clock.now() >= handle.issuedAtMs + settings.refreshTtlSeconds * 1000)
      throw new AppError('REFRESH_TOKEN_EXPIRED');
    // The replay marker and the session read leave together (one auto-pipelined write, one round trip).
    // Reading (touching) a session that a reuse is about to end is harmless.
    const [firstUse, session] = await Promise.all([
      sessions.setIfAbsent(handleUseKey(handle), settings.refreshTtlSeconds * 1000),
      sessions.get(sessionId),
    ]);
    if (!firstUse) {
      await sessions.end(sessionId);
      throw new AppError('REFRESH_TOKEN_REUSED');
    }
    return this.issue(await this.notRevoked(session), { ...handle, generation: handle.generation + 1 });
  }

  /** The caller a bearer token speaks for, or a refusal with a stable code (TOK-3, TOK-4). */
  async authenticate(token: string): Promise<Principal> {
    return (await this.check(token)).principal;
  }

  /**
   * `authenticate`, plus the principal's IAM epoch read in the same round trip (`''` when never bumped;
   * undefined when none applies), for `AuthorizeContext.policyEpoch`.
   */
  async authenticateWithEpoch(token: string): Promise<{ principal: Principal; policyEpoch: string | undefined }> {
    const { principal, policyEpoch } = await this.check(token);
    return { principal, policyEpoch };
  }

  async introspect(token: string): Promise<Introspection> {
    try {
      const { claims } = await this.check(token);
      return { active: true, token_type: 'Bearer', ...claims };
    } catch (err) {
      // A store outage is not a verdict on the token: it stays a 503 (fail closed), never `active: false`.
      if (isAppError(err) && err.status === 401) return { active: false };
      throw err;
    }
  }

  private async check(
    token: string,
  ): Promise<{ principal: Principal; claims: AccessTokenClaims; policyEpoch: string | undefined }> {
    const verified = await this.deps.verifier.verify(token);
    const { principal, claims, sessionId, epochKey } = verified;
    const { markers, epochKeys } = this.questionOf(verified);
    const { live, revoked, epochs } = await this.deps.sessions.inspect(sessionId, markers, epochKeys);
    if (!live) throw new AppError('TOKEN_SESSION_ENDED');
    for (const at of revoked.values()) if (at > principal.issuedAtMs) throw new AppError('TOKEN_REVOKED');
    return { principal, claims, policyEpoch: epochKey === null ? undefined : (epochs.get(epochKey) ?? '') };
  }

  /**
   * The revocation markers and epoch keys a token's check asks about: fixed by its claims, so built once per
   * verified token (the verifier's cache hands back the same object) and passed as the same arrays.
   */
  private questionOf(verified: VerifiedToken): { markers: readonly string[]; epochKeys: readonly string[] } {
    let q = this.questions.get(verified);
    if (q === undefined) {
      const { principal, sessionId, epochKey } = verified;
      q = {
        markers: credentialRevocationKeys(principal, sessionId),
        epochKeys: epochKey === null ? [] : [epochKey],
      };
      this.questions.set(verified, q);
    }
    return q;
  }

  /** The session, touched (token issue is activity), unless ended or revoked since it began. */
  private async liveSession(sessionId: string): Promise<Minting> {
    return this.notRevoked(await this.deps.sessions.get(sessionId));
  }

  private async notRevoked(session: Session | null): Promise<Minting> {
    const { sessions } = this.deps;
    // Only a credential session mints or refreshes tokens: a pending-login record (password passed, MFA not
    // yet) lives in the same store and must never become a credential, even if its id leaked.
    if (!session || !isCredentialSession(session)) throw new AppError('TOKEN_SESSION_ENDED');
    const { principal: p } = session;
    const role = session.data.role;
    const epochKey = policyEpochKeyOf({
      type: p.type,
      accountId: p.accountId,
      ...(typeof role === 'string' ? { role } : {}),
    });
    // `inspect` answers the markers as `revokedAfter` would, plus the IAM epoch for the subject cache.
    const revocation = {
      userId: p.userId,
      role: typeof role === 'string' ? role : undefined,
      source: typeof session.data.source === 'string' ? session.data.source : undefined,
    };
    const { revoked, epochs } = await sessions.inspect(
      session.id,
      sessionRevocationKeys(revocation, session.id),
      epochKey === null ? [] : [epochKey],
    );
    // Group markers revoke the tokens that carry the group, not the session: the next token is built from
    // the memberships of now, so it simply lacks the group (docs/decisions.md, Tokens).
    for (const at of revoked.values()) if (at > session.createdAtMs) throw new AppError('TOKEN_REVOKED');
    return { session, epoch: epochKey === null ? undefined : `${epochKey}\u0000${epochs.get(epochKey) ?? ''}` };
  }

  private async issue({ session, epoch }: Minting, next: RefreshHandle | null): Promise<TokenResponse> {
    const { clock, ids, keys, secrets, settings, store } = this.deps;
    const [subject, key] = await Promise.all([
      resolveSubject(store, session, this.subjects.under(epoch)),
      keys.signingKey(),
    ]);
    const now = clock.now();
    const expMs = Math.min(now + settings.accessTtlSeconds * 1000, session.absoluteExpiresAtMs);
    const { userId: _userId, ...claimsOfSubject } = subject;
    const claims: AccessTokenClaims = {
      iss: settings.issuer,
      aud: settings.audience,
      iat: now / 1000,
      nbf: Math.floor(now / 1000),
      exp: Math.floor(expMs / 1000),
      jti: ids.uuid(),
      sid: secrets.sidClaim(session.id),
      ...claimsOfSubject,
    };
    const accessToken = await signJwt({ typ: ACCESS_TOKEN_TYPE }, claims, key);
    const response: TokenResponse = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(0, claims.exp - Math.floor(now / 1000)),
    };
    if (next === null) return response;
    const refreshUntil = Math.min(now + settings.refreshTtlSeconds * 1000, session.absoluteExpiresAtMs);
    return {
      ...response,
      refresh_token: encodeHandle(secrets, { ...next, issuedAtMs: now }),
      refresh_expires_in: Math.floor((refreshUntil - now) / 1000),
    };
  }
}
