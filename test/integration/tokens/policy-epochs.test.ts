import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { buildApp, type Gateway } from '../../../src/app.js';
import { randomIds, systemClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config/load.js';
import { createMemoryStore } from '../../../src/store/memory/memory-store.js';
import type { Store } from '../../../src/store/ports.js';
import { MemorySigningKeyStore } from '../../../src/store/memory/signing-key-store.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import { KEK, accessToken, newSession, seedPrincipal } from './fixtures.js';

/**
 * The authorizer's policy-set cache across instances (docs/decisions.md, Tokens): B caches a principal's
 * policies under the account's IAM epoch read with each request's session check; every IAM write on A
 * replaces the epoch, so B's very next `/v1/authorize` sees the change — including writes that publish no
 * revocation marker (a policy edit, an attach, a new membership) and new tokens after a detach.
 */
describeWithServer('redis', 'IAM epochs: policy changes on A are honoured by B at once (TOK-4, POL-9)', () => {
  let a: Gateway;
  let b: Gateway;
  let urlB = '';
  let groupReadsOnB = 0;

  beforeAll(async () => {
    const env = {
      REDIS_URL: servers.redisUrl,
      IAMGW_SESSIONS_KEY_PREFIX: uniqueName('iamgw-epochs'),
      IAMGW_TOKENS_KEY_ENCRYPTION_KEY: KEK,
    };
    const store = createMemoryStore({ clock: systemClock, ids: randomIds });
    const signingKeys = new MemorySigningKeyStore();
    // B reads the same store through a view that counts group listings (the authorizer's membership read;
    // user reads would also count the console IP gate, which reads the user on every console request).
    const groups = Object.assign(Object.create(store.groups) as Store['groups'], {
      list: (...args: Parameters<Store['groups']['list']>) => {
        groupReadsOnB++;
        return store.groups.list(...args);
      },
    });
    [a, b] = await Promise.all([
      buildApp(testConfig(env), { store, signingKeys }),
      buildApp(testConfig(env), { store: { ...store, groups }, signingKeys }),
    ]);
    const server = await b.listen();
    urlB = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  /** Asks B with the token as the bearer credential (the cached path) or in the body. */
  async function allowedOnB(
    token: string,
    action: string,
    resource: string,
    via: 'bearer' | 'body' = 'bearer',
  ): Promise<boolean | string> {
    const res = await fetch(`${urlB}/v1/authorize`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(via === 'bearer' ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ action, resource, ...(via === 'body' ? { token } : {}) }),
    });
    const body = (await res.json()) as { allowed?: boolean; error?: { code: string } };
    return res.status === 200 ? body.allowed === true : (body.error?.code ?? String(res.status));
  }

  const document = (...actions: string[]) => ({
    Version: '2024-07-01',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
  });

  it('a custom-policy edit on A (no revocation marker) changes the very next answer on B, both ways', async () => {
    const { account, user, policy, session } = await seedPrincipal(a);
    const resource = `srn:e::${account.id}:::scp-iam:user/${user.id}`;
    const token = await accessToken(a, session);
    // Asked three times each way, so B answers from its remembered decision (docs/decisions.md, Service API
    // fast lane) before every edit: the edit's epoch must reach past it.
    const askAll = async (allowed: boolean) => {
      for (let i = 0; i < 3; i++)
        for (const via of ['bearer', 'body'] as const)
          expect(await allowedOnB(token, 'iam:getUser', resource, via)).toBe(allowed);
    };
    await askAll(true);
    await a.iam.policies.update(account.id, policy.id, { version: 1, document: document('iam:listUsers') }, 'admin');
    await askAll(false);
    await a.iam.policies.update(account.id, policy.id, { version: 2, document: document('iam:getUser') }, 'admin');
    await askAll(true);
  });

  it('an attach, a new group membership and a role binding on A grant on B at once', async () => {
    const { account, user, session } = await seedPrincipal(a);
    const token = await accessToken(a, session);
    const star = '*';
    expect(await allowedOnB(token, 'iam:listGroups', star)).toBe(false);
    const groups = await a.iam.policies.create(
      account.id,
      { name: 'ListGroups', document: document('iam:listGroups') },
      'admin',
    );
    await a.iam.users.attachPolicies(account.id, user.id, { policyIds: [groups.id] }, 'admin');
    expect(await allowedOnB(token, 'iam:listGroups', star)).toBe(true);

    expect(await allowedOnB(token, 'iam:listRoles', star)).toBe(false);
    const roles = await a.iam.policies.create(
      account.id,
      { name: 'ListRoles', document: document('iam:listRoles') },
      'admin',
    );
    const other = await a.iam.groups.create(account.id, { name: 'role-readers', policyIds: [roles.id] }, 'admin');
    await a.iam.groups.addMembers(account.id, other.id, { userIds: [user.id] }, 'admin');
    // The token's `groups` claim predates the membership; the authorizer reads memberships from the store.
    expect(await allowedOnB(token, 'iam:listRoles', star)).toBe(true);

    expect(await allowedOnB(token, 'iam:listPolicies', star)).toBe(false);
    const pols = await a.iam.policies.create(
      account.id,
      { name: 'ListPolicies', document: document('iam:listPolicies') },
      'admin',
    );
    await a.iam.groups.setBindings(account.id, other.id, { scope: 'account', policyIds: [pols.id] }, 'admin');
    expect(await allowedOnB(token, 'iam:listPolicies', star)).toBe(true);
  });

  it('after a detach on A, a fresh token of the same user on B gets no policy from the cache of the old set', async () => {
    const { account, user, session } = await seedPrincipal(a);
    const direct = await a.iam.policies.create(
      account.id,
      { name: 'ListRolesDirect', document: document('iam:listRoles') },
      'admin',
    );
    await a.iam.users.attachPolicies(account.id, user.id, { policyIds: [direct.id] }, 'admin');
    const before = await accessToken(a, session);
    expect(await allowedOnB(before, 'iam:listRoles', '*')).toBe(true);

    await a.iam.users.detachPolicy(account.id, user.id, direct.id, 'admin');
    expect(await allowedOnB(before, 'iam:listRoles', '*')).toBe('TOKEN_REVOKED');
    await new Promise((r) => setTimeout(r, 2)); // the new login comes after the marker (ms resolution)
    const after = await accessToken(a, await newSession(a, user));
    expect(await allowedOnB(after, 'iam:listRoles', '*')).toBe(false);
    expect(await allowedOnB(after, 'iam:getUser', `srn:e::${account.id}:::scp-iam:user/${user.id}`)).toBe(true);
  });

  it('B re-reads the store only after a write that can change the policy set, not per request', async () => {
    const { account, user, session } = await seedPrincipal(a);
    const token = await accessToken(a, session);
    const resource = `srn:e::${account.id}:::scp-iam:user/${user.id}`;
    expect(await allowedOnB(token, 'iam:getUser', resource)).toBe(true);
    const warm = groupReadsOnB;
    for (let i = 0; i < 5; i++) expect(await allowedOnB(token, 'iam:getUser', resource)).toBe(true);
    expect(groupReadsOnB).toBe(warm);

    // A login stamp or a profile edit is not an IAM change: the cache stays.
    await a.store.users.mutate(account.id, user.id, user.id, () => ({
      lastLoginAt: Date.now(),
      timezone: 'Europe/Paris',
    }));
    expect(await allowedOnB(token, 'iam:getUser', resource)).toBe(true);
    expect(groupReadsOnB).toBe(warm);

    // Disabling the user is (and revokes its tokens); re-enabling it bumps again, so nothing stale remains.
    const version = async () => (await a.store.users.get(account.id, user.id))?.version ?? 0;
    await a.iam.users.update(account.id, user.id, { version: await version(), state: 'disabled' }, 'admin');
    await a.iam.users.update(account.id, user.id, { version: await version(), state: 'active' }, 'admin');
    await new Promise((r) => setTimeout(r, 2)); // the new login comes after the marker (ms resolution)
    const fresh = await accessToken(a, await newSession(a, user));
    expect(await allowedOnB(fresh, 'iam:getUser', resource)).toBe(true);
    expect(groupReadsOnB).toBe(warm + 1);
  });
});
