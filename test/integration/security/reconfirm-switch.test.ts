import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Account, User } from '../../../src/store/ports.js';
import {
  createAccount,
  createUser,
  NO_THROTTLE,
  PASSWORD,
  postJson,
  sessionOf,
  startGateway,
  type TestGateway,
} from '../mfa/helpers.js';
import { switched, verified, whoAmI, type Session } from '../my-info/switch-helpers.js';

/**
 * PWD-11 attack: someone at an unlocked console guesses the user's password through re-confirmation
 * (contacts, IP control …). 5 wrong entries must end the session. Switching to a linked identity and back
 * (LOGIN-8, no password needed) starts new sessions; if each came with a fresh count, the loop would give
 * unlimited online guesses at the password. The count follows the switch chain instead.
 */
describe('re-confirmation failures survive account switches (PWD-11, LOGIN-8)', () => {
  let t: TestGateway;
  let account: Account;
  let alice: User;
  let ops: User;

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    account = await createAccount(t.gw);
    alice = await createUser(t.gw, account, 'alice', PASSWORD, { email: verified('alice@example.com') });
    ops = await createUser(t.gw, account, 'alice-ops', PASSWORD, { email: verified('alice@example.com') });
  });
  afterAll(() => t.close());

  const guess = (s: Session) =>
    fetch(`${t.base}/v1/me/contacts`, {
      method: 'PUT',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+15550100', password: 'Wrong#Guess1' }),
    });
  const hop = async (s: Session, to: User) =>
    switched(await postJson(t, '/v1/me/switch', { userId: to.id }, { cookie: s.cookie, 'x-csrf-token': s.csrf }));

  it('4 wrong, switch away and back, 1 more wrong: signed out', async () => {
    let s: Session = await sessionOf(t, account.id, 'alice', PASSWORD);
    for (let i = 0; i < 4; i++) expect((await guess(s)).status).toBe(403);
    s = await hop(await hop(s, ops), alice);
    expect((await whoAmI(t, s.cookie))?.userId).toBe(alice.id);
    const fifth = await guess(s);
    expect(fifth.status).toBe(401);
    expect(((await fifth.json()) as { error: { code: string } }).error.code).toBe('RECONFIRM_LOCKOUT');
    expect(await whoAmI(t, s.cookie)).toBeNull();
  });

  it('a fresh login (which needs the password) starts with a fresh count', async () => {
    const s = await sessionOf(t, account.id, 'alice', PASSWORD);
    const res = await guess(s);
    expect(res.status).toBe(403);
    expect(
      ((await res.json()) as { error: { details: { remainingAttempts: number } } }).error.details.remainingAttempts,
    ).toBe(4);
  });
});
