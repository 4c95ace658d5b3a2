import { describe, expect, it } from '@jest/globals';
import { iamSrn } from '../../../src/authz/srn.js';
import { RECENT_ROLES_MAX } from '../../../src/roles/index.js';
import type { Account, Role, User } from '../../../src/store/ports.js';
import { PASSWORD, createAccount, createUser, gatewayWithAccount, sessionOf } from '../login/helpers.js';
import {
  cookieOf,
  csrfOf,
  getPage,
  noticeOf,
  policy,
  postForm,
  role,
  submitSwitch,
  switchRole,
  type Browser,
} from './console-switch.helpers.js';

/**
 * Console switch role (ROLE-3) over HTTP, as a browser posts it: by account alias or id, through the same
 * trust and identity-policy checks as AssumeRole; the role session carries the role's permissions only
 * (ROLE-5), a banner on every console page, dies with the session underneath, and switch back resumes that
 * session without a login. test/e2e/switch-role.test.ts walks the same path in Chromium.
 */
describe('console switch role (ROLE-3, ROLE-5)', () => {
  const ctx = gatewayWithAccount();
  let reader: Role; // trusts the account, may list roles only
  let locked: Role; // trusts nobody here
  let alice: User; // may assume roles, may not list them

  const login = async (username = 'alice'): Promise<Browser> =>
    cookieOf((await sessionOf(ctx.t, ctx.account.id, username, PASSWORD)).sessionId);
  const listRoles = (b: Browser) => getPage(ctx.t, b, `/v1/accounts/${ctx.account.id}/roles`).then((r) => r.status);
  const setUp = async (): Promise<void> => {
    if (alice !== undefined) return;
    const { gw } = ctx.t;
    const a = ctx.account;
    const assume = await policy(gw, a.id, 'AssumeAny', { Effect: 'Allow', Action: 'iam:assumeRole', Resource: '*' });
    const listRolesOnly = await policy(gw, a.id, 'ListRoles', {
      Effect: 'Allow',
      Action: 'iam:listRoles',
      Resource: '*',
    });
    reader = await role(gw, a, 'reader', [{ kind: 'current-account', value: a.id }], [listRolesOnly.id]);
    locked = await role(
      gw,
      a,
      'locked',
      [{ kind: 'user', value: iamSrn(a.id, 'user', 'somebody-else') }],
      [listRolesOnly.id],
    );
    alice = await createUser(gw, a, 'alice', PASSWORD, { policyIds: [assume.id] });
    await createUser(gw, a, 'nobody', PASSWORD); // no iam:assumeRole
  };

  it('switches by alias: the cookie holds a role session with the role’s permissions only, and a banner', async () => {
    await setUp();
    const user = await login();
    expect(await listRoles(user)).toBe(403); // the user's own policies: assume only
    const asRole = await switchRole(ctx.t, user, {
      account: ctx.account.alias!,
      roleName: 'reader',
      displayName: 'Reader <b>',
      colour: 'green',
    });
    expect(asRole.sessionId).not.toBe(user.sessionId);
    expect(await listRoles(asRole)).toBe(200); // ROLE-5: the role's policy
    expect((await getPage(ctx.t, asRole, `/v1/accounts/${ctx.account.id}/users`)).status).toBe(403);

    const home = await (await getPage(ctx.t, asRole, '/console')).text();
    expect(home).toContain('id="role-banner"');
    expect(home).toContain('class="role-banner colour-green"');
    expect(home).toContain('Reader &lt;b&gt;'); // the display name, escaped
    expect(home).toContain(`<strong id="role-banner-account">${ctx.account.alias!}</strong>`);
    expect(home).toMatch(/<time id="role-banner-expiry" datetime="\d{4}-\d\d-\d\dT/);
    const myInfo = await (await getPage(ctx.t, asRole, '/console/my-info')).text();
    expect(myInfo).toContain('id="role-banner"'); // every console page
    expect(await (await getPage(ctx.t, user, '/console')).text()).not.toContain('id="role-banner"');
  });

  it('switch back resumes the original session (same cookie, no login) and ends the role session', async () => {
    await setUp();
    const user = await login();
    const asRole = await switchRole(ctx.t, user, { account: ctx.account.id, roleName: 'reader', colour: 'blue' });
    const back = await postForm(ctx.t, asRole, '/console/switch-role/back', { _csrf: await csrfOf(ctx.t, asRole) });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/console');
    expect(back.headers.getSetCookie().join(';')).toContain(`iamgw_session=${user.sessionId}`);
    expect(await listRoles(asRole)).toBe(401); // the role session is gone
    expect(await listRoles(user)).toBe(403); // the user is the user again
    const audit = await ctx.t.gw.store.audit.list(ctx.account.id, { limit: 100 });
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['role.assume', 'role.switch_back']));
  });

  it('the role session dies with the session underneath, and signing out of it signs out of both', async () => {
    await setUp();
    const user = await login();
    const asRole = await switchRole(ctx.t, user, { account: ctx.account.id, roleName: 'reader', colour: 'red' });
    await ctx.t.gw.login.consoleSessions.end(user.sessionId); // e.g. the user signed out in another tab
    expect(await listRoles(asRole)).toBe(401);

    const again = await login();
    const roleAgain = await switchRole(ctx.t, again, { account: ctx.account.id, roleName: 'reader', colour: 'red' });
    const out = await postForm(ctx.t, roleAgain, '/logout', { _csrf: await csrfOf(ctx.t, roleAgain) });
    expect(out.status).toBe(303);
    expect(await listRoles(roleAgain)).toBe(401);
    expect((await getPage(ctx.t, again, '/console')).status).toBe(303); // to the login page
  });

  it('refusals keep the browser where it was and say why: untrusted, not allowed, unknown account, bad form', async () => {
    await setUp();
    const user = await login();
    const refused = async (fields: Parameters<typeof submitSwitch>[2], b = user) => {
      const res = await submitSwitch(ctx.t, b, fields);
      expect(res.headers.getSetCookie().join(';')).not.toContain('iamgw_session=');
      return { status: res.status, notice: noticeOf(await res.text()) };
    };
    expect(await refused({ account: ctx.account.id, roleName: 'locked', colour: 'blue' })).toEqual({
      status: 403,
      notice: expect.stringContaining('does not trust you'),
    });
    expect(await refused({ account: ctx.account.id, roleName: 'no-such-role', colour: 'blue' })).toMatchObject({
      status: 404,
    });
    expect(await refused({ account: 'no-such-alias-anywhere', roleName: 'reader', colour: 'blue' })).toEqual({
      status: 404,
      notice: 'No account has that id or alias.',
    });
    expect(await refused({ account: ctx.account.id, roleName: 'reader', colour: 'chartreuse' })).toMatchObject({
      status: 400,
    });
    expect(
      await refused({ account: ctx.account.id, roleName: 'reader', colour: 'blue', displayName: 'x'.repeat(65) }),
    ).toMatchObject({ status: 400 });
    const nobody = cookieOf((await sessionOf(ctx.t, ctx.account.id, 'nobody', PASSWORD)).sessionId);
    expect(await refused({ account: ctx.account.id, roleName: 'reader', colour: 'blue' }, nobody)).toEqual({
      status: 403,
      notice: expect.stringContaining('iam:assumeRole'),
    });
    // Another account's role names are not disclosed: an unknown name answers as "not trusted".
    const other: Account = await createAccount(ctx.t.gw);
    expect(await refused({ account: other.id, roleName: 'whatever', colour: 'blue' })).toEqual({
      status: 403,
      notice: expect.stringContaining('does not trust you'),
    });
    expect(locked.name).toBe('locked');
  });

  it('a forged switch without the page’s CSRF token is refused and starts nothing', async () => {
    await setUp();
    const user = await login();
    const attempts = async () =>
      (await ctx.t.gw.store.audit.list(ctx.account.id, { limit: 1000 })).items.filter((e) => e.action === 'role.assume')
        .length;
    const before = await attempts();
    const res = await submitSwitch(
      ctx.t,
      user,
      { account: ctx.account.id, roleName: 'reader', colour: 'blue' },
      'forged',
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().join(';')).not.toContain('iamgw_session=');
    expect(await attempts()).toBe(before); // never reached the role assumption
    expect(await listRoles(user)).toBe(403); // the cookie is still the user's
    await switchRole(ctx.t, user, { account: ctx.account.id, roleName: 'reader', colour: 'blue' });
    expect(await attempts()).toBe(before + 1); // the count moves for a real switch
  });

  it(`offers the ${RECENT_ROLES_MAX} most recent roles again, newest first, without duplicates`, async () => {
    await setUp();
    const { gw } = ctx.t;
    const a = ctx.account;
    const listRolesOnly = (await gw.store.policies.list(a.id, { limit: 100 })).items.find(
      (p) => p.name === 'ListRoles',
    )!;
    for (let i = 0; i < 6; i++)
      await role(gw, a, `recent-${i}`, [{ kind: 'current-account', value: a.id }], [listRolesOnly.id]);
    let user = await login();
    for (const name of ['recent-0', 'recent-1', 'recent-2', 'recent-3', 'recent-4', 'recent-5', 'recent-3']) {
      const asRole = await switchRole(ctx.t, user, { account: a.id, roleName: name, colour: 'purple' });
      await postForm(ctx.t, asRole, '/console/switch-role/back', { _csrf: await csrfOf(ctx.t, asRole) });
      user = await login();
    }
    const page = await (await getPage(ctx.t, user, '/console/switch-role')).text();
    const offered = [...page.matchAll(/<span class="recent-detail">([^<]+) in /g)].map((m) => m[1]);
    expect(offered).toEqual(['recent-3', 'recent-5', 'recent-4', 'recent-2', 'recent-1']);
    expect(reader.name).toBe('reader');
  });
});
