/**
 * What every IAM entity service shares: its dependencies, paging and filters, the optimistic-concurrency
 * update (TEN-4 stamps come from the store), existence checks that turn unknown ids into violations, and
 * revocation publishing (ENT-5).
 */
import { z } from 'zod';
import type { Clock, Ids } from '../clock.js';
import { appError, type Violation } from '../errors.js';
import type { PasswordService } from '../passwords/index.js';
import type { SessionStore } from '../sessions/ports.js';
import type { Entity, ListQuery, Page, Patch, Repository, Store } from '../store/ports.js';
import type { IamResourceType } from '../authz/srn.js';
import { assertNoViolations, idList, parseInput, type IamLimits } from './validation.js';

export interface IamDeps {
  store: Store;
  sessions: Pick<SessionStore, 'markRevoked'>;
  passwords: PasswordService;
  clock: Clock;
  ids: Ids;
  limits: IamLimits;
  /** Base of IAM login URLs (TEN-3), e.g. `https://console.example.com`. */
  publicUrl: string;
  /** ENT-1 default password-reuse restriction. */
  defaultReuseRestriction: number;
  /** SRN offering of IAM resources (default `e`). */
  offering?: string;
}

/** TEN-3: `<publicUrl>/login/<alias>`, or `/login?account=<id>` without an alias. */
export function loginUrlOf(publicUrl: string, account: { id: string; alias: string | null }): string {
  const base = publicUrl.replace(/\/$/, '');
  return account.alias ? `${base}/login/${account.alias}` : `${base}/login?account=${account.id}`;
}

/** Who acts: stamped as creator/modifier (TEN-4). A user id, or a system component name. */
export type Actor = string;

const listSchema = (max: number) =>
  z.strictObject({
    limit: z.coerce
      .number()
      .int()
      .min(1, { error: 'LIMIT_OUT_OF_RANGE' })
      .max(max, { error: 'LIMIT_OUT_OF_RANGE' })
      .optional(),
    cursor: z.string().min(1).optional(),
    namePrefix: z.string().min(1).optional(),
    tagKey: z.string().min(1).optional(),
    tagValue: z.string().optional(),
  });

/** `?limit=&cursor=&namePrefix=&tagKey=&tagValue=` → a store ListQuery (400 on a bad value). */
export function parseListQuery(input: unknown, limits: IamLimits): ListQuery {
  const q = parseInput(listSchema(limits.maxPageSize), input);
  return {
    ...(q.limit === undefined ? {} : { limit: q.limit }),
    ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
    ...(q.namePrefix === undefined ? {} : { namePrefix: q.namePrefix }),
    ...(q.tagKey === undefined
      ? {}
      : { tag: { key: q.tagKey, ...(q.tagValue === undefined ? {} : { value: q.tagValue }) } }),
  };
}

/** The entity, or 404 naming its kind. */
export async function mustGet<T extends Entity>(
  repo: { get(a: string, id: string): Promise<T | null> },
  kind: string,
  accountId: string,
  id: string,
): Promise<T> {
  const found = await repo.get(accountId, id);
  if (found === null) throw appError('NOT_FOUND', { kind, id });
  return found;
}

/** Violations for ids that are not entities of this account (`code` e.g. POLICY_NOT_FOUND at `policyIds[2]`). */
export async function missingIds(
  repo: { get(a: string, id: string): Promise<unknown> },
  accountId: string,
  ids: readonly string[],
  path: string,
  code: string,
): Promise<Violation[]> {
  const found = await Promise.all(ids.map((id) => repo.get(accountId, id)));
  return found.flatMap((f, i) =>
    f === null ? [{ path: `${path}[${i}]`, code, message: `No such entity in this account: ${ids[i]}` }] : [],
  );
}

/** Drops undefined values so `exactOptionalPropertyTypes` patches stay exact. */
export function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

export interface BulkResult {
  deleted: string[];
  notFound: string[];
  /** Ids that exist but may not be deleted, with the reason's code (root user, built-in policy …). */
  refused: Array<{ id: string; code: string }>;
}

/**
 * TEN-7: deletes the ids that exist and may go, reports the missing and the refused; `refuse` names why
 * an entity must stay. Each id is deleted atomically on its own (no transactions on FerretDB).
 */
export async function bulkDeleteEntities<T extends Entity>(
  repo: {
    get(a: string, id: string): Promise<T | null>;
    bulkDelete(a: string, ids: readonly string[]): Promise<{ deleted: string[]; notFound: string[] }>;
  },
  accountId: string,
  ids: readonly string[],
  refuse: (entity: T) => string | null,
): Promise<BulkResult & { entities: T[] }> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => repo.get(accountId, id)));
  const refused: BulkResult['refused'] = [];
  const deletable: T[] = [];
  const notFound: string[] = [];
  found.forEach((e, i) => {
    if (e === null) return void notFound.push(unique[i] as string);
    const code = refuse(e);
    if (code === null) deletable.push(e);
    else refused.push({ id: e.id, code });
  });
  const result = await repo.bulkDelete(
    accountId,
    deletable.map((e) => e.id),
  );
  const gone = new Set(result.deleted);
  return {
    deleted: result.deleted,
    notFound: [...notFound, ...result.notFound],
    refused,
    entities: deletable.filter((e) => gone.has(e.id)),
  };
}

/**
 * Publishes revocation markers around a write (ENT-5): once before, so a Redis outage fails the request
 * before anything changes (503, no partial write), and once after, so a token issued while the write was
 * in flight is refused too.
 */
export async function withRevocation<T>(
  deps: Pick<IamDeps, 'sessions' | 'clock'>,
  keys: readonly string[],
  write: () => Promise<T>,
): Promise<T> {
  if (keys.length === 0) return write();
  await deps.sessions.markRevoked(keys, deps.clock.now());
  const result = await write();
  await deps.sessions.markRevoked(keys, deps.clock.now());
  return result;
}

export function pageOf<T, V>(page: Page<T>, view: (t: T) => V): { items: V[]; nextCursor: string | null } {
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}

type WithPolicies = Entity & { policyIds: string[] };
const attachSchema = z.strictObject({ policyIds: idList.min(1, { error: 'REQUIRED' }) });

/** ENT-6 direct attachments (users, groups, roles): every id must be a policy of the account; `guard` may refuse. */
export async function attachPolicyIds<T extends WithPolicies>(
  deps: Pick<IamDeps, 'store'>,
  repo: Repository<T, object>,
  kind: string,
  accountId: string,
  id: string,
  input: unknown,
  by: Actor,
  guard: (e: T) => void = () => {},
): Promise<T> {
  const { policyIds } = parseInput(attachSchema, input);
  guard(await mustGet(repo, kind, accountId, id));
  assertNoViolations(await missingIds(deps.store.policies, accountId, policyIds, 'policyIds', 'POLICY_NOT_FOUND'));
  return repo.mutate(
    accountId,
    id,
    by,
    (e) => ({ policyIds: [...new Set([...e.policyIds, ...policyIds])] }) as unknown as Patch<T>,
  );
}

/** Detaches one policy (404 when it is not attached), publishing `revoke` keys around the write (ENT-5). */
export async function detachPolicyId<T extends WithPolicies>(
  deps: Pick<IamDeps, 'sessions' | 'clock'>,
  repo: Repository<T, object>,
  kind: string,
  accountId: string,
  id: string,
  policyId: string,
  by: Actor,
  revoke: string[],
): Promise<T> {
  const current = await mustGet(repo, kind, accountId, id);
  if (!current.policyIds.includes(policyId)) throw appError('NOT_FOUND', { kind: 'attachment', id: policyId });
  return withRevocation(deps, revoke, () =>
    repo.mutate(accountId, id, by, (e) =>
      e.policyIds.includes(policyId)
        ? ({ policyIds: e.policyIds.filter((p) => p !== policyId) } as unknown as Patch<T>)
        : null,
    ),
  );
}

/**
 * ENT-7: a permission a create call grants through a relation field of its body (a new group's members and
 * policies, a new user's groups and policies, a new role's policies). The route authorises `action` on every
 * id, as the attach/add route would: otherwise `iam:createGroup` alone could put its caller in a new group
 * holding FullAdministrator.
 */
export interface CreateGrant {
  action: string;
  type: IamResourceType;
  ids: string[];
}

/** The string ids a body lists under `field` (anything else is left to the schema's 400). */
export function bodyIds(input: unknown, field: string): string[] {
  const v = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[field] : undefined;
  return Array.isArray(v) ? [...new Set(v.filter((i): i is string => typeof i === 'string' && i.length > 0))] : [];
}
