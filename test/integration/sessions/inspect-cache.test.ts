import { afterAll, afterEach, beforeAll, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ManualClock, randomIds } from '../../../src/clock.js';
import { RedisSessionStore } from '../../../src/sessions/redis.js';
import type { SessionInspection, SessionPrincipal } from '../../../src/sessions/index.js';
import { deleteKeysUnder } from '../../support/redis-keys.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import { startProxy } from '../../support/tcp-proxy.js';
import type { TcpProxy } from '../../support/tcp-proxy.js';

/**
 * The Redis adapter's local inspect cache (TOK-4, ENT-5, OPS-6) with two stores on one Redis and one
 * prefix, as two gateway instances: A writes, B answers `inspect`. B's clock is a ManualClock that only
 * the age test moves, so anything B answers differently from its cache can only come from an
 * invalidation. "Behind its back" means a raw write to B's marker key with no PUBLISH: a store that
 * still answers the old value is answering from its cache. Waits poll and are bounded by the SPEC's
 * 1 s (longer only where a reconnect backoff is involved); nothing asserts how fast anything is.
 */
const runPrefix = uniqueName('iamgw_test_inspect_cache');
let prefixes = 0;
const CACHE_MS = 1_000;
const alice: SessionPrincipal = { accountId: 'acc', userId: 'alice', type: 'user' };
const bob: SessionPrincipal = { accountId: 'acc', userId: 'bob', type: 'user' };
const long = { absoluteTtlMs: 60_000, idleTtlMs: 30_000 };
/** Every inspect here asks the same question: a user marker, the probe marker, one epoch. */
const MARKERS = ['user:alice', 'probe'];
const EPOCHS = ['iam:acc'];

describeWithServer('redis', 'Redis SessionStore inspect cache (TOK-4, ENT-5)', () => {
  let admin: Redis;
  let prefix: string;
  let clock: ManualClock;
  let a: RedisSessionStore;
  let b: RedisSessionStore;
  let proxy: TcpProxy | null = null;
  let probeValue = 1;

  const store = (url = servers.redisUrl, storeClock = new ManualClock(), commandTimeoutMs = 1_000): RedisSessionStore =>
    new RedisSessionStore({
      url,
      keyPrefix: prefix,
      ids: randomIds,
      inspectCacheMs: CACHE_MS,
      clock: storeClock,
      commandTimeoutMs,
    });
  const ask = (s: RedisSessionStore, sessionId: string): Promise<SessionInspection> =>
    s.inspect(sessionId, MARKERS, EPOCHS);
  /** Changes the probe marker in Redis without any message; returns the new value. */
  const changeProbeBehindItsBack = async (): Promise<number> => {
    probeValue++;
    await admin.set(`${prefix}:r:probe`, String(probeValue), 'PX', 60_000);
    return probeValue;
  };
  /** B's answer for `sessionId` comes from its cache: a change made behind its back is not seen. */
  const expectCached = async (s: RedisSessionStore, sessionId: string): Promise<void> => {
    const before = (await ask(s, sessionId)).revoked.get('probe');
    const changed = await changeProbeBehindItsBack();
    const after = (await ask(s, sessionId)).revoked.get('probe');
    expect(after).toBe(before);
    expect(after).not.toBe(changed);
  };
  /** Starts B's subscription (its first inspect) and waits until it is confirmed. */
  const warm = async (s: RedisSessionStore, sessionId: string, boundMs = 1_000): Promise<void> => {
    await ask(s, sessionId);
    await until('the inspect cache to be active', () => s.inspectCacheActive, boundMs);
  };

  beforeAll(() => {
    admin = new Redis(servers.redisUrl);
  });
  afterAll(async () => {
    admin.disconnect();
    await deleteKeysUnder(runPrefix);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await proxy?.stop();
    proxy = null;
  });

  /** A and B on a fresh prefix; B through `url` when given. A marker and an epoch exist already. */
  async function twoInstances(bUrl = servers.redisUrl): Promise<string> {
    prefix = `${runPrefix}:${++prefixes}`;
    clock = new ManualClock();
    a = store();
    b = store(bUrl, clock, 5_000);
    const s = await a.create({ principal: alice, ...long });
    await a.markRevoked(['user:alice'], 100);
    await a.bumpEpochs(EPOCHS);
    await changeProbeBehindItsBack();
    return s.id;
  }

  /** twoInstances, then B subscribed and its answer for the session proven to come from its cache. */
  async function cachingInstances(bUrl?: string): Promise<string> {
    const sid = await twoInstances(bUrl);
    await b.ping(); // B's main connection opens first (the proxy's connection 0), its subscriber second
    await warm(b, sid);
    await expectCached(b, sid);
    return sid;
  }

  const seesMarker = (sid: string, ms: number): Promise<void> =>
    until(`B to see the marker ${ms}`, async () => (await ask(b, sid)).revoked.get('user:alice') === ms);

  it('B answers from its cache for less than inspectCacheMs after the fetch, then from Redis', async () => {
    const sid = await twoInstances();
    await warm(b, sid);
    const first = await ask(b, sid);
    expect(first).toMatchObject({
      live: true,
      revoked: new Map([
        ['user:alice', 100],
        ['probe', probeValue],
      ]),
    });
    await admin.set(`${prefix}:r:user:alice`, '200', 'PX', 60_000); // behind its back
    clock.advance(CACHE_MS - 1);
    expect((await ask(b, sid)).revoked.get('user:alice')).toBe(100);
    clock.advance(1);
    expect((await ask(b, sid)).revoked.get('user:alice')).toBe(200);
    // A different question is a different entry (no answer is reused for other keys).
    expect((await b.inspect(sid, ['user:alice'], [])).epochs).toEqual(new Map());
  });

  it('A.end → B refuses the session within 1 s; B keeps the cached answers of other sessions', async () => {
    const sid = await cachingInstances();
    const other = await a.create({ principal: bob, ...long });
    await expectCached(b, other.id);
    const otherCached = (await ask(b, other.id)).revoked.get('probe');
    expect(await a.end(sid)).toBe(true);
    await until('B to see the session ended', async () => !(await ask(b, sid)).live);
    // Only the ended session's entries went: `other` still answers the probe value from before.
    expect((await ask(b, other.id)).revoked.get('probe')).toBe(otherCached);
  });

  it('A.endAllForUser → B refuses every session of the user within 1 s', async () => {
    const sid = await cachingInstances();
    const second = await a.create({ principal: alice, ...long });
    await expectCached(b, second.id);
    expect(await a.endAllForUser(alice.accountId, alice.userId)).toBe(2);
    await until(
      'B to see both sessions ended',
      async () => !(await ask(b, sid)).live && !(await ask(b, second.id)).live,
    );
  });

  it('A.markRevoked → B sees the marker within 1 s, and onRevoked listeners still hear the stored maxima', async () => {
    const sid = await cachingInstances();
    let hear: (m: ReadonlyMap<string, number>) => void = () => {};
    const heard = new Promise<ReadonlyMap<string, number>>((resolve) => (hear = resolve));
    await b.onRevoked((m) => hear(m));
    await a.markRevoked(['user:alice', 'group:g'], 50); // user:alice keeps 100, the maximum
    expect(await heard).toEqual(
      new Map([
        ['user:alice', 100],
        ['group:g', 50],
      ]),
    );
    await a.markRevoked(['user:alice'], 300);
    await seesMarker(sid, 300);
  });

  it('A.bumpEpochs → B sees the new epoch within 1 s', async () => {
    const sid = await cachingInstances();
    const before = (await ask(b, sid)).epochs.get('iam:acc');
    await a.bumpEpochs(EPOCHS);
    await until('B to see the new epoch', async () => (await ask(b, sid)).epochs.get('iam:acc') !== before);
  });

  it("B's own writes show in its very next inspect, without waiting for its own message", async () => {
    proxy = await startProxy(new URL(servers.redisUrl));
    const sid = await cachingInstances(`redis://127.0.0.1:${proxy.port}`);
    const second = await a.create({ principal: alice, ...long });
    await expectCached(b, second.id);
    proxy.connections[1]!.hold(); // B's subscriber receives nothing from here on
    expect(await b.end(second.id)).toBe(true);
    expect((await ask(b, second.id)).live).toBe(false);
    await b.markRevoked(['user:alice'], 500);
    expect((await ask(b, sid)).revoked.get('user:alice')).toBe(500);
    const epoch = (await ask(b, sid)).epochs.get('iam:acc');
    await b.bumpEpochs(EPOCHS);
    expect((await ask(b, sid)).epochs.get('iam:acc')).not.toBe(epoch);
    proxy.connections[1]!.release();
  });

  it('an answer Redis computed before an invalidation that B handled first is not cached (generation)', async () => {
    proxy = await startProxy(new URL(servers.redisUrl));
    const sid = await cachingInstances(`redis://127.0.0.1:${proxy.port}`);
    let hear: () => void = () => {};
    const heard = new Promise<void>((resolve) => (hear = resolve));
    await b.onRevoked(() => hear());
    expect(proxy.connections).toHaveLength(2); // B's main connection, then its subscriber
    const main = proxy.connections[0]!;
    // A question B has not cached yet, so it goes to Redis.
    const userMarker = async (): Promise<number | undefined> =>
      (await b.inspect(sid, ['user:alice'], [])).revoked.get('user:alice');
    main.hold();
    const inFlight = userMarker();
    await until('Redis to answer the held inspect', () => main.heldBytes > 0);
    await a.markRevoked(['user:alice'], 300); // after Redis computed the answer, before B reads it
    await heard; // B's subscriber handled the invalidation…
    main.release(); // …and only now does B read the old answer
    expect(await inFlight).toBe(100);
    // Had the old answer been stored, B would serve it for a whole inspectCacheMs (its clock stands still).
    expect(await userMarker()).toBe(300);
  });

  it('while its subscriber is down B bypasses the cache; once resubscribed it caches and hears again', async () => {
    proxy = await startProxy(new URL(servers.redisUrl));
    const sid = await cachingInstances(`redis://127.0.0.1:${proxy.port}`);
    await proxy.refuse(); // B's reconnect attempts fail…
    proxy.connections[1]!.cut(); // …once its subscriber connection is gone
    await until('B to notice the lost subscriber', () => !b.inspectCacheActive);
    for (let i = 0; i < 3; i++) {
      const changed = await changeProbeBehindItsBack();
      expect((await ask(b, sid)).revoked.get('probe')).toBe(changed);
    }
    await proxy.start();
    await until('B to resubscribe', () => b.inspectCacheActive, 5_000);
    await expectCached(b, sid);
    await a.markRevoked(['user:alice'], 400);
    await seesMarker(sid, 400);
  });

  it('CLIENT KILL of the subscriber: B subscribes again by itself, caches and hears again', async () => {
    const sid = await cachingInstances();
    const name = `${prefix}:subscriber`;
    const killed = await subscriberId(admin, name);
    expect(killed).not.toBeNull();
    await admin.client('KILL', 'ID', killed!);
    await until(
      'a new subscriber connection',
      async () => ![null, killed].includes(await subscriberId(admin, name)),
      5_000,
    );
    await until('B to resubscribe', () => b.inspectCacheActive, 5_000);
    await expectCached(b, sid);
    await a.end(sid);
    await until('B to see the session ended', async () => !(await ask(b, sid)).live);
  });

  it('with its main connection down B fails closed (STORE_UNAVAILABLE), cache or not (OPS-6)', async () => {
    proxy = await startProxy(new URL(servers.redisUrl));
    const sid = await cachingInstances(`redis://127.0.0.1:${proxy.port}`);
    await proxy.refuse();
    proxy.connections[0]!.cut(); // the subscriber stays up: only the main connection is lost
    await until(
      'B to answer STORE_UNAVAILABLE',
      async () =>
        (await ask(b, sid).then(
          () => null,
          (e: { code?: string }) => e.code,
        )) === 'STORE_UNAVAILABLE',
    );
    expect(b.inspectCacheActive).toBe(true);
    await expect(ask(b, sid)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await proxy.start();
    await until(
      'B to answer again',
      () =>
        ask(b, sid).then(
          () => true,
          () => false,
        ),
      5_000,
    );
  });
});

/** Polls `cond` every 5 ms; fails the test if it does not hold within `boundMs`. */
async function until(what: string, cond: () => boolean | Promise<boolean>, boundMs = 1_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`waited ${boundMs} ms for ${what}`);
    await sleep(5);
  }
}

/** Id of the connection named `name` in CLIENT LIST, or null. */
async function subscriberId(admin: Redis, name: string): Promise<string | null> {
  const list = (await admin.client('LIST')) as string;
  for (const line of list.split('\n')) {
    const fields = new Map(line.split(' ').map((f) => f.split('=', 2) as [string, string]));
    if (fields.get('name') === name) return fields.get('id') ?? null;
  }
  return null;
}
