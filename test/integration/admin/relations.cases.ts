import { describe, expect, it } from '@jest/globals';
import { makeUser, policyDoc, violations, type Harness } from './harness.js';

/** ENT-2 permissions at creation, ENT-3 members, ENT-4 role bindings, ENT-6 policies, targets and effective permissions. */
export function describeRelationCases(h: () => Harness): void {
  describe('groups (ENT-3) and role bindings (ENT-4)', () => {
    it('members must be IAM users of the same account: unknown, root and foreign ids are refused', async () => {
      const { a, b, call } = h();
      const foreign = await makeUser(h(), b, 'foreigner');
      const u = await makeUser(h(), a, 'member-1');
      const res = await call(a.root, 'POST', `${a.base}/groups`, {
        name: 'devs',
        memberIds: [u.id, 'f'.repeat(32), a.root.userId, foreign.id],
      });
      expect(violations(res)).toEqual([
        'memberIds[1]:MEMBER_NOT_FOUND',
        'memberIds[2]:MEMBER_NOT_IAM_USER',
        'memberIds[3]:MEMBER_NOT_FOUND',
      ]);
      const g = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'devs', memberIds: [u.id] })).body;
      expect(
        violations(await call(a.root, 'POST', `${a.base}/groups/${g.id}/members`, { userIds: [foreign.id] })),
      ).toEqual(['userIds[0]:MEMBER_NOT_FOUND']);
      const v = await makeUser(h(), a, 'member-2');
      await call(a.root, 'POST', `${a.base}/groups/${g.id}/members`, { userIds: [v.id, u.id] });
      expect(
        (await call(a.root, 'GET', `${a.base}/groups/${g.id}/members`)).body.items
          .map((m: { name: string }) => m.name)
          .sort(),
      ).toEqual(['member-1', 'member-2']);
      expect((await call(a.root, 'DELETE', `${a.base}/groups/${g.id}/members/${u.id}`)).body.memberIds).toEqual([v.id]);
      expect((await call(a.root, 'DELETE', `${a.base}/groups/${g.id}/members/${u.id}`)).status).toBe(404);
    });

    it('a scope\'s binding set cannot be edited to empty; "remove all" is separate; project scopes need a project', async () => {
      const { a, call } = h();
      const g = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'binders' })).body;
      const ro = a.builtin.ReadOnlyAccess;
      const path = `${a.base}/groups/${g.id}/role-bindings`;
      expect(violations(await call(a.root, 'PUT', path, { scope: 'account', policyIds: [] }))).toEqual([
        'policyIds:ROLE_BINDINGS_EMPTY',
      ]);
      expect(
        violations(await call(a.root, 'PUT', path, { scope: 'project', projectId: 'f'.repeat(32), policyIds: [ro] })),
      ).toEqual(['projectId:PROJECT_NOT_FOUND']);
      const project = (await call(a.root, 'POST', `${a.base}/projects`, { name: 'proj-1' })).body;
      await call(a.root, 'PUT', path, { scope: 'account', policyIds: [ro] });
      const both = await call(a.root, 'PUT', path, {
        scope: 'project',
        projectId: project.id,
        policyIds: [a.builtin.IAMAdministrator],
      });
      expect(both.body.roleBindings).toEqual([
        { scope: 'account', policyIds: [ro] },
        { scope: 'project', projectId: project.id, policyIds: [a.builtin.IAMAdministrator] },
      ]);
      const removed = await call(a.root, 'DELETE', `${path}?projectId=${project.id}`);
      expect(removed.body.roleBindings).toEqual([{ scope: 'account', policyIds: [ro] }]);
      expect((await call(a.root, 'DELETE', path)).body.roleBindings).toEqual([]);
    });
  });

  describe('project deletion (ENT-4, TEN-1)', () => {
    it("removes every group's bindings of the project and keeps the others; bulk delete too", async () => {
      const { a, call } = h();
      const ro = a.builtin.ReadOnlyAccess;
      const [p1, p2, p3] = await Promise.all(
        ['pd-one', 'pd-two', 'pd-three'].map(
          async (name) => (await call(a.root, 'POST', `${a.base}/projects`, { name })).body,
        ),
      );
      const g1 = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'pd-g1' })).body;
      const g2 = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'pd-g2' })).body;
      const bind = (g: { id: string }, body: unknown) =>
        call(a.root, 'PUT', `${a.base}/groups/${g.id}/role-bindings`, body);
      await bind(g1, { scope: 'account', policyIds: [ro] });
      await bind(g1, { scope: 'project', projectId: p1.id, policyIds: [ro] });
      await bind(g2, { scope: 'project', projectId: p1.id, policyIds: [a.builtin.IAMAdministrator] });
      await bind(g2, { scope: 'project', projectId: p2.id, policyIds: [ro] });
      await bind(g2, { scope: 'project', projectId: p3.id, policyIds: [ro] });
      const bindings = async (g: { id: string }) =>
        (await call(a.root, 'GET', `${a.base}/groups/${g.id}`)).body.roleBindings;

      expect((await call(a.root, 'DELETE', `${a.base}/projects/${p1.id}`)).status).toBe(204);
      expect(await bindings(g1)).toEqual([{ scope: 'account', policyIds: [ro] }]);
      expect(await bindings(g2)).toEqual([
        { scope: 'project', projectId: p2.id, policyIds: [ro] },
        { scope: 'project', projectId: p3.id, policyIds: [ro] },
      ]);

      const bulk = await call(a.root, 'POST', `${a.base}/projects/bulk-delete`, { ids: [p2.id, p3.id] });
      expect(bulk.body.deleted.sort()).toEqual([p2.id, p3.id].sort());
      expect(await bindings(g2)).toEqual([]);
      expect(await bindings(g1)).toEqual([{ scope: 'account', policyIds: [ro] }]);
    });

    it('a retry of a deletion interrupted after the project was removed completes the clean-up (and answers 404)', async () => {
      const { a, call, gw } = h();
      const p = (await call(a.root, 'POST', `${a.base}/projects`, { name: 'pd-retry' })).body;
      const g = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'pd-retry-g' })).body;
      await call(a.root, 'PUT', `${a.base}/groups/${g.id}/role-bindings`, {
        scope: 'project',
        projectId: p.id,
        policyIds: [a.builtin.ReadOnlyAccess],
      });
      // The first attempt got as far as the project document and no further.
      expect(await gw.store.projects.delete(a.id, p.id)).toBe(true);
      expect((await call(a.root, 'GET', `${a.base}/groups/${g.id}`)).body.roleBindings).toHaveLength(1);
      expect((await call(a.root, 'DELETE', `${a.base}/projects/${p.id}`)).status).toBe(404);
      expect((await call(a.root, 'GET', `${a.base}/groups/${g.id}`)).body.roleBindings).toEqual([]);
      // A binding to the gone project is refused rather than recreated.
      const again = await call(a.root, 'PUT', `${a.base}/groups/${g.id}/role-bindings`, {
        scope: 'project',
        projectId: p.id,
        policyIds: [a.builtin.ReadOnlyAccess],
      });
      expect(violations(again)).toEqual(['projectId:PROJECT_NOT_FOUND']);
    });
  });

  describe('policies (ENT-6, ENT-7)', () => {
    it('validates documents and returns every error with its path', async () => {
      const { a, call } = h();
      const res = await call(a.root, 'POST', `${a.base}/policies`, {
        name: 'broken',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'allow', Action: 'iam:getUser', Resource: '*', Extra: 1 }],
        },
      });
      expect(res.status).toBe(400);
      expect(violations(res)).toEqual(
        expect.arrayContaining(['document.Version:VERSION_INVALID', 'document.Statement[0].Extra:UNKNOWN_KEY']),
      );
      expect(violations(res).some((v) => v.startsWith('document.Statement[0].Effect:'))).toBe(true);
    });

    it('built-ins are type default, present in every account and read-only', async () => {
      const { a, b, call } = h();
      for (const acc of [a, b]) {
        const names = (await call(acc.root, 'GET', `${acc.base}/policies?type=default`)).body.items
          .map((p: { name: string }) => p.name)
          .sort();
        expect(names).toEqual(['FullAdministrator', 'IAMAdministrator', 'ReadOnlyAccess', 'SelfService']);
      }
      const id = a.builtin.FullAdministrator;
      expect(
        (await call(a.root, 'PATCH', `${a.base}/policies/${id}`, { version: 1, description: 'mine' })).body.error.code,
      ).toBe('POLICY_READ_ONLY');
      expect((await call(a.root, 'DELETE', `${a.base}/policies/${id}`)).body.error.code).toBe('POLICY_READ_ONLY');
      const bulk = await call(a.root, 'POST', `${a.base}/policies/bulk-delete`, { ids: [id] });
      expect(bulk.body.refused).toEqual([{ id, code: 'POLICY_READ_ONLY' }]);
    });

    it('copy permissions at creation; connected targets; effective permissions direct / group / both', async () => {
      const { a, call } = h();
      const doc = policyDoc({ Effect: 'Allow', Action: 'iam:listGroups', Resource: '*' });
      const p1 = (await call(a.root, 'POST', `${a.base}/policies`, { name: 'custom-1', document: doc })).body;
      const p2 = (await call(a.root, 'POST', `${a.base}/policies`, { name: 'custom-2', document: JSON.stringify(doc) }))
        .body;
      expect(p1).toMatchObject({ type: 'custom', policyVersion: 1 });
      const g = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'eff-group', policyIds: [p1.id] })).body;
      const src = await makeUser(h(), a, 'eff-source', { groupIds: [g.id], policyIds: [p1.id, p2.id] });
      const copy = await makeUser(h(), a, 'eff-copy', { copyFromUserId: src.id });
      expect((await call(a.root, 'GET', `${a.base}/groups/${g.id}`)).body.memberIds).toEqual([src.id, copy.id]);
      const eff = (await call(a.root, 'GET', `${a.base}/users/${copy.id}/effective-policies`)).body.items;
      expect(eff).toEqual(
        expect.arrayContaining([
          {
            policy: { id: p1.id, name: 'custom-1', type: 'custom' },
            connection: 'both',
            groups: [{ id: g.id, name: 'eff-group' }],
          },
          { policy: { id: p2.id, name: 'custom-2', type: 'custom' }, connection: 'direct', groups: [] },
        ]),
      );
      await call(a.root, 'DELETE', `${a.base}/users/${copy.id}/policies/${p1.id}`);
      const after = (await call(a.root, 'GET', `${a.base}/users/${copy.id}/effective-policies`)).body.items;
      expect(after.find((e: { policy: { id: string } }) => e.policy.id === p1.id).connection).toBe('group');
      const targets = (await call(a.root, 'GET', `${a.base}/policies/${p1.id}/targets`)).body;
      expect(targets.users.map((u: { name: string }) => u.name)).toEqual(['eff-source']);
      expect(targets.groups.map((x: { name: string }) => x.name)).toEqual(['eff-group']);
      expect(
        violations(
          await makeUserRaw(h(), { name: 'eff-bad', copyFromUserId: a.root.userId, groupIds: ['x'], policyIds: ['y'] }),
        ),
      ).toEqual(['groupIds[0]:GROUP_NOT_FOUND', 'policyIds[0]:POLICY_NOT_FOUND', 'copyFromUserId:USER_NOT_FOUND']);
      const edited = await call(a.root, 'PATCH', `${a.base}/policies/${p1.id}`, {
        version: 1,
        document: policyDoc({ Effect: 'Allow', Action: 'iam:listRoles', Resource: '*' }),
      });
      expect(edited.body).toMatchObject({ version: 2, policyVersion: 2 });
      expect((await call(a.root, 'DELETE', `${a.base}/policies/${p1.id}`)).status).toBe(204);
      expect((await call(a.root, 'GET', `${a.base}/groups/${g.id}`)).body.policyIds).toEqual([]);
    });
  });
}

function makeUserRaw(h: Harness, body: Record<string, unknown>) {
  return h.call(h.a.root, 'POST', `${h.a.base}/users`, body);
}
