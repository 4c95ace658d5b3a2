/**
 * IAM capability (DESIGN §1): entity services over the store ports, revocation hooks and the authorizer.
 * No Koa, no mongoose. Flow of an admin request: http/routes/admin → `requireAction` asks the Authorizer
 * (policies gathered from the store, compiled once per version, evaluated by src/policy) → a service
 * validates every rule at once (400 VALIDATION_FAILED), writes through the store with CAS, and publishes
 * revocation markers through the session store when permissions shrink (ENT-5).
 */
import type { PolicyCache } from '../policy/index.js';
import { AccountService } from './accounts.js';
import { AdminAudit } from './admin-audit.js';
import { AuditEventService } from './audit-events.js';
import { Authorizer, type AuthorizerDeps } from '../authz/authorizer.js';
import type { IamDeps } from './common.js';
import type { SessionStore } from '../sessions/ports.js';
import { GroupService } from './groups.js';
import { PolicyService, type PolicyLimits } from './policies.js';
import { ProjectService } from './projects.js';
import { ProviderService } from './providers.js';
import { ResourceTags } from './resource-tags.js';
import { RoleService } from './roles.js';
import { UserService } from './users.js';

export type { IamDeps, Actor, BulkResult, CreateGrant } from './common.js';
export type { AuthorizationResult, AuthorizeContext, ResourceInput } from '../authz/authorizer.js';
export { Authorizer } from '../authz/authorizer.js';
export { revocationKeys } from '../authz/revocation.js';
export { iamSrn, DEFAULT_OFFERING } from '../authz/srn.js';
export { BUILTIN_POLICIES, ensureBuiltinPolicies } from './builtin-policies.js';
export { ROOT_USER_NAME } from './accounts.js';
export { AdminAudit, bulkAuditDetails, type AdminCall, type AdminOutcome } from './admin-audit.js';
export { AuditEventService } from './audit-events.js';
export { ResourceTags } from './resource-tags.js';

export interface IamServices {
  accounts: AccountService;
  users: UserService;
  groups: GroupService;
  policies: PolicyService;
  roles: RoleService;
  providers: ProviderService;
  projects: ProjectService;
  authorizer: Authorizer;
  /** POL-6: tags of the IAM entities a request names, for `scp:ResourceTag/{key}`. */
  resourceTags: ResourceTags;
  /** ENT-7: audit events of admin calls, and the account's audit log for `iam:listAuditEvents`. */
  adminAudit: AdminAudit;
  auditEvents: AuditEventService;
}

/** `sessions` also reads records: the authorizer fetches a role session's session policy from its own (authz/session-policy.ts). */
export function createIamServices(
  deps: IamDeps &
    PolicyLimits & {
      sessions: IamDeps['sessions'] & Pick<SessionStore, 'get'>;
      policyCache?: PolicyCache;
      onDecision?: AuthorizerDeps['onDecision'];
    },
): IamServices {
  const users = new UserService(deps);
  const groups = new GroupService(deps);
  return {
    accounts: new AccountService(deps, users),
    users,
    groups,
    policies: new PolicyService(deps, deps),
    roles: new RoleService(deps),
    providers: new ProviderService(deps),
    projects: new ProjectService(deps, groups),
    authorizer: new Authorizer({
      store: deps.store,
      clock: deps.clock,
      sessions: deps.sessions,
      ...(deps.policyCache === undefined ? {} : { cache: deps.policyCache }),
      ...(deps.onDecision === undefined ? {} : { onDecision: deps.onDecision }),
    }),
    resourceTags: new ResourceTags(deps.store),
    adminAudit: new AdminAudit(deps.store.audit),
    auditEvents: new AuditEventService({ audit: deps.store.audit, limits: deps.limits }),
  };
}
