import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { iamSrn } from '../../../src/iam/index.js';
import { policyDoc, startHarness, type ApiAnswer, type Harness } from './harness.js';

/**
 * Entity responses over HTTP (issue 15, TEN-2): every entity answers with its SRN, and a field stored on a
 * record but not listed by its serializer (src/http/serializers.ts) reaches no client on any route.
 */
describe('admin API responses: SRNs and serialized entities only', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(async () => undefined);
  });
  afterAll(() => h.close());

  const SECRET = 'planted-internal-value';
  const leaked = (answers: ApiAnswer[]) =>
    answers.filter((r) => JSON.stringify(r.body).includes(SECRET)).map((r) => r.body);

  it('every entity answers with its SRN: created, read, listed, updated and from relation routes', async () => {
    const { a, call } = h;
    const kinds = [
      ['users', 'user', { name: 'srn-user' }],
      ['groups', 'group', { name: 'srn-group' }],
      [
        'policies',
        'policy',
        { name: 'srn-policy', document: policyDoc({ Effect: 'Allow', Action: 'iam:getUser', Resource: '*' }) },
      ],
      ['roles', 'role', { name: 'srn-role' }],
      ['credential-providers', 'credential-provider', { name: 'srn-idp' }],
      ['projects', 'project', { name: 'srn-project' }],
    ] as const;
    for (const [path, type, body] of kinds) {
      const created = await call(a.root, 'POST', `${a.base}/${path}`, body);
      const entity = type === 'user' ? created.body.user : created.body;
      const srn = iamSrn(a.id, type, entity.id);
      expect([type, created.status, entity.srn]).toEqual([type, 201, srn]);
      expect((await call(a.root, 'GET', `${a.base}/${path}/${entity.id}`)).body.srn).toBe(srn);
      const listed = (await call(a.root, 'GET', `${a.base}/${path}?limit=100`)).body.items as Array<{
        id: string;
        srn: string;
      }>;
      expect(listed.find((e) => e.id === entity.id)?.srn).toBe(srn);
      expect(listed.every((e) => e.srn === iamSrn(a.id, type, e.id))).toBe(true);
      expect(
        (await call(a.root, 'PATCH', `${a.base}/${path}/${entity.id}`, { version: entity.version, description: 'x' }))
          .body.srn,
      ).toBe(srn);
    }
    const account = await call(a.root, 'GET', a.base);
    expect(account.body.srn).toBe(iamSrn(a.id, 'account', a.id));
    expect((await call(a.root, 'PUT', `${a.base}/alias`, { alias: 'srn-acme' })).body.srn).toBe(
      iamSrn(a.id, 'account', a.id),
    );
    const user = (await call(a.root, 'POST', `${a.base}/users`, { name: 'srn-rel' })).body.user;
    const attached = await call(a.root, 'POST', `${a.base}/users/${user.id}/policies`, {
      policyIds: [a.builtin.ReadOnlyAccess],
    });
    expect(attached.body.srn).toBe(iamSrn(a.id, 'user', user.id));
    const group = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'srn-rel-g' })).body;
    expect((await call(a.root, 'POST', `${a.base}/groups/${group.id}/members`, { userIds: [user.id] })).body.srn).toBe(
      iamSrn(a.id, 'group', group.id),
    );
  });

  it('My Info: the profile names the user by its SRN', async () => {
    const { a, call } = h;
    const res = await call(a.root, 'GET', '/v1/me/profile');
    expect([res.status, res.body.srn]).toEqual([200, iamSrn(a.id, 'user', a.root.userId)]);
  });

  it('users: no hash, history, MFA secret or recovery-code hash in any answer', async () => {
    const { a, call, gw } = h;
    const created = await call(a.root, 'POST', `${a.base}/users`, { name: 'no-hash' });
    const id = created.body.user.id as string;
    await gw.store.users.mutate(a.id, id, 'test', () => ({
      mfa: { enrolled: true, secret: SECRET, recoveryCodeHashes: [SECRET] },
      passwordHistory: [SECRET],
    }));
    const answers = [
      created,
      await call(a.root, 'GET', `${a.base}/users/${id}`),
      await call(a.root, 'GET', `${a.base}/users?limit=100`),
      await call(a.root, 'PATCH', `${a.base}/users/${id}`, { version: 2, timezone: 'Asia/Seoul' }),
      await call(a.root, 'POST', `${a.base}/users/${id}/policies`, { policyIds: [a.builtin.ReadOnlyAccess] }),
      await call(a.root, 'DELETE', `${a.base}/users/${id}/policies/${a.builtin.ReadOnlyAccess}`),
    ];
    expect(answers.map((r) => r.status)).toEqual([201, 200, 200, 200, 200, 200]);
    expect(leaked(answers)).toEqual([]);
    for (const r of answers)
      expect(JSON.stringify(r.body)).not.toMatch(/argon2|passwordHash|passwordHistory|recoveryCodeHashes|"secret"/);
    expect(answers[1]?.body.mfa).toEqual({ enrolled: true });
  });

  it('a field planted on stored records reaches no client: providers (any section), roles, groups, policies, projects', async () => {
    const { a, call, gw } = h;
    const plant = { internalNote: SECRET } as never;
    const saml = (await call(a.root, 'POST', `${a.base}/credential-providers`, { name: 'planted-idp' })).body;
    await gw.store.providers.mutate(
      a.id,
      saml.id,
      'test',
      () => ({ internalNote: SECRET, saml: { metadata: null, signingKeyPem: SECRET } }) as never,
    );
    const oidc = (
      await call(a.root, 'POST', `${a.base}/credential-providers`, {
        name: 'planted-oidc',
        kind: 'oidc',
        oidc: { issuer: 'https://login.example.com', clientId: 'c' },
      })
    ).body;
    await gw.store.providers.mutate(
      a.id,
      oidc.id,
      'test',
      (p) => ({ oidc: { ...(p as unknown as { oidc: object }).oidc, sealedClientSecret: SECRET } }) as never,
    );
    const role = (await call(a.root, 'POST', `${a.base}/roles`, { name: 'planted-role' })).body;
    await gw.store.roles.mutate(a.id, role.id, 'test', () => plant);
    const group = (await call(a.root, 'POST', `${a.base}/groups`, { name: 'planted-g' })).body;
    await gw.store.groups.mutate(a.id, group.id, 'test', () => plant);
    const project = (await call(a.root, 'POST', `${a.base}/projects`, { name: 'planted-project' })).body;
    await gw.store.projects.mutate(a.id, project.id, 'test', () => plant);
    const document = policyDoc({ Effect: 'Allow', Action: 'iam:getUser', Resource: '*' });
    const policy = (await call(a.root, 'POST', `${a.base}/policies`, { name: 'planted-policy', document })).body;
    await gw.store.policies.mutate(a.id, policy.id, 'test', () => plant);
    const answers: ApiAnswer[] = [];
    for (const [path, e] of [
      ['credential-providers', saml],
      ['credential-providers', oidc],
      ['roles', role],
      ['groups', group],
      ['projects', project],
      ['policies', policy],
    ] as const) {
      answers.push(
        await call(a.root, 'GET', `${a.base}/${path}/${e.id}`),
        await call(a.root, 'GET', `${a.base}/${path}?limit=100`),
      );
      answers.push(await call(a.root, 'PATCH', `${a.base}/${path}/${e.id}`, { version: 2, description: 'touched' }));
    }
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(leaked(answers)).toEqual([]);
    expect(answers[3]?.body.oidc).toMatchObject({ clientSecretSet: true });
  });
});
