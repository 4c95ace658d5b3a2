import type { JWK } from 'jose';

/**
 * Where signing keys live (TOK-1): a small port of its own, because keys are global (no account) and
 * need one operation the entity repositories lack, insert-if-absent by a caller-chosen id. Adapters:
 * `MemorySigningKeyStore` (memory/signing-key-store.ts) and `MongoSigningKeyStore`
 * (mongo/signing-key-store.ts); both pass test/integration/tokens/stores.contract.test.ts.
 */
export type SigningAlgorithm = 'ES256' | 'EdDSA';

export interface StoredSigningKey {
  /**
   * `<alg>-<slot>`: one key per rotation slot. Several instances starting together all try to insert the
   * same id; the first insert wins and everyone signs with the winner.
   */
  id: string;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  /** PKCS#8 PEM in a Sealer envelope (src/crypto) bound to `kid`; never logged or returned. */
  sealedPrivateKey: string;
  createdAtMs: number;
  /** New tokens are signed with this key from `activeFromMs` until `activeUntilMs`. */
  activeFromMs: number;
  activeUntilMs: number;
  /** Published in the JWKS until here: every token it signed has expired by then. */
  publishedUntilMs: number;
}

export interface SigningKeyStore {
  /** Stores `key` unless a key with its id exists; returns the stored key (the winner of a race). */
  insertIfAbsent(key: StoredSigningKey): Promise<StoredSigningKey>;
  /** Keys with `publishedUntilMs > nowMs`, oldest `activeFromMs` first. */
  listPublished(nowMs: number): Promise<StoredSigningKey[]>;
  /**
   * Compare-and-swap of the sealed private key (`reseal-secrets` after a KEK rotation): writes `sealed` only
   * while the stored value is still `expected`; false when it is not (or the key is gone).
   */
  replaceSealed(id: string, expected: string, sealed: string): Promise<boolean>;
  /** Removes keys no longer published; returns how many. */
  deleteExpired(nowMs: number): Promise<number>;
  /** Creates collections and indexes (Mongo); call once at startup. */
  init(): Promise<void>;
  close(): Promise<void>;
}
