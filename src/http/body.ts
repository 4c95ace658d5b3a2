import type { IncomingMessage } from 'node:http';
import { parse as parseGuarded } from '@hapi/bourne';
import { AppError } from '../errors.js';

/**
 * Request bodies, read the same way by the Koa chain (middleware/body.ts) and the fast lane (fast-lane.ts), so
 * a body means the same thing on every route. Each route declares its reader; `json` is the default:
 * - `json`: JSON (strict: an object or array), or a classic urlencoded form, at `http.bodyLimitBytes`. The
 *   console's server-rendered pages and RFC 6749's token endpoint post forms through it (docs/decisions.md);
 *   routes that take JSON only refuse forms themselves (415, `requireJson`). Any other content type is
 *   left unread (`{}`), which the route's schema then refuses with its own violations.
 * - `form`: urlencoded only, with its own limit (SAML's POST binding carries a base64 SAMLResponse that may be
 *   larger than any JSON call, FED-5/FED-8: `limits.samlPostBodyBytes`). Anything else is 415.
 * - `upload`: one file of at most `limits.samlMetadataBytes` (FED-2), as a raw `application/xml`,
 *   `text/xml` or `application/samlmetadata+xml` body, handed to the route as the chunks arrive: nothing
 *   is buffered or decoded here, the bytes are counted and the limit enforced while the route reads; or
 *   as the one file of a `multipart/form-data` body (a browser's file input), streamed the same way.
 *   upload.ts reads both.
 * - `raw`: JSON whose exact bytes are kept beside the parsed value, for routes that verify a signature over
 *   them (KEY-4).
 * Rules every reader keeps:
 * - The limit is enforced from Content-Length before reading and again while reading: an oversized body is
 *   never buffered whole (413 PAYLOAD_TOO_LARGE; the connection is closed after the answer).
 * - Compressed bodies (Content-Encoding other than identity) are refused (415): an identity API has no
 *   use for them, and inflating attacker input is a decompression bomb waiting to happen.
 * - `__proto__` / `constructor.prototype` keys are refused (400 MALFORMED_JSON, Bourne), and form fields
 *   become own properties, so a body can never reach an object's prototype.
 * - A client that hangs up mid-body is 400 REQUEST_ABORTED (its failure, not the server's).
 */
export type BodyKind = 'json' | 'form' | 'upload' | 'raw';

export interface BodySpec {
  readonly kind: BodyKind;
  /** Overrides the kind's limit from config (BodyLimits) for one route. */
  readonly limitBytes?: number;
  /** `upload` as multipart: the form field that holds the file (default `file`). */
  readonly field?: string;
}

/** Each kind's limit from config; `raw` shares the JSON one. */
export interface BodyLimits {
  readonly json: number;
  readonly form: number;
  readonly upload: number;
}

export const JSON_BODY: BodySpec = Object.freeze({ kind: 'json' });

/** A buffered body: the parsed value, and for `raw` the exact bytes it was parsed from. */
export interface ReadBody {
  body: unknown;
  raw?: Buffer;
}

const JSON_TYPES = new Set([
  'application/json',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/csp-report',
  'application/reports+json',
  'application/scim+json',
]);
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** FED-2: SAML metadata as a file; `application/samlmetadata+xml` is its registered media type. */
export const XML_TYPES = new Set(['application/xml', 'text/xml', 'application/samlmetadata+xml']);
// eslint-disable-next-line no-control-regex -- the four whitespace bytes RFC 8259 allows before the value
const STRICT_JSON = /^[\x20\x09\x0a\x0d]*[[{]/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function takesBody(method: string): boolean {
  return BODY_METHODS.has(method);
}

export function limitOf(spec: BodySpec, limits: BodyLimits): number {
  if (spec.limitBytes !== undefined) return spec.limitBytes;
  return spec.kind === 'form' ? limits.form : spec.kind === 'upload' ? limits.upload : limits.json;
}

export function mediaType(req: IncomingMessage): string {
  const raw = req.headers['content-type'];
  // The exact common value skips the split/trim/lowercase (the service API's hot path, DESIGN §5).
  return raw === 'application/json' ? raw : (raw ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export function refuseCompressed(req: IncomingMessage): void {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
}

/** Content-Length, or NaN without one (chunked); a declared size over the limit is refused before any read. */
export function declaredLength(req: IncomingMessage, limitBytes: number): number {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE');
  return declared;
}

/** The default reader (`json`): the service API's hot path calls it directly. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = mediaType(req);
  const isJson = JSON_TYPES.has(type);
  if (!isJson && type !== FORM_TYPE) return {};
  refuseCompressed(req);
  const bytes = await readBytes(req, limitBytes);
  return isJson ? parseJson(utf8(bytes)) : parseForm(utf8(bytes));
}

/** The buffered readers: `json`, `form` and `raw` (`upload` is `openUpload`). */
export async function readRequestBody(req: IncomingMessage, spec: BodySpec, limits: BodyLimits): Promise<ReadBody> {
  const limitBytes = limitOf(spec, limits);
  switch (spec.kind) {
    case 'json':
      return { body: await readBody(req, limitBytes) };
    case 'form': {
      if (mediaType(req) !== FORM_TYPE) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      refuseCompressed(req);
      return { body: parseForm(utf8(await readBytes(req, limitBytes))) };
    }
    case 'raw': {
      const type = mediaType(req);
      if (type !== '' && !JSON_TYPES.has(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      refuseCompressed(req);
      const raw = await readBytes(req, limitBytes);
      // No Content-Type is only an empty body (a signed call without one); bytes must say what they are.
      if (type === '' && raw.length > 0) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      return { body: parseJson(utf8(raw)), raw };
    }
    case 'upload':
      throw new Error('an upload is streamed (openUpload), never buffered');
  }
}

function utf8(bytes: Buffer): string {
  return bytes.toString('utf8');
}

function readBytes(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = declaredLength(req, limitBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
    };
    const fail = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes)
        fail(new AppError('PAYLOAD_TOO_LARGE')); // the rest is discarded by node
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (!Number.isNaN(declared) && declared !== size) reject(new AppError('VALIDATION_FAILED'));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (): void => fail(new AppError('REQUEST_ABORTED'));
    const onAborted = (): void => fail(new AppError('REQUEST_ABORTED'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/** `"constructor"`, its letters plain or `\u00XX`-escaped (as secure-json-parse spots it). */
const SUSPECT_CONSTRUCTOR = new RegExp(
  `"${[...'constructor'].map((c) => `(?:${c}|\\\\u00${c.charCodeAt(0).toString(16)})`).join('')}"`,
  'i',
);

function parseJson(text: string): unknown {
  if (text === '') return {};
  if (text.charCodeAt(0) !== 0x7b && !STRICT_JSON.test(text)) throw new AppError('MALFORMED_JSON'); // 0x7b: '{'
  let value: unknown;
  try {
    value = parseGuarded(text, { protoAction: 'error' });
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
  // Bourne refuses `__proto__` only; a `constructor.prototype` pair is looked for when the text names one.
  if (SUSPECT_CONSTRUCTOR.test(text) && holdsConstructorPrototype(value)) throw new AppError('MALFORMED_JSON');
  return value;
}

/** Walks with its own stack: a deeply nested body must not overflow the call stack (that would be a 500). */
function holdsConstructorPrototype(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    const ctor: unknown = Object.hasOwn(value, 'constructor')
      ? (value as { constructor: unknown }).constructor
      : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
    pending.push(...(Object.values(value) as unknown[]));
  }
  return false;
}

/** Flat fields; a repeated field becomes an array, which every schema refuses where it wants one value. */
function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    const value = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
