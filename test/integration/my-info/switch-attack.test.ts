import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { User } from '../../../src/store/ports.js';
import { violations } from '../admin/harness.js';
import { NO_THROTTLE, OTHER_PASSWORD, PASSWORD, sessionOf, startGateway, type TestGateway } from '../mfa/helpers.js';
import { refusal, switchEvents, switchTo, targetsOf, whoAmI, type Session } from './switch-helpers.js';

/**
 * The LOGIN-8 escalation, end to end: an IAM administrator of account B tries to make itself (or a user it
 * creates) switchable into account A's root user by giving it A-root's e-mail through the admin API. Contacts
 * set there are never verified (CONTACT_VERIFICATION_NOT_ALLOWED), so the switch has nothing to stand on.
 */
describe('account switching attack: an IAM admin of B cannot switch into A’s root (LOGIN-8, ENT-7)', () => {
  const ROOT_EMAIL = 'ceo@a-corp.example';
  let t: TestGateway;
  let aRoot: User;
  let aId = '';
  let bId = '';
  let admin: Session;
  let adminUser: User;

  /** The admin API with a real console session (cookie + CSRF), as a browser or JSON client would call it. */
  const call = async (s: Session, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.base}${path}`, {
      method,
      headers: {
        cookie: s.cookie,
        ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    const a = await t.gw.iam.accounts.create({ name: 'A Corp', rootPassword: PASSWORD, rootEmail: ROOT_EMAIL }, 'test');
    const b = await t.gw.iam.accounts.create({ name: 'B Corp', rootPassword: OTHER_PASSWORD }, 'test');
    [aId, bId] = [a.account.id, b.account.id];
    // A's root proved its address (the verification flow or an import sets the flag; no API can).
    aRoot = await t.gw.store.users.mutate(aId, String(a.account.rootUserId), 'test', (u) => ({
      email: { value: u.email?.value ?? '', verified: true },
    }));
    // B's root makes b-admin an IAM administrator through the admin API.
    const bRoot = await sessionOf(t, bId, 'root', OTHER_PASSWORD);
    const iamAdmin = (await t.gw.store.policies.getByName(bId, 'IAMAdministrator'))?.id;
    const created = await call(bRoot, 'POST', `/v1/accounts/${bId}/users`, {
      name: 'b-admin',
      password: PASSWORD,
      mustChangePassword: false,
      policyIds: [iamAdmin],
    });
    expect(created.status).toBe(201);
    admin = await sessionOf(t, bId, 'b-admin', PASSWORD);
    adminUser = created.body.user;
  });
  afterAll(() => t.close());

  it('the admin API refuses to mark a contact verified: on itself, on a new user, even with the value right', async () => {
    const self = `/v1/accounts/${bId}/users/${adminUser.id}`;
    const version = (await call(admin, 'GET', self)).body.version as number;
    const patch = await call(admin, 'PATCH', self, { version, email: { value: ROOT_EMAIL, verified: true } });
    expect([patch.status, violations(patch)]).toEqual([400, ['email.verified:CONTACT_VERIFICATION_NOT_ALLOWED']]);
    const puppet = await call(admin, 'POST', `/v1/accounts/${bId}/users`, {
      name: 'puppet',
      password: PASSWORD,
      mustChangePassword: false,
      email: { value: ROOT_EMAIL, verified: true },
    });
    expect([puppet.status, violations(puppet)]).toEqual([400, ['email.verified:CONTACT_VERIFICATION_NOT_ALLOWED']]);
    expect(await t.gw.store.users.getByName(bId, 'puppet')).toBeNull(); // nothing half-written
    // Without the flag the address is accepted — and stored unverified.
    const plain = await call(admin, 'PATCH', self, { version, email: { value: ROOT_EMAIL.toUpperCase() } });
    expect([plain.status, plain.body.email]).toEqual([200, { value: ROOT_EMAIL.toUpperCase(), verified: false }]);
    const made = await call(admin, 'POST', `/v1/accounts/${bId}/users`, {
      name: 'puppet',
      password: PASSWORD,
      mustChangePassword: false,
      email: { value: ROOT_EMAIL },
    });
    expect([made.status, made.body.user.email]).toEqual([201, { value: ROOT_EMAIL, verified: false }]);
    // and A's users are out of reach of B's administrator altogether
    expect(
      (
        await call(admin, 'PATCH', `/v1/accounts/${aId}/users/${aRoot.id}`, {
          version: aRoot.version,
          email: { value: 'attacker@b.example' },
        })
      ).status,
    ).toBe(403);
    expect((await t.gw.store.users.get(aId, aRoot.id))?.email).toEqual({ value: ROOT_EMAIL, verified: true });
  });

  it('then the switch into A’s root is refused, for the admin and for the puppet; A’s audit log shows the attempt', async () => {
    const puppet = await sessionOf(t, bId, 'puppet', PASSWORD);
    for (const s of [admin, puppet]) {
      expect(await targetsOf(t, s)).toEqual([]);
      expect(refusal(await switchTo(t, s, aRoot))).toEqual([403, 'SWITCH_NOT_ALLOWED', 'NO_SHARED_VERIFIED_CONTACT']);
      expect(await whoAmI(t, s.cookie)).toMatchObject({ accountId: bId, type: 'user' });
    }
    const seenInA = (await switchEvents(t, aId)).filter((e) => e.details.fromAccountId === bId);
    expect(seenInA).toHaveLength(2);
    for (const e of seenInA)
      expect(e).toMatchObject({
        target: aRoot.id,
        result: 'failure',
        reasonCode: 'NO_SHARED_VERIFIED_CONTACT',
        details: { direction: 'in' },
      });
    // A's root does not see B's users as its identities either
    expect(await targetsOf(t, await sessionOf(t, aId, 'root', PASSWORD))).toEqual([]);
  });

  it('My Info contact changes are unverified too: re-typing the address there does not help', async () => {
    const put = await fetch(`${t.base}/v1/me/contacts`, {
      method: 'PUT',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ email: ROOT_EMAIL, password: PASSWORD }),
    });
    expect(((await put.json()) as { email: unknown }).email).toMatchObject({ verified: false }); // the same address, still unverified
    expect(refusal(await switchTo(t, admin, aRoot))).toEqual([403, 'SWITCH_NOT_ALLOWED', 'NO_SHARED_VERIFIED_CONTACT']);
  });
});
