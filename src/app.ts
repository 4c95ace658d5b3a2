import type { Server } from 'node:http';
import type Koa from 'koa';
import { randomIds, systemClock, type Clock, type Ids } from './clock.js';
import type { Config } from './config/schema.js';
import { createHttpApp, type RouteModule } from './http/app.js';
import type { Authenticator } from './http/middleware/authenticate.js';
import { testPrincipalAuthenticator } from './http/middleware/test-principal.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { PasswordService } from './passwords/index.js';
import { createSessionStore, type SessionStore } from './sessions/index.js';
import { createStore, type Store } from './store/index.js';

/**
 * The composition root (DESIGN §1): the only place that reads config to pick adapters and wires every
 * capability. Tests build the same app with overrides (a ManualClock, a store they prepared).
 */
export interface AppOverrides {
  clock?: Clock;
  ids?: Ids;
  logger?: Logger;
  store?: Store;
  sessions?: SessionStore;
}

export interface Gateway {
  config: Config;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  sessions: SessionStore;
  passwords: PasswordService;
  http: Koa;
  /** Starts listening on config.http (port 0 = any free port); resolves with the bound server. */
  listen(): Promise<Server>;
  /** Stops accepting, lets in-flight requests finish (up to shutdownGraceMs), then closes the stores. */
  close(): Promise<void>;
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<Gateway> {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const logger = overrides.logger ?? createLogger(config.log.level);
  const metrics = createMetrics({ defaultMetrics: config.env !== 'test' });
  const store = overrides.store ?? createStore(config, { clock, ids });
  const sessions =
    overrides.sessions ??
    createSessionStore(config, { clock, ids, onError: (err) => logger.warn({ err: err.message }, 'session store connection error') });
  await store.init();
  const passwords = new PasswordService(config.passwords, clock);

  // Test-only principal header: wired only when env=test, so it cannot exist in a deployed process.
  const authenticators: Authenticator[] = config.env === 'test' ? [testPrincipalAuthenticator] : [];
  const modules: RouteModule[] = [
    (router) => registerHealthRoutes(router, { metrics, probes: [{ name: config.store.kind, ping: () => store.ping() }, { name: config.sessions.kind === 'redis' ? 'redis' : 'sessions', ping: () => sessions.ping() }] }),
  ];
  const http = createHttpApp({ config, logger, metrics, ids, authenticators }, modules);

  let server: Server | undefined;
  return {
    config, clock, ids, logger, metrics, store, sessions, passwords, http,
    listen: () =>
      new Promise((resolve, reject) => {
        const s = http.listen(config.http.port, config.http.host);
        s.once('listening', () => resolve(s));
        s.once('error', reject);
        server = s;
      }),
    close: async () => {
      if (server) await drain(server, config.http.shutdownGraceMs);
      await Promise.allSettled([store.close(), sessions.close()]);
    },
  };
}

async function drain(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
