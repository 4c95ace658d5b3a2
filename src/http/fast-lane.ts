import type { IncomingMessage, ServerResponse } from 'node:http';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Ids } from '../clock.js';
import { toJson } from '../frozen.js';
import type { Logger } from '../observability/logger.js';
import type { Caller } from '../tokens/authorize.js';
import { readBody, readRequestBody, type BodyLimits, type BodySpec, type ReadBody } from './body.js';
import { acceptBody } from './middleware/body.js';
import { closesConnection, errorPayload, noteFailure, toAppError } from './middleware/error-handler.js';
import { requestIdOf, type RequestRecord } from './middleware/request-context.js';

/**
 * The service API's hot routes (`/v1/authorize`, `/v1/introspect`, `/v1/token`), served twice from one
 * definition: as ordinary Koa routes, and on a lane straight on node's `http` that answers API clients
 * without Koa (DESIGN §5: `/v1/authorize` must stay within 0.8× of a bare Koa hello route, which the full
 * chain — context objects, a router scanning every console and admin route, four middlewares — cannot).
 *
 * The lane takes a request only when the two paths would treat it identically: POST to an exact API path,
 * no Cookie header (so no console session, CSRF or LOGIN-5 IP gate is involved: those apply to cookie
 * callers only; the bearer token is then the only credential either path knows), and no query string. Everything else
 * — browsers, wrong methods, unknown paths — goes to Koa. It keeps the chain's order and guarantees: request
 * id, security headers, body rules (body.ts, with the route's reader), then the bearer token, then the
 * handler; the same error shape, access log and metrics.
 */
export interface ApiCall {
  body: unknown;
  /** `raw` routes: the exact bytes of the body (KEY-4 signatures are verified over them). */
  raw?: Buffer;
  /** The authenticated caller (bearer token on the lane; any authenticator on Koa), or null. */
  caller: Caller | null;
}

export interface ApiRoute {
  path: string;
  handle(call: ApiCall): Promise<unknown>;
  /** Extra response headers (e.g. RFC 6749 §5.1's Pragma for token responses). */
  headers?: readonly (readonly [string, string])[];
  /** The body reader (http/body.ts); default `json`. An API call is buffered whole: no `upload` here. */
  body?: ApiBodySpec;
}

export type ApiBodySpec = BodySpec & { readonly kind: 'json' | 'form' | 'raw' };

/** The caller the Koa chain's authenticators found. */
export function callerOf(ctx: Context): Caller | null {
  const principal = ctx.state.principal as Caller['principal'] | undefined;
  return principal === undefined ? null : { principal, policyEpoch: ctx.state.policyEpoch as string | undefined };
}

export function registerApiRoutes(router: Router, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    const declared = route.body === undefined ? [] : [acceptBody(route.body.kind, defined(route.body.limitBytes))];
    router.post(route.path, ...declared, async function apiRoute(ctx) {
      for (const [name, value] of route.headers ?? []) ctx.set(name, value);
      const { body, rawBody: raw } = ctx.request;
      const caller = callerOf(ctx);
      ctx.body = await route.handle(raw === undefined ? { body, caller } : { body, raw, caller });
    });
  }
}

function defined(limitBytes: number | undefined): { limitBytes?: number } {
  return limitBytes === undefined ? {} : { limitBytes };
}

export interface LaneDeps {
  logger: Logger;
  observe: (r: RequestRecord) => void;
  ids: Ids;
  bodyLimits: BodyLimits;
  securityHeaders: readonly (readonly [string, string])[];
  clientIp: (req: IncomingMessage) => string;
  /** `Authorization` header → caller (null without one; throws for a bad one, like the Koa authenticator). */
  bearer: (authorization: string | undefined) => Promise<Caller | null>;
}

export type Lane = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createFastLane(deps: LaneDeps, routes: readonly ApiRoute[]): Lane {
  // Headers as flat [name, value, …] lists, built once: the answer is written with one writeHead, which
  // sends a raw list as given — so a route's header replaces the shell's of the same name here, not there.
  const shell = deps.securityHeaders.flat();
  const withRoute = (r: ApiRoute): string[] => {
    const own = r.headers ?? [];
    const replaced = new Set(own.map(([name]) => name.toLowerCase()));
    return [...deps.securityHeaders.filter(([name]) => !replaced.has(name.toLowerCase())), ...own].flat();
  };
  const byPath = new Map(routes.map((r) => [r.path, { route: r, answered: withRoute(r) }]));
  return function fastLane(req, res) {
    if (req.method !== 'POST') return false;
    const known = byPath.get(req.url ?? '');
    if (known === undefined || req.headers.cookie !== undefined) return false;
    serve(deps, known.route, { answered: known.answered, refused: shell }, req, res).catch((err: unknown) => {
      // Only a failure to write the answer lands here (handler errors become error bodies): drop the socket.
      deps.logger.error({ err }, 'fast lane: response failed');
      res.destroy();
    });
    return true;
  };
}

/** Response headers besides the request id and content: `answered` for a result, `refused` for an error. */
interface LaneHeaders {
  answered: readonly string[];
  refused: readonly string[];
}

async function serve(
  deps: LaneDeps,
  route: ApiRoute,
  headers: LaneHeaders,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = process.hrtime.bigint();
  const incoming = req.headers['x-request-id'];
  const requestId = requestIdOf(typeof incoming === 'string' && incoming !== '' ? incoming : undefined, deps.ids);
  let head: string[];
  let status = 200;
  let payload: unknown;
  try {
    // The default reader is called directly: the hot routes read JSON (DESIGN §5).
    const read: ReadBody =
      route.body === undefined
        ? { body: await readBody(req, deps.bodyLimits.json) }
        : await readRequestBody(req, route.body, deps.bodyLimits);
    const caller = await deps.bearer(req.headers.authorization);
    const { body, raw } = read;
    payload = await route.handle(raw === undefined ? { body, caller } : { body, raw, caller });
    head = ['X-Request-Id', requestId, ...headers.answered];
  } catch (err) {
    const appErr = toAppError(err);
    const retry = noteFailure(deps.logger, appErr, requestId);
    head = ['X-Request-Id', requestId, ...headers.refused];
    if (retry !== undefined) head.push('Retry-After', String(retry));
    if (closesConnection(appErr)) head.push('Connection', 'close');
    status = appErr.status;
    payload = errorPayload(appErr, requestId);
  }
  const json = toJson(payload);
  head.push('Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(json)));
  res.writeHead(status, head);
  res.end(json);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  deps.observe({
    requestId,
    method: 'POST',
    route: route.path,
    path: route.path,
    status,
    seconds,
    ip: deps.clientIp(req),
  });
}
