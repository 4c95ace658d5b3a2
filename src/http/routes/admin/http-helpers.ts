import type { Context } from 'koa';
import { requirePrincipal } from '../../middleware/authenticate.js';
import { appError } from '../../../errors.js';

/** Path parameters of admin routes. */
export function param(ctx: Context, name: string): string {
  const value = (ctx.params as Record<string, string | undefined> | undefined)?.[name];
  if (value === undefined) throw appError('ROUTE_NOT_FOUND');
  return value;
}

/** The modifier stamped on writes (TEN-4). */
export function actor(ctx: Context): string {
  return requirePrincipal(ctx).userId;
}

/**
 * The JSON body; an `If-Match: "<version>"` header stands in for a missing `version` field, so both
 * optimistic-concurrency styles work.
 */
export function body(ctx: Context): unknown {
  const b = ctx.request.body;
  const ifMatch = ctx.get('if-match').replace(/^W\//, '').replace(/"/g, '');
  if (
    ifMatch &&
    /^\d+$/.test(ifMatch) &&
    typeof b === 'object' &&
    b !== null &&
    !Array.isArray(b) &&
    !('version' in b)
  ) {
    return { ...b, version: Number(ifMatch) };
  }
  return b ?? {};
}

/** TEN-7 bulk delete body `{ ids: [...] }`; the ids are also the resources to authorise. */
export function bulkIds(ctx: Context): string[] {
  const b = ctx.request.body as { ids?: unknown } | undefined;
  return Array.isArray(b?.ids) && b.ids.every((i) => typeof i === 'string') ? b.ids : [];
}

export function respond(ctx: Context, status: number, value?: unknown): void {
  ctx.status = status;
  if (value !== undefined) ctx.body = value;
}

/** The field names an accepted PATCH body set (names only: values may be contacts or other personal data). */
export function changedFields(input: unknown): string[] {
  return typeof input === 'object' && input !== null
    ? Object.keys(input)
        .filter((k) => k !== 'version')
        .sort()
    : [];
}
