/**
 * Password login benchmark (DESIGN §5: login ≥ 85% of the argon2-verify-only rate, 2 cores; LOGIN-3:
 * unknown-user failures cost the same as known-user failures). Everything runs in one process and one
 * run, side by side, with the default OWASP argon2 parameters (m=19 MiB, t=2, p=1):
 *
 *   (a) POST /v1/login over HTTP (autocannon, successful logins: throttle, lockout slot, verify, session,
 *       audit, lastLoginAt) vs `PasswordService.verify` alone, at the same concurrency;
 *   (b) median latency of 200 unknown-user vs 200 known-user wrong-password logins, interleaved.
 *
 * Throttle and lockout limits are lifted so the bench measures the path, not the limiters. These shared
 * machines drift a lot within seconds (notes/http-anchors.md), so (a) alternates short verify-only and HTTP
 * rounds and reports the median of the per-round ratios. `BENCH_ROUNDS` (default 6), `BENCH_SECONDS` per
 * round (default 4) and `BENCH_CONCURRENCY` (default 4) tune it.
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SAMPLES = 200;
const PASSWORD = 'Vq7#Lm2!pXr9';

const config = loadConfig({
  NODE_ENV: 'development',
  IAMGW_HTTP_PORT: '0',
  IAMGW_LOG_LEVEL: 'silent',
  IAMGW_STORE_MEMORY_FILE: '',
  IAMGW_THROTTLE_PER_IP_LIMIT: '1000000000',
  IAMGW_THROTTLE_PER_ACCOUNT_LIMIT: '1000000000',
  IAMGW_LOCKOUT_THRESHOLD: '1000000000',
});
const gw = await buildApp(config);
const server = await gw.listen();
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const accountId = gw.ids.hex32();
await gw.store.accounts.create({
  id: accountId,
  accountId,
  name: 'bench',
  alias: 'bench',
  rootUserId: null,
  settings: { mfaRequired: false },
  createdBy: 'bench',
});
const hash = await gw.passwords.hash(PASSWORD);
await gw.store.users.create({
  accountId,
  name: 'alice',
  kind: 'iam',
  state: 'active',
  email: null,
  phone: null,
  timezone: null,
  lastLoginAt: null,
  passwordChangedAt: Date.now(),
  reuseRestriction: 5,
  mustChangePassword: false,
  passwordHash: hash,
  passwordHistory: [hash],
  mfa: { secret: null, enrolled: false, recoveryCodeHashes: [] },
  consoleIpControl: { enabled: false, entries: [] },
  policyIds: [],
  keySecurity: { acceptedMethods: ['authkey', 'tempkey'], ipControl: { enabled: false, entries: [] } },
  createdBy: 'bench',
});

/** argon2 verify alone: CONCURRENCY workers verifying back to back for SECONDS. */
async function verifyOnly(): Promise<number> {
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        if (!(await gw.passwords.verify(hash, PASSWORD))) throw new Error('verify failed');
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function httpLogins(): Promise<{ rate: number; non2xx: number }> {
  const started = performance.now();
  const r = await autocannon({
    url: `${base}/v1/login`,
    method: 'POST',
    connections: CONCURRENCY,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: accountId, username: 'alice', password: PASSWORD }),
  });
  return { rate: r['2xx'] / ((performance.now() - started) / 1000), non2xx: r.non2xx };
}

async function failureLatency(username: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: accountId, username, password: 'Wrong#pass9x' }),
  });
  await res.arrayBuffer();
  if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(
  `login bench: node ${process.version}, argon2 m=${config.passwords.argon2.memoryCostKiB} KiB t=${config.passwords.argon2.timeCost} p=${config.passwords.argon2.parallelism}, concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${SECONDS}s + ${SECONDS}s`,
);
await gw.passwords.dummyVerify(); // make the dummy hash before anything is timed
await httpLogins(); // warm-up (JIT, connections)
const rounds: { verify: number; http: number; ratio: number }[] = [];
let non2xx = 0;
for (let i = 0; i < ROUNDS; i++) {
  // Alternate which runs first, so a trend in the machine's load favours neither side.
  let verify: number;
  let http: { rate: number; non2xx: number };
  if (i % 2 === 0) {
    verify = await verifyOnly();
    http = await httpLogins();
  } else {
    http = await httpLogins();
    verify = await verifyOnly();
  }
  non2xx += http.non2xx;
  rounds.push({ verify, http: http.rate, ratio: http.rate / verify });
  console.log(
    `    round ${i + 1}: verify ${verify.toFixed(1)}/s, login ${http.rate.toFixed(1)}/s, ratio ${((http.rate / verify) * 100).toFixed(1)}%`,
  );
}
const verifyRate = median(rounds.map((r) => r.verify));
const httpRate = median(rounds.map((r) => r.http));
const ratio = median(rounds.map((r) => r.ratio));
console.log(`(a) argon2 verify only : ${verifyRate.toFixed(1)} verifies/s (median of ${ROUNDS} rounds)`);
console.log(`    POST /v1/login      : ${httpRate.toFixed(1)} logins/s (median; non-2xx ${non2xx})`);
console.log(
  `    ratio               : ${(ratio * 100).toFixed(1)}% median of per-round ratios (goal ≥ 85%) ${ratio >= 0.85 ? 'OK' : 'MISSED'}`,
);

const unknown: number[] = [];
const known: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  // Interleaved, and alternating which goes first, so drift hits both series alike.
  if (i % 2 === 0) {
    unknown.push(await failureLatency(`ghost-${i}`));
    known.push(await failureLatency('alice'));
  } else {
    known.push(await failureLatency('alice'));
    unknown.push(await failureLatency(`ghost-${i}`));
  }
}
const mu = median(unknown);
const mk = median(known);
const diff = Math.abs(mu - mk) / mk;
console.log(
  `(b) failure latency median of ${SAMPLES}: unknown user ${mu.toFixed(2)} ms, known user ${mk.toFixed(2)} ms, difference ${(diff * 100).toFixed(1)}% (goal < 10%) ${diff < 0.1 ? 'OK' : 'MISSED'}`,
);

writeFileSync(
  new URL('./results/login.json', import.meta.url),
  `${JSON.stringify(
    {
      node: process.version,
      date: new Date().toISOString(),
      argon2: config.passwords.argon2,
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      throughput: {
        verifyOnlyPerSec: +verifyRate.toFixed(1),
        httpLoginsPerSec: +httpRate.toFixed(1),
        non2xx,
        ratio: +ratio.toFixed(3),
        goal: 0.85,
        rounds: rounds.map((r) => ({
          verify: +r.verify.toFixed(1),
          http: +r.http.toFixed(1),
          ratio: +r.ratio.toFixed(3),
        })),
      },
      failureLatency: {
        samples: SAMPLES,
        unknownUserMedianMs: +mu.toFixed(2),
        knownUserMedianMs: +mk.toFixed(2),
        difference: +diff.toFixed(3),
        goal: 0.1,
      },
    },
    null,
    2,
  )}\n`,
);
await gw.close();
