import { sign } from 'node:crypto';
import type { SigningKey } from './key-ring.js';

/**
 * Compact JWS by hand with the synchronous `crypto.sign`: jose's SignJWT goes through WebCrypto (a
 * threadpool job per signature), which cost ~3× the CPU of the token issue path it sat on
 * (bench/tokens.ts). Verification is hand-made the same way (jws.ts).
 */
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(header: Record<string, unknown>, claims: object, key: SigningKey): string {
  const input = `${b64({ ...header, alg: key.alg, kid: key.kid })}.${b64(claims)}`;
  // ES256 signatures are the raw r‖s pair in JWS (RFC 7518 §3.4), not DER; Ed25519 takes no digest.
  const signature = key.alg === 'ES256' ? sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }) : sign(null, Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}
