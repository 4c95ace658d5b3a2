import { describe, expect, it } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from '../../../src/observability/metrics.js';

/**
 * The per-request metrics (OPS-4) are counted outside prom-client for speed; what a scrape shows must be
 * exactly what prom-client's own Counter and Histogram show for the same events.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const durations = [0.0004, 0.001, 0.003, 0.003, 0.02, 0.7, 3, 0.0099];

const seriesLines = async (registry: Registry): Promise<string[]> =>
  (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('HotHistogram and HotCounter ≡ prom-client (OPS-4)', () => {
  it('expose the same lines as prom-client fed the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const config = { name: 'x_seconds', help: 'h', labelNames: ['method', 'route'] as const, buckets: BUCKETS };
    const hot = new HotHistogram({ ...config, registers: [ours] });
    const ref = new Histogram({ ...config, registers: [theirs] });
    const counterConfig = { name: 'x_total', help: 'c', labelNames: ['method', 'route', 'status'] as const };
    const hotCounter = new HotCounter({ ...counterConfig, registers: [ours] });
    const refCounter = new Counter({ ...counterConfig, registers: [theirs] });
    for (const [i, d] of durations.entries()) {
      const labels = { method: 'POST', route: i % 2 === 0 ? '/v1/authorize' : '/v1/token' };
      hot.labels(labels).observe(d);
      ref.labels(labels).observe(d);
      hotCounter.inc({ ...labels, status: String(200 + (i % 3)) });
      refCounter.inc({ ...labels, status: String(200 + (i % 3)) });
    }
    const [a, b] = [await seriesLines(ours), await seriesLines(theirs)];
    expect(a.length).toBeGreaterThan(20);
    expect(a.sort()).toEqual(b.sort());
    // Counting goes on after a scrape, and a reset keeps the handles working.
    const handle = hot.labels({ method: 'GET', route: '/healthz' });
    handle.observe(0.002);
    expect((await seriesLines(ours)).filter((l) => l.includes('/healthz') && l.startsWith('x_seconds_count'))).toEqual([
      'x_seconds_count{method="GET",route="/healthz"} 1',
    ]);
    ours.resetMetrics();
    handle.observe(0.002);
    expect((await seriesLines(ours)).filter((l) => l.includes('/healthz') && l.startsWith('x_seconds_count'))).toEqual([
      'x_seconds_count{method="GET",route="/healthz"} 1',
    ]);
  });
});
