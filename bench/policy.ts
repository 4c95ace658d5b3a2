/**
 * Policy evaluation benchmark (DESIGN §5: ≥ 1M decisions/s/core on 10 statements, p99 ≤ 20 µs on
 * 10 policies / 100 statements), our evaluator side by side with casbin and cedar-wasm in one run. The
 * policies are written once as data and rendered for each engine as notes/policy.md §3.2 describes.
 *
 * Our engine runs from `tsc` output, as production does (`npm run build`): src/policy and src/srn are
 * compiled with tsconfig.build.json's options into a temporary folder and imported from there, not
 * through tsx. Each engine gets its own copy of the measuring loop, so no engine pays for a call site
 * made megamorphic by the others. Rates are given per wall-clock second and per CPU-second of this
 * process (the per-core figure: on a shared machine the wall rate also counts time the core was taken
 * away); the budget is judged on the CPU rate, and the peers' ratios use the same measure.
 * BENCH_POLICY_BASELINE=/path/to/policy/index.js adds an older build of ours to the same run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newEnforcer, newModelFromString } from 'casbin';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import ts from 'typescript';
import type * as PolicyIndex from '../src/policy/index.js';
import type { AuthorizationRequest, CompiledPolicy } from '../src/policy/index.js';

type PolicyModule = typeof PolicyIndex;

/** Compiles src/policy (and the src/srn it imports) with the build's compiler options; returns the module. */
async function loadBuiltPolicyModule(): Promise<{ module: PolicyModule; cleanup: () => void }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.build.json not readable');
  const out = mkdtempSync(join(tmpdir(), 'policy-bench-'));
  const options = {
    ...config.options,
    outDir: join(out, 'dist'),
    declaration: false,
    sourceMap: false,
    noEmit: false,
    incremental: false,
  };
  const program = ts.createProgram([join(root, 'src/policy/index.ts')], options);
  const emitted = program.emit();
  const errors = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (errors.length > 0 || emitted.emitSkipped)
    throw new Error(
      ts.formatDiagnostics(errors, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => root,
        getNewLine: () => '\n',
      }),
    );
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const module = (await import(pathToFileURL(join(out, 'dist/policy/index.js')).href)) as PolicyModule;
  return { module, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

const A = '9b7653f6f47a42e38055934a0575a813';
interface Stmt {
  sid: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  cond?: { env: string[]; cidr: string };
}
interface Req {
  action: string;
  resource: string;
  env: string;
  ip: string;
}

const SMALL: Stmt[] = [
  { sid: 's1', effect: 'Allow', actions: ['s3:Get*'], resources: [`srn:e::${A}:::s3:bucket/bucket-a/*`] },
  { sid: 's2', effect: 'Allow', actions: ['iam:Get*', 'iam:List*'], resources: ['*'] },
  { sid: 's3', effect: 'Deny', actions: ['iam:Delete*'], resources: ['*'] },
  { sid: 's4', effect: 'Allow', actions: ['ec2:Describe*'], resources: ['*'] },
  {
    sid: 's5',
    effect: 'Allow',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    resources: [`srn:e::${A}:*::dynamodb:table/orders-*`],
  },
  { sid: 's6', effect: 'Allow', actions: ['sqs:SendMessage'], resources: [`srn:e::${A}:ap-*::sqs:queue/queue-??`] },
  { sid: 's7', effect: 'Allow', actions: ['kms:Decrypt'], resources: [`srn:e::${A}:*::kms:key/*`] },
  { sid: 's8', effect: 'Deny', actions: ['s3:*'], resources: [`srn:e::${A}:::s3:bucket/bucket-a/secret/*`] },
  { sid: 's9', effect: 'Allow', actions: ['logs:PutLogEvents'], resources: [`srn:e::${A}:*::logs:group/app-*`] },
  {
    sid: 's10',
    effect: 'Allow',
    actions: ['ec2:StartInstances', 'ec2:StopInstances'],
    resources: [`srn:e::${A}:ap-*::ec2:instance/*`],
    cond: { env: ['dev', 'stage'], cidr: '10.0.0.0/8' },
  },
];
const SMALL_REQ: Req = {
  action: 'ec2:StartInstances',
  resource: `srn:e::${A}:ap-northeast-2::ec2:instance/i-0abc`,
  env: 'dev',
  ip: '10.1.2.3',
};

/** 10 policies × 10 statements over 5 services; the request is allowed by the last policy's last statement. */
const LARGE: Stmt[][] = Array.from({ length: 10 }, (_, k) =>
  Array.from({ length: 10 }, (_, j): Stmt => ({
    sid: `p${k}s${j}`,
    effect: j === 4 ? 'Deny' : 'Allow',
    actions: [`svc${j % 5}:op${k}${j}*`, `svc${j % 5}:Get${k}?`],
    resources: [`srn:e::${A}:kr-*::svc${j % 5}:type${j}/*`],
    ...(j % 3 === 0 || (k === 9 && j === 9) ? { cond: { env: ['dev', `e${k}`], cidr: `10.${k}.0.0/16` } } : {}),
  })),
);
LARGE[9]![9]!.actions.push('svc4:RunTask');
LARGE[9]![9]!.cond = { env: ['dev'], cidr: '10.0.0.0/8' };
const LARGE_REQ: Req = {
  action: 'svc4:RunTask',
  resource: `srn:e::${A}:kr-west1::svc4:type9/abc`,
  env: 'dev',
  ip: '10.9.1.1',
};

const CORRECTNESS: [string, Req, boolean][] = [
  ['allow', SMALL_REQ, true],
  ['explicit deny', { ...SMALL_REQ, action: 'iam:DeleteUser', resource: '*' }, false],
  ['tag fails', { ...SMALL_REQ, env: 'prod' }, false],
  ['ip fails', { ...SMALL_REQ, ip: '192.168.1.1' }, false],
  [
    'queue-42',
    { ...SMALL_REQ, action: 'sqs:SendMessage', resource: `srn:e::${A}:ap-south-1::sqs:queue/queue-42` },
    true,
  ],
  [
    'queue-421',
    { ...SMALL_REQ, action: 'sqs:SendMessage', resource: `srn:e::${A}:ap-south-1::sqs:queue/queue-421` },
    false,
  ],
];

// ── our evaluator ─────────────────────────────────────────────────────────────────────────────────────
function compileOurs(lib: PolicyModule, policies: Stmt[][]): CompiledPolicy[] {
  return policies.map((stmts, i) => {
    const Statement = stmts.map((s) => ({
      Sid: s.sid,
      Effect: s.effect,
      Action: s.actions,
      Resource: s.resources,
      ...(s.cond
        ? {
            Condition: {
              StringEquals: { 'scp:ResourceTag/env': s.cond.env },
              IpAddress: { 'scp:SourceIp': s.cond.cidr },
            },
          }
        : {}),
    }));
    return lib.compilePolicy({ Version: '2024-07-01', Statement }, { id: `p${i}`, kind: 'identity', account: A });
  });
}

const principal = {
  sub: `srn:e::${A}:::scp-iam:user/alice`,
  acct: A,
  ptype: 'user',
  auth: 'console',
  mfa: true,
} as const;
const ourRequest = (r: Req): AuthorizationRequest => ({
  principal,
  action: r.action,
  resources: [{ srn: r.resource, tags: { env: r.env } }],
  context: { 'scp:SourceIp': r.ip },
  now: 0,
});

/** What the gateway does per call: a request object built from the call's values, then `evaluate`. */
function ours(lib: PolicyModule, policies: Stmt[][]): (r: Req) => boolean {
  const set = { identity: compileOurs(lib, policies) };
  return (r) => lib.evaluate(ourRequest(r), set).allowed;
}

/** `prepareRequest` once per distinct request (kept by identity), then `evaluate` of the parsed form. */
function oursPrepared(lib: PolicyModule, policies: Stmt[][]): (r: Req) => boolean {
  const set = { identity: compileOurs(lib, policies) };
  const prepared = new WeakMap<Req, ReturnType<PolicyModule['prepareRequest']>>();
  return (r) => {
    let p = prepared.get(r);
    if (p === undefined) prepared.set(r, (p = lib.prepareRequest(ourRequest(r))));
    return lib.evaluate(p, set).allowed;
  };
}

// ── peers: globs become regexes (casbin) or `like` patterns (cedar, which has no `?`) ─────────────────
const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
const globRe = (g: string, any: string, one: string): string => escape(g).replace(/\*/g, any).replace(/\?/g, one);
function srnRe(p: string): string {
  if (p === '*') return '^.*$';
  const f = p.split(':');
  const region = f[4] === '' ? '[^:]*' : globRe(f[4]!, '[^:]*', '[^:]');
  return `^${escape(f.slice(0, 4).join(':'))}:${region}:${escape(f.slice(5, 7).join(':'))}:${globRe(f.slice(7).join(':'), '.*', '.')}$`;
}

async function casbin(policies: Stmt[][]): Promise<(r: Req) => boolean> {
  const model = newModelFromString(`
[request_definition]
r = act, obj, ctx
[policy_definition]
p = act, obj, cond, eft
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = regexMatch(r.act, p.act) && regexMatch(r.obj, p.obj) && eval(p.cond)`);
  const e = await newEnforcer(model);
  for (const s of policies.flat()) {
    const cond = s.cond
      ? `(${s.cond.env.map((v) => `r.ctx.env == '${v}'`).join(' || ')}) && ipMatch(r.ctx.ip, '${s.cond.cidr}')`
      : 'true';
    for (const a of s.actions)
      for (const res of s.resources)
        await e.addPolicy(`^${globRe(a.toLowerCase(), '.*', '.')}$`, srnRe(res), cond, s.effect.toLowerCase());
  }
  return (r) => e.enforceSync(r.action.toLowerCase(), r.resource, { env: r.env, ip: r.ip });
}

function cedarEngine(policies: Stmt[][], id: string): (r: Req) => boolean {
  const like = (g: string): string => JSON.stringify(g.replace(/\?/g, '*'));
  const staticPolicies: Record<string, string> = {};
  for (const s of policies.flat()) {
    const acts = s.actions.map((a) => `context.action like ${like(a.toLowerCase())}`).join(' || ');
    const ress = s.resources.map((r) => (r === '*' ? 'true' : `context.srn like ${like(r)}`)).join(' || ');
    const cond = s.cond
      ? ` && context has env && [${s.cond.env.map((v) => JSON.stringify(v)).join(',')}].contains(context.env) && ip(context.ip).isInRange(ip("${s.cond.cidr}"))`
      : '';
    staticPolicies[s.sid] =
      `${s.effect === 'Allow' ? 'permit' : 'forbid'}(principal, action, resource) when { (${acts}) && (${ress})${cond} };`;
  }
  const parsed = cedar.preparsePolicySet(id, { staticPolicies });
  if (parsed.type !== 'success') throw new Error(JSON.stringify(parsed));
  const uid = (type: string, v: string) => ({ type, id: v });
  return (r) => {
    const a = cedar.statefulIsAuthorized({
      principal: uid('User', 'alice'),
      action: uid('Action', 'call'),
      resource: uid('Resource', 'r'),
      context: { action: r.action.toLowerCase(), srn: r.resource, env: r.env, ip: r.ip },
      preparsedPolicySetId: id,
      entities: [],
    });
    return a.type === 'success' && a.response.decision === 'allow';
  };
}

// ── measuring ─────────────────────────────────────────────────────────────────────────────────────────
interface Rate {
  wall: number;
  cpu: number;
}

/** A fresh copy of the loop per engine (its own feedback), so every engine's call site stays monomorphic. */
function rateLoop(): (fn: () => unknown, ms: number) => Rate {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant source, compiled once per engine
  return new Function(
    'fn',
    'ms',
    `
    let n = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now(), end = t0 + ms;
    while (performance.now() < end) for (let i = 0; i < 200; i++, n++) fn();
    const t = performance.now() - t0, c = process.cpuUsage(c0);
    return { wall: n / (t / 1000), cpu: n / ((c.user + c.system) / 1e6) };
  `,
  ) as (fn: () => unknown, ms: number) => Rate;
}

function latency(fn: () => unknown, samples: number): { p50: number; p99: number } {
  const t = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const s = process.hrtime.bigint();
    fn();
    t[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  t.sort();
  return { p50: t[Math.floor(samples * 0.5)]!, p99: t[Math.floor(samples * 0.99)]! };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  opsPerSec: number;
  opsPerCpuSec: number;
  p50us: number;
  p99us: number;
  correct?: string;
  cpuRatio?: number;
}

async function main(): Promise<void> {
  const built = await loadBuiltPolicyModule();
  const baselinePath = process.env['BENCH_POLICY_BASELINE'];
  const baseline =
    baselinePath === undefined ? undefined : ((await import(pathToFileURL(baselinePath).href)) as PolicyModule);
  const OURS = 'iam-gateway';
  const sets = { small: { policies: [SMALL], req: SMALL_REQ }, large: { policies: LARGE, req: LARGE_REQ } };
  const results: Record<string, Record<string, Row>> = {};
  for (const [setName, set] of Object.entries(sets)) {
    const engines: Record<string, (r: Req) => boolean> = {
      [OURS]: ours(built.module, set.policies),
      [`${OURS} (prepareRequest)`]: oursPrepared(built.module, set.policies),
      ...(baseline === undefined ? {} : { [`${OURS} (baseline build)`]: ours(baseline, set.policies) }),
      casbin: await casbin(set.policies),
      'cedar-wasm (pre-parsed)': cedarEngine(set.policies, setName),
    };
    const loops = Object.fromEntries(Object.keys(engines).map((name) => [name, rateLoop()]));
    const rounds: Record<string, Rate[]> = {};
    for (const [name, fn] of Object.entries(engines)) {
      if (fn(set.req) !== true) throw new Error(`${name} denies the ${setName} benchmark request`);
      loops[name]!(() => fn(set.req), 300); // warm-up
    }
    for (let round = 0; round < 3; round++)
      for (const [name, fn] of Object.entries(engines))
        (rounds[name] ??= []).push(loops[name]!(() => fn(set.req), 1000));
    results[setName] = {};
    for (const [name, fn] of Object.entries(engines)) {
      const lat = latency(() => fn(set.req), name.startsWith(OURS) ? 200_000 : 20_000);
      const correct =
        setName === 'small'
          ? `${CORRECTNESS.filter(([, r, want]) => fn(r) === want).length}/${CORRECTNESS.length}`
          : undefined;
      const r = rounds[name]!;
      results[setName][name] = {
        opsPerSec: Math.round(median(r.map((x) => x.wall))),
        opsPerCpuSec: Math.round(median(r.map((x) => x.cpu))),
        p50us: +lat.p50.toFixed(2),
        p99us: +lat.p99.toFixed(2),
        ...(correct ? { correct } : {}),
      };
    }
    const base = results[setName][OURS]!.opsPerCpuSec;
    for (const [name, row] of Object.entries(results[setName]))
      if (name !== OURS) row.cpuRatio = +(base / row.opsPerCpuSec).toFixed(2);
  }
  for (const [setName, byEngine] of Object.entries(results)) {
    console.log(
      `\n${setName === 'small' ? '10 statements, 2 conditions' : '10 policies, 100 statements'} (node ${process.version}, our engine from tsc output)`,
    );
    for (const [name, r] of Object.entries(byEngine)) {
      const ratio =
        r.cpuRatio === undefined
          ? ''
          : `  ${OURS} is ${r.cpuRatio >= 1 ? `${r.cpuRatio.toFixed(1)}x faster` : `${(1 / r.cpuRatio).toFixed(2)}x slower`} than this`;
      console.log(
        `  ${name.padEnd(31)} ${r.opsPerCpuSec.toLocaleString('en').padStart(10)}/cpu-s ${r.opsPerSec.toLocaleString('en').padStart(10)}/s wall  p50 ${r.p50us} µs  p99 ${r.p99us} µs${r.correct ? `  correct ${r.correct}` : ''}${ratio}`,
      );
    }
  }
  const s = results['small']![OURS]!,
    l = results['large']![OURS]!;
  console.log(
    `\nbudgets (DESIGN §5): small ≥ 1M decisions per CPU-second: ${s.opsPerCpuSec >= 1e6 ? 'met' : 'NOT met'} (wall ${s.opsPerSec >= 1e6 ? 'met' : 'not met'} on this machine's load); large p99 ≤ 20 µs: ${l.p99us <= 20 ? 'met' : 'NOT met'}`,
  );
  writeFileSync(
    new URL('./results/policy.json', import.meta.url),
    `${JSON.stringify({ node: process.version, date: new Date().toISOString(), engine: 'tsc build of src/policy', rates: 'opsPerSec per wall second, opsPerCpuSec per CPU-second of the process; cpuRatio = ours / this engine, CPU rates', results }, null, 2)}\n`,
  );
  built.cleanup();
}

await main();
