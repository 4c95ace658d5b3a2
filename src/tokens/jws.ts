import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { AppError } from '../errors.js';
import type { SigningAlgorithm } from '../store/signing-keys.js';

/**
 * Strict compact-JWS parsing and signature check on `crypto.verify` (TOK-3). jose's verify goes through
 * WebCrypto, about 2× the CPU of the raw operation (bench/tokens.ts), and it was the largest item of an
 * uncached `/v1/authorize`. The check runs on libuv's threadpool (the callback form of `crypto.verify`):
 * the event loop keeps parsing and answering other requests meanwhile, and on 2 cores the curve maths of
 * concurrent requests runs beside it instead of in line. Only what the gateway signs is accepted: three base64url segments
 * (canonical, unpadded), a JSON-object header naming exactly the configured algorithm, a 64-byte signature
 * (ES256 r‖s per RFC 7518 §3.4 — DER is refused — or Ed25519). No `crit` extension is understood, so a
 * header carrying one is refused (RFC 7515 §4.1.11); `jku`/`jwk`/`x5u`/`x5c` are never read: the key comes
 * only from our key ring, by `kid`.
 */
export interface CompactJws {
  header: Readonly<Record<string, unknown>>;
  /** The payload bytes, decoded later: only after the signature holds (as jose did). */
  payload: Buffer;
  signingInput: Buffer;
  signature: Buffer;
  /** False when the signature's spelling has non-zero spare bits: it then never verifies. */
  signatureCanonical: boolean;
}

const refuse = (code: 'TOKEN_MALFORMED' | 'TOKEN_SIGNATURE_INVALID'): AppError => new AppError(code);
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const SIGNATURE_BYTES = 64; // ES256 r‖s (2 × 32) and Ed25519 alike
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Base64url only: the alphabet, no padding, a possible length. */
function decode(text: string): Buffer {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw refuse('TOKEN_MALFORMED');
  return Buffer.from(text, 'base64url');
}

/** Header and payload must also be canonical (no non-zero spare bits): one token, one spelling. */
function canonical(text: string): Buffer {
  const bytes = decode(text);
  if (text === '' || bytes.toString('base64url') !== text) throw refuse('TOKEN_MALFORMED');
  return bytes;
}

/** A JSON object (not an array, null or a primitive) from strict UTF-8, or null. */
export function jsonObject(bytes: Buffer): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

/**
 * Headers seen before, by their exact text: every token of one key has the same header, so its decoding,
 * canonical check and JSON parse are done once. Only headers that passed those checks are kept (frozen:
 * callers share them); a bound keeps junk from growing it.
 */
const headers = new Map<string, Readonly<Record<string, unknown>>>();
const HEADERS_KEPT = 64;

function parseHeader(h: string): Readonly<Record<string, unknown>> {
  const known = headers.get(h);
  if (known !== undefined) return known;
  const header = jsonObject(canonical(h));
  if (header === null) throw refuse('TOKEN_MALFORMED');
  if (header.crit !== undefined) throw refuse('TOKEN_MALFORMED');
  if (headers.size >= HEADERS_KEPT) headers.clear();
  headers.set(h, Object.freeze(header));
  return header;
}

export function parseCompact(token: string): CompactJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw refuse('TOKEN_MALFORMED'); // a JWE (5), a detached or nested JWS
  const [h = '', p = '', s = ''] = parts;
  const header = parseHeader(h);
  const payload = canonical(p);
  // An empty signature is syntactically fine (`alg: none` tokens have one): the alg check refuses those.
  // A mis-spelled one (spare bits set, e.g. a character appended) is a bad signature, judged after alg/kid.
  const signature = decode(s);
  return {
    header,
    payload,
    signingInput: Buffer.from(`${h}.${p}`, 'ascii'),
    signature,
    signatureCanonical: signature.toString('base64url') === s,
  };
}

/** True only for a valid signature of exactly the expected shape; never rejects on attacker input. */
export function signatureValid(jws: CompactJws, alg: SigningAlgorithm, key: KeyObject): Promise<boolean> {
  if (jws.signature.length !== SIGNATURE_BYTES || !jws.signatureCanonical) return Promise.resolve(false);
  return new Promise((resolve) => {
    // An error (e.g. a key of another type) is a refusal, not a 500.
    const done = (err: Error | null, valid: boolean): void => resolve(err === null && valid === true);
    try {
      if (alg === 'ES256')
        cryptoVerify('sha256', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature, done);
      else cryptoVerify(null, jws.signingInput, key, jws.signature, done);
    } catch {
      resolve(false); // argument errors are thrown synchronously even in the callback form
    }
  });
}
