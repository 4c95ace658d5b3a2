import mongoose, { Schema, type Model } from 'mongoose';
import type { SigningKeyStore, StoredSigningKey } from '../signing-keys.js';
import { guarded, isDuplicateKey } from './errors.js';
import { KeyedLock } from './keyed-lock.js';

/**
 * Signing keys in MongoDB (or FerretDB) on a connection of their own: the entity store's connection is
 * private to it, and a second small pool is cheaper than widening its port. Unreachable server →
 * STORE_UNAVAILABLE (fail closed, OPS-6). Insert-if-absent is a plain insert on `_id` = slot id: the
 * unique `_id` index decides races between instances without transactions (FerretDB has none).
 */
type KeyDoc = Omit<StoredSigningKey, 'id' | 'publicJwk'> & { _id: string; publicJwk: string };

export class MongoSigningKeyStore implements SigningKeyStore {
  private readonly conn: mongoose.Connection;
  private readonly model: Model<KeyDoc>;
  private readonly lock = new KeyedLock();

  constructor(uri: string, timeoutMs = 2000) {
    this.conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
    this.conn.on('error', () => {}); // surfaced per operation as STORE_UNAVAILABLE
    const schema = new Schema<KeyDoc>(
      { _id: String, publishedUntilMs: { type: Number, required: true } },
      {
        collection: 'signingKeys',
        strict: false,
        versionKey: false,
        autoIndex: false,
        autoCreate: false,
        bufferTimeoutMS: timeoutMs,
      },
    );
    schema.index({ publishedUntilMs: 1 });
    this.model = this.conn.model<KeyDoc>('signingKeys', schema, 'signingKeys');
  }

  insertIfAbsent(key: StoredSigningKey): Promise<StoredSigningKey> {
    return guarded(async () => {
      const { id, publicJwk, ...rest } = key;
      try {
        // JWK as JSON text: its field names are fixed today, but the port must not depend on that.
        await this.model.create({ _id: id, publicJwk: JSON.stringify(publicJwk), ...rest });
        return structuredClone(key);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const winner = await this.model.findById(id).lean<KeyDoc>();
      if (!winner) throw new Error(`signing key ${id} vanished after a duplicate insert`);
      return fromDoc(winner);
    });
  }

  listPublished(nowMs: number): Promise<StoredSigningKey[]> {
    return guarded(async () => {
      const docs = await this.model
        .find({ publishedUntilMs: { $gt: nowMs } })
        .sort({ activeFromMs: 1 })
        .lean<KeyDoc[]>();
      return docs.map(fromDoc);
    });
  }

  /** The filter is the CAS on MongoDB; the lock makes it one on FerretDB v1 too, within a process (keyed-lock.ts). */
  replaceSealed(id: string, expected: string, sealed: string): Promise<boolean> {
    return this.lock.run(id, () =>
      guarded(async () => {
        const filter = { _id: id, sealedPrivateKey: expected };
        const r = await this.model.updateOne(filter, { $set: { sealedPrivateKey: sealed } });
        return r.modifiedCount === 1;
      }),
    );
  }

  deleteExpired(nowMs: number): Promise<number> {
    return guarded(async () => (await this.model.deleteMany({ publishedUntilMs: { $lte: nowMs } })).deletedCount);
  }

  init(): Promise<void> {
    return guarded(async () => {
      await this.conn.asPromise();
      await this.model.createCollection();
      await this.model.createIndexes();
    });
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

function fromDoc({ _id, publicJwk, ...rest }: KeyDoc): StoredSigningKey {
  return { id: _id, publicJwk: JSON.parse(publicJwk) as StoredSigningKey['publicJwk'], ...rest };
}
