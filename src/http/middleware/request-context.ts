import type { Middleware } from 'koa';
import type { Ids } from '../../clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request id (taken from X-Request-Id only when it is a short safe token, else generated), one access log
 * line per request and the HTTP metrics. Logs carry the path without the query string: query strings can
 * hold SAMLRequest, OIDC codes or tokens (OPS-3).
 */
export function requestContext(deps: { logger: Logger; metrics: Metrics; ids: Ids }): Middleware {
  // Label children bound once per (method, route, status): prom-client otherwise hashes the label object
  // on every observation. Routes are templates and methods/statuses few, so the map stays small.
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(v: number): void }>();
  const count = (method: string, route: string, status: number): void => {
    const key = `${method} ${status} ${route}`;
    let child = counters.get(key);
    if (child === undefined) counters.set(key, (child = deps.metrics.httpRequests.labels({ method, route, status: String(status) })));
    child.inc();
  };
  const time = (method: string, route: string, seconds: number): void => {
    const key = `${method} ${route}`;
    let child = timers.get(key);
    if (child === undefined) timers.set(key, (child = deps.metrics.httpDuration.labels({ method, route })));
    child.observe(seconds);
  };
  return async function withRequestContext(ctx, next) {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : deps.ids.uuid();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      count(ctx.method, route, ctx.status);
      time(ctx.method, route, seconds);
      if (route !== '/healthz' && route !== '/metrics') {
        deps.logger.info(
          { requestId, method: ctx.method, path: ctx.path, route, status: ctx.status, ms: Math.round(seconds * 1e4) / 10, ip: ctx.state.clientIp },
          'request',
        );
      }
    }
  };
}
