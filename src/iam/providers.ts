/**
 * Credential-provider records (FED-1): name, description, tags, login URL and the lock flag. A locked
 * provider (in use by the organisation's identity centre) refuses every change and deletion except
 * clearing the lock itself. Metadata upload and validation (FED-2..4) are a later SAML issue: `metadata`
 * stays null here.
 */
import { z } from 'zod';
import { appError } from '../errors.js';
import type { CredentialProvider } from '../store/ports.js';
import { bulkDeleteEntities, defined, mustGet, pageOf, parseListQuery, type Actor, type BulkResult, type IamDeps } from './common.js';
import { NAME_RULES, commonFields, parseInput, versionRule } from './validation.js';

const loginUrl = z.url({ protocol: /^https?$/, error: 'LOGIN_URL_INVALID' }).max(2048, { error: 'LOGIN_URL_INVALID' });

export class ProviderService {
  private readonly createSchema;
  private readonly updateSchema;

  constructor(private readonly deps: IamDeps) {
    const common = commonFields(deps.limits);
    this.createSchema = z.strictObject({ name: NAME_RULES.provider, kind: z.literal('saml').default('saml'), loginUrl: loginUrl.optional(), locked: z.boolean().default(false), ...common });
    this.updateSchema = z.strictObject({ version: versionRule, name: NAME_RULES.provider.optional(), loginUrl: loginUrl.nullable().optional(), locked: z.boolean().optional(), ...common });
  }

  async create(accountId: string, input: unknown, by: Actor): Promise<CredentialProvider> {
    await mustGet(this.deps.store.accounts, 'account', accountId, accountId);
    const d = parseInput(this.createSchema, input);
    return this.deps.store.providers.create({
      accountId, name: d.name, kind: d.kind, locked: d.locked, config: { loginUrl: d.loginUrl ?? null, metadata: null },
      ...defined({ description: d.description ?? undefined, tags: d.tags }), createdBy: by,
    });
  }

  get(accountId: string, id: string): Promise<CredentialProvider> {
    return mustGet(this.deps.store.providers, 'credential-provider', accountId, id);
  }

  async list(accountId: string, query: unknown) {
    return pageOf(await this.deps.store.providers.list(accountId, parseListQuery(query, this.deps.limits)), (p) => p);
  }

  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<CredentialProvider> {
    const { version, loginUrl: url, ...rest } = parseInput(this.updateSchema, input);
    const current = await this.get(accountId, id);
    const onlyUnlocks = rest.locked === false && Object.keys(defined({ ...rest, url })).length === 1;
    if (current.locked && !onlyUnlocks) throw appError('PROVIDER_LOCKED', { id });
    const config = url === undefined ? {} : { config: { ...current.config, loginUrl: url } };
    return this.deps.store.providers.update(accountId, id, version, { ...defined(rest), ...config }, by);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const result = await this.bulkDelete(accountId, [id]);
    if (result.notFound.length > 0) throw appError('NOT_FOUND', { kind: 'credential-provider', id });
    if (result.refused.length > 0) throw appError('PROVIDER_LOCKED', { id });
  }

  async bulkDelete(accountId: string, ids: readonly string[]): Promise<BulkResult> {
    const { entities: _gone, ...result } = await bulkDeleteEntities(this.deps.store.providers, accountId, ids, (p) => (p.locked ? 'PROVIDER_LOCKED' : null));
    return result;
  }
}
