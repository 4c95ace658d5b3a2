/**
 * A bounded, approximately least-recently-used map. A JS Map iterates in insertion order, so re-inserting an
 * entry moves it to the young end and the first key is always the one to evict.
 *
 * A hit re-inserts only an entry that has aged past the youngest quarter of the capacity (counted in
 * insertions and moves since it was last placed). Moving on every hit churned the Map on every request of
 * a hot key, and when the caller's key was a fresh string (a token read from a header) it stored a young
 * object into an old table each time (write barrier, promotion, more major GC). An entry inside the young
 * quarter is far from eviction, so at most the capacity's last quarter of recency is forgotten; the moved
 * entry keeps its first key object.
 */
interface Entry<K, V> {
  key: K;
  value: V;
  /** `tick` when the entry was last placed at the young end. */
  placed: number;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Entry<K, V>>();
  private readonly youngSpan: number;
  private tick = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.youngSpan = capacity >> 2;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (this.tick - entry.placed > this.youngSpan) {
      this.map.delete(entry.key);
      entry.placed = ++this.tick;
      this.map.set(entry.key, entry);
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { key, value, placed: ++this.tick });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}
