import { describe, expect, it } from '@jest/globals';
import { iamSrn } from '../../../src/authz/srn.js';
import { matchTrust, type TrustCaller, type TrustedPrincipal } from '../../../src/roles/trust.js';

/** ROLE-2, ROLE-3, ROLE-6: every trusted-principal kind against every kind of caller, match and no match. */
const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const roleSrn = iamSrn(A, 'role', 'r'.repeat(32));
const otherRoleSrn = iamSrn(A, 'role', 'q'.repeat(32));

const principal = (
  type: 'user' | 'root' | 'role-session' | 'federated',
  accountId: string,
  id: string,
  role?: string,
): TrustCaller => ({
  kind: 'principal',
  principal: {
    type,
    accountId,
    srn: iamSrn(accountId, type === 'role-session' || type === 'federated' ? 'role-session' : 'user', id),
    ...(role === undefined ? {} : { role }),
  },
});
const callers = {
  userA: principal('user', A, 'u1'),
  rootA: principal('root', A, 'root1'),
  userB: principal('user', B, 'u2'),
  rootB: principal('root', B, 'root2'),
  sessionOfRole: principal('role-session', A, 's1', roleSrn),
  sessionOfOtherRole: principal('role-session', A, 's2', otherRoleSrn),
  federatedOfRole: principal('federated', A, 's3', roleSrn),
  providerP1: { kind: 'federated', accountId: A, providerId: 'p1' } satisfies TrustCaller,
  providerP1OfB: { kind: 'federated', accountId: B, providerId: 'p1' } satisfies TrustCaller,
  serviceGateway: { kind: 'service', service: 'api-gateway' } satisfies TrustCaller,
  serviceFunction: { kind: 'service', service: 'cloud-function' } satisfies TrustCaller,
} as const;
type Caller = keyof typeof callers;

const cases: { trust: TrustedPrincipal; matches: Caller[] }[] = [
  { trust: { kind: 'current-account', value: A }, matches: ['userA'] },
  { trust: { kind: 'other-account', value: B }, matches: ['userB'] },
  { trust: { kind: 'user', value: iamSrn(A, 'user', 'u1') }, matches: ['userA'] },
  { trust: { kind: 'user', value: iamSrn(A, 'user', 'root1') }, matches: ['rootA'] },
  { trust: { kind: 'user', value: iamSrn(B, 'user', 'u2') }, matches: ['userB'] },
  { trust: { kind: 'user', value: roleSrn }, matches: ['sessionOfRole', 'federatedOfRole'] },
  { trust: { kind: 'credential-provider', value: 'p1' }, matches: ['providerP1'] },
  { trust: { kind: 'service', value: 'api-gateway' }, matches: ['serviceGateway'] },
];

describe('matchTrust (ROLE-2, ROLE-3, ROLE-6)', () => {
  for (const { trust, matches } of cases) {
    for (const name of Object.keys(callers) as Caller[]) {
      const expected = matches.includes(name);
      it(`${trust.kind}=${trust.value.slice(-12)} ${expected ? 'matches' : 'does not match'} ${name}`, () => {
        const found = matchTrust({ accountId: A, trustedPrincipals: [trust] }, callers[name]);
        expect(found).toEqual(expected ? trust : null);
      });
    }
  }

  it('root is never matched implicitly: an account-wide trust leaves it out', () => {
    const role = { accountId: A, trustedPrincipals: [{ kind: 'current-account', value: A }] as TrustedPrincipal[] };
    expect(matchTrust(role, callers.rootA)).toBeNull();
  });

  it("other-account naming the role's own account matches nobody (that is current-account's job)", () => {
    expect(
      matchTrust({ accountId: A, trustedPrincipals: [{ kind: 'other-account', value: A }] }, callers.userA),
    ).toBeNull();
  });

  it('the first matching entry is answered; an empty trust list matches no one', () => {
    const list: TrustedPrincipal[] = [
      { kind: 'service', value: 'virtual-server' },
      { kind: 'current-account', value: A },
      { kind: 'user', value: iamSrn(A, 'user', 'u1') },
    ];
    expect(matchTrust({ accountId: A, trustedPrincipals: list }, callers.userA)).toEqual(list[1]);
    for (const c of Object.values(callers)) expect(matchTrust({ accountId: A, trustedPrincipals: [] }, c)).toBeNull();
  });
});
