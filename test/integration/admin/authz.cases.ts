import { describe, expect, it } from '@jest/globals';
import { bearerFor } from '../../support/bearer.js';
import { makeUser, policyDoc, viewerAndAdmin, type Harness } from './harness.js';

export interface Fixtures {
  user: string;
  group: string;
  policy: string;
  role: string;
  provider: string;
  project: string;
}

/** Every mutating admin route with a valid body, in an order an IAM administrator can run them. */
export function mutatingRoutes(base: string, f: Fixtures, n: string): Array<[string, string, unknown?]> {
  return [
    ['POST', `${base}/users`, { name: `m-user-${n}` }],
    ['PATCH', `${base}/users/${f.user}`, { timezone: 'UTC' }],
    ['POST', `${base}/users/${f.user}/policies`, { policyIds: [f.policy] }],
    ['DELETE', `${base}/users/${f.user}/policies/${f.policy}`],
    ['POST', `${base}/groups`, { name: `m-grp-${n}` }],
    ['PATCH', `${base}/groups/${f.group}`, { description: n }],
    ['POST', `${base}/groups/${f.group}/members`, { userIds: [f.user] }],
    ['DELETE', `${base}/groups/${f.group}/members/${f.user}`],
    ['POST', `${base}/groups/${f.group}/policies`, { policyIds: [f.policy] }],
    ['DELETE', `${base}/groups/${f.group}/policies/${f.policy}`],
    ['PUT', `${base}/groups/${f.group}/role-bindings`, { scope: 'account', policyIds: [f.policy] }],
    ['DELETE', `${base}/groups/${f.group}/role-bindings`],
    [
      'POST',
      `${base}/policies`,
      { name: `m-pol-${n}`, document: policyDoc({ Effect: 'Allow', Action: 'iam:getUser', Resource: '*' }) },
    ],
    ['PATCH', `${base}/policies/${f.policy}`, { description: n }],
    ['POST', `${base}/roles`, { name: `m-role-${n}` }],
    ['PATCH', `${base}/roles/${f.role}`, { maxSessionSeconds: 7200 }],
    ['POST', `${base}/roles/${f.role}/policies`, { policyIds: [f.policy] }],
    ['DELETE', `${base}/roles/${f.role}/policies/${f.policy}`],
    ['POST', `${base}/credential-providers`, { name: `m-idp-${n}` }],
    ['PATCH', `${base}/credential-providers/${f.provider}`, { description: n }],
    ['POST', `${base}/projects`, { name: `m-proj-${n}` }],
    ['PATCH', `${base}/projects/${f.project}`, { description: n }],
    ['PUT', `${base}/alias`, { alias: `alias-${n}` }],
    ['DELETE', `${base}/alias`],
    ['DELETE', `${base}/roles/${f.role}`],
    ['DELETE', `${base}/credential-providers/${f.provider}`],
    ['DELETE', `${base}/projects/${f.project}`],
    ['DELETE', `${base}/groups/${f.group}`],
    ['POST', `${base}/users/bulk-delete`, { ids: [f.user] }],
    ['DELETE', `${base}/policies/${f.policy}`],
  ];
}

/** Fresh fixtures (one of each entity kind, created by root), suffixed with `n`. */
export async function makeFixtures(h: Harness, n: number | string): Promise<Fixtures> {
  const { a, call } = h;
  const post = async (path: string, body: unknown) => (await call(a.root, 'POST', `${a.base}/${path}`, body)).body;
  return {
    user: (await post('users', { name: `fx-user-${n}` })).user.id,
    group: (await post('groups', { name: `fx-group-${n}` })).id,
    policy: (
      await post('policies', {
        name: `fx-policy-${n}`,
        document: policyDoc({ Effect: 'Allow', Action: 'iam:getGroup', Resource: '*' }),
      })
    ).id,
    role: (await post('roles', { name: `fx-role-${n}` })).id,
    provider: (await post('credential-providers', { name: `fx-idp-${n}` })).id,
    project: (await post('projects', { name: `fx-project-${n}` })).id,
  };
}

/** A PATCH body carries the entity's current `version`; other bodies pass unchanged. */
export async function bodyWithVersion(h: Harness, method: string, path: string, body: unknown): Promise<unknown> {
  if (method !== 'PATCH') return body;
  const current = await h.call(h.a.root, 'GET', path);
  return { ...(body as object), version: current.body.version };
}

/** ENT-7, ENT-8, POL-7: the admin API is authorised by the evaluator. */
export function describeAuthorizationCases(h: () => Harness): void {
  let n = 0;
  const fixtures = async () => {
    n += 1;
    return makeFixtures(h(), n);
  };
  const withVersion = (method: string, path: string, body: unknown) => bodyWithVersion(h(), method, path, body);

  describe('authorisation of the admin API (ENT-7, ENT-8, POL-7)', () => {
    const users = viewerAndAdmin(h, '');

    it('no principal is 401', async () => {
      const { a, call } = h();
      expect((await call(null, 'GET', `${a.base}/users`)).body.error.code).toBe('UNAUTHENTICATED');
    });

    it('a read-only user reads, and gets 403 ACCESS_DENIED on every mutating route with nothing written', async () => {
      const { a, call } = h();
      const f = await fixtures();
      expect((await call(users.viewer, 'GET', `${a.base}/users/${f.user}`)).status).toBe(200);
      expect((await call(users.viewer, 'GET', `${a.base}/summary`)).status).toBe(200);
      const before = await call(a.root, 'GET', `${a.base}/summary`);
      for (const [method, path, body] of mutatingRoutes(a.base, f, `ro${n}`)) {
        const res = await call(users.viewer, method, path, await withVersion(method, path, body));
        expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 403, 'ACCESS_DENIED']);
        expect(res.body.error.details.action).toMatch(/^iam:/);
      }
      expect((await call(a.root, 'GET', `${a.base}/summary`)).body).toEqual(before.body);
    });

    it('an IAM administrator gets 2xx on every mutating route', async () => {
      const { a, call } = h();
      const f = await fixtures();
      for (const [method, path, body] of mutatingRoutes(a.base, f, `adm${n}`)) {
        const res = await call(users.admin, method, path, await withVersion(method, path, body));
        expect([method, path, res.status >= 200 && res.status < 300]).toEqual([method, path, true]);
      }
    });

    it('a custom Deny on iam:deleteUser for one user SRN wins over the IAM administrator Allow', async () => {
      const { a, call } = h();
      const keep = await makeUser(h(), a, 'protected-one');
      const other = await makeUser(h(), a, 'deletable-one');
      const deny = policyDoc({ Sid: 'KeepHer', Effect: 'Deny', Action: 'iam:deleteUser', Resource: keep.srn });
      const p = (await call(a.root, 'POST', `${a.base}/policies`, { name: 'deny-delete', document: deny })).body;
      const boss = await makeUser(h(), a, 'boss', { policyIds: [a.builtin.IAMAdministrator, p.id] });
      const refused = await call(boss, 'DELETE', `${a.base}/users/${keep.id}`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.details).toMatchObject({
        action: 'iam:deleteUser',
        resources: [keep.srn],
        decision: 'ExplicitDeny',
        deciding: [{ policyId: p.id, sid: 'KeepHer' }],
      });
      const bulk = await call(boss, 'POST', `${a.base}/users/bulk-delete`, { ids: [other.id, keep.id] });
      expect(bulk.status).toBe(403);
      expect((await call(a.root, 'GET', `${a.base}/users/${other.id}`)).status).toBe(200);
      expect((await call(boss, 'DELETE', `${a.base}/users/${other.id}`)).status).toBe(204);
      expect((await call(a.root, 'GET', `${a.base}/users/${keep.id}`)).status).toBe(200);
    });

    it('a user of account A gets 403 in account B, whatever its policies; root only in its own account', async () => {
      const { a, b, call } = h();
      const full = await makeUser(h(), a, 'full-admin', { policyIds: [a.builtin.FullAdministrator] });
      const bUser = await makeUser(h(), b, 'b-user');
      for (const who of [full, users.admin, a.root]) {
        expect((await call(who, 'GET', `${b.base}/users`)).status).toBe(403);
        expect((await call(who, 'GET', `${b.base}/users/${bUser.id}`)).status).toBe(403);
        expect((await call(who, 'POST', `${b.base}/users`, { name: 'intruder' })).status).toBe(403);
        expect((await call(who, 'DELETE', `${b.base}/users/${bUser.id}`)).status).toBe(403);
      }
      expect((await call(b.root, 'GET', `${b.base}/users/${bUser.id}`)).status).toBe(200);
      expect((await call(a.root, 'POST', `${a.base}/users`, { name: 'root-made' })).status).toBe(201);
      // A principal claiming root for an IAM user is not root.
      expect((await call({ ...full, type: 'root' }, 'GET', `${a.base}/users`)).status).toBe(403);
    });

    it('self-service lets a user read only its own user and edit nothing through the admin API; a disabled user is refused', async () => {
      const { a, call } = h();
      const me = await makeUser(h(), a, 'self-user', { policyIds: [a.builtin.SelfService] });
      const other = await makeUser(h(), a, 'someone-else');
      expect((await call(me, 'GET', `${a.base}/users/${me.id}`)).status).toBe(200);
      // Editing oneself here would skip PWD-11 re-confirmation and could mark a contact verified (LOGIN-8).
      expect((await call(me, 'PATCH', `${a.base}/users/${me.id}`, { version: 1, timezone: 'Asia/Seoul' })).status).toBe(
        403,
      );
      expect(
        (
          await call(me, 'PATCH', `${a.base}/users/${me.id}`, {
            version: 1,
            email: { value: 'root@example.com', verified: true },
          })
        ).status,
      ).toBe(403);
      expect((await call(me, 'GET', `${a.base}/users/${other.id}`)).status).toBe(403);
      expect((await call(me, 'GET', `${a.base}/users`)).status).toBe(403);
      const earlier = await bearerFor(h().gw, me); // a token the user holds when it is disabled
      h().clock.advance(1); // the harness clock stands still; a marker revokes tokens issued strictly before it
      await call(a.root, 'PATCH', `${a.base}/users/${me.id}`, { version: 1, state: 'disabled' });
      const refused = await call(null, 'GET', `${a.base}/users/${me.id}`, undefined, {
        authorization: `Bearer ${earlier}`,
      });
      expect([refused.status, refused.body.error.code]).toEqual([401, 'TOKEN_REVOKED']);
      await expect(bearerFor(h().gw, me)).rejects.toMatchObject({ code: 'TOKEN_PRINCIPAL_INACTIVE' }); // and gets no new one
    });

    it("POL-6: an Allow of iam:updateUser only when scp:ResourceTag/team = blue matches the target user's own tags", async () => {
      const { a, call } = h();
      const blue = await makeUser(h(), a, 'tag-blue', { tags: [{ key: 'team', value: 'blue' }] });
      const red = await makeUser(h(), a, 'tag-red', { tags: [{ key: 'team', value: 'red' }] });
      const bare = await makeUser(h(), a, 'tag-none');
      const doc = policyDoc({
        Sid: 'BlueOnly',
        Effect: 'Allow',
        Action: 'iam:updateUser',
        Resource: '*',
        Condition: { StringEquals: { 'scp:ResourceTag/team': 'blue' } },
      });
      const p = await call(a.root, 'POST', `${a.base}/policies`, { name: 'blue-team-editor', document: doc });
      expect(p.status).toBe(201);
      const editor = await makeUser(h(), a, 'tag-editor', { policyIds: [p.body.id] });
      const patch = (u: { id: string }) =>
        call(editor, 'PATCH', `${a.base}/users/${u.id}`, { version: 1, timezone: 'UTC' });
      const ok = await patch(blue);
      expect([ok.status, ok.body.timezone]).toEqual([200, 'UTC']);
      for (const other of [red, bare]) {
        const refused = await patch(other);
        expect([refused.status, refused.body.error.code, refused.body.error.details.decision]).toEqual([
          403,
          'ACCESS_DENIED',
          'ImplicitDeny',
        ]);
      }
      // The tag is the stored one: a caller cannot make a red user blue, because that edit is itself refused.
      expect(
        (
          await call(editor, 'PATCH', `${a.base}/users/${red.id}`, {
            version: 1,
            tags: [{ key: 'team', value: 'blue' }],
          })
        ).status,
      ).toBe(403);
      // Re-tagging the blue user red (allowed while it is blue) ends the editor's access to it.
      expect(
        (
          await call(editor, 'PATCH', `${a.base}/users/${blue.id}`, {
            version: 2,
            tags: [{ key: 'team', value: 'red' }],
          })
        ).status,
      ).toBe(200);
      expect(
        (await call(editor, 'PATCH', `${a.base}/users/${blue.id}`, { version: 3, timezone: 'Asia/Seoul' })).status,
      ).toBe(403);
    });

    it('group policies and account-scope role bindings grant; removing the member takes them away', async () => {
      const { a, call } = h();
      const u = await makeUser(h(), a, 'via-group');
      expect((await call(u, 'GET', `${a.base}/roles`)).status).toBe(403);
      const g = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'readers', memberIds: [u.id] })).body;
      await call(a.root, 'PUT', `${a.base}/groups/${g.id}/role-bindings`, {
        scope: 'account',
        policyIds: [a.builtin.ReadOnlyAccess],
      });
      expect((await call(u, 'GET', `${a.base}/roles`)).status).toBe(200);
      await call(a.root, 'DELETE', `${a.base}/groups/${g.id}/members/${u.id}`);
      expect((await call(u, 'GET', `${a.base}/roles`)).status).toBe(403);
    });
  });
}
