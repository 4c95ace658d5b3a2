import { appError } from '../../errors.js';
import { valuesAt, type AggregateSpec } from '../aggregates.js';
import type { Entity, ListQuery, NewEntity, Page, PageRequest, Patch } from '../ports.js';
import {
  checkTags,
  mutateWithRetry,
  pageLimit,
  splitPatch,
  toPage,
  type GenericRepository,
  type ResolvedOptions,
  type StoreDeps,
} from '../shared.js';

type Row = Entity & Record<string, unknown>;

/**
 * One aggregate in memory. Every method runs its check-then-write without an `await` in between, so on
 * Node's single thread each write is atomic and parallel creates/updates race exactly like the port says.
 * Rows go in and come out through structuredClone: callers never hold internal references.
 */
export class MemoryRepository implements GenericRepository {
  constructor(
    private readonly spec: AggregateSpec,
    private readonly rows: Map<string, Row>,
    private readonly deps: StoreDeps,
    private readonly options: ResolvedOptions,
    private readonly onChange: () => void,
  ) {}

  async create(input: NewEntity<Entity>): Promise<Entity> {
    checkTags(input.tags, this.options.maxTags);
    const now = this.deps.clock.now();
    const row = structuredClone({
      ...input,
      id: input.id ?? this.deps.ids.hex32(),
      tags: input.tags ?? [],
      version: 1,
      createdAt: now,
      modifiedAt: now,
      modifiedBy: input.createdBy,
    }) as Row;
    if (this.rows.has(row.id)) throw appError('ALREADY_EXISTS', { kind: this.spec.kind, field: 'id' });
    this.checkUnique(row);
    this.rows.set(row.id, row);
    this.onChange();
    return structuredClone(row);
  }

  async get(accountId: string, id: string): Promise<Entity | null> {
    const row = this.own(accountId, id);
    return row === undefined ? null : structuredClone(row);
  }

  async getByName(accountId: string, name: string): Promise<Entity | null> {
    return this.find((r) => r.accountId === accountId && r.name === name);
  }

  async findByField(field: string, value: string): Promise<Entity | null> {
    return this.find((r) => r[field] === value);
  }

  /** A scan, computing each row's key the way the mongo adapter stores it. */
  async findByDerived(field: string, key: string, limit: number): Promise<Entity[]> {
    const derived = this.spec.derived?.find((d) => d.field === field);
    if (derived === undefined) return [];
    const rows = [...this.rows.values()]
      .filter((r) => derived.key(r[derived.from]) === key)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return structuredClone(rows.slice(0, limit));
  }

  async list(accountId: string, query: ListQuery & Record<string, unknown> = {}): Promise<Page<Entity>> {
    const limit = pageLimit(query.limit, this.options.maxPageSize);
    const { cursor, namePrefix, tag } = query;
    const filters = Object.entries(this.spec.filters).filter(([key]) => query[key] !== undefined);
    const rows = [...this.rows.values()]
      .filter(
        (r) =>
          r.accountId === accountId &&
          (cursor === undefined || r.id > cursor) &&
          (namePrefix === undefined || (typeof r.name === 'string' && r.name.startsWith(namePrefix))) &&
          (tag === undefined ||
            r.tags.some((t) => t.key === tag.key && (tag.value === undefined || t.value === tag.value))) &&
          filters.every(([key, paths]) => paths.some((p) => valuesAt(r, p).includes(query[key]))),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit + 1);
    return toPage(structuredClone(rows), limit, (last) => last.id);
  }

  async update(
    accountId: string,
    id: string,
    expectedVersion: number,
    patch: Patch<Entity>,
    by: string,
  ): Promise<Entity> {
    const row = this.own(accountId, id);
    if (row === undefined) throw appError('NOT_FOUND', { kind: this.spec.kind, id });
    if (row.version !== expectedVersion)
      throw appError('VERSION_CONFLICT', { kind: this.spec.kind, id, currentVersion: row.version });
    checkTags(patch.tags, this.options.maxTags);
    const { set, unsetDescription } = splitPatch(patch);
    const next = {
      ...row,
      ...structuredClone(set),
      version: row.version + 1,
      modifiedAt: this.deps.clock.now(),
      modifiedBy: by,
    } as Row;
    if (unsetDescription) delete next.description;
    this.checkUnique(next);
    this.rows.set(id, next);
    this.onChange();
    return structuredClone(next);
  }

  mutate(
    accountId: string,
    id: string,
    by: string,
    updater: (current: Entity) => Patch<Entity> | null,
  ): Promise<Entity> {
    return mutateWithRetry(this, this.spec.kind, accountId, id, by, updater);
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    if (this.own(accountId, id) === undefined) return false;
    this.rows.delete(id);
    this.onChange();
    return true;
  }

  async bulkDelete(accountId: string, ids: readonly string[]): Promise<{ deleted: string[]; notFound: string[] }> {
    const result = { deleted: [] as string[], notFound: [] as string[] };
    for (const id of ids) ((await this.delete(accountId, id)) ? result.deleted : result.notFound).push(id);
    return result;
  }

  async count(accountId: string): Promise<number> {
    let n = 0;
    for (const r of this.rows.values()) if (r.accountId === accountId) n++;
    return n;
  }

  async countAll(): Promise<number> {
    return this.rows.size;
  }

  async scan(page: PageRequest): Promise<Page<Entity>> {
    const limit = pageLimit(page.limit, this.options.maxPageSize);
    const { cursor } = page;
    const rows = [...this.rows.values()]
      .filter((r) => cursor === undefined || r.id > cursor)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit + 1);
    return toPage(structuredClone(rows), limit, (last) => last.id);
  }

  private own(accountId: string, id: string): Row | undefined {
    const row = this.rows.get(id);
    return row !== undefined && row.accountId === accountId ? row : undefined;
  }

  private find(match: (r: Row) => boolean): Entity | null {
    for (const r of this.rows.values()) if (match(r)) return structuredClone(r);
    return null;
  }

  /** The unique indexes of the mongo adapter, as a scan; `row` is the candidate (its own id excluded). */
  private checkUnique(row: Row): void {
    for (const rule of this.spec.unique) {
      const value = row[rule.field];
      if (rule.optional && (value === null || value === undefined)) continue;
      for (const other of this.rows.values()) {
        if (other.id !== row.id && (rule.global || other.accountId === row.accountId) && other[rule.field] === value)
          throw appError('ALREADY_EXISTS', { kind: this.spec.kind, field: rule.field });
      }
    }
  }
}
