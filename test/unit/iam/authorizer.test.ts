import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../../../src/auth/principal.js';
import { IAM_ACTIONS } from '../../../src/policy/index.js';
import { iamSrn } from '../../../src/iam/index.js';
import { iamFixture } from './setup.js';

const principal = (accountId: string, userId: string, type: Principal['type'] = 'user'): Principal => ({
  accountId,
  userId,
  srn: iamSrn(accountId, 'user', userId),
  type,
  auth: 'console',
  mfa: false,
  amr: ['pwd'],
  groups: [],
  issuedAtMs: 0,
});
const doc = (action: string, resource = '*') => ({
  Version: '2024-07-01',
  Statement: [{ Sid: 'S', Effect: 'Allow', Action: action, Resource: resource }],
});

describe('Authorizer (ENT-7, POL-7)', () => {
  it('compiles each policy once per policyVersion and picks up an edit at once', async () => {
    const f = await iamFixture();
    const p = await f.iam.policies.create(
      f.accountId,
      { name: 'editable', document: doc(IAM_ACTIONS.listUsers) },
      'test',
    );
    const u = await f.user('cached', { policyIds: [p.id] });
    const who = principal(f.accountId, u.id);
    const { authorizer } = f.iam;
    for (let i = 0; i < 3; i++)
      expect((await authorizer.authorize(who, IAM_ACTIONS.listUsers, '*')).allowed).toBe(true);
    expect(authorizer.cache.size).toBe(1);
    await f.iam.policies.update(f.accountId, p.id, { version: 1, document: doc(IAM_ACTIONS.listGroups) }, 'test');
    const after = await authorizer.authorize(who, IAM_ACTIONS.listUsers, '*');
    expect(after).toMatchObject({ allowed: false, decision: 'ImplicitDeny' });
    expect((await authorizer.authorize(who, IAM_ACTIONS.listGroups, '*')).deciding).toEqual([
      { policyId: p.id, sid: 'S', index: 0, effect: 'Allow' },
    ]);
    expect(authorizer.cache.size).toBe(2);
  });

  it('keeps a gathered policy set under an IAM epoch until the epoch moves or the set ages out', async () => {
    const f = await iamFixture();
    const u = await f.user('epochal');
    const who = principal(f.accountId, u.id);
    const { authorizer } = f.iam;
    const ask = async (policyEpoch: string, p: Principal = who) =>
      (await authorizer.authorize(p, IAM_ACTIONS.listUsers, '*', { policyEpoch })).allowed;
    expect(await ask('e1')).toBe(false);
    await f.iam.users.attachPolicies(f.accountId, u.id, { policyIds: [f.builtin.ReadOnlyAccess!] }, 'test');
    // Under the epoch read before the write, the set gathered then is kept: for this principal object and
    // for another one of the same principal. The write's epoch bump is what tells them apart.
    expect(await ask('e1')).toBe(false);
    expect(await ask('e1', { ...who })).toBe(false);
    expect(await ask('e2')).toBe(true);
    // The same object back under an earlier epoch string is asked again, never handed the newer set.
    await f.iam.users.detachPolicy(f.accountId, u.id, f.builtin.ReadOnlyAccess!, 'test');
    expect(await ask('e3')).toBe(false);
    expect(await ask('e2')).toBe(true);
    // A set lives at most maxAgeMs (60 s), whatever the epoch says.
    f.clock.advance(60_001);
    expect(await ask('e2')).toBe(false);
  });

  it('remembers decisions of condition-free policies per principal object, never of time-bound ones', async () => {
    const f = await iamFixture();
    const timeBound = await f.iam.policies.create(
      f.accountId,
      {
        name: 'until-noon',
        document: {
          Version: '2024-07-01',
          Statement: [
            {
              Sid: 'T',
              Effect: 'Allow',
              Action: IAM_ACTIONS.createGroup,
              Resource: '*',
              Condition: { DateLessThan: { 'scp:CurrentTime': new Date(f.clock.now() + 30_000).toISOString() } },
            },
          ],
        },
      },
      'test',
    );
    const u = await f.user('memo', { policyIds: [f.builtin.ReadOnlyAccess!] });
    const who = principal(f.accountId, u.id);
    const { authorizer } = f.iam;
    const target = iamSrn(f.accountId, 'user', u.id);
    const ask = (action: string, resource: string, policyEpoch = 'e1') =>
      authorizer.authorize(who, action, resource, { policyEpoch });
    // A principal's first decision is not kept (a token seen once pays for no map); from the second on,
    // the very same answer comes back, frozen for everyone who keeps it.
    const once = await ask(IAM_ACTIONS.getUser, target);
    expect(once.allowed).toBe(true);
    expect(Object.isFrozen(once)).toBe(false);
    const first = await ask(IAM_ACTIONS.getUser, target);
    expect(await ask(IAM_ACTIONS.getUser, target)).toBe(first);
    expect(first).toEqual(once);
    expect(Object.isFrozen(first) && Object.isFrozen(first.deciding) && Object.isFrozen(first.resources)).toBe(true);
    expect(() => {
      (first as { allowed: boolean }).allowed = false;
    }).toThrow(TypeError);
    // Another resource or action is another decision.
    expect((await ask(IAM_ACTIONS.deleteUser, target)).allowed).toBe(false);
    expect(await ask(IAM_ACTIONS.getUser, iamSrn(f.accountId, 'user', 'someone-else'))).not.toBe(first);
    // Action and resource are kept apart whatever they contain: an action ending where the resource
    // begins is another question.
    for (let i = 0; i < 3; i++) await ask(IAM_ACTIONS.getUser, `srn\u0000${target.slice(3)}`);
    const split = [`${IAM_ACTIONS.getUser}\u0000srn`, target.slice(3)] as const;
    expect(await ask(...split)).toMatchObject({ action: split[0], resources: [split[1]] });
    // Context values and an uncached set (no epoch) are never remembered.
    const withContext = await authorizer.authorize(who, IAM_ACTIONS.getUser, target, {
      policyEpoch: 'e1',
      values: { 'scp:SourceIp': '10.0.0.1' },
    });
    expect(withContext).not.toBe(first);
    expect(await authorizer.authorize(who, IAM_ACTIONS.getUser, target)).not.toBe(first);
    // A policy with a condition reads the clock on every request: its decisions are never kept.
    await f.iam.users.attachPolicies(f.accountId, u.id, { policyIds: [timeBound.id] }, 'test');
    for (let i = 0; i < 2; i++) expect((await ask(IAM_ACTIONS.createGroup, '*', 'e2')).allowed).toBe(true);
    f.clock.advance(30_001); // past the condition's end, well inside the set's 60 s age
    expect((await ask(IAM_ACTIONS.createGroup, '*', 'e2')).allowed).toBe(false);
    // A new epoch brings a new set, and the decisions start afresh.
    await f.iam.users.detachPolicy(f.accountId, u.id, f.builtin.ReadOnlyAccess!, 'test');
    await f.iam.users.detachPolicy(f.accountId, u.id, timeBound.id, 'test');
    expect((await ask(IAM_ACTIONS.getUser, target, 'e3')).allowed).toBe(false);
  });

  it('project-scope bindings apply only to requests in that project', async () => {
    const f = await iamFixture();
    const project = await f.iam.projects.create(f.accountId, { name: 'proj' }, 'test');
    const u = await f.user('projector');
    const g = await f.iam.groups.create(f.accountId, { name: 'pgrp', memberIds: [u.id] }, 'test');
    await f.iam.groups.setBindings(
      f.accountId,
      g.id,
      { scope: 'project', projectId: project.id, policyIds: [f.builtin.ReadOnlyAccess] },
      'test',
    );
    const who = principal(f.accountId, u.id);
    const { authorizer } = f.iam;
    expect((await authorizer.authorize(who, IAM_ACTIONS.listRoles, '*')).allowed).toBe(false);
    expect((await authorizer.authorize(who, IAM_ACTIONS.listRoles, '*', { projectId: project.id })).allowed).toBe(true);
    expect(
      (await authorizer.authorize(who, IAM_ACTIONS.getProject, iamSrn(f.accountId, 'project', project.id))).allowed,
    ).toBe(true);
  });

  it('refuses "*" in another account, unknown and disabled principals, and a false root', async () => {
    const f = await iamFixture();
    const u = await f.user('admin', { policyIds: [f.builtin.FullAdministrator] });
    const who = principal(f.accountId, u.id);
    const { authorizer } = f.iam;
    expect((await authorizer.authorize(who, IAM_ACTIONS.listUsers, '*', { accountId: 'b'.repeat(32) })).reason).toBe(
      'CROSS_ACCOUNT',
    );
    expect((await authorizer.authorize(who, IAM_ACTIONS.getUser, iamSrn('b'.repeat(32), 'user', 'x'))).allowed).toBe(
      false,
    );
    expect((await authorizer.authorize(principal(f.accountId, 'nobody'), IAM_ACTIONS.listUsers, '*')).reason).toBe(
      'PRINCIPAL_UNKNOWN',
    );
    expect((await authorizer.authorize({ ...who, type: 'root' }, IAM_ACTIONS.listUsers, '*')).reason).toBe(
      'PRINCIPAL_UNKNOWN',
    );
    const root = principal(f.accountId, f.rootId, 'root');
    expect(
      (await authorizer.authorize(root, IAM_ACTIONS.deleteAccount, iamSrn(f.accountId, 'account', f.accountId)))
        .allowed,
    ).toBe(true);
    await f.iam.users.update(f.accountId, u.id, { version: 1, state: 'disabled' }, 'test');
    expect((await authorizer.authorize(who, IAM_ACTIONS.listUsers, '*')).reason).toBe('PRINCIPAL_INACTIVE');
  });

  it("a role session gets its role's policies only (ROLE-5)", async () => {
    const f = await iamFixture();
    const role = await f.iam.roles.create(
      f.accountId,
      { name: 'reader', policyIds: [f.builtin.ReadOnlyAccess] },
      'test',
    );
    const session: Principal = {
      ...principal(f.accountId, 'sess-1', 'role-session'),
      role: iamSrn(f.accountId, 'role', role.id),
    };
    expect((await f.iam.authorizer.authorize(session, IAM_ACTIONS.listUsers, '*')).allowed).toBe(true);
    expect((await f.iam.authorizer.authorize(session, IAM_ACTIONS.createUser, '*')).allowed).toBe(false);
  });

  it('every built-in policy document passes validation', async () => {
    const { BUILTIN_POLICIES } = await import('../../../src/iam/index.js');
    const { validatePolicy } = await import('../../../src/policy/index.js');
    for (const b of BUILTIN_POLICIES)
      expect([b.name, validatePolicy(JSON.stringify(b.document)).ok]).toEqual([b.name, true]);
  });
});
