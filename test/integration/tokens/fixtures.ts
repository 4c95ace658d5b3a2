import { buildApp, type AppOverrides, type Gateway } from '../../../src/app.js';
import { ManualClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config/load.js';
import { iamSrn } from '../../../src/authz/srn.js';
import type { Session } from '../../../src/sessions/ports.js';
import { consoleSessionFor } from '../../support/bearer.js';
import type { Account, Group, Policy, User } from '../../../src/store/ports.js';

/**
 * A gateway (memory stores unless the env says otherwise) with one account, a user in one group whose
 * policy allows `iam:getUser` and `iam:listUsers`, and a console session for that user as login creates it.
 */
export const KEK = Buffer.alloc(32, 7).toString('base64');

/** A user record with no password (tokens never look at it); the login tests create users that log in. */
const USER_DEFAULTS = {
  kind: 'iam',
  state: 'active',
  email: null,
  phone: null,
  timezone: null,
  lastLoginAt: null,
  passwordChangedAt: null,
  reuseRestriction: 5,
  mustChangePassword: false,
  passwordHash: null,
  passwordHistory: [],
  mfa: { secret: null, enrolled: false, recoveryCodeHashes: [] },
  consoleIpControl: { enabled: false, entries: [] },
  policyIds: [],
  keySecurity: { acceptedMethods: ['authkey', 'tempkey'], ipControl: { enabled: false, entries: [] } },
} satisfies Partial<User>;

export interface Seeded {
  gw: Gateway;
  clock: ManualClock;
  account: Account;
  user: User;
  group: Group;
  policy: Policy;
  session: Session;
}

export async function seededGateway(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<Seeded> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
  const gw = await buildApp(testConfig({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: KEK, ...env }), { clock, ...overrides });
  return { gw, clock, ...(await seedPrincipal(gw)) };
}

export async function seedPrincipal(gw: Gateway): Promise<Omit<Seeded, 'gw' | 'clock'>> {
  const id = gw.ids.hex32();
  const account = await gw.store.accounts.create({
    id,
    accountId: id,
    name: `tokens-${id}`,
    alias: `tokens-${id.slice(0, 12)}`,
    rootUserId: null,
    settings: { mfaRequired: false },
    createdBy: 'test',
  });
  const user = await gw.store.users.create({
    ...USER_DEFAULTS,
    accountId: account.id,
    name: 'alice',
    createdBy: 'test',
  });
  const policy = await gw.store.policies.create({
    accountId: account.id,
    name: 'ReadUsers',
    type: 'custom',
    policyVersion: 1,
    document: {
      Version: '2024-07-01',
      Statement: [{ Sid: 'ReadUsers', Effect: 'Allow', Action: ['iam:getUser', 'iam:listUsers'], Resource: '*' }],
    },
    createdBy: 'test',
  });
  const group = await gw.store.groups.create({
    accountId: account.id,
    name: 'readers',
    memberIds: [user.id],
    policyIds: [policy.id],
    roleBindings: [],
    createdBy: 'test',
  });
  const session = await newSession(gw, user);
  return { account, user, group, policy, session };
}

/** A console session as the login capability creates one. */
export function newSession(gw: Gateway, user: User): Promise<Session> {
  return consoleSessionFor(gw, {
    accountId: user.accountId,
    userId: user.id,
    type: 'user',
    srn: iamSrn(user.accountId, 'user', user.id),
  });
}

export async function accessToken(gw: Gateway, session: Session): Promise<string> {
  return (await gw.tokens.service.issueForSession(session.id)).access_token;
}
