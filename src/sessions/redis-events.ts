import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import { notify } from './common.js';
import { InspectCache } from './inspect-cache.js';
import type { RevocationListener, SessionInspection } from './ports.js';
import { RedisSubscriber } from './redis-subscriber.js';

/**
 * What the Redis session store publishes and hears (TOK-4, ENT-5): revocations for `onRevoked`
 * listeners, and the invalidations of the local inspect cache. Two channels under the key prefix:
 * - `<prefix>:revoked`: `[[subjectKey, revokedAtMs], …]` (the stored maxima), published by markRevoked;
 *   listeners get it as a map, and every inspect cache drops everything (markers are not indexed by key).
 * - `<prefix>:inspect`: `{"ended":[sessionId, …]}` (end, endAllForUser: those sessions' entries go) or
 *   `{"epochs":[key, …]}` (bumpEpochs: everything goes). Anything unreadable also drops everything.
 * The writers publish in the same atomic unit as the write (MULTI or the Lua script), so no crash can
 * leave a change without its message.
 */
export interface RedisEventsOptions {
  keyPrefix: string;
  /** Bound on waiting for the subscription in `whenSubscribed`. */
  timeoutMs: number;
  onError: (err: Error) => void;
  /** 0: no inspect cache. */
  inspectCacheMs: number;
  clock: Clock;
}

export class RedisEvents {
  readonly revokedChannel: string;
  readonly inspectChannel: string;
  private readonly listeners = new Set<RevocationListener>();
  private readonly subscriber: RedisSubscriber;
  private readonly cache: InspectCache | null;

  constructor(main: Redis, options: RedisEventsOptions) {
    this.revokedChannel = `${options.keyPrefix}:revoked`;
    this.inspectChannel = `${options.keyPrefix}:inspect`;
    const ttlMs = options.inspectCacheMs;
    this.cache = ttlMs === 0 ? null : new InspectCache({ ttlMs, clock: options.clock });
    const cache = this.cache;
    // Connects on first use (onRevoked, or the first inspect with the cache on), not when constructed.
    this.subscriber = new RedisSubscriber(
      main,
      // CLIENT SETNAME refuses spaces and control characters; the prefix is operator-chosen text.
      {
        channels: [this.revokedChannel, this.inspectChannel],
        name: `${options.keyPrefix}:subscriber`.replace(/[^\x21-\x7e]/g, '_'),
        timeoutMs: options.timeoutMs,
      },
      {
        message: (channel, message) => this.received(channel, message),
        up: () => cache?.enable(),
        down: () => cache?.disable(),
        onError: options.onError,
      },
    );
  }

  /** True while inspect answers are served from the local cache (for operators and tests). */
  get inspectCacheActive(): boolean {
    return this.cache !== null && this.cache.active && this.subscriber.subscribed;
  }

  endedMessage(sessionIds: readonly string[]): string {
    return JSON.stringify({ ended: sessionIds });
  }

  epochsMessage(epochKeys: readonly string[]): string {
    return JSON.stringify({ epochs: epochKeys });
  }

  /**
   * `fetch()`'s answer, or the cached one. Failing closed: cached answers only while invalidations are
   * sure to arrive (subscription confirmed on a live connection) AND the main connection is ready
   * (`mainReady`). The second rule is a choice: a cached answer may well be right while the main
   * connection is down, but OPS-6 promises STORE_UNAVAILABLE then, and an instance cut off from Redis
   * must not go on allowing requests from memory.
   */
  inspect(
    sessionId: string,
    subjectKeys: readonly string[],
    epochKeys: readonly string[],
    mainReady: boolean,
    fetch: () => Promise<SessionInspection>,
  ): Promise<SessionInspection> {
    if (!this.cache) return fetch();
    this.subscriber.start(); // never waited for: until confirmed, every call goes to Redis
    if (!this.subscriber.subscribed || !mainReady) return fetch();
    return this.cache.inspect(sessionId, subjectKeys, epochKeys, fetch);
  }

  /**
   * This instance wrote (or tried to: a timed-out write may have been applied) something that changes
   * inspect answers of `sessionIds`, or of anyone when null. Its own cache forgets them now rather than
   * when its own message comes back.
   */
  wrote(sessionIds: readonly string[] | null): void {
    if (sessionIds) this.cache?.dropSessions(sessionIds);
    else this.cache?.dropAll();
  }

  /** Resolves once the subscription is confirmed, so no listener believes it is subscribed too early. */
  whenSubscribed(): Promise<void> {
    return this.subscriber.whenSubscribed();
  }

  /** Returns the unsubscribe function. */
  addRevocationListener(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    this.listeners.clear();
    this.subscriber.close();
  }

  private received(channel: string, message: string): void {
    if (channel === this.revokedChannel) {
      this.cache?.dropAll(); // before the listeners, which may inspect again
      const revoked = parseRevoked(message);
      if (revoked) for (const listener of this.listeners) notify(listener, revoked);
      return;
    }
    const ended = parseEnded(message);
    if (ended) this.cache?.dropSessions(ended);
    else this.cache?.dropAll();
  }
}

function parseRevoked(message: string): Map<string, number> | null {
  try {
    return new Map(JSON.parse(message) as [string, number][]);
  } catch {
    return null; // not ours: someone else published on the channel
  }
}

function parseEnded(message: string): string[] | null {
  try {
    const { ended } = JSON.parse(message) as { ended?: unknown };
    return Array.isArray(ended) && ended.every((id) => typeof id === 'string') ? ended : null;
  } catch {
    return null;
  }
}
