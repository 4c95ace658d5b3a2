import type Router from '@koa/router';
import type { Context } from 'koa';
import { iamSrn } from '../../authz/srn.js';
import type { IamServices } from '../../iam/index.js';
import { IAM_ACTIONS } from '../../policy/index.js';
import { AppError } from '../../errors.js';
import { ServiceCredentials, type AssumedRole, type RoleAssumption } from '../../roles/index.js';
import { requirePrincipal } from '../middleware/authenticate.js';
import { param } from './admin/http-helpers.js';
import { requireAction } from './admin/require-action.js';
import { origin } from './login.js';

/**
 * Role sessions over HTTP (ROLE-4, ENT-5): `POST /v1/sts/assume-role` for any authenticated caller (its
 * own policies are judged inside) or a configured service with its credential, and `POST /v1/accounts/{id}/roles/{roleId}/revoke-sessions` for
 * administrators. The new session is always delivered as tokens, never as a cookie.
 */
export function registerStsRoutes(
  router: Router,
  deps: {
    roles: RoleAssumption;
    services: ServiceCredentials;
    iam: Pick<IamServices, 'roles' | 'authorizer' | 'adminAudit'>;
  },
): void {
  router.post('/v1/sts/assume-role', async function assumeRole(ctx) {
    // A configured service proves itself with HTTP Basic (src/roles/services.ts); anyone else is a principal.
    const basic =
      ctx.state.principal === undefined ? ServiceCredentials.basic(ctx.get('authorization') || undefined) : null;
    let assumed: AssumedRole;
    if (basic !== null) {
      const service = deps.services.verify(...basic);
      if (service === null) throw new AppError('SERVICE_CREDENTIALS_INVALID');
      assumed = await deps.roles.assumeAsService(service, ctx.request.body, origin(ctx));
    } else assumed = await deps.roles.assume(requirePrincipal(ctx), ctx.request.body, origin(ctx), 'tokens');
    const { started, role, assumedRoleSrn } = assumed;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      assumedRoleSrn,
      roleSrn: iamSrn(role.accountId, 'role', role.id),
      sessionName: String(started.session.data.sessionName),
      expiresAt: new Date(started.session.absoluteExpiresAtMs).toISOString(),
      ...started.tokens,
    };
  });

  const roleOf = (ctx: Context) => ({ accountId: param(ctx, 'accountId'), roleId: param(ctx, 'roleId') });
  router.post(
    '/v1/accounts/:accountId/roles/:roleId/revoke-sessions',
    requireAction(
      deps.iam.authorizer,
      IAM_ACTIONS.revokeRoleSessions,
      (ctx) => iamSrn(roleOf(ctx).accountId, 'role', roleOf(ctx).roleId),
      { audit: deps.iam.adminAudit },
    ),
    async function revokeRoleSessions(ctx) {
      const { accountId, roleId } = roleOf(ctx);
      ctx.body = await deps.iam.roles.revokeSessions(accountId, roleId);
    },
  );
}
