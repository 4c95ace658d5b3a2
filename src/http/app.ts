import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Ids } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { authenticate, type Authenticator } from './middleware/authenticate.js';
import { clientIp } from './middleware/client-ip.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestContext } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';

/** A capability's HTTP face: registers its routes on the shared router (logto route modules, dex Mount). */
export type RouteModule = (router: Router) => void;

export interface HttpDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  ids: Ids;
  /** Tried in order for every request; the first that recognises a credential sets ctx.state.principal. */
  authenticators: readonly Authenticator[];
}

/**
 * The Koa app: cross-cutting middleware in a fixed order, then the routes of every capability. It holds no
 * logic of its own (DESIGN §1: http/ only translates).
 */
export function createHttpApp(deps: HttpDeps, modules: RouteModule[]): Koa {
  const app = new Koa();
  app.silent = true; // errors are logged by errorHandler, once, with the request id
  const router = new Router();
  for (const register of modules) register(router);

  app.use(requestContext(deps));
  app.use(clientIp(deps.config.http.trustedProxies));
  app.use(securityHeaders({ hsts: deps.config.cookies.secure }));
  app.use(errorHandler(deps.logger));
  app.use(
    bodyParser({
      enableTypes: ['json', 'form'],
      jsonLimit: deps.config.http.bodyLimitBytes,
      formLimit: deps.config.http.bodyLimitBytes,
      jsonStrict: true,
    }),
  );
  app.use(authenticate(deps.authenticators));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
