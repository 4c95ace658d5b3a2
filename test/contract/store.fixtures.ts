import { randomIds } from '../../src/clock.js';
import type { RepositoryName } from '../../src/store/aggregates.js';
import type { Entity, Group, NewEntity, Store, Tag } from '../../src/store/ports.js';

/** Minimal valid inputs per aggregate for the store contract; `n` makes names distinct. */
export const ACTOR = 'user-admin';

const base = (accountId: string) => ({ accountId, createdBy: ACTOR });
const ipOff = { enabled: false, entries: [] };

export const samples = {
  accounts: (_accountId: string, n: number) => {
    const id = randomIds.hex32();
    return { ...base(id), id, name: `Account ${n}`, alias: null, rootUserId: null, settings: { mfaRequired: false } };
  },
  projects: (accountId: string, n: number) => ({ ...base(accountId), name: `project-${n}` }),
  users: (accountId: string, n: number) => ({
    ...base(accountId),
    name: `user${n}`,
    kind: 'iam' as const,
    state: 'active' as const,
    email: { value: `u${n}@example.com`, verified: false },
    phone: null,
    timezone: 'Asia/Seoul',
    lastLoginAt: null,
    passwordChangedAt: null,
    reuseRestriction: 5,
    mustChangePassword: true,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    passwordHistory: [],
    mfa: { secret: null, enrolled: false, recoveryCodeHashes: [] },
    consoleIpControl: ipOff,
    policyIds: [],
    keySecurity: { acceptedMethods: ['authkey' as const], ipControl: ipOff },
  }),
  groups: (accountId: string, n: number) => ({
    ...base(accountId),
    name: `group-${n}`,
    memberIds: [],
    policyIds: [],
    roleBindings: [],
  }),
  policies: (accountId: string, n: number) => ({
    ...base(accountId),
    name: `policy-${n}`,
    type: 'custom' as const,
    // keys with '.' and '$' on purpose: opaque JSON must survive every backend
    document: {
      Version: '2024-01-01',
      Statement: [{ Effect: 'Allow', Action: ['iam:*'], Condition: { 'scp.tag': { $x: 1 } } }],
    },
    policyVersion: 1,
  }),
  roles: (accountId: string, n: number) => ({
    ...base(accountId),
    name: `role-${n}`,
    maxSessionSeconds: 3600,
    trustedPrincipals: [{ kind: 'current-account' as const, value: accountId }],
    policyIds: [],
  }),
  providers: (accountId: string, n: number) => ({
    ...base(accountId),
    name: `provider-${n}`,
    kind: 'saml' as const,
    locked: false,
    loginUrl: null,
    // keys with '.' and '$' on purpose, as parsed SAML metadata holds them
    saml: { metadata: { entityID: 'https://idp.example.com', 'urn:oid:1.2.3': 'x', attrs: { $ns: 'md' } } },
  }),
  authKeys: (accountId: string, _n: number) => ({
    ...base(accountId),
    userId: 'u1',
    accessKeyId: `AK${randomIds.hex32().toUpperCase()}`,
    secret: 'encrypted-secret',
    kind: 'authkey' as const,
    parentKeyId: null,
    expiresAt: null,
    purpose: 'ci',
    enabled: true,
  }),
} satisfies Record<RepositoryName, (accountId: string, n: number) => NewEntity<Entity>>;

/** FED-7: an OIDC provider as the store keeps it (the section is opaque JSON like SAML's). */
export const oidcProvider = (accountId: string, n: number) => ({
  ...base(accountId),
  name: `oidc-${n}`,
  kind: 'oidc' as const,
  locked: false,
  loginUrl: 'https://login.example.com/start',
  oidc: {
    issuer: 'https://login.example.com',
    clientId: 'gateway',
    sealedClientSecret: null,
    scopes: ['openid', 'email'],
    roleClaim: 'https://scp/roles',
  },
});

/** The repository of `name` seen through its generic surface, for table-driven cases. */
export function repo(store: Store, name: RepositoryName) {
  return store[name] as unknown as Store['groups'];
}

/** A sample of `name` typed as a group input: fine for the generic methods, which ignore other fields. */
export function sample(name: RepositoryName, accountId: string, n: number): NewEntity<Group> {
  return samples[name](accountId, n) as unknown as NewEntity<Group>;
}

export function tags(count: number, prefix = 'k'): Tag[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));
}

export const newAccountId = (): string => randomIds.hex32();
