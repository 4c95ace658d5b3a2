import { createHash } from 'node:crypto';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Context } from 'koa';
import { randomIds } from '../../../src/clock.js';
import { loadConfig, testConfig } from '../../../src/config/load.js';
import { AppError, appError } from '../../../src/errors.js';
import { createHttpApp } from '../../../src/http/app.js';
import type { ApiRoute } from '../../../src/http/fast-lane.js';
import { acceptBody, rawBodyOf, uploadOf } from '../../../src/http/middleware/body.js';
import { createLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';

/**
 * Body readers chosen per route (issue 15; FED-2 uploads, FED-5 SAML POST binding, KEY-4 signed requests),
 * proven on test-only routes mounted in the real HTTP app (its chain and its fast lane), over real sockets.
 */
const JSON_LIMIT = 2048;
const FORM_LIMIT = 8192;
const UPLOAD_LIMIT = 64 * 1024;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  // The body is `any` on purpose: the test asserts its shape (as test/integration/admin/harness.ts does).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: Record<string, any>;
}

interface Send {
  method?: string;
  headers?: Record<string, string | number>;
  /** Sent in this order; without a content-length header the request is chunked. */
  parts?: Array<string | Buffer>;
  /** Called after each part is written, before the next (to wait for the server). */
  between?: (index: number) => Promise<void>;
}

/** A deferred value the test routes settle, so a test awaits what the server saw instead of sleeping. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('body readers chosen per route (issue 15)', () => {
  let server: Server;
  let port: number;
  /** What each upload route's reading ended with: the byte count, or the error code it threw. */
  let uploadOutcome = deferred<{ bytes: number } | { code: string }>();
  let firstChunk = deferred<number>();
  let uploadRouteCalls = 0;

  const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

  async function readUpload(ctx: Context): Promise<void> {
    uploadRouteCalls += 1;
    const upload = uploadOf(ctx);
    const hash = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    try {
      for await (const chunk of upload) {
        if (chunks === 0) firstChunk.resolve(chunk.length);
        bytes += chunk.length;
        chunks += 1;
        hash.update(chunk);
      }
    } catch (err) {
      uploadOutcome.resolve({ code: err instanceof AppError ? err.code : 'NOT_AN_APP_ERROR' });
      throw err;
    }
    uploadOutcome.resolve({ bytes });
    ctx.body = {
      bytes,
      chunks,
      sha256: hash.digest('hex'),
      mediaType: upload.mediaType,
      declared: upload.declaredBytes,
      fields: upload.fields,
      fileName: upload.fileName,
    };
  }

  const rawApi: ApiRoute = {
    path: '/t/api/raw',
    body: { kind: 'raw' },
    handle: async ({ body, raw }) => ({ body, raw: raw?.toString('utf8') ?? null }),
  };

  beforeAll(async () => {
    const config = testConfig({
      IAMGW_HTTP_BODY_LIMIT_BYTES: String(JSON_LIMIT),
      IAMGW_LIMITS_SAML_POST_BODY_BYTES: String(FORM_LIMIT),
      IAMGW_LIMITS_SAML_METADATA_BYTES: String(UPLOAD_LIMIT),
    });
    const deps = {
      config,
      logger: createLogger('silent'),
      metrics: createMetrics(),
      ids: randomIds,
      authenticators: [],
    };
    const app = createHttpApp(
      deps,
      [
        (router) => {
          const echo = (ctx: Context) => {
            ctx.body = {
              body: ctx.request.body ?? null,
              proto: Object.getPrototypeOf(ctx.request.body) === Object.prototype,
            };
          };
          router.post('/t/json', echo);
          router.post('/t/form', acceptBody('form'), echo);
          router.post('/t/form/small', acceptBody('form', { limitBytes: 64 }), echo);
          router.post('/t/raw', acceptBody('raw'), (ctx) => {
            ctx.body = { body: ctx.request.body, raw: rawBodyOf(ctx).toString('utf8'), sha256: sha256(rawBodyOf(ctx)) };
          });
          router.put('/t/upload', acceptBody('upload'), readUpload);
          router.put('/t/upload/metadata', acceptBody('upload', { field: 'metadata' }), readUpload);
          // Refuses before reading, as an authenticator or a permission check would.
          router.put('/t/upload/refused', acceptBody('upload'), () => {
            throw appError('UNAUTHENTICATED');
          });
        },
      ],
      { routes: [rawApi], bearer: async () => null },
    );
    server = app.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(path: string, s: Send = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, method: s.method ?? 'POST', headers: s.headers ?? {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? {} : JSON.parse(text) });
          });
        },
      );
      // The server may answer (and close) before the whole body is written: that answer is what is tested.
      req.on('error', (err) =>
        err.message.includes('EPIPE') || err.message.includes('ECONNRESET') ? undefined : reject(err),
      );
      void (async () => {
        const parts = s.parts ?? [];
        for (const [i, part] of parts.entries()) {
          if (req.destroyed) return;
          req.write(part);
          await s.between?.(i);
        }
        req.end();
      })();
    });
  }

  const json = (value: string, extra: Record<string, string | number> = {}): Send => ({
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(value), ...extra },
    parts: [value],
  });
  const form = (value: string, extra: Record<string, string | number> = {}): Send => ({
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(value),
      ...extra,
    },
    parts: [value],
  });
  const xml = (value: Buffer | string, extra: Record<string, string | number> = {}): Send => ({
    method: 'PUT',
    headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(value), ...extra },
    parts: [value],
  });
  const code = (a: Answer) => [a.status, a.body.error?.code];

  function resetUpload(): void {
    uploadOutcome = deferred();
    firstChunk = deferred();
  }

  it('config: SAML POST binding bodies have their own limit, 512 KiB by default', () => {
    const defaults = loadConfig({ NODE_ENV: 'development' });
    expect(defaults.limits.samlPostBodyBytes).toBe(512 * 1024);
    expect(defaults.limits.samlMetadataBytes).toBe(10 * 1024 * 1024);
  });

  describe('json (the default)', () => {
    it('reads JSON and, unchanged, urlencoded forms; other types are left unread', async () => {
      expect((await send('/t/json', json('{"a":[1,{"b":2}]}'))).body.body).toEqual({ a: [1, { b: 2 }] });
      expect((await send('/t/json', form('a=1&a=2&b=x'))).body.body).toEqual({ a: ['1', '2'], b: 'x' });
      const text = { headers: { 'content-type': 'text/plain', 'content-length': 5 }, parts: ['{"a":'] };
      expect((await send('/t/json', text)).body.body).toEqual({});
    });

    it('a urlencoded body is flat strings: bracket keys build no objects, prototype keys stay own keys', async () => {
      const answer = await send('/t/json', form('__proto__=x&constructor[prototype][admin]=1&policyIds[0][id]=p'));
      expect(answer.status).toBe(200);
      expect(Object.entries(answer.body.body as object)).toEqual([
        ['__proto__', 'x'],
        ['constructor[prototype][admin]', '1'],
        ['policyIds[0][id]', 'p'],
      ]);
      expect(answer.body.proto).toBe(true);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    it('prototype keys in JSON are refused (400 MALFORMED_JSON), at any depth', async () => {
      const refused = [
        '{"__proto__":{"admin":true}}',
        '{"a":[{"\\u005f_proto__":{"admin":true}}]}',
        '{"a":{"constructor":{"prototype":{"admin":true}}}}',
        '[{"\\u0063onstructor":{"prototype":{}}}]',
      ];
      for (const text of refused) {
        expect([text, ...code(await send('/t/json', json(text)))]).toEqual([text, 400, 'MALFORMED_JSON']);
      }
      // A key merely named constructor is data; so is a deep body that names it (walked without recursion).
      const deep = `{"constructor":"x","a":${'['.repeat(JSON_LIMIT / 3)}${']'.repeat(JSON_LIMIT / 3)}}`;
      expect((await send('/t/json', json('{"constructor":{"name":"x"}}'))).body.body).toEqual({
        constructor: { name: 'x' },
      });
      expect((await send('/t/json', json(deep))).status).toBe(200);
    });

    it('over http.bodyLimitBytes: 413, declared or streamed, and the connection is closed', async () => {
      const big = JSON.stringify({ a: 'x'.repeat(JSON_LIMIT) });
      const declared = await send('/t/json', json(big));
      expect([...code(declared), declared.headers.connection]).toEqual([413, 'PAYLOAD_TOO_LARGE', 'close']);
      const streamed = await send('/t/json', {
        headers: { 'content-type': 'application/json' },
        parts: [big.slice(0, 1000), big.slice(1000)],
      });
      expect(code(streamed)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });

    it('a compressed body is 415 on every reader', async () => {
      const gz = { 'content-encoding': 'gzip' };
      expect(code(await send('/t/json', json('{}', gz)))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(code(await send('/t/form', form('a=1', gz)))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(code(await send('/t/raw', json('{}', gz)))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(code(await send('/t/upload', xml('<a/>', gz)))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    });
  });

  describe('form (SAML POST binding, FED-5)', () => {
    it('reads urlencoded up to its own limit, above the JSON one', async () => {
      const samlResponse = Buffer.alloc(FORM_LIMIT / 2, 'r').toString('base64');
      const answer = await send(
        '/t/form',
        form(`SAMLResponse=${encodeURIComponent(samlResponse)}&RelayState=%2Fconsole`),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.body).toEqual({ SAMLResponse: samlResponse, RelayState: '/console' });
      expect(Buffer.byteLength(samlResponse)).toBeGreaterThan(JSON_LIMIT);
    });

    it('over its limit (config or the route’s own): 413', async () => {
      const over = `SAMLResponse=${'a'.repeat(FORM_LIMIT)}`;
      expect(code(await send('/t/form', form(over)))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const streamed = {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        parts: [over.slice(0, 10), over.slice(10)],
      };
      expect(code(await send('/t/form', streamed))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      expect(code(await send('/t/form/small', form(`a=${'b'.repeat(64)}`)))).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    });

    it('anything but urlencoded is 415: JSON, multipart, no type at all', async () => {
      expect(code(await send('/t/form', json('{"SAMLResponse":"x"}')))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const multipart = {
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': 4 },
        parts: ['--x-'],
      };
      expect(code(await send('/t/form', multipart))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(code(await send('/t/form', { headers: { 'content-length': 3 }, parts: ['a=1'] }))).toEqual([
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    });
  });

  describe('raw (signed requests, KEY-4)', () => {
    const text = '{ "action" : "iam:getUser",\n  "n": 1.50 }\n';

    it('keeps the exact bytes beside the parsed JSON, on the Koa chain and on the fast lane', async () => {
      const koa = await send('/t/raw', json(text));
      expect(koa.body).toEqual({ body: { action: 'iam:getUser', n: 1.5 }, raw: text, sha256: sha256(text) });
      const lane = await send('/t/api/raw', json(text));
      // A cookie sends the same route through Koa instead of the lane: both hand the handler the same bytes.
      const viaKoa = await send('/t/api/raw', json(text, { cookie: 'x=1' }));
      expect(lane.body).toEqual({ body: { action: 'iam:getUser', n: 1.5 }, raw: text });
      expect(viaKoa.body).toEqual(lane.body);
    });

    it('an empty body without a type is an empty body; a form or untyped bytes are 415', async () => {
      expect((await send('/t/raw', { headers: { 'content-length': 0 } })).body).toEqual({
        body: {},
        raw: '',
        sha256: sha256(''),
      });
      expect(code(await send('/t/raw', form('a=1')))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(code(await send('/t/api/raw', form('a=1')))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(code(await send('/t/raw', { headers: { 'content-length': 2 }, parts: ['{}'] }))).toEqual([
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    });

    it('the JSON rules hold: prototype keys 400, over the limit 413', async () => {
      expect(code(await send('/t/raw', json('{"__proto__":{"a":1}}')))).toEqual([400, 'MALFORMED_JSON']);
      expect(code(await send('/t/api/raw', json('{"__proto__":{"a":1}}')))).toEqual([400, 'MALFORMED_JSON']);
      expect(code(await send('/t/raw', json(JSON.stringify({ a: 'x'.repeat(JSON_LIMIT) }))))).toEqual([
        413,
        'PAYLOAD_TOO_LARGE',
      ]);
    });
  });

  describe('upload (metadata, FED-2)', () => {
    it('streams the file to the route in chunks, byte for byte, well past the JSON limit', async () => {
      resetUpload();
      const file = Buffer.concat([
        Buffer.from('<?xml version="1.0"?><m>'),
        Buffer.alloc(UPLOAD_LIMIT - 40, 'a'),
        Buffer.from('</m>'),
      ]);
      const answer = await send(
        '/t/upload',
        xml(file, { 'content-type': 'application/samlmetadata+xml; charset=utf-8' }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        bytes: file.length,
        sha256: sha256(file),
        mediaType: 'application/samlmetadata+xml',
        declared: file.length,
      });
      expect(answer.body.chunks).toBeGreaterThan(1);
    });

    it('is not buffered: the route holds the first chunk while the client has not sent the rest', async () => {
      resetUpload();
      const head = Buffer.alloc(1000, 'h');
      const tail = Buffer.alloc(1000, 't');
      const answer = await send('/t/upload', {
        method: 'PUT',
        headers: { 'content-type': 'text/xml', 'content-length': 2000 },
        parts: [head, tail],
        between: async (i) => {
          // The second half is written only once the route has consumed bytes of the first.
          if (i === 0) expect(await firstChunk.promise).toBeGreaterThan(0);
        },
      });
      expect(answer.body).toMatchObject({ bytes: 2000, sha256: sha256(Buffer.concat([head, tail])) });
    });

    it('declared over the limit: 413 before the route runs, connection closed', async () => {
      const calls = uploadRouteCalls;
      const declared = await send('/t/upload', {
        method: 'PUT',
        headers: { 'content-type': 'application/xml', 'content-length': UPLOAD_LIMIT + 1 },
        parts: ['<a'],
      });
      expect([...code(declared), declared.headers.connection]).toEqual([413, 'PAYLOAD_TOO_LARGE', 'close']);
      expect(uploadRouteCalls).toBe(calls);
    });

    it('streamed over the limit (chunked): the reading throws 413 once past it, connection closed', async () => {
      resetUpload();
      const piece = Buffer.alloc(16 * 1024, 'p');
      const parts = Array.from({ length: UPLOAD_LIMIT / piece.length + 2 }, () => piece);
      const answer = await send('/t/upload', { method: 'PUT', headers: { 'content-type': 'application/xml' }, parts });
      expect([...code(answer), answer.headers.connection]).toEqual([413, 'PAYLOAD_TOO_LARGE', 'close']);
      expect(await uploadOutcome.promise).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('an aborted upload makes the reading throw REQUEST_ABORTED', async () => {
      resetUpload();
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/t/upload',
        method: 'PUT',
        headers: { 'content-type': 'application/xml', 'content-length': 5000 },
      });
      req.on('error', () => undefined);
      req.write(Buffer.alloc(500, 'a'));
      await firstChunk.promise;
      req.destroy();
      expect(await uploadOutcome.promise).toEqual({ code: 'REQUEST_ABORTED' });
    });

    it('a route that refuses before reading answers at once and closes the connection (never drained)', async () => {
      const answer = await send('/t/upload/refused', xml(Buffer.alloc(4000, 'x')));
      expect([...code(answer), answer.headers.connection]).toEqual([401, 'UNAUTHENTICATED', 'close']);
    });

    it('wrong content types are 415: JSON, a form, text, none', async () => {
      const put = (type: string | null, value: string): Send => ({
        method: 'PUT',
        headers: { ...(type === null ? {} : { 'content-type': type }), 'content-length': Buffer.byteLength(value) },
        parts: [value],
      });
      const calls = uploadRouteCalls;
      for (const [type, value] of [
        ['application/json', '{"a":1}'],
        ['application/x-www-form-urlencoded', 'a=1'],
        ['text/plain', '<a/>'],
        [null, '<a/>'],
      ] as const) {
        expect([type, ...code(await send('/t/upload', put(type, value)))]).toEqual([
          type,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ]);
      }
      expect(uploadRouteCalls).toBe(calls);
    });
  });
  describe('upload as multipart/form-data (a browser file input, FED-2)', () => {
    const CRLF = '\r\n';
    type Part = { name: string; file?: string; type?: string; body: Buffer | string };
    const multipart = (parts: Part[], boundary = 'XyZ-boundary'): Buffer =>
      Buffer.concat([
        ...parts.flatMap((p) => [
          Buffer.from(
            `--${boundary}${CRLF}Content-Disposition: form-data; name="${p.name}"` +
              (p.file === undefined ? '' : `; filename="${p.file}"`) +
              CRLF +
              (p.type === undefined ? '' : `Content-Type: ${p.type}${CRLF}`) +
              CRLF,
          ),
          Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body),
          Buffer.from(CRLF),
        ]),
        Buffer.from(`--${boundary}--${CRLF}`),
      ]);
    const put = (body: Buffer, boundary = 'XyZ-boundary', chunked = false): Send => ({
      method: 'PUT',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(chunked ? {} : { 'content-length': body.length }),
      },
      parts: chunked
        ? Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536))
        : [body],
    });
    const reason = (a: Answer) => (a.body.error as { details?: { reason?: string } } | undefined)?.details?.reason;

    it('streams the one file of the named field, byte for byte, with the fields sent before it', async () => {
      resetUpload();
      const file = Buffer.concat([
        Buffer.from('<?xml version="1.0"?><m>'),
        Buffer.alloc(UPLOAD_LIMIT - 40, 'a'),
        Buffer.from('</m>'),
      ]);
      const answer = await send(
        '/t/upload/metadata',
        put(
          multipart([
            { name: 'entityId', body: 'https://idp.example/x' },
            { name: 'metadata', file: 'idp.xml', type: 'text/xml; charset=utf-8', body: file },
          ]),
          'XyZ-boundary',
          true,
        ),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        bytes: file.length,
        sha256: sha256(file),
        mediaType: 'text/xml',
        declared: null,
        fields: { entityId: 'https://idp.example/x' },
        fileName: 'idp.xml',
      });
      expect(answer.body.chunks).toBeGreaterThan(1);
    });

    it('the limit applies to the file itself: one byte over is 413, thrown while reading', async () => {
      resetUpload();
      const answer = await send(
        '/t/upload/metadata',
        put(
          multipart([{ name: 'metadata', file: 'a.xml', body: Buffer.alloc(UPLOAD_LIMIT + 1, 'x') }]),
          'XyZ-boundary',
          true,
        ),
      );
      expect(code(answer)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      expect(await uploadOutcome.promise).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
      resetUpload();
      const exact = await send(
        '/t/upload/metadata',
        put(multipart([{ name: 'metadata', file: 'a.xml', body: Buffer.alloc(UPLOAD_LIMIT, 'x') }])),
      );
      expect(exact.body).toMatchObject({ bytes: UPLOAD_LIMIT });
    });

    it('refuses, each with its reason: another field, two files, no file, a field after the file, a long field, a malformed body', async () => {
      const cases: [string, Buffer, RegExp][] = [
        [
          'other field',
          multipart([{ name: 'upload', file: 'a.xml', body: '<a/>' }]),
          /form field "metadata", not "upload"/,
        ],
        [
          'two files',
          multipart([
            { name: 'metadata', file: 'a.xml', body: '<a/>' },
            { name: 'metadata', file: 'b.xml', body: '<b/>' },
          ]),
          /exactly one file/,
        ],
        ['no file', multipart([{ name: 'entityId', body: 'x' }]), /no file/],
        [
          'field after',
          multipart([
            { name: 'metadata', file: 'a.xml', body: '<a/>' },
            { name: 'entityId', body: 'x' },
          ]),
          /before the file/,
        ],
        [
          'long field',
          multipart([
            { name: 'entityId', body: 'x'.repeat(1025) },
            { name: 'metadata', file: 'a.xml', body: '<a/>' },
          ]),
          /too long/,
        ],
        [
          'twice',
          multipart([
            { name: 'entityId', body: 'x' },
            { name: 'entityId', body: 'y' },
            { name: 'metadata', file: 'a.xml', body: '<a/>' },
          ]),
          /sent twice/,
        ],
        [
          'many fields',
          multipart([
            ...Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, body: 'v' })),
            { name: 'metadata', file: 'a.xml', body: '<a/>' },
          ]),
          /too many form fields/,
        ],
      ];
      for (const [what, body, expected] of cases) {
        resetUpload();
        const answer = await send('/t/upload/metadata', put(body));
        expect([what, ...code(answer)]).toEqual([what, 400, 'UPLOAD_INVALID']);
        expect([what, reason(answer)]).toEqual([what, expect.stringMatching(expected)]);
      }
      const noBoundary = await send('/t/upload/metadata', {
        method: 'PUT',
        headers: { 'content-type': 'multipart/form-data', 'content-length': 4 },
        parts: ['abcd'],
      });
      expect(code(noBoundary)).toEqual([400, 'UPLOAD_INVALID']);
      const truncated = multipart([{ name: 'metadata', file: 'a.xml', body: '<a/>' }]).subarray(0, 60);
      const malformed = await send('/t/upload/metadata', put(truncated));
      expect(malformed.status).toBe(400);
    });

    it('an aborted multipart upload makes the reading throw REQUEST_ABORTED', async () => {
      resetUpload();
      const head = multipart([{ name: 'metadata', file: 'a.xml', body: Buffer.alloc(UPLOAD_LIMIT, 'a') }]).subarray(
        0,
        UPLOAD_LIMIT / 2,
      );
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/t/upload/metadata',
        method: 'PUT',
        headers: { 'content-type': 'multipart/form-data; boundary=XyZ-boundary', 'content-length': UPLOAD_LIMIT + 500 },
      });
      req.on('error', () => undefined);
      req.write(head);
      await firstChunk.promise;
      req.destroy();
      expect(await uploadOutcome.promise).toEqual({ code: 'REQUEST_ABORTED' });
    });

    it('a declared body over the file limit plus framing is 413 before the route runs', async () => {
      const calls = uploadRouteCalls;
      const answer = await send('/t/upload/metadata', {
        method: 'PUT',
        headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': UPLOAD_LIMIT + 65 * 1024 },
        parts: ['--b'],
      });
      expect([...code(answer), answer.headers.connection]).toEqual([413, 'PAYLOAD_TOO_LARGE', 'close']);
      expect(uploadRouteCalls).toBe(calls);
    });
  });
});
