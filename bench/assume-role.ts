/**
 * AssumeRole benchmark (ROLE-4, DESIGN §5): `RoleAssumption.assume` (body check, role read, trust match,
 * the caller's `iam:assumeRole` decision, session start, access + refresh token) against the refresh path
 * (`TokenService.refresh`: session read, markers, subject, sign, new handle) — the same session-and-token
 * work minus the trust check and the decision. In process (no HTTP, which both would pay alike), 50 in
 * flight, the two interleaved in rounds so the machine's drift hits both; the ratio is the median round.
 */
import { buildApp } from '../src/app.js';
import { iamSrn } from '../src/authz/srn.js';
import { testConfig } from '../src/config/load.js';
import { RoleAssumption } from '../src/roles/index.js';
import { seedPrincipal } from '../test/integration/tokens/fixtures.js';
import { report } from './authorize.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = 2;
const IN_FLIGHT = 50;

async function rate(op: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  while (performance.now() < end) {
    await Promise.all(Array.from({ length: IN_FLIGHT }, op));
    n += IN_FLIGHT;
  }
  return Math.round(n / SECONDS);
}

const gw = await buildApp(testConfig({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64') }));
const { account, user, policy } = await seedPrincipal(gw);
const assumePolicy = await gw.store.policies.create({
  accountId: account.id,
  name: 'Assume',
  type: 'custom',
  policyVersion: 1,
  createdBy: 'bench',
  document: {
    Version: '2024-07-01',
    Statement: [{ Sid: 'Assume', Effect: 'Allow', Action: 'iam:assumeRole', Resource: '*' }],
  },
});
await gw.store.users.update(account.id, user.id, user.version, { policyIds: [assumePolicy.id] }, 'bench');
const role = await gw.store.roles.create({
  accountId: account.id,
  name: 'bench-role',
  maxSessionSeconds: 3600,
  policyIds: [policy.id],
  trustedPrincipals: [{ kind: 'current-account', value: account.id }],
  createdBy: 'bench',
});
const roles = new RoleAssumption({ store: gw.store, authorizer: gw.iam.authorizer, issuer: gw.issuer });
const caller = await gw.tokens.service.authenticate(
  (
    await gw.issuer.start({
      subject: { kind: 'user', user: (await gw.store.users.get(account.id, user.id))! },
      mfa: false,
      origin: { sourceIp: '127.0.0.1' },
      deliver: 'tokens',
    })
  ).tokens!.access_token,
);
const body = { roleSrn: iamSrn(account.id, 'role', role.id), sessionName: 'bench' };
const origin = { sourceIp: '127.0.0.1' };

// Refresh chains: each op takes a current handle and puts its successor back.
const handles: string[] = [];
for (let i = 0; i < IN_FLIGHT * 2; i++)
  handles.push((await roles.assume(caller, body, origin, 'tokens')).started.tokens!.refresh_token!);
const refresh = async () => {
  const next = await gw.tokens.service.refresh(handles.shift()!);
  handles.push(next.refresh_token!);
};
const assume = () => roles.assume(caller, body, origin, 'tokens');

await rate(assume); // warm-up: JIT and caches, not measured
await rate(refresh);
const rounds: { assume: number; refresh: number }[] = [];
for (let r = 0; r < ROUNDS; r++) rounds.push({ assume: await rate(assume), refresh: await rate(refresh) });
const ratios = rounds.map((r) => r.assume / r.refresh).sort((x, y) => x - y);
const median = ratios[Math.floor(ratios.length / 2)]!;
report(
  'assume-role',
  {
    perSecond: {
      ...Object.fromEntries(
        rounds.flatMap((r, i) => [
          [`assume${i + 1}`, r.assume],
          [`refresh${i + 1}`, r.refresh],
        ]),
      ),
    },
  },
  { 'assume-role / refresh': median },
  { 'assume-role / refresh': [ratios[0]!, ratios[ratios.length - 1]!] },
);
await gw.close();
