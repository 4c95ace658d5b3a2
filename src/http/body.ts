import type { IncomingMessage } from 'node:http';
import { parse as parseGuarded } from '@hapi/bourne';
import { AppError } from '../errors.js';

/**
 * Request bodies, one reader for the Koa chain and the fast lane (fast-lane.ts), so a body means the same
 * thing on every route. JSON (strict: an object or array) and urlencoded forms only; any other content type
 * leaves the body `{}` unread, which the route's schema then refuses with its own violations.
 * - The limit is enforced from Content-Length before reading and again while reading: an oversized body is
 *   never buffered whole (413 PAYLOAD_TOO_LARGE).
 * - Compressed bodies (Content-Encoding other than identity) are refused (415): an identity API has no
 *   use for them, and inflating attacker input is a decompression bomb waiting to happen.
 * - `__proto__` / `constructor.prototype` keys are refused (400 MALFORMED_JSON, Bourne), and form fields
 *   become own properties, so a body can never reach an object's prototype.
 */
const JSON_TYPES = new Set([
  'application/json',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/csp-report',
  'application/reports+json',
  'application/scim+json',
]);
const FORM_TYPE = 'application/x-www-form-urlencoded';
const STRICT_JSON = /^[\x20\x09\x0a\x0d]*[[{]/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function takesBody(method: string): boolean {
  return BODY_METHODS.has(method);
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const raw = req.headers['content-type'];
  // The exact common value skips the split/trim/lowercase (the service API's hot path, DESIGN §5).
  const type = raw === 'application/json' ? raw : (raw ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const isJson = JSON_TYPES.has(type);
  if (!isJson && type !== FORM_TYPE) return {};
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const text = await readText(req, limitBytes);
  return isJson ? parseJson(text) : parseForm(text);
}

function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limitBytes) return Promise.reject(new AppError('PAYLOAD_TOO_LARGE'));
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
      if (size > limitBytes) fail(new AppError('PAYLOAD_TOO_LARGE')); // the rest is discarded by node
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (!Number.isNaN(declared) && declared !== size) reject(new AppError('VALIDATION_FAILED'));
      else resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    // A client that hangs up mid-body is the client's failure (400, no error log), not the server's.
    const onError = (): void => fail(new AppError('REQUEST_ABORTED'));
    const onAborted = (): void => fail(new AppError('REQUEST_ABORTED'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  if (text.charCodeAt(0) !== 0x7b && !STRICT_JSON.test(text)) throw new AppError('MALFORMED_JSON'); // 0x7b: '{'
  try {
    return parseGuarded(text, { protoAction: 'error' });
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
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

declare module 'koa' {
  interface Request {
    /** Set by the body middleware (http/app.ts) for POST, PUT and PATCH. */
    body?: unknown;
  }
}
