import { createServer, type IncomingMessage, type Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { Ids } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Caller } from '../tokens/authorize.js';
import type { BodyLimits } from './body.js';
import { createFastLane, registerApiRoutes, type ApiRoute } from './fast-lane.js';
import { authenticate, type Authenticator } from './middleware/authenticate.js';
import { parseBody } from './middleware/body.js';
import { clientIp, clientIpResolver } from './middleware/client-ip.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestContext, requestObserver } from './middleware/request-context.js';
import { securityHeaderList, securityHeaders } from './middleware/security-headers.js';

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

/** The service API (fast-lane.ts): its routes, and how the lane authenticates and picks requests. */
export interface ApiDeps {
  routes: readonly ApiRoute[];
  bearer: (authorization: string | undefined) => Promise<Caller | null>;
}

export interface HttpApp {
  /** The Koa app: every route, every caller. */
  koa: Koa;
  /** An http server answering API clients on the fast lane and everything else through Koa. */
  createServer(): Server;
}

/**
 * The Koa app: cross-cutting middleware in a fixed order, then the routes of every capability; plus the
 * fast lane for the service API. It holds no logic of its own (DESIGN §1: http/ only translates).
 */
export function createHttpApp(deps: HttpDeps, modules: RouteModule[], api: ApiDeps): HttpApp {
  const koa = new Koa();
  koa.silent = true; // errors are logged by errorHandler, once, with the request id
  const router = new Router();
  registerApiRoutes(router, api.routes);
  for (const register of modules) register(router);

  const { trustedProxies } = deps.config.http;
  const bodyLimits = bodyLimitsOf(deps.config);
  const hsts = { hsts: deps.config.cookies.secure };
  koa.use(requestContext(deps));
  koa.use(clientIp(trustedProxies));
  koa.use(securityHeaders(hsts));
  koa.use(errorHandler(deps.logger));
  koa.use(parseBody(router, bodyLimits));
  koa.use(authenticate(deps.authenticators));
  koa.use(router.routes());
  koa.use(router.allowedMethods());

  const resolveIp = clientIpResolver(trustedProxies);
  const header = (req: IncomingMessage, name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const lane = createFastLane(
    {
      logger: deps.logger,
      observe: requestObserver(deps),
      ids: deps.ids,
      bodyLimits,
      securityHeaders: securityHeaderList(hsts),
      clientIp: (req) => resolveIp(req.socket, header(req, 'x-forwarded-for')),
      bearer: api.bearer,
    },
    api.routes,
  );
  return {
    koa,
    createServer: () => {
      const viaKoa = koa.callback();
      return createServer((req, res) => {
        if (!lane(req, res)) void viaKoa(req, res);
      });
    },
  };
}

/** Each body reader's limit (http/body.ts): JSON and raw bodies, SAML's POST binding form, a metadata upload. */
export function bodyLimitsOf(config: Pick<Config, 'http' | 'limits'>): BodyLimits {
  const { http, limits } = config;
  return { json: http.bodyLimitBytes, form: limits.samlPostBodyBytes, upload: limits.samlMetadataBytes };
}
