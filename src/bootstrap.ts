import type { Gateway } from './app.js';

/**
 * First start with an empty store: create one account with a root user (ENT-8) so a fresh `npm start` has
 * someone who can log in. The root password comes from config (IAMGW_BOOTSTRAP_ROOT_PASSWORD) or is
 * generated and returned to the caller, which prints it once; it is never logged or stored in clear.
 * Running it on a non-empty store does nothing, so restarts and several instances starting together are
 * safe (a lost race on the alias is an ALREADY_EXISTS the caller can ignore).
 */
export interface BootstrapResult {
  accountId: string;
  alias: string | null;
  rootUserName: string;
  /** Set only when the password was generated here. */
  generatedPassword: string | null;
  loginUrl: string;
}

export const ROOT_USER_NAME = 'root';

export async function bootstrapIfEmpty(gw: Pick<Gateway, 'config' | 'store' | 'passwords' | 'ids'>): Promise<BootstrapResult | null> {
  const { config, store, passwords, ids } = gw;
  if ((await store.accounts.countAll()) > 0) return null;
  const accountId = ids.hex32();
  const alias = config.bootstrap.accountAlias || null;
  const identity = { username: ROOT_USER_NAME, accountId, ...(alias ? { accountAlias: alias } : {}) };
  const given = config.bootstrap.rootPassword;
  if (given) await passwords.validateNewPassword(given, identity);
  const password = given || passwords.generate(identity);
  const passwordHash = await passwords.hash(password);

  await store.accounts.create({ id: accountId, accountId, name: alias ?? 'default', alias, rootUserId: null, settings: { mfaRequired: false }, createdBy: 'bootstrap' });
  const root = await store.users.create({
    accountId,
    name: ROOT_USER_NAME,
    kind: 'root',
    state: 'active',
    email: config.bootstrap.rootEmail ? { value: config.bootstrap.rootEmail, verified: false } : null,
    phone: null,
    timezone: null,
    lastLoginAt: null,
    passwordChangedAt: null,
    reuseRestriction: config.passwords.defaultReuseRestriction,
    mustChangePassword: false,
    passwordHash,
    passwordHistory: [],
    mfa: { secret: null, enrolled: false, recoveryCodeHashes: [] },
    consoleIpControl: { enabled: false, entries: [] },
    policyIds: [],
    keySecurity: { acceptedMethods: ['authkey', 'tempkey'], ipControl: { enabled: false, entries: [] } },
    createdBy: 'bootstrap',
  });
  await store.accounts.mutate(accountId, accountId, 'bootstrap', () => ({ rootUserId: root.id }));
  const base = config.http.publicUrl.replace(/\/$/, '');
  return {
    accountId,
    alias,
    rootUserName: ROOT_USER_NAME,
    generatedPassword: given ? null : password,
    loginUrl: alias ? `${base}/login/${alias}` : `${base}/login?account=${accountId}`,
  };
}
