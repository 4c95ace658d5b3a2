import type { Middleware } from 'koa';

/**
 * Conservative defaults for an identity product: nothing is cached, nothing is framed, no referrer leaks
 * a login URL's query, pages run only their own scripts and submit forms only to themselves.
 */
export function securityHeaderList(opts: { hsts: boolean }): readonly (readonly [string, string])[] {
  return [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cache-Control', 'no-store'],
    [
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ],
    ...(opts.hsts ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as const] : []),
  ];
}

export function securityHeaders(opts: { hsts: boolean }): Middleware {
  // Built once: setting them is then one loop of plain setHeader calls per response.
  const headers = securityHeaderList(opts);
  return async function setSecurityHeaders(ctx, next) {
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
    await next();
  };
}
