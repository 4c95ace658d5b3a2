import type { Context, Middleware } from 'koa';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';

/**
 * One way of proving who the caller is (session cookie, bearer token, signed request). Returns null when
 * its credential is absent; throws (UNAUTHENTICATED …) when a credential is present but bad, so a broken
 * token never falls through to a weaker method.
 */
export type Authenticator = (ctx: Context) => Promise<Principal | null>;

export function authenticate(authenticators: readonly Authenticator[]): Middleware {
  return async function identifyCaller(ctx, next) {
    for (const auth of authenticators) {
      const principal = await auth(ctx);
      if (principal) {
        ctx.state.principal = principal;
        break;
      }
    }
    await next();
  };
}

/** The caller, or 401. */
export function requirePrincipal(ctx: Context): Principal {
  const p = ctx.state.principal as Principal | undefined;
  if (!p) throw new AppError('UNAUTHENTICATED');
  return p;
}
