import type { Middleware } from 'koa';
import type { Ids } from '../../clock.js';
import { accessLog } from '../../observability/access-log.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id when it is a short safe token (it is echoed and logged), else a fresh one. */
export function requestIdOf(incoming: string | undefined, ids: Ids): string {
  return incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : ids.uuid();
}

export interface RequestRecord {
  requestId: string;
  method: string;
  /** The matched route template ('unmatched' when none): the metric label, never the raw path. */
  route: string;
  path: string;
  status: number;
  seconds: number;
  ip: unknown;
}

/**
 * One access log line and the HTTP metrics of a finished request, for the Koa chain and the fast lane
 * alike. Logs carry the path without the query string: query strings can hold SAMLRequest, OIDC codes or
 * tokens (OPS-3).
 */
export function requestObserver(deps: { logger: Logger; metrics: Metrics }): (r: RequestRecord) => void {
  // Metric handles bound once per (method, route, status) and looked up by one short key per request.
  // Routes are templates and methods/statuses few, so the maps stay small.
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(v: number): void }>();
  const logAccess = accessLog(deps.logger);
  return function observe({ requestId, method, route, path, status, seconds, ip }) {
    const countKey = `${method} ${status} ${route}`;
    let counter = counters.get(countKey);
    if (counter === undefined)
      counters.set(countKey, (counter = deps.metrics.httpRequests.labels({ method, route, status: String(status) })));
    counter.inc();
    const timeKey = `${method} ${route}`;
    let timer = timers.get(timeKey);
    if (timer === undefined) timers.set(timeKey, (timer = deps.metrics.httpDuration.labels({ method, route })));
    timer.observe(seconds);
    if (route !== '/healthz' && route !== '/metrics') {
      logAccess({ requestId, method, path, route, status, ms: Math.round(seconds * 1e4) / 10, ip });
    }
  };
}

/** Request id, access log and metrics around the whole Koa chain. */
export function requestContext(deps: { logger: Logger; metrics: Metrics; ids: Ids }): Middleware {
  const observe = requestObserver(deps);
  return async function withRequestContext(ctx, next) {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(ctx.get('x-request-id') || undefined, deps.ids);
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observe({
        requestId,
        method: ctx.method,
        route,
        path: ctx.path,
        status: ctx.status,
        seconds,
        ip: ctx.state.clientIp,
      });
    }
  };
}
