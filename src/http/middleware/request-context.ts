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
      deps.metrics.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
      deps.metrics.httpDuration.observe({ method: ctx.method, route }, seconds);
      if (route !== '/healthz' && route !== '/metrics') {
        deps.logger.info(
          { requestId, method: ctx.method, path: ctx.path, route, status: ctx.status, ms: Math.round(seconds * 1e4) / 10, ip: ctx.state.clientIp },
          'request',
        );
      }
    }
  };
}
