/**
 * `/v1/authorize` over HTTP (DESIGN §5), against references measured in the same run (http-anchors.md §1.2):
 *  (a) all-distinct tokens (every request verifies a signature) vs a Koa route that only verifies a JWT
 *      with jose — goal ≥ 0.8×;
 *  (b) one repeated token (verified-token cache hit; session + revocation still checked) vs a Koa
 *      hello-world route — goal ≥ 0.8×. A second reference shows how much of (b) the platform itself
 *      takes: a bare node:http server that reads the very same POST (headers, JSON body) and answers a
 *      constant — no framework, no token, no policy. `repeated / post floor` is the gateway's own share.
 *  (c) the access log: (b)'s load on a gateway logging at `info` (to a file, synchronously) vs (b) itself
 *      — budget ≥ 0.9× (≤ 10% of the throughput).
 * Each server runs in its own process (`--serve <kind>`), all at once; autocannon loads them in turn from
 * this process with 50 connections, in rounds (`interleaved`, BENCH_ROUNDS, default 5 × 3 s each), and
 * each ratio is the median of its per-round ratios. The gateway uses real Redis (REDIS_URL, default
 * 127.0.0.1:6379) and the memory entity store. This file also holds the harness bench/tokens.ts uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { destination } from 'pino';
import type Koa from 'koa';
import type * as AppModule from '../src/app.js';
import type * as ConfigLoad from '../src/config/load.js';
import type * as Logger from '../src/observability/logger.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HERE = import.meta.dirname;
export const DISTINCT = 20_000; // > the verified-token cache (10,000): cycling through them always misses

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}
export interface Served {
  port: number;
  data: Record<string, unknown>;
  stop(): void;
}

/** Starts `bench/authorize.ts --serve <kind>` and waits for its READY line. */
export async function serve(kind: string): Promise<Served> {
  // node itself (not the tsx wrapper), so that stop() ends the server and not only a launcher.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(HERE, 'authorize.ts'), '--serve', kind],
    {
      env: { ...process.env, NODE_ENV: 'production', REDIS_URL },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => l.startsWith('READY ') && resolve(l.slice(6)));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const { port, file } = JSON.parse(ready) as { port: number; file?: string };
  const data = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  return { port, data, stop: () => child.kill('SIGKILL') };
}

/** `seconds` of load at 50 connections; latency percentiles from autocannon's histogram (ms). */
export async function load(opts: autocannon.Options, seconds: number): Promise<LoadResult> {
  const r = await autocannon({ connections: 50, pipelining: 1, ...opts, duration: seconds });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** Removes what gateway bench servers left in Redis (refresh replay markers live 12 h otherwise). */
export async function cleanRedis(): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    const stream = redis.scanStream({ match: 'iamgw-bench-*', count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * Several servers up at once, each loaded in turn for `seconds`, `rounds` times over. On this machine the
 * absolute rate drifts by ±30–50% within minutes (http-anchors.md), and one burst per server put that drift
 * straight into the ratios (the same build measured 0.60–1.04× Koa hello in five runs). Loads a few seconds
 * apart see the same machine: each ratio is taken within a round, and the median round is reported.
 */
export async function interleaved(
  plan: Record<string, { kind: string; opts: (s: Served) => Partial<autocannon.Options> }>,
  ratios: Record<string, [string, string]>,
  rounds = 5,
  seconds = 3,
): Promise<{
  rows: Record<string, LoadResult>;
  ratios: Record<string, number>;
  spread: Record<string, [number, number]>;
}> {
  const served: Record<string, Served> = {};
  try {
    for (const [name, { kind }] of Object.entries(plan)) served[name] = await serve(kind);
    const options = (name: string): autocannon.Options => ({
      ...plan[name]!.opts(served[name]!),
      url: `http://127.0.0.1:${served[name]!.port}`,
    });
    for (const name of Object.keys(plan)) await load(options(name), WARM_UP_SECONDS); // JIT and caches, not measured
    const byRound: Record<string, LoadResult>[] = [];
    for (let r = 0; r < rounds; r++) {
      const round: Record<string, LoadResult> = {};
      for (const name of Object.keys(plan)) round[name] = await load(options(name), seconds);
      byRound.push(round);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const rows: Record<string, LoadResult> = {};
    for (const name of Object.keys(plan)) {
      const all = byRound.map((round) => round[name]!);
      rows[name] = {
        rps: median(all.map((x) => x.rps)),
        p50: median(all.map((x) => x.p50)),
        p99: median(all.map((x) => x.p99)),
        non2xx: sum(all.map((x) => x.non2xx)),
        errors: sum(all.map((x) => x.errors)),
      };
    }
    const out: Record<string, number> = {};
    const spread: Record<string, [number, number]> = {};
    for (const [label, [a, b]] of Object.entries(ratios)) {
      const each = byRound.map((round) => round[a]!.rps / round[b]!.rps);
      out[label] = median(each);
      spread[label] = [Math.min(...each), Math.max(...each)];
    }
    return { rows, ratios: out, spread };
  } finally {
    for (const s of Object.values(served)) s.stop();
    await cleanRedis();
  }
}

const WARM_UP_SECONDS = 3;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export function report(
  name: string,
  rows: Record<string, LoadResult | Record<string, number>>,
  ratios: Record<string, number>,
  spread?: Record<string, [number, number]>,
): void {
  for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(34)} ${JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(ratios)) {
    const range = spread?.[k];
    console.log(
      `ratio ${k.padEnd(28)} ${v.toFixed(2)}×${range === undefined ? '' : `  (rounds ${range[0].toFixed(2)}–${range[1].toFixed(2)})`}`,
    );
  }
  writeFileSync(
    join(HERE, 'results', `${name}.json`),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        rows,
        ratios,
        ...(spread === undefined ? {} : { spread }),
      },
      null,
      2,
    ),
  );
}

// ── servers (child processes) ─────────────────────────────────────────────────────────────────────────
async function listenKoa(app: Koa, data?: unknown): Promise<void> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  let file: string | undefined;
  if (data !== undefined) {
    file = join(mkdtempSync(join(tmpdir(), 'iamgw-bench-')), 'data.json');
    writeFileSync(file, JSON.stringify(data));
  }
  console.log(`READY ${JSON.stringify({ port: (server.address() as { port: number }).port, file })}`);
}

/**
 * The gateway at `level`. At `info` (the production default) every request writes an access line; it goes
 * to a file in the temporary directory through a synchronous destination, as `npm start` writes to a
 * stdout redirected to a file, so the line's whole cost is paid in the served process.
 */
async function serveGateway(level: 'silent' | 'info' = 'silent'): Promise<void> {
  // The built artefact (`npm run bench` builds first), as `npm start` runs it: tsx's transpilation of the
  // same sources measured ~10% more CPU per request (docs/performance.md). Specifiers in variables, so the
  // type check does not need dist/ to exist.
  const dist = (m: string) => join(HERE, '..', 'dist', m);
  const { buildApp } = (await import(dist('app.js'))) as typeof AppModule;
  const { testConfig } = (await import(dist('config/load.js'))) as typeof ConfigLoad;
  const { createLogger } = (await import(dist('observability/logger.js'))) as typeof Logger;
  const { seedPrincipal, newSession } = await import('../test/integration/tokens/fixtures.js');
  const logFile = join(mkdtempSync(join(tmpdir(), 'iamgw-bench-log-')), 'access.log');
  const gw = await buildApp(
    testConfig({
      REDIS_URL,
      IAMGW_SESSIONS_KEY_PREFIX: `iamgw-bench-${process.pid}`,
      IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      IAMGW_LOG_LEVEL: level,
    }),
    level === 'silent' ? {} : { logger: createLogger(level, destination({ dest: logFile, sync: true })) },
  );
  const { account, user, session } = await seedPrincipal(gw);
  const tokens: string[] = [];
  for (let i = 0; i < DISTINCT; i += 200) {
    const batch = await Promise.all(Array.from({ length: 200 }, () => gw.tokens.service.issueForSession(session.id)));
    tokens.push(...batch.map((t) => t.access_token));
  }
  const refresh: string[] = [];
  // Refresh chains for bench/tokens.ts (a queue of current handles feeding 50 connections).
  for (let i = 0; i < 500; i++)
    refresh.push(
      (await gw.tokens.service.issueForSession((await newSession(gw, user)).id, { withRefresh: true })).refresh_token ??
        '',
    );
  const server = await gw.listen();
  const file = join(mkdtempSync(join(tmpdir(), 'iamgw-bench-')), 'data.json');
  writeFileSync(file, JSON.stringify({ tokens, refresh, resource: `srn:e::${account.id}:::scp-iam:user/${user.id}` }));
  console.log(`READY ${JSON.stringify({ port: (server.address() as { port: number }).port, file })}`);
}

async function serveJose(): Promise<void> {
  const [{ default: Koa }, { default: Router }, { SignJWT, jwtVerify }] = await Promise.all([
    import('koa'),
    import('@koa/router'),
    import('jose'),
  ]);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const claims = { iss: 'http://bench', aud: 'iam-gateway', sub: 'srn:e::a:::scp-iam:user/u', sid: 's', groups: ['g'] };
  const tokens = await Promise.all(
    Array.from({ length: DISTINCT }, (_, i) =>
      new SignJWT({ ...claims, jti: String(i) })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(privateKey),
    ),
  );
  const app = new Koa();
  const router = new Router();
  router.post('/v1/authorize', async (ctx) => {
    const token = (ctx.get('authorization') || '').slice(7);
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: claims.iss,
      audience: claims.aud,
      algorithms: ['ES256'],
    });
    ctx.body = { decision: 'Allow', sub: payload.sub };
  });
  app.use(router.routes());
  await listenKoa(app, { tokens });
}

async function serveHello(): Promise<void> {
  const [{ default: Koa }, { default: Router }] = await Promise.all([import('koa'), import('@koa/router')]);
  const app = new Koa();
  const router = new Router();
  router.get('/hello', (ctx) => {
    ctx.body = { hello: 'world' };
  });
  app.use(router.routes());
  await listenKoa(app);
}

async function serveOidc(): Promise<void> {
  // oidc-provider ships no types; only its constructor and Koa app are used here.
  const oidcModule = 'oidc-provider';
  const { default: Provider } = (await import(oidcModule)) as { default: new (issuer: string, config: unknown) => Koa };
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const info = (resource: string) => ({
    scope: 'api:read',
    audience: resource,
    accessTokenFormat: 'jwt',
    accessTokenTTL: 900,
    jwt: { sign: { alg: 'ES256' } },
  });
  const provider = new Provider('http://127.0.0.1', {
    clients: [
      {
        client_id: 'svc-client',
        client_secret: 'a-secret-of-fifty-two-characters-for-the-bench-run!!',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'api:read',
      },
    ],
    jwks: { keys: [{ ...jwk, kid: 'k1', use: 'sig', alg: 'ES256' }] },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    scopes: ['openid', 'api:read'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:api',
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => info(resource),
      },
    },
  });
  await listenKoa(provider); // the Provider is itself the Koa app (oidc-provider 9)
}

/** The floor for request (b): node:http reading the same JSON POST and answering a constant of similar size. */
async function servePostFloor(): Promise<void> {
  const { createServer } = await import('node:http');
  const answer = JSON.stringify({
    allowed: true,
    decision: 'Allow',
    principal: 'srn:e::' + '0'.repeat(32) + ':::scp-iam:user/' + '0'.repeat(32),
    action: 'iam:getUser',
    resources: [],
    deciding: [],
    reasons: [],
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', Buffer.byteLength(answer));
      res.end(answer);
    });
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  console.log(`READY ${JSON.stringify({ port: (server.address() as { port: number }).port })}`);
}

const SERVERS: Record<string, () => Promise<void>> = {
  gateway: () => serveGateway('silent'),
  gatewayInfo: () => serveGateway('info'),
  jose: serveJose,
  hello: serveHello,
  oidc: serveOidc,
  floor: servePostFloor,
};

// ── the bench ─────────────────────────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const cycle = (tokens: string[]) => {
    let i = 0;
    return (req: autocannon.Request) => ({
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${tokens[i++ % tokens.length]}` },
    });
  };
  const authorizeBody = (s: Served) => JSON.stringify({ action: 'iam:getUser', resource: s.data.resource });
  const post = (s: Served, setup: (r: autocannon.Request) => autocannon.Request): Partial<autocannon.Options> => ({
    requests: [
      {
        method: 'POST',
        path: '/v1/authorize',
        headers: { 'content-type': 'application/json' },
        body: authorizeBody(s),
        setupRequest: setup,
      },
    ],
  });
  // One token for every request: a constant header, as a service holding its token sends it. (A
  // per-request setupRequest costs autocannon, on the same two cores, ~30% of the floor's req/s, which
  // the GET hello reference does not pay.)
  const postConstant = (s: Served, token: string): Partial<autocannon.Options> => ({
    requests: [
      {
        method: 'POST',
        path: '/v1/authorize',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: authorizeBody(s),
      },
    ],
  });
  // Servers in their own processes, all up at once; the two gateway loads use two gateway processes, so
  // the distinct tokens' churn never reaches the repeated-token one.
  const tokensOf = (s: Served): string[] => s.data.tokens as string[];
  let repeated: Served | undefined; // options are made just before each load, (b)'s before the floor's
  const { rows, ratios, spread } = await interleaved(
    {
      joseVerifyRoute: { kind: 'jose', opts: (s) => post(s, cycle(tokensOf(s))) },
      authorizeDistinct: { kind: 'gateway', opts: (s) => post(s, cycle(tokensOf(s))) },
      koaHello: { kind: 'hello', opts: () => ({ requests: [{ method: 'GET', path: '/hello' }] }) },
      authorizeRepeated: { kind: 'gateway', opts: (s) => postConstant((repeated = s), tokensOf(s)[0] ?? '') },
      // (c) the access log's cost: the same load on a gateway logging at `info` (budget ≥ 0.9× of silent).
      authorizeRepeatedInfo: { kind: 'gatewayInfo', opts: (s) => postConstant(s, tokensOf(s)[0] ?? '') },
      // Same bytes as (b) — the repeated gateway's resource and token — to a bare node:http server.
      postFloor: { kind: 'floor', opts: () => postConstant(repeated!, tokensOf(repeated!)[0] ?? '') },
    },
    {
      'distinct / jose verify route': ['authorizeDistinct', 'joseVerifyRoute'],
      'repeated / koa hello': ['authorizeRepeated', 'koaHello'],
      'post floor / koa hello': ['postFloor', 'koaHello'],
      'repeated / post floor': ['authorizeRepeated', 'postFloor'],
      'access log info / silent': ['authorizeRepeatedInfo', 'authorizeRepeated'],
    },
    Number(process.env.BENCH_ROUNDS ?? 5),
  );
  report('authorize', rows, ratios, spread);
  const logCost = ratios['access log info / silent'] ?? 0;
  console.log(
    `budget: access log at info costs /v1/authorize ≤ 10%: ${logCost.toFixed(2)}× of silent ${logCost >= 0.9 ? 'PASS' : 'MISS'}`,
  );
}

/** bench/profile.ts: a CPU profile of the served process from READY (setup excluded) until SIGTERM. */
async function profileUntilSigterm(file: string): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  process.once('SIGTERM', () => {
    void session.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(file, JSON.stringify(profile));
      process.exit(0);
    });
  });
}

const mode = process.argv[2];
if (mode === '--serve') {
  await SERVERS[process.argv[3] ?? '']?.();
  if (process.env.BENCH_CPU_PROFILE) await profileUntilSigterm(process.env.BENCH_CPU_PROFILE);
} else if (mode === 'authorize') await main();
