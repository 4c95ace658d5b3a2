/**
 * Projects (TEN-1): named containers inside an account; groups bind policies at a project's scope (ENT-4).
 * TEN-6 has no row for projects: their names follow the group rule's characters, 3–64 long. Deleting a
 * project removes every group's bindings of it (ENT-4) after the project itself is gone, one group
 * document at a time (no transactions on FerretDB); the clean-up also runs for ids that are already gone,
 * so retrying a delete interrupted between the two steps finishes it.
 */
import { z } from 'zod';
import { appError } from '../errors.js';
import type { Project } from '../store/ports.js';
import type { GroupService } from './groups.js';
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
import { NAME_RULES, commonFields, parseInput, versionRule } from './validation.js';

export class ProjectService {
  private readonly createSchema;
  private readonly updateSchema;

  constructor(
    private readonly deps: IamDeps,
    private readonly groups: Pick<GroupService, 'removeProjectBindings'>,
  ) {
    const common = commonFields(deps.limits);
    this.createSchema = z.strictObject({ name: NAME_RULES.project, ...common });
    this.updateSchema = z.strictObject({ version: versionRule, name: NAME_RULES.project.optional(), ...common });
  }

  async create(accountId: string, input: unknown, by: Actor): Promise<Project> {
    await mustGet(this.deps.store.accounts, 'account', accountId, accountId);
    const d = parseInput(this.createSchema, input);
    return this.deps.store.projects.create({
      accountId,
      name: d.name,
      ...defined({ description: d.description ?? undefined, tags: d.tags }),
      createdBy: by,
    });
  }

  get(accountId: string, id: string): Promise<Project> {
    return mustGet(this.deps.store.projects, 'project', accountId, id);
  }

  async list(accountId: string, query: unknown) {
    return pageOf(await this.deps.store.projects.list(accountId, parseListQuery(query, this.deps.limits)), (p) => p);
  }

  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<Project> {
    const { version, ...rest } = parseInput(this.updateSchema, input);
    return this.deps.store.projects.update(accountId, id, version, defined(rest), by);
  }

  async delete(accountId: string, id: string, by: Actor): Promise<void> {
    const existed = await this.deps.store.projects.delete(accountId, id);
    await this.groups.removeProjectBindings(accountId, [id], by);
    if (!existed) throw appError('NOT_FOUND', { kind: 'project', id });
  }

  async bulkDelete(accountId: string, ids: readonly string[], by: Actor): Promise<BulkResult> {
    const { entities: _gone, ...result } = await bulkDeleteEntities(
      this.deps.store.projects,
      accountId,
      ids,
      () => null,
    );
    await this.groups.removeProjectBindings(accountId, [...result.deleted, ...result.notFound], by);
    return result;
  }
}
