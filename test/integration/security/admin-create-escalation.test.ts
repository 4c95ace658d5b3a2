import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, makeUser, policyDoc, type Harness, type TestUser } from '../admin/harness.js';

/**
 * ENT-7 attack: create calls that carry relations (a group's memberIds/policyIds, a user's
 * policyIds/groupIds/copyFromUserId, a role's policyIds) must need the same permissions as the attach/add
 * routes. Otherwise a principal allowed only `iam:createGroup` puts itself in a new group holding
 * FullAdministrator, and one allowed only `iam:createUser` mints an administrator whose password it is given.
 */
describe('admin API: create-time attachments need the attach/add permissions (ENT-7)', () => {
  let h: Harness;
  const creator = {} as Record<'group' | 'user' | 'role', TestUser>;
  let admin: TestUser;

  const onlyAction = async (name: string, action: string): Promise<TestUser> => {
    const pol = await h.call(h.a.root, 'POST', `${h.a.base}/policies`, {
      name: `only-${name}`,
      document: policyDoc({ Effect: 'Allow', Action: action, Resource: '*' }),
    });
    expect(pol.status).toBe(201);
    return makeUser(h, h.a, name, { policyIds: [pol.body.id as string] });
  };

  beforeAll(async () => {
    h = await startHarness(async () => undefined);
    creator.group = await onlyAction('grp-creator', 'iam:createGroup');
    creator.user = await onlyAction('usr-creator', 'iam:createUser');
    creator.role = await onlyAction('role-creator', 'iam:createRole');
    admin = await makeUser(h, h.a, 'real-admin', { policyIds: [h.a.builtin.FullAdministrator] });
  });
  afterAll(() => h.close());

  it('createGroup alone cannot make the caller a member of a group holding FullAdministrator', async () => {
    const res = await h.call(creator.group, 'POST', `${h.a.base}/groups`, {
      name: 'pwn-grp',
      memberIds: [creator.group.id],
      policyIds: [h.a.builtin.FullAdministrator],
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ACCESS_DENIED');
    expect(await h.gw.store.groups.getByName(h.a.id, 'pwn-grp')).toBeNull();
    // The escalation itself: still no admin rights afterwards.
    expect((await h.call({ ...creator.group, groups: [] }, 'GET', `${h.a.base}/users`)).status).toBe(403);
  });

  it('createGroup alone cannot add members or attach policies separately either', async () => {
    expect(
      (await h.call(creator.group, 'POST', `${h.a.base}/groups`, { name: 'pwn-grp2', memberIds: [creator.group.id] }))
        .status,
    ).toBe(403);
    expect(
      (
        await h.call(creator.group, 'POST', `${h.a.base}/groups`, {
          name: 'pwn-grp3',
          policyIds: [h.a.builtin.FullAdministrator],
        })
      ).status,
    ).toBe(403);
    expect((await h.call(creator.group, 'POST', `${h.a.base}/groups`, { name: 'plain-grp' })).status).toBe(201);
  });

  it('createUser alone cannot mint a user with FullAdministrator (given or copied)', async () => {
    const direct = await h.call(creator.user, 'POST', `${h.a.base}/users`, {
      name: 'pwn-user',
      policyIds: [h.a.builtin.FullAdministrator],
    });
    expect(direct.status).toBe(403);
    expect(JSON.stringify(direct.body)).not.toContain('"password"');
    const copied = await h.call(creator.user, 'POST', `${h.a.base}/users`, {
      name: 'pwn-copy',
      copyFromUserId: admin.id,
    });
    expect(copied.status).toBe(403);
    const grp = await h.call(h.a.root, 'POST', `${h.a.base}/groups`, {
      name: 'admins',
      policyIds: [h.a.builtin.FullAdministrator],
    });
    const viaGroup = await h.call(creator.user, 'POST', `${h.a.base}/users`, {
      name: 'pwn-member',
      groupIds: [grp.body.id],
    });
    expect(viaGroup.status).toBe(403);
    for (const name of ['pwn-user', 'pwn-copy', 'pwn-member'])
      expect(await h.gw.store.users.getByName(h.a.id, name)).toBeNull();
    expect((await h.call(creator.user, 'POST', `${h.a.base}/users`, { name: 'plain-user' })).status).toBe(201);
  });

  it('copying a user whose groups and policies the caller may not grant is refused, even with attach rights on the body ids', async () => {
    const pol = await h.call(h.a.root, 'POST', `${h.a.base}/policies`, {
      name: 'create-and-attach-readonly',
      document: {
        Version: '2024-07-01',
        Statement: [
          { Effect: 'Allow', Action: ['iam:createUser', 'iam:getUser'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: 'iam:attachUserPolicy',
            Resource: `srn:e::${h.a.id}:::scp-iam:policy/${h.a.builtin.ReadOnlyAccess}`,
          },
        ],
      },
    });
    const helper = await makeUser(h, h.a, 'helpdesk', { policyIds: [pol.body.id] });
    expect(
      (await h.call(helper, 'POST', `${h.a.base}/users`, { name: 'ro-user', policyIds: [h.a.builtin.ReadOnlyAccess] }))
        .status,
    ).toBe(201);
    expect(
      (await h.call(helper, 'POST', `${h.a.base}/users`, { name: 'admin-copy', copyFromUserId: admin.id })).status,
    ).toBe(403);
  });

  it('createRole alone cannot attach FullAdministrator to a new role', async () => {
    expect(
      (
        await h.call(creator.role, 'POST', `${h.a.base}/roles`, {
          name: 'pwn-role',
          policyIds: [h.a.builtin.FullAdministrator],
        })
      ).status,
    ).toBe(403);
    expect(await h.gw.store.roles.getByName(h.a.id, 'pwn-role')).toBeNull();
    expect((await h.call(creator.role, 'POST', `${h.a.base}/roles`, { name: 'plain-role' })).status).toBe(201);
  });

  it('an IAM administrator still creates with relations, and the refusal is audited as the create', async () => {
    const iamAdmin = await makeUser(h, h.a, 'iam-admin-x', { policyIds: [h.a.builtin.IAMAdministrator] });
    const g = await h.call(iamAdmin, 'POST', `${h.a.base}/groups`, {
      name: 'ok-grp',
      memberIds: [creator.user.id],
      policyIds: [h.a.builtin.ReadOnlyAccess],
    });
    expect(g.status).toBe(201);
    const u = await h.call(iamAdmin, 'POST', `${h.a.base}/users`, {
      name: 'ok-copy',
      copyFromUserId: creator.user.id,
      groupIds: [g.body.id],
    });
    expect(u.status).toBe(201);
    const events = await h.call(h.a.root, 'GET', `${h.a.base}/audit-events?limit=100`);
    const refused = events.body.items.filter(
      (e: { action: string; actor: string; result: string }) =>
        e.action === 'iam:createGroup' && e.actor === creator.group.id && e.result === 'failure',
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].reasonCode).toBe('ACCESS_DENIED');
  });

  it('ids of another account in create bodies are still not found (no cross-account relation)', async () => {
    const res = await h.call(h.a.root, 'POST', `${h.a.base}/groups`, {
      name: 'xacct-grp',
      policyIds: [h.b.builtin.FullAdministrator],
    });
    expect(res.status).toBe(400);
  });
});
