import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (OPS-4). One registry per app instance (not prom-client's global), so two apps in one
 * test process never clash. Capabilities receive this object and count their own events.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'iamgw_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'iamgw_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'iamgw_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    logins: new Counter({
      name: 'iamgw_logins_total',
      help: 'Console logins by result (success, failure, locked, throttled, mfa_required …)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    lockouts: new Counter({ name: 'iamgw_lockouts_total', help: 'Users locked after too many failures', registers: [registry] }),
    decisions: new Counter({
      name: 'iamgw_policy_decisions_total',
      help: 'Policy evaluator decisions by outcome (allow, explicit_deny, implicit_deny)',
      labelNames: ['decision'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
