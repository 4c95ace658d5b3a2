import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts TOTP secrets at rest (LOGIN-4): AES-256-GCM under a key derived with HKDF-SHA256 from
 * `tokens.keyEncryptionKey`, with its own `info` label so the same KEK never keys two purposes. With no KEK
 * (development and test only; production config refuses an empty one) the key is random per process: secrets
 * stored by an earlier process can then no longer be read, and those users must enrol again. The user id is
 * bound in as associated data, so a ciphertext copied onto another user's record does not decrypt.
 * Format: `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyEncryptionKeyBase64: string) {
    const ikm = keyEncryptionKeyBase64 ? Buffer.from(keyEncryptionKeyBase64, 'base64') : randomBytes(32);
    this.key = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'iam-gateway/mfa-totp-secret/v1', 32));
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, ct, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /** The plaintext, or null when the value is malformed, tampered with, bound to someone else or sealed under another key. */
  open(sealed: string, boundTo: string): string | null {
    const [version, iv, ct, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || ct === undefined || !tag) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
