import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Recovery codes (LOGIN-4): 10 single-use codes of 16 Crockford-base32 characters (80 random bits), shown
 * once as `xxxx-xxxx-xxxx-xxxx`. Stored as SHA-256 of the normalised code bound to the user id. A fast
 * hash is enough here, unlike for passwords: 80 bits of entropy cannot be brute-forced from a leaked hash,
 * and argon2 would cost ten hash verifications per login attempt (docs/decisions.md).
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford: no i, l, o, u
const LENGTH = 16;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(LENGTH);
    const chars = Array.from(bytes, (b) => ALPHABET[b & 31]).join(''); // 256 is a multiple of 32: no bias
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Case, dashes and spaces do not matter; Crockford's look-alikes are read as the digit they resemble. */
export function normaliseRecoveryCode(input: string): string | null {
  const s = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return s.length === LENGTH && [...s].every((c) => ALPHABET.includes(c)) ? s : null;
}

export function hashRecoveryCode(normalised: string, userId: string): string {
  return createHash('sha256').update(`${userId}:${normalised}`).digest('base64url');
}

/** Index of the matching stored hash, comparing every entry in constant time; -1 when none matches. */
export function findRecoveryCode(hashes: readonly string[], candidate: string): number {
  const c = Buffer.from(candidate);
  let found = -1;
  hashes.forEach((h, i) => {
    const b = Buffer.from(h);
    if (b.length === c.length && timingSafeEqual(b, c) && found < 0) found = i;
  });
  return found;
}
