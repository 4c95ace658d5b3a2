/**
 * Signed session tokens (SPEC §8, TOK-1..4; DESIGN §5 budgets).
 *
 *   login / API session ──issueForSession──▶ access token (JWT, TOK-2 claims) [+ refresh handle]
 *   refresh handle ──refresh──▶ new access token + rotated handle (reuse ends the session)
 *   bearer token ──authenticate──▶ verify (LRU of verified tokens) ─▶ session live + revocation markers
 *                                   (one SessionStore round trip) ─▶ Principal
 *   KeyRing: one ES256/EdDSA key per rotation slot, sealed at rest, published until its tokens expire
 *
 * No Koa here: src/http/routes/{tokens,well-known,authorize}.ts translate HTTP to these calls.
 */
import type { Clock, Ids } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Sealer } from '../crypto/index.js';
import type { SessionStore } from '../sessions/ports.js';
import { KeyRing } from './key-ring.js';
import type { SigningKeyStore } from '../store/signing-keys.js';
import { TokenSecrets } from './secrets.js';
import { TokenService } from './service.js';
import type { SubjectStore } from './subject.js';
import { TokenVerifier } from './verify.js';

export type { AccessTokenClaims } from './claims.js';
export type { SigningKeyStore, StoredSigningKey, SigningAlgorithm } from '../store/signing-keys.js';
export type { Introspection, TokenResponse } from './service.js';
export { KeyRing } from './key-ring.js';
export { TokenSecrets } from './secrets.js';
export { resealSigningKeys } from './reseal.js';
export { TokenService } from './service.js';
export { TokenVerifier, ACCESS_TOKEN_TYPE } from './verify.js';

export interface Tokens {
  service: TokenService;
  keys: KeyRing;
  verifier: TokenVerifier;
  signingKeys: SigningKeyStore;
  discovery(): Record<string, unknown>;
}

export interface TokensDeps {
  clock: Clock;
  ids: Ids;
  sessions: SessionStore;
  store: SubjectStore;
  /** The composition root's `createSigningKeyStore(config)` unless a test shares one between gateways. */
  signingKeys: SigningKeyStore;
  /** The gateway's one sealer (src/crypto): signing keys at rest, and the subkeys of `sid` and refresh handles. */
  sealer: Sealer;
}

export function createTokens(config: Pick<Config, 'tokens' | 'http' | 'store'>, deps: TokensDeps): Tokens {
  const t = config.tokens;
  const issuer = config.http.publicUrl.replace(/\/+$/, '');
  const secrets = new TokenSecrets(deps.sealer);
  const signingKeys = deps.signingKeys;
  const keys = new KeyRing({
    store: signingKeys,
    secrets,
    clock: deps.clock,
    algorithm: t.algorithm,
    rotationMs: t.rotationSeconds * 1000,
    publishMarginMs: (t.accessTtlSeconds + t.clockSkewSeconds) * 1000,
  });
  const verifier = new TokenVerifier(keys, secrets, deps.clock, {
    algorithm: t.algorithm,
    issuer,
    audience: t.audience,
    clockSkewSeconds: t.clockSkewSeconds,
  });
  const service = new TokenService({
    settings: {
      issuer,
      audience: t.audience,
      accessTtlSeconds: t.accessTtlSeconds,
      refreshTtlSeconds: t.refreshTtlSeconds,
    },
    clock: deps.clock,
    ids: deps.ids,
    sessions: deps.sessions,
    store: deps.store,
    keys,
    secrets,
    verifier,
  });
  return { service, keys, verifier, signingKeys, discovery: () => discoveryDocument(issuer, t.algorithm) };
}

/**
 * OIDC-style discovery (TOK-1). The gateway is not an OpenID Provider (no authorization endpoint, no ID
 * tokens): the document lists what exists, which is what JWKS-fetching libraries read.
 */
function discoveryDocument(issuer: string, algorithm: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    token_endpoint: `${issuer}/v1/token`,
    introspection_endpoint: `${issuer}/v1/introspect`,
    grant_types_supported: ['refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    introspection_endpoint_auth_methods_supported: ['bearer'],
    access_token_signing_alg_values_supported: [algorithm],
    claims_supported: [
      'iss',
      'sub',
      'aud',
      'iat',
      'nbf',
      'exp',
      'jti',
      'sid',
      'acct',
      'ptype',
      'auth',
      'mfa',
      'amr',
      'groups',
      'role',
      'source',
      'sessionName',
      'pver',
    ],
  };
}
