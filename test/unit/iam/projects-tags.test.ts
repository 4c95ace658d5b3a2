import { describe, expect, it } from '@jest/globals';
import { iamSrn, revocationKeys } from '../../../src/iam/index.js';
import type { Group } from '../../../src/store/ports.js';
import { iamFixture } from './setup.js';

const tag = (key: string, value: string) => ({ key, value });

describe('project deletion removes its role bindings (ENT-4, ENT-5)', () => {
  it('marks each changed group revoked, leaves other groups alone and changes nothing when run again', async () => {
    const f = await iamFixture();
    const project = await f.iam.projects.create(f.accountId, { name: 'doomed' }, 'test');
    const bound = await f.iam.groups.create(f.accountId, { name: 'bound' }, 'test');
    const other = await f.iam.groups.create(f.accountId, { name: 'other' }, 'test');
    await f.iam.groups.setBindings(
      f.accountId,
      bound.id,
      { scope: 'project', projectId: project.id, policyIds: [f.builtin.ReadOnlyAccess] },
      'test',
    );
    await f.iam.groups.setBindings(
      f.accountId,
      other.id,
      { scope: 'account', policyIds: [f.builtin.ReadOnlyAccess] },
      'test',
    );
    f.clock.advance(1000);
    await f.iam.projects.delete(f.accountId, project.id, 'test');
    expect(await f.sessions.revokedAfter([revocationKeys.group(bound.id), revocationKeys.group(other.id)])).toEqual(
      new Map([[revocationKeys.group(bound.id), f.clock.now()]]),
    );
    expect((await f.store.groups.get(f.accountId, bound.id))?.roleBindings).toEqual([]);
    const version = (await f.store.groups.get(f.accountId, bound.id))?.version;
    expect(await f.iam.groups.removeProjectBindings(f.accountId, [project.id], 'test')).toEqual([]);
    expect((await f.store.groups.get(f.accountId, bound.id))?.version).toBe(version);
  });

  it('a group deleted while the clean-up runs is skipped, the rest still cleaned', async () => {
    const f = await iamFixture();
    const project = await f.iam.projects.create(f.accountId, { name: 'racing' }, 'test');
    const [g1, g2] = [
      await f.iam.groups.create(f.accountId, { name: 'g-one' }, 'test'),
      await f.iam.groups.create(f.accountId, { name: 'g-two' }, 'test'),
    ];
    for (const g of [g1, g2])
      await f.iam.groups.setBindings(
        f.accountId,
        g.id,
        { scope: 'project', projectId: project.id, policyIds: [f.builtin.ReadOnlyAccess] },
        'test',
      );
    const mutate = f.store.groups.mutate.bind(f.store.groups);
    let first = true;
    f.store.groups.mutate = async (accountId, id, by, updater) => {
      // Another administrator deletes the first group just before its clean-up write.
      if (first) await f.store.groups.delete(accountId, id);
      first = false;
      return mutate(accountId, id, by, updater);
    };
    const changed = await f.iam.groups.removeProjectBindings(f.accountId, [project.id], 'test');
    expect(changed).toHaveLength(1);
    expect((await f.store.groups.get(f.accountId, changed[0] as string))?.roleBindings).toEqual([]);
  });

  it('a binding written while its project is being deleted is taken back and refused', async () => {
    const f = await iamFixture();
    const project = await f.iam.projects.create(f.accountId, { name: 'vanishing' }, 'test');
    const g = await f.iam.groups.create(f.accountId, { name: 'late-binder' }, 'test');
    const mutate = f.store.groups.mutate.bind(f.store.groups);
    let raced = false;
    f.store.groups.mutate = async (accountId, id, by, updater) => {
      // The project deletion (document and its clean-up) completes between the check and this write.
      if (!raced) {
        raced = true;
        await f.iam.projects.delete(f.accountId, project.id, 'test');
      }
      return mutate(accountId, id, by, updater);
    };
    const bind = f.iam.groups.setBindings(
      f.accountId,
      g.id,
      { scope: 'project', projectId: project.id, policyIds: [f.builtin.ReadOnlyAccess] },
      'test',
    );
    await expect(bind).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { violations: [expect.objectContaining({ path: 'projectId', code: 'PROJECT_NOT_FOUND' })] },
    });
    expect(((await f.store.groups.get(f.accountId, g.id)) as Group).roleBindings).toEqual([]);
  });
});

describe('resource tags for the evaluator (POL-6)', () => {
  it('sends each IAM entity\'s stored tags; "*", other services and missing entities pass unchanged', async () => {
    const f = await iamFixture();
    const u = await f.user('tagged', { tags: [tag('team', 'blue'), tag('env', 'prod')] });
    const g = await f.iam.groups.create(f.accountId, { name: 'tagged-g', tags: [tag('team', 'red')] }, 'test');
    const plain = await f.iam.projects.create(f.accountId, { name: 'plain' }, 'test');
    const srn = (type: Parameters<typeof iamSrn>[1], id: string) => iamSrn(f.accountId, type, id);
    const foreign = `srn:e::${f.accountId}:kr-west1::scp-vs:instance/i1`;
    const resolved = await f.iam.resourceTags.resolve([
      '*',
      srn('user', u.id),
      srn('group', g.id),
      srn('project', plain.id),
      srn('user', 'f'.repeat(32)),
      foreign,
    ]);
    expect(resolved).toEqual([
      '*',
      { srn: srn('user', u.id), tags: { team: 'blue', env: 'prod' } },
      { srn: srn('group', g.id), tags: { team: 'red' } },
      srn('project', plain.id),
      srn('user', 'f'.repeat(32)),
      foreign,
    ]);
  });

  it('the authorizer matches scp:ResourceTag with the tags given and not without them', async () => {
    const f = await iamFixture();
    const doc = {
      Version: '2024-07-01',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:updateUser',
          Resource: '*',
          Condition: { StringEquals: { 'scp:ResourceTag/team': 'blue' } },
        },
      ],
    };
    const p = await f.iam.policies.create(f.accountId, { name: 'blue-only', document: doc }, 'test');
    const editor = await f.user('editor', { policyIds: [p.id] });
    const target = await f.user('blue-user', { tags: [tag('Team', 'blue')] });
    const who = {
      accountId: f.accountId,
      userId: editor.id,
      srn: iamSrn(f.accountId, 'user', editor.id),
      type: 'user' as const,
      auth: 'console' as const,
      mfa: false,
      amr: ['pwd'],
      groups: [],
      issuedAtMs: 0,
    };
    const srn = iamSrn(f.accountId, 'user', target.id);
    expect((await f.iam.authorizer.authorize(who, 'iam:updateUser', srn)).allowed).toBe(false);
    expect(
      (await f.iam.authorizer.authorize(who, 'iam:updateUser', await f.iam.resourceTags.resolve([srn]))).allowed,
    ).toBe(true);
  });
});

describe('audit event listing (ENT-7)', () => {
  it('accepts ISO date-times with a zone and epoch milliseconds; from is inclusive, to exclusive', async () => {
    const f = await iamFixture();
    const at = Date.UTC(2026, 3, 2, 10, 0, 0);
    await f.store.audit.append({
      accountId: f.accountId,
      actor: 'u',
      action: 'iam:updateUser',
      target: null,
      sourceIp: null,
      result: 'success',
      reasonCode: null,
      details: {},
      at,
    });
    const count = async (query: Record<string, string>) =>
      (await f.iam.auditEvents.list(f.accountId, query)).items.length;
    expect(await count({ from: '2026-04-02T19:00:00+09:00', to: String(at + 1) })).toBe(1);
    expect(await count({ from: String(at + 1) })).toBe(0);
    expect(await count({ to: '2026-04-02T10:00:00Z' })).toBe(0);
    await expect(f.iam.auditEvents.list(f.accountId, { from: '2026-04-02' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
