import type { Clock, Ids } from '../clock.js';
import { appError, isAppError } from '../errors.js';
import { AGGREGATES, REPOSITORY_NAMES, type AggregateSpec, type RepositoryName } from './aggregates.js';
import { CONTACT_KEY_FIELDS, MAX_CONTACT_MATCHES, normaliseContact } from './contacts.js';
import type {
  ContactKind,
  Entity,
  Page,
  PageRequest,
  Patch,
  PolicyTargets,
  Repository,
  Store,
  StoreOptions,
  Tag,
} from './ports.js';

/** Helpers both adapters share, so the port's invariants are written once. */

export const DEFAULT_MAX_TAGS = 50;
export const DEFAULT_MAX_PAGE_SIZE = 100;

export interface ResolvedOptions {
  maxTags: number;
  maxPageSize: number;
}

export function resolveOptions(options: StoreOptions = {}): ResolvedOptions {
  return { maxTags: options.maxTags ?? DEFAULT_MAX_TAGS, maxPageSize: options.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE };
}

/** TEN-4, checked before anything is written so a refusal leaves the store untouched. */
export function checkTags(tags: readonly Tag[] | undefined, maxTags: number): void {
  if (tags === undefined) return;
  if (tags.length > maxTags) throw appError('TOO_MANY_TAGS', { max: maxTags, given: tags.length });
  const seen = new Set<string>();
  for (const tag of tags) {
    if (seen.has(tag.key)) throw appError('DUPLICATE_TAG_KEY', { key: tag.key });
    seen.add(tag.key);
  }
}

export function pageLimit(limit: number | undefined, max: number): number {
  return Math.max(1, Math.min(limit ?? max, max));
}

/** Turns `limit + 1` fetched rows into a page; the extra row only proves there is a next page. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** Audit cursors order by (at desc, id desc); ids never contain the separator. */
export function auditCursor(event: { at: number; id: string }): string {
  return `${event.at}~${event.id}`;
}

export function parseAuditCursor(cursor: string): { at: number; id: string } {
  const [at, id] = cursor.split('~');
  if (at === undefined || id === undefined || !/^\d+$/.test(at))
    throw appError('VALIDATION_FAILED', { cursor: 'malformed' });
  return { at: Number(at), id };
}

/** The system fields a write stamps; `description: null` in a patch becomes "remove". */
export function splitPatch<T extends Entity>(
  patch: Patch<T>,
): { set: Record<string, unknown>; unsetDescription: boolean } {
  const set: Record<string, unknown> = { ...patch };
  for (const key of ['id', 'accountId', 'version', 'createdAt', 'createdBy', 'modifiedAt', 'modifiedBy'])
    delete set[key];
  const unsetDescription = patch.description === null;
  if (unsetDescription) delete set.description;
  return { set, unsetDescription };
}

const MAX_MUTATE_ATTEMPTS = 20;

/** `Repository.mutate` on top of `get` + CAS `update`, re-running the updater on VERSION_CONFLICT. */
export async function mutateWithRetry<T extends Entity>(
  repo: Pick<Repository<T>, 'get' | 'update'>,
  kind: string,
  accountId: string,
  id: string,
  by: string,
  updater: (current: T) => Patch<T> | null,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await repo.get(accountId, id);
    if (current === null) throw appError('NOT_FOUND', { kind, id });
    const patch = updater(current);
    if (patch === null) return current;
    try {
      return await repo.update(accountId, id, current.version, patch, by);
    } catch (err) {
      if (!isAppError(err) || err.code !== 'VERSION_CONFLICT' || attempt >= MAX_MUTATE_ATTEMPTS) throw err;
    }
  }
}

/** Every page of a list, for reverse lookups whose result sets are small (attachments of one policy). */
export async function listAll<T extends Entity, F extends object>(
  repo: Repository<T, F>,
  accountId: string,
  filter: F,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await repo.list(accountId, { ...filter, ...(cursor === null ? {} : { cursor }) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return all;
}

/** ENT-6 connected targets, the same for every adapter. */
export async function policyTargets(
  store: Pick<Store, 'users' | 'groups' | 'roles'>,
  accountId: string,
  policyId: string,
): Promise<PolicyTargets> {
  const [users, groups, roles] = await Promise.all([
    listAll(store.users, accountId, { policyId }),
    listAll(store.groups, accountId, { policyId }),
    listAll(store.roles, accountId, { policyId }),
  ]);
  return { users, groups, roles };
}

/** What every adapter needs besides its options. */
export interface StoreDeps {
  clock: Clock;
  ids: Ids;
}

/**
 * The generic surface each adapter's repository class offers; `assembleRepositories` turns one class per
 * adapter into every typed repository of the port, driven by AGGREGATES.
 */
export interface GenericRepository extends Repository<Entity, Record<string, unknown>> {
  getByName(accountId: string, name: string): Promise<Entity | null>;
  /** Global lookup on a globally unique field (alias, accessKeyId). */
  findByField(field: string, value: string): Promise<Entity | null>;
  /** Global lookup on a derived key (AggregateSpec.derived), ordered by id, at most `limit`. */
  findByDerived(field: string, key: string, limit: number): Promise<Entity[]>;
  countAll(): Promise<number>;
  /** Every entity of every account, by id ascending (AccountRepository.listEvery). */
  scan(page: PageRequest): Promise<Page<Entity>>;
}

export type Repositories = Pick<Store, RepositoryName>;

export function assembleRepositories(
  make: (name: RepositoryName, spec: AggregateSpec) => GenericRepository,
): Repositories {
  const repos = Object.fromEntries(REPOSITORY_NAMES.map((n) => [n, make(n, AGGREGATES[n])])) as Record<
    RepositoryName,
    GenericRepository
  >;
  const accounts = Object.assign(repos.accounts, {
    getByAlias: (alias: string) => repos.accounts.findByField('alias', alias),
    listEvery: (page: PageRequest = {}) => repos.accounts.scan(page),
  });
  const authKeys = Object.assign(repos.authKeys, {
    getByAccessKeyId: (id: string) => repos.authKeys.findByField('accessKeyId', id),
  });
  const users = Object.assign(repos.users, {
    findByVerifiedContact: async (kind: ContactKind, value: string, limit?: number) => {
      const key = normaliseContact(kind, value);
      return key
        ? repos.users.findByDerived(
            CONTACT_KEY_FIELDS[kind],
            key,
            Math.max(1, Math.min(limit ?? MAX_CONTACT_MATCHES, MAX_CONTACT_MATCHES)),
          )
        : [];
    },
  });
  // The one cast: the classes are generic over Entity, AGGREGATES fixes which entity each one holds.
  return { ...repos, accounts, authKeys, users } as unknown as Repositories;
}
