import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';
import type { Caller } from '../../tokens/authorize.js';
import { parseBody } from '../../tokens/input.js';
import type { TokenService } from '../../tokens/index.js';
import type { ApiRoute } from '../fast-lane.js';
import { requirePrincipal, type Authenticator } from '../middleware/authenticate.js';

/**
 * Token endpoints (TOK-2, TOK-4) and the bearer credential. Token responses are never cached
 * (RFC 6749 §5.1).
 */
const SCHEME = 'bearer ';

/**
 * `Authorization: Bearer <jwt>` → the caller with the IAM epoch read in its session check (the authorizer
 * may use its cached policy set under it); null without a bearer header; a bad token is refused with its
 * code, never ignored, so a broken token never falls through to a weaker method.
 */
export function bearerCaller(tokens: TokenService): (authorization: string | undefined) => Promise<Caller | null> {
  return async function bearer(authorization) {
    // The scheme is case-insensitive (RFC 7235 §2.1); compared without copying the ~900-character token.
    if (
      !authorization ||
      authorization.length < SCHEME.length ||
      authorization.slice(0, SCHEME.length).toLowerCase() !== SCHEME
    )
      return null;
    // No character check here: the verifier's strict parse (jws.ts) refuses anything but three canonical
    // base64url segments as TOKEN_MALFORMED, and a cached token was parsed so before.
    return tokens.authenticateWithEpoch(authorization.slice(SCHEME.length));
  };
}

/** The bearer credential as a Koa Authenticator (`ctx.state.bearer` marks API callers, e.g. for LOGIN-5). */
export function bearerAuthenticator(tokens: TokenService): Authenticator {
  const bearer = bearerCaller(tokens);
  return async function bearerToken(ctx: Context): Promise<Principal | null> {
    const caller = await bearer(ctx.get('authorization') || undefined);
    if (caller === null) return null;
    ctx.state.bearer = true;
    ctx.state.policyEpoch = caller.policyEpoch;
    return caller.principal;
  };
}

const tokenBody = z.object({ grant_type: z.string().min(1), refresh_token: z.string().min(1).max(1024).optional() });
const introspectBody = z.object({ token: z.string().min(1).max(8192), token_type_hint: z.string().optional() });
const NO_STORE = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
] as const;

/** `POST /v1/token` (refresh) and `POST /v1/introspect`: service API routes (fast-lane.ts). */
export function tokenApi(tokens: TokenService): ApiRoute[] {
  return [
    {
      path: '/v1/token',
      headers: NO_STORE,
      async handle({ body }) {
        const b = parseBody(tokenBody, body);
        if (b.grant_type !== 'refresh_token') throw new AppError('UNSUPPORTED_GRANT_TYPE');
        if (b.refresh_token === undefined) throw new AppError('REFRESH_TOKEN_INVALID');
        return tokens.refresh(b.refresh_token);
      },
    },
    {
      /** RFC 7662: any authenticated caller (a service holding its own credential) may introspect. */
      path: '/v1/introspect',
      headers: NO_STORE,
      async handle({ body, caller }) {
        if (caller === null) throw new AppError('UNAUTHENTICATED');
        return tokens.introspect(parseBody(introspectBody, body).token);
      },
    },
  ];
}

export function registerTokenRoutes(router: Router, tokens: TokenService): void {
  /**
   * A logged-in console session (cookie) obtains an access token for the console's API calls. Bearer
   * callers are refused: a token must not mint its own successors past the refresh rules.
   */
  router.post('/v1/token/session', async function sessionToken(ctx) {
    const principal = requirePrincipal(ctx);
    if (ctx.state.bearer === true || principal.sessionId === undefined) throw new AppError('UNAUTHENTICATED');
    for (const [name, value] of NO_STORE) ctx.set(name, value);
    ctx.body = await tokens.issueForSession(principal.sessionId);
  });
}
