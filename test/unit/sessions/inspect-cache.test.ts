import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/clock.js';
import { InspectCache } from '../../../src/sessions/inspect-cache.js';
import type { SessionInspection } from '../../../src/sessions/ports.js';

/**
 * The cache on its own, with a fetch the test controls (the Redis-backed behaviour, pub/sub and
 * connection loss are in test/integration/sessions/inspect-cache.test.ts). Each fetch answers with a
 * fresh `revoked` value, so a test sees whether an answer came from the cache or from a fetch.
 */
function source(): { fetch: () => Promise<SessionInspection>; count: () => number } {
  let n = 0;
  return {
    fetch: async () => ({ live: true, revoked: new Map([['user:u', ++n]]), epochs: new Map() }),
    count: () => n,
  };
}

const revokedOf = (a: SessionInspection): number | undefined => a.revoked.get('user:u');

function activeCache(clock = new ManualClock(), maxSessions?: number): InspectCache {
  const cache = new InspectCache({ ttlMs: 1_000, clock, ...(maxSessions === undefined ? {} : { maxSessions }) });
  cache.enable();
  return cache;
}

describe('InspectCache (TOK-4)', () => {
  it('serves nothing and stores nothing until enabled, and again once disabled', async () => {
    const cache = new InspectCache({ ttlMs: 1_000, clock: new ManualClock() });
    const src = source();
    await cache.inspect('s', [], [], src.fetch);
    await cache.inspect('s', [], [], src.fetch);
    expect(src.count()).toBe(2);
    cache.enable();
    await cache.inspect('s', [], [], src.fetch);
    expect(revokedOf(await cache.inspect('s', [], [], src.fetch))).toBe(3);
    cache.disable();
    expect(revokedOf(await cache.inspect('s', [], [], src.fetch))).toBe(4);
    cache.enable(); // entries from before the gap are gone
    expect(revokedOf(await cache.inspect('s', [], [], src.fetch))).toBe(5);
  });

  it('a fetch in flight across an invalidation answers its caller but is not stored', async () => {
    const cache = activeCache();
    let release: (a: SessionInspection) => void = () => {};
    const inFlight = cache.inspect('s', [], [], () => new Promise((resolve) => (release = resolve)));
    cache.dropSessions(['someone-else']); // any invalidation moves the generation
    release({ live: true, revoked: new Map([['user:u', 0]]), epochs: new Map() });
    expect(revokedOf(await inFlight)).toBe(0);
    const src = source();
    expect(revokedOf(await cache.inspect('s', [], [], src.fetch))).toBe(1);
    expect(src.count()).toBe(1);
  });

  it('a clock that went backwards expires an entry instead of keeping it fresh', async () => {
    const clock = new ManualClock();
    const cache = activeCache(clock);
    const src = source();
    await cache.inspect('s', [], [], src.fetch);
    clock.advance(-1);
    expect(revokedOf(await cache.inspect('s', [], [], src.fetch))).toBe(2);
  });

  it('a failed fetch stores nothing and rejects its caller', async () => {
    const cache = activeCache();
    await expect(cache.inspect('s', [], [], () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const src = source();
    expect(revokedOf(await cache.inspect('s', [], [], src.fetch))).toBe(1);
  });

  it('keys: lists are kept apart, extra key sets per session and extra sessions only evict', async () => {
    const cache = activeCache(new ManualClock(), 2);
    const src = source();
    const a = await cache.inspect('s', ['x', 'y'], [], src.fetch);
    expect(await cache.inspect('s', ['x'], ['y'], src.fetch)).not.toEqual(a);
    for (let i = 0; i < 6; i++) await cache.inspect('s', [`k${i}`], [], src.fetch);
    const fetched = src.count();
    expect(revokedOf(await cache.inspect('s', ['k5'], [], src.fetch))).toBe(fetched); // the newest stays
    await cache.inspect('t', [], [], src.fetch);
    await cache.inspect('u', [], [], src.fetch); // evicts 's', the least recently used of two
    expect(revokedOf(await cache.inspect('s', ['k5'], [], src.fetch))).toBe(fetched + 3);
  });

  it('refuses a ttl that is not a positive integer', () => {
    for (const ttlMs of [0, -1, 1.5, Number.NaN])
      expect(() => new InspectCache({ ttlMs, clock: new ManualClock() })).toThrow(RangeError);
  });
});
