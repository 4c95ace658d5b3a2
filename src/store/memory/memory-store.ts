import type { AuditEvent, AuditLog, AuditQuery, Entity, Page, Store, StoreOptions } from '../ports.js';
import { REPOSITORY_NAMES, type RepositoryName } from '../aggregates.js';
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
import { JsonFile } from './json-file.js';
import { MemoryRepository } from './memory-repository.js';

/** Default adapter of `npm start`: everything in process memory, optionally persisted to one JSON file. */

interface Snapshot {
  format: 1;
  collections: Partial<Record<RepositoryName, Entity[]>>;
  audit: AuditEvent[];
}

class MemoryAuditLog implements AuditLog {
  constructor(
    private readonly events: AuditEvent[],
    private readonly deps: StoreDeps,
    private readonly options: ResolvedOptions,
    private readonly onChange: () => void,
  ) {}

  async append(event: Omit<AuditEvent, 'id' | 'at'> & { id?: string; at?: number }): Promise<AuditEvent> {
    const stored: AuditEvent = structuredClone({
      ...event,
      id: event.id ?? this.deps.ids.hex32(),
      at: event.at ?? this.deps.clock.now(),
    });
    this.events.push(stored);
    this.onChange();
    return structuredClone(stored);
  }

  async list(accountId: string, query: AuditQuery = {}): Promise<Page<AuditEvent>> {
    const limit = pageLimit(query.limit, this.options.maxPageSize);
    const after = query.cursor === undefined ? null : parseAuditCursor(query.cursor);
    const rows = this.events
      .filter(
        (e) =>
          e.accountId === accountId &&
          (query.from === undefined || e.at >= query.from) &&
          (query.to === undefined || e.at < query.to) &&
          (after === null || e.at < after.at || (e.at === after.at && e.id < after.id)),
      )
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
      .slice(0, limit + 1);
    return toPage(structuredClone(rows), limit, auditCursor);
  }
}

export interface MemoryStoreOptions extends StoreOptions {
  /** Persist to this JSON file; empty or absent = memory only. */
  file?: string;
}

export function createMemoryStore(deps: StoreDeps, options: MemoryStoreOptions = {}): Store {
  const resolved = resolveOptions(options);
  const tables = new Map(REPOSITORY_NAMES.map((name) => [name, new Map<string, Entity & Record<string, unknown>>()]));
  const audit: AuditEvent[] = [];
  let loaded = false;
  const snapshot = (): Snapshot => ({
    format: 1,
    collections: Object.fromEntries([...tables].map(([name, rows]) => [name, [...rows.values()]])),
    audit,
  });
  const file = options.file ? new JsonFile<Snapshot>(options.file, snapshot) : null;
  // Writes before init() (nothing loaded yet) must not overwrite the file with an empty snapshot.
  const onChange = (): void => {
    if (loaded) file?.schedule();
  };
  const table = (name: RepositoryName) => tables.get(name) ?? new Map<string, Entity & Record<string, unknown>>();
  const repos = assembleRepositories((name, spec) => new MemoryRepository(spec, table(name), deps, resolved, onChange));

  return {
    ...repos,
    audit: new MemoryAuditLog(audit, deps, resolved, onChange),
    policyTargets: (accountId, policyId) => policyTargets(repos, accountId, policyId),
    async init() {
      const saved = loaded ? null : await file?.load();
      for (const [name, rows] of Object.entries(saved?.collections ?? {}))
        for (const row of rows)
          tables.get(name as RepositoryName)?.set(row.id, row as Entity & Record<string, unknown>);
      audit.push(...(saved?.audit ?? []));
      loaded = true;
    },
    async ping() {},
    async close() {
      await file?.flush();
    },
  } satisfies Store;
}
