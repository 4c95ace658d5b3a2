import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { SessionPrincipal, SessionStore } from '../../src/sessions/ports.js';

/**
 * The SessionStore contract (style.md §8.4): every adapter runs exactly these tests with the same
 * expectations. Durations are a few hundred ms so the Redis run can let real time pass; the memory run
 * advances a ManualClock by the same amounts. Gaps are chosen with ≥ 100 ms of margin either side.
 */
export interface StoreUnderTest {
  store: SessionStore;
  /** Lets `ms` of time pass as the store sees it (a property: the contract destructures it). */
  pass: (ms: number) => Promise<void>;
}

export type MakeEmptyStore = () => Promise<StoreUnderTest>;

const alice: SessionPrincipal = { accountId: 'a'.repeat(32), userId: 'alice', type: 'user' };
const bob: SessionPrincipal = { accountId: 'a'.repeat(32), userId: 'bob', type: 'user' };
const long = { absoluteTtlMs: 60_000, idleTtlMs: 30_000 };

export function describeSessionStoreContract(adapterName: string, makeEmptyStore: MakeEmptyStore): void {
  const title = (what: string): string => `[${adapterName}] ${what}`;
  let store: SessionStore;
  let pass: (ms: number) => Promise<void>;

  beforeEach(async () => {
    ({ store, pass } = await makeEmptyStore());
  });
  afterEach(async () => {
    await store.close();
  });

  describe(title('sessions (LOGIN-6)'), () => {
    it(title('create gives a fresh 256-bit id; get returns the session; an unknown id is a miss'), async () => {
      const a = await store.create({ principal: alice, data: { csrf: 't1' }, ...long });
      const b = await store.create({ principal: alice, ...long });
      expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
      expect(a.id).not.toBe(b.id);
      const got = await store.get(a.id);
      expect(got).toMatchObject({ id: a.id, principal: alice, data: { csrf: 't1' }, createdAtMs: a.createdAtMs });
      expect(got?.absoluteExpiresAtMs).toBe(a.createdAtMs + long.absoluteTtlMs);
      expect(await store.get(b.id)).toMatchObject({ data: {} });
      expect(await store.get('no-such-session')).toBeNull();
    });

    it(title('a session unused for its idle TTL is gone'), async () => {
      const s = await store.create({ principal: alice, absoluteTtlMs: 60_000, idleTtlMs: 200 });
      await pass(300);
      expect(await store.get(s.id)).toBeNull();
      expect(await store.listForUser(alice.accountId, alice.userId)).toEqual([]);
    });

    it(title('get touches the idle timer'), async () => {
      const s = await store.create({ principal: alice, absoluteTtlMs: 60_000, idleTtlMs: 400 });
      await pass(250);
      const touched = await store.get(s.id);
      expect(touched?.lastSeenAtMs).toBeGreaterThan(s.lastSeenAtMs);
      await pass(250); // 500 ms after creation, 250 after the touch
      expect(await store.get(s.id)).not.toBeNull();
    });

    it(title('touches never extend past the absolute expiry'), async () => {
      const s = await store.create({ principal: alice, absoluteTtlMs: 500, idleTtlMs: 300 });
      const other = await store.create({ principal: alice, ...long });
      await pass(200);
      expect(await store.get(s.id)).not.toBeNull();
      await pass(200);
      const late = await store.get(s.id);
      expect(late?.idleExpiresAtMs).toBe(late?.absoluteExpiresAtMs);
      await pass(200); // idle alone would allow until 700 ms
      expect((await store.listForUser(alice.accountId, alice.userId)).map((x) => x.id)).toEqual([other.id]);
      expect(await store.get(s.id)).toBeNull();
    });

    it(title('update merges the patch atomically, null removes a key, a miss writes nothing'), async () => {
      const s = await store.create({ principal: alice, data: { csrf: 'x', mfaStep: 'totp' }, ...long });
      const updated = await store.update(s.id, { mfaStep: null, reconfirmFailures: 2, mfa: true });
      expect(updated?.data).toEqual({ csrf: 'x', reconfirmFailures: 2, mfa: true });
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.update(s.id, { [`k${i}`]: i })));
      const after = await store.get(s.id);
      expect(Object.keys(after?.data ?? {})).toHaveLength(23);
      expect(after?.data['k19']).toBe(19);
      expect(await store.update('no-such-session', { a: 1 })).toBeNull();
      expect(await store.get('no-such-session')).toBeNull();
    });

    it(title('end ends one session, idempotently'), async () => {
      const s = await store.create({ principal: alice, ...long });
      const other = await store.create({ principal: alice, ...long });
      expect(await store.end(s.id)).toBe(true);
      expect(await store.get(s.id)).toBeNull();
      expect(await store.end(s.id)).toBe(false);
      expect((await store.listForUser(alice.accountId, alice.userId)).map((x) => x.id)).toEqual([other.id]);
    });

    it(title('listForUser lists live sessions oldest first; endAllForUser leaves other users alone'), async () => {
      const short = await store.create({ principal: alice, absoluteTtlMs: 60_000, idleTtlMs: 200 });
      await pass(300); // `short` idles out and must be pruned from the index
      const a1 = await store.create({ principal: alice, ...long });
      await pass(5);
      const a2 = await store.create({ principal: alice, ...long });
      const b1 = await store.create({ principal: bob, ...long });
      const listed = await store.listForUser(alice.accountId, alice.userId);
      expect(listed.map((s) => s.id)).toEqual([a1.id, a2.id]);
      expect(listed.map((s) => s.id)).not.toContain(short.id);
      expect(await store.endAllForUser(alice.accountId, alice.userId)).toBe(2);
      expect(await store.get(a1.id)).toBeNull();
      expect(await store.get(a2.id)).toBeNull();
      expect(await store.listForUser(alice.accountId, alice.userId)).toEqual([]);
      expect(await store.get(b1.id)).not.toBeNull();
      expect((await store.listForUser(bob.accountId, bob.userId)).map((s) => s.id)).toEqual([b1.id]);
      expect(await store.endAllForUser(alice.accountId, alice.userId)).toBe(0);
    });
  });

  describe(title('counters (LOGIN-3)'), () => {
    it(title('a counter expires its TTL after the first increment, not the last'), async () => {
      expect(await store.increment('c', 250)).toEqual({ value: 1, applied: true });
      await pass(150);
      expect(await store.increment('c', 250)).toEqual({ value: 2, applied: true });
      expect(await store.getCounter('c')).toBe(2);
      await pass(200); // 350 ms after the first increment, 200 after the second
      expect(await store.getCounter('c')).toBe(0);
      expect(await store.increment('c', 250)).toEqual({ value: 1, applied: true });
    });

    it(title('resetCounter clears; an absent counter reads 0; keys are independent'), async () => {
      await store.increment('lockout:u1', 60_000);
      await store.increment('lockout:u2', 60_000);
      await store.resetCounter('lockout:u1');
      expect(await store.getCounter('lockout:u1')).toBe(0);
      expect(await store.getCounter('lockout:u2')).toBe(1);
      expect(await store.getCounter('never')).toBe(0);
    });
  });

  describe(title('sliding window (LOGIN-3 throttle)'), () => {
    it(
      title('allows `limit` hits, refuses the next with a positive retryAfter, allows again after the window'),
      async () => {
        for (let i = 1; i <= 3; i++)
          expect(await store.hit('ip:1', 300, 3)).toEqual({ allowed: true, count: i, retryAfterMs: 0 });
        const refused = await store.hit('ip:1', 300, 3);
        expect(refused).toMatchObject({ allowed: false, count: 3 });
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
        expect((await store.hit('ip:2', 300, 3)).allowed).toBe(true);
        await pass(400);
        expect(await store.hit('ip:1', 300, 3)).toEqual({ allowed: true, count: 1, retryAfterMs: 0 });
      },
    );
  });

  describe(title('replay cache (LOGIN-4, FED-5)'), () => {
    it(title('setIfAbsent is true once until the key expires'), async () => {
      expect(await store.setIfAbsent('totp:u1:123456', 200)).toBe(true);
      expect(await store.setIfAbsent('totp:u1:123456', 200)).toBe(false);
      expect(await store.setIfAbsent('totp:u1:654321', 200)).toBe(true);
      await pass(300);
      expect(await store.setIfAbsent('totp:u1:123456', 200)).toBe(true);
    });
  });

  describe(title('revocation markers (ENT-5, TOK-4)'), () => {
    it(title('keep the maximum per subject and are read together'), async () => {
      await store.markRevoked(['user:u1', 'group:g1'], 1_000);
      await store.markRevoked(['user:u1'], 500);
      await store.markRevoked(['group:g1'], 2_000);
      const revoked = await store.revokedAfter(['user:u1', 'group:g1', 'session:none']);
      expect(revoked).toEqual(
        new Map([
          ['user:u1', 1_000],
          ['group:g1', 2_000],
        ]),
      );
      expect(await store.revokedAfter([])).toEqual(new Map());
    });

    it(title('onRevoked listeners get the stored maxima until they unsubscribe'), async () => {
      const dropped: ReadonlyMap<string, number>[] = [];
      const unsubscribe = await store.onRevoked((m) => dropped.push(m));
      let see: (m: ReadonlyMap<string, number>) => void = () => {};
      const seen = new Promise<ReadonlyMap<string, number>>((resolve) => (see = resolve));
      await store.onRevoked((m) => see(m));
      unsubscribe();
      await store.markRevoked(['user:u2'], 3_000);
      await store.markRevoked(['user:u2'], 1_000);
      expect(await seen).toEqual(new Map([['user:u2', 3_000]]));
      expect(dropped).toEqual([]);
    });
  });

  describe(title('epochs (IAM policy-set versions, TOK-4)'), () => {
    it(
      title('a bump gives a new value every time; absent keys are left out; inspect reads them with the markers'),
      async () => {
        const s = await store.create({ principal: alice, ...long });
        expect((await store.inspect(s.id, ['user:alice'], ['iam:acc1'])).epochs).toEqual(new Map());
        await store.bumpEpochs(['iam:acc1']);
        const first = (await store.inspect(s.id, [], ['iam:acc1', 'iam:acc2'])).epochs;
        expect([...first.keys()]).toEqual(['iam:acc1']);
        await store.bumpEpochs(['iam:acc1', 'iam:acc2']);
        await store.markRevoked(['user:alice'], 1_000);
        const second = await store.inspect(s.id, ['user:alice', 'group:none'], ['iam:acc1', 'iam:acc2', 'iam:acc3']);
        expect(second.live).toBe(true);
        expect(second.revoked).toEqual(new Map([['user:alice', 1_000]]));
        expect([...second.epochs.keys()]).toEqual(['iam:acc1', 'iam:acc2']);
        expect(second.epochs.get('iam:acc1')).not.toBe(first.get('iam:acc1'));
        expect(second.epochs.get('iam:acc2')).not.toBe(second.epochs.get('iam:acc1'));
        // Without epoch keys the answer is what it always was (callers that predate epochs).
        expect(await store.inspect(s.id, ['user:alice'])).toEqual({
          live: true,
          revoked: new Map([['user:alice', 1_000]]),
          epochs: new Map(),
        });
        expect((await store.inspect('no-such-session', [], ['iam:acc1'])).live).toBe(false);
      },
    );

    it(title('20 parallel bumps of one key leave 20 distinct values seen by no one twice'), async () => {
      const s = await store.create({ principal: alice, ...long });
      const seen = await Promise.all(
        Array.from({ length: 20 }, async () => {
          await store.bumpEpochs(['iam:acc1']);
          return (await store.inspect(s.id, [], ['iam:acc1'])).epochs.get('iam:acc1');
        }),
      );
      expect(seen.every((v) => typeof v === 'string' && v.length > 0)).toBe(true);
      await store.bumpEpochs(['iam:acc1']);
      expect(seen).not.toContain((await store.inspect(s.id, [], ['iam:acc1'])).epochs.get('iam:acc1'));
    });
  });

  describe(title('concurrency'), () => {
    it(title('50 parallel increments count exactly 50'), async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => store.increment('par', 60_000)));
      expect(results.every((r) => r.applied)).toBe(true);
      expect(results.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await store.getCounter('par')).toBe(50);
    });

    it(title('50 parallel increments with ceiling 5 apply exactly 5'), async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.increment('lock', 60_000, { ceiling: 5 })),
      );
      expect(results.filter((r) => r.applied)).toHaveLength(5);
      expect(results.filter((r) => !r.applied).every((r) => r.value === 5)).toBe(true);
      expect(await store.getCounter('lock')).toBe(5);
    });

    it(title('20 parallel setIfAbsent: exactly one wins'), async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => store.setIfAbsent('saml:id-1', 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it(title('20 parallel hits on a limit of 5: exactly 5 allowed'), async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => store.hit('acct:1', 60_000, 5)));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
      expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true);
    });
  });
}
