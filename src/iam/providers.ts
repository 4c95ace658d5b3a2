/**
 * Credential-provider records (FED-1, FED-7): a discriminated union on `kind` (`saml`, `oidc`). Name,
 * description, tags, login URL and the lock flag are common; each kind's settings sit under its own key and
 * follow its row of PROVIDER_KINDS (provider-kinds.ts). `kind` defaults to `saml` (the only kind before
 * FED-7) and never changes. A locked provider (in use by the organisation's identity centre) refuses every
 * change and deletion except clearing the lock itself.
 */
import { z } from 'zod';
import { appError, type Violation } from '../errors.js';
import type {
  CredentialProvider,
  NewEntity,
  OidcProvider,
  Patch,
  ProviderKind,
  SamlProvider,
  Tag,
} from '../store/ports.js';
import {
  bulkDeleteEntities,
  defined,
  mustGet,
  pageOf,
  parseListQuery,
  type Actor,
  type BulkResult,
  type IamDeps,
} from './common.js';
import { KIND_NAMES, PROVIDER_KINDS, isProviderKind, type OidcSettingsView } from './provider-kinds.js';
import { NAME_RULES, commonFields, parseInput, versionRule } from './validation.js';

const loginUrl = z.url({ protocol: /^https?$/, error: 'LOGIN_URL_INVALID' }).max(2048, { error: 'LOGIN_URL_INVALID' });

/** A provider as answered: the OIDC client secret is never part of it (`clientSecretSet` says whether one is). */
export type ProviderView = SamlProvider | (Omit<OidcProvider, 'oidc'> & { oidc: OidcSettingsView });

type Sections = { [K in ProviderKind]?: Record<string, unknown> };
type CreateInput = Sections & {
  name: string;
  kind: ProviderKind;
  loginUrl?: string;
  locked: boolean;
  description?: string | null;
  tags?: Tag[];
};
type UpdateInput = Sections & {
  version: number;
  kind?: unknown;
  name?: string;
  loginUrl?: string | null;
  locked?: boolean;
  description?: string | null;
  tags?: Tag[];
};

const kindRule = z.enum(KIND_NAMES, { error: 'PROVIDER_KIND_INVALID' });
const KIND_IMMUTABLE: Violation = {
  path: 'kind',
  code: 'PROVIDER_KIND_IMMUTABLE',
  message: 'The kind of a credential provider cannot change.',
};

/** The `kind` a raw body names (absent = `saml`), read before parsing so the kind's schema can be chosen. */
function rawKind(input: unknown): unknown {
  const kind = input !== null && typeof input === 'object' ? (input as { kind?: unknown }).kind : undefined;
  return kind === undefined ? 'saml' : kind;
}

export class ProviderService {
  /** Per kind; `invalid` reports an unknown kind beside every other mistake of the body. */
  private readonly createSchemas: Record<ProviderKind | 'invalid', z.ZodType>;
  /** Per stored kind; `missing` (no such provider) accepts every kind's section, so a good body gets its 404. */
  private readonly updateSchemas: Record<ProviderKind | 'missing', z.ZodType>;

  constructor(private readonly deps: IamDeps) {
    const common = commonFields(deps.limits);
    const createBase = {
      name: NAME_RULES.provider,
      kind: kindRule.default('saml'),
      loginUrl: loginUrl.optional(),
      locked: z.boolean().default(false),
      ...common,
    };
    const updateBase = {
      version: versionRule,
      kind: z.unknown().optional(),
      name: NAME_RULES.provider.optional(),
      loginUrl: loginUrl.nullable().optional(),
      locked: z.boolean().optional(),
      ...common,
    };
    const section = (k: ProviderKind, on: 'create' | 'update') => {
      const rules = PROVIDER_KINDS[k];
      return on === 'create' && !rules.optional ? rules.create : rules[on].optional();
    };
    const sectionsOf = (kinds: readonly ProviderKind[], on: 'create' | 'update') =>
      Object.fromEntries(kinds.map((k) => [k, section(k, on)]));
    this.createSchemas = {
      saml: z.strictObject({ ...createBase, ...sectionsOf(['saml'], 'create') }),
      oidc: z.strictObject({ ...createBase, ...sectionsOf(['oidc'], 'create') }),
      invalid: z.strictObject(createBase),
    };
    this.updateSchemas = {
      saml: z.strictObject({ ...updateBase, ...sectionsOf(['saml'], 'update') }),
      oidc: z.strictObject({ ...updateBase, ...sectionsOf(['oidc'], 'update') }),
      missing: z.strictObject({ ...updateBase, kind: kindRule.optional(), ...sectionsOf(KIND_NAMES, 'update') }),
    };
  }

  async create(accountId: string, input: unknown, by: Actor): Promise<ProviderView> {
    await mustGet(this.deps.store.accounts, 'account', accountId, accountId);
    const kind = rawKind(input);
    const d = parseInput(this.createSchemas[isProviderKind(kind) ? kind : 'invalid'], input) as CreateInput;
    const settings = { ...PROVIDER_KINDS[d.kind].systemFields, ...d[d.kind] };
    const record = {
      accountId,
      name: d.name,
      kind: d.kind,
      locked: d.locked,
      loginUrl: d.loginUrl ?? null,
      [d.kind]: settings,
      ...defined({ description: d.description ?? undefined, tags: d.tags }),
      createdBy: by,
    } as NewEntity<CredentialProvider>;
    return view(await this.deps.store.providers.create(record));
  }

  async get(accountId: string, id: string): Promise<ProviderView> {
    return view(await mustGet(this.deps.store.providers, 'credential-provider', accountId, id));
  }

  async list(accountId: string, query: unknown) {
    return pageOf(await this.deps.store.providers.list(accountId, parseListQuery(query, this.deps.limits)), view);
  }

  /**
   * Every mistake at once: the body is checked against the stored kind's schema, a different `kind` adds
   * PROVIDER_KIND_IMMUTABLE; a good body for a missing id answers 404. A section replaces only the fields it
   * names (the CAS on `version` keeps the merge from mixing two writes).
   */
  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<ProviderView> {
    const current = await this.deps.store.providers.get(accountId, id);
    const kindChanges =
      current !== null && rawKind(input) !== current.kind && (input as { kind?: unknown }).kind !== undefined;
    const d = parseInput(
      this.updateSchemas[current?.kind ?? 'missing'],
      input,
      kindChanges ? [KIND_IMMUTABLE] : [],
    ) as UpdateInput;
    if (current === null) throw appError('NOT_FOUND', { kind: 'credential-provider', id });
    const { version, kind: _same, ...rest } = d;
    const sectionPatch = rest[current.kind];
    const changes = Object.fromEntries(Object.entries(rest).filter(([k, v]) => v !== undefined && !isProviderKind(k)));
    const onlyUnlocks = changes.locked === false && Object.keys(changes).length === 1 && sectionPatch === undefined;
    if (current.locked && !onlyUnlocks) throw appError('PROVIDER_LOCKED', { id });
    const merged = sectionPatch === undefined ? {} : { [current.kind]: { ...settingsOf(current), ...sectionPatch } };
    const patch = { ...changes, ...merged } as Patch<CredentialProvider>;
    return view(await this.deps.store.providers.update(accountId, id, version, patch, by));
  }

  async delete(accountId: string, id: string): Promise<void> {
    const result = await this.bulkDelete(accountId, [id]);
    if (result.notFound.length > 0) throw appError('NOT_FOUND', { kind: 'credential-provider', id });
    if (result.refused.length > 0) throw appError('PROVIDER_LOCKED', { id });
  }

  async bulkDelete(accountId: string, ids: readonly string[]): Promise<BulkResult> {
    const { entities: _gone, ...result } = await bulkDeleteEntities(this.deps.store.providers, accountId, ids, (p) =>
      p.locked ? 'PROVIDER_LOCKED' : null,
    );
    return result;
  }
}

/** The record with its kind's section as clients may see it (PROVIDER_KINDS[kind].view). */
function view(p: CredentialProvider): ProviderView {
  const rules = PROVIDER_KINDS[p.kind] as { view(settings: unknown): unknown };
  return { ...p, [p.kind]: rules.view(settingsOf(p)) } as ProviderView;
}

/** The stored section of the provider's own kind (`p.saml` / `p.oidc`). */
function settingsOf(p: CredentialProvider): Record<string, unknown> {
  return (p as unknown as Record<ProviderKind, Record<string, unknown>>)[p.kind];
}
