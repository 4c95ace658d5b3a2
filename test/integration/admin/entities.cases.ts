import { describe, expect, it } from '@jest/globals';
import { checkPassword } from '../../../src/passwords/index.js';
import { makeUser, tags, violations, type Harness } from './harness.js';

/** TEN-1..7, ENT-1/2, ENT-8, ENT-9, ROLE-1/2, FED-1 through HTTP, as root of account A. */
export function describeEntityCases(h: () => Harness): void {
  describe('accounts and aliases (TEN-1, TEN-3)', () => {
    it('has a 32-hex id; alias edges; change frees the old alias at once; removal falls back to ?account=', async () => {
      const { a, b, call, gw } = h();
      expect(a.id).toMatch(/^[0-9a-f]{32}$/);
      const bad = await Promise.all(
        ['ab', 'Acme', 'a_b', 'x'.repeat(64)].map((alias) => call(a.root, 'PUT', `${a.base}/alias`, { alias })),
      );
      expect(bad.map((r) => violations(r))).toEqual([
        ['alias:ALIAS_TOO_SHORT'],
        ['alias:ALIAS_INVALID_CHARACTER'],
        ['alias:ALIAS_INVALID_CHARACTER'],
        ['alias:ALIAS_TOO_LONG'],
      ]);
      const long = 'a'.repeat(63);
      expect((await call(a.root, 'PUT', `${a.base}/alias`, { alias: long })).body.loginUrl).toBe(
        `http://localhost:8080/login/${long}`,
      );
      const set = await call(a.root, 'PUT', `${a.base}/alias`, { alias: 'acme-1' });
      expect(set.body).toMatchObject({ alias: 'acme-1', loginUrl: 'http://localhost:8080/login/acme-1' });
      expect((await call(b.root, 'PUT', `${b.base}/alias`, { alias: 'acme-1' })).status).toBe(409);
      await call(a.root, 'PUT', `${a.base}/alias`, { alias: 'acme-2' });
      expect(await gw.iam.accounts.findForLogin({ alias: 'acme-1' })).toBeNull();
      expect((await gw.iam.accounts.findForLogin({ alias: 'acme-2' }))?.id).toBe(a.id);
      expect((await call(b.root, 'PUT', `${b.base}/alias`, { alias: 'acme-1' })).status).toBe(200);
      const removed = await call(a.root, 'DELETE', `${a.base}/alias`);
      expect(removed.body).toMatchObject({ alias: null, loginUrl: `http://localhost:8080/login?account=${a.id}` });
      expect(await gw.iam.accounts.findForLogin({ alias: 'acme-2' })).toBeNull();
      expect((await call(b.root, 'PUT', `${b.base}/alias`, { alias: 'acme-2' })).status).toBe(200);
    });
  });

  describe('users (ENT-1, ENT-2, TEN-6, ENT-8)', () => {
    it('generates a password that meets every rule, shows it once, and returns the login information', async () => {
      const { a, call, gw } = h();
      const res = await call(a.root, 'POST', `${a.base}/users`, {
        name: 'gen.user@x',
        email: { value: 'g@example.com' },
        timezone: 'Asia/Seoul',
      });
      expect(res.status).toBe(201);
      const { login, user } = res.body;
      expect(login).toMatchObject({
        accountId: a.id,
        username: 'gen.user@x',
        loginUrl: expect.stringContaining('/login'),
      });
      expect(checkPassword(login.password, { username: 'gen.user@x', accountId: a.id }, gw.config.passwords)).toEqual(
        [],
      );
      expect(user).toMatchObject({
        name: 'gen.user@x',
        kind: 'iam',
        state: 'active',
        mustChangePassword: true,
        email: { value: 'g@example.com', verified: false },
        createdBy: a.root.userId,
      });
      const again = await call(a.root, 'GET', `${a.base}/users/${user.id}`);
      expect(JSON.stringify(again.body)).not.toContain(login.password);
      expect(again.body).not.toHaveProperty('passwordHash');
    });

    it('reports every violation at once: bad name, weak given password, 51 tags, 1,001-char description', async () => {
      const { a, call } = h();
      const res = await call(a.root, 'POST', `${a.base}/users`, {
        name: 'bad name',
        password: 'abcd',
        tags: tags(51),
        description: 'd'.repeat(1001),
      });
      expect(res.status).toBe(400);
      expect(violations(res)).toEqual(
        expect.arrayContaining([
          'name:NAME_INVALID_CHARACTER',
          'tags:TOO_MANY_TAGS',
          'description:DESCRIPTION_TOO_LONG',
          'password:PASSWORD_TOO_SHORT',
          'password:PASSWORD_SEQUENTIAL_CHARACTERS',
        ]),
      );
      expect((await call(a.root, 'GET', `${a.base}/users?namePrefix=bad`)).body.items).toEqual([]);
    });

    it('contacts set through the admin API cannot be marked verified, not even by root (LOGIN-8)', async () => {
      const { a, call } = h();
      const res = await call(a.root, 'POST', `${a.base}/users`, {
        name: 'claims-verified',
        email: { value: 'root@example.com', verified: true },
      });
      expect(res.status).toBe(400);
      expect(violations(res)).toEqual(['email.verified:CONTACT_VERIFICATION_NOT_ALLOWED']);
      const ok = await call(a.root, 'POST', `${a.base}/users`, {
        name: 'plain-contact',
        phone: { value: '+82100000000' },
      });
      expect(ok.body.user ?? ok.body).toMatchObject({ phone: { value: '+82100000000', verified: false } });
      const id = (ok.body.user ?? ok.body).id as string;
      const patch = await call(a.root, 'PATCH', `${a.base}/users/${id}`, {
        version: 1,
        phone: { value: '+82100000000', verified: true },
      });
      expect(patch.status).toBe(400);
    });

    it('user name edges: 1 and 64 ok, 0 and 65 refused, case-sensitive, 409 on a clash, immutable', async () => {
      const { a, call } = h();
      for (const name of ['u', 'U', `${'n'.repeat(63)}+`])
        expect((await call(a.root, 'POST', `${a.base}/users`, { name })).status).toBe(201);
      expect(violations(await call(a.root, 'POST', `${a.base}/users`, { name: '' }))).toEqual(['name:NAME_TOO_SHORT']);
      expect(violations(await call(a.root, 'POST', `${a.base}/users`, { name: 'n'.repeat(65) }))).toEqual([
        'name:NAME_TOO_LONG',
      ]);
      expect(violations(await call(a.root, 'POST', `${a.base}/users`, { name: '홍길동' }))).toEqual([
        'name:NAME_INVALID_CHARACTER',
      ]);
      expect((await call(a.root, 'POST', `${a.base}/users`, { name: 'u' })).body.error.code).toBe('ALREADY_EXISTS');
      const u = await makeUser(h(), a, 'fixed-name');
      const rename = await call(a.root, 'PATCH', `${a.base}/users/${u.id}`, { version: 1, name: 'other' });
      expect(violations(rename)).toEqual(['name:NAME_IMMUTABLE']);
    });

    it('tags: 50 ok, 51 refused, duplicate keys refused; descriptions: 1,000 ok, 1,001 refused; stamps and CAS', async () => {
      const { a, call } = h();
      const u = await makeUser(h(), a, 'tagged', { tags: tags(50), description: 'd'.repeat(1000) });
      const got = await call(a.root, 'GET', `${a.base}/users/${u.id}`);
      expect(got.body.tags).toHaveLength(50);
      const dup = await call(a.root, 'PATCH', `${a.base}/users/${u.id}`, {
        version: 1,
        tags: [
          { key: 'k', value: '1' },
          { key: 'k', value: '2' },
        ],
      });
      expect(violations(dup)).toEqual(['tags[1].key:DUPLICATE_TAG_KEY']);
      expect(
        violations(await call(a.root, 'PATCH', `${a.base}/users/${u.id}`, { version: 1, tags: tags(51) })),
      ).toEqual(['tags:TOO_MANY_TAGS']);
      h().clock.advance(1000);
      const ok = await call(a.root, 'PATCH', `${a.base}/users/${u.id}`, { description: null }, { 'if-match': '"1"' });
      expect(ok.body).toMatchObject({ version: 2, modifiedBy: a.root.userId, modifiedAt: h().clock.now() });
      expect(ok.body).not.toHaveProperty('description');
      const stale = await call(a.root, 'PATCH', `${a.base}/users/${u.id}`, { version: 1, timezone: 'UTC' });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: 2 } });
      expect(violations(await call(a.root, 'PATCH', `${a.base}/users/${u.id}`, { timezone: 'Mars/Olympus' }))).toEqual([
        'version:REQUIRED',
        'timezone:TIMEZONE_INVALID',
      ]);
      expect((await call(a.root, 'GET', `${a.base}/users/${'f'.repeat(32)}`)).status).toBe(404);
    });

    it('the root user cannot be deleted or disabled (ENT-8)', async () => {
      const { a, call } = h();
      expect((await call(a.root, 'DELETE', `${a.base}/users/${a.root.userId}`)).body.error.code).toBe(
        'ROOT_USER_PROTECTED',
      );
      expect(
        (await call(a.root, 'PATCH', `${a.base}/users/${a.root.userId}`, { version: 1, state: 'disabled' })).body.error
          .code,
      ).toBe('ROOT_USER_PROTECTED');
    });

    it('only the root user edits the root user; an IAM administrator cannot (ENT-8)', async () => {
      const { a, call } = h();
      const admin = await makeUser(h(), a, 'root-editor', { policyIds: [a.builtin.IAMAdministrator] });
      const before = (await call(a.root, 'GET', `${a.base}/users/${a.root.userId}`)).body;
      const res = await call(admin, 'PATCH', `${a.base}/users/${a.root.userId}`, {
        version: before.version,
        mustChangePassword: true,
      });
      expect([res.status, res.body.error.code]).toEqual([409, 'ROOT_USER_PROTECTED']);
      expect((await call(a.root, 'GET', `${a.base}/users/${a.root.userId}`)).body).toMatchObject({
        version: before.version,
        mustChangePassword: false,
      });
      const own = await call(a.root, 'PATCH', `${a.base}/users/${a.root.userId}`, {
        version: before.version,
        timezone: 'Asia/Seoul',
      });
      expect([own.status, own.body.timezone]).toEqual([200, 'Asia/Seoul']);
    });

    it('bulk delete of mixed existing, missing and root ids (TEN-7)', async () => {
      const { a, call } = h();
      const x = await makeUser(h(), a, 'bulk-x');
      const y = await makeUser(h(), a, 'bulk-y');
      const missing = 'e'.repeat(32);
      const res = await call(a.root, 'POST', `${a.base}/users/bulk-delete`, {
        ids: [x.id, missing, y.id, a.root.userId],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        deleted: expect.arrayContaining([x.id, y.id]),
        notFound: [missing],
        refused: [{ id: a.root.userId, code: 'ROOT_USER_PROTECTED' }],
      });
      expect((await call(a.root, 'GET', `${a.base}/users/${x.id}`)).status).toBe(404);
      expect(violations(await call(a.root, 'POST', `${a.base}/users/bulk-delete`, { ids: [] }))).toEqual([
        'ids:REQUIRED',
      ]);
    });
  });

  describe('names of the other kinds (TEN-6)', () => {
    const cases: Array<[string, string[], string[]]> = [
      ['groups', ['abc', 'g'.repeat(24), '개발팀', 'a+=,.@-_'], ['ab', 'g'.repeat(25), 'a b', 'a&b']],
      ['policies', ['abc', 'p'.repeat(128), '정책-1'], ['ab', 'p'.repeat(129), 'p/q']],
      ['roles', ['r', 'r'.repeat(64), 'a+=-_@,.'], ['', 'r'.repeat(65), '역할', 'r#']],
      ['credential-providers', ['p', 'p'.repeat(128), 'a,-_'], ['', 'p'.repeat(129), 'a.b', 'a@b']],
    ];
    const doc = { Version: '2024-07-01', Statement: { Effect: 'Allow', Action: 'iam:getUser', Resource: '*' } };
    it.each(cases)('%s: edges accepted and refused', async (path, good, bad) => {
      const { a, call } = h();
      const extra = path === 'policies' ? { document: doc } : {};
      for (const name of good)
        expect([path, name, (await call(a.root, 'POST', `${a.base}/${path}`, { name, ...extra })).status]).toEqual([
          path,
          name,
          201,
        ]);
      for (const name of bad) {
        const res = await call(a.root, 'POST', `${a.base}/${path}`, { name, ...extra });
        expect([name, res.status, violations(res).every((v) => v.startsWith('name:NAME_'))]).toEqual([name, 400, true]);
      }
      expect((await call(a.root, 'POST', `${a.base}/${path}`, { name: good[0], ...extra })).status).toBe(409);
    });
  });

  describe('roles and credential providers (ROLE-1/2, FED-1)', () => {
    it('session duration 3,200–43,200 s, at most 20 trusted principals of the five kinds', async () => {
      const { a, b, call } = h();
      const post = (body: Record<string, unknown>) => call(a.root, 'POST', `${a.base}/roles`, body);
      expect(violations(await post({ name: 'short', maxSessionSeconds: 3199 }))).toEqual([
        'maxSessionSeconds:SESSION_DURATION_OUT_OF_RANGE',
      ]);
      expect(violations(await post({ name: 'long', maxSessionSeconds: 43201 }))).toEqual([
        'maxSessionSeconds:SESSION_DURATION_OUT_OF_RANGE',
      ]);
      expect((await post({ name: 'min', maxSessionSeconds: 3200 })).status).toBe(201);
      const twenty = Array.from({ length: 20 }, () => ({ kind: 'other-account', value: b.id }));
      expect(
        (await post({ name: 'max', maxSessionSeconds: 43200, trustedPrincipals: twenty })).body.trustedPrincipals,
      ).toHaveLength(20);
      expect(
        violations(
          await post({ name: 'many', trustedPrincipals: [...twenty, { kind: 'service', value: 'api-gateway' }] }),
        ),
      ).toEqual(['trustedPrincipals:TOO_MANY_TRUSTED_PRINCIPALS']);
      const kinds = await post({
        name: 'kinds',
        trustedPrincipals: [
          { kind: 'current-account', value: '' },
          { kind: 'other-account', value: 'nothex' },
          { kind: 'user', value: `srn:e::${a.id}:::scp-iam:user/${a.root.userId}` },
          { kind: 'credential-provider', value: 'f'.repeat(32) },
          { kind: 'service', value: 'no-such-service' },
          { kind: 'robot', value: 'x' },
        ],
      });
      expect(violations(kinds)).toEqual(['trustedPrincipals[5].kind:INVALID_VALUE']);
      const fixed = await post({
        name: 'kinds',
        trustedPrincipals: [
          { kind: 'other-account', value: 'nothex' },
          { kind: 'credential-provider', value: 'f'.repeat(32) },
          { kind: 'service', value: 'x' },
        ],
      });
      expect(violations(fixed)).toEqual([
        'trustedPrincipals[0].value:PRINCIPAL_INVALID',
        'trustedPrincipals[1].value:PROVIDER_NOT_FOUND',
        'trustedPrincipals[2].value:PRINCIPAL_INVALID',
      ]);
    });

    it('a locked provider refuses changes and deletion until unlocked', async () => {
      const { a, call } = h();
      const p = (
        await call(a.root, 'POST', `${a.base}/credential-providers`, {
          name: 'locked-idp',
          locked: true,
          loginUrl: 'https://idp.example.com/sso',
        })
      ).body;
      expect(p).toMatchObject({
        kind: 'saml',
        locked: true,
        loginUrl: 'https://idp.example.com/sso',
        saml: { metadata: null },
      });
      expect(
        (await call(a.root, 'PATCH', `${a.base}/credential-providers/${p.id}`, { version: 1, description: 'x' })).body
          .error.code,
      ).toBe('PROVIDER_LOCKED');
      expect((await call(a.root, 'DELETE', `${a.base}/credential-providers/${p.id}`)).body.error.code).toBe(
        'PROVIDER_LOCKED',
      );
      expect(
        (await call(a.root, 'PATCH', `${a.base}/credential-providers/${p.id}`, { version: 1, locked: false })).body
          .locked,
      ).toBe(false);
      expect((await call(a.root, 'DELETE', `${a.base}/credential-providers/${p.id}`)).status).toBe(204);
    });
  });

  describe('home counts, paging and filters (ENT-9)', () => {
    it('counts IAM users, groups and policies; pages with limit/cursor; filters by name prefix and tag', async () => {
      const { b, call } = h();
      for (const n of [1, 2, 3])
        await makeUser(h(), b, `page-${n}`, n === 2 ? { tags: [{ key: 'team', value: 'red' }] } : {});
      await call(b.root, 'POST', `${b.base}/groups`, { name: 'team-b' });
      expect((await call(b.root, 'GET', `${b.base}/summary`)).body).toEqual({
        users: 3,
        groups: 1,
        policies: 4,
        roles: 0,
        credentialProviders: 0,
        projects: 0,
      });
      const first = await call(b.root, 'GET', `${b.base}/users?limit=2&namePrefix=page-`);
      const second = await call(
        b.root,
        'GET',
        `${b.base}/users?limit=2&namePrefix=page-&cursor=${first.body.nextCursor}`,
      );
      expect([...first.body.items, ...second.body.items].map((u: { name: string }) => u.name).sort()).toEqual([
        'page-1',
        'page-2',
        'page-3',
      ]);
      expect(second.body.nextCursor).toBeNull();
      expect(
        (await call(b.root, 'GET', `${b.base}/users?tagKey=team&tagValue=red`)).body.items.map(
          (u: { name: string }) => u.name,
        ),
      ).toEqual(['page-2']);
      expect(violations(await call(b.root, 'GET', `${b.base}/users?limit=0`))).toEqual(['limit:LIMIT_OUT_OF_RANGE']);
    });
  });
}
