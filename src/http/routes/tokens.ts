import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';
import { parseBody } from '../../tokens/input.js';
import type { TokenService } from '../../tokens/index.js';
import { requirePrincipal, type Authenticator } from '../middleware/authenticate.js';

/**
 * Token endpoints (TOK-2, TOK-4) and the bearer Authenticator. Token responses are never cached
 * (RFC 6749 §5.1).
 */
const BEARER = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/;

/** `Authorization: Bearer <jwt>` → Principal; a bad token is refused with its code, never ignored. */
export function bearerAuthenticator(tokens: TokenService): Authenticator {
  return async function bearerToken(ctx: Context): Promise<Principal | null> {
    const header = ctx.get('authorization');
    if (!header || !/^bearer /i.test(header)) return null;
    const match = BEARER.exec(header.replace(/^bearer /i, 'Bearer '));
    if (!match?.[1]) throw new AppError('TOKEN_MALFORMED');
    const { principal, policyEpoch } = await tokens.authenticateWithEpoch(match[1]);
    ctx.state.bearer = true;
    // Read in this request's session check: the authorizer may use its cached policy set under it.
    ctx.state.policyEpoch = policyEpoch;
    return principal;
  };
}

const tokenBody = z.object({ grant_type: z.string().min(1), refresh_token: z.string().min(1).max(1024).optional() });
const introspectBody = z.object({ token: z.string().min(1).max(8192), token_type_hint: z.string().optional() });

function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}

export function registerTokenRoutes(router: Router, tokens: TokenService): void {
  router.post('/v1/token', async function tokenEndpoint(ctx) {
    const body = parseBody(tokenBody, ctx.request.body);
    if (body.grant_type !== 'refresh_token') throw new AppError('UNSUPPORTED_GRANT_TYPE');
    if (body.refresh_token === undefined) throw new AppError('REFRESH_TOKEN_INVALID');
    noStore(ctx);
    ctx.body = await tokens.refresh(body.refresh_token);
  });

  /**
   * A logged-in console session (cookie) obtains an access token for the console's API calls. Bearer
   * callers are refused: a token must not mint its own successors past the refresh rules.
   */
  router.post('/v1/token/session', async function sessionToken(ctx) {
    const principal = requirePrincipal(ctx);
    if (ctx.state.bearer === true || principal.sessionId === undefined) throw new AppError('UNAUTHENTICATED');
    noStore(ctx);
    ctx.body = await tokens.issueForSession(principal.sessionId);
  });

  /** RFC 7662: any authenticated caller (a service holding its own credential) may introspect. */
  router.post('/v1/introspect', async function introspect(ctx) {
    requirePrincipal(ctx);
    const body = parseBody(introspectBody, ctx.request.body);
    noStore(ctx);
    ctx.body = await tokens.introspect(body.token);
  });
}
