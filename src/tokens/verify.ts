import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { AppError, type ErrorCode } from '../errors.js';
import { policyEpochKeyOf } from '../iam/policy-epochs.js';
import { accessTokenClaimsSchema, principalFromClaims, type AccessTokenClaims } from './claims.js';
import type { KeyRing } from './key-ring.js';
import type { SigningAlgorithm } from './key-store.js';
import { Lru } from './lru.js';
import type { TokenSecrets } from './secrets.js';

/**
 * Signature and claim checks of access tokens (TOK-3), each refusal with its own code. The header is
 * judged before any key is touched: only the configured algorithm is accepted (so `none`, HMAC with a
 * public key as secret and RS256 never reach a verifier), and the kid must name a published key whose
 * algorithm is that same one. jose then checks signature, `typ`, iss, aud, exp and nbf with the
 * configured skew against the injected clock.
 *
 * Verified tokens are kept in a bounded LRU keyed by the token's SHA-256 until `exp`, so a token seen
 * again skips the signature (DESIGN §5). The cache answers "is this signature and claim set valid"
 * only: session liveness and revocation are checked by the caller on every request.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface VerifierOptions {
  algorithm: SigningAlgorithm;
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
  /** Verified-token cache entries (default 10,000). */
  cacheSize?: number;
}

export interface VerifiedToken {
  claims: AccessTokenClaims;
  principal: Principal;
  /** The raw session id (decrypted `sid`). */
  sessionId: string;
  /** The IAM epoch key of the principal's policies (`policyEpochKeyOf`), read with the session check. */
  epochKey: string | null;
}

interface CacheEntry {
  token: VerifiedToken;
  /** Usable until here (exp + skew). */
  untilMs: number;
}

const refuse = (code: ErrorCode): AppError => new AppError(code);

export class TokenVerifier {
  private readonly cache: Lru<string, CacheEntry>;
  private readonly skewMs: number;

  constructor(
    private readonly keys: KeyRing,
    private readonly secrets: TokenSecrets,
    private readonly clock: Clock,
    private readonly options: VerifierOptions,
  ) {
    this.cache = new Lru(options.cacheSize ?? 10_000);
    this.skewMs = options.clockSkewSeconds * 1000;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const hit = this.cache.get(cacheKey);
    if (hit) {
      if (this.clock.now() < hit.untilMs) return hit.token;
      this.cache.delete(cacheKey); // expired: fall through so the refusal carries TOKEN_EXPIRED
    }
    const verified = await this.verifyUncached(token);
    this.cache.set(cacheKey, { token: verified, untilMs: verified.claims.exp * 1000 + this.skewMs });
    return verified;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw refuse('TOKEN_MALFORMED');
    }
    if (token.split('.').length !== 3) throw refuse('TOKEN_MALFORMED'); // a JWE or a detached JWS
    if (header.alg !== this.options.algorithm) throw refuse('TOKEN_ALG_NOT_ALLOWED');
    if (typeof header.kid !== 'string') throw refuse('TOKEN_UNKNOWN_KID');
    const key = await this.keys.verificationKey(header.kid);
    if (!key) throw refuse('TOKEN_UNKNOWN_KID');
    if (key.alg !== header.alg) throw refuse('TOKEN_ALG_NOT_ALLOWED');

    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key.key, {
        algorithms: [this.options.algorithm],
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: this.options.clockSkewSeconds,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['iat', 'nbf', 'exp', 'jti', 'sub'],
      }));
    } catch (err) {
      throw refuse(codeOf(err));
    }
    const parsed = accessTokenClaimsSchema.safeParse(payload);
    if (!parsed.success) throw refuse('TOKEN_CLAIMS_INVALID');
    const sessionId = this.secrets.sessionIdOf(parsed.data.sid);
    const principal = sessionId === null ? null : principalFromClaims(parsed.data, sessionId);
    if (sessionId === null || principal === null) throw refuse('TOKEN_CLAIMS_INVALID');
    return { claims: parsed.data, principal, sessionId, epochKey: policyEpochKeyOf(principal) };
  }
}

function codeOf(err: unknown): ErrorCode {
  if (err instanceof errors.JWTExpired) return 'TOKEN_EXPIRED';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'TOKEN_NOT_YET_VALID';
    if (err.claim === 'iss') return 'TOKEN_ISSUER_MISMATCH';
    if (err.claim === 'aud') return 'TOKEN_AUDIENCE_MISMATCH';
    return 'TOKEN_CLAIMS_INVALID';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'TOKEN_SIGNATURE_INVALID';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'TOKEN_ALG_NOT_ALLOWED';
  if (err instanceof errors.JOSEError) return 'TOKEN_MALFORMED';
  throw err; // not a verdict on the token: a bug or an outage, reported as such
}
