import type { Account, AccountRepository } from '../store/ports.js';

/**
 * TEN-3: the login URL names the account by alias (`/login/{alias}`) or id (`/login?account={id}`). Every
 * lookup goes to the store, never to a cache, so a changed alias stops working at once and a freed alias
 * can be taken by another account straight away.
 */
const ACCOUNT_ID = /^[0-9a-f]{32}$/;
const ALIAS = /^[a-z0-9-]{3,63}$/;

export async function accountByAlias(accounts: AccountRepository, alias: string): Promise<Account | null> {
  return ALIAS.test(alias) ? accounts.getByAlias(alias) : null;
}

/** `?account=` takes the id; an alias is accepted too, because people type what they remember. */
export async function accountByReference(accounts: AccountRepository, ref: string): Promise<Account | null> {
  if (ACCOUNT_ID.test(ref)) return accounts.get(ref, ref);
  return accountByAlias(accounts, ref);
}

/** The account's login page path (alias form when it has one). */
export function loginPath(account: Pick<Account, 'id' | 'alias'>): string {
  return account.alias ? `/login/${account.alias}` : `/login?account=${account.id}`;
}
