import type { SigningKeyStore, StoredSigningKey } from '../signing-keys.js';

/** Signing keys of one process (TOK-1): the `npm start` default; copies in and out, as the entity store does. */
export class MemorySigningKeyStore implements SigningKeyStore {
  private readonly keys = new Map<string, StoredSigningKey>();

  async insertIfAbsent(key: StoredSigningKey): Promise<StoredSigningKey> {
    const existing = this.keys.get(key.id);
    if (existing) return structuredClone(existing);
    this.keys.set(key.id, structuredClone(key));
    return structuredClone(key);
  }

  async listPublished(nowMs: number): Promise<StoredSigningKey[]> {
    return [...this.keys.values()]
      .filter((k) => k.publishedUntilMs > nowMs)
      .sort((a, b) => a.activeFromMs - b.activeFromMs)
      .map((k) => structuredClone(k));
  }

  async replaceSealed(id: string, expected: string, sealed: string): Promise<boolean> {
    const existing = this.keys.get(id);
    if (existing?.sealedPrivateKey !== expected) return false;
    existing.sealedPrivateKey = sealed;
    return true;
  }

  async deleteExpired(nowMs: number): Promise<number> {
    let n = 0;
    for (const [id, k] of this.keys) if (k.publishedUntilMs <= nowMs && this.keys.delete(id)) n++;
    return n;
  }

  async init(): Promise<void> {}
  async close(): Promise<void> {}
}
