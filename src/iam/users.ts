/**
 * IAM users (ENT-1, ENT-2, ENT-5, ENT-8, TEN-6). Creation checks the shape, the password (given, or
 * generated through the password rules and shown once), the groups, the policies and the user to copy
 * permissions from, and reports every violation at once before writing anything. The username never
 * changes. Disabling or deleting a user, and detaching one of its policies, publishes `user:<id>`.
 */
import { z } from 'zod';
import { appError, type Violation } from '../errors.js';
import type { NewPasswordContext } from '../passwords/index.js';
import type { Store, User } from '../store/ports.js';
import { listAll } from '../store/shared.js';
import { IAM_ACTIONS } from '../policy/index.js';
import {
  attachPolicyIds,
  bodyIds,
  bulkDeleteEntities,
  detachPolicyId,
  defined,
  loginUrlOf,
  missingIds,
  mustGet,
  parseListQuery,
  pageOf,
  withRevocation,
  type Actor,
  type BulkResult,
  type CreateGrant,
  type IamDeps,
} from './common.js';
import { revocationKeys } from '../authz/revocation.js';
import {
  NAME_RULES,
  assertNoViolations,
  commonFields,
  idList,
  parseInput,
  toViolations,
  versionRule,
} from './validation.js';

export interface LoginInfo {
  accountId: string;
  username: string;
  /** Only in the create response, only when generated here (ENT-2). */
  password: string | null;
  loginUrl: string;
}

export type UserView = Omit<User, 'passwordHash' | 'passwordHistory' | 'mfa'> & { mfa: { enrolled: boolean } };

/**
 * Contacts set through the admin API are never verified: LOGIN-8 account switching trusts a *verified*
 * shared contact, so a caller able to mark its own (or anyone's) address verified could switch into the
 * root user. Verification needs proof of possession by the contact's owner (its own flow).
 */
const contact = z
  .strictObject({
    value: z.string().min(1).max(254),
    verified: z.literal(false, { error: 'CONTACT_VERIFICATION_NOT_ALLOWED' }).default(false),
  })
  .nullable();
const timezone = z.string().refine(isTimeZone, { error: 'TIMEZONE_INVALID' }).nullable();
const reuse = z
  .number()
  .int()
  .min(1, { error: 'REUSE_RESTRICTION_OUT_OF_RANGE' })
  .max(24, { error: 'REUSE_RESTRICTION_OUT_OF_RANGE' });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class UserService {
  private readonly createSchema;
  private readonly updateSchema;

  constructor(private readonly deps: IamDeps) {
    const common = commonFields(deps.limits);
    this.createSchema = z.strictObject({
      name: NAME_RULES.user,
      password: z.string().optional(),
      email: contact.optional(),
      phone: contact.optional(),
      timezone: timezone.optional(),
      reuseRestriction: reuse.optional(),
      mustChangePassword: z.boolean().optional(),
      groupIds: idList.optional(),
      policyIds: idList.optional(),
      copyFromUserId: z.string().min(1).optional(),
      ...common,
    });
    this.updateSchema = z.strictObject({
      version: versionRule,
      name: z
        .unknown()
        .refine(() => false, { error: 'NAME_IMMUTABLE' })
        .optional(),
      email: contact.optional(),
      phone: contact.optional(),
      timezone: timezone.optional(),
      reuseRestriction: reuse.optional(),
      mustChangePassword: z.boolean().optional(),
      state: z.enum(['active', 'disabled']).optional(),
      ...common,
    });
  }

  view(u: User): UserView {
    const { passwordHash: _h, passwordHistory: _p, mfa, ...rest } = u;
    return { ...rest, mfa: { enrolled: mfa.enrolled } };
  }

  /** A given password must pass every rule (throws PASSWORD_REJECTED); none given → a generated one. */
  async choosePassword(
    given: string | undefined,
    identity: NewPasswordContext,
  ): Promise<{ value: string; generated: boolean }> {
    if (given !== undefined) {
      await this.deps.passwords.validateNewPassword(given, identity);
      return { value: given, generated: false };
    }
    return { value: this.deps.passwords.generate(identity), generated: true };
  }

  async createRoot(
    accountId: string,
    name: string,
    password: { value: string },
    email: string | null,
    by: Actor,
  ): Promise<User> {
    return this.deps.store.users.create(
      await this.record(
        accountId,
        name,
        password.value,
        { kind: 'root', email: email ? { value: email, verified: false } : null, mustChangePassword: false },
        by,
      ),
    );
  }

  /** ENT-2: the user, its login information (password once), memberships and attachments. */
  async create(accountId: string, input: unknown, by: Actor): Promise<{ user: UserView; login: LoginInfo }> {
    const { store, passwords } = this.deps;
    const account = await mustGet(store.accounts, 'account', accountId, accountId);
    const parsed = this.createSchema.safeParse(input ?? {});
    const violations: Violation[] = parsed.success ? [] : toViolations(parsed.error);
    const raw = (input ?? {}) as Record<string, unknown>;
    const identity = {
      username: typeof raw.name === 'string' ? raw.name : '',
      accountId,
      accountAlias: account.alias ?? undefined,
    };
    if (typeof raw.password === 'string') {
      for (const v of await passwords.checkNewPassword(raw.password, identity))
        violations.push({ path: 'password', code: v.code, message: v.message });
    }
    const copy =
      parsed.success && parsed.data.copyFromUserId !== undefined
        ? await store.users.get(accountId, parsed.data.copyFromUserId)
        : null;
    if (parsed.success) {
      const d = parsed.data;
      violations.push(...(await missingIds(store.groups, accountId, d.groupIds ?? [], 'groupIds', 'GROUP_NOT_FOUND')));
      violations.push(
        ...(await missingIds(store.policies, accountId, d.policyIds ?? [], 'policyIds', 'POLICY_NOT_FOUND')),
      );
      if (d.copyFromUserId !== undefined && (copy === null || copy.kind !== 'iam'))
        violations.push({
          path: 'copyFromUserId',
          code: 'USER_NOT_FOUND',
          message: 'No such IAM user in this account.',
        });
    }
    assertNoViolations(violations);
    const d = parsed.data as NonNullable<typeof parsed.data>;
    const password =
      d.password === undefined
        ? { value: passwords.generate(identity), generated: true }
        : { value: d.password, generated: false };
    const copiedGroups =
      copy === null ? [] : (await listAll(store.groups, accountId, { memberId: copy.id })).map((g) => g.id);
    const policyIds = [...new Set([...(d.policyIds ?? []), ...(copy?.policyIds ?? [])])];
    const user = await store.users.create(
      await this.record(
        accountId,
        d.name,
        password.value,
        {
          kind: 'iam',
          ...defined({
            email: d.email,
            phone: d.phone,
            timezone: d.timezone,
            reuseRestriction: d.reuseRestriction,
            description: d.description ?? undefined,
            tags: d.tags,
          }),
          mustChangePassword: d.mustChangePassword ?? password.generated,
          policyIds,
        },
        by,
      ),
    );
    for (const groupId of new Set([...(d.groupIds ?? []), ...copiedGroups])) {
      await store.groups.mutate(accountId, groupId, by, (g) =>
        g.memberIds.includes(user.id) ? null : { memberIds: [...g.memberIds, user.id] },
      );
    }
    const login = {
      accountId,
      username: user.name,
      password: password.generated ? password.value : null,
      loginUrl: loginUrlOf(this.deps.publicUrl, account),
    };
    return { user: this.view(user), login };
  }

  /**
   * ENT-7: what a new user is given needs the permission to give it: attachUserPolicy on each policy and
   * addUserToGroup on each group, including those copied from `copyFromUserId` (plus getUser on that user,
   * whose permissions are read). Otherwise `iam:createUser` alone mints an administrator.
   */
  async createGrants(accountId: string, input: unknown): Promise<CreateGrant[]> {
    const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    const sourceId =
      typeof raw.copyFromUserId === 'string' && raw.copyFromUserId.length > 0 ? raw.copyFromUserId : null;
    const source = sourceId === null ? null : await this.deps.store.users.get(accountId, sourceId);
    const copiedGroups =
      source === null
        ? []
        : (await listAll(this.deps.store.groups, accountId, { memberId: source.id })).map((g) => g.id);
    const union = (a: string[], b: readonly string[]) => [...new Set([...a, ...b])];
    return [
      { action: IAM_ACTIONS.getUser, type: 'user', ids: sourceId === null ? [] : [sourceId] },
      {
        action: IAM_ACTIONS.attachUserPolicy,
        type: 'policy',
        ids: union(bodyIds(raw, 'policyIds'), source?.policyIds ?? []),
      },
      { action: IAM_ACTIONS.addUserToGroup, type: 'group', ids: union(bodyIds(raw, 'groupIds'), copiedGroups) },
    ];
  }

  private async record(
    accountId: string,
    name: string,
    password: string,
    fields: Partial<User> & Pick<User, 'kind'>,
    by: Actor,
  ) {
    const now = this.deps.clock.now();
    return {
      accountId,
      name,
      state: 'active' as const,
      email: null,
      phone: null,
      timezone: null,
      lastLoginAt: null,
      passwordChangedAt: now,
      reuseRestriction: this.deps.defaultReuseRestriction,
      mustChangePassword: false,
      passwordHash: await this.deps.passwords.hash(password),
      passwordHistory: [],
      mfa: { secret: null, enrolled: false, recoveryCodeHashes: [] },
      consoleIpControl: { enabled: false, entries: [] },
      policyIds: [],
      keySecurity: {
        acceptedMethods: ['authkey', 'tempkey'] as Array<'authkey' | 'tempkey'>,
        ipControl: { enabled: false, entries: [] },
      },
      ...fields,
      createdBy: by,
    };
  }

  async get(accountId: string, id: string): Promise<UserView> {
    return this.view(await mustGet(this.deps.store.users, 'user', accountId, id));
  }

  async list(accountId: string, query: unknown) {
    return pageOf(await this.deps.store.users.list(accountId, parseListQuery(query, this.deps.limits)), (u) =>
      this.view(u),
    );
  }

  /**
   * Compare-and-swap on `version`; disabling publishes `user:<id>` (ENT-5). The root user (ENT-8) stays
   * active and only edits itself: an IAM administrator is a lesser principal than root and must not be able
   * to flag root's password for change or rewrite its contacts.
   */
  async update(accountId: string, id: string, input: unknown, by: Actor): Promise<UserView> {
    const { version, name: _immutable, ...rest } = parseInput(this.updateSchema, input);
    const current = await mustGet(this.deps.store.users, 'user', accountId, id);
    if (current.kind === 'root' && (rest.state === 'disabled' || by !== current.id))
      throw appError('ROOT_USER_PROTECTED', { id });
    const patch = defined(rest);
    const keys = rest.state === 'disabled' && current.state !== 'disabled' ? [revocationKeys.user(id)] : [];
    return this.view(
      await withRevocation(this.deps, keys, () => this.deps.store.users.update(accountId, id, version, patch, by)),
    );
  }

  async delete(accountId: string, id: string, by: Actor): Promise<void> {
    const result = await this.bulkDelete(accountId, [id], by);
    if (result.notFound.length > 0) throw appError('NOT_FOUND', { kind: 'user', id });
    if (result.refused.length > 0) throw appError('ROOT_USER_PROTECTED', { id });
  }

  /** TEN-7; the root user is refused, memberships are removed and `user:<id>` is published for each. */
  async bulkDelete(accountId: string, ids: readonly string[], by: Actor): Promise<BulkResult> {
    const { store } = this.deps;
    const candidates = (await Promise.all(ids.map((id) => store.users.get(accountId, id)))).filter(
      (u) => u !== null && u.kind === 'iam',
    );
    const keys = candidates.map((u) => revocationKeys.user((u as User).id));
    const { entities, ...result } = await withRevocation(this.deps, keys, () =>
      bulkDeleteEntities(store.users, accountId, ids, (u) => (u.kind === 'root' ? 'ROOT_USER_PROTECTED' : null)),
    );
    for (const user of entities) await removeFromGroups(store, accountId, user.id, by);
    return result;
  }

  async attachPolicies(accountId: string, id: string, input: unknown, by: Actor): Promise<UserView> {
    const guard = (u: User) => {
      if (u.kind === 'root') throw appError('ROOT_USER_PROTECTED', { id });
    };
    return this.view(await attachPolicyIds(this.deps, this.deps.store.users, 'user', accountId, id, input, by, guard));
  }

  async detachPolicy(accountId: string, id: string, policyId: string, by: Actor): Promise<UserView> {
    return this.view(
      await detachPolicyId(this.deps, this.deps.store.users, 'user', accountId, id, policyId, by, [
        revocationKeys.user(id),
      ]),
    );
  }
}

async function removeFromGroups(store: Store, accountId: string, userId: string, by: Actor): Promise<void> {
  for (const g of await listAll(store.groups, accountId, { memberId: userId })) {
    await store.groups.mutate(accountId, g.id, by, (cur) =>
      cur.memberIds.includes(userId) ? { memberIds: cur.memberIds.filter((m) => m !== userId) } : null,
    );
  }
}
