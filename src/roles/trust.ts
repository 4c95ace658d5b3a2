/**
 * Who a role trusts (ROLE-2, ROLE-3, ROLE-6): the role's side of an assume. A caller may assume a role
 * only when one trusted principal matches it *and* its own identity policies allow `iam:assumeRole` on the
 * role (assume-role.ts asks the authorizer for that). Matching is exact; nothing matches implicitly:
 *
 * | kind | matches |
 * |---|---|
 * | `current-account` | any IAM user of the role's account (not root, not a role session) |
 * | `other-account` | any IAM user of that account (its own account's policies must allow it too) |
 * | `user` | exactly that principal SRN: a user, the root user, or a role (then every session of it: chaining) |
 * | `credential-provider` | only a federated entry through that provider of the role's account |
 * | `service` | only that named service, authenticated by its own credential |
 *
 * Root is never matched by an account-wide entry: a role trusts the root user only by naming it. A role
 * session is matched only by an entry naming its role (ROLE-6: the target must trust the *role*).
 */
import type { Principal } from '../auth/principal.js';
import type { Role } from '../store/ports.js';

/** The caller of an assume, as the trust sees it. */
export type TrustCaller =
  | { kind: 'principal'; principal: Pick<Principal, 'type' | 'accountId' | 'srn' | 'role'> }
  /** A SAML/OIDC entry through a credential provider of `accountId` (FED-6, FED-7). */
  | { kind: 'federated'; accountId: string; providerId: string }
  | { kind: 'service'; service: string };

export type TrustedPrincipal = Role['trustedPrincipals'][number];

/** The first trusted principal of `role` that matches `caller`, or null. */
export function matchTrust(
  role: Pick<Role, 'accountId' | 'trustedPrincipals'>,
  caller: TrustCaller,
): TrustedPrincipal | null {
  return role.trustedPrincipals.find((t) => matches(role.accountId, t, caller)) ?? null;
}

function matches(roleAccount: string, trusted: TrustedPrincipal, caller: TrustCaller): boolean {
  switch (trusted.kind) {
    case 'current-account':
      return (
        caller.kind === 'principal' && caller.principal.type === 'user' && caller.principal.accountId === roleAccount
      );
    case 'other-account':
      return (
        caller.kind === 'principal' &&
        caller.principal.type === 'user' &&
        caller.principal.accountId === trusted.value &&
        trusted.value !== roleAccount
      );
    case 'user': {
      if (caller.kind !== 'principal') return false;
      const p = caller.principal;
      if (p.type === 'role-session' || p.type === 'federated') return p.role !== undefined && p.role === trusted.value;
      return (p.type === 'user' || p.type === 'root') && p.srn === trusted.value;
    }
    case 'credential-provider':
      return caller.kind === 'federated' && caller.accountId === roleAccount && caller.providerId === trusted.value;
    case 'service':
      return caller.kind === 'service' && caller.service === trusted.value;
  }
}
