import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account, User } from '../../../src/store/ports.js';
import {
  createAccount,
  createUser,
  formCsrf,
  NO_THROTTLE,
  PASSWORD,
  sessionCookie,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';
import { switched, switchEvents, switchTo, targetsOf, verified, whoAmI } from './switch-helpers.js';

/**
 * LOGIN-8 across accounts: one person is the root user of account A and an IAM user of account B (same
 * verified e-mail, written differently), and has a phone shared with another B user. They switch between
 * those identities after one login, without a password; every switch is a fresh session, audited in both accounts.
 */
export function describeCrossAccountSwitch(store: string, env: () => Record<string, string> = () => ({})): void {
  describe(`account switching across accounts [${store}]: listing, root ↔ IAM both ways, sessions, audit (LOGIN-8)`, () => {
    let t: TestGateway;
    let a: Account;
    let b: Account;
    let c: Account;
    const u: Record<string, User> = {};

    beforeAll(async () => {
      t = await startGateway({ ...NO_THROTTLE, ...env() });
      [a, b, c] = [await createAccount(t.gw), await createAccount(t.gw), await createAccount(t.gw, null)];
      const email = 'Person@Example.COM';
      u.root = await createUser(t.gw, a, 'root', PASSWORD, {
        kind: 'root',
        email: verified(email),
        phone: verified('+82 10-5555-0101'),
      });
      u.aOps = await createUser(t.gw, a, 'a-ops', PASSWORD, { email: verified('person@example.com') });
      u.bOps = await createUser(t.gw, b, 'b-ops', PASSWORD, { email: verified('  PERSON@example.com ') });
      u.bPhone = await createUser(t.gw, b, 'b-phone', PASSWORD, { phone: verified('+82(10)55550101') });
      u.bDisabled = await createUser(t.gw, b, 'b-disabled', PASSWORD, { email: verified(email), state: 'disabled' });
      u.cUnverified = await createUser(t.gw, c, 'c-unverified', PASSWORD, { email: { value: email, verified: false } });
      u.cOther = await createUser(t.gw, c, 'c-other', PASSWORD, {
        email: verified('someone.else@example.com'),
        phone: verified('82 10 5555 0101'),
      });
    });
    afterAll(() => t.close());

    it('lists every identity sharing a verified contact, in any account: own account first, with account id/alias, name, kind and contact', async () => {
      const s = await sessionOf(t, a.id, 'root', PASSWORD);
      expect(await targetsOf(t, s)).toEqual([
        {
          accountId: a.id,
          accountAlias: a.alias,
          userId: u.aOps?.id,
          userName: 'a-ops',
          kind: 'iam',
          sharedContact: 'email',
          mfaCodeRequired: false,
        },
        ...[
          {
            accountId: b.id,
            accountAlias: b.alias,
            userId: u.bOps?.id,
            userName: 'b-ops',
            kind: 'iam',
            sharedContact: 'email',
            mfaCodeRequired: false,
          },
          {
            accountId: b.id,
            accountAlias: b.alias,
            userId: u.bPhone?.id,
            userName: 'b-phone',
            kind: 'iam',
            sharedContact: 'phone',
            mfaCodeRequired: false,
          },
        ],
      ]);
      // not listed: disabled (b-disabled), unverified (c-unverified), different e-mail and a phone without the '+' (c-other)
      const fromB = await targetsOf(t, await sessionOf(t, b.id, 'b-ops', PASSWORD));
      expect(fromB.map((x) => [x.accountId, x.userName, x.kind])).toEqual([
        [a.id, 'a-ops', 'iam'],
        [a.id, 'root', 'root'],
      ]); // b-ops has no phone to share with b-phone
      expect(await targetsOf(t, await sessionOf(t, c.id, 'c-unverified', PASSWORD))).toEqual([]); // its own contact is unverified
      expect(await targetsOf(t, await sessionOf(t, c.id, 'c-other', PASSWORD))).toEqual([]);
    });

    it('root of A → IAM user of B → back to root: no password, fresh rotated session each time, the old one ends', async () => {
      const start = await sessionOf(t, a.id, 'root', PASSWORD);
      const toB = await switchTo(t, start, u.bOps as User);
      expect(toB.body).toMatchObject({
        accountId: b.id,
        accountAlias: b.alias,
        userId: u.bOps?.id,
        userName: 'b-ops',
        type: 'user',
      });
      const inB = await switched(toB);
      expect(inB.cookie).not.toBe(start.cookie);
      expect(inB.csrf).not.toBe(start.csrf);
      expect(await whoAmI(t, start.cookie)).toBeNull();
      expect(await whoAmI(t, inB.cookie)).toMatchObject({
        accountId: b.id,
        userId: u.bOps?.id,
        type: 'user',
        mfa: false,
        csrfToken: inB.csrf,
      });
      // the B session acts as the B user: its own profile, its own list
      const profile = (await (await fetch(`${t.base}/v1/me/profile`, { headers: { cookie: inB.cookie } })).json()) as {
        userName: string;
      };
      expect(profile.userName).toBe('b-ops');

      const back = await switched(await switchTo(t, inB, u.root as User));
      expect(await whoAmI(t, inB.cookie)).toBeNull();
      expect(await whoAmI(t, back.cookie)).toMatchObject({ accountId: a.id, userId: u.root?.id, type: 'root' });
      // the old CSRF token does not work on the new session
      const stale = await switchTo(t, { cookie: back.cookie, csrf: inB.csrf }, u.bPhone as User);
      expect(stale.status).toBe(403);
      expect(await whoAmI(t, back.cookie)).not.toBeNull();
    });

    it('audits each cross-account switch in both accounts (out in the source, in in the target), naming both ends', async () => {
      const before = { a: (await switchEvents(t, a.id)).length, b: (await switchEvents(t, b.id)).length };
      const s = await sessionOf(t, a.id, 'root', PASSWORD);
      await switched(await switchTo(t, s, u.bPhone as User));
      const [inA] = await switchEvents(t, a.id);
      const [inB] = await switchEvents(t, b.id);
      expect((await switchEvents(t, a.id)).length).toBe(before.a + 1);
      expect((await switchEvents(t, b.id)).length).toBe(before.b + 1);
      const route = {
        fromAccountId: a.id,
        fromUserId: u.root?.id,
        toAccountId: b.id,
        toUserId: u.bPhone?.id,
        sharedContact: 'phone',
        fromKind: 'root',
        toKind: 'iam',
        mfa: false,
      };
      expect(inA).toMatchObject({
        accountId: a.id,
        actor: u.root?.id,
        target: u.bPhone?.id,
        result: 'success',
        details: { ...route, direction: 'out' },
      });
      expect(inB).toMatchObject({
        accountId: b.id,
        actor: u.root?.id,
        target: u.bPhone?.id,
        result: 'success',
        details: { ...route, direction: 'in' },
      });
      expect(JSON.stringify([inA, inB])).not.toMatch(/example\.com|5555[\s()-]*0101/); // no contact values in the log (digits alone would match ids and times)
    });

    it('a switch within one account still works and is recorded once', async () => {
      const before = (await switchEvents(t, a.id)).length;
      const s = await switched(await switchTo(t, await sessionOf(t, a.id, 'root', PASSWORD), u.aOps as User));
      expect(await whoAmI(t, s.cookie)).toMatchObject({ accountId: a.id, userId: u.aOps?.id });
      expect((await switchEvents(t, a.id)).length).toBe(before + 1);
    });

    it('two parallel switches from one session: exactly one gets a session, the other finds its session gone', async () => {
      const s = await sessionOf(t, a.id, 'root', PASSWORD);
      const results = await Promise.all([switchTo(t, s, u.bOps as User), switchTo(t, s, u.bPhone as User)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('the My Info page lists the identities and its form switches (303 to the console, new cookie)', async () => {
      const s = await sessionOf(t, a.id, 'root', PASSWORD);
      const page = await fetch(`${t.base}/console/my-info/switch`, { headers: { cookie: s.cookie } });
      const html = await page.text();
      expect(html).toContain('b-ops');
      expect(html).toContain(String(b.alias));
      expect(html).not.toContain('b-disabled');
      const body = new URLSearchParams({ _csrf: formCsrf(html), accountId: b.id, userId: String(u.bOps?.id) });
      const res = await fetch(`${t.base}/console/my-info/switch`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
      expect([res.status, res.headers.get('location')]).toEqual([303, '/console']);
      expect(await whoAmI(t, sessionCookie(res))).toMatchObject({ accountId: b.id, userId: u.bOps?.id });
      expect(await whoAmI(t, s.cookie)).toBeNull();
    });
  });
}
