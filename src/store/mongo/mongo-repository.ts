import type { QueryFilter } from 'mongoose';
import { appError } from '../../errors.js';
import type { AggregateSpec } from '../aggregates.js';
import type { Entity, ListQuery, NewEntity, Page, PageRequest, Patch, Tag } from '../ports.js';
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
import { guarded, isDuplicateKey } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import type { Doc, DocModel } from './models.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Tag lookups go through a derived multikey field (`tagIndex`: one token per key, one per key+value),
 * because FerretDB v1 matches neither `$elemMatch` nor sub-document equality on arrays of documents, and
 * `{'tags.key', 'tags.value'}` would match a key and a value from two different tags.
 */
const tagToken = (key: string, value?: string): string =>
  value === undefined ? `k:${key}` : `kv:${JSON.stringify([key, value])}`;
const tagIndex = (tags: readonly Tag[]): string[] => tags.flatMap((t) => [tagToken(t.key), tagToken(t.key, t.value)]);

/**
 * One aggregate in MongoDB. Every write is a single-document operation (FerretDB v1 has no transactions):
 * uniqueness is the unique indexes' job, CAS is `findOneAndUpdate({_id, accountId, version})`. Documents
 * never leave this class: reads are `.lean()` and mapped back to plain entities.
 */
export class MongoRepository implements GenericRepository {
  private readonly optionalFields: string[];
  private readonly lock = new KeyedLock();

  constructor(
    private readonly model: DocModel,
    private readonly spec: AggregateSpec,
    private readonly deps: StoreDeps,
    private readonly options: ResolvedOptions,
  ) {
    this.optionalFields = spec.unique.filter((r) => r.optional).map((r) => r.field);
  }

  create(input: NewEntity<Entity>): Promise<Entity> {
    return guarded(async () => {
      checkTags(input.tags, this.options.maxTags);
      const now = this.deps.clock.now();
      const entity = {
        ...input,
        id: input.id ?? this.deps.ids.hex32(),
        tags: input.tags ?? [],
        version: 1,
        createdAt: now,
        modifiedAt: now,
        modifiedBy: input.createdBy,
      };
      await this.model.create(this.toDoc(entity)).catch((err: unknown) => this.duplicate(err, entity));
      return structuredClone(entity);
    });
  }

  get(accountId: string, id: string): Promise<Entity | null> {
    return this.findOne({ _id: id, accountId });
  }

  getByName(accountId: string, name: string): Promise<Entity | null> {
    return this.findOne({ accountId, name });
  }

  findByField(field: string, value: string): Promise<Entity | null> {
    return this.findOne({ [field]: value });
  }

  /** Backed by the `{ <field>: 1 }` index models.ts declares for each derived key. */
  findByDerived(field: string, key: string, limit: number): Promise<Entity[]> {
    return guarded(async () => {
      if (!this.spec.derived?.some((d) => d.field === field)) return [];
      const docs = await this.model
        .find({ [field]: key })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<Doc[]>();
      return docs.map((d) => this.fromDoc(d));
    });
  }

  list(accountId: string, query: ListQuery & Record<string, unknown> = {}): Promise<Page<Entity>> {
    return guarded(async () => {
      const limit = pageLimit(query.limit, this.options.maxPageSize);
      const { cursor, namePrefix, tag } = query;
      const and: Array<QueryFilter<Doc>> = [];
      for (const [key, paths] of Object.entries(this.spec.filters)) {
        const value = query[key];
        if (value !== undefined) and.push({ $or: paths.map((p) => ({ [p]: value })) });
      }
      const filter: QueryFilter<Doc> = {
        accountId,
        ...(cursor === undefined ? {} : { _id: { $gt: cursor } }),
        ...(namePrefix === undefined ? {} : { name: { $regex: `^${escapeRegex(namePrefix)}` } }),
        ...(tag === undefined ? {} : { tagIndex: tagToken(tag.key, tag.value) }),
        ...(and.length === 0 ? {} : { $and: and }),
      };
      const docs = await this.model
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit + 1)
        .lean<Doc[]>();
      return toPage(
        docs.map((d) => this.fromDoc(d)),
        limit,
        (last) => last.id,
      );
    });
  }

  update(accountId: string, id: string, expectedVersion: number, patch: Patch<Entity>, by: string): Promise<Entity> {
    return this.lock.run(id, () => this.compareAndSwap(accountId, id, expectedVersion, patch, by));
  }

  private compareAndSwap(
    accountId: string,
    id: string,
    expectedVersion: number,
    patch: Patch<Entity>,
    by: string,
  ): Promise<Entity> {
    return guarded(async () => {
      checkTags(patch.tags, this.options.maxTags);
      const { set, unsetDescription } = splitPatch(patch);
      const $set = this.encode({ ...set, modifiedAt: this.deps.clock.now(), modifiedBy: by });
      const $unset: Record<string, ''> = unsetDescription ? { description: '' } : {};
      for (const field of this.optionalFields) {
        if (set[field] !== null) continue;
        delete $set[field];
        $unset[field] = '';
      }
      const updated = await this.model
        .findOneAndUpdate(
          { _id: id, accountId, version: expectedVersion },
          { $set, $inc: { version: 1 }, ...(Object.keys($unset).length ? { $unset } : {}) },
          { returnDocument: 'after' },
        )
        .lean<Doc>()
        .catch((err: unknown) => this.duplicate(err, { id, accountId, ...set }));
      if (updated) return this.fromDoc(updated);
      const current = await this.model.findOne({ _id: id, accountId }, { version: 1 }).lean<Doc>();
      if (!current) throw appError('NOT_FOUND', { kind: this.spec.kind, id });
      throw appError('VERSION_CONFLICT', { kind: this.spec.kind, id, currentVersion: current.version });
    });
  }

  mutate(
    accountId: string,
    id: string,
    by: string,
    updater: (current: Entity) => Patch<Entity> | null,
  ): Promise<Entity> {
    return mutateWithRetry(this, this.spec.kind, accountId, id, by, updater);
  }

  delete(accountId: string, id: string): Promise<boolean> {
    return guarded(async () => (await this.model.deleteOne({ _id: id, accountId })).deletedCount === 1);
  }

  async bulkDelete(accountId: string, ids: readonly string[]): Promise<{ deleted: string[]; notFound: string[] }> {
    const outcomes = await Promise.all(ids.map((id) => this.delete(accountId, id)));
    return { deleted: ids.filter((_, i) => outcomes[i]), notFound: ids.filter((_, i) => !outcomes[i]) };
  }

  count(accountId: string): Promise<number> {
    return guarded(() => this.model.countDocuments({ accountId }).exec());
  }

  countAll(): Promise<number> {
    return guarded(() => this.model.countDocuments({}).exec());
  }

  scan(page: PageRequest): Promise<Page<Entity>> {
    return guarded(async () => {
      const limit = pageLimit(page.limit, this.options.maxPageSize);
      const filter: QueryFilter<Doc> = page.cursor === undefined ? {} : { _id: { $gt: page.cursor } };
      const docs = await this.model
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit + 1)
        .lean<Doc[]>();
      return toPage(
        docs.map((d) => this.fromDoc(d)),
        limit,
        (last) => last.id,
      );
    });
  }

  private findOne(filter: QueryFilter<Doc>): Promise<Entity | null> {
    return guarded(async () => {
      const doc = await this.model.findOne(filter).lean<Doc>();
      return doc ? this.fromDoc(doc) : null;
    });
  }

  /**
   * E11000 → ALREADY_EXISTS naming the field. FerretDB's duplicate-key error carries neither `keyPattern`
   * nor the index name, so when it is missing the conflicting unique rule is found by looking it up.
   */
  private async duplicate(
    err: unknown,
    entity: Record<string, unknown> & { id: string; accountId: string },
  ): Promise<never> {
    if (!isDuplicateKey(err)) throw err;
    const fromPattern = Object.keys(err.keyPattern ?? {}).find((k) => k !== 'accountId');
    let field = fromPattern === '_id' ? 'id' : fromPattern;
    for (const rule of field === undefined ? this.spec.unique : []) {
      const value = entity[rule.field];
      if (value === undefined || value === null) continue;
      const other = await this.model.exists({
        [rule.field]: value,
        _id: { $ne: entity.id },
        ...(rule.global ? {} : { accountId: entity.accountId }),
      });
      if (other) field = rule.field;
    }
    throw appError('ALREADY_EXISTS', { kind: this.spec.kind, field: field ?? 'id' });
  }

  private toDoc(entity: Record<string, unknown> & { id: string }): Doc {
    const { id, ...rest } = entity;
    const doc: Doc = { _id: id, ...this.encode(rest) };
    for (const field of this.optionalFields) if (doc[field] === null) delete doc[field];
    return doc;
  }

  /** JSON fields as text: their keys may hold '.' or '$', which FerretDB refuses in field names. */
  private encode(fields: Record<string, unknown>): Record<string, unknown> {
    const out = { ...fields };
    if (Array.isArray(fields.tags)) out.tagIndex = tagIndex(fields.tags as Tag[]);
    // A write that carries the source field carries its whole value, so the key is recomputed with it.
    for (const d of this.spec.derived ?? []) if (d.from in fields) out[d.field] = d.key(fields[d.from]);
    for (const field of this.spec.json) if (out[field] !== undefined) out[field] = JSON.stringify(out[field]);
    return out;
  }

  private fromDoc(doc: Doc): Entity {
    const { _id, tagIndex: _derived, ...rest } = doc;
    const entity: Record<string, unknown> = { id: _id, ...rest };
    for (const d of this.spec.derived ?? []) delete entity[d.field];
    for (const field of this.spec.json)
      if (typeof entity[field] === 'string') entity[field] = JSON.parse(entity[field]);
    for (const field of this.optionalFields) entity[field] ??= null;
    return entity as unknown as Entity;
  }
}
