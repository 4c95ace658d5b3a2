import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { AppError } from '../../errors.js';
import { JSON_BODY, readRequestBody, takesBody, type BodyKind, type BodyLimits, type BodySpec } from '../body.js';
import { isUpload, openUpload, type Upload } from '../upload.js';

/**
 * Body reading per route (body.ts says what each reader does). A route declares its reader among the
 * middleware of its registration, `router.post(path, acceptBody('form', { limitBytes }), handler)`; routes
 * that declare none read `json`. The chain reads the body where it always did — before the authenticators
 * and the router, so a malformed or oversized body is refused the same way on every path, matched or not —
 * and finds the declaration by asking the router which route the request will reach.
 */
const DECLARED = Symbol('body reader');

type Declaration = Middleware & { readonly [DECLARED]: BodySpec };

/** Declares the route's body reader; as middleware it does nothing (the chain has read the body already). */
export function acceptBody(kind: BodyKind, options: { limitBytes?: number; field?: string } = {}): Middleware {
  const spec: BodySpec = Object.freeze({ kind, ...options });
  const declaration: Middleware = async function bodyDeclared(_ctx, next) {
    await next();
  };
  return Object.assign(declaration, { [DECLARED]: spec }) as Declaration;
}

function declaredSpec(fn: unknown): BodySpec | undefined {
  return typeof fn === 'function' ? (fn as Partial<Declaration>)[DECLARED] : undefined;
}

/** The reader of the route `method path` reaches; `json` when none is declared or no route matches. */
export function routeBodySpec(router: Router, path: string, method: string): BodySpec {
  for (const layer of router.match(path, method).pathAndMethod) {
    for (const fn of layer.stack) {
      const spec = declaredSpec(fn);
      if (spec !== undefined) return spec;
    }
  }
  return JSON_BODY;
}

/** The chain's body middleware: POST, PUT and PATCH bodies, read by the reader their route declares. */
export function parseBody(router: Router, limits: BodyLimits): Middleware {
  return async function parseBody(ctx, next) {
    if (!takesBody(ctx.method)) {
      await next();
      return;
    }
    const spec = routeBodySpec(router, ctx.path, ctx.method);
    if (spec.kind !== 'upload') {
      const read = await readRequestBody(ctx.req, spec, limits);
      ctx.request.body = read.body;
      if (read.raw !== undefined) ctx.request.rawBody = read.raw;
      await next();
      return;
    }
    const upload = openUpload(ctx.req, spec, limits);
    ctx.request.body = upload;
    try {
      await next();
    } finally {
      // Refused before or while reading: the unread rest must not be drained to reuse the socket.
      if (!upload.complete) ctx.set('Connection', 'close');
    }
  };
}

/** The upload of an `upload` route (a route without the declaration gets a 500: a wiring mistake). */
export function uploadOf(ctx: Context): Upload {
  const body = ctx.request.body;
  if (!isUpload(body)) throw new AppError('INTERNAL', { cause: new Error(`${ctx.path} declares no upload body`) });
  return body;
}

/** The exact bytes of a `raw` route's body. */
export function rawBodyOf(ctx: Context): Buffer {
  const raw = ctx.request.rawBody;
  if (raw === undefined) throw new AppError('INTERNAL', { cause: new Error(`${ctx.path} declares no raw body`) });
  return raw;
}
