/**
 * Per-kind input rules of credential providers (FED-1 SAML, FED-7 OIDC). Each kind is one row of
 * PROVIDER_KINDS: the schema of its section on create, the same fields all optional on update, and the
 * stored fields no input sets (filled by later issues: uploaded metadata, the sealed client secret). A new
 * field of a kind is a line in its row; ProviderService never branches on the kind.
 */
import { z } from 'zod';
import type { OidcSettings, ProviderKind, SamlSettings } from '../store/ports.js';

const issue = (message: string) => ({ code: 'custom' as const, message });

const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * OIDC Discovery §3: an https URL with no query or fragment. Plain http only on a loopback host, for an
 * OpenID Provider run beside the gateway in development and tests; a remote http issuer would let anyone on
 * the path swap the JWKS. Kept exactly as given: `iss` is compared as a string (OIDC Core §3.1.3.7).
 */
export const issuerRule = z.string().superRefine((s, ctx) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return ctx.addIssue(issue('ISSUER_INVALID'));
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  if (s.length > 2048 || /[?#]/.test(s) || url.username !== '' || url.password !== '')
    ctx.addIssue(issue('ISSUER_INVALID'));
  else if (!secure) ctx.addIssue(issue('ISSUER_NOT_HTTPS'));
});

/** RFC 6749 Appendix A.1 VSCHARs, without surrounding spaces (a pasted id with a trailing blank never matches). */
const clientIdRule = z
  .string()
  .max(256, { error: 'CLIENT_ID_INVALID' })
  .regex(/^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/, { error: 'CLIENT_ID_INVALID' });

/** RFC 6749 §3.3 scope-token; the list must ask for `openid` (without it there is no id_token, FED-7). */
const scopesRule = z
  .array(
    z
      .string()
      .max(128, { error: 'SCOPE_INVALID' })
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { error: 'SCOPE_INVALID' }),
  )
  .max(32, { error: 'TOO_MANY_SCOPES' })
  .superRefine((scopes, ctx) => {
    scopes.forEach((s, i) => {
      if (scopes.indexOf(s) !== i) ctx.addIssue({ ...issue('DUPLICATE_SCOPE'), path: [i] });
    });
    if (!scopes.includes('openid')) ctx.addIssue(issue('SCOPES_OPENID_REQUIRED'));
  });

/** A top-level claim name, URL-style names included (`https://scp/roles`); no whitespace or controls. */
const roleClaimRule = z
  .string()
  .max(256, { error: 'ROLE_CLAIM_INVALID' })
  .regex(/^[^\s\p{Cc}]+$/u, { error: 'ROLE_CLAIM_INVALID' });

export const OIDC_DEFAULTS = { scopes: ['openid'], roleClaim: 'roles' } as const;

/** What a client sees of OIDC settings: whether a secret is set, never the sealed secret itself. */
export type OidcSettingsView = Omit<OidcSettings, 'sealedClientSecret'> & { clientSecretSet: boolean };

type Loose<S> = { [K in keyof S]?: S[K] | undefined };

/** Settings of each kind as stored, split into what input may set and what only the system sets. */
interface KindRules<S, V> {
  /** The section on create (`saml: {…}` / `oidc: {…}`); `optional` when every field has a default. */
  create: z.ZodType<Loose<S>>;
  /** The same fields, each optional: an update replaces the fields it names and keeps the others. */
  update: z.ZodType<Loose<S>>;
  /** Stored fields no input sets, as a new provider starts with them. */
  systemFields: Partial<S>;
  /** Whether a create may leave the section out. */
  optional: boolean;
  /** The section as answered to clients: secrets dropped. */
  view(settings: S): V;
}

const samlFields = {};
const oidcFields = {
  issuer: issuerRule,
  clientId: clientIdRule,
  scopes: scopesRule,
  roleClaim: roleClaimRule,
};

export const PROVIDER_KINDS: {
  saml: KindRules<SamlSettings, SamlSettings>;
  oidc: KindRules<OidcSettings, OidcSettingsView>;
} = {
  // FED-2 uploads metadata through its own route, so no create field sets it.
  saml: {
    create: z.strictObject(samlFields),
    update: z.strictObject(samlFields).partial(),
    systemFields: { metadata: null },
    optional: true,
    view: (settings) => settings,
  },
  // The client secret arrives with the sealing module (OIDC issue): until then every provider is public.
  oidc: {
    create: z.strictObject({
      ...oidcFields,
      scopes: oidcFields.scopes.default([...OIDC_DEFAULTS.scopes]),
      roleClaim: oidcFields.roleClaim.default(OIDC_DEFAULTS.roleClaim),
    }),
    update: z.strictObject(oidcFields).partial(),
    systemFields: { sealedClientSecret: null },
    optional: false,
    view: ({ sealedClientSecret, ...rest }) => ({ ...rest, clientSecretSet: sealedClientSecret !== null }),
  },
};

export const KIND_NAMES = Object.keys(PROVIDER_KINDS) as ProviderKind[];

export const isProviderKind = (v: unknown): v is ProviderKind =>
  typeof v === 'string' && (KIND_NAMES as string[]).includes(v);
