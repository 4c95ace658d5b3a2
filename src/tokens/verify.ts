import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { AppError, type ErrorCode } from '../errors.js';
import { policyEpochKeyOf } from '../authz/epochs.js';
import { accessTokenClaimsSchema, principalFromClaims, type AccessTokenClaims } from './claims.js';
import { jsonObject, parseCompact, signatureValid } from './jws.js';
import type { KeyRing } from './key-ring.js';
import type { SigningAlgorithm } from '../store/signing-keys.js';
import { Lru } from '../cache/lru.js';
import type { TokenSecrets } from './secrets.js';

/**
 * Signature and claim checks of access tokens (TOK-3), each refusal with its own code. The header is
 * judged before any key is touched: only the configured algorithm is accepted (so `none`, HMAC with a
 * public key as secret and RS256 never reach a verifier), and the kid must name a published key whose
 * algorithm is that same one. Then the signature (jws.ts, `crypto.verify` on the threadpool), then `typ`, iss, aud, exp and
 * nbf with the configured skew against the injected clock — the checks and codes jose's `jwtVerify` had.
 *
 * Verified tokens are kept in a bounded LRU keyed by the token itself until `exp`, so a token seen again
 * skips the signature (DESIGN §5). The key is the whole token, not its SHA-256: a Map compares keys in
 * full, so no collision can ever return another token's claims, and the hash cost ~7.5 µs per request in
 * the server (6% of a cached `/v1/authorize`, docs/performance.md) where V8's string hash costs ~0.5 µs.
 * Holding up to `cacheSize` raw tokens adds nothing a heap reader lacks: the signing keys live in the
 * same heap. The cache answers "is this signature and claim set valid" only: session liveness and
 * revocation are checked by the caller on every request.
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
  /** The whole token, compared in full on every hit: the map key is only its tail. */
  raw: string;
  token: VerifiedToken;
  /** Usable until here (exp + skew). */
  untilMs: number;
}

const refuse = (code: ErrorCode): AppError => new AppError(code);

/**
 * The verified-token cache's key: the token's last 32 characters (192 bits of its signature), not the
 * whole ~600-character token. The token arrives as a new string on every request, and V8 hashes a Map key
 * over all its characters: that hash was the largest single cost of a cached bearer check. The entry keeps
 * the whole token and a hit must equal it, so another token with the same tail (forged or not) is a miss
 * and goes through full verification; a valid one then takes the slot.
 */
const CACHE_KEY_CHARS = 32;
const cacheKeyOf = (token: string): string => (token.length > CACHE_KEY_CHARS ? token.slice(-CACHE_KEY_CHARS) : token);

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
    const key = cacheKeyOf(token);
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.raw === token) {
      if (this.clock.now() < hit.untilMs) return hit.token;
      this.cache.delete(key); // expired: fall through so the refusal carries TOKEN_EXPIRED
    }
    const verified = await this.verifyUncached(token);
    this.cache.set(key, { raw: token, token: verified, untilMs: verified.claims.exp * 1000 + this.skewMs });
    return verified;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const jws = parseCompact(token);
    const { header } = jws;
    if (header.alg !== this.options.algorithm) throw refuse('TOKEN_ALG_NOT_ALLOWED');
    if (typeof header.kid !== 'string') throw refuse('TOKEN_UNKNOWN_KID');
    const key = await this.keys.verificationKey(header.kid);
    if (!key) throw refuse('TOKEN_UNKNOWN_KID');
    if (key.alg !== header.alg) throw refuse('TOKEN_ALG_NOT_ALLOWED');
    if (!(await signatureValid(jws, key.alg, key.key))) throw refuse('TOKEN_SIGNATURE_INVALID');

    const payload = jsonObject(jws.payload);
    if (payload === null) throw refuse('TOKEN_MALFORMED');
    this.checkClaims(header, payload);
    const parsed = accessTokenClaimsSchema.safeParse(payload);
    if (!parsed.success) throw refuse('TOKEN_CLAIMS_INVALID');
    const sessionId = this.secrets.sessionIdOf(parsed.data.sid);
    const principal = sessionId === null ? null : principalFromClaims(parsed.data, sessionId);
    if (sessionId === null || principal === null) throw refuse('TOKEN_CLAIMS_INVALID');
    return { claims: parsed.data, principal, sessionId, epochKey: policyEpochKeyOf(principal) };
  }

  /**
   * The registered-claim checks in jose's order and with the codes they had: `typ`, presence (a missing
   * iss/aud counts as a mismatch, a missing nbf as not yet valid), iss, aud, then the times in whole
   * seconds of the injected clock with the skew on both sides.
   */
  private checkClaims(header: Record<string, unknown>, c: Record<string, unknown>): void {
    const { issuer, audience, clockSkewSeconds: skew } = this.options;
    if (typeof header.typ !== 'string' || mediaType(header.typ) !== mediaType(ACCESS_TOKEN_TYPE))
      throw refuse('TOKEN_CLAIMS_INVALID');
    for (const claim of REQUIRED)
      if (!Object.hasOwn(c, claim)) throw refuse(CLAIM_CODE[claim] ?? 'TOKEN_CLAIMS_INVALID');
    if (c.iss !== issuer) throw refuse('TOKEN_ISSUER_MISMATCH');
    if (!(c.aud === audience || (Array.isArray(c.aud) && c.aud.includes(audience))))
      throw refuse('TOKEN_AUDIENCE_MISMATCH');
    const now = Math.floor(this.clock.now() / 1000);
    if (typeof c.iat !== 'number') throw refuse('TOKEN_CLAIMS_INVALID');
    if (typeof c.nbf !== 'number' || c.nbf > now + skew) throw refuse('TOKEN_NOT_YET_VALID');
    if (typeof c.exp !== 'number') throw refuse('TOKEN_CLAIMS_INVALID');
    if (c.exp <= now - skew) throw refuse('TOKEN_EXPIRED');
  }
}

/** RFC 7515 §4.1.9: case-insensitive, `application/` may be omitted. */
const mediaType = (typ: string): string => (typ.includes('/') ? typ.toLowerCase() : `application/${typ.toLowerCase()}`);
const REQUIRED = ['iss', 'aud', 'sub', 'jti', 'exp', 'nbf', 'iat'] as const;
const CLAIM_CODE: Partial<Record<string, ErrorCode>> = {
  iss: 'TOKEN_ISSUER_MISMATCH',
  aud: 'TOKEN_AUDIENCE_MISMATCH',
  nbf: 'TOKEN_NOT_YET_VALID',
};
