/**
 * Accounts (TEN-1, TEN-3, ENT-8, ENT-9): creating an account creates its root user and seeds the built-in
 * policies; the alias is globally unique, changing or removing it takes effect at once (the login page
 * resolves aliases through `findForLogin` on every request, nothing caches them), and a freed alias can be
 * taken by another account straight away (the store's unique index ignores `null`).
 */
import { z } from 'zod';
import type { Account } from '../store/ports.js';
import { ensureBuiltinPolicies } from './builtin-policies.js';
import { loginUrlOf, mustGet, type Actor, type IamDeps } from './common.js';
import type { UserService, LoginInfo } from './users.js';
import { NAME_RULES, aliasRule, parseInput, versionRule } from './validation.js';

export const ROOT_USER_NAME = 'root';

const createSchema = z.strictObject({
  name: NAME_RULES.account,
  alias: aliasRule.nullable().optional(),
  rootEmail: z.string().max(254).optional(),
  rootPassword: z.string().optional(),
});

export type CreateAccountInput = z.input<typeof createSchema>;

export interface AccountView {
  id: string;
  name: string;
  alias: string | null;
  rootUserId: string | null;
  loginUrl: string;
  version: number;
  createdAt: number;
  createdBy: string;
  modifiedAt: number;
  modifiedBy: string;
}

export interface AccountSummary {
  users: number;
  groups: number;
  policies: number;
  roles: number;
  credentialProviders: number;
  projects: number;
}

export class AccountService {
  constructor(
    private readonly deps: IamDeps,
    private readonly users: UserService,
  ) {}

  loginUrl(account: Pick<Account, 'id' | 'alias'>): string {
    return loginUrlOf(this.deps.publicUrl, account);
  }

  view(a: Account): AccountView {
    const { id, name, alias, rootUserId, version, createdAt, createdBy, modifiedAt, modifiedBy } = a;
    return {
      id,
      name,
      alias,
      rootUserId,
      loginUrl: this.loginUrl(a),
      version,
      createdAt,
      createdBy,
      modifiedAt,
      modifiedBy,
    };
  }

  /** A new tenant with its root user (password given or generated, shown once) and the built-in policies. */
  async create(input: unknown, by: Actor): Promise<{ account: AccountView; root: LoginInfo }> {
    const data = parseInput(createSchema, input);
    const { store, ids } = this.deps;
    const accountId = ids.hex32();
    // Checked before anything is written, so a refused root password leaves no half-made account.
    const password = await this.users.choosePassword(data.rootPassword, {
      username: ROOT_USER_NAME,
      accountId,
      accountAlias: data.alias ?? undefined,
    });
    await store.accounts.create({
      id: accountId,
      accountId,
      name: data.name,
      alias: data.alias ?? null,
      rootUserId: null,
      settings: { mfaRequired: false },
      createdBy: by,
    });
    const root = await this.users.createRoot(accountId, ROOT_USER_NAME, password, data.rootEmail ?? null, by);
    const account = await store.accounts.mutate(accountId, accountId, by, () => ({ rootUserId: root.id }));
    await ensureBuiltinPolicies(store, accountId, by);
    return {
      account: this.view(account),
      root: {
        accountId,
        username: ROOT_USER_NAME,
        password: password.generated ? password.value : null,
        loginUrl: this.loginUrl(account),
      },
    };
  }

  async get(accountId: string): Promise<AccountView> {
    return this.view(await mustGet(this.deps.store.accounts, 'account', accountId, accountId));
  }

  /** TEN-3: sets or changes the alias; the old one stops resolving at once and is free for others. */
  async setAlias(accountId: string, input: unknown, by: Actor): Promise<AccountView> {
    const data = parseInput(z.strictObject({ alias: aliasRule, version: versionRule.optional() }), input);
    return this.writeAlias(accountId, data.alias, data.version, by);
  }

  /** TEN-3: alias login is disabled; `/login?account=<id>` keeps working. */
  async removeAlias(accountId: string, by: Actor): Promise<AccountView> {
    return this.writeAlias(accountId, null, undefined, by);
  }

  private async writeAlias(
    accountId: string,
    alias: string | null,
    version: number | undefined,
    by: Actor,
  ): Promise<AccountView> {
    const { accounts } = this.deps.store;
    const updated =
      version === undefined
        ? await accounts.mutate(accountId, accountId, by, (a) => (a.alias === alias ? null : { alias }))
        : await accounts.update(accountId, accountId, version, { alias }, by);
    return this.view(updated);
  }

  /** The account a login URL names (TEN-3), or null: an old or removed alias no longer resolves. */
  async findForLogin(ref: { alias: string } | { accountId: string }): Promise<Account | null> {
    const { accounts } = this.deps.store;
    return 'alias' in ref ? accounts.getByAlias(ref.alias) : accounts.get(ref.accountId, ref.accountId);
  }

  /** ENT-9 service home counts. */
  async summary(accountId: string): Promise<AccountSummary> {
    const { store } = this.deps;
    const account = await mustGet(store.accounts, 'account', accountId, accountId);
    const [users, groups, policies, roles, credentialProviders, projects] = await Promise.all([
      store.users.count(accountId),
      store.groups.count(accountId),
      store.policies.count(accountId),
      store.roles.count(accountId),
      store.providers.count(accountId),
      store.projects.count(accountId),
    ]);
    // The root user is the account itself, not an IAM user (ENT-8): the home counts IAM users.
    return {
      users: users - (account.rootUserId === null ? 0 : 1),
      groups,
      policies,
      roles,
      credentialProviders,
      projects,
    };
  }
}
