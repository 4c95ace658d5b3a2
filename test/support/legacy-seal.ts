import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * A pre-issue-15 envelope, exactly as src/mfa/secret-box.ts (TOTP secrets) and src/tokens/secrets.ts (signing
 * keys) wrote it: `v1.<iv>.<ct>.<tag>`, AES-256-GCM under HKDF(KEK, label), the record id as associated data.
 * Such values sit in existing stores; the tests prove the sealer still opens and re-seals them.
 */
const LABELS = {
  'mfa-totp-secret': 'iam-gateway/mfa-totp-secret/v1',
  'signing-key': 'iam-gateway tokens key-wrap',
} as const;

export function legacySeal(kek: Buffer, purpose: keyof typeof LABELS, plaintext: string, recordId: string): string {
  const key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), LABELS[purpose], 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(recordId));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, ct, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}
