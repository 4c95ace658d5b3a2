import type Router from '@koa/router';
import { AppError } from '../../errors.js';
import { authorizeRequest } from '../../tokens/authorize.js';
import { simulatePolicies, type SimulatorDeps } from '../../tokens/simulator.js';
import type { ApiRoute } from '../fast-lane.js';
import { requirePrincipal } from '../middleware/authenticate.js';

/** POL-9 over HTTP: `/v1/authorize` for services (a service API route, fast-lane.ts). */
export function authorizeApi(deps: Parameters<typeof authorizeRequest>[0]): ApiRoute {
  return {
    path: '/v1/authorize',
    async handle({ body, caller }) {
      const answer = await authorizeRequest(deps, body, caller);
      if (answer === null) throw new AppError('UNAUTHENTICATED');
      return answer;
    },
  };
}

/** The administrators' policy simulator. */
export function registerSimulatorRoutes(router: Router, deps: SimulatorDeps): void {
  router.post('/v1/accounts/:id/policy-simulator', async function policySimulator(ctx) {
    ctx.body = await simulatePolicies(deps, requirePrincipal(ctx), ctx.params.id ?? '', ctx.request.body);
  });
}
