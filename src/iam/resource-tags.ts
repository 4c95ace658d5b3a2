/**
 * POL-6 `scp:ResourceTag/{key}` for the admin API: the evaluator can only match a resource's tags when the
 * request carries them, so each IAM SRN a route acts on is looked up and sent with its entity's tags. A
 * missing entity gets none (the handler answers 404 after the check); `"*"` and SRNs of other services
 * pass through unchanged.
 */
import type { RequestResource } from '../policy/index.js';
import { parseSrn } from '../srn/index.js';
import type { Entity, Store, Tag } from '../store/ports.js';
import { IAM_SERVICE, type IamResourceType } from '../authz/srn.js';

type Lookup = { get(accountId: string, id: string): Promise<Entity | null> };

export type TaggedStore = Pick<
  Store,
  'accounts' | 'users' | 'groups' | 'policies' | 'roles' | 'providers' | 'projects'
>;

function repositoryOf(store: TaggedStore, type: string): Lookup | null {
  const repos: Partial<Record<IamResourceType, Lookup>> = {
    account: store.accounts,
    user: store.users,
    group: store.groups,
    policy: store.policies,
    role: store.roles,
    'credential-provider': store.providers,
    project: store.projects,
  };
  return repos[type as IamResourceType] ?? null;
}

export function tagRecord(tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

export class ResourceTags {
  constructor(private readonly store: TaggedStore) {}

  /** The resources with the tags of the IAM entities they name, read in parallel. */
  async resolve(srns: readonly string[]): Promise<Array<string | RequestResource>> {
    return Promise.all(srns.map((srn) => this.one(srn)));
  }

  private async one(srn: string): Promise<string | RequestResource> {
    if (srn === '*') return srn;
    const parsed = parseSrn(srn);
    if (!parsed.ok || parsed.srn.service !== IAM_SERVICE) return srn;
    const repo = repositoryOf(this.store, parsed.srn.resourceType);
    const entity = repo === null ? null : await repo.get(parsed.srn.account, parsed.srn.resourceId);
    return entity === null || entity.tags.length === 0 ? srn : { srn, tags: tagRecord(entity.tags) };
  }
}
