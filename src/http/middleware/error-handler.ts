import type { Middleware } from 'koa';
import { AppError, ERROR_CODES, type ErrorCode } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';

/**
 * The single catch (DESIGN §3): first in the chain, turns any error into
 * `{ error: { code, message, details? } }`. AppErrors keep their code and status; Koa/body-parser HTTP
 * errors are mapped to our codes by status; anything else is a generic 500 whose cause is logged with the
 * request id, never sent (no stack traces, no internals in responses).
 */
const BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'ACCESS_DENIED',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'STORE_UNAVAILABLE',
};

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as HttpLikeError;
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    // A JSON.parse SyntaxError that escaped a parser (body.ts maps its own to MALFORMED_JSON already)
    if (err instanceof SyntaxError || e.type === 'entity.parse.failed') return new AppError('MALFORMED_JSON');
    const code = BY_STATUS[status] ?? 'VALIDATION_FAILED';
    return new AppError(code);
  }
  return new AppError('INTERNAL', { cause: err });
}

/** The `{ error }` body of a refusal: code, message (generic for 5xx), details when exposable, request id. */
export function errorPayload(appErr: AppError, requestId: string | undefined): { error: Record<string, unknown> } {
  return {
    error: {
      code: appErr.code,
      message: appErr.expose ? appErr.message : ERROR_CODES.INTERNAL.message,
      ...(appErr.expose && appErr.details !== undefined ? { details: appErr.details } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
}

/**
 * An oversized body is left unread: closing the connection after the answer keeps node from draining the
 * rest of it (possibly gigabytes) to reuse the socket.
 */
export const closesConnection = (appErr: AppError): boolean => appErr.code === 'PAYLOAD_TOO_LARGE';

/** Logs a server-side failure with its cause (never sent); returns Retry-After seconds for a 429, if any. */
export function noteFailure(logger: Logger, appErr: AppError, requestId: string | undefined): number | undefined {
  if (appErr.status >= 500)
    logger.error({ requestId, code: appErr.code, err: appErr.cause ?? appErr }, 'request failed');
  if (appErr.code !== 'RATE_LIMITED') return undefined;
  return (appErr.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
}

export function errorHandler(logger: Logger): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
      // The router answers unmatched paths and methods with a bare status (and an Allow header for 405).
      if (ctx.body === undefined || ctx.body === '') {
        if (ctx.status === 404) throw new AppError('ROUTE_NOT_FOUND');
        if (ctx.status === 405) throw new AppError('METHOD_NOT_ALLOWED');
      }
    } catch (err) {
      const appErr = toAppError(err);
      const requestId = ctx.state.requestId as string | undefined;
      const retry = noteFailure(logger, appErr, requestId);
      if (retry !== undefined) ctx.set('Retry-After', String(retry));
      if (closesConnection(appErr)) ctx.set('Connection', 'close');
      ctx.status = appErr.status;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = errorPayload(appErr, requestId);
    }
  };
}
