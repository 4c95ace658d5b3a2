/**
 * Memory budget (DESIGN §5: ≤ 150 MB RSS after one of each request kind, ≤ 300 MB under load, per process).
 * The gateway runs as `npm start` runs it — the `start` script of package.json (env assignments, node
 * flags, `dist/main.js`), with the memory stores — in a temporary directory of its own (store file and
 * nothing else: a developer's `.data/` is never touched), bootstrapped with IAMGW_BOOTSTRAP_ROOT_PASSWORD.
 * VmRSS comes from /proc/<pid>/status: idle after start, after each request kind (login with a password
 * verify, token refresh, authorize, admin list, admin create with the PWD-6 strength check, MFA enrol +
 * login), then the peak under a 5 s autocannon load on /v1/authorize. Reference in the same run: a bare
 * `node -e` Koa hello process. `BENCH_DIST` runs another build than `dist/` (to compare two commits);
 * `BENCH_MEMORY_DETAIL=1` also prints the gateway's `process.memoryUsage()` at each step (through a preload
 * that answers SIGUSR2, so that run is not the budget's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { generate } from 'otplib';

const ROOT = join(import.meta.dirname, '..');
const PASSWORD = 'Vq7#Lm2!pXr9Tz';
const SETTLE_MS = 1500; // after each step: let the answer's garbage and the allocator settle before reading
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BUDGET_MB = 150;
const LOAD_BUDGET_MB = 300;
const DETAIL = process.env.BENCH_MEMORY_DETAIL === '1';

interface Status {
  rss: number;
  anon: number;
  file: number;
  hwm: number;
}

/** VmRSS, RssAnon, RssFile and VmHWM of a process, in MB. */
function status(pid: number): Status {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const mb = (field: string): number => Math.round(kb(field) / 102.4) / 10;
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile'), hwm: mb('VmHWM') };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The `start` script of package.json as argv and env: `[NAME=value …] node [flags …] file`. */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] !== undefined && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name = '', ...value] = words.shift()!.split('=');
    env[name] = value.join('=');
  }
  if (words.shift() !== 'node')
    throw new Error(`bench/memory.ts reads "node …" from the start script, got: ${pkg.scripts.start}`);
  const dist = process.env.BENCH_DIST;
  return { env, args: dist === undefined ? words : words.map((w) => w.replace(/^dist\//, `${dist}/`)) };
}

interface Gateway {
  child: ChildProcess;
  base: string;
  accountId: string;
  detail(): Promise<string>;
}

async function startGateway(dir: string): Promise<Gateway> {
  const port = await freePort();
  const { env: scriptEnv, args } = startCommand();
  const env: Record<string, string | undefined> = { ...process.env, ...scriptEnv };
  // Memory stores, as a fresh `npm start` without MONGODB_URI / REDIS_URL (the caller's shell may export them).
  for (const name of ['MONGODB_URI', 'REDIS_URL', 'NODE_ENV', 'IAMGW_CONFIG']) delete env[name];
  Object.assign(env, {
    IAMGW_HTTP_PORT: String(port),
    IAMGW_HTTP_PUBLIC_URL: `http://127.0.0.1:${port}`,
    IAMGW_STORE_MEMORY_FILE: join(dir, 'store.json'),
    IAMGW_BOOTSTRAP_ROOT_PASSWORD: PASSWORD,
  });
  const probe =
    "import v8 from 'node:v8';process.on('SIGUSR2',()=>process.stderr.write('MEM '+JSON.stringify({...process.memoryUsage()," +
    "...Object.fromEntries(v8.getHeapSpaceStatistics().filter((s)=>s.space_size>0).map((s)=>[s.space_name,s.space_size]))})+'\\n'))";
  const flags = DETAIL ? [`--import=data:text/javascript,${encodeURIComponent(probe)}`] : [];
  const child = spawn(process.execPath, [...flags, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let accountId = '';
  const details: ((line: string) => void)[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => {
    if (l.startsWith('MEM ')) details.shift()?.(l.slice(4));
    else process.stderr.write(`gateway: ${l}\n`);
  });
  const lines = createInterface({ input: child.stdout }); // drained throughout: access lines at `info`
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => {
      const created = /Account ([0-9a-f]{32}) created/.exec(l);
      if (created) accountId = created[1]!;
      if (l.includes('"msg":"listening"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before listening`)));
  });
  await sleep(200); // the bootstrap banner follows the listening line
  if (accountId === '') throw new Error('no "Account … created" banner: was the store not empty?');
  const detail = (): Promise<string> =>
    new Promise((resolve) => {
      details.push(resolve);
      child.kill('SIGUSR2');
    });
  return { child, base: `http://127.0.0.1:${port}`, accountId, detail };
}

type Json = Record<string, unknown>;

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; res: Response }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json), res };
}

async function ok(
  what: string,
  p: Promise<{ status: number; body: Json; res: Response }>,
): Promise<{ body: Json; res: Response }> {
  const r = await p;
  if (r.status !== 200 && r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** The session cookie of a cookie login, as `name=value`. */
function sessionCookie(res: Response): string {
  const raw = res.headers.getSetCookie().find((c) => /^(__Host-)?iamgw_session=/.test(c));
  if (raw === undefined) throw new Error('no session cookie');
  return raw.split(';')[0]!;
}

/** The request kinds of the budget, in order; each resolves once its answers are in. */
function kinds(gw: Gateway): [string, () => Promise<void>][] {
  const { base, accountId } = gw;
  let access = '';
  let refresh = '';
  const bearer = () => ({ authorization: `Bearer ${access}` });
  const mfaUser = 'bench-mfa';
  return [
    [
      'login (argon2 verify)',
      async () => {
        const r = await ok(
          'login',
          call(base, 'POST', '/v1/login', {
            account: accountId,
            username: 'root',
            password: PASSWORD,
            issue: 'tokens',
          }),
        );
        access = String(r.body.access_token);
        refresh = String(r.body.refresh_token);
      },
    ],
    [
      'token (refresh grant)',
      async () => {
        const r = await ok(
          'refresh',
          call(base, 'POST', '/v1/token', { grant_type: 'refresh_token', refresh_token: refresh }),
        );
        access = String(r.body.access_token);
      },
    ],
    [
      'authorize',
      async () => {
        await ok(
          'authorize',
          call(
            base,
            'POST',
            '/v1/authorize',
            { action: 'iam:listUsers', resource: `srn:e::${accountId}:::scp-iam:user/*` },
            bearer(),
          ),
        );
      },
    ],
    [
      'admin list (users)',
      async () => {
        await ok('admin list', call(base, 'GET', `/v1/accounts/${accountId}/users`, undefined, bearer()));
      },
    ],
    [
      'admin create (PWD-6 check)',
      async () => {
        await ok(
          'create user',
          call(base, 'POST', `/v1/accounts/${accountId}/users`, { name: mfaUser, password: PASSWORD }, bearer()),
        );
      },
    ],
    [
      'MFA (enrol, confirm, login)',
      async () => {
        const login = await ok(
          'cookie login',
          call(base, 'POST', '/v1/login', { account: accountId, username: mfaUser, password: PASSWORD }),
        );
        const h = { cookie: sessionCookie(login.res), 'x-csrf-token': String(login.body.csrfToken) };
        const secret = String((await ok('enrol', call(base, 'POST', '/v1/me/mfa/enrolment', {}, h))).body.secret);
        const now = Math.floor(Date.now() / 1000);
        await ok(
          'confirm',
          call(base, 'POST', '/v1/me/mfa/enrolment/confirm', { code: await generate({ secret, epoch: now }) }, h),
        );
        const step = await ok(
          'mfa login',
          call(base, 'POST', '/v1/login', {
            account: accountId,
            username: mfaUser,
            password: PASSWORD,
            issue: 'tokens',
          }),
        );
        if (step.body.state !== 'mfa_required')
          throw new Error(`expected mfa_required, got ${JSON.stringify(step.body)}`);
        // The next step's code (inside the ±1 window): the enrolment's own step is spent (replay, LOGIN-4).
        const code = await generate({ secret, epoch: now + 30 });
        const done = await ok(
          'mfa step',
          call(base, 'POST', '/v1/login/mfa', { pendingToken: step.body.pendingToken, code }),
        );
        if (done.body.state !== 'authenticated') throw new Error(`MFA login: ${JSON.stringify(done.body)}`);
      },
    ],
  ];
}

/** A bare Koa hello process, as `node -e` starts it: the floor of a Node + Koa server's RSS. */
async function koaHelloRss(): Promise<number> {
  const code = `const Koa=require('koa');const app=new Koa();app.use((ctx)=>{ctx.body={hello:'world'}});
    const s=app.listen(0,'127.0.0.1',()=>console.log('READY '+s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('READY ') && resolve(l.slice(6)));
      child.once('exit', (c) => reject(new Error(`koa hello exited with ${c}`)));
    });
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    await sleep(SETTLE_MS);
    return status(child.pid!).rss;
  } finally {
    child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iamgw-bench-memory-'));
  const rows: Record<string, Status & { detail?: Json }> = {};
  let gw: Gateway | undefined;
  const note = async (label: string): Promise<void> => {
    await sleep(SETTLE_MS);
    const s = status(gw!.child.pid!);
    const detail = DETAIL ? (JSON.parse(await gw!.detail()) as Record<string, number>) : undefined;
    rows[label] =
      detail === undefined
        ? s
        : {
            ...s,
            detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, Math.round(v / 104857.6) / 10])),
          };
    const extra = detail === undefined ? '' : `  ${JSON.stringify(rows[label].detail)}`;
    console.log(`${label.padEnd(34)} ${s.rss.toFixed(1).padStart(6)} MB  (anon ${s.anon}, file ${s.file})${extra}`);
  };
  try {
    gw = await startGateway(dir);
    await note('idle after start');
    for (const [label, run] of kinds(gw)) {
      await run();
      await note(`after ${label}`);
    }
    const afterKinds = rows[Object.keys(rows).at(-1)!]!.rss;

    // Under load: the same token on every request, as a service holding it sends it; RSS sampled meanwhile.
    const login = await ok(
      'login',
      call(gw.base, 'POST', '/v1/login', {
        account: gw.accountId,
        username: 'root',
        password: PASSWORD,
        issue: 'tokens',
      }),
    );
    const pid = gw.child.pid!;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, status(pid).rss)), 100);
    const load = await autocannon({
      url: gw.base,
      connections: 50,
      duration: LOAD_SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/v1/authorize',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${String(login.body.access_token)}` },
          body: JSON.stringify({ action: 'iam:listUsers', resource: `srn:e::${gw.accountId}:::scp-iam:user/*` }),
        },
      ],
    });
    clearInterval(sampler);
    if (load.non2xx > 0 || load.errors > 0) throw new Error(`load: ${load.non2xx} non-2xx, ${load.errors} errors`);
    console.log(`load: ${Math.round(load.requests.average)} req/s on /v1/authorize for ${LOAD_SECONDS} s`);
    const underLoad = peak;
    await note('after load');
    const hwm = status(pid).hwm;

    const hello = await koaHelloRss();
    console.log(`${'reference: node -e Koa hello'.padEnd(34)} ${hello.toFixed(1).padStart(6)} MB`);
    const verdict = (v: number, budget: number) => (v <= budget ? 'PASS' : 'OVER');
    console.log(
      `budget: RSS after one of each kind ≤ ${BUDGET_MB} MB: ${afterKinds.toFixed(1)} MB ${verdict(afterKinds, BUDGET_MB)}`,
    );
    console.log(
      `budget: RSS under load ≤ ${LOAD_BUDGET_MB} MB: peak ${underLoad.toFixed(1)} MB (VmHWM ${hwm}) ${verdict(underLoad, LOAD_BUDGET_MB)}`,
    );
    console.log(`ratio gateway after kinds / koa hello: ${(afterKinds / hello).toFixed(2)}×`);
    writeFileSync(
      join(import.meta.dirname, 'results', 'memory.json'),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          node: process.version,
          start: startCommand(),
          rows,
          reference: { koaHello: hello },
          load: { rps: Math.round(load.requests.average), seconds: LOAD_SECONDS, peakRss: underLoad, hwm },
          budgets: {
            afterKinds: { mb: afterKinds, budget: BUDGET_MB, pass: afterKinds <= BUDGET_MB },
            underLoad: { mb: underLoad, budget: LOAD_BUDGET_MB, pass: underLoad <= LOAD_BUDGET_MB },
          },
          ratios: { 'after kinds / koa hello': afterKinds / hello },
        },
        null,
        2,
      ),
    );
  } finally {
    if (gw !== undefined && gw.child.exitCode === null) {
      const exited = new Promise((r) => gw!.child.once('exit', r));
      gw.child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
