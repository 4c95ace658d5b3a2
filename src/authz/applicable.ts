/**
 * Which identity policies apply to a principal (POL-7, ROLE-5, ENT-4, ENT-8): the one place this is
 * decided. The authorizer compiles what it answers, the token issuer digests it into `pver` and reads the
 * groups from it (TOK-2), and the policy simulator shows it; none of them gathers policies itself.
 *
 * - IAM user: its direct policies, plus each group's direct policies and role bindings — account-scope
 *   bindings always, project-scope bindings of the project the request names (or of every project, for the
 *   token's policy-set version and the simulator, which speak for no single request).
 * - Root user: no policies; the evaluator grants it its own account (ENT-8). A principal that claims root
 *   must really be the account's root user, and a root user never passes as an IAM user.
 * - Role session or federated entry: the role's policies only, never the caller's (ROLE-5); they live in
 *   the role's account.
 */
import type { Principal } from '../auth/principal.js';
import { parseSrn } from '../srn/index.js';
import type { Group, Store, User } from '../store/ports.js';
import { listAll } from '../store/shared.js';
import { IAM_SERVICE } from './srn.js';

export type ApplicableStore = Pick<Store, 'users' | 'groups' | 'roles'>;

/** Which project-scope bindings of a group apply (ENT-4). */
export type BindingScope = { projectId: string | undefined } | 'every-project';

/** Why a principal has no policies it may use. */
export type PrincipalRefusal = 'PRINCIPAL_UNKNOWN' | 'PRINCIPAL_INACTIVE';

export interface ApplicablePolicies {
  /** The account the policies live in: the principal's, or the role's for a role session. */
  accountId: string;
  /** Distinct policy ids, in the order found. */
  policyIds: string[];
  /** The user's groups (ids, sorted); empty for root and role sessions. */
  groupIds: string[];
  /** Whose "self" the SelfService built-in means (authz/self.ts). */
  callerId: string;
}

export type PrincipalKey = Pick<Principal, 'type' | 'accountId' | 'userId' | 'role'>;

export async function applicablePolicies(
  store: ApplicableStore,
  principal: PrincipalKey,
  scope: BindingScope,
): Promise<ApplicablePolicies | PrincipalRefusal> {
  if (principal.type === 'role-session' || principal.type === 'federated') {
    const role = roleOf(principal.role);
    const found = role === null ? null : await store.roles.get(role.accountId, role.roleId);
    if (found === null) return 'PRINCIPAL_UNKNOWN';
    return {
      accountId: found.accountId,
      policyIds: [...new Set(found.policyIds)],
      groupIds: [],
      callerId: principal.userId,
    };
  }
  const user = await store.users.get(principal.accountId, principal.userId);
  if (user === null) return 'PRINCIPAL_UNKNOWN';
  if (user.state !== 'active') return 'PRINCIPAL_INACTIVE';
  if (principal.type === 'root')
    return user.kind === 'root'
      ? { accountId: user.accountId, policyIds: [], groupIds: [], callerId: user.id }
      : 'PRINCIPAL_UNKNOWN';
  if (user.kind === 'root') return 'PRINCIPAL_UNKNOWN';
  const { groups, policyIds } = await userPolicies(store, user, scope);
  return { accountId: user.accountId, policyIds, groupIds: groups.map((g) => g.id).sort(), callerId: user.id };
}

/** A stored user's groups and the policy ids they bring, whatever the user's state (the simulator asks this). */
export async function userPolicies(
  store: Pick<Store, 'groups'>,
  user: User,
  scope: BindingScope,
): Promise<{ groups: Group[]; policyIds: string[] }> {
  const groups = await listAll(store.groups, user.accountId, { memberId: user.id });
  const policyIds = [...user.policyIds, ...groups.flatMap((g) => groupPolicyIds(g, scope))];
  return { groups, policyIds: [...new Set(policyIds)] };
}

/** A group's policies that apply: its direct ones, its account-scope bindings, and the scope's project bindings. */
export function groupPolicyIds(group: Group, scope: BindingScope): string[] {
  const every = scope === 'every-project';
  const projectId = every ? undefined : scope.projectId;
  const bound = group.roleBindings.filter(
    (b) => b.scope === 'account' || every || (projectId !== undefined && b.projectId === projectId),
  );
  return [...group.policyIds, ...bound.flatMap((b) => b.policyIds)];
}

/** The account and id of an IAM role SRN (`…:scp-iam:role/<id>`); null for anything else. */
export function roleOf(roleSrn: string | undefined): { accountId: string; roleId: string } | null {
  const parsed = roleSrn === undefined ? null : parseSrn(roleSrn);
  if (parsed === null || !parsed.ok || parsed.srn.service !== IAM_SERVICE || parsed.srn.resourceType !== 'role')
    return null;
  return { accountId: parsed.srn.account, roleId: parsed.srn.resourceId };
}
