import mongoose from 'mongoose';
import type { AuditEvent, AuditLog, AuditQuery, Page, Store, StoreOptions } from '../ports.js';
import {
  assembleRepositories,
  auditCursor,
  pageLimit,
  parseAuditCursor,
  policyTargets,
  resolveOptions,
  toPage,
  type ResolvedOptions,
  type StoreDeps,
} from '../shared.js';
import { guarded } from './errors.js';
import { auditModel, ensureModel, entityModel, type Doc, type DocModel } from './models.js';
import { MongoRepository } from './mongo-repository.js';

/** Production adapter: MongoDB (or FerretDB) through mongoose, on a connection of its own. */

export interface MongoStoreOptions extends StoreOptions {
  uri: string;
  /** How long an operation waits for a server before STORE_UNAVAILABLE; short so requests fail closed fast. */
  serverSelectionTimeoutMS?: number;
}

class MongoAuditLog implements AuditLog {
  constructor(
    private readonly model: DocModel,
    private readonly deps: StoreDeps,
    private readonly options: ResolvedOptions,
  ) {}

  append(event: Omit<AuditEvent, 'id' | 'at'> & { id?: string; at?: number }): Promise<AuditEvent> {
    return guarded(async () => {
      const stored: AuditEvent = {
        ...event,
        id: event.id ?? this.deps.ids.hex32(),
        at: event.at ?? this.deps.clock.now(),
      };
      const { id, ...rest } = stored;
      await this.model.create({ _id: id, ...rest });
      return structuredClone(stored);
    });
  }

  list(accountId: string, query: AuditQuery = {}): Promise<Page<AuditEvent>> {
    return guarded(async () => {
      const limit = pageLimit(query.limit, this.options.maxPageSize);
      const after = query.cursor === undefined ? null : parseAuditCursor(query.cursor);
      const at = {
        ...(query.from === undefined ? {} : { $gte: query.from }),
        ...(query.to === undefined ? {} : { $lt: query.to }),
      };
      const docs = await this.model
        .find({
          accountId,
          ...(Object.keys(at).length ? { at } : {}),
          ...(after === null ? {} : { $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] }),
        })
        .sort({ at: -1, _id: -1 })
        .limit(limit + 1)
        .lean<Doc[]>();
      const events = docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }) as unknown as AuditEvent);
      return toPage(events, limit, auditCursor);
    });
  }
}

export function createMongoStore(deps: StoreDeps, options: MongoStoreOptions): Store {
  const resolved = resolveOptions(options);
  const timeout = options.serverSelectionTimeoutMS ?? 2000;
  const conn = mongoose.createConnection(options.uri, { serverSelectionTimeoutMS: timeout, connectTimeoutMS: timeout });
  // Connection errors surface per operation as STORE_UNAVAILABLE; without a listener they would be fatal.
  conn.on('error', () => {});
  const models: DocModel[] = [];
  const repos = assembleRepositories((name, spec) => {
    const model = entityModel(conn, name, spec, timeout);
    models.push(model);
    return new MongoRepository(model, spec, deps, resolved);
  });
  const audit = auditModel(conn, timeout);
  models.push(audit);

  return {
    ...repos,
    audit: new MongoAuditLog(audit, deps, resolved),
    policyTargets: (accountId, policyId) => policyTargets(repos, accountId, policyId),
    init: () =>
      guarded(async () => {
        await conn.asPromise();
        for (const model of models) await ensureModel(model);
      }),
    ping: () =>
      guarded(async () => {
        await conn.asPromise();
        await conn.db?.command({ ping: 1 });
      }),
    close: () => conn.close(),
  } satisfies Store;
}
