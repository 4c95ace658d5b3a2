/**
 * Token benchmark (DESIGN §5), references measured in the same run:
 *  - verify/s on one key, 50 in flight: our TokenVerifier without its cache (tokens cycle through more
 *    than the LRU holds), with the cache (one token), jose `jwtVerify`, and raw `crypto.verify` both
 *    synchronous and on the threadpool (its callback form, which ours uses);
 *  - token issue over HTTP: our `POST /v1/token` refresh (rotating handle, session check, store reads,
 *    sign) vs oidc-provider's client-credentials `/token` with ES256 JWT access tokens, in interleaved
 *    rounds (`interleaved`, bench/authorize.ts) — goal ≥ 1.2×. 500 refresh chains feed 50 connections.
 */
import { createPublicKey, verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import type autocannon from 'autocannon';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config/load.js';
import { seedPrincipal } from '../test/integration/tokens/fixtures.js';
import { interleaved, report, type LoadResult } from './authorize.js';

async function rate(seconds: number, op: (i: number) => unknown): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  // 50 in flight, as under HTTP load: asynchronous verifiers overlap on the threadpool.
  while (performance.now() < end) await Promise.all(Array.from({ length: 50 }, () => op(n++)));
  return Math.round(n / seconds);
}

async function verifyRates(): Promise<Record<string, number>> {
  const gw = await buildApp(testConfig({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') }));
  const { session } = await seedPrincipal(gw);
  const tokens: string[] = [];
  while (tokens.length < 12_000)
    tokens.push(
      ...(await Promise.all(Array.from({ length: 200 }, () => gw.tokens.service.issueForSession(session.id)))).map(
        (t) => t.access_token,
      ),
    );
  const kid = decodeProtectedHeader(tokens[0] ?? '').kid;
  const jwk = (await gw.tokens.keys.jwks()).keys.find((k) => k.kid === kid)!;
  const cryptoKey = await importJWK(jwk, 'ES256');
  const keyObject: KeyObject = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const opts = {
    issuer: gw.config.http.publicUrl.replace(/\/$/, ''),
    audience: gw.config.tokens.audience,
    algorithms: ['ES256'],
  };
  const raw = (t: string) => {
    const dot = t.lastIndexOf('.');
    return cryptoVerify(
      'sha256',
      Buffer.from(t.slice(0, dot)),
      { key: keyObject, dsaEncoding: 'ieee-p1363' },
      Buffer.from(t.slice(dot + 1), 'base64url'),
    );
  };
  const rawAsync = (t: string) =>
    new Promise<boolean>((resolve, reject) => {
      const dot = t.lastIndexOf('.');
      cryptoVerify(
        'sha256',
        Buffer.from(t.slice(0, dot)),
        { key: keyObject, dsaEncoding: 'ieee-p1363' },
        Buffer.from(t.slice(dot + 1), 'base64url'),
        (err, ok) => (err ? reject(err) : resolve(ok)),
      );
    });
  const at = (i: number) => tokens[i % tokens.length] ?? '';
  const out: Record<string, number> = {};
  for (const round of [1, 2]) {
    out[`oursUncached${round}`] = await rate(2, (i) => gw.tokens.verifier.verify(at(i)));
    out[`jose${round}`] = await rate(2, (i) => jwtVerify(at(i), cryptoKey, opts));
    out[`rawCryptoVerify${round}`] = await rate(2, (i) => raw(at(i)));
    out[`rawCryptoVerifyAsync${round}`] = await rate(2, (i) => rawAsync(at(i)));
    out[`oursCached${round}`] = await rate(2, () => gw.tokens.verifier.verify(at(0)));
  }
  await gw.close();
  return out;
}

const queues = new WeakMap<object, string[]>();

function refreshLoad(s: { data: Record<string, unknown> }): Partial<autocannon.Options> {
  // A shared queue of current handles, not one per connection: autocannon may build a connection's next
  // request before the previous response arrives. One queue per server for all its loads (a used handle
  // is spent: reuse ends its session); each load's end can strand up to 50 in flight, so the server
  // starts 500 chains for the warm-up and 5 rounds.
  let ready = queues.get(s.data);
  if (ready === undefined) queues.set(s.data, (ready = [...(s.data.refresh as string[])]));
  return {
    requests: [
      {
        method: 'POST',
        path: '/v1/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest: (req) => ({
          ...req,
          body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(ready.shift() ?? '')}`,
        }),
        onResponse: (status, body) => {
          if (status === 200) ready.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
        },
      },
    ],
  };
}

const oidcLoad: Partial<autocannon.Options> = {
  requests: [
    {
      method: 'POST',
      path: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('svc-client:a-secret-of-fifty-two-characters-for-the-bench-run!!').toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=api%3Aread&resource=urn%3Aapi',
    },
  ],
};

if (process.argv[2] === 'tokens') {
  const verify = await verifyRates();
  const rows: Record<string, LoadResult | Record<string, number>> = { verifyPerSecond: verify };
  const issue = await interleaved(
    { oidcProviderToken: { kind: 'oidc', opts: () => oidcLoad }, refreshIssue: { kind: 'gateway', opts: refreshLoad } },
    { 'issue (refresh) / oidc-provider': ['refreshIssue', 'oidcProviderToken'] },
    Number(process.env.BENCH_ROUNDS ?? 5),
  );
  Object.assign(rows, issue.rows);
  const mean = (k: string) => ((verify[`${k}1`] ?? 0) + (verify[`${k}2`] ?? 0)) / 2;
  report(
    'tokens',
    rows,
    {
      'verify uncached / jose': mean('oursUncached') / mean('jose'),
      'verify uncached / raw crypto': mean('oursUncached') / mean('rawCryptoVerify'),
      'verify uncached / raw crypto async': mean('oursUncached') / mean('rawCryptoVerifyAsync'),
      'verify cached / jose': mean('oursCached') / mean('jose'),
      ...issue.ratios,
    },
    issue.spread,
  );
}
