import { describe, expect, it } from '@jest/globals';
import { revocationKeys } from '../../../src/iam/index.js';
import { iamFixture } from './setup.js';

/** ENT-5: each event that takes permissions away writes its marker at the time of the event. */
describe('revocation hooks (ENT-5)', () => {
  it('exports the key format the token verifier uses', () => {
    expect(revocationKeys.user('u1')).toBe('user:u1');
    expect(revocationKeys.group('g1')).toBe('group:g1');
  });

  it('removing a member marks the user; adding one marks nothing', async () => {
    const f = await iamFixture();
    const u = await f.user('member');
    const g = await f.iam.groups.create(f.accountId, { name: 'grp' }, 'test');
    await f.iam.groups.addMembers(f.accountId, g.id, { userIds: [u.id] }, 'test');
    expect(await f.sessions.revokedAfter([revocationKeys.user(u.id), revocationKeys.group(g.id)])).toEqual(new Map());
    f.clock.advance(5000);
    await f.iam.groups.removeMember(f.accountId, g.id, u.id, 'test');
    expect(await f.sessions.revokedAfter([revocationKeys.user(u.id)])).toEqual(
      new Map([[revocationKeys.user(u.id), f.clock.now()]]),
    );
  });

  it('deleting a group marks the group and each member', async () => {
    const f = await iamFixture();
    const [u, v] = [await f.user('m1'), await f.user('m2')];
    const g = await f.iam.groups.create(f.accountId, { name: 'doomed', memberIds: [u.id, v.id] }, 'test');
    f.clock.advance(1000);
    await f.iam.groups.delete(f.accountId, g.id, 'test');
    const keys = [revocationKeys.group(g.id), revocationKeys.user(u.id), revocationKeys.user(v.id)];
    expect(await f.sessions.revokedAfter(keys)).toEqual(new Map(keys.map((k) => [k, f.clock.now()])));
  });

  it('detaching a policy from a user marks the user; from a group marks the group', async () => {
    const f = await iamFixture();
    const p = f.builtin.ReadOnlyAccess as string;
    const u = await f.user('attached', { policyIds: [p] });
    const g = await f.iam.groups.create(f.accountId, { name: 'pgroup', policyIds: [p] }, 'test');
    f.clock.advance(1000);
    await f.iam.users.detachPolicy(f.accountId, u.id, p, 'test');
    const t1 = f.clock.now();
    f.clock.advance(1000);
    await f.iam.groups.detachPolicy(f.accountId, g.id, p, 'test');
    expect(await f.sessions.revokedAfter([revocationKeys.user(u.id), revocationKeys.group(g.id)])).toEqual(
      new Map([
        [revocationKeys.user(u.id), t1],
        [revocationKeys.group(g.id), f.clock.now()],
      ]),
    );
  });

  it('disabling and deleting a user mark the user; an ordinary edit marks nothing', async () => {
    const f = await iamFixture();
    const u = await f.user('leaver');
    const w = await f.user('other');
    await f.iam.users.update(f.accountId, w.id, { version: 1, timezone: 'UTC' }, 'test');
    expect(await f.sessions.revokedAfter([revocationKeys.user(w.id)])).toEqual(new Map());
    f.clock.advance(1000);
    await f.iam.users.update(f.accountId, u.id, { version: 1, state: 'disabled' }, 'test');
    const disabledAt = f.clock.now();
    expect((await f.sessions.revokedAfter([revocationKeys.user(u.id)])).get(revocationKeys.user(u.id))).toBe(
      disabledAt,
    );
    f.clock.advance(1000);
    await f.iam.users.delete(f.accountId, w.id, 'test');
    expect((await f.sessions.revokedAfter([revocationKeys.user(w.id)])).get(revocationKeys.user(w.id))).toBe(
      f.clock.now(),
    );
  });

  it('removing a role binding marks the group; a refused write (Redis down) changes nothing', async () => {
    const f = await iamFixture();
    const u = await f.user('bound');
    const g = await f.iam.groups.create(f.accountId, { name: 'bgroup', memberIds: [u.id] }, 'test');
    await f.iam.groups.setBindings(
      f.accountId,
      g.id,
      { scope: 'account', policyIds: [f.builtin.ReadOnlyAccess] },
      'test',
    );
    f.clock.advance(1000);
    await f.iam.groups.removeBindings(f.accountId, g.id, {}, 'test');
    expect((await f.sessions.revokedAfter([revocationKeys.group(g.id)])).get(revocationKeys.group(g.id))).toBe(
      f.clock.now(),
    );
    f.sessions.markRevoked = async () => {
      throw new Error('down');
    };
    await expect(f.iam.groups.removeMember(f.accountId, g.id, u.id, 'test')).rejects.toThrow('down');
    expect((await f.store.groups.get(f.accountId, g.id))?.memberIds).toEqual([u.id]);
  });
});
