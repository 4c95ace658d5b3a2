/**
 * The admin API (ENT-1..9, TEN-1..7, ROLE-1/2, FED-1): JSON under `/v1/accounts/{accountId}/…`, every
 * route behind `requireAction`, handlers that only translate (logic in src/iam). docs/api.md lists the
 * routes with their actions and resources.
 */
import type Router from '@koa/router';
import type { IamServices } from '../../../iam/index.js';
import { registerCrud, type AdminContext } from './crud.js';
import { registerAccountRoutes } from './account.js';
import { registerRelationRoutes } from './relations.js';
import { serializers } from '../../serializers.js';

export function registerAdminRoutes(router: Router, iam: IamServices, offering: string): void {
  const views = serializers(offering);
  const admin: AdminContext = {
    authorizer: iam.authorizer,
    offering,
    resourceTags: iam.resourceTags,
    audit: iam.adminAudit,
    views,
  };
  const as = <T>(one: (entity: T) => unknown) => ({ one, created: one });
  registerAccountRoutes(router, admin, iam);
  // Relation routes first: `/users/:id/policies` must not be read as a user id.
  registerRelationRoutes(router, admin, iam);
  registerCrud(router, admin, 'User', 'users', 'user', iam.users, { one: views.user, created: views.createdUser });
  registerCrud(router, admin, 'Group', 'groups', 'group', iam.groups, as(views.group));
  registerCrud(router, admin, 'Policy', 'policies', 'policy', iam.policies, as(views.policy));
  registerCrud(router, admin, 'Role', 'roles', 'role', iam.roles, as(views.role));
  const providers = iam.providers;
  registerCrud(
    router,
    admin,
    'CredentialProvider',
    'credential-providers',
    'credential-provider',
    providers,
    as(views.provider),
  );
  registerCrud(router, admin, 'Project', 'projects', 'project', iam.projects, as(views.project));
}
