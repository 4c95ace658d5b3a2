import { describe, expect, it } from '@jest/globals';
import { randomIds } from '../../src/clock.js';
import type { User } from '../../src/store/ports.js';
import type { StoreFixture } from './store.contract.js';
import { ACTOR, newAccountId, samples } from './store.fixtures.js';

/**
 * LOGIN-8 global lookup of users by verified contact. The store is shared by every case, so each case
 * uses contact values of its own (a random tag) and never sees another case's users.
 */
export function describeStoreContactsContract(adapterName: string, fx: StoreFixture): void {
  const unique = () => randomIds.hex32().slice(0, 10);
  const user = (accountId: string, n: number, patch: Partial<User>) =>
    fx.store.users.create({ ...samples.users(accountId, n), email: null, phone: null, ...patch });

  describe(`store contract [${adapterName}]: users by verified contact (LOGIN-8)`, () => {
    it(`[${adapterName}] finds verified e-mails across accounts, case- and space-insensitively; never unverified ones`, async () => {
      const tag = unique();
      const [a, b, c] = [newAccountId(), newAccountId(), newAccountId()];
      const root = await user(a, 1, { kind: 'root', email: { value: `Owner.${tag}@Example.COM`, verified: true } });
      const iam = await user(b, 2, { email: { value: `  owner.${tag}@example.com `, verified: true } });
      await user(c, 3, { email: { value: `owner.${tag}@example.com`, verified: false } });
      await user(c, 4, { email: { value: `other.${tag}@example.com`, verified: true } });
      const found = await fx.store.users.findByVerifiedContact('email', `OWNER.${tag}@example.com`);
      expect(found.map((u) => u.id).sort()).toEqual([root.id, iam.id].sort());
      expect(found.find((u) => u.id === root.id)).toEqual(root); // whole user, no derived fields leak
      expect(found.map((u) => u.id)).toEqual([...found.map((u) => u.id)].sort()); // ordered by id
    });

    it(`[${adapterName}] phones match on digits with a leading '+'; a '+' elsewhere or a missing one is a different number`, async () => {
      const digits = String(Date.now()).slice(-8) + String(Math.floor(Math.random() * 90 + 10));
      const [a, b] = [newAccountId(), newAccountId()];
      const one = await user(a, 1, {
        phone: { value: `+82 ${digits.slice(0, 2)}-${digits.slice(2)}`, verified: true },
      });
      const two = await user(b, 2, {
        phone: { value: `+82(${digits.slice(0, 5)}) ${digits.slice(5)}`, verified: true },
      });
      const local = await user(b, 3, { phone: { value: `82${digits}`, verified: true } });
      expect((await fx.store.users.findByVerifiedContact('phone', `+82${digits}`)).map((u) => u.id).sort()).toEqual(
        [one.id, two.id].sort(),
      );
      expect((await fx.store.users.findByVerifiedContact('phone', `82 ${digits}`)).map((u) => u.id)).toEqual([
        local.id,
      ]);
      expect(await fx.store.users.findByVerifiedContact('phone', '()- ')).toEqual([]);
      expect(await fx.store.users.findByVerifiedContact('email', '   ')).toEqual([]);
      // an e-mail lookup never searches phones, nor the reverse
      expect(await fx.store.users.findByVerifiedContact('email', `+82${digits}`)).toEqual([]);
    });

    it(`[${adapterName}] follows updates: verifying adds, unverifying, changing or removing the contact drops the user`, async () => {
      const tag = unique();
      const accountId = newAccountId();
      const email = `late.${tag}@example.com`;
      const u = await user(accountId, 1, {
        email: { value: email, verified: false },
        phone: { value: `+1555${tag.replace(/\D/g, '')}0`, verified: true },
      });
      const find = async () => (await fx.store.users.findByVerifiedContact('email', email)).map((x) => x.version);
      expect(await find()).toEqual([]);
      await fx.store.users.update(accountId, u.id, 1, { email: { value: email, verified: true } }, ACTOR);
      expect(await find()).toEqual([2]);
      await fx.store.users.update(accountId, u.id, 2, { description: 'unrelated write' }, ACTOR);
      expect(await find()).toEqual([3]); // a patch without the contact leaves its key alone
      await fx.store.users.mutate(accountId, u.id, ACTOR, () => ({
        email: { value: `moved.${tag}@example.com`, verified: true },
      }));
      expect(await find()).toEqual([]);
      expect(
        (await fx.store.users.findByVerifiedContact('email', `MOVED.${tag}@example.com`)).map((x) => x.id),
      ).toEqual([u.id]);
      await fx.store.users.update(accountId, u.id, 4, { email: null }, ACTOR);
      expect(await fx.store.users.findByVerifiedContact('email', `moved.${tag}@example.com`)).toEqual([]);
      expect((await fx.store.users.get(accountId, u.id))?.phone?.verified).toBe(true); // the other contact is untouched
      await fx.store.users.delete(accountId, u.id);
      expect(await fx.store.users.findByVerifiedContact('email', `moved.${tag}@example.com`)).toEqual([]);
    });

    it(`[${adapterName}] answers are bounded: at most the limit, capped at 50`, async () => {
      const email = `many.${unique()}@example.com`;
      await Promise.all(
        Array.from({ length: 53 }, (_, i) => user(newAccountId(), i, { email: { value: email, verified: true } })),
      );
      const all = await fx.store.users.findByVerifiedContact('email', email);
      expect(all).toHaveLength(50);
      expect(await fx.store.users.findByVerifiedContact('email', email, 500)).toHaveLength(50);
      const three = await fx.store.users.findByVerifiedContact('email', email, 3);
      expect(three.map((u) => u.id)).toEqual(all.slice(0, 3).map((u) => u.id));
    });
  });
}
