import { describe, expect, it } from '@jest/globals';
import { serializers } from '../../../src/http/serializers.js';

/**
 * One serializer per resource (issue 15, TEN-2): the fields each entity answers with are listed here, so a
 * field added to a stored record reaches no client until it is added to its serializer (and to this list).
 */
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const s = serializers('e');
const ENTITY = [
  'id',
  'srn',
  'accountId',
  'name',
  'description',
  'tags',
  'version',
  'createdAt',
  'createdBy',
  'modifiedAt',
  'modifiedBy',
];

/** A stored record as the store would give it, plus fields no serializer lists. */
function stored<T extends object>(fields: T) {
  return {
    id: 'f'.repeat(32),
    accountId: ACCOUNT,
    name: 'n',
    description: 'd',
    tags: [{ key: 'k', value: 'v', extra: 'tag-internal' }],
    version: 3,
    createdAt: 1,
    createdBy: 'u1',
    modifiedAt: 2,
    modifiedBy: 'u2',
    internalNote: 'not-for-clients',
    ...fields,
  };
}

const keys = (o: object) => Object.keys(o).sort();
const leaks = (o: object) =>
  JSON.stringify(o).match(/not-for-clients|tag-internal|\$argon2|sealed-secret|hash-/g) ?? [];

describe('response serializers (issue 15)', () => {
  it('users: the listed fields and the SRN; hashes, MFA secrets and unlisted fields never', () => {
    const ip = { enabled: true, entries: ['10.0.0.0/8'], extra: 'not-for-clients' };
    const user = stored({
      kind: 'iam' as const,
      state: 'active' as const,
      email: { value: 'a@x.io', verified: true, extra: 'not-for-clients' },
      phone: null,
      timezone: null,
      lastLoginAt: null,
      passwordChangedAt: 5,
      reuseRestriction: 5,
      mustChangePassword: false,
      passwordHash: '$argon2id$v=19$x',
      passwordHistory: ['$argon2id$old'],
      mfa: { enrolled: true, secret: 'sealed-secret', recoveryCodeHashes: ['hash-1'] },
      consoleIpControl: ip,
      policyIds: ['p1'],
      keySecurity: { acceptedMethods: ['authkey' as const], ipControl: ip },
    });
    const out = s.user(user);
    expect(keys(out)).toEqual(
      [
        ...ENTITY,
        'kind',
        'state',
        'email',
        'phone',
        'timezone',
        'lastLoginAt',
        'passwordChangedAt',
        'reuseRestriction',
        'mustChangePassword',
        'mfa',
        'consoleIpControl',
        'policyIds',
        'keySecurity',
      ].sort(),
    );
    expect(out.srn).toBe(`srn:e::${ACCOUNT}:::scp-iam:user/${user.id}`);
    expect(out.mfa).toEqual({ enrolled: true });
    expect(leaks(out)).toEqual([]);
    const created = s.createdUser({
      user,
      login: { accountId: ACCOUNT, username: 'n', password: null, loginUrl: 'u', extra: 'not-for-clients' } as never,
    });
    expect(keys(created.login)).toEqual(['accountId', 'loginUrl', 'password', 'username']);
    expect(leaks(created)).toEqual([]);
  });

  it('groups, policies, roles, projects: the listed fields and the SRN', () => {
    const group = s.group(
      stored({
        memberIds: ['u'],
        policyIds: ['p'],
        roleBindings: [{ scope: 'project' as const, projectId: 'pr', policyIds: ['p'], extra: 'not-for-clients' }],
      }),
    );
    expect(keys(group)).toEqual([...ENTITY, 'memberIds', 'policyIds', 'roleBindings'].sort());
    const policy = s.policy(
      stored({ type: 'custom' as const, document: { Version: '2026-01-01', Statement: [] }, policyVersion: 2 }),
    );
    expect(keys(policy)).toEqual([...ENTITY, 'type', 'document', 'policyVersion'].sort());
    const role = s.role(
      stored({
        maxSessionSeconds: 3600,
        trustedPrincipals: [{ kind: 'service' as const, value: 'api-gateway', extra: 'not-for-clients' }],
        policyIds: [],
      }),
    );
    expect(keys(role)).toEqual([...ENTITY, 'maxSessionSeconds', 'trustedPrincipals', 'policyIds'].sort());
    const project = s.project(stored({}));
    expect(keys(project)).toEqual([...ENTITY].sort());
    for (const [type, out] of [
      ['group', group],
      ['policy', policy],
      ['role', role],
      ['project', project],
    ] as const) {
      expect(out.srn).toBe(`srn:e::${ACCOUNT}:::scp-iam:${type}/${'f'.repeat(32)}`);
      expect(leaks(out)).toEqual([]);
    }
  });

  it('an unset description stays as stored: absent (memory) or null (mongo)', () => {
    const { description: _d, ...without } = stored({});
    expect('description' in s.project(without)).toBe(false);
    expect(s.project({ ...without, description: null } as never).description).toBeNull();
  });

  it('credential providers: common fields, their own kind section by its listed fields; never a sealed secret', () => {
    const saml = s.provider(
      stored({
        kind: 'saml' as const,
        locked: false,
        loginUrl: null,
        saml: { metadata: null, signingKeyPem: 'not-for-clients' },
      }),
    );
    expect(keys(saml)).toEqual([...ENTITY, 'kind', 'locked', 'loginUrl', 'saml'].sort());
    expect(saml.saml).toEqual({ metadata: null });
    const oidcSection = {
      issuer: 'https://idp.example.com',
      clientId: 'c',
      scopes: ['openid'],
      roleClaim: 'roles',
      clientSecretSet: true,
      sealedClientSecret: 'sealed-secret',
    };
    const oidc = s.provider(
      stored({
        kind: 'oidc' as const,
        locked: false,
        loginUrl: null,
        oidc: oidcSection,
        saml: { metadata: 'not-for-clients' },
      }),
    );
    expect(keys(oidc)).toEqual([...ENTITY, 'kind', 'locked', 'loginUrl', 'oidc'].sort());
    expect(keys(oidc.oidc as object)).toEqual(['clientId', 'clientSecretSet', 'issuer', 'roleClaim', 'scopes']);
    expect(oidc.srn).toBe(`srn:e::${ACCOUNT}:::scp-iam:credential-provider/${'f'.repeat(32)}`);
    for (const out of [saml, oidc]) expect(leaks(out)).toEqual([]);
  });

  it('the account, audit events and the My Info profile', () => {
    const account = s.account({
      ...stored({ alias: 'acme', rootUserId: 'r', loginUrl: 'u', settings: { mfaRequired: true } }),
      id: ACCOUNT,
    });
    expect(keys(account)).toEqual(
      [
        'id',
        'srn',
        'name',
        'alias',
        'rootUserId',
        'loginUrl',
        'version',
        'createdAt',
        'createdBy',
        'modifiedAt',
        'modifiedBy',
      ].sort(),
    );
    expect(account.srn).toBe(`srn:e::${ACCOUNT}:::scp-iam:account/${ACCOUNT}`);
    const event = s.auditEvent({
      id: 'e',
      accountId: ACCOUNT,
      at: 1,
      actor: 'u',
      action: 'iam:getUser',
      target: null,
      sourceIp: null,
      result: 'success',
      reasonCode: null,
      details: {},
      internalNote: 'not-for-clients',
    } as never);
    expect(leaks(event)).toEqual([]);
    const profile = s.profile(ACCOUNT, {
      userId: 'u1',
      userName: 'n',
      kind: 'iam',
      email: null,
      phone: null,
      timezone: null,
      lastLoginAt: null,
      passwordChangedAt: null,
      mfa: { enrolled: false, recoveryCodesRemaining: 0 },
      internalNote: 'not-for-clients',
    } as never);
    expect(profile.srn).toBe(`srn:e::${ACCOUNT}:::scp-iam:user/u1`);
    expect(leaks(profile)).toEqual([]);
    expect(serializers('x').project(stored({})).srn).toBe(`srn:x::${ACCOUNT}:::scp-iam:project/${'f'.repeat(32)}`);
  });
});
