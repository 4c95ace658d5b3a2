import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGateway, type RunningGateway } from '../support/http.js';

function captureLogs(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

describe('HTTP shell (OPS-2, OPS-3, OPS-4)', () => {
  let app: RunningGateway;
  const logs = captureLogs();

  beforeAll(async () => {
    // A route that fails with a non-AppError, to see what a client gets from an unexpected failure.
    app = await startGateway({}, { logger: createLogger('info', logs.stream) }, (gw) =>
      gw.http.use(async (ctx, next) => {
        if (ctx.path === '/__boom') throw new Error('db password=hunter2 at /srv/secret.ts:42');
        await next();
      }),
    );
  });
  afterAll(() => app.close());

  it('GET /healthz answers 200 with security headers and a request id', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('keeps a safe incoming request id and replaces an unsafe one', async () => {
    const ok = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'abc.DEF-123_x' } });
    expect(ok.headers.get('x-request-id')).toBe('abc.DEF-123_x');
    const bad = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'a b <script>' } });
    expect(bad.headers.get('x-request-id')).not.toContain('script');
  });

  it('GET /readyz is 200 naming every store as up', async () => {
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { memory: 'up', sessions: 'up' } });
  });

  it('unknown routes get the JSON error shape', async () => {
    const res = await fetch(`${app.url}/no/such/route`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('ROUTE_NOT_FOUND');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('a wrong method is 405 with Allow', async () => {
    const res = await fetch(`${app.url}/healthz`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('malformed JSON is 400 MALFORMED_JSON', async () => {
    const res = await fetch(`${app.url}/healthz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');
  });

  it('a body over the limit is 413 and is not buffered whole', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(app.gw.config.http.bodyLimitBytes + 10) });
    const res = await fetch(`${app.url}/healthz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an unexpected failure is a generic 500: no message, no stack, cause logged server-side only', async () => {
    const res = await fetch(`${app.url}/__boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'INTERNAL', message: 'Something went wrong.' });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('secret.ts');
    expect(logs.lines.some((l) => l.includes('"code":"INTERNAL"') && l.includes('request failed'))).toBe(true);
  });

  it('GET /metrics exposes Prometheus request counters', async () => {
    await fetch(`${app.url}/healthz`);
    const res = await fetch(`${app.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/iamgw_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain('iamgw_logins_total');
    expect(text).toContain('iamgw_policy_decisions_total');
  });

  it('access logs carry the path without the query string and never the credentials', async () => {
    await fetch(`${app.url}/readyz?SAMLRequest=secret-saml&code=oidc-code`, {
      headers: { authorization: 'Bearer tok-abc', cookie: 'iamgw_session=sess-xyz' },
    });
    const line = logs.lines.find((l) => l.includes('"path":"/readyz"'));
    expect(line).toBeDefined();
    for (const secret of ['secret-saml', 'oidc-code', 'tok-abc', 'sess-xyz'])
      expect(logs.lines.join('\n')).not.toContain(secret);
  });
});

describe('logger redaction (OPS-3)', () => {
  it('censors secrets in any logged object', () => {
    const { lines, stream } = captureLogs();
    const log = createLogger('info', stream);
    log.info(
      {
        password: 'p1',
        user: { password: 'p2', name: 'alice' },
        token: 't1',
        body: { secret: 's1' },
        passwordHash: '$argon2id$x',
      },
      'x',
    );
    const out = lines.join('\n');
    for (const s of ['p1', 'p2', 't1', 's1', '$argon2id$x']) expect(out).not.toContain(`"${s}"`);
    expect(out).toContain('alice');
    expect(out).toContain('[redacted]');
  });
});

describe('no test-only credential (TOK-4: real authentication only)', () => {
  it('an X-Test-Principal header claiming root is ignored, in env=test too', async () => {
    const app = await startGateway();
    const { account } = await app.gw.iam.accounts.create({ name: 'No backdoor' }, 'test');
    // The shape the removed test-only authenticator accepted: base64url JSON of a root principal.
    const claim = Buffer.from(
      JSON.stringify({
        accountId: account.id,
        userId: account.rootUserId,
        srn: `srn:e::${account.id}:::scp-iam:user/${account.rootUserId}`,
        type: 'root',
      }),
    ).toString('base64url');
    const res = await fetch(`${app.url}/v1/accounts/${account.id}/users`, { headers: { 'x-test-principal': claim } });
    await app.close();
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
  });
});

describe('bootstrap is not run by buildApp itself', () => {
  it('leaves an empty store empty until bootstrapIfEmpty is called', async () => {
    const gw = await buildApp(testConfig());
    expect(await gw.store.accounts.countAll()).toBe(0);
    await gw.close();
  });
});
