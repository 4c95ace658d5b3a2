/**
 * User groups (ENT-3, ENT-4, ENT-5). Members must be IAM users of the same account: an unknown id and a
 * user of another account are both "not found" (existence elsewhere is not disclosed), the root user is
 * not an IAM user. Removing a member publishes `user:<id>`; deleting a group, detaching one of its
 * policies or removing a role binding publishes `group:<id>` (and the members' user keys on delete).
 */
import { z } from 'zod';
import { AppError, appError, validationFailed, type Violation } from '../errors.js';
import { listAll } from '../store/shared.js';
import type { Group, RoleBinding } from '../store/ports.js';
import { IAM_ACTIONS } from '../policy/index.js';
import {
  attachPolicyIds,
  bodyIds,
  bulkDeleteEntities,
  detachPolicyId,
  defined,
  missingIds,
  mustGet,
  pageOf,
  parseListQuery,
  withRevocation,
  type Actor,
  type BulkResult,
  type CreateGrant,
  type IamDeps,
} from './common.js';
import { revocationKeys } from '../authz/revocation.js';
import { NAME_RULES, assertNoViolations, commonFields, idList, parseInput, versionRule } from './validation.js';

const bindingSchema = z.strictObject({
  scope: z.enum(['account', 'project']),
  projectId: z.string().min(1).optional(),
  policyIds: idList.min(1, { error: 'ROLE_BINDINGS_EMPTY' }),
});

const PROJECT_MISSING: Violation = {
  path: 'projectId',
  code: 'PROJECT_NOT_FOUND',
  message: 'A project scope names a project of this account.',
};

export class GroupService {
  private readonly createSchema;
  private readonly updateSchema;

  constructor(private readonly deps: IamDeps) {
    const common = commonFields(deps.limits);
    this.createSchema = z.strictObject({
      name: NAME_RULES.group,
      memberIds: idList.optional(),
      policyIds: idList.optional(),
      ...common,
    });
    this.updateSchema = z.strictObject({ version: versionRule, name: NAME_RULES.group.optional(), ...common });
  }

  /** ENT-3: violations for ids that are not IAM users of this account. */
  private async memberViolations(accountId: string, userIds: readonly string[], path: string): Promise<Violation[]> {
    const users = await Promise.all(userIds.map((id) => this.deps.store.users.get(accountId, id)));
    return users.flatMap((u, i): Violation[] => {
      if (u === null)
        return [
          { path: `${path}[${i}]`, code: 'MEMBER_NOT_FOUND', message: `No such user in this account: ${userIds[i]}` },
        ];
      if (u.kind !== 'iam')
        return [
          { path: `${path}[${i}]`, code: 'MEMBER_NOT_IAM_USER', message: 'Only IAM users can be group members.' },
        ];
      return [];
    });
  }

  async create(accountId: string, input: unknown, by: Actor): Promise<Group> {
    const { store } = this.deps;
    await mustGet(store.accounts, 'account', accountId, accountId);
    const d = parseInput(this.createSchema, input);
    const memberIds = [...new Set(d.memberIds ?? [])];
    const policyIds = [...new Set(d.policyIds ?? [])];
    assertNoViolations([
      ...(await this.memberViolations(accountId, memberIds, 'memberIds')),
      ...(await missingIds(store.policies, accountId, policyIds, 'policyIds', 'POLICY_NOT_FOUND')),
    ]);
    return store.groups.create({
      accountId,
      name: d.name,
      memberIds,
      policyIds,
      roleBindings: [],
      ...defined({ description: d.description ?? undefined, tags: d.tags }),
      createdBy: by,
    });
  }

  /** ENT-7: a new group's members and policies need addUserToGroup / attachGroupPolicy, as the routes that add them later. */
  async createGrants(_accountId: string, input: unknown): Promise<CreateGrant[]> {
    return [
      { action: IAM_ACTIONS.addUserToGroup, type: 'user', ids: bodyIds(input, 'memberIds') },
      { action: IAM_ACTIONS.attachGroupPolicy, type: 'policy', ids: bodyIds(input, 'policyIds') },
    ];
  }

  get(accountId: string, id: string): Promise<Group> {
    return mustGet(this.deps.store.groups, 'group', accountId, id);
  }

  async list(accountId: string, query: unknown) {
    return pageOf(await this.deps.store.groups.list(accountId, parseListQuery(query, this.deps.limits)), (g) => g);
  }

  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<Group> {
    const { version, ...rest } = parseInput(this.updateSchema, input);
    return this.deps.store.groups.update(accountId, id, version, defined(rest), by);
  }

  async delete(accountId: string, id: string, by: Actor): Promise<void> {
    const result = await this.bulkDelete(accountId, [id], by);
    if (result.notFound.length > 0) throw appError('NOT_FOUND', { kind: 'group', id });
  }

  /** TEN-7; ENT-5: every member of a deleted group loses what it granted at once. */
  async bulkDelete(accountId: string, ids: readonly string[], _by: Actor): Promise<BulkResult> {
    const groups = (await Promise.all(ids.map((id) => this.deps.store.groups.get(accountId, id)))).filter(
      (g): g is Group => g !== null,
    );
    const keys = [
      ...new Set(groups.flatMap((g) => [revocationKeys.group(g.id), ...g.memberIds.map(revocationKeys.user)])),
    ];
    const { entities: _gone, ...result } = await withRevocation(this.deps, keys, () =>
      bulkDeleteEntities(this.deps.store.groups, accountId, ids, () => null),
    );
    return result;
  }

  async members(accountId: string, id: string) {
    const group = await this.get(accountId, id);
    const users = await Promise.all(group.memberIds.map((m) => this.deps.store.users.get(accountId, m)));
    return users.filter((u) => u !== null).map((u) => ({ id: u.id, name: u.name, state: u.state }));
  }

  async addMembers(accountId: string, id: string, input: unknown, by: Actor): Promise<Group> {
    const { userIds } = parseInput(z.strictObject({ userIds: idList.min(1, { error: 'REQUIRED' }) }), input);
    await this.get(accountId, id);
    assertNoViolations(await this.memberViolations(accountId, userIds, 'userIds'));
    return this.deps.store.groups.mutate(accountId, id, by, (g) => {
      const add = userIds.filter((u) => !g.memberIds.includes(u));
      return add.length === 0 ? null : { memberIds: [...g.memberIds, ...new Set(add)] };
    });
  }

  /** ENT-5: the removed user's sessions and tokens issued before now stop working. */
  async removeMember(accountId: string, id: string, userId: string, by: Actor): Promise<Group> {
    const group = await this.get(accountId, id);
    if (!group.memberIds.includes(userId)) throw appError('NOT_FOUND', { kind: 'member', id: userId });
    return withRevocation(this.deps, [revocationKeys.user(userId)], () =>
      this.deps.store.groups.mutate(accountId, id, by, (g) =>
        g.memberIds.includes(userId) ? { memberIds: g.memberIds.filter((m) => m !== userId) } : null,
      ),
    );
  }

  attachPolicies(accountId: string, id: string, input: unknown, by: Actor): Promise<Group> {
    return attachPolicyIds(this.deps, this.deps.store.groups, 'group', accountId, id, input, by);
  }

  detachPolicy(accountId: string, id: string, policyId: string, by: Actor): Promise<Group> {
    return detachPolicyId(this.deps, this.deps.store.groups, 'group', accountId, id, policyId, by, [
      revocationKeys.group(id),
    ]);
  }

  /**
   * ENT-4: replaces the policy set bound at one scope. Editing may not leave a scope empty (an empty list
   * is refused with ROLE_BINDINGS_EMPTY); `removeBindings` is the separate "remove all".
   */
  async setBindings(accountId: string, id: string, input: unknown, by: Actor): Promise<Group> {
    const d = parseInput(bindingSchema, input);
    const group = await this.get(accountId, id);
    const violations = await missingIds(
      this.deps.store.policies,
      accountId,
      d.policyIds,
      'policyIds',
      'POLICY_NOT_FOUND',
    );
    if (
      d.scope === 'project' &&
      (d.projectId === undefined || (await this.deps.store.projects.get(accountId, d.projectId)) === null)
    )
      violations.push(PROJECT_MISSING);
    if (d.scope === 'account' && d.projectId !== undefined)
      violations.push({ path: 'projectId', code: 'UNKNOWN_FIELD', message: 'The account scope has no project.' });
    assertNoViolations(violations);
    const next: RoleBinding = {
      scope: d.scope,
      ...(d.projectId === undefined ? {} : { projectId: d.projectId }),
      policyIds: [...new Set(d.policyIds)],
    };
    // Only a binding that loses policies revokes: adding permissions needs no new token.
    const before = group.roleBindings.find((b) => sameScope(b, next))?.policyIds ?? [];
    const keys = before.some((p) => !next.policyIds.includes(p)) ? [revocationKeys.group(id)] : [];
    const written = await withRevocation(this.deps, keys, () =>
      this.deps.store.groups.mutate(accountId, id, by, (g) => ({
        roleBindings: [...g.roleBindings.filter((b) => !sameScope(b, next)), next],
      })),
    );
    // A project deleted between the check above and this write would keep a binding nobody cleans up:
    // the project deletion removes bindings after the project is gone, so checking again here closes the gap.
    if (next.projectId !== undefined && (await this.deps.store.projects.get(accountId, next.projectId)) === null) {
      await this.removeProjectBindings(accountId, [next.projectId], by);
      throw validationFailed([PROJECT_MISSING]);
    }
    return written;
  }

  /**
   * ENT-4: removes every group's bindings of the given projects (their deletion). One single-document
   * write per group, publishing `group:<id>` around it (ENT-5); a group deleted meanwhile is skipped, and
   * running it again changes nothing, so an interrupted deletion can simply be retried.
   */
  async removeProjectBindings(accountId: string, projectIds: readonly string[], by: Actor): Promise<string[]> {
    const gone = new Set(projectIds);
    const bound = (b: RoleBinding) => b.scope === 'project' && b.projectId !== undefined && gone.has(b.projectId);
    const groups = (await listAll(this.deps.store.groups, accountId, {})).filter((g) => g.roleBindings.some(bound));
    const changed: string[] = [];
    for (const group of groups) {
      try {
        await withRevocation(this.deps, [revocationKeys.group(group.id)], () =>
          this.deps.store.groups.mutate(accountId, group.id, by, (g) =>
            g.roleBindings.some(bound) ? { roleBindings: g.roleBindings.filter((b) => !bound(b)) } : null,
          ),
        );
        changed.push(group.id);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
      }
    }
    return changed;
  }

  /** ENT-4 "remove all" of one scope (`projectId` given: that project's scope, else the account scope). */
  async removeBindings(
    accountId: string,
    id: string,
    scope: { projectId?: string | undefined },
    by: Actor,
  ): Promise<Group> {
    await this.get(accountId, id);
    const target: Pick<RoleBinding, 'scope' | 'projectId'> =
      scope.projectId === undefined ? { scope: 'account' } : { scope: 'project', projectId: scope.projectId };
    return withRevocation(this.deps, [revocationKeys.group(id)], () =>
      this.deps.store.groups.mutate(accountId, id, by, (g) =>
        g.roleBindings.some((b) => sameScope(b, target))
          ? { roleBindings: g.roleBindings.filter((b) => !sameScope(b, target)) }
          : null,
      ),
    );
  }
}

function sameScope(a: Pick<RoleBinding, 'scope' | 'projectId'>, b: Pick<RoleBinding, 'scope' | 'projectId'>): boolean {
  return a.scope === b.scope && (a.scope === 'account' || a.projectId === b.projectId);
}
