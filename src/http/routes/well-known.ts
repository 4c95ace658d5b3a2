import type Router from '@koa/router';
import type { Tokens } from '../../tokens/index.js';

/** TOK-1: the public keys and the discovery document. Public, cacheable for a minute (keys are pre-published a slot ahead). */
export function registerWellKnownRoutes(router: Router, tokens: Pick<Tokens, 'keys' | 'discovery'>): void {
  router.get('/.well-known/jwks.json', async function jwks(ctx) {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.type = 'application/jwk-set+json';
    ctx.body = await tokens.keys.jwks();
  });

  router.get('/.well-known/openid-configuration', function discovery(ctx) {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = tokens.discovery();
  });
}
