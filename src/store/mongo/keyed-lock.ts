/**
 * Serialises async sections per key inside this process.
 *
 * Why: FerretDB v1 (the MongoDB-wire test server) evaluates a findAndModify/update filter in Go and then
 * rewrites the document by `_id`, so two compare-and-swaps on one version can both "win" (measured: 4 of 5
 * parallel `updateOne({_id, version})` reported a modification). Real MongoDB is atomic here; this lock
 * makes the CAS hold on FerretDB too, for writers in one process.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(section, section);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      // the last writer of a key cleans up, so the map holds only keys with writes in flight
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
