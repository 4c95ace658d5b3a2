import type { Clock } from '../clock.js';
import { Lru } from '../cache/lru.js';
import type { SessionInspection } from './ports.js';

/**
 * A process-local cache of `SessionStore.inspect` answers (TOK-4, ENT-5; docs/decisions.md "Inspect
 * cache"). It knows nothing of Redis: its owner switches it on only while invalidations are known to
 * arrive (the pub/sub subscription is confirmed), calls `dropSessions`/`dropAll` for every invalidation,
 * and `disable` the moment it could miss one.
 *
 * Every entry is also bounded in age by `ttlMs`, because some changes publish nothing: a session that
 * ends by TTL expiry, or a marker that ages out. An answer is therefore at most `ttlMs` stale for those,
 * and never stale (beyond message delivery) for an explicit end, revocation or epoch bump.
 *
 * The race an invalidation cache must survive: a fetch whose reply Redis computed *before* a write but
 * that resolves *after* the write's invalidation was handled would put the old answer back. Every
 * invalidation and every enable/disable bumps `generation`; a fetched answer is stored only if the
 * generation did not move while it was in flight.
 */
export interface InspectCacheOptions {
  ttlMs: number;
  clock: Clock;
  /** Sessions kept (least recently used evicted first). */
  maxSessions?: number;
}

interface Entry {
  /** Clock time when the fetch *started*: the answer is at least this old. */
  fetchedAtMs: number;
  answer: SessionInspection;
}

/** Key sets remembered per session; the gateway asks one or two per session, so this is only a guard. */
const MAX_VARIANTS_PER_SESSION = 4;

export class InspectCache {
  private readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly maxSessions: number;
  /** sessionId → (key sets → entry): a session's entries can be dropped without scanning the cache. */
  private entries: Lru<string, Map<string, Entry>>;
  private readonly variants = new WeakMap<readonly string[], { epochKeys: readonly string[]; variant: string }>();
  private generation = 0;
  private enabled = false;

  constructor(options: InspectCacheOptions) {
    if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0)
      throw new RangeError('ttlMs must be a positive integer');
    this.ttlMs = options.ttlMs;
    this.clock = options.clock;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.entries = new Lru(this.maxSessions);
  }

  /** True while answers may be served from and stored in the cache. */
  get active(): boolean {
    return this.enabled;
  }

  /**
   * The cached answer when active and fresh; otherwise `fetch()`'s, stored if no invalidation (and no
   * enable/disable) happened while it was in flight. Answers are shared, not copied (this is the hot path
   * of every token check): their maps are ReadonlyMap in the port, so no caller can alter the cache.
   */
  async inspect(
    sessionId: string,
    subjectKeys: readonly string[],
    epochKeys: readonly string[],
    fetch: () => Promise<SessionInspection>,
  ): Promise<SessionInspection> {
    if (!this.enabled) return fetch();
    const variant = this.variantOf(subjectKeys, epochKeys);
    const cached = this.entries.get(sessionId)?.get(variant);
    const now = this.clock.now();
    // A clock that went backwards counts as expired, never as fresher.
    if (cached && now >= cached.fetchedAtMs && now - cached.fetchedAtMs < this.ttlMs) return cached.answer;
    const generation = this.generation;
    const answer = await fetch();
    if (this.enabled && this.generation === generation) this.store(sessionId, variant, { fetchedAtMs: now, answer });
    return answer;
  }

  /**
   * The entry key of one question. NUL cannot occur in a store key (ids, SRN parts), so it keeps the keys
   * and the two lists apart: two different questions never share an answer. Remembered per (readonly)
   * key list, since a token check asks with the same lists every time (tokens/service.ts).
   */
  private variantOf(subjectKeys: readonly string[], epochKeys: readonly string[]): string {
    const known = this.variants.get(subjectKeys);
    if (known !== undefined && known.epochKeys === epochKeys) return known.variant;
    const variant = `${subjectKeys.join('\u0000')}\u0000\u0000${epochKeys.join('\u0000')}`;
    this.variants.set(subjectKeys, { epochKeys, variant });
    return variant;
  }

  /** Starts serving from a cache emptied now: whatever happened while disabled may have been missed. */
  enable(): void {
    this.reset();
    this.enabled = true;
  }

  /** Stops serving and storing until `enable`. */
  disable(): void {
    this.enabled = false;
    this.reset();
  }

  /** These sessions ended: their answers go, and nothing fetched before now is stored. */
  dropSessions(sessionIds: Iterable<string>): void {
    this.generation++;
    for (const id of sessionIds) this.entries.delete(id);
  }

  /** Markers or epochs changed (or a message could not be read): every answer goes. */
  dropAll(): void {
    this.reset();
  }

  private reset(): void {
    this.generation++;
    // Lru has no clear(); a fresh one is as cheap and leaves nothing behind.
    if (this.entries.size > 0) this.entries = new Lru(this.maxSessions);
  }

  private store(sessionId: string, variant: string, entry: Entry): void {
    let variants = this.entries.get(sessionId);
    if (!variants || (variants.size >= MAX_VARIANTS_PER_SESSION && !variants.has(variant))) {
      variants = new Map();
      this.entries.set(sessionId, variants);
    }
    variants.set(variant, entry);
  }
}
