import type { Context, Middleware } from 'koa';
import { appError } from '../../../errors.js';
import type { Authorizer, ResourceInput } from '../../../iam/index.js';
import { requirePrincipal } from '../../middleware/authenticate.js';

/** What a route acts on: one SRN, several (all must be allowed), or `"*"` for account-level actions. */
export type ResourceFn = (ctx: Context) => ResourceInput | ResourceInput[] | Promise<ResourceInput | ResourceInput[]>;

/**
 * ENT-7: the admin API is itself authorised by the policy evaluator. Runs before the handler, so a
 * denial (403 ACCESS_DENIED naming the action and the resources) never leaves a partial write; no
 * principal is 401. The account in the path is the request's account: `"*"` resources of another
 * account than the caller's are refused by the authorizer.
 */
export function requireAction(authorizer: Authorizer, action: string, resources: ResourceFn): Middleware {
  return async function authorizeAction(ctx, next) {
    const principal = requirePrincipal(ctx);
    const accountId = (ctx.params as Record<string, string> | undefined)?.accountId;
    const clientIp = ctx.state.clientIp as string | undefined;
    const result = await authorizer.authorize(principal, action, await resources(ctx), {
      ...(accountId === undefined ? {} : { accountId }),
      ...(clientIp === undefined ? {} : { values: { 'scp:SourceIp': clientIp } }),
    });
    if (!result.allowed) {
      const deciding = result.deciding.map((s) => ({ policyId: s.policyId, sid: s.sid ?? null }));
      throw appError('ACCESS_DENIED', { action, resources: result.resources, decision: result.decision, deciding }, `Not allowed to call ${action} on ${result.resources.join(', ')}.`);
    }
    ctx.state.authorization = result;
    await next();
  };
}
