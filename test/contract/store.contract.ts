import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock, randomIds } from '../../src/clock.js';
import { REPOSITORY_NAMES } from '../../src/store/aggregates.js';
import type { Entity, Store, StoreOptions } from '../../src/store/ports.js';
import type { StoreDeps } from '../../src/store/shared.js';
import { describeStoreContactsContract } from './store.contract-contacts.js';
import { describeStoreRelationsContract } from './store.contract-relations.js';
import { ACTOR, newAccountId, oidcProvider, repo, sample, samples } from './store.fixtures.js';

/**
 * The entity store contract (style.md §8.4): every adapter runs exactly these cases. Each case works in
 * its own fresh account id, so one store per adapter serves the whole suite without cleanup in between.
 */
export type MakeStore = (deps: StoreDeps, options?: StoreOptions) => Promise<Store>;

export interface StoreFixture {
  store: Store;
  clock: ManualClock;
  make: MakeStore;
}

/** The fields the store stamps, to compare a read against the input it was created from. */
const pickSystem = ({ id, version, createdAt, createdBy, modifiedAt, modifiedBy, tags }: Entity) => ({
  id,
  version,
  createdAt,
  createdBy,
  modifiedAt,
  modifiedBy,
  tags,
});

export function describeStoreContract(adapterName: string, makeEmptyStore: MakeStore): void {
  const fx = {} as StoreFixture;
  beforeAll(async () => {
    fx.clock = new ManualClock();
    fx.make = makeEmptyStore;
    fx.store = await makeEmptyStore({ clock: fx.clock, ids: randomIds });
  });
  afterAll(() => fx.store.close());

  describe(`store contract [${adapterName}]: CRUD per aggregate`, () => {
    it.each(REPOSITORY_NAMES)(`[${adapterName}] %s: create, get, getByName, update, delete`, async (name) => {
      const r = repo(fx.store, name);
      const created = await r.create(sample(name, newAccountId(), 1));
      const { accountId, id } = created;
      expect(created).toMatchObject({
        version: 1,
        createdBy: ACTOR,
        modifiedBy: ACTOR,
        tags: [],
        createdAt: fx.clock.now(),
      });
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(await r.get(accountId, id)).toEqual(created);
      if ('name' in created) expect(await r.getByName(accountId, created.name)).toEqual(created);

      fx.clock.advance(1000);
      const updated = await r.update(
        accountId,
        id,
        1,
        { description: 'second', tags: [{ key: 'env', value: 'dev' }] },
        'user-2',
      );
      expect(updated).toMatchObject({
        version: 2,
        description: 'second',
        modifiedBy: 'user-2',
        modifiedAt: fx.clock.now(),
        createdAt: created.createdAt,
      });
      expect(await r.get(accountId, id)).toEqual(updated);
      expect(await r.update(accountId, id, 2, { description: null }, ACTOR)).not.toHaveProperty('description');

      expect(await r.delete(accountId, id)).toBe(true);
      expect(await r.get(accountId, id)).toBeNull();
      expect(await r.delete(accountId, id)).toBe(false);
    });

    it(`[${adapterName}] opaque JSON (keys with '.' and '$') round-trips unchanged`, async () => {
      const policy = await fx.store.policies.create(samples.policies(newAccountId(), 1));
      const provider = await fx.store.providers.create(samples.providers(newAccountId(), 1));
      expect((await fx.store.policies.get(policy.accountId, policy.id))?.document).toEqual(
        samples.policies('x', 1).document,
      );
      const read = await fx.store.providers.get(provider.accountId, provider.id);
      expect(read?.kind === 'saml' && read.saml).toEqual(samples.providers('x', 1).saml);
    });

    it(`[${adapterName}] credential providers of both kinds round-trip, filter by kind and keep their own section (FED-1, FED-7)`, async () => {
      const accountId = newAccountId();
      const saml = await fx.store.providers.create(samples.providers(accountId, 1));
      const oidc = await fx.store.providers.create(oidcProvider(accountId, 2));
      expect(await fx.store.providers.get(accountId, saml.id)).toEqual(saml);
      expect(await fx.store.providers.get(accountId, oidc.id)).toEqual({
        ...oidcProvider(accountId, 2),
        ...pickSystem(oidc),
      });
      expect(oidc).not.toHaveProperty('saml');
      expect((await fx.store.providers.list(accountId, { kind: 'oidc' })).items.map((p) => p.id)).toEqual([oidc.id]);
      expect((await fx.store.providers.list(accountId, { kind: 'saml' })).items.map((p) => p.id)).toEqual([saml.id]);

      const section = { ...oidcProvider(accountId, 2).oidc, sealedClientSecret: 'v1.k1.sealed', scopes: ['openid'] };
      const updated = await fx.store.providers.update(accountId, oidc.id, 1, { oidc: section, loginUrl: null }, ACTOR);
      expect(updated).toMatchObject({ kind: 'oidc', version: 2, loginUrl: null, oidc: section });
      expect(await fx.store.providers.get(accountId, oidc.id)).toEqual(updated);
    });

    it(`[${adapterName}] misses return null, writes to a miss throw NOT_FOUND`, async () => {
      const accountId = newAccountId();
      const group = await fx.store.groups.create(samples.groups(accountId, 1));
      expect(await fx.store.groups.get(accountId, randomIds.hex32())).toBeNull();
      expect(await fx.store.groups.get(newAccountId(), group.id)).toBeNull();
      expect(await fx.store.groups.getByName(accountId, 'GROUP-1')).toBeNull();
      expect(await fx.store.accounts.getByAlias('no-such-alias')).toBeNull();
      expect(await fx.store.authKeys.getByAccessKeyId('AKNONE')).toBeNull();
      await expect(
        fx.store.groups.update(newAccountId(), group.id, 1, { description: 'x' }, ACTOR),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(fx.store.groups.mutate(accountId, randomIds.hex32(), ACTOR, () => ({}))).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await fx.store.groups.delete(newAccountId(), group.id)).toBe(false);
    });

    it(`[${adapterName}] returns copies, never internal state`, async () => {
      const accountId = newAccountId();
      const created = await fx.store.groups.create(samples.groups(accountId, 1));
      created.memberIds.push('u1');
      const read = await fx.store.groups.get(accountId, created.id);
      read?.tags.push({ key: 'k', value: 'v' });
      expect(await fx.store.groups.get(accountId, created.id)).toMatchObject({ memberIds: [], tags: [] });
    });
  });

  describe(`store contract [${adapterName}]: uniqueness`, () => {
    it(`[${adapterName}] two parallel creates of one name: exactly one wins`, async () => {
      const accountId = newAccountId();
      const results = await Promise.allSettled([1, 2].map(() => fx.store.users.create(samples.users(accountId, 7))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [loser] = results.filter((r) => r.status === 'rejected');
      expect(loser?.reason).toMatchObject({ code: 'ALREADY_EXISTS', details: { kind: 'user', field: 'name' } });
      expect(await fx.store.users.count(accountId)).toBe(1);
    });

    it(`[${adapterName}] names are per account and case-sensitive; renaming onto a taken name is refused`, async () => {
      const accountId = newAccountId();
      const a = await fx.store.policies.create({ ...samples.policies(accountId, 1), name: 'Admins' });
      await fx.store.policies.create({ ...samples.policies(accountId, 2), name: 'admins' });
      await fx.store.policies.create({ ...samples.policies(newAccountId(), 3), name: 'Admins' });
      await expect(fx.store.policies.update(accountId, a.id, 1, { name: 'admins' }, ACTOR)).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
        details: { field: 'name' },
      });
      expect(await fx.store.policies.get(accountId, a.id)).toMatchObject({ name: 'Admins', version: 1 });
    });

    it(`[${adapterName}] alias is global, optional, and reusable once released`, async () => {
      const alias = `acme-${randomIds.hex32().slice(0, 8)}`;
      const first = await fx.store.accounts.create({ ...samples.accounts('', 1), alias });
      await fx.store.accounts.create(samples.accounts('', 2));
      await fx.store.accounts.create(samples.accounts('', 3)); // two accounts without alias coexist
      const second = await fx.store.accounts.create(samples.accounts('', 4));
      expect((await fx.store.accounts.getByAlias(alias))?.id).toBe(first.id);
      const [a, b] = await Promise.allSettled([
        fx.store.accounts.update(second.id, second.id, 1, { alias }, ACTOR),
        fx.store.accounts.create({ ...samples.accounts('', 5), alias }),
      ]);
      expect([a.status, b.status]).toEqual(['rejected', 'rejected']);
      expect(a.status === 'rejected' && a.reason).toMatchObject({
        code: 'ALREADY_EXISTS',
        details: { field: 'alias' },
      });

      await fx.store.accounts.update(first.id, first.id, 1, { alias: null }, ACTOR);
      expect(await fx.store.accounts.getByAlias(alias)).toBeNull();
      await fx.store.accounts.update(second.id, second.id, 1, { alias }, ACTOR);
      expect((await fx.store.accounts.getByAlias(alias))?.id).toBe(second.id);
      expect(await fx.store.accounts.countAll()).toBeGreaterThanOrEqual(4);
    });

    it(`[${adapterName}] listEvery walks every account of the store by id, page by page, none twice`, async () => {
      const made = await Promise.all([6, 7, 8].map((n) => fx.store.accounts.create(samples.accounts('', n))));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = { limit: 2, ...(cursor === null ? {} : { cursor }) };
        const page: Awaited<ReturnType<Store['accounts']['listEvery']>> = await fx.store.accounts.listEvery(query);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((a) => a.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(made.map((a) => a.id)));
      expect(seen).toHaveLength(await fx.store.accounts.countAll());
    });

    it(`[${adapterName}] accessKeyId is globally unique and found without an account`, async () => {
      const key = await fx.store.authKeys.create(samples.authKeys(newAccountId(), 1));
      await expect(
        fx.store.authKeys.create({ ...samples.authKeys(newAccountId(), 2), accessKeyId: key.accessKeyId }),
      ).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
        details: { field: 'accessKeyId' },
      });
      expect(await fx.store.authKeys.getByAccessKeyId(key.accessKeyId)).toEqual(key);
    });

    it(`[${adapterName}] a taken id is refused`, async () => {
      const g = await fx.store.groups.create(samples.groups(newAccountId(), 1));
      await expect(fx.store.groups.create({ ...samples.groups(newAccountId(), 2), id: g.id })).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
    });
  });

  describe(`store contract [${adapterName}]: optimistic concurrency`, () => {
    it(`[${adapterName}] a stale version is refused with the current version`, async () => {
      const accountId = newAccountId();
      const role = await fx.store.roles.create(samples.roles(accountId, 1));
      await fx.store.roles.update(accountId, role.id, 1, { maxSessionSeconds: 7200 }, ACTOR);
      await expect(
        fx.store.roles.update(accountId, role.id, 1, { maxSessionSeconds: 4000 }, ACTOR),
      ).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
        details: { currentVersion: 2 },
      });
      expect(await fx.store.roles.get(accountId, role.id)).toMatchObject({ maxSessionSeconds: 7200, version: 2 });
    });

    it(`[${adapterName}] concurrent updates of one version: exactly one wins`, async () => {
      const accountId = newAccountId();
      const g = await fx.store.groups.create(samples.groups(accountId, 1));
      const results = await Promise.allSettled(
        ['a', 'b', 'c'].map((d) => fx.store.groups.update(accountId, g.id, 1, { description: d }, ACTOR)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual([
        expect.objectContaining({ code: 'VERSION_CONFLICT' }),
        expect.objectContaining({ code: 'VERSION_CONFLICT' }),
      ]);
      expect(await fx.store.groups.get(accountId, g.id)).toMatchObject({ version: 2 });
    });

    it(`[${adapterName}] mutate re-runs the updater so parallel read-modify-writes all land`, async () => {
      const accountId = newAccountId();
      const g = await fx.store.groups.create(samples.groups(accountId, 1));
      const members = ['u1', 'u2', 'u3', 'u4', 'u5'];
      await Promise.all(
        members.map((m) =>
          fx.store.groups.mutate(accountId, g.id, ACTOR, (cur) => ({ memberIds: [...cur.memberIds, m] })),
        ),
      );
      const after = await fx.store.groups.get(accountId, g.id);
      expect([...(after?.memberIds ?? [])].sort()).toEqual(members);
      expect(after?.version).toBe(1 + members.length);
      expect(await fx.store.groups.mutate(accountId, g.id, ACTOR, () => null)).toEqual(after);
    });
  });

  describeStoreRelationsContract(adapterName, fx);
  describeStoreContactsContract(adapterName, fx);
}
