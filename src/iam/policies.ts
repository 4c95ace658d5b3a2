/**
 * Policies (ENT-6, POL-1/2): documents are validated with the shared evaluator's `validatePolicy`, and
 * every error comes back as a violation at `document.<JSON path>` with the evaluator's stable code.
 * Built-in (`default`) policies are read-only. A document change bumps `policyVersion`, which is what the
 * authorizer's compile cache is keyed by. Deleting a policy detaches it from its targets first.
 */
import { z } from 'zod';
import { appError, type Violation } from '../errors.js';
import { validatePolicy } from '../policy/index.js';
import type { Group, Policy } from '../store/ports.js';
import { listAll } from '../store/shared.js';
import { groupPolicyIds } from '../authz/applicable.js';
import {
  bulkDeleteEntities,
  defined,
  mustGet,
  pageOf,
  parseListQuery,
  withRevocation,
  type Actor,
  type BulkResult,
  type IamDeps,
} from './common.js';
import { revocationKeys } from '../authz/revocation.js';
import { NAME_RULES, commonFields, parseInput, versionRule } from './validation.js';

export interface PolicyLimits {
  /** POL-2 document size in bytes. */
  policyDocumentBytes: number;
}

export interface EffectivePolicy {
  policy: { id: string; name: string; type: Policy['type'] };
  /** ENT-6 connection method. */
  connection: 'direct' | 'group' | 'both';
  /** The groups it comes through (directly or by a role binding). */
  groups: Array<{ id: string; name: string }>;
}

const documentInput = z.union([z.string(), z.record(z.string(), z.unknown())]);

export class PolicyService {
  private readonly createSchema;
  private readonly updateSchema;

  constructor(
    private readonly deps: IamDeps,
    private readonly policyLimits: PolicyLimits,
  ) {
    const common = commonFields(deps.limits);
    this.createSchema = z.strictObject({ name: NAME_RULES.policy, document: documentInput, ...common });
    this.updateSchema = z.strictObject({
      version: versionRule,
      name: NAME_RULES.policy.optional(),
      document: documentInput.optional(),
      ...common,
    });
  }

  /** The parsed document, or violations at `document…` for every error the validator found. */
  private checkDocument(document: unknown, violations: Violation[]): Record<string, unknown> | null {
    // A wrong type is reported once, by the schema.
    if (typeof document !== 'string' && (typeof document !== 'object' || document === null || Array.isArray(document)))
      return null;
    const text = typeof document === 'string' ? document : JSON.stringify(document);
    const result = validatePolicy(text, { kind: 'identity', maxBytes: this.policyLimits.policyDocumentBytes });
    if (result.ok) return result.policy as unknown as Record<string, unknown>;
    for (const e of result.errors)
      violations.push({ path: `document${e.path.replace(/^\$/, '')}`, code: e.code, message: e.message });
    return null;
  }

  private parse<S extends z.ZodType>(
    schema: S,
    input: unknown,
  ): { data: z.output<S>; document: Record<string, unknown> | null } {
    const violations: Violation[] = [];
    const raw = (input ?? {}) as Record<string, unknown>;
    const document = typeof raw === 'object' ? this.checkDocument(raw.document, violations) : null;
    return { data: parseInput(schema, input, violations), document };
  }

  async create(accountId: string, input: unknown, by: Actor): Promise<Policy> {
    await mustGet(this.deps.store.accounts, 'account', accountId, accountId);
    const { data, document } = this.parse(this.createSchema, input);
    return this.deps.store.policies.create({
      accountId,
      name: data.name,
      type: 'custom',
      document: document as Record<string, unknown>,
      policyVersion: 1,
      ...defined({ description: data.description ?? undefined, tags: data.tags }),
      createdBy: by,
    });
  }

  get(accountId: string, id: string): Promise<Policy> {
    return mustGet(this.deps.store.policies, 'policy', accountId, id);
  }

  async list(accountId: string, query: unknown) {
    const { type, ...rest } = (query ?? {}) as Record<string, unknown>;
    const parsedType = parseInput(z.strictObject({ type: z.enum(['default', 'custom']).optional() }), { type });
    const page = await this.deps.store.policies.list(accountId, {
      ...parseListQuery(rest, this.deps.limits),
      ...defined(parsedType),
    });
    return pageOf(page, (p) => p);
  }

  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<Policy> {
    const { data, document } = this.parse(this.updateSchema, input);
    const current = await this.get(accountId, id);
    if (current.type === 'default') throw appError('POLICY_READ_ONLY', { id });
    const { version, document: _d, ...rest } = data;
    const changed = document !== null && JSON.stringify(document) !== JSON.stringify(current.document);
    const patch = { ...defined(rest), ...(changed ? { document, policyVersion: current.policyVersion + 1 } : {}) };
    return this.deps.store.policies.update(accountId, id, version, patch, by);
  }

  async delete(accountId: string, id: string, by: Actor): Promise<void> {
    const result = await this.bulkDelete(accountId, [id], by);
    if (result.notFound.length > 0) throw appError('NOT_FOUND', { kind: 'policy', id });
    if (result.refused.length > 0) throw appError('POLICY_READ_ONLY', { id });
  }

  /** TEN-7; built-ins are refused. Targets lose the policy first, then the policy goes. */
  async bulkDelete(accountId: string, ids: readonly string[], by: Actor): Promise<BulkResult> {
    const { store } = this.deps;
    const custom = (await Promise.all(ids.map((id) => store.policies.get(accountId, id)))).filter(
      (p): p is Policy => p !== null && p.type === 'custom',
    );
    for (const p of custom) await this.detachEverywhere(accountId, p.id, by);
    const { entities: _gone, ...result } = await bulkDeleteEntities(store.policies, accountId, ids, (p) =>
      p.type === 'default' ? 'POLICY_READ_ONLY' : null,
    );
    return result;
  }

  private async detachEverywhere(accountId: string, policyId: string, by: Actor): Promise<void> {
    const { store } = this.deps;
    const t = await store.policyTargets(accountId, policyId);
    const keys = [...t.users.map((u) => revocationKeys.user(u.id)), ...t.groups.map((g) => revocationKeys.group(g.id))];
    const without = (ids: string[]) => ids.filter((p) => p !== policyId);
    await withRevocation(this.deps, keys, async () => {
      for (const u of t.users)
        await store.users.mutate(accountId, u.id, by, (cur) => ({ policyIds: without(cur.policyIds) }));
      for (const r of t.roles)
        await store.roles.mutate(accountId, r.id, by, (cur) => ({ policyIds: without(cur.policyIds) }));
      for (const g of t.groups) {
        await store.groups.mutate(accountId, g.id, by, (cur) => ({
          policyIds: without(cur.policyIds),
          // A binding left empty is removed with its last policy (ENT-4 forbids empty bindings).
          roleBindings: cur.roleBindings
            .map((b) => ({ ...b, policyIds: without(b.policyIds) }))
            .filter((b) => b.policyIds.length > 0),
        }));
      }
    });
  }

  /** ENT-6 connected targets. */
  async targets(accountId: string, id: string) {
    await this.get(accountId, id);
    const t = await this.deps.store.policyTargets(accountId, id);
    const brief = (e: { id: string; name: string }) => ({ id: e.id, name: e.name });
    return { users: t.users.map(brief), groups: t.groups.map(brief), roles: t.roles.map(brief) };
  }

  /** ENT-6: each policy that applies to a user at account scope, with how it is connected. */
  async effectiveFor(accountId: string, userId: string): Promise<EffectivePolicy[]> {
    const { store } = this.deps;
    const user = await mustGet(store.users, 'user', accountId, userId);
    const groups = await listAll(store.groups, accountId, { memberId: userId });
    const via = new Map<string, { direct: boolean; groups: Group[] }>();
    const entry = (pid: string) => via.get(pid) ?? via.set(pid, { direct: false, groups: [] }).get(pid)!;
    for (const pid of user.policyIds) entry(pid).direct = true;
    for (const g of groups)
      for (const pid of new Set(groupPolicyIds(g, { projectId: undefined }))) entry(pid).groups.push(g);
    const policies = await Promise.all([...via.keys()].map((pid) => store.policies.get(accountId, pid)));
    return policies
      .filter((p): p is Policy => p !== null)
      .map((p) => {
        const v = via.get(p.id)!;
        return {
          policy: { id: p.id, name: p.name, type: p.type },
          connection: v.direct && v.groups.length > 0 ? 'both' : v.direct ? 'direct' : 'group',
          groups: v.groups.map((g) => ({ id: g.id, name: g.name })),
        };
      });
  }
}
