import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FLUSH_MS } from '../../../src/observability/access-log.js';
import { createLogger } from '../../../src/observability/logger.js';
import { startGateway, type RunningGateway } from '../../support/http.js';
import { KEK, seedPrincipal } from './fixtures.js';

/**
 * The service API is served twice from one definition (src/http/fast-lane.ts): on the lane for API clients
 * and through Koa for everyone else. A Cookie header — any cookie — sends a request through Koa. Every
 * case below is asked both ways and must get the same status, code and body, and the lane must keep the
 * shell's guarantees (request id, security headers, access log, metrics, body rules).
 */
describe('fast lane ≡ Koa chain for the service API (DESIGN §5, TOK-4, POL-9)', () => {
  let app: RunningGateway;
  let token = '';
  let refresh = '';
  let resource = '';
  const seenByKoa: string[] = [];
  const logLines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });

  beforeAll(async () => {
    app = await startGateway({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: KEK }, { logger: createLogger('info', logs) }, (gw) =>
      // First in the chain, so it sees every request Koa handles (the router ends the chain for its routes).
      gw.http.middleware.unshift(async (ctx, next) => {
        seenByKoa.push(ctx.path);
        await next();
      }),
    );
    const seeded = await seedPrincipal(app.gw);
    const issued = await app.gw.tokens.service.issueForSession(seeded.session.id, { withRefresh: true });
    token = issued.access_token;
    refresh = issued.refresh_token ?? '';
    resource = `srn:e::${seeded.account.id}:::scp-iam:user/${seeded.user.id}`;
  });
  afterAll(() => app.close());

  type Way = 'lane' | 'koa';
  const send = async (
    way: Way,
    path: string,
    init: { body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> },
  ) => {
    const headers = {
      'content-type': 'application/json',
      ...init.headers,
      ...(way === 'koa' ? { cookie: 'unrelated=1' } : {}),
    };
    const before = seenByKoa.length;
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown> & { error?: { code: string; requestId?: string } };
    if (body.error) delete body.error.requestId; // differs per request by design
    return { status: res.status, body, headers: res.headers, viaKoa: seenByKoa.length > before };
  };
  const both = async (
    path: string,
    init: { body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> },
  ) => {
    const lane = await send('lane', path, init);
    const koa = await send('koa', path, init);
    expect(lane.viaKoa).toBe(false);
    expect(koa.viaKoa).toBe(true);
    expect({ status: lane.status, body: lane.body }).toEqual({ status: koa.status, body: koa.body });
    return lane;
  };
  const bearer = () => ({ authorization: `Bearer ${token}` });

  it('answers /v1/authorize the same way, with the shell headers', async () => {
    const r = await both('/v1/authorize', {
      body: JSON.stringify({ action: 'iam:getUser', resource }),
      headers: bearer(),
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ allowed: true, decision: 'Allow' });
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const h of ['x-content-type-options', 'x-frame-options', 'content-security-policy', 'cache-control'])
      expect(r.headers.get(h)).not.toBeNull();
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('keeps a safe incoming request id on the lane and replaces an unsafe one', async () => {
    const ok = await send('lane', '/v1/authorize', { body: '{}', headers: { 'x-request-id': 'svc-42.a_b' } });
    expect(ok.headers.get('x-request-id')).toBe('svc-42.a_b');
    const bad = await send('lane', '/v1/authorize', { body: '{}', headers: { 'x-request-id': 'a b <script>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [
      'a deny is a normal answer',
      () => ({ body: JSON.stringify({ action: 'iam:deleteUser', resource }), headers: bearer() }),
      200,
      undefined,
    ],
    [
      'a tampered token',
      () => ({
        body: JSON.stringify({ action: 'iam:getUser', resource }),
        headers: { authorization: `Bearer ${token}x` },
      }),
      401,
      'TOKEN_SIGNATURE_INVALID',
    ],
    [
      'a malformed bearer header',
      () => ({ body: '{}', headers: { authorization: 'Bearer a b' } }),
      401,
      'TOKEN_MALFORMED',
    ],
    [
      'no caller and no token',
      () => ({ body: JSON.stringify({ action: 'iam:getUser', resource }) }),
      401,
      'UNAUTHENTICATED',
    ],
    ['invalid JSON', () => ({ body: '{"action":', headers: bearer() }), 400, 'MALFORMED_JSON'],
    ['JSON that is not an object or array', () => ({ body: '"text"', headers: bearer() }), 400, 'MALFORMED_JSON'],
    [
      'a __proto__ key',
      () => ({ body: '{"__proto__":{"admin":true},"action":"iam:getUser"}', headers: bearer() }),
      400,
      'MALFORMED_JSON',
    ],
    [
      'a missing action (all violations listed)',
      () => ({ body: JSON.stringify({ resource: 7 }), headers: bearer() }),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unsupported content type (body ignored → schema refuses)',
      () => ({ body: 'action=iam:getUser', headers: { ...bearer(), 'content-type': 'text/plain' } }),
      400,
      'VALIDATION_FAILED',
    ],
  ])('/v1/authorize: %s', async (_name, init, status, code) => {
    const r = await both('/v1/authorize', init());
    expect(r.status).toBe(status);
    expect(r.body.error?.code).toBe(code);
  });

  it('refuses a compressed body with 415 and an oversized one with 413, both ways', async () => {
    const gz = await both('/v1/authorize', {
      body: Uint8Array.from(gzipSync(JSON.stringify({ action: 'iam:getUser', resource }))),
      headers: { ...bearer(), 'content-encoding': 'gzip' },
    });
    expect([gz.status, gz.body.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await both('/v1/authorize', {
      body: JSON.stringify({ action: 'x'.repeat(app.gw.config.http.bodyLimitBytes) }),
      headers: bearer(),
    });
    expect([big.status, big.body.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(big.headers.get('connection')).toBe('close'); // the unread rest is not drained to reuse the socket
  });

  it('/v1/token: a form refresh works on the lane with no-store; a repeated field is refused both ways', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const r = await send('lane', '/v1/token', {
      body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh)}`,
      headers: form,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String) });
    expect([r.headers.get('cache-control'), r.headers.get('pragma')]).toEqual(['no-store', 'no-cache']);
    const twice = await both('/v1/token', {
      body: 'grant_type=refresh_token&grant_type=password&refresh_token=x',
      headers: form,
    });
    expect([twice.status, twice.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const grant = await both('/v1/token', { body: 'grant_type=password', headers: form });
    expect([grant.status, grant.body.error?.code]).toEqual([400, 'UNSUPPORTED_GRANT_TYPE']);
  });

  it('/v1/introspect: caller required, then the same answer both ways', async () => {
    const anonymous = await both('/v1/introspect', { body: JSON.stringify({ token }) });
    expect([anonymous.status, anonymous.body.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const active = await both('/v1/introspect', { body: JSON.stringify({ token }), headers: bearer() });
    expect(active.body).toMatchObject({ active: true, token_type: 'Bearer' });
  });

  it('leaves everything else to Koa: other methods, query strings, unknown paths', async () => {
    const before = seenByKoa.length;
    const get = await fetch(`${app.url}/v1/authorize`, { headers: bearer() });
    expect(get.status).toBe(405);
    await fetch(`${app.url}/v1/authorize?x=1`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(seenByKoa.slice(before)).toEqual(['/v1/authorize', '/v1/authorize']);
  });

  it('a client hanging up mid-body is not a server failure, on either path', async () => {
    const { port } = new URL(app.url);
    const failuresBefore = logLines.filter((l) => l.includes('request failed')).length;
    for (const cookie of ['', 'Cookie: unrelated=1\r\n']) {
      await new Promise<void>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => {
          s.write(
            `POST /v1/authorize HTTP/1.1\r\nHost: x\r\n${cookie}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"action":`,
          );
          setTimeout(() => {
            s.destroy();
            resolve();
          }, 50);
        });
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(logLines.filter((l) => l.includes('request failed')).length).toBe(failuresBefore); // no 5xx logged
    expect((await send('lane', '/v1/authorize', { body: '{}' })).body.error?.code).toBe('VALIDATION_FAILED'); // and the server carries on
  });

  it('logs and counts lane requests like the Koa chain, without credentials', async () => {
    const metric = async () =>
      Number(
        /iamgw_http_requests_total\{method="POST",route="\/v1\/authorize",status="200"\} (\d+)/.exec(
          await (await fetch(`${app.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const before = await metric();
    const r = await send('lane', '/v1/authorize', {
      body: JSON.stringify({ action: 'iam:getUser', resource }),
      headers: { ...bearer(), 'x-request-id': 'trace-lane-1' },
    });
    expect(r.status).toBe(200);
    expect(await metric()).toBe(before + 1);
    await sleep(FLUSH_MS + 10); // access lines are written in batches (src/observability/access-log.ts)
    const line = logLines.find((l) => l.includes('"requestId":"trace-lane-1"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      msg: 'request',
      method: 'POST',
      route: '/v1/authorize',
      status: 200,
      ip: '127.0.0.1',
    });
    expect(logLines.join('\n')).not.toContain(token.split('.')[2]);
  });
});
