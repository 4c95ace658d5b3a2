import { Counter, type Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (OPS-4). One registry per app instance (not prom-client's global), so two apps in one
 * test process never clash. Capabilities receive this object and count their own events.
 */
/**
 * A labelled counter for per-request events, counted in plain numbers and handed to prom-client when the
 * registry is read (`collect`). prom-client hashes the label object on every `inc`, bound children included
 * (a child is `inc.bind(this, labels)`): on a cached `/v1/authorize` that was a visible share of the request.
 * Values in a scrape are the same; only the moment they are added moves to the scrape.
 */
export class HotCounter<L extends string> {
  private readonly handles = new Map<string, { labels: Record<L, string>; pending: number }>();

  constructor(config: { name: string; help: string; labelNames: readonly L[]; registers: Registry[] }) {
    const handles = this.handles;
    new Counter<L>({
      ...config,
      collect() {
        for (const h of handles.values()) {
          if (h.pending === 0) continue;
          this.inc(h.labels, h.pending);
          h.pending = 0;
        }
      },
    });
  }

  /** A handle to count one label set; keep it where the same labels recur. */
  labels(labels: Record<L, string>): { inc(): void } {
    const key = Object.values(labels).join('\u0000');
    let handle = this.handles.get(key);
    if (handle === undefined) this.handles.set(key, (handle = { labels: { ...labels }, pending: 0 }));
    const h = handle;
    return { inc: () => void h.pending++ };
  }

  inc(labels: Record<L, string>): void {
    this.labels(labels).inc();
  }
}

/**
 * A latency histogram for per-request observations, kept in plain arrays per label set and written out in
 * prom-client's exposition format when the registry is read. prom-client's `Histogram.observe` rebuilds,
 * validates and hashes the label object and indexes buckets through string-keyed objects on every call —
 * measured as the largest single item of the fast lane's own overhead (docs/performance.md). A test pins
 * the output line for line to prom-client's Histogram fed the same values.
 */
export class HotHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly series = new Map<
    string,
    { labels: Record<L, string>; buckets: Float64Array; sum: number; count: number }
  >();

  constructor(config: {
    name: string;
    help: string;
    labelNames: readonly L[];
    buckets: readonly number[];
    registers: Registry[];
  }) {
    this.name = config.name;
    this.help = config.help;
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    // A metric object of its own (name, help, type, get): the registry formats whatever `get` returns.
    for (const r of config.registers) r.registerMetric(this as unknown as Histogram<L>);
  }

  /** A handle observing into one label set; keep it where the same labels recur. */
  labels(labels: Record<L, string>): { observe(value: number): void } {
    const key = Object.values(labels).join('\u0000');
    let series = this.series.get(key);
    if (series === undefined)
      this.series.set(
        key,
        (series = { labels: { ...labels }, buckets: new Float64Array(this.bounds.length), sum: 0, count: 0 }),
      );
    const s = series;
    const bounds = this.bounds;
    return {
      observe(value: number): void {
        s.sum += value;
        s.count += 1;
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            s.buckets[i]! += 1;
            return;
          }
        }
      },
    };
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: { value: number; labels: Record<string, string | number>; metricName: string }[];
  }> {
    const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({ value: cumulative, labels: { le, ...s.labels }, metricName: `${this.name}_bucket` });
      });
      values.push({ value: s.count, labels: { le: '+Inf', ...s.labels }, metricName: `${this.name}_bucket` });
      values.push({ value: s.sum, labels: { ...s.labels }, metricName: `${this.name}_sum` });
      values.push({ value: s.count, labels: { ...s.labels }, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes every series in place, so handles already given out keep counting into the registry. */
  reset(): void {
    for (const s of this.series.values()) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'iamgw_' });
  return {
    registry,
    httpRequests: new HotCounter({
      name: 'iamgw_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new HotHistogram({
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
    lockouts: new Counter({
      name: 'iamgw_lockouts_total',
      help: 'Users locked after too many failures',
      registers: [registry],
    }),
    decisions: new HotCounter({
      name: 'iamgw_policy_decisions_total',
      help: 'Policy evaluator decisions by outcome (allow, explicit_deny, implicit_deny)',
      labelNames: ['decision'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
