import { createDecipheriv } from 'node:crypto';

/**
 * Envelopes written before issue 15 by the two helpers the sealer replaced (src/mfa/secret-box.ts and
 * src/tokens/secrets.ts): `v1.<iv>.<ciphertext>.<tag>` (base64url), no key id, AES-256-GCM under an HKDF
 * subkey of the KEK with a label of its own per purpose, the record id alone as associated data. They sit
 * in users' `mfa.secret` and in stored signing keys (Mongo, the memory store's JSON file), so they keep
 * opening, under each configured KEK in turn, until `reseal-secrets` has rewritten them (docs/operations.md).
 * Nothing writes this format any more.
 */
export const LEGACY_WRAP_INFO: Readonly<Record<string, string>> = {
  'mfa-totp-secret': 'iam-gateway/mfa-totp-secret/v1',
  'signing-key': 'iam-gateway tokens key-wrap',
};

export interface LegacyEnvelope {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function parseLegacy(envelope: string): LegacyEnvelope | null {
  const [version, iv, ciphertext, tag, ...rest] = envelope.split('.');
  if (version !== 'v1' || !iv || !ciphertext || !tag || rest.length > 0) return null;
  return {
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
}

/** The plaintext under the first of `wrapKeys` that opens it (bound to `context`), or null. */
export function openLegacy(e: LegacyEnvelope, wrapKeys: readonly Buffer[], context: string): string | null {
  if (e.iv.length !== 12 || e.tag.length !== 16) return null;
  for (const key of wrapKeys) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, e.iv).setAAD(Buffer.from(context));
      decipher.setAuthTag(e.tag);
      return Buffer.concat([decipher.update(e.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // the next key, if any
    }
  }
  return null;
}
