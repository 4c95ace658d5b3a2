import type Router from '@koa/router';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';
import { authorizeRequest } from '../../tokens/authorize.js';
import type { TokenService } from '../../tokens/index.js';
import { simulatePolicies, type SimulatorDeps } from '../../tokens/simulator.js';
import { requirePrincipal } from '../middleware/authenticate.js';

/** POL-9 over HTTP: `/v1/authorize` for services and the administrators' policy simulator. */
export function registerAuthorizeRoutes(router: Router, deps: SimulatorDeps & { tokens: TokenService }): void {
  router.post('/v1/authorize', async function authorize(ctx) {
    const principal = ctx.state.principal as Principal | undefined;
    const caller = principal === undefined ? null : { principal, policyEpoch: ctx.state.policyEpoch as string | undefined };
    const answer = await authorizeRequest(deps, ctx.request.body, caller);
    if (answer === null) throw new AppError('UNAUTHENTICATED');
    ctx.body = answer;
  });

  router.post('/v1/accounts/:id/policy-simulator', async function policySimulator(ctx) {
    ctx.body = await simulatePolicies(deps, requirePrincipal(ctx), ctx.params.id ?? '', ctx.request.body);
  });
}
