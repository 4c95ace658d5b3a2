import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type Koa from 'koa';
import { randomIds, systemClock, type Clock, type Ids } from './clock.js';
import type { Config } from './config/schema.js';
import { Sealer, type ResealReport } from './crypto/index.js';
import { createHttpApp, type HttpApp, type RouteModule } from './http/app.js';
import type { Authenticator } from './http/middleware/authenticate.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { registerAdminRoutes } from './http/routes/admin/index.js';
import { createIamServices, DEFAULT_OFFERING, type IamServices } from './iam/index.js';
import { withPolicyEpochs } from './authz/epochs.js';
import { authorizeApi, registerSimulatorRoutes } from './http/routes/authorize.js';
import { bearerAuthenticator, bearerCaller, registerTokenRoutes, tokenApi } from './http/routes/tokens.js';
import { registerStsRoutes } from './http/routes/sts.js';
import { registerSwitchRoleRoutes, roleBannerLayer } from './http/routes/switch-role.js';
import { registerWellKnownRoutes } from './http/routes/well-known.js';
import { ConsoleRoleSwitch, RoleAssumption, ServiceCredentials } from './roles/index.js';
import { isLoginPath, registerLoginRoutes } from './http/routes/login.js';
import { registerMeRoutes } from './http/routes/me.js';
import { registerMfaRoutes } from './http/routes/mfa.js';
import { consoleAccessGate, registerMyInfoRoutes } from './http/routes/my-info.js';
import { SessionIssuer } from './issuer/index.js';
import { createSecurityServices } from './my-info/services.js';
import { resealMfaSecrets } from './mfa/index.js';
import { sessionCookieAuthenticator } from './http/middleware/session-cookie.js';
import { LoginService, type SecondFactorPolicy } from './login/index.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { PasswordService } from './passwords/index.js';
import { createSessionStore, createSigningKeyStore, createStore } from './adapters.js';
import type { SessionStore } from './sessions/index.js';
import type { Store } from './store/index.js';
import { createTokens, resealSigningKeys, type SigningKeyStore, type Tokens } from './tokens/index.js';

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
  /** Signing keys shared by several in-process gateways (tests); default: the adapter of config.store.kind. */
  signingKeys?: SigningKeyStore;
  /** Console login: the MFA step's policy (default in src/login: enrolled users, or accounts requiring MFA). */
  secondFactor?: SecondFactorPolicy;
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
  iam: IamServices;
  tokens: Tokens;
  login: LoginService;
  /** Starts every session (login, switch identity, role sessions, federated entries). */
  issuer: SessionIssuer;
  /** The Koa app (every route, every caller); `listen` also serves the service API on its fast lane. */
  http: Koa;
  /**
   * Starts listening on config.http (port 0 = any free port), or takes over `bound`, a socket already
   * listening (main.ts binds port 0 first so the public URL can name it); resolves with the server.
   */
  listen(bound?: NetServer): Promise<Server>;
  /**
   * `reseal-secrets` (src/main.ts, docs/operations.md): every secret at rest moved onto the current KEK, so
   * previous KEKs can then be removed. Refused with an ephemeral KEK, which would lose them all at exit.
   */
  resealSecrets(): Promise<{ keyId: string; mfaSecrets: ResealReport; signingKeys: ResealReport }>;
  /** Stops accepting, lets in-flight requests finish (up to shutdownGraceMs), then closes the stores. */
  close(): Promise<void>;
}

export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<Gateway> {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const logger = overrides.logger ?? createLogger(config.log.level);
  const metrics = createMetrics({ defaultMetrics: config.env !== 'test' });
  // One sealer for every secret at rest (MFA secrets, signing keys; next OIDC client and API key secrets).
  const sealer = Sealer.fromSettings(config.tokens, (m) => logger.warn(m));
  const sessions =
    overrides.sessions ??
    createSessionStore(config, {
      clock,
      ids,
      revocationTtlMs: revocationTtlMs(config),
      onError: (err) => logger.warn({ err: err.message }, 'session store connection error'),
    });
  // Every capability writes through this: IAM writes replace the account's epoch (authorizer cache).
  const store = withPolicyEpochs(overrides.store ?? (await createStore(config, { clock, ids })), sessions);
  await store.init();
  const passwords = new PasswordService(config.passwords, clock);
  const iam = createIamServices({
    store,
    sessions,
    passwords,
    clock,
    ids,
    limits: config.limits,
    publicUrl: config.http.publicUrl,
    defaultReuseRestriction: config.passwords.defaultReuseRestriction,
    policyDocumentBytes: config.limits.policyDocumentBytes,
    onDecision: decisionCounter(metrics),
  });
  const signingKeys = overrides.signingKeys ?? (await createSigningKeyStore(config));
  const tokens = createTokens(config, { clock, ids, sessions, store, signingKeys, sealer });
  await tokens.signingKeys.init();
  const authorizer = iam.authorizer; // one compiled-policy cache for the admin API and /v1/authorize

  const authenticators: Authenticator[] = [bearerAuthenticator(tokens.service)];
  // MFA, console IP control, My Info (issue 6): built before login, whose password step calls consoleAccess.
  // Every session starts here: console and API login, switch identity (and next, role sessions and federation).
  const issuer = new SessionIssuer({ sessions, store, tokens: tokens.service, ids, clock, lifetimes: config.sessions });
  const security = createSecurityServices({ config, store, sessions, passwords, clock, issuer, sealer });
  const login = new LoginService({
    store,
    sessions,
    passwords,
    clock,
    ids,
    metrics,
    config,
    issuer,
    consoleAccess: security.consoleAccess,
    ...(overrides.secondFactor ? { secondFactor: overrides.secondFactor } : {}),
  });
  const cookies = {
    secure: config.cookies.secure,
    sessionName: config.cookies.sessionName,
    maxAgeSeconds: config.sessions.absoluteTtlSeconds,
  };
  authenticators.push(sessionCookieAuthenticator(login.consoleSessions, cookies, isLoginPath));
  const roles = new RoleAssumption({ store, authorizer, issuer });
  // ROLE-3: console switch role assumes through the same RoleAssumption (trust, identity policies, audit).
  const roleSwitch = new ConsoleRoleSwitch({ store, roles, issuer, consoleSessions: login.consoleSessions, sessions });
  const modules: RouteModule[] = [
    (router) => router.use(consoleAccessGate(security.consoleAccess)), // LOGIN-5: before every route
    (router) => router.use(roleBannerLayer(clock)), // ROLE-3: the role banner on every console page
    (router) =>
      registerHealthRoutes(router, {
        metrics,
        probes: [
          { name: config.store.kind, ping: () => store.ping() },
          { name: config.sessions.kind === 'redis' ? 'redis' : 'sessions', ping: () => sessions.ping() },
        ],
      }),
    (router) => registerAdminRoutes(router, iam, DEFAULT_OFFERING),
    (router) => registerWellKnownRoutes(router, tokens),
    (router) => registerTokenRoutes(router, tokens.service),
    (router) =>
      registerStsRoutes(router, { roles, iam, services: ServiceCredentials.fromConfig(config.services.credentials) }),
    (router) => registerSwitchRoleRoutes(router, { switcher: roleSwitch, cookies }),
    (router) => registerSimulatorRoutes(router, { authorizer, store, clock }),
    (router) => registerLoginRoutes(router, { login, store, ids, cookies, authorizer }),
    (router) => registerMeRoutes(router, { sessions: login.consoleSessions, store, cookies }),
    (router) => registerMfaRoutes(router, { login, mfa: security.mfa, store, cookies }),
    (router) => registerMyInfoRoutes(router, { ...security, store, consoleSessions: login.consoleSessions, cookies }),
  ];
  const httpApp: HttpApp = createHttpApp({ config, logger, metrics, ids, authenticators }, modules, {
    routes: [authorizeApi({ tokens: tokens.service, authorizer }), ...tokenApi(tokens.service)],
    bearer: bearerCaller(tokens.service),
  });

  const http = httpApp.koa;
  let server: Server | undefined;
  return {
    config,
    clock,
    ids,
    logger,
    metrics,
    store,
    sessions,
    passwords,
    iam,
    tokens,
    login,
    issuer,
    http,
    resealSecrets: async () => {
      if (!config.tokens.keyEncryptionKey)
        throw new Error('reseal-secrets needs tokens.keyEncryptionKey (the new current key)');
      const mfaSecrets = await resealMfaSecrets(store, sealer);
      const signingKeys = await resealSigningKeys(tokens.signingKeys, sealer, clock.now());
      return { keyId: sealer.currentKeyId, mfaSecrets, signingKeys };
    },
    listen: (bound) =>
      new Promise((resolve, reject) => {
        const created = httpApp.createServer();
        const s = bound === undefined ? created.listen(config.http.port, config.http.host) : created.listen(bound);
        s.once('listening', () => resolve(s));
        s.once('error', reject);
        server = s;
      }),
    close: async () => {
      if (server) await drain(server, config.http.shutdownGraceMs);
      await Promise.allSettled([store.close(), sessions.close(), tokens.signingKeys.close()]);
    },
  };
}

/** OPS-4 label of each evaluator outcome. */
const DECISION_LABELS = {
  Allow: 'allow',
  ExplicitDeny: 'explicit_deny',
  ImplicitDeny: 'implicit_deny',
  Error: 'error',
} as const;

/** Counts each decision with a handle bound once per outcome (every `/v1/authorize` passes here). */
function decisionCounter(metrics: Metrics): (decision: keyof typeof DECISION_LABELS) => void {
  const handles = Object.fromEntries(
    Object.entries(DECISION_LABELS).map(([kind, decision]) => [kind, metrics.decisions.labels({ decision })]),
  );
  return (decision) => handles[decision]?.inc();
}

/**
 * Revocation markers (ENT-5, TOK-4) must outlive everything issued before them: the longest console session,
 * refresh handle, access token (+ skew) and role session (ROLE-1: 43,200 s). A marker that expired earlier
 * would bring a disabled user's unseen session back to life.
 */
export function revocationTtlMs(config: Config): number {
  const s = config.sessions,
    t = config.tokens;
  const longest = Math.max(s.absoluteTtlSeconds, t.refreshTtlSeconds, t.accessTtlSeconds + t.clockSkewSeconds, 43_200);
  return (longest + 3600) * 1000;
}

async function drain(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
