/**
 * The session issuer (issue 15): one entry that starts a session for any principal kind and hands the
 * client a cookie or tokens. Callers: src/login (console and API login), src/my-info (switch identity),
 * and the role, SAML and OIDC capabilities.
 */
export { SessionIssuer, ROLE_SESSION_MIN_SECONDS, CHAINED_SESSION_MAX_SECONDS } from './session-issuer.js';
export type { SessionSubject, StartSession, StartedSession, SessionIssuerDeps } from './session-issuer.js';
