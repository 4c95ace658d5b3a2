import { describe, expect, it } from '@jest/globals';
import { randomIds } from '../../src/clock.js';
import type { Page } from '../../src/store/ports.js';
import type { StoreFixture } from './store.contract.js';
import { ACTOR, newAccountId, samples, tags } from './store.fixtures.js';

/** Second half of the store contract: lists, filters, tags, bulk delete, reverse lookups, audit. */
export function describeStoreRelationsContract(adapterName: string, fx: StoreFixture): void {
  async function walk<T extends { id: string }>(
    next: (cursor?: string) => Promise<Page<T>>,
  ): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let pages = 0;
    let cursor: string | null | undefined;
    do {
      const page = await next(cursor ?? undefined);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    return { ids, pages };
  }

  describe(`store contract [${adapterName}]: lists and filters`, () => {
    it(`[${adapterName}] pages through more than one page without duplicates or gaps`, async () => {
      const accountId = newAccountId();
      const created = await Promise.all(
        Array.from({ length: 23 }, (_, i) => fx.store.groups.create(samples.groups(accountId, i))),
      );
      await fx.store.groups.create(samples.groups(newAccountId(), 0)); // another account's group never shows
      const { ids, pages } = await walk((cursor) =>
        fx.store.groups.list(accountId, { limit: 10, ...(cursor ? { cursor } : {}) }),
      );
      expect(pages).toBe(3);
      expect(ids).toHaveLength(23);
      expect(new Set(ids)).toEqual(new Set(created.map((g) => g.id)));
    });

    it(`[${adapterName}] filters by name prefix and by tag key or key+value`, async () => {
      const accountId = newAccountId();
      const mk = (name: string, t: Array<{ key: string; value: string }>) =>
        fx.store.groups.create({ ...samples.groups(accountId, 0), name, tags: t });
      await mk('dev-ops', [{ key: 'env', value: 'dev' }]);
      await mk('dev-web', [{ key: 'env', value: 'prod' }]);
      await mk('Dev-db', []);
      await mk('ops', [{ key: 'team', value: 'dev' }]);
      const names = async (q: Parameters<typeof fx.store.groups.list>[1]) =>
        (await fx.store.groups.list(accountId, q)).items.map((g) => g.name).sort();
      expect(await names({ namePrefix: 'dev-' })).toEqual(['dev-ops', 'dev-web']);
      expect(await names({ tag: { key: 'env' } })).toEqual(['dev-ops', 'dev-web']);
      expect(await names({ tag: { key: 'env', value: 'dev' } })).toEqual(['dev-ops']);
      expect(await names({ namePrefix: 'dev', tag: { key: 'env', value: 'prod' } })).toEqual(['dev-web']);
      expect(await names({ tag: { key: 'dev' } })).toEqual([]);
    });

    it(`[${adapterName}] filters auth keys by user and parent key`, async () => {
      const accountId = newAccountId();
      const parent = await fx.store.authKeys.create({ ...samples.authKeys(accountId, 0), userId: 'alice' });
      await fx.store.authKeys.create({ ...samples.authKeys(accountId, 0), userId: 'bob' });
      const temp = await fx.store.authKeys.create({
        ...samples.authKeys(accountId, 0),
        userId: 'alice',
        kind: 'tempkey',
        parentKeyId: parent.id,
      });
      expect((await fx.store.authKeys.list(accountId, { userId: 'alice' })).items.map((k) => k.id).sort()).toEqual(
        [parent.id, temp.id].sort(),
      );
      expect((await fx.store.authKeys.list(accountId, { parentKeyId: parent.id })).items).toEqual([temp]);
    });
  });

  describe(`store contract [${adapterName}]: tags`, () => {
    it(`[${adapterName}] 50 tags are fine, 51 or a duplicate key are refused and nothing is written`, async () => {
      const accountId = newAccountId();
      const ok = await fx.store.roles.create({ ...samples.roles(accountId, 1), tags: tags(50) });
      expect(ok.tags).toHaveLength(50);
      await expect(fx.store.roles.create({ ...samples.roles(accountId, 2), tags: tags(51) })).rejects.toMatchObject({
        code: 'TOO_MANY_TAGS',
      });
      const dup = [...tags(2), { key: 'k0', value: 'other' }];
      await expect(fx.store.roles.create({ ...samples.roles(accountId, 3), tags: dup })).rejects.toMatchObject({
        code: 'DUPLICATE_TAG_KEY',
        details: { key: 'k0' },
      });
      await expect(fx.store.roles.update(accountId, ok.id, 1, { tags: tags(51) }, ACTOR)).rejects.toMatchObject({
        code: 'TOO_MANY_TAGS',
      });
      await expect(fx.store.roles.update(accountId, ok.id, 1, { tags: dup }, ACTOR)).rejects.toMatchObject({
        code: 'DUPLICATE_TAG_KEY',
      });
      expect(await fx.store.roles.count(accountId)).toBe(1);
      expect(await fx.store.roles.get(accountId, ok.id)).toEqual(ok);
    });

    it(`[${adapterName}] the tag limit is a constructor option`, async () => {
      const small = await fx.make({ clock: fx.clock, ids: randomIds }, { maxTags: 2 });
      try {
        await expect(
          small.projects.create({ ...samples.projects(newAccountId(), 1), tags: tags(3) }),
        ).rejects.toMatchObject({
          code: 'TOO_MANY_TAGS',
          details: { max: 2 },
        });
      } finally {
        await small.close();
      }
    });
  });

  describe(`store contract [${adapterName}]: bulk delete and counts`, () => {
    it(`[${adapterName}] bulk delete reports deleted and missing ids, counts follow`, async () => {
      const accountId = newAccountId();
      const [u1, u2, u3] = await Promise.all([1, 2, 3].map((n) => fx.store.users.create(samples.users(accountId, n))));
      const foreign = await fx.store.users.create(samples.users(newAccountId(), 1));
      const missing = randomIds.hex32();
      expect(await fx.store.users.count(accountId)).toBe(3);
      const result = await fx.store.users.bulkDelete(accountId, [u1!.id, missing, u3!.id, foreign.id]);
      expect(result).toEqual({ deleted: [u1!.id, u3!.id], notFound: [missing, foreign.id] });
      expect(await fx.store.users.count(accountId)).toBe(1);
      expect(await fx.store.users.get(accountId, u2!.id)).not.toBeNull();
      expect(await fx.store.users.count(foreign.accountId)).toBe(1);
    });
  });

  describe(`store contract [${adapterName}]: reverse lookups`, () => {
    it(`[${adapterName}] lists the groups of a member and the connected targets of a policy`, async () => {
      const accountId = newAccountId();
      const policy = await fx.store.policies.create(samples.policies(accountId, 1));
      const user = await fx.store.users.create({ ...samples.users(accountId, 1), policyIds: [policy.id] });
      await fx.store.users.create(samples.users(accountId, 2));
      const g1 = await fx.store.groups.create({
        ...samples.groups(accountId, 1),
        memberIds: [user.id, 'other'],
        policyIds: [policy.id],
      });
      const g2 = await fx.store.groups.create({
        ...samples.groups(accountId, 2),
        memberIds: [user.id],
        roleBindings: [{ scope: 'project', projectId: 'p1', policyIds: ['x', policy.id] }],
      });
      await fx.store.groups.create(samples.groups(accountId, 3));
      const role = await fx.store.roles.create({ ...samples.roles(accountId, 1), policyIds: [policy.id] });

      const ofMember = await fx.store.groups.list(accountId, { memberId: user.id });
      expect(ofMember.items.map((g) => g.id).sort()).toEqual([g1.id, g2.id].sort());
      const targets = await fx.store.policyTargets(accountId, policy.id);
      expect(targets.users.map((u) => u.id)).toEqual([user.id]);
      expect(targets.groups.map((g) => g.id).sort()).toEqual([g1.id, g2.id].sort());
      expect(targets.roles.map((r) => r.id)).toEqual([role.id]);
      expect(await fx.store.policyTargets(newAccountId(), policy.id)).toEqual({ users: [], groups: [], roles: [] });
    });
  });

  describe(`store contract [${adapterName}]: audit log`, () => {
    it(`[${adapterName}] appends and lists newest first, by time range and in pages`, async () => {
      const accountId = newAccountId();
      const t0 = fx.clock.now();
      const event = (i: number) => ({
        accountId,
        actor: 'u1',
        action: `act-${i}`,
        target: null,
        sourceIp: '10.0.0.1',
        result: 'success' as const,
        reasonCode: null,
        details: { i },
      });
      for (let i = 0; i < 7; i++) {
        await fx.store.audit.append(event(i));
        fx.clock.advance(1000);
      }
      await fx.store.audit.append({ ...event(99), accountId: newAccountId() });
      const first = await fx.store.audit.list(accountId, { limit: 3 });
      expect(first.items.map((e) => e.action)).toEqual(['act-6', 'act-5', 'act-4']);
      expect(first.items[0]).toMatchObject({ at: t0 + 6000, details: { i: 6 }, sourceIp: '10.0.0.1' });
      const { ids, pages } = await walk((cursor) =>
        fx.store.audit.list(accountId, { limit: 3, ...(cursor ? { cursor } : {}) }),
      );
      expect([ids.length, new Set(ids).size, pages]).toEqual([7, 7, 3]);
      const ranged = await fx.store.audit.list(accountId, { from: t0 + 2000, to: t0 + 5000 });
      expect(ranged.items.map((e) => e.action)).toEqual(['act-4', 'act-3', 'act-2']);
      expect(ranged.nextCursor).toBeNull();
      expect(
        Object.keys(fx.store.audit).concat(Object.getOwnPropertyNames(Object.getPrototypeOf(fx.store.audit))),
      ).not.toContain('delete');
    });
  });
}
