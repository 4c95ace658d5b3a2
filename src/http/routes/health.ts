import type Router from '@koa/router';
import type { Metrics } from '../../observability/metrics.js';

/** Something /readyz checks: a store or a cache the gateway cannot serve without (OPS-2, OPS-6). */
export interface ReadinessProbe {
  name: string;
  ping(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 1500;

async function check(probe: ReadinessProbe): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe.ping(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(router: Router, deps: { probes: ReadinessProbe[]; metrics: Metrics }): void {
  router.get('/healthz', function healthz(ctx) {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async function readyz(ctx) {
    const results = await Promise.all(deps.probes.map(async (p) => [p.name, await check(p)] as const));
    const checks = Object.fromEntries(results);
    const down = results.filter(([, s]) => s === 'down').map(([n]) => n);
    ctx.status = down.length === 0 ? 200 : 503;
    ctx.body = down.length === 0 ? { status: 'ready', checks } : { status: 'unavailable', down, checks };
  });

  router.get('/metrics', async function metrics(ctx) {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
}
