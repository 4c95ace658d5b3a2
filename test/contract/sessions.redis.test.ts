import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { randomIds } from '../../src/clock.js';
import { createSessionStore } from '../../src/adapters.js';
import { RedisSessionStore } from '../../src/sessions/redis.js';
import { deleteKeysUnder, scanKeys } from '../support/redis-keys.js';
import { describeWithServer, servers, uniqueName } from '../support/servers.js';
import { startProxy } from '../support/tcp-proxy.js';
import { describeSessionStoreContract } from './sessions.contract.js';

/**
 * The contract on real Redis (DESIGN §4), plus what only a networked store has: state shared by two
 * instances, pub/sub revocation, and failing closed when Redis is unreachable (OPS-6). Every store
 * here writes under this run's prefix; afterAll deletes those keys with SCAN + DEL.
 */
const runPrefix = uniqueName('iamgw_test_sessions');
let stores = 0;

function makeStore(
  url = servers.redisUrl,
  keyPrefix = `${runPrefix}:${++stores}`,
  inspectCacheMs = 0,
): RedisSessionStore {
  return new RedisSessionStore({ url, keyPrefix, ids: randomIds, inspectCacheMs });
}

const unavailable = { code: 'STORE_UNAVAILABLE', status: 503, details: { store: 'redis' } };

describeWithServer('redis', 'SessionStore contract: redis', () => {
  afterAll(() => deleteKeysUnder(runPrefix));

  describeSessionStoreContract('redis', async () => ({
    store: makeStore(),
    pass: async (ms) => void (await sleep(ms)),
  }));
  // Again with the local inspect cache on (TOK-4): the store's own writes must show in its next inspect.
  describeSessionStoreContract('redis+inspect-cache', async () => ({
    store: makeStore(servers.redisUrl, `${runPrefix}:${++stores}`, 1_000),
    pass: async (ms) => void (await sleep(ms)),
  }));

  describe('[redis] only', () => {
    it('[redis] createSessionStore picks the redis adapter for sessions.kind "redis"', async () => {
      const sessions = {
        kind: 'redis',
        redisUrl: servers.redisUrl,
        keyPrefix: `${runPrefix}:factory`,
        absoluteTtlSeconds: 60,
        idleTtlSeconds: 30,
        inspectCacheMs: 1_000,
      } as const;
      const store = createSessionStore({ sessions }, { clock: { now: () => 0 }, ids: randomIds });
      expect(store).toBeInstanceOf(RedisSessionStore);
      await expect(store.ping()).resolves.toBeUndefined();
      // sessions.inspectCacheMs reaches the adapter: its first inspect starts the cache's subscription.
      await store.inspect('no-such-session', []);
      for (let i = 0; i < 100 && !(store as RedisSessionStore).inspectCacheActive; i++) await sleep(10);
      expect((store as RedisSessionStore).inspectCacheActive).toBe(true);
      await store.close();
    });

    it('[redis] two instances share sessions, exact counters and revocation pub/sub', async () => {
      const keyPrefix = `${runPrefix}:shared`;
      const [a, b] = [makeStore(servers.redisUrl, keyPrefix), makeStore(servers.redisUrl, keyPrefix)];
      try {
        let hear: (m: ReadonlyMap<string, number>) => void = () => {};
        const heard = new Promise<ReadonlyMap<string, number>>((resolve) => (hear = resolve));
        await b.onRevoked((m) => hear(m)); // resolves once SUBSCRIBE is acknowledged
        const s = await a.create({
          principal: { accountId: 'acc', userId: 'u', type: 'user' },
          absoluteTtlMs: 60_000,
          idleTtlMs: 30_000,
        });
        expect((await b.get(s.id))?.id).toBe(s.id);
        const tries = [a, b].flatMap((st) =>
          Array.from({ length: 25 }, () => st.increment('lock', 60_000, { ceiling: 5 })),
        );
        expect((await Promise.all(tries)).filter((r) => r.applied)).toHaveLength(5);
        await a.markRevoked(['group:g'], 42);
        expect(await heard).toEqual(new Map([['group:g', 42]]));
        expect(await b.revokedAfter(['group:g'])).toEqual(new Map([['group:g', 42]]));
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('[redis] every key it writes is under the prefix and carries a TTL', async () => {
      const keyPrefix = `${runPrefix}:ttl`;
      const store = makeStore(servers.redisUrl, keyPrefix);
      const admin = new Redis(servers.redisUrl);
      try {
        const s = await store.create({
          principal: { accountId: 'acc', userId: 'u', type: 'user' },
          absoluteTtlMs: 60_000,
          idleTtlMs: 30_000,
        });
        await store.update(s.id, { csrf: 'x' });
        await store.increment('c', 60_000);
        await store.hit('w', 60_000, 5);
        await store.setIfAbsent('o', 60_000);
        await store.markRevoked(['user:u'], 1);
        await store.bumpEpochs(['iam:acc']);
        const keys = await scanKeys(admin, `${keyPrefix}:*`);
        expect(keys).toHaveLength(7);
        const ttls = await Promise.all(keys.map((k) => admin.pttl(k)));
        expect(ttls.every((t) => t > 0)).toBe(true);
      } finally {
        admin.disconnect();
        await store.close();
      }
    });

    it('[redis] a store pointed at a closed port fails fast with STORE_UNAVAILABLE', async () => {
      const port = await closedPort();
      const store = makeStore(`redis://127.0.0.1:${port}`);
      try {
        await expect(store.ping()).rejects.toMatchObject(unavailable);
        await expect(store.increment('c', 1_000, { ceiling: 5 })).rejects.toMatchObject(unavailable);
        await expect(store.get('some-session')).rejects.toMatchObject(unavailable);
        await expect(store.revokedAfter(['user:u'])).rejects.toMatchObject(unavailable);
      } finally {
        await store.close();
      }
    }, 5_000);

    it('[redis] fails closed while Redis is unreachable and recovers by itself (OPS-6)', async () => {
      const proxy = await startProxy(new URL(servers.redisUrl));
      const store = makeStore(`redis://127.0.0.1:${proxy.port}`);
      try {
        expect((await store.increment('c', 60_000)).value).toBe(1);
        await proxy.stop();
        await expect(store.increment('c', 60_000)).rejects.toMatchObject(unavailable);
        await proxy.start();
        expect(await eventually(() => store.increment('c', 60_000))).toEqual({ value: 2, applied: true });
      } finally {
        await store.close();
        await proxy.stop();
      }
    }, 8_000);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Retries while the store reports STORE_UNAVAILABLE (the client is reconnecting), up to ~5 s. */
async function eventually<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= 50 || (err as { code?: string }).code !== 'STORE_UNAVAILABLE') throw err;
      await sleep(100);
    }
  }
}
