/**
 * One response serializer per resource (issue 15): every entity a route answers with is built here, field by
 * field, so a field the store gains (a sealed secret, an internal marker) never reaches a client until it is
 * listed below. Each entity also answers with its SRN (TEN-2), the name policies and role trust use for it.
 * The shapes are docs/api.md's; test/unit/http/serializers.test.ts pins every field list.
 */
import { iamSrn, type IamResourceType } from '../authz/srn.js';
import type { AccountView } from '../iam/accounts.js';
import type { OidcSettingsView } from '../iam/provider-kinds.js';
import type { ProviderView } from '../iam/providers.js';
import type { LoginInfo, UserView } from '../iam/users.js';
import type { ProfileView } from '../my-info/index.js';
import type {
  AuditEvent,
  Contact,
  Group,
  IpControl,
  NamedEntity,
  Policy,
  Project,
  Role,
  SamlSettings,
  Tag,
} from '../store/ports.js';

/** Fields every named entity answers with (TEN-2, TEN-4, TEN-5). */
interface EntityResponse {
  id: string;
  srn: string;
  accountId: string;
  name: string;
  /** Absent (memory store) or null (mongo) when unset, as stored. */
  description?: string | null;
  tags: Tag[];
  version: number;
  createdAt: number;
  createdBy: string;
  modifiedAt: number;
  modifiedBy: string;
}

export type UserResponse = EntityResponse & {
  kind: UserView['kind'];
  state: UserView['state'];
  email: Contact | null;
  phone: Contact | null;
  timezone: string | null;
  lastLoginAt: number | null;
  passwordChangedAt: number | null;
  reuseRestriction: number;
  mustChangePassword: boolean;
  mfa: { enrolled: boolean };
  consoleIpControl: IpControl;
  policyIds: string[];
  keySecurity: { acceptedMethods: Array<'authkey' | 'tempkey'>; ipControl: IpControl };
};

export interface Serializers {
  account: (a: AccountView) => AccountView & { srn: string };
  user: (u: UserView) => UserResponse;
  /** ENT-2: the new user and its login information (the generated password, once). */
  createdUser: (c: { user: UserView; login: LoginInfo }) => { user: UserResponse; login: LoginInfo };
  group: (g: Group) => EntityResponse & Pick<Group, 'memberIds' | 'policyIds' | 'roleBindings'>;
  policy: (p: Policy) => EntityResponse & Pick<Policy, 'type' | 'document' | 'policyVersion'>;
  role: (r: Role) => EntityResponse & Pick<Role, 'maxSessionSeconds' | 'trustedPrincipals' | 'policyIds'>;
  provider: (p: ProviderView) => EntityResponse & Record<string, unknown>;
  project: (p: Project) => EntityResponse;
  auditEvent: (e: AuditEvent) => AuditEvent;
  /** My Info's own user (ENT-1): the profile, with the user's SRN as the console's Basic information shows it. */
  profile: (accountId: string, p: ProfileView) => ProfileView & { srn: string };
  /** A list page: each item through `one`. */
  page: <T, R>(
    page: { items: readonly T[]; nextCursor: string | null },
    one: (item: T) => R,
  ) => { items: R[]; nextCursor: string | null };
}

const tags = (list: readonly Tag[]): Tag[] => list.map(({ key, value }) => ({ key, value }));
const contact = (c: Contact | null): Contact | null => (c === null ? null : { value: c.value, verified: c.verified });
const ipControl = (c: IpControl): IpControl => ({ enabled: c.enabled, entries: [...c.entries] });

/** Each kind's own section (`saml: {…}`, `oidc: {…}`) as answered; the sealed OIDC client secret never is. */
const PROVIDER_SECTIONS = {
  saml: ['metadata'],
  oidc: ['issuer', 'clientId', 'scopes', 'roleClaim', 'clientSecretSet'],
} as const satisfies { saml: ReadonlyArray<keyof SamlSettings>; oidc: ReadonlyArray<keyof OidcSettingsView> };

function pick(from: object, keys: readonly string[]): Record<string, unknown> {
  const source = from as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(source, k)).map((k) => [k, source[k]]));
}

/** The serializers of one deployment (the SRN offering is the deployment's, docs/api.md). */
export function serializers(offering: string): Serializers {
  const entity = (type: IamResourceType, e: NamedEntity): EntityResponse => ({
    id: e.id,
    srn: iamSrn(e.accountId, type, e.id, offering),
    accountId: e.accountId,
    name: e.name,
    ...(e.description === undefined ? {} : { description: e.description }),
    tags: tags(e.tags),
    version: e.version,
    createdAt: e.createdAt,
    createdBy: e.createdBy,
    modifiedAt: e.modifiedAt,
    modifiedBy: e.modifiedBy,
  });
  const user = (u: UserView): UserResponse => ({
    ...entity('user', u),
    kind: u.kind,
    state: u.state,
    email: contact(u.email),
    phone: contact(u.phone),
    timezone: u.timezone,
    lastLoginAt: u.lastLoginAt,
    passwordChangedAt: u.passwordChangedAt,
    reuseRestriction: u.reuseRestriction,
    mustChangePassword: u.mustChangePassword,
    mfa: { enrolled: u.mfa.enrolled },
    consoleIpControl: ipControl(u.consoleIpControl),
    policyIds: [...u.policyIds],
    keySecurity: { acceptedMethods: [...u.keySecurity.acceptedMethods], ipControl: ipControl(u.keySecurity.ipControl) },
  });
  return {
    account: (a) => ({
      id: a.id,
      srn: iamSrn(a.id, 'account', a.id, offering),
      name: a.name,
      alias: a.alias,
      rootUserId: a.rootUserId,
      loginUrl: a.loginUrl,
      version: a.version,
      createdAt: a.createdAt,
      createdBy: a.createdBy,
      modifiedAt: a.modifiedAt,
      modifiedBy: a.modifiedBy,
    }),
    user,
    createdUser: ({ user: u, login }) => ({
      user: user(u),
      login: {
        accountId: login.accountId,
        username: login.username,
        password: login.password,
        loginUrl: login.loginUrl,
      },
    }),
    group: (g) => ({
      ...entity('group', g),
      memberIds: [...g.memberIds],
      policyIds: [...g.policyIds],
      roleBindings: g.roleBindings.map((b) => ({
        scope: b.scope,
        ...(b.projectId === undefined ? {} : { projectId: b.projectId }),
        policyIds: [...b.policyIds],
      })),
    }),
    policy: (p) => ({ ...entity('policy', p), type: p.type, document: p.document, policyVersion: p.policyVersion }),
    role: (r) => ({
      ...entity('role', r),
      maxSessionSeconds: r.maxSessionSeconds,
      trustedPrincipals: r.trustedPrincipals.map(({ kind, value }) => ({ kind, value })),
      policyIds: [...r.policyIds],
    }),
    provider: (p) => ({
      ...entity('credential-provider', p),
      kind: p.kind,
      locked: p.locked,
      loginUrl: p.loginUrl,
      [p.kind]: pick((p as unknown as Record<string, object>)[p.kind] ?? {}, PROVIDER_SECTIONS[p.kind]),
    }),
    project: (p) => entity('project', p),
    auditEvent: (e) => ({
      id: e.id,
      accountId: e.accountId,
      at: e.at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      sourceIp: e.sourceIp,
      result: e.result,
      reasonCode: e.reasonCode,
      details: e.details,
    }),
    profile: (accountId, p) => ({
      userId: p.userId,
      srn: iamSrn(accountId, 'user', p.userId, offering),
      userName: p.userName,
      kind: p.kind,
      email: contact(p.email),
      phone: contact(p.phone),
      timezone: p.timezone,
      lastLoginAt: p.lastLoginAt,
      passwordChangedAt: p.passwordChangedAt,
      mfa: { enrolled: p.mfa.enrolled, recoveryCodesRemaining: p.mfa.recoveryCodesRemaining },
    }),
    page: (p, one) => ({ items: p.items.map(one), nextCursor: p.nextCursor }),
  };
}
