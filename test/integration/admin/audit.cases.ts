import { describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '../../../src/store/ports.js';
import { bodyWithVersion, makeFixtures, mutatingRoutes } from './authz.cases.js';
import { makeUser, viewerAndAdmin, violations, type ApiAnswer, type Harness } from './harness.js';

const HEX32 = /^[0-9a-f]{32}$/;

/** Every event of an account, straight from the store (all pages). */
async function allEvents(h: Harness, accountId: string): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: AuditEvent[]; nextCursor: string | null } = await h.gw.store.audit.list(
      accountId,
      cursor === null ? {} : { cursor },
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/** Runs `act` at a moment of its own (the clock moves on first) and returns the events stamped from then on. */
async function newEvents(h: Harness, accountId: string, act: () => Promise<unknown>): Promise<AuditEvent[]> {
  h.clock.advance(1000);
  const from = h.clock.now();
  await act();
  return (await h.gw.store.audit.list(accountId, { from })).items;
}

/** The entity a route acts on: the account for alias routes, none for bulk calls, else the first id in the path. */
function pathTarget(accountId: string, path: string): string | null {
  if (path.endsWith('/alias')) return accountId;
  if (path.endsWith('/bulk-delete')) return null;
  return (
    path
      .split('/')
      .slice(4)
      .find((s) => HEX32.test(s)) ?? null
  );
}

/** `POST /v1/accounts/{a}/{kind}`: four segments after the leading slash. */
const isCreate = (method: string, path: string) => method === 'POST' && path.split('/').length === 5;

/** ENT-7, LOGIN-7: the admin API writes one audit event per mutating call and per refusal; no secret ever. */
export function describeAuditCases(h: () => Harness): void {
  describe('audit events of the admin API (ENT-7, LOGIN-7)', () => {
    const users = viewerAndAdmin(h, 'audit-');

    it('each mutating route: a refusal writes one ACCESS_DENIED failure, a success one event with actor, action, target and source IP', async () => {
      const { a, call } = h();
      const f = await makeFixtures(h(), 'audit-1');
      for (const [method, path, body] of mutatingRoutes(a.base, f, 'au1')) {
        const input = await bodyWithVersion(h(), method, path, body);
        let refused: ApiAnswer | undefined;
        const denied = await newEvents(
          h(),
          a.id,
          async () => (refused = await call(users.viewer, method, path, input)),
        );
        const action = refused?.body.error.details.action as string;
        const expectedTarget = isCreate(method, path) ? null : pathTarget(a.id, path);
        expect([method, path, denied.map((e) => [e.action, e.actor, e.target, e.result, e.reasonCode])]).toEqual([
          method,
          path,
          [[action, users.viewer.id, expectedTarget, 'failure', 'ACCESS_DENIED']],
        ]);
        expect(denied[0]?.details).toMatchObject({ decision: 'ImplicitDeny', principalType: 'user' });

        let res: ApiAnswer | undefined;
        const done = await newEvents(h(), a.id, async () => (res = await call(users.admin, method, path, input)));
        const target = isCreate(method, path) ? (res?.body.user?.id ?? res?.body.id) : expectedTarget;
        expect([method, path, done.map((e) => [e.action, e.actor, e.target, e.result, e.reasonCode])]).toEqual([
          method,
          path,
          [[action, users.admin.id, target, 'success', null]],
        ]);
        expect(done[0]?.sourceIp).toMatch(/127\.0\.0\.1$/);
        if (target !== null && !isCreate(method, path))
          expect((done[0]?.details.resources as string[]).some((srn) => srn.endsWith(`/${target}`))).toBe(true);
      }
    }, 90_000); // 60 calls and 60 event queries: slow on FerretDB's SQLite backend

    it('PATCH records the changed field names; a refused write by state or version is a failure with its code', async () => {
      const { a, call } = h();
      const u = await makeUser(h(), a, 'audit-patched');
      const [ok] = await newEvents(h(), a.id, () =>
        call(users.admin, 'PATCH', `${a.base}/users/${u.id}`, { version: 1, timezone: 'UTC', description: 'x' }),
      );
      expect(ok).toMatchObject({
        action: 'iam:updateUser',
        result: 'success',
        details: { fields: ['description', 'timezone'] },
      });
      const [stale] = await newEvents(h(), a.id, () =>
        call(users.admin, 'PATCH', `${a.base}/users/${u.id}`, { version: 1, timezone: 'UTC' }),
      );
      expect(stale).toMatchObject({
        action: 'iam:updateUser',
        target: u.id,
        result: 'failure',
        reasonCode: 'VERSION_CONFLICT',
      });
      const [invalid] = await newEvents(h(), a.id, () =>
        call(users.admin, 'POST', `${a.base}/users`, { name: 'bad name!' }),
      );
      expect(invalid).toMatchObject({
        action: 'iam:createUser',
        target: null,
        result: 'failure',
        reasonCode: 'VALIDATION_FAILED',
      });
      const [root] = await newEvents(h(), a.id, () => call(a.root, 'DELETE', `${a.base}/users/${a.root.userId}`));
      expect(root).toMatchObject({
        action: 'iam:deleteUser',
        actor: a.root.userId,
        target: a.root.userId,
        result: 'failure',
        reasonCode: 'ROOT_USER_PROTECTED',
        details: { principalType: 'root' },
      });
    });

    it('bulk deletes of every kind write one event listing deleted, missing and refused ids', async () => {
      const { a, call } = h();
      const f = await makeFixtures(h(), 'audit-bulk');
      const missing = 'f'.repeat(32);
      const cases: Array<[string, string, string[]]> = [
        ['users', 'iam:deleteUser', [f.user, a.root.userId, missing]],
        ['groups', 'iam:deleteGroup', [f.group, missing]],
        ['policies', 'iam:deletePolicy', [f.policy, a.builtin.FullAdministrator as string]],
        ['roles', 'iam:deleteRole', [f.role]],
        ['credential-providers', 'iam:deleteCredentialProvider', [f.provider]],
        ['projects', 'iam:deleteProject', [f.project]],
      ];
      for (const [path, action, ids] of cases) {
        let res: ApiAnswer | undefined;
        const events = await newEvents(
          h(),
          a.id,
          async () => (res = await call(users.admin, 'POST', `${a.base}/${path}/bulk-delete`, { ids })),
        );
        expect(res?.status).toBe(200);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ action, actor: users.admin.id, target: null, result: 'success' });
        const refused = res?.body.refused.map((r: { id: string; code: string }) => ({ id: r.id, reason: r.code }));
        expect(events[0]?.details).toMatchObject({ deleted: res?.body.deleted, notFound: res?.body.notFound, refused });
        expect(events[0]?.details.resources).toHaveLength(ids.length);
      }
    });

    it('membership, attachment and project role-binding changes name the group and every user or policy involved', async () => {
      const { a, call } = h();
      const u = await makeUser(h(), a, 'audit-member');
      const g = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'audit-grp' })).body;
      const p = (await call(a.root, 'POST', `${a.base}/projects`, { name: 'audit-proj' })).body;
      const [added] = await newEvents(h(), a.id, () =>
        call(users.admin, 'POST', `${a.base}/groups/${g.id}/members`, { userIds: [u.id] }),
      );
      expect(added).toMatchObject({ action: 'iam:addUserToGroup', target: g.id, result: 'success' });
      expect(added?.details.resources).toEqual([
        expect.stringMatching(`:group/${g.id}$`),
        expect.stringMatching(`:user/${u.id}$`),
      ]);
      const bind = { scope: 'project', projectId: p.id, policyIds: [a.builtin.ReadOnlyAccess] };
      const [bound] = await newEvents(h(), a.id, () =>
        call(users.admin, 'PUT', `${a.base}/groups/${g.id}/role-bindings`, bind),
      );
      expect(bound).toMatchObject({ action: 'iam:attachGroupPolicy', target: g.id, result: 'success' });
      expect(bound?.details.resources).toContainEqual(expect.stringMatching(`:policy/${a.builtin.ReadOnlyAccess}$`));
      const [unbound] = await newEvents(h(), a.id, () =>
        call(users.admin, 'DELETE', `${a.base}/groups/${g.id}/role-bindings?projectId=${p.id}`),
      );
      expect(unbound).toMatchObject({ action: 'iam:detachGroupPolicy', target: g.id, result: 'success' });
    });

    it('no secret ever reaches an event: generated and given passwords, their hashes', async () => {
      const { a, call, gw } = h();
      const secrets: string[] = [];
      const generated = await call(users.admin, 'POST', `${a.base}/users`, { name: 'audit-secret-gen' });
      secrets.push(generated.body.login.password);
      const given = 'Kx7#mQ2$vL9p';
      const withGiven = await call(users.admin, 'POST', `${a.base}/users`, {
        name: 'audit-secret-given',
        password: given,
      });
      expect(withGiven.status).toBe(201);
      secrets.push(given);
      const refusedPassword = 'Zq4!wE8@rT1y';
      expect(
        (
          await call(users.viewer, 'POST', `${a.base}/users`, {
            name: 'audit-secret-denied',
            password: refusedPassword,
          })
        ).status,
      ).toBe(403);
      expect(
        (await call(users.admin, 'POST', `${a.base}/users`, { name: 'bad name!', password: 'Pw9!bad-char~' })).status,
      ).toBe(400);
      secrets.push(refusedPassword, 'Pw9!bad-char~');
      for (const id of [generated.body.user.id, withGiven.body.user.id]) {
        const stored = await gw.store.users.get(a.id, id);
        secrets.push(stored?.passwordHash as string);
      }
      const text = JSON.stringify(await allEvents(h(), a.id));
      expect(text).toContain('iam:createUser');
      for (const s of secrets) expect(text.includes(s)).toBe(false);
      expect(text).not.toMatch(/\$argon2/);
      expect(text).not.toMatch(/"password"\s*:/i);
    });

    it('GET audit-events: newest first, paged, bounded by a time range, validated; needs iam:listAuditEvents in the account', async () => {
      const { a, b, call, clock } = h();
      const start = clock.now() + 60_000;
      clock.set(start);
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock.advance(1000);
        made.push((await call(users.admin, 'POST', `${a.base}/projects`, { name: `audit-range-${i}` })).body.id);
      }
      const range = `from=${new Date(start).toISOString()}&to=${start + 3001}`;
      const first = await call(users.viewer, 'GET', `${a.base}/audit-events?limit=2&${range}`);
      expect(first.status).toBe(200);
      expect(first.body.items.map((e: AuditEvent) => e.target)).toEqual([made[2], made[1]]);
      const second = await call(
        users.viewer,
        'GET',
        `${a.base}/audit-events?limit=2&${range}&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(second.body).toEqual({
        items: [expect.objectContaining({ target: made[0], action: 'iam:createProject' })],
        nextCursor: null,
      });
      const narrow = await call(users.viewer, 'GET', `${a.base}/audit-events?from=${start + 2000}&to=${start + 3000}`);
      expect(narrow.body.items.map((e: AuditEvent) => e.target)).toEqual([made[1]]);

      const bad = await call(
        users.viewer,
        'GET',
        `${a.base}/audit-events?limit=0&from=yesterday&to=2026-01-01&cursor=x`,
      );
      expect(violations(bad).sort()).toEqual([
        'cursor:CURSOR_INVALID',
        'from:TIME_INVALID',
        'limit:LIMIT_OUT_OF_RANGE',
        'to:TIME_INVALID',
      ]);
      expect(
        violations(await call(users.viewer, 'GET', `${a.base}/audit-events?from=${start + 10}&to=${start}`)),
      ).toEqual(['to:TIME_RANGE_INVALID']);
      expect(violations(await call(users.viewer, 'GET', `${a.base}/audit-events?action=x`))).toEqual([
        'action:UNKNOWN_FIELD',
      ]);

      const nobody = await makeUser(h(), a, 'audit-nobody');
      const refused = await call(nobody, 'GET', `${a.base}/audit-events`);
      expect(refused.body.error).toMatchObject({ code: 'ACCESS_DENIED', details: { action: 'iam:listAuditEvents' } });
      expect((await call(users.admin, 'GET', `${b.base}/audit-events`)).status).toBe(403);
      const bEvents = await call(b.root, 'GET', `${b.base}/audit-events`);
      expect(bEvents.status).toBe(200);
      expect(bEvents.body.items.every((e: AuditEvent) => e.accountId === b.id)).toBe(true);
      // The probe from account A is on B's record, naming where the caller came from.
      expect(bEvents.body.items).toContainEqual(
        expect.objectContaining({
          actor: users.admin.id,
          action: 'iam:listAuditEvents',
          reasonCode: 'ACCESS_DENIED',
          details: expect.objectContaining({ principalAccountId: a.id }),
        }),
      );
    });
  });
}
