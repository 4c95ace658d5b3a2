import { afterAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { ManualClock, randomIds } from '../../../src/clock.js';
import { MemorySessionStore } from '../../../src/sessions/memory.js';
import { RedisSessionStore } from '../../../src/sessions/redis.js';
import type { SessionStore } from '../../../src/sessions/ports.js';
import { MemorySigningKeyStore } from '../../../src/store/memory/signing-key-store.js';
import { MongoSigningKeyStore } from '../../../src/store/mongo/signing-key-store.js';
import type { SigningKeyStore, StoredSigningKey } from '../../../src/tokens/index.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';

/** The two ports the token capability adds to or relies on, on every adapter. */
const key = (id: string, publishedUntilMs: number, kid = `kid-${id}`): StoredSigningKey => ({
  id,
  kid,
  alg: 'ES256',
  publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
  sealedPrivateKey: 'v1.a.b.c',
  createdAtMs: 1,
  activeFromMs: publishedUntilMs - 100,
  activeUntilMs: publishedUntilMs - 50,
  publishedUntilMs,
});

function signingKeyStoreContract(name: string, make: () => Promise<SigningKeyStore>): void {
  let store: SigningKeyStore;
  afterAll(() => store?.close());

  it(`[${name}] insert-if-absent: the first insert of an id wins, racing inserts all get the winner`, async () => {
    store = await make();
    const stored = await Promise.all(
      ['a', 'b', 'c', 'd'].map((k) => store.insertIfAbsent(key('ES256-1', 1000, `kid-${k}`))),
    );
    expect(new Set(stored.map((k) => k.kid)).size).toBe(1);
    expect(await store.insertIfAbsent(key('ES256-1', 1000, 'late'))).toEqual(stored[0]);
  });

  it(`[${name}] lists published keys oldest first, deletes expired ones`, async () => {
    await store.insertIfAbsent(key('ES256-0', 500));
    await store.insertIfAbsent(key('ES256-2', 1500));
    expect((await store.listPublished(400)).map((k) => k.id)).toEqual(['ES256-0', 'ES256-1', 'ES256-2']);
    expect((await store.listPublished(999)).map((k) => k.id)).toEqual(['ES256-1', 'ES256-2']);
    expect(await store.deleteExpired(1000)).toBe(2);
    expect((await store.listPublished(0)).map((k) => k.publicJwk)).toEqual([key('x', 1).publicJwk]);
  });

  it(`[${name}] replaceSealed is a compare-and-swap on the sealed key (reseal-secrets after a KEK rotation)`, async () => {
    await store.insertIfAbsent(key('ES256-9', 5000));
    const racers = await Promise.all(['v2.one', 'v2.two'].map((s) => store.replaceSealed('ES256-9', 'v1.a.b.c', s)));
    expect(racers.filter(Boolean)).toHaveLength(1);
    const stored = (await store.listPublished(0)).find((k) => k.id === 'ES256-9');
    expect(['v2.one', 'v2.two']).toContain(stored?.sealedPrivateKey);
    expect(await store.replaceSealed('ES256-9', 'v1.a.b.c', 'v2.late')).toBe(false); // expected value is stale
    expect(await store.replaceSealed('ES256-404', 'v1.a.b.c', 'v2.x')).toBe(false);
    const after = (await store.listPublished(0)).find((k) => k.id === 'ES256-9');
    expect(after).toEqual({ ...key('ES256-9', 5000), sealedPrivateKey: stored?.sealedPrivateKey });
  });
}

function inspectContract(name: string, make: () => SessionStore): void {
  const store = make();
  afterAll(() => store.close());

  it(`[${name}] inspect: liveness and markers in one answer, without touching the idle timer`, async () => {
    const s = await store.create({
      principal: { accountId: 'a', userId: uniqueName('u'), type: 'user' },
      absoluteTtlMs: 60_000,
      idleTtlMs: 30_000,
    });
    const k = uniqueName('user:');
    expect(await store.inspect(s.id, [k])).toEqual({ live: true, revoked: new Map(), epochs: new Map() });
    await store.markRevoked([k], 1234);
    expect(await store.inspect(s.id, [k, uniqueName('group:')])).toEqual({
      live: true,
      revoked: new Map([[k, 1234]]),
      epochs: new Map(),
    });
    expect((await store.listForUser('a', s.principal.userId))[0]?.lastSeenAtMs).toBe(s.lastSeenAtMs);
    await store.end(s.id);
    expect(await store.inspect(s.id, [])).toEqual({ live: false, revoked: new Map(), epochs: new Map() });
  });
}

describe('SigningKeyStore contract [memory]', () =>
  signingKeyStoreContract('memory', async () => new MemorySigningKeyStore()));
describe('SessionStore.inspect [memory]', () =>
  inspectContract('memory', () => new MemorySessionStore({ clock: new ManualClock(), ids: randomIds })));

describeWithServer('mongo', 'SigningKeyStore contract [mongo]', () => {
  // The body also runs (skipped) without a server, so the URL must parse then too.
  const url = new URL(servers.mongoUri || 'mongodb://127.0.0.1:27017/unused');
  url.pathname = `/${uniqueName('iamgw_keys').slice(0, 60)}`;
  afterAll(async () => {
    const conn = await mongoose.createConnection(url.toString(), { serverSelectionTimeoutMS: 2000 }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });
  signingKeyStoreContract('mongo', async () => {
    const store = new MongoSigningKeyStore(url.toString());
    await store.init();
    return store;
  });
  it('[mongo] an unreachable server fails closed with STORE_UNAVAILABLE', async () => {
    const store = new MongoSigningKeyStore('mongodb://127.0.0.1:9/x', 300);
    await expect(store.listPublished(0)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });
});

describeWithServer('redis', 'SessionStore.inspect [redis]', () =>
  inspectContract(
    'redis',
    () => new RedisSessionStore({ url: servers.redisUrl, keyPrefix: uniqueName('iamgw-inspect'), ids: randomIds }),
  ),
);
