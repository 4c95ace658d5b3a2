import { sign } from 'node:crypto';
import type { SigningKey } from './key-ring.js';

/**
 * Compact JWS by hand with `crypto.sign`: jose's SignJWT goes through WebCrypto, which cost ~3× the CPU of
 * the token issue path it sat on (bench/tokens.ts). The signature itself runs on libuv's threadpool (the
 * callback form), so concurrent issues sign beside the event loop instead of in line with it, as
 * verification does (jws.ts).
 */
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(header: Record<string, unknown>, claims: object, key: SigningKey): Promise<string> {
  const input = `${b64({ ...header, alg: key.alg, kid: key.kid })}.${b64(claims)}`;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, signature: Buffer): void =>
      err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`);
    // ES256 signatures are the raw r‖s pair in JWS (RFC 7518 §3.4), not DER; Ed25519 takes no digest.
    if (key.alg === 'ES256')
      sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, done);
    else sign(null, Buffer.from(input), key.privateKey, done);
  });
}
