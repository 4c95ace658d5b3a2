/**
 * Secrets at rest (LOGIN-4, TOK-1; OPS-1 key rotation): one Sealer per gateway, built by the composition
 * root from `tokens.keyEncryptionKey` (+ `tokens.previousKeyEncryptionKeys`) and handed to every capability
 * that stores a secret. Plain node:crypto; see seal.ts for the envelope and docs/operations.md for rotation.
 */
export {
  Sealer,
  keyIdOf,
  resealFailure,
  type KekSettings,
  type ResealFailure,
  type ResealReport,
  type SealBinding,
  type SealPurpose,
} from './seal.js';
