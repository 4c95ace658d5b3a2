/**
 * Entity store ports (DESIGN §1, style.md §8.3–8.5): plain domain types and one repository per aggregate.
 * Capabilities depend on these interfaces only; `memory/` and `mongo/` implement them and
 * test/contract/store.contract.ts holds both to the same behaviour.
 *
 * Shared semantics of every repository:
 * - A miss returns `null` (reads) or `false` (delete); writes to a missing entity throw NOT_FOUND.
 * - Every write touches exactly one document and is atomic on its own: FerretDB v1 has no multi-document
 *   transactions, so relations live on one side (group `memberIds`, target `policyIds`) and reverse lookups
 *   are list filters backed by multikey indexes.
 * - A duplicate unique value throws ALREADY_EXISTS with `details.field` naming it; of two parallel creates
 *   of one name exactly one wins.
 * - Updates are compare-and-swap on `version`: a stale `expectedVersion` throws VERSION_CONFLICT with
 *   `details.currentVersion`; a successful write bumps `version` by one and stamps `modifiedAt/By`.
 * - Store invariants (both adapters): at most `maxTags` tags (TOO_MANY_TAGS), unique tag keys
 *   (DUPLICATE_TAG_KEY); a refused write changes nothing. Name *formats* (TEN-6) are the IAM service's job.
 * - Returned objects are copies: mutating them never changes what is stored.
 * - Times are epoch milliseconds (from the injected Clock).
 */

/** TEN-4: key/value pair; keys are unique per resource. */
export interface Tag {
  key: string;
  value: string;
}

/** Fields every entity carries (TEN-4, TEN-5). `id` is 32 lowercase hex unless the caller supplies one. */
export interface Entity {
  id: string;
  accountId: string;
  /** Starts at 1, +1 per write; the CAS token of `update`. */
  version: number;
  createdAt: number;
  createdBy: string;
  modifiedAt: number;
  modifiedBy: string;
  tags: Tag[];
  description?: string;
}

export interface NamedEntity extends Entity {
  /** Unique per (accountId, kind), case-sensitive (TEN-6). */
  name: string;
}

/** Fields the store owns; callers never set them through a patch. */
export type SystemField = 'id' | 'accountId' | 'version' | 'createdAt' | 'createdBy' | 'modifiedAt' | 'modifiedBy';

/**
 * Input of `create`: the entity without system fields; `id` is generated when absent, `tags` default to [].
 * Distributes over a union (`CredentialProvider`), so each member keeps its own fields.
 */
export type NewEntity<T extends Entity> = T extends unknown
  ? Omit<T, SystemField | 'tags'> & { id?: string; accountId: string; createdBy: string; tags?: Tag[] }
  : never;

/**
 * Input of `update`: fields to replace (whole values, arrays included); `description: null` removes it.
 * Distributes over a union like NewEntity.
 */
export type Patch<T extends Entity> = T extends unknown
  ? Partial<Omit<T, SystemField | 'description'>> & { description?: string | null }
  : never;

export interface PageRequest {
  /** Capped at the store's `maxPageSize`; default is that cap. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** `null` on the last page. */
  nextCursor: string | null;
}

export interface ListQuery extends PageRequest {
  /** Case-sensitive prefix of `name` (named aggregates only). */
  namePrefix?: string;
  /** Has a tag with this key (and this value, when given). */
  tag?: { key: string; value?: string };
}

/**
 * One aggregate's repository. `F` adds that aggregate's reverse-lookup filters (all filters AND together).
 * Lists are ordered by id ascending, so paging with `cursor` never repeats or skips an entity that existed
 * for the whole walk.
 */
export interface Repository<T extends Entity, F extends object = object> {
  /** Stores a new entity at version 1. A duplicate unique value (or id) throws ALREADY_EXISTS. */
  create(input: NewEntity<T>): Promise<T>;
  /** A miss (or an id of another account) returns null. */
  get(accountId: string, id: string): Promise<T | null>;
  list(accountId: string, query?: ListQuery & F): Promise<Page<T>>;
  /**
   * Compare-and-swap: applies `patch` only if the stored version equals `expectedVersion`, else throws
   * VERSION_CONFLICT (`details.currentVersion`). Missing → NOT_FOUND. Unique or tag rules as in `create`.
   */
  update(accountId: string, id: string, expectedVersion: number, patch: Patch<T>, by: string): Promise<T>;
  /**
   * Read-modify-write: reads, calls `updater` with a copy and writes its patch with CAS, re-running the
   * updater on VERSION_CONFLICT (so it must be pure). A `null` patch writes nothing and returns the current
   * entity. Missing → NOT_FOUND.
   */
  mutate(accountId: string, id: string, by: string, updater: (current: T) => Patch<T> | null): Promise<T>;
  /** Atomic; true when it existed. */
  delete(accountId: string, id: string): Promise<boolean>;
  /** TEN-7: each id deleted atomically on its own; ids of other accounts count as not found. */
  bulkDelete(accountId: string, ids: readonly string[]): Promise<{ deleted: string[]; notFound: string[] }>;
  /** ENT-9 service home counts. */
  count(accountId: string): Promise<number>;
}

export interface NamedRepository<T extends NamedEntity, F extends object = object> extends Repository<T, F> {
  /** Exact, case-sensitive; a miss returns null. */
  getByName(accountId: string, name: string): Promise<T | null>;
}

// ── aggregates ──────────────────────────────────────────────────────────────

/** TEN-1. `accountId === id` (the tenant is its own account); `name` is the display name. */
export interface Account extends NamedEntity {
  /** 3–63 `[a-z0-9-]`, globally unique when set; `null` frees it for others at once (TEN-3). */
  alias: string | null;
  rootUserId: string | null;
  settings: { mfaRequired: boolean };
}

export interface AccountRepository extends NamedRepository<Account> {
  /** Global lookup (login URL); a miss returns null. */
  getByAlias(alias: string): Promise<Account | null>;
  /** Accounts in the whole store (bootstrap decides on an empty store). */
  countAll(): Promise<number>;
  /** Every account in the store, by id ascending, a page at a time (operator tasks such as `reseal-secrets`). */
  listEvery(page?: PageRequest): Promise<Page<Account>>;
}

export type Project = NamedEntity;

export interface Contact {
  value: string;
  verified: boolean;
}

export type ContactKind = 'email' | 'phone';

export interface IpControl {
  enabled: boolean;
  /** IPs or CIDRs; enabled with no entries denies all. */
  entries: string[];
}

/** ENT-1, ENT-8; `name` is immutable after creation (the service enforces it). */
export interface User extends NamedEntity {
  kind: 'root' | 'iam';
  state: 'active' | 'disabled';
  email: Contact | null;
  phone: Contact | null;
  timezone: string | null;
  lastLoginAt: number | null;
  passwordChangedAt: number | null;
  /** Password-reuse restriction N (1–24). */
  reuseRestriction: number;
  mustChangePassword: boolean;
  passwordHash: string | null;
  /** Previous hashes, newest first. */
  passwordHistory: string[];
  /** `secret` is already encrypted by the mfa capability. */
  mfa: { secret: string | null; enrolled: boolean; recoveryCodeHashes: string[] };
  consoleIpControl: IpControl;
  /** Directly attached policies. */
  policyIds: string[];
  /** KEY-3. */
  keySecurity: { acceptedMethods: Array<'authkey' | 'tempkey'>; ipControl: IpControl };
}

export interface RoleBinding {
  scope: 'account' | 'project';
  projectId?: string;
  policyIds: string[];
}

/** ENT-3/4: memberships live here (single-document writes). */
export interface Group extends NamedEntity {
  memberIds: string[];
  policyIds: string[];
  roleBindings: RoleBinding[];
}

/** ENT-6. `document` is the parsed JSON document (§7); `policyVersion` bumps when it changes. */
export interface Policy extends NamedEntity {
  type: 'default' | 'custom';
  document: Record<string, unknown>;
  policyVersion: number;
}

export type PrincipalKind = 'current-account' | 'other-account' | 'user' | 'credential-provider' | 'service';

/** ROLE-1/2. */
export interface Role extends NamedEntity {
  maxSessionSeconds: number;
  trustedPrincipals: Array<{ kind: PrincipalKind; value: string }>;
  policyIds: string[];
}

/**
 * FED-1, FED-7: a discriminated union on `kind`. The fields every kind shares sit at the top; each kind's own
 * settings sit under a key named after it (`saml`, `oidc`), so a kind gains fields without touching the other
 * or the store (both sections are opaque JSON to the adapters). `kind` never changes after creation.
 */
export type CredentialProvider = SamlProvider | OidcProvider;
export type ProviderKind = CredentialProvider['kind'];

interface ProviderCommon extends NamedEntity {
  /** Locked by the identity centre: every change except the unlock itself is refused (FED-1). */
  locked: boolean;
  /** Where a user starts a login at the provider (IdP-initiated), shown on the console; http(s). */
  loginUrl: string | null;
}

export interface SamlProvider extends ProviderCommon {
  kind: 'saml';
  saml: SamlSettings;
}

/** FED-2..6 add their fields here (metadata upload, attribute names). */
export interface SamlSettings {
  /** The validated IdP metadata (FED-2); null until one is uploaded. */
  metadata: Record<string, unknown> | null;
}

export interface OidcProvider extends ProviderCommon {
  kind: 'oidc';
  oidc: OidcSettings;
}

export interface OidcSettings {
  /** Exact `iss` of the OpenID Provider (discovery base): https, or http on a loopback host. */
  issuer: string;
  clientId: string;
  /**
   * The client secret sealed at rest (src/crypto envelope); null = a public client (PKCE only). Never
   * returned to a client: ProviderService answers `clientSecretSet` instead.
   */
  sealedClientSecret: string | null;
  /** Requested at authorization; always contains `openid`. */
  scopes: string[];
  /** The id_token claim whose values name the roles the user may assume (FED-7, like FED-6's attribute). */
  roleClaim: string;
}

/** KEY-1/2: `kind: 'tempkey'` keys hang off an authkey through `parentKeyId`. */
export interface AuthKey extends Entity {
  userId: string;
  /** Globally unique. */
  accessKeyId: string;
  /** Encrypted by the keys capability (shown again after re-confirmation, KEY-1). */
  secret: string;
  kind: 'authkey' | 'tempkey';
  parentKeyId: string | null;
  expiresAt: number | null;
  purpose: string;
  enabled: boolean;
}

export interface AuthKeyRepository extends Repository<AuthKey, AuthKeyFilter> {
  /** Global lookup (request signatures); a miss returns null. */
  getByAccessKeyId(accessKeyId: string): Promise<AuthKey | null>;
}

export interface UserRepository extends NamedRepository<User, UserFilter> {
  /**
   * LOGIN-8 global lookup: users of every account whose `kind` contact is **verified** and equal to `value`
   * in normal form (e-mail trimmed + lower-cased; phone digits with a leading `+`, src/store/contacts.ts).
   * Unverified contacts never match. Ordered by id; at most `limit` users (default and cap 50). An empty
   * normal form matches nothing.
   */
  findByVerifiedContact(kind: ContactKind, value: string, limit?: number): Promise<User[]>;
}

export interface UserFilter {
  policyId?: string;
}
export interface GroupFilter {
  memberId?: string;
  /** Matches `policyIds` and any role binding's `policyIds`. */
  policyId?: string;
}
export interface PolicyFilter {
  type?: Policy['type'];
}
export interface RoleFilter {
  policyId?: string;
  /** Roles trusting a principal with this value (e.g. a provider id). */
  trustedValue?: string;
}
export interface ProviderFilter {
  kind?: CredentialProvider['kind'];
}
export interface AuthKeyFilter {
  userId?: string;
  parentKeyId?: string;
}

// ── audit (append-only) ─────────────────────────────────────────────────────

export interface AuditEvent {
  id: string;
  accountId: string;
  at: number;
  /** Who acted: a user id, `anonymous`, or a system component. */
  actor: string;
  action: string;
  target: string | null;
  sourceIp: string | null;
  result: 'success' | 'failure';
  /** Stable code of a refusal (e.g. SAML_AUDIENCE_MISMATCH). */
  reasonCode: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery extends PageRequest {
  /** Inclusive lower bound on `at`. */
  from?: number;
  /** Exclusive upper bound on `at`. */
  to?: number;
}

/** No update, no delete: events are evidence. */
export interface AuditLog {
  /** `id` and `at` are assigned when absent. */
  append(event: Omit<AuditEvent, 'id' | 'at'> & { id?: string; at?: number }): Promise<AuditEvent>;
  /** Newest first (ties by id descending). */
  list(accountId: string, query?: AuditQuery): Promise<Page<AuditEvent>>;
}

// ── the store ───────────────────────────────────────────────────────────────

/** Users, groups and roles that reference a policy (ENT-6 "connected targets"). */
export interface PolicyTargets {
  users: User[];
  groups: Group[];
  roles: Role[];
}

export interface Store {
  accounts: AccountRepository;
  projects: NamedRepository<Project>;
  users: UserRepository;
  groups: NamedRepository<Group, GroupFilter>;
  policies: NamedRepository<Policy, PolicyFilter>;
  roles: NamedRepository<Role, RoleFilter>;
  providers: NamedRepository<CredentialProvider, ProviderFilter>;
  authKeys: AuthKeyRepository;
  audit: AuditLog;
  /** ENT-6: every user/group/role whose attachments contain `policyId`. */
  policyTargets(accountId: string, policyId: string): Promise<PolicyTargets>;
  /** Connects and creates collections and indexes; call once at startup (never lazily). */
  init(): Promise<void>;
  /** Resolves when the backend answers; otherwise throws STORE_UNAVAILABLE (readiness probe). */
  ping(): Promise<void>;
  /** Flushes pending writes and releases connections. */
  close(): Promise<void>;
}

/** Knobs shared by both adapters. */
export interface StoreOptions {
  /** TEN-4; default 50. */
  maxTags?: number;
  /** Default 100. */
  maxPageSize?: number;
}
